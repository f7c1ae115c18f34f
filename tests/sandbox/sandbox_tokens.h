/* OAuth 2.0 client-credentials access tokens: random, living `ttl` seconds on the
 * monotonic clock. Asked again while one is valid, the same token comes back with its
 * remaining lifetime (as PayPal does). Thread-safe (own mutex). */
#ifndef SANDBOX_TOKENS_H
#define SANDBOX_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#define SB_TOKEN_MAX 128

typedef struct sb_tokens sb_tokens;

/* Tokens are `prefix` then random characters of `alphabet`, `len` characters in all
 * (len < SB_TOKEN_MAX). */
sb_tokens *sb_tokens_new(long ttl, uint64_t seed, const char *prefix, const char *alphabet, size_t len);
void sb_tokens_free(sb_tokens *t);
/* The live token, or a new one, into out (SB_TOKEN_MAX bytes); returns the seconds it has
 * left. */
long sb_tokens_issue(sb_tokens *t, char *out);
/* 1 when value (n bytes) is a token issued here that has not expired. */
int sb_tokens_valid(sb_tokens *t, const char *value, size_t n);

#endif
