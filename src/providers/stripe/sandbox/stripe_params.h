/* Parsing of Stripe's form-encoded request parameters: integers, booleans, arrays. */
#ifndef STRIPE_PARAMS_H
#define STRIPE_PARAMS_H

#include <stdint.h>

/* Decimal integer, optional sign, nothing else. 0 on success. */
int st_parse_int(const char *s, int64_t *out);
/* "true" / "false". 0 on success. */
int st_parse_bool(const char *s, int *out);
/* expand[] or expand[N]: one element of the expand array. */
int st_is_expand_key(const char *key);
/* key is "NAME[SUB]": copies SUB into sub (NUL-terminated) and returns 1. */
int st_split_hash_key(const char *key, const char *name, char *sub, unsigned sublen);

#endif
