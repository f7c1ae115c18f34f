/* Record storage shared by the accessors, the setters, JSON output and the engine. */
#ifndef BILLTAP_MODEL_RECORD_H
#define BILLTAP_MODEL_RECORD_H

#include "billtap/provider.h"
#include "model/schema.h"
#include "util/buf.h"

struct billtap_record {
	billtap_record_kind kind;
	uint64_t set;                  /* bit f: field f holds a value (otherwise null) */
	int64_t value[BT_FIELD_MAX + 1]; /* ints, bools, times; for strings an offset in store */
	bt_buf store;                  /* the record's strings (NUL-separated) and raw JSON */
	size_t raw_off, raw_len;
	int has_raw;
	billtap_record **items;
	size_t item_count, item_cap;
	char *json; /* normalized JSON, built on first use */
	size_t json_len;
};

/* Checks that every non-nullable field is set and vocabularies hold, recursively.
 * Returns 0, or BILLTAP_EDATA with a message ("subscription sub_1: status is missing")
 * written to msg. */
int bt_record_validate(const billtap_record *rec, char *msg, size_t cap);

/* Appends the normalized JSON of rec to out. 0 or BILLTAP_ENOMEM. */
int bt_record_write_json(const billtap_record *rec, bt_buf *out);

#endif
