/* Semantic JSON comparison for tests, built on billtap's parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int value_equal(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                       billtap_json_ref b, char *why, size_t cap, const char *path);

static int fail(char *why, size_t cap, const char *path, const char *what)
{
	if (why && cap)
		snprintf(why, cap, "%s: %s", path[0] ? path : "(root)", what);
	return 0;
}

static char *decode(const billtap_json *d, billtap_json_ref r)
{
	const char *t;
	size_t len, n;
	billtap_json_text(&t, &len, d, r);
	char *s = malloc(len + 1);
	if (s)
		billtap_json_str_decode(s, len + 1, &n, d, r);
	return s;
}

static int object_equal(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                        billtap_json_ref b, char *why, size_t cap, const char *path)
{
	if (billtap_json_count(da, a) != billtap_json_count(db, b))
		return fail(why, cap, path, "objects have different member counts");
	for (billtap_json_ref k = billtap_json_first(da, a); k != BILLTAP_JSON_NONE;
	     k = billtap_json_next(da, k)) {
		char *key = decode(da, k);
		char sub[512];
		snprintf(sub, sizeof sub, "%s.%s", path, key ? key : "?");
		billtap_json_ref other = key ? billtap_json_get(db, b, key) : BILLTAP_JSON_NONE;
		free(key);
		if (other == BILLTAP_JSON_NONE)
			return fail(why, cap, sub, "missing on the right");
		if (!value_equal(da, billtap_json_value_of(da, k), db, other, why, cap, sub))
			return 0;
	}
	return 1;
}

static int value_equal(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                       billtap_json_ref b, char *why, size_t cap, const char *path)
{
	billtap_json_type ta = billtap_json_typeof(da, a), tb = billtap_json_typeof(db, b);
	if (ta != tb)
		return fail(why, cap, path, "types differ");
	if (ta == BILLTAP_JSON_OBJECT)
		return object_equal(da, a, db, b, why, cap, path);
	if (ta == BILLTAP_JSON_ARRAY) {
		if (billtap_json_count(da, a) != billtap_json_count(db, b))
			return fail(why, cap, path, "arrays have different lengths");
		billtap_json_ref x = billtap_json_first(da, a), y = billtap_json_first(db, b);
		for (int i = 0; x != BILLTAP_JSON_NONE;
		     x = billtap_json_next(da, x), y = billtap_json_next(db, y), i++) {
			char sub[512];
			snprintf(sub, sizeof sub, "%s[%d]", path, i);
			if (!value_equal(da, x, db, y, why, cap, sub))
				return 0;
		}
		return 1;
	}
	if (ta == BILLTAP_JSON_STRING) {
		char *sa = decode(da, a), *sb = decode(db, b);
		int eq = sa && sb && strcmp(sa, sb) == 0;
		if (!eq && why && cap)
			snprintf(why, cap, "%s: \"%s\" != \"%s\"", path, sa ? sa : "?", sb ? sb : "?");
		free(sa);
		free(sb);
		return eq;
	}
	const char *xa, *xb;
	size_t la, lb;
	billtap_json_text(&xa, &la, da, a);
	billtap_json_text(&xb, &lb, db, b);
	if (la != lb || memcmp(xa, xb, la) != 0) {
		if (why && cap)
			snprintf(why, cap, "%s: %.*s != %.*s", path, (int)la, xa, (int)lb, xb);
		return 0;
	}
	return 1;
}

int json_equal(const char *a, size_t alen, const char *b, size_t blen, char *why, size_t cap)
{
	billtap_json *da = NULL, *db = NULL;
	int eq = 0;
	if (billtap_json_new(&da) < 0 || billtap_json_new(&db) < 0)
		goto out;
	if (billtap_json_parse(da, a, alen) < 0) {
		fail(why, cap, "", "left side is not JSON");
		goto out;
	}
	if (billtap_json_parse(db, b, blen) < 0) {
		fail(why, cap, "", "right side is not JSON");
		goto out;
	}
	eq = value_equal(da, billtap_json_root(da), db, billtap_json_root(db), why, cap, "");
out:
	billtap_json_free(da);
	billtap_json_free(db);
	return eq;
}
