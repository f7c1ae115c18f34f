/*
 * Chargebee (API v2): every resource is one list, GET /api/v2/RESOURCE, read with HTTP
 * Basic auth (the API key as the user name, no password), `limit` up to 100 and the
 * opaque `next_offset` of each page passed back verbatim as `offset`. Each list entry
 * wraps its object ({"customer":{...}}); chargebee_lists.c says which member and how
 * each resource is sorted and filtered.
 *
 * Marks: "o:<next_offset>" after each page (a resume asks for that page and the engine
 * skips what the host already had); incremental passes mark otherwise (chargebee_sync.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

static const billtap_setting_def chargebee_settings[] = {
	BILLTAP_SETTING("site", BILLTAP_SETTING_REQUIRED | BILLTAP_SETTING_ACCOUNT, NULL, 0, 0,
	                "the site's name: SITE in https://SITE.chargebee.com (a test site's ends "
	                "in -test)"),
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "API key, sent as the HTTP Basic user name"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, NULL, 0, 0,
	                "API origin; unset: https://SITE.chargebee.com"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "100", 1, 100, "records per list request"),
	BILLTAP_SETTINGS_END,
};

enum { TAG_LIST, TAG_PROBE }; /* a list page; the newest change (chargebee_sync.c) */

static void stream_free(void *p)
{
	cb_stream *s = p;
	if (!s)
		return;
	free(s->origin);
	free(s->api_key);
	free(s->offset);
	billtap_json_free(s->doc);
	free(s);
}

/* A site name is lower-case letters, digits and hyphens: it becomes a host name. */
static int site_ok(const char *site)
{
	if (!*site || strlen(site) > 63)
		return 0;
	for (const char *c = site; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
	return site[0] != '-';
}

/* base_url when set, else https://SITE.chargebee.com. */
static int origin_of(cb_stream *s, billtap_ctx *ctx)
{
	int rc = billtap_ctx_setting_dup(&s->origin, ctx, "base_url");
	if (rc < 0 || s->origin)
		return rc;
	const char *site = billtap_ctx_setting(ctx, "site");
	if (!site || !site_ok(site))
		return billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                         "setting site: must be a Chargebee site name (lower-case "
		                         "letters, digits and hyphens), as in SITE.chargebee.com");
	size_t n = strlen(site) + sizeof "https://.chargebee.com";
	if (!(s->origin = malloc(n)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(s->origin, n, "https://%s.chargebee.com", site);
	return 0;
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	*out = NULL;
	cb_stream *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->list = cb_list_for(params->resource);
	int64_t limit = 100;
	int rc = s->list ? 0 : billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "not a Chargebee resource");
	(void)(rc < 0 || (rc = origin_of(s, ctx)) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->api_key, ctx, "api_key")) < 0 ||
	       (rc = billtap_ctx_setting_int(&limit, ctx, "page_size")) < 0);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* page_size always has its default */
	snprintf(s->limit, sizeof s->limit, "%lld", (long long)limit);
	/* `since` is "created at or after": Chargebee's [after] is strictly after. */
	if (rc == 0 && params->since != BILLTAP_TIME_NONE)
		snprintf(s->since, sizeof s->since, "%lld", (long long)params->since - 1);
	/* Chargebee's documented floor: 150 requests a minute on test sites and on live sites
	 * of the smallest plan. Its window is not published: two at once at most. */
	if (rc == 0)
		rc = billtap_ctx_set_rate(ctx, 150.0 / 60.0, 2);
	s->incremental = params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL);
	s->probing = s->incremental && !params->resume;
	if (rc == 0 && params->resume)
		rc = cb_sync_resume(s, params->resume, s->incremental, ctx);
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	cb_stream *s = p;
	if (s->done)
		return BILLTAP_ITEROVER;
	if (s->probing) {
		int rc = cb_sync_probe_request(req, s);
		if (rc == 0)
			rc = billtap_request_set_basic_auth(req, s->api_key, "");
		billtap_request_set_tag(req, TAG_PROBE);
		return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
	}
	int rc = billtap_request_set_url(req, s->origin, s->list->path);
	if (rc == 0)
		rc = billtap_request_add_query(req, "limit", s->limit);
	/* a pass of changes walks the changes oldest first, deletions included */
	if (rc == 0)
		rc = billtap_request_add_query(req, "sort_by[asc]", s->changes ? "updated_at" : s->list->sort);
	if (rc == 0 && s->changes)
		rc = cb_sync_add_bounds(req, s);
	if (rc == 0 && s->since[0])
		rc = billtap_request_add_query(req, s->list->created, s->since);
	/* next_offset goes back verbatim (the request encodes it). */
	if (rc == 0 && s->offset)
		rc = billtap_request_add_query(req, "offset", s->offset);
	if (rc == 0)
		rc = billtap_request_set_basic_auth(req, s->api_key, "");
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

static const char *const error_codes[] = { "api_error_code", NULL };
static const char *const error_messages[] = { "message", NULL };

/* A deleted record in a pass of changes: its kind and id only. */
static int push_tombstone(cb_stream *s, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	char *id = NULL;
	billtap_record *rec;
	int rc = billtap_json_strdup(&id, s->doc, billtap_json_get(s->doc, obj, "id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc < 0) {
		char msg[96];
		snprintf(msg, sizeof msg, "a deleted %s has no id", s->list->wrapper);
		return billtap_sink_reject_json(sink, billtap_ctx_error(ctx, BILLTAP_EDATA, msg), s->doc, obj, NULL);
	}
	rc = billtap_record_new_tombstone(&rec, s->list->kind, id);
	free(id);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, "cannot make a tombstone");
	return billtap_sink_push(sink, rec);
}

/* Each entry is {"<wrapper>":{...}, ...}; the object is the wrapper's member. */
static int push_entries(cb_stream *s, billtap_json_ref list, billtap_sink *sink, billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(s->doc, list); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		billtap_json_ref obj = billtap_json_get(s->doc, e, s->list->wrapper);
		int rc;
		billtap_record *rec;
		if (s->changes && billtap_json_typeof(s->doc, obj) == BILLTAP_JSON_OBJECT &&
		    cb_sync_is_deleted(s->doc, obj)) {
			rc = push_tombstone(s, obj, sink, ctx);
			if (rc < 0)
				return rc;
			continue;
		}
		if (billtap_json_typeof(s->doc, obj) != BILLTAP_JSON_OBJECT) {
			char msg[96];
			snprintf(msg, sizeof msg, "a list entry has no %s object", s->list->wrapper);
			rc = billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
			if ((rc = billtap_sink_reject_json(sink, rc, NULL, BILLTAP_JSON_NONE, NULL)) < 0)
				return rc;
			continue;
		}
		if ((rc = s->list->map(&rec, s->doc, obj, ctx)) < 0) {
			if ((rc = billtap_sink_reject_json(sink, rc, s->doc, obj, "id")) < 0)
				return rc;
			continue;
		}
		if ((rc = billtap_sink_push(sink, rec)) < 0)
			return rc;
	}
	return 0;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	cb_stream *s = p;
	if (billtap_response_status(resp) != 200)
		return billtap_response_error(req, resp, s->doc, error_codes, error_messages, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	if (billtap_request_tag(req) == TAG_PROBE)
		return cb_sync_probe_response(s, req, resp, ctx);
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref list = billtap_json_get(s->doc, root, "list");
	char *next = NULL;
	rc = billtap_json_strdup(&next, s->doc, billtap_json_get(s->doc, root, "next_offset"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (billtap_json_typeof(s->doc, list) != BILLTAP_JSON_ARRAY ||
	    (rc < 0 && rc != BILLTAP_ENOTFOUND) || (next && !*next)) {
		free(next);
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not a list page: a list array, and next_offset a "
		                              "non-empty string or absent");
	}
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = s->list->path;
	page.next = next;
	page.more = next != NULL;
	page.items = (int64_t)billtap_json_count(s->doc, list);
	if ((rc = billtap_sink_page(sink, &page)) < 0 || (rc = push_entries(s, list, sink, ctx)) < 0) {
		free(next);
		return rc;
	}
	/* where the next page starts, or (incremental passes) the final mark */
	char *mark;
	rc = cb_sync_mark(&mark, s, next);
	if (rc < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	else if (mark)
		rc = billtap_sink_mark(sink, mark);
	free(mark);
	if (rc < 0) {
		free(next);
		return rc;
	}
	/* The page went through: only now advance. */
	free(s->offset);
	s->offset = next;
	s->done = !next;
	return 0;
}

#define CB_SINCE_RESOURCES                                                                     \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |                                    \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |                                \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES) |                                     \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS))
#define CB_RESOURCES (CB_SINCE_RESOURCES | BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS))

const billtap_provider bt_provider_chargebee = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "chargebee",
	.display_name = "Chargebee",
	.resources = CB_RESOURCES,
	.since_resources = CB_SINCE_RESOURCES, /* created_at[after], date[after]; item prices have none */
	.flags = 0,
	.settings = chargebee_settings,
	.request_id_header = NULL, /* Chargebee documents none */
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	/* every list takes updated_at filters and sorting (chargebee_sync.c) */
	.sync_updated = CB_RESOURCES,
};
