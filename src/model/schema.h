/*
 * The normalized data model as one table: resources, record kinds, their fields (type,
 * nullability, vocabulary) and nested kinds. The engine, the record store, JSON output,
 * validation and the introspection API all read it; docs/data-model.md is its prose.
 * Adding a field or a resource is an entry here plus a provider mapping.
 */
#ifndef BILLTAP_MODEL_SCHEMA_H
#define BILLTAP_MODEL_SCHEMA_H

#include "billtap.h"

/* A field of a kind: which, whether it may be null, and its closed vocabulary (a
 * NULL-terminated word list) or NULL for free text / non-strings. */
typedef struct bt_schema_field {
	billtap_field field;
	int nullable;
	const char *const *vocabulary;
} bt_schema_field;

typedef struct bt_schema {
	billtap_record_kind kind;
	const char *name;              /* "subscription" */
	const bt_schema_field *fields; /* in JSON order */
	size_t count;
	billtap_record_kind nested;    /* kind of the nested records, or 0 */
	const char *nested_member;     /* their JSON member ("items"), or NULL */
} bt_schema;

/* The schema of a kind, or NULL for an unknown kind. */
const bt_schema *bt_schema_of(billtap_record_kind kind);

/* The position of `field` in the kind's field list, or -1 when the kind has no such field. */
int bt_schema_slot(const bt_schema *s, billtap_field field);

/* 1 when `value` belongs to the vocabulary of slot `slot` (or it has none). */
int bt_schema_vocabulary_ok(const bt_schema *s, int slot, const char *value);

#endif
