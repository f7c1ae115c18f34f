/* Subscriptions and their items, with what will happen to each (its intent, played out by
 * world_gen_billing.c): one to three items of one currency and interval, one per ~500
 * customers with 12-15 items (more than a provider embeds), mixed-interval ones, metered
 * items without a quantity, items added later (prorated), coupons, backdated starts, a
 * migration second shared by many, subscriptions of customers deleted since. Hard cases
 * come first, so every dataset of scale >= 20 has every status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "world_gen.h"

typedef struct ctx {
    sb_world *w;
    sb_rng r;
    w_sub *subs;
    wg_intent *intents;
    size_t n_subs;
    w_item *items;
    size_t n_items, cap_items;
    unsigned char *subscribed; /* per customer: it has a subscription already */
} ctx;

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Offered at t: created, not archived yet, not a draft, its product alive. */
static int offered(const sb_world *w, const w_price *p, int64_t t)
{
    return p->recurring && !p->draft && !w->products[p->product].deleted && p->created <= t &&
           (!p->archived_at || t < p->archived_at);
}

static int same_group(const w_price *a, const w_price *b)
{
    return a->ccy == b->ccy && a->interval == b->interval && a->interval_count == b->interval_count;
}

/* A random price offered at t in ccy (and like `like` when given), or -1. */
static int pick_price(ctx *c, int ccy, int64_t t, const w_price *like, const int *taken, size_t n_taken)
{
    const sb_world *w = c->w;
    size_t n = 0;
    int found = -1;
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (p->ccy != ccy || !offered(w, p, t) || (like && !same_group(p, like)))
            continue;
        int dup = 0;
        for (size_t k = 0; k < n_taken; k++)
            dup |= taken[k] == (int)i;
        if (!dup && sb_rng_below(&c->r, ++n) == 0) /* reservoir sampling */
            found = (int)i;
    }
    return found;
}

/* A live customer of ccy that existed a day before t, or -1. When there is none, a
 * customer without subscriptions so far becomes one: it will be billed in ccy. */
static int customer_for(ctx *c, int ccy, int64_t t)
{
    sb_world *w = c->w;
    for (int pass = 0; pass < 2; pass++) {
        for (int tries = 0; tries < 400; tries++) {
            size_t i = sb_rng_below(&c->r, w->n_customers);
            w_customer *cu = &w->customers[i];
            if (cu->deleted_at || cu->created + W_DAY > t || (pass ? c->subscribed[i] : cu->ccy != ccy))
                continue;
            cu->ccy = ccy;
            return (int)i;
        }
    }
    return -1;
}

static int64_t quantity_for(ctx *c, const w_price *p)
{
    if (p->metered)
        return -1;
    if (!p->quantity_ok)
        return 1;
    unsigned q = (unsigned)sb_rng_below(&c->r, 100);
    return q < 70 ? 1 : q < 95 ? sb_rng_range(&c->r, 2, 10) : sb_rng_range(&c->r, 11, 250);
}

static void add_item(ctx *c, w_sub *s, int price, int64_t quantity)
{
    WG_GROW(c->items, c->n_items, c->cap_items);
    c->items[c->n_items++] = (w_item){.sub = (int)c->n_subs, .price = price, .created = s->created,
                                      .quantity = quantity};
    s->n_items++;
}

/* Time until the customer asks to cancel, about exponential with a mean that depends on
 * the interval (day passes are short-lived); integer steps keep it the same everywhere. */
static int64_t lifetime(ctx *c, const w_price *p)
{
    static const int64_t mean_days[4] = {20, 70, 420, 900};
    int64_t step = mean_days[p->interval] * W_DAY / 8, t = sb_rng_range(&c->r, 3600, step);
    while (!sb_rng_pct(&c->r, 12))
        t += step;
    return t;
}

enum { K_RANDOM, K_SINGLE, K_BIG, K_MIXED };

/* A subscription of customer cu at t on `main`; -1 price picks one. Returns its index. */
static size_t new_sub(ctx *c, int cu, int64_t t, int main, int kind)
{
    sb_world *w = c->w;
    w_sub *s = &c->subs[c->n_subs];
    wg_intent *in = &c->intents[c->n_subs];
    memset(s, 0, sizeof *s);
    *in = (wg_intent){.fail_from = -1};
    s->customer = cu;
    c->subscribed[cu] = 1;
    s->created = s->start_date = t;
    s->first_item = (uint32_t)c->n_items;
    s->latest_invoice = -1;
    if (main < 0)
        main = pick_price(c, w->customers[cu].ccy, t, NULL, NULL, 0);
    if (main < 0) /* the catalog always offers USD prices after WG_SUB_EPOCH */
        main = pick_price(c, W_USD, t, NULL, NULL, 0);
    if (main < 0) {
        fprintf(stderr, "billtap-sandbox: no price offered at %lld\n", (long long)t);
        abort();
    }
    const w_price *mp = &w->prices[main];
    s->ccy = mp->ccy;
    int chosen[16] = {main};
    size_t n = 1, want = 1;
    if (kind == K_BIG)
        want = 12 + sb_rng_below(&c->r, 4);
    else if (kind == K_RANDOM && !mp->metered) {
        static const unsigned wts[3] = {75, 18, 7};
        want = 1 + sb_rng_weighted(&c->r, wts, 3);
    }
    add_item(c, s, main, kind == K_BIG && !mp->metered ? sb_rng_range(&c->r, 1, 20) : quantity_for(c, mp));
    while (n < want) {
        int p = pick_price(c, s->ccy, t, mp, chosen, n);
        if (p < 0)
            break;
        chosen[n++] = p;
        add_item(c, s, p, quantity_for(c, &w->prices[p]));
    }
    if (kind == K_MIXED) {
        w_price yearly = *mp;
        yearly.interval = W_YEARS;
        yearly.interval_count = 1;
        int p = pick_price(c, s->ccy, t, &yearly, chosen, n);
        if (p >= 0) {
            add_item(c, s, p, quantity_for(c, &w->prices[p]));
            s->mixed = 1;
        }
    }
    /* an item added after the subscription started: prorated */
    if (s->n_items > 1 && kind == K_RANDOM && sb_rng_pct(&c->r, 10))
        c->items[c->n_items - 1].created = t + sb_rng_range(&c->r, 3 * W_DAY, 60 * W_DAY);

    int has_trial = mp->n_phases > 0 && mp->phases[0].price == 0;
    if (!has_trial && sb_rng_pct(&c->r, 10))
        in->trial_days = 14;
    if (has_trial || in->trial_days)
        in->no_payment_method = sb_rng_pct(&c->r, 8);
    else if (sb_rng_pct(&c->r, 5))
        s->start_date = max64(W_START, t - sb_rng_range(&c->r, 1, 20) * W_DAY); /* backdated */
    if (sb_rng_pct(&c->r, 8)) {
        s->coupon_pct = (int)sb_rng_range(&c->r, 2, 6) * 5;
        s->coupon_cycles = sb_rng_pct(&c->r, 40) ? 0 : 3;
    }
    int64_t life = t + lifetime(c, mp);
    if (life < W_NOW) {
        in->cancel_request = life;
        in->at_period_end = sb_rng_pct(&c->r, 40);
    }
    if (sb_rng_pct(&c->r, 3)) {
        in->fail_from = (int)sb_rng_range(&c->r, 1, 8);
        in->dunning_cancels = sb_rng_pct(&c->r, 50);
    }
    in->first_fails = sb_rng_pct(&c->r, 2);
    const w_customer *cust = &w->customers[cu];
    if (cust->deleted_at && (!in->cancel_request || cust->deleted_at < in->cancel_request)) {
        in->cancel_request = cust->deleted_at; /* deleting a customer cancels its subscriptions */
        in->at_period_end = 0;
    }
    return c->n_subs++;
}

static int usd_price(const sb_world *w, const char *nickname, int with_phases)
{
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (p->recurring && p->ccy == W_USD && p->interval == W_MONTHS && p->interval_count == 1 &&
            !p->metered && !p->tiered && !p->archived_at && !p->draft && (p->n_phases > 0) == with_phases &&
            (!nickname || (p->nickname && strcmp(p->nickname, nickname) == 0)))
            return (int)i;
    }
    return -1;
}

/* A price with a property the random ones may miss, or -1. */
static int price_where(const sb_world *w, int ccy, int phases, int finite)
{
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (p->ccy == ccy && p->recurring && !p->draft && !p->archived_at && p->created == WG_TS_CATALOG &&
            !w->products[p->product].deleted && p->n_phases >= phases && (!finite || p->total_cycles))
            return (int)i;
    }
    return -1;
}

/* Every status, every currency, and the other cases every dataset must hold. */
static void hard_cases(ctx *c)
{
    sb_world *w = c->w;
    int plain = usd_price(w, "Starter monthly", 0), trial = usd_price(w, "Pro monthly", 1);
    int64_t cycle_soon = W_NOW - 36 * 3600; /* a period boundary 36 hours ago */
    struct {
        int status, price;
        int64_t created;
    } forced[] = {
        {W_SUB_TRIALING, trial, W_NOW - 3 * W_DAY},
        {W_SUB_ACTIVE, plain, W_NOW - 200 * W_DAY},
        {W_SUB_PAST_DUE, plain, w_period_start(cycle_soon, W_MONTHS, 1, -3)},
        {W_SUB_UNPAID, plain, W_NOW - 150 * W_DAY},
        {W_SUB_PAUSED, trial, W_NOW - 30 * W_DAY},
        {W_SUB_CANCELED, plain, W_NOW - 300 * W_DAY},
        {W_SUB_INCOMPLETE, plain, W_NOW - 5 * 3600},
        {W_SUB_INCOMPLETE_EXPIRED, plain, W_NOW - 40 * W_DAY},
        {W_SUB_ACTIVE, plain, w_period_start(W_NOW - 1200, W_MONTHS, 1, -2)}, /* a draft renewal */
    };
    for (size_t k = 0; k < sizeof forced / sizeof forced[0]; k++) {
        int cu = customer_for(c, W_USD, forced[k].created);
        if (cu < 0 || forced[k].price < 0)
            continue;
        size_t i = new_sub(c, cu, forced[k].created, forced[k].price, K_SINGLE);
        wg_intent *in = &c->intents[i];
        *in = (wg_intent){.fail_from = -1};
        c->subs[i].coupon_pct = 0;
        c->subs[i].start_date = c->subs[i].created;
        switch (forced[k].status) {
        case W_SUB_PAST_DUE: in->fail_from = 3; break;
        case W_SUB_UNPAID: in->fail_from = 2; break;
        case W_SUB_PAUSED: in->no_payment_method = 1; break;
        case W_SUB_CANCELED: in->cancel_request = forced[k].created + 61 * W_DAY; break;
        case W_SUB_INCOMPLETE:
        case W_SUB_INCOMPLETE_EXPIRED: in->first_fails = 1; break;
        }
    }
    /* every currency, on a price with trial phases where there is one */
    for (int ccy = 0; ccy < W_NCCY; ccy++) {
        int p = price_where(w, ccy, 1, 0);
        if (p < 0)
            p = price_where(w, ccy, 0, 0);
        int64_t t = W_NOW - 300 * W_DAY;
        int cu = customer_for(c, ccy, t);
        if (p >= 0 && cu >= 0) {
            size_t i = new_sub(c, cu, t, p, K_SINGLE);
            c->intents[i] = (wg_intent){.fail_from = -1};
        }
    }
    /* a finite plan that ran out; coupons for ever and for three invoices; a late item */
    int finite = price_where(w, W_CAD, 0, 1);
    int cu = customer_for(c, W_CAD, W_NOW - 500 * W_DAY);
    if (finite >= 0 && cu >= 0)
        c->intents[new_sub(c, cu, W_NOW - 500 * W_DAY, finite, K_SINGLE)] = (wg_intent){.fail_from = -1};
    for (int k = 0; k < 3; k++) {
        cu = customer_for(c, W_USD, W_NOW - 200 * W_DAY);
        if (cu < 0 || plain < 0)
            continue;
        size_t i = new_sub(c, cu, W_NOW - 200 * W_DAY, plain, K_SINGLE);
        c->intents[i] = (wg_intent){.fail_from = -1};
        c->subs[i].coupon_pct = k < 2 ? 25 : 0;
        c->subs[i].coupon_cycles = k == 0 ? 0 : 3;
        if (k == 2 && c->subs[i].n_items == 1) {
            int p = -1; /* a licensed, per-unit item: one that is prorated */
            for (int tries = 0; tries < 20 && (p < 0 || w->prices[p].metered || w->prices[p].tiered); tries++)
                p = pick_price(c, W_USD, c->subs[i].created, &w->prices[plain], &plain, 1);
            if (p >= 0 && !w->prices[p].metered && !w->prices[p].tiered) {
                add_item(c, &c->subs[i], p, 2);
                c->items[c->n_items - 1].created = c->subs[i].created + 45 * W_DAY + 7200;
            }
        }
    }
    /* a deleted customer's subscription, canceled when the customer was deleted */
    for (size_t i = 0; i < w->n_customers; i++) {
        const w_customer *cust = &w->customers[i];
        int64_t t = max64(cust->created + W_DAY, WG_SUB_EPOCH);
        if (cust->deleted_at && cust->deleted_at - t > 20 * W_DAY) {
            new_sub(c, (int)i, t + 3600, -1, K_RANDOM);
            break;
        }
    }
    size_t n_big = w->scale / 500 ? (size_t)w->scale / 500 : 1;
    size_t n_mixed = w->scale / 400 ? (size_t)w->scale / 400 : 1;
    for (size_t k = 0; k < n_big + n_mixed; k++) {
        int64_t t = sb_rng_range(&c->r, WG_SUB_EPOCH, W_NOW - 20 * W_DAY);
        cu = customer_for(c, W_USD, t);
        if (cu >= 0 && plain >= 0)
            new_sub(c, cu, t, plain, k < n_big ? K_BIG : K_MIXED);
    }
}

void wg_subscriptions(sb_world *w, wg_intent **intents_out)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.w = w;
    sb_rng_seed(&c.r, w->seed, WG_STREAM_SUBS);
    size_t n_total = (size_t)w->scale * 2 / 5;
    size_t cap = n_total + 64 + (size_t)w->scale / 200;
    c.subs = sb_xcalloc(cap, sizeof *c.subs);
    c.intents = sb_xcalloc(cap, sizeof *c.intents);
    c.subscribed = sb_xcalloc(w->n_customers ? w->n_customers : 1, 1);
    if (w->n_customers >= 20)
        hard_cases(&c);
    for (int tries = 0; c.n_subs < n_total && tries < 50 * (int)n_total + 100; tries++) {
        size_t i = sb_rng_below(&c.r, w->n_customers);
        const w_customer *cu = &w->customers[i];
        int64_t lo = max64(cu->created + 60, WG_SUB_EPOCH);
        int64_t hi = (cu->deleted_at ? cu->deleted_at : W_NOW) - 3600;
        if (hi - lo < 2 * W_DAY)
            continue;
        int64_t t = sb_rng_range(&c.r, lo, hi);
        if (sb_rng_pct(&c.r, 6) && lo <= WG_TS_MIGRATION && WG_TS_MIGRATION < hi)
            t = WG_TS_MIGRATION;
        new_sub(&c, (int)i, t, -1, K_RANDOM);
    }

    /* oldest first; items laid out in that order, each subscription's together */
    uint32_t *at = sb_xmalloc((c.n_subs ? c.n_subs : 1) * sizeof *at);
    WG_SORT(c.subs, c.n_subs, w_sub, at);
    wg_intent *intents = sb_xmalloc((c.n_subs ? c.n_subs : 1) * sizeof *intents);
    for (size_t i = 0; i < c.n_subs; i++)
        intents[at[i]] = c.intents[i];
    w_item *items = sb_xmalloc((c.n_items ? c.n_items : 1) * sizeof *items);
    size_t ni = 0;
    for (size_t k = 0; k < c.n_subs; k++) {
        w_sub *s = &c.subs[k];
        for (uint32_t j = 0; j < s->n_items; j++) {
            items[ni + j] = c.items[s->first_item + j];
            items[ni + j].sub = (int)k;
        }
        s->first_item = (uint32_t)ni;
        ni += s->n_items;
    }
    free(at);
    free(c.items);
    free(c.intents);
    free(c.subscribed);
    w->subs = c.subs;
    w->n_subs = c.n_subs;
    w->items = items;
    w->n_items = ni;
    *intents_out = intents;
}
