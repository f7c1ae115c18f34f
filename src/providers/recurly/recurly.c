/*
 * Recurly (API v3, pinned to v2021-02-25 through the Accept header): every list read oldest
 * first (sort=created_at&order=asc, the order in which new records land behind the cursor,
 * never in front of it), `limit` up to 200, then the `next` path each page gives (it
 * carries the cursor and every parameter) while `has_more` is true. The resume mark after
 * each page is that `next`, whole.
 *
 *   customers     GET /accounts       (closed accounts too: `deleted` true)
 *   plans         GET /plans          (one record per currency of a plan)
 *   subscriptions GET /subscriptions  (every state; the plan and add-ons as items)
 *   invoices      GET /invoices       (with their line items; an invoice that has more
 *                                      than it embeds: GET /invoices/{id}/line_items)
 *   transactions  GET /transactions   (purchases, captures, authorizations, refunds,
 *                                      verifications)
 *
 * `since` is Recurly's begin_time, which filters on the sort field (created_at here),
 * inclusively. Errors are {"error":{"type","message","params"}} with the request id in
 * X-Request-Id.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly_stream.h"

static const struct list_info {
	billtap_resource resource;
	const char *path;
} lists[] = {
	{ BILLTAP_RESOURCE_CUSTOMERS, "/accounts" },
	{ BILLTAP_RESOURCE_PLANS, "/plans" },
	{ BILLTAP_RESOURCE_SUBSCRIPTIONS, "/subscriptions" },
	{ BILLTAP_RESOURCE_TRANSACTIONS, "/transactions" },
	{ BILLTAP_RESOURCE_INVOICES, "/invoices" },
};

static const billtap_setting_def recurly_settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED |
	                                   BILLTAP_SETTING_ACCOUNT, NULL, 0, 0,
	                "private API key, sent as the HTTP Basic user name"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://v3.recurly.com", 0, 0,
	                "API origin (https://v3.eu.recurly.com for sites in the EU)"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "200", 1, 200, "records per list request"),
	BILLTAP_SETTINGS_END,
};

/* Recurly's error envelope: {"error": {"type", "message", "params": [...]}}. */
static const char *const error_codes[] = { "error.type", NULL };
static const char *const error_messages[] = { "error.message", NULL };

#define MARK_PREFIX "n:"

static void stream_free(void *p)
{
	recurly_stream *s = p;
	if (!s)
		return;
	free(s->base_url);
	if (s->api_key)
		memset(s->api_key, 0, strlen(s->api_key));
	free(s->api_key);
	free(s->next);
	recurly_held_clear(s);
	billtap_json_free(s->doc);
	free(s);
}

/* Recurly's documented limit for production sites: 1,000 GET requests a minute, over a
 * sliding five-minute window (sandbox sites: 400 a minute of all requests). Recurly does
 * not publish a burst size: a fifth of a second's worth, as for Stripe. */
static int declare_rate(billtap_ctx *ctx)
{
	return billtap_ctx_set_rate(ctx, 1000.0 / 60.0, 1000.0 / 60.0 / 5);
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	*out = NULL;
	recurly_stream *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->resource = params->resource;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (lists[i].resource == params->resource)
			s->path = lists[i].path;
	s->since = params->since;
	int rc = s->path ? 0 : billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "not a Recurly list");
	(void)(rc < 0 || (rc = billtap_ctx_setting_dup(&s->base_url, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->api_key, ctx, "api_key")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size")) < 0);
	if (rc == 0 && (rc = billtap_json_new(&s->doc)) < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	if (rc == 0)
		rc = declare_rate(ctx);
	s->incremental = params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL);
	if (rc == 0 && s->incremental)
		rc = recurly_sync_resume(s, params->resume, ctx);
	/* Our marks are "n:<next path>"; anything else is not ours. */
	else if (rc == 0 && params->resume) {
		if (strncmp(params->resume, MARK_PREFIX, 2) != 0 || !params->resume[2])
			rc = billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
			                       "checkpoint position is not one this stream makes");
		else if (!(s->next = strdup(params->resume + 2)))
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The first page: the list oldest first, filtered by `since` on created_at. */
static int first_page(billtap_request *req, const recurly_stream *s)
{
	char limit[24], begin[32];
	snprintf(limit, sizeof limit, "%lld", (long long)s->page_size);
	int rc = billtap_request_set_url(req, s->base_url, s->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "limit", limit)) < 0 ||
	       (rc = billtap_request_add_query(req, "sort", "created_at")) < 0 ||
	       (rc = billtap_request_add_query(req, "order", "asc")) < 0);
	if (rc == 0 && s->since != BILLTAP_TIME_NONE) {
		rc = billtap_time_format(begin, sizeof begin, s->since);
		if (rc >= 0)
			rc = billtap_request_add_query(req, "begin_time", begin);
	}
	return rc < 0 ? rc : 0;
}

/* `next` as Recurly gave it, a path on our origin ("/accounts?cursor=...") or, should it
 * ever be one, an absolute URL on the same origin (never another host: the request
 * carries the key). */
int recurly_follow(billtap_request *req, const recurly_stream *s, const char *next)
{
	int rc = next[0] == '/' && next[1] != '/'
	                 ? billtap_request_set_url(req, s->base_url, next)
	                 : billtap_request_set_next_url(req, next, strlen(next), s->base_url);
	return rc == BILLTAP_EINVAL ? BILLTAP_EDATA : rc;
}

int recurly_auth(billtap_request *req, const recurly_stream *s)
{
	int rc = billtap_request_set_basic_auth(req, s->api_key, "");
	if (rc == 0)
		rc = billtap_request_add_header(req, "Accept",
		                                "application/vnd.recurly." RECURLY_API_VERSION "+json");
	return rc;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	recurly_stream *s = p;
	if (recurly_lines_pending(s))
		return recurly_lines_request(req, s, ctx);
	if (s->head_pending)
		return recurly_head_request(req, s, ctx);
	if (s->done)
		return BILLTAP_ITEROVER;
	int rc = s->next      ? recurly_follow(req, s, s->next)
	         : s->changes ? recurly_changes_request(req, s)
	                      : first_page(req, s);
	if (rc == BILLTAP_EDATA)
		return billtap_ctx_error(ctx, BILLTAP_EDATA,
		                         "the next page is not a path or URL on base_url's origin");
	billtap_request_set_tag(req, RECURLY_TAG_LIST);
	if (rc == 0)
		rc = recurly_auth(req, s);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* Maps one element of `data` and pushes its records; 0 or the status to return. */
static int push_object(recurly_stream *s, billtap_json_ref obj, billtap_sink *sink,
                       billtap_ctx *ctx)
{
	billtap_record *rec = NULL;
	int rc;
	switch (s->resource) {
	case BILLTAP_RESOURCE_CUSTOMERS: rc = recurly_map_account(&rec, s->doc, obj, ctx); break;
	case BILLTAP_RESOURCE_TRANSACTIONS:
		rc = recurly_map_transaction(&rec, s->doc, obj, ctx);
		break;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS:
		rc = recurly_map_subscription(&rec, s->doc, obj, ctx);
		break;
	default: {
		int n = recurly_plan_count(s->doc, obj, ctx);
		if (n < 0)
			return billtap_sink_reject_json(sink, n, s->doc, obj, "id");
		for (int i = 0; i < n; i++) {
			if ((rc = recurly_map_plan(&rec, s->doc, obj, i, ctx)) < 0) {
				if ((rc = billtap_sink_reject_json(sink, rc, s->doc, obj, "id")) < 0)
					return rc;
				continue;
			}
			if (recurly_before_since(s, rec))
				billtap_record_free(rec);
			else if ((rc = billtap_sink_push(sink, rec)) < 0)
				return rc;
		}
		return 0;
	}
	}
	if (rc < 0)
		return billtap_sink_reject_json(sink, rc, s->doc, obj, "id");
	if (recurly_before_since(s, rec)) {
		billtap_record_free(rec);
		return 0;
	}
	return billtap_sink_push(sink, rec);
}

static int not_a_page(const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx,
                      const char *problem)
{
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
	                              billtap_response_header(resp, "X-Request-Id"), NULL, problem);
}

int recurly_read_page(billtap_json_ref *data, int *more, char **next, recurly_stream *s,
                      const char *list, const billtap_request *req, const billtap_response *resp,
                      billtap_sink *sink, billtap_ctx *ctx)
{
	*next = NULL;
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	/* The page's shape first: a missing list is an error, never an empty last page. */
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_type more_type = billtap_json_typeof(s->doc, billtap_json_get(s->doc, root, "has_more"));
	*data = billtap_json_get(s->doc, root, "data");
	if (billtap_json_typeof(s->doc, *data) != BILLTAP_JSON_ARRAY ||
	    (more_type != BILLTAP_JSON_TRUE && more_type != BILLTAP_JSON_FALSE))
		return not_a_page(req, resp, ctx, "not a list: data array and has_more expected");
	*more = more_type == BILLTAP_JSON_TRUE;
	if (*more) {
		rc = billtap_json_strdup(next, s->doc, billtap_json_get(s->doc, root, "next"));
		if (rc == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, rc, NULL);
		if (rc < 0 || !**next) {
			free(*next);
			*next = NULL;
			return not_a_page(req, resp, ctx, "has_more is true but next is not a path");
		}
	}
	/* A `next` that does not move would loop for ever: the engine's page guard. */
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = list;
	page.next = *next;
	page.more = *more;
	page.items = (int64_t)billtap_json_count(s->doc, *data);
	if ((rc = billtap_sink_page(sink, &page)) < 0) {
		free(*next);
		*next = NULL;
	}
	return rc;
}

int recurly_error(const billtap_request *req, const billtap_response *resp, recurly_stream *s,
                  billtap_ctx *ctx)
{
	return billtap_response_error(req, resp, s->doc, error_codes, error_messages, ctx);
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	recurly_stream *s = p;
	if (billtap_request_tag(req) == RECURLY_TAG_LINES)
		return recurly_lines_response(s, req, resp, sink, ctx);
	if (billtap_request_tag(req) == RECURLY_TAG_HEAD)
		return recurly_head_response(s, req, resp, ctx);
	if (billtap_response_status(resp) != 200)
		return recurly_error(req, resp, s, ctx);
	billtap_json_ref data;
	int more;
	char *next;
	int rc = recurly_read_page(&data, &more, &next, s, s->path, req, resp, sink, ctx);
	if (rc < 0)
		return rc;
	if (s->resource == BILLTAP_RESOURCE_INVOICES)
		return recurly_invoices_page(s, data, next, more, sink, ctx);
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o)) {
		if ((rc = push_object(s, o, sink, ctx)) < 0) {
			free(next);
			return rc; /* the engine drops what this page pushed */
		}
	}
	/* Mark where a resume starts: the whole `next` (a cut cursor resumes elsewhere). */
	if ((rc = recurly_page_mark(s, next, sink, ctx)) < 0) {
		free(next);
		return rc;
	}
	/* The page went through: only now advance (after a failure the engine asks again). */
	free(s->next);
	s->next = next;
	s->done = !more;
	return 0;
}

/* Every resource: all of them honour `since`, and all sync by updated_at. */
#define RECURLY_RESOURCES                                                                         \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) | \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |                                     \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS) |                                      \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES))

const billtap_provider bt_provider_recurly = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "recurly",
	.display_name = "Recurly",
	.resources = RECURLY_RESOURCES,
	.since_resources = RECURLY_RESOURCES,
	.settings = recurly_settings,
	.request_id_header = "X-Request-Id",
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.sync_updated = RECURLY_RESOURCES,
};
