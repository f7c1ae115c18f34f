/*
 * A provider plugin for the registry and loader tests, built once per variant (meson
 * shared_module()s, tests/plugins/meson.build). The default variant is a working provider
 * "testplug" of customers over a tiny cursor API:
 *
 *   GET BASE/customers?limit=N[&after=ID]
 *   -> {"data": [{"id": "c1", "created": 1700000000, "email": "a@x.test"}, ...],
 *       "has_more": true}
 *
 * It uses only the public SPI (no provider kit), so the loader is tested on its own. The
 * other variants each break one rule of the plugin handshake:
 *   VARIANT_NO_EXPORT       the entry point is not exported (hidden visibility)
 *   VARIANT_NEEDS_NEWER     it needs plugin interface 2 and says BILLTAP_EVERSION
 *   VARIANT_VTABLE_NEWER    its vtable has a version this library does not know
 *   VARIANT_SETTINGS_NEWER  its setting definitions have such a version
 *   VARIANT_FAILS           its entry point fails with BILLTAP_ENOMEM
 *   VARIANT_NO_PROVIDER     its entry point returns 0 and no provider
 *   VARIANT_NO_STREAM_FREE  its vtable lacks a required slot
 *   VARIANT_BAD_DEFAULT     a setting's default is outside its bounds
 *   VARIANT_STRIPE          it calls itself "stripe", a built-in's name
 */
#include <billtap/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_plugin.h"

#ifndef PLUGIN_NAME
#define PLUGIN_NAME "testplug"
#endif

typedef struct stream {
	char *base_url;
	int64_t limit;
	char after[64]; /* the last id pushed: the cursor and the mark */
	int done;
} stream;

/* Every callback reports what billtap_ctx_payload() gave it to the probe it expects. */
static test_plugin_probe *expected_probe;

static test_plugin_probe *probe_of(billtap_ctx *ctx)
{
	test_plugin_probe *p = billtap_ctx_payload(ctx);
	if (expected_probe) {
		if (p == expected_probe)
			expected_probe->payload_seen++;
		else
			expected_probe->payload_wrong++;
	}
	return p;
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	(void)session;
	probe_of(ctx);
	if (params->since != BILLTAP_TIME_NONE)
		return billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "since is not supported");
	if (!billtap_ctx_setting(ctx, "api_key"))
		return billtap_ctx_error(ctx, BILLTAP_ESETTING, "setting api_key is required");
	stream *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, "out of memory");
	s->base_url = strdup(billtap_ctx_setting(ctx, "base_url"));
	if (!s->base_url || billtap_ctx_setting_int(&s->limit, ctx, "page_size") < 0) {
		free(s->base_url);
		free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, "out of memory");
	}
	if (params->resume) {
		if (strncmp(params->resume, "after:", 6) != 0 ||
		    strlen(params->resume + 6) >= sizeof s->after) {
			free(s->base_url);
			free(s);
			return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a testplug mark");
		}
		strcpy(s->after, params->resume + 6);
	}
	*out = s;
	return 0;
}

static int stream_request(billtap_request *req, void *data, billtap_ctx *ctx)
{
	stream *s = data;
	probe_of(ctx);
	if (s->done)
		return BILLTAP_ITEROVER;
	char limit[24];
	snprintf(limit, sizeof limit, "%lld", (long long)s->limit);
	int rc = billtap_request_set_url(req, s->base_url, "/customers");
	if (rc == 0)
		rc = billtap_request_add_query(req, "limit", limit);
	if (rc == 0 && s->after[0])
		rc = billtap_request_add_query(req, "after", s->after);
	if (rc == 0)
		rc = billtap_request_set_bearer(req, billtap_ctx_setting(ctx, "api_key"));
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* One customer: id and created required; the name is the probe's label and the id. */
static int push_customer(billtap_sink *sink, const billtap_json *doc, billtap_json_ref obj,
                         const test_plugin_probe *probe, char *id, size_t id_cap,
                         billtap_ctx *ctx)
{
	size_t len;
	int64_t created;
	if (billtap_json_str_decode(id, id_cap, &len, doc, billtap_json_get(doc, obj, "id")) < 0 ||
	    billtap_json_int(&created, doc, billtap_json_get(doc, obj, "created")) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "a customer lacks id or created");
	billtap_record *rec;
	if (billtap_record_new(&rec, BILLTAP_RECORD_CUSTOMER) < 0)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, "out of memory");
	char name[96];
	snprintf(name, sizeof name, "%s %s", probe ? probe->label : "(no payload)", id);
	const char *raw;
	size_t raw_len;
	billtap_json_text(&raw, &raw_len, doc, obj);
	int rc = billtap_record_set_str(rec, BILLTAP_FIELD_ID, id, len);
	if (rc == 0)
		rc = billtap_record_set_int(rec, BILLTAP_FIELD_CREATED_AT, created);
	if (rc == 0)
		rc = billtap_record_set_json_str(rec, BILLTAP_FIELD_EMAIL, doc,
		                                 billtap_json_get(doc, obj, "email"));
	if (rc == 0)
		rc = billtap_record_set_str(rec, BILLTAP_FIELD_NAME, name, strlen(name));
	if (rc == 0)
		rc = billtap_record_set_int(rec, BILLTAP_FIELD_DELETED, 0);
	if (rc == 0)
		rc = billtap_record_set_raw_json(rec, raw, raw_len);
	if (rc < 0) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, rc, "cannot build a customer");
	}
	return billtap_sink_push(sink, rec);
}

static int stream_response(void *data, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	stream *s = data;
	test_plugin_probe *probe = probe_of(ctx);
	if (billtap_response_status(resp) != 200)
		return billtap_ctx_http_error(ctx, billtap_http_status_error(billtap_response_status(resp)),
		                              req, resp, NULL, NULL, "testplug API error");
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	billtap_json *doc;
	if (billtap_json_new(&doc) < 0)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, "out of memory");
	int rc = billtap_json_parse(doc, body, len);
	if (rc < 0) {
		billtap_json_free(doc);
		return billtap_ctx_error(ctx, rc, "the answer is not JSON");
	}
	billtap_json_ref root = billtap_json_root(doc);
	int more = 0;
	billtap_json_bool(&more, doc, billtap_json_get(doc, root, "has_more"));
	char last[sizeof s->after] = "";
	billtap_json_ref data_ref = billtap_json_get(doc, root, "data");
	for (billtap_json_ref o = billtap_json_first(doc, data_ref); o != BILLTAP_JSON_NONE && rc == 0;
	     o = billtap_json_next(doc, o)) {
		rc = push_customer(sink, doc, o, probe, last, sizeof last, ctx);
		if (rc == 0) {
			char mark[sizeof last + 8];
			snprintf(mark, sizeof mark, "after:%s", last);
			rc = billtap_sink_mark(sink, mark);
		}
	}
	billtap_json_free(doc);
	if (rc < 0)
		return rc;
	/* Advance only once the whole page went through. */
	if (last[0])
		strcpy(s->after, last);
	s->done = !more;
	return 0;
}

static void stream_free(void *data)
{
	stream *s = data;
	if (s)
		free(s->base_url);
	free(s);
}

static const billtap_setting_def settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	                "the account's API key"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.testplug.invalid", 0, 0,
	                "API origin"),
#ifdef VARIANT_BAD_DEFAULT
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "500", 1, 50, "customers per request"),
#else
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "2", 1, 50, "customers per request"),
#endif
	BILLTAP_SETTING("archived", BILLTAP_SETTING_BOOL, "false", 0, 0, NULL),
	BILLTAP_SETTINGS_END,
};

#ifdef VARIANT_SETTINGS_NEWER
/* What a newer header's BILLTAP_SETTING() would produce, as far as this library can tell. */
static const billtap_setting_def newer_settings[] = {
	{ BILLTAP_SETTING_DEF_VERSION + 1, "api_key", BILLTAP_SETTING_SECRET, NULL, 0, 0, "key" },
	{ BILLTAP_SETTING_DEF_VERSION + 1, NULL, 0, NULL, 0, 0, NULL },
};
#endif

static billtap_provider provider = BILLTAP_PROVIDER_INIT;

static void destroy_probe(void *payload)
{
	((test_plugin_probe *)payload)->destroyed++;
}

#ifdef VARIANT_NO_EXPORT
#define ENTRY_VISIBILITY /* forgot BILLTAP_PLUGIN_EXPORT: hidden like everything else */
#else
#define ENTRY_VISIBILITY BILLTAP_PLUGIN_EXPORT
#endif

/* Declared for -Wmissing-prototypes; the loader finds it by name. */
ENTRY_VISIBILITY int billtap_plugin_init(billtap_plugin *plugin);

ENTRY_VISIBILITY int billtap_plugin_init(billtap_plugin *plugin)
{
#ifdef VARIANT_NEEDS_NEWER
	if (plugin->version < 2)
		return BILLTAP_EVERSION;
#endif
#ifdef VARIANT_FAILS
	return BILLTAP_ENOMEM;
#endif
#ifdef VARIANT_NO_PROVIDER
	return 0;
#endif
	if (plugin->version < 1)
		return BILLTAP_EVERSION;
	provider.name = PLUGIN_NAME;
	provider.display_name = "Test Plug";
	provider.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS);
	provider.settings = settings;
	provider.stream_new = stream_new;
	provider.stream_request = stream_request;
	provider.stream_response = stream_response;
	provider.stream_free = stream_free;
#ifdef VARIANT_VTABLE_NEWER
	provider.version = BILLTAP_PROVIDER_VERSION + 1;
#endif
#ifdef VARIANT_SETTINGS_NEWER
	provider.settings = newer_settings;
#endif
#ifdef VARIANT_NO_STREAM_FREE
	provider.stream_free = NULL;
#endif
	plugin->provider = &provider;

	const char *probe = getenv(TEST_PLUGIN_PROBE_ENV);
	void *p = NULL;
	if (probe && sscanf(probe, "%p", &p) == 1) {
		expected_probe = p;
		plugin->payload = p;
		plugin->destroy = destroy_probe;
	}
	return 0;
}
