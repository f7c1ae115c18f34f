#include "stripe_errors.h"

#include <stdio.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_json.h"

void st_error(sb_response *r, int status, const char *type, const char *code, const char *message,
              const char *param)
{
    r->status = status;
    sb_buf_reset(&r->body);
    sb_json j;
    sbj_init(&j, &r->body, 1);
    sbj_obj_begin(&j);
    sbj_key(&j, "error");
    sbj_obj_begin(&j);
    if (code) {
        sbj_kstr(&j, "code", code);
        if (strcmp(code, "rate_limit") != 0) {
            char url[128];
            int n = snprintf(url, sizeof url, "https://stripe.com/docs/error-codes/%s", code);
            for (int i = (int)strlen("https://stripe.com/docs/error-codes/"); i < n && url[i]; i++)
                if (url[i] == '_')
                    url[i] = '-';
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

void st_error_missing_key(sb_response *r)
{
    st_error(r, 401, "invalid_request_error", NULL,
             "You did not provide an API key. You need to provide your API key in the "
             "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
             "YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, "
             "or we can help at https://support.stripe.com/.",
             NULL);
    sb_response_header(r, "WWW-Authenticate", "Basic realm=\"Stripe\"");
}

void st_error_invalid_key(sb_response *r, const char *key)
{
    /* Stripe shows the first 8 characters (the sk_test_ prefix) and the last 4. */
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_adds(&msg, "Invalid API Key provided: ");
    size_t n = strlen(key);
    if (n > 12) {
        sb_buf_add(&msg, key, 8);
        for (size_t i = 8; i < n - 4; i++)
            sb_buf_addc(&msg, '*');
        sb_buf_add(&msg, key + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            sb_buf_addc(&msg, '*');
    }
    st_error(r, 401, "invalid_request_error", NULL, sb_buf_str(&msg), NULL);
    sb_buf_free(&msg);
    sb_response_header(r, "WWW-Authenticate", "Basic realm=\"Stripe\"");
}

void st_error_rate_limit(sb_response *r)
{
    st_error(r, 429, "invalid_request_error", "rate_limit",
             "Too many requests hit the API too quickly. We recommend an exponential backoff "
             "of your requests.",
             NULL);
}

void st_error_api(sb_response *r, int status)
{
    st_error(r, status, "api_error", NULL,
             "Sorry, something went wrong. We've already been notified of the problem, but if "
             "you need any help, you can reach us at support.stripe.com/contact.",
             NULL);
}

void st_error_unrecognized(sb_response *r, const char *method, const char *path)
{
    sb_buf msg;
    sb_buf_init(&msg);
    size_t n = strlen(path);
    sb_buf_printf(&msg, "Unrecognized request URL (%s: %s). ", method, path);
    if (n > 1 && path[n - 1] == '/')
        sb_buf_adds(&msg, "If you are trying to list objects, remove the trailing slash. If you "
                          "are trying to retrieve an object, make sure you passed a valid "
                          "(non-empty) identifier in your code. ");
    sb_buf_adds(&msg, "Please see https://stripe.com/docs or we can help at https://support.stripe.com/.");
    st_error(r, 404, "invalid_request_error", NULL, sb_buf_str(&msg), NULL);
    sb_buf_free(&msg);
}

void st_error_no_such(sb_response *r, const char *noun, const char *id, const char *param)
{
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "No such %s: '%s'", noun, id);
    st_error(r, 404, "invalid_request_error", "resource_missing", sb_buf_str(&msg), param);
    sb_buf_free(&msg);
}

void st_error_unknown_param(sb_response *r, const char *param)
{
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "Received unknown parameter: %s", param);
    st_error(r, 400, "invalid_request_error", "parameter_unknown", sb_buf_str(&msg), param);
    sb_buf_free(&msg);
}

void st_error_invalid_integer(sb_response *r, const char *value, const char *param)
{
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "Invalid integer: %s", value);
    st_error(r, 400, "invalid_request_error", "parameter_invalid_integer", sb_buf_str(&msg), param);
    sb_buf_free(&msg);
}

void st_error_invalid_value(sb_response *r, const char *what, const char *value, const char *param)
{
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "%s: %s", what, value);
    st_error(r, 400, "invalid_request_error", NULL, sb_buf_str(&msg), param);
    sb_buf_free(&msg);
}

void st_error_expand(sb_response *r, const char *path, int is_list, int prefixed_would_work)
{
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "This property cannot be expanded (%s).", path);
    if (is_list && prefixed_would_work)
        sb_buf_printf(&msg, " You may want to try expanding 'data.%s' instead.", path);
    st_error(r, 400, "invalid_request_error", NULL, sb_buf_str(&msg), NULL);
    sb_buf_free(&msg);
}

void st_error_fault(sb_response *r, int status)
{
    switch (status) {
    case 429:
        st_error_rate_limit(r);
        return;
    case 401:
        st_error(r, 401, "invalid_request_error", NULL, "Invalid API Key provided: sk_test_****", NULL);
        return;
    case 402:
        st_error(r, 402, "card_error", "card_declined", "Your card was declined.", NULL);
        return;
    case 403:
        st_error(r, 403, "invalid_request_error", NULL,
                 "The provided key does not have the required permissions for this endpoint.", NULL);
        return;
    case 404:
        st_error(r, 404, "invalid_request_error", "resource_missing", "No such object.", NULL);
        return;
    case 409:
        st_error(r, 409, "idempotency_error", NULL,
                 "Keys for idempotent requests can only be used with the same parameters they "
                 "were first used with.",
                 NULL);
        return;
    default:
        if (status >= 500)
            st_error_api(r, status);
        else
            st_error(r, status, "invalid_request_error", NULL, "Invalid request.", NULL);
    }
}
