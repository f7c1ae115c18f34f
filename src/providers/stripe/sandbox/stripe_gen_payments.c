/* Charges and refunds: subscription and one-off charges in every currency, guest charges
 * without a customer, failed and pending charges, renewal runs that share one second,
 * and refunds (full, partial, several per charge) in every refund status, with the
 * charge's amount_refunded kept consistent with them. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "stripe_gen.h"

static const char *const one_off_descriptions[] = {
    "Payment for order #1042", "Café crème ☕ ×2", "Консультация", "Invoice \"INV-7\"",
    "Top-up", "Dépannage à domicile", "Workshop seat",
};

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

typedef struct pctx {
    st_dataset *ds;
    sb_rng r;
    size_t *subs_of;      /* subscription indices grouped by customer */
    size_t *subs_first;   /* per customer: offset into subs_of; [n] = total */
} pctx;

static void index_subs_by_customer(pctx *c)
{
    st_dataset *ds = c->ds;
    c->subs_first = sb_xcalloc(ds->n_customers + 1, sizeof *c->subs_first);
    c->subs_of = sb_xmalloc((ds->n_subs ? ds->n_subs : 1) * sizeof *c->subs_of);
    for (size_t i = 0; i < ds->n_subs; i++)
        c->subs_first[ds->subs[i].customer + 1]++;
    for (size_t i = 0; i < ds->n_customers; i++)
        c->subs_first[i + 1] += c->subs_first[i];
    size_t *fill = sb_xmalloc((ds->n_customers + 1) * sizeof *fill);
    memcpy(fill, c->subs_first, (ds->n_customers + 1) * sizeof *fill);
    for (size_t i = 0; i < ds->n_subs; i++)
        c->subs_of[fill[ds->subs[i].customer]++] = i;
    free(fill);
}

static int64_t min_amount(int ccy)
{
    return st_round_amount(ccy, st_currencies[ccy].unit / 2);
}

/* What one period of the subscription costs, with some usage for metered and tiered. */
static int64_t sub_amount(pctx *c, const st_sub *s)
{
    const st_dataset *ds = c->ds;
    int64_t sum = 0;
    for (size_t i = 0; i < s->n_items; i++) {
        const st_item *it = &ds->items[s->first_item + i];
        const st_price *p = &ds->prices[it->price];
        if (!p->has_unit_amount)
            sum += sb_rng_range(&c->r, 1, 50) * st_currencies[p->ccy].unit;
        else if (p->metered)
            sum += p->unit_amount * sb_rng_range(&c->r, 0, 2000);
        else
            sum += p->unit_amount * it->quantity;
    }
    if (sum > 99999999)
        sum = 99999999;
    return st_round_amount(s->ccy, max64(sum, min_amount(s->ccy)));
}

static int64_t one_off_amount(pctx *c, int ccy)
{
    const st_currency *cu = &st_currencies[ccy];
    int64_t v = sb_rng_range(&c->r, 1, 500) * cu->unit;
    if (sb_rng_pct(&c->r, 50))
        v -= cu->quantum;
    return st_round_amount(ccy, max64(v, min_amount(ccy)));
}

/* Can customer i pay at time t? */
static int alive_at(const st_customer *cu, int64_t t)
{
    return cu->created <= t && (!cu->deleted_at || cu->deleted_at > t);
}

static size_t customer_with_ccy(const st_dataset *ds, int ccy)
{
    for (size_t i = 0; i < ds->n_customers; i++)
        if (ds->customers[i].ccy == ccy && !ds->customers[i].deleted_at)
            return i;
    return (size_t)-1;
}

enum { F_NONE = -1, F_FAILED, F_PENDING, F_GUEST, F_DELETED, F_JPY, F_KRW, F_KWD, F_BHD, F_COUNT };

static void gen_charge(pctx *c, st_charge *ch, int forced)
{
    st_dataset *ds = c->ds;
    sb_rng *r = &c->r;
    memset(ch, 0, sizeof *ch);
    ch->customer = -1;
    ch->sub = -1;
    static const unsigned status_w[3] = {86, 5, 9};
    ch->status = (int)sb_rng_weighted(r, status_w, 3);
    if (forced == F_FAILED)
        ch->status = ST_CH_FAILED;
    else if (forced == F_PENDING)
        ch->status = ST_CH_PENDING;
    else if (forced >= F_GUEST)
        ch->status = ST_CH_SUCCEEDED;

    long cust = -1;
    int64_t lo = ST_T_START, hi = ST_NOW - 60;
    unsigned roll = (unsigned)sb_rng_below(r, 100);
    if (forced == F_DELETED) {
        for (size_t i = 0; i < ds->n_customers && cust < 0; i++)
            if (ds->customers[i].deleted_at && c->subs_first[i + 1] > c->subs_first[i])
                cust = (long)i;
        for (size_t i = 0; i < ds->n_customers && cust < 0; i++)
            if (ds->customers[i].deleted_at)
                cust = (long)i;
    } else if (forced >= F_JPY) {
        static const int ccy[4] = {ST_JPY, ST_KRW, ST_KWD, ST_BHD};
        size_t i = customer_with_ccy(ds, ccy[forced - F_JPY]);
        cust = i == (size_t)-1 ? -1 : (long)i;
    } else if (forced == F_GUEST || roll < 5 || ds->n_customers == 0) {
        cust = -1;
    } else if (roll < 15) {
        /* a renewal run: many charges in one second */
        int64_t t = sb_rng_pct(r, 50) ? ST_TS_RENEWAL1 : ST_TS_RENEWAL2;
        for (int tries = 0; tries < 20; tries++) {
            size_t i = sb_rng_below(r, ds->n_customers);
            if (alive_at(&ds->customers[i], t)) {
                cust = (long)i;
                lo = hi = t;
                break;
            }
        }
    } else {
        cust = (long)sb_rng_below(r, ds->n_customers);
    }

    if (cust < 0) {
        static const unsigned ccy_w[ST_NCCY] = {50, 15, 8, 5, 5, 2, 2, 6, 3, 2, 2};
        ch->ccy = (int)sb_rng_weighted(r, ccy_w, ST_NCCY);
        ch->created = sb_rng_range(r, lo, hi);
        ch->amount = one_off_amount(c, ch->ccy);
    } else {
        const st_customer *cu = &ds->customers[cust];
        ch->customer = (int)cust;
        ch->ccy = cu->ccy;
        if (lo != hi) {
            lo = cu->created;
            hi = (cu->deleted_at ? cu->deleted_at : ST_NOW) - 60;
            if (hi < lo)
                hi = lo;
        }
        size_t ns = c->subs_first[cust + 1] - c->subs_first[cust];
        const st_sub *s = NULL;
        if (lo != hi && ns && forced == F_NONE && sb_rng_pct(r, 65)) {
            size_t si = c->subs_of[c->subs_first[cust] + sb_rng_below(r, ns)];
            if (ds->subs[si].status != ST_SUB_TRIALING) {
                s = &ds->subs[si];
                ch->sub = (int)si;
            }
        }
        if (s) {
            ch->ccy = s->ccy;
            ch->amount = sub_amount(c, s);
            int64_t end = min64(s->ended_at ? s->ended_at : ST_NOW, hi);
            if (s->status == ST_SUB_INCOMPLETE || s->status == ST_SUB_INCOMPLETE_EXPIRED) {
                ch->created = s->created;
                ch->status = ST_CH_FAILED; /* the first payment never went through */
            } else {
                ch->created = sb_rng_range(r, max64(s->created, s->trial_end), max64(end, s->created));
                if (ch->created > end)
                    ch->created = max64(s->created, end);
            }
            ch->description = ch->created == s->created ? "Subscription creation" : "Subscription update";
        } else {
            ch->created = sb_rng_range(r, lo, hi);
            ch->amount = one_off_amount(c, ch->ccy);
        }
    }
    if (!ch->description && sb_rng_pct(r, 60))
        ch->description = one_off_descriptions[sb_rng_below(r, sizeof one_off_descriptions / sizeof *one_off_descriptions)];

    /* Pending payments are recent; move them into the last five days when possible. */
    if (ch->status == ST_CH_PENDING && ch->created < ST_NOW - 5 * ST_DAY_S) {
        int64_t plo = ST_NOW - 5 * ST_DAY_S, phi = ST_NOW - 60;
        if (ch->customer >= 0) {
            const st_customer *cu = &ds->customers[ch->customer];
            plo = max64(plo, cu->created);
            if (cu->deleted_at)
                phi = min64(phi, cu->deleted_at - 60);
        }
        if (ch->sub >= 0) {
            const st_sub *s = &ds->subs[ch->sub];
            plo = max64(plo, max64(s->created, s->trial_end));
            if (s->ended_at)
                phi = min64(phi, s->ended_at);
        }
        if (plo <= phi && ch->created != ST_TS_RENEWAL1 && ch->created != ST_TS_RENEWAL2)
            ch->created = sb_rng_range(r, plo, phi);
        else
            ch->status = ST_CH_SUCCEEDED;
    }
}

/* Split total (>= k) quanta into k parts of at least one quantum each. */
static void split_units(sb_rng *r, int64_t total, size_t k, int64_t *parts)
{
    int64_t left = total;
    for (size_t j = 0; j + 1 < k; j++) {
        int64_t maxp = left - (int64_t)(k - 1 - j);
        parts[j] = sb_rng_range(r, 1, maxp / 2 > 1 ? maxp / 2 : 1);
        left -= parts[j];
    }
    parts[k - 1] = left;
}

static void gen_refunds(pctx *c)
{
    st_dataset *ds = c->ds;
    sb_rng_seed(&c->r, ds->seed, ST_STREAM_REFUNDS);
    sb_rng *r = &c->r;
    size_t target = ds->n_charges / 10;
    size_t *cand = sb_xmalloc((ds->n_charges ? ds->n_charges : 1) * sizeof *cand);
    size_t nc = 0;
    for (size_t i = 0; i < ds->n_charges; i++)
        if (ds->charges[i].status == ST_CH_SUCCEEDED)
            cand[nc++] = i;
    for (size_t i = nc; i > 1; i--) { /* shuffle */
        size_t j = sb_rng_below(r, i);
        size_t t = cand[i - 1];
        cand[i - 1] = cand[j];
        cand[j] = t;
    }
    st_refund *gen = sb_xcalloc(target + 8, sizeof *gen);
    size_t n = 0, group = 0;
    /* forced groups: full, partial, then one partial of each other status, then split */
    static const int forced_status[6] = {ST_RE_SUCCEEDED, ST_RE_SUCCEEDED, ST_RE_PENDING,
                                         ST_RE_FAILED, ST_RE_CANCELED, ST_RE_REQUIRES_ACTION};
    static const unsigned status_w[5] = {85, 5, 4, 3, 3};
    static const unsigned reason_w[4] = {40, 40, 12, 8};
    for (size_t ci = 0; ci < nc && n < target; ci++) {
        const st_charge *ch = &ds->charges[cand[ci]];
        int64_t q = st_currencies[ch->ccy].quantum;
        int64_t units = ch->amount / q;
        size_t k;
        int full, status = -1;
        if (group < 6) {
            if (units < 2)
                continue;
            k = 1;
            full = group == 0;
            status = forced_status[group];
        } else if (group == 6) {
            if (units < 2)
                continue;
            k = 2;
            full = 1;
        } else {
            unsigned roll = (unsigned)sb_rng_below(r, 100);
            full = roll < 45;
            k = roll < 85 ? 1 : (size_t)sb_rng_range(r, 2, 3);
            if (roll >= 85)
                full = sb_rng_pct(r, 30);
            if (!full && units < 2)
                continue;
        }
        /* full: the parts add up to the charge; partial: to less than it */
        if ((int64_t)k > units - (full ? 0 : 1))
            k = (size_t)(units - (full ? 0 : 1));
        if (k < 1)
            continue;
        int64_t total = full ? units : sb_rng_range(r, (int64_t)k, units - 1);
        int64_t parts[3];
        split_units(r, total, k, parts);
        int64_t t = ch->created;
        for (size_t j = 0; j < k && n < target + 8; j++) {
            st_refund *re = &gen[n++];
            re->charge = (int)cand[ci];
            re->amount = parts[j] * q;
            re->status = status >= 0 ? status : (int)sb_rng_weighted(r, status_w, 5);
            re->reason = (int)sb_rng_weighted(r, reason_w, 4);
            if (re->status == ST_RE_PENDING || re->status == ST_RE_REQUIRES_ACTION) {
                t = sb_rng_range(r, max64(t + 60, ST_NOW - 7 * ST_DAY_S), ST_NOW);
            } else {
                t = sb_rng_range(r, min64(t + 60, ST_NOW), min64(t + 60 * ST_DAY_S, ST_NOW));
            }
            if (t > ST_NOW)
                t = ST_NOW;
            re->created = t;
        }
        group++;
    }
    free(cand);

    st_refund *refunds = ST_ORDER(ds, gen, n, st_refund, ST_ID_REFUND);

    /* Per charge, newest first; amount_refunded counts refunds that have not failed or
     * been canceled. */
    for (size_t k = 0; k < n; k++)
        ds->charges[refunds[k].charge].n_refunds++;
    size_t off = 0;
    for (size_t i = 0; i < ds->n_charges; i++) {
        ds->charges[i].first_refund = off;
        off += ds->charges[i].n_refunds;
        ds->charges[i].n_refunds = 0;
    }
    ds->charge_refunds = sb_xmalloc((n ? n : 1) * sizeof *ds->charge_refunds);
    for (size_t k = n; k-- > 0;) {
        st_charge *ch = &ds->charges[refunds[k].charge];
        ds->charge_refunds[ch->first_refund + ch->n_refunds++] = (uint32_t)k;
        int st = refunds[k].status;
        if (st == ST_RE_SUCCEEDED || st == ST_RE_PENDING || st == ST_RE_REQUIRES_ACTION)
            ch->amount_refunded += refunds[k].amount;
    }
    ds->refunds = refunds;
    ds->n_refunds = n;
}

void st_gen_payments(st_dataset *ds)
{
    pctx c;
    memset(&c, 0, sizeof c);
    c.ds = ds;
    sb_rng_seed(&c.r, ds->seed, ST_STREAM_CHARGES);
    index_subs_by_customer(&c);

    size_t n = (size_t)ds->scale * 5 / 2;
    st_charge *gen = sb_xcalloc(n ? n : 1, sizeof *gen);
    for (size_t i = 0; i < n; i++)
        gen_charge(&c, &gen[i], (ds->scale >= 20 && i < F_COUNT) ? (int)i : F_NONE);

    st_charge *charges = ST_ORDER(ds, gen, n, st_charge, ST_ID_CHARGE);
    for (size_t k = 0; k < n; k++)
        if (charges[k].sub >= 0)
            ds->subs[charges[k].sub].latest_charge = (long)k; /* ascending: the last wins */
    free(c.subs_of);
    free(c.subs_first);
    ds->charges = charges;
    ds->n_charges = n;
    gen_refunds(&c);
}
