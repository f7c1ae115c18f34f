/*
 * The Ledgerly provider, as a billtap plugin: the vtable, its settings, and one stream per
 * iteration. It is sans-I/O like every provider: stream_request says what to fetch,
 * stream_response turns the answer into records; the engine does the HTTP, the retries
 * and the checkpoints.
 *
 * Paging: Ledgerly hands out an opaque next_cursor per page, so the stream marks each page
 * with the cursor that fetched it ("page:" for the first, "page:CURSOR" after). A
 * checkpoint is then "that page, skip k records", and a resumed stream refetches the page.
 */
#include "ledgerly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const billtap_setting_def ledgerly_settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "Ledgerly API key (lk_...)"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.ledgerly.example", 0, 0,
	                "API origin"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "20", 1, 50, "records per list request"),
	BILLTAP_SETTINGS_END,
};

typedef struct ledgerly_stream {
	billtap_resource resource;
	char *base_url, *api_key;
	int64_t page_size, since;
	char *cursor; /* the next page's cursor; NULL for the first page */
	int done;
	billtap_json *doc;
} ledgerly_stream;

static void stream_free(void *data)
{
	ledgerly_stream *s = data;
	if (!s)
		return;
	free(s->base_url);
	if (s->api_key)
		memset(s->api_key, 0, strlen(s->api_key)); /* a secret: leave no copy behind */
	free(s->api_key);
	free(s->cursor);
	billtap_json_free(s->doc);
	free(s);
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	ledgerly_stream *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->resource = params->resource;
	s->since = params->since;
	int rc = billtap_ctx_setting_dup(&s->base_url, ctx, "base_url");
	if (rc == 0)
		rc = billtap_ctx_setting_dup(&s->api_key, ctx, "api_key");
	if (rc == 0)
		rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size") < 0
		             ? billtap_ctx_error(ctx, BILLTAP_ESETTING, "setting page_size is unset")
		             : 0;
	if (rc == 0 && billtap_json_new(&s->doc) < 0)
		rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc == 0 && params->resume) {
		/* Only marks this stream made: "page:" or "page:CURSOR". */
		if (strncmp(params->resume, "page:", 5) != 0)
			rc = billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a Ledgerly page mark");
		else if (params->resume[5] && !(s->cursor = strdup(params->resume + 5)))
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int stream_request(billtap_request *req, void *data, billtap_ctx *ctx)
{
	ledgerly_stream *s = data;
	if (s->done)
		return BILLTAP_ITEROVER;
	char number[24];
	int rc = billtap_request_set_url(req, s->base_url,
	                                 s->resource == BILLTAP_RESOURCE_INVOICES ? "/v1/invoices"
	                                                                          : "/v1/customers");
	snprintf(number, sizeof number, "%lld", (long long)s->page_size);
	if (rc == 0)
		rc = billtap_request_add_query(req, "limit", number);
	if (rc == 0 && s->cursor)
		rc = billtap_request_add_query(req, "cursor", s->cursor);
	if (rc == 0 && s->since != BILLTAP_TIME_NONE) {
		snprintf(number, sizeof number, "%lld", (long long)s->since);
		rc = billtap_request_add_query(req, "created_since", number);
	}
	if (rc == 0)
		rc = billtap_request_set_bearer(req, s->api_key);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

static int stream_response(void *data, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	static const char *const code_paths[] = { "error.code", NULL };
	static const char *const message_paths[] = { "error.message", NULL };
	ledgerly_stream *s = data;
	if (billtap_response_status(resp) != 200)
		return billtap_response_error(req, resp, s->doc, code_paths, message_paths, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref list = billtap_json_get(s->doc, root, "data");
	billtap_json_ref next = billtap_json_get(s->doc, root, "next_cursor");
	if (billtap_json_typeof(s->doc, list) != BILLTAP_JSON_ARRAY)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "the answer has no data array");
	char *next_cursor = NULL;
	rc = billtap_json_strdup(&next_cursor, s->doc, next);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* null: the last page */
	else if (rc < 0)
		return billtap_ctx_http_error(ctx, rc == BILLTAP_ENOMEM ? rc : BILLTAP_EDATA, req, resp,
		                              NULL, NULL, "next_cursor is not a string");

	/* The mark first: resuming here refetches this page and skips what was returned. */
	size_t n = strlen("page:") + (s->cursor ? strlen(s->cursor) : 0) + 1;
	char *mark = malloc(n);
	if (!mark) {
		free(next_cursor);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	snprintf(mark, n, "page:%s", s->cursor ? s->cursor : "");
	rc = billtap_sink_mark(sink, mark);
	free(mark);
	for (billtap_json_ref obj = billtap_json_first(s->doc, list);
	     obj != BILLTAP_JSON_NONE && rc == 0; obj = billtap_json_next(s->doc, obj)) {
		billtap_record *rec;
		rc = s->resource == BILLTAP_RESOURCE_INVOICES
		             ? ledgerly_map_invoice(&rec, s->doc, obj, ctx)
		             : ledgerly_map_customer(&rec, s->doc, obj, ctx);
		if (rc == 0)
			rc = billtap_sink_push(sink, rec);
	}
	if (rc < 0) { /* nothing advances: the engine may ask for this page again */
		free(next_cursor);
		return rc;
	}
	free(s->cursor);
	s->cursor = next_cursor;
	s->done = next_cursor == NULL;
	return 0;
}

static const billtap_provider ledgerly = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "ledgerly",
	.display_name = "Ledgerly",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES),
	.since_resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	                   BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES),
	.settings = ledgerly_settings,
	.request_id_header = "X-Request-Id",
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
};

/* The one symbol the plugin exports. Declared here for -Wmissing-prototypes. */
BILLTAP_PLUGIN_EXPORT int billtap_plugin_init(billtap_plugin *plugin);

BILLTAP_PLUGIN_EXPORT int billtap_plugin_init(billtap_plugin *plugin)
{
	/* The handshake: the loader says which plugin interface it speaks; this plugin was
	 * written for version 1. */
	if (plugin->version < 1)
		return BILLTAP_EVERSION;
	plugin->provider = &ledgerly;
	return 0;
}
