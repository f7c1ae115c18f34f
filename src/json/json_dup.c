/*
 * Repeated member names. RFC 8259 leaves an object with a repeated name to the
 * implementation, and the parser accepts one (conformance; billtap_json_get() takes the
 * last). In data a provider sent, though, it is ambiguous (which "amount" is meant?), so
 * the provider kit asks here and refuses it. Names are compared decoded ("a" and "\u0061"
 * repeat each other).
 */
#include <stdlib.h>
#include <string.h>

#include "json_dup.h"
#include "json_internal.h"

/* A key's decoded bytes: its text when plain, else decoded into *buf (grown as needed). */
static int decoded_key(const char **out, size_t *len, const billtap_json *doc,
                       billtap_json_ref key, char **buf, size_t *cap)
{
	const bt_json_tok *t = &doc->toks[key];
	if (!(t->flags & BT_JSON_F_ESCAPED)) {
		*out = doc->text + t->start;
		*len = t->len;
		return 0;
	}
	if (*cap < (size_t)t->len + 1) {
		char *p = realloc(*buf, (size_t)t->len + 1);
		if (!p)
			return BILLTAP_ENOMEM;
		*buf = p;
		*cap = (size_t)t->len + 1;
	}
	billtap_json_str_decode(*buf, *cap, len, doc, key);
	*out = *buf;
	return 0;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* Objects this small are checked pair by pair, without a table. */
#define SMALL_OBJECT 12

/* The first key of object `obj` that repeats an earlier one, in *dup: 1; 0 when none. */
static int object_duplicate(billtap_json_ref *dup, const billtap_json *doc, billtap_json_ref obj,
                            char **buf, size_t *cap)
{
	size_t n = billtap_json_count(doc, obj);
	if (n < 2)
		return 0;
	uint32_t *table = NULL;
	size_t slots = 0;
	if (n > SMALL_OBJECT) {
		for (slots = 16; slots < 2 * n; slots *= 2)
			;
		if (!(table = malloc(slots * sizeof *table)))
			return BILLTAP_ENOMEM;
		memset(table, 0xff, slots * sizeof *table); /* UINT32_MAX: empty */
	}
	int rc = 0;
	for (billtap_json_ref k = billtap_json_first(doc, obj); k != BILLTAP_JSON_NONE && !rc;
	     k = billtap_json_next(doc, k)) {
		const char *s;
		size_t len;
		if ((rc = decoded_key(&s, &len, doc, k, buf, cap)) < 0)
			break;
		if (!table) {
			for (billtap_json_ref e = billtap_json_first(doc, obj); e != k;
			     e = billtap_json_next(doc, e))
				if (bt_json_tok_str_eq(doc, &doc->toks[e], s, len)) {
					*dup = k;
					rc = 1;
					break;
				}
			continue;
		}
		size_t i = (size_t)hash_bytes(s, len) & (slots - 1);
		for (; table[i] != UINT32_MAX; i = (i + 1) & (slots - 1))
			if (bt_json_tok_str_eq(doc, &doc->toks[table[i]], s, len)) {
				*dup = k;
				rc = 1;
				break;
			}
		if (!rc)
			table[i] = k;
	}
	free(table);
	return rc;
}

void bt_json_key_name(char out[64], const billtap_json *doc, billtap_json_ref key)
{
	size_t n;
	if (billtap_json_str_decode(out, 64, &n, doc, key) < 0 || strlen(out) != n)
		strcpy(out, "(a long or odd name)");
	for (char *c = out; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
}

int bt_json_find_duplicate(billtap_json_ref *dup, const billtap_json *doc, billtap_json_ref ref,
                           int deep)
{
	*dup = BILLTAP_JSON_NONE;
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (!t)
		return 0;
	uint32_t end = deep ? t->next : ref + 1;
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (uint32_t i = ref; i < end && !rc; i++)
		if (doc->toks[i].type == BILLTAP_JSON_OBJECT)
			rc = object_duplicate(dup, doc, i, &buf, &cap);
	free(buf);
	return rc;
}
