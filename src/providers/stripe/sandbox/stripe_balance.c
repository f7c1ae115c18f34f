/* Money as Stripe's balance sees it: the balance transaction of each charge and refund,
 * and disputes with theirs. Derived from the world only, for the renderer and the truth
 * writer alike (each then shows it its own way). */
#include <stdlib.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"
#include "stripe_model.h"

/* Disputes are few (about 1 % of payments): an insertion sort by (disputed_at, payment). */
void st_disputes_init(st_state *st)
{
    const sb_world *w = st->w;
    size_t n = 0;
    st->disputes = sb_xmalloc((w->n_payments ? w->n_payments : 1) * sizeof *st->disputes);
    st->dispute_of = sb_xmalloc((w->n_payments ? w->n_payments : 1) * sizeof *st->dispute_of);
    for (size_t i = 0; i < w->n_payments; i++) {
        st->dispute_of[i] = -1;
        if (!w->payments[i].dispute)
            continue;
        size_t k = n++;
        while (k > 0 && w->payments[st->disputes[k - 1]].disputed_at > w->payments[i].disputed_at) {
            st->disputes[k] = st->disputes[k - 1];
            k--;
        }
        st->disputes[k] = (uint32_t)i;
    }
    for (size_t d = 0; d < n; d++)
        st->dispute_of[st->disputes[d]] = (int32_t)d;
    st->n_disputes = n;
    st->inpays = sb_xmalloc((w->n_payments ? w->n_payments : 1) * sizeof *st->inpays);
    st->n_inpays = 0;
    for (size_t i = 0; i < w->n_payments; i++)
        if (w->payments[i].invoice >= 0)
            st->inpays[st->n_inpays++] = (uint32_t)i;
    /* Each invoice's payments, newest first: counted, then filled from the newest down. */
    st->inv_pay_first = sb_xmalloc((w->n_invoices + 1) * sizeof *st->inv_pay_first);
    st->inv_pays = sb_xmalloc((st->n_inpays ? st->n_inpays : 1) * sizeof *st->inv_pays);
    for (size_t v = 0; v <= w->n_invoices; v++)
        st->inv_pay_first[v] = 0;
    for (size_t k = 0; k < st->n_inpays; k++)
        st->inv_pay_first[w->payments[st->inpays[k]].invoice + 1]++;
    for (size_t v = 0; v < w->n_invoices; v++)
        st->inv_pay_first[v + 1] += st->inv_pay_first[v];
    uint32_t *fill = sb_xmalloc((w->n_invoices ? w->n_invoices : 1) * sizeof *fill);
    for (size_t v = 0; v < w->n_invoices; v++)
        fill[v] = st->inv_pay_first[v];
    for (size_t k = st->n_inpays; k-- > 0;)
        st->inv_pays[fill[w->payments[st->inpays[k]].invoice]++] = (uint32_t)k;
    free(fill);
}

void st_disputes_free(st_state *st)
{
    free(st->disputes);
    free(st->dispute_of);
    free(st->inpays);
    free(st->inv_pays);
    free(st->inv_pay_first);
}

/* A chargeback (the world's) is a dispute: decided after 75 days, lost more often than won,
 * under review before. A reversal (the world's word for a disputed payment the bank only
 * asked about) is Stripe's inquiry: warning_*, no money moves, closed after 120 days. The
 * dispute fee is 15.00 in the currency, returned when won. */
void st_dispute(const st_state *st, size_t d, st_dispute_view *out)
{
    size_t i = st->disputes[d];
    const w_payment *p = &st->w->payments[i];
    uint64_t h = sb_mix64(st->w->seed ^ (i * 0xD1B54A32D192ED03ULL));
    out->payment = i;
    out->n_txn = 0;
    out->inquiry = p->dispute == W_DISPUTE_REVERSAL;
    if (out->inquiry) {
        out->status = p->disputed_at < st->w->now - 120 * W_DAY ? "warning_closed" : "warning_under_review";
        return;
    }
    int decided = p->disputed_at < st->w->now - 75 * W_DAY;
    int won = decided && h % 5 < 2;
    out->status = !decided ? (h % 2 ? "under_review" : "needs_response") : won ? "won" : "lost";
    int64_t fee = w_round(p->ccy, 15 * w_currencies[p->ccy].unit);
    out->txn[0] = (st_txn){p->disputed_at, -p->amount, fee, -p->amount - fee, "adjustment", "dispute", 0};
    out->n_txn = 1;
    if (won) {
        int64_t t = p->disputed_at + 70 * W_DAY;
        out->txn[1] = (st_txn){t, p->amount, -fee, p->amount + fee, "adjustment", "dispute_reversal", 0};
        out->n_txn = 2;
    }
}

int st_charge_txn(const st_state *st, size_t i, st_txn *out)
{
    const w_payment *p = &st->w->payments[i];
    if (p->status == W_PAY_FAILED || p->uncaptured)
        return 0;
    *out = (st_txn){p->created, p->amount, p->fee, p->amount - p->fee, "charge", "charge",
                    p->status == W_PAY_PENDING};
    return 1;
}

int st_refund_txn(const st_state *st, size_t i, st_txn *out)
{
    const w_refund *re = &st->w->refunds[i];
    if (re->status == W_RE_CANCELED || re->status == W_RE_REQUIRES_ACTION)
        return 0;
    *out = (st_txn){re->created, -re->amount, 0, -re->amount, "refund", "refund", re->status == W_RE_PENDING};
    return 1;
}

int st_refund_status_null(const st_state *st, size_t i)
{
    return st->w->refunds[i].status == W_RE_PENDING && sb_mix64(st->w->seed ^ (i * 0x9FB21C651E98DF25ULL)) % 3 == 0;
}
