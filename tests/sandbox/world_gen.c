/* The world generator's driver and shared helpers: currencies, billing periods, ordering.
 * Stages run in dependency order: catalog, customers, subscriptions, their billing (invoices
 * and payment attempts), then one-off invoices and payments, refunds and disputes. */
#include "world_gen.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_time.h"

const w_currency w_currencies[W_NCCY] = {
    [W_USD] = {"USD", 2, 1, 100},    [W_EUR] = {"EUR", 2, 1, 100},
    [W_GBP] = {"GBP", 2, 1, 100},    [W_CAD] = {"CAD", 2, 1, 100},
    [W_AUD] = {"AUD", 2, 1, 100},    [W_CHF] = {"CHF", 2, 1, 100},
    [W_SEK] = {"SEK", 2, 1, 1000},   [W_JPY] = {"JPY", 0, 1, 100},
    [W_KRW] = {"KRW", 0, 1, 1000},   [W_KWD] = {"KWD", 3, 10, 1000},
    [W_BHD] = {"BHD", 3, 10, 1000},  [W_HUF] = {"HUF", 2, 100, 30000},
    [W_TWD] = {"TWD", 2, 100, 3000},
};

const char *const w_interval_names[4] = {"day", "week", "month", "year"};

const char *const w_sub_status_names[W_SUB_NSTATUS] = {
    "trialing", "active", "past_due", "unpaid", "paused", "canceled", "incomplete",
    "incomplete_expired",
};

const char *const w_invoice_status_names[W_INV_NSTATUS] = {"draft", "open", "paid", "void",
                                                           "uncollectible"};

const char *const w_refund_status_names[5] = {"succeeded", "pending", "failed", "canceled",
                                              "requires_action"};

const char *const w_refund_reason_names[4] = {NULL, "requested_by_customer", "duplicate",
                                              "fraudulent"};

int64_t w_period_start(int64_t anchor, int unit, int count, int64_t k)
{
    switch (unit) {
    case W_DAYS: return anchor + k * count * W_DAY;
    case W_WEEKS: return anchor + k * count * 7 * W_DAY;
    case W_MONTHS: return sb_time_add_months(anchor, k * count);
    default: return sb_time_add_months(anchor, k * count * 12);
    }
}

void w_period_at(int64_t anchor, int unit, int count, int64_t t, int64_t *s, int64_t *e)
{
    static const int64_t approx_days[4] = {1, 7, 30, 365};
    int64_t k = t < anchor ? 0 : (t - anchor) / (approx_days[unit] * count * W_DAY);
    while (k > 0 && w_period_start(anchor, unit, count, k) > t)
        k--;
    while (t >= anchor && w_period_start(anchor, unit, count, k + 1) <= t)
        k++;
    *s = w_period_start(anchor, unit, count, k);
    *e = w_period_start(anchor, unit, count, k + 1);
}

int64_t w_dispute_closes(const w_payment *p)
{
    return p->disputed_at + (p->dispute == W_DISPUTE_REVERSAL ? 120 : 75) * W_DAY + 1;
}

int64_t w_dense_day(int i)
{
    int64_t span = W_NOW - W_START;
    int64_t t = i == 0 ? W_START + span * 3 / 10 : i == 1 ? W_START + span * 6 / 10 : W_NOW - 21 * W_DAY;
    return t / W_DAY * W_DAY;
}

int64_t w_round(int ccy, int64_t v)
{
    int64_t q = w_currencies[ccy].quantum;
    return (v + q / 2) / q * q;
}

const char *wg_money_text(sb_world *w, int ccy, int64_t amount)
{
    const w_currency *c = &w_currencies[ccy];
    if (c->exponent == 0)
        return sb_arena_printf(w->arena, "%" PRId64 " %s", amount, c->code);
    int64_t div = c->exponent == 3 ? 1000 : 100;
    return sb_arena_printf(w->arena, "%" PRId64 ".%0*" PRId64 " %s", amount / div, c->exponent,
                           amount % div, c->code);
}

typedef struct sort_key {
    int64_t created;
    uint32_t index;
} sort_key;

static int cmp_key(const void *a, const void *b)
{
    const sort_key *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void wg_sort(void *records, size_t n, size_t size, size_t created_offset, uint32_t *old_to_new)
{
    char *src = records;
    sort_key *keys = sb_xmalloc((n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        memcpy(&keys[i].created, src + i * size + created_offset, sizeof(int64_t));
        keys[i].index = (uint32_t)i;
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    char *copy = sb_xmalloc((n ? n : 1) * size);
    memcpy(copy, src, n * size);
    for (size_t k = 0; k < n; k++) {
        memcpy(src + k * size, copy + (size_t)keys[k].index * size, size);
        if (old_to_new)
            old_to_new[keys[k].index] = (uint32_t)k;
    }
    free(copy);
    free(keys);
}

void sb_world_generate(sb_world *w, uint64_t seed, long scale)
{
    memset(w, 0, sizeof *w);
    w->seed = seed;
    w->scale = scale < 0 ? 0 : scale;
    w->arena = sb_arena_new();
    wg_catalog(w);
    wg_customers(w);
    wg_intent *intents;
    wg_subscriptions(w, &intents);
    wg_billing(w, intents);
    free(intents);
    wg_payments(w);
    wg_epoch0(w);
}

void sb_world_free(sb_world *w)
{
    free(w->customers);
    free(w->products);
    free(w->prices);
    free(w->subs);
    free(w->items);
    free(w->invoices);
    free(w->lines);
    free(w->payments);
    free(w->refunds);
    free(w->payment_refunds);
    free(w->events);
    if (!w->shares_arena)
        sb_arena_free(w->arena);
    memset(w, 0, sizeof *w);
}
