/*
 * Incremental passes of PayPal customers (docs/incremental.md, "PayPal"): a re-read.
 *
 * A customer is gathered from the payer's whole history (every row and subscription that
 * names them), and PayPal says nothing about whether an old row shows the payer's details
 * as they were or as they are: only reading everything again tells what a customer is now.
 * So a pass discovers exactly as a full pass does, and hands out only the customers whose
 * values differ from what the previous pass delivered. The token carries, for every payer,
 * a 64-bit digest of the values delivered:
 *
 *   C1:s:<id>=<hex>,...          customers, sync token.
 *   C1:r:<C>:<id>=<hex>,...      customers, handing out: the payers up to C (byte order)
 *                                were handled; each listed digest is what the host holds
 *                                (delivered by this pass up to C, by earlier passes after).
 *
 * A resumed pass discovers again, and goes on after C. The token's digests up to C stay as
 * the mark says, not as this discovery finds them: a payer that changed between the crash
 * and the resume is then delivered by the next pass, never lost. A payer no longer found
 * (older than PayPal's three years) leaves the token; PayPal deletes no payer, so no
 * tombstone is made.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

/* ---- the digest of a customer's values ---- */

static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* An absent value and an empty one differ: each field is its presence, length, bytes. */
static uint64_t fnv_field(uint64_t h, const char *v)
{
	unsigned char present = v != NULL;
	uint64_t len = v ? strlen(v) : 0;
	h = fnv(h, &present, 1);
	h = fnv(h, &len, sizeof len);
	return v ? fnv(h, v, len) : h;
}

uint64_t pp_customer_digest(const char *email, const char *name, const char *country,
                            int64_t created)
{
	uint64_t h = 14695981039346656037ULL;
	h = fnv_field(h, email);
	h = fnv_field(h, name);
	h = fnv_field(h, country);
	return fnv(h, &created, sizeof created);
}

/* ---- what the host holds ---- */

/* The digest the host holds for payer id: *out, 1; 0 when it holds none. */
static int held(const pp_stream *s, const char *id, uint64_t *out)
{
	size_t at = pp_map_find(&s->cust_held, id, strlen(id));
	if (at == (size_t)-1)
		return 0;
	*out = s->cust_held_digest[at];
	return 1;
}

int pp_customer_changed(const pp_stream *s, const char *id, uint64_t digest)
{
	uint64_t was;
	return !held(s, id, &was) || was != digest;
}

int pp_customer_note(pp_stream *s, size_t payer, uint64_t digest, billtap_ctx *ctx)
{
	if (s->payers.count > s->cust_digest_cap) {
		size_t cap = s->payers.count;
		uint64_t *d = realloc(s->cust_digest, cap * sizeof *d);
		unsigned char *has = realloc(s->cust_has, cap);
		if (d)
			s->cust_digest = d;
		if (has)
			s->cust_has = has;
		if (!d || !has)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		memset(s->cust_has + s->cust_digest_cap, 0, cap - s->cust_digest_cap);
		s->cust_digest_cap = cap;
	}
	s->cust_digest[payer] = digest;
	s->cust_has[payer] = 1;
	return 0;
}

/* ---- marks ---- */

static void put_entry(pp_tok *t, const char *id, uint64_t digest)
{
	char hex[24];
	snprintf(hex, sizeof hex, "=%016" PRIx64, digest);
	if (t->len && t->data[t->len - 1] != ':')
		pp_tok_put(t, ",", 1);
	pp_tok_str(t, id);
	pp_tok_str(t, hex);
}

int pp_customer_mark(pp_stream *s, int final, billtap_sink *sink, billtap_ctx *ctx)
{
	/* emit_order[start..emit_next) were handed out by this pass: theirs are the digests
	 * it computed; the others keep what the host held. */
	size_t start = 0;
	while (s->resume_after && start < s->emit_total &&
	       strcmp(s->emit_order[start], s->resume_after) <= 0)
		start++;
	pp_tok t = { 0 };
	if (final) {
		pp_tok_str(&t, "C1:s:");
	} else {
		pp_tok_str(&t, "C1:r:");
		if (s->emit_next)
			pp_tok_str(&t, s->emit_order[s->emit_next - 1]);
		else if (s->resume_after)
			pp_tok_str(&t, s->resume_after);
		pp_tok_put(&t, ":", 1);
	}
	for (size_t i = 0; i < s->emit_total; i++) {
		const char *id = s->emit_order[i];
		uint64_t d;
		if (i >= start && i < s->emit_next) {
			size_t at = pp_map_find(&s->payers, id, strlen(id));
			if (at < s->cust_digest_cap && s->cust_has[at])
				put_entry(&t, id, s->cust_digest[at]);
		} else if (held(s, id, &d)) {
			put_entry(&t, id, d);
		}
	}
	return pp_tok_mark(&t, sink, ctx);
}

/* ---- reading tokens ---- */

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Adds one held digest; 0, BILLTAP_ENOMEM (recorded). */
static int hold(pp_stream *s, const char *id, size_t len, uint64_t digest, billtap_ctx *ctx)
{
	if (s->cust_held.count >= s->cust_held_cap) {
		size_t cap = s->cust_held_cap ? s->cust_held_cap * 2 : 256;
		uint64_t *d = realloc(s->cust_held_digest, cap * sizeof *d);
		if (!d)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		s->cust_held_digest = d;
		s->cust_held_cap = cap;
	}
	int added;
	size_t at = pp_map_add(&s->cust_held, id, len, &added);
	if (at == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (!added)
		return pp_bad_token(ctx); /* a payer twice */
	s->cust_held_digest[at] = digest;
	return 0;
}

/* "id=hex,..." (may be empty) into cust_held. */
static int take_entries(pp_stream *s, const char *p, billtap_ctx *ctx)
{
	while (*p) {
		size_t n = 0;
		while (pp_id_char(p[n]))
			n++;
		if (n == 0 || p[n] != '=')
			return pp_bad_token(ctx);
		uint64_t d = 0;
		const char *h = p + n + 1;
		for (int k = 0; k < 16; k++) {
			int v = hex_value(h[k]);
			if (v < 0)
				return pp_bad_token(ctx);
			d = d << 4 | (uint64_t)v;
		}
		int rc = hold(s, p, n, d, ctx);
		if (rc < 0)
			return rc;
		p = h + 16;
		if (!*p)
			break;
		if (*p != ',' || !p[1])
			return pp_bad_token(ctx); /* something else after the digest, or a trailing comma */
		p++;
	}
	return 0;
}

int pp_customer_resume(pp_stream *s, const char *p, billtap_ctx *ctx)
{
	if (!s->incremental)
		return pp_bad_token(ctx);
	int rc;
	if (strncmp(p, "s:", 2) == 0)
		return (rc = take_entries(s, p + 2, ctx)) < 0 ? rc : 1;
	if (strncmp(p, "r:", 2) != 0)
		return pp_bad_token(ctx);
	p += 2;
	const char *colon = strchr(p, ':');
	if (!colon)
		return pp_bad_token(ctx);
	for (const char *q = p; q < colon; q++)
		if (!pp_id_char(*q))
			return pp_bad_token(ctx);
	if (colon > p && !(s->resume_after = strndup(p, (size_t)(colon - p))))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	return (rc = take_entries(s, colon + 1, ctx)) < 0 ? rc : 1;
}

void pp_customer_sync_free(pp_stream *s)
{
	pp_map_free(&s->cust_held);
	free(s->cust_held_digest);
	free(s->cust_digest);
	free(s->cust_has);
}
