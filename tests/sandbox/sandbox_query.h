/* application/x-www-form-urlencoded query strings: split on '&', first '=' separates
 * key and value, both percent-decoded with '+' as space. Repeated keys are kept in
 * order (expand[]=a&expand[]=b), so callers see exactly what the client sent. */
#ifndef SANDBOX_QUERY_H
#define SANDBOX_QUERY_H

#include <stddef.h>

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

#endif
