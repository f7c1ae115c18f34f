/*
 * String values: decoding escapes on demand, comparing without allocating, and the lookups
 * built on comparison (billtap_json_get, billtap_json_id_ref). The parser validated every
 * escape and paired every surrogate, so nothing here can meet a malformed one.
 */
#include "json/json_internal.h"

#include <string.h>

static unsigned hex4(const char *p)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = (unsigned char)p[i];
		v <<= 4;
		if (c <= '9')
			v |= c - '0';
		else
			v |= (c | 0x20) - 'a' + 10;
	}
	return v;
}

/*
 * Decodes the escape at p (p[0] == '\\') into out[0..4) as UTF-8. Returns the decoded byte
 * count; *used receives the escape's length in the text.
 */
static size_t decode_escape(unsigned char out[4], const char *p, size_t *used)
{
	*used = 2;
	switch (p[1]) {
	case 'b': out[0] = '\b'; return 1;
	case 'f': out[0] = '\f'; return 1;
	case 'n': out[0] = '\n'; return 1;
	case 'r': out[0] = '\r'; return 1;
	case 't': out[0] = '\t'; return 1;
	case 'u': break;
	default: out[0] = (unsigned char)p[1]; return 1; /* '"', '\\', '/' */
	}
	uint32_t cp = hex4(p + 2);
	*used = 6;
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (hex4(p + 8) - 0xDC00);
		*used = 12;
	}
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t bt_json_decoded_len(const char *s, size_t len)
{
	size_t n = 0, i = 0;
	while (i < len) {
		const char *bs = memchr(s + i, '\\', len - i);
		if (!bs)
			return n + (len - i);
		n += (size_t)(bs - (s + i));
		unsigned char tmp[4];
		size_t used;
		n += decode_escape(tmp, bs, &used);
		i = (size_t)(bs - s) + used;
	}
	return n;
}

/* Decodes s[0..len) into dst, which has room for the decoded length. */
static void decode_into(char *dst, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *bs = memchr(s + i, '\\', len - i);
		size_t plain = bs ? (size_t)(bs - (s + i)) : len - i;
		memcpy(dst, s + i, plain);
		dst += plain;
		if (!bs)
			return;
		size_t used;
		dst += decode_escape((unsigned char *)dst, bs, &used);
		i = (size_t)(bs - s) + used;
	}
}

int bt_json_tok_str_eq(const billtap_json *doc, const bt_json_tok *t, const char *key,
                       size_t key_len)
{
	const char *s = doc->text + t->start;
	if (!(t->flags & BT_JSON_F_ESCAPED))
		return t->len == key_len && memcmp(s, key, key_len) == 0;
	/* Decoding only shrinks text, so a shorter text cannot match. */
	if (t->len < key_len)
		return 0;
	size_t i = 0, k = 0;
	while (i < t->len) {
		if (s[i] != '\\') {
			if (k == key_len || s[i] != key[k])
				return 0;
			i++;
			k++;
			continue;
		}
		unsigned char tmp[4];
		size_t used;
		size_t n = decode_escape(tmp, s + i, &used);
		if (n > key_len - k || memcmp(tmp, key + k, n) != 0)
			return 0;
		i += used;
		k += n;
	}
	return k == key_len;
}

BILLTAP_EXTERN(int) billtap_json_str_is_plain(const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	return t && t->type == BILLTAP_JSON_STRING && !(t->flags & BT_JSON_F_ESCAPED);
}

BILLTAP_EXTERN(int) billtap_json_str_decode(char *dst, size_t cap, size_t *len,
                                            const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (len)
		*len = 0;
	if (dst && cap)
		dst[0] = '\0';
	if (!t)
		return BILLTAP_ENOTFOUND;
	if (t->type != BILLTAP_JSON_STRING)
		return BILLTAP_ETYPE;
	const char *s = doc->text + t->start;
	int escaped = (t->flags & BT_JSON_F_ESCAPED) != 0;
	size_t n = escaped ? bt_json_decoded_len(s, t->len) : t->len;
	if (len)
		*len = n;
	if (!dst || cap <= n)
		return BILLTAP_EINVAL;
	if (escaped)
		decode_into(dst, s, t->len);
	else
		memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_str_eq(const billtap_json *doc, billtap_json_ref ref,
                                        const char *s)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (!t || t->type != BILLTAP_JSON_STRING || !s)
		return 0;
	return bt_json_tok_str_eq(doc, t, s, strlen(s));
}

/* Scans every member (not stopping at a match) because the last duplicate wins, unless the
 * object was found free of repeated names. */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_get(const billtap_json *doc, billtap_json_ref obj,
                                                  const char *key)
{
	const bt_json_tok *t = bt_json_tok_at(doc, obj);
	if (!t || t->type != BILLTAP_JSON_OBJECT || !key || t->next == obj + 1)
		return BILLTAP_JSON_NONE;
	const bt_json_tok *toks = doc->toks;
	const char *text = doc->text;
	size_t key_len = strlen(key);
	uint16_t head = bt_json_key_head(key, key_len);
	billtap_json_ref found = BILLTAP_JSON_NONE;
	/* In an object known to have no repeated name the first match is the last. */
	int unique = (t->flags & BT_JSON_F_UNIQUE) != 0;
	uint32_t i = obj + 1;
	for (;;) {
		const bt_json_tok *k = &toks[i];
		if (k->len == key_len && k->head == head && !(k->flags & BT_JSON_F_ESCAPED)) {
			/* Length and first two bytes match: only longer keys need a look at the text. */
			if (key_len <= 2 || memcmp(text + k->start + 2, key + 2, key_len - 2) == 0) {
				found = i + 1;
				if (unique)
					return found;
			}
		} else if ((k->flags & BT_JSON_F_ESCAPED) && bt_json_tok_str_eq(doc, k, key, key_len)) {
			found = i + 1;
		}
		if (k->flags & BT_JSON_F_LAST)
			return found;
		/* Most values are scalars, whose next key is at i + 2. Branching on the flag
		 * (rather than always following `next`) lets the CPU predict the next index
		 * instead of waiting for a chain of dependent loads. */
		if (k->flags & BT_JSON_F_SCALAR)
			i += 2;
		else
			i = k->next;
	}
}

BILLTAP_EXTERN(billtap_json_ref) billtap_json_id_ref(const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (!t)
		return BILLTAP_JSON_NONE;
	if (t->type == BILLTAP_JSON_STRING)
		return ref;
	if (t->type != BILLTAP_JSON_OBJECT)
		return BILLTAP_JSON_NONE;
	billtap_json_ref id = billtap_json_get(doc, ref, "id");
	return billtap_json_typeof(doc, id) == BILLTAP_JSON_STRING ? id : BILLTAP_JSON_NONE;
}
