/*
 * A GraphQL search request (bt_graphql_request()), and one answer read into its
 * connection (bt_graphql_page()).
 *
 * GraphQL answers errors with HTTP 200 and an `errors` array, also beside partial data:
 * any error makes the page an error, naming the request id of `extensions.requestId`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

int bt_graphql_request(billtap_request *req, const char *origin, const char *version, const char *user,
                       const char *password, const billtap_json_writer *body)
{
	const char *text;
	size_t len;
	int rc = billtap_json_writer_text(&text, &len, body);
	if (rc == 0)
		rc = billtap_request_set_url(req, origin, "/graphql");
	if (rc == 0)
		rc = billtap_request_set_method(req, BILLTAP_HTTP_POST);
	if (rc == 0)
		rc = billtap_request_set_body(req, "application/json", text, len);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Braintree-Version", version);
	if (rc == 0)
		rc = billtap_request_set_basic_auth(req, user, password);
	return rc;
}

/* The billtap code for a GraphQL error's extensions.errorClass. */
static int error_code(const billtap_json *doc, billtap_json_ref error)
{
	static const struct {
		const char *error_class;
		int code;
	} codes[] = {
		{ "AUTHENTICATION", BILLTAP_EAUTH },     { "AUTHORIZATION", BILLTAP_EPERMISSION },
		{ "RESOURCE_LIMIT", BILLTAP_ERATELIMIT }, { "INTERNAL", BILLTAP_ESERVER },
		{ "SERVICE_AVAILABILITY", BILLTAP_ESERVER },
	};
	billtap_json_ref cls = billtap_json_path(doc, error, "extensions.errorClass");
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (billtap_json_str_eq(doc, cls, codes[i].error_class) == 1)
			return codes[i].code;
	return BILLTAP_EREQUEST;
}

/* Records the first GraphQL error of the answer (an HTTP error's body too, when it has
 * one): its message, its legacyCode or errorClass, the request id of extensions.requestId,
 * and how many errors there were. Returns the code. */
static int graphql_error(billtap_json *doc, billtap_json_ref errors, const billtap_request *req,
                         const billtap_response *resp, int code, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(doc), first = billtap_json_first(doc, errors);
	char *message = NULL, *provider_code = NULL, *request_id = NULL;
	int rc = billtap_json_strdup(&message, doc, billtap_json_get(doc, first, "message"));
	if (rc != BILLTAP_ENOMEM)
		rc = billtap_json_strdup(&provider_code, doc, billtap_json_path(doc, first, "extensions.legacyCode"));
	if (rc != BILLTAP_ENOMEM && !provider_code)
		rc = billtap_json_strdup(&provider_code, doc, billtap_json_path(doc, first, "extensions.errorClass"));
	if (rc != BILLTAP_ENOMEM)
		rc = billtap_json_strdup(&request_id, doc, billtap_json_path(doc, root, "extensions.requestId"));
	if (rc == BILLTAP_ENOMEM) {
		free(message);
		free(provider_code);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if (code == 0)
		code = error_code(doc, first);
	size_t n = billtap_json_count(doc, errors);
	char text[512];
	snprintf(text, sizeof text, "GraphQL error%s%s%s", n > 1 ? "s (the first of " : "",
	         n > 1 ? "several)" : "", message ? ": " : " without a message");
	size_t used = strlen(text);
	if (message)
		snprintf(text + used, sizeof text - used, "%s", message);
	rc = billtap_ctx_http_error(ctx, code, req, resp, request_id, provider_code, text);
	free(message);
	free(provider_code);
	free(request_id);
	return rc;
}

/* A non-200 answer: a GraphQL error body when it is one, else the status and an excerpt. */
static int http_error(billtap_json *doc, const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx)
{
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	if (body && billtap_json_parse(doc, body, len) == 0) {
		billtap_json_ref errors = billtap_json_get(doc, billtap_json_root(doc), "errors");
		if (billtap_json_typeof(doc, errors) == BILLTAP_JSON_ARRAY && billtap_json_count(doc, errors) > 0)
			return graphql_error(doc, errors, req, resp,
			                     billtap_http_status_error(billtap_response_status(resp)), ctx);
	}
	return billtap_response_error(req, resp, doc, NULL, NULL, ctx);
}

/* An answer of the wrong shape, named with its request id when it has one. */
static int bad_page(billtap_json *doc, const billtap_request *req, const billtap_response *resp,
                    billtap_ctx *ctx, const char *what)
{
	char text[160], *request_id = NULL;
	snprintf(text, sizeof text, "not a search page: %s", what);
	if (billtap_json_strdup(&request_id, doc,
	                        billtap_json_path(doc, billtap_json_root(doc), "extensions.requestId")) == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	int rc = billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, request_id, NULL, text);
	free(request_id);
	return rc;
}

int bt_graphql_page(billtap_json *doc, const char *field, const billtap_request *req, const billtap_response *resp,
                    billtap_json_ref *edges, char **next, billtap_ctx *ctx)
{
	*next = NULL;
	if (billtap_response_status(resp) != 200)
		return http_error(doc, req, resp, ctx);
	int rc = billtap_response_parse(doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(doc);
	billtap_json_ref errors = billtap_json_get(doc, root, "errors");
	if (errors != BILLTAP_JSON_NONE && billtap_json_typeof(doc, errors) != BILLTAP_JSON_NULL) {
		if (billtap_json_typeof(doc, errors) != BILLTAP_JSON_ARRAY || billtap_json_count(doc, errors) == 0)
			return bad_page(doc, req, resp, ctx, "errors is not a non-empty array");
		return graphql_error(doc, errors, req, resp, 0, ctx); /* partial data included */
	}
	billtap_json_ref conn = billtap_json_get(doc, billtap_json_path(doc, root, "data.search"), field);
	billtap_json_ref more = billtap_json_path(doc, conn, "pageInfo.hasNextPage");
	*edges = billtap_json_get(doc, conn, "edges");
	if (billtap_json_typeof(doc, *edges) != BILLTAP_JSON_ARRAY ||
	    (billtap_json_typeof(doc, more) != BILLTAP_JSON_TRUE && billtap_json_typeof(doc, more) != BILLTAP_JSON_FALSE))
		return bad_page(doc, req, resp, ctx, "data.search connection with edges and pageInfo.hasNextPage");
	if (billtap_json_typeof(doc, more) == BILLTAP_JSON_TRUE) {
		rc = billtap_json_strdup(next, doc, billtap_json_path(doc, conn, "pageInfo.endCursor"));
		if (rc == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, rc, NULL);
		if (rc < 0 || !**next) {
			free(*next);
			*next = NULL;
			return bad_page(doc, req, resp, ctx, "hasNextPage is true but endCursor is not a non-empty string");
		}
	}
	return 0;
}
