/* Recurly accounts and plans -> normalized records, and the helpers every mapper shares
 * (docs/providers/recurly.md, "Normalization"). Money arrives as JSON numbers in major units (19.99); it is read from
 * the number's own digits, never through a double, with the currency's ISO 4217 exponent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly.h"

/* Names the members a computed value was read from (for `billtap inspect`). */
int recurly_computed(billtap_map *m, billtap_field field, const char *members)
{
	if (m->status < 0)
		return m->status;
	int rc = billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
	return rc < 0 ? billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL) : 0;
}

/* The string at path, or NULL (absent, null, empty, not a string); ENOMEM is latched. */
static char *string_at(billtap_map *m, const char *path)
{
	char *s = NULL;
	int rc = billtap_json_strdup(&s, m->doc, billtap_json_path(m->doc, m->obj, path));
	if (rc == BILLTAP_ENOMEM)
		billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL);
	if (s && !*s) {
		free(s);
		s = NULL;
	}
	return s;
}

/* 1 when the string at path equals word, 0 when it is another string (or, unless
 * `required`, null or absent), else an error. */
int recurly_string_is(billtap_map *m, const char *path, const char *word, int required)
{
	char *s = NULL;
	if (m->status < 0)
		return m->status;
	int rc = billtap_json_strdup(&s, m->doc, billtap_json_path(m->doc, m->obj, path));
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL);
	if (rc == BILLTAP_ENOTFOUND)
		return required ? billtap_map_fail(m, BILLTAP_EDATA, path, "is missing") : 0;
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a string");
	int same = strcmp(s, word) == 0;
	free(s);
	return same;
}

static int string_is(billtap_map *m, const char *path, const char *word)
{
	return recurly_string_is(m, path, word, 1);
}

/* Account `state`: active, or inactive (closed). */
static int closed_account(billtap_map *m)
{
	int active = string_is(m, "state", "active");
	if (active != 0)
		return active < 0 ? active : 0;
	int inactive = string_is(m, "state", "inactive");
	if (inactive == 0)
		return billtap_map_fail(m, BILLTAP_EDATA, "state", "is not one of active, inactive");
	return inactive;
}

/* The account's name: its company when it has one, else "first_name last_name" (either
 * alone when the other is missing), else null. */
static int account_name(billtap_map *m)
{
	char *company = string_at(m, "company");
	if (company) {
		billtap_map_set_str(m, BILLTAP_FIELD_NAME, company);
		free(company);
		return recurly_computed(m, BILLTAP_FIELD_NAME, "company");
	}
	char *first = string_at(m, "first_name"), *last = string_at(m, "last_name");
	char *name = NULL;
	if (first && last) {
		name = malloc(strlen(first) + strlen(last) + 2);
		if (name)
			sprintf(name, "%s %s", first, last);
		else
			billtap_map_fail(m, billtap_ctx_error(m->ctx, BILLTAP_ENOMEM, NULL), NULL, NULL);
	}
	billtap_map_set_str(m, BILLTAP_FIELD_NAME, name ? name : first ? first : last);
	free(name);
	free(first);
	free(last);
	return recurly_computed(m, BILLTAP_FIELD_NAME, "company first_name last_name");
}

int recurly_map_account(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "account", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	account_name(&m);
	billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "address.country", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	int closed = closed_account(&m);
	if (closed >= 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_DELETED, closed);
		recurly_computed(&m, BILLTAP_FIELD_DELETED, "state");
	}
	return billtap_map_end(out, &m);
}

/* ---------------------------------------------------------------------------------------
 * Plans: one record per entry of `currencies`
 * ------------------------------------------------------------------------------------- */

int recurly_plan_count(const billtap_json *doc, billtap_json_ref plan, billtap_ctx *ctx)
{
	billtap_json_ref list = billtap_json_get(doc, plan, "currencies");
	size_t n = billtap_json_count(doc, list);
	if (billtap_json_typeof(doc, list) != BILLTAP_JSON_ARRAY || n == 0 || n > 1000) {
		char msg[200], *id = NULL;
		billtap_json_strdup(&id, doc, billtap_json_get(doc, plan, "id"));
		snprintf(msg, sizeof msg, "plan %.64s: currencies is not a list of prices",
		         id ? id : "(no id)");
		free(id);
		return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
	}
	return (int)n;
}

static billtap_json_ref nth(const billtap_json *doc, billtap_json_ref list, int index)
{
	billtap_json_ref e = billtap_json_first(doc, list);
	for (int i = 0; i < index && e != BILLTAP_JSON_NONE; i++)
		e = billtap_json_next(doc, e);
	return e;
}

int recurly_currency_of(char code[4], billtap_map *m, billtap_json_ref price, const char *label)
{
	const char *text;
	size_t len;
	billtap_json_ref ref = billtap_json_get(m->doc, price, "currency");
	if (m->status < 0)
		return m->status;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING ||
	    !billtap_json_str_is_plain(m->doc, ref) || billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	    billtap_currency_normalize(code, text, len) < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, label, "is not a 3-letter currency code");
	int exponent = billtap_currency_iso_exponent(code);
	if (exponent < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, label, "is not an ISO 4217 currency");
	return exponent;
}

int recurly_set_currency(billtap_map *m, billtap_json_ref price, const char *label)
{
	char code[4];
	int exponent = recurly_currency_of(code, m, price, label);
	if (exponent < 0)
		return exponent;
	billtap_map_set_str(m, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	recurly_computed(m, BILLTAP_FIELD_CURRENCY, label);
	recurly_computed(m, BILLTAP_FIELD_CURRENCY_EXPONENT, label);
	return m->status < 0 ? m->status : exponent;
}

int recurly_set_money(billtap_map *m, billtap_field field, billtap_json_ref price,
                      const char *member, const char *label, int exponent, int64_t *value)
{
	int64_t v = 0;
	if (m->status < 0)
		return m->status;
	int rc = billtap_json_money(&v, m->doc, billtap_json_get(m->doc, price, member), exponent,
	                            BILLTAP_MAP_MAJOR_UNITS);
	char path[64];
	snprintf(path, sizeof path, "%s%s%s", label, *label ? "." : "", member);
	if (rc == BILLTAP_ENOTFOUND) {
		billtap_map_set_str(m, field, NULL);
		return 0;
	}
	if (rc == BILLTAP_ETYPE)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a number");
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path,
		                        "is not a whole number of the currency's minor units");
	billtap_map_set_int(m, field, v);
	if (value)
		*value = v;
	return recurly_computed(m, field, path);
}

static const billtap_vocab interval_units[] = {
	{ "days", "day" }, { "months", "month" }, { NULL, NULL },
};

/* The plan's id and this currency: "<plan id>/<CURRENCY>". */
static int plan_record_id(billtap_map *m)
{
	const char *code = NULL;
	if (m->status < 0 || billtap_record_get_str(&code, m->rec, BILLTAP_FIELD_CURRENCY) < 0)
		return m->status;
	char id[sizeof m->id + 8];
	snprintf(id, sizeof id, "%s/%s", m->id, code);
	billtap_map_set_str(m, BILLTAP_FIELD_ID, id);
	return recurly_computed(m, BILLTAP_FIELD_ID, "id currencies");
}

/* trial_length in days; months are not a number of days, so they give null. */
static int trial_days(billtap_map *m)
{
	int64_t length = 0;
	billtap_json_ref ref = billtap_json_path(m->doc, m->obj, "trial_length");
	int rc = billtap_json_integer(&length, m->doc, ref, 0);
	if (m->status < 0)
		return m->status;
	if (rc == BILLTAP_ENOTFOUND || (rc == 0 && length == 0))
		return billtap_map_set_str(m, BILLTAP_FIELD_TRIAL_DAYS, NULL);
	if (rc < 0 || length < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, "trial_length", "is not a whole number");
	int days = string_is(m, "trial_unit", "days");
	if (days < 0)
		return days;
	billtap_map_set_str(m, BILLTAP_FIELD_TRIAL_DAYS, NULL);
	if (days)
		billtap_map_set_int(m, BILLTAP_FIELD_TRIAL_DAYS, length);
	return recurly_computed(m, BILLTAP_FIELD_TRIAL_DAYS, "trial_length trial_unit");
}

int recurly_map_plan(billtap_record **out, const billtap_json *doc, billtap_json_ref plan,
                     int index, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "plan", doc, plan, "id", ctx);
	billtap_json_ref price = nth(doc, billtap_json_get(doc, plan, "currencies"), index);
	if (billtap_json_typeof(doc, price) != BILLTAP_JSON_OBJECT)
		billtap_map_fail(&m, BILLTAP_EDATA, "currencies", "holds a price that is not an object");
	int exponent = recurly_set_currency(&m, price, "currencies.currency");
	plan_record_id(&m);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	int64_t amount = 0;
	if (exponent >= 0 && recurly_set_money(&m, BILLTAP_FIELD_AMOUNT, price, "unit_amount", "currencies", exponent,
	                                 &amount) == 0) {
		/* Whole minor units: the exact decimal is the same integer. */
		int64_t check;
		if (billtap_record_get_int(&check, m.rec, BILLTAP_FIELD_AMOUNT) == 0) {
			char text[24];
			snprintf(text, sizeof text, "%lld", (long long)amount);
			billtap_map_set_str(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, text);
			recurly_computed(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, "currencies");
		}
	}
	if (exponent >= 0)
		recurly_set_money(&m, BILLTAP_FIELD_SETUP_FEE, price, "setup_fee", "currencies", exponent,
		                  NULL);
	billtap_map_set_str(&m, BILLTAP_FIELD_USAGE_TYPE, "licensed");
	billtap_map_set_int(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_INTERVAL_UNIT, "interval_unit", interval_units, NULL,
	                  BILLTAP_MAP_REQUIRED);
	billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "interval_length", BILLTAP_MAP_REQUIRED);
	billtap_map_int(&m, BILLTAP_FIELD_TOTAL_CYCLES, "total_billing_cycles", 0);
	trial_days(&m);
	int active = string_is(&m, "state", "active");
	if (active >= 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_ACTIVE, active);
		recurly_computed(&m, BILLTAP_FIELD_ACTIVE, "state");
	}
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
