/*
 * Unit tests of the JSON parser and its accessors (src/json). Every test checks values, not
 * just status codes, so deleting a feature fails a test.
 */
#include "alloc_fail.h"
#include "billtap/provider.h"

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fresh document per test (Check runs each test in its own process by default). */
static billtap_json *doc;

static void setup(void)
{
	ck_assert_int_eq(billtap_json_new(&doc), 0);
	ck_assert_ptr_nonnull(doc);
}

static void teardown(void)
{
	billtap_json_free(doc);
	doc = NULL;
}

/* Parses a string literal (its length taken from the array, so it may hold NUL bytes). */
#define PARSE(lit) billtap_json_parse(doc, (lit), sizeof(lit) - 1)
#define PARSE_OK(lit) ck_assert_msg(PARSE(lit) == 0, "parse failed: %s", billtap_json_error(doc))

/* Text of a ref as a NUL-terminated copy (static buffer; one at a time). */
static const char *text_of(billtap_json_ref ref)
{
	static char buf[4096];
	const char *t;
	size_t n;
	if (billtap_json_text(&t, &n, doc, ref) != 0)
		return "<absent>";
	ck_assert_uint_lt(n, sizeof buf);
	memcpy(buf, t, n);
	buf[n] = '\0';
	return buf;
}

/* Decoded value of a string ref into a static buffer; *len gets its length. */
static const char *decode(billtap_json_ref ref, size_t *len)
{
	static char buf[4096];
	size_t n = 12345;
	ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, doc, ref), 0);
	if (len)
		*len = n;
	return buf;
}

static int64_t int_of(billtap_json_ref ref)
{
	int64_t v = -1;
	ck_assert_int_eq(billtap_json_int(&v, doc, ref), 0);
	return v;
}

/* ---- documents and lifetime -------------------------------------------------------- */

START_TEST(test_new_and_free)
{
	ck_assert_int_eq(billtap_json_new(NULL), BILLTAP_EINVAL);
	/* Nothing parsed yet: no root, no error, nothing to read. */
	ck_assert_uint_eq(billtap_json_root(doc), BILLTAP_JSON_NONE);
	ck_assert_str_eq(billtap_json_error(doc), "");
	ck_assert_int_eq(billtap_json_typeof(doc, 0), BILLTAP_JSON_ABSENT);
	billtap_json_free(NULL);
}
END_TEST

START_TEST(test_parse_arguments)
{
	ck_assert_int_eq(billtap_json_parse(NULL, "1", 1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_json_parse(doc, NULL, 3), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_json_parse(doc, NULL, 0), BILLTAP_EPARSE);
	ck_assert_str_eq(billtap_json_error(doc), "offset 0: empty document");
	/* The length is what counts, not a NUL terminator. */
	ck_assert_int_eq(billtap_json_parse(doc, "[1]garbage", 3), 0);
	ck_assert_uint_eq(billtap_json_count(doc, billtap_json_root(doc)), 1);
	ck_assert_int_eq(billtap_json_parse(doc, "[1]garbage", 4), BILLTAP_EPARSE);
}
END_TEST

START_TEST(test_root_and_types)
{
	PARSE_OK("[null, true, false, 0, -1.5e3, \"s\", [], {}]");
	billtap_json_ref root = billtap_json_root(doc);
	ck_assert_uint_eq(root, 0);
	ck_assert_int_eq(billtap_json_typeof(doc, root), BILLTAP_JSON_ARRAY);
	static const billtap_json_type want[] = {
		BILLTAP_JSON_NULL,   BILLTAP_JSON_TRUE,   BILLTAP_JSON_FALSE, BILLTAP_JSON_NUMBER,
		BILLTAP_JSON_NUMBER, BILLTAP_JSON_STRING, BILLTAP_JSON_ARRAY, BILLTAP_JSON_OBJECT,
	};
	size_t i = 0;
	for (billtap_json_ref e = billtap_json_first(doc, root); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(doc, e), i++) {
		ck_assert_uint_lt(i, 8);
		ck_assert_int_eq(billtap_json_typeof(doc, e), want[i]);
	}
	ck_assert_uint_eq(i, 8);
	ck_assert_str_eq(billtap_json_error(doc), "");
}
END_TEST

START_TEST(test_scalar_roots)
{
	PARSE_OK(" 42 ");
	ck_assert_int_eq(billtap_json_typeof(doc, billtap_json_root(doc)), BILLTAP_JSON_NUMBER);
	ck_assert_int_eq(int_of(billtap_json_root(doc)), 42);
	ck_assert_uint_eq(billtap_json_next(doc, billtap_json_root(doc)), BILLTAP_JSON_NONE);
	PARSE_OK("\"only\"");
	ck_assert_str_eq(decode(billtap_json_root(doc), NULL), "only");
	PARSE_OK("true");
	ck_assert_int_eq(billtap_json_typeof(doc, 0), BILLTAP_JSON_TRUE);
	PARSE_OK("false");
	ck_assert_int_eq(billtap_json_typeof(doc, 0), BILLTAP_JSON_FALSE);
	PARSE_OK("\t\r\nnull\n");
	ck_assert_int_eq(billtap_json_typeof(doc, 0), BILLTAP_JSON_NULL);
	ck_assert_str_eq(text_of(0), "null");
	ck_assert_int_eq(billtap_json_typeof(doc, 1), BILLTAP_JSON_ABSENT);
}
END_TEST

/* ---- lookup ------------------------------------------------------------------------- */

START_TEST(test_get)
{
	PARSE_OK("{\"id\": \"cus_1\", \"balance\": -250, \"address\": {\"country\": \"DE\"},"
	         " \"tags\": [1, 2], \"x\": null}");
	billtap_json_ref root = billtap_json_root(doc);
	ck_assert_str_eq(decode(billtap_json_get(doc, root, "id"), NULL), "cus_1");
	ck_assert_int_eq(int_of(billtap_json_get(doc, root, "balance")), -250);
	billtap_json_ref addr = billtap_json_get(doc, root, "address");
	ck_assert_int_eq(billtap_json_typeof(doc, addr), BILLTAP_JSON_OBJECT);
	ck_assert_str_eq(decode(billtap_json_get(doc, addr, "country"), NULL), "DE");
	ck_assert_int_eq(billtap_json_typeof(doc, billtap_json_get(doc, root, "x")),
	                 BILLTAP_JSON_NULL);
	/* Absent keys, wrong containers, NULL key. */
	ck_assert_uint_eq(billtap_json_get(doc, root, "missing"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, root, "country"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, root, "ID"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, billtap_json_get(doc, root, "tags"), "0"),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, billtap_json_get(doc, root, "id"), "id"),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, root, NULL), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(NULL, root, "id"), BILLTAP_JSON_NONE);
}
END_TEST

START_TEST(test_get_similar_keys)
{
	/* Same lengths, same first bytes, prefixes: only exact keys match. */
	PARSE_OK("{\"ab\": 1, \"ac\": 2, \"abc\": 3, \"abd\": 4, \"a\": 5, \"b\": 6, \"\": 7,"
	         " \"abcdefghijk\": 8, \"abcdefghijz\": 9}");
	billtap_json_ref r = 0;
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "ab")), 1);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "ac")), 2);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "abc")), 3);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "abd")), 4);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "a")), 5);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "b")), 6);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "")), 7);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "abcdefghijk")), 8);
	ck_assert_int_eq(int_of(billtap_json_get(doc, r, "abcdefghijz")), 9);
	ck_assert_uint_eq(billtap_json_get(doc, r, "abcdefghijj"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, r, "abe"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, r, "c"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, r, "abcd"), BILLTAP_JSON_NONE);
	PARSE_OK("{\"a\": 1}");
	ck_assert_uint_eq(billtap_json_get(doc, 0, ""), BILLTAP_JSON_NONE);
	PARSE_OK("{}");
	ck_assert_uint_eq(billtap_json_get(doc, 0, ""), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "a"), BILLTAP_JSON_NONE);
}
END_TEST

START_TEST(test_get_duplicate_keys)
{
	PARSE_OK("{\"a\": 1, \"b\": {\"a\": 10}, \"a\": [2], \"c\": 3, \"a\": 4}");
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "a")), 4);
	PARSE_OK("{\"a\": 1, \"b\": 2, \"a\": {\"k\": 3}}");
	billtap_json_ref a = billtap_json_get(doc, 0, "a");
	ck_assert_int_eq(billtap_json_typeof(doc, a), BILLTAP_JSON_OBJECT);
	ck_assert_int_eq(int_of(billtap_json_get(doc, a, "k")), 3);
	/* An escaped spelling of the same key is the same key. */
	PARSE_OK("{\"id\": \"first\", \"\\u0069d\": \"second\"}");
	ck_assert_str_eq(decode(billtap_json_get(doc, 0, "id"), NULL), "second");
	PARSE_OK("{\"\\u0069d\": \"first\", \"id\": \"second\", \"x\": 0}");
	ck_assert_str_eq(decode(billtap_json_get(doc, 0, "id"), NULL), "second");
	/* Iteration still sees every member. */
	ck_assert_uint_eq(billtap_json_count(doc, 0), 3);
}
END_TEST

START_TEST(test_get_escaped_keys)
{
	PARSE_OK("{\"a\\\"b\": 1, \"caf\\u00e9\": 2, \"tab\\there\": 3, \"\\ud83d\\ude00\": 4,"
	         " \"nul\\u0000x\": 5, \"\\/\": 6, \"\\u0041\": 7}");
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "a\"b")), 1);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "caf\xc3\xa9")), 2);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "tab\there")), 3);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "\xf0\x9f\x98\x80")), 4);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "/")), 6);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "A")), 7);
	/* Not the escaped spelling, and not a prefix of a decoded NUL. */
	ck_assert_uint_eq(billtap_json_get(doc, 0, "caf\\u00e9"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "cafe"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "caf"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "nul"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "a\"bc"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_get(doc, 0, "a"), BILLTAP_JSON_NONE);
}
END_TEST

/* ---- iteration ---------------------------------------------------------------------- */

START_TEST(test_iterate_array)
{
	PARSE_OK("[1, [2, [3]], {\"a\": 4, \"b\": [5]}, 6, []]");
	billtap_json_ref root = 0;
	billtap_json_ref e = billtap_json_first(doc, root);
	ck_assert_int_eq(int_of(e), 1);
	e = billtap_json_next(doc, e);
	ck_assert_str_eq(text_of(e), "[2, [3]]");
	ck_assert_uint_eq(billtap_json_count(doc, e), 2);
	billtap_json_ref inner = billtap_json_next(doc, billtap_json_first(doc, e));
	ck_assert_str_eq(text_of(inner), "[3]");
	ck_assert_uint_eq(billtap_json_next(doc, inner), BILLTAP_JSON_NONE);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_typeof(doc, e), BILLTAP_JSON_OBJECT);
	ck_assert_int_eq(int_of(billtap_json_get(doc, e, "a")), 4);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(int_of(e), 6);
	e = billtap_json_next(doc, e);
	ck_assert_str_eq(text_of(e), "[]");
	ck_assert_uint_eq(billtap_json_first(doc, e), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_count(doc, e), 0);
	ck_assert_uint_eq(billtap_json_next(doc, e), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_count(doc, root), 5);
	/* first on scalars, next on the root. */
	ck_assert_uint_eq(billtap_json_first(doc, billtap_json_first(doc, root)),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_next(doc, root), BILLTAP_JSON_NONE);
}
END_TEST

START_TEST(test_iterate_object)
{
	PARSE_OK("{\"a\": 1, \"b\": {\"c\": [1, 2], \"d\": {}}, \"e\": \"x\", \"f\": {}}");
	static const char *const keys[] = { "a", "b", "e", "f" };
	size_t i = 0;
	for (billtap_json_ref k = billtap_json_first(doc, 0); k != BILLTAP_JSON_NONE;
	     k = billtap_json_next(doc, k), i++) {
		ck_assert_uint_lt(i, 4);
		ck_assert_int_eq(billtap_json_typeof(doc, k), BILLTAP_JSON_STRING);
		ck_assert(billtap_json_str_eq(doc, k, keys[i]));
		/* The value of a key is what get finds. */
		ck_assert_uint_eq(billtap_json_value_of(doc, k), billtap_json_get(doc, 0, keys[i]));
		/* A member value has no sibling, and is no key. */
		billtap_json_ref v = billtap_json_value_of(doc, k);
		ck_assert_uint_eq(billtap_json_next(doc, v), BILLTAP_JSON_NONE);
		ck_assert_uint_eq(billtap_json_value_of(doc, v), BILLTAP_JSON_NONE);
	}
	ck_assert_uint_eq(i, 4);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 4);
	billtap_json_ref b = billtap_json_get(doc, 0, "b");
	ck_assert_uint_eq(billtap_json_count(doc, b), 2);
	billtap_json_ref c = billtap_json_first(doc, b);
	ck_assert(billtap_json_str_eq(doc, c, "c"));
	ck_assert_str_eq(text_of(billtap_json_value_of(doc, c)), "[1, 2]");
	billtap_json_ref d = billtap_json_next(doc, c);
	ck_assert(billtap_json_str_eq(doc, d, "d"));
	ck_assert_uint_eq(billtap_json_next(doc, d), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_count(doc, billtap_json_value_of(doc, d)), 0);
	ck_assert_uint_eq(billtap_json_first(doc, billtap_json_value_of(doc, d)),
	                  BILLTAP_JSON_NONE);
	/* value_of on array elements and containers. */
	PARSE_OK("[\"a\", {\"k\": 1}]");
	ck_assert_uint_eq(billtap_json_value_of(doc, billtap_json_first(doc, 0)), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_value_of(doc, 0), BILLTAP_JSON_NONE);
}
END_TEST

START_TEST(test_count)
{
	PARSE_OK("[[], {}, [1], {\"a\": [1, 2, 3]}, [[1, 2], [3]], \"s\", 5]");
	billtap_json_ref e = billtap_json_first(doc, 0);
	static const size_t want[] = { 0, 0, 1, 1, 2, 0, 0 };
	for (size_t i = 0; i < 7; i++, e = billtap_json_next(doc, e))
		ck_assert_uint_eq(billtap_json_count(doc, e), want[i]);
	ck_assert_uint_eq(e, BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 7);
	ck_assert_uint_eq(billtap_json_count(doc, BILLTAP_JSON_NONE), 0);
	ck_assert_uint_eq(billtap_json_count(NULL, 0), 0);
}
END_TEST

/* ---- reading values ----------------------------------------------------------------- */

START_TEST(test_text)
{
	PARSE_OK("{\"n\": -12.50e3, \"s\": \"a\\nb\\u00e9\", \"o\": {\"x\": [1, 2]},"
	         " \"t\": true, \"f\": false, \"z\": null, \"e\": \"\"}");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "n")), "-12.50e3");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "s")), "a\\nb\\u00e9");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "o")), "{\"x\": [1, 2]}");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "t")), "true");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "f")), "false");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "z")), "null");
	ck_assert_str_eq(text_of(billtap_json_get(doc, 0, "e")), "");
	/* A key's text is the key. */
	ck_assert_str_eq(text_of(billtap_json_first(doc, 0)), "n");
	/* The text points into the caller's buffer (zero-copy). */
	static const char src[] = " [\"abc\"] ";
	ck_assert_int_eq(billtap_json_parse(doc, src, sizeof src - 1), 0);
	const char *t = NULL;
	size_t n = 99;
	ck_assert_int_eq(billtap_json_text(&t, &n, doc, 0), 0);
	ck_assert_ptr_eq(t, src + 1);
	ck_assert_uint_eq(n, 7);
	ck_assert_int_eq(billtap_json_text(&t, &n, doc, 1), 0);
	ck_assert_ptr_eq(t, src + 3);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(billtap_json_text(&t, &n, doc, BILLTAP_JSON_NONE), BILLTAP_ENOTFOUND);
	ck_assert_ptr_null(t);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(billtap_json_text(&t, &n, doc, 2), BILLTAP_ENOTFOUND);
	ck_assert_int_eq(billtap_json_text(&t, &n, NULL, 0), BILLTAP_ENOTFOUND);
}
END_TEST

START_TEST(test_int)
{
	PARSE_OK("[0, -0, 7, -42, 9223372036854775807, -9223372036854775808,"
	         " 9223372036854775808, -9223372036854775809, 99999999999999999999,"
	         " 1.0, 1e2, -0.5, 1E0, \"1\", true, null, [1], 1000000000000]");
	billtap_json_ref e[18];
	e[0] = billtap_json_first(doc, 0);
	for (int i = 1; i < 18; i++)
		e[i] = billtap_json_next(doc, e[i - 1]);
	ck_assert_uint_ne(e[17], BILLTAP_JSON_NONE);
	ck_assert_int_eq(int_of(e[0]), 0);
	ck_assert_int_eq(int_of(e[1]), 0);
	ck_assert_int_eq(int_of(e[2]), 7);
	ck_assert_int_eq(int_of(e[3]), -42);
	ck_assert(int_of(e[4]) == INT64_MAX);
	ck_assert(int_of(e[5]) == INT64_MIN);
	int64_t v = 5;
	ck_assert_int_eq(billtap_json_int(&v, doc, e[6]), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_json_int(&v, doc, e[7]), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_json_int(&v, doc, e[8]), BILLTAP_EDATA);
	for (int i = 9; i <= 12; i++)
		ck_assert_int_eq(billtap_json_int(&v, doc, e[i]), BILLTAP_ETYPE);
	for (int i = 13; i <= 16; i++)
		ck_assert_int_eq(billtap_json_int(&v, doc, e[i]), BILLTAP_ETYPE);
	ck_assert(int_of(e[17]) == 1000000000000);
	ck_assert_int_eq(billtap_json_int(&v, doc, BILLTAP_JSON_NONE), BILLTAP_ENOTFOUND);
	ck_assert_int_eq(billtap_json_int(&v, NULL, 0), BILLTAP_ENOTFOUND);
	ck_assert_int_eq(billtap_json_int(NULL, doc, e[2]), 0);
}
END_TEST

START_TEST(test_bool)
{
	PARSE_OK("[true, false, null, 1, \"true\"]");
	billtap_json_ref t = billtap_json_first(doc, 0);
	billtap_json_ref f = billtap_json_next(doc, t);
	billtap_json_ref z = billtap_json_next(doc, f);
	billtap_json_ref one = billtap_json_next(doc, z);
	billtap_json_ref s = billtap_json_next(doc, one);
	int b = 7;
	ck_assert_int_eq(billtap_json_bool(&b, doc, t), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(billtap_json_bool(&b, doc, f), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(billtap_json_bool(&b, doc, z), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_bool(&b, doc, one), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_bool(&b, doc, s), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_bool(&b, doc, BILLTAP_JSON_NONE), BILLTAP_ENOTFOUND);
}
END_TEST

START_TEST(test_str_is_plain)
{
	PARSE_OK("[\"plain\", \"esc\\n\", \"\", \"\\u0041\", \"h\xc3\xa9\", 1, null]");
	billtap_json_ref e = billtap_json_first(doc, 0);
	static const int want[] = { 1, 0, 1, 0, 1, 0, 0 };
	for (int i = 0; i < 7; i++, e = billtap_json_next(doc, e))
		ck_assert_int_eq(billtap_json_str_is_plain(doc, e), want[i]);
	ck_assert_int_eq(billtap_json_str_is_plain(doc, BILLTAP_JSON_NONE), 0);
	ck_assert_int_eq(billtap_json_str_is_plain(NULL, 1), 0);
	/* Keys carry the flag too. */
	PARSE_OK("{\"k\": 1, \"k\\t\": 2}");
	billtap_json_ref k = billtap_json_first(doc, 0);
	ck_assert_int_eq(billtap_json_str_is_plain(doc, k), 1);
	ck_assert_int_eq(billtap_json_str_is_plain(doc, billtap_json_next(doc, k)), 0);
}
END_TEST

START_TEST(test_str_decode_escapes)
{
	PARSE_OK("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"\\u0041\\u00e9\\u20AC\\uFFFF\","
	         " \"\\ud83d\\ude00x\\uDBFF\\uDFFF\", \"a\\u0000b\", \"plain h\xc3\xa9\"]");
	billtap_json_ref e = billtap_json_first(doc, 0);
	size_t n;
	ck_assert_str_eq(decode(e, &n), "\"\\/\b\f\n\r\t");
	ck_assert_uint_eq(n, 8);
	e = billtap_json_next(doc, e);
	ck_assert_str_eq(decode(e, &n), "A\xc3\xa9\xe2\x82\xac\xef\xbf\xbf");
	ck_assert_uint_eq(n, 9);
	e = billtap_json_next(doc, e);
	ck_assert_str_eq(decode(e, &n), "\xf0\x9f\x98\x80x\xf4\x8f\xbf\xbf");
	ck_assert_uint_eq(n, 9);
	/* A decoded NUL is part of the value (and of its length). */
	e = billtap_json_next(doc, e);
	const char *s = decode(e, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_mem_eq(s, "a\0b", 4);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "a"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "ab"), 0);
	e = billtap_json_next(doc, e);
	ck_assert_str_eq(decode(e, &n), "plain h\xc3\xa9");
	ck_assert_uint_eq(n, 9);
}
END_TEST

START_TEST(test_str_decode_capacity)
{
	PARSE_OK("[\"hello\", \"h\\u00e9llo\", 5, {}]");
	billtap_json_ref plain = billtap_json_first(doc, 0);
	billtap_json_ref esc = billtap_json_next(doc, plain);
	char buf[16];
	size_t n = 0;
	/* cap must exceed the decoded length (room for the NUL). */
	memset(buf, 'x', sizeof buf);
	ck_assert_int_eq(billtap_json_str_decode(buf, 5, &n, doc, plain), BILLTAP_EINVAL);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(billtap_json_str_decode(buf, 6, &n, doc, plain), 0);
	ck_assert_str_eq(buf, "hello");
	ck_assert_int_eq(billtap_json_str_decode(buf, 6, &n, doc, esc), BILLTAP_EINVAL);
	ck_assert_uint_eq(n, 6);
	ck_assert_int_eq(billtap_json_str_decode(buf, 7, &n, doc, esc), 0);
	ck_assert_str_eq(buf, "h\xc3\xa9llo");
	/* A size query. */
	n = 0;
	ck_assert_int_eq(billtap_json_str_decode(NULL, 0, &n, doc, esc), BILLTAP_EINVAL);
	ck_assert_uint_eq(n, 6);
	/* Wrong types and absent values. */
	ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, doc,
	                                         billtap_json_next(doc, esc)),
	                 BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, doc, 0), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, doc, BILLTAP_JSON_NONE),
	                 BILLTAP_ENOTFOUND);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, NULL, 1), BILLTAP_ENOTFOUND);
}
END_TEST

START_TEST(test_str_decode_never_longer_than_text)
{
	PARSE_OK("[\"\\u0041\", \"\\u00e9\", \"\\u20ac\", \"\\ud83d\\ude00\", \"\\n\", \"abc\"]");
	for (billtap_json_ref e = billtap_json_first(doc, 0); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(doc, e)) {
		const char *t;
		size_t tn, dn;
		ck_assert_int_eq(billtap_json_text(&t, &tn, doc, e), 0);
		decode(e, &dn);
		ck_assert_uint_le(dn, tn);
	}
}
END_TEST

START_TEST(test_str_eq)
{
	PARSE_OK("[\"abc\", \"a\\\"c\", \"\\u00e9t\\u00e9\", \"\", \"\\ud83d\\ude00\", 3, null]");
	billtap_json_ref e = billtap_json_first(doc, 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "abc"), 1);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "ab"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "abcd"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "abd"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, NULL), 0);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "a\"c"), 1);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "a\\\"c"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "a\""), 0);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "\xc3\xa9t\xc3\xa9"), 1);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "\xc3\xa9t\xc3"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "ete"), 0);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, ""), 1);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "x"), 0);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "\xf0\x9f\x98\x80"), 1);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "3"), 0);
	e = billtap_json_next(doc, e);
	ck_assert_int_eq(billtap_json_str_eq(doc, e, "null"), 0);
	ck_assert_int_eq(billtap_json_str_eq(doc, BILLTAP_JSON_NONE, ""), 0);
	ck_assert_int_eq(billtap_json_str_eq(NULL, 1, "abc"), 0);
}
END_TEST

START_TEST(test_id_ref)
{
	PARSE_OK("{\"s\": \"cus_1\", \"o\": {\"object\": \"customer\", \"id\": \"cus_2\"},"
	         " \"n\": {\"id\": 5}, \"e\": {\"name\": \"x\"}, \"z\": null, \"a\": [\"cus_3\"],"
	         " \"d\": {\"id\": \"old\", \"id\": \"new\"}}");
	billtap_json_ref s = billtap_json_get(doc, 0, "s");
	ck_assert_uint_eq(billtap_json_id_ref(doc, s), s);
	billtap_json_ref o = billtap_json_id_ref(doc, billtap_json_get(doc, 0, "o"));
	ck_assert(billtap_json_str_eq(doc, o, "cus_2"));
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, 0, "n")),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, 0, "e")),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, 0, "z")),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, 0, "a")),
	                  BILLTAP_JSON_NONE);
	ck_assert(billtap_json_str_eq(doc, billtap_json_id_ref(doc, billtap_json_get(doc, 0, "d")),
	                              "new"));
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, 0, "missing")),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_id_ref(NULL, 0), BILLTAP_JSON_NONE);
}
END_TEST

/* Every accessor answers "absent" for NONE, out-of-range refs and a NULL document. */
START_TEST(test_absent_refs)
{
	PARSE_OK("{\"a\": {\"b\": 1}}"); /* five values and keys: refs 0-4 */
	static const billtap_json_ref bad[] = { BILLTAP_JSON_NONE, 5, 6, 1000, 0x7FFFFFFFu,
		                                0xFFFFFFFEu };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int with_doc = 0; with_doc < 2; with_doc++) {
			const billtap_json *d = with_doc ? doc : NULL;
			billtap_json_ref r = with_doc ? bad[i] : 0;
			const char *t = "x";
			size_t n = 9;
			int64_t v = 9;
			int b = 9;
			char buf[8] = "zzz";
			ck_assert_int_eq(billtap_json_typeof(d, r), BILLTAP_JSON_ABSENT);
			ck_assert_uint_eq(billtap_json_get(d, r, "a"), BILLTAP_JSON_NONE);
			ck_assert_uint_eq(billtap_json_first(d, r), BILLTAP_JSON_NONE);
			ck_assert_uint_eq(billtap_json_next(d, r), BILLTAP_JSON_NONE);
			ck_assert_uint_eq(billtap_json_value_of(d, r), BILLTAP_JSON_NONE);
			ck_assert_uint_eq(billtap_json_count(d, r), 0);
			ck_assert_int_eq(billtap_json_text(&t, &n, d, r), BILLTAP_ENOTFOUND);
			ck_assert_int_eq(billtap_json_int(&v, d, r), BILLTAP_ENOTFOUND);
			ck_assert_int_eq(billtap_json_bool(&b, d, r), BILLTAP_ENOTFOUND);
			ck_assert_int_eq(billtap_json_str_is_plain(d, r), 0);
			ck_assert_int_eq(billtap_json_str_decode(buf, sizeof buf, &n, d, r),
			                 BILLTAP_ENOTFOUND);
			ck_assert_str_eq(buf, "");
			ck_assert_int_eq(billtap_json_str_eq(d, r, ""), 0);
			ck_assert_uint_eq(billtap_json_id_ref(d, r), BILLTAP_JSON_NONE);
		}
	}
	ck_assert_uint_eq(billtap_json_root(NULL), BILLTAP_JSON_NONE);
	ck_assert_ptr_nonnull(billtap_json_error(NULL));
}
END_TEST

START_TEST(test_none_chaining)
{
	PARSE_OK("{\"price\": {\"unit_amount\": 1999, \"product\": {\"id\": \"prod_1\"}}}");
	billtap_json_ref amt = billtap_json_get(doc, billtap_json_get(doc, 0, "price"),
	                                        "unit_amount");
	ck_assert_int_eq(int_of(amt), 1999);
	billtap_json_ref prod = billtap_json_id_ref(
		doc, billtap_json_get(doc, billtap_json_get(doc, 0, "price"), "product"));
	ck_assert(billtap_json_str_eq(doc, prod, "prod_1"));
	/* A missing link anywhere makes the whole chain absent. */
	billtap_json_ref miss = billtap_json_get(
		doc, billtap_json_get(doc, billtap_json_get(doc, 0, "plan"), "x"), "y");
	ck_assert_uint_eq(miss, BILLTAP_JSON_NONE);
	int64_t v = 3;
	ck_assert_int_eq(billtap_json_int(&v, doc, billtap_json_get(doc, miss, "amount")),
	                 BILLTAP_ENOTFOUND);
	ck_assert_uint_eq(billtap_json_id_ref(doc, billtap_json_get(doc, miss, "p")),
	                  BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_count(doc, billtap_json_first(doc, miss)), 0);
}
END_TEST

/* ---- strictness ---------------------------------------------------------------------- */

/* Builds n nested containers around an empty array: "[[...[]...]]" or {"a":{"a":...[]}}. */
static char *nested(int n, int objects, size_t *len)
{
	size_t cap = (size_t)n * 6 + 8;
	char *s = malloc(cap);
	ck_assert_ptr_nonnull(s);
	size_t i = 0;
	for (int d = 0; d < n - 1; d++) {
		if (objects) {
			memcpy(s + i, "{\"a\":", 5);
			i += 5;
		} else {
			s[i++] = '[';
		}
	}
	s[i++] = '[';
	s[i++] = ']';
	for (int d = 0; d < n - 1; d++)
		s[i++] = objects ? '}' : ']';
	*len = i;
	return s;
}

START_TEST(test_depth_limit)
{
	size_t len;
	for (int objects = 0; objects < 2; objects++) {
		char *s = nested(BILLTAP_JSON_MAX_DEPTH, objects, &len);
		ck_assert_int_eq(billtap_json_parse(doc, s, len), 0);
		/* Walk to the innermost value. */
		billtap_json_ref r = 0;
		for (int d = 1; d < BILLTAP_JSON_MAX_DEPTH; d++)
			r = objects ? billtap_json_get(doc, r, "a") : billtap_json_first(doc, r);
		ck_assert_int_eq(billtap_json_typeof(doc, r), BILLTAP_JSON_ARRAY);
		ck_assert_uint_eq(billtap_json_count(doc, r), 0);
		free(s);

		s = nested(BILLTAP_JSON_MAX_DEPTH + 1, objects, &len);
		ck_assert_int_eq(billtap_json_parse(doc, s, len), BILLTAP_EPARSE);
		char want[64];
		snprintf(want, sizeof want, "offset %d: nesting deeper than 512",
		         objects ? 512 * 5 : 512);
		ck_assert_str_eq(billtap_json_error(doc), want);
		ck_assert_uint_eq(billtap_json_root(doc), BILLTAP_JSON_NONE);
		free(s);
	}
	/* Depth is about nesting, not about how many containers there are. */
	char flat[4000];
	size_t n = 0;
	flat[n++] = '[';
	for (int i = 0; i < 900; i++) {
		memcpy(flat + n, "[],", 3);
		n += 3;
	}
	flat[n - 1] = ']';
	ck_assert_int_eq(billtap_json_parse(doc, flat, n), 0);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 900);
}
END_TEST

typedef struct bad_case {
	const char *text;
	size_t len;
	const char *error;
} bad_case;

#define BAD(lit, err) { lit, sizeof(lit) - 1, err }

static const bad_case bad_cases[] = {
	/* Empty input and structure. */
	BAD("", "offset 0: empty document"),
	BAD("  \n\t", "offset 4: empty document"),
	BAD("[1,]", "offset 3: expected a value"),
	BAD("[,1]", "offset 1: expected a value"),
	BAD("[1 2]", "offset 3: expected ',' or ']'"),
	BAD("[1", "offset 2: unexpected end of input"),
	BAD("[", "offset 1: unexpected end of input"),
	BAD("[1}", "offset 2: expected ',' or ']'"),
	BAD("{\"a\":1]", "offset 6: expected ',' or '}'"),
	BAD("{\"a\":1,}", "offset 7: expected a string key"),
	BAD("{\"a\" 1}", "offset 5: expected ':'"),
	BAD("{\"a\":}", "offset 5: expected a value"),
	BAD("{a:1}", "offset 1: expected a string key"),
	BAD("{'a':1}", "offset 1: expected a string key"),
	BAD("{\"a\":1", "offset 6: unexpected end of input"),
	BAD("{\"a\"", "offset 4: unexpected end of input"),
	BAD("[1] x", "offset 4: trailing characters after the value"),
	BAD("{}{}", "offset 2: trailing characters after the value"),
	BAD("1 2", "offset 2: trailing characters after the value"),
	BAD("[1] // c", "offset 4: trailing characters after the value"),
	BAD("\xef\xbb\xbf[]", "offset 0: byte order mark (not allowed)"),
	/* Whitespace is only space, tab, CR and LF. */
	BAD("[\f1]", "offset 1: expected a value"),
	BAD("[\v1]", "offset 1: expected a value"),
	BAD("[\xc2\xa0" "1]", "offset 1: expected a value"),
	/* Literals. */
	BAD("[tru]", "offset 1: invalid literal"),
	BAD("nul", "offset 0: invalid literal"),
	BAD("[True]", "offset 1: expected a value"),
	BAD("[truex]", "offset 5: expected ',' or ']'"),
	BAD("[NaN]", "offset 1: expected a value"),
	/* Numbers. */
	BAD("[01]", "offset 1: invalid number (leading zero)"),
	BAD("[-01]", "offset 1: invalid number (leading zero)"),
	BAD("[+1]", "offset 1: expected a value"),
	BAD("[.5]", "offset 1: expected a value"),
	BAD("[1.]", "offset 1: invalid number"),
	BAD("[1.e3]", "offset 1: invalid number"),
	BAD("[1e]", "offset 1: invalid number"),
	BAD("[1e+]", "offset 1: invalid number"),
	BAD("[-]", "offset 1: invalid number"),
	BAD("-", "offset 0: invalid number"),
	BAD("[- 1]", "offset 1: invalid number"),
	BAD("[-Infinity]", "offset 1: invalid number"),
	BAD("[0x10]", "offset 2: expected ',' or ']'"),
	BAD("[1.2.3]", "offset 4: expected ',' or ']'"),
	/* Strings: termination, control characters, escapes, surrogates. */
	BAD("[\"abc", "offset 1: unterminated string"),
	BAD("\"abc", "offset 0: unterminated string"),
	BAD("[\"\\", "offset 1: unterminated string"),
	BAD("{\"ab", "offset 1: unterminated string"),
	BAD("{\"a\":1,\"b\\u00", "offset 9: invalid \\u escape"),
	BAD("[\"\\\"]", "offset 1: unterminated string"),
	BAD("[\"a\tb\"]", "offset 3: control character in string"),
	BAD("[\"a\nb\"]", "offset 3: control character in string"),
	BAD("[\"\x1f\"]", "offset 2: control character in string"),
	BAD("{\"k\x01\":1}", "offset 3: control character in string"),
	BAD("[\"\\x41\"]", "offset 2: invalid escape"),
	BAD("[\"\\'\"]", "offset 2: invalid escape"),
	BAD("[\"\\U0041\"]", "offset 2: invalid escape"),
	BAD("[\"\\u12\"]", "offset 2: invalid \\u escape"),
	BAD("[\"\\u12G4\"]", "offset 2: invalid \\u escape"),
	BAD("[\"\\u004", "offset 2: invalid \\u escape"),
	BAD("[\"\\ud800\"]", "offset 2: unpaired surrogate escape"),
	BAD("[\"\\udc00\"]", "offset 2: unpaired surrogate escape"),
	BAD("[\"\\ud800\\u0041\"]", "offset 2: unpaired surrogate escape"),
	BAD("[\"\\ud800\\ud800\"]", "offset 2: unpaired surrogate escape"),
	BAD("[\"\\udc00\\ud800\"]", "offset 2: unpaired surrogate escape"),
	BAD("[\"x\\ud83dabcdef\"]", "offset 3: unpaired surrogate escape"),
	BAD("[\"\\ud83d\\ude00\\ude00\"]", "offset 14: unpaired surrogate escape"),
	/* UTF-8. */
	BAD("[\"\xc0\xaf\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xc1\xbf\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xe0\x80\xaf\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xf0\x80\x80\xaf\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xed\xa0\x80\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xed\xbf\xbf\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xf4\x90\x80\x80\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xf5\x80\x80\x80\"]", "offset 2: invalid UTF-8"),
	BAD("[\"ab\x80\"]", "offset 4: invalid UTF-8"),
	BAD("[\"\xe2\x82\"]", "offset 2: invalid UTF-8"),
	BAD("[\"\xe2\x82", "offset 2: invalid UTF-8"),
	BAD("[\"caf\xe9\"]", "offset 5: invalid UTF-8"),
	BAD("[\"\xff\"]", "offset 2: invalid UTF-8"),
	BAD("{\"\xfe\":1}", "offset 2: invalid UTF-8"),
	/* NUL bytes anywhere. */
	BAD("[\"a\0b\"]", "offset 3: NUL byte in a string (not allowed; JSON writes it \\u0000)"),
	BAD("[1]\0", "offset 3: NUL byte (not allowed in JSON text)"),
	BAD("[\0]", "offset 1: NUL byte (not allowed in JSON text)"),
	BAD("\0", "offset 0: NUL byte (not allowed in JSON text)"),
	BAD("{\"a\":1\0}", "offset 6: NUL byte (not allowed in JSON text)"),
};

START_TEST(test_invalid_inputs)
{
	const bad_case *c = &bad_cases[_i];
	/* A good parse first, so a failure must also forget the previous document. */
	PARSE_OK("[1, 2, 3]");
	ck_assert_msg(billtap_json_parse(doc, c->text, c->len) == BILLTAP_EPARSE,
	              "case %d accepted", _i);
	ck_assert_msg(strcmp(billtap_json_error(doc), c->error) == 0, "case %d: \"%s\", want \"%s\"",
	              _i, billtap_json_error(doc), c->error);
	ck_assert_uint_eq(billtap_json_root(doc), BILLTAP_JSON_NONE);
	ck_assert_int_eq(billtap_json_typeof(doc, 0), BILLTAP_JSON_ABSENT);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 0);
	/* The error is cleared by the next good parse. */
	PARSE_OK("{}");
	ck_assert_str_eq(billtap_json_error(doc), "");
}
END_TEST

START_TEST(test_valid_edge_cases)
{
	static const char *const good[] = {
		"[-0]", "[0.0]", "[0e0]", "[0E+1]", "[-1.5E-10]", "[1e007]", "[1e999999]",
		"[123456789012345678901234567890]", "[\"\\u0000\"]", "[\"\\uFFFF\"]",
		"[\"\xf4\x8f\xbf\xbf\"]", "[\"\xed\x9f\xbf\xee\x80\x80\"]", "[\"\x7f\"]",
		"[\"\xe2\x80\xa8\"]", "{\"\":\"\"}", " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n",
		"{\"a\":[{\"b\":[{}]}]}",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		ck_assert_msg(billtap_json_parse(doc, good[i], strlen(good[i])) == 0, "\"%s\": %s",
		              good[i], billtap_json_error(doc));
}
END_TEST

#if SIZE_MAX > UINT32_MAX
START_TEST(test_too_large)
{
	/* Rejected before any byte is read, so the tiny buffer is never overrun. */
	static const char tiny[] = "[]";
	ck_assert_int_eq(billtap_json_parse(doc, tiny, (size_t)UINT32_MAX + 1), BILLTAP_EPARSE);
	ck_assert_str_eq(billtap_json_error(doc), "offset 0: document larger than 4 GiB - 1");
}
END_TEST
#endif

/*
 * The string scanner works 8 bytes at a time; put every kind of special byte at every
 * position around those boundaries and check both acceptance and the decoded value.
 */
START_TEST(test_string_word_boundaries)
{
	char src[128], want[128];
	for (int len = 0; len < 40; len++) {
		for (int at = 0; at < len; at++) {
			/* An escape at `at`. */
			size_t n = 0, w = 0;
			src[n++] = '"';
			for (int i = 0; i < len; i++) {
				if (i == at) {
					memcpy(src + n, "\\n", 2);
					n += 2;
					want[w++] = '\n';
				} else {
					src[n++] = (char)('a' + i % 26);
					want[w++] = (char)('a' + i % 26);
				}
			}
			src[n++] = '"';
			want[w] = '\0';
			ck_assert_int_eq(billtap_json_parse(doc, src, n), 0);
			size_t dn;
			ck_assert_str_eq(decode(0, &dn), want);
			ck_assert_uint_eq(dn, w);
			ck_assert_int_eq(billtap_json_str_is_plain(doc, 0), 0);

			/* A two-byte character at `at`: accepted and kept. */
			n = 0;
			src[n++] = '"';
			for (int i = 0; i < len; i++) {
				if (i == at) {
					memcpy(src + n, "\xc3\xa9", 2);
					n += 2;
				} else {
					src[n++] = 'x';
				}
			}
			src[n++] = '"';
			ck_assert_int_eq(billtap_json_parse(doc, src, n), 0);
			ck_assert_uint_eq(billtap_json_str_is_plain(doc, 0), 1);
			const char *t;
			size_t tn;
			billtap_json_text(&t, &tn, doc, 0);
			ck_assert_uint_eq(tn, (size_t)len + 1);

			/* A control character, a stray continuation byte, or an early quote at
			 * `at`: rejected exactly there. */
			static const char bad[] = { '\x01', '\x1f', '\x00', '\x80', '"' };
			for (size_t b = 0; b < sizeof bad; b++) {
				memset(src, 'y', sizeof src);
				src[0] = '"';
				src[1 + at] = bad[b];
				src[1 + len] = '"';
				int rc = billtap_json_parse(doc, src, (size_t)len + 2);
				ck_assert_int_eq(rc, BILLTAP_EPARSE);
				char msg[96];
				if (bad[b] == '"')
					snprintf(msg, sizeof msg,
					         "offset %d: trailing characters after the value",
					         at + 2);
				else
					snprintf(msg, sizeof msg, "offset %d: %s", at + 1,
					         bad[b] == 0 ? "NUL byte in a string (not allowed; JSON writes it \\u0000)"
					         : bad[b] == '\x80' ? "invalid UTF-8"
					                            : "control character in string");
				ck_assert_str_eq(billtap_json_error(doc), msg);
			}
		}
	}
}
END_TEST

START_TEST(test_whitespace_runs)
{
	/* Indentation runs of every length, as pretty-printers write. */
	char src[256];
	for (int spaces = 0; spaces < 40; spaces++) {
		size_t n = 0;
		src[n++] = '{';
		src[n++] = '\n';
		memset(src + n, ' ', (size_t)spaces);
		n += (size_t)spaces;
		memcpy(src + n, "\"k\":", 4);
		n += 4;
		memset(src + n, ' ', (size_t)spaces);
		n += (size_t)spaces;
		src[n++] = '7';
		memset(src + n, ' ', (size_t)spaces);
		n += (size_t)spaces;
		src[n++] = '}';
		memset(src + n, ' ', (size_t)spaces);
		n += (size_t)spaces;
		ck_assert_int_eq(billtap_json_parse(doc, src, n), 0);
		ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "k")), 7);
		/* A stray byte after the run is found at its exact offset. */
		src[n++] = 'x';
		ck_assert_int_eq(billtap_json_parse(doc, src, n), BILLTAP_EPARSE);
		char msg[64];
		snprintf(msg, sizeof msg, "offset %zu: trailing characters after the value", n - 1);
		ck_assert_str_eq(billtap_json_error(doc), msg);
	}
}
END_TEST

/* ---- reuse ---------------------------------------------------------------------------- */

static char *big_array(int n, size_t *len)
{
	char *s = malloc((size_t)n * 24 + 4);
	ck_assert_ptr_nonnull(s);
	size_t i = 0;
	s[i++] = '[';
	for (int k = 0; k < n; k++)
		i += (size_t)sprintf(s + i, "%s{\"v\":%d}", k ? "," : "", k);
	s[i++] = ']';
	*len = i;
	return s;
}

START_TEST(test_reuse_across_sizes)
{
	size_t len;
	char *big = big_array(20000, &len);
	ck_assert_int_eq(billtap_json_parse(doc, big, len), 0);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 20000);
	billtap_json_ref last = BILLTAP_JSON_NONE;
	int64_t sum = 0;
	for (billtap_json_ref e = billtap_json_first(doc, 0); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(doc, e)) {
		sum += int_of(billtap_json_get(doc, e, "v"));
		last = e;
	}
	ck_assert(sum == (int64_t)20000 * 19999 / 2);
	ck_assert_uint_gt(last, 100);

	/* A small document afterwards: the old tokens are gone. */
	PARSE_OK("[\"small\"]");
	ck_assert_uint_eq(billtap_json_count(doc, 0), 1);
	ck_assert_int_eq(billtap_json_typeof(doc, last), BILLTAP_JSON_ABSENT);
	ck_assert_int_eq(billtap_json_typeof(doc, 2), BILLTAP_JSON_ABSENT);
	ck_assert_str_eq(decode(1, NULL), "small");

	/* And a big one again, from a different buffer. */
	char *big2 = big_array(30000, &len);
	ck_assert_int_eq(billtap_json_parse(doc, big2, len), 0);
	ck_assert_uint_eq(billtap_json_count(doc, 0), 30000);
	billtap_json_ref e = billtap_json_first(doc, 0);
	for (int k = 0; k < 29999; k++)
		e = billtap_json_next(doc, e);
	ck_assert_int_eq(int_of(billtap_json_get(doc, e, "v")), 29999);
	ck_assert_uint_eq(billtap_json_next(doc, e), BILLTAP_JSON_NONE);
	free(big);
	free(big2);

	/* A failed parse in between leaves nothing behind. */
	ck_assert_int_eq(PARSE("[1, 2"), BILLTAP_EPARSE);
	ck_assert_uint_eq(billtap_json_root(doc), BILLTAP_JSON_NONE);
	ck_assert_int_eq(billtap_json_typeof(doc, 1), BILLTAP_JSON_ABSENT);
	PARSE_OK("[true]");
	int b = 0;
	ck_assert_int_eq(billtap_json_bool(&b, doc, 1), 0);
	ck_assert_int_eq(b, 1);
}
END_TEST

START_TEST(test_two_documents)
{
	/* Documents are independent. */
	billtap_json *other;
	ck_assert_int_eq(billtap_json_new(&other), 0);
	PARSE_OK("{\"a\": 1}");
	ck_assert_int_eq(billtap_json_parse(other, "{\"a\": 2}", 8), 0);
	ck_assert_int_eq(int_of(billtap_json_get(doc, 0, "a")), 1);
	int64_t v = 0;
	ck_assert_int_eq(billtap_json_int(&v, other, billtap_json_get(other, 0, "a")), 0);
	ck_assert_int_eq(v, 2);
	billtap_json_free(other);
}
END_TEST

/* Allocation failures over the parser's test corpus (tests/json/cases, or
 * $BILLTAP_JSON_CASES): for every file and every allocation its parse makes, failing that
 * one allocation gives BILLTAP_ENOMEM and nothing else, and parsing again into the same
 * document gives the clean result (the shape of the root for a valid text). A leak on the
 * way shows under ASan and valgrind. */
static int shape(const billtap_json *d, size_t *count)
{
	billtap_json_ref root = billtap_json_root(d);
	*count = billtap_json_count(d, root);
	return (int)billtap_json_typeof(d, root);
}

START_TEST(test_parse_allocation_failures)
{
	const char *dir = getenv("BILLTAP_JSON_CASES");
	dir = dir ? dir : "tests/json/cases";
	DIR *dp = opendir(dir);
	ck_assert_msg(dp != NULL, "%s not found", dir);
	int files = 0;
	long failures = 0;
	for (struct dirent *e; (e = readdir(dp));) {
		if (e->d_name[0] == '.')
			continue;
		char path[1024];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		FILE *fp = fopen(path, "rb");
		ck_assert_ptr_nonnull(fp);
		char text[65536];
		size_t len = fread(text, 1, sizeof text, fp);
		fclose(fp);
		ck_assert_uint_lt(len, sizeof text);
		int want = billtap_json_parse(doc, text, len), want_type = 0;
		size_t want_count = 0;
		if (want == 0)
			want_type = shape(doc, &want_count);
		billtap_json *d = NULL;
		ck_assert_int_eq(billtap_json_new(&d), 0);
		alloc_fail_arm(0);
		billtap_json_parse(d, text, len);
		long total = alloc_fail_count();
		alloc_fail_disarm();
		billtap_json_free(d);
		for (long n = 1; n <= total; n++) {
			d = NULL;
			ck_assert_int_eq(billtap_json_new(&d), 0);
			alloc_fail_arm(n);
			int rc = billtap_json_parse(d, text, len);
			alloc_fail_disarm();
			ck_assert_msg(rc == BILLTAP_ENOMEM || (alloc_fail_fired() == 0 && rc == want),
			              "%s: allocation %ld of %ld failed: %d, want BILLTAP_ENOMEM", e->d_name,
			              n, total, rc);
			ck_assert_int_eq(billtap_json_parse(d, text, len), want);
			size_t count = 0;
			if (want == 0) {
				ck_assert_int_eq(shape(d, &count), want_type);
				ck_assert_uint_eq(count, want_count);
			}
			billtap_json_free(d);
			failures++;
		}
		files++;
	}
	closedir(dp);
	ck_assert_int_gt(files, 100);
	ck_assert_int_gt(failures, files); /* the parses allocate: the walk did something */
}
END_TEST

Suite *json_suite(void);

Suite *json_suite(void)
{
	Suite *s = suite_create("json");

	TCase *tc = tcase_create("document");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_new_and_free);
	tcase_add_test(tc, test_parse_arguments);
	tcase_add_test(tc, test_root_and_types);
	tcase_add_test(tc, test_scalar_roots);
	tcase_add_test(tc, test_reuse_across_sizes);
	tcase_add_test(tc, test_two_documents);
	tcase_add_test(tc, test_parse_allocation_failures);
	suite_add_tcase(s, tc);

	tc = tcase_create("navigation");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_get_similar_keys);
	tcase_add_test(tc, test_get_duplicate_keys);
	tcase_add_test(tc, test_get_escaped_keys);
	tcase_add_test(tc, test_iterate_array);
	tcase_add_test(tc, test_iterate_object);
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_absent_refs);
	tcase_add_test(tc, test_none_chaining);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_int);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_str_is_plain);
	tcase_add_test(tc, test_str_decode_escapes);
	tcase_add_test(tc, test_str_decode_capacity);
	tcase_add_test(tc, test_str_decode_never_longer_than_text);
	tcase_add_test(tc, test_str_eq);
	tcase_add_test(tc, test_id_ref);
	suite_add_tcase(s, tc);

	tc = tcase_create("strict");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_loop_test(tc, test_invalid_inputs, 0,
	                    (int)(sizeof bad_cases / sizeof bad_cases[0]));
	tcase_add_test(tc, test_valid_edge_cases);
#if SIZE_MAX > UINT32_MAX
	tcase_add_test(tc, test_too_large);
#endif
	tcase_add_test(tc, test_string_word_boundaries);
	tcase_add_test(tc, test_whitespace_runs);
	suite_add_tcase(s, tc);

	return s;
}
