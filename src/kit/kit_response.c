/* The kit's response helpers (parse-or-report, provider error envelopes, body excerpts),
 * settings copies and push-and-mark. */
#include "billtap/provider_kit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "http/http.h"
#include "json/json_dup.h"

/* How much of a foreign body an error message quotes. */
#define EXCERPT_MAX 160

/* The service's request id for an answer, from the provider's declared header. */
static const char *request_id(const billtap_response *resp, billtap_ctx *ctx)
{
	const char *header = ctx ? ctx->client->provider->request_id_header : NULL;
	return header ? billtap_response_header(resp, header) : NULL;
}

/* The envelope (the root object's own members: "has_more", "data", ...) with a member name
 * twice is ambiguous: refused. Records inside are checked as they are mapped (kit_map.c),
 * so that one bad record can be skipped under bad_records=skip. */
static int refuse_repeated_members(billtap_json *doc, const billtap_request *req,
                                   const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref dup;
	int rc = bt_json_find_duplicate(&dup, doc, billtap_json_root(doc), 0);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc == 0)
		return 0;
	char name[64], msg[160];
	bt_json_key_name(name, doc, dup);
	snprintf(msg, sizeof msg,
	         "response has member %s twice in one object: which value is meant is ambiguous",
	         name);
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, request_id(resp, ctx), NULL,
	                              msg);
}

BILLTAP_EXTERN(int) billtap_response_parse(billtap_json *doc, const billtap_request *req,
                                           const billtap_response *resp, billtap_ctx *ctx)
{
	if (!doc || !resp)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL, "billtap_response_parse: no document or response");
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	/* The engine parsed this body already (to tell a garbled answer): take that parse.
	 * Responses are the engine's; taking its parse changes nothing a provider sees. */
	int rc = bt_response_take_parse((billtap_response *)resp, doc)
	                 ? 0
	                 : billtap_json_parse(doc, body, len);
	if (rc == 0)
		return refuse_repeated_members(doc, req, resp, ctx);
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	char msg[300];
	snprintf(msg, sizeof msg, "response is not valid JSON: %s", billtap_json_error(doc));
	return billtap_ctx_http_error(ctx, BILLTAP_EPARSE, req, resp, request_id(resp, ctx), NULL,
	                              msg);
}

BILLTAP_EXTERN(void) billtap_response_excerpt(char *out, size_t cap,
                                              const billtap_response *resp)
{
	if (!out || !cap)
		return;
	size_t len = 0;
	const char *body = resp ? billtap_response_body(resp, &len) : "";
	size_t i = 0;
	for (; i < len && i < EXCERPT_MAX && i + 1 < cap; i++)
		out[i] = (body[i] >= 0x20 && body[i] < 0x7f) ? body[i] : '?';
	out[i] = '\0';
	if (!i) {
		snprintf(out, cap, "empty response body");
	} else if (i < len) {
		/* Marked as cut: the engine's scrubbing then also removes the start of a
		 * credential the cut left behind (engine/redact.c). */
		if (i + 4 > cap)
			i = cap >= 4 ? cap - 4 : 0;
		memcpy(out + i, "...", 4);
	}
}

/* The first of `paths` that holds a string, decoded into out (cut to cap). */
static void first_string(char *out, size_t cap, const billtap_json *doc,
                         const char *const *paths)
{
	out[0] = '\0';
	billtap_json_ref root = billtap_json_root(doc);
	for (; paths && *paths; paths++) {
		billtap_json_ref ref = billtap_json_path(doc, root, *paths);
		if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING)
			continue;
		size_t n;
		if (billtap_json_str_decode(out, cap, &n, doc, ref) < 0) {
			/* Too long for the message: keep its start, marked as cut. */
			const char *text;
			size_t len;
			billtap_json_text(&text, &len, doc, ref);
			snprintf(out, cap, "%.*s...", (int)(cap > 8 ? cap - 8 : 0), text);
		}
		for (char *c = out; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
		if (out[0])
			return;
	}
}

BILLTAP_EXTERN(int) billtap_response_error(const billtap_request *req,
                                           const billtap_response *resp, billtap_json *doc,
                                           const char *const *code_paths,
                                           const char *const *message_paths,
                                           billtap_ctx *ctx)
{
	if (!resp || !doc)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL, "billtap_response_error: no response");
	int status = billtap_response_status(resp);
	int code = status >= 200 && status < 300 ? BILLTAP_EDATA : billtap_http_status_error(status);
	char provider_code[128] = "", message[600] = "";
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (billtap_json_parse(doc, body, len) == 0) {
		first_string(provider_code, sizeof provider_code, doc, code_paths);
		first_string(message, sizeof message, doc, message_paths);
	}
	if (!message[0]) /* not the provider's envelope: a proxy, a load balancer */
		billtap_response_excerpt(message, sizeof message, resp);
	return billtap_ctx_http_error(ctx, code, req, resp, request_id(resp, ctx),
	                              provider_code[0] ? provider_code : NULL, message);
}

BILLTAP_EXTERN(int) billtap_ctx_setting_dup(char **out, billtap_ctx *ctx, const char *key)
{
	if (out)
		*out = NULL;
	/* As billtap_ctx_setting_int(): a NULL context or key is a provider bug, never "unset"
	 * (which would let a provider run on without its credentials). */
	if (!out || !ctx || !key)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL,
		                         "billtap_ctx_setting_dup: out, ctx or key is NULL");
	const char *v = billtap_ctx_setting(ctx, key);
	if (!v || !*v)
		return 0;
	if (!(*out = strdup(v)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	return 0;
}

BILLTAP_EXTERN(int) billtap_sink_reject_json(billtap_sink *sink, int code,
                                             const billtap_json *doc, billtap_json_ref obj,
                                             const char *id_path)
{
	char *id = NULL;
	int rc = billtap_json_strdup(&id, doc, billtap_json_path(doc, obj, id_path));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(sink ? sink->ctx : NULL, rc, NULL);
	const char *raw = NULL;
	size_t raw_len = 0;
	if (billtap_json_text(&raw, &raw_len, doc, obj) < 0)
		raw = NULL;
	rc = billtap_sink_reject(sink, code, id, raw, raw_len);
	free(id);
	return rc;
}

BILLTAP_EXTERN(int) billtap_sink_push_marked(billtap_sink *sink, billtap_record *rec,
                                             const char *prefix)
{
	billtap_ctx *ctx = sink ? sink->ctx : NULL;
	const char *id = billtap_record_id(rec);
	if (!sink || !rec || !prefix || !id) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_EINVAL,
		                         "billtap_sink_push_marked: no sink, record, prefix or id");
	}
	size_t plen = strlen(prefix), ilen = strlen(id);
	char *mark = malloc(plen + ilen + 2);
	if (!mark) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	/* "<prefix>:<id>", once per record: memcpy, not snprintf (a tenth of a page's cost). */
	memcpy(mark, prefix, plen);
	mark[plen] = ':';
	memcpy(mark + plen + 1, id, ilen + 1);
	int rc = billtap_sink_push(sink, rec);
	if (rc == 0)
		rc = billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}
