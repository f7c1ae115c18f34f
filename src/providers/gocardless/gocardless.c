/*
 * GoCardless (Pro API, version 2015-07-06): every resource is read from cursor-paged lists,
 * GET /RESOURCE?limit=N&after=CURSOR, with a bearer access token and the required
 * GoCardless-Version header. A page is {"KEY":[...],"meta":{"cursors":{"before","after"},
 * "limit"}}; `after` is null on the last page. gocardless_lists.c says which lists serve a
 * resource. Subscriptions, payments and refunds name a mandate, not a customer: their
 * streams first read /mandates into a map (gocardless_mandates.c), page_size a page like
 * every list.
 *
 * Marks: "<list letter>:<cursor>" after each page: the cursor that reads the next page,
 * empty for the first page of the next list ("r:" when payments are done and refunds
 * begin). A resume reads the mandate map again, then that page; the engine skips what the
 * host already had.
 *
 * Incremental passes (transactions only) read GoCardless's events: gocardless_sync.c has
 * their tokens, gocardless_feed.c the walk. A pass with the flag first learns the feed's
 * head (the probe); a pass of changes then checks that the token's events are still
 * listed (the anchor), reads the mandate map and walks the events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

#define GC_VERSION "2015-07-06"
/* GoCardless's documented limit: 1,000 requests a minute per access token. */
#define GC_RATE (1000.0 / 60.0)

static const billtap_setting_def gocardless_settings[] = {
	BILLTAP_SETTING("access_token", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "access token, sent as a bearer token (a sandbox token reads "
	                "https://api-sandbox.gocardless.com)"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.gocardless.com", 0, 0,
	                "API origin (https://api-sandbox.gocardless.com for the sandbox)"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "500", 1, 500, "records per list request"),
	BILLTAP_SETTINGS_END,
};

static void stream_free(void *p)
{
	gc_stream *s = p;
	if (!s)
		return;
	free(s->base_url);
	free(s->token);
	free(s->after);
	free(s->mandate_after);
	gc_mandates_free(&s->mandates);
	gc_sync_free(s);
	billtap_json_free(s->doc);
	free(s);
}

/* params->resume: "<letter>:<cursor>" of one of the resource's lists. */
static int resume_from(gc_stream *s, const char *resume, billtap_ctx *ctx)
{
	for (size_t i = 0; i < s->res->n_lists; i++) {
		if (resume[0] != s->res->lists[i]->mark || resume[1] != ':')
			continue;
		s->list = i;
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
	gc_stream *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->res = gc_resource_for(params->resource);
	int64_t limit = 500;
	int rc = s->res ? 0 : billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "not a GoCardless resource");
	(void)(rc < 0 || (rc = billtap_ctx_setting_dup(&s->base_url, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->token, ctx, "access_token")) < 0 ||
	       (rc = billtap_ctx_setting_int(&limit, ctx, "page_size")) < 0);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* page_size always has its default */
	snprintf(s->limit, sizeof s->limit, "%lld", (long long)limit);
	/* `since` is "created at or after": created_at[gte] with an RFC 3339 UTC time */
	if (rc == 0 && params->since != BILLTAP_TIME_NONE &&
	    billtap_time_format(s->since, sizeof s->since, params->since) < 0)
		rc = billtap_ctx_error(ctx, BILLTAP_EINVAL, "since is outside the years 0000-9999");
	/* 1,000 a minute; a few at once at most */
	if (rc == 0)
		rc = billtap_ctx_set_rate(ctx, GC_RATE, GC_RATE / 5);
	s->since_time = params->since;
	s->incremental = params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL);
	if (rc == 0 && s->incremental && !s->res->n_walks)
		rc = billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "GoCardless has no incremental passes for this resource");
	const char *inner = params->resume;
	if (rc == 0 && s->incremental && params->resume)
		rc = gc_sync_resume(s, params->resume, ctx, &inner);
	if (rc == 0 && inner)
		rc = resume_from(s, inner, ctx);
	s->mandates.done = rc == 0 && !s->res->needs_mandates;
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int gc_add_auth_headers(billtap_request *req, gc_stream *s)
{
	int rc = billtap_request_set_bearer(req, s->token);
	if (rc == 0)
		rc = billtap_request_add_header(req, "GoCardless-Version", GC_VERSION);
	return rc;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	gc_stream *s = p;
	if (s->done)
		return BILLTAP_ITEROVER;
	/* a pass with the flag: the feed's head first; a pass of changes: the token's events */
	int feed = s->incremental && !s->probed ? GC_TAG_PROBE
	           : s->changes && !s->anchored ? GC_TAG_ANCHOR
	           : s->changes && s->mandates.done ? (s->walk < s->res->n_walks ? GC_TAG_WALK : GC_TAG_READ)
	           : -1;
	if (feed >= 0) {
		int rc = gc_feed_request(req, s, feed);
		if (rc == 0)
			rc = gc_add_auth_headers(req, s);
		billtap_request_set_tag(req, (uint64_t)feed);
		return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
	}
	int mandates = !s->mandates.done;
	const gc_list *list = mandates ? &gc_mandate_list : s->res->lists[s->list];
	const char *after = mandates ? s->mandate_after : s->after;
	int rc = billtap_request_set_url(req, s->base_url, list->path);
	if (rc == 0)
		rc = billtap_request_add_query(req, "limit", s->limit);
	if (rc == 0 && !mandates && s->since[0])
		rc = billtap_request_add_query(req, "created_at[gte]", s->since);
	if (rc == 0 && after)
		rc = billtap_request_add_query(req, "after", after);
	if (rc == 0)
		rc = gc_add_auth_headers(req, s);
	billtap_request_set_tag(req, mandates ? GC_TAG_MANDATES : GC_TAG_LIST);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

static int push_entries(gc_stream *s, const gc_list *list, billtap_json_ref arr, billtap_sink *sink,
                        billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(s->doc, arr); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		billtap_record *rec;
		int rc = list->map(&rec, s->doc, e, &s->mandates, ctx);
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

/* The mark after a page of list i: the next page of it, else the first of the next list,
 * else none. */
static int mark_after(gc_stream *s, const char *next, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t i = s->list + (next ? 0 : 1);
	if (i >= s->res->n_lists)
		return s->incremental ? gc_sync_full_mark(s, NULL, sink, ctx) : 0;
	size_t n = (next ? strlen(next) : 0) + 3;
	char *mark = malloc(n);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(mark, n, "%c:%s", s->res->lists[i]->mark, next ? next : "");
	int rc = s->incremental ? gc_sync_full_mark(s, mark, sink, ctx) : billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	gc_stream *s = p;
	uint64_t tag = billtap_request_tag(req);
	int status = billtap_response_status(resp);
	if (status != 200 && !(tag == GC_TAG_READ && status == 404))
		return gc_response_error(req, resp, s->doc, ctx);
	if (tag != GC_TAG_LIST && tag != GC_TAG_MANDATES)
		return gc_feed_response(s, req, resp, sink, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	int mandates = tag == GC_TAG_MANDATES;
	const gc_list *list = mandates ? &gc_mandate_list : s->res->lists[s->list];
	/* The page's shape first: a missing list is an error, never an empty last page. */
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref arr = billtap_json_get(s->doc, root, list->key);
	char *next = NULL;
	rc = billtap_json_strdup(&next, s->doc, billtap_json_path(s->doc, root, "meta.cursors.after"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (billtap_json_typeof(s->doc, arr) != BILLTAP_JSON_ARRAY ||
	    billtap_json_typeof(s->doc, billtap_json_path(s->doc, root, "meta.cursors")) != BILLTAP_JSON_OBJECT ||
	    (rc < 0 && rc != BILLTAP_ENOTFOUND) || (next && !*next)) {
		free(next);
		char msg[128];
		snprintf(msg, sizeof msg, "not a list page: a %s array, and meta.cursors.after a non-empty "
		         "string or null", list->key);
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, msg);
	}
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = list->path;
	page.next = next;
	page.more = next != NULL;
	page.items = (int64_t)billtap_json_count(s->doc, arr);
	if ((rc = billtap_sink_page(sink, &page)) < 0)
		goto fail;
	if (mandates) {
		/* the map grows only once the page went through: a page asked again adds once */
		if ((rc = gc_mandates_add_page(&s->mandates, s->doc, arr, ctx)) < 0)
			goto fail;
		free(s->mandate_after);
		s->mandate_after = next;
		if (!next)
			gc_mandates_finish(&s->mandates);
		return 0;
	}
	if ((rc = push_entries(s, list, arr, sink, ctx)) < 0 || (rc = mark_after(s, next, sink, ctx)) < 0)
		goto fail;
	/* The page went through: only now advance. */
	free(s->after);
	s->after = next;
	if (!next && ++s->list >= s->res->n_lists)
		s->done = 1;
	return 0;
fail:
	free(next);
	return rc;
}

#define GC_RESOURCES                                                                           \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |                                    \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |                                \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS))

const billtap_provider bt_provider_gocardless = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "gocardless",
	.display_name = "GoCardless",
	/* no plans and no invoices: GoCardless has neither (docs/providers/gocardless.md) */
	.resources = GC_RESOURCES,
	.since_resources = GC_RESOURCES, /* created_at[gte] on every list */
	/* transactions from GET /events (gocardless_feed.c); customers and subscriptions
	 * cannot be followed exactly (docs/providers/gocardless.md, "Incremental passes") */
	.sync_feed = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS),
	.flags = 0,
	.settings = gocardless_settings,
	.request_id_header = NULL, /* the request id comes in error bodies (gocardless_errors.c) */
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
};
