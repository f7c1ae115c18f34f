/* Stripe subscriptions and their items -> normalized records (docs/data-model.md). */
#include <string.h>

#include "stripe.h"

static const billtap_vocab statuses[] = {
	{ "trialing", "trialing" },   { "active", "active" },
	{ "past_due", "past_due" },   { "unpaid", "past_due" },
	{ "paused", "paused" },       { "canceled", "canceled" },
	{ "incomplete_expired", "canceled" }, { "incomplete", "pending" },
	{ NULL, NULL },
};

static const billtap_vocab pause_behaviors[] = {
	{ "keep_as_draft", "keep_as_draft" }, { "mark_uncollectible", "mark_uncollectible" },
	{ "void", "void" }, { NULL, NULL },
};

/* The period of obj (a subscription, or an item), joined to what p holds: the first one
 * seen, and `mixed` once another differs from it. */
static void period_add(stripe_period *p, const billtap_json *doc, billtap_json_ref obj)
{
	int64_t s, e;
	int has_s = billtap_json_int(&s, doc, billtap_json_get(doc, obj, "current_period_start")) == 0;
	int has_e = billtap_json_int(&e, doc, billtap_json_get(doc, obj, "current_period_end")) == 0;
	if (!has_s && !has_e)
		return;
	if (!p->has_start && !p->has_end) {
		p->has_start = has_s;
		p->has_end = has_e;
		p->start = has_s ? s : 0;
		p->end = has_e ? e : 0;
	} else if (has_s != p->has_start || has_e != p->has_end || (has_s && s != p->start) ||
	           (has_e && e != p->end)) {
		p->mixed = 1;
	}
}

int stripe_map_item(billtap_record *sub, stripe_period *period, const billtap_json *doc,
                    billtap_json_ref item, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin_item(&m, sub, "subscription item", doc, item, "id", ctx);
	/* Stripe items always have ids, and the next page of items starts after one. */
	if (billtap_json_typeof(doc, billtap_json_get(doc, item, "id")) != BILLTAP_JSON_STRING)
		billtap_map_fail(&m, BILLTAP_EDATA, "id", "is missing");
	if (billtap_json_typeof(doc, billtap_json_get(doc, item, "price")) != BILLTAP_JSON_OBJECT)
		billtap_map_fail(&m, BILLTAP_EDATA, "price", "is missing");
	billtap_map_str(&m, BILLTAP_FIELD_PLAN_ID, "price.id", 0);
	billtap_map_int(&m, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_USAGE_TYPE, "price.recurring.usage_type", stripe_usage_types, "other",
	                  0);
	billtap_map_currency(&m, "price.currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "price.unit_amount", 0);
	stripe_map_decimal(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, "price.unit_amount_decimal");
	/* API versions from 2025-03-31.basil: each item has its own period */
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "current_period_start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "current_period_end", 0);
	/* Before basil every item is billed on the subscription's period. */
	if (period->own && period->has_start) {
		billtap_map_set_int(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, period->start);
		stripe_map_source(&m, BILLTAP_FIELD_CURRENT_PERIOD_START,
		                  "subscription:current_period_start");
	}
	if (period->own && period->has_end) {
		billtap_map_set_int(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, period->end);
		stripe_map_source(&m, BILLTAP_FIELD_CURRENT_PERIOD_END,
		                  "subscription:current_period_end");
	}
	int rc = billtap_map_end(NULL, &m);
	if (rc == 0 && !period->own)
		period_add(period, doc, item);
	return rc;
}

int stripe_map_subscription(billtap_record **out, stripe_period *period, int *items_more,
                            const billtap_json *doc, billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	memset(period, 0, sizeof *period);
	*items_more = 0;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "start_date", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_START, "trial_start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_END, "trial_end", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CANCELED_AT, "canceled_at", 0);
	billtap_map_bool(&m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, "cancel_at_period_end", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CANCEL_AT, "cancel_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_ENDED_AT, "ended_at", 0);
	/* pause_collection: null when collecting, an object while paused; absent: not said */
	billtap_json_ref pause = billtap_json_get(doc, obj, "pause_collection");
	billtap_json_type pause_type = billtap_json_typeof(doc, pause);
	if (pause_type == BILLTAP_JSON_OBJECT || pause_type == BILLTAP_JSON_NULL) {
		billtap_map_set_int(&m, BILLTAP_FIELD_PAUSED, pause_type == BILLTAP_JSON_OBJECT);
		stripe_map_source(&m, BILLTAP_FIELD_PAUSED, "pause_collection");
	}
	billtap_map_vocab(&m, BILLTAP_FIELD_PAUSE_BEHAVIOR, "pause_collection.behavior",
	                  pause_behaviors, "other", 0);
	billtap_map_time(&m, BILLTAP_FIELD_RESUMES_AT, "pause_collection.resumes_at", 0);
	stripe_map_discounts(&m, "discounts");
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);

	/* API versions before 2025-03-31.basil keep the period on the subscription. */
	period_add(period, doc, obj);
	period->own = period->has_start || period->has_end;
	billtap_json_ref items = billtap_json_get(doc, obj, "items");
	billtap_json_ref data = billtap_json_get(doc, items, "data");
	if (billtap_json_typeof(doc, data) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "items.data", "is missing");
	for (billtap_json_ref it = billtap_json_first(doc, data); it != BILLTAP_JSON_NONE && !m.status;
	     it = billtap_json_next(doc, it)) {
		int rc = stripe_map_item(m.rec, period, doc, it, ctx);
		if (rc < 0) {
			billtap_map_fail(&m, rc, NULL, NULL);
			break;
		}
	}
	int more = 0;
	billtap_json_bool(&more, doc, billtap_json_get(doc, items, "has_more"));
	*items_more = more;
	return billtap_map_end(out, &m);
}

int stripe_finish_subscription(billtap_record *sub, const stripe_period *p, billtap_ctx *ctx)
{
	int rc = 0;
	if (p->mixed && !p->own)
		return 0; /* items differ: no subscription period (their own are on the items) */
	/* Its own (before basil), else the one all its items share. */
	const char *start = p->own ? "current_period_start" : "items.data";
	const char *end = p->own ? "current_period_end" : "items.data";
	if (p->has_start && (rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_START,
	                                                 p->start)) == 0)
		rc = billtap_record_set_source(sub, BILLTAP_FIELD_CURRENT_PERIOD_START,
		                               BILLTAP_SOURCE_COMPUTED, start);
	if (rc == 0 && p->has_end &&
	    (rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_END, p->end)) == 0)
		rc = billtap_record_set_source(sub, BILLTAP_FIELD_CURRENT_PERIOD_END,
		                               BILLTAP_SOURCE_COMPUTED, end);
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}
