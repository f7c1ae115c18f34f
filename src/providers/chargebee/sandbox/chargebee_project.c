/* The world as Chargebee shows it (product catalog 2.0): ids, counts and times of each
 * list's records, each subscription's status and term, the transactions, and the facts
 * the rendering and the truth share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void cb_id(const cb_state *st, int kind, uint64_t n, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->styles[kind], st->w->seed, (unsigned)kind, n);
}

/* Item prices are named by the merchant: "<item>-<CURRENCY>-<frequency>"; the number,
 * zero-padded, keeps byte order and the prices' order the same. */
void cb_item_price_id(const cb_state *st, int price, char out[64])
{
    const w_price *p = &st->w->prices[price];
    if (p->recurring)
        snprintf(out, 64, "price%07d-%s-every-%d-%s", price, w_currencies[p->ccy].code, p->interval_count,
                 w_interval_names[p->interval]);
    else
        snprintf(out, 64, "price%07d-%s", price, w_currencies[p->ccy].code);
}

size_t cb_count(const cb_state *st, int kind)
{
    return kind == CB_CUSTOMER  ? st->w->n_customers
           : kind == CB_SUB     ? st->w->n_subs
           : kind == CB_INVOICE ? st->w->n_invoices
           : kind == CB_TXN     ? st->n_txns
                                : st->w->n_prices;
}

int64_t cb_created(const cb_state *st, int kind, size_t i)
{
    return kind == CB_CUSTOMER  ? st->w->customers[i].created
           : kind == CB_SUB     ? st->w->subs[i].created
           : kind == CB_INVOICE ? st->w->invoices[i].created
           : kind == CB_TXN     ? st->txns[i].date
                                : st->w->prices[i].created;
}

/* Deleting a customer deletes its subscriptions: a change of theirs too. */
static int64_t sub_updated(const sb_world *w, size_t i)
{
    int64_t deleted = w->customers[w->subs[i].customer].deleted_at;
    return deleted > w->subs[i].updated ? deleted : w->subs[i].updated;
}

int64_t cb_updated(const cb_state *st, int kind, size_t i)
{
    return kind == CB_CUSTOMER  ? st->w->customers[i].updated
           : kind == CB_SUB     ? sub_updated(st->w, i)
           : kind == CB_INVOICE ? st->w->invoices[i].updated
           : kind == CB_TXN     ? st->txns[i].updated
                                : st->w->prices[i].updated;
}

/* Deleting a customer deletes its subscriptions with it. */
int cb_deleted(const cb_state *st, int kind, size_t i)
{
    if (kind == CB_CUSTOMER)
        return st->w->customers[i].deleted_at != 0;
    if (kind == CB_SUB)
        return !st->subs[i].listed;
    if (kind == CB_INVOICE) /* a draft deleted */
        return st->w->invoices[i].deleted_at != 0;
    return 0; /* prices are archived, never deleted */
}

int cb_hidden(const cb_state *st, int kind, size_t i, int visible)
{
    /* insert@N:K creates customers and what follows them, never prices */
    return st->inserting && !visible && kind != CB_ITEM_PRICE && cb_created(st, kind, i) >= st->insert_since;
}

typedef struct by_time {
    int64_t t;
    uint32_t i;
} by_time;

static int by_time_cmp(const void *a, const void *b)
{
    const by_time *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static void view_sub(const cb_state *st, size_t i, const int *due, cb_sub_view *v)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const w_item *first = &w->items[s->first_item];
    memset(v, 0, sizeof *v);
    v->listed = !w->customers[s->customer].deleted_at;
    v->due_invoices = due[i];
    v->term_start = first->period_start;
    v->term_end = first->period_end;
    switch (s->status) {
    case W_SUB_TRIALING:
        v->status = "in_trial";
        break;
    case W_SUB_PAUSED:
        v->status = "paused";
        break;
    case W_SUB_CANCELED:
    case W_SUB_INCOMPLETE_EXPIRED:
        v->status = "cancelled";
        v->cancelled_at = s->ended_at ? s->ended_at : s->canceled_at;
        v->term_start = v->term_end = 0; /* a cancelled subscription has no current term */
        break;
    default: /* active, past_due, unpaid, incomplete: Chargebee keeps them active */
        if (s->cancel_at_period_end || s->cancel_at) {
            v->status = "non_renewing";
            v->cancelled_at = s->cancel_at ? s->cancel_at : v->term_end;
            v->cancel_requested = s->canceled_at;
        } else {
            v->status = "active";
        }
    }
}

/* A payment's transaction changes with it and whenever one of its refunds changes or a
 * chargeback comes: it lists them (linked_refunds). */
static int64_t payment_updated(const sb_world *w, size_t i)
{
    const w_payment *p = &w->payments[i];
    int64_t t = p->updated;
    for (uint32_t k = 0; k < p->n_refunds; k++) {
        int64_t r = w->refunds[w->payment_refunds[p->first_refund + k]].updated;
        t = r > t ? r : t;
    }
    if (p->dispute == W_DISPUTE_CHARGEBACK && p->disputed_at > t)
        t = p->disputed_at;
    return t;
}

void cb_project(cb_state *st)
{
    const sb_world *w = st->w;
    static const char *const leads = "ABCDE"; /* item prices, invoices, transactions have their own */
    for (int k = 0; k < CB_NKINDS; k++)
        st->styles[k] = (sb_id_style){"", alnum, 16, 5, leads[k], NULL, 0};
    static const char *const txn_leads = "PRC";
    for (int k = 0; k < 3; k++)
        st->txn_styles[k] = (sb_id_style){"txn_", alnum, 16, 5, txn_leads[k], NULL, 0};
    /* transactions: every payment, every refund, every chargeback */
    size_t chargebacks = 0;
    for (size_t i = 0; i < w->n_payments; i++)
        chargebacks += w->payments[i].dispute == W_DISPUTE_CHARGEBACK;
    st->n_txns = w->n_payments + w->n_refunds + chargebacks;
    st->txns = sb_xcalloc(st->n_txns ? st->n_txns : 1, sizeof *st->txns);
    size_t t = 0;
    for (size_t i = 0; i < w->n_payments; i++)
        st->txns[t++] = (cb_txn){CB_TXN_PAYMENT, (uint32_t)i, w->payments[i].created, payment_updated(w, i)};
    for (size_t i = 0; i < w->n_refunds; i++)
        st->txns[t++] = (cb_txn){CB_TXN_REFUND, (uint32_t)i, w->refunds[i].created, w->refunds[i].updated};
    for (size_t i = 0; i < w->n_payments; i++)
        if (w->payments[i].dispute == W_DISPUTE_CHARGEBACK)
            st->txns[t++] = (cb_txn){CB_TXN_CHARGEBACK, (uint32_t)i, w->payments[i].disputed_at,
                                     w->payments[i].disputed_at};
    /* invoices whose latest collection attempt failed and that are still unpaid */
    int *due = sb_xcalloc(w->n_subs ? w->n_subs : 1, sizeof *due);
    for (size_t i = 0; i < w->n_invoices; i++) {
        const w_invoice *v = &w->invoices[i];
        if (v->sub >= 0 && (v->status == W_INV_OPEN || v->status == W_INV_UNCOLLECTIBLE) && v->payment >= 0 &&
            w->payments[v->payment].status == W_PAY_FAILED)
            due[v->sub]++;
    }
    st->subs = sb_xcalloc(w->n_subs ? w->n_subs : 1, sizeof *st->subs);
    for (size_t i = 0; i < w->n_subs; i++)
        view_sub(st, i, due, &st->subs[i]);
    free(due);
    for (int k = 0; k < CB_NKINDS; k++) {
        size_t n = cb_count(st, k);
        by_time *tm = sb_xcalloc(n ? n : 1, sizeof *tm);
        for (size_t i = 0; i < n; i++)
            tm[i] = (by_time){cb_updated(st, k, i), (uint32_t)i};
        qsort(tm, n, sizeof *tm, by_time_cmp);
        st->by_updated[k] = sb_xcalloc(n ? n : 1, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++)
            st->by_updated[k][i] = tm[i].i;
        if (k == CB_TXN) { /* the others are numbered in creation order already */
            for (size_t i = 0; i < n; i++)
                tm[i] = (by_time){cb_created(st, k, i), (uint32_t)i};
            qsort(tm, n, sizeof *tm, by_time_cmp);
            st->by_created[k] = sb_xcalloc(n ? n : 1, sizeof(uint32_t));
            for (size_t i = 0; i < n; i++)
                st->by_created[k][i] = tm[i].i;
        }
        free(tm);
    }
}

void cb_project_free(cb_state *st)
{
    free(st->subs);
    free(st->txns);
    for (int k = 0; k < CB_NKINDS; k++) {
        free(st->by_updated[k]);
        free(st->by_created[k]);
    }
}

/* Not offered: archived, a draft nobody could buy, or its item (product) deleted. */
int cb_price_archived(const cb_state *st, size_t i)
{
    const w_price *p = &st->w->prices[i];
    return p->archived_at || p->draft || st->w->products[p->product].deleted;
}

/* The leading free phases: days and weeks in days, months and years in months (Chargebee's
 * two trial units); a second phase of the other kind is not counted. */
int cb_price_trial(const w_price *p, const char **unit)
{
    int n = 0, months = p->n_phases > 0 && p->phases[0].unit >= W_MONTHS;
    for (int k = 0; k < p->n_phases && p->phases[k].price == 0 && (p->phases[k].unit >= W_MONTHS) == months; k++) {
        static const int scale[] = {[W_DAYS] = 1, [W_WEEKS] = 7, [W_MONTHS] = 1, [W_YEARS] = 12};
        n += p->phases[k].count * p->phases[k].total * scale[p->phases[k].unit];
    }
    *unit = months ? "month" : "day";
    return n;
}

void cb_invoice_id(size_t i, char out[32])
{
    snprintf(out, 32, "INV-%07zu", i); /* sequential numbers: id order is the invoices' order */
}

/* Drafts are pending; an open invoice whose latest collection failed is payment_due, one
 * sent with terms posted; dunning that gave up leaves not_paid. */
const char *cb_invoice_status(const cb_state *st, size_t i)
{
    const sb_world *w = st->w;
    const w_invoice *v = &w->invoices[i];
    switch (v->status) {
    case W_INV_DRAFT: return "pending";
    case W_INV_PAID: return "paid";
    case W_INV_VOID: return "voided";
    case W_INV_UNCOLLECTIBLE: return "not_paid";
    default:
        return v->payment >= 0 && w->payments[v->payment].status == W_PAY_FAILED ? "payment_due" : "posted";
    }
}

const char *cb_line_entity(const cb_state *st, const w_line *l)
{
    const sb_world *w = st->w;
    if (l->price < 0)
        return "adhoc";
    if (!w->prices[l->price].recurring)
        return "charge_item_price";
    if (l->item >= 0 && (uint32_t)l->item == w->subs[w->items[l->item].sub].first_item)
        return "plan_item_price";
    return "addon_item_price";
}

void cb_txn_id(const cb_state *st, int source, uint32_t index, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->txn_styles[source], st->w->seed, (unsigned)(CB_TXN + source), index);
}
