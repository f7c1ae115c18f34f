/*
 * The bad-record policy (engine setting bad_records): a provider object that cannot be
 * normalized stops the stream (fail, the default), or is counted, reported and skipped
 * (skip), so one odd refund does not hold back every record after it.
 *
 * A skip is remembered as pending while the stream_response call that made it runs, and
 * counted and reported only when that call succeeds (like the loop guards' pages): a page
 * read again after a failed call is not counted twice.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static void skipped_free(bt_skipped *s)
{
	free(s->id);
	free(s->reason);
	free(s->raw);
	memset(s, 0, sizeof *s);
}

void bt_rejects_free(bt_rejects *r)
{
	bt_rejects_discard(r);
	free(r->pending);
	skipped_free(&r->last);
	memset(r, 0, sizeof *r);
}

void bt_rejects_discard(bt_rejects *r)
{
	for (size_t i = 0; i < r->count; i++)
		skipped_free(&r->pending[i]);
	r->count = 0;
}

/* Reports a skipped record through the log callback (event "record_skipped", level
 * WARN) and keeps it as the iterator's last, taking over s's strings. Only BILLTAP_EDATA
 * is ever skipped (billtap_sink_reject). */
static void report_skipped(billtap_iter *it, bt_skipped *s)
{
	bt_log_record_skipped(it, BILLTAP_EDATA, s->id, s->raw, s->raw_len, s->reason);
	skipped_free(&it->rejects.last);
	it->rejects.last = *s;
	memset(s, 0, sizeof *s);
}

void bt_rejects_commit(billtap_iter *it)
{
	bt_rejects *r = &it->rejects;
	for (size_t i = 0; i < r->count; i++) {
		it->skipped_records++;
		report_skipped(it, &r->pending[i]);
	}
	r->count = 0;
}

static char *copy(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (out) {
		if (len)
			memcpy(out, s, len);
		out[len] = '\0';
	}
	return out;
}

BILLTAP_EXTERN(int) billtap_sink_reject(billtap_sink *sink, int code, const char *id,
                                        const char *raw_json, size_t raw_len)
{
	if (!sink)
		return code < 0 ? code : BILLTAP_EINVAL; /* no client: the engine names the slot */
	if (code >= 0)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL,
		                         "billtap_sink_reject: code is not an error");
	billtap_iter *it = sink->iter;
	/* Only wrong data is the record's fault; out of memory or a provider bug is not,
	 * and stops the stream under every policy. */
	if (!it->settings.skip_bad_records || code != BILLTAP_EDATA)
		return code;
	billtap_client *c = it->client;
	bt_rejects *r = &it->rejects;
	if (r->count == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		bt_skipped *p = realloc(r->pending, cap * sizeof *p);
		if (!p)
			return billtap_ctx_error(sink->ctx, BILLTAP_ENOMEM, NULL);
		r->pending = p;
		r->cap = cap;
	}
	bt_skipped s = { NULL, NULL, NULL, 0 };
	/* The reason is the message recorded for it (scrubbed as every message is). */
	const char *reason = c->err_code == code && c->err_message.len ? bt_buf_cstr(&c->err_message)
	                                                                 : billtap_strerror(code);
	s.reason = strdup(reason);
	s.id = id ? strdup(id) : NULL;
	s.raw = raw_json ? copy(raw_json, raw_len) : NULL;
	s.raw_len = raw_json ? raw_len : 0;
	if (!s.reason || (id && !s.id) || (raw_json && !s.raw)) {
		skipped_free(&s);
		return billtap_ctx_error(sink->ctx, BILLTAP_ENOMEM, NULL);
	}
	r->pending[r->count++] = s;
	/* Skipped, not failed: the call goes on and succeeds, so no error stays behind. */
	bt_error_clear(c);
	return 0;
}
