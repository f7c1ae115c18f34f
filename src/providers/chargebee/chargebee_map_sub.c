/* Chargebee subscriptions (product catalog 2.0: subscription_items) into subscription
 * records. Chargebee keeps one term per subscription: its items share it. */
#include <stdio.h>
#include <string.h>

#include "chargebee.h"

/* Chargebee's seven statuses. non_renewing still bills until its term ends (it is
 * active, cancel_at_period_end); transferred (moved to another customer) fits no word. */
static const billtap_vocab statuses[] = {
	{ "future", "pending" },      { "in_trial", "trialing" }, { "active", "active" },
	{ "non_renewing", "active" }, { "paused", "paused" },     { "cancelled", "canceled" },
	{ "transferred", "other" },   { NULL, NULL },
};

static int status_is(billtap_map *m, const char *word)
{
	return billtap_json_str_eq(m->doc, billtap_json_get(m->doc, m->obj, "status"), word) == 1;
}

/* An active subscription with invoices due (due_invoices_count > 0: collection failed)
 * is past_due, as Stripe would say. */
static void refine_past_due(billtap_map *m)
{
	int64_t due = 0;
	int rc = billtap_json_integer(&due, m->doc, billtap_json_get(m->doc, m->obj, "due_invoices_count"), 0);
	if (rc < 0 && rc != BILLTAP_ENOTFOUND) {
		billtap_map_fail(m, BILLTAP_EDATA, "due_invoices_count", "is not an integer");
		return;
	}
	if (rc == 0 && due > 0 && status_is(m, "active")) {
		billtap_map_set_str(m, BILLTAP_FIELD_STATUS, "past_due");
		billtap_record_set_source(m->rec, BILLTAP_FIELD_STATUS, BILLTAP_SOURCE_COMPUTED,
		                          "status due_invoices_count");
	}
}

/* cancelled_at is when a cancelled subscription ended, or when a non_renewing one will. */
static void map_cancellation(billtap_map *m)
{
	int non_renewing = status_is(m, "non_renewing"), cancelled = status_is(m, "cancelled");
	billtap_map_set_int(m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, non_renewing);
	billtap_record_set_source(m->rec, BILLTAP_FIELD_CANCEL_AT_PERIOD_END,
	                          BILLTAP_SOURCE_COMPUTED, "status");
	if (cancelled) {
		billtap_map_time(m, BILLTAP_FIELD_CANCELED_AT, "cancelled_at", 0);
		billtap_map_time(m, BILLTAP_FIELD_ENDED_AT, "cancelled_at", 0);
	} else if (non_renewing) {
		billtap_map_time(m, BILLTAP_FIELD_CANCELED_AT, "cancel_schedule_created_at", 0);
		billtap_map_time(m, BILLTAP_FIELD_CANCEL_AT, "cancelled_at", 0);
	}
}

/* The subscription's currency, which its items are priced in: the code and ISO 4217's
 * exponent (Chargebee keeps amounts in the currency's smallest unit: JPY whole yen). */
static void read_currency(billtap_map *m, char code[4], int *exponent)
{
	const char *text;
	size_t len;
	billtap_json_ref ref = billtap_json_get(m->doc, m->obj, "currency_code");
	if (m->status < 0)
		return;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is missing");
	else if (!billtap_json_str_is_plain(m->doc, ref) ||
	         billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	         billtap_currency_normalize(code, text, len) < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is not a 3-letter currency code");
	else if ((*exponent = billtap_currency_iso_exponent(code)) < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is not an ISO 4217 currency");
}

/* Copies a time field of the subscription onto an item (nothing when it is null). */
static void copy_time(billtap_map *item, const billtap_record *sub, billtap_field field,
                      const char *member)
{
	int64_t t;
	if (billtap_record_get_int(&t, sub, field) == 0) {
		billtap_map_set_int(item, field, t);
		billtap_record_set_source(item->rec, field, BILLTAP_SOURCE_COMPUTED, member);
	}
}

/* An item has no id (its item price names it), no currency (the subscription's) and no
 * term (the subscription's). Its price: unit_price, or unit_price_in_decimal (major
 * units, multi-decimal pricing) moved to minor units. */
static int map_item(billtap_map *m, billtap_json_ref obj, const char *code, int exponent)
{
	billtap_map item;
	int64_t amount = 0;
	char dec[100];
	int has = 0;
	billtap_map_begin_item(&item, m->rec, "subscription item", m->doc, obj, NULL, m->ctx);
	billtap_map_str(&item, BILLTAP_FIELD_PLAN_ID, "item_price_id", BILLTAP_MAP_REQUIRED);
	billtap_map_int(&item, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&item, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(&item, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	if (cb_price_of(&item, obj, "unit_price", exponent, &amount, dec, sizeof dec, &has) == 0) {
		if (has & 1)
			billtap_map_set_int(&item, BILLTAP_FIELD_AMOUNT, amount);
		if (has)
			billtap_map_set_str(&item, BILLTAP_FIELD_AMOUNT_DECIMAL, dec);
		billtap_record_set_source(item.rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED,
		                          "unit_price unit_price_in_decimal");
		billtap_record_set_source(item.rec, BILLTAP_FIELD_AMOUNT_DECIMAL, BILLTAP_SOURCE_COMPUTED,
		                          "unit_price unit_price_in_decimal");
	}
	copy_time(&item, m->rec, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_term_start");
	copy_time(&item, m->rec, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_term_end");
	return billtap_map_end(NULL, &item);
}

int cb_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
	char code[4] = "";
	int exponent = 0;
	read_currency(&m, code, &exponent);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	refine_past_due(&m);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "started_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_term_start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_term_end", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_START, "trial_start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_END, "trial_end", 0);
	map_cancellation(&m);
	if (status_is(&m, "paused"))
		billtap_map_time(&m, BILLTAP_FIELD_RESUMES_AT, "resume_date", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_json_ref items = billtap_json_get(doc, obj, "subscription_items");
	if (m.status == 0 && items != BILLTAP_JSON_NONE &&
	    billtap_json_typeof(doc, items) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "subscription_items", "is not an array");
	for (billtap_json_ref it = billtap_json_first(doc, items); m.status == 0 && it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(doc, it)) {
		int rc = map_item(&m, it, code, exponent);
		if (rc < 0)
			billtap_map_fail(&m, rc, NULL, NULL);
	}
	return billtap_map_end(out, &m);
}
