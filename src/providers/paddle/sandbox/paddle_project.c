/* The world as Paddle Billing shows it. Paddle offers neither KWD nor BHD, prices only
 * whole minor units per unit (no tiers, no usage), subscriptions on one billing cycle,
 * and has no incomplete subscriptions (a checkout that is not paid creates none): records
 * it could not hold are left out, and so is what refers to them. Every payment belongs to
 * a transaction: the world's payments outside invoices are left out too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle_model.h"

static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* Crockford, ascending */

void pd_id(char out[48], const char *prefix, int64_t created, uint64_t n)
{
    char body[27];
    uint64_t ms = (uint64_t)created * 1000u;
    for (int k = 9; k >= 0; k--, ms >>= 5)
        body[k] = b32[ms & 31];
    for (int k = 25; k >= 10; k--, n >>= 5)
        body[k] = b32[n & 31];
    body[26] = '\0';
    snprintf(out, 48, "%s%s", prefix, body);
}

long long pd_id_number(const char *id, const char *prefix)
{
    size_t p = strlen(prefix);
    if (strncmp(id, prefix, p) != 0 || strlen(id) != p + 26)
        return -1;
    unsigned long long n = 0;
    for (size_t k = p; k < p + 26; k++) {
        const char *c = id[k] ? strchr(b32, id[k]) : NULL;
        if (!c)
            return -1;
        if (k >= p + 10)
            n = n << 5 | (unsigned long long)(c - b32);
    }
    return n > 0x7fffffffULL ? -1 : (long long)n;
}

static const char *const prefixes[PD_NKINDS] = {"ctm_", "pri_", "sub_", "txn_", "adj_"};

int64_t pd_created(const pd_state *st, int kind, size_t i)
{
    const sb_world *w = st->w;
    switch (kind) {
    case PD_CUSTOMER: return w->customers[i].created;
    case PD_PRICE: return w->prices[i].created;
    case PD_SUB: return w->subs[i].created;
    case PD_TXN: return w->invoices[st->txns[i].invoice].created;
    default: return st->adjs[i].created;
    }
}

int64_t pd_updated(const pd_state *st, int kind, size_t i)
{
    const sb_world *w = st->w;
    switch (kind) {
    case PD_CUSTOMER: return w->customers[i].updated;
    case PD_PRICE: return w->prices[i].updated;
    case PD_SUB: return w->subs[i].updated;
    case PD_TXN: {
        const pd_txn *t = &st->txns[i];
        int64_t u = w->invoices[t->invoice].updated;
        for (uint32_t k = 0; k < t->n_payments; k++) {
            int64_t p = w->payments[st->txn_payments[t->first_payment + k]].updated;
            u = p > u ? p : u;
        }
        return u;
    }
    default: {
        const pd_adj *a = &st->adjs[i];
        return a->chargeback ? a->created : w->refunds[a->index].updated;
    }
    }
}

/* The number in a record's id: one that never changes as the world moves on (a
 * transaction's invoice, an adjustment's refund or payment), so that ids stay. */
static uint64_t id_number(const pd_state *st, int kind, size_t i)
{
    if (kind == PD_TXN)
        return st->txns[i].invoice;
    if (kind == PD_ADJ)
        return st->adjs[i].chargeback ? 0x20000000u + st->adjs[i].index : st->adjs[i].index;
    return i;
}

void pd_kind_id(const pd_state *st, int kind, size_t i, char out[48])
{
    pd_id(out, prefixes[kind], pd_created(st, kind, i), id_number(st, kind, i));
}

void pd_attempt_id(const pd_state *st, size_t payment, char out[48])
{
    uint64_t h = (st->w->seed * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)payment * 0xbf58476d1ce4e5b9ULL);
    snprintf(out, 48, "%08x-%04x-4%03x-8%03x-%012zx", (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffffu,
             (unsigned)h & 0xfffu, (unsigned)(h >> 52) & 0xfffu, payment);
}

void pd_line_price_id(const pd_state *st, size_t line, char out[48])
{
    const w_line *l = &st->w->lines[line];
    if (l->price >= 0)
        pd_kind_id(st, PD_PRICE, (size_t)l->price, out);
    else /* a non-catalog price, made for the transaction */
        pd_id(out, "pri_", st->w->invoices[l->invoice].created, 0x40000000u + line);
}

int pd_currency_ok(int ccy)
{
    return ccy != W_KWD && ccy != W_BHD;
}

const char *pd_sub_status(const w_sub *s)
{
    switch (s->status) {
    case W_SUB_TRIALING: return "trialing";
    case W_SUB_PAST_DUE:
    case W_SUB_UNPAID: return "past_due";
    case W_SUB_PAUSED: return "paused";
    case W_SUB_CANCELED: return "canceled";
    default: return "active";
    }
}

const char *pd_txn_status(const w_invoice *inv)
{
    switch (inv->status) {
    case W_INV_PAID: return "completed";
    case W_INV_VOID:
    case W_INV_UNCOLLECTIBLE: return "canceled";
    default: return inv->attempts > 0 ? "past_due" : "billed";
    }
}

const char *pd_attempt_status(const w_payment *p)
{
    if (p->status == W_PAY_FAILED)
        return "error";
    if (p->status == W_PAY_PENDING)
        return "pending_no_action_required";
    return p->uncaptured ? "authorized" : "captured";
}

const char *pd_refund_status(const w_refund *r)
{
    switch (r->status) {
    case W_RE_SUCCEEDED: return "approved";
    case W_RE_FAILED:
    case W_RE_CANCELED: return "rejected";
    default: return "pending_approval";
    }
}

void pd_invoice_number(const pd_state *st, size_t invoice, char out[32])
{
    snprintf(out, 32, "%u-%05zu", (unsigned)(st->w->seed % 900u) + 100u, invoice + 1);
}

int64_t pd_line_subtotal(const w_line *l)
{
    return l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
}

static int price_ok(const w_price *p)
{
    return !p->draft && !p->tiered && !p->metered && p->unit_amount >= 0 && pd_currency_ok(p->ccy);
}

static int sub_ok(const pd_state *st, const w_sub *s)
{
    if (s->status == W_SUB_INCOMPLETE || s->status == W_SUB_INCOMPLETE_EXPIRED || s->mixed ||
        !pd_currency_ok(s->ccy))
        return 0;
    for (uint32_t k = 0; k < s->n_items; k++)
        if (!st->price_ok[st->w->items[s->first_item + k].price])
            return 0;
    return 1;
}

static int invoice_ok(const pd_state *st, const w_invoice *inv)
{
    if (inv->status == W_INV_DRAFT || inv->deleted_at || !pd_currency_ok(inv->ccy) ||
        (inv->sub >= 0 && !st->sub_ok[inv->sub]))
        return 0;
    for (uint32_t k = 0; k < inv->n_lines; k++) {
        int p = st->w->lines[inv->first_line + k].price;
        if (p >= 0 && !st->price_ok[p])
            return 0;
    }
    return 1;
}

static int adj_cmp(const void *a, const void *b)
{
    const pd_adj *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    if (x->chargeback != y->chargeback)
        return x->chargeback - y->chargeback;
    return x->index < y->index ? -1 : x->index > y->index;
}

static void order_all(pd_state *st, int kind, size_t n, const uint8_t *ok)
{
    st->order[kind] = sb_xcalloc(n ? n : 1, sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        if (!ok || ok[i])
            st->order[kind][st->n_order[kind]++] = (uint32_t)i;
}

void pd_project(pd_state *st)
{
    const sb_world *w = st->w;
    st->price_ok = sb_xcalloc(w->n_prices + 1, 1);
    st->sub_ok = sb_xcalloc(w->n_subs + 1, 1);
    for (size_t i = 0; i < w->n_prices; i++)
        st->price_ok[i] = (uint8_t)price_ok(&w->prices[i]);
    for (size_t i = 0; i < w->n_subs; i++)
        st->sub_ok[i] = (uint8_t)sub_ok(st, &w->subs[i]);
    /* transactions: the invoices Paddle shows, in creation order; their payments */
    st->invoice_txn = sb_xcalloc(w->n_invoices + 1, sizeof(int32_t));
    st->txns = sb_xcalloc(w->n_invoices + 1, sizeof(pd_txn));
    uint32_t *count = sb_xcalloc(w->n_invoices + 1, sizeof(uint32_t));
    for (size_t i = 0; i < w->n_invoices; i++) {
        st->invoice_txn[i] = -1;
        if (invoice_ok(st, &w->invoices[i])) {
            st->invoice_txn[i] = (int32_t)st->n_txns;
            st->txns[st->n_txns++].invoice = (uint32_t)i;
        }
    }
    size_t n_pay = 0;
    for (size_t p = 0; p < w->n_payments; p++) {
        int inv = w->payments[p].invoice;
        if (inv >= 0 && st->invoice_txn[inv] >= 0) {
            count[st->invoice_txn[inv]]++;
            n_pay++;
        }
    }
    st->txn_payments = sb_xcalloc(n_pay + 1, sizeof(uint32_t));
    for (size_t t = 0, at = 0; t < st->n_txns; t++) {
        st->txns[t].first_payment = (uint32_t)at;
        at += count[t];
    }
    /* newest first, as Paddle lists a transaction's payments */
    for (size_t p = w->n_payments; p-- > 0;) {
        int inv = w->payments[p].invoice;
        if (inv >= 0 && st->invoice_txn[inv] >= 0) {
            pd_txn *t = &st->txns[st->invoice_txn[inv]];
            st->txn_payments[t->first_payment + t->n_payments++] = (uint32_t)p;
        }
    }
    free(count);
    /* adjustments: refunds and chargebacks of those payments */
    st->adjs = sb_xcalloc(w->n_refunds + w->n_payments + 1, sizeof(pd_adj));
    for (size_t t = 0; t < st->n_txns; t++) {
        const pd_txn *x = &st->txns[t];
        for (uint32_t k = 0; k < x->n_payments; k++) {
            uint32_t p = st->txn_payments[x->first_payment + k];
            const w_payment *pay = &w->payments[p];
            for (uint32_t r = 0; r < pay->n_refunds; r++) {
                uint32_t ri = w->payment_refunds[pay->first_refund + r];
                st->adjs[st->n_adjs++] = (pd_adj){0, ri, (uint32_t)t, w->refunds[ri].created};
            }
            if (pay->dispute == W_DISPUTE_CHARGEBACK)
                st->adjs[st->n_adjs++] = (pd_adj){1, p, (uint32_t)t, pay->disputed_at};
        }
    }
    qsort(st->adjs, st->n_adjs, sizeof *st->adjs, adj_cmp);
    order_all(st, PD_CUSTOMER, w->n_customers, NULL);
    order_all(st, PD_PRICE, w->n_prices, st->price_ok);
    order_all(st, PD_SUB, w->n_subs, st->sub_ok);
    order_all(st, PD_TXN, st->n_txns, NULL);
    order_all(st, PD_ADJ, st->n_adjs, NULL);
}

void pd_project_free(pd_state *st)
{
    free(st->price_ok);
    free(st->sub_ok);
    free(st->invoice_txn);
    free(st->txns);
    free(st->txn_payments);
    free(st->adjs);
    for (int k = 0; k < PD_NKINDS; k++)
        free(st->order[k]);
}
