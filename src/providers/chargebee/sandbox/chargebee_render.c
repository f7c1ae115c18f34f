/* Customers, subscriptions and item prices as Chargebee's lists show them. */
#include <stdio.h>
#include <string.h>

#include "chargebee_model.h"

/* Chargebee leaves absent times out (never null). */
void cb_kts(sb_json *j, const char *key, int64_t t)
{
    if (t)
        sbj_kint(j, key, t);
}

void cb_render_customer(const cb_state *st, size_t i, sb_json *j)
{
    const w_customer *c = &st->w->customers[i];
    char id[SB_ID_MAX];
    cb_id(st, CB_CUSTOMER, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    if (c->name_on_file) {
        if (c->given)
            sbj_kstr(j, "first_name", c->given);
        if (c->family)
            sbj_kstr(j, "last_name", c->family);
        if (c->business)
            sbj_kstr(j, "company", c->business);
    }
    if (c->email)
        sbj_kstr(j, "email", c->email);
    if (c->phone)
        sbj_kstr(j, "phone", c->phone);
    sbj_kstr(j, "auto_collection", "on");
    sbj_kint(j, "net_term_days", 0);
    sbj_kbool(j, "allow_direct_debit", c->bank);
    sbj_kint(j, "created_at", c->created);
    sbj_kstr(j, "taxability", c->tax_exempt ? "exempt" : "taxable");
    sbj_kint(j, "updated_at", c->updated);
    sbj_kint(j, "resource_version", c->updated * 1000);
    sbj_kbool(j, "deleted", c->deleted_at != 0);
    sbj_kstr(j, "object", "customer");
    if (c->has_address) {
        sbj_kobj(j, "billing_address");
        if (c->line1)
            sbj_kstr(j, "line1", c->line1);
        if (c->line2)
            sbj_kstr(j, "line2", c->line2);
        if (c->city)
            sbj_kstr(j, "city", c->city);
        if (c->state)
            sbj_kstr(j, "state", c->state);
        if (c->country)
            sbj_kstr(j, "country", c->country);
        if (c->postal)
            sbj_kstr(j, "zip", c->postal);
        sbj_lit(j, "validation_status: 'not_validated', object: 'billing_address'");
        sbj_obj_end(j);
    }
    sbj_kstr(j, "card_status", c->bank ? "no_card" : "valid");
    sbj_lit(j, "promotional_credits: 0, refundable_credits: 0, excess_payments: 0, unbilled_charges: 0");
    sbj_kstr(j, "preferred_currency_code", w_currencies[c->ccy].code);
    sbj_obj_end(j);
}

/* A decimal in minor units ("0.25") in major units of a currency with `exp` decimals
 * ("0.0025"), as Chargebee's *_in_decimal members are. */
static void major_units(const char *minor, int exp, char *out, size_t cap)
{
    char digits[64];
    size_t n = 0, point = 0;
    for (const char *c = minor; *c && n + (size_t)exp + 2 < sizeof digits; c++) {
        if (*c == '.')
            point = n;
        else
            digits[n++] = *c;
    }
    if (!strchr(minor, '.'))
        point = n;
    /* the point moves exp places left: zeros in front while it would pass the first digit */
    while (point < (size_t)exp + 1) {
        memmove(digits + 1, digits, n++);
        digits[0] = '0';
        point++;
    }
    point -= (size_t)exp;
    while (n > point && digits[n - 1] == '0')
        n--;
    snprintf(out, cap, "%.*s%s%.*s", (int)point, digits, n > point ? "." : "", (int)(n - point), digits + point);
}

static void render_item(const cb_state *st, const w_item *it, int plan, sb_json *j)
{
    const w_price *p = &st->w->prices[it->price];
    char ip[64];
    cb_item_price_id(st, it->price, ip);
    sbj_obj_begin(j);
    sbj_kstr(j, "item_price_id", ip);
    sbj_kstr(j, "item_type", plan ? "plan" : "addon");
    if (it->quantity >= 0)
        sbj_kint(j, "quantity", it->quantity);
    /* tiered prices have no unit price; a sub-cent one only in major units */
    if (p->unit_amount >= 0) {
        sbj_kint(j, "unit_price", p->unit_amount);
        if (it->quantity >= 0)
            sbj_kint(j, "amount", p->unit_amount * it->quantity);
    } else if (!p->tiered && p->decimal) {
        char text[64];
        major_units(p->decimal, w_currencies[p->ccy].exponent, text, sizeof text);
        sbj_kstr(j, "unit_price_in_decimal", text);
    }
    sbj_kint(j, "free_quantity", 0);
    sbj_kstr(j, "object", "subscription_item");
    sbj_obj_end(j);
}

void cb_render_subscription(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const cb_sub_view *v = &st->subs[i];
    const w_price *plan = &w->prices[w->items[s->first_item].price];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    cb_id(st, CB_SUB, i, id);
    sbj_kstr(j, "id", id);
    cb_id(st, CB_CUSTOMER, (uint64_t)s->customer, id);
    sbj_kstr(j, "customer_id", id);
    sbj_kstr(j, "currency_code", w_currencies[s->ccy].code);
    if (plan->recurring) {
        sbj_kint(j, "billing_period", plan->interval_count);
        sbj_kstr(j, "billing_period_unit", w_interval_names[plan->interval]);
    }
    sbj_kstr(j, "status", v->status);
    cb_kts(j, "trial_start", s->trial_start);
    cb_kts(j, "trial_end", s->trial_end);
    cb_kts(j, "current_term_start", v->term_start);
    cb_kts(j, "current_term_end", v->term_end);
    if (strcmp(v->status, "cancelled") != 0 && strcmp(v->status, "non_renewing") != 0)
        cb_kts(j, "next_billing_at", v->term_end);
    sbj_kint(j, "created_at", s->created);
    cb_kts(j, "started_at", s->start_date);
    cb_kts(j, "activated_at", s->status == W_SUB_TRIALING ? 0 : s->start_date);
    cb_kts(j, "cancelled_at", v->cancelled_at);
    cb_kts(j, "cancel_schedule_created_at", v->cancel_requested);
    sbj_kint(j, "updated_at", cb_updated(st, CB_SUB, i));
    sbj_kbool(j, "has_scheduled_changes", 0);
    sbj_kint(j, "resource_version", cb_updated(st, CB_SUB, i) * 1000);
    sbj_kbool(j, "deleted", !v->listed);
    sbj_kstr(j, "object", "subscription");
    sbj_kint(j, "due_invoices_count", v->due_invoices);
    sbj_karr(j, "subscription_items");
    for (uint32_t k = 0; k < s->n_items; k++)
        render_item(st, &w->items[s->first_item + k], k == 0, j);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

void cb_render_item_price(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_price *p = &w->prices[i];
    const w_product *pr = &w->products[p->product];
    char id[64], text[160];
    const char *trial_unit;
    int trial = cb_price_trial(p, &trial_unit);
    cb_item_price_id(st, (int)i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    /* names are unique on a site: the product's name and the price's id */
    snprintf(text, sizeof text, "%s %s", pr->name, id);
    sbj_kstr(j, "name", p->nickname ? p->nickname : text);
    snprintf(text, sizeof text, "product-%d", p->product);
    sbj_kstr(j, "item_id", text);
    sbj_kstr(j, "status", cb_price_archived(st, i) ? "archived" : "active");
    sbj_kstr(j, "external_name", p->nickname ? p->nickname : pr->name);
    if (p->tiered) {
        sbj_kstr(j, "pricing_model", "tiered");
        sbj_karr(j, "tiers");
        sbj_obj_begin(j);
        sbj_lit(j, "starting_unit: 1");
        sbj_kint(j, "ending_unit", p->tier_upto);
        sbj_kint(j, "price", p->tier1);
        sbj_kstr(j, "object", "tier");
        sbj_obj_end(j);
        sbj_obj_begin(j);
        sbj_kint(j, "starting_unit", p->tier_upto + 1);
        sbj_kint(j, "price", p->tier2);
        sbj_kstr(j, "object", "tier");
        sbj_obj_end(j);
        sbj_arr_end(j);
    } else {
        sbj_kstr(j, "pricing_model", p->quantity_ok || p->metered ? "per_unit" : "flat_fee");
        if (p->unit_amount >= 0) {
            sbj_kint(j, "price", p->unit_amount);
        } else { /* below one minor unit: multi-decimal pricing, in major units */
            major_units(p->decimal, w_currencies[p->ccy].exponent, text, sizeof text);
            sbj_kstr(j, "price_in_decimal", text);
        }
    }
    if (p->recurring) {
        sbj_kint(j, "period", p->interval_count);
        sbj_kstr(j, "period_unit", w_interval_names[p->interval]);
        if (trial) {
            sbj_kint(j, "trial_period", trial);
            sbj_kstr(j, "trial_period_unit", trial_unit);
        }
        if (p->total_cycles)
            sbj_kint(j, "billing_cycles", p->total_cycles);
    }
    sbj_kint(j, "free_quantity", 0);
    sbj_kbool(j, "is_taxable", p->tax_pct > 0);
    sbj_kstr(j, "item_type", p->recurring ? "plan" : "charge");
    sbj_kstr(j, "currency_code", w_currencies[p->ccy].code);
    sbj_kint(j, "created_at", p->created);
    sbj_kint(j, "updated_at", p->updated);
    sbj_kint(j, "resource_version", p->updated * 1000);
    sbj_kstr(j, "object", "item_price");
    sbj_obj_end(j);
}
