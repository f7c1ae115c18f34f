/* Refuses records a provider left incomplete: the host must never see a half record. */
#include "model/record.h"

#include <stdio.h>

static int fail(char *msg, size_t cap, const billtap_record *rec, const char *field,
                const char *problem)
{
	const char *id = billtap_record_id(rec);
	snprintf(msg, cap, "%s %s: %s %s", rec->schema->name, id ? id : "(no id)", field, problem);
	return BILLTAP_EDATA;
}

static int currency_ok(const char *c)
{
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return 0;
	return c[3] == '\0';
}

int bt_record_validate(const billtap_record *rec, char *msg, size_t cap)
{
	const bt_schema *s = rec->schema;
	if (rec->deleted) /* its id was checked when it was made; every other field is null */
		return 0;
	for (size_t i = 0; i < s->count; i++) {
		billtap_field f = s->fields[i].field;
		const char *name = billtap_field_name(f);
		if (!bt_record_isset(rec, (int)i)) {
			if (!s->fields[i].nullable)
				return fail(msg, cap, rec, name, "is missing");
			continue;
		}
		if (billtap_field_type_of(f) != BILLTAP_TYPE_STRING) {
			if (f == BILLTAP_FIELD_CURRENCY_EXPONENT &&
			    (rec->value[i] < 0 || rec->value[i] > 6))
				return fail(msg, cap, rec, name, "is out of range 0..6");
			continue;
		}
		const char *v = rec->store.data + rec->value[i];
		if (f == BILLTAP_FIELD_ID && !*v)
			return fail(msg, cap, rec, name, "is empty");
		if (f == BILLTAP_FIELD_CURRENCY && !currency_ok(v))
			return fail(msg, cap, rec, name, "is not an upper-case 3-letter code");
		if (!bt_schema_vocabulary_ok(s, (int)i, v))
			return fail(msg, cap, rec, name, "has a value outside the normalized vocabulary");
	}
	for (size_t i = 0; i < rec->item_count; i++) {
		int rc = bt_record_validate(rec->items[i], msg, cap);
		if (rc < 0)
			return rc;
	}
	return 0;
}
