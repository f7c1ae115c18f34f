/* Recurly subscriptions -> subscription records (docs/providers/recurly.md). A Recurly
 * subscription has one plan and any number of add-ons, all billed on the subscription's
 * period in its currency: the plan is the first item (no id of its own), each add-on an
 * item after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly.h"

/* state -> status, before the refinements below (trial, cancellation). */
static const billtap_vocab states[] = {
	{ "active", "active" },
	/* will not renew, but runs and bills until the end of its term */
	{ "canceled", "active" },
	{ "expired", "canceled" },
	/* never became active (its first payment failed) */
	{ "failed", "canceled" },
	/* starts at a later date */
	{ "future", "pending" },
	{ "paused", "paused" },
	{ NULL, NULL },
};

/* In its trial: the current period is the trial (it ends when the trial does, or
 * earlier). Read from the subscription's own dates, never the clock. */
static int in_trial(billtap_map *m)
{
	int64_t trial_end, period_end;
	const billtap_json *doc = m->doc;
	return billtap_json_time(&trial_end, doc, billtap_json_path(doc, m->obj, "trial_ends_at")) == 0 &&
	       billtap_json_time(&period_end, doc,
	                         billtap_json_path(doc, m->obj, "current_period_ends_at")) == 0 &&
	       period_end <= trial_end;
}

static int map_status(billtap_map *m)
{
	billtap_map_vocab(m, BILLTAP_FIELD_STATUS, "state", states, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(m, BILLTAP_FIELD_PROVIDER_STATUS, "state", 0);
	int canceled = recurly_string_is(m, "state", "canceled", 1);
	int expired = recurly_string_is(m, "state", "expired", 1);
	if (m->status < 0)
		return m->status;
	const char *status = NULL;
	billtap_record_get_str(&status, m->rec, BILLTAP_FIELD_STATUS);
	if (!strcmp(status, "active") && in_trial(m)) {
		billtap_map_set_str(m, BILLTAP_FIELD_STATUS, "trialing");
		recurly_computed(m, BILLTAP_FIELD_STATUS, "state trial_ends_at current_period_ends_at");
	}
	billtap_map_set_int(m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, canceled);
	recurly_computed(m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, "state");
	/* expires_at: when a canceled one will end, when an expired one ended */
	billtap_map_set_str(m, BILLTAP_FIELD_CANCEL_AT, NULL);
	billtap_map_set_str(m, BILLTAP_FIELD_ENDED_AT, NULL);
	if (canceled)
		billtap_map_time(m, BILLTAP_FIELD_CANCEL_AT, "expires_at", 0);
	if (expired)
		billtap_map_time(m, BILLTAP_FIELD_ENDED_AT, "expires_at", 0);
	return m->status;
}

/* The record id of the plan in this currency, as plans are listed: "<plan id>/<CUR>". */
static int plan_item_id(billtap_map *item, const char *currency)
{
	char *plan = NULL;
	int rc = billtap_json_strdup(&plan, item->doc, billtap_json_path(item->doc, item->obj, "plan.id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(item, billtap_ctx_error(item->ctx, rc, NULL), NULL, NULL);
	if (rc < 0)
		return billtap_map_fail(item, BILLTAP_EDATA, "plan.id", "is missing");
	char id[200];
	snprintf(id, sizeof id, "%.160s/%s", plan, currency);
	free(plan);
	billtap_map_set_str(item, BILLTAP_FIELD_PLAN_ID, id);
	return recurly_computed(item, BILLTAP_FIELD_PLAN_ID, "plan.id currency");
}

/* The item's amount: unit_amount, and amount_decimal as the same integer when it is one. */
static int item_amount(billtap_map *item, billtap_json_ref obj, const char *label, int exponent)
{
	int64_t amount = 0;
	billtap_map_set_str(item, BILLTAP_FIELD_AMOUNT_DECIMAL, NULL);
	if (recurly_set_money(item, BILLTAP_FIELD_AMOUNT, obj, "unit_amount", label, exponent, &amount) < 0)
		return item->status;
	int64_t check;
	if (billtap_record_get_int(&check, item->rec, BILLTAP_FIELD_AMOUNT) == 0) {
		char text[24];
		snprintf(text, sizeof text, "%lld", (long long)amount);
		billtap_map_set_str(item, BILLTAP_FIELD_AMOUNT_DECIMAL, text);
		recurly_computed(item, BILLTAP_FIELD_AMOUNT_DECIMAL, "unit_amount");
	}
	return item->status;
}

/* What every item shares with the subscription: its currency and period. */
static int item_common(billtap_map *item, const billtap_record *sub, const char *currency,
                       int exponent)
{
	int64_t t;
	billtap_map_set_str(item, BILLTAP_FIELD_CURRENCY, currency);
	billtap_map_set_int(item, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	recurly_computed(item, BILLTAP_FIELD_CURRENCY, "subscription:currency");
	recurly_computed(item, BILLTAP_FIELD_CURRENCY_EXPONENT, "subscription:currency");
	static const billtap_field periods[] = { BILLTAP_FIELD_CURRENT_PERIOD_START,
		                                 BILLTAP_FIELD_CURRENT_PERIOD_END };
	static const char *const members[] = { "subscription:current_period_started_at",
		                               "subscription:current_period_ends_at" };
	for (int i = 0; i < 2; i++) {
		if (billtap_record_get_int(&t, sub, periods[i]) == 0)
			billtap_map_set_int(item, periods[i], t);
		else
			billtap_map_set_str(item, periods[i], NULL);
		recurly_computed(item, periods[i], members[i]);
	}
	return item->status;
}

static int plan_item(billtap_map *m, const char *currency, int exponent)
{
	billtap_map item;
	billtap_map_begin_item(&item, m->rec, "subscription item", m->doc, m->obj, NULL, m->ctx);
	plan_item_id(&item, currency);
	billtap_map_int(&item, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&item, BILLTAP_FIELD_USAGE_TYPE, "licensed");
	item_amount(&item, m->obj, "", exponent);
	item_common(&item, m->rec, currency, exponent);
	if (billtap_map_end(NULL, &item) < 0)
		return billtap_map_fail(m, item.status, NULL, NULL);
	return 0;
}

static const billtap_vocab add_on_types[] = {
	{ "fixed", "licensed" }, { "usage", "metered" }, { NULL, NULL },
};

static int add_on_item(billtap_map *m, billtap_json_ref add_on, const char *currency, int exponent)
{
	billtap_map item;
	billtap_map_begin_item(&item, m->rec, "subscription add-on", m->doc, add_on, "id", m->ctx);
	/* An add-on is not one of the listed plans: no plan id; add_on.id is in the raw JSON. */
	billtap_map_set_str(&item, BILLTAP_FIELD_PLAN_ID, NULL);
	billtap_map_int(&item, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_vocab(&item, BILLTAP_FIELD_USAGE_TYPE, "add_on.add_on_type", add_on_types, "other", 0);
	item_amount(&item, add_on, "", exponent);
	item_common(&item, m->rec, currency, exponent);
	if (billtap_map_end(NULL, &item) < 0)
		return billtap_map_fail(m, item.status, NULL, NULL);
	return 0;
}

int recurly_map_subscription(billtap_record **out, const billtap_json *doc,
                             billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "account.id", 0);
	map_status(&m);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "activated_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_period_started_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_period_ends_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_START, "trial_started_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_END, "trial_ends_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CANCELED_AT, "canceled_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	/* paused, pause_behavior, resumes_at and discounts stay null: Recurly's pause stops
	 * the subscription (status paused) rather than its collection, and coupon
	 * redemptions are not mapped. */
	/* The subscription's currency is its items' (subscriptions have no money fields). */
	char code[4];
	int exponent = recurly_currency_of(code, &m, obj, "currency");
	const char *currency = exponent >= 0 ? code : NULL;
	if (currency)
		plan_item(&m, currency, exponent);
	billtap_json_ref add_ons = billtap_json_get(doc, obj, "add_ons");
	billtap_json_type t = billtap_json_typeof(doc, add_ons);
	if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL && t != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "add_ons", "is not a list");
	for (billtap_json_ref a = billtap_json_first(doc, add_ons); m.status == 0 && currency &&
	                                                          a != BILLTAP_JSON_NONE;
	     a = billtap_json_next(doc, a))
		add_on_item(&m, a, currency, exponent);
	return billtap_map_end(out, &m);
}
