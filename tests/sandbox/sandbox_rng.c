#include "sandbox_rng.h"

uint64_t sb_mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t sb_hash_bytes(const void *p, size_t n, uint64_t salt)
{
    const unsigned char *s = p;
    uint64_t h = 0xcbf29ce484222325ULL ^ sb_mix64(salt);
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return sb_mix64(h);
}

uint64_t sb_hash_str(const char *s, uint64_t salt)
{
    size_t n = 0;
    while (s[n])
        n++;
    return sb_hash_bytes(s, n, salt);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void sb_rng_seed(sb_rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = sb_mix64(seed) ^ sb_mix64(stream * 0xd1342543de82ef95ULL + 1);
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        r->s[i] = sb_mix64(x);
    }
    if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
        r->s[0] = 1;
}

uint64_t sb_rng_next(sb_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t sb_rng_below(sb_rng *r, uint64_t n)
{
    if (n <= 1)
        return 0;
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do {
        x = sb_rng_next(r);
    } while (x >= limit);
    return x % n;
}

int64_t sb_rng_range(sb_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int64_t)sb_rng_below(r, (uint64_t)(hi - lo) + 1);
}

int sb_rng_pct(sb_rng *r, unsigned percent)
{
    return sb_rng_below(r, 100) < percent;
}

int sb_rng_permille(sb_rng *r, unsigned permille)
{
    return sb_rng_below(r, 1000) < permille;
}

size_t sb_rng_weighted(sb_rng *r, const unsigned *w, size_t n)
{
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += w[i];
    uint64_t x = sb_rng_below(r, total);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}
