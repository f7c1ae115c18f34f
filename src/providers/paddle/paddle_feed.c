/*
 * Incremental passes of customers, plans and subscriptions from Paddle's event stream,
 * GET /events (docs/providers/paddle.md, "Incremental passes"). Paddle keeps events 90
 * days; each event carries the entity it created or changed, whole, in `data`; event ids
 * grow with time (Paddle's ids are time-first), so order_by=id[DESC] lists the newest first.
 *
 * A full pass with the flag first reads the head of the resource's feed
 * (event_type=<its types>, order_by=id[DESC], per_page=1): its id E, none for an empty
 * feed. It then lists as a full pass does and ends with the sync token "fs:<C>:<E>", C the
 * client's clock when it began.
 *
 * A pass of changes from "fs:<C>:<E>" is refused before any request when C is more than 89
 * days old by the client's clock (Paddle keeps 90). It walks the feed newest first from
 * its head down to E, and pushes each customer or subscription once, at its newest event,
 * from that event's data: the entity as that change left it, and no later change of it
 * exists, since every change emits an event and the walk began at the head. Plans are
 * read back after the walk (paddle_feed_plans.c). The head becomes the next token's E, the
 * clock at the walk's start its C. A walk that ends without meeting E (no longer listed:
 * older than Paddle keeps) fails with BILLTAP_ECHECKPOINT: changes after E may be gone.
 *
 * Marks inside a pass: "ff:<C>:<E>:<after>" in the full pass (the list's page after the id
 * <after>, empty for the first page); "fc:<C>:<E>:<C'>:<H>:<cursor>" in a pass of changes
 * (H, C' the next token's; <cursor> the last event read, empty before the first record).
 * A resumed pass of changes walks from the feed's head again: events newer than H are not
 * this pass's, those from H down to the cursor only rebuild the set of entities already
 * out, and the walk goes on below the cursor as before. A page changes the stream's state
 * only once it went through (its mark made), so a page the engine answers again after a
 * failure is read as the first time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

/* Paddle keeps events 90 days; a day's margin for a long walk and a boundary not stated
 * to the second. */
#define PD_FEED_KEEP_DAYS 89
#define PD_ID_MAX 64

static const char customer_types[] = "customer.created,customer.imported,customer.updated";
static const char plan_types[] = "price.created,price.imported,price.updated,product.created,"
                                 "product.imported,product.updated";
static const char subscription_types[] =
	"subscription.activated,subscription.canceled,subscription.created,subscription.imported,"
	"subscription.past_due,subscription.paused,subscription.resumed,subscription.trialing,"
	"subscription.updated";

const char *pd_feed_types(billtap_resource resource)
{
	switch (resource) {
	case BILLTAP_RESOURCE_CUSTOMERS: return customer_types;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS: return subscription_types;
	case BILLTAP_RESOURCE_PLANS: return plan_types;
	default: return NULL;
	}
}

/* A Paddle id as tokens carry it: [a-z0-9_], 1 to PD_ID_MAX characters. */
static int is_id(const char *p, size_t n)
{
	if (n == 0 || n > PD_ID_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '_'))
			return 0;
	return 1;
}

/* One ':'-ended field of a token: a time (digits) or an id (may be empty when `empty`). */
static int read_field(char **out, const char *p, const char **next, int empty, int last)
{
	size_t n = last ? strlen(p) : strcspn(p, ":");
	if ((!last && p[n] != ':') || (n == 0 && !empty) || (n && !is_id(p, n)))
		return -1;
	if (!(*out = malloc(n + 1)))
		return BILLTAP_ENOMEM;
	memcpy(*out, p, n);
	(*out)[n] = '\0';
	*next = p + n + (last ? 0 : 1);
	return 0;
}

static int read_time(int64_t *out, const char *p, const char **next)
{
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 12 || p[n] != ':')
		return -1;
	*out = strtoll(p, NULL, 10);
	*next = p + n + 1;
	return 0;
}

int pd_feed_resume(pd_stream *s, const char *resume, billtap_ctx *ctx)
{
	pd_feed *f = &s->feed;
	const char *p = resume + 3;
	int rc = -1;
	if (strncmp(resume, "fs:", 3) == 0) {
		if (read_time(&f->t, p, &p) == 0)
			rc = read_field(&f->e, p, &p, 1, 1);
		f->walking = 1;
		f->clock = billtap_ctx_now(ctx);
	} else if (strncmp(resume, "ff:", 3) == 0) {
		char *after = NULL;
		if (read_time(&f->t, p, &p) == 0 && (rc = read_field(&f->e, p, &p, 1, 0)) == 0 &&
		    (rc = read_field(&after, p, &p, 1, 1)) == 0) {
			if (*after)
				s->after = after;
			else
				free(after);
		}
	} else if (strncmp(resume, "fc:", 3) == 0) {
		if (read_time(&f->t, p, &p) == 0 && (rc = read_field(&f->e, p, &p, 1, 0)) == 0 &&
		    (rc = read_time(&f->clock, p, &p)) == 0 && (rc = read_field(&f->head, p, &p, 0, 0)) == 0)
			rc = read_field(&f->replay_to, p, &p, 1, 1);
		if (rc == 0 && !*f->replay_to) { /* marked before the pass's first record */
			free(f->replay_to);
			f->replay_to = NULL;
		}
		f->walking = 1;
	} else if (strncmp(resume, "fp:", 3) == 0 && s->res->resource == BILLTAP_RESOURCE_PLANS) {
		long long phase = 0, chunk = -1;
		if (read_time(&f->t, p, &p) == 0 && (rc = read_field(&f->e, p, &p, 1, 0)) == 0 &&
		    (rc = read_time(&f->clock, p, &p)) == 0 && (rc = read_field(&f->head, p, &p, 0, 0)) == 0 &&
		    sscanf(p, "%1lld:%4lld:", &phase, &chunk) == 2 && phase >= 1 && phase <= 2 && chunk >= 0) {
			p = strchr(strchr(p, ':') + 1, ':') + 1;
			rc = read_field(&f->phase_after, p, &p, 1, 1);
			if (rc == 0 && !*f->phase_after) {
				free(f->phase_after);
				f->phase_after = NULL;
			}
			f->resume_phase = (int)phase;
			f->resume_chunk = (int)chunk;
		} else if (rc == 0) {
			rc = -1;
		}
		f->walking = 1;
	}
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc < 0)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "checkpoint position is not one this stream makes");
	if (f->walking && billtap_ctx_now(ctx) - f->t > (int64_t)PD_FEED_KEEP_DAYS * 86400) {
		char msg[200];
		snprintf(msg, sizeof msg,
		         "the sync token is from %" PRId64 " (Unix time), more than %d days ago: Paddle keeps events "
		         "90 days, so changes since may be gone; a full pass is needed",
		         f->t, PD_FEED_KEEP_DAYS);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
	}
	return 0;
}

void pd_feed_free(pd_feed *f)
{
	free(f->e);
	free(f->head);
	free(f->replay_to);
	free(f->cursor);
	free(f->phase_after);
	free(f->ids[0]);
	free(f->ids[1]);
	for (size_t i = 0; i < f->n_pending; i++)
		free(f->pending[i]);
	free(f->pending);
	for (size_t i = 0; i < f->seen_cap; i++)
		free(f->seen[i]);
	free(f->seen);
	memset(f, 0, sizeof *f);
}

/* ---- the set of entity ids out in this pass (open addressing, FNV-1a) ---- */

static size_t hash_id(const char *id)
{
	uint64_t h = 1469598103934665603u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 1099511628211u;
	return (size_t)h;
}

static char **slot(const pd_feed *f, const char *id)
{
	size_t mask = f->seen_cap - 1, i = hash_id(id) & mask;
	while (f->seen[i] && strcmp(f->seen[i], id) != 0)
		i = (i + 1) & mask;
	return &f->seen[i];
}

int pd_feed_seen(const pd_feed *f, const char *id)
{
	return f->seen_cap && *slot(f, id) != NULL;
}

/* Room for `extra` more ids without allocating (the table at most half full). */
static int seen_reserve(pd_feed *f, size_t extra)
{
	size_t cap = f->seen_cap ? f->seen_cap : 64;
	while ((f->seen_count + extra + 1) * 2 > cap)
		cap *= 2;
	if (cap == f->seen_cap)
		return 0;
	pd_feed grown = *f;
	if (!(grown.seen = calloc(cap, sizeof *grown.seen)))
		return BILLTAP_ENOMEM;
	grown.seen_cap = cap;
	for (size_t i = 0; i < f->seen_cap; i++)
		if (f->seen[i])
			*slot(&grown, f->seen[i]) = f->seen[i];
	free(f->seen);
	f->seen = grown.seen;
	f->seen_cap = cap;
	return 0;
}

/* An entity met in this pass: on a page before, or on the page being read. */
static int met_before(const pd_feed *f, const char *id)
{
	if (pd_feed_seen(f, id))
		return 1;
	for (size_t i = 0; i < f->n_pending; i++)
		if (strcmp(f->pending[i], id) == 0)
			return 1;
	return 0;
}

/* Keeps id (taken on success) as met on the page being read. */
static int pend(pd_feed *f, char *id)
{
	if (f->n_pending == f->cap_pending) {
		size_t cap = f->cap_pending ? f->cap_pending * 2 : 32;
		char **grown = realloc(f->pending, cap * sizeof *grown);
		if (!grown)
			return BILLTAP_ENOMEM;
		f->pending = grown;
		f->cap_pending = cap;
	}
	f->pending[f->n_pending++] = id;
	return 0;
}

/* The page went through: its entities join the pass's (room reserved: nothing fails). */
static void commit(pd_feed *f, int plans)
{
	for (size_t i = 0; i < f->n_pending; i++) {
		*slot(f, f->pending[i]) = f->pending[i];
		f->seen_count++;
		if (plans)
			pd_plans_add(f, f->pending[i]);
	}
	f->n_pending = 0;
}

/* The page failed: the stream is as before it, for the engine to answer it again. */
static void rollback(pd_feed *f, int had_head)
{
	for (size_t i = 0; i < f->n_pending; i++)
		free(f->pending[i]);
	f->n_pending = 0;
	if (!had_head) {
		free(f->head);
		f->head = NULL;
	}
}

/* ---- requests ---- */

int pd_feed_request(billtap_request *req, const pd_stream *s)
{
	if (s->feed.phase)
		return pd_plans_request(req, s);
	char per_page[24];
	snprintf(per_page, sizeof per_page, "%d", s->feed.walking ? (int)(s->page_size < 200 ? s->page_size : 200) : 1);
	int rc = billtap_request_set_url(req, s->origin, "/events");
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "event_type", pd_feed_types(s->res->resource))) < 0 ||
	       (rc = billtap_request_add_query(req, "order_by", "id[DESC]")) < 0 ||
	       (rc = billtap_request_add_query(req, "per_page", per_page)) < 0);
	if (rc == 0 && s->feed.walking && s->feed.cursor)
		rc = billtap_request_add_query(req, "after", s->feed.cursor);
	return rc;
}

/* ---- responses ---- */

/* An event of the page: its id (checked), occurred_at and data (an object with an id). */
typedef struct feed_event {
	char *id, *entity;
	int64_t at;
	billtap_json_ref data;
} feed_event;

static int read_event(feed_event *ev, const pd_stream *s, billtap_json_ref o, const char **problem)
{
	const billtap_json *doc = s->doc;
	memset(ev, 0, sizeof *ev);
	ev->data = billtap_json_get(doc, o, "data");
	int rc = billtap_json_strdup(&ev->id, doc, billtap_json_get(doc, o, "event_id"));
	if (rc == 0)
		rc = billtap_json_strdup(&ev->entity, doc, billtap_json_get(doc, ev->data, "id"));
	if (rc == BILLTAP_ENOMEM)
		return rc;
	*problem = "an event without a Paddle event_id, or whose data has no string id";
	if (rc < 0 || !is_id(ev->id, strlen(ev->id)) || !*ev->entity)
		return -1;
	*problem = "an event without an RFC 3339 occurred_at";
	if (billtap_json_time(&ev->at, doc, billtap_json_get(doc, o, "occurred_at")) < 0)
		return -1;
	/* the list was asked for these types only: another is not the feed billtap reads */
	char type[64];
	const char *types = pd_feed_types(s->res->resource);
	billtap_json_ref t = billtap_json_get(doc, o, "event_type");
	*problem = "an event of a type that was not asked for (event_type)";
	if (billtap_json_typeof(doc, t) != BILLTAP_JSON_STRING)
		return -1;
	for (const char *p = types; *p;) {
		size_t n = strcspn(p, ",");
		if (n < sizeof type) {
			memcpy(type, p, n);
			type[n] = '\0';
			if (billtap_json_str_eq(doc, t, type) == 1)
				return 0;
		}
		p += n + (p[n] == ',');
	}
	return -1;
}

static void event_free(feed_event *ev)
{
	free(ev->id);
	free(ev->entity);
}

/* The head of the feed, for a full pass with the flag. */
static int head_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_json_ref data, billtap_ctx *ctx)
{
	pd_feed *f = &s->feed;
	billtap_json_ref first = billtap_json_first(s->doc, data);
	f->t = billtap_ctx_now(ctx);
	if (first == BILLTAP_JSON_NONE) {
		s->probing_feed = 0;
		return (f->e = strdup("")) ? 0 : billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	feed_event ev;
	const char *problem = NULL;
	int rc = read_event(&ev, s, first, &problem);
	if (rc == 0) {
		f->e = ev.id;
		ev.id = NULL;
	}
	event_free(&ev);
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, problem);
	s->probing_feed = 0;
	return 0;
}

static int mark_walk(const pd_stream *s, billtap_sink *sink, billtap_ctx *ctx, int final, const char *cursor)
{
	const pd_feed *f = &s->feed;
	size_t n = strlen(f->e) + strlen(f->head) + (cursor ? strlen(cursor) : 0) + 80;
	char *mark = malloc(n);
	if (!mark)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (final)
		snprintf(mark, n, "fs:%" PRId64 ":%s", f->clock, f->head);
	else
		snprintf(mark, n, "fc:%" PRId64 ":%s:%" PRId64 ":%s:%s", f->t, f->e, f->clock, f->head,
		         cursor ? cursor : "");
	int rc = billtap_sink_mark(sink, mark);
	free(mark);
	return rc;
}

static int plans(const pd_stream *s)
{
	return s->res->resource == BILLTAP_RESOURCE_PLANS;
}

int pd_feed_mark_final(const pd_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	return mark_walk(s, sink, ctx, 1, NULL);
}

/* One event of the walk: the pass's head, the end (E met), or an entity to push once. */
static int walk_event(pd_stream *s, feed_event *ev, billtap_sink *sink, billtap_ctx *ctx, int *met)
{
	pd_feed *f = &s->feed;
	int rc;
	if (*f->e && strcmp(ev->id, f->e) <= 0) {
		*met = 1;
		return 0;
	}
	if (f->head && strcmp(ev->id, f->head) > 0)
		return 0; /* newer than this (resumed) pass's head: the next pass's */
	if (!f->head) {
		/* the pass's head, marked before its first record: a checkpoint taken before the
		 * first page's end resumes from this head, not from a head that moved on */
		if (!(f->head = strdup(ev->id)))
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		if (!plans(s) && (rc = mark_walk(s, sink, ctx, 0, NULL)) < 0)
			return rc;
	}
	if (met_before(f, ev->entity))
		return 0; /* out already, at a newer event */
	if ((rc = pend(f, ev->entity)) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	ev->entity = NULL; /* the page's now */
	if (plans(s) || (f->replay_to && strcmp(ev->id, f->replay_to) >= 0))
		return 0; /* plans are read after the walk; a resumed walk's host has these */
	return s->res->lists[0].push(s->doc, ev->data, sink, ctx);
}

/* After the page's events: where the walk goes on (or ends), marked, then kept. */
static int walk_end(pd_stream *s, const billtap_request *req, const billtap_response *resp, int met, int more,
                    char **lastp, billtap_sink *sink, billtap_ctx *ctx)
{
	char *last = *lastp;
	pd_feed *f = &s->feed;
	size_t kinds[2] = { 0, 0 };
	int rc = 0;
	for (size_t i = 0; i < f->n_pending; i++)
		kinds[strncmp(f->pending[i], "pro_", 4) == 0]++;
	if (!met && !more && *f->e) {
		char msg[240];
		snprintf(msg, sizeof msg,
		         "the sync token's event %s is no longer in Paddle's event list (Paddle keeps events 90 days): "
		         "changes since may be gone; a full pass is needed",
		         f->e);
		return billtap_ctx_http_error(ctx, BILLTAP_ECHECKPOINT, req, resp, NULL, NULL, msg);
	}
	if (seen_reserve(f, f->n_pending) < 0 || (plans(s) && pd_plans_reserve(f, kinds) < 0))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (!met && more) {
		/* while replaying what the checkpoint's host already has, no mark: records after
		 * it would not be those after the resumed one; the plans' walk pushes nothing */
		int replaying = f->replay_to && strcmp(last, f->replay_to) > 0;
		if (!plans(s) && !replaying && (rc = mark_walk(s, sink, ctx, 0, last)) < 0)
			return rc;
		commit(f, plans(s));
		free(f->cursor);
		f->cursor = last;
		*lastp = NULL;
		if (!replaying) {
			free(f->replay_to);
			f->replay_to = NULL;
		}
		return 0;
	}
	/* the end. Nothing new: E stays (the walk met it, or the feed is still empty) */
	if (!f->head && !(f->head = strdup(f->e)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	int reading = plans(s) && (f->resume_phase || f->n_ids[0] + f->n_ids[1] + f->n_pending > 0);
	if (!reading)
		rc = mark_walk(s, sink, ctx, 1, NULL);
	else if (f->resume_phase) /* where the checkpoint resumed */
		rc = pd_plans_mark(s, f->resume_phase, f->resume_chunk, f->phase_after, sink, ctx);
	else /* the read-back's start: the prices by id, or (none changed) the products' */
		rc = pd_plans_mark(s, f->n_ids[0] + kinds[0] ? 1 : 2, 0, NULL, sink, ctx);
	if (rc < 0)
		return rc;
	commit(f, plans(s));
	if (!reading) {
		s->done = 1;
		return 0;
	}
	if (pd_plans_start(f) <= 0)
		return billtap_ctx_http_error(ctx, BILLTAP_ECHECKPOINT, req, resp, NULL, NULL,
		                              "the checkpoint's plans are not those the events give now: start from the "
		                              "sync token again");
	return 0;
}

static int walk_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_json_ref data, int more, billtap_sink *sink, billtap_ctx *ctx)
{
	pd_feed *f = &s->feed;
	int met = 0, rc = 0, had_head = f->head != NULL;
	char *last = NULL;
	const char *problem = NULL;
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE && !met && rc == 0;
	     o = billtap_json_next(s->doc, o)) {
		feed_event ev;
		rc = read_event(&ev, s, o, &problem);
		if (rc == 0 && ((last && strcmp(ev.id, last) >= 0) || (f->cursor && strcmp(ev.id, f->cursor) >= 0))) {
			rc = -1;
			problem = "the events are not in descending id order (order_by=id[DESC])";
		}
		if (rc == 0)
			rc = walk_event(s, &ev, sink, ctx, &met);
		if (rc == 0 && !met) {
			free(last);
			last = ev.id;
			ev.id = NULL;
		}
		event_free(&ev);
	}
	if (rc == BILLTAP_ENOMEM)
		rc = billtap_ctx_error(ctx, rc, NULL);
	else if (rc == -1)
		rc = billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, problem);
	if (rc == 0 && !met && more && !last)
		rc = billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                            "an events page without events says more follow");
	if (rc == 0)
		rc = walk_end(s, req, resp, met, more, &last, sink, ctx); /* may take last */
	free(last);
	if (rc < 0)
		rollback(f, had_head);
	return rc;
}

int pd_feed_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                     billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref data = billtap_json_get(s->doc, root, "data");
	int more = 0;
	if (billtap_json_typeof(s->doc, data) != BILLTAP_JSON_ARRAY ||
	    billtap_json_bool(&more, s->doc, billtap_json_path(s->doc, root, "meta.pagination.has_more")) < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not an events page: a data array and meta.pagination.has_more");
	if (!s->feed.walking)
		return head_response(s, req, resp, data, ctx);
	if (s->feed.phase)
		return pd_plans_response(s, req, resp, sink, ctx);
	/* the engine's loop guards: the cursor the next page is asked with, the last event's id */
	char *next = NULL;
	billtap_json_ref tail = BILLTAP_JSON_NONE;
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE; o = billtap_json_next(s->doc, o))
		tail = o;
	if (tail != BILLTAP_JSON_NONE &&
	    billtap_json_strdup(&next, s->doc, billtap_json_get(s->doc, tail, "event_id")) == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "/events";
	page.next = more ? next : NULL;
	page.more = more;
	page.items = (int64_t)billtap_json_count(s->doc, data);
	int rc = billtap_sink_page(sink, &page);
	free(next);
	return rc < 0 ? rc : walk_response(s, req, resp, data, more, sink, ctx);
}

int pd_feed_mark_full(char **out, const pd_stream *s, int list, const char *after)
{
	const pd_feed *f = &s->feed;
	size_t n = strlen(f->e) + (after ? strlen(after) : 0) + 64;
	if (!(*out = malloc(n)))
		return BILLTAP_ENOMEM;
	if (list >= s->res->n_lists)
		snprintf(*out, n, "fs:%" PRId64 ":%s", f->t, f->e);
	else
		snprintf(*out, n, "ff:%" PRId64 ":%s:%s", f->t, f->e, after ? after : "");
	return 0;
}
