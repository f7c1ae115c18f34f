/* Truth of subscriptions: what a correct extraction through the gateway gives, normalized
 * as docs/providers/braintree.md says, from the world and the module's projection
 * (braintree_subs.c), never from the rendered XML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_truth_file.h"

typedef struct keyed_sub {
    char id[16];
    size_t k;
} keyed_sub;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const keyed_sub *)a)->id, ((const keyed_sub *)b)->id);
}

static const char *normalized(const bt_sub_view *v)
{
    switch (v->s->status) {
    case W_SUB_TRIALING: return "trialing";
    case W_SUB_ACTIVE: return "active";
    case W_SUB_PAST_DUE:
    case W_SUB_UNPAID: return "past_due";
    default: return "canceled"; /* Canceled, Expired */
    }
}

static void item(sb_json *j, const char *id, const char *plan_id, int64_t quantity, int64_t amount, int ccy,
                 const bt_sub_view *v)
{
    char decimal[24];
    snprintf(decimal, sizeof decimal, "%lld", (long long)amount);
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "subscription_item");
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "plan_id", plan_id);
    sbj_kint(j, "quantity", quantity);
    sbj_kstr(j, "usage_type", "licensed");
    sbj_kint(j, "amount", amount);
    sbj_kstr(j, "amount_decimal", decimal);
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", w_currencies[ccy].exponent);
    sbj_ktime(j, "current_period_start", v->period_start);
    sbj_ktime(j, "current_period_end", v->period_end);
    sbj_obj_end(j);
}

/* The discounts text: the coupon as the fixed amount Braintree holds. */
static void discounts(sb_json *j, const bt_sub_view *v)
{
    if (!v->discount) {
        sbj_kstr(j, "discounts", "[]");
        return;
    }
    char text[400];
    const char *duration = v->discount_cycles == 0 ? "forever" : v->discount_cycles == 1 ? "once" : "repeating";
    snprintf(text, sizeof text,
             "[{\"id\":null,\"coupon_id\":\"pct%d\",\"percent_off\":null,\"amount_off\":%lld,\"currency\":\"%s\","
             "\"duration\":\"%s\",\"duration_in_months\":null,\"start\":null,\"end\":null}]",
             v->s->coupon_pct, (long long)v->discount, w_currencies[v->s->ccy].code, duration);
    sbj_kstr(j, "discounts", text);
}

void bt_write_subscriptions(const void *state, sb_truth_file *o)
{
    const bt_state *st = state;
    const sb_world *w = st->w;
    keyed_sub *order = sb_xcalloc(st->n_subs + 1, sizeof *order);
    for (size_t k = 0; k < st->n_subs; k++) {
        bt_sub_id(st, k, order[k].id);
        order[k].k = k;
    }
    qsort(order, st->n_subs, sizeof *order, by_id);
    for (size_t n = 0; n < st->n_subs; n++) {
        bt_sub_view v;
        bt_sub_of(st, order[n].k, &v);
        const w_sub *s = v.s;
        /* the customer as the link sees it: listed, and not hidden by insert@N */
        bt_view view = {st, st->truth_after, NULL};
        int listed = bt_customer_listed(st, s->customer) && !bt_hidden(&view, BT_CUSTOMERS, (size_t)s->customer);
        int expired = strcmp(v.status, "Expired") == 0, canceled = strcmp(v.status, "Canceled") == 0;
        char cid[64], plan_id[32];
        sb_json *j = sb_truth_record(o, "subscription");
        sbj_kstr(j, "id", order[n].id);
        if (listed) {
            bt_global_id(st, BT_CUSTOMERS, (size_t)s->customer, cid);
            sbj_kstr(j, "customer_id", cid);
        } else {
            sbj_knull(j, "customer_id");
        }
        sbj_kstr(j, "status", normalized(&v));
        sbj_kstr(j, "provider_status", v.status);
        sbj_ktime(j, "started_at", s->created);
        sbj_ktime(j, "current_period_start", v.period_start);
        sbj_ktime(j, "current_period_end", v.period_end);
        sbj_ktime(j, "trial_start", v.trial ? s->created : 0);
        sbj_ktime(j, "trial_end", v.trial ? v.first_billing : 0);
        sbj_ktime(j, "canceled_at", canceled ? v.ended : 0);
        sbj_kbool(j, "cancel_at_period_end", 0);
        sbj_knull(j, "cancel_at");
        sbj_ktime(j, "ended_at", canceled || expired ? v.ended : 0);
        sbj_kbool(j, "paused", 0);
        sbj_knull(j, "pause_behavior");
        sbj_knull(j, "resumes_at");
        discounts(j, &v);
        sbj_ktime(j, "created_at", s->created);
        sbj_karr(j, "items");
        bt_plan_id(st, v.plan, plan_id);
        item(j, NULL, plan_id, 1, v.price, s->ccy, &v);
        for (uint32_t a = 1; a < s->n_items; a++) {
            const w_item *it = &w->items[s->first_item + a];
            char addon[24];
            bt_addon_id(st, it->price, addon);
            item(j, addon, NULL, it->quantity, w->prices[it->price].unit_amount, s->ccy, &v);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
}
