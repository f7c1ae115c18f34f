/* Products and prices: a fixed catalog that holds every hard case (zero- and three-decimal
 * currencies and HUF/TWD; metered, tiered and sub-cent prices; every interval with counts
 * 1, 3, 4, 6 and 30 days; free trials of days, weeks and months, two-phase trials and a
 * paid introductory phase; finite plans; taxes included or added; one-time prices;
 * archived prices, a draft price, prices of deleted products), plus random extras as the
 * scale grows. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "world_gen.h"

typedef struct tmpl_product {
    const char *name, *description;
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
    {"Video Streaming Service", "Digital subscription service", 0},
    {"Café Crème Club", "Abonnement « premium » — accès illimité", 0},
    {"Magyar Hírlevél", NULL, 0},
    {"Ünïcødé Weekly", NULL, 0},
    {"Fitness Coaching", NULL, 0},
    {"Zoë's Recipe Box", NULL, 0},
    {"Bücherwurm Abo", NULL, 0},
    {"Dev Tools Suite", NULL, 0},
};
#define N_TMPL_PRODUCTS (sizeof tmpl_products / sizeof tmpl_products[0])

enum { ACTIVE, ARCHIVED, DRAFT };
enum { LICENSED, METERED, TIERED };
#define D W_DAYS
#define WK W_WEEKS
#define M W_MONTHS
#define Y W_YEARS
#define ONCE 0, 0 /* one-time: no interval */

typedef struct tmpl_price {
    int product, ccy, state;
    int interval, count;              /* count 0: one-time */
    int usage;
    int64_t amount;                   /* minor units; tiered: the first tier's */
    const char *decimal;              /* below one minor unit: the exact amount */
    int n_phases;
    w_phase phases[2];
    int total_cycles, tax_pct, tax_inclusive, quantity_ok;
    const char *nickname;
} tmpl_price;

static const tmpl_price tmpl_prices[] = {
    {0, W_USD, ACTIVE, M, 1, LICENSED, 900, NULL, 0, {{0}}, 0, 0, 0, 1, "Starter monthly"},
    {1, W_USD, ACTIVE, M, 1, LICENSED, 2900, NULL, 1, {{D, 14, 1, 0}}, 0, 0, 0, 1, "Pro monthly"},
    {1, W_USD, ACTIVE, Y, 1, LICENSED, 29000, NULL, 1, {{D, 14, 1, 0}}, 0, 0, 0, 1, "Pro annual"},
    {2, W_USD, ACTIVE, M, 1, LICENSED, 9900, NULL, 0, {{0}}, 0, 10, 0, 1, NULL},
    {3, W_USD, ACTIVE, M, 1, METERED, 5, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {4, W_USD, ACTIVE, M, 1, TIERED, 1000, NULL, 0, {{0}}, 0, 0, 0, 1, "Seats (graduated)"},
    {5, W_USD, ACTIVE, M, 1, LICENSED, 1500, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {6, W_USD, ACTIVE, M, 1, LICENSED, 4900, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {7, W_USD, ACTIVE, M, 1, LICENSED, 2000, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {8, W_USD, ACTIVE, M, 1, LICENSED, 800, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {9, W_USD, ACTIVE, M, 1, LICENSED, 1200, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {10, W_USD, ACTIVE, M, 1, LICENSED, 700, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {11, W_USD, ACTIVE, M, 1, METERED, 2, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {12, W_USD, ACTIVE, M, 1, METERED, -1, "0.25", 0, {{0}}, 0, 0, 0, 0, NULL},
    {13, W_USD, ACTIVE, WK, 1, LICENSED, 199, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {14, W_USD, ACTIVE, D, 1, LICENSED, 99, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {15, W_EUR, ACTIVE, M, 3, LICENSED, 4500, NULL, 0, {{0}}, 0, 0, 0, 1, "Trimestriel"},
    {15, W_EUR, ACTIVE, M, 6, LICENSED, 8000, NULL, 1, {{D, 30, 1, 0}}, 0, 20, 1, 1, "Semestriel"},
    {16, W_GBP, ACTIVE, M, 1, LICENSED, 1900, NULL, 1, {{D, 7, 1, 0}}, 0, 0, 0, 1, NULL},
    {16, W_GBP, ACTIVE, M, 3, LICENSED, 4550, NULL, 0, {{0}}, 0, 20, 1, 0, NULL},
    {17, W_JPY, ACTIVE, M, 1, LICENSED, 1500, NULL, 0, {{0}}, 0, 0, 0, 1, "月額"},
    {17, W_JPY, ACTIVE, M, 1, LICENSED, 1500, NULL, 1, {{M, 1, 1, 500}}, 0, 10, 1, 1, "お試し"},
    {18, W_KRW, ACTIVE, Y, 1, LICENSED, 99000, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {19, W_KWD, ACTIVE, M, 1, LICENSED, 5250, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {20, W_BHD, ACTIVE, M, 3, LICENSED, 12340, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {21, W_USD, ACTIVE, ONCE, LICENSED, 4900, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {21, W_EUR, ACTIVE, ONCE, LICENSED, 4500, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {21, W_GBP, ACTIVE, ONCE, LICENSED, 3900, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {22, W_USD, ARCHIVED, M, 1, LICENSED, 4900, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {23, W_JPY, ACTIVE, M, 1, TIERED, 100, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {1, W_USD, ARCHIVED, M, 1, LICENSED, 1900, NULL, 0, {{0}}, 0, 0, 0, 1, "Pro monthly (2021)"},
    {24, W_JPY, ACTIVE, ONCE, LICENSED, 30000, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {24, W_KWD, ACTIVE, ONCE, LICENSED, 15000, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {25, W_USD, ACTIVE, M, 1, LICENSED, 600, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {26, W_EUR, ARCHIVED, M, 1, LICENSED, 2500, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {27, W_USD, ACTIVE, M, 1, LICENSED, 999, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {27, W_USD, ARCHIVED, Y, 1, LICENSED, 9900, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {27, W_USD, ACTIVE, D, 30, LICENSED, 450, NULL, 1, {{WK, 2, 1, 0}}, 0, 0, 0, 0, NULL},
    {28, W_EUR, ACTIVE, M, 1, LICENSED, 1200, NULL, 1, {{D, 14, 1, 0}}, 0, 0, 0, 0, NULL},
    {28, W_EUR, DRAFT, M, 1, LICENSED, 500, NULL, 0, {{0}}, 0, 0, 0, 0, NULL},
    {29, W_HUF, ACTIVE, Y, 1, LICENSED, 2990000, NULL, 0, {{0}}, 0, 27, 1, 0, NULL},
    {29, W_HUF, ACTIVE, M, 1, LICENSED, 249000, NULL, 2, {{WK, 1, 1, 0}, {M, 1, 2, 99000}}, 24, 0, 0, 1, NULL},
    {30, W_TWD, ACTIVE, WK, 2, LICENSED, 15000, NULL, 2, {{D, 7, 1, 0}, {WK, 2, 2, 9000}}, 0, 0, 0, 1, NULL},
    {31, W_CAD, ACTIVE, WK, 4, LICENSED, 1999, NULL, 0, {{0}}, 12, 0, 0, 1, NULL},
    {32, W_AUD, ACTIVE, M, 1, LICENSED, 2990, NULL, 1, {{M, 1, 1, 0}}, 6, 10, 0, 0, NULL},
    {33, W_JPY, ARCHIVED, Y, 1, LICENSED, 12000, NULL, 2, {{D, 7, 1, 0}, {D, 7, 1, 0}}, 0, 0, 0, 0, NULL},
    {34, W_CHF, ACTIVE, M, 1, LICENSED, 1500, NULL, 0, {{0}}, 0, 0, 0, 1, NULL},
    {34, W_SEK, ACTIVE, M, 1, LICENSED, 9900, NULL, 0, {{0}}, 0, 25, 1, 1, NULL},
};
#undef D
#undef WK
#undef M
#undef Y
#define N_TMPL_PRICES (sizeof tmpl_prices / sizeof tmpl_prices[0])

static const char *const adjectives[] = {"Growth", "Scale", "Enterprise", "Basic", "Premium",
                                         "Ultimate", "Lite", "Plus", "Nordic", "Café",
                                         "Über", "Señor", "Zen"};
static const char *const nouns[] = {"Plan", "Bundle", "Seat", "License", "Add-on", "Suite",
                                    "Tier", "Pack"};

static void from_template(sb_world *w, w_price *p, const tmpl_price *t)
{
    p->product = t->product;
    p->created = WG_TS_CATALOG;
    p->ccy = t->ccy;
    p->recurring = t->count > 0;
    p->interval = t->interval;
    p->interval_count = t->count;
    p->metered = t->usage == METERED;
    p->tiered = t->usage == TIERED;
    p->draft = t->state == DRAFT;
    p->n_phases = t->n_phases;
    memcpy(p->phases, t->phases, sizeof p->phases);
    p->total_cycles = t->total_cycles;
    p->tax_pct = t->tax_pct;
    p->tax_inclusive = t->tax_inclusive;
    p->quantity_ok = t->quantity_ok;
    p->nickname = t->nickname;
    p->unit_amount = p->tiered ? -1 : t->amount;
    if (p->tiered) {
        p->tier_upto = 5;
        p->tier1 = t->amount;
        p->tier2 = w_round(t->ccy, t->amount * 8 / 10);
    } else {
        p->decimal = t->decimal ? t->decimal : sb_arena_printf(w->arena, "%lld", (long long)t->amount);
    }
    if (t->state == ARCHIVED) /* prices of deleted products went early; the others mid-history */
        p->archived_at = tmpl_products[t->product].deleted ? WG_TS_CATALOG + 20 * W_DAY
                                                            : W_START + (W_NOW - W_START) * 65 / 100;
}

static void random_price(sb_world *w, sb_rng *r, w_price *p)
{
    static const unsigned ccy_w[W_NCCY] = {40, 15, 10, 5, 4, 2, 2, 8, 5, 5, 4, 3, 3};
    static const unsigned unit_w[4] = {2, 4, 74, 20};
    const w_currency *c;
    p->ccy = (int)sb_rng_weighted(r, ccy_w, W_NCCY);
    c = &w_currencies[p->ccy];
    p->recurring = !sb_rng_pct(r, 12);
    p->quantity_ok = sb_rng_pct(r, 60);
    p->unit_amount = -1;
    if (p->recurring) {
        p->interval = (int)sb_rng_weighted(r, unit_w, 4);
        p->interval_count = 1;
        if (p->interval == W_MONTHS && sb_rng_pct(r, 15))
            p->interval_count = sb_rng_pct(r, 50) ? 3 : 6;
        if (p->interval == W_WEEKS && sb_rng_pct(r, 40))
            p->interval_count = sb_rng_pct(r, 50) ? 2 : 4;
        p->metered = sb_rng_pct(r, 6);
        p->tiered = !p->metered && sb_rng_pct(r, 3);
        if (!p->metered && sb_rng_pct(r, 30)) {
            static const int units[3] = {W_DAYS, W_WEEKS, W_MONTHS};
            int u = units[sb_rng_below(r, 3)];
            p->phases[0] = (w_phase){u, u == W_DAYS ? (sb_rng_pct(r, 50) ? 7 : 14) : 1, 1, 0};
            p->n_phases = 1;
        }
        if (!p->metered && sb_rng_pct(r, 12))
            p->total_cycles = (int)sb_rng_range(r, 3, 24);
        if (sb_rng_pct(r, 20)) {
            p->tax_pct = (int)sb_rng_range(r, 5, 25);
            p->tax_inclusive = sb_rng_pct(r, 50);
        }
    }
    int64_t units = p->metered ? sb_rng_range(r, 1, 20) : sb_rng_range(r, 1, 300);
    int64_t v = p->metered ? units * c->quantum * (c->unit >= 1000 ? 10 : 1) : units * c->unit;
    if (!p->metered && sb_rng_pct(r, 40))
        v -= c->quantum; /* 19.99-style prices */
    if (v < c->quantum)
        v = c->quantum;
    if (p->tiered) {
        p->tier_upto = 5;
        p->tier1 = v;
        p->tier2 = w_round(p->ccy, v * 8 / 10);
    } else {
        p->unit_amount = v;
        p->decimal = sb_arena_printf(w->arena, "%lld", (long long)v);
    }
    /* a paid introductory cycle at half price on some plans */
    if (p->recurring && !p->metered && !p->tiered && p->n_phases == 0 && sb_rng_pct(r, 5)) {
        p->phases[0] = (w_phase){p->interval, p->interval_count, 1, w_round(p->ccy, v / 2)};
        p->n_phases = 1;
    }
    p->failure_threshold = 2 + (int)sb_rng_below(r, 3);
}

void wg_catalog(sb_world *w)
{
    sb_rng r;
    sb_rng_seed(&r, w->seed, WG_STREAM_CATALOG);
    size_t n_extra = (size_t)w->scale / 50;
    size_t n_prices = N_TMPL_PRICES + n_extra;
    w_product *products = sb_xcalloc(N_TMPL_PRODUCTS + n_extra, sizeof *products);
    size_t n_products = N_TMPL_PRODUCTS;
    for (size_t i = 0; i < N_TMPL_PRODUCTS; i++) {
        products[i] = (w_product){WG_TS_CATALOG, tmpl_products[i].name, tmpl_products[i].description,
                                  1, tmpl_products[i].deleted, 0};
    }
    w_price *prices = sb_xcalloc(n_prices, sizeof *prices);
    for (size_t i = 0; i < N_TMPL_PRICES; i++) {
        from_template(w, &prices[i], &tmpl_prices[i]);
        prices[i].failure_threshold = 2 + (int)(i % 3);
    }
    int64_t extras_until = W_START + (W_NOW - W_START) / 2;
    for (size_t i = N_TMPL_PRICES; i < n_prices; i++) {
        w_price *p = &prices[i];
        p->created = sb_rng_range(&r, WG_TS_CATALOG + 3 * W_DAY, extras_until);
        if (sb_rng_pct(&r, 30)) { /* another price of an existing, live product */
            do {
                p->product = (int)sb_rng_below(&r, n_products);
            } while (products[p->product].deleted);
        } else {
            w_product *pr = &products[n_products];
            pr->name = sb_arena_printf(w->arena, "%s %s%s", adjectives[sb_rng_below(&r, sizeof adjectives / sizeof *adjectives)],
                                       nouns[sb_rng_below(&r, sizeof nouns / sizeof *nouns)],
                                       sb_rng_pct(&r, 20) ? " v2" : "");
            pr->description = sb_rng_pct(&r, 30) ? "Generated catalog entry" : NULL;
            pr->active = !sb_rng_pct(&r, 5);
            pr->deleted = sb_rng_pct(&r, 3);
            pr->created = p->created;
            p->product = (int)n_products++;
        }
        random_price(w, &r, p);
        if (products[p->product].deleted || sb_rng_pct(&r, 8))
            p->archived_at = sb_rng_range(&r, p->created + 30 * W_DAY, W_NOW - 30 * W_DAY);
        else if (sb_rng_pct(&r, 2))
            p->draft = 1;
        p->nickname = sb_rng_pct(&r, 20) ? sb_arena_printf(w->arena, "Extra %zu", i) : NULL;
    }
    uint32_t *product_at = sb_xmalloc(n_products * sizeof *product_at);
    WG_SORT(products, n_products, w_product, product_at);
    for (size_t i = 0; i < n_prices; i++)
        prices[i].product = (int)product_at[prices[i].product];
    free(product_at);
    WG_SORT(prices, n_prices, w_price, NULL);
    w->products = products;
    w->n_products = n_products;
    w->prices = prices;
    w->n_prices = n_prices;
}
