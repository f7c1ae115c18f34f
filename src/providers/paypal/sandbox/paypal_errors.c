#include "paypal_errors.h"

#include <string.h>

#include "sandbox_json.h"

#define LINK_BILLING "https://developer.paypal.com/docs/api/v1/billing/subscriptions#"
#define LINK_OVERVIEW "https://developer.paypal.com/docs/api/overview/#error"

enum { LINKS_NONE, LINKS_EMPTY, LINKS_INFO };

static void begin(sb_response *r, int status, sb_json *j)
{
    r->status = status;
    sb_buf_reset(&r->body);
    sbj_init(j, &r->body, 0);
    sbj_obj_begin(j);
}

static void end(sb_json *j)
{
    sbj_obj_end(j);
}

static void detail(sb_json *j, const pp_detail *d)
{
    sbj_obj_begin(j);
    if (d->field)
        sbj_kstr(j, "field", d->field);
    if (d->value)
        sbj_kstr(j, "value", d->value);
    if (d->location)
        sbj_kstr(j, "location", d->location);
    sbj_kstr(j, "issue", d->issue);
    if (d->description)
        sbj_kstr(j, "description", d->description);
    sbj_obj_end(j);
}

/* {"name","message","debug_id","details":[...],"links":[...]} */
static void api_error(sb_response *r, int status, const char *name, const char *message,
                      const char *debug_id, const pp_detail *d, size_t nd, int with_details,
                      int links, const char *href)
{
    sb_json j;
    begin(r, status, &j);
    sbj_kstr(&j, "name", name);
    sbj_kstr(&j, "message", message);
    if (debug_id)
        sbj_kstr(&j, "debug_id", debug_id);
    if (with_details) {
        sbj_key(&j, "details");
        sbj_arr_begin(&j);
        for (size_t i = 0; i < nd; i++)
            detail(&j, &d[i]);
        sbj_arr_end(&j);
    }
    if (links != LINKS_NONE) {
        sbj_key(&j, "links");
        sbj_arr_begin(&j);
        if (links == LINKS_INFO) {
            sbj_obj_begin(&j);
            sbj_kstr(&j, "href", href);
            sbj_kstr(&j, "rel", "information_link");
            if (strncmp(href, LINK_BILLING, strlen(LINK_BILLING)) == 0)
                sbj_kstr(&j, "method", "GET");
            sbj_obj_end(&j);
        }
        sbj_arr_end(&j);
    }
    end(&j);
}

static void oauth_error(sb_response *r, int status, const char *error, const char *description)
{
    sb_json j;
    begin(r, status, &j);
    sbj_kstr(&j, "error", error);
    sbj_kstr(&j, "error_description", description);
    end(&j);
}

void pp_error_auth_failure(sb_response *r)
{
    /* observed without debug_id (the header still carries one) */
    api_error(r, 401, "AUTHENTICATION_FAILURE",
              "Authentication failed due to invalid authentication credentials or a missing "
              "Authorization header.",
              NULL, NULL, 0, 0, LINKS_INFO, LINK_OVERVIEW);
}

void pp_error_invalid_token(sb_response *r)
{
    oauth_error(r, 401, "invalid_token", "Access Token not found in cache");
}

void pp_error_invalid_client(sb_response *r)
{
    oauth_error(r, 401, "invalid_client", "Client Authentication failed");
}

void pp_error_grant_type(sb_response *r, int missing)
{
    oauth_error(r, 400, "unsupported_grant_type", missing ? "Grant Type is NULL" : "unsupported grant_type");
}

void pp_error_rate_limit(sb_response *r, const char *debug_id)
{
    api_error(r, 429, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.",
              debug_id, NULL, 0, 0, LINKS_NONE, NULL);
}

void pp_error_no_route(sb_response *r, const char *debug_id)
{
    api_error(r, 404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", debug_id,
              NULL, 0, 0, LINKS_INFO, LINK_OVERVIEW);
}

void pp_error_resource(sb_response *r, const char *debug_id, const char *description)
{
    pp_detail d = {NULL, NULL, NULL, "INVALID_RESOURCE_ID", description};
    api_error(r, 404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", debug_id, &d,
              1, 1, LINKS_INFO, LINK_BILLING "RESOURCE_NOT_FOUND");
}

void pp_error_invalid(sb_response *r, const char *debug_id, const pp_detail *d)
{
    api_error(r, 400, "INVALID_REQUEST",
              "Request is not well-formed, syntactically incorrect, or violates schema.", debug_id, d,
              1, 1, LINKS_INFO, LINK_BILLING "INVALID_REQUEST");
}

void pp_error_search(sb_response *r, const char *debug_id, const pp_detail *d)
{
    api_error(r, 400, "INVALID_REQUEST", "Invalid request - see details.", debug_id, d, 1, 1,
              LINKS_EMPTY, NULL);
}

void pp_error_search_no_data(sb_response *r, const char *debug_id)
{
    api_error(r, 400, "INVALID_REQUEST", "Data for the given start date is not available.", debug_id,
              NULL, 0, 1, LINKS_EMPTY, NULL);
}

void pp_error_too_large(sb_response *r, const char *debug_id, size_t total, size_t maximum)
{
    sb_json j;
    begin(r, 400, &j);
    sbj_kstr(&j, "name", "RESULTSET_TOO_LARGE");
    sbj_kstr(&j, "message", "Result set size is greater than the maximum limit. Change the filter "
                            "criteria and try again.");
    sbj_kstr(&j, "debug_id", debug_id);
    sbj_kint(&j, "total_items", (int64_t)total);
    sbj_kint(&j, "maximum_items", (int64_t)maximum);
    sbj_kempty_arr(&j, "details");
    sbj_kempty_arr(&j, "links");
    end(&j);
}

void pp_error_fault(sb_response *r, const char *debug_id, int status, int token_endpoint)
{
    switch (status) {
    case 400:
        if (token_endpoint) {
            oauth_error(r, 400, "invalid_request", "Invalid request");
            return;
        }
        api_error(r, 400, "INVALID_REQUEST",
                  "Request is not well-formed, syntactically incorrect, or violates schema.", debug_id,
                  NULL, 0, 1, LINKS_INFO, LINK_BILLING "INVALID_REQUEST");
        return;
    case 401:
        if (token_endpoint)
            pp_error_invalid_client(r);
        else
            pp_error_invalid_token(r);
        return;
    case 403: {
        pp_detail d = {NULL, NULL, NULL, "PERMISSION_DENIED",
                       "You do not have permission to access or perform operations on this resource."};
        api_error(r, 403, "NOT_AUTHORIZED", "Authorization failed due to insufficient permissions.",
                  debug_id, &d, 1, 1, LINKS_INFO, LINK_BILLING "NOT_AUTHORIZED");
        return;
    }
    case 404:
        pp_error_no_route(r, debug_id);
        return;
    case 422:
        api_error(r, 422, "UNPROCESSABLE_ENTITY",
                  "The requested action could not be performed, semantically incorrect, or failed "
                  "business validation.",
                  debug_id, NULL, 0, 1, LINKS_INFO, LINK_BILLING "UNPROCESSABLE_ENTITY");
        return;
    case 429:
        pp_error_rate_limit(r, debug_id);
        return;
    case 503:
        api_error(r, 503, "SERVICE_UNAVAILABLE", "Service Unavailable.", debug_id, NULL, 0, 0,
                  LINKS_INFO, "https://developer.paypal.com/docs/api/overview/#error-SERVICE_UNAVAILABLE");
        return;
    default:
        if (status >= 500)
            api_error(r, status, "INTERNAL_SERVER_ERROR", "An internal server error occurred.", debug_id,
                      NULL, 0, 0, LINKS_INFO,
                      "https://developer.paypal.com/docs/api/overview/#error-INTERNAL_SERVER_ERROR");
        else
            api_error(r, status, "INVALID_REQUEST",
                      "Request is not well-formed, syntactically incorrect, or violates schema.",
                      debug_id, NULL, 0, 1, LINKS_INFO, LINK_BILLING "INVALID_REQUEST");
    }
}
