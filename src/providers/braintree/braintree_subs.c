/*
 * Subscriptions, in three steps.
 *
 * 1. The link: a subscription's XML names no customer, only the vault token it charges
 *    (payment-method-token). The GraphQL customers search, with each customer's payment
 *    methods (legacyId is the token), is read whole first into a table token -> customer
 *    (braintree_tokens.c), as GoCardless reads its mandates before its subscriptions.
 *    A customer created after the link read past it is not in the table: when a fetched
 *    subscription's token is unknown and the subscription is not older than the newest
 *    customer the link saw, the customers created since then are read again (createdAt
 *    from that newest one on) before the same fetch is made again; a token still unknown
 *    then belongs to no listed customer (a deleted customer's payment methods go with it):
 *    customer_id null.
 *
 * 2. The ids: POST .../subscriptions/advanced_search_ids with a created_at window answers
 *    every matching id, and the page size of step 3. A search answers at most search_cap
 *    ids (Braintree documents 10,000 for every search but transactions'): a window that
 *    answers that many may have lost some, so it is halved and searched again until it
 *    answers fewer. The first window has no bounds; one split from an open end gets
 *    2000-01-01 below and the client's clock plus a day above as its finite ends. Windows
 *    go in time order: after (lo, hi) comes (hi + 1, open). `since` is the first window's
 *    lower end.
 *
 * 3. The records: POST .../subscriptions/advanced_search with at most page-size ids, by
 *    their ids only. The SDKs repeat the first step's criteria here, so a record that
 *    changed in between drops out silently; by ids alone nothing a record does can move it
 *    out, and every id asked for must come back exactly once, created inside the window,
 *    or the answer is an error naming the id (a subscription cannot be deleted, only
 *    canceled, so a missing one is an anomaly to report, not to retry around).
 *
 * Marks: "s:<lo>:<hi>:<id>" after each fetch, lo and hi in Unix seconds or "-" when
 * open, id the last one asked for. A resume reads the link again, searches that window
 * again and goes on after that id; a window that now reaches the cap, or no longer lists
 * the id, is a checkpoint that cannot be resumed (BILLTAP_ECHECKPOINT), never a skip.
 * No incremental passes: the search has no updated_at criterion.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

#define EARLIEST 946684800LL /* 2000-01-01T00:00:00Z: before any Braintree subscription */
#define DAY 86400LL
#define MAX_PAGE_SIZE 1000   /* a page-size beyond this is not an answer the gateway gives */

enum { LINK, IDS, FETCH, REFRESH, DONE };

struct bt_subs {
	int kind; /* BT_KIND_SUBSCRIPTIONS */
	int step;
	bt_gateway_conf conf;
	char *origin, *version;  /* GraphQL, for the link */
	int64_t first, cap, now;
	char *after;             /* the link's (or a refresh's) next cursor */
	bt_tokens *tokens;
	int64_t newest;          /* the newest createdAt of a customer the link read */
	int64_t refresh_from;    /* a refresh's createdAt lower bound */
	int refreshed;           /* the fetch in flight had its refresh */
	int64_t lo, hi;          /* the window */
	char **ids;              /* its ids, as answered */
	size_t n_ids, at;        /* at: the next id to fetch */
	size_t batch;            /* ids per fetch: the answer's page-size */
	size_t asked;            /* how many the fetch in flight asked for */
	char *resume_id;         /* from a checkpoint: go on after this id */
	char *xml;               /* the body of the request in flight */
	billtap_json *doc;
	billtap_json_writer *json;
};

static void drop_ids(bt_subs *s)
{
	for (size_t i = 0; i < s->n_ids; i++)
		free(s->ids[i]);
	free(s->ids);
	s->ids = NULL;
	s->n_ids = s->at = 0;
}

void bt_subs_free(bt_subs *s)
{
	if (!s)
		return;
	drop_ids(s);
	bt_gateway_conf_free(&s->conf);
	free(s->origin);
	free(s->version);
	free(s->after);
	free(s->resume_id);
	free(s->xml);
	bt_tokens_free(s->tokens);
	billtap_json_free(s->doc);
	billtap_json_writer_free(s->json);
	free(s);
}

/* One end of a window in a mark: decimal seconds, or "-" for open. */
static int parse_end(const char *text, size_t len, int64_t open, int64_t *out)
{
	if (len == 1 && text[0] == '-') {
		*out = open;
		return 0;
	}
	char buf[24];
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	char *end;
	long long v = strtoll(buf, &end, 10);
	if (*end || (buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')))
		return -1;
	*out = v;
	return 0;
}

/* "s:<lo>:<hi>:<id>" */
static int resume_at(bt_subs *s, const char *resume, billtap_ctx *ctx)
{
	const char *a = resume + 2, *b, *c;
	if (strncmp(resume, "s:", 2) != 0 || !(b = strchr(a, ':')) || !(c = strchr(b + 1, ':')) ||
	    parse_end(a, (size_t)(b - a), BT_OPEN_LO, &s->lo) < 0 ||
	    parse_end(b + 1, (size_t)(c - b - 1), BT_OPEN_HI, &s->hi) < 0 || s->lo == BT_OPEN_HI || s->hi == BT_OPEN_LO ||
	    (s->lo != BT_OPEN_LO && s->hi != BT_OPEN_HI && s->lo > s->hi))
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a position this stream makes");
	if (c[1] && !(s->resume_id = strdup(c + 1)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	return 0;
}

int bt_subs_new(bt_subs **out, const billtap_stream_params *params, billtap_ctx *ctx)
{
	*out = NULL;
	bt_subs *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0 || billtap_json_writer_new(&s->json) < 0 || bt_tokens_new(&s->tokens) < 0) {
		bt_subs_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->kind = BT_KIND_SUBSCRIPTIONS;
	s->step = LINK;
	s->newest = INT64_MIN;
	s->lo = params->since == BILLTAP_TIME_NONE ? BT_OPEN_LO : params->since; /* created_at min, inclusive */
	s->hi = BT_OPEN_HI;
	s->first = 50;
	s->cap = 10000;
	s->now = billtap_ctx_now(ctx);
	int rc = bt_gateway_settings(&s->conf, ctx);
	(void)(rc < 0 || (rc = billtap_ctx_setting_dup(&s->origin, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->version, ctx, "braintree_version")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->first, ctx, "page_size")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->cap, ctx, "search_cap")) < 0);
	if (rc == BILLTAP_ENOTFOUND)
		rc = 0; /* both have defaults */
	if (rc == 0 && params->resume)
		rc = resume_at(s, params->resume, ctx);
	if (rc < 0) {
		bt_subs_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int bt_subs_request(billtap_request *req, bt_subs *s, billtap_ctx *ctx)
{
	free(s->xml);
	s->xml = NULL;
	int rc;
	switch (s->step) {
	case LINK:
	case REFRESH:
		rc = bt_query_body(s->json, bt_token_search(), s->first, s->step == LINK ? BILLTAP_TIME_NONE : s->refresh_from,
		                   s->after);
		if (rc == 0)
			rc = bt_graphql_request(req, s->origin, s->version, s->conf.public_key, s->conf.private_key, s->json);
		return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
	case IDS:
		rc = bt_search_window_xml(&s->xml, s->lo, s->hi);
		if (rc < 0)
			return billtap_ctx_error(ctx, rc, "cannot write the search's created_at window");
		return bt_gateway_prepare(req, &s->conf, "/subscriptions/advanced_search_ids", s->xml, ctx);
	case FETCH:
		s->asked = s->n_ids - s->at < s->batch ? s->n_ids - s->at : s->batch;
		if ((rc = bt_search_ids_xml(&s->xml, s->ids + s->at, s->asked)) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		return bt_gateway_prepare(req, &s->conf, "/subscriptions/advanced_search", s->xml, ctx);
	default:
		return BILLTAP_ITEROVER;
	}
}

/* One page of the link: customers and their tokens. */
static int link_page(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                     billtap_ctx *ctx)
{
	billtap_json_ref edges;
	char *next = NULL;
	int rc = bt_graphql_page(s->doc, "customers", req, resp, &edges, &next, ctx);
	if (rc < 0)
		return rc;
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "customers (payment methods)";
	page.next = next;
	page.more = next != NULL;
	page.items = (int64_t)billtap_json_count(s->doc, edges);
	rc = billtap_sink_page(sink, &page);
	int64_t newest = s->newest;
	for (billtap_json_ref e = billtap_json_first(s->doc, edges); rc == 0 && e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		billtap_json_ref node = billtap_json_get(s->doc, e, "node");
		int64_t t;
		rc = bt_tokens_add_customer(s->tokens, s->doc, node, ctx);
		if (rc == 0 && billtap_json_time(&t, s->doc, billtap_json_get(s->doc, node, "createdAt")) < 0)
			rc = billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
			                            "a customer's createdAt is not a time");
		if (rc == 0 && t > newest)
			newest = t;
	}
	if (rc == 0 && !next && (rc = bt_tokens_seal(s->tokens, ctx)) == 0) {
		s->step = s->step == LINK ? IDS : FETCH; /* a refresh goes back to its fetch */
		s->refreshed = s->step == FETCH;
	}
	if (rc == 0)
		s->newest = newest;
	if (rc < 0) {
		free(next);
		return rc;
	}
	free(s->after);
	s->after = next;
	return 0;
}

/* A window that answered search_cap ids keeps its first half (see the top). */
static int shrink_window(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	if (s->lo == BT_OPEN_LO) {
		if (s->hi == BT_OPEN_HI || s->hi >= EARLIEST) {
			s->hi = EARLIEST - 1;
			return 0;
		}
		s->lo = 0; /* that many before 2000: bisect from the epoch (none can be older) */
	}
	if (s->hi == BT_OPEN_HI) {
		s->hi = (s->now > s->lo ? s->now : s->lo) + DAY;
		return 0;
	}
	if (s->lo >= s->hi) {
		char at[32], msg[200];
		billtap_time_format(at, sizeof at, s->lo);
		snprintf(msg, sizeof msg, "%" PRId64 " or more subscriptions were created in the second %s: the search "
		         "cannot list them all (setting search_cap)", s->cap, at);
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, msg);
	}
	s->hi = s->lo + (s->hi - s->lo) / 2;
	return 0;
}

/* The ids of the window, or a smaller window to search instead. */
static int ids_answer(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	int rc = bt_gateway_read(s->doc, s->json, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref results = billtap_json_get(s->doc, billtap_json_root(s->doc), "search-results");
	billtap_json_ref ids = billtap_json_get(s->doc, results, "ids");
	int64_t page_size;
	if (billtap_json_typeof(s->doc, ids) != BILLTAP_JSON_ARRAY ||
	    billtap_json_integer(&page_size, s->doc, billtap_json_get(s->doc, results, "page-size"),
	                         BILLTAP_MAP_NUMERIC_STRING) < 0 || page_size < 1 || page_size > MAX_PAGE_SIZE)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not search results: <search-results> with a page-size from 1 to 1000 "
		                              "and <ids type=\"array\"> expected");
	size_t n = billtap_json_count(s->doc, ids);
	if ((int64_t)n >= s->cap) {
		if (s->resume_id)
			return billtap_ctx_http_error(ctx, BILLTAP_ECHECKPOINT, req, resp, NULL, NULL,
			                              "the checkpoint's created_at window now reaches search_cap ids: "
			                              "its position cannot be found again");
		return shrink_window(s, req, resp, ctx);
	}
	drop_ids(s);
	if (n && !(s->ids = calloc(n, sizeof *s->ids)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	for (billtap_json_ref e = billtap_json_first(s->doc, ids); e != BILLTAP_JSON_NONE; e = billtap_json_next(s->doc, e)) {
		rc = billtap_json_strdup(&s->ids[s->n_ids], s->doc, e);
		if (rc == BILLTAP_ENOMEM)
			return billtap_ctx_error(ctx, rc, NULL);
		if (rc < 0 || !*s->ids[s->n_ids]) {
			free(s->ids[s->n_ids]);
			s->ids[s->n_ids] = NULL;
			return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, "an <item> of <ids> is not an id");
		}
		s->n_ids++;
	}
	s->batch = (size_t)page_size;
	if (s->resume_id) {
		size_t k = 0;
		while (k < s->n_ids && strcmp(s->ids[k], s->resume_id) != 0)
			k++;
		if (k == s->n_ids) {
			char msg[200];
			snprintf(msg, sizeof msg, "subscription %.100s of the checkpoint is no longer in its created_at window",
			         s->resume_id);
			return billtap_ctx_http_error(ctx, BILLTAP_ECHECKPOINT, req, resp, NULL, NULL, msg);
		}
		s->at = k + 1;
		free(s->resume_id);
		s->resume_id = NULL;
	}
	s->step = FETCH;
	return 0;
}

/* After the window's last fetch: the next window, or the end. */
static void next_window(bt_subs *s)
{
	drop_ids(s);
	if (s->hi == BT_OPEN_HI) {
		s->step = DONE;
		return;
	}
	s->lo = s->hi + 1;
	s->hi = BT_OPEN_HI;
	s->step = IDS;
}

static int by_string(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every id asked for came back once, and nothing else did. */
static int check_ids(bt_subs *s, billtap_json_ref *nodes, size_t n, const billtap_request *req,
                     const billtap_response *resp, billtap_ctx *ctx)
{
	char **asked = malloc((s->asked + 1) * sizeof *asked), **got = malloc((n + 1) * sizeof *got);
	int rc = 0;
	char msg[240] = "";
	if (!asked || !got) {
		free(asked);
		free(got);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	memcpy(asked, s->ids + s->at, s->asked * sizeof *asked);
	size_t n_got = 0;
	for (size_t i = 0; i < n; i++) {
		rc = billtap_json_strdup(&got[n_got], s->doc, billtap_json_get(s->doc, nodes[i], "id"));
		if (rc == BILLTAP_ENOMEM)
			break;
		if (rc < 0 || !*got[n_got]) {
			free(got[n_got]);
			rc = 0;
			snprintf(msg, sizeof msg, "a <subscription> without an id");
			break;
		}
		n_got++;
	}
	if (rc == 0 && !*msg) {
		qsort(asked, s->asked, sizeof *asked, by_string);
		qsort(got, n_got, sizeof *got, by_string);
		size_t i = 0, k = 0;
		while (!*msg && (i < s->asked || k < n_got)) {
			int d = i == s->asked ? 1 : k == n_got ? -1 : strcmp(asked[i], got[k]);
			if (d < 0)
				snprintf(msg, sizeof msg, "subscription %.100s was listed by advanced_search_ids but not returned "
				         "by advanced_search (asked for by id)", asked[i]);
			else if (d > 0)
				snprintf(msg, sizeof msg, "subscription %.100s was returned by advanced_search %s", got[k],
				         k > 0 && strcmp(got[k - 1], got[k]) == 0 ? "twice" : "without being asked for");
			i += d <= 0;
			k += d >= 0;
		}
	}
	for (size_t i = 0; i < n_got; i++)
		free(got[i]);
	free(got);
	free(asked);
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	return *msg ? billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, msg) : 0;
}

/* A record created outside the window it was listed in means the gateway's range is not
 * the inclusive one billtap assumes: windows could then miss records. */
static int check_window(bt_subs *s, billtap_json_ref node, const billtap_request *req, const billtap_response *resp,
                        billtap_ctx *ctx)
{
	int64_t t;
	if (billtap_json_time(&t, s->doc, billtap_json_get(s->doc, node, "created-at")) < 0)
		return 0; /* the mapper names it */
	if ((s->lo == BT_OPEN_LO || t >= s->lo) && (s->hi == BT_OPEN_HI || t <= s->hi))
		return 0;
	char *id = NULL, msg[360];
	if (billtap_json_strdup(&id, s->doc, billtap_json_get(s->doc, node, "id")) == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(msg, sizeof msg, "subscription %.100s: created-at is outside the created_at window it was searched "
	         "in: the gateway's range criteria are not inclusive as billtap assumes", id ? id : "?");
	free(id);
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, msg);
}

static void end_text(char *out, size_t cap, int64_t v, int64_t open)
{
	if (v == open)
		snprintf(out, cap, "-");
	else
		snprintf(out, cap, "%" PRId64, v);
}

static int mark(bt_subs *s, billtap_sink *sink, billtap_ctx *ctx)
{
	char lo[24], hi[24];
	end_text(lo, sizeof lo, s->lo, BT_OPEN_LO);
	end_text(hi, sizeof hi, s->hi, BT_OPEN_HI);
	const char *last = s->ids[s->at + s->asked - 1];
	size_t n = strlen(last) + 64;
	char *token = malloc(n);
	if (!token)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	snprintf(token, n, "s:%s:%s:%s", lo, hi, last);
	int rc = billtap_sink_mark(sink, token);
	free(token);
	return rc;
}

/* 1 when a node's token is unknown and the node is not older than the newest customer the
 * link read: its customer may have been created after the link passed. */
static int needs_refresh(const bt_subs *s, billtap_json_ref node)
{
	int64_t t;
	char *token = NULL;
	if (s->refreshed || billtap_json_time(&t, s->doc, billtap_json_get(s->doc, node, "created-at")) < 0 || t < s->newest ||
	    billtap_json_strdup(&token, s->doc, billtap_json_get(s->doc, node, "payment-method-token")) < 0)
		return 0;
	int unknown = bt_tokens_find(s->tokens, token) == NULL;
	free(token);
	return unknown;
}

static int fetch_answer(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                        billtap_ctx *ctx)
{
	int rc = bt_gateway_read(s->doc, s->json, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "subscriptions");
	int type = billtap_json_typeof(s->doc, list);
	if (type != BILLTAP_JSON_OBJECT && type != BILLTAP_JSON_STRING)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, "not <subscriptions>");
	/* one <subscription> is an object, several an array (repeated elements), none at all
	 * an empty <subscriptions> (a string) */
	billtap_json_ref one = billtap_json_get(s->doc, list, "subscription");
	size_t n = billtap_json_typeof(s->doc, one) == BILLTAP_JSON_ARRAY ? billtap_json_count(s->doc, one)
	           : billtap_json_typeof(s->doc, one) == BILLTAP_JSON_OBJECT ? 1
	                                                                      : 0;
	billtap_json_ref *nodes = malloc((n + 1) * sizeof *nodes);
	if (!nodes)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	size_t k = 0;
	if (billtap_json_typeof(s->doc, one) == BILLTAP_JSON_OBJECT)
		nodes[k++] = one;
	for (billtap_json_ref e = billtap_json_first(s->doc, one); n > 1 && e != BILLTAP_JSON_NONE; e = billtap_json_next(s->doc, e))
		nodes[k++] = e;
	for (size_t i = 0; i < k; i++)
		if (billtap_json_typeof(s->doc, nodes[i]) != BILLTAP_JSON_OBJECT) {
			free(nodes);
			return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, "a <subscription> is not an element");
		}
	rc = check_ids(s, nodes, k, req, resp, ctx);
	for (size_t i = 0; rc == 0 && i < k; i++) {
		if (needs_refresh(s, nodes[i])) {
			/* nothing of this answer is kept: the same fetch is made after the refresh */
			free(nodes);
			s->step = REFRESH;
			s->refresh_from = s->newest == INT64_MIN ? BILLTAP_TIME_NONE : s->newest;
			free(s->after);
			s->after = NULL;
			return 0;
		}
	}
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "subscriptions";
	page.items = (int64_t)k;
	if (rc == 0)
		rc = billtap_sink_page(sink, &page);
	for (size_t i = 0; rc == 0 && i < k; i++) {
		billtap_record *rec;
		if ((rc = check_window(s, nodes[i], req, resp, ctx)) < 0)
			break;
		if ((rc = bt_map_subscription(&rec, s->doc, nodes[i], s->tokens, ctx)) < 0) {
			rc = billtap_sink_reject_json(sink, rc, s->doc, nodes[i], "id");
			continue;
		}
		rc = billtap_sink_push(sink, rec);
	}
	free(nodes);
	if (rc == 0)
		rc = mark(s, sink, ctx);
	if (rc < 0)
		return rc;
	/* the answer went through: only now move on */
	s->at += s->asked;
	s->refreshed = 0;
	if (s->at == s->n_ids)
		next_window(s);
	return 0;
}

int bt_subs_response(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                     billtap_ctx *ctx)
{
	switch (s->step) {
	case LINK:
	case REFRESH:
		return link_page(s, req, resp, sink, ctx);
	case IDS: {
		int rc = ids_answer(s, req, resp, ctx);
		if (rc == 0 && s->step == FETCH && s->at == s->n_ids)
			next_window(s); /* an empty window, or resumed after its last id */
		return rc;
	}
	default:
		return fetch_answer(s, req, resp, sink, ctx);
	}
}
