/*
 * The JSON document's insides, shared by the parser (json_parse.c), the accessors (json.c)
 * and the string helpers (json_str.c). Nothing here is exported.
 *
 * A parsed document is a flat "tape": one token per value (and per object key) in document
 * order, each pointing into the caller's text. A container's children follow it directly;
 * `next` is the index just past a value's subtree, so siblings are reached by jumping. An
 * object's children alternate key, value subtree, key, value subtree, ..., and a key's
 * `next` skips its whole member, so keys are siblings of each other like array elements.
 */
#ifndef BILLTAP_JSON_INTERNAL_H
#define BILLTAP_JSON_INTERNAL_H

#include "billtap/provider.h"

#include <stddef.h>
#include <stdint.h>

/* Token flags. */
#define BT_JSON_F_ESCAPED 0x01u /* string: the text contains at least one backslash escape */
#define BT_JSON_F_KEY 0x02u     /* string: an object member's key */
#define BT_JSON_F_LAST 0x04u    /* array element or object key: the last one of its container
                                 * (also set on the root, which has no siblings) */
#define BT_JSON_F_REAL 0x08u    /* number: has a fraction or an exponent */
#define BT_JSON_F_SCALAR 0x10u  /* key: its value is not a container (next == index + 2) */
#define BT_JSON_F_UNIQUE 0x20u  /* object: checked, no member name repeats (json_dup.c), so
                                 * a lookup may stop at the first match */

typedef struct bt_json_tok {
	uint32_t start; /* byte offset of the value (strings: just past the opening quote) */
	uint32_t len;   /* bytes of text (strings: between the quotes, still escaped) */
	uint32_t next;  /* index just past this value's subtree; for a key, just past its
	                 * member (the key and its value's subtree): the next key or the end */
	uint8_t type;   /* billtap_json_type */
	uint8_t flags;  /* BT_JSON_F_* */
	uint16_t head;  /* keys: bt_json_key_head() of the text, so lookups rarely touch it */
} bt_json_tok;

struct billtap_json {
	const char *text;     /* the caller's text of the last successful parse */
	bt_json_tok *toks;    /* grows only; kept between parses */
	uint32_t ntok;        /* tokens of the current document; 0 after a failed parse */
	uint32_t cap;         /* allocated tokens */
	char error[96];       /* "offset N: what", "" when the last parse succeeded */
};

/* The token of ref, or NULL when doc is NULL or ref is BILLTAP_JSON_NONE / out of range. */
static inline const bt_json_tok *bt_json_tok_at(const billtap_json *doc, billtap_json_ref ref)
{
	if (!doc || ref >= doc->ntok)
		return NULL;
	return &doc->toks[ref];
}

/*
 * A key's first two bytes (zero-padded), to reject most non-matching keys by comparing
 * tokens alone. Only meaningful for plain (unescaped) keys.
 */
static inline uint16_t bt_json_key_head(const char *s, size_t len)
{
	unsigned h = 0;
	if (len > 0)
		h = (unsigned)(unsigned char)s[0] << 8;
	if (len > 1)
		h |= (unsigned char)s[1];
	return (uint16_t)h;
}

/*
 * Decoded length of an escaped string token's text (the parser has validated it, so decoding
 * cannot fail).
 */
size_t bt_json_decoded_len(const char *s, size_t len);

/* 1 when the string token's decoded value is exactly key[0..key_len), else 0. */
int bt_json_tok_str_eq(const billtap_json *doc, const bt_json_tok *t, const char *key,
                       size_t key_len);

#endif
