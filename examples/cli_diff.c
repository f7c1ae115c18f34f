/*
 * Compares two extractions by (record kind, id) in memory for one side only: the smaller
 * file (by size) is loaded into a table keyed by kind and id, each record packed into
 * one allocation; the other is streamed past it a record at a time. Memory is therefore
 * about the smaller file's size, whatever the larger one's. Output names records only in
 * A, only in B, and changed ones with each differing field and both values; A is always
 * shown first, whichever side was loaded. Nested records (a JSON array in one cell) are
 * equal when their JSON values are, whatever the order of their members.
 */
#include "cli_diff.h"

#include <billtap/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_exit.h"
#include "cli_json_same.h"
#include "cli_map.h"
#include "cli_rows.h"

/* A loaded record: cells packed as name NUL, tag (0 null, 1 value, 2 quoted value),
 * value NUL. */
typedef struct packed {
	long line;
	int matched;
	billtap_record_kind kind;
	size_t count, size;
	char data[];
} packed;

typedef struct diff {
	const char *name[2]; /* A, B */
	int loaded;          /* which side is in the table: 0 (A) or 1 (B) */
	int loose;           /* the formats differ: an empty string equals null (CSV) */
	cli_map table;
	long only[2], changed, equal;
	billtap_json *docs[2]; /* for nested values compared as JSON (cli_json_same) */
} diff;

static int no_memory(void)
{
	fprintf(stderr, "billtap: out of memory\n");
	return CLI_EXIT_LOCAL_IO; /* never 1, which means "different" */
}

/* "KIND\0ID": the key of a record; 0, or an exit code after printing. */
static int key_of(char **key, size_t *len, cli_rows *rows, const cli_row *row)
{
	if (!row->id) {
		cli_rows_error(rows, row->line, "the record has no id");
		return CLI_EXIT_PERMANENT;
	}
	const char *kind = billtap_record_kind_name(row->kind);
	size_t kn = strlen(kind) + 1, in = strlen(row->id);
	if (!(*key = malloc(kn + in + 1)))
		return no_memory();
	memcpy(*key, kind, kn);
	memcpy(*key + kn, row->id, in + 1);
	*len = kn + in;
	return 0;
}

static packed *pack(const cli_row *row)
{
	size_t size = 0;
	for (size_t i = 0; i < row->count; i++)
		size += strlen(row->cells[i].name) + 2 +
		        (row->cells[i].value ? strlen(row->cells[i].value) : 0) + 1;
	packed *p = malloc(sizeof *p + size);
	if (!p)
		return NULL;
	p->line = row->line;
	p->matched = 0;
	p->kind = row->kind;
	p->count = row->count;
	p->size = size;
	char *at = p->data;
	for (size_t i = 0; i < row->count; i++) {
		const cli_cell *c = &row->cells[i];
		size_t n = strlen(c->name) + 1;
		memcpy(at, c->name, n);
		at += n;
		*at++ = (char)(c->value ? 1 + c->quoted : 0);
		n = c->value ? strlen(c->value) : 0;
		memcpy(at, c->value ? c->value : "", n);
		at += n;
		*at++ = '\0';
	}
	return p;
}

/* The packed cell named name: its value (NULL: null) in *value; 0 when absent. */
static int packed_cell(const char **value, int *quoted, const packed *p, const char *name)
{
	const char *at = p->data;
	for (size_t i = 0; i < p->count; i++) {
		const char *n = at;
		at += strlen(at) + 1;
		int tag = *at++;
		if (!strcmp(n, name)) {
			*value = tag ? at : NULL;
			*quoted = tag == 2;
			return 1;
		}
		at += strlen(at) + 1;
	}
	return 0;
}

static int load(diff *d, const char *path)
{
	cli_rows *rows;
	const cli_row *row;
	int status = cli_rows_open(&rows, path);
	while (!status && (status = cli_rows_next(&row, rows)) == 0) {
		char *key;
		size_t len;
		int added;
		if ((status = key_of(&key, &len, rows, row)) != 0)
			break;
		cli_map_slot *s = cli_map_put(&d->table, key, len, &added);
		free(key);
		if (!s) {
			status = no_memory();
			break;
		}
		if (!added) {
			char msg[300];
			snprintf(msg, sizeof msg, "%s %.200s appears twice (first on line %ld)",
			         billtap_record_kind_name(row->kind), row->id,
			         ((packed *)s->value)->line);
			cli_rows_error(rows, row->line, msg);
			status = CLI_EXIT_PERMANENT;
			break;
		}
		if (!(s->value = pack(row)))
			status = no_memory();
	}
	if (status == 1)
		status = 0;
	if (!status)
		d->loose = strcmp(cli_rows_format(rows), "jsonl") != 0;
	cli_rows_close(rows);
	return status;
}

/* A value as it is shown: null, digits, true/false, or a JSON string. */
static void show(const char *v, int quoted)
{
	if (!v) {
		fputs("null", stdout);
		return;
	}
	if (!quoted) {
		fputs(v, stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\r')
			fputs("\\r", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

static int same(diff *d, const char *a, const char *b, int loose)
{
	if (loose) { /* CSV cannot tell "" from null */
		if (a && !*a)
			a = NULL;
		if (b && !*b)
			b = NULL;
	}
	if (a == b || (a && b && !strcmp(a, b)))
		return 1;
	/* Nested records (items, lines) are JSON arrays whose members another extraction
	 * may order differently: equal when their values are. */
	return a && b && *a == '[' && *b == '[' && d->docs[0] && d->docs[1] &&
	       cli_json_same(d->docs[0], a, d->docs[1], b);
}

/* One differing field: "  NAME: VALUE_A | VALUE_B" (absent when a side lacks the field,
 * e.g. an extraction by another library version). */
static void show_change(const char *name, const char *va, int qa, int has_a, const char *vb,
                        int qb, int has_b)
{
	printf("  %s: ", name);
	if (has_a)
		show(va, qa);
	else
		fputs("(absent)", stdout);
	fputs(" | ", stdout);
	if (has_b)
		show(vb, qb);
	else
		fputs("(absent)", stdout);
	putchar('\n');
}

/* Compares a streamed record with its loaded twin; prints it when they differ. */
static void compare(diff *d, const cli_rows *rows, const cli_row *row, const packed *p)
{
	int streamed = !d->loaded, changes = 0;
	int loose = d->loose || strcmp(cli_rows_format(rows), "jsonl") != 0;
	/* The streamed side's cells, then the loaded side's cells the streamed one lacks. */
	for (int pass = 0; pass < 2; pass++) {
		const char *at = p->data;
		size_t n = pass == 0 ? row->count : p->count;
		for (size_t i = 0; i < n; i++) {
			const char *name, *pv = NULL, *sv = NULL;
			int pq = 0, sq = 0, has_p, has_s;
			if (pass == 0) {
				name = row->cells[i].name;
				sv = row->cells[i].value;
				sq = row->cells[i].quoted;
				has_s = 1;
				has_p = packed_cell(&pv, &pq, p, name);
			} else {
				name = at;
				at += strlen(at) + 1;
				int tag = *at++;
				pv = tag ? at : NULL;
				pq = tag == 2;
				at += strlen(at) + 1;
				if (cli_row_cell(row, name))
					continue; /* compared in the first pass */
				has_p = 1;
				has_s = 0;
			}
			if (has_p && has_s && same(d, pv, sv, loose))
				continue;
			if (!changes++)
				printf("changed: %s %s (%s:%ld, %s:%ld)\n", billtap_record_kind_name(row->kind),
				       row->id, d->name[0], streamed == 0 ? row->line : p->line, d->name[1],
				       streamed == 1 ? row->line : p->line);
			if (streamed == 0)
				show_change(name, sv, sq, has_s, pv, pq, has_p);
			else
				show_change(name, pv, pq, has_p, sv, sq, has_s);
		}
	}
	if (changes)
		d->changed++;
	else
		d->equal++;
}

static int stream(diff *d, const char *path)
{
	cli_rows *rows;
	const cli_row *row;
	int side = !d->loaded;
	int status = cli_rows_open(&rows, path);
	while (!status && (status = cli_rows_next(&row, rows)) == 0) {
		char *key;
		size_t len;
		if ((status = key_of(&key, &len, rows, row)) != 0)
			break;
		cli_map_slot *s = cli_map_find(&d->table, key, len);
		free(key);
		if (!s) {
			printf("only in %s: %s %s (line %ld)\n", d->name[side],
			       billtap_record_kind_name(row->kind), row->id, row->line);
			d->only[side]++;
			continue;
		}
		packed *p = s->value;
		if (p->matched) {
			char msg[300];
			snprintf(msg, sizeof msg, "%s %.200s appears twice",
			         billtap_record_kind_name(row->kind), row->id);
			cli_rows_error(rows, row->line, msg);
			status = CLI_EXIT_PERMANENT;
			break;
		}
		p->matched = 1;
		compare(d, rows, row, p);
	}
	if (status == 1)
		status = 0;
	cli_rows_close(rows);
	return status;
}

static int by_line(const void *a, const void *b)
{
	const packed *x = (*(cli_map_slot *const *)a)->value, *y = (*(cli_map_slot *const *)b)->value;
	return (x->line > y->line) - (x->line < y->line);
}

/* The loaded records the streamed side did not have, in their file's order. */
static int leftovers(diff *d)
{
	cli_map_slot **left = malloc((d->table.count ? d->table.count : 1) * sizeof *left);
	if (!left)
		return no_memory();
	size_t n = 0;
	for (size_t i = 0; i < d->table.cap; i++)
		if (d->table.slots[i].key && !((packed *)d->table.slots[i].value)->matched)
			left[n++] = &d->table.slots[i];
	qsort(left, n, sizeof *left, by_line);
	for (size_t i = 0; i < n; i++) {
		const packed *p = left[i]->value;
		printf("only in %s: %s %s (line %ld)\n", d->name[d->loaded],
		       billtap_record_kind_name(p->kind), left[i]->key + strlen(left[i]->key) + 1,
		       p->line);
	}
	d->only[d->loaded] += (long)n;
	free(left);
	return 0;
}

static long long size_of(const char *path)
{
	struct stat st;
	if (!strcmp(path, "-") || stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return -1; /* a pipe: streamed, never loaded */
	return (long long)st.st_size;
}

int cli_diff(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "billtap: diff compares two extractions: billtap diff A B\n");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-")) {
		fprintf(stderr, "billtap: diff: only one side can be standard input\n");
		return CLI_EXIT_USAGE;
	}
	diff d;
	memset(&d, 0, sizeof d);
	d.name[0] = argv[0];
	d.name[1] = argv[1];
	long long sa = size_of(argv[0]), sb = size_of(argv[1]);
	/* Load the smaller regular file; a pipe is always the streamed side. */
	d.loaded = sa < 0 ? 1 : sb < 0 ? 0 : sb < sa;
	if (billtap_json_new(&d.docs[0]) < 0 || billtap_json_new(&d.docs[1]) < 0) {
		billtap_json_free(d.docs[0]);
		return no_memory();
	}
	int status = load(&d, argv[d.loaded]);
	if (!status)
		status = stream(&d, argv[!d.loaded]);
	if (!status)
		status = leftovers(&d);
	/* Out of memory inside the readers is CLI_EXIT_FAILURE (1): not "different" here. */
	if (status == CLI_EXIT_FAILURE)
		status = CLI_EXIT_LOCAL_IO;
	if (!status) {
		printf("%ld only in %s, %ld only in %s, %ld changed, %ld equal\n", d.only[0],
		       d.name[0], d.only[1], d.name[1], d.changed, d.equal);
		status = d.only[0] || d.only[1] || d.changed ? 1 : 0;
	}
	for (size_t i = 0; i < d.table.cap; i++)
		free(d.table.slots[i].value);
	cli_map_free(&d.table);
	billtap_json_free(d.docs[0]);
	billtap_json_free(d.docs[1]);
	return status;
}
