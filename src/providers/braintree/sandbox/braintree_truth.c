/* Truth files: what a correct extraction through Braintree's searches gives, normalized as
 * docs/providers/braintree.md says, one record a line. Derived from the world and the
 * module's ids and status names, never from rendered JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_truth_file.h"

static int text(const char *s)
{
    return s && *s;
}

/* First and last name joined, else the company, else null (as the search shows them). */
static void name(sb_json *j, const w_customer *c)
{
    sb_buf b;
    sb_buf_init(&b);
    if (c->name_on_file) {
        if (text(c->given))
            sb_buf_adds(&b, c->given);
        if (text(c->given) && text(c->family))
            sb_buf_addc(&b, ' ');
        if (text(c->family))
            sb_buf_adds(&b, c->family);
        if (!b.len && text(c->business))
            sb_buf_adds(&b, c->business);
    }
    sbj_kstr(j, "name", b.len ? sb_buf_str(&b) : NULL);
    sb_buf_free(&b);
}

/* Truth files are sorted by id (byte order): the records of the searches in that order. */
typedef struct keyed {
    char id[64];
    int search;
    size_t pos;
} keyed;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

static keyed *sorted(const bt_state *st, const int *searches, size_t n_searches, size_t *n)
{
    size_t total = 0;
    for (size_t s = 0; s < n_searches; s++)
        total += bt_count(st, searches[s]);
    keyed *k = sb_xcalloc(total + 1, sizeof *k);
    *n = 0;
    for (size_t s = 0; s < n_searches; s++) {
        for (size_t i = 0; i < bt_count(st, searches[s]); i++) {
            bt_global_id(st, searches[s], i, k[*n].id);
            k[*n].search = searches[s];
            k[(*n)++].pos = i;
        }
    }
    qsort(k, *n, sizeof *k, by_id);
    return k;
}

static void write_customers(const void *state, sb_truth_file *o)
{
    const bt_state *st = state;
    static const int searches[] = {BT_CUSTOMERS};
    size_t n;
    keyed *order = sorted(st, searches, 1, &n);
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k].pos;
        const w_customer *c = &st->w->customers[i];
        bt_view v = {st, st->truth_after, NULL};
        if (c->deleted_at || bt_hidden(&v, BT_CUSTOMERS, i))
            continue; /* a deleted customer is gone from the search */
        char id[64];
        bt_global_id(st, BT_CUSTOMERS, i, id);
        sb_json *j = sb_truth_record(o, "customer");
        sbj_kstr(j, "id", id);
        sbj_kstr(j, "email", c->email);
        name(j, c);
        sbj_knull(j, "country");
        sbj_ktime(j, "created_at", c->created);
        sbj_kbool(j, "deleted", 0);
        sb_truth_record_end(o);
    }
    free(order);
}

/* The members every transaction has, from id to currency_exponent. */
static sb_json *txn_head(sb_truth_file *o, const bt_state *st, int search, size_t pos, int customer,
                         const char *kind, const char *result, const char *status, int64_t amount, int ccy)
{
    char id[64], cid[64];
    bt_global_id(st, search, pos, id);
    sb_json *j = sb_truth_record(o, "transaction");
    sbj_kstr(j, "id", id);
    if (bt_customer_listed(st, customer)) {
        bt_global_id(st, BT_CUSTOMERS, (size_t)customer, cid);
        sbj_kstr(j, "customer_id", cid);
    } else {
        sbj_knull(j, "customer_id");
    }
    sbj_knull(j, "subscription_id");
    sbj_knull(j, "invoice_id");
    sbj_kstr(j, "kind", kind);
    sbj_kstr(j, "result", result);
    sbj_kstr(j, "provider_status", status);
    sbj_kint(j, "amount", amount);
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", w_currencies[ccy].exponent);
    return j;
}

static void txn_tail(sb_truth_file *o, const bt_state *st, sb_json *j, int has_parent, uint32_t parent, int64_t at)
{
    sbj_knull(j, "fee_amount");
    sbj_knull(j, "net_amount");
    if (has_parent) {
        char id[64];
        bt_global_id(st, BT_TRANSACTIONS, parent, id);
        sbj_kstr(j, "parent_id", id);
    } else {
        sbj_knull(j, "parent_id");
    }
    sbj_ktime(j, "occurred_at", at);
    sb_truth_record_end(o);
}

/* Refunds that went or are going through. */
static int refund_counts(const w_refund *r)
{
    return r->status == W_RE_SUCCEEDED || r->status == W_RE_PENDING || r->status == W_RE_REQUIRES_ACTION;
}

static void write_payment(const bt_state *st, size_t i, sb_truth_file *o)
{
    const sb_world *w = st->w;
    bt_view v = {st, st->truth_after, NULL};
    if (!bt_hidden(&v, BT_TRANSACTIONS, i)) {
        const w_payment *p = &w->payments[i];
        int took = (p->status == W_PAY_SUCCEEDED && !p->uncaptured) || p->status == W_PAY_PENDING;
        const char *result = p->status == W_PAY_SUCCEEDED ? (p->uncaptured ? "authorized" : "succeeded")
                             : p->status == W_PAY_PENDING ? "pending"
                                                          : "failed";
        int64_t refunded = 0;
        for (uint32_t k = 0; k < p->n_refunds; k++) {
            const w_refund *r = &w->refunds[w->payment_refunds[p->first_refund + k]];
            refunded += refund_counts(r) ? r->amount : 0;
        }
        sb_json *j = txn_head(o, st, BT_TRANSACTIONS, i, p->customer, "payment", result, bt_payment_status(p),
                              p->amount, p->ccy);
        sbj_kint(j, "captured_amount", took ? p->amount : 0);
        sbj_kint(j, "refunded_amount", refunded);
        txn_tail(o, st, j, 0, 0, p->created);
    }
}

static void write_refund(const bt_state *st, size_t i, sb_truth_file *o)
{
    static const char *const results[] = {"succeeded", "pending", "failed", "failed", "pending"};
    const sb_world *w = st->w;
    bt_view v = {st, st->truth_after, NULL};
    if (!bt_hidden(&v, BT_REFUNDS, i)) {
        const w_refund *r = &w->refunds[i];
        const w_payment *p = &w->payments[r->payment];
        sb_json *j = txn_head(o, st, BT_REFUNDS, i, p->customer, "refund", results[r->status], bt_refund_status(r),
                              r->amount, p->ccy);
        sbj_knull(j, "captured_amount");
        sbj_kint(j, "refunded_amount", 0);
        txn_tail(o, st, j, 1, (uint32_t)r->payment, r->created);
    }
}

static void write_dispute(const bt_state *st, size_t k, sb_truth_file *o)
{
    bt_view v = {st, st->truth_after, NULL};
    if (!bt_hidden(&v, BT_DISPUTES, k)) {
        uint32_t pay = st->disputes[k];
        const w_payment *p = &st->w->payments[pay];
        const char *status = bt_dispute_status(st, p, pay);
        const char *result = strcmp(status, "LOST") == 0 ? "succeeded" : strcmp(status, "WON") == 0 ? "failed" : "pending";
        sb_json *j = txn_head(o, st, BT_DISPUTES, k, p->customer, p->dispute == W_DISPUTE_REVERSAL ? "other" : "chargeback",
                              result, status, p->amount, p->ccy);
        sbj_knull(j, "captured_amount");
        sbj_knull(j, "refunded_amount");
        txn_tail(o, st, j, 1, pay, p->disputed_at);
    }
}

static void write_transactions(const void *state, sb_truth_file *o)
{
    const bt_state *st = state;
    static const int searches[] = {BT_TRANSACTIONS, BT_REFUNDS, BT_DISPUTES};
    size_t n;
    keyed *order = sorted(st, searches, 3, &n);
    for (size_t k = 0; k < n; k++) {
        if (order[k].search == BT_TRANSACTIONS)
            write_payment(st, order[k].pos, o);
        else if (order[k].search == BT_REFUNDS)
            write_refund(st, order[k].pos, o);
        else
            write_dispute(st, order[k].pos, o);
    }
    free(order);
}

/* Plans in id order; insert@N never hides them (it acts on the searches). */
static void write_plans(const void *state, sb_truth_file *o)
{
    const bt_state *st = state;
    keyed *order = sb_xcalloc(st->n_plans + 1, sizeof *order);
    for (size_t i = 0; i < st->n_plans; i++) {
        bt_plan_id(st, i, order[i].id);
        order[i].pos = i;
    }
    qsort(order, st->n_plans, sizeof *order, by_id);
    for (size_t k = 0; k < st->n_plans; k++) {
        const bt_plan_row *row = &st->plans[order[k].pos];
        const w_price *p = &st->w->prices[row->price];
        const w_currency *cur = &w_currencies[p->ccy];
        char decimal[24];
        snprintf(decimal, sizeof decimal, "%lld", (long long)p->unit_amount);
        sb_json *j = sb_truth_record(o, "plan");
        sbj_kstr(j, "id", order[k].id);
        sbj_kstr(j, "name", p->nickname ? p->nickname : st->w->products[p->product].name);
        sbj_knull(j, "product_id");
        sbj_knull(j, "product_name");
        sbj_kint(j, "amount", p->unit_amount);
        sbj_kstr(j, "amount_decimal", decimal);
        sbj_kstr(j, "currency", cur->code);
        sbj_kint(j, "currency_exponent", cur->exponent);
        sbj_kstr(j, "usage_type", "licensed");
        sbj_knull(j, "tiers_mode");
        sbj_knull(j, "tiers");
        sbj_kbool(j, "custom_amount", 0);
        sbj_knull(j, "custom_amount_minimum");
        sbj_knull(j, "custom_amount_maximum");
        sbj_knull(j, "custom_amount_preset");
        sbj_knull(j, "setup_fee");
        sbj_kstr(j, "interval_unit", "month");
        sbj_kint(j, "interval_count", row->frequency);
        sbj_kintn(j, "total_cycles", p->total_cycles != 0, p->total_cycles);
        sbj_kintn(j, "trial_days", row->trial && !row->trial_months, row->trial); /* months: no exact days */
        sbj_knull(j, "trial_amount");
        sbj_knull(j, "trial_cycles");
        sbj_kbool(j, "active", 1);
        sbj_ktime(j, "created_at", p->created);
        sb_truth_record_end(o);
    }
    free(order);
}

int bt_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec specs[] = {
        {"customers.jsonl", write_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", bt_write_subscriptions},
        {"transactions.jsonl", write_transactions},
    };
    return sb_truth_write(dir, specs, sizeof specs / sizeof specs[0], state, err, errlen);
}
