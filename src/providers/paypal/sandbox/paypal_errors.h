/* PayPal's error responses. Two shapes: the API's {"name","message","debug_id","details",
 * "links"} and the OAuth server's {"error","error_description"}. Every error sets the
 * status; the Paypal-Debug-Id header is set by the caller for every response. */
#ifndef PAYPAL_ERRORS_H
#define PAYPAL_ERRORS_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_provider.h"

typedef struct pp_detail {
    const char *field, *value, *location, *issue, *description; /* NULL: member absent */
} pp_detail;

/* Which API's documentation an information_link points at. */
enum { PP_API_BILLING, PP_API_SEARCH };

/* 401 {"name":"AUTHENTICATION_FAILURE",...}: no or malformed Authorization header. */
void pp_error_auth_failure(sb_response *r);
/* 401 {"error":"invalid_token","error_description":"Access Token not found in cache"} */
void pp_error_invalid_token(sb_response *r);
/* 401 {"error":"invalid_client","error_description":"Client Authentication failed"} */
void pp_error_invalid_client(sb_response *r);
/* 400 unsupported_grant_type ("Grant Type is NULL" when missing) */
void pp_error_grant_type(sb_response *r, int missing);
/* 429 RATE_LIMIT_REACHED */
void pp_error_rate_limit(sb_response *r, const char *debug_id);
/* 404 for a URL no endpoint serves */
void pp_error_no_route(sb_response *r, const char *debug_id);
/* 404 RESOURCE_NOT_FOUND / INVALID_RESOURCE_ID with the given description */
void pp_error_resource(sb_response *r, const char *debug_id, const char *description);
/* 400 INVALID_REQUEST on the catalog and billing APIs (one detail) */
void pp_error_invalid(sb_response *r, const char *debug_id, const pp_detail *d);
/* 400 INVALID_REQUEST on Transaction Search: "Invalid request - see details.", links [] */
void pp_error_search(sb_response *r, const char *debug_id, const pp_detail *d);
/* 400 "Data for the given start date is not available." */
void pp_error_search_no_data(sb_response *r, const char *debug_id);
/* 400 RESULTSET_TOO_LARGE */
void pp_error_too_large(sb_response *r, const char *debug_id, size_t total, size_t maximum);
/* An injected fault of any status. token_endpoint: answer in the OAuth server's shape. */
void pp_error_fault(sb_response *r, const char *debug_id, int status, int token_endpoint);

#endif
