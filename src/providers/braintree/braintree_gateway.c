/*
 * Plans through Braintree's legacy XML gateway, the API every server SDK uses and the only
 * one that serves recurring billing (the published GraphQL schema has no plan or
 * subscription query). Requests go to {gateway_url}/merchants/{merchant_id}/... with HTTP
 * Basic auth (the same keys as GraphQL), `Accept: application/xml` and `X-ApiVersion: 6`.
 *
 * Plans: GET .../plans answers every plan at once (<plans type="array">, no paging), so
 * the stream is one request and makes no marks: a resume reads the list again and the
 * engine skips what the host already had.
 *
 * Answers are XML, turned into JSON text (braintree_xml_json.c) and parsed with the kit, so
 * the mappers read them as every provider reads its objects and each record keeps the
 * converted object as its raw JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"
#include "braintree_xml.h"

#define API_VERSION "6" /* the X-ApiVersion the SDKs send */
#define GATEWAY_TAG 1     /* the request tag of the gateway's requests, for classify */

struct bt_gateway {
	int gateway;             /* 1: tells this stream from a GraphQL one (braintree.c) */
	billtap_resource resource;
	char *origin, *path, *public_key, *private_key;
	int done;
	billtap_json *doc;
	billtap_json_writer *json;
};

void bt_gateway_free(bt_gateway *s)
{
	if (!s)
		return;
	free(s->origin);
	free(s->path);
	free(s->public_key);
	free(s->private_key);
	billtap_json_free(s->doc);
	billtap_json_writer_free(s->json);
	free(s);
}

/* "/merchants/<merchant id, encoded>/<what>" */
static int merchant_path(bt_gateway *s, const char *merchant_id, const char *what, billtap_ctx *ctx)
{
	size_t cap = strlen(merchant_id) * 3 + strlen(what) + 16;
	if (!(s->path = malloc(cap)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	strcpy(s->path, "/merchants/");
	size_t used = strlen(s->path);
	int n = billtap_url_encode(s->path + used, cap - used, merchant_id, strlen(merchant_id));
	if (n < 0)
		return billtap_ctx_error(ctx, BILLTAP_ESETTING, "setting merchant_id: cannot be put in a URL");
	snprintf(s->path + used + (size_t)n, cap - used - (size_t)n, "/%s", what);
	return 0;
}

int bt_gateway_new(bt_gateway **out, const billtap_stream_params *params, billtap_ctx *ctx)
{
	*out = NULL;
	bt_gateway *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0 || billtap_json_writer_new(&s->json) < 0) {
		bt_gateway_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->gateway = 1;
	s->resource = params->resource;
	char *merchant_id = NULL;
	int rc = 0;
	(void)((rc = billtap_ctx_setting_dup(&s->origin, ctx, "gateway_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&merchant_id, ctx, "merchant_id")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->public_key, ctx, "public_key")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->private_key, ctx, "private_key")) < 0);
	if (rc == 0 && !merchant_id)
		rc = billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                       "setting merchant_id: required for plans and subscriptions (the XML gateway's path)");
	if (rc == 0)
		rc = merchant_path(s, merchant_id, "plans", ctx);
	free(merchant_id);
	if (rc < 0) {
		bt_gateway_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int bt_gateway_request(billtap_request *req, bt_gateway *s, billtap_ctx *ctx)
{
	if (s->done)
		return BILLTAP_ITEROVER;
	int rc = billtap_request_set_url(req, s->origin, s->path);
	billtap_request_set_tag(req, GATEWAY_TAG);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Accept", "application/xml");
	if (rc == 0)
		rc = billtap_request_add_header(req, "X-ApiVersion", API_VERSION);
	if (rc == 0)
		rc = billtap_request_set_basic_auth(req, s->public_key, s->private_key);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* The answer's XML as a parsed JSON document in s->doc; an error names the request. */
static int read_xml(bt_gateway *s, const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	char why[160] = "";
	int rc = bt_xml_to_json(s->json, body, len, why, sizeof why);
	const char *text = NULL;
	size_t text_len = 0;
	if (rc == 0)
		rc = billtap_json_writer_text(&text, &text_len, s->json);
	if (rc == 0 && billtap_json_parse(s->doc, text, text_len) < 0)
		rc = BILLTAP_EDATA, snprintf(why, sizeof why, "XML whose JSON form has a member twice");
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc < 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "not a gateway answer: %s", why);
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, msg);
	}
	return 0;
}

/* An error answer: a 422's <api-error-response> gives its message; other statuses (401,
 * 404, 426, 429, 5xx) come with no XML body, and are named by their status and excerpt. */
static int gateway_error(bt_gateway *s, const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	static const char *const messages[] = { "api-error-response.message", NULL };
	int status = billtap_response_status(resp);
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	char why[160];
	const char *text;
	size_t text_len;
	if (body && len && bt_xml_to_json(s->json, body, len, why, sizeof why) == 0 &&
	    billtap_json_writer_text(&text, &text_len, s->json) == 0 && billtap_json_parse(s->doc, text, text_len) == 0) {
		char *message = NULL;
		billtap_json_ref m = billtap_json_path(s->doc, billtap_json_root(s->doc), messages[0]);
		if (billtap_json_strdup(&message, s->doc, m) == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		if (message) {
			int rc = billtap_ctx_http_error(ctx, billtap_http_status_error(status), req, resp, NULL, NULL, message);
			free(message);
			return rc;
		}
	}
	if (status == 426)
		return billtap_ctx_http_error(ctx, BILLTAP_EREQUEST, req, resp, NULL, NULL,
		                              "the gateway refuses X-ApiVersion " API_VERSION " (upgrade required)");
	return billtap_response_error(req, resp, s->doc, NULL, NULL, ctx);
}

static int push_all(bt_gateway *s, billtap_json_ref list, bt_map_fn map, billtap_sink *sink, billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(s->doc, list); e != BILLTAP_JSON_NONE; e = billtap_json_next(s->doc, e)) {
		billtap_record *rec;
		int rc = map(&rec, s->doc, e, ctx);
		if (rc < 0) {
			if ((rc = billtap_sink_reject_json(sink, rc, s->doc, e, "id")) < 0)
				return rc;
			continue;
		}
		if ((rc = billtap_sink_push(sink, rec)) < 0)
			return rc;
	}
	return 0;
}

int bt_gateway_response(bt_gateway *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                        billtap_ctx *ctx)
{
	if (billtap_response_status(resp) != 200)
		return gateway_error(s, req, resp, ctx);
	int rc = read_xml(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "plans");
	if (billtap_json_typeof(s->doc, list) != BILLTAP_JSON_ARRAY)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not a plan list: <plans type=\"array\"> expected");
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "plans";
	page.items = (int64_t)billtap_json_count(s->doc, list);
	if ((rc = billtap_sink_page(sink, &page)) < 0 || (rc = push_all(s, list, bt_map_plan, sink, ctx)) < 0)
		return rc;
	s->done = 1;
	return 0;
}

int bt_gateway_classify(const billtap_request *req, const billtap_response *resp)
{
	int status = billtap_response_status(resp);
	if (billtap_request_tag(req) != GATEWAY_TAG || status < 200 || status > 299)
		return BILLTAP_CLASSIFY_DEFAULT;
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	/* an empty or cut answer, a proxy's page: as transient as a 5xx; XML is final whatever
	 * the Content-Type says (the engine would take an answer not labelled XML for JSON) */
	return bt_xml_well_formed(body, len) ? BILLTAP_CLASSIFY_FINAL : BILLTAP_CLASSIFY_RETRY;
}
