/* Record storage shared by the accessors, the setters, JSON output and the engine. */
#ifndef BILLTAP_MODEL_RECORD_H
#define BILLTAP_MODEL_RECORD_H

#include "billtap/provider.h"
#include "model/schema.h"
#include "util/buf.h"

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
	char *json;                    /* normalized JSON, built on first use */
	size_t json_len;
	int64_t slots[];               /* value[] then set[], in one allocation */
};

static inline int bt_record_isset(const billtap_record *rec, int slot)
{
	return (int)((rec->set[slot / 64] >> (slot % 64)) & 1u);
}

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
