/*
 * Braintree plans (the XML gateway's <plan>, converted to JSON by braintree_xml_json.c)
 * into plan records. A plan is one fixed price in one currency, billed every
 * billing-frequency months, for number-of-billing-cycles cycles (nil: until canceled),
 * optionally after a free trial of trial-duration days or months. Its add-ons and
 * discounts stay in the raw JSON: the plan record has no field for them.
 */
#include <stdio.h>
#include <string.h>

#include "braintree.h"

static void computed(billtap_map *m, billtap_field field, const char *members)
{
	billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

/* amount_decimal: the price in minor units, which a whole number of them always is. */
static void amount_decimal(billtap_map *m)
{
	int64_t amount;
	if (m->status != 0 || billtap_record_get_int(&amount, m->rec, BILLTAP_FIELD_AMOUNT) != 0)
		return;
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)amount);
	if (billtap_map_set_str(m, BILLTAP_FIELD_AMOUNT_DECIMAL, text) == 0)
		computed(m, BILLTAP_FIELD_AMOUNT_DECIMAL, "price");
}

/* trial_days: a free trial counted in days; one counted in months has no exact number of
 * days (read trial-duration and trial-duration-unit in the raw plan). */
static void trial_days(billtap_map *m)
{
	billtap_json_ref on = billtap_json_get(m->doc, m->obj, "trial-period");
	int type = billtap_json_typeof(m->doc, on);
	if (m->status != 0)
		return;
	if (type != BILLTAP_JSON_TRUE && type != BILLTAP_JSON_FALSE && type != BILLTAP_JSON_NULL &&
	    type != BILLTAP_JSON_ABSENT) {
		billtap_map_fail(m, BILLTAP_EDATA, "trial-period", "is not a boolean");
		return;
	}
	billtap_json_ref unit = billtap_json_get(m->doc, m->obj, "trial-duration-unit");
	if (type == BILLTAP_JSON_TRUE && billtap_json_str_eq(m->doc, unit, "day") == 1) {
		billtap_map_int(m, BILLTAP_FIELD_TRIAL_DAYS, "trial-duration", BILLTAP_MAP_REQUIRED);
		return;
	}
	if (type == BILLTAP_JSON_TRUE && billtap_json_str_eq(m->doc, unit, "month") != 1) {
		billtap_map_fail(m, BILLTAP_EDATA, "trial-duration-unit", "is neither day nor month");
		return;
	}
	if (billtap_map_set_str(m, BILLTAP_FIELD_TRIAL_DAYS, NULL) == 0)
		computed(m, BILLTAP_FIELD_TRIAL_DAYS, "trial-period trial-duration-unit");
}

int bt_map_plan(billtap_record **out, const billtap_json *doc, billtap_json_ref node, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "plan", doc, node, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_PRODUCT_ID, NULL);   /* Braintree has no products */
	billtap_map_set_str(&m, BILLTAP_FIELD_PRODUCT_NAME, NULL);
	billtap_map_currency(&m, "currency-iso-code", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "price", BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	amount_decimal(&m);
	billtap_map_set_str(&m, BILLTAP_FIELD_USAGE_TYPE, "licensed"); /* billed in advance, per quantity */
	billtap_map_set_int(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_SETUP_FEE, NULL);         /* the gateway has no setup fees */
	billtap_map_set_str(&m, BILLTAP_FIELD_INTERVAL_UNIT, "month");  /* billing-frequency counts months */
	billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "billing-frequency", BILLTAP_MAP_REQUIRED);
	billtap_map_int(&m, BILLTAP_FIELD_TOTAL_CYCLES, "number-of-billing-cycles", 0); /* nil: no end */
	trial_days(&m);
	/* a plan the gateway lists can be subscribed to: it has no archived state */
	billtap_map_set_int(&m, BILLTAP_FIELD_ACTIVE, 1);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created-at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
