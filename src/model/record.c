/* Records: the setters providers use, the accessors hosts use, copying and freeing. */
#include "model/record.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static size_t set_words(size_t count)
{
	return (count + 63) / 64;
}

static billtap_record *record_alloc(const bt_schema *s)
{
	size_t words = set_words(s->count);
	billtap_record *rec =
		calloc(1, sizeof *rec + (s->count + words) * sizeof(int64_t));
	if (!rec)
		return NULL;
	rec->schema = s;
	rec->value = rec->slots;
	rec->set = (uint64_t *)(rec->slots + s->count);
	return rec;
}

/* The slot of a field of the record's kind, when it is (want_string) or is not a string
 * field; else -1. */
static int slot_of(const billtap_record *rec, billtap_field field, int want_string)
{
	int slot = bt_schema_slot(rec->schema, field);
	if (slot < 0)
		return -1;
	int is_string = billtap_field_type_of(field) == BILLTAP_TYPE_STRING;
	return is_string == want_string ? slot : -1;
}

static void mark(billtap_record *rec, int slot, int64_t value)
{
	rec->value[slot] = value;
	rec->set[slot / 64] |= (uint64_t)1 << (slot % 64);
}

static void invalidate_json(billtap_record *rec)
{
	free(rec->json);
	rec->json = NULL;
	rec->json_len = 0;
}

BILLTAP_EXTERN(int) billtap_record_new(billtap_record **out, billtap_record_kind kind)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = NULL;
	const bt_schema *s = bt_schema_of(kind);
	if (!s)
		return BILLTAP_EINVAL;
	*out = record_alloc(s);
	return *out ? 0 : BILLTAP_ENOMEM;
}

BILLTAP_EXTERN(int) billtap_record_new_tombstone(billtap_record **out, billtap_record_kind kind,
                                                 const char *id)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = NULL;
	/* Only what an iterator returns can be deleted: the kinds of resources. */
	int top = 0;
	for (int r = 1; billtap_resource_name((billtap_resource)r); r++)
		top |= billtap_resource_kind((billtap_resource)r) == kind;
	if (!top || !id || !*id)
		return BILLTAP_EINVAL;
	billtap_record *rec;
	int rc = billtap_record_new(&rec, kind);
	if (rc < 0)
		return rc;
	if ((rc = billtap_record_set_str(rec, BILLTAP_FIELD_ID, id, strlen(id))) < 0) {
		billtap_record_free(rec);
		return rc == BILLTAP_EDATA ? BILLTAP_EINVAL : rc;
	}
	/* A kind that has a `deleted` field (customers) says so there too. */
	if (bt_schema_slot(rec->schema, BILLTAP_FIELD_DELETED) >= 0 &&
	    (rc = billtap_record_set_int(rec, BILLTAP_FIELD_DELETED, 1)) < 0) {
		billtap_record_free(rec);
		return rc;
	}
	rec->deleted = 1;
	*out = rec;
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_deleted(const billtap_record *rec)
{
	return rec ? rec->deleted : 0;
}

BILLTAP_EXTERN(void) billtap_record_free(billtap_record *rec)
{
	if (!rec)
		return;
	for (size_t i = 0; i < rec->item_count; i++)
		billtap_record_free(rec->items[i]);
	free(rec->items);
	bt_buf_free(&rec->store);
	free(rec->trace);
	free(rec->json);
	free(rec);
}

BILLTAP_EXTERN(int) billtap_record_set_str(billtap_record *rec, billtap_field field,
                                           const char *s, size_t len)
{
	if (!rec)
		return BILLTAP_EINVAL;
	if (rec->deleted)
		return BILLTAP_ETYPE;
	int slot = slot_of(rec, field, 1);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (!s)
		return billtap_record_set_null(rec, field);
	if (!bt_utf8_valid(s, len) || memchr(s, '\0', len))
		return BILLTAP_EDATA;
	/* Strings are appended, NUL-terminated; the value is their offset, which stays valid
	 * when the store grows. Overwriting a field leaves the old bytes behind (rare). */
	size_t off = rec->store.len;
	if (bt_buf_append(&rec->store, s, len) < 0 || bt_buf_putc(&rec->store, '\0') < 0)
		return BILLTAP_ENOMEM;
	mark(rec, slot, (int64_t)off);
	bt_record_touch(rec, slot);
	invalidate_json(rec);
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_set_json_str(billtap_record *rec, billtap_field field,
                                                const billtap_json *doc, billtap_json_ref ref)
{
	if (!rec)
		return BILLTAP_EINVAL;
	if (rec->deleted)
		return BILLTAP_ETYPE;
	int slot = slot_of(rec, field, 1);
	if (slot < 0)
		return BILLTAP_ETYPE;
	switch (billtap_json_typeof(doc, ref)) {
	case BILLTAP_JSON_ABSENT:
	case BILLTAP_JSON_NULL:
		return billtap_record_set_null(rec, field);
	case BILLTAP_JSON_STRING:
		break;
	default:
		return BILLTAP_EDATA;
	}
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, ref);
	if (billtap_json_str_is_plain(doc, ref))
		return billtap_record_set_str(rec, field, text, len);
	/* Decoding never grows a string, so the escaped length bounds the decoded one. */
	size_t off = rec->store.len;
	if (bt_buf_reserve(&rec->store, len + 1) < 0)
		return BILLTAP_ENOMEM;
	size_t decoded = 0;
	int rc = billtap_json_str_decode(rec->store.data + off, len + 1, &decoded, doc, ref);
	if (rc < 0)
		return rc;
	/* A decoded \u0000 cannot live in a C string: refuse rather than truncate. */
	if (memchr(rec->store.data + off, '\0', decoded))
		return BILLTAP_EDATA;
	rec->store.len = off + decoded + 1;
	mark(rec, slot, (int64_t)off);
	bt_record_touch(rec, slot);
	invalidate_json(rec);
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_set_int(billtap_record *rec, billtap_field field,
                                           int64_t value)
{
	if (!rec)
		return BILLTAP_EINVAL;
	if (rec->deleted)
		return BILLTAP_ETYPE;
	int slot = slot_of(rec, field, 0);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (billtap_field_type_of(field) == BILLTAP_TYPE_BOOL && value != 0 && value != 1)
		return BILLTAP_EINVAL;
	mark(rec, slot, value);
	bt_record_touch(rec, slot);
	invalidate_json(rec);
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_set_null(billtap_record *rec, billtap_field field)
{
	if (!rec)
		return BILLTAP_EINVAL;
	if (rec->deleted)
		return BILLTAP_ETYPE;
	int slot = bt_schema_slot(rec->schema, field);
	if (slot < 0)
		return BILLTAP_ETYPE;
	rec->set[slot / 64] &= ~((uint64_t)1 << (slot % 64));
	rec->value[slot] = 0;
	bt_record_touch(rec, slot);
	invalidate_json(rec);
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_set_raw_json(billtap_record *rec, const char *json,
                                                size_t len)
{
	if (!rec || (!json && len))
		return BILLTAP_EINVAL;
	size_t off = rec->store.len;
	if (bt_buf_append(&rec->store, json ? json : "", len) < 0 ||
	    bt_buf_putc(&rec->store, '\0') < 0)
		return BILLTAP_ENOMEM;
	rec->raw_off = off;
	rec->raw_len = len;
	rec->has_raw = 1;
	return 0;
}

/* Room for `more` nested records. */
static int reserve_items(billtap_record *parent, size_t more)
{
	if (parent->item_count + more <= parent->item_cap)
		return 0;
	size_t cap = parent->item_cap ? parent->item_cap : 4;
	while (cap < parent->item_count + more)
		cap *= 2;
	billtap_record **p = realloc(parent->items, cap * sizeof *p);
	if (!p)
		return BILLTAP_ENOMEM;
	parent->items = p;
	parent->item_cap = cap;
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_add_item(billtap_record **item, billtap_record *parent)
{
	if (!item || !parent)
		return BILLTAP_EINVAL;
	*item = NULL;
	if (!parent->schema->nested || parent->deleted)
		return BILLTAP_ETYPE;
	if (reserve_items(parent, 1) < 0)
		return BILLTAP_ENOMEM;
	billtap_record *child;
	int rc = billtap_record_new(&child, parent->schema->nested);
	if (rc < 0)
		return rc;
	parent->items[parent->item_count++] = child;
	invalidate_json(parent);
	*item = child;
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_attach_item(billtap_record *parent, billtap_record *item)
{
	if (!parent || !item) {
		billtap_record_free(item);
		return BILLTAP_EINVAL;
	}
	if (!parent->schema->nested || parent->deleted || item->deleted ||
	    bt_record_kind(item) != parent->schema->nested) {
		billtap_record_free(item);
		return BILLTAP_ETYPE;
	}
	if (reserve_items(parent, 1) < 0) {
		billtap_record_free(item);
		return BILLTAP_ENOMEM;
	}
	parent->items[parent->item_count++] = item;
	invalidate_json(parent);
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_move_items(billtap_record *to, billtap_record *from)
{
	if (!to || !from || to == from)
		return BILLTAP_EINVAL;
	if (!to->schema->nested || to->deleted || to->schema->nested != from->schema->nested)
		return BILLTAP_ETYPE;
	if (reserve_items(to, from->item_count) < 0)
		return BILLTAP_ENOMEM;
	memcpy(to->items + to->item_count, from->items, from->item_count * sizeof *from->items);
	to->item_count += from->item_count;
	from->item_count = 0;
	invalidate_json(to);
	invalidate_json(from);
	return 0;
}

/* ---- accessors ---- */

BILLTAP_EXTERN(billtap_record_kind) billtap_record_kind_of(const billtap_record *rec)
{
	return rec ? bt_record_kind(rec) : (billtap_record_kind)0;
}

BILLTAP_EXTERN(int) billtap_record_get_str(const char **out, const billtap_record *rec,
                                           billtap_field field)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = NULL;
	if (!rec)
		return BILLTAP_EINVAL;
	int slot = slot_of(rec, field, 1);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (!bt_record_isset(rec, slot))
		return BILLTAP_ENOTFOUND;
	*out = rec->store.data + rec->value[slot];
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_get_int(int64_t *out, const billtap_record *rec,
                                           billtap_field field)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = 0;
	if (!rec)
		return BILLTAP_EINVAL;
	int slot = slot_of(rec, field, 0);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (!bt_record_isset(rec, slot))
		return BILLTAP_ENOTFOUND;
	*out = rec->value[slot];
	return 0;
}

BILLTAP_EXTERN(const char *) billtap_record_id(const billtap_record *rec)
{
	const char *id = NULL;
	billtap_record_get_str(&id, rec, BILLTAP_FIELD_ID);
	return id;
}

BILLTAP_EXTERN(size_t) billtap_record_item_count(const billtap_record *rec)
{
	return rec ? rec->item_count : 0;
}

BILLTAP_EXTERN(const billtap_record *) billtap_record_item(const billtap_record *rec,
                                                           size_t index)
{
	if (!rec || index >= rec->item_count)
		return NULL;
	return rec->items[index];
}

BILLTAP_EXTERN(const char *) billtap_record_raw_json(const billtap_record *rec, size_t *len)
{
	if (len)
		*len = 0;
	if (!rec || !rec->has_raw)
		return NULL;
	if (len)
		*len = rec->raw_len;
	return rec->store.data + rec->raw_off;
}

BILLTAP_EXTERN(const char *) billtap_record_json(const billtap_record *crec, size_t *len)
{
	if (len)
		*len = 0;
	if (!crec)
		return NULL;
	/* The cache is logically const: a record is used by one thread at a time. */
	billtap_record *rec = (billtap_record *)crec;
	if (!rec->json) {
		bt_buf b = BT_BUF_INIT;
		/* Room for a typical record at once rather than growing by doubling from 64
		 * bytes (a Stripe customer is about 180). */
		if (bt_buf_reserve(&b, 256 + 32 * rec->schema->count) < 0 ||
		    bt_record_write_json(rec, &b) < 0) {
			bt_buf_free(&b);
			return NULL;
		}
		rec->json_len = b.len;
		rec->json = bt_buf_detach(&b);
		if (!rec->json)
			return NULL;
	}
	if (len)
		*len = rec->json_len;
	return rec->json;
}

BILLTAP_EXTERN(int) billtap_record_dup(billtap_record **out, const billtap_record *rec)
{
	if (!out)
		return BILLTAP_EINVAL;
	*out = NULL;
	if (!rec)
		return BILLTAP_EINVAL;
	billtap_record *copy = record_alloc(rec->schema);
	if (!copy)
		return BILLTAP_ENOMEM;
	memcpy(copy->slots, rec->slots,
	       (rec->schema->count + set_words(rec->schema->count)) * sizeof(int64_t));
	copy->raw_off = rec->raw_off;
	copy->raw_len = rec->raw_len;
	copy->has_raw = rec->has_raw;
	copy->deleted = rec->deleted;
	if (rec->store.len && bt_buf_append(&copy->store, rec->store.data, rec->store.len) < 0)
		goto oom;
	if (bt_record_trace_copy(copy, rec) < 0)
		goto oom;
	if (rec->json) {
		copy->json = malloc(rec->json_len + 1);
		if (!copy->json)
			goto oom;
		memcpy(copy->json, rec->json, rec->json_len + 1);
		copy->json_len = rec->json_len;
	}
	if (rec->item_count) {
		copy->items = calloc(rec->item_count, sizeof *copy->items);
		if (!copy->items)
			goto oom;
		copy->item_cap = rec->item_count;
		for (size_t i = 0; i < rec->item_count; i++) {
			if (billtap_record_dup(&copy->items[i], rec->items[i]) < 0)
				goto oom;
			copy->item_count++;
		}
	}
	*out = copy;
	return 0;
oom:
	billtap_record_free(copy);
	return BILLTAP_ENOMEM;
}
