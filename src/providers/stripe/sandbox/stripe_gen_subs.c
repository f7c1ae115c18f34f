/* Subscriptions and their items: every status with the dates Stripe would show for it,
 * trials, cancellations now or at period end, multi-item subscriptions (one per ~500
 * customers has 12-15 items, more than the 10 a subscription embeds), metered items
 * without quantity, mixed-interval subscriptions whose items have different periods,
 * and canceled subscriptions of deleted customers. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "stripe_gen.h"

typedef struct gen_item {
    int price;
    int64_t created, quantity, period_start, period_end;
} gen_item;

typedef struct group {
    int ccy, interval, count;
    int *prices;
    size_t n;
} group;

typedef struct ctx {
    st_dataset *ds;
    sb_rng r;
    group *groups;
    size_t n_groups;
    int *group_of;              /* per price */
    int *by_ccy[ST_NCCY];       /* usable prices per currency */
    size_t n_by_ccy[ST_NCCY];
    size_t *cust_by_ccy[ST_NCCY]; /* live customers per currency */
    size_t n_cust_by_ccy[ST_NCCY];
    gen_item *items;
    size_t n_items, cap_items;
} ctx;

enum { KIND_REGULAR, KIND_BIG, KIND_MIXED };

static void build_groups(ctx *c)
{
    st_dataset *ds = c->ds;
    c->group_of = sb_xmalloc(ds->n_prices * sizeof *c->group_of);
    c->groups = sb_xcalloc(ds->n_prices, sizeof *c->groups);
    for (int k = 0; k < ST_NCCY; k++)
        c->by_ccy[k] = sb_xmalloc(ds->n_prices * sizeof(int));
    for (size_t i = 0; i < ds->n_prices; i++) {
        const st_price *p = &ds->prices[i];
        c->group_of[i] = -1;
        if (!p->usable)
            continue;
        c->by_ccy[p->ccy][c->n_by_ccy[p->ccy]++] = (int)i;
        size_t g;
        for (g = 0; g < c->n_groups; g++)
            if (c->groups[g].ccy == p->ccy && c->groups[g].interval == p->interval &&
                c->groups[g].count == p->interval_count)
                break;
        if (g == c->n_groups) {
            c->groups[g].ccy = p->ccy;
            c->groups[g].interval = p->interval;
            c->groups[g].count = p->interval_count;
            c->groups[g].prices = sb_xmalloc(ds->n_prices * sizeof(int));
            c->n_groups++;
        }
        c->groups[g].prices[c->groups[g].n++] = (int)i;
        c->group_of[i] = (int)g;
    }
    for (size_t i = 0; i < ds->n_customers; i++) {
        const st_customer *cu = &ds->customers[i];
        if (cu->deleted_at || cu->created > ST_NOW - 3 * ST_DAY_S)
            continue;
        if (!c->cust_by_ccy[cu->ccy])
            c->cust_by_ccy[cu->ccy] = sb_xmalloc(ds->n_customers * sizeof(size_t));
        c->cust_by_ccy[cu->ccy][c->n_cust_by_ccy[cu->ccy]++] = i;
    }
}

static int find_group(const ctx *c, int ccy, int interval, int count)
{
    for (size_t g = 0; g < c->n_groups; g++)
        if (c->groups[g].ccy == ccy && c->groups[g].interval == interval && c->groups[g].count == count)
            return (int)g;
    return -1;
}

/* Pick up to n distinct prices of group g (first one given, or -1). */
static size_t pick_prices(ctx *c, int g, int first, size_t n, int *out)
{
    const group *gr = &c->groups[g];
    int *pool = sb_xmalloc(gr->n * sizeof *pool);
    size_t m = 0;
    for (size_t i = 0; i < gr->n; i++)
        if (gr->prices[i] != first)
            pool[m++] = gr->prices[i];
    size_t k = 0;
    if (first >= 0)
        out[k++] = first;
    while (k < n && m > 0) {
        size_t j = sb_rng_below(&c->r, m);
        out[k++] = pool[j];
        pool[j] = pool[--m];
    }
    free(pool);
    return k;
}

static gen_item *new_item(ctx *c)
{
    if (c->n_items == c->cap_items) {
        c->cap_items = c->cap_items ? c->cap_items * 2 : 1024;
        c->items = sb_xrealloc(c->items, c->cap_items * sizeof *c->items);
    }
    gen_item *it = &c->items[c->n_items++];
    memset(it, 0, sizeof *it);
    return it;
}

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* A deleted customer can have had a subscription only if it lived long enough. */
static int eligible(const st_customer *cu)
{
    int64_t lo = max64(cu->created + 60, ST_SUB_EARLIEST);
    int64_t hi = cu->deleted_at ? cu->deleted_at : ST_NOW;
    return hi - lo > 3 * ST_DAY_S;
}

static void gen_sub(ctx *c, st_sub *s, size_t customer, int status, int kind)
{
    st_dataset *ds = c->ds;
    sb_rng *r = &c->r;
    const st_customer *cu = &ds->customers[customer];
    memset(s, 0, sizeof *s);
    s->customer = (int)customer;
    s->latest_charge = -1;

    /* prices */
    int chosen[16];
    size_t n = 0;
    if (kind == KIND_BIG) {
        int g = find_group(c, ST_USD, ST_MONTH, 1);
        n = pick_prices(c, g, -1, 12 + sb_rng_below(r, 4), chosen);
    } else if (kind == KIND_MIXED) {
        int gm = find_group(c, ST_USD, ST_MONTH, 1), gy = find_group(c, ST_USD, ST_YEAR, 1);
        n = pick_prices(c, gm, -1, sb_rng_pct(r, 30) ? 2 : 1, chosen);
        if (gy >= 0)
            n += pick_prices(c, gy, -1, 1, chosen + n);
        s->mixed_intervals = 1;
    } else {
        int main_price = c->by_ccy[cu->ccy][sb_rng_below(r, c->n_by_ccy[cu->ccy])];
        static const unsigned w[3] = {60, 28, 12};
        n = pick_prices(c, c->group_of[main_price], main_price, 1 + sb_rng_weighted(r, w, 3), chosen);
    }
    const st_price *mp = &ds->prices[chosen[0]];
    s->ccy = mp->ccy;

    if (cu->deleted_at)
        status = ST_SUB_CANCELED;
    else if (status < 0) {
        static const unsigned w[ST_SUB_NSTATUS] = {7, 55, 6, 3, 3, 18, 2, 4};
        status = (int)sb_rng_weighted(r, w, ST_SUB_NSTATUS);
    }
    int64_t trial_len = (mp->trial_days >= 0 ? mp->trial_days : 14) * ST_DAY_S;
    if (trial_len == 0)
        trial_len = 14 * ST_DAY_S;
    int64_t lo = max64(cu->created + 60, ST_SUB_EARLIEST);
    int64_t end_hi = cu->deleted_at ? cu->deleted_at : ST_NOW;
    int64_t ref; /* the moment whose billing period the items show */

    switch (status) {
    case ST_SUB_TRIALING:
        s->created = sb_rng_range(r, max64(lo, ST_NOW - trial_len + 3600), ST_NOW - 3600);
        s->start_date = s->trial_start = s->created;
        s->trial_end = s->created + trial_len;
        s->billing_cycle_anchor = s->trial_end;
        ref = ST_NOW;
        break;
    case ST_SUB_INCOMPLETE:
        s->created = sb_rng_range(r, max64(lo, ST_NOW - 22 * 3600), ST_NOW - 600);
        s->start_date = s->billing_cycle_anchor = s->created;
        ref = s->created;
        break;
    case ST_SUB_INCOMPLETE_EXPIRED:
        s->created = sb_rng_range(r, lo, ST_NOW - 2 * ST_DAY_S);
        s->start_date = s->billing_cycle_anchor = s->created;
        s->ended_at = s->created + 23 * 3600; /* the first invoice had 23 hours */
        ref = s->created;
        break;
    default: {
        int64_t hi = end_hi - (cu->deleted_at ? 3600 : 2 * ST_DAY_S);
        if (sb_rng_pct(r, 6) && !cu->deleted_at && lo <= ST_TS_SUB_MIGRATION && hi >= ST_TS_SUB_MIGRATION)
            s->created = ST_TS_SUB_MIGRATION;
        else
            s->created = sb_rng_range(r, lo, hi);
        s->start_date = s->created;
        int want_trial = status == ST_SUB_PAUSED || sb_rng_pct(r, 15);
        if (want_trial && s->created + trial_len >= end_hi - 3600) {
            int64_t earlier = end_hi - trial_len - 2 * ST_DAY_S;
            if (status == ST_SUB_PAUSED && earlier >= lo)
                s->start_date = s->created = sb_rng_range(r, lo, earlier);
            else
                want_trial = 0;
        }
        if (status == ST_SUB_PAUSED && !want_trial)
            status = ST_SUB_ACTIVE; /* Stripe pauses only subscriptions whose trial ended */
        if (want_trial) {
            s->trial_start = s->created;
            s->trial_end = s->created + trial_len;
        } else if (sb_rng_pct(r, 5)) {
            s->start_date = max64(ST_T_START, s->created - sb_rng_range(r, 1, 30) * ST_DAY_S);
        }
        s->billing_cycle_anchor = s->trial_end ? s->trial_end : s->start_date;
        ref = ST_NOW;
        if (status == ST_SUB_CANCELED) {
            int64_t t = (cu->deleted_at && sb_rng_pct(r, 70))
                            ? cu->deleted_at
                            : sb_rng_range(r, s->created + 3600, end_hi);
            int64_t ps, pe;
            st_period_at(s->billing_cycle_anchor, mp->interval, mp->interval_count, t, &ps, &pe);
            if (t != cu->deleted_at && sb_rng_pct(r, 40) && pe <= end_hi) {
                s->ended_at = s->cancel_at = pe;
                s->cancel_at_period_end = 1;
                s->canceled_at = sb_rng_range(r, max64(ps, s->created), pe - 1);
            } else {
                s->ended_at = s->canceled_at = t;
            }
            s->cancel_reason = sb_rng_pct(r, 75) ? 1 : 2;
            ref = s->ended_at - 1;
        } else if (status == ST_SUB_ACTIVE && sb_rng_pct(r, 8)) {
            int64_t ps, pe;
            st_period_at(s->billing_cycle_anchor, mp->interval, mp->interval_count, ST_NOW, &ps, &pe);
            s->cancel_at_period_end = 1;
            s->cancel_at = pe;
            s->canceled_at = sb_rng_range(r, max64(ps, s->created), ST_NOW);
            s->cancel_reason = 1;
        }
        break;
    }
    }
    s->status = status;

    /* items */
    s->first_item = c->n_items;
    s->n_items = n;
    int64_t item_hi = min64(s->ended_at ? s->ended_at : ST_NOW, ST_NOW);
    int late_item = n > 1 && status != ST_SUB_TRIALING && status != ST_SUB_INCOMPLETE &&
                    status != ST_SUB_INCOMPLETE_EXPIRED && sb_rng_pct(r, 10);
    for (size_t i = 0; i < n; i++) {
        const st_price *p = &ds->prices[chosen[i]];
        gen_item *it = new_item(c);
        it->price = chosen[i];
        it->created = s->created;
        if (late_item && i == n - 1 && item_hi > s->created + 60)
            it->created = sb_rng_range(r, s->created + 60, item_hi);
        if (p->metered)
            it->quantity = -1;
        else if (kind == KIND_BIG)
            it->quantity = sb_rng_range(r, 1, 20);
        else {
            unsigned q = (unsigned)sb_rng_below(r, 100);
            it->quantity = q < 70 ? 1 : q < 95 ? sb_rng_range(r, 2, 10) : sb_rng_range(r, 11, 250);
        }
        if (s->trial_end && ref < s->trial_end) {
            it->period_start = s->trial_start;
            it->period_end = s->trial_end;
        } else {
            st_period_at(s->billing_cycle_anchor, p->interval, p->interval_count, ref,
                         &it->period_start, &it->period_end);
        }
    }
}

static size_t random_customer(ctx *c)
{
    st_dataset *ds = c->ds;
    for (int tries = 0; tries < 20; tries++) {
        size_t i = sb_rng_below(&c->r, ds->n_customers);
        if (eligible(&ds->customers[i]))
            return i;
    }
    return (size_t)-1;
}

static size_t customer_of_ccy(ctx *c, int ccy)
{
    if (!c->n_cust_by_ccy[ccy])
        return (size_t)-1;
    return c->cust_by_ccy[ccy][sb_rng_below(&c->r, c->n_cust_by_ccy[ccy])];
}

void st_gen_subscriptions(st_dataset *ds)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.ds = ds;
    sb_rng_seed(&c.r, ds->seed, ST_STREAM_SUBS);
    build_groups(&c);

    size_t n_total = (size_t)ds->scale * 4 / 5;
    st_sub *gen = sb_xcalloc(n_total ? n_total : 1, sizeof *gen);
    size_t n = 0;

    /* The hard cases first, so every dataset of a useful size has them. */
    if (ds->n_customers >= 20) {
        for (int st = 0; st < ST_SUB_NSTATUS && n < n_total; st++) {
            size_t cu = customer_of_ccy(&c, ST_USD);
            if (cu != (size_t)-1)
                gen_sub(&c, &gen[n++], cu, st, KIND_REGULAR);
        }
        static const int hard_ccy[] = {ST_JPY, ST_KRW, ST_KWD, ST_BHD};
        for (size_t k = 0; k < 4 && n < n_total; k++) {
            size_t cu = customer_of_ccy(&c, hard_ccy[k]);
            if (cu != (size_t)-1)
                gen_sub(&c, &gen[n++], cu, ST_SUB_ACTIVE, KIND_REGULAR);
        }
        for (size_t i = 0; i < ds->n_customers && n < n_total; i++) {
            if (ds->customers[i].deleted_at && eligible(&ds->customers[i])) {
                gen_sub(&c, &gen[n++], i, ST_SUB_CANCELED, KIND_REGULAR);
                break;
            }
        }
        size_t n_big = ds->scale / 500 ? (size_t)ds->scale / 500 : 1;
        for (size_t k = 0; k < n_big && n < n_total; k++) {
            size_t cu = customer_of_ccy(&c, ST_USD);
            static const int st_pick[4] = {ST_SUB_ACTIVE, ST_SUB_PAST_DUE, ST_SUB_CANCELED, ST_SUB_TRIALING};
            if (cu != (size_t)-1)
                gen_sub(&c, &gen[n++], cu, k == 0 ? ST_SUB_ACTIVE : st_pick[sb_rng_below(&c.r, 4)], KIND_BIG);
        }
        size_t n_mixed = ds->scale / 400 ? (size_t)ds->scale / 400 : 1;
        for (size_t k = 0; k < n_mixed && n < n_total; k++) {
            size_t cu = customer_of_ccy(&c, ST_USD);
            if (cu != (size_t)-1)
                gen_sub(&c, &gen[n++], cu, ST_SUB_ACTIVE, KIND_MIXED);
        }
    }
    while (n < n_total) {
        size_t cu = random_customer(&c);
        if (cu == (size_t)-1) {
            cu = customer_of_ccy(&c, ST_USD);
            if (cu == (size_t)-1)
                break;
        }
        gen_sub(&c, &gen[n++], cu, -1, KIND_REGULAR);
    }

    /* Oldest first; items laid out in that order, each subscription's contiguous. */
    st_sub *subs = ST_ORDER(ds, gen, n, st_sub, ST_ID_SUB);
    st_item *items = sb_xcalloc(c.n_items ? c.n_items : 1, sizeof *items);
    size_t ni = 0;
    for (size_t k = 0; k < n; k++) {
        size_t first = subs[k].first_item;
        subs[k].first_item = ni;
        for (size_t j = 0; j < subs[k].n_items; j++, ni++) {
            const gen_item *g = &c.items[first + j];
            st_item *it = &items[ni];
            st_make_id(ds, ST_ID_ITEM, ni, it->id, sizeof it->id);
            it->sub = (int)k;
            it->price = g->price;
            it->created = g->created;
            it->quantity = g->quantity;
            it->period_start = g->period_start;
            it->period_end = g->period_end;
        }
        st_customer *cu = &ds->customers[subs[k].customer];
        cu->currency_set = 1;
        if (subs[k].status == ST_SUB_PAST_DUE || subs[k].status == ST_SUB_UNPAID)
            cu->delinquent = 1;
    }

    for (size_t g = 0; g < c.n_groups; g++)
        free(c.groups[g].prices);
    free(c.groups);
    free(c.group_of);
    for (int k = 0; k < ST_NCCY; k++) {
        free(c.by_ccy[k]);
        free(c.cust_by_ccy[k]);
    }
    free(c.items);
    ds->subs = subs;
    ds->n_subs = n;
    ds->items = items;
    ds->n_items = ni;
}
