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

/* Earliest start and earliest end: when items renew on different days, the subscription's
 * next renewal is the first of them. */
static void period_add(stripe_period *p, const billtap_json *doc, billtap_json_ref obj)
{
	int64_t v;
	if (billtap_json_int(&v, doc, billtap_json_get(doc, obj, "current_period_start")) == 0 &&
	    (!p->has_start || v < p->start)) {
		p->start = v;
		p->has_start = 1;
	}
	if (billtap_json_int(&v, doc, billtap_json_get(doc, obj, "current_period_end")) == 0 &&
	    (!p->has_end || v < p->end)) {
		p->end = v;
		p->has_end = 1;
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
	billtap_map_currency(&m, "price.currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "price.unit_amount", 0);
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
	billtap_map_time(&m, BILLTAP_FIELD_TRIAL_END, "trial_end", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CANCELED_AT, "canceled_at", 0);
	billtap_map_bool(&m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, "cancel_at_period_end", 0);
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
	if (p->has_start)
		rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_START, p->start);
	if (rc == 0 && p->has_end)
		rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_END, p->end);
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}
