/*
 * Transaction Search: windows of at most 31 days, oldest first, from the history start to
 * where PayPal's data ends (last_refreshed_datetime of its answers; before the first
 * answer, now minus lag_seconds), each walked page by page. A window PayPal finds too large
 * (RESULTSET_TOO_LARGE, over 10,000 rows) is halved and tried again.
 *
 * Several windows, and the pages of each, are in flight together (docs/providers/paypal.md,
 * "Windows in flight"): once a window's first page has said total_pages, its other pages
 * are asked for at once, and while fewer than win_limit windows are open (max_in_flight,
 * for transactions) the next one opens. Requests go to the oldest window that has one to
 * ask, so with one request in flight the walk is the sequential one, request for request.
 * Only one window opens before the first answer: its last_refreshed_datetime says where
 * the search stops. The engine answers in request order, so a window's pages are read in
 * page order; a window is handed over once it and every window before it are read, so the
 * host gets the windows in time order, exactly as from the sequential walk. Records (or
 * payer notes) held are those of the open windows: at most win_limit windows of at most
 * 10,000 rows each.
 *
 * Rows repeating a transaction id (PayPal lists balance- and non-balance-affecting rows of
 * one transaction) are one transaction: the most settled row wins (S or V, then P, then
 * D; the first of equals). The twins share the transaction's date, so they fall in one
 * window, but may sit on different pages: a window's transactions are kept until its last
 * page and handed over together, in the order their first rows came.
 *
 * Subscriptions gather ids as rows are read, a set whatever the order, and mark after the
 * windows handed over what was found so far (ids of later windows read already included:
 * they are real, and found again if the pass resumes). Customers keep the first name,
 * email and country rows give a payer, so each window holds what its rows say about their
 * payers (pp_payer_note) and the notes are taken when it is handed over, in window order:
 * the payers learn from rows in the sequential walk's order.
 *
 * Marks: "w:<start>:<length>" before a window's transactions. A resumed stream reads that
 * window again and the engine drops what the host already has; windows after it that were
 * in flight are asked for again (nothing of them had left the stream). Subscriptions mark
 * after windows are handed over what discovery found so far (paypal_sync.c); an
 * incremental transactions pass ends with "T1:<stop>" (paypal.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

void pp_search_init(pp_stream *s, int64_t start, int64_t stop, billtap_ctx *ctx)
{
	s->win_start = start;
	s->stop = stop;
	s->win_len = PP_WINDOW_MAX;
	/* The engine keeps at most max_in_flight requests out, so more windows open would
	 * not help. */
	int64_t in_flight = 1;
	s->win_limit = 1;
	if (billtap_ctx_setting_int(&in_flight, ctx, "max_in_flight") == 0 && in_flight > 1)
		s->win_limit = (size_t)in_flight;
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

int64_t pp_searched_until(const pp_stream *s)
{
	return s->has_refreshed && s->refreshed < s->win_start ? s->refreshed : s->win_start;
}

int pp_search_over(const pp_stream *s)
{
	return s->win_count == 0 && s->win_start >= s->stop;
}

/* Forgets a window's transactions and payer notes (those handed over are NULL). */
static void window_clear(pp_window *w)
{
	for (size_t i = 0; i < w->seen.count; i++)
		billtap_record_free(w->records[i]);
	pp_map_clear(&w->seen);
	for (size_t i = 0; i < w->note_count; i++)
		pp_payer_note_free(&w->notes[i]);
	w->note_count = 0;
}

/* Reads the window again from page 1, as a new walk: answers still coming for the old
 * one are dropped, and the engine's loop guard sees a list of its own. */
static void window_restart(pp_stream *s, pp_window *w)
{
	window_clear(w);
	w->serial = ++s->win_serial;
	w->pages = -1;
	w->asked = w->answered = 0;
	w->done = 0;
}

static void window_free(pp_window *w)
{
	window_clear(w);
	pp_map_free(&w->seen);
	free(w->records);
	free(w->ranks);
	free(w->notes);
}

void pp_search_free(pp_stream *s)
{
	for (size_t i = 0; i < s->win_count; i++)
		window_free(&s->windows[i]);
	free(s->windows);
	s->windows = NULL;
	s->win_count = s->win_cap = 0;
}

void pp_search_rewind(pp_stream *s)
{
	for (size_t i = 0; i < s->win_count; i++)
		s->windows[i].asked = s->windows[i].answered;
}

/* Room for one more window. 0 or BILLTAP_ENOMEM (recorded). */
static int window_room(pp_stream *s, billtap_ctx *ctx)
{
	if (s->win_count < s->win_cap)
		return 0;
	size_t cap = s->win_cap ? s->win_cap * 2 : 4;
	pp_window *w = realloc(s->windows, cap * sizeof *w);
	if (!w)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->windows = w;
	s->win_cap = cap;
	return 0;
}

/* Inserts the window [start, end) of nominal length len at index `at` (room made). */
static pp_window *window_insert(pp_stream *s, size_t at, int64_t start, int64_t end,
                                int64_t len)
{
	memmove(s->windows + at + 1, s->windows + at, (s->win_count - at) * sizeof *s->windows);
	s->win_count++;
	pp_window *w = &s->windows[at];
	memset(w, 0, sizeof *w);
	w->start = start;
	w->end = end;
	w->len = len;
	window_restart(s, w);
	return w;
}

/* The next window, where the last open one ends (or at win_start, win_len long). Its end
 * is fixed now: the stop PayPal's answers move does not move it. */
static int open_window(pp_window **out, pp_stream *s, billtap_ctx *ctx)
{
	int rc = window_room(s, ctx);
	if (rc < 0)
		return rc;
	int64_t start = s->win_count ? s->windows[s->win_count - 1].end : s->win_start;
	int64_t len = s->win_count ? PP_WINDOW_MAX : s->win_len;
	int64_t end = start + len < s->stop ? start + len : s->stop;
	*out = window_insert(s, s->win_count, start, end, len);
	return 0;
}

/* The last page PayPal serves: one search returns at most 10,000 rows. */
static int64_t max_page(const pp_stream *s)
{
	return (10000 + s->page_size - 1) / s->page_size;
}

/* The window to ask a page of: the oldest with a page not asked for yet, else a new one
 * while there is room and time left; NULL: wait for an answer. A total_pages past the
 * last page served is believed one page further, which the engine's guard then refuses
 * (as the sequential walk's next page was); so page numbers stay within 16 bits. */
static int next_window(pp_window **out, pp_stream *s, billtap_ctx *ctx)
{
	*out = NULL;
	for (size_t i = 0; i < s->win_count; i++) {
		pp_window *w = &s->windows[i];
		int64_t last = w->pages <= max_page(s) ? w->pages : max_page(s) + 1;
		if (!w->done && (w->asked == 0 || (w->pages >= 0 && w->asked < last))) {
			*out = w;
			return 0;
		}
	}
	int64_t frontier = s->win_count ? s->windows[s->win_count - 1].end : s->win_start;
	if (s->win_count >= s->win_limit || frontier >= s->stop ||
	    (s->win_count && !s->search_answered))
		return 0;
	return open_window(out, s, ctx);
}

int pp_search_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	pp_window *w;
	int rc = next_window(&w, s, ctx);
	if (rc < 0)
		return rc;
	if (!w)
		return BILLTAP_PROVIDER_WAIT;
	int64_t page_no = w->asked + 1;
	char from[40], to[40], page[24], size[24];
	/* Both bounds are inclusive: the window [start, end) asks up to end - 1 s. */
	billtap_time_format(from, sizeof from, w->start);
	billtap_time_format(to, sizeof to, w->end - 1);
	snprintf(page, sizeof page, "%" PRId64, page_no);
	snprintf(size, sizeof size, "%" PRId64, s->page_size);
	rc = pp_get(req, s, "/v1/reporting/transactions", TAG_SEARCH);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "start_date", from)) < 0 ||
	       (rc = billtap_request_add_query(req, "end_date", to)) < 0 ||
	       (rc = billtap_request_add_query(req, "fields", "all")) < 0 ||
	       (rc = billtap_request_add_query(req, "balance_affecting_records_only", "N")) < 0 ||
	       (rc = billtap_request_add_query(req, "page_size", size)) < 0 ||
	       (rc = billtap_request_add_query(req, "page", page)) < 0);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, "cannot build the search request");
	/* One search serves at most 10,000 rows, so a page number fits 16 bits. */
	billtap_request_set_tag(req, TAG_SEARCH | (uint64_t)page_no << 8 | w->serial << 24);
	w->asked = page_no;
	return 0;
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

/* "w:<start>:<length>", and in incremental passes what paypal_recheck.c keeps. The
 * length is the window's own (it may end at the stop): a resumed pass asks for the same. */
static int window_mark(pp_stream *s, const pp_window *w, billtap_sink *sink, billtap_ctx *ctx)
{
	char head[80];
	int n = snprintf(head, sizeof head, "w:%" PRId64 ":%" PRId64, w->start, w->end - w->start);
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
static int push_window(pp_stream *s, pp_window *w, billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = window_mark(s, w, sink, ctx);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < w->seen.count; i++) {
		billtap_record *rec = w->records[i];
		w->records[i] = NULL; /* the sink owns it now, whatever happens */
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

static int keep_transaction(pp_stream *s, pp_window *w, billtap_json_ref row,
                            billtap_json_ref info, const char *id, size_t len,
                            billtap_sink *sink, billtap_ctx *ctx)
{
	unsigned char rank = (unsigned char)pp_settled_rank(s->doc, info);
	size_t at = pp_map_find(&w->seen, id, len);
	if (at != (size_t)-1 && rank <= w->ranks[at])
		return 0; /* a twin no more settled than the row kept */
	billtap_record *rec;
	int rc = pp_map_transaction(&rec, s->doc, row, ctx);
	if (rc < 0) /* 0: skipped under bad_records=skip */
		return billtap_sink_reject_json(sink, rc, s->doc, row, "transaction_info.transaction_id");
	if (at != (size_t)-1) {
		billtap_record_free(w->records[at]);
		w->records[at] = rec;
		w->ranks[at] = rank;
		return 0;
	}
	if (w->seen.count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 512;
		billtap_record **recs = realloc(w->records, cap * sizeof *recs);
		if (recs)
			w->records = recs;
		unsigned char *ranks = recs ? realloc(w->ranks, cap) : NULL;
		if (!ranks) {
			billtap_record_free(rec);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		w->ranks = ranks;
		w->cap = cap;
	}
	int added;
	at = pp_map_add(&w->seen, id, len, &added);
	if (at == (size_t)-1) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	w->records[at] = rec;
	w->ranks[at] = rank;
	return 0;
}

/* Customers: what the row says about its payer, kept with the window. */
static int hold_payer(pp_stream *s, pp_window *w, billtap_json_ref row, billtap_ctx *ctx)
{
	if (w->note_count == w->note_cap) {
		size_t cap = w->note_cap ? w->note_cap * 2 : 256;
		pp_payer_note *notes = realloc(w->notes, cap * sizeof *notes);
		if (!notes)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		w->notes = notes;
		w->note_cap = cap;
	}
	int rc = pp_read_payer_row(&w->notes[w->note_count], s->doc, row, ctx);
	if (rc > 0)
		w->note_count++;
	return rc < 0 ? rc : 0;
}

/* Customers: the payers learn what the window's rows say, in row order. */
static int take_payers(pp_stream *s, pp_window *w, billtap_ctx *ctx)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < w->note_count; i++)
		rc = pp_apply_payer_note(s, &w->notes[i], ctx);
	return rc;
}

/* What a row means for the stream's resource. */
static int take_row(pp_stream *s, pp_window *w, billtap_json_ref row, billtap_sink *sink,
                    billtap_ctx *ctx)
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
			return hold_payer(s, w, row, ctx);
		return 0;
	}
	billtap_json_ref id = billtap_json_get(s->doc, info, "transaction_id");
	if (billtap_json_typeof(s->doc, id) != BILLTAP_JSON_STRING ||
	    !billtap_json_str_is_plain(s->doc, id) || billtap_json_text(&text, &len, s->doc, id) < 0 ||
	    !len)
		return billtap_ctx_error(ctx, BILLTAP_EDATA,
		                         "transaction search row without a transaction_id");
	return keep_transaction(s, w, row, info, text, len, sink, ctx);
}

/* PayPal found the window too large: it is read again from page 1, halved. Nothing of
 * it has left the stream (it is handed over at its end), so even past page 1 (the window
 * grew while we read it) it can start over. The last window open leaves the rest to the
 * next window (31 days from there, as the sequential walk does); one with windows open
 * after it gets the other half as a window of its own. */
static int split_window(pp_stream *s, size_t at, billtap_ctx *ctx)
{
	pp_window *w = &s->windows[at];
	if (w->len / 2 < PP_WINDOW_MIN) {
		char msg[160], when[40];
		billtap_time_format(when, sizeof when, w->start);
		snprintf(msg, sizeof msg,
		         "more than 10,000 transactions within %d seconds from %s: cannot split further",
		         PP_WINDOW_MIN, when);
		return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
	}
	int last = at + 1 == s->win_count;
	int rc = last ? 0 : window_room(s, ctx);
	if (rc < 0)
		return rc;
	w = &s->windows[at];
	int64_t mid = w->start + w->len / 2, end = w->end;
	window_restart(s, w);
	w->len /= 2;
	if (mid < w->end)
		w->end = mid;
	if (!last && mid < end)
		window_insert(s, at + 1, mid, end, end - mid);
	return 0;
}

/* Hands over the windows read, oldest first, up to the first one still being read. When
 * a push fails, the engine drops everything this call pushed: the windows it handed over
 * are read again (the host asks again). */
static int hand_over(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t n = 0;
	int64_t start = s->win_start;
	int rc = 0;
	for (; n < s->win_count && s->windows[n].done; n++) {
		pp_window *w = &s->windows[n];
		if (s->resource == BILLTAP_RESOURCE_TRANSACTIONS)
			rc = push_window(s, w, sink, ctx);
		else if (s->resource == BILLTAP_RESOURCE_CUSTOMERS)
			rc = take_payers(s, w, ctx);
		if (rc < 0) {
			n++; /* partly pushed or taken: read again too (taking a note again changes
			      * nothing more) */
			break;
		}
		s->win_start = w->end;
	}
	if (!n)
		return 0;
	/* Subscriptions: the windows searched and the ids found so far, so that a resumed
	 * pass does not search them again. (Not when resuming a checkpoint of 0.1, "s:<id>":
	 * these marks cannot say which ids the host has.) */
	if (rc == 0 && s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS && !s->resume_after)
		rc = pp_sync_mark_subscriptions(s, 0, sink, ctx);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			window_restart(s, &s->windows[i]);
		s->win_start = start; /* searched again; the ids it adds are there already */
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		window_free(&s->windows[i]);
	memmove(s->windows, s->windows + n, (s->win_count - n) * sizeof *s->windows);
	s->win_count -= n;
	s->win_len = PP_WINDOW_MAX;
	return 0;
}

/* The window a search answer belongs to, or NULL when the stream no longer wants it: the
 * window was split or read to its end (a page past a total_pages that shrank) since. */
static pp_window *answered_window(size_t *at, pp_stream *s, const billtap_request *req)
{
	uint64_t tag = billtap_request_tag(req);
	uint64_t serial = tag >> 24;
	int64_t page = (int64_t)((tag >> 8) & 0xffffu);
	for (size_t i = 0; i < s->win_count; i++) {
		pp_window *w = &s->windows[i];
		if (w->serial == serial) {
			*at = i;
			return !w->done && page == w->answered + 1 ? w : NULL;
		}
	}
	return NULL;
}

int pp_search_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	size_t at = 0;
	pp_window *w = answered_window(&at, s, req);
	if (!w)
		return 0; /* the sequential walk would not have read it either */
	int large = too_large(s, resp);
	if (large < 0)
		return billtap_ctx_error(ctx, large, NULL);
	if (large)
		return split_window(s, at, ctx);
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
	    refreshed >= w->start) {
		s->refreshed = refreshed;
		s->has_refreshed = 1;
		s->row_limit = refreshed;
		/* PayPal's word on where its data ends wins over our clock less lag_seconds:
		 * "It takes a maximum of three hours for executed transactions to appear", and
		 * last_refreshed_datetime says how far they have (the clocks may disagree).
		 * Windows open already keep their ends. */
		s->stop = refreshed + 1;
	}
	int64_t pages = 0;
	if (billtap_json_typeof(s->doc, rows) != BILLTAP_JSON_ARRAY ||
	    billtap_json_int(&pages, s->doc, billtap_json_get(s->doc, root, "total_pages")) < 0 ||
	    pages < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "search response lacks transaction_details or total_pages");
	char list[96];
	snprintf(list, sizeof list, "w:%" PRId64 ":%" PRId64 ":%" PRIu64, w->start, w->len,
	         w->serial);
	rc = pp_report_page(sink, s, list, w->answered + 1, pages,
	                    (int64_t)billtap_json_count(s->doc, rows), max_page(s));
	for (billtap_json_ref row = billtap_json_first(s->doc, rows);
	     rc == 0 && row != BILLTAP_JSON_NONE; row = billtap_json_next(s->doc, row))
		rc = take_row(s, w, row, sink, ctx);
	if (rc < 0) {
		window_restart(s, w); /* the window starts over when the host asks again */
		return rc;
	}
	s->search_answered = 1;
	w->answered++;
	w->pages = pages;
	w->done = w->answered >= pages;
	return w->done ? hand_over(s, sink, ctx) : 0;
}
