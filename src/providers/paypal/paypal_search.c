/*
 * Transaction Search: windows of at most 31 days, oldest first, from the history start to
 * where PayPal's data ends (last_refreshed_datetime of its answers; before the first
 * answer, now minus lag_seconds), each walked page by page. A window PayPal finds too large
 * (RESULTSET_TOO_LARGE, over 10,000 rows) is halved and tried again.
 *
 * Rows repeating a transaction id (PayPal lists balance- and non-balance-affecting rows of
 * one transaction) are one transaction: the most settled row wins (S or V, then P, then
 * D; the first of equals). The twins share the transaction's date, so they fall in one
 * window, but may sit on different pages: a window's transactions are kept until its last
 * page and handed over together, in the order their first rows came.
 *
 * Marks: "w:<start>:<length>" before a window's transactions. A resumed stream reads that
 * window again and the engine drops what the host already has. Subscriptions mark after
 * each window what discovery found so far (paypal_sync.c); an incremental transactions
 * pass ends with "T1:<stop>" (paypal.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

void pp_search_init(pp_stream *s, int64_t start, int64_t stop)
{
	s->win_start = start;
	s->stop = stop;
	s->win_len = PP_WINDOW_MAX;
	s->search_page = 1;
}

int pp_search_resume(pp_stream *s, const char *token, billtap_ctx *ctx)
{
	int64_t start, len;
	int used = 0;
	if (sscanf(token, "w:%" SCNd64 ":%" SCNd64 "%n", &start, &len, &used) != 2 || len < 1 ||
	    len > PP_WINDOW_MAX)
		return BILLTAP_ECHECKPOINT;
	const char *p = token + used;
	if (*p && s->incremental) {
		/* ":<c>:<rechecks>:<watch>" (paypal_recheck.c) */
		if ((p[1] != '0' && p[1] != '1') || p[0] != ':' || p[2] != ':')
			return BILLTAP_ECHECKPOINT;
		s->continuing = p[1] == '1';
		const char *colon = strchr(p + 3, ':');
		char *rechecks = colon ? strndup(p + 3, (size_t)(colon - (p + 3))) : NULL;
		if (colon && !rechecks)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		int rc = !colon ? BILLTAP_ECHECKPOINT : pp_recheck_take(s, rechecks, PP_LIST_RECHECKS, ctx);
		free(rechecks);
		if (rc == 0)
			rc = pp_recheck_take(s, colon + 1, PP_LIST_WATCH, ctx);
		if (rc < 0)
			return rc;
	} else if (*p) {
		return BILLTAP_ECHECKPOINT;
	}
	s->win_start = start;
	s->win_len = len;
	if (s->stop < start + len)
		s->stop = start + len; /* the same window again, whatever our clock says now */
	return 0;
}

static int64_t window_end(const pp_stream *s)
{
	int64_t end = s->win_start + s->win_len;
	return end < s->stop ? end : s->stop;
}

int64_t pp_searched_until(const pp_stream *s)
{
	return s->has_refreshed && s->refreshed < s->win_start ? s->refreshed : s->win_start;
}

int pp_search_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	char from[40], to[40], page[24], size[24];
	/* Both bounds are inclusive: the window [start, end) asks up to end - 1 s. */
	billtap_time_format(from, sizeof from, s->win_start);
	billtap_time_format(to, sizeof to, window_end(s) - 1);
	snprintf(page, sizeof page, "%" PRId64, s->search_page);
	snprintf(size, sizeof size, "%" PRId64, s->page_size);
	int rc = pp_get(req, s, "/v1/reporting/transactions", TAG_SEARCH);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "start_date", from)) < 0 ||
	       (rc = billtap_request_add_query(req, "end_date", to)) < 0 ||
	       (rc = billtap_request_add_query(req, "fields", "all")) < 0 ||
	       (rc = billtap_request_add_query(req, "balance_affecting_records_only", "N")) < 0 ||
	       (rc = billtap_request_add_query(req, "page_size", size)) < 0 ||
	       (rc = billtap_request_add_query(req, "page", page)) < 0);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the search request") : 0;
}

/* 1 when the answer is PayPal's RESULTSET_TOO_LARGE, 0 when not, BILLTAP_ENOMEM when its
 * body could not be read for want of memory (taken for "not" it would fail the pass with
 * the 400 instead of splitting the window). */
static int too_large(pp_stream *s, const billtap_response *resp)
{
	if (billtap_response_status(resp) != 400)
		return 0;
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	int rc = billtap_json_parse(s->doc, body, len);
	if (rc == BILLTAP_ENOMEM)
		return rc;
	return rc == 0 &&
	       billtap_json_str_eq(s->doc, billtap_json_get(s->doc, billtap_json_root(s->doc), "name"),
	                           "RESULTSET_TOO_LARGE");
}

/* Forgets the window's transactions (a failed page restarts the window: nothing of it
 * has left the stream yet). */
static void drop_window(pp_stream *s)
{
	for (size_t i = 0; i < s->seen.count; i++)
		billtap_record_free(s->window_records[i]);
	pp_map_clear(&s->seen);
	s->search_page = 1;
	s->window_walks++;
}

void pp_search_free(pp_stream *s)
{
	drop_window(s);
	pp_map_free(&s->seen);
	free(s->window_records);
	free(s->window_ranks);
}

static void next_window(pp_stream *s)
{
	drop_window(s);
	s->win_start = window_end(s);
	s->win_len = PP_WINDOW_MAX;
	/* PayPal's word on where its data ends wins over our clock less lag_seconds: "It
	 * takes a maximum of three hours for executed transactions to appear", and
	 * last_refreshed_datetime says how far they have (the clocks may disagree). */
	if (s->has_refreshed)
		s->stop = s->refreshed + 1;
}

/* "w:<start>:<length>", and in incremental passes what paypal_recheck.c keeps. The
 * length is the window's own (it may end at the stop): a resumed pass asks for the same. */
static int window_mark(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	char head[80];
	int n = snprintf(head, sizeof head, "w:%" PRId64 ":%" PRId64, s->win_start,
	                 window_end(s) - s->win_start);
	if (s->incremental)
		n += snprintf(head + n, sizeof head - (size_t)n, ":%d:", s->continuing);
	size_t len = (size_t)n;
	int oom = 0;
	char *mark = strdup(head);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (s->incremental) {
		pp_recheck_put(&mark, &len, &oom, s, 1);
		char *m = oom ? NULL : realloc(mark, len + 2);
		if (m) {
			mark = m;
			memcpy(mark + len++, ":", 2);
		}
		oom = oom || !m;
		pp_recheck_put(&mark, &len, &oom, s, 0);
	}
	int rc = oom ? BILLTAP_ENOMEM : billtap_sink_mark(sink, mark);
	free(mark);
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}

/* Hands the finished window's transactions to the engine, behind its mark. */
static int push_window(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = window_mark(s, sink, ctx);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < s->seen.count; i++) {
		billtap_record *rec = s->window_records[i];
		s->window_records[i] = NULL; /* the sink owns it now, whatever happens */
		if ((rc = pp_recheck_note(s, rec, ctx)) < 0) {
			billtap_record_free(rec);
			return rc;
		}
		if ((rc = billtap_sink_push(sink, rec)) < 0)
			return rc;
	}
	return 0;
}

/* How settled a row is: the best row of a transaction id is the one returned. */
int pp_settled_rank(const billtap_json *doc, billtap_json_ref info)
{
	billtap_json_ref status = billtap_json_get(doc, info, "transaction_status");
	if (billtap_json_str_eq(doc, status, "S") || billtap_json_str_eq(doc, status, "V"))
		return 3;
	if (billtap_json_str_eq(doc, status, "P"))
		return 2;
	if (billtap_json_str_eq(doc, status, "D"))
		return 1;
	return 0;
}

static int keep_transaction(pp_stream *s, billtap_json_ref row, billtap_json_ref info,
                            const char *id, size_t len, billtap_sink *sink, billtap_ctx *ctx)
{
	unsigned char rank = (unsigned char)pp_settled_rank(s->doc, info);
	size_t at = pp_map_find(&s->seen, id, len);
	if (at != (size_t)-1 && rank <= s->window_ranks[at])
		return 0; /* a twin no more settled than the row kept */
	billtap_record *rec;
	int rc = pp_map_transaction(&rec, s->doc, row, ctx);
	if (rc < 0) /* 0: skipped under bad_records=skip */
		return billtap_sink_reject_json(sink, rc, s->doc, row, "transaction_info.transaction_id");
	if (at != (size_t)-1) {
		billtap_record_free(s->window_records[at]);
		s->window_records[at] = rec;
		s->window_ranks[at] = rank;
		return 0;
	}
	if (s->seen.count == s->window_cap) {
		size_t cap = s->window_cap ? s->window_cap * 2 : 512;
		billtap_record **recs = realloc(s->window_records, cap * sizeof *recs);
		if (recs)
			s->window_records = recs;
		unsigned char *ranks = recs ? realloc(s->window_ranks, cap) : NULL;
		if (!ranks) {
			billtap_record_free(rec);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		s->window_ranks = ranks;
		s->window_cap = cap;
	}
	int added;
	at = pp_map_add(&s->seen, id, len, &added);
	if (at == (size_t)-1) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->window_records[at] = rec;
	s->window_ranks[at] = rank;
	return 0;
}

/* What a row means for the stream's resource. */
static int take_row(pp_stream *s, billtap_json_ref row, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref info = billtap_json_get(s->doc, row, "transaction_info");
	const char *text;
	size_t len;
	int64_t at;
	/* A row after last_refreshed_datetime (our clock may be ahead of PayPal's): the next
	 * pass reads it, from there on, with whatever PayPal has added beside it by then. */
	if (s->row_limit != INT64_MAX &&
	    billtap_json_time(&at, s->doc, billtap_json_get(s->doc, info, "transaction_initiation_date")) == 0 &&
	    at > s->row_limit)
		return 0;
	if (s->resource != BILLTAP_RESOURCE_TRANSACTIONS) {
		/* Subscriptions and customers learn from every row, repeated ids included: a
		 * second row of a transaction may carry what the first lacks. */
		billtap_json_ref ref = billtap_json_get(s->doc, info, "paypal_reference_id");
		int rc;
		if (billtap_json_str_eq(s->doc, billtap_json_get(s->doc, info, "paypal_reference_id_type"),
		                        "SUB") &&
		    billtap_json_str_is_plain(s->doc, ref) &&
		    billtap_json_text(&text, &len, s->doc, ref) == 0 && len &&
		    (rc = pp_sub_add(s, text, len, 0, ctx)) < 0)
			return rc;
		if (s->resource == BILLTAP_RESOURCE_CUSTOMERS)
			return pp_note_payer_row(s, s->doc, row, ctx);
		return 0;
	}
	billtap_json_ref id = billtap_json_get(s->doc, info, "transaction_id");
	if (billtap_json_typeof(s->doc, id) != BILLTAP_JSON_STRING ||
	    !billtap_json_str_is_plain(s->doc, id) || billtap_json_text(&text, &len, s->doc, id) < 0 ||
	    !len)
		return billtap_ctx_error(ctx, BILLTAP_EDATA,
		                         "transaction search row without a transaction_id");
	return keep_transaction(s, row, info, text, len, sink, ctx);
}

int pp_search_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	int large = too_large(s, resp);
	if (large < 0)
		return billtap_ctx_error(ctx, large, NULL);
	if (large) {
		/* Nothing of this window has left the stream (it is handed over at its end), so
		 * even past page 1 (the window grew while we read it) it can start over, halved. */
		if (s->win_len / 2 < PP_WINDOW_MIN) {
			char msg[160], at[40];
			billtap_time_format(at, sizeof at, s->win_start);
			snprintf(msg, sizeof msg,
			         "more than 10,000 transactions within %d seconds from %s: cannot split further",
			         PP_WINDOW_MIN, at);
			return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
		}
		drop_window(s);
		s->win_len /= 2;
		return 0;
	}
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref rows = billtap_json_get(s->doc, root, "transaction_details");
	/* Believed only when it is not before this window's start, which PayPal refuses to
	 * search ("Data for the given start date is not available"). */
	int64_t refreshed;
	s->row_limit = INT64_MAX;
	if (billtap_json_time(&refreshed, s->doc,
	                      billtap_json_get(s->doc, root, "last_refreshed_datetime")) == 0 &&
	    refreshed >= s->win_start) {
		s->refreshed = refreshed;
		s->has_refreshed = 1;
		s->row_limit = refreshed;
	}
	int64_t pages = 0;
	if (billtap_json_typeof(s->doc, rows) != BILLTAP_JSON_ARRAY ||
	    billtap_json_int(&pages, s->doc, billtap_json_get(s->doc, root, "total_pages")) < 0 ||
	    pages < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "search response lacks transaction_details or total_pages");
	/* One search returns at most 10,000 rows: no page lies past them. */
	char list[96];
	snprintf(list, sizeof list, "w:%" PRId64 ":%" PRId64 ":%" PRIu64, s->win_start, s->win_len,
	         s->window_walks);
	rc = pp_report_page(sink, s, list, s->search_page, pages,
	                    (int64_t)billtap_json_count(s->doc, rows),
	                    (10000 + s->page_size - 1) / s->page_size);
	if (rc < 0) {
		drop_window(s);
		return rc;
	}
	for (billtap_json_ref row = billtap_json_first(s->doc, rows); row != BILLTAP_JSON_NONE;
	     row = billtap_json_next(s->doc, row)) {
		if ((rc = take_row(s, row, sink, ctx)) < 0) {
			drop_window(s); /* the window starts over when the host asks again */
			return rc;
		}
	}
	if (s->search_page < pages) {
		s->search_page++;
		return 0;
	}
	if (s->resource == BILLTAP_RESOURCE_TRANSACTIONS && (rc = push_window(s, sink, ctx)) < 0) {
		/* What was pushed is dropped by the engine; read the window again. */
		drop_window(s);
		return rc;
	}
	int64_t start = s->win_start, length = s->win_len;
	next_window(s);
	/* Subscriptions: the windows searched and the ids found so far, so that a resumed
	 * pass does not search them again. (Not when resuming a checkpoint of 0.1, "s:<id>":
	 * these marks cannot say which ids the host has.) */
	if (s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS && !s->resume_after &&
	    (rc = pp_sync_mark_subscriptions(s, 0, sink, ctx)) < 0) {
		s->win_start = start; /* searched again; the ids it adds are there already */
		s->win_len = length;
		return rc;
	}
	return 0;
}
