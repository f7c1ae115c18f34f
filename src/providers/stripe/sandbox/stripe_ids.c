/* Stripe-looking ids. Each id is random-looking but encodes its (kind, number) in five
 * base-62 digits at fixed places, so ids are unique by construction, not by luck.
 * Long ids carry the account fragment in the middle, as real ones do
 * (price_1MoBy5LkdIwHu7ix...). */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"
#include "stripe_model.h"

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

typedef struct id_style {
    const char *prefix;
    int len;    /* characters after the prefix */
    char lead;  /* first character of long ids, 0 for short ones */
} id_style;

static id_style style_of(int kind)
{
    switch (kind) {
    case ST_ID_CUSTOMER: return (id_style){"cus_", 14, 0};
    case ST_ID_PRODUCT: return (id_style){"prod_", 14, 0};
    case ST_ID_PRICE: return (id_style){"price_", 24, '1'};
    case ST_ID_SUB: return (id_style){"sub_", 24, '1'};
    case ST_ID_ITEM: return (id_style){"si_", 14, 0};
    case ST_ID_CHARGE: return (id_style){"ch_", 24, '3'};
    case ST_ID_REFUND: return (id_style){"re_", 24, '3'};
    case ST_ID_PI: return (id_style){"pi_", 24, '3'};
    case ST_ID_TXN: return (id_style){"txn_", 24, '3'};
    case ST_ID_INVOICE: return (id_style){"in_", 24, '1'};
    case ST_ID_PM: return (id_style){"pm_", 24, '1'};
    default: return (id_style){"obj_", 14, 0};
    }
}

/* The number is scrambled by an affine bijection modulo 62^5 so that the five digits do
 * not read as a counter. */
#define SPACE 916132832ULL /* 62^5 */
#define MUL 387420489ULL   /* 3^18: coprime with 2 and 31, so invertible mod 62^5 */
#define ADD 123456789ULL

static uint64_t mul_inverse(void)
{
    /* extended Euclid for MUL^-1 mod SPACE */
    int64_t t = 0, newt = 1, r = (int64_t)SPACE, newr = (int64_t)MUL;
    while (newr) {
        int64_t q = r / newr, tmp;
        tmp = t - q * newt; t = newt; newt = tmp;
        tmp = r - q * newr; r = newr; newr = tmp;
    }
    return (uint64_t)(t < 0 ? t + (int64_t)SPACE : t);
}

void st_make_id(const st_dataset *ds, int kind, uint64_t number, char *out, size_t outlen)
{
    static const int short_pos[5] = {1, 4, 7, 10, 13};
    static const int long_pos[5] = {3, 5, 16, 19, 22};
    id_style st = style_of(kind);
    char body[32];
    sb_rng r;
    sb_rng_seed(&r, ds->seed, ((uint64_t)kind << 40) ^ number);
    for (int i = 0; i < st.len; i++)
        body[i] = alnum[sb_rng_below(&r, 62)];
    const int *pos = short_pos;
    if (st.lead) {
        pos = long_pos;
        body[0] = st.lead;
        memcpy(body + 7, ds->account, 8);
    }
    uint64_t n = ((number % SPACE) * MUL + ADD) % SPACE;
    for (int i = 0; i < 5; i++) {
        body[pos[i]] = alnum[n % 62];
        n /= 62;
    }
    body[st.len] = '\0';
    size_t pl = strlen(st.prefix);
    if (outlen < pl + (size_t)st.len + 1) {
        if (outlen)
            out[0] = '\0';
        return;
    }
    memcpy(out, st.prefix, pl);
    memcpy(out + pl, body, (size_t)st.len + 1);
}

void st_request_id(uint64_t seed, uint64_t number, char out[24])
{
    /* sb_mix64 is a bijection, so distinct request numbers give distinct 11-digit heads. */
    uint64_t x = sb_mix64(number ^ sb_mix64(seed ^ 0x5EED5EEDULL));
    uint64_t y = sb_mix64(x + 7);
    memcpy(out, "req_", 4);
    for (int i = 0; i < 11; i++) {
        out[4 + i] = alnum[x % 62];
        x /= 62;
    }
    for (int i = 0; i < 3; i++) {
        out[15 + i] = alnum[y % 62];
        y /= 62;
    }
    out[18] = '\0';
}

long st_find(const st_id_entry *t, size_t n, const char *id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(t[mid].id, id);
        if (c == 0)
            return (long)t[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

long st_id_number(const st_dataset *ds, int kind, const char *id)
{
    static const int short_pos[5] = {1, 4, 7, 10, 13};
    static const int long_pos[5] = {3, 5, 16, 19, 22};
    id_style st = style_of(kind);
    size_t pl = strlen(st.prefix);
    if (strncmp(id, st.prefix, pl) != 0 || strlen(id) != pl + (size_t)st.len)
        return -1;
    const char *body = id + pl;
    const int *pos = st.lead ? long_pos : short_pos;
    uint64_t n = 0;
    for (int i = 4; i >= 0; i--) {
        const char *c = strchr(alnum, body[pos[i]]);
        if (!c || !*c)
            return -1;
        n = n * 62 + (uint64_t)(c - alnum);
    }
    n = ((n + SPACE - ADD) % SPACE) * mul_inverse() % SPACE;
    char again[48];
    st_make_id(ds, kind, n, again, sizeof again);
    return strcmp(again, id) == 0 ? (long)n : -1;
}
