/* PayPal's error responses. Two shapes: the API's {"name","message","debug_id","details",
 * "links"} and the OAuth server's {"error","error_description"}. Every error sets the
 * status; the Paypal-Debug-Id header is set by the caller for every response. */
#ifndef PAYPAL_ERRORS_H
#define PAYPAL_ERRORS_H

#include <stddef.h>

#include "sandbox_provider.h"

enum {
    PP_E_AUTH_FAILURE,  /* 401: no or malformed Authorization header (observed without debug_id) */
    PP_E_RATE_LIMIT,    /* 429 RATE_LIMIT_REACHED */
    PP_E_NO_ROUTE,      /* 404 for a URL no endpoint serves */
    PP_E_NOT_FOUND,     /* 404 RESOURCE_NOT_FOUND with an INVALID_RESOURCE_ID detail */
    PP_E_INVALID,       /* 400 INVALID_REQUEST of the catalog and billing APIs */
    PP_E_SEARCH,        /* 400 INVALID_REQUEST of Transaction Search: "Invalid request - see details." */
    PP_E_NO_DATA,       /* 400 "Data for the given start date is not available." */
    PP_E_FORBIDDEN, PP_E_UNPROCESSABLE, PP_E_UNAVAILABLE, PP_E_INTERNAL, /* injected faults */
};

/* An API error; its one detail has the members given (NULL: absent), none when issue is NULL. */
void pp_error(sb_response *r, int kind, const char *debug_id, const char *field, const char *value,
              const char *issue, const char *description);
/* The OAuth server's shape: invalid_client, invalid_token, unsupported_grant_type... */
void pp_error_oauth(sb_response *r, int status, const char *error, const char *description);
/* 400 RESULTSET_TOO_LARGE */
void pp_error_too_large(sb_response *r, const char *debug_id, size_t total, size_t maximum);
/* An injected fault of any status. token_endpoint: answer in the OAuth server's shape.
 * echo (NULL: none): the credentials sent, put whole into the message (echo@N). */
void pp_error_fault(sb_response *r, const char *debug_id, int status, int token_endpoint, const char *echo);

#endif
