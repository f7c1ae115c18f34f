#include "paypal_errors.h"

#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_json.h"

#define LINK_BILLING "https://developer.paypal.com/docs/api/v1/billing/subscriptions#"
#define LINK_OVERVIEW "https://developer.paypal.com/docs/api/overview/#error"

static const struct {
    int status;
    const char *name, *message;
    int debug_id, details; /* members present */
    const char *link;      /* the information_link; NULL: "links":[] ; "": no links */
} kinds[] = {
    [PP_E_AUTH_FAILURE] = {401, "AUTHENTICATION_FAILURE", "Authentication failed due to invalid authentication "
                           "credentials or a missing Authorization header.", 0, 0, LINK_OVERVIEW},
    [PP_E_RATE_LIMIT] = {429, "RATE_LIMIT_REACHED", "Too many requests. Blocked due to rate limiting.", 1, 0, ""},
    [PP_E_NO_ROUTE] = {404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", 1, 0, LINK_OVERVIEW},
    [PP_E_NOT_FOUND] = {404, "RESOURCE_NOT_FOUND", "The specified resource does not exist.", 1, 1,
                        LINK_BILLING "RESOURCE_NOT_FOUND"},
    [PP_E_INVALID] = {400, "INVALID_REQUEST", "Request is not well-formed, syntactically incorrect, or violates "
                      "schema.", 1, 1, LINK_BILLING "INVALID_REQUEST"},
    [PP_E_SEARCH] = {400, "INVALID_REQUEST", "Invalid request - see details.", 1, 1, NULL},
    [PP_E_NO_DATA] = {400, "INVALID_REQUEST", "Data for the given start date is not available.", 1, 1, NULL},
    [PP_E_FORBIDDEN] = {403, "NOT_AUTHORIZED", "Authorization failed due to insufficient permissions.", 1, 1,
                        LINK_BILLING "NOT_AUTHORIZED"},
    [PP_E_UNPROCESSABLE] = {422, "UNPROCESSABLE_ENTITY", "The requested action could not be performed, "
                            "semantically incorrect, or failed business validation.", 1, 1,
                            LINK_BILLING "UNPROCESSABLE_ENTITY"},
    [PP_E_UNAVAILABLE] = {503, "SERVICE_UNAVAILABLE", "Service Unavailable.", 1, 0,
                          "https://developer.paypal.com/docs/api/overview/#error-SERVICE_UNAVAILABLE"},
    [PP_E_INTERNAL] = {500, "INTERNAL_SERVER_ERROR", "An internal server error occurred.", 1, 0,
                       "https://developer.paypal.com/docs/api/overview/#error-INTERNAL_SERVER_ERROR"},
};

static void begin(sb_response *r, int status, sb_json *j)
{
    r->status = status;
    sb_buf_reset(&r->body);
    sbj_init(j, &r->body, 0);
    sbj_obj_begin(j);
}

/* The message: the kind's, and for echo@N the credentials after it. */
static void message(sb_json *j, const char *text, const char *echo)
{
    sb_buf m;
    sb_buf_init(&m);
    sb_buf_adds(&m, text);
    if (echo)
        sb_buf_printf(&m, " (Authorization: %s)", echo);
    sbj_kstr(j, "message", sb_buf_str(&m));
    sb_buf_free(&m);
}

static void api_error(sb_response *r, int kind, const char *debug_id, const char *field, const char *value,
                      const char *issue, const char *description, const char *echo)
{
    sb_json j;
    begin(r, kinds[kind].status, &j);
    sbj_kstr(&j, "name", kinds[kind].name);
    message(&j, kinds[kind].message, echo);
    if (kinds[kind].debug_id)
        sbj_kstr(&j, "debug_id", debug_id);
    if (kinds[kind].details) {
        sbj_karr(&j, "details");
        if (issue) {
            sbj_obj_begin(&j);
            if (field)
                sbj_kstr(&j, "field", field);
            if (value)
                sbj_kstr(&j, "value", value);
            if (field)
                sbj_lit(&j, "location: 'query'");
            sbj_kstr(&j, "issue", issue);
            if (description)
                sbj_kstr(&j, "description", description);
            sbj_obj_end(&j);
        }
        sbj_arr_end(&j);
    }
    const char *link = kinds[kind].link;
    if (!link || *link) {
        sbj_karr(&j, "links");
        if (link) {
            sbj_obj_begin(&j);
            sbj_kstr(&j, "href", link);
            sbj_lit(&j, "rel: 'information_link'");
            if (strncmp(link, LINK_BILLING, strlen(LINK_BILLING)) == 0)
                sbj_lit(&j, "method: 'GET'");
            sbj_obj_end(&j);
        }
        sbj_arr_end(&j);
    }
    sbj_obj_end(&j);
}

void pp_error(sb_response *r, int kind, const char *debug_id, const char *field, const char *value,
              const char *issue, const char *description)
{
    api_error(r, kind, debug_id, field, value, issue, description, NULL);
}

static void oauth_error(sb_response *r, int status, const char *error, const char *description, const char *echo)
{
    sb_buf d;
    sb_buf_init(&d);
    sb_buf_adds(&d, description);
    if (echo)
        sb_buf_printf(&d, " (Authorization: %s)", echo);
    sb_json j;
    begin(r, status, &j);
    sbj_kstr(&j, "error", error);
    sbj_kstr(&j, "error_description", sb_buf_str(&d));
    sbj_obj_end(&j);
    sb_buf_free(&d);
}

void pp_error_oauth(sb_response *r, int status, const char *error, const char *description)
{
    oauth_error(r, status, error, description, NULL);
}

void pp_error_too_large(sb_response *r, const char *debug_id, size_t total, size_t maximum)
{
    sb_json j;
    begin(r, 400, &j);
    sbj_lit(&j, "name: 'RESULTSET_TOO_LARGE', message: 'Result set size is greater than the maximum limit. "
                "Change the filter criteria and try again.'");
    sbj_kstr(&j, "debug_id", debug_id);
    sbj_kint(&j, "total_items", (int64_t)total);
    sbj_kint(&j, "maximum_items", (int64_t)maximum);
    sbj_lit(&j, "details: [], links: []");
    sbj_obj_end(&j);
}

void pp_error_fault(sb_response *r, const char *debug_id, int status, int token_endpoint, const char *echo)
{
    if (token_endpoint && (status == 400 || status == 401)) {
        oauth_error(r, status, status == 400 ? "invalid_request" : "invalid_client",
                    status == 400 ? "Invalid request" : "Client Authentication failed", echo);
        return;
    }
    switch (status) {
    case 401: oauth_error(r, 401, "invalid_token", "Access Token not found in cache", echo); return;
    case 403:
        api_error(r, PP_E_FORBIDDEN, debug_id, NULL, NULL, "PERMISSION_DENIED",
                  "You do not have permission to access or perform operations on this resource.", echo);
        return;
    case 404: api_error(r, PP_E_NO_ROUTE, debug_id, NULL, NULL, NULL, NULL, echo); return;
    case 422: api_error(r, PP_E_UNPROCESSABLE, debug_id, NULL, NULL, NULL, NULL, echo); return;
    case 429: api_error(r, PP_E_RATE_LIMIT, debug_id, NULL, NULL, NULL, NULL, echo); return;
    case 503: api_error(r, PP_E_UNAVAILABLE, debug_id, NULL, NULL, NULL, NULL, echo); return;
    }
    api_error(r, status >= 500 ? PP_E_INTERNAL : PP_E_INVALID, debug_id, NULL, NULL, NULL, NULL, echo);
    r->status = status;
}
