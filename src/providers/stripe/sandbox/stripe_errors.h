/* Stripe's error responses: {"error":{...}} with the members Stripe sends, in its order. */
#ifndef STRIPE_ERRORS_H
#define STRIPE_ERRORS_H

#include "sandbox_provider.h"

/* code and param may be NULL; a code other than rate_limit gets Stripe's doc_url. */
void st_error(sb_response *r, int status, const char *type, const char *code, const char *param,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The same with type invalid_request_error, Stripe's usual one. */
void st_invalid(sb_response *r, int status, const char *code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void st_error_missing_key(sb_response *r);
void st_error_invalid_key(sb_response *r, const char *key);
/* 403 account_invalid: a Stripe-Account the key cannot act for (or that does not exist) */
void st_error_account(sb_response *r, const char *key, const char *account);
void st_error_rate_limit(sb_response *r);
void st_error_unrecognized(sb_response *r, const char *method, const char *path);
/* 404 resource_missing "No such NOUN: 'ID'" */
void st_error_no_such(sb_response *r, const char *noun, const char *id, const char *param);
void st_error_unknown_param(sb_response *r, const char *param);
void st_error_invalid_integer(sb_response *r, const char *value, const char *param);
/* "This property cannot be expanded (X)." with the data.-prefix hint when it applies */
void st_error_expand(sb_response *r, const char *path, int is_list, int prefixed_would_work);
/* The body for an injected fault of any status; echo (NULL: none) is put into its
 * message whole: the API key for 401, the Authorization header as sent otherwise. */
void st_error_fault(sb_response *r, int status, const char *echo);

#endif
