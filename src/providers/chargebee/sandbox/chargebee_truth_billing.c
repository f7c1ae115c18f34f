/* Truth files of invoices and transactions: normalized as docs/providers/chargebee.md
 * says, from the world and the module's view of it, never from rendered JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"
#include "sandbox_truth_file.h"

static const char *normalized_invoice_status(const char *s)
{
    static const char *const map[][2] = {
        {"pending", "draft"}, {"posted", "open"},  {"payment_due", "open"},
        {"not_paid", "uncollectible"}, {"paid", "paid"}, {"voided", "void"},
    };
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++)
        if (strcmp(s, map[k][0]) == 0)
            return map[k][1];
    return "other";
}

static void write_invoice_line(const cb_state *st, const w_invoice *v, uint32_t li, sb_json *j)
{
    const sb_world *w = st->w;
    const w_line *l = &w->lines[li];
    const char *entity = cb_line_entity(st, l);
    char id[32], ip[64];
    snprintf(id, sizeof id, "li_%07u", li);
    if (l->price >= 0)
        cb_item_price_id(st, l->price, ip);
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "invoice_line");
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "kind", strstr(entity, "charge") || strcmp(entity, "adhoc") == 0 ? "one_off" : "subscription");
    sbj_kstr(j, "plan_id", l->price >= 0 ? ip : NULL);
    sbj_kstr(j, "description", l->description);
    sbj_kintn(j, "quantity", l->quantity >= 0, l->quantity);
    sbj_kint(j, "amount", l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0));
    sbj_kstr(j, "currency", w_currencies[v->ccy].code);
    sbj_kint(j, "currency_exponent", w_currencies[v->ccy].exponent);
    sbj_ktime(j, "period_start", l->period_start);
    sbj_ktime(j, "period_end", l->period_end);
    sbj_kbool(j, "proration", 0); /* Chargebee does not flag prorations */
    sbj_obj_end(j);
}

void cb_truth_invoices(const void *state, sb_truth_file *o)
{
    const cb_state *st = state;
    const sb_world *w = st->w;
    for (size_t i = 0; i < w->n_invoices; i++) { /* INV-<number>: id order */
        const w_invoice *v = &w->invoices[i];
        if (v->deleted_at || cb_hidden(st, CB_INVOICE, i, st->truth_after))
            continue;
        int64_t ps = 0, pe = 0, subtotal = 0, discount = 0;
        for (uint32_t k = 0; k < v->n_lines; k++) {
            const w_line *l = &w->lines[v->first_line + k];
            if (l->period_start && (!ps || l->period_start < ps))
                ps = l->period_start;
            if (l->period_end && (!pe || l->period_end > pe))
                pe = l->period_end;
            subtotal += l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
            discount += l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
        }
        const char *status = cb_invoice_status(st, i);
        char id[SB_ID_MAX];
        sb_json *j = sb_truth_record(o, "invoice");
        cb_invoice_id(i, id);
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "number", id);
        cb_id(st, CB_CUSTOMER, (uint64_t)v->customer, id);
        sbj_kstr(j, "customer_id", id);
        if (v->sub >= 0)
            cb_id(st, CB_SUB, (uint64_t)v->sub, id);
        sbj_kstr(j, "subscription_id", v->sub >= 0 ? id : NULL);
        sbj_kstr(j, "status", normalized_invoice_status(status));
        sbj_kstr(j, "provider_status", status);
        sbj_kstr(j, "currency", w_currencies[v->ccy].code);
        sbj_kint(j, "currency_exponent", w_currencies[v->ccy].exponent);
        sbj_kint(j, "subtotal", subtotal);
        sbj_kint(j, "discount", discount);
        sbj_kint(j, "tax", v->tax);
        sbj_kint(j, "total", v->total);
        sbj_kint(j, "amount_paid", v->amount_paid);
        sbj_kint(j, "amount_due", v->total); /* no credits applied in the world */
        sbj_ktime(j, "created_at", v->created);
        sbj_ktime(j, "issued_at", v->finalized_at);
        sbj_ktime(j, "due_at", v->due_date);
        sbj_ktime(j, "paid_at", v->paid_at);
        sbj_ktime(j, "voided_at", v->voided_at);
        sbj_ktime(j, "period_start", ps);
        sbj_ktime(j, "period_end", pe);
        sbj_karr(j, "lines");
        for (uint32_t k = 0; k < v->n_lines; k++)
            write_invoice_line(st, v, v->first_line + k, j);
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
}

static void txn_common(const cb_state *st, sb_json *j, const cb_txn *t, const w_payment *p, int with_sub)
{
    const sb_world *w = st->w;
    char id[SB_ID_MAX];
    cb_txn_id(st, t->source, t->index, id);
    sbj_kstr(j, "id", id);
    if (p->customer >= 0)
        cb_id(st, CB_CUSTOMER, (uint64_t)p->customer, id);
    sbj_kstr(j, "customer_id", p->customer >= 0 ? id : NULL);
    int sub = with_sub && p->invoice >= 0 ? w->invoices[p->invoice].sub : -1;
    if (sub >= 0)
        cb_id(st, CB_SUB, (uint64_t)sub, id);
    sbj_kstr(j, "subscription_id", sub >= 0 ? id : NULL);
}

typedef struct txn_key {
    char id[SB_ID_MAX];
    uint32_t t;
} txn_key;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const txn_key *)a)->id, ((const txn_key *)b)->id);
}

/* The transactions in id order (three id styles: sorted by their text). Caller frees. */
static uint32_t *txns_by_id(const cb_state *st)
{
    txn_key *keys = sb_xcalloc(st->n_txns ? st->n_txns : 1, sizeof *keys);
    uint32_t *order = sb_xcalloc(st->n_txns ? st->n_txns : 1, sizeof *order);
    for (size_t t = 0; t < st->n_txns; t++) {
        cb_txn_id(st, st->txns[t].source, st->txns[t].index, keys[t].id);
        keys[t].t = (uint32_t)t;
    }
    qsort(keys, st->n_txns, sizeof *keys, by_key);
    for (size_t t = 0; t < st->n_txns; t++)
        order[t] = keys[t].t;
    free(keys);
    return order;
}

void cb_truth_transactions(const void *state, sb_truth_file *o)
{
    const cb_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = txns_by_id(st);
    for (size_t k = 0; k < st->n_txns; k++) {
        size_t t = order[k];
        const cb_txn *x = &st->txns[t];
        if (cb_hidden(st, CB_TXN, t, st->truth_after))
            continue;
        char id[SB_ID_MAX];
        sb_json *j = sb_truth_record(o, "transaction");
        if (x->source == CB_TXN_PAYMENT) {
            const w_payment *p = &w->payments[x->index];
            txn_common(st, j, x, p, 1);
            if (p->invoice >= 0)
                cb_invoice_id((size_t)p->invoice, id);
            sbj_kstr(j, "invoice_id", p->invoice >= 0 ? id : NULL);
            sbj_kstr(j, "kind", "payment");
            const char *result = p->status == W_PAY_PENDING ? "pending" : p->status == W_PAY_FAILED ? "failed"
                                 : p->uncaptured                 ? "authorized"
                                                                 : "succeeded";
            sbj_kstr(j, "result", result);
            sbj_kstr(j, "provider_status", p->status == W_PAY_SUCCEEDED ? "success"
                                           : p->status == W_PAY_PENDING ? "in_progress"
                                                                        : "failure");
            sbj_kint(j, "amount", p->amount);
            sbj_kstr(j, "currency", w_currencies[p->ccy].code);
            sbj_kint(j, "currency_exponent", w_currencies[p->ccy].exponent);
            /* an authorization: nothing captured yet; a payment: all of it unless it failed */
            sbj_kint(j, "captured_amount", p->uncaptured || p->status == W_PAY_FAILED ? 0 : p->amount);
            int64_t refunded = p->dispute == W_DISPUTE_CHARGEBACK ? p->amount : 0;
            for (uint32_t r = 0; r < p->n_refunds; r++) {
                const w_refund *rf = &w->refunds[w->payment_refunds[p->first_refund + r]];
                refunded += rf->status == W_RE_SUCCEEDED ? rf->amount : 0;
            }
            sbj_kint(j, "refunded_amount", refunded);
            sbj_lit(j, "fee_amount: null, net_amount: null, parent_id: null");
            sbj_ktime(j, "occurred_at", p->created);
        } else {
            int chargeback = x->source == CB_TXN_CHARGEBACK;
            const w_refund *r = chargeback ? NULL : &w->refunds[x->index];
            size_t payment = chargeback ? x->index : (size_t)r->payment;
            const w_payment *p = &w->payments[payment];
            static const char *const results[] = {[W_RE_SUCCEEDED] = "succeeded", [W_RE_PENDING] = "pending",
                                                  [W_RE_FAILED] = "failed", [W_RE_CANCELED] = "failed",
                                                  [W_RE_REQUIRES_ACTION] = "other"};
            static const char *const statuses[] = {[W_RE_SUCCEEDED] = "success", [W_RE_PENDING] = "in_progress",
                                                   [W_RE_FAILED] = "failure", [W_RE_CANCELED] = "voided",
                                                   [W_RE_REQUIRES_ACTION] = "needs_attention"};
            txn_common(st, j, x, p, !chargeback);
            sbj_knull(j, "invoice_id");
            sbj_kstr(j, "kind", chargeback ? "chargeback" : "refund");
            sbj_kstr(j, "result", chargeback ? "succeeded" : results[r->status]);
            sbj_kstr(j, "provider_status", chargeback ? "success" : statuses[r->status]);
            sbj_kint(j, "amount", chargeback ? p->amount : r->amount);
            sbj_kstr(j, "currency", w_currencies[p->ccy].code);
            sbj_kint(j, "currency_exponent", w_currencies[p->ccy].exponent);
            sbj_knull(j, "captured_amount");
            sbj_kintn(j, "refunded_amount", !chargeback, 0);
            sbj_lit(j, "fee_amount: null, net_amount: null");
            cb_txn_id(st, CB_TXN_PAYMENT, (uint32_t)payment, id);
            sbj_kstr(j, "parent_id", id);
            sbj_ktime(j, "occurred_at", x->date);
        }
        sb_truth_record_end(o);
    }
    free(order);
}
