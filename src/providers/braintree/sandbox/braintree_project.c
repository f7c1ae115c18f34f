/* The world as Braintree shows it: ids, statuses, amounts, and the disputes in the order
 * they were opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"

/* A bijection of [0, mod): multiplication by a number prime to mod, then a shift. */
#define SCRAMBLE 2654435761ULL
#define B36_SPACE 2821109907456ULL /* 36^8 */

static uint64_t scramble(uint64_t x, uint64_t shift, uint64_t mod)
{
    return (x % mod * (SCRAMBLE % mod) % mod + shift % mod) % mod;
}

static void base36(uint64_t v, char out[9])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int i = 7; i >= 0; i--) {
        out[i] = digits[v % 36];
        v /= 36;
    }
    out[8] = '\0';
}

void bt_legacy_id(const bt_state *st, int search, size_t i, char out[32])
{
    char b[9];
    uint64_t seed = st->w->seed * 7919;
    switch (search) {
    case BT_CUSTOMERS: /* Braintree makes numeric customer ids */
        snprintf(out, 32, "%09llu", (unsigned long long)scramble(i, seed, 1000000000ULL));
        return;
    case BT_TRANSACTIONS: /* refunds are transactions too: one id space, even and odd */
    case BT_REFUNDS:
        base36(scramble(2 * (uint64_t)i + (search == BT_REFUNDS), seed, B36_SPACE), b);
        break;
    default:
        base36(scramble((uint64_t)i, seed + 104729, B36_SPACE), b);
        break;
    }
    snprintf(out, 32, "%s", b);
}

void bt_base64(const char *in, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(in), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)in[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)in[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

void bt_global_id(const bt_state *st, int search, size_t i, char out[64])
{
    static const char *const types[BT_NSEARCHES] = {"customer", "transaction", "refund", "dispute"};
    char legacy[32], plain[48];
    bt_legacy_id(st, search, i, legacy);
    snprintf(plain, sizeof plain, "%s_%s", types[search], legacy);
    bt_base64(plain, out);
}

const char *bt_payment_status(const w_payment *p)
{
    if (p->status == W_PAY_SUCCEEDED)
        return p->uncaptured ? "AUTHORIZED" : "SETTLED";
    if (p->status == W_PAY_PENDING)
        return p->bank ? "SETTLEMENT_PENDING" : "SUBMITTED_FOR_SETTLEMENT";
    return p->failure == W_FAIL_FUNDS ? "FAILED" : "PROCESSOR_DECLINED";
}

const char *bt_refund_status(const w_refund *r)
{
    static const char *const names[] = {"SETTLED", "SUBMITTED_FOR_SETTLEMENT", "PROCESSOR_DECLINED", "VOIDED",
                                        "SETTLEMENT_PENDING"};
    return names[r->status];
}

/* Open until the world decides it (w_dispute_closes); then lost, or won one time in three. */
const char *bt_dispute_status(const bt_state *st, const w_payment *p, uint32_t payment)
{
    if (st->w->now < w_dispute_closes(p))
        return payment % 2 ? "UNDER_REVIEW" : "OPEN";
    return payment % 3 == 0 ? "WON" : "LOST";
}

/* A reversal of the world is an inquiry that moves no money: a retrieval request. */
const char *bt_dispute_type(const w_payment *p)
{
    return p->dispute == W_DISPUTE_REVERSAL ? "RETRIEVAL" : "CHARGEBACK";
}

int bt_hidden(const bt_view *v, int search, size_t pos)
{
    return v->st->inserting && !v->visible && bt_created(v->st, search, pos) >= v->st->insert_since;
}

int bt_customer_listed(const bt_state *st, int customer)
{
    return customer >= 0 && !st->w->customers[customer].deleted_at;
}

void bt_amount(int64_t minor, int ccy, char out[40])
{
    int e = w_currencies[ccy].exponent;
    int64_t scale = 1;
    for (int i = 0; i < e; i++)
        scale *= 10;
    if (e == 0)
        snprintf(out, 40, "%lld", (long long)minor);
    else
        snprintf(out, 40, "%lld.%0*lld", (long long)(minor / scale), e, (long long)(minor % scale));
}

size_t bt_count(const bt_state *st, int search)
{
    switch (search) {
    case BT_CUSTOMERS:
        return st->w->n_customers;
    case BT_TRANSACTIONS:
        return st->w->n_payments;
    case BT_REFUNDS:
        return st->w->n_refunds;
    default:
        return st->n_disputes;
    }
}

int64_t bt_created(const bt_state *st, int search, size_t pos)
{
    switch (search) {
    case BT_CUSTOMERS:
        return st->w->customers[pos].created;
    case BT_TRANSACTIONS:
        return st->w->payments[pos].created;
    case BT_REFUNDS:
        return st->w->refunds[pos].created;
    default:
        return st->w->payments[st->disputes[pos]].disputed_at;
    }
}

typedef struct dispute_key {
    int64_t at;
    uint32_t payment;
} dispute_key;

static int by_disputed(const void *a, const void *b)
{
    const dispute_key *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at ? 1 : x->payment < y->payment ? -1 : x->payment > y->payment;
}

void bt_project(bt_state *st)
{
    const sb_world *w = st->w;
    dispute_key *keys = sb_xcalloc(w->n_payments + 1, sizeof *keys);
    st->disputes = sb_xcalloc(w->n_payments + 1, sizeof *st->disputes);
    st->dispute_of = sb_xcalloc(w->n_payments + 1, sizeof *st->dispute_of);
    for (size_t i = 0; i < w->n_payments; i++) {
        st->dispute_of[i] = -1;
        if (w->payments[i].dispute != W_DISPUTE_NONE)
            keys[st->n_disputes++] = (dispute_key){w->payments[i].disputed_at, (uint32_t)i};
    }
    qsort(keys, st->n_disputes, sizeof *keys, by_disputed);
    for (size_t k = 0; k < st->n_disputes; k++) {
        st->disputes[k] = keys[k].payment;
        st->dispute_of[keys[k].payment] = (int32_t)k;
    }
    free(keys);
}

void bt_project_free(bt_state *st)
{
    free(st->disputes);
    free(st->dispute_of);
}
