/*
 * GoCardless's event feed, for incremental passes (docs/providers/gocardless.md,
 * "Incremental passes"). GET /events lists events newest first, cursor-paged like every
 * list, filtered by created_at[gte|lte] and resource_type; include=RESOURCE (which needs
 * resource_type) adds the events' objects, as they are now, in linked.RESOURCE_TYPE.
 *
 * - The probe (a pass with the flag, first request): GET /events?limit=N, every type: the
 *   newest event's created_at and the ids of the page's events at that instant are the
 *   pass's head, which becomes the next token.
 * - The anchor (a pass of changes from a token naming events): GET /events with
 *   created_at[gte] and [lte] both the token's instant must still list one of the token's
 *   events; otherwise GoCardless's history no longer reaches back to it (BILLTAP_ECHECKPOINT).
 * - The walks: each of the resource's event lists from the token's instant to the head's
 *   (both included), skipping the token's events. An object is held once, at its newest
 *   event, from linked (its state now: later events only confirm it); one missing from
 *   linked is one GoCardless no longer shows: a tombstone.
 * - The reads: a refund's payment that no event of this pass carried, GET /payments/ID
 *   (its amount_refunded changed with the refund); 404: a tombstone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

/* The probe and anchor read at most this many ids of one instant: more make the next pass
 * deliver the others' objects again (at least once), never lose them. */
#define MAX_SEEN 100
#define MAX_ID 64 /* GoCardless's ids are "EV" and a dozen characters */

static int add_query(billtap_request *req, int rc, const char *name, const char *value)
{
	return rc < 0 ? rc : billtap_request_add_query(req, name, value);
}

int gc_feed_request(billtap_request *req, gc_stream *s, int tag)
{
	int rc;
	if (tag == GC_TAG_READ) {
		const gc_walk *w = s->res->walks[s->res->n_walks - 1];
		rc = billtap_request_set_url(req, s->base_url, w->parent_path);
		if (rc == 0)
			rc = billtap_request_add_path(req, s->reads[s->next - s->n_held]);
		return rc;
	}
	rc = billtap_request_set_url(req, s->base_url, "/events");
	if (tag == GC_TAG_WALK) {
		const gc_walk *w = s->res->walks[s->walk];
		rc = add_query(req, rc, "resource_type", w->type);
		rc = add_query(req, rc, "include", w->include);
	}
	rc = add_query(req, rc, "limit", s->limit);
	if (tag == GC_TAG_ANCHOR) {
		rc = add_query(req, rc, "created_at[gte]", s->from.at);
		rc = add_query(req, rc, "created_at[lte]", s->from.at);
		if (s->anchor_after)
			rc = add_query(req, rc, "after", s->anchor_after);
	} else if (tag == GC_TAG_WALK) {
		if (s->from.at[0])
			rc = add_query(req, rc, "created_at[gte]", s->from.at);
		/* no head: the feed was empty when the pass began; what came since is read now
		 * and again by the next pass */
		if (s->head.at[0])
			rc = add_query(req, rc, "created_at[lte]", s->head.at);
		if (s->walk_after)
			rc = add_query(req, rc, "after", s->walk_after);
	}
	return rc;
}

/* Whether id is one of a comma-separated list. */
static int listed(const char *list, const char *id, size_t n)
{
	for (const char *p = list; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && memcmp(p, id, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

/* A string member as text (not copied), or NULL when absent or not a plain string. */
static const char *text_of(gc_stream *s, billtap_json_ref obj, const char *path, size_t *len)
{
	const char *t;
	billtap_json_ref ref = billtap_json_path(s->doc, obj, path);
	if (!billtap_json_str_is_plain(s->doc, ref) || billtap_json_text(&t, len, s->doc, ref) < 0 || !*len)
		return NULL;
	return t;
}

static int not_events(const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx,
                      const char *what)
{
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, what);
}

/* The probe: the head is the first event's instant and the ids of the page's events at it. */
static int probe_response(gc_stream *s, billtap_json_ref events, const billtap_request *req,
                          const billtap_response *resp, billtap_ctx *ctx)
{
	size_t cap = 1, n_at = 0, n_seen = 0;
	const char *at = NULL;
	for (billtap_json_ref e = billtap_json_first(s->doc, events); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		size_t n, k;
		const char *t = text_of(s, e, "created_at", &n), *id = text_of(s, e, "id", &k);
		if (!t || !id)
			return not_events(req, resp, ctx, "an event has no id or created_at string");
		if (!at) {
			at = t;
			n_at = n;
		}
		/* newest first is what makes the first event the head */
		if (n != n_at || memcmp(t, at, n) > 0)
			return not_events(req, resp, ctx, "events are not listed newest first");
		if (memcmp(t, at, n) == 0 && k <= MAX_ID && n_seen < MAX_SEEN) {
			n_seen++;
			cap += k + 1;
		}
	}
	free(s->head.at);
	free(s->head.seen);
	s->head.at = at ? strndup(at, n_at) : strdup("");
	s->head.seen = calloc(1, cap);
	if (!s->head.at || !s->head.seen)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	n_seen = 0;
	for (billtap_json_ref e = billtap_json_first(s->doc, events); at && e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		size_t n, k;
		const char *t = text_of(s, e, "created_at", &n), *id = text_of(s, e, "id", &k);
		if (n != n_at || memcmp(t, at, n) != 0 || n_seen >= MAX_SEEN)
			break;
		if (k > MAX_ID)
			continue; /* left out: its object comes again in the next pass */
		n_seen++;
		if (strspn(id, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_") < k)
			return not_events(req, resp, ctx, "an event id is not letters and digits");
		if (n_seen > 1)
			strcat(s->head.seen, ",");
		strncat(s->head.seen, id, k);
	}
	if (strlen(s->head.at) > 64 ||
	    strspn(s->head.at, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:.+-") <
	    strlen(s->head.at))
		return not_events(req, resp, ctx, "an event's created_at is not a time");
	s->probed = 1;
	/* an empty feed has nothing to walk but the events that come meanwhile */
	return 0;
}

/* The anchor: one of the token's events must still be listed at its instant. */
static int anchor_response(gc_stream *s, billtap_json_ref events, const char *next, billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(s->doc, events); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e)) {
		size_t k;
		const char *id = text_of(s, e, "id", &k);
		if (id && listed(s->from.seen, id, k)) {
			s->anchored = 1;
			return 0;
		}
	}
	free(s->anchor_after);
	s->anchor_after = NULL;
	if (next && !(s->anchor_after = strdup(next)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (next)
		return 0;
	char msg[200];
	snprintf(msg, sizeof msg, "GoCardless no longer lists the events of this sync token (created at %.40s): "
	         "its event history does not reach back that far; a full pass is needed", s->from.at);
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
}

static int hold(gc_stream *s, billtap_record *rec, billtap_ctx *ctx)
{
	if (s->n_held == s->cap_held) {
		size_t cap = s->cap_held ? 2 * s->cap_held : 64;
		billtap_record **p = realloc(s->held, cap * sizeof *p);
		if (!p) {
			billtap_record_free(rec);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		s->held = p;
		s->cap_held = cap;
	}
	s->held[s->n_held++] = rec;
	return 0;
}

static int add_read(gc_stream *s, const char *id, size_t n, billtap_ctx *ctx)
{
	char *copy = strndup(id, n);
	int rc = copy ? gc_idset_add(&s->held_ids, copy) : BILLTAP_ENOMEM;
	if (rc == 1 && s->n_reads == s->cap_reads) {
		size_t cap = s->cap_reads ? 2 * s->cap_reads : 16;
		char **p = realloc(s->reads, cap * sizeof *p);
		rc = p ? 1 : BILLTAP_ENOMEM;
		if (p) {
			s->reads = p;
			s->cap_reads = cap;
		}
	}
	if (rc == 1) {
		s->reads[s->n_reads++] = copy;
		return 0;
	}
	free(copy);
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}

/* The object of linked with this id, or BILLTAP_JSON_NONE. */
static billtap_json_ref linked_object(gc_stream *s, billtap_json_ref linked, const char *id, size_t n)
{
	for (billtap_json_ref o = billtap_json_first(s->doc, linked); o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o)) {
		size_t k;
		const char *oid = text_of(s, o, "id", &k);
		if (oid && k == n && memcmp(oid, id, n) == 0)
			return o;
	}
	return BILLTAP_JSON_NONE;
}

/* Created before `since`: a full pass with since would not list it either. */
static int before_since(gc_stream *s, billtap_json_ref obj)
{
	int64_t t;
	return s->since_time != BILLTAP_TIME_NONE &&
	       billtap_json_time(&t, s->doc, billtap_json_get(s->doc, obj, "created_at")) == 0 && t < s->since_time;
}

/* Maps obj, or hands a bad one to the bad_records policy: *out NULL when it was skipped. */
static int map_or_skip(billtap_record **out, gc_stream *s, gc_map_fn map, billtap_json_ref obj,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = map(out, s->doc, obj, &s->mandates, ctx);
	if (rc < 0) {
		*out = NULL;
		return billtap_sink_reject_json(sink, rc, s->doc, obj, "id");
	}
	return 0;
}

static int walk_event(gc_stream *s, const gc_walk *w, billtap_json_ref e, billtap_json_ref linked,
                      billtap_sink *sink, billtap_ctx *ctx)
{
	size_t n_at, n_id, n_obj;
	const char *at = text_of(s, e, "created_at", &n_at), *id = text_of(s, e, "id", &n_id);
	char link[32];
	snprintf(link, sizeof link, "links.%s", w->include);
	const char *obj_id = text_of(s, e, link, &n_obj);
	if (!at || !id || !obj_id)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "an event has no id, created_at or link to its object");
	/* the token's own events were accounted for by the pass that made it */
	if (n_at == strlen(s->from.at) && memcmp(at, s->from.at, n_at) == 0 && listed(s->from.seen, id, n_id))
		return 0;
	char *key = strndup(obj_id, n_obj);
	if (!key)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	int rc = gc_idset_add(&s->held_ids, key);
	if (rc <= 0) { /* an older event of an object already held, or no memory */
		free(key);
		return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
	}
	billtap_json_ref obj = linked_object(s, linked, obj_id, n_obj);
	billtap_record *rec = NULL;
	if (obj == BILLTAP_JSON_NONE) {
		rc = billtap_record_new_tombstone(&rec, BILLTAP_RECORD_TRANSACTION, key);
		rc = rc < 0 ? billtap_ctx_error(ctx, rc, "cannot make a tombstone") : 0;
	} else if (!before_since(s, obj)) {
		rc = map_or_skip(&rec, s, w->map, obj, sink, ctx);
		size_t n_parent;
		const char *parent = w->parent ? text_of(s, obj, w->parent, &n_parent) : NULL;
		if (rc == 0 && parent)
			rc = add_read(s, parent, n_parent, ctx);
	}
	free(key);
	if (rc < 0) {
		billtap_record_free(rec);
		return rc;
	}
	return rec ? hold(s, rec, ctx) : 0;
}

/* Takes back what a walk page added when the call that read it fails: the engine makes it
 * again with the same answer. */
static void walk_rollback(gc_stream *s, size_t n_held, size_t n_reads, size_t n_ids)
{
	while (s->n_held > n_held)
		billtap_record_free(s->held[--s->n_held]);
	while (s->n_reads > n_reads)
		free(s->reads[--s->n_reads]);
	gc_idset_rollback(&s->held_ids, n_ids);
}

static int walk_response(gc_stream *s, billtap_json_ref events, const char *next, const billtap_request *req,
                         const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	const gc_walk *w = s->res->walks[s->walk];
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref linked = billtap_json_get(s->doc, billtap_json_get(s->doc, root, "linked"), w->type);
	/* a page of events without their objects would make every one a tombstone */
	if (billtap_json_count(s->doc, events) && billtap_json_typeof(s->doc, linked) != BILLTAP_JSON_ARRAY) {
		char msg[96];
		snprintf(msg, sizeof msg, "events with include=%s but no linked.%s array", w->include, w->type);
		return not_events(req, resp, ctx, msg);
	}
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = w->type;
	page.next = next;
	page.more = next != NULL;
	page.items = (int64_t)billtap_json_count(s->doc, events);
	size_t n_held = s->n_held, n_reads = s->n_reads, n_ids = s->held_ids.n, walk = s->walk;
	char *after = NULL;
	int rc = billtap_sink_page(sink, &page);
	for (billtap_json_ref e = billtap_json_first(s->doc, events); rc == 0 && e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(s->doc, e))
		rc = walk_event(s, w, e, linked, sink, ctx);
	if (rc == 0 && next && !(after = strdup(next)))
		rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc == 0 && !next)
		s->walk++;
	if (rc == 0 && s->walk == s->res->n_walks)
		rc = gc_sync_hand_out(s, 0, NULL, sink, ctx);
	if (rc < 0) {
		free(after);
		s->walk = walk;
		walk_rollback(s, n_held, n_reads, n_ids);
		return rc;
	}
	free(s->walk_after);
	s->walk_after = after;
	return 0;
}

static int read_response(gc_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_sink *sink, billtap_ctx *ctx)
{
	const gc_walk *w = s->res->walks[s->res->n_walks - 1];
	const char *id = s->reads[s->next - s->n_held];
	billtap_record *rec = NULL;
	int rc;
	if (billtap_response_status(resp) == 404) {
		/* gone since its refund's event: GoCardless no longer shows it */
		if ((rc = billtap_record_new_tombstone(&rec, BILLTAP_RECORD_TRANSACTION, id)) < 0)
			return billtap_ctx_error(ctx, rc, "cannot make a tombstone");
		return gc_sync_hand_out(s, 1, rec, sink, ctx);
	}
	if ((rc = billtap_response_parse(s->doc, req, resp, ctx)) < 0)
		return rc;
	billtap_json_ref obj = billtap_json_get(s->doc, billtap_json_root(s->doc), w->parent_key);
	size_t n;
	const char *got = text_of(s, obj, "id", &n);
	if (billtap_json_typeof(s->doc, obj) != BILLTAP_JSON_OBJECT || !got || n != strlen(id) || memcmp(got, id, n))
		return not_events(req, resp, ctx, "not the object asked for");
	if (!before_since(s, obj) && (rc = map_or_skip(&rec, s, w->parent_map, obj, sink, ctx)) < 0)
		return rc;
	return gc_sync_hand_out(s, 1, rec, sink, ctx);
}

int gc_feed_response(gc_stream *s, const billtap_request *req, const billtap_response *resp,
                     billtap_sink *sink, billtap_ctx *ctx)
{
	int tag = (int)billtap_request_tag(req);
	if (tag == GC_TAG_READ)
		return read_response(s, req, resp, sink, ctx);
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref events = billtap_json_get(s->doc, root, "events");
	char *next = NULL;
	rc = billtap_json_strdup(&next, s->doc, billtap_json_path(s->doc, root, "meta.cursors.after"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (billtap_json_typeof(s->doc, events) != BILLTAP_JSON_ARRAY ||
	    billtap_json_typeof(s->doc, billtap_json_path(s->doc, root, "meta.cursors")) != BILLTAP_JSON_OBJECT ||
	    (rc < 0 && rc != BILLTAP_ENOTFOUND) || (next && !*next)) {
		free(next);
		return not_events(req, resp, ctx, "not a list page: an events array, and meta.cursors.after a "
		                  "non-empty string or null");
	}
	if (tag == GC_TAG_PROBE)
		rc = probe_response(s, events, req, resp, ctx);
	else if (tag == GC_TAG_ANCHOR)
		rc = anchor_response(s, events, next, ctx);
	else
		rc = walk_response(s, events, next, req, resp, sink, ctx);
	free(next);
	return rc;
}
