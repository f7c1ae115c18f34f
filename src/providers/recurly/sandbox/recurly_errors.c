#include "recurly_errors.h"

#include <stdio.h>

#include "sandbox_json.h"

static void envelope(sb_response *r, int status, const char *type, const char *message,
                     const char *param, const char *param_message)
{
    r->status = status;
    sb_buf_reset(&r->body);
    sb_json j;
    sbj_init(&j, &r->body, 1);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "error");
    sbj_kstr(&j, "type", type);
    sbj_kstr(&j, "message", message);
    if (param) {
        sbj_karr(&j, "params");
        sbj_obj_begin(&j);
        sbj_kstr(&j, "param", param);
        sbj_kstr(&j, "message", param_message);
        sbj_obj_end(&j);
        sbj_arr_end(&j);
    }
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&r->body, '\n');
}

void rc_error(sb_response *r, int status, const char *type, const char *message)
{
    envelope(r, status, type, message, NULL, NULL);
}

int rc_error_param(sb_response *r, const char *param, const char *problem, const char *value)
{
    char message[512];
    snprintf(message, sizeof message, "Invalid parameter %s: '%.200s' %s", param, value, problem);
    envelope(r, 400, "bad_request", message, param, problem);
    return -1;
}

const char *rc_error_type(int status)
{
    switch (status) {
    case 401: return "unauthorized";
    case 403: return "invalid_permissions";
    case 404: return "not_found";
    case 406: return "invalid_api_version";
    case 422: return "validation";
    case 429: return "rate_limited";
    case 503: return "service_not_available";
    default: return status >= 500 ? "internal_server_error" : "bad_request";
    }
}
