#include "stripe_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_json.h"

#define INVALID "invalid_request_error"

static void error_v(sb_response *r, int status, const char *type, const char *code, const char *param,
                    const char *fmt, va_list ap)
{
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    r->status = status;
    sb_buf_reset(&r->body);
    sb_json j;
    sbj_init(&j, &r->body, 1);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "error");
    if (code) {
        sbj_kstr(&j, "code", code);
        if (strcmp(code, "rate_limit") != 0) { /* https://stripe.com/docs/error-codes/resource-missing */
            char url[128];
            size_t n = (size_t)snprintf(url, sizeof url, "https://stripe.com/docs/error-codes/"), i;
            for (i = 0; code[i] && n + i + 1 < sizeof url; i++)
                url[n + i] = code[i] == '_' ? '-' : code[i];
            url[n + i] = '\0';
            sbj_kstr(&j, "doc_url", url);
        }
    }
    sbj_kstr(&j, "message", message);
    if (param)
        sbj_kstr(&j, "param", param);
    sbj_kstr(&j, "type", type);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&r->body, '\n');
}

void st_error(sb_response *r, int status, const char *type, const char *code, const char *param,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(r, status, type, code, param, fmt, ap);
    va_end(ap);
}

void st_invalid(sb_response *r, int status, const char *code, const char *param, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_v(r, status, INVALID, code, param, fmt, ap);
    va_end(ap);
}

void st_error_missing_key(sb_response *r)
{
    st_invalid(r, 401, NULL, NULL,
               "You did not provide an API key. You need to provide your API key in the Authorization "
               "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
               "https://stripe.com/docs/api#authentication for details, or we can help at "
               "https://support.stripe.com/.");
    sb_response_header(r, "WWW-Authenticate", "Basic realm=\"Stripe\"");
}

/* A key as Stripe shows it in messages: the first 8 characters (the sk_test_ prefix) and
 * the last 4; short keys are all stars. */
static void masked(char shown[256], const char *key)
{
    size_t n = strlen(key) < 255 ? strlen(key) : 255;
    for (size_t i = 0; i < n; i++)
        shown[i] = n > 12 && (i < 8 || i >= n - 4) ? key[i] : '*';
    shown[n] = '\0';
}

void st_error_invalid_key(sb_response *r, const char *key)
{
    char shown[256];
    masked(shown, key);
    st_invalid(r, 401, NULL, NULL, "Invalid API Key provided: %s", shown);
    sb_response_header(r, "WWW-Authenticate", "Basic realm=\"Stripe\"");
}

void st_error_account(sb_response *r, const char *key, const char *account)
{
    char shown[256];
    masked(shown, key);
    st_invalid(r, 403, "account_invalid", NULL,
               "The provided key '%s' does not have access to account '%s' (or that account does not "
               "exist). Application access may have been revoked.", shown, account);
}

void st_error_rate_limit(sb_response *r)
{
    st_invalid(r, 429, "rate_limit", NULL,
               "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.");
}

void st_error_unrecognized(sb_response *r, const char *method, const char *path)
{
    size_t n = strlen(path);
    st_invalid(r, 404, NULL, NULL, "Unrecognized request URL (%s: %s). %sPlease see https://stripe.com/docs "
               "or we can help at https://support.stripe.com/.", method, path,
               n > 1 && path[n - 1] == '/'
                   ? "If you are trying to list objects, remove the trailing slash. If you are trying to "
                     "retrieve an object, make sure you passed a valid (non-empty) identifier in your code. "
                   : "");
}

void st_error_no_such(sb_response *r, const char *noun, const char *id, const char *param)
{
    st_invalid(r, 404, "resource_missing", param, "No such %s: '%s'", noun, id);
}

void st_error_unknown_param(sb_response *r, const char *param)
{
    st_invalid(r, 400, "parameter_unknown", param, "Received unknown parameter: %s", param);
}

void st_error_invalid_integer(sb_response *r, const char *value, const char *param)
{
    st_invalid(r, 400, "parameter_invalid_integer", param, "Invalid integer: %s", value);
}

void st_error_expand(sb_response *r, const char *path, int is_list, int prefixed_would_work)
{
    int hint = is_list && prefixed_would_work;
    st_invalid(r, 400, NULL, NULL, "This property cannot be expanded (%s).%s%s%s", path,
               hint ? " You may want to try expanding 'data." : "", hint ? path : "", hint ? "' instead." : "");
}

void st_error_fault(sb_response *r, int status, const char *echo)
{
    /* echo: what a chatty server or proxy repeats of the credentials; 401 says it the way
     * Stripe's invalid-key message does, only without the stars */
    const char *type = INVALID, *code = NULL, *message = "Invalid request.";
    switch (status) {
    case 429:
        code = "rate_limit";
        message = "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.";
        break;
    case 401: message = "Invalid API Key provided: sk_test_****"; break;
    case 402: type = "card_error", code = "card_declined", message = "Your card was declined."; break;
    case 403: message = "The provided key does not have the required permissions for this endpoint."; break;
    case 404: code = "resource_missing", message = "No such object."; break;
    case 409:
        type = "idempotency_error";
        message = "Keys for idempotent requests can only be used with the same parameters they were first used with.";
        break;
    default:
        if (status >= 500) /* Stripe's old generic message */
            type = "api_error", message = "Sorry, something went wrong. We've already been notified of the problem, "
                                          "but if you need any help, you can reach us at support.stripe.com/contact.";
    }
    if (echo && status == 401)
        st_error(r, status, type, code, NULL, "Invalid API Key provided: %s", echo);
    else if (echo)
        st_error(r, status, type, code, NULL, "%s (Authorization: %s)", message, echo);
    else
        st_error(r, status, type, code, NULL, "%s", message);
}
