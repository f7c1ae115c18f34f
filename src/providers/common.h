/* Small helpers the built-in providers share. Built only on the public SPI, like the
 * providers themselves. */
#ifndef BILLTAP_PROVIDERS_COMMON_H
#define BILLTAP_PROVIDERS_COMMON_H

#include "billtap/provider.h"

/* A copy of a setting's effective value, or NULL when it is unset or empty (or when out of
 * memory: callers that need the value check which with billtap_ctx_setting). */
char *pv_setting_dup(billtap_ctx *ctx, const char *key);

/* Pushes rec, then marks "<prefix>:<its id>" as the place to resume after it. */
int pv_push_marked(billtap_sink *sink, billtap_record *rec, const char *prefix,
                   billtap_ctx *ctx);

/* The start of a body that is not the provider's error envelope (a proxy's page, say), as
 * printable ASCII for an error message; "empty response body" when there is none. */
void pv_body_excerpt(char *out, size_t cap, const billtap_response *resp);

#endif
