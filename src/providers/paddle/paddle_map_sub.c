/* Paddle subscriptions and their items into subscription records. Paddle keeps one
 * billing period per subscription (current_billing_period): its items share it. Items
 * have no ids: an item is known by its price (a subscription holds a price once), so the
 * item's id is null and plan_id the price's id. */

#include "paddle.h"

static const billtap_vocab statuses[] = {
	{ "active", "active" },   { "trialing", "trialing" }, { "past_due", "past_due" },
	{ "paused", "paused" },   { "canceled", "canceled" }, { NULL, NULL },
};

static int is(const billtap_json *doc, billtap_json_ref obj, const char *path, const char *word)
{
	return billtap_json_str_eq(doc, billtap_json_path(doc, obj, path), word) == 1;
}

/* scheduled_change {action, effective_at, resume_at}: a cancellation takes effect at
 * effective_at (at the period's end: cancel_at_period_end); a scheduled resume of a
 * paused subscription is when its pause ends. */
static void map_scheduled_change(billtap_map *m)
{
	int64_t at = 0, end = 0;
	int cancel = is(m->doc, m->obj, "scheduled_change.action", "cancel");
	if (cancel) {
		billtap_map_time(m, BILLTAP_FIELD_CANCEL_AT, "scheduled_change.effective_at", BILLTAP_MAP_REQUIRED);
		if (m->status == 0)
			billtap_record_get_int(&at, m->rec, BILLTAP_FIELD_CANCEL_AT);
		billtap_record_get_int(&end, m->rec, BILLTAP_FIELD_CURRENT_PERIOD_END);
	} else if (is(m->doc, m->obj, "scheduled_change.action", "resume") && is(m->doc, m->obj, "status", "paused")) {
		billtap_map_time(m, BILLTAP_FIELD_RESUMES_AT, "scheduled_change.effective_at", 0);
	}
	billtap_map_set_int(m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, cancel && at && at == end);
	billtap_record_set_source(m->rec, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, BILLTAP_SOURCE_COMPUTED,
	                          "scheduled_change current_billing_period.ends_at");
}

static void copy_time(billtap_map *item, const billtap_record *sub, billtap_field field, const char *member)
{
	int64_t t;
	if (billtap_record_get_int(&t, sub, field) == 0) {
		billtap_map_set_int(item, field, t);
		billtap_record_set_source(item->rec, field, BILLTAP_SOURCE_COMPUTED, member);
	}
}

/* The item's unit price is its price's, in the subscription's currency; a price whose
 * base currency is another (Paddle then bills an override) has no amount here. */
static int map_item(billtap_map *m, billtap_json_ref obj, const char *code, int exponent)
{
	billtap_map item;
	billtap_map_begin_item(&item, m->rec, "subscription item", m->doc, obj, NULL, m->ctx);
	billtap_map_str(&item, BILLTAP_FIELD_PLAN_ID, "price.id", BILLTAP_MAP_REQUIRED);
	billtap_map_int(&item, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&item, BILLTAP_FIELD_USAGE_TYPE, "licensed");
	billtap_map_set_str(&item, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(&item, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	if (is(m->doc, obj, "price.unit_price.currency_code", code))
		pd_map_unit_price(&item, "price.unit_price.amount");
	copy_time(&item, m->rec, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_billing_period.starts_at");
	copy_time(&item, m->rec, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_billing_period.ends_at");
	return billtap_map_end(NULL, &item);
}

/* The trial: the first item with trial_dates (Paddle dates trials per item). */
static void map_trial(billtap_map *m, billtap_json_ref items)
{
	for (billtap_json_ref it = billtap_json_first(m->doc, items); it != BILLTAP_JSON_NONE && m->status == 0;
	     it = billtap_json_next(m->doc, it)) {
		billtap_json_ref dates = billtap_json_get(m->doc, it, "trial_dates");
		if (billtap_json_typeof(m->doc, dates) != BILLTAP_JSON_OBJECT)
			continue;
		int64_t from, to;
		if (billtap_json_time(&from, m->doc, billtap_json_get(m->doc, dates, "starts_at")) < 0 ||
		    billtap_json_time(&to, m->doc, billtap_json_get(m->doc, dates, "ends_at")) < 0) {
			billtap_map_fail(m, BILLTAP_EDATA, "items", "has trial_dates without starts_at and ends_at times");
			return;
		}
		billtap_map_set_int(m, BILLTAP_FIELD_TRIAL_START, from);
		billtap_map_set_int(m, BILLTAP_FIELD_TRIAL_END, to);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_TRIAL_START, BILLTAP_SOURCE_COMPUTED, "items");
		billtap_record_set_source(m->rec, BILLTAP_FIELD_TRIAL_END, BILLTAP_SOURCE_COMPUTED, "items");
		return;
	}
}

/* The subscription's currency, which its items are priced in (subscription records have
 * no currency of their own). */
static void read_currency(billtap_map *m, char code[4], int *exponent)
{
	const char *text;
	size_t len;
	billtap_json_ref ref = billtap_json_get(m->doc, m->obj, "currency_code");
	if (m->status < 0)
		return;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is missing");
	else if (!billtap_json_str_is_plain(m->doc, ref) || billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	         billtap_currency_normalize(code, text, len) < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is not a 3-letter currency code");
	else if ((*exponent = pd_currency_exponent(code)) < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "currency_code", "is not an ISO 4217 currency");
}

int pd_push_subscription(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_record *rec = NULL;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "started_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_billing_period.starts_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_billing_period.ends_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CANCELED_AT, "canceled_at", 0);
	if (is(doc, obj, "status", "canceled"))
		billtap_map_time(&m, BILLTAP_FIELD_ENDED_AT, "canceled_at", 0);
	map_scheduled_change(&m);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_json_ref items = billtap_json_get(doc, obj, "items");
	if (m.status == 0 && billtap_json_typeof(doc, items) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "items", "is not an array");
	map_trial(&m, items);
	char code[4] = "";
	int exponent = 0;
	read_currency(&m, code, &exponent);
	for (billtap_json_ref it = billtap_json_first(doc, items); m.status == 0 && it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(doc, it)) {
		int rc = map_item(&m, it, code, exponent);
		if (rc < 0)
			billtap_map_fail(&m, rc, NULL, NULL);
	}
	int rc = billtap_map_end(&rec, &m);
	return pd_push_mapped(sink, rc, rec, doc, obj);
}
