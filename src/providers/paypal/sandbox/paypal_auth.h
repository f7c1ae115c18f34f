/* PayPal OAuth 2.0 client credentials: POST /v1/oauth2/token and Bearer checks.
 * Tokens live --token-ttl seconds (monotonic clock); asking again while one is valid
 * returns the same token with the remaining lifetime. Thread-safe (own mutex). */
#ifndef PAYPAL_AUTH_H
#define PAYPAL_AUTH_H

#include <stdint.h>

#include "sandbox_provider.h"

typedef struct pp_auth pp_auth;

pp_auth *pp_auth_new(const char *client_id, const char *client_secret, long ttl, uint64_t seed,
                     const char *app_id);
void pp_auth_free(pp_auth *a);

/* The client id when the request's HTTP Basic credentials are right, else NULL. */
const char *pp_auth_client(const pp_auth *a, const sb_request *req);
/* Answer POST /v1/oauth2/token for an authenticated client: grant type, then a token. */
void pp_auth_issue(pp_auth *a, const sb_request *req, sb_response *resp);
/* 1 when the request carries a live Bearer token; else writes PayPal's 401 and returns 0. */
int pp_auth_check(pp_auth *a, const sb_request *req, sb_response *resp);

#endif
