/*
 * libFuzzer target for the JSON parser: parses the input, then reads every token with
 * every accessor and checks what must always hold (see check_* below). Any crash,
 * sanitizer report or abort() is a finding.
 */
#include "billtap/provider.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"

/* Scratch space for decoding, sized per input (a decoded string is never longer). */
typedef struct scratch {
	char *buf;
	size_t cap;
} scratch;

static void check_string(const billtap_json *doc, billtap_json_ref r, scratch *s)
{
	const char *t;
	size_t tn, dn = (size_t)-1;
	CHECK(billtap_json_text(&t, &tn, doc, r) == 0);
	CHECK(tn < s->cap);
	/* A size query, then the real decode. */
	CHECK(billtap_json_str_decode(NULL, 0, &dn, doc, r) == BILLTAP_EINVAL);
	CHECK(dn <= tn);
	size_t n2 = (size_t)-1;
	CHECK(billtap_json_str_decode(s->buf, dn + 1, &n2, doc, r) == 0);
	CHECK(n2 == dn && s->buf[dn] == '\0');
	if (dn > 0)
		CHECK(billtap_json_str_decode(s->buf + 1, dn, &n2, doc, r) == BILLTAP_EINVAL);
	CHECK(billtap_json_str_decode(s->buf, dn + 1, &n2, doc, r) == 0);
	if (billtap_json_str_is_plain(doc, r))
		CHECK(dn == tn && memcmp(s->buf, t, tn) == 0);
	else
		CHECK(memchr(t, '\\', tn) != NULL);
	/* The decoded value is UTF-8 (a decoded NUL from \u0000 aside), and compares
	 * equal to itself unless it holds a NUL, which a C string cannot. */
	int has_nul = memchr(s->buf, '\0', dn) != NULL;
	if (!has_nul) {
		CHECK(bt_utf8_valid(s->buf, dn));
		CHECK(billtap_json_str_eq(doc, r, s->buf) == 1);
		if (dn > 0) {
			s->buf[dn - 1] ^= 1; /* a different last byte */
			CHECK(billtap_json_str_eq(doc, r, s->buf) == 0);
			s->buf[dn - 1] ^= 1;
			s->buf[dn - 1] = '\0'; /* one byte shorter */
			CHECK(billtap_json_str_eq(doc, r, s->buf) == 0);
		}
	}
	CHECK(billtap_json_id_ref(doc, r) == r);
}

static void check_number(const billtap_json *doc, billtap_json_ref r)
{
	const char *t;
	size_t tn;
	CHECK(billtap_json_text(&t, &tn, doc, r) == 0);
	CHECK(tn > 0);
	int real = memchr(t, '.', tn) || memchr(t, 'e', tn) || memchr(t, 'E', tn);
	int64_t v;
	int rc = billtap_json_int(&v, doc, r);
	if (real) {
		CHECK(rc == BILLTAP_ETYPE);
		return;
	}
	CHECK(rc == 0 || rc == BILLTAP_EDATA);
	if (rc == 0) {
		/* Printing the value back gives the lexeme ("-0" prints as "0"). */
		char buf[32];
		int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
		if (v == 0 && tn == 2)
			CHECK(memcmp(t, "-0", 2) == 0);
		else
			CHECK((size_t)n == tn && memcmp(buf, t, tn) == 0);
	} else {
		CHECK(tn >= 19); /* anything shorter fits in int64 */
	}
	CHECK(billtap_json_str_decode(NULL, 0, NULL, doc, r) == BILLTAP_ETYPE);
}

static void check_container(const billtap_json *doc, billtap_json_ref r, int object,
                            scratch *s)
{
	const char *t;
	size_t tn;
	CHECK(billtap_json_text(&t, &tn, doc, r) == 0);
	CHECK(tn >= 2);
	CHECK(t[0] == (object ? '{' : '['));
	CHECK(t[tn - 1] == (object ? '}' : ']'));
	size_t count = 0;
	billtap_json_ref prev = r;
	for (billtap_json_ref c = billtap_json_first(doc, r); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c)) {
		CHECK(c > prev); /* children come later in the tape, in order */
		prev = c;
		count++;
		billtap_json_ref v = billtap_json_value_of(doc, c);
		if (!object) {
			CHECK(v == BILLTAP_JSON_NONE);
			continue;
		}
		CHECK(billtap_json_typeof(doc, c) == BILLTAP_JSON_STRING);
		CHECK(v == c + 1 && billtap_json_typeof(doc, v) != BILLTAP_JSON_ABSENT);
		CHECK(billtap_json_next(doc, v) == BILLTAP_JSON_NONE);
		/* get finds this member or a later duplicate of its key. */
		size_t dn;
		CHECK(billtap_json_str_decode(s->buf, s->cap, &dn, doc, c) == 0);
		if (!memchr(s->buf, '\0', dn)) {
			billtap_json_ref g = billtap_json_get(doc, r, s->buf);
			CHECK(g != BILLTAP_JSON_NONE && g >= v);
			CHECK(billtap_json_str_eq(doc, g - 1, s->buf));
		}
	}
	CHECK(count == billtap_json_count(doc, r));
	CHECK((count == 0) == (billtap_json_first(doc, r) == BILLTAP_JSON_NONE));
	billtap_json_ref id = billtap_json_id_ref(doc, r);
	if (object && id != BILLTAP_JSON_NONE)
		CHECK(id == billtap_json_get(doc, r, "id") &&
		      billtap_json_typeof(doc, id) == BILLTAP_JSON_STRING);
	if (!object)
		CHECK(id == BILLTAP_JSON_NONE);
}

/* Every ref of the tape is 0..n-1; walk them all, whatever their place in the tree. */
static void walk(const billtap_json *doc, size_t len, scratch *s)
{
	billtap_json_ref r = 0;
	for (; r < len + 1; r++) {
		billtap_json_type type = billtap_json_typeof(doc, r);
		if (type == BILLTAP_JSON_ABSENT)
			break;
		const char *t;
		size_t tn;
		CHECK(billtap_json_text(&t, &tn, doc, r) == 0);
		int b = -1;
		int brc = billtap_json_bool(&b, doc, r);
		switch (type) {
		case BILLTAP_JSON_STRING:
			check_string(doc, r, s);
			break;
		case BILLTAP_JSON_NUMBER:
			check_number(doc, r);
			break;
		case BILLTAP_JSON_ARRAY:
		case BILLTAP_JSON_OBJECT:
			check_container(doc, r, type == BILLTAP_JSON_OBJECT, s);
			break;
		case BILLTAP_JSON_TRUE:
			CHECK(brc == 0 && b == 1 && tn == 4 && memcmp(t, "true", 4) == 0);
			break;
		case BILLTAP_JSON_FALSE:
			CHECK(brc == 0 && b == 0 && tn == 5 && memcmp(t, "false", 5) == 0);
			break;
		case BILLTAP_JSON_NULL:
			CHECK(tn == 4 && memcmp(t, "null", 4) == 0);
			break;
		default:
			CHECK(0);
		}
		if (type != BILLTAP_JSON_TRUE && type != BILLTAP_JSON_FALSE)
			CHECK(brc == BILLTAP_ETYPE);
		if (type != BILLTAP_JSON_ARRAY && type != BILLTAP_JSON_OBJECT)
			CHECK(billtap_json_count(doc, r) == 0 &&
			      billtap_json_first(doc, r) == BILLTAP_JSON_NONE);
		if (type != BILLTAP_JSON_OBJECT)
			CHECK(billtap_json_get(doc, r, "id") == BILLTAP_JSON_NONE);
	}
	CHECK(r > 0 && r <= len); /* at least the root; never more tokens than bytes */
	CHECK(billtap_json_typeof(doc, BILLTAP_JSON_NONE) == BILLTAP_JSON_ABSENT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	billtap_json *doc;
	if (billtap_json_new(&doc) != 0)
		return 0;
	scratch s = { malloc(size + 1), size + 1 };
	if (!s.buf) {
		billtap_json_free(doc);
		return 0;
	}
	/* The whole input, then a prefix of it with the same (reused) document. */
	size_t lens[2] = { size, size / 2 };
	for (int i = 0; i < 2; i++) {
		int rc = billtap_json_parse(doc, (const char *)data, lens[i]);
		if (rc == 0) {
			CHECK(billtap_json_root(doc) == 0);
			CHECK(billtap_json_error(doc)[0] == '\0');
			walk(doc, lens[i], &s);
		} else {
			CHECK(rc == BILLTAP_EPARSE);
			CHECK(strncmp(billtap_json_error(doc), "offset ", 7) == 0);
			CHECK(billtap_json_root(doc) == BILLTAP_JSON_NONE);
			CHECK(billtap_json_typeof(doc, 0) == BILLTAP_JSON_ABSENT);
			unsigned long off = strtoul(billtap_json_error(doc) + 7, NULL, 10);
			CHECK(off <= lens[i]);
		}
	}
	free(s.buf);
	billtap_json_free(doc);
	return 0;
}
