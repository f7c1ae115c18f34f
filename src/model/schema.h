/* Which fields each record kind has, their types, JSON names and nullability. */
#ifndef BILLTAP_MODEL_SCHEMA_H
#define BILLTAP_MODEL_SCHEMA_H

#include "billtap.h"

/* The highest field value this version knows. Field values index per-record arrays. */
#define BT_FIELD_MAX 32

typedef struct bt_schema_field {
	billtap_field field;
	int nullable;
} bt_schema_field;

typedef struct bt_schema {
	billtap_record_kind kind;
	const char *name;
	const bt_schema_field *fields;
	size_t count;
} bt_schema;

/* The schema of a kind, or NULL for an unknown kind. */
const bt_schema *bt_schema_of(billtap_record_kind kind);

/* The schema entry of `field` in `kind`, or NULL when the kind has no such field. */
const bt_schema_field *bt_schema_field_of(billtap_record_kind kind, billtap_field field);

/* 1 when `value` belongs to the closed vocabulary of `field` (status, kind, result,
 * interval_unit); 1 also for fields without a vocabulary. */
int bt_schema_vocabulary_ok(billtap_field field, const char *value);

#endif
