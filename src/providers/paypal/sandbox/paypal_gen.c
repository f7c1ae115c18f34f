/* PayPal dataset generation: clock, stages in dependency order (catalog, payers,
 * subscriptions with their payments, one-off payments, refunds and reversals, rows sharing
 * a transaction id, the burst day), then ids, search order and indexes. */
#include "paypal_gen.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_time.h"

#define M60 ((1ULL << 60) - 1)

static uint64_t mix60(uint64_t x)
{
    /* xorshifts and odd multiplications modulo 2^60: a bijection on 60-bit values */
    x &= M60;
    x ^= x >> 29;
    x = (x * 0xbf58476d1ce4e5b9ULL) & M60;
    x ^= x >> 32;
    x = (x * 0x94d049bb133111ebULL) & M60;
    x ^= x >> 29;
    return x;
}

static void encode(uint64_t v, const char *alphabet, unsigned base, int digits, char *out)
{
    for (int i = digits - 1; i >= 0; i--) {
        out[i] = alphabet[v % base];
        v /= base;
    }
}

void pp_make_id(uint64_t seed, int space, uint64_t n, char *out)
{
    static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const char b32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* PayPal's payer-id alphabet */
    if (space == PP_IDS_AUTH) { /* authorization ids share the transaction-id space */
        space = PP_IDS_TXN;
        n += 1ULL << 40;
    }
    uint64_t salt = sb_mix64(seed * 0x9E3779B97F4A7C15ULL + (uint64_t)space) & M60;
    uint64_t v = mix60(n + salt);          /* unique per (space, n) */
    uint64_t h = sb_mix64(v ^ (uint64_t)space << 56);
    char tail[32], head[16];
    encode(v, b36, 36, 12, tail);
    tail[12] = '\0';
    encode(h % 60466176ULL, b36, 36, 5, head); /* 36^5 */
    head[5] = '\0';
    switch (space) {
    case PP_IDS_PRODUCT: /* PROD- + 17 */
        memcpy(out, "PROD-", 5);
        memcpy(out + 5, head, 5);
        memcpy(out + 10, tail, 12);
        out[22] = '\0';
        break;
    case PP_IDS_PLAN: { /* P- + 24 */
        char more[16];
        encode(sb_mix64(h) % 4738381338321616896ULL, b36, 36, 12, more); /* 36^12 */
        memcpy(out, "P-", 2);
        memcpy(out + 2, tail, 12);
        memcpy(out + 14, more, 12);
        out[26] = '\0';
        break;
    }
    case PP_IDS_SUB: /* I- + 12 */
        memcpy(out, "I-", 2);
        memcpy(out + 2, tail, 12);
        out[14] = '\0';
        break;
    case PP_IDS_BA: /* B- + 17 */
        memcpy(out, "B-", 2);
        memcpy(out + 2, head, 5);
        memcpy(out + 7, tail, 12);
        out[19] = '\0';
        break;
    case PP_IDS_TOKEN: /* BA- + 17 (approval tokens in links) */
        memcpy(out, "BA-", 3);
        memcpy(out + 3, head, 5);
        memcpy(out + 8, tail, 12);
        out[20] = '\0';
        break;
    case PP_IDS_PAYER:
    case PP_IDS_ACCOUNT: /* 13 of [2-9A-HJ-NP-Z]: 12 digits hold the 60 bits exactly */
        encode(v, b32, 32, 12, out);
        out[12] = b32[h % 32];
        out[13] = '\0';
        break;
    default: /* PP_IDS_TXN: 17 characters */
        memcpy(out, head, 5);
        memcpy(out + 5, tail, 12);
        out[17] = '\0';
        break;
    }
}

int64_t pp_period_start(int64_t anchor, int unit, int count, int64_t k)
{
    switch (unit) {
    case PP_DAY: return anchor + k * count * PP_DAY_S;
    case PP_WEEK: return anchor + k * count * 7 * PP_DAY_S;
    case PP_MONTH: return sb_time_add_months(anchor, k * count);
    default: return sb_time_add_months(anchor, k * count * 12);
    }
}

int64_t pp_round_price(int ccy, int64_t v)
{
    int64_t q = pp_currencies[ccy].exponent == 0 ? 10 : 1;
    if (pp_currencies[ccy].exponent == 0 && v >= 1000)
        q = 100;
    if (v < q)
        v = q;
    return v / q * q;
}

int64_t pp_fee(int ccy, int64_t amount)
{
    int64_t fixed = pp_currencies[ccy].unit * 30 / 100;
    int64_t fee = amount * 29 / 1000 + fixed;
    return -fee;
}

pp_row *pp_rowvec_push(pp_rowvec *v, int32_t parent)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4096;
        v->items = sb_xrealloc(v->items, v->cap * sizeof *v->items);
        v->parent = sb_xrealloc(v->parent, v->cap * sizeof *v->parent);
    }
    pp_row *r = &v->items[v->n];
    memset(r, 0, sizeof *r);
    r->payer = -1;
    r->guest = -1;
    r->sub = -1;
    r->order = 1;
    r->balance = 1;
    v->parent[v->n] = parent;
    v->n++;
    return r;
}

static int cmp_rows(const void *a, const void *b)
{
    const pp_row *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    int c = strcmp(x->txid, y->txid);
    if (c)
        return c;
    return (int)x->order - (int)y->order;
}

static int cmp_id_entry(const void *a, const void *b)
{
    return strcmp(((const pp_id_entry *)a)->id, ((const pp_id_entry *)b)->id);
}

static pp_id_entry *build_index(const void *records, size_t n, size_t stride)
{
    pp_id_entry *t = sb_xmalloc((n ? n : 1) * sizeof *t);
    const char *p = records;
    for (size_t i = 0; i < n; i++) {
        t[i].id = p + i * stride; /* every record struct starts with its id */
        t[i].index = (uint32_t)i;
    }
    qsort(t, n, sizeof *t, cmp_id_entry);
    return t;
}

void pp_dataset_generate(pp_dataset *ds, uint64_t seed, long scale, int64_t now, long burst_rows)
{
    memset(ds, 0, sizeof *ds);
    ds->seed = seed;
    ds->scale = scale < 1 ? 1 : scale;
    ds->now = now;
    ds->hist_start = now - PP_HISTORY_S;
    ds->t0 = ds->hist_start + 2 * PP_DAY_S;
    ds->t_end = now - PP_DAY_S;
    ds->cutoff = now - PP_LAG_S;
    ds->burst_rows = burst_rows;
    if (burst_rows > 0)
        ds->burst_day = (now - 100 * PP_DAY_S) / PP_DAY_S * PP_DAY_S;
    pp_make_id(seed, PP_IDS_ACCOUNT, 0, ds->account_number);
    char app[28];
    pp_make_id(seed, PP_IDS_TXN, 1ULL << 44, app);
    memcpy(ds->app_id, "APP-", 4);
    memcpy(ds->app_id + 4, app, 18);

    pp_gen_catalog(ds);
    pp_gen_payers(ds);
    pp_rowvec rv = {0};
    pp_gen_subscriptions(ds, &rv);
    pp_gen_oneoffs(ds, &rv);
    pp_gen_refunds(ds, &rv);
    pp_gen_twins(ds, &rv);
    pp_gen_burst(ds, &rv);

    /* Transaction ids in generation order; a twin (order != 1) shares its parent's id and
     * a refund, reversal or chargeback refers to its payment's id. */
    uint64_t next_txn = 0;
    for (size_t i = 0; i < rv.n; i++) {
        pp_row *r = &rv.items[i];
        int32_t p = rv.parent[i];
        if (r->order != 1 && p >= 0) {
            memcpy(r->txid, rv.items[p].txid, sizeof r->txid);
            continue;
        }
        pp_make_id(seed, PP_IDS_TXN, next_txn++, r->txid);
        if (p >= 0 && r->ref_type == PP_REF_TXN)
            memcpy(r->ref, rv.items[p].txid, sizeof r->txid);
    }
    qsort(rv.items, rv.n, sizeof *rv.items, cmp_rows);
    ds->rows = rv.items;
    ds->n_rows = rv.n;
    free(rv.parent);

    for (size_t i = 0; i < ds->n_rows; i++)
        if (ds->rows[i].ref_type == PP_REF_SUB && ds->rows[i].sub >= 0)
            ds->subs[ds->rows[i].sub].visible = 1;
    for (size_t i = 0; i < ds->n_subs; i++)
        ds->n_hidden += !ds->subs[i].visible;

    ds->by_id_products = build_index(ds->products, ds->n_products, sizeof *ds->products);
    ds->by_id_plans = build_index(ds->plans, ds->n_plans, sizeof *ds->plans);
    ds->by_id_subs = build_index(ds->subs, ds->n_subs, sizeof *ds->subs);
}
