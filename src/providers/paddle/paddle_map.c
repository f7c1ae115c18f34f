/* Paddle customers and prices into customer and plan records, and what every mapper
 * shares (pushing, currencies, unit prices). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

int pd_push_mapped(billtap_sink *sink, int rc, billtap_record *rec, const billtap_json *doc,
                   billtap_json_ref obj)
{
	if (rc < 0)
		return billtap_sink_reject_json(sink, rc, doc, obj, "id");
	return billtap_sink_push(sink, rec);
}

/* Paddle's customers have no address of their own (addresses are a sub-list), cannot be
 * deleted (only archived) and carry one name. */
int pd_push_customer(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_record *rec = NULL;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_map_set_int(&m, BILLTAP_FIELD_DELETED, 0); /* Paddle archives, never deletes */
	int rc = billtap_map_end(&rec, &m);
	return pd_push_mapped(sink, rc, rec, doc, obj);
}

int pd_currency_exponent(const char *code)
{
	/* Paddle's zero-decimal currencies; the rest have ISO 4217's places */
	if (strcmp(code, "JPY") == 0 || strcmp(code, "KRW") == 0)
		return 0;
	return billtap_currency_iso_exponent(code);
}

static const billtap_vocab intervals[] = {
	{ "day", "day" }, { "week", "week" }, { "month", "month" }, { "year", "year" }, { NULL, NULL },
};

static int member_is(const billtap_map *m, const char *path, const char *word)
{
	return billtap_json_str_eq(m->doc, billtap_json_path(m->doc, m->obj, path), word) == 1;
}

/* An amount in minor units as an integer string ("3000"): the integer and its digits. */
void pd_map_unit_price(billtap_map *m, const char *path)
{
	int64_t amount;
	char dec[24];
	if (billtap_map_money(m, BILLTAP_FIELD_AMOUNT, path, BILLTAP_MAP_NUMERIC_STRING) < 0 ||
	    billtap_record_get_int(&amount, m->rec, BILLTAP_FIELD_AMOUNT) < 0)
		return;
	snprintf(dec, sizeof dec, "%" PRId64, amount);
	if (billtap_map_set_str(m, BILLTAP_FIELD_AMOUNT_DECIMAL, dec) == 0)
		billtap_record_set_source(m->rec, BILLTAP_FIELD_AMOUNT_DECIMAL, BILLTAP_SOURCE_COMPUTED, path);
}

/* A free trial in days: trial_period {interval, frequency} in days or weeks; one in months
 * or years is not a whole number of days (null). */
static void map_trial(billtap_map *m)
{
	int64_t n;
	billtap_json_ref freq = billtap_json_path(m->doc, m->obj, "trial_period.frequency");
	int days = member_is(m, "trial_period.interval", "day") ? 1 : member_is(m, "trial_period.interval", "week") ? 7 : 0;
	if (m->status < 0 || !days)
		return;
	if (billtap_json_integer(&n, m->doc, freq, 0) < 0 || n < 0 || n > 100000) {
		billtap_map_fail(m, BILLTAP_EDATA, "trial_period.frequency", "is not a count");
		return;
	}
	billtap_map_set_int(m, BILLTAP_FIELD_TRIAL_DAYS, n * days);
	billtap_record_set_source(m->rec, BILLTAP_FIELD_TRIAL_DAYS, BILLTAP_SOURCE_COMPUTED, "trial_period");
}

/* A recurring price (the list asks for recurring=true) with its product (include=product). */
int pd_push_price(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_record *rec = NULL;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "price", doc, obj, "id", ctx);
	/* the price's own name when it has one, else its product's */
	billtap_json_ref own = billtap_json_get(doc, obj, "name");
	int has_own = billtap_json_typeof(doc, own) == BILLTAP_JSON_STRING && billtap_json_str_eq(doc, own, "") != 1;
	billtap_map_str(&m, BILLTAP_FIELD_NAME, has_own ? "name" : "product.name", 0);
	billtap_map_str(&m, BILLTAP_FIELD_PRODUCT_ID, "product_id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_PRODUCT_NAME, "product.name", 0);
	billtap_map_currency(&m, "unit_price.currency_code", pd_currency_exponent);
	pd_map_unit_price(&m, "unit_price.amount");
	billtap_map_set_str(&m, BILLTAP_FIELD_USAGE_TYPE, "licensed"); /* Paddle bills quantities, not usage */
	billtap_map_set_int(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_INTERVAL_UNIT, "billing_cycle.interval", intervals, NULL, BILLTAP_MAP_REQUIRED);
	billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "billing_cycle.frequency", BILLTAP_MAP_REQUIRED);
	map_trial(&m);
	if (m.status == 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_ACTIVE, member_is(&m, "status", "active"));
		billtap_record_set_source(m.rec, BILLTAP_FIELD_ACTIVE, BILLTAP_SOURCE_COMPUTED, "status");
	}
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	int rc = billtap_map_end(&rec, &m);
	return pd_push_mapped(sink, rc, rec, doc, obj);
}
