/* Products and plans: a fixed catalog of hard cases (every currency, zero-decimal HUF,
 * JPY and TWD, free and paid trials of days, weeks and months, one and two trial cycles,
 * finite plans that expire, an inactive plan with subscribers, a plan never activated),
 * then random extras. */
#include <stdio.h>
#include <string.h>

#include "paypal_gen.h"
#include "sandbox_buf.h"

static const char *const product_names[] = {
    "Video Streaming Service", "Cloud Storage Pro", "Café Crème Club", "Ünïcødé Weekly",
    "日本語レッスン", "Fitness Coaching", "Zoë's Recipe Box", "Dev Tools Suite",
    "Magyar Hírlevél", "Bücherwurm Abo", "Podcast Premium", "Yoga Online",
    "Photo Backup", "Language Exchange", "News Digest", "Game Pass Lite",
};
#define N_PRODUCT_NAMES (sizeof product_names / sizeof product_names[0])

static const char *const categories[] = {"SOFTWARE", "ONLINE_SERVICES", "DIGITAL_MEDIA_BOOKS_MOVIES_MUSIC",
                                         "EDUCATIONAL_AND_TEXTBOOKS", "EXERCISE_AND_FITNESS"};
static const char *const types[] = {"SERVICE", "DIGITAL", "PHYSICAL"};
static const char *const tiers[] = {"Basic", "Standard", "Plus", "Premium", "Family", "Team", "Student"};

typedef struct fixed_plan {
    int ccy, unit, count, total;
    int64_t price;                 /* minor units */
    int n_trials;
    int t_unit[2], t_count[2], t_total[2];
    int64_t t_price[2];            /* 0: free trial (no pricing scheme) */
    int status, style, quantity, tax_pct, tax_inclusive;
} fixed_plan;

static const fixed_plan fixed_plans[] = {
    {PP_USD, PP_MONTH, 1, 0, 999, 0, {0}, {0}, {0}, {0}, PP_PLAN_ACTIVE, 0, 1, 0, 0},
    {PP_EUR, PP_MONTH, 1, 0, 1200, 1, {PP_DAY}, {14}, {1}, {0}, PP_PLAN_ACTIVE, 1, 0, 0, 0},
    {PP_JPY, PP_MONTH, 1, 0, 1500, 1, {PP_MONTH}, {1}, {1}, {500}, PP_PLAN_ACTIVE, 1, 1, 10, 1},
    {PP_HUF, PP_YEAR, 1, 0, 29900, 0, {0}, {0}, {0}, {0}, PP_PLAN_ACTIVE, 1, 0, 27, 1},
    {PP_TWD, PP_WEEK, 2, 0, 150, 2, {PP_DAY, PP_WEEK}, {7, 1}, {1, 2}, {0, 90}, PP_PLAN_ACTIVE, 1, 1, 0, 0},
    {PP_GBP, PP_MONTH, 3, 0, 4550, 0, {0}, {0}, {0}, {0}, PP_PLAN_ACTIVE, 2, 0, 20, 1},
    {PP_CAD, PP_WEEK, 4, 12, 1999, 0, {0}, {0}, {0}, {0}, PP_PLAN_ACTIVE, 0, 1, 0, 0},
    {PP_AUD, PP_MONTH, 1, 6, 2990, 1, {PP_MONTH}, {1}, {1}, {0}, PP_PLAN_ACTIVE, 2, 0, 10, 0},
    {PP_USD, PP_YEAR, 1, 0, 9900, 0, {0}, {0}, {0}, {0}, PP_PLAN_INACTIVE, 1, 0, 0, 0},
    {PP_EUR, PP_MONTH, 1, 0, 500, 0, {0}, {0}, {0}, {0}, PP_PLAN_CREATED, 1, 0, 0, 0},
    {PP_USD, PP_DAY, 30, 0, 450, 1, {PP_WEEK}, {2}, {1}, {0}, PP_PLAN_ACTIVE, 0, 0, 0, 0},
    {PP_JPY, PP_YEAR, 1, 0, 12000, 2, {PP_DAY, PP_DAY}, {7, 7}, {1, 1}, {0, 0}, PP_PLAN_INACTIVE, 1, 0, 0, 0},
    {PP_HUF, PP_MONTH, 1, 24, 2490, 1, {PP_WEEK}, {1}, {2}, {990}, PP_PLAN_ACTIVE, 1, 1, 0, 0},
};
#define N_FIXED (sizeof fixed_plans / sizeof fixed_plans[0])

static int price_style(sb_rng *r, int ccy)
{
    if (pp_currencies[ccy].exponent == 0)
        return 1;
    return (int)sb_rng_below(r, 3);
}

static void fill_plan(pp_plan *p, sb_rng *r, const fixed_plan *f)
{
    p->status = f->status;
    p->ccy = f->ccy;
    p->regular = (pp_cycle){f->unit, f->count, f->total, 1, f->price, f->style};
    if (pp_currencies[f->ccy].exponent == 0)
        p->regular.price_style = 1;
    p->n_trials = f->n_trials;
    for (int t = 0; t < f->n_trials; t++)
        p->trial[t] = (pp_cycle){f->t_unit[t], f->t_count[t], f->t_total[t], f->t_price[t] > 0,
                                 f->t_price[t], p->regular.price_style};
    p->quantity_supported = f->quantity;
    p->tax_pct = f->tax_pct;
    p->tax_inclusive = f->tax_inclusive;
    p->failure_threshold = 1 + (int)sb_rng_below(r, 3);
    p->setup_fee = sb_rng_pct(r, 20) ? pp_round_price(p->ccy, pp_currencies[p->ccy].unit * 5) : 0;
    p->setup_cancel = sb_rng_pct(r, 30);
}

static void random_plan(pp_plan *p, sb_rng *r)
{
    static const int ccys[] = {PP_USD, PP_USD, PP_USD, PP_EUR, PP_EUR, PP_GBP, PP_CAD, PP_AUD,
                               PP_JPY, PP_HUF, PP_TWD};
    static const struct { int unit, count; unsigned w; } freqs[] = {
        {PP_MONTH, 1, 50}, {PP_MONTH, 3, 8}, {PP_MONTH, 6, 5}, {PP_YEAR, 1, 15},
        {PP_WEEK, 2, 4}, {PP_WEEK, 4, 4}, {PP_DAY, 30, 4}, {PP_MONTH, 12, 3},
    };
    unsigned w[sizeof freqs / sizeof freqs[0]];
    for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++)
        w[i] = freqs[i].w;
    size_t fi = sb_rng_weighted(r, w, sizeof freqs / sizeof freqs[0]);
    fixed_plan f;
    memset(&f, 0, sizeof f);
    f.ccy = ccys[sb_rng_below(r, sizeof ccys / sizeof ccys[0])];
    f.unit = freqs[fi].unit;
    f.count = freqs[fi].count;
    f.total = sb_rng_pct(r, 15) ? (int)sb_rng_range(r, 3, 24) : 0;
    int64_t units = sb_rng_range(r, 3, 60);
    if (f.unit == PP_YEAR || (f.unit == PP_MONTH && f.count >= 6))
        units *= 8;
    f.price = pp_round_price(f.ccy, units * pp_currencies[f.ccy].unit - (sb_rng_pct(r, 50) ? 1 : 0));
    if (sb_rng_pct(r, 35)) {
        static const int tu[] = {PP_DAY, PP_WEEK, PP_MONTH};
        static const int tc[] = {7, 1, 1};
        f.n_trials = sb_rng_pct(r, 15) ? 2 : 1;
        for (int t = 0; t < f.n_trials; t++) {
            int k = (int)sb_rng_below(r, 3);
            f.t_unit[t] = tu[k];
            f.t_count[t] = k == 0 ? (sb_rng_pct(r, 50) ? 7 : 14) : tc[k];
            f.t_total[t] = 1 + (int)sb_rng_below(r, 2);
            f.t_price[t] = sb_rng_pct(r, 60) ? 0 : pp_round_price(f.ccy, f.price / 2);
        }
    }
    unsigned sw[3] = {80, 12, 8};
    static const int st[3] = {PP_PLAN_ACTIVE, PP_PLAN_INACTIVE, PP_PLAN_CREATED};
    f.status = st[sb_rng_weighted(r, sw, 3)];
    f.style = price_style(r, f.ccy);
    f.quantity = sb_rng_pct(r, 40);
    f.tax_pct = sb_rng_pct(r, 25) ? (int)sb_rng_range(r, 5, 25) : 0;
    f.tax_inclusive = sb_rng_pct(r, 50);
    fill_plan(p, r, &f);
}

void pp_gen_catalog(pp_dataset *ds)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_CATALOG);
    size_t np = 4 + (size_t)ds->scale / 200;
    ds->products = sb_xcalloc(np, sizeof *ds->products);
    ds->n_products = np;
    for (size_t i = 0; i < np; i++) {
        pp_product *p = &ds->products[i];
        pp_make_id(ds->seed, PP_IDS_PRODUCT, i, p->id);
        p->name = product_names[i % N_PRODUCT_NAMES];
        p->description = sb_rng_pct(&r, 75) ? "Digital subscription service" : NULL;
        if (i % 5 == 3)
            p->description = "Abonnement « premium » — accès illimité";
        p->type = types[sb_rng_below(&r, 3)];
        p->category = categories[sb_rng_below(&r, sizeof categories / sizeof categories[0])];
        p->created = ds->t0 + (int64_t)(i * 3600 * 7) + sb_rng_range(&r, 0, 3600);
        p->updated = sb_rng_pct(&r, 30) ? p->created + sb_rng_range(&r, 1, 200) * PP_DAY_S : p->created;
    }

    size_t n = N_FIXED + (size_t)ds->scale / 60;
    ds->plans = sb_xcalloc(n, sizeof *ds->plans);
    ds->n_plans = n;
    int64_t span = ds->t_end - ds->t0;
    for (size_t i = 0; i < n; i++) {
        pp_plan *p = &ds->plans[i];
        pp_make_id(ds->seed, PP_IDS_PLAN, i, p->id);
        if (i < N_FIXED)
            fill_plan(p, &r, &fixed_plans[i]);
        else
            random_plan(p, &r);
        p->product = (int)(i % np);
        const pp_product *pr = &ds->products[p->product];
        static const char *const per[4] = {"daily", "weekly", "monthly", "yearly"};
        static const char *const every[4] = {"days", "weeks", "months", "years"};
        const char *tier = tiers[i % (sizeof tiers / sizeof tiers[0])];
        char period[32];
        if (p->regular.count == 1)
            snprintf(period, sizeof period, "%s", per[p->regular.unit]);
        else if (p->regular.unit == PP_MONTH && p->regular.count == 3)
            snprintf(period, sizeof period, "quarterly");
        else
            snprintf(period, sizeof period, "every %d %s", p->regular.count, every[p->regular.unit]);
        snprintf(p->name, sizeof p->name, "%s %s (%s, %s)", pr->name, tier, period,
                 pp_currencies[p->ccy].code);
        p->description = sb_rng_pct(&r, 80) ? "Recurring plan" : NULL;
        /* the first plans exist from the start; later ones appear over the first half */
        if (i < N_FIXED || sb_rng_pct(&r, 50))
            p->created = pr->created + 3600 + sb_rng_range(&r, 0, 5 * 3600);
        else
            p->created = pr->created + sb_rng_range(&r, 1, span / 2);
        p->updated = p->created;
        if (p->status == PP_PLAN_INACTIVE) /* deactivated between 30 % and 70 % of the span */
            p->updated = ds->t0 + span * 3 / 10 + sb_rng_range(&r, 0, span * 4 / 10);
        if (p->updated <= p->created)
            p->updated = p->created + PP_DAY_S;
    }
}
