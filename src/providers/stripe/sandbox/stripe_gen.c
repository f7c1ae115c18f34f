/* Dataset generation: runs the stages in dependency order (catalog, customers,
 * subscriptions, payments) and builds the id indexes. */
#include "stripe_gen.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_time.h"

typedef struct perm_key {
    int64_t created;
    size_t index;
} perm_key;

static int cmp_perm_key(const void *a, const void *b)
{
    const perm_key *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void *st_order_records(const st_dataset *ds, void *gen, size_t n, size_t size,
                       size_t created_offset, int id_kind, size_t id_size)
{
    char *src = gen;
    perm_key *keys = sb_xmalloc((n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        memcpy(&keys[i].created, src + i * size + created_offset, sizeof(int64_t));
        keys[i].index = i;
    }
    qsort(keys, n, sizeof *keys, cmp_perm_key);
    char *out = sb_xmalloc((n ? n : 1) * size);
    for (size_t k = 0; k < n; k++) {
        memcpy(out + k * size, src + keys[k].index * size, size);
        st_make_id(ds, id_kind, k, out + k * size, id_size);
    }
    free(keys);
    free(gen);
    return out;
}

int64_t st_round_amount(int ccy, int64_t v)
{
    int64_t q = st_currencies[ccy].quantum;
    if (v < q)
        v = q;
    return (v + q - 1) / q * q;
}

int64_t st_period_start(int64_t anchor, int unit, int count, int64_t k)
{
    switch (unit) {
    case ST_DAY: return anchor + k * count * ST_DAY_S;
    case ST_WEEK: return anchor + k * count * 7 * ST_DAY_S;
    case ST_MONTH: return sb_time_add_months(anchor, k * count);
    default: return sb_time_add_months(anchor, k * count * 12);
    }
}

void st_period_at(int64_t anchor, int unit, int count, int64_t ref, int64_t *s, int64_t *e)
{
    if (ref < anchor) {
        *s = anchor;
        *e = st_period_start(anchor, unit, count, 1);
        return;
    }
    static const int64_t approx_days[4] = {1, 7, 30, 365};
    int64_t len = approx_days[unit] * count * ST_DAY_S;
    int64_t k = (ref - anchor) / len;
    while (k > 0 && st_period_start(anchor, unit, count, k) > ref)
        k--;
    while (st_period_start(anchor, unit, count, k + 1) <= ref)
        k++;
    *s = st_period_start(anchor, unit, count, k);
    *e = st_period_start(anchor, unit, count, k + 1);
}

static int cmp_id_entry(const void *a, const void *b)
{
    return strcmp(((const st_id_entry *)a)->id, ((const st_id_entry *)b)->id);
}

static st_id_entry *build_index(const void *records, size_t n, size_t stride)
{
    st_id_entry *t = sb_xmalloc(n * sizeof *t);
    const char *p = records;
    for (size_t i = 0; i < n; i++) {
        t[i].id = p + i * stride; /* every record struct starts with its id */
        t[i].index = (uint32_t)i;
    }
    qsort(t, n, sizeof *t, cmp_id_entry);
    return t;
}

void st_dataset_generate(st_dataset *ds, uint64_t seed, long scale)
{
    static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    memset(ds, 0, sizeof *ds);
    ds->seed = seed;
    ds->scale = scale < 0 ? 0 : scale;
    ds->arena = st_arena_new();
    sb_rng r;
    sb_rng_seed(&r, seed, 0);
    for (int i = 0; i < 8; i++)
        ds->account[i] = alnum[sb_rng_below(&r, 62)];
    ds->account[8] = '\0';

    st_gen_catalog(ds);
    st_gen_customers(ds);
    st_gen_subscriptions(ds);
    st_gen_payments(ds);

    ds->by_id_customers = build_index(ds->customers, ds->n_customers, sizeof *ds->customers);
    ds->by_id_products = build_index(ds->products, ds->n_products, sizeof *ds->products);
    ds->by_id_prices = build_index(ds->prices, ds->n_prices, sizeof *ds->prices);
    ds->by_id_subs = build_index(ds->subs, ds->n_subs, sizeof *ds->subs);
    ds->by_id_items = build_index(ds->items, ds->n_items, sizeof *ds->items);
    ds->by_id_charges = build_index(ds->charges, ds->n_charges, sizeof *ds->charges);
    ds->by_id_refunds = build_index(ds->refunds, ds->n_refunds, sizeof *ds->refunds);
}

void st_dataset_free(st_dataset *ds)
{
    free(ds->customers);
    free(ds->products);
    free(ds->prices);
    free(ds->subs);
    free(ds->items);
    free(ds->charges);
    free(ds->refunds);
    free(ds->charge_refunds);
    free(ds->by_id_customers);
    free(ds->by_id_products);
    free(ds->by_id_prices);
    free(ds->by_id_subs);
    free(ds->by_id_items);
    free(ds->by_id_charges);
    free(ds->by_id_refunds);
    st_arena_free(ds->arena);
    memset(ds, 0, sizeof *ds);
}
