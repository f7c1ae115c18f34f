#include "cli_json_same.h"

#include <stdlib.h>
#include <string.h>

/* Strings are compared decoded: "\u00e9" and "é" are the same name. */
static int same_string(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                       billtap_json_ref b)
{
	const char *ta, *tb;
	size_t la, lb;
	billtap_json_text(&ta, &la, da, a);
	billtap_json_text(&tb, &lb, db, b);
	if (billtap_json_str_is_plain(da, a) && billtap_json_str_is_plain(db, b))
		return la == lb && !memcmp(ta, tb, la);
	char *xa = malloc(la + 1), *xb = malloc(lb + 1);
	size_t na, nb;
	int same = xa && xb && billtap_json_str_decode(xa, la + 1, &na, da, a) == 0 &&
	           billtap_json_str_decode(xb, lb + 1, &nb, db, b) == 0 && na == nb &&
	           !memcmp(xa, xb, na);
	free(xa);
	free(xb);
	return same;
}

static int same_value(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                      billtap_json_ref b);

/* Every member of a has an equal one in b, and they have as many: equal objects. Keys
 * are unique in what the library writes, so counting suffices. */
static int same_object(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                       billtap_json_ref b)
{
	if (billtap_json_count(da, a) != billtap_json_count(db, b))
		return 0;
	for (billtap_json_ref ka = billtap_json_first(da, a); ka != BILLTAP_JSON_NONE;
	     ka = billtap_json_next(da, ka)) {
		billtap_json_ref match = BILLTAP_JSON_NONE;
		for (billtap_json_ref kb = billtap_json_first(db, b); kb != BILLTAP_JSON_NONE;
		     kb = billtap_json_next(db, kb))
			if (same_string(da, ka, db, kb)) {
				match = kb;
				break;
			}
		if (match == BILLTAP_JSON_NONE ||
		    !same_value(da, billtap_json_value_of(da, ka), db, billtap_json_value_of(db, match)))
			return 0;
	}
	return 1;
}

static int same_value(const billtap_json *da, billtap_json_ref a, const billtap_json *db,
                      billtap_json_ref b)
{
	billtap_json_type t = billtap_json_typeof(da, a);
	if (t != billtap_json_typeof(db, b))
		return 0;
	switch (t) {
	case BILLTAP_JSON_OBJECT:
		return same_object(da, a, db, b);
	case BILLTAP_JSON_ARRAY: {
		if (billtap_json_count(da, a) != billtap_json_count(db, b))
			return 0;
		billtap_json_ref ea = billtap_json_first(da, a), eb = billtap_json_first(db, b);
		for (; ea != BILLTAP_JSON_NONE; ea = billtap_json_next(da, ea), eb = billtap_json_next(db, eb))
			if (!same_value(da, ea, db, eb))
				return 0;
		return 1;
	}
	case BILLTAP_JSON_STRING:
		return same_string(da, a, db, b);
	case BILLTAP_JSON_NUMBER: {
		const char *ta, *tb;
		size_t la, lb;
		billtap_json_text(&ta, &la, da, a);
		billtap_json_text(&tb, &lb, db, b);
		return la == lb && !memcmp(ta, tb, la);
	}
	default:
		return 1; /* null, true, false: the type says it all */
	}
}

int cli_json_same(billtap_json *da, const char *a, billtap_json *db, const char *b)
{
	return billtap_json_parse(da, a, strlen(a)) == 0 && billtap_json_parse(db, b, strlen(b)) == 0 &&
	       same_value(da, billtap_json_root(da), db, billtap_json_root(db));
}
