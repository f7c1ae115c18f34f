#include "sandbox_ids.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"

/* The bijection: n -> (n * MUL + shift(kind)) mod base^digits. MUL is a prime that
 * divides none of the bases used (2, 3, 5, 31), so it is invertible; base^digits stays
 * below 2^43, so the product fits in 64 bits. The shift differs per kind, so records of
 * different kinds with one number do not share their last characters. */
#define MUL 1000003ULL

static uint64_t shift(unsigned kind, uint64_t m)
{
    return (123456789ULL + (uint64_t)kind * 2654435761ULL) % m;
}

static uint64_t space(const sb_id_style *st, unsigned base)
{
    uint64_t m = 1;
    for (unsigned i = 0; i < st->digits; i++)
        m *= base;
    return m;
}

/* a * b mod m without overflow (m < 2^63). */
static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    for (a %= m; b; b >>= 1) {
        if (b & 1)
            r = (r + a) % m;
        a = a * 2 % m;
    }
    return r;
}

/* a^-1 mod m by the extended Euclidean algorithm. */
static uint64_t inverse(uint64_t a, uint64_t m)
{
    int64_t t = 0, newt = 1, r = (int64_t)m, newr = (int64_t)(a % m);
    while (newr) {
        int64_t q = r / newr, tmp = t - q * newt;
        t = newt;
        newt = tmp;
        tmp = r - q * newr;
        r = newr;
        newr = tmp;
    }
    return (uint64_t)(t < 0 ? t + (int64_t)m : t);
}

void sb_id_make(char *out, const sb_id_style *st, uint64_t seed, unsigned kind, uint64_t number)
{
    unsigned base = (unsigned)strlen(st->alphabet);
    uint64_t m = space(st, base);
    size_t pl = strlen(st->prefix);
    char *body = out + pl;
    memcpy(out, st->prefix, pl);
    uint64_t h = sb_mix64(seed ^ ((uint64_t)kind << 48) ^ number);
    for (unsigned i = 0; i < st->len - st->digits; i++) {
        h = sb_mix64(h + i);
        body[i] = st->alphabet[h % base];
    }
    if (st->lead)
        body[0] = st->lead;
    if (st->fragment)
        memcpy(body + st->fragment_at, st->fragment, strlen(st->fragment));
    uint64_t v = ((number % m) * (MUL % m) % m + shift(kind, m)) % m;
    for (unsigned i = 0; i < st->digits; i++) {
        body[st->len - 1 - i] = st->alphabet[v % base];
        v /= base;
    }
    body[st->len] = '\0';
}

long long sb_id_number(const char *id, const sb_id_style *st, uint64_t seed, unsigned kind)
{
    size_t pl = strlen(st->prefix);
    if (strncmp(id, st->prefix, pl) != 0 || strlen(id) != pl + st->len)
        return -1;
    unsigned base = (unsigned)strlen(st->alphabet);
    uint64_t m = space(st, base), v = 0;
    for (unsigned i = st->len - st->digits; i < st->len; i++) {
        const char *c = memchr(st->alphabet, id[pl + i], base);
        if (!c || !id[pl + i])
            return -1;
        v = v * base + (uint64_t)(c - st->alphabet);
    }
    uint64_t n = mulmod((v + m - shift(kind, m)) % m, inverse(MUL % m, m), m);
    char again[SB_ID_MAX];
    sb_id_make(again, st, seed, kind, n);
    return strcmp(again, id) == 0 ? (long long)n : -1;
}

typedef struct keyed {
    char id[SB_ID_MAX];
    uint32_t index;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

uint32_t *sb_id_order(size_t n, const sb_id_style *style, uint64_t seed, unsigned kind)
{
    keyed *k = sb_xmalloc((n ? n : 1) * sizeof *k);
    for (size_t i = 0; i < n; i++) {
        sb_id_make(k[i].id, style, seed, kind, i);
        k[i].index = (uint32_t)i;
    }
    qsort(k, n, sizeof *k, cmp_keyed);
    uint32_t *order = sb_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = k[i].index;
    free(k);
    return order;
}
