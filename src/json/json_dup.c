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
static int decoded_key(const char **out, size_t *len, const billtap_json *doc, uint32_t key,
                       char **buf, size_t *cap)
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

/* 1 when key a has the name of key b, whose decoded bytes are s[0..len). */
static int same_name(const billtap_json *doc, const bt_json_tok *a, const bt_json_tok *b,
                     const char *s, size_t len)
{
	if (!((a->flags | b->flags) & BT_JSON_F_ESCAPED))
		return a->len == b->len && a->head == b->head &&
		       memcmp(doc->text + a->start, doc->text + b->start, a->len) == 0;
	return bt_json_tok_str_eq(doc, a, s, len);
}

static uint32_t hash_bytes(const char *s, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The key after key i of an object, or 0 after its last (keys follow their container,
 * so no key is at index 0). */
static uint32_t next_key(const bt_json_tok *toks, uint32_t i)
{
	const bt_json_tok *k = &toks[i];
	if (k->flags & BT_JSON_F_LAST)
		return 0;
	return (k->flags & BT_JSON_F_SCALAR) ? i + 2 : k->next;
}

/* Objects this small are checked pair by pair; larger ones through a hash table, on the
 * stack up to STACK_SLOTS slots (objects of up to half as many members). */
#define SMALL_OBJECT 8
#define STACK_SLOTS 256

/* The first key of object `obj` that repeats an earlier one, in *dup: 1; 0 when none. */
static int object_duplicate(billtap_json_ref *dup, const billtap_json *doc, uint32_t obj,
                            char **buf, size_t *cap)
{
	const bt_json_tok *toks = doc->toks;
	if (toks[obj].next == obj + 1)
		return 0; /* empty */
	size_t n = 0;
	for (uint32_t k = obj + 1; k; k = next_key(toks, k))
		n++;
	if (n < 2)
		return 0;
	uint32_t stack[STACK_SLOTS], *table = NULL;
	size_t slots = 0;
	if (n > SMALL_OBJECT) {
		for (slots = 16; slots < 2 * n; slots *= 2)
			;
		table = slots <= STACK_SLOTS ? stack : malloc(slots * sizeof *table);
		if (!table)
			return BILLTAP_ENOMEM;
		memset(table, 0, slots * sizeof *table); /* 0: empty (no key is at index 0) */
	}
	int rc = 0;
	for (uint32_t k = obj + 1; k && !rc; k = next_key(toks, k)) {
		const char *s;
		size_t len;
		if ((rc = decoded_key(&s, &len, doc, k, buf, cap)) < 0)
			break;
		if (!table) {
			for (uint32_t e = obj + 1; e != k; e = next_key(toks, e))
				if (same_name(doc, &toks[e], &toks[k], s, len)) {
					*dup = k;
					rc = 1;
					break;
				}
			continue;
		}
		size_t i = hash_bytes(s, len) & (slots - 1);
		for (; table[i]; i = (i + 1) & (slots - 1))
			if (same_name(doc, &toks[table[i]], &toks[k], s, len)) {
				*dup = k;
				rc = 1;
				break;
			}
		if (!rc)
			table[i] = k;
	}
	if (table != stack)
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
