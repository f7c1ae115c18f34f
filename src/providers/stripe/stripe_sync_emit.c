/*
 * Stripe's passes of changes, second half: the entries the walk collected (stripe_sync.c)
 * go out in walk order. Each object is read again by id (or, for a product, its prices
 * listed), mapped as a full pass maps it and pushed with a mark that lets a resumed pass
 * rebuild the same entries and go on after it; tombstones for objects gone; the sync token
 * after the last. A response that fails leaves the pass where it was: the engine drops
 * what it pushed and asks for the same request again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_sync.h"

static billtap_record_kind record_kind(enum kind k)
{
	switch (k) {
	case K_CUSTOMER: return BILLTAP_RECORD_CUSTOMER;
	case K_PRICE: return BILLTAP_RECORD_PLAN;
	case K_SUBSCRIPTION: return BILLTAP_RECORD_SUBSCRIPTION;
	case K_INVOICE: return BILLTAP_RECORD_INVOICE;
	default: return BILLTAP_RECORD_TRANSACTION;
	}
}

/* A record that could not be completed: skipped under bad_records=skip (0), else code. */
static int reject_record(billtap_sink *sink, int code, billtap_record *rec)
{
	size_t len = 0;
	const char *raw = billtap_record_raw_json(rec, &len);
	code = billtap_sink_reject(sink, code, billtap_record_id(rec), raw, len);
	billtap_record_free(rec);
	return code;
}

/* Maps the object read for entry e; *more when its nested list needs more pages. A bad
 * object is rejected (skipped: 0 and *rec NULL). */
static int map_object(billtap_record **rec, stripe_period *period, int *more, stripe_stream *s,
                      const entry *e, billtap_json_ref root, billtap_sink *sink, billtap_ctx *ctx)
{
	const billtap_json *doc = s->sync->obj;
	int rc;
	*rec = NULL;
	*more = 0;
	memset(period, 0, sizeof *period);
	switch (e->kind) {
	case K_CUSTOMER: rc = stripe_map_customer(rec, doc, root, ctx); break;
	case K_PRICE: rc = stripe_map_price(rec, doc, root, ctx); break;
	case K_SUBSCRIPTION: rc = stripe_map_subscription(rec, period, more, doc, root, ctx); break;
	case K_INVOICE: rc = stripe_map_invoice(rec, more, doc, root, ctx); break;
	case K_CHARGE: rc = stripe_map_charge(rec, s->links, doc, root, ctx); break;
	case K_REFUND: rc = stripe_map_refund(rec, s->links, doc, root, ctx); break;
	default: rc = stripe_map_dispute(rec, s->links, doc, root, ctx); /* K_PRODUCT: not read */
	}
	if (rc < 0) {
		*rec = NULL;
		return billtap_sink_reject_json(sink, rc, doc, root, "id");
	}
	if (*more || (e->kind != K_SUBSCRIPTION && e->kind != K_INVOICE))
		return 0;
	rc = e->kind == K_SUBSCRIPTION ? stripe_finish_subscription(*rec, period, ctx)
	                               : stripe_finish_invoice(*rec, ctx);
	if (rc < 0) {
		rc = reject_record(sink, rc, *rec);
		*rec = NULL;
	}
	return rc;
}

/* Pushes rec (taken) as entry k's record, marked "K+1 entries out" (hash: theirs). */
static int push_entry(const stripe_sync *y, size_t k, uint64_t hash, billtap_record *rec,
                      billtap_sink *sink, billtap_ctx *ctx)
{
	char prefix[700];
	if (stripe_sync_chg_mark(prefix, sizeof prefix, y, k + 1, hash) < 0) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "event id too long for a mark");
	}
	return billtap_sink_push_marked(sink, rec, prefix);
}

/* From entry `next` (its ids hashed into `hash`): the tombstones of the entries deleted by
 * their newest event (no read needed), then the sync token if all are out. Kept in y only
 * when every push went through: the engine drops this response's records otherwise. */
int stripe_sync_flush_gone(stripe_sync *y, size_t next, uint64_t hash, billtap_sink *sink,
                           billtap_ctx *ctx)
{
	int rc = 0;
	for (; rc == 0 && next < y->count && y->ent[next].gone; next++) {
		const entry *e = &y->ent[next];
		billtap_record *rec;
		hash = stripe_sync_hash_step(hash, e->id);
		if ((rc = billtap_record_new_tombstone(&rec, record_kind(e->kind), e->id)) < 0)
			rc = billtap_ctx_error(ctx, rc, NULL);
		else
			rc = push_entry(y, next, hash, rec, sink, ctx);
	}
	if (rc == 0 && next == y->count)
		rc = stripe_sync_final_mark(y, sink, ctx);
	if (rc == 0) {
		y->next = next;
		y->hash = hash;
	}
	return rc;
}

/* Entry `next` is done: its record (or tombstone) pushed with its mark, or held for its
 * nested pages (the held record carries its mark), or skipped (rec NULL). */
static int emit(stripe_stream *s, stripe_sync *y, billtap_record *rec, const stripe_period *period,
                int more, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t k = y->next;
	uint64_t hash = stripe_sync_hash_step(y->hash, y->ent[k].id);
	int rc = 0;
	if (rec && more) {
		char prefix[700];
		if (stripe_sync_chg_mark(prefix, sizeof prefix, y, k + 1, hash) < 0) {
			billtap_record_free(rec);
			return billtap_ctx_error(ctx, BILLTAP_EDATA, "event id too long for a mark");
		}
		/* what follows it waits until its items are in (stripe_sync_end) */
		if ((rc = stripe_hold(s, rec, period, more, prefix, ctx)) < 0)
			return rc;
		y->next = k + 1;
		y->hash = hash;
		y->phase = PH_EMIT;
		return 0;
	}
	if (rec && (rc = push_entry(y, k, hash, rec, sink, ctx)) < 0)
		return rc;
	if ((rc = stripe_sync_flush_gone(y, k + 1, hash, sink, ctx)) < 0)
		return rc; /* nothing kept: the object is read again */
	y->phase = PH_EMIT;
	return 0;
}

/* The id at path (a string or an expanded object's id) into buf; 0 when there is none. */
static int id_at(char *buf, size_t cap, const billtap_json *doc, billtap_json_ref obj,
                 const char *path)
{
	billtap_json_ref ref = billtap_json_path(doc, obj, path);
	if (billtap_json_typeof(doc, ref) == BILLTAP_JSON_OBJECT)
		ref = billtap_json_get(doc, ref, "id");
	size_t n;
	return billtap_json_str_decode(buf, cap, &n, doc, ref) == 0 && n > 0;
}

/* Keeps the object read (its text copied: the next response replaces the body) while the
 * invoice payments of PaymentIntent pi are looked up. */
static int keep_object(stripe_sync *y, const billtap_response *resp, const char *pi,
                       billtap_ctx *ctx)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	char *text = malloc(len + 1), *lookup = strdup(pi);
	if (!text || !lookup) {
		free(text);
		free(lookup);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	memcpy(text, body, len + 1);
	int rc = billtap_json_parse(y->obj, text, len); /* parsed once already: only ENOMEM */
	if (rc < 0) {
		free(text);
		free(lookup);
		return billtap_ctx_error(ctx, rc, NULL);
	}
	free(y->obj_text);
	y->obj_text = text;
	free(y->lookup);
	y->lookup = lookup;
	y->phase = PH_LINK;
	return 0;
}

/* The object of entry `next` is in y->obj: a tombstone, a record, or first its invoice
 * links (a transaction under basil whose PaymentIntent was not looked up yet). */
static int take_object(stripe_stream *s, stripe_sync *y, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	const entry *e = &y->ent[y->next];
	const billtap_json *doc = y->obj;
	billtap_json_ref root = billtap_json_root(doc);
	int deleted = 0;
	billtap_json_bool(&deleted, doc, billtap_json_get(doc, root, "deleted"));
	billtap_record *rec = NULL;
	stripe_period period;
	int more = 0, rc;
	if (deleted) {
		if ((rc = billtap_record_new_tombstone(&rec, record_kind(e->kind), e->id)) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		return emit(s, y, rec, NULL, 0, sink, ctx);
	}
	char pi[256];
	const char *invoice, *sub;
	if (y->phase == PH_EMIT && s->links && e->kind >= K_CHARGE &&
	    id_at(pi, sizeof pi, doc, root, "payment_intent")) {
		/* once per PaymentIntent in a pass, also when it paid no invoice */
		stripe_links_find(&invoice, &sub, s->links, pi);
		if (!invoice && !stripe_links_has(s->links, pi))
			return keep_object(y, resp, pi, ctx);
	}
	if ((rc = map_object(&rec, &period, &more, s, e, root, sink, ctx)) < 0)
		return rc;
	return emit(s, y, rec, &period, more, sink, ctx);
}

/* 404 resource_missing: the object is gone. */
static int is_missing(stripe_stream *s, const billtap_response *resp)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (billtap_response_status(resp) != 404 || !body || billtap_json_parse(s->doc, body, len) < 0)
		return 0;
	return billtap_json_str_eq(s->doc, billtap_json_path(s->doc, billtap_json_root(s->doc),
	                                                     "error.code"),
	                           "resource_missing");
}

/* A page of a renamed product's prices: each one not an entry of its own (that one goes
 * out in its place) goes out now, marked "within entry `next`, after this price". */
static int handle_product(stripe_stream *s, stripe_sync *y, const billtap_request *req,
                          const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	const entry *e = &y->ent[y->next];
	char list[300], prefix[800], id[256], *cursor = NULL;
	size_t n;
	snprintf(list, sizeof list, "prices:%s", e->id);
	if (stripe_sync_chg_mark(prefix, sizeof prefix, y, y->next, y->hash) < 0 ||
	    strlen(prefix) > 500)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "event id too long for a mark");
	/* the id of the last entry out, empty when none: "…:K:H:id" then ":price" */
	snprintf(prefix + strlen(prefix), sizeof prefix - strlen(prefix), ":%s",
	         y->next ? y->ent[y->next - 1].id : "");
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE && rc == 0;
	     o = billtap_json_next(s->doc, o)) {
		billtap_json_ref ref = billtap_json_get(s->doc, o, "id");
		if (billtap_json_str_decode(id, sizeof id, &n, s->doc, ref) < 0 || n == 0)
			return stripe_sync_data_error(ctx, req, resp, "price without an id");
		if (stripe_sync_seen_has(y, id))
			continue;
		billtap_record *rec;
		if ((rc = stripe_map_price(&rec, s->doc, o, ctx)) < 0)
			rc = billtap_sink_reject_json(sink, rc, s->doc, o, "id");
		else
			rc = billtap_sink_push_marked(sink, rec, prefix);
	}
	if (rc < 0)
		return rc;
	if (has_more && !(cursor = strdup(id)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	/* after its last page the product's entry is out */
	uint64_t hash = stripe_sync_hash_step(y->hash, e->id);
	if ((rc = stripe_report_page(sink, list, cursor, has_more, s, data)) < 0 ||
	    (!has_more && (rc = stripe_sync_flush_gone(y, y->next + 1, hash, sink, ctx)) < 0)) {
		free(cursor);
		return rc;
	}
	free(y->product_cursor);
	y->product_cursor = cursor;
	return 0;
}

int stripe_sync_emit_response(stripe_stream *s, const billtap_request *req,
                              const billtap_response *resp, billtap_sink *sink,
                              billtap_ctx *ctx)
{
	stripe_sync *y = s->sync;
	uint64_t tag = billtap_request_tag(req);
	int rc;
	if (tag == TAG_OBJECT && is_missing(s, resp)) {
		billtap_record *rec;
		const entry *e = &y->ent[y->next];
		if ((rc = billtap_record_new_tombstone(&rec, record_kind(e->kind), e->id)) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		return emit(s, y, rec, NULL, 0, sink, ctx);
	}
	if (billtap_response_status(resp) != 200)
		return stripe_response_error(s, req, resp, ctx);
	if (tag == TAG_PRODUCT)
		return handle_product(s, y, req, resp, sink, ctx);
	if (tag == TAG_OBJECT) {
		if ((rc = billtap_response_parse(y->obj, req, resp, ctx)) < 0)
			return rc;
		if (billtap_json_typeof(y->obj, billtap_json_root(y->obj)) != BILLTAP_JSON_OBJECT)
			return stripe_sync_data_error(ctx, req, resp, "response is not an object");
		return take_object(s, y, resp, sink, ctx);
	}
	/* TAG_LINK: the invoice payments of the PaymentIntent, then the object kept */
	billtap_json_ref data;
	int has_more;
	if ((rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx)) < 0)
		return rc;
	for (billtap_json_ref o = billtap_json_first(s->doc, data); o != BILLTAP_JSON_NONE;
	     o = billtap_json_next(s->doc, o))
		if ((rc = stripe_links_add(s->links, s->doc, o, ctx)) < 0)
			return rc;
	if ((rc = stripe_links_note(s->links, y->lookup)) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	return take_object(s, y, resp, sink, ctx);
}
