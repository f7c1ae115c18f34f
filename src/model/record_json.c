/* The normalized JSON of a record (docs/data-model.md), driven by the schema table. */
#include "model/record.h"

#include <string.h>

static int put_value(bt_buf *out, const billtap_record *rec, int slot)
{
	if (!bt_record_isset(rec, slot))
		return bt_buf_puts(out, "null");
	int64_t v = rec->value[slot];
	switch (billtap_field_type_of(rec->schema->fields[slot].field)) {
	case BILLTAP_TYPE_STRING: {
		const char *s = rec->store.data + v;
		return bt_buf_put_json_str(out, s, strlen(s));
	}
	case BILLTAP_TYPE_BOOL:
		return bt_buf_puts(out, v ? "true" : "false");
	case BILLTAP_TYPE_TIME: {
		char t[40];
		int n = billtap_time_format(t, sizeof t, v);
		if (n < 0)
			return -1;
		return bt_buf_put_json_str(out, t, (size_t)n);
	}
	default:
		return bt_buf_put_i64(out, v);
	}
}

int bt_record_write_json(const billtap_record *rec, bt_buf *out)
{
	const bt_schema *s = rec->schema;
	if (bt_buf_puts(out, "{\"object\":") < 0 ||
	    bt_buf_put_json_str(out, s->name, strlen(s->name)) < 0)
		return BILLTAP_ENOMEM;
	if (rec->deleted) {
		/* A tombstone: what was deleted, nothing else (docs/incremental.md). */
		const char *id = billtap_record_id(rec);
		return bt_buf_puts(out, ",\"id\":") < 0 || bt_buf_put_json_str(out, id, strlen(id)) < 0 ||
		               bt_buf_puts(out, ",\"deleted\":true}") < 0
		       ? BILLTAP_ENOMEM
		       : 0;
	}
	for (size_t i = 0; i < s->count; i++) {
		const char *name = billtap_field_name(s->fields[i].field);
		if (bt_buf_putc(out, ',') < 0 || bt_buf_put_json_str(out, name, strlen(name)) < 0 ||
		    bt_buf_putc(out, ':') < 0 || put_value(out, rec, (int)i) < 0)
			return BILLTAP_ENOMEM;
	}
	if (s->nested) {
		if (bt_buf_putc(out, ',') < 0 ||
		    bt_buf_put_json_str(out, s->nested_member, strlen(s->nested_member)) < 0 ||
		    bt_buf_puts(out, ":[") < 0)
			return BILLTAP_ENOMEM;
		for (size_t i = 0; i < rec->item_count; i++) {
			if ((i && bt_buf_putc(out, ',') < 0) ||
			    bt_record_write_json(rec->items[i], out) < 0)
				return BILLTAP_ENOMEM;
		}
		if (bt_buf_putc(out, ']') < 0)
			return BILLTAP_ENOMEM;
	}
	return bt_buf_putc(out, '}') < 0 ? BILLTAP_ENOMEM : 0;
}
