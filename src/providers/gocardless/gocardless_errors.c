/* GoCardless error answers: {"error":{"message","documentation_url","type","request_id",
 * "code","errors":[{"reason"|"field","message"}]}}. The request id is in the body (the
 * official clients read it there), so it is taken from there when no header names one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

static const char *const codes[] = { "error.type", NULL };
static const char *const messages[] = { "error.message", NULL };

/* The first error's reason or field and message, appended to msg ("; not_found: ..."). */
static void first_detail(char *msg, size_t cap, const billtap_json *doc, billtap_json_ref error)
{
	billtap_json_ref first = billtap_json_first(doc, billtap_json_get(doc, error, "errors"));
	const char *what = NULL, *text = NULL;
	size_t what_len = 0, text_len = 0;
	if (first == BILLTAP_JSON_NONE ||
	    billtap_json_text(&text, &text_len, doc, billtap_json_get(doc, first, "message")) < 0)
		return;
	if (billtap_json_text(&what, &what_len, doc, billtap_json_get(doc, first, "field")) < 0 &&
	    billtap_json_text(&what, &what_len, doc, billtap_json_get(doc, first, "reason")) < 0)
		what = NULL;
	size_t used = strlen(msg);
	if (what)
		snprintf(msg + used, cap - used, " (%.*s: %.*s)", (int)(what_len > 80 ? 80 : what_len), what,
		         (int)(text_len > 160 ? 160 : text_len), text);
	else
		snprintf(msg + used, cap - used, " (%.*s)", (int)(text_len > 160 ? 160 : text_len), text);
}

int gc_response_error(const billtap_request *req, const billtap_response *resp, billtap_json *doc,
                      billtap_ctx *ctx)
{
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	billtap_json_ref error = BILLTAP_JSON_NONE;
	if (body && billtap_json_parse(doc, body, len) == 0)
		error = billtap_json_get(doc, billtap_json_root(doc), "error");
	const char *message = NULL, *type = NULL, *rid = NULL;
	size_t message_len = 0, type_len = 0, rid_len = 0;
	if (billtap_json_typeof(doc, error) != BILLTAP_JSON_OBJECT ||
	    billtap_json_text(&message, &message_len, doc, billtap_json_get(doc, error, "message")) < 0)
		/* not GoCardless's envelope (a proxy's page): the kit quotes the body */
		return billtap_response_error(req, resp, doc, codes, messages, ctx);
	if (billtap_json_text(&type, &type_len, doc, billtap_json_get(doc, error, "type")) < 0)
		type = NULL;
	if (billtap_json_text(&rid, &rid_len, doc, billtap_json_get(doc, error, "request_id")) < 0)
		rid = NULL;
	char msg[512], code[64], id[128];
	snprintf(msg, sizeof msg, "%.*s", (int)(message_len > 300 ? 300 : message_len), message);
	first_detail(msg, sizeof msg, doc, error);
	snprintf(code, sizeof code, "%.*s", (int)(type_len > 60 ? 60 : type_len), type ? type : "");
	snprintf(id, sizeof id, "%.*s", (int)(rid_len > 120 ? 120 : rid_len), rid ? rid : "");
	int status = billtap_http_status_error(billtap_response_status(resp));
	return billtap_ctx_http_error(ctx, status, req, resp, rid ? id : NULL, type ? code : NULL, msg);
}
