/*
 * Braintree's legacy XML gateway, the API every server SDK uses and the only one that
 * serves recurring billing (the published GraphQL schema has no plan or subscription
 * query): what its requests carry and how its answers are read.
 *
 * Requests go to {gateway_url}/merchants/{merchant_id}/... with HTTP Basic auth (the same
 * keys as GraphQL), `Accept: application/xml` and `X-ApiVersion: 6`; a POST's body is XML.
 * Answers are XML, turned into JSON text (braintree_xml_json.c) and parsed with the kit,
 * so the mappers read them as every provider reads its objects and each record keeps the
 * converted object as its raw JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"
#include "braintree_xml.h"

#define API_VERSION "6" /* the X-ApiVersion the SDKs send */
#define GATEWAY_TAG 1     /* the request tag of the gateway's requests, for classify */

int bt_gateway_settings(bt_gateway_conf *conf, billtap_ctx *ctx)
{
	memset(conf, 0, sizeof *conf);
	char *merchant_id = NULL;
	int rc = 0;
	(void)((rc = billtap_ctx_setting_dup(&conf->origin, ctx, "gateway_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&merchant_id, ctx, "merchant_id")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&conf->public_key, ctx, "public_key")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&conf->private_key, ctx, "private_key")) < 0);
	if (rc == 0 && !merchant_id)
		rc = billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                       "setting merchant_id: required for plans and subscriptions (the XML gateway's path)");
	if (rc == 0) {
		/* "/merchants/<merchant id, encoded>" */
		size_t cap = strlen(merchant_id) * 3 + 16;
		if (!(conf->prefix = malloc(cap))) {
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		} else {
			strcpy(conf->prefix, "/merchants/");
			size_t used = strlen(conf->prefix);
			if (billtap_url_encode(conf->prefix + used, cap - used, merchant_id, strlen(merchant_id)) < 0)
				rc = billtap_ctx_error(ctx, BILLTAP_ESETTING, "setting merchant_id: cannot be put in a URL");
		}
	}
	free(merchant_id);
	if (rc < 0)
		bt_gateway_conf_free(conf);
	return rc;
}

void bt_gateway_conf_free(bt_gateway_conf *conf)
{
	free(conf->origin);
	free(conf->prefix);
	free(conf->public_key);
	free(conf->private_key);
	memset(conf, 0, sizeof *conf);
}

int bt_gateway_prepare(billtap_request *req, const bt_gateway_conf *conf, const char *path, const char *xml,
                       billtap_ctx *ctx)
{
	size_t n = strlen(conf->prefix) + strlen(path) + 1;
	char *full = malloc(n);
	if (!full)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(full, n, "%s%s", conf->prefix, path);
	int rc = billtap_request_set_url(req, conf->origin, full);
	free(full);
	billtap_request_set_tag(req, GATEWAY_TAG);
	if (rc == 0 && xml)
		rc = billtap_request_set_method(req, BILLTAP_HTTP_POST);
	if (rc == 0 && xml)
		rc = billtap_request_set_body(req, "application/xml", xml, strlen(xml));
	if (rc == 0)
		rc = billtap_request_add_header(req, "Accept", "application/xml");
	if (rc == 0)
		rc = billtap_request_add_header(req, "X-ApiVersion", API_VERSION);
	if (rc == 0)
		rc = billtap_request_set_basic_auth(req, conf->public_key, conf->private_key);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* An error answer: a 422's <api-error-response> gives its message; other statuses (401,
 * 404, 426, 429, 5xx) come with no XML body, and are named by their status and excerpt. */
static int gateway_error(billtap_json *doc, billtap_json_writer *json, const billtap_request *req,
                         const billtap_response *resp, billtap_ctx *ctx)
{
	int status = billtap_response_status(resp);
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	char why[160];
	const char *text;
	size_t text_len;
	int rc = body && len ? bt_xml_to_json(json, body, len, why, sizeof why) : BILLTAP_EDATA;
	if (rc == 0)
		rc = billtap_json_writer_text(&text, &text_len, json);
	if (rc == 0)
		rc = billtap_json_parse(doc, text, text_len);
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL); /* the same answer read again gives the same error */
	if (rc == 0) {
		char *message = NULL;
		billtap_json_ref m = billtap_json_path(doc, billtap_json_root(doc), "api-error-response.message");
		if (billtap_json_strdup(&message, doc, m) == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		if (message) {
			rc = billtap_ctx_http_error(ctx, billtap_http_status_error(status), req, resp, NULL, NULL, message);
			free(message);
			return rc;
		}
	}
	if (status == 426)
		return billtap_ctx_http_error(ctx, BILLTAP_EREQUEST, req, resp, NULL, NULL,
		                              "the gateway refuses X-ApiVersion " API_VERSION " (upgrade required)");
	return billtap_response_error(req, resp, doc, NULL, NULL, ctx);
}

int bt_gateway_read(billtap_json *doc, billtap_json_writer *json, const billtap_request *req,
                    const billtap_response *resp, billtap_ctx *ctx)
{
	if (billtap_response_status(resp) != 200)
		return gateway_error(doc, json, req, resp, ctx);
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	char why[160] = "";
	int rc = bt_xml_to_json(json, body, len, why, sizeof why);
	const char *text = NULL;
	size_t text_len = 0;
	if (rc == 0)
		rc = billtap_json_writer_text(&text, &text_len, json);
	if (rc == 0 && (rc = billtap_json_parse(doc, text, text_len)) < 0 && rc != BILLTAP_ENOMEM)
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
