/*
 * Plans: first every product page (for product names), then every plan page, and for
 * each plan on a page its details (GET /v1/billing/plans/{id}: the list does not carry
 * billing cycles), several at once. Page numbers, 20 per page, until total_pages; the
 * next page is asked for once the page's details are all in.
 *
 * Marks: "p:<page>" when a plan page arrives; a resumed stream reads the products again,
 * then that plan page, and the engine drops the plans the host already has.
 *
 * Incremental passes list every plan page with Prefer: return=representation (which
 * carries update_time), then read the details of the plans updated since the sync token
 * (all of them in the first pass) in id order, marking after each (paypal_sync.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

/* The highest page numbers PayPal accepts (its parameter ranges, docs/providers/paypal.md). */
#define PRODUCTS_MAX_PAGE 100000
#define PLANS_MAX_PAGE 10000000

#define CATALOG_PAGE_SIZE "20" /* PayPal's maximum for catalog and plan lists */

static int list_request(billtap_request *req, pp_stream *s, const char *path, enum pp_tag tag,
                        billtap_ctx *ctx)
{
	char page[24];
	snprintf(page, sizeof page, "%" PRId64, s->page);
	int rc = pp_get(req, s, path, tag);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "page_size", CATALOG_PAGE_SIZE)) < 0 ||
	       (rc = billtap_request_add_query(req, "page", page)) < 0 ||
	       (rc = billtap_request_add_query(req, "total_required", "true")) < 0);
	/* The full representation has update_time (the default, minimal one has not). */
	if (rc == 0 && tag == TAG_PLAN_LIST && s->incremental)
		rc = billtap_request_add_header(req, "Prefer", "return=representation");
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

int pp_catalog_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	if (s->phase == PH_PRODUCTS)
		return list_request(req, s, "/v1/catalogs/products", TAG_PRODUCTS, ctx);
	if (s->plan_asked < s->plan_count) {
		/* Plan ids are PayPal's P-… codes; encode anyway, they go into a path. */
		const char *id = s->plan_queue[s->plan_asked];
		char path[300], enc[200];
		if (billtap_url_encode(enc, sizeof enc, id, strlen(id)) < 0)
			return billtap_ctx_error(ctx, BILLTAP_EDATA, "plan id too long");
		snprintf(path, sizeof path, "/v1/billing/plans/%s", enc);
		int rc = pp_get(req, s, path, TAG_PLAN_DETAIL);
		if (rc < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		s->plan_asked++;
		return 0;
	}
	return list_request(req, s, "/v1/billing/plans", TAG_PLAN_LIST, ctx);
}

/* total_pages of a list answer (0 for an empty list). */
static int total_pages(int64_t *out, pp_stream *s, const billtap_request *req,
                       const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref n = billtap_json_get(s->doc, billtap_json_root(s->doc), "total_pages");
	if (billtap_json_typeof(s->doc, n) == BILLTAP_JSON_ABSENT) {
		*out = 0; /* PayPal leaves totals out of an empty list */
		return 0;
	}
	if (billtap_json_int(out, s->doc, n) < 0 || *out < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "total_pages is not a whole number");
	return 0;
}

static int products_page(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_sink *sink, billtap_ctx *ctx)
{
	int64_t pages;
	int rc = total_pages(&pages, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "products");
	rc = pp_report_page(sink, s, "products", s->page, pages,
	                    (int64_t)billtap_json_count(s->doc, list), PRODUCTS_MAX_PAGE);
	if (rc < 0)
		return rc;
	for (billtap_json_ref p = billtap_json_first(s->doc, list); p != BILLTAP_JSON_NONE;
	     p = billtap_json_next(s->doc, p)) {
		billtap_json_ref id = billtap_json_get(s->doc, p, "id");
		const char *text;
		size_t len;
		int added;
		if (!billtap_json_str_is_plain(s->doc, id) || billtap_json_text(&text, &len, s->doc, id) < 0)
			return billtap_ctx_error(ctx, BILLTAP_EDATA, "catalog product without an id");
		if (pp_map_find(&s->products, text, len) != (size_t)-1)
			continue;
		/* The name first, then room for it, then the map entry: the map never names a
		 * slot that does not exist, even out of memory. */
		int err = 0;
		char *name = pp_text(s->doc, billtap_json_get(s->doc, p, "name"), &err);
		if (err == BILLTAP_EDATA) {
			char msg[160];
			snprintf(msg, sizeof msg,
			         "catalog product %.*s: name is not text (not a string, or it holds "
			         "\\u0000, a NUL character)",
			         (int)(len > 64 ? 64 : len), text);
			return billtap_ctx_error(ctx, err, msg);
		}
		char **names = err ? NULL
		                   : realloc(s->product_names, (s->products.count + 1) * sizeof *names);
		if (!names) {
			free(name);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		s->product_names = names;
		size_t at = pp_map_add(&s->products, text, len, &added);
		if (at == (size_t)-1) {
			free(name);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		names[at] = name;
	}
	if (s->page < pages) {
		s->page++;
	} else {
		s->phase = PH_PLANS;
		s->page = s->plans_first_page;
	}
	return 0;
}

static void queue_clear(pp_stream *s)
{
	for (size_t i = 0; i < s->plan_count; i++)
		free(s->plan_queue[i]);
	free(s->plan_queue);
	s->plan_queue = NULL;
	s->plan_head = s->plan_asked = s->plan_count = 0;
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Incremental passes: keep the ids of the page's plans updated since the filter (after
 * plans_after, on a resume); after the last page, read them in id order. */
static int gather_changed(pp_stream *s, billtap_json_ref list, int64_t pages, billtap_ctx *ctx)
{
	size_t kept = s->sync_plan_count;
	for (billtap_json_ref p = billtap_json_first(s->doc, list); p != BILLTAP_JSON_NONE;
	     p = billtap_json_next(s->doc, p)) {
		int oom = 0;
		char *id = pp_strdup(s->doc, billtap_json_get(s->doc, p, "id"), &oom);
		if (!id)
			goto fail;
		if (!pp_sync_changed(s, s->doc, billtap_json_get(s->doc, p, "update_time")) ||
		    (s->plans_after && strcmp(id, s->plans_after) <= 0)) {
			free(id);
			continue;
		}
		if (s->sync_plan_count == s->sync_plan_cap) {
			size_t cap = s->sync_plan_cap ? 2 * s->sync_plan_cap : 32;
			char **ids = realloc(s->sync_plans, cap * sizeof *ids);
			if (!ids) {
				free(id);
				oom = 1;
				goto fail;
			}
			s->sync_plans = ids;
			s->sync_plan_cap = cap;
		}
		s->sync_plans[s->sync_plan_count++] = id;
		continue;
	fail:
		/* The page is read again: forget what it added. */
		while (s->sync_plan_count > kept)
			free(s->sync_plans[--s->sync_plan_count]);
		return billtap_ctx_error(ctx, oom ? BILLTAP_ENOMEM : BILLTAP_EDATA,
		                         oom ? NULL : "billing plan without an id");
	}
	if (s->page < pages) {
		s->page++;
		return 0;
	}
	qsort(s->sync_plans, s->sync_plan_count, sizeof *s->sync_plans, by_bytes);
	s->plan_queue = s->sync_plans; /* the queue owns them now */
	s->plan_count = s->sync_plan_count;
	s->sync_plans = NULL;
	s->sync_plan_count = s->sync_plan_cap = 0;
	s->plans_listed = 1;
	s->total_pages = pages;
	if (s->plan_count == 0)
		s->phase = PH_DONE;
	return 0;
}

static int plans_page(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_sink *sink, billtap_ctx *ctx)
{
	int64_t pages;
	int rc = total_pages(&pages, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "plans");
	size_t n = billtap_json_count(s->doc, list);
	if ((rc = pp_report_page(sink, s, "plans", s->page, pages, (int64_t)n, PLANS_MAX_PAGE)) < 0)
		return rc;
	if (s->incremental)
		return gather_changed(s, list, pages, ctx);
	char **queue = calloc(n ? n : 1, sizeof *queue);
	if (!queue)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	size_t count = 0;
	for (billtap_json_ref p = billtap_json_first(s->doc, list); p != BILLTAP_JSON_NONE;
	     p = billtap_json_next(s->doc, p)) {
		int oom = 0;
		char *id = pp_strdup(s->doc, billtap_json_get(s->doc, p, "id"), &oom);
		if (!id) {
			for (size_t i = 0; i < count; i++)
				free(queue[i]);
			free(queue);
			return billtap_ctx_error(ctx, oom ? BILLTAP_ENOMEM : BILLTAP_EDATA,
			                         oom ? NULL : "billing plan without an id");
		}
		queue[count++] = id;
	}
	char mark[40];
	snprintf(mark, sizeof mark, "p:%" PRId64, s->page);
	if ((rc = billtap_sink_mark(sink, mark)) < 0) { /* recorded by the sink */
		for (size_t i = 0; i < count; i++)
			free(queue[i]);
		free(queue);
		return rc;
	}
	queue_clear(s);
	s->plan_queue = queue;
	s->plan_count = count;
	s->total_pages = pages;
	if (count == 0 && s->page >= pages)
		s->phase = PH_DONE;
	else if (count == 0)
		s->page++;
	return 0;
}

static int plan_detail(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref plan = billtap_json_root(s->doc);
	billtap_json_ref product = billtap_json_get(s->doc, plan, "product_id");
	const char *text, *name = NULL;
	size_t len;
	if (billtap_json_str_is_plain(s->doc, product) &&
	    billtap_json_text(&text, &len, s->doc, product) == 0) {
		size_t at = pp_map_find(&s->products, text, len);
		if (at != (size_t)-1)
			name = s->product_names[at];
	}
	billtap_record *rec;
	int rc = pp_map_plan(&rec, name, s->doc, plan, ctx);
	if (rc < 0)
		rc = billtap_sink_reject_json(sink, rc, s->doc, plan, "id"); /* 0: skipped */
	else
		rc = billtap_sink_push(sink, rec);
	/* Incremental passes mark after each plan: which plans a resumed pass delivers
	 * depends on update_time, so it must not have to skip any. */
	if (rc == 0 && s->incremental)
		rc = pp_sync_mark_plans(s, s->plan_queue[s->plan_head], 0, sink, ctx);
	if (rc < 0)
		return rc;
	if (s->plans_listed && ++s->plan_head == s->plan_count) {
		queue_clear(s);
		s->phase = PH_DONE;
		return 0;
	}
	if (!s->plans_listed && ++s->plan_head == s->plan_count) {
		queue_clear(s);
		if (s->page >= s->total_pages)
			s->phase = PH_DONE;
		else
			s->page++;
	}
	return 0;
}

int pp_catalog_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                        billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	switch (billtap_request_tag(req)) {
	case TAG_PRODUCTS: return products_page(s, req, resp, sink, ctx);
	case TAG_PLAN_LIST: return plans_page(s, req, resp, sink, ctx);
	default: return plan_detail(s, sink, ctx);
	}
}
