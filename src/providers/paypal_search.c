/*
 * Transaction Search: windows of at most 31 days, oldest first, from the history start to
 * now minus the lag, each walked page by page. A window PayPal finds too large
 * (RESULTSET_TOO_LARGE, over 10,000 rows) is halved and tried again. Rows repeating a
 * transaction id within a window are one transaction: the first row wins.
 *
 * Marks: "w:<start>:<length>" when a window's first page arrives. A resumed stream walks
 * that window again from page 1 (rebuilding the seen ids) and the engine drops what the
 * host already has.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/paypal.h"

void pp_search_init(pp_stream *s, int64_t start, int64_t stop)
{
	s->win_start = start;
	s->stop = stop;
	s->win_len = PP_WINDOW_MAX;
	s->search_page = 1;
	s->search_pages = 0;
}

int pp_search_resume(pp_stream *s, const char *token)
{
	int64_t start, len;
	int used = 0;
	if (sscanf(token, "w:%" SCNd64 ":%" SCNd64 "%n", &start, &len, &used) != 2 ||
	    token[used] || len < PP_WINDOW_MIN || len > PP_WINDOW_MAX)
		return -1;
	s->win_start = start;
	s->win_len = len;
	return 0;
}

static int64_t window_end(const pp_stream *s)
{
	int64_t end = s->win_start + s->win_len;
	return end < s->stop ? end : s->stop;
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

static int too_large(pp_stream *s, const billtap_response *resp)
{
	if (billtap_response_status(resp) != 400)
		return 0;
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	return billtap_json_parse(s->doc, body, len) == 0 &&
	       billtap_json_str_eq(s->doc, billtap_json_get(s->doc, billtap_json_root(s->doc), "name"),
	                           "RESULTSET_TOO_LARGE");
}

static void next_window(pp_stream *s)
{
	s->win_start = window_end(s);
	s->win_len = PP_WINDOW_MAX;
	s->search_page = 1;
	s->search_pages = 0;
	pp_map_clear(&s->seen);
}

/* What a row means for the stream's resource. */
static int take_row(pp_stream *s, billtap_json_ref row, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref info = billtap_json_get(s->doc, row, "transaction_info");
	const char *text;
	size_t len;
	int added;
	if (s->resource != BILLTAP_RESOURCE_TRANSACTIONS) {
		/* Subscriptions and customers learn from every row, repeated ids included: a
		 * second row of a transaction may carry what the first lacks. */
		billtap_json_ref ref = billtap_json_get(s->doc, info, "paypal_reference_id");
		if (billtap_json_str_eq(s->doc, billtap_json_get(s->doc, info, "paypal_reference_id_type"),
		                        "SUB") &&
		    billtap_json_str_is_plain(s->doc, ref) &&
		    billtap_json_text(&text, &len, s->doc, ref) == 0 && len &&
		    pp_map_add(&s->subscriptions, text, len, &added) == (size_t)-1)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
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
	if (pp_map_add(&s->seen, text, len, &added) == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (!added)
		return 0; /* the same transaction again (a non-balance-affecting twin) */
	billtap_record *rec;
	int rc = pp_map_transaction(&rec, s->doc, row, ctx);
	return rc < 0 ? rc : billtap_sink_push(sink, rec);
}

int pp_search_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	if (too_large(s, resp)) {
		/* Past page 1 the window grew while we read it: its first pages are out already,
		 * so halving it now would repeat them. The checkpoint restarts the window, and
		 * then page 1 is the one that is too large. */
		if (s->search_page > 1) {
			char msg[200], at[40];
			billtap_time_format(at, sizeof at, s->win_start);
			snprintf(msg, sizeof msg,
			         "the search window from %s grew past 10,000 rows while being read; "
			         "resume from the checkpoint to read it in smaller windows", at);
			return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
		}
		/* Nothing was pushed for this window yet: halve it and ask again. */
		if (s->win_len / 2 < PP_WINDOW_MIN) {
			char msg[160], at[40];
			billtap_time_format(at, sizeof at, s->win_start);
			snprintf(msg, sizeof msg,
			         "more than 10,000 transactions within %d seconds from %s: cannot split further",
			         PP_WINDOW_MIN, at);
			return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
		}
		s->win_len /= 2;
		return 0;
	}
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref rows = billtap_json_get(s->doc, root, "transaction_details");
	int64_t pages = 0;
	if (billtap_json_typeof(s->doc, rows) != BILLTAP_JSON_ARRAY ||
	    billtap_json_int(&pages, s->doc, billtap_json_get(s->doc, root, "total_pages")) < 0 ||
	    pages < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "search response lacks transaction_details or total_pages");
	if (s->search_page == 1 && s->resource == BILLTAP_RESOURCE_TRANSACTIONS) {
		char mark[64];
		snprintf(mark, sizeof mark, "w:%" PRId64 ":%" PRId64, s->win_start, s->win_len);
		if ((rc = billtap_sink_mark(sink, mark)) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
	}
	/* The seen ids of this page join only if the whole page goes through. */
	size_t seen_before = s->seen.count;
	for (billtap_json_ref row = billtap_json_first(s->doc, rows); row != BILLTAP_JSON_NONE;
	     row = billtap_json_next(s->doc, row)) {
		if ((rc = take_row(s, row, sink, ctx)) < 0) {
			pp_map_truncate(&s->seen, seen_before);
			return rc;
		}
	}
	if (s->search_page < pages) {
		s->search_page++;
		s->search_pages = pages;
	} else {
		next_window(s);
	}
	return 0;
}
