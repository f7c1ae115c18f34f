/* Products and prices: a fixed catalog that holds every hard case (zero- and
 * three-decimal currencies, metered, tiered and sub-cent prices, every interval, one-time
 * prices, archived prices, deleted products), plus random extras as the scale grows. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "stripe_gen.h"

typedef struct tmpl_product {
    const char *name;
    const char *description;
    int deleted;
} tmpl_product;

static const tmpl_product tmpl_products[] = {
    {"Starter", "For individuals getting started", 0},
    {"Pro", "Everything in Starter, plus more", 0},
    {"Business", NULL, 0},
    {"API Calls", "Metered per request", 0},
    {"Seats", "Graduated per-seat pricing", 0},
    {"Storage Add-on", NULL, 0},
    {"Priority Support", "24/7 \"white glove\" support", 0},
    {"Single Sign-On", NULL, 0},
    {"Extra User", NULL, 0},
    {"Analytics", NULL, 0},
    {"Backups", NULL, 0},
    {"SMS Pack", NULL, 0},
    {"Compute (per 1k ops)", "Billed in fractions of a cent", 0},
    {"Weekly Digest", NULL, 0},
    {"Day Pass", NULL, 0},
    {"Équipe Plus", "Offre trimestrielle ou semestrielle", 0},
    {"Team UK", NULL, 0},
    {"ベーシックプラン", "月額プラン", 0},
    {"프리미엄 플랜", NULL, 0},
    {"Gulf Pro", NULL, 0},
    {"Bahrain Business", NULL, 0},
    {"Setup Fee", NULL, 0},
    {"Legacy Plan", NULL, 1},
    {"従量課金 (段階制)", NULL, 0},
    {"Onboarding Workshop", NULL, 0},
    {"Audit Log", NULL, 0},
    {"Ancien Forfait", NULL, 1},
};

typedef struct tmpl_price {
    int ccy, recurring, interval, count, metered, tiered;
    int64_t amount;        /* -1: unit_amount null */
    const char *decimal;   /* unit_amount_decimal when amount is null and not tiered */
    int trial, active, product;
    const char *nickname;
} tmpl_price;

#define M ST_MONTH
static const tmpl_price tmpl_prices[] = {
    {ST_USD, 1, M, 1, 0, 0, 900, NULL, -1, 1, 0, "Starter monthly"},
    {ST_USD, 1, M, 1, 0, 0, 2900, NULL, 14, 1, 1, "Pro monthly"},
    {ST_USD, 1, ST_YEAR, 1, 0, 0, 29000, NULL, 14, 1, 1, "Pro annual"},
    {ST_USD, 1, M, 1, 0, 0, 9900, NULL, -1, 1, 2, NULL},
    {ST_USD, 1, M, 1, 1, 0, 5, NULL, -1, 1, 3, NULL},
    {ST_USD, 1, M, 1, 0, 1, -1, NULL, -1, 1, 4, "Seats (graduated)"},
    {ST_USD, 1, M, 1, 0, 0, 1500, NULL, -1, 1, 5, NULL},
    {ST_USD, 1, M, 1, 0, 0, 4900, NULL, -1, 1, 6, NULL},
    {ST_USD, 1, M, 1, 0, 0, 2000, NULL, -1, 1, 7, NULL},
    {ST_USD, 1, M, 1, 0, 0, 800, NULL, -1, 1, 8, NULL},
    {ST_USD, 1, M, 1, 0, 0, 1200, NULL, -1, 1, 9, NULL},
    {ST_USD, 1, M, 1, 0, 0, 700, NULL, -1, 1, 10, NULL},
    {ST_USD, 1, M, 1, 1, 0, 2, NULL, -1, 1, 11, NULL},
    {ST_USD, 1, M, 1, 1, 0, -1, "0.25", -1, 1, 12, NULL},
    {ST_USD, 1, ST_WEEK, 1, 0, 0, 199, NULL, -1, 1, 13, NULL},
    {ST_USD, 1, ST_DAY, 1, 0, 0, 99, NULL, -1, 1, 14, NULL},
    {ST_EUR, 1, M, 3, 0, 0, 4500, NULL, -1, 1, 15, "Trimestriel"},
    {ST_EUR, 1, M, 6, 0, 0, 8000, NULL, 30, 1, 15, "Semestriel"},
    {ST_GBP, 1, M, 1, 0, 0, 1900, NULL, 7, 1, 16, NULL},
    {ST_JPY, 1, M, 1, 0, 0, 1500, NULL, -1, 1, 17, "月額"},
    {ST_KRW, 1, ST_YEAR, 1, 0, 0, 99000, NULL, -1, 1, 18, NULL},
    {ST_KWD, 1, M, 1, 0, 0, 5250, NULL, -1, 1, 19, NULL},
    {ST_BHD, 1, M, 3, 0, 0, 12340, NULL, -1, 1, 20, NULL},
    {ST_USD, 0, 0, 0, 0, 0, 4900, NULL, -1, 1, 21, NULL},
    {ST_USD, 1, M, 1, 0, 0, 4900, NULL, -1, 0, 22, NULL},
    {ST_JPY, 1, M, 1, 0, 1, -1, NULL, -1, 1, 23, NULL},
    {ST_USD, 1, M, 1, 0, 0, 1900, NULL, -1, 0, 1, "Pro monthly (2021)"},
    {ST_JPY, 0, 0, 0, 0, 0, 30000, NULL, -1, 1, 24, NULL},
    {ST_USD, 1, M, 1, 0, 0, 600, NULL, -1, 1, 25, NULL},
    {ST_EUR, 1, M, 1, 0, 0, 2500, NULL, -1, 0, 26, NULL},
};
#undef M

#define N_TMPL_PRODUCTS (sizeof tmpl_products / sizeof tmpl_products[0])
#define N_TMPL_PRICES (sizeof tmpl_prices / sizeof tmpl_prices[0])

static const char *const adjectives[] = {"Growth", "Scale", "Enterprise", "Basic", "Premium",
                                         "Ultimate", "Lite", "Plus", "Nordic", "Café",
                                         "Über", "Señor", "Zen"};
static const char *const nouns[] = {"Plan", "Bundle", "Seat", "License", "Add-on", "Suite",
                                    "Tier", "Pack"};

void st_gen_catalog(st_dataset *ds)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, ST_STREAM_CATALOG);
    size_t want = 20 + (size_t)ds->scale / 50;
    size_t n_extra = want > N_TMPL_PRICES ? want - N_TMPL_PRICES : 0;
    size_t n_prices = N_TMPL_PRICES + n_extra;

    st_product *products = sb_xcalloc(N_TMPL_PRODUCTS + n_extra, sizeof *products);
    size_t n_products = 0;
    for (size_t i = 0; i < N_TMPL_PRODUCTS; i++, n_products++) {
        products[i].name = tmpl_products[i].name;
        products[i].description = tmpl_products[i].description;
        products[i].deleted = tmpl_products[i].deleted;
        products[i].active = 1;
        products[i].created = ST_TS_CATALOG;
    }

    st_price *gen = sb_xcalloc(n_prices, sizeof *gen);
    for (size_t i = 0; i < N_TMPL_PRICES; i++) {
        const tmpl_price *t = &tmpl_prices[i];
        st_price *p = &gen[i];
        p->product = t->product;
        p->created = ST_TS_CATALOG;
        p->active = t->active;
        p->ccy = t->ccy;
        p->recurring = t->recurring;
        p->interval = t->interval;
        p->interval_count = t->count;
        p->metered = t->metered;
        p->tiered = t->tiered;
        p->trial_days = t->trial;
        p->has_unit_amount = t->amount >= 0;
        p->unit_amount = t->amount;
        p->nickname = t->nickname;
        if (p->has_unit_amount)
            p->unit_amount_decimal = st_arena_printf(ds->arena, "%lld", (long long)t->amount);
        else if (!p->tiered)
            p->unit_amount_decimal = t->decimal;
    }

    static const unsigned ccy_w[ST_NCCY] = {40, 15, 10, 5, 4, 2, 2, 8, 5, 5, 4};
    static const unsigned unit_w[4] = {3, 5, 72, 20};
    for (size_t i = N_TMPL_PRICES; i < n_prices; i++) {
        st_price *p = &gen[i];
        p->created = sb_rng_range(&r, ST_TS_CATALOG + 3 * ST_DAY_S, ST_SUB_EARLIEST - ST_DAY_S);
        if (sb_rng_pct(&r, 30)) {
            /* another price of an existing (live) product */
            do {
                p->product = (int)sb_rng_below(&r, n_products);
            } while (products[p->product].deleted);
        } else {
            st_product *pr = &products[n_products];
            pr->name = st_arena_printf(ds->arena, "%s %s%s",
                                       adjectives[sb_rng_below(&r, sizeof adjectives / sizeof *adjectives)],
                                       nouns[sb_rng_below(&r, sizeof nouns / sizeof *nouns)],
                                       sb_rng_pct(&r, 20) ? " v2" : "");
            pr->description = sb_rng_pct(&r, 30) ? "Generated catalog entry" : NULL;
            pr->active = !sb_rng_pct(&r, 5);
            pr->deleted = sb_rng_pct(&r, 3);
            pr->created = p->created;
            p->product = (int)n_products++;
        }
        p->ccy = (int)sb_rng_weighted(&r, ccy_w, ST_NCCY);
        p->recurring = !sb_rng_pct(&r, 15);
        p->active = products[p->product].deleted ? 0 : !sb_rng_pct(&r, 10);
        p->trial_days = -1;
        if (p->recurring) {
            p->interval = (int)sb_rng_weighted(&r, unit_w, 4);
            p->interval_count = 1;
            if (p->interval == ST_MONTH && sb_rng_pct(&r, 15))
                p->interval_count = sb_rng_pct(&r, 50) ? 3 : 6;
            p->metered = sb_rng_pct(&r, 6);
            p->tiered = !p->metered && sb_rng_pct(&r, 3);
            if (sb_rng_pct(&r, 10))
                p->trial_days = sb_rng_pct(&r, 50) ? 14 : (sb_rng_pct(&r, 50) ? 7 : 30);
        }
        if (p->tiered) {
            p->has_unit_amount = 0;
        } else {
            const st_currency *c = &st_currencies[p->ccy];
            int64_t units = p->metered ? sb_rng_range(&r, 1, 20) : sb_rng_range(&r, 1, 300);
            int64_t v = p->metered ? units * c->quantum * (c->unit >= 1000 ? 10 : 1)
                                   : units * c->unit;
            if (!p->metered && sb_rng_pct(&r, 40))
                v -= c->quantum; /* 19.99-style prices */
            p->has_unit_amount = 1;
            p->unit_amount = st_round_amount(p->ccy, v);
            p->unit_amount_decimal = st_arena_printf(ds->arena, "%lld", (long long)p->unit_amount);
        }
        p->nickname = sb_rng_pct(&r, 20) ? st_arena_printf(ds->arena, "Extra %zu", i) : NULL;
    }

    /* Oldest first: the catalog second holds every template price, ties by position. */
    st_price *prices = ST_ORDER(ds, gen, n_prices, st_price, ST_ID_PRICE);
    for (size_t k = 0; k < n_prices; k++)
        prices[k].usable = prices[k].recurring && !products[prices[k].product].deleted;
    for (size_t i = 0; i < n_products; i++)
        st_make_id(ds, ST_ID_PRODUCT, i, products[i].id, sizeof products[i].id);

    ds->products = products;
    ds->n_products = n_products;
    ds->prices = prices;
    ds->n_prices = n_prices;
}
