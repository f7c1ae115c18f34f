/* Truth files: what a correct extraction through Chargebee's lists gives, normalized as
 * docs/providers/chargebee.md says, one record a line, sorted by id. Derived from the world
 * and the module's view of it, never from rendered JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"
#include "sandbox_truth_file.h"

static int text(const char *s)
{
    return s && *s;
}

/* The company, else first and last name joined by a space, else null. */
static void name(sb_json *j, const w_customer *c)
{
    if (!c->name_on_file || (!text(c->business) && !text(c->given) && !text(c->family))) {
        sbj_knull(j, "name");
        return;
    }
    if (text(c->business)) {
        sbj_kstr(j, "name", c->business);
        return;
    }
    sb_buf b;
    sb_buf_init(&b);
    if (text(c->given))
        sb_buf_adds(&b, c->given);
    if (text(c->given) && text(c->family))
        sb_buf_addc(&b, ' ');
    if (text(c->family))
        sb_buf_adds(&b, c->family);
    sbj_kstr(j, "name", sb_buf_str(&b));
    sb_buf_free(&b);
}

static void write_customers(const void *state, sb_truth_file *o)
{
    const cb_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = sb_id_order(w->n_customers, &st->styles[CB_CUSTOMER], w->seed, CB_CUSTOMER);
    for (size_t k = 0; k < w->n_customers; k++) {
        size_t i = order[k];
        const w_customer *c = &w->customers[i];
        if (c->deleted_at || cb_hidden(st, CB_CUSTOMER, i, st->truth_after))
            continue; /* lists leave deleted customers out unless include_deleted=true */
        char id[SB_ID_MAX];
        cb_id(st, CB_CUSTOMER, i, id);
        sb_json *j = sb_truth_record(o, "customer");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "email", c->email);
        name(j, c);
        sbj_kstr(j, "country", c->has_address && text(c->country) ? c->country : NULL);
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", 0);
        sb_truth_record_end(o);
    }
    free(order);
}

/* Chargebee's status in the normalized vocabulary; an active one with invoices due is
 * past_due. */
static const char *normalized_status(const cb_sub_view *v)
{
    if (strcmp(v->status, "in_trial") == 0)
        return "trialing";
    if (strcmp(v->status, "active") == 0)
        return v->due_invoices > 0 ? "past_due" : "active";
    if (strcmp(v->status, "non_renewing") == 0)
        return "active";
    if (strcmp(v->status, "paused") == 0)
        return "paused";
    if (strcmp(v->status, "cancelled") == 0)
        return "canceled";
    if (strcmp(v->status, "future") == 0)
        return "pending";
    return "other";
}

static void write_items(const cb_state *st, const w_sub *s, const cb_sub_view *v, sb_json *j)
{
    const sb_world *w = st->w;
    sbj_karr(j, "items");
    for (uint32_t k = 0; k < s->n_items; k++) {
        const w_item *it = &w->items[s->first_item + k];
        const w_price *p = &w->prices[it->price];
        char ip[64], dec[24];
        cb_item_price_id(st, it->price, ip);
        snprintf(dec, sizeof dec, "%lld", (long long)p->unit_amount);
        sbj_obj_begin(j);
        sbj_kstr(j, "object", "subscription_item");
        sbj_knull(j, "id");
        sbj_kstr(j, "plan_id", ip);
        sbj_kintn(j, "quantity", it->quantity >= 0, it->quantity);
        sbj_knull(j, "usage_type");
        sbj_kintn(j, "amount", p->unit_amount >= 0, p->unit_amount);
        /* the exact unit price, also below one minor unit (unit_price_in_decimal) */
        sbj_kstr(j, "amount_decimal", p->unit_amount >= 0 ? dec : p->tiered ? NULL : p->decimal);
        sbj_kstr(j, "currency", w_currencies[s->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[s->ccy].exponent);
        sbj_ktime(j, "current_period_start", v->term_start);
        sbj_ktime(j, "current_period_end", v->term_end);
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
}

static void write_subscriptions(const void *state, sb_truth_file *o)
{
    const cb_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = sb_id_order(w->n_subs, &st->styles[CB_SUB], w->seed, CB_SUB);
    for (size_t k = 0; k < w->n_subs; k++) {
        size_t i = order[k];
        const w_sub *s = &w->subs[i];
        const cb_sub_view *v = &st->subs[i];
        if (!v->listed || cb_hidden(st, CB_SUB, i, st->truth_after))
            continue;
        int cancelled = strcmp(v->status, "cancelled") == 0, non_renewing = strcmp(v->status, "non_renewing") == 0;
        char id[SB_ID_MAX];
        sb_json *j = sb_truth_record(o, "subscription");
        cb_id(st, CB_SUB, i, id);
        sbj_kstr(j, "id", id);
        cb_id(st, CB_CUSTOMER, (uint64_t)s->customer, id);
        sbj_kstr(j, "customer_id", id);
        sbj_kstr(j, "status", normalized_status(v));
        sbj_kstr(j, "provider_status", v->status);
        sbj_ktime(j, "started_at", s->start_date);
        sbj_ktime(j, "current_period_start", v->term_start);
        sbj_ktime(j, "current_period_end", v->term_end);
        sbj_ktime(j, "trial_start", s->trial_start);
        sbj_ktime(j, "trial_end", s->trial_end);
        sbj_ktime(j, "canceled_at", cancelled ? v->cancelled_at : non_renewing ? v->cancel_requested : 0);
        sbj_kbool(j, "cancel_at_period_end", non_renewing);
        sbj_ktime(j, "cancel_at", non_renewing ? v->cancelled_at : 0);
        sbj_ktime(j, "ended_at", cancelled ? v->cancelled_at : 0);
        /* Chargebee has no collection pause apart from its paused status, no pause
         * behaviour, and the module renders no resume_date; coupons are not read */
        sbj_lit(j, "paused: null, pause_behavior: null, resumes_at: null, discounts: null");
        sbj_ktime(j, "created_at", s->created);
        write_items(st, s, v, j);
        sb_truth_record_end(o);
    }
    free(order);
}

/* The two tiers as docs/data-model.md's JSON text: graduated unit prices. */
static void tiers_text(sb_json *j, const w_price *p)
{
    sb_buf text;
    sb_json t;
    sb_buf_init(&text);
    sbj_init(&t, &text, 0);
    sbj_arr_begin(&t);
    for (int k = 0; k < 2; k++) {
        char dec[24];
        int64_t unit = k ? p->tier2 : p->tier1;
        snprintf(dec, sizeof dec, "%lld", (long long)unit);
        sbj_obj_begin(&t);
        sbj_kintn(&t, "up_to", !k, p->tier_upto);
        sbj_kint(&t, "unit_amount", unit);
        sbj_kstr(&t, "unit_amount_decimal", dec);
        sbj_lit(&t, "flat_amount: null, flat_amount_decimal: null");
        sbj_obj_end(&t);
    }
    sbj_arr_end(&t);
    sbj_kstr(j, "tiers", sb_buf_str(&text));
    sb_buf_free(&text);
}

static void write_plans(const void *state, sb_truth_file *o)
{
    const cb_state *st = state;
    const sb_world *w = st->w;
    /* item price ids sort as the prices' numbers */
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        const w_product *pr = &w->products[p->product];
        char id[64], dec[24], product[32];
        const char *trial_unit;
        int trial = cb_price_trial(p, &trial_unit);
        cb_item_price_id(st, (int)i, id);
        snprintf(product, sizeof product, "product-%d", p->product);
        snprintf(dec, sizeof dec, "%lld", (long long)p->unit_amount);
        sb_json *j = sb_truth_record(o, "plan");
        sbj_kstr(j, "id", id);
        /* external_name, which the module sets to the nickname or the product's name */
        sbj_kstr(j, "name", p->nickname ? p->nickname : pr->name);
        sbj_kstr(j, "product_id", product);
        sbj_knull(j, "product_name");
        sbj_kintn(j, "amount", !p->tiered && p->unit_amount >= 0, p->unit_amount);
        sbj_kstr(j, "amount_decimal", p->tiered ? NULL : p->unit_amount >= 0 ? dec : p->decimal);
        sbj_kstr(j, "currency", w_currencies[p->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[p->ccy].exponent);
        sbj_knull(j, "usage_type");
        sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
        if (p->tiered)
            tiers_text(j, p);
        else
            sbj_knull(j, "tiers");
        sbj_lit(j, "custom_amount: false, custom_amount_minimum: null, custom_amount_maximum: null, "
                   "custom_amount_preset: null, setup_fee: null");
        sbj_kstr(j, "interval_unit", p->recurring ? w_interval_names[p->interval] : NULL);
        sbj_kintn(j, "interval_count", p->recurring, p->interval_count);
        sbj_kintn(j, "total_cycles", p->recurring && p->total_cycles, p->total_cycles);
        sbj_kintn(j, "trial_days", p->recurring && trial && strcmp(trial_unit, "day") == 0, trial);
        sbj_lit(j, "trial_amount: null, trial_cycles: null");
        sbj_kbool(j, "active", !cb_price_archived(st, i));
        sbj_ktime(j, "created_at", p->created);
        sb_truth_record_end(o);
    }
}

int cb_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec specs[] = {
        {"customers.jsonl", write_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", write_subscriptions},
        {"invoices.jsonl", cb_truth_invoices},
        {"transactions.jsonl", cb_truth_transactions},
    };
    return sb_truth_write(dir, specs, sizeof specs / sizeof specs[0], state, err, errlen);
}
