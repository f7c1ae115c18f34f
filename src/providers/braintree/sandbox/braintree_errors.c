/* GraphQL error bodies: {"errors":[{"message","extensions":{"errorClass"}}],
 * "extensions":{"requestId"}}, with HTTP 200 for errors of the request (as Braintree
 * answers them) and the HTTP status for authentication, rate limits and failures. */
#include <stdio.h>
#include <string.h>

#include "braintree_model.h"

void bt_request_id(const sb_request *req, char out[40])
{
    snprintf(out, 40, "sandbox-%08llx-%04llx", (unsigned long long)req->number * 2654435761ULL % 0xFFFFFFFFULL,
             (unsigned long long)req->number % 0xFFFF);
}

static void finish(sb_response *resp, const sb_request *req, sb_json *j)
{
    char id[40];
    bt_request_id(req, id);
    sbj_arr_end(j);
    sbj_kobj(j, "extensions");
    sbj_kstr(j, "requestId", id);
    sbj_obj_end(j);
    sbj_obj_end(j);
    sb_buf_addc(&resp->body, '\n');
}

void bt_error(sb_response *resp, int status, const sb_request *req, const char *error_class, const char *message)
{
    sb_buf_reset(&resp->body);
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "errors");
    sbj_obj_begin(&j);
    sbj_kstr(&j, "message", message);
    sbj_kobj(&j, "extensions");
    sbj_kstr(&j, "errorClass", error_class);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    finish(resp, req, &j);
    resp->status = status;
}

/* errors_json: the error objects gq_prepare() wrote, comma-separated. */
void bt_error_list(sb_response *resp, const sb_request *req, const char *errors_json)
{
    char id[40];
    bt_request_id(req, id);
    sb_buf_reset(&resp->body);
    sb_buf_printf(&resp->body, "{\"errors\":[%s],\"extensions\":{\"requestId\":\"%s\"}}\n", errors_json, id);
    resp->status = 200;
}
