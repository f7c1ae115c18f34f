/* application/x-www-form-urlencoded query strings: split on '&', first '=' separates
 * key and value, both percent-decoded with '+' as space. Repeated keys are kept in
 * order (expand[]=a&expand[]=b), so callers see exactly what the client sent. */
#ifndef SANDBOX_QUERY_H
#define SANDBOX_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_buf.h"

typedef struct sb_param {
    char *key;
    char *value;
} sb_param;

typedef struct sb_params {
    sb_param *items;
    size_t n;
} sb_params;

void sb_params_parse(sb_params *p, const char *query);
void sb_params_free(sb_params *p);
/* Decode %XX (invalid escapes stay literal) and optionally '+' to space, in place. */
void sb_percent_decode(char *s, int plus_is_space);
/* The value of the first parameter called name, or NULL. */
const char *sb_param_get(const sb_params *p, const char *name);
/* 0 when s is plain decimal digits (at most 12) whose value lies in [lo, hi]. */
int sb_parse_range(const char *s, long long lo, long long hi, long long *out);
/* Append s to b percent-encoded for a query string (space as '+'). */
void sb_query_escape(sb_buf *b, const char *s);
/* 1 when the comma-separated list (NULL: empty) holds item, spaces around entries aside. */
int sb_list_has(const char *list, const char *item);
/* A decimal integer with an optional sign and nothing else: 0 and its value. */
int sb_parse_int64(const char *s, int64_t *out);
/* "true" / "false": 0 and 1 / 0. */
int sb_parse_bool(const char *s, int *out);
/* Form-encoded arrays and hashes: "expand[]" and "expand[2]" are items of array `name`;
 * "created[gte]" is member `gte` of hash `created` (copied into sub, NUL-terminated). */
int sb_array_item(const char *key, const char *name);
int sb_hash_member(const char *key, const char *name, char *sub, size_t sublen);

#endif
