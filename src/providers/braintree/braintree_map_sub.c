/*
 * Braintree subscriptions (the gateway's <subscription>, converted to JSON) into
 * subscription records with their items: the plan it bills (plan-id at the subscription's
 * price) and each add-on (its own id, amount and quantity). Discounts go into the
 * `discounts` text. Braintree cannot pause a subscription nor schedule a cancellation:
 * those fields say so (false, null).
 *
 * The subscription carries no currency of its own; its status-history entries do
 * (currency-iso-code), and every amount of the subscription is in it. Dates (billing
 * periods, first-billing-date) are days, read as that day's midnight UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

/* Subscription::Status of the SDKs. Active is refined below: in a free trial it is trialing. */
static const billtap_vocab statuses[] = {
	{ "Active", "active" },     { "Past Due", "past_due" }, { "Pending", "pending" },
	{ "Canceled", "canceled" }, { "Expired", "canceled" },  { NULL, NULL },
};

static void computed(billtap_map *m, billtap_field field, const char *members)
{
	billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

static int member_is(const billtap_map *m, const char *member, const char *value)
{
	return billtap_json_str_eq(m->doc, billtap_json_get(m->doc, m->obj, member), value) == 1;
}

static int is_true(const billtap_map *m, const char *member)
{
	return billtap_json_typeof(m->doc, billtap_json_get(m->doc, m->obj, member)) == BILLTAP_JSON_TRUE;
}

/* The newest status-history entry with `status`, or BILLTAP_JSON_NONE (the history is
 * newest first). */
static billtap_json_ref history_entry(const billtap_map *m, const char *status)
{
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "status-history");
	for (billtap_json_ref e = billtap_json_first(m->doc, list); e != BILLTAP_JSON_NONE; e = billtap_json_next(m->doc, e))
		if (status == NULL || billtap_json_str_eq(m->doc, billtap_json_get(m->doc, e, "status"), status) == 1)
			return e;
	return BILLTAP_JSON_NONE;
}

/* A time from a status-history entry's timestamp (null when there is no such entry). */
static void history_time(billtap_map *m, billtap_field field, const char *status)
{
	if (m->status != 0)
		return;
	billtap_json_ref e = history_entry(m, status);
	int64_t t;
	if (e == BILLTAP_JSON_NONE) {
		billtap_map_set_str(m, field, NULL);
	} else if (billtap_json_time(&t, m->doc, billtap_json_get(m->doc, e, "timestamp")) < 0) {
		billtap_map_fail(m, BILLTAP_EDATA, "status-history", "has an entry whose timestamp is not a time");
		return;
	} else {
		billtap_map_set_int(m, field, t);
	}
	computed(m, field, "status status-history");
}

/* trialing: Active, with a trial, before its first billing cycle (current-billing-cycle
 * counts the cycles billed, 0 during the trial). */
static void map_status(billtap_map *m)
{
	billtap_map_vocab(m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	int64_t cycle = -1;
	billtap_json_ref ref = billtap_json_get(m->doc, m->obj, "current-billing-cycle");
	int rc = billtap_json_integer(&cycle, m->doc, ref, BILLTAP_MAP_NUMERIC_STRING);
	if (rc < 0 && rc != BILLTAP_ENOTFOUND) {
		billtap_map_fail(m, BILLTAP_EDATA, "current-billing-cycle", "is not an integer");
		return;
	}
	if (m->status == 0 && member_is(m, "status", "Active") && is_true(m, "trial-period") && cycle == 0 &&
	    billtap_map_set_str(m, BILLTAP_FIELD_STATUS, "trialing") == 0)
		computed(m, BILLTAP_FIELD_STATUS, "status trial-period current-billing-cycle");
}

/* The currency of the first status-history entry: code and ISO 4217 exponent. */
static void read_currency(billtap_map *m, char code[4], int *exponent)
{
	const char *text;
	size_t len;
	billtap_json_ref ref = billtap_json_get(m->doc, history_entry(m, NULL), "currency-iso-code");
	if (m->status != 0)
		return;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING || billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	    billtap_currency_normalize(code, text, len) < 0 || (*exponent = billtap_currency_iso_exponent(code)) < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "status-history",
		                 "has no first entry with a currency-iso-code of a currency billtap knows");
}

static void set_currency(billtap_map *item, const char *code, int exponent)
{
	billtap_map_set_str(item, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(item, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	computed(item, BILLTAP_FIELD_CURRENCY, "status-history currency-iso-code");
	computed(item, BILLTAP_FIELD_CURRENCY_EXPONENT, "status-history currency-iso-code");
}

/* amount_decimal: the amount in minor units, which a whole number of them always is. */
static void amount_decimal(billtap_map *item, const char *member)
{
	int64_t amount;
	if (item->status != 0 || billtap_record_get_int(&amount, item->rec, BILLTAP_FIELD_AMOUNT) != 0)
		return;
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)amount);
	if (billtap_map_set_str(item, BILLTAP_FIELD_AMOUNT_DECIMAL, text) == 0)
		computed(item, BILLTAP_FIELD_AMOUNT_DECIMAL, member);
}

typedef struct period {
	int64_t start, end;
	int has_start, has_end;
} period;

static void set_period(billtap_map *item, const period *p)
{
	if (p->has_start)
		billtap_map_set_int(item, BILLTAP_FIELD_CURRENT_PERIOD_START, p->start);
	else
		billtap_map_set_str(item, BILLTAP_FIELD_CURRENT_PERIOD_START, NULL);
	if (p->has_end)
		billtap_map_set_int(item, BILLTAP_FIELD_CURRENT_PERIOD_END, p->end);
	else
		billtap_map_set_str(item, BILLTAP_FIELD_CURRENT_PERIOD_END, NULL);
	computed(item, BILLTAP_FIELD_CURRENT_PERIOD_START, "billing-period-start-date");
	computed(item, BILLTAP_FIELD_CURRENT_PERIOD_END, "billing-period-end-date");
}

/* What every item has: licensed, the subscription's currency and period, its amount from
 * `member` (a decimal string); then the item ends, its error passed to the subscription. */
static void finish_item(billtap_map *m, billtap_map *item, const char *member, const char *code, int exponent,
                        const period *p)
{
	billtap_map_set_str(item, BILLTAP_FIELD_USAGE_TYPE, "licensed");
	set_currency(item, code, exponent);
	billtap_map_money(item, BILLTAP_FIELD_AMOUNT, member, BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	amount_decimal(item, member);
	set_period(item, p);
	if (billtap_map_end(NULL, item) < 0)
		billtap_map_fail(m, item->status, NULL, NULL);
}

/* The plan item: plan-id, one of it, at the subscription's price. */
static void plan_item(billtap_map *m, const char *code, int exponent, const period *p)
{
	billtap_map item;
	if (m->status != 0)
		return;
	billtap_map_begin_item(&item, m->rec, "subscription", m->doc, m->obj, NULL, m->ctx);
	billtap_map_str(&item, BILLTAP_FIELD_PLAN_ID, "plan-id", BILLTAP_MAP_REQUIRED);
	billtap_map_set_int(&item, BILLTAP_FIELD_QUANTITY, 1);
	finish_item(m, &item, "price", code, exponent, p);
}

/* Each add-on: its id, quantity and amount per unit (billed at the subscription's
 * frequency, so the plan's periods are its periods). */
static void add_on_items(billtap_map *m, const char *code, int exponent, const period *p)
{
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "add-ons");
	int type = billtap_json_typeof(m->doc, list);
	if (m->status != 0)
		return;
	if (type != BILLTAP_JSON_ARRAY && type != BILLTAP_JSON_ABSENT) {
		billtap_map_fail(m, BILLTAP_EDATA, "add-ons", "is not an array");
		return;
	}
	for (billtap_json_ref e = billtap_json_first(m->doc, list); e != BILLTAP_JSON_NONE && m->status == 0;
	     e = billtap_json_next(m->doc, e)) {
		billtap_map item;
		billtap_map_begin_item(&item, m->rec, "add-on", m->doc, e, "id", m->ctx);
		billtap_map_set_str(&item, BILLTAP_FIELD_PLAN_ID, NULL); /* an add-on is not a plan */
		billtap_map_int(&item, BILLTAP_FIELD_QUANTITY, "quantity", BILLTAP_MAP_NUMERIC_STRING | BILLTAP_MAP_REQUIRED);
		finish_item(m, &item, "amount", code, exponent, p);
	}
}

/* One discount of the `discounts` text: a fixed amount (times its quantity) off each
 * billing cycle, for number-of-billing-cycles cycles or forever (never-expires). Cycles
 * are not months (the subscription does not say its frequency): duration_in_months is
 * null. */
static int write_discount(billtap_map *m, billtap_json_writer *w, billtap_json_ref d, const char *code, int exponent)
{
	char *id = NULL;
	int64_t amount, quantity = 1, cycles = 0;
	const billtap_json *doc = m->doc;
	int rc = billtap_json_strdup(&id, doc, billtap_json_get(doc, d, "id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, rc, "discounts", "cannot be copied (out of memory)");
	int bad = rc < 0 || billtap_json_money(&amount, doc, billtap_json_get(doc, d, "amount"), exponent,
	                                        BILLTAP_MAP_MAJOR_UNITS) < 0;
	rc = billtap_json_integer(&quantity, doc, billtap_json_get(doc, d, "quantity"), BILLTAP_MAP_NUMERIC_STRING);
	bad |= rc < 0 && rc != BILLTAP_ENOTFOUND;
	int forever = billtap_json_typeof(doc, billtap_json_get(doc, d, "never-expires")) == BILLTAP_JSON_TRUE;
	if (!forever)
		bad |= billtap_json_integer(&cycles, doc, billtap_json_get(doc, d, "number-of-billing-cycles"),
		                            BILLTAP_MAP_NUMERIC_STRING) < 0 || cycles < 1;
	if (bad) {
		free(id);
		return billtap_map_fail(m, BILLTAP_EDATA, "discounts",
		                        "has an entry without an id, an amount of the currency, a quantity, or its cycles");
	}
	billtap_json_write_object_begin(w);
	billtap_json_write_key(w, "id");
	billtap_json_write_null(w); /* a subscription's discount has no id of its own */
	billtap_json_write_key(w, "coupon_id");
	billtap_json_write_string(w, id, strlen(id));
	billtap_json_write_key(w, "percent_off");
	billtap_json_write_null(w);
	billtap_json_write_key(w, "amount_off");
	billtap_json_write_int(w, amount * quantity);
	billtap_json_write_key(w, "currency");
	billtap_json_write_string(w, code, strlen(code));
	billtap_json_write_key(w, "duration");
	const char *duration = forever ? "forever" : cycles == 1 ? "once" : "repeating";
	billtap_json_write_string(w, duration, strlen(duration));
	billtap_json_write_key(w, "duration_in_months");
	billtap_json_write_null(w);
	billtap_json_write_key(w, "start");
	billtap_json_write_null(w);
	billtap_json_write_key(w, "end");
	billtap_json_write_null(w);
	billtap_json_write_object_end(w);
	free(id);
	return 0;
}

static void map_discounts(billtap_map *m, const char *code, int exponent)
{
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "discounts");
	int type = billtap_json_typeof(m->doc, list);
	if (m->status != 0)
		return;
	if (type != BILLTAP_JSON_ARRAY) {
		billtap_map_fail(m, BILLTAP_EDATA, "discounts", "is not an array");
		return;
	}
	billtap_json_writer *w;
	if (billtap_json_writer_new(&w) < 0) {
		billtap_map_fail(m, BILLTAP_ENOMEM, "discounts", "cannot be written (out of memory)");
		return;
	}
	billtap_json_write_array_begin(w);
	for (billtap_json_ref e = billtap_json_first(m->doc, list); e != BILLTAP_JSON_NONE && m->status == 0;
	     e = billtap_json_next(m->doc, e))
		write_discount(m, w, e, code, exponent);
	billtap_json_write_array_end(w);
	const char *text;
	int rc = billtap_json_writer_text(&text, NULL, w);
	if (m->status == 0 && rc < 0)
		billtap_map_fail(m, rc == BILLTAP_ENOMEM ? rc : BILLTAP_EDATA, "discounts", "cannot be written as JSON");
	if (m->status == 0 && billtap_map_set_str(m, BILLTAP_FIELD_DISCOUNTS, text) == 0)
		computed(m, BILLTAP_FIELD_DISCOUNTS, "discounts");
	billtap_json_writer_free(w);
}

/* customer_id: the owner of the payment method it charges; null when no listed customer
 * has it (a deleted customer's payment methods are gone with it). */
static void map_customer(billtap_map *m, const bt_tokens *tokens)
{
	char *token = NULL;
	int rc = billtap_json_strdup(&token, m->doc, billtap_json_get(m->doc, m->obj, "payment-method-token"));
	if (rc == BILLTAP_ENOMEM) {
		billtap_map_fail(m, rc, "payment-method-token", "cannot be copied (out of memory)");
		return;
	}
	if (rc < 0 && rc != BILLTAP_ENOTFOUND) {
		billtap_map_fail(m, BILLTAP_EDATA, "payment-method-token", "is not a string");
		return;
	}
	if (billtap_map_set_str(m, BILLTAP_FIELD_CUSTOMER_ID, token ? bt_tokens_find(tokens, token) : NULL) == 0)
		computed(m, BILLTAP_FIELD_CUSTOMER_ID, "payment-method-token");
	free(token);
}

static void read_period(billtap_map *m, period *p)
{
	int rc = billtap_json_time(&p->start, m->doc, billtap_json_get(m->doc, m->obj, "billing-period-start-date"));
	p->has_start = rc == 0;
	if (rc < 0 && rc != BILLTAP_ENOTFOUND)
		billtap_map_fail(m, BILLTAP_EDATA, "billing-period-start-date", "is not a date");
	rc = billtap_json_time(&p->end, m->doc, billtap_json_get(m->doc, m->obj, "billing-period-end-date"));
	p->has_end = rc == 0;
	if (rc < 0 && rc != BILLTAP_ENOTFOUND)
		billtap_map_fail(m, BILLTAP_EDATA, "billing-period-end-date", "is not a date");
}

int bt_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                        const bt_tokens *tokens, billtap_ctx *ctx)
{
	billtap_map m;
	char code[4] = "";
	int exponent = 0;
	period p = { 0, 0, 0, 0 };
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, node, "id", ctx);
	map_customer(&m, tokens);
	map_status(&m);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "created-at", BILLTAP_MAP_REQUIRED);
	read_period(&m, &p);
	if (m.status == 0) {
		if (p.has_start)
			billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "billing-period-start-date", 0);
		if (p.has_end)
			billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "billing-period-end-date", 0);
	}
	int trial = is_true(&m, "trial-period");
	if (trial) {
		billtap_map_time(&m, BILLTAP_FIELD_TRIAL_START, "created-at", 0);
		billtap_map_time(&m, BILLTAP_FIELD_TRIAL_END, "first-billing-date", 0);
	}
	/* Braintree cancels at once (no cancellation at period end) */
	history_time(&m, BILLTAP_FIELD_CANCELED_AT, "Canceled");
	if (m.status == 0 && member_is(&m, "status", "Expired"))
		history_time(&m, BILLTAP_FIELD_ENDED_AT, "Expired");
	else if (m.status == 0 && member_is(&m, "status", "Canceled"))
		history_time(&m, BILLTAP_FIELD_ENDED_AT, "Canceled");
	billtap_map_set_int(&m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, 0);
	billtap_map_set_int(&m, BILLTAP_FIELD_PAUSED, 0); /* the gateway cannot pause one */
	read_currency(&m, code, &exponent);
	map_discounts(&m, code, exponent);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created-at", BILLTAP_MAP_REQUIRED);
	plan_item(&m, code, exponent, &p);
	add_on_items(&m, code, exponent, &p);
	return billtap_map_end(out, &m);
}
