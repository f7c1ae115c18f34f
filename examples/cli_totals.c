/*
 * Sums an extraction without ever holding it: each record adds its money fields to the
 * totals of its group (month of created_at in UTC, currency and its exponent, record
 * kind, transaction kind). Amounts stay integers of minor units; only the printed sum
 * puts the decimal point where the record's currency_exponent says. Which fields are
 * money comes from the library (billtap_field_type_of), so new amounts are summed too.
 */
#include "cli_totals.h"

#include <billtap.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exit.h"
#include "cli_map.h"
#include "cli_rows.h"

/* One total: the records of a group (field "") or the values of one money field. */
typedef struct total {
	long long records, values;
	int64_t sum;
} total;

typedef struct totals {
	const char *date; /* --date FIELD, or NULL: created_at, else occurred_at */
	int whole;        /* --whole: every month in one group, "all" */
	cli_map map;
	char key[512];
	size_t key_len;
} totals;

/* "2025-07" from an RFC 3339 created_at. */
static int month_of(char out[8], const char *created)
{
	int64_t t;
	char buf[40];
	if (!created || billtap_time_parse(&t, created) < 0 ||
	    billtap_time_format(buf, sizeof buf, t) < 7)
		return -1;
	memcpy(out, buf, 7);
	out[7] = '\0';
	return 0;
}

static int parse_int(int64_t *out, const char *s)
{
	char *end;
	if (!s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* The group key, NUL-separated: month, currency, exponent, kind, transaction kind; then
 * the field ("" for the group's record count). */
static void group_key(totals *t, const char *month, const char *currency, const char *exponent,
                      const char *object, const char *kind)
{
	const char *parts[] = {month, currency, exponent, object, kind};
	t->key_len = 0;
	for (size_t i = 0; i < 5; i++) {
		size_t n = strlen(parts[i]);
		if (n > 80)
			n = 80;
		memcpy(t->key + t->key_len, parts[i], n);
		t->key_len += n;
		t->key[t->key_len++] = '\0';
	}
}

static total *slot_for(totals *t, const char *field)
{
	size_t n = strlen(field), len = t->key_len + n;
	if (n > 100)
		return NULL;
	memcpy(t->key + t->key_len, field, n);
	int added;
	cli_map_slot *s = cli_map_put(&t->map, t->key, len, &added);
	if (!s)
		return NULL;
	if (added && !(s->value = calloc(1, sizeof(total))))
		return NULL;
	return s->value;
}

static int add_row(totals *t, cli_rows *rows, const cli_row *row)
{
	const cli_cell *created = cli_row_cell(row, t->date ? t->date : "created_at");
	if (!t->date && !created)
		created = cli_row_cell(row, "occurred_at"); /* transactions have no created_at */
	const cli_cell *currency = cli_row_cell(row, "currency");
	const cli_cell *exponent = cli_row_cell(row, "currency_exponent");
	const cli_cell *kind = cli_row_cell(row, "kind");
	char month[8], msg[300];
	if (month_of(month, created ? created->value : NULL) < 0) {
		snprintf(msg, sizeof msg, "%s is missing or not an RFC 3339 time",
		         t->date ? t->date : created ? created->name : "created_at (or occurred_at)");
		cli_rows_error(rows, row->line, msg);
		return CLI_EXIT_PERMANENT;
	}
	int64_t exp = 0;
	const char *cur = currency && currency->value ? currency->value : "-";
	if (currency && currency->value &&
	    (!exponent || parse_int(&exp, exponent->value) < 0 || exp < 0 || exp > 18)) {
		cli_rows_error(rows, row->line, "currency_exponent is missing or not an integer "
		                                "from 0 to 18");
		return CLI_EXIT_PERMANENT;
	}
	if (t->whole)
		memcpy(month, "all", 4);
	group_key(t, month, cur, currency && currency->value ? exponent->value : "-",
	          billtap_record_kind_name(row->kind),
	          kind && kind->value ? kind->value : "-");
	total *g = slot_for(t, "");
	if (!g) {
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	g->records++;
	for (size_t i = 0; i < row->count; i++) {
		const cli_cell *c = &row->cells[i];
		billtap_field f;
		if (billtap_field_from_name(&f, c->name) < 0 ||
		    billtap_field_type_of(f) != BILLTAP_TYPE_MONEY)
			continue;
		total *s = slot_for(t, c->name);
		if (!s) {
			fprintf(stderr, "billtap: out of memory\n");
			return CLI_EXIT_FAILURE;
		}
		if (!c->value)
			continue;
		int64_t v;
		if (parse_int(&v, c->value) < 0) {
			snprintf(msg, sizeof msg, "%s is not an integer of minor units: '%.40s'",
			         c->name, c->value);
			cli_rows_error(rows, row->line, msg);
			return CLI_EXIT_PERMANENT;
		}
		if (!currency || !currency->value) {
			snprintf(msg, sizeof msg, "%s has a value but the record has no currency",
			         c->name);
			cli_rows_error(rows, row->line, msg);
			return CLI_EXIT_PERMANENT;
		}
		if ((v > 0 && s->sum > INT64_MAX - v) || (v < 0 && s->sum < INT64_MIN - v)) {
			snprintf(msg, sizeof msg, "the sum of %s in %s goes beyond 64 bits of minor "
			                          "units", c->name, cur);
			cli_rows_error(rows, row->line, msg);
			return CLI_EXIT_PERMANENT;
		}
		s->sum += v;
		s->values++;
	}
	return 0;
}

/* minor units at `exponent` decimals as exact decimal text: -1234 at 2 is "-12.34". */
static void render(char *out, size_t cap, int64_t minor, int exponent)
{
	char digits[32];
	/* The magnitude as unsigned, so INT64_MIN has one too. */
	uint64_t mag = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)mag);
	size_t at = 0;
	if (minor < 0)
		out[at++] = '-';
	if (exponent == 0) {
		snprintf(out + at, cap - at, "%s", digits);
		return;
	}
	int whole = n - exponent;
	if (whole <= 0) {
		out[at++] = '0';
		out[at++] = '.';
		for (int i = 0; i < -whole; i++)
			out[at++] = '0';
		snprintf(out + at, cap - at, "%s", digits);
		return;
	}
	snprintf(out + at, cap - at, "%.*s.%s", whole, digits, digits + whole);
}

static int compare_slots(const void *a, const void *b)
{
	const cli_map_slot *x = *(cli_map_slot *const *)a, *y = *(cli_map_slot *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);
	return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* The key's parts: month, currency, exponent, object, kind, field. */
static void split_key(const char *parts[6], const cli_map_slot *s)
{
	const char *p = s->key;
	for (int i = 0; i < 6; i++) {
		parts[i] = p;
		p += strlen(p) + 1;
	}
}

static int print_totals(const totals *t)
{
	cli_map_slot **sorted = malloc((t->map.count ? t->map.count : 1) * sizeof *sorted);
	if (!sorted) {
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	size_t n = 0;
	for (size_t i = 0; i < t->map.cap; i++)
		if (t->map.slots[i].key)
			sorted[n++] = &t->map.slots[i];
	qsort(sorted, n, sizeof *sorted, compare_slots);
	printf("month\tcurrency\texponent\tobject\tkind\tfield\trecords\tvalues\tsum\n");
	long long records = 0;
	for (size_t i = 0; i < n; i++) {
		const char *p[6];
		split_key(p, sorted[i]);
		const total *v = sorted[i]->value;
		if (!*p[5]) { /* a group: its record count, then its fields */
			records = v->records;
			if (i + 1 < n && sorted[i + 1]->key_len > sorted[i]->key_len &&
			    !memcmp(sorted[i + 1]->key, sorted[i]->key, sorted[i]->key_len))
				continue;
			printf("%s\t%s\t%s\t%s\t%s\t-\t%lld\t0\t-\n", p[0], p[1], p[2], p[3], p[4],
			       records);
			continue;
		}
		char sum[48];
		render(sum, sizeof sum, v->sum, atoi(p[2]));
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%lld\t%lld\t%s\n", p[0], p[1], p[2], p[3], p[4], p[5],
		       records, v->values, v->values ? sum : "-");
	}
	free(sorted);
	return 0;
}

int cli_totals(int argc, char **argv)
{
	totals t;
	memset(&t, 0, sizeof t);
	for (;;) {
		if (argc >= 1 && !strcmp(argv[0], "--whole")) {
			t.whole = 1;
			argc--;
			argv++;
			continue;
		}
		if (argc < 2 || strcmp(argv[0], "--date"))
			break;
		billtap_field f;
		if (billtap_field_from_name(&f, argv[1]) < 0 ||
		    billtap_field_type_of(f) != BILLTAP_TYPE_TIME) {
			fprintf(stderr, "billtap: totals --date: '%s' is not a time field (created_at, "
			                "occurred_at, paid_at, ...)\n",
			        argv[1]);
			return CLI_EXIT_USAGE;
		}
		t.date = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1) {
		fprintf(stderr, "billtap: totals needs one or more files (JSON lines or CSV from "
		                "billtap extract; - for standard input): billtap totals [--date "
		                "FIELD] [--whole] FILE...\n");
		return CLI_EXIT_USAGE;
	}
	int status = 0;
	for (int i = 0; i < argc && !status; i++) {
		cli_rows *rows;
		const cli_row *row;
		status = cli_rows_open(&rows, argv[i]);
		while (!status && (status = cli_rows_next(&row, rows)) == 0)
			status = add_row(&t, rows, row);
		if (status == 1)
			status = 0;
		cli_rows_close(rows);
	}
	if (!status)
		status = print_totals(&t);
	for (size_t i = 0; i < t.map.cap; i++)
		free(t.map.slots[i].value);
	cli_map_free(&t.map);
	return status;
}
