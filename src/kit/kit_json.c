/* The kit's JSON readers: paths, string copies, exact integers, times, money, vocabularies.
 * Built on the public JSON and money API only. */
#include "billtap/provider_kit.h"

#include <stdlib.h>
#include <string.h>

BILLTAP_EXTERN(billtap_json_ref) billtap_json_path(const billtap_json *doc, billtap_json_ref ref,
                                                   const char *path)
{
	if (!doc || !path || !*path)
		return doc ? ref : BILLTAP_JSON_NONE;
	char key[128];
	for (const char *p = path; ref != BILLTAP_JSON_NONE;) {
		size_t n = strcspn(p, ".");
		if (n == 0 || n >= sizeof key)
			return BILLTAP_JSON_NONE;
		memcpy(key, p, n);
		key[n] = '\0';
		ref = billtap_json_get(doc, ref, key);
		if (!p[n])
			return ref;
		p += n + 1;
	}
	return BILLTAP_JSON_NONE;
}

BILLTAP_EXTERN(int) billtap_json_strdup(char **out, const billtap_json *doc, billtap_json_ref ref)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = NULL;
	switch (billtap_json_typeof(doc, ref)) {
	case BILLTAP_JSON_ABSENT:
	case BILLTAP_JSON_NULL: return BILLTAP_ENOTFOUND;
	case BILLTAP_JSON_STRING: break;
	default: return BILLTAP_ETYPE;
	}
	const char *text;
	size_t len, n = 0;
	billtap_json_text(&text, &len, doc, ref);
	/* Decoding never grows a string: the escaped length bounds the decoded one. */
	char *s = malloc(len + 1);
	if (!s)
		return BILLTAP_ENOMEM;
	billtap_json_str_decode(s, len + 1, &n, doc, ref);
	if (memchr(s, '\0', n)) {
		free(s);
		return BILLTAP_EDATA;
	}
	*out = s;
	return 0;
}

/* An optional '-' then 1-19 digits, into int64 exactly. */
static int parse_digits(int64_t *out, const char *s, size_t len)
{
	int neg = len && s[0] == '-';
	size_t i = (size_t)neg;
	if (i == len)
		return BILLTAP_ETYPE;
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return BILLTAP_ETYPE;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (limit - d) / 10)
			return BILLTAP_EDATA;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_integer(int64_t *out, const billtap_json *doc,
                                         billtap_json_ref ref, unsigned int flags)
{
	if (!out)
		return BILLTAP_EINVAL;
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return BILLTAP_ENOTFOUND;
	if (t == BILLTAP_JSON_NUMBER)
		return billtap_json_int(out, doc, ref);
	if (t != BILLTAP_JSON_STRING || !(flags & BILLTAP_MAP_NUMERIC_STRING) ||
	    !billtap_json_str_is_plain(doc, ref))
		return BILLTAP_ETYPE;
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, ref);
	return parse_digits(out, text, len);
}

BILLTAP_EXTERN(int) billtap_json_time(int64_t *out, const billtap_json *doc,
                                      billtap_json_ref ref)
{
	if (!out)
		return BILLTAP_EINVAL;
	const char *text;
	size_t len;
	switch (billtap_json_typeof(doc, ref)) {
	case BILLTAP_JSON_ABSENT:
	case BILLTAP_JSON_NULL: return BILLTAP_ENOTFOUND;
	case BILLTAP_JSON_NUMBER: return billtap_json_int(out, doc, ref) == 0 ? 0 : BILLTAP_EDATA;
	case BILLTAP_JSON_STRING:
		if (!billtap_json_str_is_plain(doc, ref))
			return BILLTAP_EDATA; /* times are ASCII: an escape means something else */
		billtap_json_text(&text, &len, doc, ref);
		return billtap_time_parse_n(out, text, len) == 0 ? 0 : BILLTAP_EDATA;
	default: return BILLTAP_EDATA;
	}
}

BILLTAP_EXTERN(int) billtap_json_money(int64_t *minor, const billtap_json *doc,
                                       billtap_json_ref ref, int exponent, unsigned int flags)
{
	if (!minor || exponent < 0 || exponent > 6)
		return BILLTAP_EINVAL;
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return BILLTAP_ENOTFOUND;
	if (!(flags & BILLTAP_MAP_MAJOR_UNITS))
		return billtap_json_integer(minor, doc, ref, flags);
	/* Major units: the decimal's own digits, from a string or a number's lexeme; never a
	 * double, so 0.1 + 0.2 stays 30 cents. */
	if (t != BILLTAP_JSON_NUMBER &&
	    (t != BILLTAP_JSON_STRING || !billtap_json_str_is_plain(doc, ref)))
		return BILLTAP_ETYPE;
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, ref);
	return billtap_money_from_decimal(minor, text, len, exponent) == 0 ? 0 : BILLTAP_EDATA;
}

BILLTAP_EXTERN(const char *) billtap_vocab_lookup(const billtap_vocab *table,
                                                  const billtap_json *doc,
                                                  billtap_json_ref value,
                                                  const char *otherwise)
{
	for (const billtap_vocab *v = table; v && v->provider; v++)
		if (billtap_json_str_eq(doc, value, v->provider))
			return v->normalized;
	return otherwise;
}
