/* Paddle's error envelope (the spec's error schema): {"error":{"type","code","detail",
 * "documentation_url","errors":[{"field","message"}]},"meta":{"request_id"}}; errors[]
 * only on validation failures. */
#include <stdio.h>
#include <string.h>

#include "paddle_model.h"

void pd_error(sb_response *r, const sb_request *req, int status, const char *type, const char *code,
              const char *detail, const char *field, const char *problem)
{
    char url[128], rid[48];
    r->status = status;
    sb_buf_reset(&r->body);
    sb_json j;
    sbj_init(&j, &r->body, 0);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "error");
    sbj_kstr(&j, "type", type);
    sbj_kstr(&j, "code", code);
    sbj_kstr(&j, "detail", detail);
    snprintf(url, sizeof url, "https://developer.paddle.com/errors/shared/%s", code);
    sbj_kstr(&j, "documentation_url", url);
    if (field) {
        sbj_karr(&j, "errors");
        sbj_obj_begin(&j);
        sbj_kstr(&j, "field", field);
        sbj_kstr(&j, "message", problem);
        sbj_obj_end(&j);
        sbj_arr_end(&j);
    }
    sbj_obj_end(&j);
    sbj_kobj(&j, "meta");
    snprintf(rid, sizeof rid, "%08llx-0000-4000-8000-%012llx",
             (unsigned long long)(req->number * 2654435761u) & 0xffffffffULL, (unsigned long long)req->number);
    sbj_kstr(&j, "request_id", rid);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&r->body, '\n');
}

/* An injected status with the code Paddle's error reference gives it; echo (may be NULL)
 * is appended to the detail: the credentials a chatty server repeats. */
void pd_error_status(sb_response *r, const sb_request *req, int status, const char *echo)
{
    const char *type = "request_error", *code = "bad_request", *detail = "Invalid request.";
    switch (status) {
    case 403:
        code = "invalid_token";
        detail = "Invalid, revoked or expired API key.";
        break;
    case 404:
        code = "not_found";
        detail = "Entity not found.";
        break;
    case 429:
        type = "api_error";
        code = "too_many_requests";
        detail = "IP address exceeded the allowed rate limit. Retry after the number of seconds in the Retry-After header.";
        break;
    case 502:
        type = "api_error";
        code = "bad_gateway";
        detail = "The endpoint is temporarily unable to handle your request.";
        break;
    case 503:
        type = "api_error";
        code = "service_unavailable";
        detail = "The service is temporarily unavailable.";
        break;
    default:
        if (status >= 500) {
            type = "api_error";
            code = "internal_error";
            detail = "An internal error occurred.";
        }
    }
    char text[1024];
    snprintf(text, sizeof text, "%s%s%s%s", detail, echo ? " (" : "", echo ? echo : "", echo ? ")" : "");
    pd_error(r, req, status, type, code, text, NULL, NULL);
}
