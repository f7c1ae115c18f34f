/* Invoices: a page of /invoices is mapped whole and held; its invoices are handed over in
 * order, each once its line items are in. An invoice that embeds them all (the usual case)
 * goes at once; one with `has_more_line_items` waits while
 * GET /invoices/{id}/line_items?limit=&order=asc&sort=created_at is read to its end (those
 * pages replace the embedded ones), and the invoices behind it wait with it.
 *
 * A record pushed belongs to the engine, which drops what a failed call pushed: so the
 * held records are pushed as copies and let go only once every push of the call went
 * through, and the lines of a page join the held ones only when the call succeeds. After a
 * failure, the same request is asked again and the same records pushed once. The page's
 * resume mark follows its last invoice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly_stream.h"

void recurly_held_clear(recurly_stream *s)
{
	for (size_t i = s->head; i < s->n_held; i++) {
		billtap_record_free(s->held[i].rec);
		free(s->held[i].lines_of);
	}
	free(s->held);
	s->held = NULL;
	s->n_held = s->head = 0;
	free(s->page_next);
	s->page_next = NULL;
	s->page_more = 0;
	free(s->lines_path);
	s->lines_path = NULL;
	billtap_record_free(s->lines);
	s->lines = NULL;
}

int recurly_lines_pending(const recurly_stream *s)
{
	return s->head < s->n_held && s->held[s->head].lines_of != NULL;
}

/* Pushes `first` (the completed held[head], or NULL) and every held invoice after it that
 * needs nothing more; marks the page's `next` after its last one. Only when everything
 * went through does the stream let them go (and, after the last, move to the next page). */
static int hand_over(recurly_stream *s, billtap_record *first, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t i = s->head;
	int rc = 0;
	if (first) {
		rc = billtap_sink_push(sink, first); /* ownership passes in every case */
		i++;
	}
	for (; rc == 0 && i < s->n_held && !s->held[i].lines_of; i++) {
		billtap_record *copy;
		rc = billtap_record_dup(&copy, s->held[i].rec);
		rc = rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : billtap_sink_push(sink, copy);
	}
	if (rc == 0 && i == s->n_held)
		rc = recurly_page_mark(s, s->page_more ? s->page_next : NULL, sink, ctx);
	if (rc < 0)
		return rc;
	for (size_t k = s->head; k < i; k++) {
		billtap_record_free(s->held[k].rec);
		free(s->held[k].lines_of);
		s->held[k].rec = NULL;
		s->held[k].lines_of = NULL;
	}
	s->head = i;
	if (first) {
		free(s->lines_path);
		s->lines_path = NULL;
		billtap_record_free(s->lines);
		s->lines = NULL;
	}
	if (s->head == s->n_held) {
		free(s->next);
		s->next = s->page_next;
		s->page_next = NULL;
		s->done = !s->page_more;
		recurly_held_clear(s);
	}
	return 0;
}

int recurly_invoices_page(recurly_stream *s, billtap_json_ref data, char *next, int more,
                          billtap_sink *sink, billtap_ctx *ctx)
{
	size_t n = billtap_json_count(s->doc, data);
	recurly_held_clear(s);
	s->page_next = next;
	s->page_more = more;
	if (!(s->held = calloc(n ? n : 1, sizeof *s->held))) {
		recurly_held_clear(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	int rc = 0;
	for (billtap_json_ref o = billtap_json_first(s->doc, data); rc == 0 && o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o)) {
		int more_lines = recurly_invoice_has_more_lines(s->doc, o);
		billtap_record *rec = NULL;
		char *id = NULL;
		rc = recurly_map_invoice(&rec, s->doc, o, !more_lines, ctx);
		if (rc < 0) {
			rc = billtap_sink_reject_json(sink, rc, s->doc, o, "id"); /* 0: skipped */
			continue;
		}
		if (recurly_before_since(s, rec)) {
			billtap_record_free(rec);
			continue;
		}
		if (more_lines && billtap_json_strdup(&id, s->doc, billtap_json_get(s->doc, o, "id")) < 0) {
			billtap_record_free(rec);
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
			continue;
		}
		s->held[s->n_held++] = (recurly_held){ rec, id };
	}
	if (rc == 0)
		rc = hand_over(s, NULL, sink, ctx);
	if (rc < 0)
		recurly_held_clear(s); /* the page is asked again */
	return rc;
}

int recurly_lines_request(billtap_request *req, recurly_stream *s, billtap_ctx *ctx)
{
	int rc;
	if (s->lines_path) {
		rc = recurly_follow(req, s, s->lines_path);
		if (rc == BILLTAP_EDATA)
			return billtap_ctx_error(ctx, rc, "the next page of line items is not on base_url's origin");
	} else {
		char limit[24];
		snprintf(limit, sizeof limit, "%lld", (long long)s->page_size);
		rc = billtap_request_set_url(req, s->base_url, "/invoices");
		(void)(rc < 0 || (rc = billtap_request_add_path(req, s->held[s->head].lines_of)) < 0 ||
		       (rc = billtap_request_add_path(req, "line_items")) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", limit)) < 0 ||
		       (rc = billtap_request_add_query(req, "order", "asc")) < 0 ||
		       (rc = billtap_request_add_query(req, "sort", "created_at")) < 0);
	}
	billtap_request_set_tag(req, RECURLY_TAG_LINES);
	if (rc == 0)
		rc = recurly_auth(req, s);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* The held invoice with every line read: a copy of it with the lines of the earlier pages
 * and of `batch` (consumed). */
static int complete(billtap_record **out, recurly_stream *s, billtap_record *batch, billtap_ctx *ctx)
{
	billtap_record *full = NULL, *earlier = NULL;
	int rc = billtap_record_dup(&full, s->held[s->head].rec);
	if (rc == 0 && s->lines && (rc = billtap_record_dup(&earlier, s->lines)) == 0)
		rc = billtap_record_move_items(full, earlier);
	if (rc == 0)
		rc = billtap_record_move_items(full, batch);
	if (rc == 0)
		rc = recurly_invoice_periods(full);
	billtap_record_free(earlier);
	billtap_record_free(batch);
	if (rc < 0) {
		billtap_record_free(full);
		return billtap_ctx_error(ctx, rc, NULL);
	}
	*out = full;
	return 0;
}

int recurly_lines_response(recurly_stream *s, const billtap_request *req,
                           const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	if (billtap_response_status(resp) != 200)
		return recurly_error(req, resp, s, ctx);
	const char *id = s->held[s->head].lines_of;
	char list[200];
	snprintf(list, sizeof list, "lines:%.180s", id);
	billtap_json_ref data;
	int more;
	char *next;
	int rc = recurly_read_page(&data, &more, &next, s, list, req, resp, sink, ctx);
	if (rc < 0)
		return rc;
	/* This page's lines, in a scratch invoice until the call succeeds. */
	billtap_record *batch = NULL;
	if ((rc = billtap_record_new(&batch, BILLTAP_RECORD_INVOICE)) < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	for (billtap_json_ref l = billtap_json_first(s->doc, data); rc == 0 && l != BILLTAP_JSON_NONE;
	     l = billtap_json_next(s->doc, l))
		rc = recurly_map_line(batch, s->doc, l, ctx);
	if (rc < 0) {
		billtap_record_free(batch);
		free(next);
		return rc;
	}
	if (more) {
		/* more pages of lines: keep these and read on (nothing is pushed yet) */
		if (!s->lines) {
			s->lines = batch;
		} else {
			rc = billtap_record_move_items(s->lines, batch);
			billtap_record_free(batch);
			if (rc < 0) {
				free(next);
				return billtap_ctx_error(ctx, rc, NULL);
			}
		}
		free(s->lines_path);
		s->lines_path = next;
		return 0;
	}
	billtap_record *full = NULL;
	if ((rc = complete(&full, s, batch, ctx)) < 0)
		return rc;
	return hand_over(s, full, sink, ctx);
}
