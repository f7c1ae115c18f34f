/*
 * The transactions' invoice links read in parallel slices (API versions from
 * 2025-03-31.basil, where charges no longer name their invoice). Stripe's invoice payments
 * list takes no `created` filter before 2025-11-17.clover, so it cannot be cut into
 * windows; the invoices list can, and an invoice's `payments` is includable: the invoices
 * are walked in slices of created time (stripe_slices.c) with `expand[]=data.payments`,
 * each invoice's embedded payments link their PaymentIntents to it, and an invoice whose
 * embedded list goes on (has_more) has the rest read from
 * GET /v1/invoice_payments?invoice=ID&starting_after=LAST (the follow-ups).
 *
 * The charges come only once every slice and every follow-up is done, as after the one
 * walk: a charge never looks its invoice up in a table still being filled. Nothing here
 * marks: the links live in memory, and a resumed pass reads them again.
 *
 * Not a snapshot: a payment made during the walk, on an invoice read before it, is missed
 * while newer ones may be known. So the walk starts by reading the newest invoice payment
 * (the anchor), and the first top-up before the charges (stripe.c) walks the invoice
 * payments newest first down to one created before the anchor, known or not: every older
 * one existed when the walk began, on an invoice that existed then, which the walk read
 * with all its payments. Later top-ups stop at the first known one, as after the one walk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_stream.h"

int stripe_links_sliced(const stripe_stream *s, billtap_ctx *ctx)
{
	if (s->sync)
		return 0; /* incremental passes read their lists in one walk */
	int64_t max = 1;
	int rc = billtap_ctx_setting_int(&max, ctx, "parallel_slices");
	return rc < 0 ? rc : max > 1;
}

static void follow_clear(stripe_follow *f)
{
	free(f->invoice);
	free(f->subscription);
	free(f->cursor);
}

void stripe_links_walk_free(stripe_stream *s)
{
	for (size_t i = 0; i < s->follow_count; i++)
		follow_clear(&s->follow[i]);
	free(s->follow);
	s->follow = NULL;
	s->follow_count = s->follow_cap = 0;
}

int stripe_links_walk_busy(const stripe_stream *s)
{
	return s->follow_count > 0;
}

int stripe_links_walk_request(int *built, billtap_request *req, stripe_stream *s,
                              billtap_ctx *ctx)
{
	*built = 0;
	int rc;
	if (!s->anchored) {
		/* the newest invoice payment: limit=1, nothing else */
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/invoice_payments")) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", "1")) < 0);
		billtap_request_set_tag(req, TAG_ANCHOR);
	} else if (s->follow_count && !s->follow_out) {
		const stripe_follow *f = &s->follow[0];
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/invoice_payments")) < 0 ||
		       (rc = billtap_request_add_query(req, "invoice", f->invoice)) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", "100")) < 0 ||
		       (rc = billtap_request_add_query(req, "starting_after", f->cursor)) < 0);
		billtap_request_set_tag(req, TAG_PAYMENTS);
	} else {
		return 0;
	}
	if (rc == 0)
		rc = stripe_add_headers(req, s);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, "cannot build the request");
	if (!s->anchored)
		s->anchored = -1; /* asked for: no second request until it is answered */
	else
		s->follow_out = 1;
	*built = 1;
	return 0;
}

static int anchor_response(stripe_stream *s, const billtap_request *req,
                           const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	int64_t created = INT64_MIN;
	billtap_json_ref first = billtap_json_first(s->doc, data);
	if (first != BILLTAP_JSON_NONE &&
	    billtap_json_int(&created, s->doc, billtap_json_get(s->doc, first, "created")) < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Request-Id"), NULL,
		                              "invoice payment without an integer created");
	s->anchor_created = created;
	s->anchored = 1;
	return 0;
}

static int payments_response(stripe_stream *s, const billtap_request *req,
                             const billtap_response *resp, billtap_sink *sink,
                             billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	stripe_follow *f = &s->follow[0];
	char *cursor = NULL, list[160];
	snprintf(list, sizeof list, "payments:%s", f->invoice);
	if ((has_more && (rc = stripe_last_id(&cursor, s->doc, data, ctx)) < 0) ||
	    (rc = stripe_report_page(sink, list, cursor, has_more, s, data)) < 0 ||
	    (rc = stripe_links_add_paid(s->links, s->doc, data, f->invoice, f->subscription,
	                                ctx)) < 0) {
		free(cursor);
		return rc; /* the same page is asked for again; the links only overwritten */
	}
	if (cursor) {
		free(f->cursor);
		f->cursor = cursor;
		return 0;
	}
	follow_clear(f);
	memmove(s->follow, s->follow + 1, (s->follow_count - 1) * sizeof *s->follow);
	s->follow_count--;
	return 0;
}

int stripe_links_walk_response(stripe_stream *s, const billtap_request *req,
                               const billtap_response *resp, billtap_sink *sink,
                               billtap_ctx *ctx)
{
	int anchor = billtap_request_tag(req) == TAG_ANCHOR;
	if (anchor)
		s->anchored = 0; /* answered, or to be asked again */
	else
		s->follow_out = 0;
	if (!anchor && !s->follow_count)
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE,
		                         "provider bug: an invoice's payments came after the walk");
	if (billtap_response_status(resp) != 200)
		return stripe_response_error(s, req, resp, ctx);
	return anchor ? anchor_response(s, req, resp, ctx)
	              : payments_response(s, req, resp, sink, ctx);
}

int stripe_links_invoices(stripe_stream *s, billtap_json_ref data, billtap_ctx *ctx)
{
	/* Room for every invoice of the page first: once a follow-up is queued nothing fails,
	 * and a page that failed half way queued none (it is read again). */
	size_t n = billtap_json_count(s->doc, data);
	if (s->follow_count + n > s->follow_cap) {
		size_t cap = s->follow_cap ? s->follow_cap : 16;
		while (cap < s->follow_count + n)
			cap *= 2;
		stripe_follow *v = realloc(s->follow, cap * sizeof *v);
		if (!v)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		s->follow = v;
		s->follow_cap = cap;
	}
	size_t queued = s->follow_count;
	int rc = 0;
	for (billtap_json_ref inv = billtap_json_first(s->doc, data);
	     inv != BILLTAP_JSON_NONE && rc == 0; inv = billtap_json_next(s->doc, inv)) {
		stripe_follow f;
		if ((rc = stripe_links_add_invoice(&f, s->links, s->doc, inv, ctx)) == 0 && f.cursor)
			s->follow[queued++] = f;
	}
	if (rc < 0) {
		for (size_t i = s->follow_count; i < queued; i++)
			follow_clear(&s->follow[i]);
		return rc;
	}
	s->follow_count = queued;
	return 0;
}

int stripe_links_topup_done(const stripe_stream *s, billtap_json_ref obj)
{
	if (!s->anchor_pending)
		return stripe_links_known(s->links, s->doc, obj);
	int64_t created;
	if (s->anchor_created == INT64_MIN ||
	    billtap_json_int(&created, s->doc, billtap_json_get(s->doc, obj, "created")) < 0)
		return 0; /* no anchor: every one is new; no created: not one to stop at */
	return created < s->anchor_created;
}
