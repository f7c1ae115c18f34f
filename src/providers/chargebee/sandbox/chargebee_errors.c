/* Chargebee's error envelope (the spec's 4xx/5xx schemas): message, type, api_error_code,
 * param when one parameter is at fault, and http_status_code; at the top level. */
#include <stdio.h>
#include <string.h>

#include "chargebee_model.h"

void cb_error(sb_response *r, int status, const char *type, const char *code, const char *param,
              const char *message)
{
    r->status = status;
    sb_buf_reset(&r->body);
    sb_json j;
    sbj_init(&j, &r->body, 1);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "message", message);
    sbj_kstr(&j, "type", type);
    sbj_kstr(&j, "api_error_code", code);
    if (param)
        sbj_kstr(&j, "param", param);
    sbj_kint(&j, "http_status_code", status);
    sbj_obj_end(&j);
    sb_buf_addc(&r->body, '\n');
}

/* An injected status, with the body Chargebee's spec gives that status; echo (may be
 * NULL) is appended to the message: the credentials a chatty server repeats. */
void cb_error_status(sb_response *r, int status, const char *echo)
{
    const char *type = "invalid_request", *code = "invalid_request",
               *message = "The request could not be processed";
    switch (status) {
    case 401:
        type = "untyped";
        code = "api_authentication_failed";
        message = "Sorry, authentication failed. Invalid api key";
        break;
    case 404:
        code = "resource_not_found";
        message = "Sorry, we couldn't find that resource";
        break;
    case 429:
        type = "operation_failed";
        code = "api_request_limit_exceeded";
        message = "Sorry, access has been blocked temporarily due to request count exceeding "
                  "acceptable limits. Please try after some time.";
        break;
    case 503:
        type = "operation_failed";
        code = "internal_temporary_error";
        message = "Sorry, the service is temporarily unavailable. Please try again later.";
        break;
    default:
        if (status >= 500) {
            type = "operation_failed";
            code = "internal_error";
            message = "Sorry, something went wrong when trying to process the request.";
        }
    }
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s%s", message, echo ? " (" : "", echo ? echo : "", echo ? ")" : "");
    cb_error(r, status, type, code, NULL, text);
}
