/*
 * Loop guards: what keeps a misbehaving service (a stale cache repeating a page, totals
 * that lie, a cursor that goes nowhere) from making an iterator loop forever or end early
 * in silence.
 *
 *  - Pages (billtap_sink_page): a provider reports each list page it read; the pages of one
 *    list are compared with the one before (cursor, page number, totals, empty runs). The
 *    engine keeps the state of the BT_GUARD_LISTS lists used last, so a nested list (an
 *    invoice's lines) may interleave with the list it belongs to. A report counts only once
 *    the stream_response call that made it succeeded: a page read again after a failure
 *    is not a repeat.
 *  - Ids (bt_guard_id_seen): every record returned (or skipped on resume) is remembered,
 *    so one arriving twice in a pass is an error rather than a duplicate the host stores.
 *    Memory stays bounded: two generations of at most ID_GENERATION 64-bit hashes each;
 *    when the current one fills, it becomes the old one and the oldest is forgotten. So
 *    an id is compared with at least the last ID_GENERATION records (20 Stripe pages, 4
 *    PayPal search pages): a repeated page or a cursor that went back is caught, a record
 *    repeated a hundred thousand records later is not (no provider serves that). With
 *    64-bit hashes a false alarm needs a collision among ~8000 ids: about 2^-38.
 *    A checkpoint carries the hashes of the last BT_RECENT_IDS ids returned, which a
 *    resumed pass starts with: a service that serves them again after a resume (a cursor
 *    it ignored) is caught too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define ID_GENERATION 2048
#define ID_SLOTS (2 * ID_GENERATION) /* open addressing, at most half full */

static uint64_t hash_id(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then a final mix */
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1; /* 0 marks an empty slot */
}

static int table_has(const uint64_t *t, uint64_t h)
{
	if (!t)
		return 0;
	for (size_t i = h % ID_SLOTS;; i = (i + 1) % ID_SLOTS) {
		if (t[i] == h)
			return 1;
		if (!t[i])
			return 0;
	}
}

int bt_guard_id_check(bt_guard *g, const char *id, uint64_t *hash)
{
	/* Both tables up front: remembering the id later cannot fail. */
	for (int i = 0; i < 2; i++)
		if (!g->ids[i] && !(g->ids[i] = calloc(ID_SLOTS, sizeof *g->ids[i])))
			return BILLTAP_ENOMEM;
	*hash = hash_id(id);
	return table_has(g->ids[0], *hash) || table_has(g->ids[1], *hash);
}

void bt_guard_id_add(bt_guard *g, uint64_t hash)
{
	if (g->ids_count == ID_GENERATION) {
		/* The current generation is full: it becomes the old one. */
		uint64_t *old = g->ids[1];
		g->ids[1] = g->ids[0];
		g->ids[0] = old;
		memset(old, 0, ID_SLOTS * sizeof *old);
		g->ids_count = 0;
	}
	size_t i = hash % ID_SLOTS;
	while (g->ids[0][i])
		i = (i + 1) % ID_SLOTS;
	g->ids[0][i] = hash;
	g->ids_count++;
	g->recent[g->recent_next] = hash;
	g->recent_next = (g->recent_next + 1) % BT_RECENT_IDS;
	if (g->recent_count < BT_RECENT_IDS)
		g->recent_count++;
}

int bt_guard_id_seed(bt_guard *g, uint64_t hash)
{
	uint64_t known;
	int seen = bt_guard_id_check(g, "", &known); /* makes the tables */
	if (seen < 0)
		return seen;
	if (!hash || table_has(g->ids[0], hash) || table_has(g->ids[1], hash))
		return 0;
	bt_guard_id_add(g, hash);
	return 0;
}

size_t bt_guard_recent(const bt_guard *g, uint64_t out[BT_RECENT_IDS])
{
	size_t first = (g->recent_next + BT_RECENT_IDS - g->recent_count) % BT_RECENT_IDS;
	for (size_t i = 0; i < g->recent_count; i++)
		out[i] = g->recent[(first + i) % BT_RECENT_IDS];
	return g->recent_count;
}

static void list_free(bt_guard_list *l)
{
	free(l->list);
	free(l->next);
	memset(l, 0, sizeof *l);
}

void bt_guard_free(bt_guard *g)
{
	for (size_t i = 0; i < BT_GUARD_LISTS; i++)
		list_free(&g->lists[i]);
	list_free(&g->pending);
	free(g->ids[0]);
	free(g->ids[1]);
	memset(g, 0, sizeof *g);
}

void bt_guard_discard(bt_guard *g)
{
	list_free(&g->pending);
	g->has_pending = 0;
}

void bt_guard_commit(bt_guard *g)
{
	if (!g->has_pending)
		return;
	/* Replace the list's slot, else the least recently used one. */
	size_t slot = 0;
	for (size_t i = 0; i < BT_GUARD_LISTS; i++) {
		if (g->lists[i].list && strcmp(g->lists[i].list, g->pending.list) == 0) {
			slot = i;
			break;
		}
		if (g->lists[i].used < g->lists[slot].used)
			slot = i;
	}
	list_free(&g->lists[slot]);
	g->lists[slot] = g->pending;
	g->lists[slot].used = ++g->clock;
	memset(&g->pending, 0, sizeof g->pending);
	g->has_pending = 0;
}

static const bt_guard_list *find_list(const bt_guard *g, const char *list)
{
	for (size_t i = 0; i < BT_GUARD_LISTS; i++)
		if (g->lists[i].list && strcmp(g->lists[i].list, list) == 0)
			return &g->lists[i];
	return NULL;
}

/* The first rule the page breaks, described into msg; 0 when it breaks none. */
static int broken_rule(char *msg, size_t cap, const bt_guard_list *was, const billtap_page *p,
                       int64_t received, int64_t empty_run, int64_t max_empty)
{
	long long page = (long long)p->page, total = (long long)p->total_items;
	if (p->more && p->next && was->next && strcmp(p->next, was->next) == 0) {
		snprintf(msg, cap,
		         "the list did not advance: this page again leads to cursor %.80s, as the "
		         "page before did (a page served again?)",
		         p->next);
		return 1;
	}
	if (p->page >= 1 && was->page >= 1 && p->page <= was->page) {
		snprintf(msg, cap, "page %lld came after page %lld: the list did not advance", page,
		         (long long)was->page);
		return 1;
	}
	if (p->page >= 1 && p->total_pages >= 0 && p->page > p->total_pages && p->page > 1) {
		snprintf(msg, cap, "page %lld is past the %lld pages the service counts", page,
		         (long long)p->total_pages);
		return 1;
	}
	if (p->page >= 1 && p->max_page >= 1 &&
	    (p->page > p->max_page || (p->more && p->page == p->max_page))) {
		snprintf(msg, cap, "the service claims more pages after page %lld, past page %lld, "
		                   "the last it serves",
		         page, (long long)p->max_page);
		return 1;
	}
	if (p->total_items >= 0 && was->total_items >= 0 && p->total_items < was->total_items) {
		snprintf(msg, cap, "the service's total shrank from %lld to %lld items during the walk",
		         (long long)was->total_items, total);
		return 1;
	}
	if (p->total_items >= 0 && received > p->total_items) {
		snprintf(msg, cap, "%lld items arrived, more than the %lld the service counts",
		         (long long)received, total);
		return 1;
	}
	if (p->more && p->items == 0 && p->total_items >= 0 && was->received >= p->total_items) {
		snprintf(msg, cap,
		         "page %lld is empty and claims more after all %lld items arrived (its page "
		         "count is overstated)",
		         page, total);
		return 1;
	}
	if (empty_run > max_empty) {
		snprintf(msg, cap, "%lld empty pages in a row claim more (setting max_empty_pages is %lld)",
		         (long long)empty_run, (long long)max_empty);
		return 1;
	}
	return 0;
}

static int page_error(billtap_sink *sink, const char *message)
{
	const billtap_provider *p = sink->iter->client->provider;
	const char *rid = p->request_id_header && sink->resp
	                          ? billtap_response_header(sink->resp, p->request_id_header)
	                          : NULL;
	return billtap_ctx_http_error(sink->ctx, BILLTAP_EDATA, sink->req, sink->resp, rid, NULL,
	                              message);
}

BILLTAP_EXTERN(int) billtap_sink_page(billtap_sink *sink, const billtap_page *p)
{
	if (!sink)
		return BILLTAP_EINVAL; /* no client to record it on: the engine names the slot */
	if (!p)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL, "billtap_sink_page: page is NULL");
	if (p->version == 0 || p->version > BILLTAP_PAGE_VERSION)
		return billtap_ctx_error(sink->ctx, BILLTAP_EVERSION,
		                         "billtap_sink_page: billtap_page version unknown");
	if (p->items < 0)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL,
		                         "billtap_sink_page: a negative item count");
	bt_guard *g = &sink->iter->guard;
	if (g->has_pending)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL,
		                         "billtap_sink_page: called twice for one response");
	bt_buf key = BT_BUF_INIT;
	if (p->list ? bt_buf_puts(&key, p->list) < 0
	            : !sink->req || bt_request_describe(sink->req, &key) < 0 || !key.len) {
		bt_buf_free(&key);
		return billtap_ctx_error(sink->ctx, p->list || sink->req ? BILLTAP_ENOMEM : BILLTAP_EINVAL,
		                         "billtap_sink_page: no list named");
	}
	static const bt_guard_list fresh = { NULL, NULL, 0, -1, -1, 0, 0 };
	const bt_guard_list *was = find_list(g, bt_buf_cstr(&key));
	if (!was)
		was = &fresh;
	int64_t received = was->received + p->items;
	int64_t empty_run = p->more && p->items == 0 ? was->empty_run + 1 : 0;
	char msg[300];
	if (broken_rule(msg, sizeof msg, was, p, received, empty_run,
	                sink->iter->settings.max_empty_pages)) {
		bt_buf_free(&key);
		return page_error(sink, msg);
	}
	bt_guard_list *n = &g->pending;
	n->list = bt_buf_detach(&key);
	n->next = p->next ? strdup(p->next) : NULL;
	n->page = p->page >= 1 ? p->page : was->page;
	n->total_items = p->total_items >= 0 ? p->total_items : was->total_items;
	n->received = received;
	n->empty_run = empty_run;
	if (!n->list || (p->next && !n->next)) {
		list_free(n);
		return billtap_ctx_error(sink->ctx, BILLTAP_ENOMEM, NULL);
	}
	g->has_pending = 1;
	return 0;
}
