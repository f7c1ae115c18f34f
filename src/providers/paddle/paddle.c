/*
 * Paddle Billing (API version 1): every resource is read from one or two lists,
 * GET /RESOURCE, with a bearer API key and the header Paddle-Version: 1. Lists page by id:
 * `after=<the last id of the page before>`, `per_page` up to the list's maximum (200 for
 * most, 30 for transactions, 50 for adjustments), in `order_by=id[ASC]` order (Paddle ids
 * grow with creation time, so records created during a run join the end).
 * meta.pagination.has_more says whether another page follows; meta.pagination.next is
 * always present, even on the last page, so it is never read as "more".
 *
 * Marks: "L:<after>" after each page, L the list's index in the resource (transactions:
 * 0 payments, 1 adjustments) and <after> the id the next page starts after (empty: the
 * list's first page). A resume asks for that page and the engine skips what the host had.
 * Incremental passes mark otherwise: invoices and transactions by updated_at
 * (paddle_sync.c), customers, plans and subscriptions from the event stream
 * (paddle_feed.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paddle.h"

static const billtap_setting_def paddle_settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "API key, sent as a bearer token"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.paddle.com", 0, 0,
	                "API origin (https://sandbox-api.paddle.com for a Paddle sandbox account)"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "200", 1, 200,
	                "records per list request (lists with a lower maximum use theirs: "
	                "transactions 30, adjustments 50)"),
	BILLTAP_SETTINGS_END,
};

/* Paddle's documented limit: 240 requests a minute per IP address. */
#define PD_RATE (240.0 / 60.0)
#define PD_BURST 4.0

enum { TAG_LIST, TAG_PROBE, TAG_FEED }; /* a list page; the newest change (paddle_sync.c); /events */

static void stream_free(void *p)
{
	pd_stream *s = p;
	if (!s)
		return;
	free(s->origin);
	free(s->api_key);
	free(s->after);
	pd_feed_free(&s->feed);
	billtap_json_free(s->doc);
	free(s);
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	*out = NULL;
	pd_stream *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->res = pd_resource_for(params->resource);
	s->page_size = 200;
	int rc = s->res ? 0 : billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "not a Paddle resource");
	(void)(rc < 0 || (rc = billtap_ctx_setting_dup(&s->origin, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->api_key, ctx, "api_key")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size")) < 0);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* page_size always has its default */
	if (rc == 0 && params->since != BILLTAP_TIME_NONE) {
		time_t t = (time_t)params->since;
		struct tm tm;
		if (!gmtime_r(&t, &tm) || !strftime(s->since, sizeof s->since, "%Y-%m-%dT%H:%M:%SZ", &tm))
			rc = billtap_ctx_error(ctx, BILLTAP_EINVAL, "since: not a representable time");
	}
	if (rc == 0)
		rc = billtap_ctx_set_rate(ctx, PD_RATE, PD_BURST);
	s->incremental = params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL);
	s->feeds = s->incremental && s->res && pd_feed_types(s->res->resource);
	s->probing = s->incremental && !s->feeds && !params->resume;
	s->probing_feed = s->feeds && !params->resume;
	if (rc == 0 && params->resume)
		rc = s->feeds ? pd_feed_resume(s, params->resume, ctx) : pd_sync_resume(s, params->resume, ctx);
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* "k=v&k=v" into query parameters. */
int pd_add_fixed(billtap_request *req, const char *fixed)
{
	char key[64], value[128];
	while (fixed && *fixed) {
		size_t k = strcspn(fixed, "="), v;
		if (k >= sizeof key)
			return BILLTAP_EINVAL;
		memcpy(key, fixed, k);
		key[k] = '\0';
		fixed += k + 1;
		v = strcspn(fixed, "&");
		if (v >= sizeof value)
			return BILLTAP_EINVAL;
		memcpy(value, fixed, v);
		value[v] = '\0';
		fixed += v + (fixed[v] == '&');
		int rc = billtap_request_add_query(req, key, value);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	pd_stream *s = p;
	if (s->done)
		return BILLTAP_ITEROVER;
	if (s->probing_feed || s->feed.walking) {
		int rc = pd_feed_request(req, s);
		(void)(rc < 0 || (rc = billtap_request_set_bearer(req, s->api_key)) < 0 ||
		       (rc = billtap_request_add_header(req, "Paddle-Version", "1")) < 0);
		billtap_request_set_tag(req, TAG_FEED);
		return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
	}
	if (s->probing) {
		int rc = pd_sync_probe_request(req, s);
		(void)(rc < 0 || (rc = billtap_request_set_bearer(req, s->api_key)) < 0 ||
		       (rc = billtap_request_add_header(req, "Paddle-Version", "1")) < 0);
		billtap_request_set_tag(req, TAG_PROBE);
		return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
	}
	const pd_list *l = &s->res->lists[s->list];
	char per_page[24];
	snprintf(per_page, sizeof per_page, "%d",
	         (int)(s->page_size < l->max_per_page ? s->page_size : l->max_per_page));
	int rc = billtap_request_set_url(req, s->origin, l->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "per_page", per_page)) < 0 ||
	       (rc = billtap_request_add_query(req, "order_by", "id[ASC]")) < 0 ||
	       (rc = pd_add_fixed(req, l->fixed)) < 0);
	if (rc == 0 && s->since[0] && l->created)
		rc = billtap_request_add_query(req, l->created, s->since);
	if (rc == 0)
		rc = pd_sync_add_filter(req, s);
	if (rc == 0 && s->after)
		rc = billtap_request_add_query(req, "after", s->after);
	(void)(rc < 0 || (rc = billtap_request_set_bearer(req, s->api_key)) < 0 ||
	       (rc = billtap_request_add_header(req, "Paddle-Version", "1")) < 0);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* The page's shape: data[] of objects with string ids, and meta.pagination.has_more. */
int pd_read_page(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                 billtap_json_ref *data, int *more, char **last, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	*data = billtap_json_get(s->doc, root, "data");
	*last = NULL;
	int rc = billtap_json_bool(more, s->doc, billtap_json_path(s->doc, root, "meta.pagination.has_more"));
	if (billtap_json_typeof(s->doc, *data) != BILLTAP_JSON_ARRAY || rc < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not a list page: a data array and meta.pagination.has_more");
	billtap_json_ref tail = BILLTAP_JSON_NONE;
	for (billtap_json_ref o = billtap_json_first(s->doc, *data); o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o))
		tail = o;
	if (tail == BILLTAP_JSON_NONE)
		return 0;
	rc = billtap_json_strdup(last, s->doc, billtap_json_get(s->doc, tail, "id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc < 0 || !**last || strlen(*last) > 128) {
		free(*last);
		*last = NULL;
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "a list page's last entry has no id (the next page starts after it)");
	}
	return 0;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	pd_stream *s = p;
	if (billtap_response_status(resp) != 200)
		return pd_response_error(s, req, resp, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref data;
	int more = 0;
	char *last = NULL;
	if (billtap_request_tag(req) == TAG_PROBE)
		return pd_sync_probe_response(s, req, resp, ctx);
	if (billtap_request_tag(req) == TAG_FEED)
		return pd_feed_response(s, req, resp, sink, ctx);
	if ((rc = pd_read_page(s, req, resp, &data, &more, &last, ctx)) < 0)
		return rc;
	/* an empty page that claims more has nowhere to go on from: ask for it again */
	const char *next = more ? (last ? last : s->after) : NULL;
	const pd_list *l = &s->res->lists[s->list];
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = l->path;
	page.next = next;
	page.more = more;
	page.items = (int64_t)billtap_json_count(s->doc, data);
	if ((rc = billtap_sink_page(sink, &page)) < 0) {
		free(last);
		return rc;
	}
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o)) {
		if ((rc = l->push(s->doc, o, sink, ctx)) < 0) {
			free(last);
			return rc;
		}
	}
	/* where the next page starts: this list after `next`, or the next list's start */
	int list = more ? s->list : s->list + 1;
	char *after = NULL;
	if (more && next && !(after = strdup(next))) {
		free(last);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	free(last);
	char *mark = NULL;
	rc = s->feeds ? pd_feed_mark_full(&mark, s, list, after) : pd_sync_mark(&mark, s, list, after);
	if (rc < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	else if (mark)
		rc = billtap_sink_mark(sink, mark);
	free(mark);
	if (rc < 0) {
		free(after);
		return rc;
	}
	/* The page went through: only now advance. */
	free(s->after);
	s->after = after;
	s->list = list;
	s->done = list >= s->res->n_lists;
	return 0;
}

#define PD_RESOURCES                                                                           \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) | \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |                                \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES) |                                     \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS))

const billtap_provider bt_provider_paddle = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "paddle",
	.display_name = "Paddle Billing",
	.resources = PD_RESOURCES,
	/* only the transactions list filters by creation (created_at[GTE]): invoices are
	 * transactions; payments are attempts made after their transaction, adjustments have
	 * no date filter, and customers, prices and subscriptions none either */
	.since_resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES),
	.flags = 0,
	.settings = paddle_settings,
	.request_id_header = NULL, /* Paddle puts it in the body: meta.request_id */
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	/* the transactions list filters and sorts by updated_at (paddle_sync.c) */
	.sync_updated = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES) |
	                BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS),
	/* customers, plans and subscriptions from the event stream, GET /events (paddle_feed.c) */
	.sync_feed = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS),
};
