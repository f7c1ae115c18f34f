/* Payments that no invoice asked for (one-off and guest checkouts, flash-sale days),
 * then every payment in order; refunds (full, partial, several per payment, in every
 * status, amount_refunded kept consistent) and disputes (reversals, chargebacks). */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "world_gen.h"

static const char *const descriptions[] = {
    "Payment for order #1042", "Café crème ☕ ×2", "Консультация", "Invoice \"INV-7\"",
    "Top-up", "Dépannage à domicile", "Workshop seat",
};

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int64_t one_off_amount(sb_rng *r, int ccy)
{
    const w_currency *c = &w_currencies[ccy];
    int64_t v = sb_rng_range(r, 1, 500) * c->unit;
    if (sb_rng_pct(r, 50))
        v -= c->quantum;
    return max64(w_round(ccy, v), w_round(ccy, c->unit / 2));
}

/* A payment at t (or at a random time when t is 0) by a customer alive then, or a guest. */
static void one_off(sb_world *w, sb_rng *r, w_payment *p, int64_t t, int guest)
{
    static const unsigned ccy_w[W_NCCY] = {50, 15, 8, 5, 5, 2, 2, 6, 3, 2, 2, 2, 2};
    memset(p, 0, sizeof *p);
    p->customer = p->guest = p->invoice = -1;
    p->created = t ? t : sb_rng_range(r, W_START, W_NOW - 60);
    if (!guest && w->n_customers) {
        for (int tries = 0; tries < 20 && p->customer < 0; tries++) {
            size_t i = sb_rng_below(r, w->n_customers);
            const w_customer *cu = &w->customers[i];
            int64_t end = cu->deleted_at ? cu->deleted_at : W_NOW;
            if (!t && end - cu->created > 240) /* a time in the customer's life */
                p->created = sb_rng_range(r, cu->created + 60, end - 60);
            if (cu->created < p->created && (!cu->deleted_at || cu->deleted_at > p->created))
                p->customer = (int)i;
        }
    }
    const w_customer *cu = p->customer >= 0 ? &w->customers[p->customer] : NULL;
    p->ccy = cu && !sb_rng_pct(r, 15) ? cu->ccy : (int)sb_rng_weighted(r, ccy_w, W_NCCY);
    p->amount = one_off_amount(r, p->ccy);
    p->bank = cu && cu->bank;
    static const unsigned status_w[3] = {86, 5, 9};
    p->status = (int)sb_rng_weighted(r, status_w, 3);
    if (p->status == W_PAY_FAILED)
        p->failure = sb_rng_pct(r, 33) ? W_FAIL_FUNDS : W_FAIL_DECLINED;
    if (p->status == W_PAY_PENDING) { /* pending payments are recent bank debits */
        int64_t lo = W_NOW - 4 * W_DAY, hi = W_NOW - 60;
        if (cu) {
            lo = max64(lo, cu->created + 60);
            if (cu->deleted_at)
                hi = min64(hi, cu->deleted_at - 60);
        }
        if (lo <= hi && !t) {
            p->created = sb_rng_range(r, lo, hi);
            p->bank = 1;
        } else {
            p->status = W_PAY_SUCCEEDED;
        }
    }
    p->description = sb_rng_pct(r, 60) ? descriptions[sb_rng_below(r, sizeof descriptions / sizeof *descriptions)] : NULL;
}

/* Split total (>= k) quanta into k parts of at least one each. */
static void split(sb_rng *r, int64_t total, size_t k, int64_t *parts)
{
    int64_t left = total;
    for (size_t j = 0; j + 1 < k; j++) {
        int64_t most = left - (int64_t)(k - 1 - j);
        parts[j] = sb_rng_range(r, 1, most / 2 > 1 ? most / 2 : 1);
        left -= parts[j];
    }
    parts[k - 1] = left;
}

static void refunds(sb_world *w, sb_rng *r)
{
    size_t target = w->n_payments / 10, nc = 0;
    size_t *cand = sb_xmalloc((w->n_payments ? w->n_payments : 1) * sizeof *cand);
    for (size_t i = 0; i < w->n_payments; i++)
        if (w->payments[i].status == W_PAY_SUCCEEDED && w->payments[i].amount > 0)
            cand[nc++] = i;
    for (size_t i = nc; i > 1; i--) { /* shuffle */
        size_t j = sb_rng_below(r, i), t = cand[i - 1];
        cand[i - 1] = cand[j];
        cand[j] = t;
    }
    w_refund *gen = sb_xcalloc(target + 8, sizeof *gen);
    size_t n = 0, group = 0;
    /* forced first: full, partial, one partial of each other status, then a split one */
    static const int forced[6] = {W_RE_SUCCEEDED, W_RE_SUCCEEDED, W_RE_PENDING, W_RE_FAILED,
                                  W_RE_CANCELED, W_RE_REQUIRES_ACTION};
    static const unsigned status_w[5] = {85, 5, 4, 3, 3};
    static const unsigned reason_w[4] = {40, 40, 12, 8};
    for (size_t ci = 0; ci < nc && n < target; ci++) {
        const w_payment *p = &w->payments[cand[ci]];
        int64_t q = w_currencies[p->ccy].quantum, units = p->amount / q;
        size_t k;
        int full, status = -1;
        if (group < 7) {
            if (units < 2)
                continue;
            k = group == 6 ? 2 : 1;
            full = group == 0 || group == 6;
            status = group < 6 ? forced[group] : -1;
        } else {
            unsigned roll = (unsigned)sb_rng_below(r, 100);
            full = roll < 45;
            k = roll < 85 ? 1 : (size_t)sb_rng_range(r, 2, 3);
            if (roll >= 85)
                full = sb_rng_pct(r, 30);
        }
        if ((int64_t)k > units - (full ? 0 : 1))
            k = (size_t)(units - (full ? 0 : 1));
        if (k < 1)
            continue;
        int64_t total = full ? units : sb_rng_range(r, (int64_t)k, units - 1), parts[3];
        split(r, total, k, parts);
        int64_t t = p->created;
        for (size_t j = 0; j < k; j++) {
            w_refund *re = &gen[n++];
            re->payment = (int)cand[ci];
            re->amount = parts[j] * q;
            re->status = status >= 0 ? status : (int)sb_rng_weighted(r, status_w, 5);
            re->reason = (int)sb_rng_weighted(r, reason_w, 4);
            if (re->status == W_RE_PENDING || re->status == W_RE_REQUIRES_ACTION)
                t = sb_rng_range(r, max64(t + 60, W_NOW - 7 * W_DAY), W_NOW);
            else
                t = sb_rng_range(r, min64(t + 60, W_NOW), min64(t + 60 * W_DAY, W_NOW));
            re->created = min64(t, W_NOW);
        }
        group++;
    }
    free(cand);
    WG_SORT(gen, n, w_refund, NULL);

    /* per payment, newest first; amount_refunded counts what has not failed or been canceled */
    for (size_t k = 0; k < n; k++)
        w->payments[gen[k].payment].n_refunds++;
    uint32_t off = 0;
    for (size_t i = 0; i < w->n_payments; i++) {
        w->payments[i].first_refund = off;
        off += w->payments[i].n_refunds;
        w->payments[i].n_refunds = 0;
    }
    w->payment_refunds = sb_xmalloc((n ? n : 1) * sizeof *w->payment_refunds);
    for (size_t k = n; k-- > 0;) {
        w_payment *p = &w->payments[gen[k].payment];
        w->payment_refunds[p->first_refund + p->n_refunds++] = (uint32_t)k;
        int st = gen[k].status;
        if (st == W_RE_SUCCEEDED || st == W_RE_PENDING || st == W_RE_REQUIRES_ACTION)
            p->amount_refunded += gen[k].amount;
    }
    w->refunds = gen;
    w->n_refunds = n;
}

/* Authorizations and fees, decided without the random streams so that everything else in
 * the world stays as it was: half of the recent one-off card payments (capturable for seven
 * days) are authorized and not captured; every payment that took money has a processing
 * fee of 2.9 % + 0.30 (card) or 0.8 % capped at 5.00 (bank debit), rounded to the currency. */
static void captures_and_fees(sb_world *w)
{
    for (size_t i = 0; i < w->n_payments; i++) {
        w_payment *p = &w->payments[i];
        if (p->status == W_PAY_SUCCEEDED && p->invoice < 0 && !p->bank && !p->n_refunds &&
            !p->dispute && p->created > W_NOW - 7 * W_DAY && sb_mix64(w->seed ^ (i * 0x5851F42DULL)) % 2 == 0)
            p->uncaptured = 1;
        if (p->status != W_PAY_FAILED && !p->uncaptured)
            p->fee = wg_payment_fee(p);
    }
}

int64_t wg_payment_fee(const w_payment *p)
{
    int64_t unit = w_currencies[p->ccy].unit;
    int64_t fee = p->bank ? p->amount * 8 / 1000 : p->amount * 29 / 1000 + unit * 30 / 100;
    if (p->bank && fee > 5 * unit)
        fee = 5 * unit;
    return w_round(p->ccy, fee);
}

void wg_payments(sb_world *w)
{
    sb_rng r;
    sb_rng_seed(&r, w->seed, WG_STREAM_ONE_OFF);
    int per_day = w->scale >= 200 ? 40 : 6;
    size_t n_one = (size_t)w->scale / 4, n_dense = w->scale >= 20 ? 3 * (size_t)per_day : 0;
    size_t n = w->n_payments;
    w->payments = sb_xrealloc(w->payments, (n + n_one + n_dense + 1) * sizeof *w->payments);
    for (size_t i = 0; i < n_one; i++)
        one_off(w, &r, &w->payments[n++], 0, sb_rng_pct(&r, 20) || (w->scale >= 20 && i == 0));
    for (size_t i = 0; i < n_dense; i++) /* flash sales: many payments on three days */
        one_off(w, &r, &w->payments[n++], w_dense_day((int)(i / (size_t)per_day)) + 3600 +
                                              (int64_t)(i % (size_t)per_day) * (20 * 3600) / per_day,
                sb_rng_pct(&r, 6));

    uint32_t *at = sb_xmalloc((n ? n : 1) * sizeof *at);
    WG_SORT(w->payments, n, w_payment, at);
    w->n_payments = n;
    for (size_t i = 0; i < w->n_invoices; i++)
        if (w->invoices[i].payment >= 0)
            w->invoices[i].payment = (int32_t)at[w->invoices[i].payment];
    for (size_t i = 0; i < w->n_subs; i++) {
        w_sub *s = &w->subs[i];
        if (s->last_payment >= 0)
            s->last_payment = (int32_t)at[s->last_payment];
        if (s->last_failure >= 0)
            s->last_failure = (int32_t)at[s->last_failure];
    }
    free(at);
    int guests = 0;
    for (size_t i = 0; i < n; i++)
        if (w->payments[i].customer < 0)
            w->payments[i].guest = guests++;

    sb_rng_seed(&r, w->seed, WG_STREAM_REFUNDS);
    refunds(w, &r);
    int forced = w->scale >= 20 ? 2 : 0; /* a reversal and a chargeback of one-off USD payments, whatever the seed */
    for (size_t i = 0; i < n; i++) { /* disputes: 1 % of the older payments that were not refunded */
        w_payment *p = &w->payments[i];
        if (p->status != W_PAY_SUCCEEDED || p->n_refunds || p->created > W_NOW - 70 * W_DAY)
            continue;
        if (forced && p->ccy == W_USD && p->invoice < 0)
            p->dispute = forced-- == 2 ? W_DISPUTE_REVERSAL : W_DISPUTE_CHARGEBACK;
        else if (sb_rng_pct(&r, 1))
            p->dispute = sb_rng_pct(&r, 60) ? W_DISPUTE_REVERSAL : W_DISPUTE_CHARGEBACK;
        else
            continue;
        p->disputed_at = p->created + sb_rng_range(&r, 2 * W_DAY, 60 * W_DAY);
    }
    captures_and_fees(w);
}
