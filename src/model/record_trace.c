/*
 * Source tracing: per field, where its value came from, so that a person chasing a
 * precision complaint sees which provider member a number was read from instead of
 * guessing. Off unless asked for (the setting trace_sources): a traced record carries
 * one entry per field and the members' names in its store.
 */
#include "model/record.h"

#include <stdlib.h>
#include <string.h>

BILLTAP_EXTERN(int) billtap_record_trace_start(billtap_record *rec)
{
	if (!rec)
		return BILLTAP_EINVAL;
	if (rec->trace)
		return 0;
	size_t n = rec->schema->count;
	rec->trace = malloc((n ? n : 1) * sizeof *rec->trace);
	if (!rec->trace)
		return BILLTAP_ENOMEM;
	/* What was set before tracing started is provider code's, like what comes after. */
	for (size_t i = 0; i < n; i++) {
		rec->trace[i].how = bt_record_isset(rec, (int)i) ? BILLTAP_SOURCE_COMPUTED
		                                                  : BILLTAP_SOURCE_DEFAULT;
		rec->trace[i].members = BT_NO_MEMBERS;
	}
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_set_source(billtap_record *rec, billtap_field field, int how,
                                              const char *members)
{
	if (!rec || how < BILLTAP_SOURCE_MEMBER || how > BILLTAP_SOURCE_DEFAULT)
		return BILLTAP_EINVAL;
	int slot = bt_schema_slot(rec->schema, field);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (!rec->trace)
		return 0;
	size_t off = BT_NO_MEMBERS;
	if (members) {
		off = rec->store.len;
		if (bt_buf_append(&rec->store, members, strlen(members)) < 0 ||
		    bt_buf_putc(&rec->store, '\0') < 0)
			return BILLTAP_ENOMEM;
	}
	rec->trace[slot].how = how;
	rec->trace[slot].members = off;
	return 0;
}

BILLTAP_EXTERN(int) billtap_record_field_source(int *how, const char **members,
                                                const billtap_record *rec, billtap_field field)
{
	if (members)
		*members = NULL;
	if (how)
		*how = 0;
	if (!rec)
		return BILLTAP_EINVAL;
	int slot = bt_schema_slot(rec->schema, field);
	if (slot < 0)
		return BILLTAP_ETYPE;
	if (!rec->trace)
		return BILLTAP_ENOTFOUND;
	if (how)
		*how = rec->trace[slot].how;
	if (members && rec->trace[slot].members != BT_NO_MEMBERS)
		*members = rec->store.data + rec->trace[slot].members;
	return 0;
}

int bt_record_trace_copy(billtap_record *copy, const billtap_record *rec)
{
	if (!rec->trace)
		return 0;
	size_t n = rec->schema->count;
	copy->trace = malloc((n ? n : 1) * sizeof *copy->trace);
	if (!copy->trace)
		return BILLTAP_ENOMEM;
	memcpy(copy->trace, rec->trace, n * sizeof *copy->trace);
	return 0;
}
