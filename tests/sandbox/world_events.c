/* The world's change log and `updated` times at epoch 0: what the generated history did
 * in its last 30 days (a change feed keeps no more), read off the records' timestamps. An
 * advance (world_advance.c) appends to the log as it changes records. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "world_gen.h"

#define FEED_DAYS 30

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

void wg_event(sb_world *w, size_t *cap, int64_t at, int kind, int what, size_t index)
{
    wg_event_field(w, cap, at, kind, what, index, W_FLD_NONE, NULL, 0);
}

void wg_event_field(sb_world *w, size_t *cap, int64_t at, int kind, int what, size_t index, int field,
                    const char *old_text, int64_t old_int)
{
    WG_GROW(w->events, w->n_events, *cap);
    w->events[w->n_events++] = (w_event){at, kind, what, field, (uint32_t)index, old_text, old_int};
}

/* The latest change of every record at epoch 0: its creation or a later timestamp of its
 * own, never after now. */
static void updated_times(sb_world *w)
{
    int64_t now = w->now;
    for (size_t i = 0; i < w->n_customers; i++)
        w->customers[i].updated = max64(w->customers[i].created, w->customers[i].deleted_at);
    for (size_t i = 0; i < w->n_products; i++)
        w->products[i].updated = w->products[i].created;
    for (size_t i = 0; i < w->n_prices; i++)
        w->prices[i].updated = max64(w->prices[i].created, w->prices[i].archived_at);
    for (size_t i = 0; i < w->n_invoices; i++) {
        w_invoice *v = &w->invoices[i];
        v->updated = max64(max64(v->created, v->finalized_at),
                           max64(v->paid_at, max64(v->voided_at, v->uncollectible_at)));
    }
    for (size_t i = 0; i < w->n_refunds; i++)
        w->refunds[i].updated = w->refunds[i].created;
    for (size_t i = 0; i < w->n_payments; i++) {
        w_payment *p = &w->payments[i];
        p->updated = max64(p->created, p->dispute ? p->disputed_at : 0);
        for (uint32_t k = 0; k < p->n_refunds; k++)
            p->updated = max64(p->updated, w->refunds[w->payment_refunds[p->first_refund + k]].created);
        if (p->updated > now)
            p->updated = now;
    }
    for (size_t i = 0; i < w->n_subs; i++) {
        w_sub *s = &w->subs[i];
        int64_t u = max64(s->created, s->canceled_at);
        if (s->ended_at && s->ended_at <= now)
            u = max64(u, s->ended_at);
        if (s->trial_end && s->trial_end <= now)
            u = max64(u, s->trial_end);
        if (s->latest_invoice >= 0)
            u = max64(u, w->invoices[s->latest_invoice].created);
        if (s->last_payment >= 0)
            u = max64(u, w->payments[s->last_payment].created);
        if (s->last_failure >= 0)
            u = max64(u, w->payments[s->last_failure].created);
        s->updated = u > now ? now : u;
    }
}

static int cmp_event(const void *a, const void *b)
{
    const w_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind - y->kind;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return x->what - y->what;
}

void wg_events_sort(w_event *ev, size_t n)
{
    qsort(ev, n, sizeof *ev, cmp_event);
}

/* The log of the last FEED_DAYS days, from the records' own timestamps. Each change is
 * there once: a record's creation, and each later transition it went through. */
static void initial_log(sb_world *w)
{
    int64_t from = w->now - FEED_DAYS * W_DAY, now = w->now;
    size_t cap = 0;
#define IN(t) ((t) > from && (t) <= now)
    for (size_t i = 0; i < w->n_customers; i++) {
        const w_customer *c = &w->customers[i];
        if (IN(c->created))
            wg_event(w, &cap, c->created, W_K_CUSTOMER, W_EV_CREATED, i);
        if (c->deleted_at && IN(c->deleted_at))
            wg_event(w, &cap, c->deleted_at, W_K_CUSTOMER, W_EV_DELETED, i);
    }
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (IN(p->created))
            wg_event(w, &cap, p->created, W_K_PRICE, W_EV_CREATED, i);
        if (p->archived_at && IN(p->archived_at))
            wg_event_field(w, &cap, p->archived_at, W_K_PRICE, W_EV_UPDATED, i, W_FLD_ACTIVE, NULL, 1);
    }
    for (size_t i = 0; i < w->n_subs; i++) {
        const w_sub *s = &w->subs[i];
        if (IN(s->created))
            wg_event(w, &cap, s->created, W_K_SUB, W_EV_CREATED, i);
        if (s->trial_end && IN(s->trial_end) && s->created != s->trial_end && s->status != W_SUB_TRIALING)
            wg_event_field(w, &cap, s->trial_end, W_K_SUB, W_EV_UPDATED, i, W_FLD_STATUS, NULL, W_SUB_TRIALING);
        if (s->cancel_at_period_end && IN(s->canceled_at))
            wg_event_field(w, &cap, s->canceled_at, W_K_SUB, W_EV_UPDATED, i, W_FLD_CANCEL_AT_PERIOD_END, NULL, 0);
        if (s->ended_at && IN(s->ended_at))
            wg_event(w, &cap, s->ended_at, W_K_SUB, W_EV_DELETED, i);
    }
    for (size_t i = 0; i < w->n_invoices; i++) {
        const w_invoice *v = &w->invoices[i];
        if (IN(v->created))
            wg_event(w, &cap, v->created, W_K_INVOICE, W_EV_CREATED, i);
        if (v->finalized_at && IN(v->finalized_at))
            wg_event(w, &cap, v->finalized_at, W_K_INVOICE, W_EV_FINALIZED, i);
        if (v->paid_at && IN(v->paid_at))
            wg_event(w, &cap, v->paid_at, W_K_INVOICE, W_EV_PAID, i);
        if (v->voided_at && IN(v->voided_at))
            wg_event(w, &cap, v->voided_at, W_K_INVOICE, W_EV_VOIDED, i);
        if (v->uncollectible_at && IN(v->uncollectible_at))
            wg_event(w, &cap, v->uncollectible_at, W_K_INVOICE, W_EV_UNCOLLECTIBLE, i);
    }
    for (size_t i = 0; i < w->n_payments; i++) {
        const w_payment *p = &w->payments[i];
        if (IN(p->created)) {
            int what = p->status == W_PAY_FAILED ? W_EV_FAILED : p->status == W_PAY_PENDING ? W_EV_PENDING : W_EV_SUCCEEDED;
            wg_event(w, &cap, p->created, W_K_PAYMENT, what, i);
            if (p->invoice >= 0 && what == W_EV_FAILED)
                wg_event(w, &cap, p->created, W_K_INVOICE, W_EV_PAYMENT_FAILED, (size_t)p->invoice);
            if (p->invoice >= 0 && what == W_EV_SUCCEEDED)
                wg_event(w, &cap, p->created, W_K_INPAY, W_EV_PAID, i);
        }
        if (p->dispute && IN(p->disputed_at))
            wg_event(w, &cap, p->disputed_at, W_K_DISPUTE, W_EV_CREATED, i);
        if (p->dispute && IN(w_dispute_closes(p)))
            wg_event(w, &cap, w_dispute_closes(p), W_K_DISPUTE, W_EV_CLOSED, i);
    }
    for (size_t i = 0; i < w->n_refunds; i++) {
        const w_refund *r = &w->refunds[i];
        if (!IN(r->created))
            continue;
        wg_event(w, &cap, r->created, W_K_REFUND, W_EV_CREATED, i);
        if (r->status != W_RE_FAILED && r->status != W_RE_CANCELED)
            wg_event(w, &cap, r->created, W_K_PAYMENT, W_EV_REFUNDED, (size_t)r->payment);
    }
#undef IN
    wg_events_sort(w->events, w->n_events);
}

void wg_epoch0(sb_world *w)
{
    w->now = W_NOW;
    w->epoch = 0;
    updated_times(w);
    initial_log(w);
}
