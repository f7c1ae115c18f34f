/*
 * Braintree: customers and transactions through its GraphQL API (this file), plans and
 * subscriptions through its legacy XML gateway (braintree_plans.c, braintree_subs.c), whose
 * streams this file's callbacks hand over to by the int each stream begins with.
 *
 * GraphQL: every request is POST /graphql with HTTP Basic auth
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
	                "merchant id, the XML gateway's path (required for plans and subscriptions)"),
	BILLTAP_SETTING("gateway_url", BILLTAP_SETTING_URL, "https://api.braintreegateway.com", 0, 0,
	                "XML gateway origin, for plans and subscriptions (sandbox: https://api.sandbox.braintreegateway.com)"),
	BILLTAP_SETTING("search_cap", BILLTAP_SETTING_INT, "10000", 2, 1000000,
	                "the most ids one gateway search answers (documented: 10,000); a created_at window "
	                "that answers this many is split"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "50", 1, 50, "records per search page (first)"),
	BILLTAP_SETTINGS_END,
};

typedef struct bt_stream {
	int kind;                /* BT_KIND_GRAPHQL */
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
	if (s->kind == BT_KIND_PLANS) {
		bt_plans_free(p);
		return;
	}
	if (s->kind == BT_KIND_SUBSCRIPTIONS) {
		bt_subs_free(p);
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
		return bt_plans_new((bt_plans **)out, ctx);
	if (params->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS)
		return bt_subs_new((bt_subs **)out, params, ctx);
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
	if (s->kind == BT_KIND_PLANS)
		return bt_plans_request(req, p, ctx);
	if (s->kind == BT_KIND_SUBSCRIPTIONS)
		return bt_subs_request(req, p, ctx);
	if (s->done)
		return BILLTAP_ITEROVER;
	int rc = bt_query_body(s->body, s->searches[s->at], s->first, s->since, s->after);
	if (rc == 0)
		rc = bt_graphql_request(req, s->origin, s->version, s->public_key, s->private_key, s->body);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
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
	if (s->kind == BT_KIND_PLANS)
		return bt_plans_response(p, req, resp, sink, ctx);
	if (s->kind == BT_KIND_SUBSCRIPTIONS)
		return bt_subs_response(p, req, resp, sink, ctx);
	const bt_search *search = s->searches[s->at];
	billtap_json_ref edges;
	char *next = NULL;
	int rc = bt_graphql_page(s->doc, search->field, req, resp, &edges, &next, ctx);
	if (rc < 0)
		return rc;
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
#define BT_RESOURCES                                                                           \
	(BT_SEARCHED | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |                          \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS))

const billtap_provider bt_provider_braintree = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "braintree",
	.display_name = "Braintree (GraphQL; plans and subscriptions through the XML gateway)",
	/* plans and subscriptions have no query in the GraphQL schema: the XML gateway serves
	 * them (braintree_gateway.c); invoices do not exist (docs/providers/braintree.md) */
	.resources = BT_RESOURCES,
	/* createdAt.greaterThanOrEqualTo, created_at min; plans are one list */
	.since_resources = BT_SEARCHED | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS),
	.flags = 0,
	.settings = braintree_settings,
	.request_id_header = NULL, /* the request id is in the body: extensions.requestId */
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.classify_response = classify,
};
