/* Deterministic pseudo-random numbers: splitmix64 for seeding and hashing,
 * xoshiro256** for streams. Never rand(): the dataset must be identical everywhere. */
#ifndef SANDBOX_RNG_H
#define SANDBOX_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct sb_rng {
    uint64_t s[4];
} sb_rng;

/* Bijective 64-bit mixer (splitmix64's finaliser): distinct inputs, distinct outputs. */
uint64_t sb_mix64(uint64_t x);
/* Hash of a byte string, salted. */
uint64_t sb_hash_bytes(const void *p, size_t n, uint64_t salt);
uint64_t sb_hash_str(const char *s, uint64_t salt);

/* Independent stream number `stream` of generator `seed`. */
void sb_rng_seed(sb_rng *r, uint64_t seed, uint64_t stream);
uint64_t sb_rng_next(sb_rng *r);
uint64_t sb_rng_below(sb_rng *r, uint64_t n);            /* [0, n), n > 0 */
int64_t sb_rng_range(sb_rng *r, int64_t lo, int64_t hi); /* [lo, hi] */
int sb_rng_pct(sb_rng *r, unsigned percent);             /* true with percent% chance */
int sb_rng_permille(sb_rng *r, unsigned permille);
/* Index picked by integer weights. */
size_t sb_rng_weighted(sb_rng *r, const unsigned *weights, size_t n);

#endif
