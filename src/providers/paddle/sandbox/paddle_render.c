/* Records in Paddle Billing's shapes (the spec's customer, price, product, subscription,
 * transaction and adjustment entities; members billtap does not read are kept where they
 * are cheap, so that a client sees Paddle's objects). Money is an integer string in the
 * currency's smallest unit (JPY and KRW whole units). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "paddle_model.h"

static void money(sb_json *j, const char *key, int64_t v)
{
    char text[24];
    snprintf(text, sizeof text, "%" PRId64, v);
    sbj_kstr(j, key, text);
}

static void unit_price(sb_json *j, const char *key, int64_t v, int ccy)
{
    sbj_kobj(j, key);
    money(j, "amount", v);
    sbj_kstr(j, "currency_code", w_currencies[ccy].code);
    sbj_obj_end(j);
}

/* A customer with these values of its changing members. */
static void customer_as(const pd_state *st, size_t i, const char *name, const char *email, int archived,
                        int64_t updated, sb_json *j)
{
    const w_customer *c = &st->w->customers[i];
    char id[48];
    pd_kind_id(st, PD_CUSTOMER, i, id);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "name", name);
    sbj_kstr(j, "email", email);
    sbj_kbool(j, "marketing_consent", 0);
    /* Paddle cannot delete a customer: a deleted one is archived */
    sbj_kstr(j, "status", archived ? "archived" : "active");
    sbj_knull(j, "custom_data");
    sbj_kstr(j, "locale", "en");
    sbj_ktime(j, "created_at", c->created);
    sbj_ktime(j, "updated_at", updated);
    sbj_knull(j, "import_meta");
}

static void customer(const pd_state *st, size_t i, sb_json *j)
{
    const w_customer *c = &st->w->customers[i];
    customer_as(st, i, c->name_on_file ? c->display : NULL, c->email, c->deleted_at != 0, c->updated, j);
}

void pd_render_customer_as(const pd_state *st, size_t i, const char *name, const char *email, int archived,
                           int64_t updated, sb_json *j)
{
    sbj_obj_begin(j);
    customer_as(st, i, name, email, archived, updated, j);
    sbj_obj_end(j);
}

static void product(const pd_state *st, int pi, sb_json *j)
{
    const w_product *p = &st->w->products[pi];
    char id[48];
    pd_id(id, "pro_", p->created, (uint64_t)pi);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "name", p->name);
    sbj_kstr(j, "tax_category", "standard");
    sbj_kstr(j, "type", "standard");
    sbj_kstr(j, "description", p->description);
    sbj_knull(j, "image_url");
    sbj_knull(j, "custom_data");
    sbj_kstr(j, "status", p->active && !p->deleted ? "active" : "archived");
    sbj_knull(j, "import_meta");
    sbj_ktime(j, "created_at", p->created);
    sbj_ktime(j, "updated_at", p->updated);
}

static void cycle(sb_json *j, const char *key, int unit, int count)
{
    sbj_kobj(j, key);
    sbj_kint(j, "frequency", count);
    sbj_kstr(j, "interval", w_interval_names[unit]);
    sbj_obj_end(j);
}

/* A free first phase of one cycle is Paddle's trial_period; paid trials have no shape. */
static int free_trial(const w_price *p)
{
    return p->n_phases > 0 && p->phases[0].price == 0 && p->phases[0].total == 1;
}

static void price(const pd_state *st, size_t i, int include_product, sb_json *j)
{
    const w_price *p = &st->w->prices[i];
    char id[48], pro[48];
    pd_kind_id(st, PD_PRICE, i, id);
    pd_id(pro, "pro_", st->w->products[p->product].created, (uint64_t)p->product);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "product_id", pro);
    sbj_kstr(j, "description", p->nickname ? p->nickname : st->w->products[p->product].name);
    sbj_kstr(j, "type", "standard");
    sbj_kstr(j, "name", p->nickname);
    if (p->recurring)
        cycle(j, "billing_cycle", p->interval, p->interval_count);
    else
        sbj_knull(j, "billing_cycle");
    if (p->recurring && free_trial(p))
        cycle(j, "trial_period", p->phases[0].unit, p->phases[0].count);
    else
        sbj_knull(j, "trial_period");
    sbj_kstr(j, "tax_mode", p->tax_inclusive ? "internal" : "external");
    unit_price(j, "unit_price", p->unit_amount, p->ccy);
    sbj_kempty_arr(j, "unit_price_overrides");
    sbj_kobj(j, "quantity");
    sbj_kint(j, "minimum", 1);
    sbj_kint(j, "maximum", p->quantity_ok ? 100 : 1);
    sbj_obj_end(j);
    sbj_kstr(j, "status", p->archived_at ? "archived" : "active");
    sbj_knull(j, "custom_data");
    sbj_knull(j, "import_meta");
    sbj_ktime(j, "created_at", p->created);
    sbj_ktime(j, "updated_at", p->updated);
    if (include_product) {
        sbj_kobj(j, "product");
        product(st, p->product, j);
        sbj_obj_end(j);
    }
}

static void period(sb_json *j, const char *key, int64_t from, int64_t to)
{
    if (!from || !to) {
        sbj_knull(j, key);
        return;
    }
    sbj_kobj(j, key);
    sbj_ktime(j, "starts_at", from);
    sbj_ktime(j, "ends_at", to);
    sbj_obj_end(j);
}

static void subscription(const pd_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const w_item *first = &w->items[s->first_item];
    const w_price *fp = &w->prices[first->price];
    int canceled = s->status == W_SUB_CANCELED;
    int64_t ended = s->ended_at ? s->ended_at : s->canceled_at;
    char id[48], cus[48];
    pd_kind_id(st, PD_SUB, i, id);
    pd_kind_id(st, PD_CUSTOMER, (size_t)s->customer, cus);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "status", pd_sub_status(s));
    sbj_kstr(j, "customer_id", cus);
    sbj_knull(j, "business_id");
    sbj_kstr(j, "currency_code", w_currencies[s->ccy].code);
    sbj_ktime(j, "created_at", s->created);
    sbj_ktime(j, "updated_at", s->updated);
    sbj_ktime(j, "started_at", s->start_date);
    sbj_ktime(j, "first_billed_at", s->anchor);
    sbj_ktime(j, "next_billed_at", canceled ? 0 : first->period_end);
    sbj_knull(j, "paused_at");
    sbj_ktime(j, "canceled_at", canceled ? ended : 0);
    sbj_kstr(j, "collection_mode", "automatic");
    sbj_knull(j, "billing_details");
    period(j, "current_billing_period", canceled ? 0 : first->period_start, canceled ? 0 : first->period_end);
    cycle(j, "billing_cycle", fp->interval, fp->interval_count);
    /* a cancellation asked for and not yet effective */
    int64_t cancel_at = canceled ? 0 : s->cancel_at ? s->cancel_at : s->cancel_at_period_end ? first->period_end : 0;
    if (cancel_at) {
        sbj_kobj(j, "scheduled_change");
        sbj_kstr(j, "action", "cancel");
        sbj_ktime(j, "effective_at", cancel_at);
        sbj_knull(j, "resume_at");
        sbj_obj_end(j);
    } else {
        sbj_knull(j, "scheduled_change");
    }
    sbj_karr(j, "items");
    for (uint32_t k = 0; k < s->n_items; k++) {
        const w_item *it = &w->items[s->first_item + k];
        sbj_obj_begin(j);
        sbj_kstr(j, "status", "active");
        sbj_kint(j, "quantity", it->quantity >= 0 ? it->quantity : 1);
        sbj_kbool(j, "recurring", 1);
        sbj_ktime(j, "created_at", it->created);
        sbj_ktime(j, "updated_at", s->updated);
        sbj_ktime(j, "previously_billed_at", it->period_start);
        sbj_ktime(j, "next_billed_at", canceled ? 0 : it->period_end);
        period(j, "trial_dates", s->trial_start, s->trial_end);
        sbj_kobj(j, "price");
        price(st, (size_t)it->price, 0, j);
        sbj_obj_end(j);
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
}

static void totals(sb_json *j, const char *key, int64_t sub, int64_t discount, int64_t tax, int64_t total)
{
    sbj_kobj(j, key);
    money(j, "subtotal", sub);
    money(j, "discount", discount);
    money(j, "tax", tax);
    money(j, "total", total);
    sbj_obj_end(j);
}

static void attempt(const pd_state *st, size_t p, sb_json *j)
{
    const w_payment *pay = &st->w->payments[p];
    char id[48];
    pd_attempt_id(st, p, id);
    const char *status = pd_attempt_status(pay);
    sbj_obj_begin(j);
    sbj_kstr(j, "payment_attempt_id", id);
    sbj_kstr(j, "stored_payment_method_id", id);
    sbj_knull(j, "payment_method_id");
    money(j, "amount", pay->amount);
    sbj_kstr(j, "status", status);
    sbj_kstr(j, "error_code", pay->failure == W_FAIL_FUNDS ? "insufficient_funds" : pay->failure ? "declined" : NULL);
    sbj_kobj(j, "method_details");
    sbj_kstr(j, "type", pay->bank ? "sepa_debit" : "card");
    sbj_obj_end(j);
    sbj_ktime(j, "created_at", pay->created);
    sbj_ktime(j, "captured_at", strcmp(status, "captured") == 0 ? pay->created : 0);
    sbj_obj_end(j);
}

static void transaction(const pd_state *st, size_t t, sb_json *j)
{
    const sb_world *w = st->w;
    const pd_txn *x = &st->txns[t];
    const w_invoice *inv = &w->invoices[x->invoice];
    char id[48], ref[48], number[32];
    pd_kind_id(st, PD_TXN, t, id);
    pd_invoice_number(st, x->invoice, number);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "status", pd_txn_status(inv));
    pd_kind_id(st, PD_CUSTOMER, (size_t)inv->customer, ref);
    sbj_kstr(j, "customer_id", ref);
    sbj_knull(j, "business_id");
    sbj_knull(j, "custom_data");
    sbj_kstr(j, "origin", inv->sub < 0 ? "api" : inv->reason == W_REASON_CREATE ? "web" : "subscription_recurring");
    if (inv->sub >= 0) {
        pd_kind_id(st, PD_SUB, (size_t)inv->sub, ref);
        sbj_kstr(j, "subscription_id", ref);
    } else {
        sbj_knull(j, "subscription_id");
    }
    sbj_kstr(j, "invoice_number", number);
    sbj_kstr(j, "collection_mode", inv->send ? "manual" : "automatic");
    sbj_knull(j, "discount_id");
    period(j, "billing_period", inv->sub >= 0 ? inv->period_start : 0, inv->sub >= 0 ? inv->period_end : 0);
    sbj_kstr(j, "currency_code", w_currencies[inv->ccy].code);
    sbj_kobj(j, "details");
    sbj_kobj(j, "totals");
    money(j, "subtotal", inv->subtotal);
    money(j, "discount", inv->discount);
    money(j, "tax", inv->tax);
    money(j, "total", inv->total);
    money(j, "credit", 0);
    money(j, "balance", inv->total - inv->amount_paid);
    money(j, "grand_total", inv->total);
    sbj_knull(j, "fee");
    sbj_knull(j, "earnings");
    sbj_kstr(j, "currency_code", w_currencies[inv->ccy].code);
    sbj_obj_end(j);
    sbj_karr(j, "line_items");
    for (uint32_t k = 0; k < inv->n_lines; k++) {
        size_t li = inv->first_line + k;
        const w_line *l = &w->lines[li];
        char lid[48], pid[48];
        pd_id(lid, "txnitm_", inv->created, li);
        pd_line_price_id(st, li, pid);
        int64_t sub = pd_line_subtotal(l), disc = l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
        sbj_obj_begin(j);
        sbj_kstr(j, "id", lid);
        sbj_kstr(j, "price_id", pid);
        sbj_kint(j, "quantity", l->quantity >= 0 ? l->quantity : 1);
        if (l->kind == W_LINE_PRORATION) {
            sbj_kobj(j, "proration");
            sbj_kstr(j, "rate", "1");
            period(j, "billing_period", l->period_start, l->period_end);
            sbj_obj_end(j);
        } else {
            sbj_knull(j, "proration");
        }
        sbj_kstr(j, "tax_rate", "0");
        totals(j, "totals", sub, disc, l->tax, sub - disc + (inv->tax_inclusive ? 0 : l->tax));
        sbj_kobj(j, "product");
        sbj_kstr(j, "name", l->description);
        sbj_obj_end(j);
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
    sbj_obj_end(j);
    sbj_karr(j, "payments");
    for (uint32_t k = 0; k < x->n_payments; k++)
        attempt(st, st->txn_payments[x->first_payment + k], j);
    sbj_arr_end(j);
    sbj_ktime(j, "created_at", inv->created);
    sbj_ktime(j, "updated_at", pd_updated(st, PD_TXN, t));
    sbj_ktime(j, "billed_at", inv->finalized_at);
}

static void adjustment(const pd_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const pd_adj *a = &st->adjs[i];
    const w_invoice *inv = &w->invoices[st->txns[a->txn].invoice];
    const w_payment *pay = a->chargeback ? &w->payments[a->index] : &w->payments[w->refunds[a->index].payment];
    int64_t amount = a->chargeback ? pay->amount : w->refunds[a->index].amount;
    char id[48], ref[48];
    pd_kind_id(st, PD_ADJ, i, id);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "action", a->chargeback ? "chargeback" : "refund");
    sbj_kstr(j, "type", amount == pay->amount ? "full" : "partial");
    pd_kind_id(st, PD_TXN, a->txn, ref);
    sbj_kstr(j, "transaction_id", ref);
    if (inv->sub >= 0) {
        pd_kind_id(st, PD_SUB, (size_t)inv->sub, ref);
        sbj_kstr(j, "subscription_id", ref);
    } else {
        sbj_knull(j, "subscription_id");
    }
    pd_kind_id(st, PD_CUSTOMER, (size_t)inv->customer, ref);
    sbj_kstr(j, "customer_id", ref);
    sbj_kstr(j, "reason", a->chargeback ? "chargeback" : "refund requested by the customer");
    sbj_knull(j, "credit_applied_to_balance");
    sbj_kstr(j, "currency_code", w_currencies[pay->ccy].code);
    sbj_kstr(j, "status", a->chargeback ? "approved" : pd_refund_status(&w->refunds[a->index]));
    sbj_kempty_arr(j, "items");
    sbj_kobj(j, "totals");
    money(j, "subtotal", amount);
    money(j, "tax", 0);
    money(j, "total", amount);
    money(j, "fee", 0);
    money(j, "earnings", 0);
    sbj_kstr(j, "currency_code", w_currencies[pay->ccy].code);
    sbj_obj_end(j);
    sbj_knull(j, "payout_totals");
    sbj_ktime(j, "created_at", a->created);
    sbj_ktime(j, "updated_at", pd_updated(st, PD_ADJ, i));
}

void pd_render_product(const pd_state *st, size_t i, sb_json *j)
{
    sbj_obj_begin(j);
    product(st, (int)i, j);
    sbj_obj_end(j);
}

void pd_render(const pd_state *st, int kind, size_t i, int include_product, sb_json *j)
{
    sbj_obj_begin(j);
    switch (kind) {
    case PD_CUSTOMER: customer(st, i, j); break;
    case PD_PRICE: price(st, i, include_product, j); break;
    case PD_SUB: subscription(st, i, j); break;
    case PD_TXN: transaction(st, i, j); break;
    default: adjustment(st, i, j); break;
    }
    sbj_obj_end(j);
}
