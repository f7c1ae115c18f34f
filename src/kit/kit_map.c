/*
 * The mapper: one provider object into one record, keeping the first error as
 * "KIND ID: MEMBER PROBLEM", so every provider's data errors read alike and a mapping is
 * written straight through without checking each step.
 */
#include "billtap/provider_kit.h"

#include <stdio.h>
#include <string.h>

#include "core.h"
#include "json/json_dup.h"

/* Records the first error; later ones are dropped (the first is the cause). */
BILLTAP_EXTERN(int) billtap_map_fail(billtap_map *m, int code, const char *member,
                                     const char *problem)
{
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	if (code >= 0)
		code = BILLTAP_EDATA;
	if (!problem && code != BILLTAP_ENOMEM) /* already recorded by whoever failed */
		return m->status = code;
	char msg[512];
	if (code == BILLTAP_ENOMEM)
		snprintf(msg, sizeof msg, "%s %s: out of memory", m->what, m->id);
	else
		snprintf(msg, sizeof msg, "%s %s: %s %s", m->what, m->id, member ? member : "(object)",
		         problem);
	m->status = billtap_ctx_error(m->ctx, code, msg);
	return m->status;
}

/* 1 when a JSON string's text holds the escape \u0000 (a NUL character). */
static int holds_nul(const billtap_json *doc, billtap_json_ref ref)
{
	const char *s;
	size_t len;
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&s, &len, doc, ref) < 0)
		return 0;
	for (size_t i = 0; i + 1 < len; i++) {
		if (s[i] != '\\')
			continue;
		if (s[i + 1] == 'u' && i + 5 < len && !memcmp(s + i + 2, "0000", 4))
			return 1;
		i++; /* the escaped character is not the start of another escape */
	}
	return 0;
}

/* Refuses an object whose member name repeats (with deep, also in the objects inside it):
 * which of the values is meant is ambiguous. */
static int refuse_duplicates(billtap_map *m)
{
	billtap_json_ref dup;
	int rc = bt_json_find_duplicate(&dup, m->doc, m->obj, 1);
	if (rc < 0)
		return billtap_map_fail(m, rc, "(object)", NULL);
	if (rc == 0)
		return 0;
	char name[64];
	bt_json_key_name(name, m->doc, dup);
	return billtap_map_fail(m, BILLTAP_EDATA, name,
	                        "appears twice in one object: which value is meant is ambiguous");
}

/* A setter's status, as an error naming the member. */
static int check(billtap_map *m, int rc, billtap_field field, const char *member)
{
	if (rc == 0)
		return 0;
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, rc, member, NULL);
	if (rc == BILLTAP_ETYPE) {
		/* A provider bug, not bad data: the kind has no such field. */
		char problem[160];
		const char *kind = billtap_record_kind_name(billtap_record_kind_of(m->rec));
		snprintf(problem, sizeof problem, "maps to field %s, which %s records do not have",
		         billtap_field_name(field) ? billtap_field_name(field) : "(unknown)",
		         kind ? kind : "these");
		return billtap_map_fail(m, BILLTAP_EINVAL, member, problem);
	}
	return billtap_map_fail(m, BILLTAP_EDATA, member, "is not valid UTF-8 text");
}

/* A string setter's status: like check(), but a value the setter refused as data is named
 * for what it is (a NUL character, which no text field can hold), not as bad UTF-8. */
static int check_text(billtap_map *m, int rc, billtap_field field, const char *member,
                      billtap_json_ref ref)
{
	if (rc == BILLTAP_EDATA && holds_nul(m->doc, ref))
		return billtap_map_fail(m, BILLTAP_EDATA, member,
		                        "holds \\u0000, a NUL character, which text fields do not allow");
	return check(m, rc, field, member);
}

/* Notes where field came from on a traced record (billtap_record_set_source() does
 * nothing on others): called right after the kit set it from `path`. */
static int traced(billtap_map *m, billtap_field field, int how, const char *path)
{
	if (m->status < 0)
		return m->status;
	int rc = billtap_record_set_source(m->rec, field, how, path);
	return rc == 0 ? 0 : billtap_map_fail(m, rc, path, NULL);
}

/* The setting trace_sources: records remember each field's source (billtap inspect). */
static int tracing(billtap_ctx *ctx)
{
	if (ctx && ctx->trace_sources)
		return ctx->trace_sources == 2; /* read once by the iterator */
	const char *v = billtap_ctx_setting(ctx, "trace_sources");
	return v && (!strcmp(v, "true") || !strcmp(v, "1"));
}

static void init(billtap_map *m, const char *what, const billtap_json *doc, billtap_json_ref obj,
                 const char *id_path, billtap_ctx *ctx)
{
	memset(m, 0, sizeof *m);
	m->version = BILLTAP_MAP_VERSION;
	m->ctx = ctx;
	m->doc = doc;
	m->obj = obj;
	m->what = what ? what : "object";
	size_t n = 0;
	billtap_json_ref id = id_path ? billtap_json_path(doc, obj, id_path) : BILLTAP_JSON_NONE;
	if (billtap_json_str_decode(m->id, sizeof m->id, &n, doc, id) < 0 || !m->id[0])
		snprintf(m->id, sizeof m->id, "(no id)");
}

/* The id (required for top-level records) and the raw JSON. */
static int fill_identity(billtap_map *m, const char *id_path, int required)
{
	if (billtap_json_typeof(m->doc, m->obj) != BILLTAP_JSON_OBJECT)
		return billtap_map_fail(m, BILLTAP_EDATA, NULL, "is not a JSON object");
	if (id_path) {
		billtap_json_ref id = billtap_json_path(m->doc, m->obj, id_path);
		billtap_json_type t = billtap_json_typeof(m->doc, id);
		if (t == BILLTAP_JSON_STRING) {
			if (check_text(m, billtap_record_set_json_str(m->rec, BILLTAP_FIELD_ID, m->doc, id),
			               BILLTAP_FIELD_ID, id_path, id) == 0)
				traced(m, BILLTAP_FIELD_ID, BILLTAP_SOURCE_MEMBER, id_path);
		}
		else if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL)
			billtap_map_fail(m, BILLTAP_EDATA, id_path, "is not a string");
		else if (required)
			billtap_map_fail(m, BILLTAP_EDATA, id_path, "is missing");
	} else if (required) {
		billtap_map_fail(m, BILLTAP_EINVAL, "(id)", "has no id path (a provider bug)");
	}
	const char *text;
	size_t len;
	if (m->status == 0 && billtap_json_text(&text, &len, m->doc, m->obj) == 0)
		check(m, billtap_record_set_raw_json(m->rec, text, len), 0, "(raw)");
	if (m->status == 0)
		refuse_duplicates(m);
	return m->status;
}

BILLTAP_EXTERN(int) billtap_map_begin(billtap_map *m, billtap_record_kind kind, const char *what,
                                      const billtap_json *doc, billtap_json_ref obj,
                                      const char *id_path, billtap_ctx *ctx)
{
	if (!m)
		return BILLTAP_EINVAL;
	init(m, what, doc, obj, id_path, ctx);
	m->owns_rec = 1;
	int rc = billtap_record_new(&m->rec, kind);
	if (rc < 0)
		return billtap_map_fail(m, rc == BILLTAP_ENOMEM ? rc : BILLTAP_EINVAL, "(kind)",
		                        "is not a record kind this library knows");
	if (tracing(ctx) && billtap_record_trace_start(m->rec) < 0)
		return billtap_map_fail(m, BILLTAP_ENOMEM, "(trace)", NULL);
	return fill_identity(m, id_path, 1);
}

BILLTAP_EXTERN(int) billtap_map_begin_item(billtap_map *m, billtap_record *parent,
                                           const char *what, const billtap_json *doc,
                                           billtap_json_ref obj, const char *id_path,
                                           billtap_ctx *ctx)
{
	if (!m)
		return BILLTAP_EINVAL;
	init(m, what, doc, obj, id_path, ctx);
	int rc = billtap_record_add_item(&m->rec, parent);
	if (rc < 0)
		return billtap_map_fail(m, rc == BILLTAP_ENOMEM ? rc : BILLTAP_EINVAL, "(parent)",
		                        "is not a record that has nested items");
	if (tracing(ctx) && billtap_record_trace_start(m->rec) < 0)
		return billtap_map_fail(m, BILLTAP_ENOMEM, "(trace)", NULL);
	return fill_identity(m, id_path, 0);
}

/* The value at path; 1 when it holds something, 0 when null/absent (an error if required). */
static int present(billtap_map *m, billtap_json_ref *ref, billtap_field field, const char *path,
                   unsigned int flags)
{
	if (m->status < 0)
		return 0;
	*ref = billtap_json_path(m->doc, m->obj, path);
	billtap_json_type t = billtap_json_typeof(m->doc, *ref);
	if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL)
		return 1;
	if (flags & BILLTAP_MAP_REQUIRED)
		billtap_map_fail(m, BILLTAP_EDATA, path, "is missing");
	else if (check(m, billtap_record_set_null(m->rec, field), field, path) == 0)
		traced(m, field, BILLTAP_SOURCE_MEMBER, path);
	return 0;
}

BILLTAP_EXTERN(int) billtap_map_str(billtap_map *m, billtap_field field, const char *path,
                                    unsigned int flags)
{
	billtap_json_ref ref;
	if (!m)
		return BILLTAP_EINVAL;
	if (!present(m, &ref, field, path, flags))
		return m->status;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a string");
	if (check_text(m, billtap_record_set_json_str(m->rec, field, m->doc, ref), field, path,
	               ref) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
}

BILLTAP_EXTERN(int) billtap_map_ref_id(billtap_map *m, billtap_field field, const char *path,
                                       unsigned int flags)
{
	billtap_json_ref ref;
	if (!m)
		return BILLTAP_EINVAL;
	if (!present(m, &ref, field, path, flags))
		return m->status;
	billtap_json_ref id = billtap_json_id_ref(m->doc, ref);
	if (id == BILLTAP_JSON_NONE)
		return billtap_map_fail(m, BILLTAP_EDATA, path,
		                        "is neither an id nor an object with an id");
	if (check_text(m, billtap_record_set_json_str(m->rec, field, m->doc, id), field, path,
	               id) < 0)
		return m->status;
	if (id == ref)
		return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
	char expanded[256]; /* an expanded object: its id member */
	snprintf(expanded, sizeof expanded, "%s.id", path);
	return traced(m, field, BILLTAP_SOURCE_MEMBER, expanded);
}

BILLTAP_EXTERN(int) billtap_map_int(billtap_map *m, billtap_field field, const char *path,
                                    unsigned int flags)
{
	billtap_json_ref ref;
	int64_t v;
	if (!m)
		return BILLTAP_EINVAL;
	if (!present(m, &ref, field, path, flags))
		return m->status;
	int rc = billtap_json_integer(&v, m->doc, ref, flags);
	if (rc == BILLTAP_EDATA)
		return billtap_map_fail(m, rc, path, "is outside the 64-bit range");
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not an integer");
	if (check(m, billtap_record_set_int(m->rec, field, v), field, path) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
}

BILLTAP_EXTERN(int) billtap_map_bool(billtap_map *m, billtap_field field, const char *path,
                                     unsigned int flags)
{
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	billtap_json_ref ref = billtap_json_path(m->doc, m->obj, path);
	billtap_json_type t = billtap_json_typeof(m->doc, ref);
	int v = 0;
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL) {
		if (flags & BILLTAP_MAP_REQUIRED)
			return billtap_map_fail(m, BILLTAP_EDATA, path, "is missing");
	} else if (billtap_json_bool(&v, m->doc, ref) < 0) {
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a boolean");
	}
	if (check(m, billtap_record_set_int(m->rec, field, v), field, path) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
}

BILLTAP_EXTERN(int) billtap_map_time(billtap_map *m, billtap_field field, const char *path,
                                     unsigned int flags)
{
	billtap_json_ref ref;
	int64_t v;
	if (!m)
		return BILLTAP_EINVAL;
	if (!present(m, &ref, field, path, flags))
		return m->status;
	if (billtap_json_time(&v, m->doc, ref) < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path,
		                        "is neither Unix seconds nor an RFC 3339 date-time");
	if (check(m, billtap_record_set_int(m->rec, field, v), field, path) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
}

BILLTAP_EXTERN(int) billtap_map_currency(billtap_map *m, const char *path,
                                         int (*exponent_of)(const char *code))
{
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	billtap_json_ref ref = billtap_json_path(m->doc, m->obj, path);
	const char *text;
	size_t len;
	char code[4];
	billtap_json_type t = billtap_json_typeof(m->doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is missing");
	if (t != BILLTAP_JSON_STRING || !billtap_json_str_is_plain(m->doc, ref) ||
	    billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	    billtap_currency_normalize(code, text, len) < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a 3-letter currency code");
	int exponent = exponent_of ? exponent_of(code) : billtap_currency_iso_exponent(code);
	if (exponent < 0 || exponent > 6) {
		char problem[64];
		snprintf(problem, sizeof problem, "%s is not a currency this provider knows", code);
		return billtap_map_fail(m, BILLTAP_EDATA, path, problem);
	}
	if (check(m, billtap_record_set_str(m->rec, BILLTAP_FIELD_CURRENCY, code, 3),
	          BILLTAP_FIELD_CURRENCY, path) < 0 ||
	    traced(m, BILLTAP_FIELD_CURRENCY, BILLTAP_SOURCE_MEMBER, path) < 0)
		return m->status;
	if (check(m, billtap_record_set_int(m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent),
	          BILLTAP_FIELD_CURRENCY_EXPONENT, path) < 0)
		return m->status;
	return traced(m, BILLTAP_FIELD_CURRENCY_EXPONENT, BILLTAP_SOURCE_DERIVED, path);
}

BILLTAP_EXTERN(int) billtap_map_money(billtap_map *m, billtap_field field, const char *path,
                                      unsigned int flags)
{
	billtap_json_ref ref;
	int64_t exponent, v;
	const char *currency = NULL;
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	if (billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT) < 0 ||
	    billtap_record_get_str(&currency, m->rec, BILLTAP_FIELD_CURRENCY) < 0)
		return billtap_map_fail(m, BILLTAP_EINVAL, path,
		                        "is money read before the record's currency (a provider bug)");
	if (!present(m, &ref, field, path, flags))
		return m->status;
	int rc = billtap_json_money(&v, m->doc, ref, (int)exponent, flags);
	if (rc == BILLTAP_ETYPE)
		return billtap_map_fail(m, BILLTAP_EDATA, path,
		                        (flags & BILLTAP_MAP_MAJOR_UNITS)
		                                ? "is not a decimal amount"
		                                : "is not an integer amount of minor units");
	if (rc < 0) {
		char problem[120];
		snprintf(problem, sizeof problem,
		         "is not an exact amount of %s (more than %d decimals, or out of range)",
		         currency, (int)exponent);
		return billtap_map_fail(m, BILLTAP_EDATA, path, problem);
	}
	if (check(m, billtap_record_set_int(m->rec, field, v), field, path) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_MEMBER, path);
}

BILLTAP_EXTERN(int) billtap_map_vocab(billtap_map *m, billtap_field field, const char *path,
                                      const billtap_vocab *table, const char *otherwise,
                                      unsigned int flags)
{
	billtap_json_ref ref;
	if (!m)
		return BILLTAP_EINVAL;
	if (!present(m, &ref, field, path, flags))
		return m->status;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a string");
	const char *word = billtap_vocab_lookup(table, m->doc, ref, otherwise);
	if (!word) {
		char value[64] = "", problem[160];
		size_t n;
		if (billtap_json_str_decode(value, sizeof value, &n, m->doc, ref) < 0)
			snprintf(value, sizeof value, "(long value)");
		for (char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = '?';
		snprintf(problem, sizeof problem, "has a value this provider mapping does not know: '%s'",
		         value);
		return billtap_map_fail(m, BILLTAP_EDATA, path, problem);
	}
	if (check(m, billtap_record_set_str(m->rec, field, word, strlen(word)), field, path) < 0)
		return m->status;
	return traced(m, field, BILLTAP_SOURCE_DERIVED, path);
}

BILLTAP_EXTERN(int) billtap_map_set_str(billtap_map *m, billtap_field field, const char *value)
{
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	const char *member = billtap_field_name(field);
	/* NULL is null whatever the field's type: a nullable amount or time is cleared too. */
	int rc = value ? billtap_record_set_str(m->rec, field, value, strlen(value))
	               : billtap_record_set_null(m->rec, field);
	return check(m, rc, field, member ? member : "(field)");
}

BILLTAP_EXTERN(int) billtap_map_set_int(billtap_map *m, billtap_field field, int64_t value)
{
	if (!m)
		return BILLTAP_EINVAL;
	if (m->status < 0)
		return m->status;
	const char *member = billtap_field_name(field);
	int rc = billtap_record_set_int(m->rec, field, value);
	if (rc == BILLTAP_EINVAL)
		return billtap_map_fail(m, BILLTAP_EDATA, member, "is not 0 or 1");
	return check(m, rc, field, member ? member : "(field)");
}

BILLTAP_EXTERN(int) billtap_map_end(billtap_record **out, billtap_map *m)
{
	if (out)
		*out = NULL;
	if (!m)
		return BILLTAP_EINVAL;
	if (!m->owns_rec) {
		m->rec = NULL; /* the parent owns it */
		return m->status;
	}
	if (m->status < 0 || !out) {
		billtap_record_free(m->rec);
		m->rec = NULL;
		return m->status < 0 ? m->status : BILLTAP_EINVAL;
	}
	*out = m->rec;
	m->rec = NULL;
	return 0;
}
