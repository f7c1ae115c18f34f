/* The Recurly module's truth: the projection normalized as docs/providers/recurly.md
 * ("Normalization") says, from the world and the projection's own tables, never from the
 * rendered JSON. Files are sorted by id (byte order). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly_model.h"
#include "sandbox_truth_file.h"

/* One record of a file: its id, and what to write it from. */
typedef struct row {
    char id[SB_ID_MAX + 8];
    const rc_entry *e;
    int currency; /* plans: the entry of `currencies` */
} row;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const row *)a)->id, ((const row *)b)->id);
}

static row *rows_of(const rc_state *st, const rc_list *l, size_t *n)
{
    size_t cap = 0;
    for (size_t i = 0; i < l->n; i++)
        cap += l->by_created[i].kind == RC_PLAN ? (size_t)st->plans[l->by_created[i].index].n : 1;
    row *rows = sb_xcalloc(cap ? cap : 1, sizeof *rows);
    *n = 0;
    for (size_t i = 0; i < l->n; i++) {
        const rc_entry *e = &l->by_created[i];
        int parts = e->kind == RC_PLAN ? st->plans[e->index].n : 1;
        for (int k = 0; k < parts; k++) {
            row *r = &rows[(*n)++];
            char id[SB_ID_MAX];
            rc_id(st, e->kind, e->index, id);
            if (e->kind == RC_PLAN)
                snprintf(r->id, sizeof r->id, "%s/%s", id,
                         w_currencies[st->w->prices[st->plans[e->index].price[k]].ccy].code);
            else
                snprintf(r->id, sizeof r->id, "%s", id);
            r->e = e;
            r->currency = k;
        }
    }
    qsort(rows, *n, sizeof *rows, by_id);
    return rows;
}

static void kid(sb_json *j, const char *key, const rc_state *st, int kind, uint64_t n)
{
    char id[SB_ID_MAX];
    rc_id(st, kind, n, id);
    sbj_kstr(j, key, id);
}

/* The account's name: the company, else first and last name (either alone), else null. */
static void customer_name(sb_json *j, const w_customer *c)
{
    if (!c->name_on_file || (!c->business && !c->given && !c->family)) {
        sbj_knull(j, "name");
    } else if (c->business && *c->business) {
        sbj_kstr(j, "name", c->business);
    } else if (c->given && c->family) {
        char name[512];
        snprintf(name, sizeof name, "%s %s", c->given, c->family);
        sbj_kstr(j, "name", name);
    } else {
        sbj_kstr(j, "name", c->given ? c->given : c->family);
    }
}

static void write_customers(const void *state, sb_truth_file *o)
{
    const rc_state *st = state;
    size_t n;
    row *rows = rows_of(st, &st->lists[RC_L_ACCOUNTS], &n);
    for (size_t i = 0; i < n; i++) {
        const w_customer *c = &st->w->customers[rows[i].e->index];
        sb_json *j = sb_truth_record(o, "customer");
        sbj_kstr(j, "id", rows[i].id);
        sbj_kstr(j, "email", c->email);
        customer_name(j, c);
        sbj_kstr(j, "country", c->has_address ? c->country : NULL);
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", c->deleted_at != 0); /* closed: state inactive */
        sb_truth_record_end(o);
    }
    free(rows);
}

static void write_plans(const void *state, sb_truth_file *o)
{
    const rc_state *st = state;
    size_t n;
    row *rows = rows_of(st, &st->lists[RC_L_PLANS], &n);
    for (size_t i = 0; i < n; i++) {
        const rc_plan *pl = &st->plans[rows[i].e->index];
        const w_price *p = &st->w->prices[pl->price[rows[i].currency]];
        const w_price *first = &st->w->prices[pl->price[0]];
        const w_currency *cur = &w_currencies[p->ccy];
        sb_json *j = sb_truth_record(o, "plan");
        sbj_kstr(j, "id", rows[i].id);
        sbj_kstr(j, "name", first->nickname ? first->nickname : st->w->products[first->product].name);
        sbj_lit(j, "product_id: null, product_name: null");
        sbj_kint(j, "amount", p->unit_amount);
        char decimal[24];
        snprintf(decimal, sizeof decimal, "%lld", (long long)p->unit_amount);
        sbj_kstr(j, "amount_decimal", decimal);
        sbj_kstr(j, "currency", cur->code);
        sbj_kint(j, "currency_exponent", cur->exponent);
        sbj_lit(j, "usage_type: 'licensed', tiers_mode: null, tiers: null, custom_amount: false, "
                   "custom_amount_minimum: null, custom_amount_maximum: null, custom_amount_preset: null");
        sbj_kint(j, "setup_fee", 0);
        sbj_kstr(j, "interval_unit", pl->interval_unit_days ? "day" : "month");
        sbj_kint(j, "interval_count", pl->interval_length);
        sbj_kintn(j, "total_cycles", pl->total_cycles != 0, pl->total_cycles);
        sbj_kintn(j, "trial_days", pl->trial_length > 0 && pl->trial_unit_days, pl->trial_length);
        sbj_lit(j, "trial_amount: null, trial_cycles: null");
        sbj_kbool(j, "active", pl->active);
        sbj_ktime(j, "created_at", pl->created);
        sb_truth_record_end(o);
    }
    free(rows);
}

static void ktime_or_null(sb_json *j, const char *key, int64_t t)
{
    sbj_ktime(j, key, t); /* 0 writes null */
}

static void sub_item(sb_json *j, const rc_state *st, const char *plan_id, const char *item_id, int64_t quantity,
                     int64_t amount, const w_currency *cur, const rc_sub_dates *d)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "subscription_item");
    sbj_kstr(j, "id", item_id);
    sbj_kstr(j, "plan_id", plan_id);
    sbj_kint(j, "quantity", quantity);
    sbj_kstr(j, "usage_type", "licensed"); /* the plan, and fixed add-ons */
    sbj_kint(j, "amount", amount);
    char decimal[24];
    snprintf(decimal, sizeof decimal, "%lld", (long long)amount);
    sbj_kstr(j, "amount_decimal", decimal);
    sbj_kstr(j, "currency", cur->code);
    sbj_kint(j, "currency_exponent", cur->exponent);
    ktime_or_null(j, "current_period_start", d->period_start);
    ktime_or_null(j, "current_period_end", d->period_end);
    sbj_obj_end(j);
    (void)st;
}

/* Recurly's state -> status: active and canceled are `trialing` while the current period
 * is the trial, else `active` (a canceled one runs to its term); expired and failed
 * `canceled`; future `pending`; paused `paused`. */
static const char *sub_status(int state, const rc_sub_dates *d)
{
    switch (state) {
    case RC_SUB_ACTIVE:
    case RC_SUB_CANCELED:
        return d->trial_end && d->period_end && d->period_end <= d->trial_end ? "trialing" : "active";
    case RC_SUB_EXPIRED:
    case RC_SUB_FAILED: return "canceled";
    case RC_SUB_FUTURE: return "pending";
    default: return "paused";
    }
}

static void write_subscriptions(const void *state, sb_truth_file *o)
{
    const rc_state *st = state;
    const sb_world *w = st->w;
    size_t n;
    row *rows = rows_of(st, &st->lists[RC_L_SUBSCRIPTIONS], &n);
    for (size_t i = 0; i < n; i++) {
        uint32_t si = rows[i].e->index;
        const w_sub *s = &w->subs[si];
        int rstate = st->sub_state[si];
        rc_sub_dates d;
        rc_sub_dates_of(st, si, &d);
        const w_currency *cur = &w_currencies[s->ccy];
        sb_json *j = sb_truth_record(o, "subscription");
        sbj_kstr(j, "id", rows[i].id);
        kid(j, "customer_id", st, RC_ACCOUNT, (uint64_t)s->customer);
        sbj_kstr(j, "status", sub_status(rstate, &d));
        sbj_kstr(j, "provider_status", rc_sub_state_names[rstate]);
        ktime_or_null(j, "started_at", d.activated);
        ktime_or_null(j, "current_period_start", d.period_start);
        ktime_or_null(j, "current_period_end", d.period_end);
        ktime_or_null(j, "trial_start", d.trial_start);
        ktime_or_null(j, "trial_end", d.trial_end);
        ktime_or_null(j, "canceled_at", d.canceled);
        sbj_kbool(j, "cancel_at_period_end", rstate == RC_SUB_CANCELED);
        ktime_or_null(j, "cancel_at", rstate == RC_SUB_CANCELED ? d.expires : 0);
        ktime_or_null(j, "ended_at", rstate == RC_SUB_EXPIRED ? d.expires : 0);
        sbj_lit(j, "paused: null, pause_behavior: null, resumes_at: null, discounts: null");
        sbj_ktime(j, "created_at", s->created);
        sbj_karr(j, "items");
        const w_item *first = &w->items[s->first_item];
        char plan_id[SB_ID_MAX + 8], id[SB_ID_MAX];
        rc_id(st, RC_PLAN, (uint64_t)st->price_plan[first->price], id);
        snprintf(plan_id, sizeof plan_id, "%s/%s", id, cur->code);
        sub_item(j, st, plan_id, NULL, first->quantity, w->prices[first->price].unit_amount, cur, &d);
        for (uint32_t k = 1; k < s->n_items; k++) {
            const w_item *it = &w->items[s->first_item + k];
            rc_id(st, RC_ADDON, s->first_item + k, id);
            sub_item(j, st, NULL, id, it->quantity, w->prices[it->price].unit_amount, cur, &d);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(rows);
}

/* Recurly's invoice state -> status. */
static const char *invoice_status(int state)
{
    switch (state) {
    case RC_INV_PAID: return "paid";
    case RC_INV_FAILED: return "uncollectible";
    case RC_INV_VOIDED: return "void";
    default: return "open"; /* pending, past_due */
    }
}

static void write_line(sb_json *j, const rc_state *st, size_t i)
{
    const w_line *l = &st->w->lines[i];
    const w_currency *cur = &w_currencies[st->w->invoices[l->invoice].ccy];
    rc_line_view lv;
    rc_line_view_of(st, i, &lv);
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "invoice_line");
    kid(j, "id", st, RC_LINE, i);
    sbj_kstr(j, "kind", lv.prorated ? "proration" : !strcmp(lv.origin, "one_time") ? "one_off" : "subscription");
    if (lv.plan >= 0 && !strcmp(lv.origin, "plan")) {
        char id[SB_ID_MAX], plan_id[SB_ID_MAX + 8];
        rc_id(st, RC_PLAN, (uint64_t)lv.plan, id);
        snprintf(plan_id, sizeof plan_id, "%s/%s", id, cur->code);
        sbj_kstr(j, "plan_id", plan_id);
    } else {
        sbj_knull(j, "plan_id");
    }
    sbj_kstr(j, "description", l->description);
    sbj_kint(j, "quantity", lv.quantity);
    sbj_kint(j, "amount", lv.subtotal);
    sbj_kstr(j, "currency", cur->code);
    sbj_kint(j, "currency_exponent", cur->exponent);
    ktime_or_null(j, "period_start", l->period_start);
    ktime_or_null(j, "period_end", l->period_end);
    sbj_kbool(j, "proration", lv.prorated);
    sbj_obj_end(j);
}

static void write_invoices(const void *state, sb_truth_file *o)
{
    const rc_state *st = state;
    const sb_world *w = st->w;
    size_t n;
    row *rows = rows_of(st, &st->lists[RC_L_INVOICES], &n);
    for (size_t i = 0; i < n; i++) {
        uint32_t vi = rows[i].e->index;
        const w_invoice *v = &w->invoices[vi];
        const w_currency *cur = &w_currencies[v->ccy];
        int rstate = st->invoice_state[vi];
        sb_json *j = sb_truth_record(o, "invoice");
        sbj_kstr(j, "id", rows[i].id);
        char number[24];
        snprintf(number, sizeof number, "%d", 1001 + (int)vi);
        sbj_kstr(j, "number", number);
        kid(j, "customer_id", st, RC_ACCOUNT, (uint64_t)v->customer);
        if (v->sub >= 0)
            kid(j, "subscription_id", st, RC_SUB, (uint64_t)v->sub);
        else
            sbj_knull(j, "subscription_id");
        sbj_kstr(j, "status", invoice_status(rstate));
        sbj_kstr(j, "provider_status", rc_invoice_state_names[rstate]);
        sbj_kstr(j, "currency", cur->code);
        sbj_kint(j, "currency_exponent", cur->exponent);
        sbj_kint(j, "subtotal", v->subtotal);
        sbj_kint(j, "discount", v->discount);
        sbj_kint(j, "tax", v->tax);
        sbj_kint(j, "total", v->total);
        sbj_kint(j, "amount_paid", v->amount_paid);
        sbj_kint(j, "amount_due", v->total);
        sbj_ktime(j, "created_at", v->created);
        sbj_ktime(j, "issued_at", v->created);
        ktime_or_null(j, "due_at", v->due_date);
        ktime_or_null(j, "paid_at", rstate == RC_INV_PAID ? rc_invoice_closed_at(st, vi) : 0);
        sbj_knull(j, "voided_at");
        int64_t start = 0, end = 0;
        for (uint32_t k = 0; k < v->n_lines; k++) {
            const w_line *l = &w->lines[v->first_line + k];
            if (l->period_start && (!start || l->period_start < start))
                start = l->period_start;
            if (l->period_end && l->period_end > end)
                end = l->period_end;
        }
        ktime_or_null(j, "period_start", start);
        ktime_or_null(j, "period_end", end);
        sbj_karr(j, "lines");
        for (uint32_t k = 0; k < v->n_lines; k++)
            write_line(j, st, v->first_line + k);
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(rows);
}

/* Recurly's transaction status -> result (docs/providers/recurly.md). */
static const char *result_of(const char *status, int authorization)
{
    if (!strcmp(status, "success") || !strcmp(status, "chargeback"))
        return authorization ? "authorized" : "succeeded";
    if (!strcmp(status, "declined") || !strcmp(status, "error") || !strcmp(status, "void"))
        return "failed";
    if (!strcmp(status, "pending") || !strcmp(status, "processing") || !strcmp(status, "scheduled"))
        return "pending";
    return "other";
}

static void write_transactions(const void *state, sb_truth_file *o)
{
    const rc_state *st = state;
    const sb_world *w = st->w;
    size_t n;
    row *rows = rows_of(st, &st->lists[RC_L_TRANSACTIONS], &n);
    for (size_t i = 0; i < n; i++) {
        const rc_entry *e = rows[i].e;
        int refund = e->kind == RC_REFUND;
        const w_refund *re = refund ? &w->refunds[e->index] : NULL;
        uint32_t pi = refund ? (uint32_t)re->payment : e->index;
        const w_payment *p = &w->payments[pi];
        const w_currency *cur = &w_currencies[p->ccy];
        const char *status = refund ? rc_refund_status(re) : rc_payment_status(p);
        const char *result = result_of(status, !refund && p->uncaptured);
        int sub = !refund && p->invoice >= 0 ? w->invoices[p->invoice].sub : -1;
        int64_t amount = refund ? re->amount : p->amount;
        sb_json *j = sb_truth_record(o, "transaction");
        sbj_kstr(j, "id", rows[i].id);
        kid(j, "customer_id", st, RC_ACCOUNT, (uint64_t)p->customer);
        if (sub >= 0 && st->sub_state[sub] >= 0) /* only subscriptions Recurly shows */
            kid(j, "subscription_id", st, RC_SUB, (uint64_t)sub);
        else
            sbj_knull(j, "subscription_id");
        if (!refund && p->invoice >= 0 && st->invoice_state[p->invoice] >= 0)
            kid(j, "invoice_id", st, RC_INVOICE, (uint64_t)p->invoice);
        else
            sbj_knull(j, "invoice_id");
        sbj_kstr(j, "kind", refund ? "refund" : "payment");
        sbj_kstr(j, "result", result);
        sbj_kstr(j, "provider_status", status);
        sbj_kint(j, "amount", amount);
        sbj_kstr(j, "currency", cur->code);
        sbj_kint(j, "currency_exponent", cur->exponent);
        if (refund)
            sbj_knull(j, "captured_amount");
        else if (!strcmp(result, "pending"))
            sbj_knull(j, "captured_amount");
        else
            sbj_kint(j, "captured_amount", !strcmp(result, "succeeded") ? amount : 0);
        sbj_kintn(j, "refunded_amount", refund, 0);
        sbj_lit(j, "fee_amount: null, net_amount: null");
        if (refund)
            kid(j, "parent_id", st, RC_PURCHASE, pi);
        else
            sbj_knull(j, "parent_id");
        sbj_ktime(j, "occurred_at", e->created);
        sb_truth_record_end(o);
    }
    free(rows);
}

int rc_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec specs[] = {
        {"customers.jsonl", write_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", write_subscriptions},
        {"transactions.jsonl", write_transactions},
        {"invoices.jsonl", write_invoices},
    };
    return sb_truth_write(dir, specs, sizeof specs / sizeof specs[0], state, err, errlen);
}
