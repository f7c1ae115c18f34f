/* The legacy XML gateway (what every Braintree server SDK calls): /merchants/{merchant_id}/
 * followed by the resource: plans, and the subscription searches (braintree_subs_xml.c). After the module's authentication and rate limit (shared with
 * GraphQL: the same keys), in this order: an unknown merchant id or path (404, empty body,
 * as the SDKs' NotFoundError expects), a missing or other X-ApiVersion than 6 (426, the
 * SDKs' UpgradeRequiredError), an Accept that is not application/xml (406), the method
 * (405). Errors a client can act on come as 422 with an <api-error-response>. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"

#define PREFIX "/merchants/"

int bt_gateway_path(const char *path)
{
    return strncmp(path, PREFIX, strlen(PREFIX)) == 0;
}

void bt_gateway_error(sb_response *resp, int status, const char *message)
{
    resp->status = status;
    sb_response_header(resp, "Content-Type", "application/xml; charset=utf-8");
    if (status != 422)
        return;
    sb_buf_adds(&resp->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<api-error-response>\n  <errors>\n"
                             "    <errors type=\"array\"/>\n  </errors>\n  <message>");
    bt_xml_escape(&resp->body, message);
    sb_buf_adds(&resp->body, "</message>\n</api-error-response>\n");
}

static int accepts_xml(const char *accept)
{
    return accept && strstr(accept, "application/xml") != NULL;
}

void bt_serve_gateway(const bt_state *st, const sb_request *req, sb_response *resp)
{
    const char *rest = req->path + strlen(PREFIX);
    size_t n = strlen(st->merchant_id);
    if (strncmp(rest, st->merchant_id, n) != 0 || rest[n] != '/') {
        bt_gateway_error(resp, 404, NULL);
        return;
    }
    const char *what = rest + n + 1;
    int plans = strcmp(what, "plans") == 0, subscriptions = strncmp(what, "subscriptions/", 14) == 0;
    if (!plans && !subscriptions) {
        bt_gateway_error(resp, 404, NULL);
        return;
    }
    const char *version = req->header(req, "X-ApiVersion");
    if (!version || strcmp(version, "6") != 0) {
        bt_gateway_error(resp, 426, NULL);
        return;
    }
    if (!accepts_xml(req->header(req, "Accept"))) {
        bt_gateway_error(resp, 406, NULL);
        return;
    }
    if (subscriptions) {
        bt_serve_subscription_search(st, what + 14, req, resp);
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        bt_gateway_error(resp, 405, NULL);
        return;
    }
    resp->status = 200;
    sb_response_header(resp, "Content-Type", "application/xml; charset=utf-8");
    bt_plans_xml(st, &resp->body);
}
