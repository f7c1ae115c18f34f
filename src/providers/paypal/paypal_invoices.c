/*
 * Invoices (PayPal Invoicing v2): page-numbered lists of whole invoice objects.
 *
 *   no `since`:  GET /v2/invoicing/invoices?page&page_size&total_required=true&fields=all
 *                every invoice of the account, drafts included;
 *   `since`:     POST /v2/invoicing/search-invoices?page&page_size&total_required=true
 *                with {"creation_date_range":{"start":since,"end":now},
 *                "fields":["items","payments","refunds"]}: the invoices created since then
 *                (the search returns the collections only when asked for them).
 *
 * page_size is the setting's (default 500) up to PayPal's limit for invoices. PayPal's
 * limits (openapi/invoicing_v2.json): page_size 1..100, page 1..1000, so one list or
 * search reaches 100,000 invoices (at page_size 100); a longer one ends in BILLTAP_EDATA
 * from the engine's page guard rather than a silent cut. Marks: "i:<page>" when a page
 * arrives; a resumed stream asks for that page again and the engine drops what it
 * already returned.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

#define INVOICES_PAGE_SIZE_MAX 100
#define INVOICES_MAX_PAGE 1000

/* The page_size setting (transaction search's, up to 500), at most PayPal's 100. */
static int64_t page_size(const pp_stream *s)
{
	return s->page_size < INVOICES_PAGE_SIZE_MAX ? s->page_size : INVOICES_PAGE_SIZE_MAX;
}

static int write_range(billtap_json_writer *w, int64_t since, int64_t until)
{
	char start[40], end[40];
	int rc = 0;
	if (billtap_time_format(start, sizeof start, since) < 0 ||
	    billtap_time_format(end, sizeof end, until) < 0)
		return BILLTAP_EINVAL;
	static const char *const fields[] = { "items", "payments", "refunds" };
	(void)((rc = billtap_json_write_object_begin(w)) < 0 ||
	       (rc = billtap_json_write_key(w, "creation_date_range")) < 0 ||
	       (rc = billtap_json_write_object_begin(w)) < 0 ||
	       (rc = billtap_json_write_key(w, "start")) < 0 ||
	       (rc = billtap_json_write_string(w, start, strlen(start))) < 0 ||
	       (rc = billtap_json_write_key(w, "end")) < 0 ||
	       (rc = billtap_json_write_string(w, end, strlen(end))) < 0 ||
	       (rc = billtap_json_write_object_end(w)) < 0 ||
	       (rc = billtap_json_write_key(w, "fields")) < 0 ||
	       (rc = billtap_json_write_array_begin(w)) < 0);
	for (size_t i = 0; rc == 0 && i < sizeof fields / sizeof fields[0]; i++)
		rc = billtap_json_write_string(w, fields[i], strlen(fields[i]));
	(void)(rc < 0 || (rc = billtap_json_write_array_end(w)) < 0 ||
	       (rc = billtap_json_write_object_end(w)) < 0);
	return rc;
}

static int search_body(billtap_request *req, const pp_stream *s)
{
	billtap_json_writer *w;
	int rc = billtap_json_writer_new(&w);
	if (rc < 0)
		return rc;
	const char *text;
	size_t len;
	if ((rc = write_range(w, s->inv_since, s->inv_until)) == 0 &&
	    (rc = billtap_json_writer_text(&text, &len, w)) == 0)
		rc = billtap_request_set_body(req, "application/json", text, len);
	billtap_json_writer_free(w);
	return rc;
}

int pp_invoices_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	char page[24], size[24];
	snprintf(page, sizeof page, "%" PRId64, s->page);
	snprintf(size, sizeof size, "%" PRId64, page_size(s));
	int search = s->inv_since != BILLTAP_TIME_NONE;
	int rc = pp_get(req, s, search ? "/v2/invoicing/search-invoices" : "/v2/invoicing/invoices",
	                TAG_INVOICES);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "page", page)) < 0 ||
	       (rc = billtap_request_add_query(req, "page_size", size)) < 0 ||
	       (rc = billtap_request_add_query(req, "total_required", "true")) < 0);
	if (rc == 0 && !search)
		rc = billtap_request_add_query(req, "fields", "all");
	if (rc == 0 && search && (rc = billtap_request_set_method(req, BILLTAP_HTTP_POST)) == 0)
		rc = search_body(req, s);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the invoices request") : 0;
}

/* The page number the answer states: the page= of its "self" link (PayPal's invoice lists
 * carry no page member), else `asked`. So a stale cache serving page 1 again reads as
 * page 1, which the engine's guard refuses, naming the request. */
static int64_t stated_page(const billtap_json *doc, int64_t asked)
{
	billtap_json_ref links = billtap_json_get(doc, billtap_json_root(doc), "links");
	for (billtap_json_ref l = billtap_json_first(doc, links); l != BILLTAP_JSON_NONE;
	     l = billtap_json_next(doc, l)) {
		char href[512];
		size_t n;
		if (!billtap_json_str_eq(doc, billtap_json_get(doc, l, "rel"), "self") ||
		    billtap_json_str_decode(href, sizeof href, &n, doc, billtap_json_get(doc, l, "href")) < 0)
			continue;
		const char *q = strchr(href, '?');
		for (const char *p = q; p; p = strchr(p + 1, '&')) {
			long long page;
			int used = 0;
			if (sscanf(p + 1, "page=%lld%n", &page, &used) == 1 &&
			    (p[1 + used] == '&' || p[1 + used] == '\0') && page >= 1)
				return page;
		}
		break;
	}
	return asked;
}

/* The page to the engine's guards: total_pages and total_items when PayPal states them
 * (it leaves them out of an empty answer), else more while pages come full. */
static int report(billtap_sink *sink, pp_stream *s, int64_t items, int64_t *pages,
                  const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref n = billtap_json_get(s->doc, root, "total_pages");
	*pages = -1;
	if (billtap_json_typeof(s->doc, n) != BILLTAP_JSON_ABSENT &&
	    (billtap_json_int(pages, s->doc, n) < 0 || *pages < 0))
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "total_pages is not a whole number");
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "invoices";
	page.items = items;
	page.page = stated_page(s->doc, s->page);
	if (billtap_json_int(&page.total_items, s->doc, billtap_json_get(s->doc, root, "total_items")) < 0)
		page.total_items = -1;
	page.total_pages = *pages;
	page.more = *pages >= 0 ? s->page < *pages : items == page_size(s);
	page.max_page = INVOICES_MAX_PAGE;
	return billtap_sink_page(sink, &page);
}

int pp_invoices_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "items");
	billtap_json_type t = billtap_json_typeof(s->doc, list);
	if (t != BILLTAP_JSON_ARRAY && t != BILLTAP_JSON_ABSENT)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "items is not a list");
	int64_t n = (int64_t)billtap_json_count(s->doc, list), pages;
	char mark[40];
	snprintf(mark, sizeof mark, "i:%" PRId64, s->page);
	if ((rc = report(sink, s, n, &pages, req, resp, ctx)) < 0 ||
	    (rc = billtap_sink_mark(sink, mark)) < 0)
		return rc;
	for (billtap_json_ref inv = billtap_json_first(s->doc, list); inv != BILLTAP_JSON_NONE;
	     inv = billtap_json_next(s->doc, inv)) {
		billtap_record *rec;
		rc = pp_map_invoice(&rec, s->doc, inv, ctx);
		if (rc < 0)
			rc = billtap_sink_reject_json(sink, rc, s->doc, inv, "id"); /* 0: skipped */
		else
			rc = billtap_sink_push(sink, rec);
		if (rc < 0)
			return rc;
	}
	if (pages >= 0 ? s->page < pages : n == page_size(s))
		s->page++;
	else
		s->phase = PH_DONE;
	return 0;
}

int pp_invoices_resume(pp_stream *s, const char *token)
{
	long long page;
	int used = 0;
	if (sscanf(token, "i:%lld%n", &page, &used) != 1 || token[used] || page < 1 ||
	    page > INVOICES_MAX_PAGE)
		return -1;
	s->page = page;
	return 0;
}
