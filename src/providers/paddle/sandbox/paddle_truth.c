/* Truth files: what a correct extraction through Paddle's lists gives, normalized as
 * docs/providers/paddle.md says, one record a line, sorted by id. Derived from the world
 * and the module's projection, never from rendered JSON. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle_model.h"
#include "sandbox_truth_file.h"

static void decimal(sb_json *j, const char *key, int64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, v);
    sbj_kstr(j, key, text);
}

static void write_customers(const void *state, sb_truth_file *o)
{
    const pd_state *st = state;
    for (size_t k = 0; k < st->n_order[PD_CUSTOMER]; k++) {
        size_t i = st->order[PD_CUSTOMER][k];
        const w_customer *c = &st->w->customers[i];
        char id[48];
        pd_kind_id(st, PD_CUSTOMER, i, id);
        sb_json *j = sb_truth_record(o, "customer");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "email", c->email);
        sbj_kstr(j, "name", c->name_on_file ? c->display : NULL);
        sbj_knull(j, "country"); /* addresses are a list of their own */
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", 0); /* archived, never deleted */
        sb_truth_record_end(o);
    }
}

/* A free trial in days: the first phase, free and one cycle long, in days or weeks. */
static int trial_days(const w_price *p, int64_t *days)
{
    if (p->n_phases < 1 || p->phases[0].price != 0 || p->phases[0].total != 1)
        return 0;
    if (p->phases[0].unit == W_DAYS)
        *days = p->phases[0].count;
    else if (p->phases[0].unit == W_WEEKS)
        *days = 7 * (int64_t)p->phases[0].count;
    else
        return 0;
    return 1;
}

static void write_plans(const void *state, sb_truth_file *o)
{
    const pd_state *st = state;
    for (size_t k = 0; k < st->n_order[PD_PRICE]; k++) {
        size_t i = st->order[PD_PRICE][k];
        const w_price *p = &st->w->prices[i];
        if (!p->recurring)
            continue; /* one-time prices are not plans */
        const w_product *pr = &st->w->products[p->product];
        char id[48], pro[48];
        int64_t days = 0;
        pd_kind_id(st, PD_PRICE, i, id);
        pd_id(pro, "pro_", pr->created, (uint64_t)p->product);
        sb_json *j = sb_truth_record(o, "plan");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "name", p->nickname && *p->nickname ? p->nickname : pr->name);
        sbj_kstr(j, "product_id", pro);
        sbj_kstr(j, "product_name", pr->name);
        sbj_kint(j, "amount", p->unit_amount);
        decimal(j, "amount_decimal", p->unit_amount);
        sbj_kstr(j, "currency", w_currencies[p->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[p->ccy].exponent);
        sbj_kstr(j, "usage_type", "licensed");
        sbj_knull(j, "tiers_mode");
        sbj_knull(j, "tiers");
        sbj_kbool(j, "custom_amount", 0);
        sbj_knull(j, "custom_amount_minimum");
        sbj_knull(j, "custom_amount_maximum");
        sbj_knull(j, "custom_amount_preset");
        sbj_knull(j, "setup_fee");
        sbj_kstr(j, "interval_unit", w_interval_names[p->interval]);
        sbj_kint(j, "interval_count", p->interval_count);
        sbj_knull(j, "total_cycles");
        int has_trial = trial_days(p, &days);
        sbj_kintn(j, "trial_days", has_trial, days);
        sbj_knull(j, "trial_amount");
        sbj_knull(j, "trial_cycles");
        sbj_kbool(j, "active", !p->archived_at);
        sbj_ktime(j, "created_at", p->created);
        sb_truth_record_end(o);
    }
}

static const char *normalized_sub_status(const char *paddle)
{
    return strcmp(paddle, "canceled") == 0 ? "canceled" : paddle; /* Paddle's words are the model's */
}

static void write_subscriptions(const void *state, sb_truth_file *o)
{
    const pd_state *st = state;
    const sb_world *w = st->w;
    for (size_t k = 0; k < st->n_order[PD_SUB]; k++) {
        size_t i = st->order[PD_SUB][k];
        const w_sub *s = &w->subs[i];
        const w_item *first = &w->items[s->first_item];
        int canceled = s->status == W_SUB_CANCELED;
        int64_t ended = s->ended_at ? s->ended_at : s->canceled_at;
        int64_t from = canceled ? 0 : first->period_start, to = canceled ? 0 : first->period_end;
        int64_t cancel_at = canceled ? 0 : s->cancel_at ? s->cancel_at : s->cancel_at_period_end ? first->period_end : 0;
        int trial = s->trial_start && s->trial_end;
        char id[48], ref[48];
        pd_kind_id(st, PD_SUB, i, id);
        pd_kind_id(st, PD_CUSTOMER, (size_t)s->customer, ref);
        sb_json *j = sb_truth_record(o, "subscription");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "customer_id", ref);
        sbj_kstr(j, "status", normalized_sub_status(pd_sub_status(s)));
        sbj_kstr(j, "provider_status", pd_sub_status(s));
        sbj_ktime(j, "started_at", s->start_date);
        sbj_ktime(j, "current_period_start", from && to ? from : 0);
        sbj_ktime(j, "current_period_end", from && to ? to : 0);
        sbj_ktime(j, "trial_start", trial ? s->trial_start : 0);
        sbj_ktime(j, "trial_end", trial ? s->trial_end : 0);
        sbj_ktime(j, "canceled_at", canceled ? ended : 0);
        sbj_kbool(j, "cancel_at_period_end", cancel_at && from && to && cancel_at == to);
        sbj_ktime(j, "cancel_at", cancel_at);
        sbj_ktime(j, "ended_at", canceled ? ended : 0);
        sbj_knull(j, "paused");
        sbj_knull(j, "pause_behavior");
        sbj_knull(j, "resumes_at");
        sbj_knull(j, "discounts");
        sbj_ktime(j, "created_at", s->created);
        sbj_karr(j, "items");
        for (uint32_t n = 0; n < s->n_items; n++) {
            const w_item *it = &w->items[s->first_item + n];
            const w_price *p = &w->prices[it->price];
            int same = p->ccy == s->ccy;
            char pid[48];
            pd_kind_id(st, PD_PRICE, (size_t)it->price, pid);
            sbj_obj_begin(j);
            sbj_kstr(j, "object", "subscription_item");
            sbj_knull(j, "id");
            sbj_kstr(j, "plan_id", pid);
            sbj_kint(j, "quantity", it->quantity >= 0 ? it->quantity : 1);
            sbj_kstr(j, "usage_type", "licensed");
            sbj_kintn(j, "amount", same, p->unit_amount);
            if (same)
                decimal(j, "amount_decimal", p->unit_amount);
            else
                sbj_knull(j, "amount_decimal");
            sbj_kstr(j, "currency", w_currencies[s->ccy].code);
            sbj_kint(j, "currency_exponent", w_currencies[s->ccy].exponent);
            sbj_ktime(j, "current_period_start", from && to ? from : 0);
            sbj_ktime(j, "current_period_end", from && to ? to : 0);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
}

static const char *invoice_status(const char *paddle)
{
    return !strcmp(paddle, "completed") ? "paid" : !strcmp(paddle, "canceled") ? "void" : "open";
}

/* paid_at: the newest captured payment's capture (payments[] newest first). */
static int64_t paid_at(const pd_state *st, const pd_txn *x)
{
    for (uint32_t k = 0; k < x->n_payments; k++) {
        const w_payment *p = &st->w->payments[st->txn_payments[x->first_payment + k]];
        if (!strcmp(pd_attempt_status(p), "captured"))
            return p->created;
    }
    return 0;
}

static void write_invoices(const void *state, sb_truth_file *o)
{
    const pd_state *st = state;
    const sb_world *w = st->w;
    for (size_t t = 0; t < st->n_txns; t++) {
        const pd_txn *x = &st->txns[t];
        const w_invoice *inv = &w->invoices[x->invoice];
        const char *code = w_currencies[inv->ccy].code;
        int exponent = w_currencies[inv->ccy].exponent, sub = inv->sub >= 0;
        int64_t bp_from = sub && inv->period_start && inv->period_end ? inv->period_start : 0;
        int64_t bp_to = bp_from ? inv->period_end : 0, lo = 0, hi = 0;
        char id[48], ref[48], number[32];
        pd_kind_id(st, PD_TXN, t, id);
        pd_invoice_number(st, x->invoice, number);
        for (uint32_t k = 0; k < inv->n_lines; k++) {
            const w_line *l = &w->lines[inv->first_line + k];
            int64_t a = l->kind == W_LINE_PRORATION ? l->period_start : bp_from;
            int64_t b = l->kind == W_LINE_PRORATION ? l->period_end : bp_to;
            if (a && (!lo || a < lo))
                lo = a;
            if (b && (!hi || b > hi))
                hi = b;
        }
        sb_json *j = sb_truth_record(o, "invoice");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "number", number);
        pd_kind_id(st, PD_CUSTOMER, (size_t)inv->customer, ref);
        sbj_kstr(j, "customer_id", ref);
        if (sub)
            pd_kind_id(st, PD_SUB, (size_t)inv->sub, ref);
        sbj_kstr(j, "subscription_id", sub ? ref : NULL);
        sbj_kstr(j, "status", invoice_status(pd_txn_status(inv)));
        sbj_kstr(j, "provider_status", pd_txn_status(inv));
        sbj_kstr(j, "currency", code);
        sbj_kint(j, "currency_exponent", exponent);
        sbj_kint(j, "subtotal", inv->subtotal);
        sbj_kint(j, "discount", inv->discount);
        sbj_kint(j, "tax", inv->tax);
        sbj_kint(j, "total", inv->total);
        sbj_kint(j, "amount_paid", inv->amount_paid);
        sbj_kint(j, "amount_due", inv->total);
        sbj_ktime(j, "created_at", inv->created);
        sbj_ktime(j, "issued_at", inv->finalized_at);
        sbj_knull(j, "due_at");
        sbj_ktime(j, "paid_at", paid_at(st, x));
        sbj_knull(j, "voided_at");
        sbj_ktime(j, "period_start", lo);
        sbj_ktime(j, "period_end", hi);
        sbj_karr(j, "lines");
        for (uint32_t k = 0; k < inv->n_lines; k++) {
            size_t li = inv->first_line + k;
            const w_line *l = &w->lines[li];
            int prorated = l->kind == W_LINE_PRORATION;
            char lid[48], pid[48];
            pd_id(lid, "txnitm_", inv->created, li);
            pd_line_price_id(st, li, pid);
            sbj_obj_begin(j);
            sbj_kstr(j, "object", "invoice_line");
            sbj_kstr(j, "id", lid);
            sbj_kstr(j, "kind", prorated ? "proration" : sub ? "subscription" : "one_off");
            sbj_kstr(j, "plan_id", pid);
            sbj_kstr(j, "description", l->description);
            sbj_kint(j, "quantity", l->quantity >= 0 ? l->quantity : 1);
            sbj_kint(j, "amount", pd_line_subtotal(l));
            sbj_kstr(j, "currency", code);
            sbj_kint(j, "currency_exponent", exponent);
            sbj_ktime(j, "period_start", prorated ? l->period_start : bp_from);
            sbj_ktime(j, "period_end", prorated ? l->period_end : bp_to);
            sbj_kbool(j, "proration", prorated);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
}

/* Transactions mix attempts (UUIDs) and adjustments (adj_…): sorted by id here. */
typedef struct txn_row {
    char id[48];
    int adj;
    uint32_t index, txn;
} txn_row;

static int row_cmp(const void *a, const void *b)
{
    return strcmp(((const txn_row *)a)->id, ((const txn_row *)b)->id);
}

static void common(sb_json *j, const pd_state *st, const pd_txn *x, size_t t, const char *kind)
{
    const w_invoice *inv = &st->w->invoices[x->invoice];
    char ref[48];
    pd_kind_id(st, PD_CUSTOMER, (size_t)inv->customer, ref);
    sbj_kstr(j, "customer_id", ref);
    if (inv->sub >= 0)
        pd_kind_id(st, PD_SUB, (size_t)inv->sub, ref);
    sbj_kstr(j, "subscription_id", inv->sub >= 0 ? ref : NULL);
    pd_kind_id(st, PD_TXN, t, ref);
    sbj_kstr(j, "invoice_id", ref);
    sbj_kstr(j, "kind", kind);
}

static const char *attempt_result(const char *s)
{
    return !strcmp(s, "captured") ? "succeeded" : !strcmp(s, "authorized") ? "authorized"
           : !strcmp(s, "error")  ? "failed"
                                  : "pending";
}

static const char *adj_result(const char *s)
{
    return !strcmp(s, "approved") ? "succeeded" : !strcmp(s, "rejected") ? "failed" : "pending";
}

static void write_row(const pd_state *st, const txn_row *r, sb_truth_file *o)
{
    const sb_world *w = st->w;
    const pd_txn *x = &st->txns[r->txn];
    const w_invoice *inv = &w->invoices[x->invoice];
    sb_json *j = sb_truth_record(o, "transaction");
    sbj_kstr(j, "id", r->id);
    if (!r->adj) {
        const w_payment *p = &w->payments[r->index];
        const char *status = pd_attempt_status(p);
        common(j, st, x, r->txn, "payment");
        sbj_kstr(j, "result", attempt_result(status));
        sbj_kstr(j, "provider_status", status);
        sbj_kint(j, "amount", p->amount);
        sbj_kstr(j, "currency", w_currencies[inv->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[inv->ccy].exponent);
        sbj_kint(j, "captured_amount", strcmp(status, "captured") ? 0 : p->amount);
        sbj_knull(j, "refunded_amount");
        sbj_knull(j, "fee_amount");
        sbj_knull(j, "net_amount");
        sbj_knull(j, "parent_id");
        sbj_ktime(j, "occurred_at", p->created);
    } else {
        const pd_adj *a = &st->adjs[r->index];
        const w_payment *p = a->chargeback ? &w->payments[a->index] : &w->payments[w->refunds[a->index].payment];
        const char *status = a->chargeback ? "approved" : pd_refund_status(&w->refunds[a->index]);
        char parent[48];
        pd_kind_id(st, PD_TXN, r->txn, parent);
        common(j, st, x, r->txn, a->chargeback ? "chargeback" : "refund");
        sbj_kstr(j, "result", adj_result(status));
        sbj_kstr(j, "provider_status", status);
        sbj_kint(j, "amount", a->chargeback ? p->amount : w->refunds[a->index].amount);
        sbj_kstr(j, "currency", w_currencies[p->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[p->ccy].exponent);
        sbj_knull(j, "captured_amount");
        sbj_kintn(j, "refunded_amount", !a->chargeback, 0);
        sbj_knull(j, "fee_amount");
        sbj_knull(j, "net_amount");
        sbj_kstr(j, "parent_id", parent);
        sbj_ktime(j, "occurred_at", a->created);
    }
    sb_truth_record_end(o);
}

static void write_transactions(const void *state, sb_truth_file *o)
{
    const pd_state *st = state;
    size_t n = 0;
    for (size_t t = 0; t < st->n_txns; t++)
        n += st->txns[t].n_payments;
    txn_row *rows = sb_xcalloc(n + st->n_adjs + 1, sizeof *rows);
    n = 0;
    for (size_t t = 0; t < st->n_txns; t++)
        for (uint32_t k = 0; k < st->txns[t].n_payments; k++) {
            txn_row *r = &rows[n++];
            r->index = st->txn_payments[st->txns[t].first_payment + k];
            r->txn = (uint32_t)t;
            pd_attempt_id(st, r->index, r->id);
        }
    for (size_t a = 0; a < st->n_adjs; a++) {
        txn_row *r = &rows[n++];
        r->adj = 1;
        r->index = (uint32_t)a;
        r->txn = st->adjs[a].txn;
        pd_kind_id(st, PD_ADJ, a, r->id);
    }
    qsort(rows, n, sizeof *rows, row_cmp);
    for (size_t k = 0; k < n; k++)
        write_row(st, &rows[k], o);
    free(rows);
}

int pd_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec specs[] = {
        {"customers.jsonl", write_customers},         {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", write_subscriptions}, {"invoices.jsonl", write_invoices},
        {"transactions.jsonl", write_transactions},
    };
    return sb_truth_write(dir, specs, sizeof specs / sizeof specs[0], state, err, errlen);
}
