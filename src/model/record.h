/* Record storage shared by the accessors, the setters, JSON output and the engine. */
#ifndef BILLTAP_MODEL_RECORD_H
#define BILLTAP_MODEL_RECORD_H

#include "billtap/provider.h"
#include "model/schema.h"
#include "util/buf.h"

/* Where one field's value came from (billtap_record_field_source()): a billtap_source
 * and the members named, as an offset in the record's store (BT_NO_MEMBERS: none). */
#define BT_NO_MEMBERS ((size_t)-1)
typedef struct bt_trace_entry {
	int how;
	size_t members;
} bt_trace_entry;

/* Values live in slots: slot i holds the kind's i-th field (schema order), so a record
 * takes room only for its own kind's fields, however many fields the model has. */
struct billtap_record {
	const bt_schema *schema;
	int64_t *value;                /* per slot: ints, bools, times; strings: offset in store */
	uint64_t *set;                 /* bit per slot: holds a value (otherwise null) */
	bt_buf store;                  /* the record's strings (NUL-separated) and raw JSON */
	size_t raw_off, raw_len;
	int has_raw;
	billtap_record **items;        /* nested records, schema->nested kind */
	size_t item_count, item_cap;
	bt_trace_entry *trace;         /* per slot, where its value came from; NULL: not traced */
	int deleted;                   /* a tombstone: only the id is set, and no setter works */
	char *json;                    /* normalized JSON, built on first use */
	size_t json_len;
	int64_t slots[];               /* value[] then set[], in one allocation */
};

static inline int bt_record_isset(const billtap_record *rec, int slot)
{
	return (int)((rec->set[slot / 64] >> (slot % 64)) & 1u);
}

/* A setter changed slot: on a traced record, the value is now provider code's, whatever
 * the kit said before (the kit names its source again right after its own sets). */
static inline void bt_record_touch(billtap_record *rec, int slot)
{
	if (rec->trace) {
		rec->trace[slot].how = BILLTAP_SOURCE_COMPUTED;
		rec->trace[slot].members = BT_NO_MEMBERS;
	}
}

/* Copies rec's trace into copy (whose store is a copy of rec's). 0 or BILLTAP_ENOMEM. */
int bt_record_trace_copy(billtap_record *copy, const billtap_record *rec);

/* The record's kind. */
static inline billtap_record_kind bt_record_kind(const billtap_record *rec)
{
	return rec->schema->kind;
}

/* Checks that every non-nullable field is set and vocabularies hold, recursively.
 * Returns 0, or BILLTAP_EDATA with a message ("subscription sub_1: status is missing")
 * written to msg. */
int bt_record_validate(const billtap_record *rec, char *msg, size_t cap);

/* Appends the normalized JSON of rec to out. 0 or BILLTAP_ENOMEM. */
int bt_record_write_json(const billtap_record *rec, bt_buf *out);

#endif
