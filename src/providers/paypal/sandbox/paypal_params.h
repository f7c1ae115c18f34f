/* Query parameters as PayPal reads them: the first occurrence wins, unknown names are
 * ignored, integers are plain decimal digits, times are RFC 3339 with seconds and a Z or
 * +HH:MM offset (the spec's pattern: "+0000" is rejected). */
#ifndef PAYPAL_PARAMS_H
#define PAYPAL_PARAMS_H

#include <stdint.h>

#include "sandbox_provider.h"

const char *pp_param(const sb_request *req, const char *name);
/* 0 when s is a decimal integer in [lo, hi] */
int pp_parse_int(const char *s, long long lo, long long hi, long long *out);
/* 0 when s matches PayPal's date_time pattern and is a real calendar date */
int pp_parse_rfc3339(const char *s, int64_t *out);

#endif
