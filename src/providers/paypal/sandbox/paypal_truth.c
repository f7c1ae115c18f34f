/* Truth files for PayPal, sorted by id (byte order), every member present, derived from
 * the projection (never from rendered API JSON). */
#include "paypal_truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal_faults.h"
#include "paypal_invoicing.h"
#include "sandbox_buf.h"
#include "sandbox_json.h"
#include "sandbox_truth_file.h"

/* Records of a kind in id order (caller frees). */
static uint32_t *by_id(const pp_state *s, int kind, size_t n)
{
    return sb_id_order(n, &s->styles[kind], s->w->seed, (unsigned)kind);
}

static void money(sb_json *j, int ccy)
{
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", pp_exponent(ccy));
}

static void kid(sb_json *j, const char *key, const pp_state *s, int kind, long long n)
{
    char id[SB_ID_MAX];
    if (n >= 0)
        pp_id(s, kind, (uint64_t)n, id);
    sbj_kstr(j, key, n >= 0 ? id : NULL);
}

static void write_plans(const void *state, sb_truth_file *o)
{
    static const int unit_days[4] = {1, 7, 30, 365}; /* data-model.md's trial rule */
    const pp_state *s = state;
    uint32_t *order = by_id(s, PP_PLAN, s->n_plans);
    for (size_t k = 0; k < s->n_plans; k++) {
        const pp_plan *pl = &s->plans[order[k]];
        const w_price *p = &s->w->prices[pl->price];
        /* free trial phases in days; the first paid one is an introductory price */
        int64_t trial_days = 0, scale = w_currencies[p->ccy].exponent > pp_exponent(p->ccy) ? 100 : 1;
        int has_free = 0, paid = -1;
        for (int t = 0; t < p->n_phases; t++) {
            if (p->phases[t].price == 0) {
                trial_days += (int64_t)p->phases[t].total * p->phases[t].count * unit_days[p->phases[t].unit];
                has_free = 1;
            } else if (paid < 0) {
                paid = t;
            }
        }
        int64_t amount = p->unit_amount / scale;
        char name[256], dec[24];
        pp_plan_name(s, order[k], name, sizeof name);
        snprintf(dec, sizeof dec, "%lld", (long long)amount);
        sb_json *j = sb_truth_record(o, "plan");
        kid(j, "id", s, PP_PLAN, order[k]);
        sbj_kstr(j, "name", name); /* the plan's own name */
        kid(j, "product_id", s, PP_PRODUCT, pl->product);
        sbj_kstr(j, "product_name", s->w->products[p->product].name);
        sbj_kint(j, "amount", amount);
        sbj_kstr(j, "amount_decimal", dec);
        money(j, p->ccy);
        sbj_kstr(j, "interval_unit", w_interval_names[p->interval]);
        sbj_kint(j, "interval_count", p->interval_count);
        sbj_kintn(j, "total_cycles", p->total_cycles > 0, p->total_cycles);
        sbj_kintn(j, "trial_days", has_free, trial_days);
        sbj_kintn(j, "trial_amount", paid >= 0, paid >= 0 ? p->phases[paid].price / scale : 0);
        sbj_kintn(j, "trial_cycles", paid >= 0, paid >= 0 ? p->phases[paid].total : 0);
        sbj_kint(j, "setup_fee", pl->setup_fee);
        sbj_kbool(j, "active", pl->status == PP_PLAN_ACTIVE);
        sbj_ktime(j, "created_at", pl->created);
        /* PayPal plans say nothing of these */
        sbj_lit(j, "usage_type: null, tiers_mode: null, tiers: null, custom_amount: null, "
                   "custom_amount_minimum: null, custom_amount_maximum: null, "
                   "custom_amount_preset: null");
        sb_truth_record_end(o);
    }
    free(order);
}

static const char *normalized_status(int st)
{
    static const char *const names[PP_SUB_NSTATUS] = {
        [PP_SUB_APPROVAL_PENDING] = "pending", [PP_SUB_APPROVED] = "pending", [PP_SUB_ACTIVE] = "active",
        [PP_SUB_SUSPENDED] = "paused", [PP_SUB_CANCELLED] = "canceled", [PP_SUB_EXPIRED] = "canceled",
    };
    return names[st];
}

/* docs/data-model.md: ACTIVE is past_due while payments failed in a row, else trialing
 * while a trial phase has begun and no regular cycle has (PayPal counts a cycle once begun). */
static const char *subscription_status(const pp_state *s, const pp_sub *ps)
{
    const w_sub *ws = &s->w->subs[ps->sub];
    const w_price *p = &s->w->prices[s->plans[ps->plan].price];
    if (ps->status != PP_SUB_ACTIVE)
        return normalized_status(ps->status);
    if (ps->failed_count > 0)
        return "past_due";
    int trial_begun = 0;
    for (int t = 0; t < p->n_phases; t++)
        trial_begun |= ws->cycles[t] > 0;
    return trial_begun && ws->cycles[p->n_phases] == 0 ? "trialing" : "active";
}

static void write_subscriptions(const pp_state *s, sb_truth_file *o, int all)
{
    uint32_t *order = by_id(s, PP_SUB, s->n_subs);
    for (size_t k = 0; k < s->n_subs; k++) {
        const pp_sub *ps = &s->subs[order[k]];
        const w_sub *ws = &s->w->subs[ps->sub];
        if (!all && !ps->visible)
            continue;
        sb_json *j = sb_truth_record(o, "subscription");
        kid(j, "id", s, PP_SUB, order[k]);
        kid(j, "customer_id", s, PP_PAYER, ps->status != PP_SUB_APPROVAL_PENDING ? ws->customer : -1);
        sbj_kstr(j, "status", subscription_status(s, ps));
        sbj_kstr(j, "provider_status", pp_sub_status_names[ps->status]);
        sbj_ktime(j, "started_at", ws->start_date + s->delta);
        sbj_ktime(j, "current_period_start", ws->last_payment >= 0 ? s->w->payments[ws->last_payment].created + s->delta : 0);
        sbj_ktime(j, "current_period_end", ps->next_billing);
        sbj_lit(j, "trial_end: null");
        sbj_ktime(j, "canceled_at", ps->status == PP_SUB_CANCELLED ? ps->status_time : 0);
        sbj_lit(j, "cancel_at_period_end: false");
        sbj_ktime(j, "created_at", ws->created + s->delta);
        sbj_lit(j, "trial_start: null, cancel_at: null, ended_at: null, paused: null, "
                   "pause_behavior: null, resumes_at: null, discounts: null");
        sbj_karr(j, "items");
        sbj_obj_begin(j);
        sbj_kstr(j, "object", "subscription_item");
        sbj_lit(j, "id: null"); /* PayPal has no item object: the one item has no id */
        kid(j, "plan_id", s, PP_PLAN, ps->plan);
        sbj_kint(j, "quantity", ps->show_quantity ? ps->quantity : 1);
        sbj_kint(j, "amount", ps->price);
        money(j, s->w->prices[s->plans[ps->plan].price].ccy);
        sbj_lit(j, "usage_type: null, amount_decimal: null, current_period_start: null, "
                   "current_period_end: null");
        sbj_obj_end(j);
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
}

static void write_hidden(const void *state, sb_truth_file *o)
{
    const pp_state *s = state;
    uint32_t *order = by_id(s, PP_SUB, s->n_subs);
    for (size_t k = 0; k < s->n_subs; k++) {
        char id[SB_ID_MAX];
        if (s->subs[order[k]].visible)
            continue;
        pp_id(s, PP_SUB, order[k], id);
        sb_buf_adds(&o->buf, id);
        sb_truth_end_line(o);
    }
    free(order);
}

static int cmp_row_ptr(const void *a, const void *b)
{
    return strcmp((*(const pp_row *const *)a)->txid, (*(const pp_row *const *)b)->txid);
}

/* How settled a row is (docs/data-model.md): S and V, then P, then D. */
static int settled(char status)
{
    return status == 'S' || status == 'V' ? 3 : status == 'P' ? 2 : status == 'D' ? 1 : 0;
}

static void write_transactions(const void *state, sb_truth_file *o)
{
    const pp_state *s = state;
    /* rows sharing an id share the initiation date, so they are adjacent in search order:
     * of each run, the most settled row (the first of equals) is what an extraction keeps */
    const pp_row **keep = sb_xmalloc((s->n_rows ? s->n_rows : 1) * sizeof *keep);
    size_t n = 0;
    for (size_t i = 0; i < s->n_rows && s->rows[i].time <= s->cutoff; i++) {
        if (!pp_row_shown(s, i, s->truth_after))
            continue; /* inserted rows never share an id */
        if (i == 0 || strcmp(s->rows[i].txid, s->rows[i - 1].txid) != 0)
            keep[n++] = &s->rows[i];
        else if (settled(s->rows[i].status) > settled(keep[n - 1]->status))
            keep[n - 1] = &s->rows[i];
    }
    qsort(keep, n, sizeof *keep, cmp_row_ptr);
    /* kinds by event code and sign (docs/providers/paypal.md): T00nn received from a
     * customer, sent by the merchant (a T0003 to a vendor: a transfer) */
    static const char *const kinds[PP_NEV] = {
        [PP_EV_T0002] = "payment", [PP_EV_T0003] = "payment", [PP_EV_T0006] = "payment",
        [PP_EV_T0007] = "payment", [PP_EV_T1106] = "reversal", [PP_EV_T1107] = "refund",
        [PP_EV_T1201] = "chargeback", [PP_EV_T0200] = "conversion", [PP_EV_T0400] = "payout",
        [PP_EV_T0700] = "transfer",
    };
    for (size_t k = 0; k < n; k++) {
        const pp_row *r = keep[k];
        int refund = r->amount < 0;
        char st[2] = {r->status, '\0'};
        sb_json *j = sb_truth_record(o, "transaction");
        sbj_kstr(j, "id", r->txid);
        kid(j, "customer_id", s, PP_PAYER, r->payer);
        sbj_kstr(j, "subscription_id", r->ref_type == PP_REF_SUB ? r->ref : NULL);
        sbj_kstr(j, "invoice_id", r->invoice[0] ? r->invoice : NULL);
        const char *kind = r->event == PP_EV_T0003 && r->amount < 0 ? "transfer" : kinds[r->event];
        int takes_back = r->event == PP_EV_T1106 || r->event == PP_EV_T1107 || r->event == PP_EV_T1201;
        sbj_kstr(j, "kind", kind);
        /* reversed: it succeeded, and the reversal is its own row */
        sbj_kstr(j, "result", settled(r->status) == 3 ? "succeeded" : r->status == 'P' ? "pending" : "failed");
        sbj_kstr(j, "provider_status", st);
        sbj_kint(j, "amount", refund ? -r->amount : r->amount);
        money(j, r->ccy);
        sbj_kintn(j, "refunded_amount", 0, 0); /* a row does not say what of it was refunded */
        sbj_kstr(j, "parent_id", takes_back && r->ref_type == PP_REF_TXN ? r->ref : NULL);
        sbj_ktime(j, "occurred_at", r->time);
        sbj_lit(j, "captured_amount: null");
        /* fee_amount is PayPal's fee, negative: the fee is its opposite, the net the row's
         * signed amount plus it */
        sbj_kintn(j, "fee_amount", r->has_fee, -r->fee);
        sbj_kintn(j, "net_amount", r->has_fee, r->amount + r->fee);
        sb_truth_record_end(o);
    }
    free(keep);
}

typedef struct cust {
    int seen, has_name;
    int64_t created;
    const char *email, *country; /* NULL: none yet */
    char name[200];
} cust;

/* The first non-null email, name and country win: subscriptions (id order) before rows
 * (search order); created_at is the earliest appearance. */
static void write_customers(const pp_state *s, sb_truth_file *o, int all)
{
    const sb_world *w = s->w;
    cust *cs = sb_xcalloc(w->n_customers ? w->n_customers : 1, sizeof *cs);
    uint32_t *order = by_id(s, PP_SUB, s->n_subs);
    for (size_t k = 0; k < s->n_subs; k++) {
        const pp_sub *ps = &s->subs[order[k]];
        const w_sub *ws = &w->subs[ps->sub];
        if ((!all && !ps->visible) || ps->status == PP_SUB_APPROVAL_PENDING)
            continue;
        const w_customer *p = &w->customers[ws->customer];
        cust *c = &cs[ws->customer];
        int64_t t = ws->created + s->delta;
        if (!c->seen || t < c->created)
            c->created = t;
        c->seen = 1;
        if (!c->email && ps->show_email)
            c->email = p->email;
        if (!c->has_name && ps->show_name)
            c->has_name = snprintf(c->name, sizeof c->name, "%s %s", p->given, p->family) > 0;
        if (!c->country && ps->show_shipping)
            c->country = p->country;
    }
    free(order);
    for (size_t i = 0; i < s->n_rows && s->rows[i].time <= s->cutoff; i++) {
        const pp_row *r = &s->rows[i];
        if (r->payer < 0 || !pp_row_shown(s, i, s->truth_after))
            continue;
        const w_customer *p = &w->customers[r->payer];
        cust *c = &cs[r->payer];
        if (!c->seen || r->time < c->created)
            c->created = r->time;
        c->seen = 1;
        if (!c->email && r->show_email)
            c->email = p->email;
        if (!c->has_name && r->show_name) {
            char buf[PP_NAME_MAX];
            const char *alt = pp_alternate_name(s, r->payer, buf);
            if (alt)
                snprintf(c->name, sizeof c->name, "%s", alt);
            else
                snprintf(c->name, sizeof c->name, "%s %s", p->given, p->family);
            c->has_name = 1;
        }
        if (!c->country && r->show_country)
            c->country = p->country;
    }
    order = by_id(s, PP_PAYER, w->n_customers);
    for (size_t k = 0; k < w->n_customers; k++) {
        const cust *c = &cs[order[k]];
        if (!c->seen)
            continue;
        sb_json *j = sb_truth_record(o, "customer");
        kid(j, "id", s, PP_PAYER, order[k]);
        sbj_kstr(j, "email", c->email);
        sbj_kstr(j, "name", c->has_name ? c->name : NULL);
        sbj_kstr(j, "country", c->country);
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", 0);
        sb_truth_record_end(o);
    }
    free(order);
    free(cs);
}

static void w_customers(const void *s, sb_truth_file *o) { write_customers(s, o, 0); }
static void w_customers_all(const void *s, sb_truth_file *o) { write_customers(s, o, 1); }
static void w_subs(const void *s, sb_truth_file *o) { write_subscriptions(s, o, 0); }
static void w_subs_all(const void *s, sb_truth_file *o) { write_subscriptions(s, o, 1); }

int pp_write_truth(const pp_state *s, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec files[] = {
        {"customers.jsonl", w_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", w_subs},
        {"transactions.jsonl", write_transactions},
        {"hidden_subscription_ids.txt", write_hidden},
        {"subscriptions_all.jsonl", w_subs_all},
        {"customers_all.jsonl", w_customers_all},
        {"invoices.jsonl", pp_write_invoices_truth},
    };
    return sb_truth_write(dir, files, sizeof files / sizeof files[0], s, err, errlen);
}
