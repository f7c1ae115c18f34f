#include "cli_rows.h"

#include <billtap/provider.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exit.h"

struct cli_rows {
	const char *path;
	FILE *f;
	int csv;
	long line;          /* lines consumed so far */
	int pending;        /* a byte read ahead (format detection, "\r" handling), or EOF-1 */
	billtap_json *doc;  /* JSON lines: the parsed line */
	char *linebuf;      /* JSON lines: the line */
	size_t linecap;
	/* The current record: its cells' text, NUL-separated, and the cells. Names and values
	 * are kept as offsets while the buffer grows, then turned into pointers. */
	char *text;
	size_t len, cap;
	size_t *offs;       /* per cell: name offset, value offset (SIZE_MAX: null), quoted */
	size_t ncell, cellcap;
	cli_cell *cells;
	cli_row row;
	/* CSV: the header's names (static, from the library, or the nested member). */
	const char **columns;
	size_t column_count;
	billtap_record_kind csv_kind;
};

#define NO_VALUE ((size_t)-1)

void cli_rows_error(const cli_rows *r, long line, const char *message)
{
	fprintf(stderr, "billtap: %s:%ld: %s\n", strcmp(r->path, "-") ? r->path : "standard input",
	        line, message);
}

const char *cli_rows_format(const cli_rows *r)
{
	return r->csv ? "csv" : "jsonl";
}

const char *cli_rows_path(const cli_rows *r)
{
	return r->path;
}

const cli_cell *cli_row_cell(const cli_row *row, const char *name)
{
	for (size_t i = 0; i < row->count; i++)
		if (!strcmp(row->cells[i].name, name))
			return &row->cells[i];
	return NULL;
}

/* ---- the record's text buffer ---- */

static int put(cli_rows *r, const char *s, size_t n)
{
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *p = realloc(r->text, cap);
		if (!p)
			return -1;
		r->text = p;
		r->cap = cap;
	}
	memcpy(r->text + r->len, s, n);
	r->len += n;
	return 0;
}

static int putc_(cli_rows *r, char c)
{
	return put(r, &c, 1);
}

/* Adds a cell: name (copied), value[0..n) (copied; NULL: null). */
static int add_cell(cli_rows *r, const char *name, const char *value, size_t n, int quoted)
{
	if (r->ncell == r->cellcap) {
		size_t cap = r->cellcap ? r->cellcap * 2 : 32;
		size_t *p = realloc(r->offs, cap * 3 * sizeof *p);
		if (!p)
			return -1;
		r->offs = p;
		r->cellcap = cap;
	}
	size_t *o = &r->offs[r->ncell * 3];
	o[0] = r->len;
	if (put(r, name, strlen(name) + 1) < 0)
		return -1;
	o[1] = NO_VALUE;
	if (value) {
		o[1] = r->len;
		if (put(r, value, n) < 0 || putc_(r, '\0') < 0)
			return -1;
	}
	o[2] = (size_t)quoted;
	r->ncell++;
	return 0;
}

static int finish_row(cli_rows *r, billtap_record_kind kind, long line)
{
	free(r->cells);
	r->cells = calloc(r->ncell + 1, sizeof *r->cells);
	if (!r->cells)
		return -1;
	r->row.kind = kind;
	r->row.line = line;
	r->row.id = NULL;
	r->row.count = r->ncell;
	r->row.cells = r->cells;
	for (size_t i = 0; i < r->ncell; i++) {
		size_t *o = &r->offs[i * 3];
		r->cells[i].name = r->text + o[0];
		r->cells[i].value = o[1] == NO_VALUE ? NULL : r->text + o[1];
		r->cells[i].quoted = (int)o[2];
		if (!strcmp(r->cells[i].name, "id"))
			r->row.id = r->cells[i].value;
	}
	return 0;
}

static void clear_row(cli_rows *r)
{
	r->len = 0;
	r->ncell = 0;
}

/* ---- JSON lines ---- */

static int oom(void)
{
	fprintf(stderr, "billtap: out of memory\n");
	return CLI_EXIT_FAILURE;
}

static int read_error(const cli_rows *r)
{
	fprintf(stderr, "billtap: cannot read %s: %s\n", r->path, strerror(errno));
	return CLI_EXIT_LOCAL_IO;
}

/* One member of a JSON line as a cell. */
static int json_cell(cli_rows *r, const char *name, billtap_json_ref v, long line)
{
	const char *text;
	size_t n;
	billtap_json_type t = billtap_json_typeof(r->doc, v);
	if (t == BILLTAP_JSON_NULL)
		return add_cell(r, name, NULL, 0, 0) < 0 ? oom() : 0;
	billtap_json_text(&text, &n, r->doc, v);
	if (t != BILLTAP_JSON_STRING)
		return add_cell(r, name, text, n, 0) < 0 ? oom() : 0;
	char *dec = malloc(n + 1);
	size_t dn;
	if (!dec)
		return oom();
	billtap_json_str_decode(dec, n + 1, &dn, r->doc, v);
	if (memchr(dec, '\0', dn)) {
		free(dec);
		char msg[200];
		snprintf(msg, sizeof msg, "member \"%s\" holds \\u0000, which no extraction writes",
		         name);
		cli_rows_error(r, line, msg);
		return CLI_EXIT_PERMANENT;
	}
	int rc = add_cell(r, name, dec, dn, 1);
	free(dec);
	return rc < 0 ? oom() : 0;
}

static int next_json(const cli_row **row, cli_rows *r)
{
	ssize_t n;
	errno = 0;
	do {
		n = getline(&r->linebuf, &r->linecap, r->f);
		if (n < 0)
			return ferror(r->f) ? read_error(r) : 1;
		r->line++;
	} while (n == 1 && r->linebuf[0] == '\n');
	long line = r->line;
	if (n > 0 && r->linebuf[n - 1] == '\n')
		n--;
	if (billtap_json_parse(r->doc, r->linebuf, (size_t)n) < 0) {
		char msg[300];
		snprintf(msg, sizeof msg, "not a JSON line: %s", billtap_json_error(r->doc));
		cli_rows_error(r, line, msg);
		return CLI_EXIT_PERMANENT;
	}
	billtap_json_ref root = billtap_json_root(r->doc);
	if (billtap_json_typeof(r->doc, root) != BILLTAP_JSON_OBJECT) {
		cli_rows_error(r, line, "not a JSON object");
		return CLI_EXIT_PERMANENT;
	}
	billtap_json_ref obj = billtap_json_get(r->doc, root, "object");
	char kind_name[64];
	size_t kn;
	billtap_record_kind kind;
	if (billtap_json_str_decode(kind_name, sizeof kind_name, &kn, r->doc, obj) < 0 ||
	    billtap_record_kind_from_name(&kind, kind_name) < 0) {
		cli_rows_error(r, line, "has no \"object\" member naming a record kind (customer, "
		                        "plan, subscription, transaction, invoice, ...)");
		return CLI_EXIT_PERMANENT;
	}
	clear_row(r);
	char name[128];
	for (billtap_json_ref k = billtap_json_first(r->doc, root); k != BILLTAP_JSON_NONE;
	     k = billtap_json_next(r->doc, k)) {
		size_t nn;
		if (billtap_json_str_decode(name, sizeof name, &nn, r->doc, k) < 0 ||
		    memchr(name, '\0', nn)) {
			cli_rows_error(r, line, "has a member name that is no field's");
			return CLI_EXIT_PERMANENT;
		}
		if (!strcmp(name, "object"))
			continue;
		int status = json_cell(r, name, billtap_json_value_of(r->doc, k), line);
		if (status)
			return status;
	}
	if (finish_row(r, kind, line) < 0)
		return oom();
	*row = &r->row;
	return 0;
}

/* ---- CSV (RFC 4180) ---- */

static int get(cli_rows *r)
{
	int c;
	if (r->pending != EOF - 1) {
		c = r->pending;
		r->pending = EOF - 1;
	} else
		c = getc(r->f);
	if (c == '\n')
		r->line++;
	return c;
}

static void unget(cli_rows *r, int c)
{
	if (c == '\n')
		r->line--;
	r->pending = c;
}

/*
 * Reads one CSV record's cells into the buffer as raw strings (the offsets in offs, name
 * offsets unused): 0, 1 at the end of the file, or an exit code. *start receives the line
 * the record starts on. Quoted cells may hold commas, doubled quotes and line breaks.
 */
static int csv_record(cli_rows *r, long *start)
{
	clear_row(r);
	int c = get(r);
	while (c == '\n' || c == '\r') /* blank lines between records */
		c = get(r);
	if (c == EOF)
		return ferror(r->f) ? read_error(r) : 1;
	*start = r->line + 1;
	for (;;) {
		/* One cell. */
		size_t at = r->len;
		int quoted = 0;
		if (c == '"') {
			quoted = 1;
			for (;;) {
				c = get(r);
				if (c == EOF) {
					if (ferror(r->f))
						return read_error(r);
					cli_rows_error(r, *start, "a quoted cell is not closed before the end "
					                          "of the file");
					return CLI_EXIT_PERMANENT;
				}
				if (c == '"') {
					c = get(r);
					if (c != '"')
						break; /* the closing quote */
				}
				if (putc_(r, (char)c) < 0)
					return oom();
			}
		} else {
			while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
				if (c == '"') {
					cli_rows_error(r, r->line + 1, "a quote inside an unquoted cell (RFC "
					                               "4180 quotes the whole cell)");
					return CLI_EXIT_PERMANENT;
				}
				if (putc_(r, (char)c) < 0)
					return oom();
				c = get(r);
			}
		}
		if (putc_(r, '\0') < 0)
			return oom();
		if (r->ncell == r->cellcap) {
			size_t cap = r->cellcap ? r->cellcap * 2 : 32;
			size_t *p = realloc(r->offs, cap * 3 * sizeof *p);
			if (!p)
				return oom();
			r->offs = p;
			r->cellcap = cap;
		}
		r->offs[r->ncell * 3 + 1] = at;
		r->offs[r->ncell * 3 + 2] = (size_t)quoted;
		r->ncell++;
		if (c == ',') {
			c = get(r);
			continue;
		}
		if (c == '\r') {
			c = get(r);
			if (c != '\n' && c != EOF)
				unget(r, c);
			return 0;
		}
		if (c == '\n' || c == EOF)
			return c == EOF && ferror(r->f) ? read_error(r) : 0;
		cli_rows_error(r, r->line + 1, "a closing quote is followed by something other "
		                               "than a comma or the end of the line");
		return CLI_EXIT_PERMANENT;
	}
}

/* The record kind whose fields (and nested member) the header names: every column must
 * be one of them; among kinds that fit, the one with the fewest fields left out (a file
 * written by an older library lacks newer fields). */
static int csv_header(cli_rows *r)
{
	long line;
	int rc = csv_record(r, &line);
	if (rc == 1) {
		cli_rows_error(r, 1, "the file is empty: no CSV header");
		return CLI_EXIT_PERMANENT;
	}
	if (rc)
		return rc;
	r->column_count = r->ncell;
	r->columns = calloc(r->ncell, sizeof *r->columns);
	if (!r->columns)
		return oom();
	billtap_record_kind best = 0;
	int best_missing = -1, ties = 0;
	for (int k = 1; billtap_record_kind_name((billtap_record_kind)k); k++) {
		billtap_field fields[256];
		int n = billtap_record_kind_fields(fields, 256, (billtap_record_kind)k);
		const char *member = NULL;
		billtap_record_kind_nested(&member, (billtap_record_kind)k);
		size_t matched = 0;
		for (size_t i = 0; i < r->ncell; i++) {
			const char *col = r->text + r->offs[i * 3 + 1];
			int found = member && !strcmp(col, member);
			for (int j = 0; !found && j < n && j < 256; j++)
				found = !strcmp(col, billtap_field_name(fields[j]));
			matched += (size_t)found;
		}
		if (matched != r->ncell)
			continue;
		int missing = n + (member ? 1 : 0) - (int)matched;
		if (best_missing < 0 || missing < best_missing) {
			best = (billtap_record_kind)k;
			best_missing = missing;
			ties = 0;
		} else if (missing == best_missing)
			ties++;
	}
	if (!best || ties) {
		cli_rows_error(r, line, best ? "the CSV header fits more than one record kind"
		                             : "the CSV header is not the fields of a record kind "
		                               "(the first line of billtap extract --format csv)");
		return CLI_EXIT_PERMANENT;
	}
	r->csv_kind = best;
	billtap_field fields[256];
	int n = billtap_record_kind_fields(fields, 256, best);
	const char *member = NULL;
	billtap_record_kind_nested(&member, best);
	for (size_t i = 0; i < r->ncell; i++) {
		const char *col = r->text + r->offs[i * 3 + 1];
		for (int j = 0; j < n && j < 256; j++)
			if (!strcmp(col, billtap_field_name(fields[j])))
				r->columns[i] = billtap_field_name(fields[j]);
		if (!r->columns[i])
			r->columns[i] = member;
		for (size_t p = 0; p < i; p++)
			if (r->columns[p] == r->columns[i]) {
				cli_rows_error(r, line, "the CSV header names a field twice");
				return CLI_EXIT_PERMANENT;
			}
	}
	return 0;
}

/* A value a quoted JSON string holds in the JSON lines (string and time fields). */
static int csv_quoted(const char *column)
{
	billtap_field f;
	if (billtap_field_from_name(&f, column) < 0)
		return 0; /* the nested member: a JSON array */
	int t = billtap_field_type_of(f);
	return t == BILLTAP_TYPE_STRING || t == BILLTAP_TYPE_TIME;
}

static int next_csv(const cli_row **row, cli_rows *r)
{
	long line;
	int rc = csv_record(r, &line);
	if (rc)
		return rc;
	if (r->ncell != r->column_count) {
		char msg[120];
		snprintf(msg, sizeof msg, "the row has %zu cells, the header %zu", r->ncell,
		         r->column_count);
		cli_rows_error(r, line, msg);
		return CLI_EXIT_PERMANENT;
	}
	/* Move the raw values aside, then add them as named cells. */
	size_t n = r->ncell, raw_len = r->len;
	char *raw = malloc(raw_len ? raw_len : 1);
	size_t *at = malloc((n ? n : 1) * sizeof *at);
	if (!raw || !at) {
		free(raw);
		free(at);
		return oom();
	}
	memcpy(raw, r->text, raw_len);
	for (size_t i = 0; i < n; i++)
		at[i] = r->offs[i * 3 + 1];
	clear_row(r);
	int failed = 0;
	for (size_t i = 0; i < n && !failed; i++) {
		const char *v = raw + at[i];
		failed = add_cell(r, r->columns[i], *v ? v : NULL, strlen(v),
		                  csv_quoted(r->columns[i])) < 0;
	}
	free(raw);
	free(at);
	if (failed || finish_row(r, r->csv_kind, line) < 0)
		return oom();
	*row = &r->row;
	return 0;
}

/* ---- opening ---- */

int cli_rows_open(cli_rows **out, const char *path)
{
	*out = NULL;
	cli_rows *r = calloc(1, sizeof *r);
	if (!r)
		return oom();
	r->path = path;
	r->pending = EOF - 1;
	*out = r;
	r->f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!r->f) {
		fprintf(stderr, "billtap: cannot open %s: %s\n", path, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	int c;
	long blank_lines = 0;
	while ((c = getc(r->f)) == ' ' || c == '\t' || c == '\r' || c == '\n')
		blank_lines += c == '\n';
	if (c == EOF && ferror(r->f))
		return read_error(r);
	ungetc(c, r->f);
	r->line = blank_lines;
	r->csv = c != '{' && c != EOF;
	if (!r->csv)
		return billtap_json_new(&r->doc) < 0 ? oom() : 0;
	return csv_header(r);
}

int cli_rows_next(const cli_row **row, cli_rows *r)
{
	*row = NULL;
	return r->csv ? next_csv(row, r) : next_json(row, r);
}

void cli_rows_close(cli_rows *r)
{
	if (!r)
		return;
	if (r->f && r->f != stdin)
		fclose(r->f);
	billtap_json_free(r->doc);
	free(r->linebuf);
	free(r->text);
	free(r->offs);
	free(r->cells);
	free(r->columns);
	free(r);
}
