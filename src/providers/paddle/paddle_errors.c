/* Paddle's error envelope: {"error":{"type","code","detail","documentation_url",
 * "errors":[...]},"meta":{"request_id"}}. The request id is in the body, not a header. */
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

/* Paddle answers credentials it refuses with 403, as it does a key without a permission:
 * the code tells them apart. */
static int error_of(int status, const char *code)
{
	static const char *const credentials[] = { "authentication_missing", "authentication_malformed",
		                                   "invalid_token", NULL };
	if (status >= 200 && status < 300)
		return BILLTAP_EDATA;
	for (int i = 0; code && credentials[i]; i++)
		if (strcmp(code, credentials[i]) == 0)
			return BILLTAP_EAUTH;
	return billtap_http_status_error(status);
}

int pd_response_error(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx)
{
	static const char *const codes[] = { "error.code", NULL };
	static const char *const details[] = { "error.detail", NULL };
	int status = billtap_response_status(resp);
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	/* not Paddle's envelope (a proxy's page): the kit quotes the body */
	if (!body || billtap_json_parse(s->doc, body, len) < 0 ||
	    billtap_json_typeof(s->doc, billtap_json_path(s->doc, billtap_json_root(s->doc), "error.code")) !=
	            BILLTAP_JSON_STRING)
		return billtap_response_error(req, resp, s->doc, codes, details, ctx);
	billtap_json_ref root = billtap_json_root(s->doc);
	char *code = NULL, *detail = NULL, *request_id = NULL;
	int rc = billtap_json_strdup(&code, s->doc, billtap_json_path(s->doc, root, "error.code"));
	if (rc != BILLTAP_ENOMEM) {
		rc = billtap_json_strdup(&detail, s->doc, billtap_json_path(s->doc, root, "error.detail"));
		if (rc != BILLTAP_ENOMEM)
			rc = billtap_json_strdup(&request_id, s->doc, billtap_json_path(s->doc, root, "meta.request_id"));
	}
	if (rc == BILLTAP_ENOMEM)
		rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	else
		rc = billtap_ctx_http_error(ctx, error_of(status, code), req, resp, request_id, code, detail);
	free(code);
	free(detail);
	free(request_id);
	return rc;
}
