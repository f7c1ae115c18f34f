/*
 * Log events (billtap_client_set_log): built from what the engine knows at each step,
 * every text redacted on the way out against the client's secret set (engine/redact.c:
 * its secret settings and the credentials its requests carried, built when those change,
 * not per event) and credential-shaped words. Nothing is built unless the callback wants
 * the event's level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "engine/limiter.h"

/* A redacted copy into b, returning its text (NULL for NULL). Bytes may hold NULs only
 * for raw JSON, which is passed with its length. */
static const char *clean(bt_buf *b, const char *text, size_t len, const billtap_client *c)
{
	if (!text)
		return NULL;
	if (bt_redact_into(c, b, text, len) < 0)
		return BT_REDACTED; /* out of memory: say nothing rather than the raw text */
	return bt_buf_cstr(b);
}

static void emit(const bt_log_sink *sink, const billtap_client *c, billtap_resource resource,
                 const bt_log_fields *in)
{
	bt_buf msg = BT_BUF_INIT, path = BT_BUF_INIT, rid = BT_BUF_INIT, id = BT_BUF_INIT,
	       raw = BT_BUF_INIT;
	billtap_log_event ev;
	memset(&ev, 0, sizeof ev);
	ev.version = BILLTAP_LOG_EVENT_VERSION;
	ev.level = in->level;
	ev.event = in->event;
	ev.message = clean(&msg, in->message ? in->message : "", in->message ? strlen(in->message) : 0,
	                   c);
	ev.provider = c->provider->name;
	ev.resource = resource ? billtap_resource_name(resource) : NULL;
	ev.http_status = in->http_status;
	ev.attempt = in->attempt;
	ev.wait_ms = in->wait_ms;
	ev.code = in->code;
	if (in->flight && !in->flight->local && in->flight->req.url.len) {
		const billtap_request *req = &in->flight->req;
		const char *p = bt_buf_cstr(&req->url) + req->path_start;
		ev.method = billtap_request_method(req);
		ev.path = clean(&path, p, strcspn(p, "?#"), c);
	}
	if (in->request_id)
		ev.request_id = clean(&rid, in->request_id, strlen(in->request_id), c);
	if (in->record_id)
		ev.record_id = clean(&id, in->record_id, strlen(in->record_id), c);
	if (in->raw_json) {
		ev.raw_json = clean(&raw, in->raw_json, in->raw_len, c);
		ev.raw_len = ev.raw_json == bt_buf_cstr(&raw) ? raw.len : strlen(ev.raw_json);
	}
	sink->fn(&ev, sink->payload);
	bt_buf_free(&msg);
	bt_buf_free(&path);
	bt_buf_free(&rid);
	bt_buf_free(&id);
	bt_buf_free(&raw);
}

void bt_log_iter(billtap_iter *it, const bt_log_fields *fields)
{
	if (bt_log_wants(&it->log, fields->level))
		emit(&it->log, it->client, it->resource, fields);
}

BILLTAP_EXTERN(int) billtap_client_set_log(billtap_client *c, billtap_log_fn fn, int min_level,
                                           void *payload)
{
	if (!c)
		return BILLTAP_EINVAL;
	bt_error_reset(c);
	if (fn && (min_level < BILLTAP_LOG_DEBUG || min_level > BILLTAP_LOG_ERROR))
		return bt_error_setf(c, BILLTAP_EINVAL,
		                     "billtap_client_set_log: min_level %d is not a billtap_log_level",
		                     min_level);
	c->log.fn = fn;
	c->log.min_level = fn ? min_level : 0;
	c->log.payload = fn ? payload : NULL;
	return 0;
}

/* ---- the engine's events ---- */

static const char *request_id_of(const bt_flight *f)
{
	const char *h = f->iter->client->provider->request_id_header;
	return h && f->resp.status ? billtap_response_header(&f->resp, h) : NULL;
}

/* "GET /v1/customers" */
static void describe(bt_buf *b, const bt_flight *f)
{
	bt_request_describe(&f->req, b);
}

void bt_log_request(bt_flight *f)
{
	billtap_iter *it = f->iter;
	if (!bt_log_wants(&it->log, BILLTAP_LOG_DEBUG))
		return;
	bt_buf b = BT_BUF_INIT;
	describe(&b, f);
	if (f->attempt) {
		char n[48];
		snprintf(n, sizeof n, " (attempt %d)", f->attempt + 1);
		bt_buf_puts(&b, n);
	}
	bt_log_fields e = { BILLTAP_LOG_DEBUG, "request", bt_buf_cstr(&b), f, 0, f->attempt + 1,
		            -1, NULL, 0, NULL, NULL, 0 };
	bt_log_iter(it, &e);
	bt_buf_free(&b);
}

void bt_log_response(bt_flight *f)
{
	billtap_iter *it = f->iter;
	if (!bt_log_wants(&it->log, BILLTAP_LOG_DEBUG))
		return;
	const char *rid = request_id_of(f);
	bt_buf b = BT_BUF_INIT;
	describe(&b, f);
	char tail[96];
	snprintf(tail, sizeof tail, ": HTTP %d, %zu bytes", f->resp.status, f->resp.body.len);
	bt_buf_puts(&b, tail);
	if (rid) {
		bt_buf_puts(&b, " (request ");
		bt_buf_puts(&b, rid);
		bt_buf_puts(&b, ")");
	}
	bt_log_fields e = { BILLTAP_LOG_DEBUG, "response", bt_buf_cstr(&b), f, f->resp.status,
		            f->attempt + 1, -1, rid, 0, NULL, NULL, 0 };
	bt_log_iter(it, &e);
	bt_buf_free(&b);
}

void bt_log_retry(bt_flight *f, int code, int64_t wait_ms)
{
	/* Called with f->attempt already counting this retry. */
	billtap_iter *it = f->iter;
	if (!bt_log_wants(&it->log, BILLTAP_LOG_WARN))
		return;
	bt_buf b = BT_BUF_INIT;
	describe(&b, f);
	char n[160];
	if (f->resp.status)
		snprintf(n, sizeof n, ": HTTP %d%s", f->resp.status,
		         f->garbled ? " (not the JSON promised)" : "");
	else
		snprintf(n, sizeof n, ": %s", billtap_strerror(code));
	bt_buf_puts(&b, n);
	if (!f->resp.status && f->resp.error.len) {
		bt_buf_puts(&b, " (");
		bt_buf_puts(&b, f->resp.error.data);
		bt_buf_puts(&b, ")");
	}
	snprintf(n, sizeof n, "; retry %d of %lld in %lld ms", f->attempt,
	         (long long)it->settings.max_retries, (long long)wait_ms);
	bt_buf_puts(&b, n);
	bt_log_fields e = { BILLTAP_LOG_WARN, "retry", bt_buf_cstr(&b), f, f->resp.status,
		            f->attempt + 1, wait_ms, request_id_of(f), code, NULL, NULL, 0 };
	bt_log_iter(it, &e);
	bt_buf_free(&b);
}

void bt_log_wait(bt_flight *f, int64_t wait_ms, int slowed)
{
	billtap_iter *it = f->iter;
	/* Pacing is routine (DEBUG) unless the limiter is slowed down by a 429 (WARN). */
	int level = slowed ? BILLTAP_LOG_WARN : BILLTAP_LOG_DEBUG;
	if (!bt_log_wants(&it->log, level))
		return;
	bt_buf b = BT_BUF_INIT;
	describe(&b, f);
	char n[160];
	snprintf(n, sizeof n, ": paced by the rate limiter, waiting %lld ms%s", (long long)wait_ms,
	         slowed ? " (slowed down after HTTP 429)" : "");
	bt_buf_puts(&b, n);
	bt_log_fields e = { level, "wait", bt_buf_cstr(&b), f, 0, f->attempt + 1, wait_ms, NULL, 0,
		            NULL, NULL, 0 };
	bt_log_iter(it, &e);
	bt_buf_free(&b);
}

void bt_log_page(billtap_iter *it, size_t first)
{
	if (!bt_log_wants(&it->log, BILLTAP_LOG_INFO))
		return;
	size_t records = 0; /* entries are records or resume marks */
	for (size_t i = first; i < it->q_len; i++)
		records += it->queue[it->q_head + i].rec != NULL;
	bt_flight *f = bt_flight_head(it);
	bt_buf b = BT_BUF_INIT;
	if (f && !f->local) {
		describe(&b, f);
		bt_buf_puts(&b, ": ");
	}
	char n[96];
	snprintf(n, sizeof n, "page %llu: %zu records", (unsigned long long)it->pages, records);
	bt_buf_puts(&b, n);
	bt_log_fields e = { BILLTAP_LOG_INFO, "page", bt_buf_cstr(&b), f && !f->local ? f : NULL,
		            f && !f->local ? f->resp.status : 0, f ? f->attempt + 1 : 0, -1,
		            f ? request_id_of(f) : NULL, 0, NULL, NULL, 0 };
	bt_log_iter(it, &e);
	bt_buf_free(&b);
}

void bt_log_checkpoint(billtap_iter *it)
{
	if (!bt_log_wants(&it->log, BILLTAP_LOG_INFO))
		return;
	char n[96];
	snprintf(n, sizeof n, "checkpoint after %llu records", (unsigned long long)it->records);
	bt_log_fields e = { BILLTAP_LOG_INFO, "checkpoint", n, NULL, 0, 0, -1, NULL, 0, NULL, NULL,
		            0 };
	bt_log_iter(it, &e);
}

void bt_log_error(billtap_client *c, billtap_iter *it, billtap_resource resource, int rc)
{
	const bt_log_sink *sink = it ? &it->log : &c->log;
	if (rc >= 0 || !bt_log_wants(sink, BILLTAP_LOG_ERROR))
		return;
	/* The message names the request; the event has no method or path of its own. */
	bt_log_fields e = { BILLTAP_LOG_ERROR, "error", bt_buf_cstr(&c->err_message), NULL,
		            c->err_http_status, 0, -1, c->err_request_id, rc, NULL, NULL, 0 };
	emit(sink, c, resource, &e);
}

void bt_log_record_skipped(billtap_iter *it, int code, const char *id, const char *raw_json,
                           size_t raw_len, const char *message)
{
	bt_log_fields e = { BILLTAP_LOG_WARN, "record_skipped", message, NULL, 0, 0, -1, NULL,
		            code, id, raw_json, raw_len };
	bt_log_iter(it, &e);
}
