/*
 * json_bench FILE [SECONDS]: parses a Stripe list page over and over with billtap's JSON
 * parser and with jansson, reading the same values each time, and prints the throughput of
 * both and their ratio; then the same for parsing alone. Each measurement runs for about
 * SECONDS (default 1) after a warm-up. Nothing is asserted about timing.
 *
 * The reads are what a provider does with a page: look up every known customer field by
 * key, decode strings, read integers and booleans, and walk nested objects. Both sides
 * produce a checksum over what they read; differing checksums mean the comparison is unfair
 * (or a parser is wrong) and fail the run.
 */
#define _POSIX_C_SOURCE 200809L
#include "billtap/provider.h"

#include <jansson.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const customer_keys[] = {
	"id", "object", "address", "balance", "created", "currency", "default_source",
	"delinquent", "description", "discount", "email", "invoice_prefix", "invoice_settings",
	"livemode", "metadata", "name", "next_invoice_sequence", "phone", "preferred_locales",
	"shipping", "tax_exempt", "test_clock",
};
#define NKEYS (sizeof customer_keys / sizeof customer_keys[0])

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- billtap ---------------------------------------------------------------------- */

static uint64_t bt_touch(const billtap_json *doc, billtap_json_ref v);

static uint64_t bt_touch_members(const billtap_json *doc, billtap_json_ref obj)
{
	uint64_t sum = 0;
	for (billtap_json_ref k = billtap_json_first(doc, obj); k != BILLTAP_JSON_NONE;
	     k = billtap_json_next(doc, k))
		sum += bt_touch(doc, k) + bt_touch(doc, billtap_json_value_of(doc, k));
	return sum;
}

static uint64_t bt_touch(const billtap_json *doc, billtap_json_ref v)
{
	char buf[512];
	size_t len;
	int64_t i;
	int b;
	switch (billtap_json_typeof(doc, v)) {
	case BILLTAP_JSON_STRING:
		if (billtap_json_str_decode(buf, sizeof buf, &len, doc, v) != 0)
			return 1u << 20;
		return len + (unsigned char)buf[0];
	case BILLTAP_JSON_NUMBER:
		return billtap_json_int(&i, doc, v) == 0 ? (uint64_t)i : 7;
	case BILLTAP_JSON_TRUE:
	case BILLTAP_JSON_FALSE:
		billtap_json_bool(&b, doc, v);
		return (uint64_t)b + 3;
	case BILLTAP_JSON_NULL:
		return 5;
	case BILLTAP_JSON_OBJECT:
		return bt_touch_members(doc, v) + 11;
	case BILLTAP_JSON_ARRAY: {
		uint64_t sum = 13;
		for (billtap_json_ref e = billtap_json_first(doc, v); e != BILLTAP_JSON_NONE;
		     e = billtap_json_next(doc, e))
			sum += bt_touch(doc, e);
		return sum;
	}
	default:
		return 0;
	}
}

static uint64_t bt_page(billtap_json *doc, const char *text, size_t len)
{
	if (billtap_json_parse(doc, text, len) != 0) {
		fprintf(stderr, "billtap: %s\n", billtap_json_error(doc));
		exit(1);
	}
	billtap_json_ref root = billtap_json_root(doc);
	uint64_t sum = 0;
	billtap_json_ref data = billtap_json_get(doc, root, "data");
	for (billtap_json_ref c = billtap_json_first(doc, data); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c)) {
		for (size_t k = 0; k < NKEYS; k++)
			sum += bt_touch(doc, billtap_json_get(doc, c, customer_keys[k])) + k;
		/* Addressing a nested field directly, as providers do. */
		billtap_json_ref country = billtap_json_get(doc, billtap_json_get(doc, c, "address"),
		                                            "country");
		sum += bt_touch(doc, country);
	}
	return sum + bt_touch(doc, billtap_json_get(doc, root, "has_more"));
}

/* ---- jansson ---------------------------------------------------------------------- */

static uint64_t jt_touch(json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: {
		size_t len = json_string_length(v);
		return len + (len ? (unsigned char)json_string_value(v)[0] : 0);
	}
	case JSON_INTEGER:
		return (uint64_t)json_integer_value(v);
	case JSON_REAL:
		return 7;
	case JSON_TRUE:
		return 4;
	case JSON_FALSE:
		return 3;
	case JSON_NULL:
		return 5;
	case JSON_OBJECT: {
		uint64_t sum = 11;
		const char *key;
		json_t *val;
		json_object_foreach(v, key, val)
			sum += strlen(key) + (unsigned char)key[0] + jt_touch(val);
		return sum;
	}
	case JSON_ARRAY: {
		uint64_t sum = 13;
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
			sum += jt_touch(e);
		return sum;
	}
	default:
		return 0;
	}
}

static uint64_t jt_page(const char *text, size_t len)
{
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	if (!root) {
		fprintf(stderr, "jansson: %s\n", err.text);
		exit(1);
	}
	uint64_t sum = 0;
	json_t *data = json_object_get(root, "data");
	size_t i;
	json_t *c;
	json_array_foreach(data, i, c) {
		for (size_t k = 0; k < NKEYS; k++) {
			json_t *v = json_object_get(c, customer_keys[k]);
			sum += (v ? jt_touch(v) : 0) + k;
		}
		sum += jt_touch(json_object_get(json_object_get(c, "address"), "country"));
	}
	sum += jt_touch(json_object_get(root, "has_more"));
	json_decref(root);
	return sum;
}

/* ---- parse only --------------------------------------------------------------------- */

static uint64_t bt_parse_only(billtap_json *doc, const char *text, size_t len)
{
	if (billtap_json_parse(doc, text, len) != 0)
		exit(1);
	return billtap_json_count(doc, billtap_json_root(doc));
}

static uint64_t jt_parse_only(billtap_json *unused, const char *text, size_t len)
{
	(void)unused;
	json_error_t err;
	json_t *root = json_loadb(text, len, 0, &err);
	if (!root)
		exit(1);
	uint64_t n = json_object_size(root);
	json_decref(root);
	return n;
}

static uint64_t jt_reads(billtap_json *unused, const char *text, size_t len)
{
	(void)unused;
	return jt_page(text, len);
}

/* ---- driver ----------------------------------------------------------------------- */

typedef uint64_t (*page_fn)(billtap_json *doc, const char *text, size_t len);

/* MB/s of fn over about `seconds` after a warm-up; *sum gets its checksum. */
static double throughput(page_fn fn, billtap_json *doc, const char *text, size_t len,
                         double seconds, uint64_t *sum)
{
	*sum = fn(doc, text, len);
	long iters = 0;
	double t0 = now(), elapsed;
	do {
		for (int i = 0; i < 5; i++)
			if (fn(doc, text, len) != *sum)
				exit(1); /* a parser that is not deterministic */
		iters += 5;
	} while ((elapsed = now() - t0) < seconds);
	return (double)len * (double)iters / elapsed / 1e6;
}

/* Reads a whole file. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = p;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s FILE [SECONDS]\n", argv[0]);
		return 2;
	}
	double seconds = argc == 3 ? atof(argv[2]) : 1.0;
	size_t len;
	char *text = read_file(argv[1], &len);
	if (!text) {
		perror(argv[1]);
		return 2;
	}
	billtap_json *doc;
	if (billtap_json_new(&doc) != 0)
		return 2;

	uint64_t bt_sum, jt_sum, bt_n, jt_n;
	double bt = throughput(bt_page, doc, text, len, seconds, &bt_sum);
	double jt = throughput(jt_reads, NULL, text, len, seconds, &jt_sum);
	if (bt_sum != jt_sum) {
		fprintf(stderr, "checksums differ: billtap %llu, jansson %llu\n",
		        (unsigned long long)bt_sum, (unsigned long long)jt_sum);
		return 1;
	}
	printf("json (%zu-byte Stripe page, parse + reads): billtap %.1f MB/s, jansson %.1f MB/s,"
	       " ratio %.2fx\n", len, bt, jt, bt / jt);

	bt = throughput(bt_parse_only, doc, text, len, seconds, &bt_n);
	jt = throughput(jt_parse_only, NULL, text, len, seconds, &jt_n);
	if (bt_n != jt_n)
		return 1;
	printf("json (parse only): billtap %.1f MB/s, jansson %.1f MB/s, ratio %.2fx\n", bt, jt,
	       bt / jt);

	billtap_json_free(doc);
	free(text);
	return 0;
}
