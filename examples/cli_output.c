#include "cli_output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_output_init(cli_output *o, int csv)
{
	memset(o, 0, sizeof *o);
	o->csv = csv;
}

void cli_output_free(cli_output *o)
{
	free(o->buf);
	free(o->fields);
	memset(o, 0, sizeof *o);
}

static int put(cli_output *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 65536;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->buf, cap);
		if (!p)
			return -1;
		o->buf = p;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	return 0;
}

static int puts_(cli_output *o, const char *s)
{
	return put(o, s, strlen(s));
}

/* RFC 4180: quote when needed, double the quotes. */
static int put_csv_text(cli_output *o, const char *s)
{
	if (!strpbrk(s, ",\"\r\n"))
		return puts_(o, s);
	if (put(o, "\"", 1) < 0)
		return -1;
	for (const char *p = s; *p; p++)
		if ((*p == '"' && put(o, "\"", 1) < 0) || put(o, p, 1) < 0)
			return -1;
	return put(o, "\"", 1);
}

/* The columns: the kind's fields as the library lists them (however many), once. */
static int load_fields(cli_output *o, billtap_record_kind kind)
{
	if (o->fields)
		return 0;
	int n = billtap_record_kind_fields(NULL, 0, kind);
	if (n < 0)
		return -1;
	o->fields = calloc((size_t)n + 1, sizeof *o->fields);
	if (!o->fields)
		return -1;
	o->field_count = (size_t)billtap_record_kind_fields(o->fields, (size_t)n, kind);
	return 0;
}

static int csv_header(cli_output *o, const billtap_record *rec)
{
	for (size_t i = 0; i < o->field_count; i++)
		if ((i && put(o, ",", 1) < 0) || puts_(o, billtap_field_name(o->fields[i])) < 0)
			return -1;
	const char *member;
	if (billtap_record_kind_nested(&member, billtap_record_kind_of(rec)) &&
	    (put(o, ",", 1) < 0 || puts_(o, member) < 0))
		return -1;
	if (o->tombstones && puts_(o, ",tombstone") < 0)
		return -1;
	return put(o, "\n", 1);
}

static int csv_value(cli_output *o, const billtap_record *rec, billtap_field f)
{
	const char *s;
	int64_t v;
	char tmp[48];
	switch (billtap_field_type_of(f)) {
	case BILLTAP_TYPE_STRING:
		return billtap_record_get_str(&s, rec, f) == 0 ? put_csv_text(o, s) : 0;
	case BILLTAP_TYPE_BOOL:
		return billtap_record_get_int(&v, rec, f) == 0 ? puts_(o, v ? "true" : "false") : 0;
	case BILLTAP_TYPE_TIME:
		if (billtap_record_get_int(&v, rec, f) != 0)
			return 0;
		billtap_time_format(tmp, sizeof tmp, v);
		return puts_(o, tmp);
	default:
		if (billtap_record_get_int(&v, rec, f) != 0)
			return 0;
		snprintf(tmp, sizeof tmp, "%lld", (long long)v);
		return puts_(o, tmp);
	}
}

/* Nested records (subscription items, invoice lines) go in one cell as a JSON array of
 * their normalized JSON: CSV has no nesting. */
static int csv_items(cli_output *o, const billtap_record *rec)
{
	size_t n = billtap_record_item_count(rec);
	size_t total = 2;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		billtap_record_json(billtap_record_item(rec, i), &len);
		total += len + 1;
	}
	char *arr = malloc(total + 1);
	if (!arr)
		return -1;
	size_t at = 0;
	arr[at++] = '[';
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *j = billtap_record_json(billtap_record_item(rec, i), &len);
		if (!j) {
			free(arr);
			return -1;
		}
		if (i)
			arr[at++] = ',';
		memcpy(arr + at, j, len);
		at += len;
	}
	arr[at++] = ']';
	arr[at] = '\0';
	int rc = put_csv_text(o, arr);
	free(arr);
	return rc;
}

static int record_into(cli_output *o, const billtap_record *rec);

/* Appends one record; on failure nothing of it stays in the buffer. */
int cli_output_record(cli_output *o, const billtap_record *rec)
{
	size_t start = o->len;
	int header_done = o->header_done;
	if (record_into(o, rec) == 0)
		return 0;
	o->len = start;
	o->header_done = header_done;
	return -1;
}

static int record_into(cli_output *o, const billtap_record *rec)
{
	if (!o->csv) {
		size_t len;
		const char *json = billtap_record_json(rec, &len);
		if (!json || put(o, json, len) < 0 || put(o, "\n", 1) < 0)
			return -1;
		return 0;
	}
	if (load_fields(o, billtap_record_kind_of(rec)) < 0)
		return -1;
	if (!o->header_done) {
		if (csv_header(o, rec) < 0)
			return -1;
		o->header_done = 1;
	}
	for (size_t i = 0; i < o->field_count; i++)
		if ((i && put(o, ",", 1) < 0) || csv_value(o, rec, o->fields[i]) < 0)
			return -1;
	if (billtap_record_kind_nested(NULL, billtap_record_kind_of(rec)) &&
	    (put(o, ",", 1) < 0 || csv_items(o, rec) < 0))
		return -1;
	if (o->tombstones && puts_(o, billtap_record_deleted(rec) ? ",true" : ",false") < 0)
		return -1;
	return put(o, "\n", 1);
}

int cli_output_flush(cli_output *o, cli_dest *d)
{
	int rc = cli_dest_write(d, o->buf, o->len);
	if (rc == 0)
		o->len = 0;
	return rc;
}
