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
/* Objects of up to this many members without escaped names take the quick check. */
#define QUICK_KEYS 64

/* A bit of a 256-bit set for a plain key, from what its token already holds (length and
 * first two bytes): equal names always land on the same bit. (256 bits leave about one
 * shared bit among a Stripe customer's 22 names.) */
static unsigned key_bit(const bt_json_tok *t)
{
	return (unsigned)(((uint32_t)t->head * 0x9E3779B1u ^ t->len * 0x85EBCA6Bu) >> 24);
}

/*
 * The common case, with no text read for most keys: an object of at most QUICK_KEYS
 * members whose names have no escapes. A name whose bit is new cannot repeat an earlier
 * one; only on a shared bit are the earlier names with the same length and first bytes
 * compared in full. Returns 1 (*dup set) or 0, or -1 when the object is not such a case.
 */
static int quick_duplicate(billtap_json_ref *dup, const billtap_json *doc, uint32_t obj)
{
	const bt_json_tok *toks = doc->toks;
	uint32_t keys[QUICK_KEYS];
	size_t n = 0;
	uint64_t bits[4] = { 0 };
	for (uint32_t k = obj + 1; k; k = next_key(toks, k)) {
		const bt_json_tok *t = &toks[k];
		if (n == QUICK_KEYS || (t->flags & BT_JSON_F_ESCAPED))
			return -1;
		unsigned at = key_bit(t);
		uint64_t bit = UINT64_C(1) << (at & 63);
		if (bits[at >> 6] & bit)
			for (size_t j = 0; j < n; j++) {
				const bt_json_tok *e = &toks[keys[j]];
				if (e->len == t->len && e->head == t->head &&
				    memcmp(doc->text + e->start, doc->text + t->start, t->len) == 0) {
					*dup = k;
					return 1;
				}
			}
		bits[at >> 6] |= bit;
		keys[n++] = k;
	}
	return 0;
}

/* The first key of object `obj` that repeats an earlier one, in *dup: 1; 0 when none. */
static int object_duplicate(billtap_json_ref *dup, const billtap_json *doc, uint32_t obj,
                            char **buf, size_t *cap)
{
	const bt_json_tok *toks = doc->toks;
	if (toks[obj].next == obj + 1)
		return 0; /* empty */
	int quick = quick_duplicate(dup, doc, obj);
	if (quick >= 0)
		return quick;
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
	/* The document is the caller's, but the tokens are our bookkeeping: an object found
	 * clean is flagged so that lookups in it may stop at their first match. */
	bt_json_tok *toks = doc->toks;
	for (uint32_t i = ref; i < end && !rc; i++)
		if (toks[i].type == BILLTAP_JSON_OBJECT &&
		    (rc = object_duplicate(dup, doc, i, &buf, &cap)) == 0)
			toks[i].flags |= BT_JSON_F_UNIQUE;
	free(buf);
	return rc;
}
