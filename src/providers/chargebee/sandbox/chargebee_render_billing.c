/* Invoices (with line items and discounts) and transactions (payments, authorizations,
 * refunds, chargebacks) as Chargebee's lists show them. */
#include <stdio.h>
#include <string.h>

#include "chargebee_model.h"

static void render_line(const cb_state *st, const w_invoice *v, uint32_t li, sb_json *j)
{
    const sb_world *w = st->w;
    const w_line *l = &w->lines[li];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    snprintf(id, sizeof id, "li_%07u", li);
    sbj_kstr(j, "id", id);
    if (l->period_start)
        sbj_kint(j, "date_from", l->period_start);
    if (l->period_end)
        sbj_kint(j, "date_to", l->period_end);
    if (l->price >= 0 && w->prices[l->price].unit_amount >= 0)
        sbj_kint(j, "unit_amount", w->prices[l->price].unit_amount);
    if (l->quantity >= 0)
        sbj_kint(j, "quantity", l->quantity);
    sbj_kint(j, "amount", l->amount);
    sbj_kbool(j, "is_taxed", l->tax != 0);
    sbj_kint(j, "tax_amount", l->tax);
    sbj_kint(j, "discount_amount", l->discount);
    sbj_kint(j, "item_level_discount_amount", l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
    sbj_kstr(j, "description", l->description);
    sbj_kstr(j, "entity_type", cb_line_entity(st, l));
    if (l->price >= 0) {
        char ip[64];
        cb_item_price_id(st, l->price, ip);
        sbj_kstr(j, "entity_id", ip);
    }
    if (v->sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)v->sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
    cb_id(st, CB_CUSTOMER, (uint64_t)v->customer, id);
    sbj_kstr(j, "customer_id", id);
    sbj_kstr(j, "object", "line_item");
    sbj_obj_end(j);
}

static void discount(sb_json *j, int64_t amount, const char *type, const char *id)
{
    if (!amount)
        return;
    sbj_obj_begin(j);
    sbj_kint(j, "amount", amount);
    sbj_kstr(j, "description", id);
    sbj_kstr(j, "entity_type", type);
    sbj_kstr(j, "entity_id", id);
    sbj_kstr(j, "object", "discount");
    sbj_obj_end(j);
}

void cb_render_invoice(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_invoice *v = &w->invoices[i];
    const char *status = cb_invoice_status(st, i);
    char id[SB_ID_MAX];
    int64_t sub_total = 0, intro = 0, coupon = 0;
    for (uint32_t k = 0; k < v->n_lines; k++) {
        const w_line *l = &w->lines[v->first_line + k];
        sub_total += l->amount;
        intro += l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0;
        coupon += l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
    }
    int due = strcmp(status, "payment_due") == 0 || strcmp(status, "posted") == 0 || strcmp(status, "not_paid") == 0;
    sbj_obj_begin(j);
    cb_invoice_id(i, id);
    sbj_kstr(j, "id", id);
    cb_id(st, CB_CUSTOMER, (uint64_t)v->customer, id);
    sbj_kstr(j, "customer_id", id);
    if (v->sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)v->sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
    sbj_kbool(j, "recurring", v->sub >= 0);
    sbj_kstr(j, "status", status);
    sbj_kstr(j, "price_type", v->tax_inclusive ? "tax_inclusive" : "tax_exclusive");
    sbj_kint(j, "date", v->created);
    cb_kts(j, "due_date", v->due_date);
    sbj_kint(j, "net_term_days", 0);
    sbj_kstr(j, "currency_code", w_currencies[v->ccy].code);
    sbj_kint(j, "total", v->total);
    sbj_kint(j, "amount_paid", v->amount_paid);
    sbj_kint(j, "amount_adjusted", 0);
    sbj_kint(j, "write_off_amount", 0);
    sbj_kint(j, "credits_applied", 0);
    sbj_kint(j, "amount_due", due ? v->total - v->amount_paid : 0);
    cb_kts(j, "paid_at", v->paid_at);
    cb_kts(j, "voided_at", v->voided_at);
    cb_kts(j, "generated_at", v->finalized_at);
    sbj_kint(j, "updated_at", v->updated);
    sbj_kint(j, "resource_version", v->updated * 1000);
    sbj_kbool(j, "deleted", v->deleted_at != 0);
    sbj_kstr(j, "object", "invoice");
    sbj_kint(j, "sub_total", sub_total);
    sbj_kint(j, "tax", v->tax);
    sbj_karr(j, "line_items");
    for (uint32_t k = 0; k < v->n_lines; k++)
        render_line(st, v, v->first_line + k, j);
    sbj_arr_end(j);
    sbj_karr(j, "discounts");
    discount(j, intro, "item_level_coupon", "INTRO");
    discount(j, coupon, "document_level_coupon", "COUPON");
    sbj_arr_end(j);
    sbj_obj_end(j);
}

static const char *payment_status(const w_payment *p)
{
    return p->status == W_PAY_SUCCEEDED ? "success" : p->status == W_PAY_PENDING ? "in_progress" : "failure";
}

static const char *refund_status(const w_refund *r)
{
    static const char *const names[] = {[W_RE_SUCCEEDED] = "success", [W_RE_PENDING] = "in_progress",
                                        [W_RE_FAILED] = "failure", [W_RE_CANCELED] = "voided",
                                        [W_RE_REQUIRES_ACTION] = "needs_attention"};
    return names[r->status];
}

static void linked(const cb_state *st, sb_json *j, const char *status, int source, uint32_t index, int64_t date,
                   int64_t amount)
{
    char id[SB_ID_MAX];
    cb_txn_id(st, source, index, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "txn_id", id);
    sbj_kstr(j, "txn_status", status);
    sbj_kint(j, "txn_date", date);
    sbj_kint(j, "txn_amount", amount);
    sbj_obj_end(j);
}

/* The members a payment's transactions share: its customer and subscription. */
static void parties(const cb_state *st, const w_payment *p, int with_sub, sb_json *j)
{
    const sb_world *w = st->w;
    char id[SB_ID_MAX];
    if (p->customer >= 0) {
        cb_id(st, CB_CUSTOMER, (uint64_t)p->customer, id);
        sbj_kstr(j, "customer_id", id);
    }
    if (with_sub && p->invoice >= 0 && w->invoices[p->invoice].sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)w->invoices[p->invoice].sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
}

void cb_render_transaction(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const cb_txn *t = &st->txns[i];
    const w_payment *p = &w->payments[t->source == CB_TXN_REFUND ? (uint32_t)w->refunds[t->index].payment : t->index];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    cb_txn_id(st, t->source, t->index, id);
    sbj_kstr(j, "id", id);
    parties(st, p, t->source != CB_TXN_CHARGEBACK, j);
    sbj_kstr(j, "payment_method", t->source == CB_TXN_CHARGEBACK ? "chargeback" : p->bank ? "direct_debit" : "card");
    sbj_kstr(j, "currency_code", w_currencies[p->ccy].code);
    sbj_kint(j, "date", t->date);
    if (t->source == CB_TXN_PAYMENT) {
        sbj_kstr(j, "type", p->uncaptured ? "authorization" : "payment");
        sbj_kint(j, "amount", p->amount);
        sbj_kstr(j, "status", payment_status(p));
        if (p->uncaptured)
            sbj_kint(j, "amount_capturable", p->amount);
        if (p->failure)
            sbj_kstr(j, "error_code", p->failure == W_FAIL_FUNDS ? "insufficient_funds" : "card_declined");
        sbj_karr(j, "linked_invoices");
        if (p->invoice >= 0) {
            const w_invoice *v = &w->invoices[p->invoice];
            sbj_obj_begin(j);
            cb_invoice_id((size_t)p->invoice, id);
            sbj_kstr(j, "invoice_id", id);
            sbj_kint(j, "applied_amount", p->amount);
            sbj_kint(j, "applied_at", p->created);
            sbj_kint(j, "invoice_date", v->created);
            sbj_kint(j, "invoice_total", v->total);
            sbj_kstr(j, "invoice_status", cb_invoice_status(st, (size_t)p->invoice));
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sbj_karr(j, "linked_refunds");
        for (uint32_t k = 0; k < p->n_refunds; k++) {
            uint32_t r = w->payment_refunds[p->first_refund + k];
            linked(st, j, refund_status(&w->refunds[r]), CB_TXN_REFUND, r, w->refunds[r].created,
                   w->refunds[r].amount);
        }
        if (p->dispute == W_DISPUTE_CHARGEBACK)
            linked(st, j, "success", CB_TXN_CHARGEBACK, t->index, p->disputed_at, p->amount);
        sbj_arr_end(j);
    } else if (t->source == CB_TXN_REFUND) {
        const w_refund *r = &w->refunds[t->index];
        sbj_kstr(j, "type", "refund");
        sbj_kint(j, "amount", r->amount);
        sbj_kstr(j, "status", refund_status(r));
        cb_txn_id(st, CB_TXN_PAYMENT, (uint32_t)r->payment, id);
        sbj_kstr(j, "refunded_txn_id", id);
    } else {
        sbj_kstr(j, "type", "refund");
        sbj_kint(j, "amount", p->amount);
        sbj_kstr(j, "status", "success");
        cb_txn_id(st, CB_TXN_PAYMENT, t->index, id);
        sbj_kstr(j, "refunded_txn_id", id);
    }
    sbj_kint(j, "updated_at", t->updated);
    sbj_kint(j, "resource_version", t->updated * 1000);
    sbj_kbool(j, "deleted", 0);
    sbj_kstr(j, "object", "transaction");
    sbj_obj_end(j);
}
