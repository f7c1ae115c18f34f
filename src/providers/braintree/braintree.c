/*
 * Braintree through its GraphQL API: every request is POST /graphql with HTTP Basic auth
 * (public key : private key), a Braintree-Version header and a JSON body {query,
 * variables} (braintree_query.c). Resources are read with the `search` query's
 * connections, `first` records a page and `after` the endCursor of the page before, until
 * pageInfo.hasNextPage is false. Transactions are three searches read one after the
 * other: transactions (payments), refunds, disputes (chargebacks).
 *
 * GraphQL answers errors with HTTP 200 and an `errors` array, also beside partial data:
 * any error makes the page an error, naming the request id of `extensions.requestId`.
 *
 * Marks: "<search letter>:<cursor>" after each page, the cursor reading the next page ("t:"
 * with an empty cursor: the search's start), so a resume re-reads that page and the engine
 * skips what the host already had.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

static const billtap_setting_def braintree_settings[] = {
	BILLTAP_SETTING("public_key", BILLTAP_SETTING_REQUIRED | BILLTAP_SETTING_ACCOUNT, NULL, 0, 0,
	                "API public key, sent as the HTTP Basic user name"),
	BILLTAP_SETTING("private_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "API private key, sent as the HTTP Basic password"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://payments.braintree-api.com", 0, 0,
	                "API origin (sandbox: https://payments.sandbox.braintree-api.com)"),
	BILLTAP_SETTING("braintree_version", 0, "2019-01-01", 0, 0,
	                "the Braintree-Version header: the API version date, YYYY-MM-DD"),
	BILLTAP_SETTING("merchant_id", 0, NULL, 0, 0,
	                "merchant id, the XML gateway's path (required for plans)"),
	BILLTAP_SETTING("gateway_url", BILLTAP_SETTING_URL, "https://api.braintreegateway.com", 0, 0,
	                "XML gateway origin, for plans (sandbox: https://api.sandbox.braintreegateway.com)"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "50", 1, 50, "records per search page (first)"),
	BILLTAP_SETTINGS_END,
};

typedef struct bt_stream {
	int gateway;             /* 0: a GraphQL stream (an XML gateway one has 1 here) */
	const bt_search *const *searches;
	size_t n_searches, at;   /* the search being read */
	char *origin, *public_key, *private_key, *version;
	char *after;             /* the cursor of the next page, NULL for a search's first */
	int64_t first, since;
	int done;
	billtap_json *doc;
	billtap_json_writer *body;
} bt_stream;

static void stream_free(void *p)
{
	bt_stream *s = p;
	if (!s)
		return;
	if (s->gateway) {
		bt_gateway_free(p);
		return;
	}
	free(s->origin);
	free(s->public_key);
	free(s->private_key);
	free(s->version);
	free(s->after);
	billtap_json_free(s->doc);
	billtap_json_writer_free(s->body);
	free(s);
}

/* A version is a date, YYYY-MM-DD: it goes into a header as given. */
static int version_ok(const char *v)
{
	if (!v || strlen(v) != 10)
		return 0;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? v[i] != '-' : (v[i] < '0' || v[i] > '9'))
			return 0;
	return 1;
}

/* "<letter>:<cursor>" of one of this resource's searches. */
static int resume_at(bt_stream *s, const char *resume, billtap_ctx *ctx)
{
	for (size_t i = 0; i < s->n_searches; i++) {
		if (resume[0] != s->searches[i]->letter || resume[1] != ':')
			continue;
		s->at = i;
		if (resume[2] && !(s->after = strdup(resume + 2)))
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		return 0;
	}
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a position this stream makes");
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	*out = NULL;
	if (params->resource == BILLTAP_RESOURCE_PLANS)
		return bt_gateway_new((bt_gateway **)out, params, ctx);
	bt_stream *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0 || billtap_json_writer_new(&s->body) < 0) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->searches = bt_searches_for(params->resource, &s->n_searches);
	s->since = params->since;
	s->first = 50;
	int rc = s->searches ? 0 : billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "not a Braintree resource");
	(void)(rc < 0 || (rc = billtap_ctx_setting_dup(&s->origin, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->public_key, ctx, "public_key")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->private_key, ctx, "private_key")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->version, ctx, "braintree_version")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->first, ctx, "page_size")) < 0);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* page_size always has its default */
	if (rc == 0 && !version_ok(s->version))
		rc = billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                       "setting braintree_version: must be a date, YYYY-MM-DD");
	if (rc == 0 && params->resume)
		rc = resume_at(s, params->resume, ctx);
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	bt_stream *s = p;
	if (s->gateway)
		return bt_gateway_request(req, p, ctx);
	if (s->done)
		return BILLTAP_ITEROVER;
	const char *body;
	size_t len;
	int rc = bt_query_body(s->body, s->searches[s->at], s->first, s->since, s->after);
	if (rc == 0)
		rc = billtap_json_writer_text(&body, &len, s->body);
	if (rc == 0)
		rc = billtap_request_set_url(req, s->origin, "/graphql");
	if (rc == 0)
		rc = billtap_request_set_method(req, BILLTAP_HTTP_POST);
	if (rc == 0)
		rc = billtap_request_set_body(req, "application/json", body, len);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Braintree-Version", s->version);
	if (rc == 0)
		rc = billtap_request_set_basic_auth(req, s->public_key, s->private_key);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
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
static int graphql_error(bt_stream *s, billtap_json_ref errors, const billtap_request *req,
                         const billtap_response *resp, int code, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc), first = billtap_json_first(s->doc, errors);
	char *message = NULL, *provider_code = NULL, *request_id = NULL;
	int rc = billtap_json_strdup(&message, s->doc, billtap_json_get(s->doc, first, "message"));
	if (rc != BILLTAP_ENOMEM)
		rc = billtap_json_strdup(&provider_code, s->doc, billtap_json_path(s->doc, first, "extensions.legacyCode"));
	if (rc != BILLTAP_ENOMEM && !provider_code)
		rc = billtap_json_strdup(&provider_code, s->doc, billtap_json_path(s->doc, first, "extensions.errorClass"));
	if (rc != BILLTAP_ENOMEM)
		rc = billtap_json_strdup(&request_id, s->doc, billtap_json_path(s->doc, root, "extensions.requestId"));
	if (rc == BILLTAP_ENOMEM) {
		free(message);
		free(provider_code);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if (code == 0)
		code = error_code(s->doc, first);
	size_t n = billtap_json_count(s->doc, errors);
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
static int http_error(bt_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx)
{
	size_t len = 0;
	const char *body = billtap_response_body(resp, &len);
	if (body && billtap_json_parse(s->doc, body, len) == 0) {
		billtap_json_ref errors = billtap_json_get(s->doc, billtap_json_root(s->doc), "errors");
		if (billtap_json_typeof(s->doc, errors) == BILLTAP_JSON_ARRAY && billtap_json_count(s->doc, errors) > 0)
			return graphql_error(s, errors, req, resp,
			                     billtap_http_status_error(billtap_response_status(resp)), ctx);
	}
	return billtap_response_error(req, resp, s->doc, NULL, NULL, ctx);
}

/* An answer of the wrong shape, named with its request id when it has one. */
static int bad_page(const bt_stream *s, const billtap_request *req, const billtap_response *resp,
                    billtap_ctx *ctx, const char *what)
{
	char text[160], *request_id = NULL;
	snprintf(text, sizeof text, "not a search page: %s", what);
	if (billtap_json_strdup(&request_id, s->doc,
	                        billtap_json_path(s->doc, billtap_json_root(s->doc), "extensions.requestId")) == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	int rc = billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, request_id, NULL, text);
	free(request_id);
	return rc;
}

/* Disputes cannot be searched by createdAt: those created before `since` are left out
 * here. 1 when the node is kept (a node without a readable createdAt is kept: its mapper
 * names the problem). */
static int kept(const bt_stream *s, const bt_search *search, billtap_json_ref node)
{
	int64_t t;
	if (search->created_filter || s->since == BILLTAP_TIME_NONE ||
	    billtap_json_time(&t, s->doc, billtap_json_get(s->doc, node, "createdAt")) < 0)
		return 1;
	return t >= s->since;
}

static int push_nodes(bt_stream *s, const bt_search *search, billtap_json_ref edges, billtap_sink *sink,
                      billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(s->doc, edges); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		billtap_json_ref node = billtap_json_get(s->doc, e, "node");
		billtap_record *rec;
		int rc;
		if (billtap_json_typeof(s->doc, node) != BILLTAP_JSON_OBJECT) {
			char msg[96];
			snprintf(msg, sizeof msg, "a %s edge has no node object", search->field);
			rc = billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
			if ((rc = billtap_sink_reject_json(sink, rc, NULL, BILLTAP_JSON_NONE, NULL)) < 0)
				return rc;
			continue;
		}
		if (!kept(s, search, node))
			continue;
		if ((rc = search->map(&rec, s->doc, node, ctx)) < 0) {
			if ((rc = billtap_sink_reject_json(sink, rc, s->doc, node, "id")) < 0)
				return rc;
			continue;
		}
		if ((rc = billtap_sink_push(sink, rec)) < 0)
			return rc;
	}
	return 0;
}

/* The mark after a page: where the next page, or the next search, starts; none at the end. */
static int mark_next(const bt_stream *s, const char *next, billtap_sink *sink, billtap_ctx *ctx)
{
	char letter;
	if (next)
		letter = s->searches[s->at]->letter;
	else if (s->at + 1 < s->n_searches)
		letter = s->searches[s->at + 1]->letter;
	else
		return 0;
	size_t n = (next ? strlen(next) : 0) + 3;
	char *mark = malloc(n);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(mark, n, "%c:%s", letter, next ? next : "");
	int rc = billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	bt_stream *s = p;
	if (s->gateway)
		return bt_gateway_response(p, req, resp, sink, ctx);
	const bt_search *search = s->searches[s->at];
	if (billtap_response_status(resp) != 200)
		return http_error(s, req, resp, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref errors = billtap_json_get(s->doc, root, "errors");
	if (errors != BILLTAP_JSON_NONE && billtap_json_typeof(s->doc, errors) != BILLTAP_JSON_NULL) {
		if (billtap_json_typeof(s->doc, errors) != BILLTAP_JSON_ARRAY || billtap_json_count(s->doc, errors) == 0)
			return bad_page(s, req, resp, ctx, "errors is not a non-empty array");
		return graphql_error(s, errors, req, resp, 0, ctx); /* partial data included */
	}
	billtap_json_ref conn = billtap_json_get(s->doc, billtap_json_path(s->doc, root, "data.search"), search->field);
	billtap_json_ref edges = billtap_json_get(s->doc, conn, "edges");
	billtap_json_ref more = billtap_json_path(s->doc, conn, "pageInfo.hasNextPage");
	char *next = NULL;
	if (billtap_json_typeof(s->doc, edges) != BILLTAP_JSON_ARRAY ||
	    (billtap_json_typeof(s->doc, more) != BILLTAP_JSON_TRUE && billtap_json_typeof(s->doc, more) != BILLTAP_JSON_FALSE))
		return bad_page(s, req, resp, ctx, "data.search connection with edges and pageInfo.hasNextPage");
	if (billtap_json_typeof(s->doc, more) == BILLTAP_JSON_TRUE) {
		rc = billtap_json_strdup(&next, s->doc, billtap_json_path(s->doc, conn, "pageInfo.endCursor"));
		if (rc == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, rc, NULL);
		if (rc < 0 || !*next) {
			free(next);
			return bad_page(s, req, resp, ctx, "hasNextPage is true but endCursor is not a non-empty string");
		}
	}
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = search->field;
	page.next = next;
	page.more = next != NULL;
	page.items = (int64_t)billtap_json_count(s->doc, edges);
	if ((rc = billtap_sink_page(sink, &page)) < 0 || (rc = push_nodes(s, search, edges, sink, ctx)) < 0 ||
	    (rc = mark_next(s, next, sink, ctx)) < 0) {
		free(next);
		return rc;
	}
	/* The page went through: only now advance, to the next page or the next search. */
	free(s->after);
	s->after = next;
	if (!next && ++s->at == s->n_searches) {
		s->at--;
		s->done = 1;
	}
	return 0;
}

static int classify(int *delay_ms, void *session, const billtap_request *req, const billtap_response *resp,
                    billtap_ctx *ctx)
{
	(void)delay_ms, (void)session, (void)ctx;
	return bt_gateway_classify(req, resp);
}

#define BT_SEARCHED                                                                            \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |                                    \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS))
#define BT_RESOURCES (BT_SEARCHED | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS))

const billtap_provider bt_provider_braintree = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "braintree",
	.display_name = "Braintree (GraphQL; plans through the XML gateway)",
	/* plans have no query in the GraphQL schema: the XML gateway serves them
	 * (braintree_gateway.c); invoices do not exist (docs/providers/braintree.md) */
	.resources = BT_RESOURCES,
	.since_resources = BT_SEARCHED, /* createdAt.greaterThanOrEqualTo; plans: the whole list */
	.flags = 0,
	.settings = braintree_settings,
	.request_id_header = NULL, /* the request id is in the body: extensions.requestId */
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.classify_response = classify,
};
