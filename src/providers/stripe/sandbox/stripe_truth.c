/* Truth files: exactly what a correct extraction through the API (pinned to
 * 2025-03-31.basil) can see, in the normalized schema of docs/data-model.md, one record a
 * line, sorted by id. Derived from the world, never from rendered API JSON. */
#include "stripe_truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_json.h"
#include "sandbox_truth_file.h"
#include "stripe_faults.h"
#include "stripe_render.h"

/* Records of a kind in id order (caller frees). */
static uint32_t *by_id(const st_state *st, int kind, size_t n)
{
    return sb_id_order(n, &st->styles[kind], st->w->seed, (unsigned)kind);
}

/* Money members: currency upper case, and Stripe's exponent for it. */
static void money(sb_json *j, int ccy)
{
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", st_currency_exponent(w_currencies[ccy].code));
}

static void kid(sb_json *j, const char *key, const st_state *st, int kind, long long n)
{
    char id[SB_ID_MAX];
    if (n >= 0)
        st_id(st, kind, (uint64_t)n, id);
    sbj_kstr(j, key, n >= 0 ? id : NULL);
}

static void write_customers(const void *state, sb_truth_file *o)
{
    const st_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = by_id(st, ST_CUSTOMER, w->n_customers);
    for (size_t k = 0; k < w->n_customers; k++) {
        const w_customer *c = &w->customers[order[k]];
        if (c->deleted_at || st_hidden(st, ST_CUSTOMER, order[k], st->truth_after))
            continue; /* Stripe never lists deleted customers */
        sb_json *j = sb_truth_record(o, "customer");
        kid(j, "id", st, ST_CUSTOMER, order[k]);
        sbj_kstr(j, "email", c->email);
        sbj_kstr(j, "name", c->name_on_file ? c->display : NULL);
        sbj_kstr(j, "country", c->has_address ? c->country : NULL);
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", 0);
        sb_truth_record_end(o);
    }
    free(order);
}

/* The `tiers` field: the world's two graduated tiers as docs/data-model.md's JSON text. */
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
    const st_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = by_id(st, ST_PRICE, w->n_prices);
    for (size_t k = 0; k < w->n_prices; k++) {
        const w_price *p = &w->prices[order[k]];
        const w_product *pr = &w->products[p->product];
        int trial = st_trial_days(p);
        sb_json *j = sb_truth_record(o, "plan");
        kid(j, "id", st, ST_PRICE, order[k]);
        int custom = (long)order[k] == st->custom_price;
        /* the plan's own name (its nickname), else its product's */
        sbj_kstr(j, "name", p->nickname ? p->nickname : pr->deleted ? NULL : pr->name);
        kid(j, "product_id", st, ST_PRODUCT, p->product);
        sbj_kstr(j, "product_name", pr->deleted ? NULL : pr->name);
        sbj_kintn(j, "amount", p->unit_amount >= 0 && !custom, p->unit_amount);
        sbj_kstr(j, "amount_decimal", custom ? NULL : p->decimal);
        money(j, p->ccy);
        sbj_kstr(j, "usage_type", !p->recurring ? NULL : p->metered ? "metered" : "licensed");
        sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
        if (p->tiered)
            tiers_text(j, p);
        else
            sbj_knull(j, "tiers");
        sbj_kbool(j, "custom_amount", custom);
        sbj_kintn(j, "custom_amount_minimum", custom, w_round(p->ccy, p->unit_amount / 2));
        sbj_kintn(j, "custom_amount_maximum", custom, 100 * p->unit_amount);
        sbj_kintn(j, "custom_amount_preset", custom, p->unit_amount);
        /* Stripe prices have no setup fee, cycle count or paid trial of their own */
        sbj_lit(j, "setup_fee: null, total_cycles: null, trial_amount: null, trial_cycles: null");
        sbj_kstr(j, "interval_unit", p->recurring ? w_interval_names[p->interval] : NULL);
        sbj_kintn(j, "interval_count", p->recurring, p->interval_count);
        sbj_kintn(j, "trial_days", p->recurring && trial >= 0, trial);
        sbj_kbool(j, "active", !p->archived_at);
        sbj_ktime(j, "created_at", p->created);
        sb_truth_record_end(o);
    }
    free(order);
}

static const char *normalized_sub_status(int status)
{
    static const char *const names[W_SUB_NSTATUS] = {
        [W_SUB_TRIALING] = "trialing", [W_SUB_ACTIVE] = "active", [W_SUB_PAST_DUE] = "past_due",
        [W_SUB_UNPAID] = "past_due", [W_SUB_PAUSED] = "paused", [W_SUB_CANCELED] = "canceled",
        [W_SUB_INCOMPLETE] = "pending", [W_SUB_INCOMPLETE_EXPIRED] = "canceled",
    };
    return names[status];
}

/* The `discounts` field: docs/data-model.md's JSON text, compact, members in its order. */
static void discounts_text(sb_json *j, const st_state *st, size_t i)
{
    st_coupon c;
    sb_buf text;
    sb_json d;
    sb_buf_init(&text);
    sbj_init(&d, &text, 0);
    sbj_arr_begin(&d);
    if (st_sub_coupon(st, i, &c)) {
        char pct[16];
        snprintf(pct, sizeof pct, "%d", c.percent); /* as Stripe writes it: an integer */
        sbj_obj_begin(&d);
        kid(&d, "id", st, ST_DISCOUNT, (long long)i);
        sbj_kstr(&d, "coupon_id", c.id);
        sbj_kstr(&d, "percent_off", pct);
        sbj_lit(&d, "amount_off: null, currency: null");
        sbj_kstr(&d, "duration", c.duration);
        sbj_kintn(&d, "duration_in_months", c.months > 0, c.months);
        sbj_ktime(&d, "start", c.start);
        sbj_ktime(&d, "end", c.end);
        sbj_obj_end(&d);
    }
    sbj_arr_end(&d);
    sbj_kstr(j, "discounts", sb_buf_str(&text));
    sb_buf_free(&text);
}

static void write_subscriptions(const void *state, sb_truth_file *o)
{
    const st_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = by_id(st, ST_SUB, w->n_subs);
    for (size_t k = 0; k < w->n_subs; k++) {
        const w_sub *s = &w->subs[order[k]];
        if (st_hidden(st, ST_SUB, order[k], st->truth_after))
            continue;
        /* basil: the items' period when they all have the same, else none (data-model.md) */
        int64_t ps = w->items[s->first_item].period_start, pe = w->items[s->first_item].period_end;
        for (uint32_t i = 1; i < s->n_items; i++) {
            const w_item *it = &w->items[s->first_item + i];
            if (it->period_start != ps || it->period_end != pe)
                ps = pe = 0;
        }
        sb_json *j = sb_truth_record(o, "subscription");
        kid(j, "id", st, ST_SUB, order[k]);
        kid(j, "customer_id", st, ST_CUSTOMER, s->customer);
        sbj_kstr(j, "status", normalized_sub_status(s->status));
        sbj_kstr(j, "provider_status", w_sub_status_names[s->status]);
        sbj_ktime(j, "started_at", s->start_date);
        sbj_ktime(j, "current_period_start", ps);
        sbj_ktime(j, "current_period_end", pe);
        sbj_ktime(j, "trial_end", s->trial_end);
        sbj_ktime(j, "canceled_at", s->canceled_at);
        sbj_kbool(j, "cancel_at_period_end", s->cancel_at_period_end);
        sbj_ktime(j, "created_at", s->created);
        sbj_ktime(j, "trial_start", s->trial_start);
        sbj_ktime(j, "cancel_at", s->cancel_at);
        sbj_ktime(j, "ended_at", s->ended_at);
        const char *behavior = NULL;
        int64_t resumes_at = 0;
        sbj_kbool(j, "paused", st_sub_pause(st, order[k], &behavior, &resumes_at));
        sbj_kstr(j, "pause_behavior", behavior);
        sbj_ktime(j, "resumes_at", resumes_at);
        discounts_text(j, st, order[k]);
        sbj_karr(j, "items");
        for (uint32_t i = 0; i < s->n_items; i++) {
            const w_item *it = &w->items[s->first_item + i];
            const w_price *p = &w->prices[it->price];
            sbj_obj_begin(j);
            sbj_kstr(j, "object", "subscription_item");
            kid(j, "id", st, ST_ITEM, s->first_item + i);
            kid(j, "plan_id", st, ST_PRICE, it->price);
            /* members in the record's order: `billtap diff` compares the items as text */
            sbj_kintn(j, "quantity", it->quantity >= 0, it->quantity);
            sbj_kstr(j, "usage_type", p->metered ? "metered" : "licensed");
            sbj_kintn(j, "amount", p->unit_amount >= 0, p->unit_amount);
            sbj_kstr(j, "amount_decimal", p->decimal);
            money(j, p->ccy);
            sbj_ktime(j, "current_period_start", it->period_start);
            sbj_ktime(j, "current_period_end", it->period_end);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
}

/* subscription_id and invoice_id of what payment i paid (basil: through its invoice
 * payment, which every invoice's payment has), null for a payment of no invoice */
static void links(sb_json *j, const st_state *st, size_t i)
{
    const w_payment *p = &st->w->payments[i];
    kid(j, "subscription_id", st, ST_SUB, p->invoice >= 0 ? st->w->invoices[p->invoice].sub : -1);
    kid(j, "invoice_id", st, ST_INVOICE, p->invoice);
}

/* fee_amount and net_amount of a balance transaction, or null without one */
static void fee_net(sb_json *j, int has, const st_txn *t)
{
    sbj_kintn(j, "fee_amount", has, has ? t->fee : 0);
    sbj_kintn(j, "net_amount", has, has ? t->net : 0);
}

/* Disputes are chargebacks (docs/data-model.md): decided ones lost or won, inquiries
 * closed, the rest pending; fee and net add up their balance transactions. */
static void write_disputes(const st_state *st, sb_truth_file *o)
{
    const sb_world *w = st->w;
    uint32_t *order = by_id(st, ST_DISPUTE, st->n_disputes);
    for (size_t k = 0; k < st->n_disputes; k++) {
        if (st_hidden(st, ST_DISPUTE, order[k], st->truth_after))
            continue;
        st_dispute_view v;
        st_dispute(st, order[k], &v);
        const w_payment *p = &w->payments[v.payment];
        const char *status = v.status, *result =
            strcmp(status, "lost") == 0 ? "succeeded"
            : strcmp(status, "won") == 0 || strcmp(status, "warning_closed") == 0 ? "failed" : "pending";
        st_txn sum = {0};
        for (int t = 0; t < v.n_txn; t++) {
            sum.fee += v.txn[t].fee;
            sum.net += v.txn[t].net;
        }
        sb_json *j = sb_truth_record(o, "transaction");
        kid(j, "id", st, ST_DISPUTE, order[k]);
        kid(j, "customer_id", st, ST_CUSTOMER, p->customer);
        links(j, st, v.payment);
        sbj_lit(j, "kind: 'chargeback'");
        sbj_kstr(j, "result", result);
        sbj_kstr(j, "provider_status", status);
        sbj_kint(j, "amount", p->amount);
        money(j, p->ccy);
        sbj_lit(j, "captured_amount: null, refunded_amount: null");
        fee_net(j, 1, &sum);
        kid(j, "parent_id", st, ST_CHARGE, (long long)v.payment);
        sbj_ktime(j, "occurred_at", p->disputed_at);
        sb_truth_record_end(o);
    }
    free(order);
}

static void write_transactions(const void *state, sb_truth_file *o)
{
    static const char *const results[5] = {"succeeded", "pending", "failed", "failed", "pending"};
    static const char *const charge_status[3] = {"succeeded", "pending", "failed"};
    const st_state *st = state;
    const sb_world *w = st->w;
    /* "ch_" ids sort before "du_" ids, and those before "re_" ids: charges, disputes, then
     * refunds is id order */
    uint32_t *order = by_id(st, ST_CHARGE, w->n_payments);
    for (size_t k = 0; k < w->n_payments; k++) {
        const w_payment *p = &w->payments[order[k]];
        if (st_hidden(st, ST_CHARGE, order[k], st->truth_after))
            continue;
        sb_json *j = sb_truth_record(o, "transaction");
        kid(j, "id", st, ST_CHARGE, order[k]);
        kid(j, "customer_id", st, ST_CUSTOMER, p->customer);
        links(j, st, order[k]);
        sbj_lit(j, "kind: 'payment'");
        /* an authorization not captured took no money */
        sbj_kstr(j, "result", p->uncaptured ? "authorized" : charge_status[p->status]);
        sbj_kstr(j, "provider_status", charge_status[p->status]);
        sbj_kint(j, "amount", p->amount);
        money(j, p->ccy);
        sbj_kint(j, "captured_amount", p->status == W_PAY_FAILED || p->uncaptured ? 0 : p->amount);
        sbj_kint(j, "refunded_amount", p->amount_refunded);
        st_txn txn;
        fee_net(j, st_charge_txn(st, order[k], &txn), &txn);
        sbj_lit(j, "parent_id: null");
        sbj_ktime(j, "occurred_at", p->created);
        sb_truth_record_end(o);
    }
    free(order);
    write_disputes(st, o);
    order = by_id(st, ST_REFUND, w->n_refunds);
    for (size_t k = 0; k < w->n_refunds; k++) {
        const w_refund *re = &w->refunds[order[k]];
        const w_payment *p = &w->payments[re->payment];
        if (st_hidden(st, ST_REFUND, order[k], st->truth_after))
            continue;
        sb_json *j = sb_truth_record(o, "transaction");
        kid(j, "id", st, ST_REFUND, order[k]);
        kid(j, "customer_id", st, ST_CUSTOMER, p->customer);
        links(j, st, (size_t)re->payment);
        sbj_lit(j, "kind: 'refund'");
        int null_status = st_refund_status_null(st, order[k]); /* "other", as data-model.md says */
        sbj_kstr(j, "result", null_status ? "other" : results[re->status]);
        sbj_kstr(j, "provider_status", null_status ? NULL : w_refund_status_names[re->status]);
        sbj_kint(j, "amount", re->amount);
        money(j, p->ccy);
        sbj_lit(j, "captured_amount: null");
        sbj_kint(j, "refunded_amount", 0);
        /* a failed or canceled refund gave its money back: no fee, no net */
        st_txn txn;
        int gone = re->status == W_RE_FAILED || re->status == W_RE_CANCELED;
        fee_net(j, !gone && st_refund_txn(st, order[k], &txn), &txn);
        kid(j, "parent_id", st, ST_CHARGE, re->payment);
        sbj_ktime(j, "occurred_at", re->created);
        sb_truth_record_end(o);
    }
    free(order);
}

static void write_line(sb_json *j, const st_state *st, size_t i)
{
    static const char *const kinds[3] = {"subscription", "proration", "one_off"};
    const w_line *l = &st->w->lines[i];
    const w_invoice *v = &st->w->invoices[l->invoice];
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "invoice_line");
    kid(j, "id", st, ST_LINE, (long long)i);
    sbj_kstr(j, "kind", kinds[l->kind]);
    kid(j, "plan_id", st, ST_PRICE, l->price);
    sbj_kstr(j, "description", l->description);
    sbj_kintn(j, "quantity", l->quantity >= 0, l->quantity);
    /* after its own discount (an intro price), not after its share of the coupon's */
    sbj_kint(j, "amount", l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0));
    money(j, v->ccy);
    sbj_ktime(j, "period_start", l->period_start);
    sbj_ktime(j, "period_end", l->period_end);
    sbj_kbool(j, "proration", l->kind == W_LINE_PRORATION);
    sbj_obj_end(j);
}

static void write_invoices(const void *state, sb_truth_file *o)
{
    const st_state *st = state;
    const sb_world *w = st->w;
    uint32_t *order = by_id(st, ST_INVOICE, w->n_invoices);
    for (size_t k = 0; k < w->n_invoices; k++) {
        const w_invoice *v = &w->invoices[order[k]];
        if (st_hidden(st, ST_INVOICE, order[k], st->truth_after))
            continue;
        /* docs/data-model.md: subtotal after the lines' own discounts (intro prices),
         * discount the invoice's (the coupon), both from the lines themselves */
        int64_t ps = 0, pe = 0, subtotal = 0, discount = 0;
        for (uint32_t i = 0; i < v->n_lines; i++) {
            const w_line *l = &w->lines[v->first_line + i];
            if (i == 0 || l->period_start < ps)
                ps = l->period_start;
            if (i == 0 || l->period_end > pe)
                pe = l->period_end;
            subtotal += l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
            discount += l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
        }
        char number[32], prefix[9];
        st_invoice_prefix(st, (size_t)v->customer, prefix);
        snprintf(number, sizeof number, "%s-%04d", prefix, v->number);
        sb_json *j = sb_truth_record(o, "invoice");
        kid(j, "id", st, ST_INVOICE, order[k]);
        sbj_kstr(j, "number", v->number ? number : NULL);
        kid(j, "customer_id", st, ST_CUSTOMER, v->customer);
        kid(j, "subscription_id", st, ST_SUB, v->sub);
        sbj_kstr(j, "status", w_invoice_status_names[v->status]); /* Stripe's are the normalized ones */
        sbj_kstr(j, "provider_status", w_invoice_status_names[v->status]);
        money(j, v->ccy);
        sbj_kint(j, "subtotal", subtotal);
        sbj_kint(j, "discount", discount);
        sbj_kint(j, "tax", v->tax);
        sbj_kint(j, "total", v->total);
        sbj_kint(j, "amount_paid", v->amount_paid);
        sbj_kint(j, "amount_due", v->total);
        sbj_ktime(j, "created_at", v->created);
        sbj_ktime(j, "issued_at", v->finalized_at);
        sbj_ktime(j, "due_at", v->due_date);
        sbj_ktime(j, "paid_at", v->paid_at);
        sbj_ktime(j, "voided_at", v->voided_at);
        sbj_ktime(j, "period_start", ps);
        sbj_ktime(j, "period_end", pe);
        sbj_karr(j, "lines");
        for (uint32_t i = 0; i < v->n_lines; i++)
            write_line(j, st, v->first_line + i);
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
}

int st_write_truth(const st_state *st, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec files[] = {
        {"customers.jsonl", write_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", write_subscriptions},
        {"transactions.jsonl", write_transactions},
        {"invoices.jsonl", write_invoices},
    };
    return sb_truth_write(dir, files, sizeof files / sizeof files[0], st, err, errlen);
}
