/*
 * Plans in a pass of changes (docs/providers/paddle.md, "Incremental passes"). A plan is a
 * recurring price with its product's name, and a price event's data is the price without
 * its product (events carry no `include`), while a product's rename changes every plan of
 * the product and emits only product events. So the walk (paddle_feed.c) collects the ids
 * of the prices and products changed, and the plans are then read from the prices list
 * with the full pass's parameters (status=active,archived, recurring=true,
 * include=product): phase 1 by price id (`id=`), phase 2 by product (`product_id=`), 50
 * ids a request, paged with `after`. Phase 2 leaves out the prices phase 1 asked for, so
 * each plan goes out once. A one-off price's events give no plan: recurring=true drops it.
 *
 * Marks: "fp:<C>:<E>:<C'>:<H>:<phase>:<chunk>:<after>" where the read-back starts (after
 * the walk's last page) and after each of its pages. A resumed pass
 * walks the feed again down to E (skipping events newer than H), which rebuilds the same
 * ids in the same order (events do not change), and reads on from that chunk's page.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

#define PD_CHUNK 50

int pd_plans_reserve(pd_feed *f, const size_t more[2])
{
	for (int k = 0; k < 2; k++) {
		size_t cap = f->cap_ids[k] ? f->cap_ids[k] : 16;
		while (cap < f->n_ids[k] + more[k])
			cap *= 2;
		if (cap == f->cap_ids[k])
			continue;
		const char **grown = realloc(f->ids[k], cap * sizeof *grown);
		if (!grown)
			return BILLTAP_ENOMEM;
		f->ids[k] = grown;
		f->cap_ids[k] = cap;
	}
	return 0;
}

void pd_plans_add(pd_feed *f, const char *entity)
{
	int which = strncmp(entity, "pro_", 4) == 0; /* 0 a price, 1 a product */
	f->ids[which][f->n_ids[which]++] = entity;
}

static int chunks(const pd_feed *f, int phase)
{
	return (int)((f->n_ids[phase - 1] + PD_CHUNK - 1) / PD_CHUNK);
}

/* The first chunk at or after (phase, chunk) that exists; 0 when none is left. */
static int settle(pd_feed *f)
{
	while (f->phase <= 2 && f->chunk >= chunks(f, f->phase)) {
		f->phase++;
		f->chunk = 0;
	}
	return f->phase <= 2;
}

int pd_plans_start(pd_feed *f)
{
	if (f->resume_phase) {
		f->phase = f->resume_phase;
		f->chunk = f->resume_chunk;
		if (f->chunk >= chunks(f, f->phase))
			return -1; /* the walk did not rebuild the checkpoint's chunks */
		return 1;
	}
	f->phase = 1;
	f->chunk = 0;
	return settle(f);
}

int pd_plans_request(billtap_request *req, const pd_stream *s)
{
	const pd_feed *f = &s->feed;
	size_t from = (size_t)f->chunk * PD_CHUNK, to = from + PD_CHUNK, len = 1;
	const char **ids = f->ids[f->phase - 1];
	if (to > f->n_ids[f->phase - 1])
		to = f->n_ids[f->phase - 1];
	for (size_t i = from; i < to; i++)
		len += strlen(ids[i]) + 1;
	char *list = malloc(len), per_page[24];
	if (!list)
		return BILLTAP_ENOMEM;
	list[0] = '\0';
	for (size_t i = from, at = 0; i < to; i++) {
		size_t n = strlen(ids[i]);
		if (at)
			list[at++] = ',';
		memcpy(list + at, ids[i], n + 1);
		at += n;
	}
	snprintf(per_page, sizeof per_page, "%d", (int)(s->page_size < 200 ? s->page_size : 200));
	int rc = billtap_request_set_url(req, s->origin, "/prices");
	(void)(rc < 0 || (rc = billtap_request_add_query(req, f->phase == 1 ? "id" : "product_id", list)) < 0 ||
	       (rc = billtap_request_add_query(req, "per_page", per_page)) < 0 ||
	       (rc = billtap_request_add_query(req, "order_by", "id[ASC]")) < 0 ||
	       (rc = pd_add_fixed(req, s->res->lists[0].fixed)) < 0);
	if (rc == 0 && f->phase_after)
		rc = billtap_request_add_query(req, "after", f->phase_after);
	free(list);
	return rc;
}

int pd_plans_mark(const pd_stream *s, int phase, int chunk, const char *after, billtap_sink *sink,
                  billtap_ctx *ctx)
{
	const pd_feed *f = &s->feed;
	size_t n = strlen(f->e) + strlen(f->head) + (after ? strlen(after) : 0) + 96;
	char *mark = malloc(n);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(mark, n, "fp:%" PRId64 ":%s:%" PRId64 ":%s:%d:%d:%s", f->t, f->e, f->clock, f->head, phase, chunk,
	         after ? after : "");
	int rc = billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}

int pd_plans_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_sink *sink, billtap_ctx *ctx)
{
	pd_feed *f = &s->feed;
	billtap_json_ref data;
	int more = 0;
	char *last = NULL;
	int rc = pd_read_page(s, req, resp, &data, &more, &last, ctx);
	if (rc < 0)
		return rc;
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = f->phase == 1 ? "/prices?id" : "/prices?product_id";
	page.next = more ? last : NULL;
	page.more = more;
	page.items = (int64_t)billtap_json_count(s->doc, data);
	if ((rc = billtap_sink_page(sink, &page)) < 0) {
		free(last);
		return rc;
	}
	if (more && !last) {
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "a prices page without prices says more follow");
	}
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE && rc == 0;
	     o = billtap_json_next(s->doc, o)) {
		/* phase 2: a price with events of its own went out in phase 1 */
		billtap_json_ref id = billtap_json_get(s->doc, o, "id");
		int skip = 0;
		if (f->phase == 2) {
			char *text = NULL;
			if (billtap_json_strdup(&text, s->doc, id) == BILLTAP_ENOMEM) {
				free(last);
				return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
			}
			skip = text && pd_feed_seen(f, text);
			free(text);
		}
		if (!skip)
			rc = pd_push_price(s->doc, o, sink, ctx);
	}
	if (rc < 0) {
		free(last);
		return rc;
	}
	/* where the read goes on, marked; kept only once the mark is made */
	char *old_after = f->phase_after;
	int old_phase = f->phase, old_chunk = f->chunk, done = 0;
	f->phase_after = more ? last : NULL;
	if (!more) {
		f->chunk++;
		done = !settle(f);
	}
	rc = done ? pd_feed_mark_final(s, sink, ctx) : pd_plans_mark(s, f->phase, f->chunk, f->phase_after, sink, ctx);
	if (rc < 0) {
		f->phase_after = old_after;
		f->phase = old_phase;
		f->chunk = old_chunk;
		free(last);
		return rc;
	}
	free(old_after);
	if (!more)
		free(last);
	s->done = done;
	return 0;
}
