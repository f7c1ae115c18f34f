/*
 * Incremental passes (docs/incremental.md, "Recurly"): every list is read again by
 * updated_at, ascending, from the time the previous pass began.
 *
 * A pass first asks for the list's newest change, `sort=updated_at&order=desc&limit=1`
 * (the head): its updated_at, H, is on Recurly's clock, which the client's may not match.
 * A full pass then reads the list as usual; a pass of changes from a token T reads
 * `sort=updated_at&order=asc&begin_time=T&end_time=H`. Both bounds are inclusive, and the
 * pass's final mark is "u:H": whatever changes from H on is in the next pass (a record
 * changed at H itself comes in both: at least once). end_time keeps a record changed
 * during the walk out of it (its new updated_at is after H), so that it comes once, in the
 * next pass, instead of twice in this one (an ascending walk would meet it again).
 *
 * Marks: "n:<next>" in a pass without the flag; "i:<f|c>:<H>:<next>" inside an
 * incremental pass (full or changes, and the final mark to end it with); "u:<H>" at its
 * end. H is Unix seconds, or "-" when the list was empty (the next pass reads it all).
 * Recurly deletes nothing it lists (closed accounts and plans are `inactive`), so there are
 * no tombstones, and its records do not expire: a token never does either.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly_stream.h"

/* "<H>" or "-" into out; returns where the text after it starts, or NULL. */
static const char *read_time(const char *p, int *has, int64_t *t)
{
	if (*p == '-') {
		*has = 0;
		return p + 1;
	}
	char *end;
	long long v = strtoll(p, &end, 10);
	if (end == p || v < 0)
		return NULL;
	*has = 1;
	*t = v;
	return end;
}

int recurly_sync_resume(recurly_stream *s, const char *token, billtap_ctx *ctx)
{
	const char *p = NULL;
	if (!token) {
		s->head_pending = 1; /* a full pass, after the head */
		return 0;
	}
	if (!strncmp(token, "u:", 2)) {
		p = read_time(token + 2, &s->has_from, &s->from);
		if (p && !*p) {
			s->changes = 1;
			s->head_pending = 1;
			return 0;
		}
	} else if (!strncmp(token, "i:", 2) && (token[2] == 'f' || token[2] == 'c') && token[3] == ':') {
		s->changes = token[2] == 'c';
		p = read_time(token + 4, &s->has_to, &s->to);
		if (p && *p == ':' && p[1]) {
			if (!(s->next = strdup(p + 1)))
				return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
			return 0;
		}
	}
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                         "checkpoint position is not one this incremental stream makes");
}

int recurly_head_request(billtap_request *req, recurly_stream *s, billtap_ctx *ctx)
{
	int rc = billtap_request_set_url(req, s->base_url, s->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "limit", "1")) < 0 ||
	       (rc = billtap_request_add_query(req, "sort", "updated_at")) < 0 ||
	       (rc = billtap_request_add_query(req, "order", "desc")) < 0 ||
	       (rc = recurly_auth(req, s)) < 0);
	billtap_request_set_tag(req, RECURLY_TAG_HEAD);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

int recurly_head_response(recurly_stream *s, const billtap_request *req,
                          const billtap_response *resp, billtap_ctx *ctx)
{
	if (billtap_response_status(resp) != 200)
		return recurly_error(req, resp, s, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref data = billtap_json_get(s->doc, billtap_json_root(s->doc), "data");
	billtap_json_ref first = billtap_json_first(s->doc, data);
	int64_t t = 0;
	if (billtap_json_typeof(s->doc, data) != BILLTAP_JSON_ARRAY ||
	    (first != BILLTAP_JSON_NONE &&
	     billtap_json_time(&t, s->doc, billtap_json_get(s->doc, first, "updated_at")) < 0))
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "X-Request-Id"), NULL,
		                              "the newest change: a data array whose record has an updated_at expected");
	s->has_to = first != BILLTAP_JSON_NONE;
	s->to = t;
	s->head_pending = 0;
	/* Nothing existed when the pass began: keep the token's time. */
	if (s->changes && !s->has_to) {
		s->has_to = s->has_from;
		s->to = s->from;
	}
	return 0;
}

int recurly_changes_request(billtap_request *req, recurly_stream *s)
{
	char limit[24], t[32];
	snprintf(limit, sizeof limit, "%lld", (long long)s->page_size);
	int rc = billtap_request_set_url(req, s->base_url, s->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "limit", limit)) < 0 ||
	       (rc = billtap_request_add_query(req, "sort", "updated_at")) < 0 ||
	       (rc = billtap_request_add_query(req, "order", "asc")) < 0);
	if (rc == 0 && s->has_from && (rc = billtap_time_format(t, sizeof t, s->from)) >= 0)
		rc = billtap_request_add_query(req, "begin_time", t);
	if (rc >= 0 && s->has_to && (rc = billtap_time_format(t, sizeof t, s->to)) >= 0)
		rc = billtap_request_add_query(req, "end_time", t);
	return rc < 0 ? rc : 0;
}

int recurly_page_mark(recurly_stream *s, const char *next, billtap_sink *sink, billtap_ctx *ctx)
{
	if (!s->incremental && !next)
		return 0;
	char h[24] = "-";
	if (s->has_to)
		snprintf(h, sizeof h, "%lld", (long long)s->to);
	size_t cap = (next ? strlen(next) : 0) + 40;
	char *mark = malloc(cap);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (!s->incremental)
		snprintf(mark, cap, "n:%s", next);
	else if (next)
		snprintf(mark, cap, "i:%c:%s:%s", s->changes ? 'c' : 'f', h, next);
	else
		snprintf(mark, cap, "u:%s", h);
	int rc = billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}

int recurly_before_since(const recurly_stream *s, const billtap_record *rec)
{
	int64_t t;
	if (!s->changes || s->since == BILLTAP_TIME_NONE)
		return 0;
	billtap_field f = s->resource == BILLTAP_RESOURCE_TRANSACTIONS ? BILLTAP_FIELD_OCCURRED_AT
	                                                                : BILLTAP_FIELD_CREATED_AT;
	return billtap_record_get_int(&t, rec, f) == 0 && t < s->since;
}
