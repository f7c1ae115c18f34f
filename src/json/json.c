/*
 * The JSON document: its lifetime and the accessors that navigate the tape (see
 * json_internal.h). Every accessor treats a NULL document, BILLTAP_JSON_NONE and any other
 * out-of-range ref as "absent", so lookups chain without checks.
 */
#include "json/json_internal.h"
#include "json/json_swap.h"

#include <stdlib.h>

BILLTAP_EXTERN(int) billtap_json_new(billtap_json **out)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = calloc(1, sizeof **out);
	return *out ? 0 : BILLTAP_ENOMEM;
}

BILLTAP_EXTERN(void) billtap_json_free(billtap_json *doc)
{
	if (!doc)
		return;
	free(doc->toks);
	free(doc);
}

void bt_json_swap(billtap_json *a, billtap_json *b)
{
	/* Nothing in a document points into the document itself: its tokens are its own
	 * allocation and its text the caller's. */
	billtap_json t = *a;
	*a = *b;
	*b = t;
}

BILLTAP_EXTERN(const char *) billtap_json_error(const billtap_json *doc)
{
	return doc ? doc->error : "no document";
}

BILLTAP_EXTERN(billtap_json_ref) billtap_json_root(const billtap_json *doc)
{
	return doc && doc->ntok ? 0 : BILLTAP_JSON_NONE;
}

BILLTAP_EXTERN(billtap_json_type) billtap_json_typeof(const billtap_json *doc,
                                                      billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	return t ? (billtap_json_type)t->type : BILLTAP_JSON_ABSENT;
}

static int is_container(const bt_json_tok *t)
{
	return t && (t->type == BILLTAP_JSON_ARRAY || t->type == BILLTAP_JSON_OBJECT);
}

BILLTAP_EXTERN(billtap_json_ref) billtap_json_first(const billtap_json *doc,
                                                    billtap_json_ref container)
{
	const bt_json_tok *t = bt_json_tok_at(doc, container);
	if (!is_container(t) || t->next == container + 1)
		return BILLTAP_JSON_NONE;
	return container + 1;
}

/*
 * The sibling after ref, at its `next` (a key's `next` skips the whole member). A member
 * *value* has no sibling in this API; it is recognised by the token before it being a key
 * (an array element is preceded by its array or by the last token of the previous
 * element's subtree, which is never a key because every key is followed by its value
 * inside the same subtree).
 */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_next(const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (!t || (t->flags & BT_JSON_F_LAST))
		return BILLTAP_JSON_NONE;
	if (!(t->flags & BT_JSON_F_KEY) && ref > 0 && (doc->toks[ref - 1].flags & BT_JSON_F_KEY))
		return BILLTAP_JSON_NONE;
	return t->next;
}

BILLTAP_EXTERN(billtap_json_ref) billtap_json_value_of(const billtap_json *doc,
                                                       billtap_json_ref key)
{
	const bt_json_tok *t = bt_json_tok_at(doc, key);
	return t && (t->flags & BT_JSON_F_KEY) ? key + 1 : BILLTAP_JSON_NONE;
}

BILLTAP_EXTERN(size_t) billtap_json_count(const billtap_json *doc, billtap_json_ref container)
{
	const bt_json_tok *t = bt_json_tok_at(doc, container);
	if (!is_container(t) || t->next == container + 1)
		return 0;
	size_t count = 1;
	for (uint32_t i = container + 1; !(doc->toks[i].flags & BT_JSON_F_LAST); i = doc->toks[i].next)
		count++;
	return count;
}

BILLTAP_EXTERN(int) billtap_json_text(const char **out, size_t *len, const billtap_json *doc,
                                      billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (!t) {
		if (out)
			*out = NULL;
		if (len)
			*len = 0;
		return BILLTAP_ENOTFOUND;
	}
	if (out)
		*out = doc->text + t->start;
	if (len)
		*len = t->len;
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_int(int64_t *out, const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (out)
		*out = 0;
	if (!t)
		return BILLTAP_ENOTFOUND;
	if (t->type != BILLTAP_JSON_NUMBER || (t->flags & BT_JSON_F_REAL))
		return BILLTAP_ETYPE;
	/* The parser checked the grammar: an optional '-', then digits without leading zeros.
	 * Accumulate the magnitude unsigned so INT64_MIN's is representable. */
	const char *s = doc->text + t->start;
	const char *end = s + t->len;
	int neg = *s == '-';
	s += neg;
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t v = 0;
	for (; s < end; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (v > (limit - d) / 10)
			return BILLTAP_EDATA;
		v = v * 10 + d;
	}
	if (out) {
		if (!neg)
			*out = (int64_t)v;
		else
			*out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	}
	return 0;
}

BILLTAP_EXTERN(int) billtap_json_bool(int *out, const billtap_json *doc, billtap_json_ref ref)
{
	const bt_json_tok *t = bt_json_tok_at(doc, ref);
	if (out)
		*out = 0;
	if (!t)
		return BILLTAP_ENOTFOUND;
	if (t->type != BILLTAP_JSON_TRUE && t->type != BILLTAP_JSON_FALSE)
		return BILLTAP_ETYPE;
	if (out)
		*out = t->type == BILLTAP_JSON_TRUE;
	return 0;
}
