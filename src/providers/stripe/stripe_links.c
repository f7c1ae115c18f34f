/*
 * Which invoice (and subscription) a payment belongs to, from Stripe's invoice payments
 * (API 2025-03-31.basil on, where charges no longer carry `invoice`): a map from the
 * payment's PaymentIntent id, or its charge id for a charge without one, to the invoice id
 * and the invoice's subscription id. An open-addressing table of copied strings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_stream.h"

typedef struct link {
	char *key, *invoice, *subscription; /* key NULL: an empty slot */
} link;

struct stripe_links {
	link *slots;
	size_t cap, count; /* cap a power of two */
};

int stripe_links_new(stripe_links **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : BILLTAP_ENOMEM;
}

void stripe_links_free(stripe_links *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->cap; i++) {
		free(l->slots[i].key);
		free(l->slots[i].invoice);
		free(l->slots[i].subscription);
	}
	free(l->slots);
	free(l);
}

static size_t hash(const char *s)
{
	uint64_t h = UINT64_C(14695981039346656037); /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return (size_t)h;
}

static link *slot_of(link *slots, size_t cap, const char *key)
{
	size_t i = hash(key) & (cap - 1);
	while (slots[i].key && strcmp(slots[i].key, key) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(stripe_links *l)
{
	size_t cap = l->cap ? l->cap * 2 : 256;
	link *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return BILLTAP_ENOMEM;
	for (size_t i = 0; i < l->cap; i++)
		if (l->slots[i].key)
			*slot_of(slots, cap, l->slots[i].key) = l->slots[i];
	free(l->slots);
	l->slots = slots;
	l->cap = cap;
	return 0;
}

/* The id at path: a string, or an expanded object's "id"; NULL when neither. */
static int id_at(char **out, const billtap_json *doc, billtap_json_ref obj, const char *path)
{
	billtap_json_ref ref = billtap_json_path(doc, obj, path);
	if (billtap_json_typeof(doc, ref) == BILLTAP_JSON_OBJECT)
		ref = billtap_json_get(doc, ref, "id");
	int rc = billtap_json_strdup(out, doc, ref);
	return rc == BILLTAP_ENOMEM ? rc : 0;
}

int stripe_links_known(const stripe_links *l, const billtap_json *doc, billtap_json_ref obj)
{
	char *key = NULL;
	const char *invoice = NULL, *sub;
	if (id_at(&key, doc, obj, "payment.payment_intent") < 0 ||
	    (!key && id_at(&key, doc, obj, "payment.charge") < 0))
		return BILLTAP_ENOMEM;
	stripe_links_find(&invoice, &sub, l, key);
	free(key);
	return invoice != NULL;
}

/* Links the payment of invoice payment obj to invoice and sub (copies, taken in every
 * case; invoice NULL: nothing to link). */
static int link_payment(stripe_links *l, const billtap_json *doc, billtap_json_ref obj,
                        char *invoice, char *sub)
{
	char *key = NULL;
	int rc;
	(void)((rc = id_at(&key, doc, obj, "payment.payment_intent")) < 0 ||
	       (!key && (rc = id_at(&key, doc, obj, "payment.charge")) < 0));
	if (rc == 0 && (!key || !invoice)) {
		/* a payment record (outside Stripe) or no invoice: nothing to link */
		free(key);
		free(invoice);
		free(sub);
		return 0;
	}
	if (rc == 0 && (l->count + 1) * 4 > l->cap * 3)
		rc = grow(l);
	if (rc < 0) {
		free(key);
		free(invoice);
		free(sub);
		return rc;
	}
	link *s = slot_of(l->slots, l->cap, key);
	if (s->key) { /* seen before (a page read again): the newer answer wins */
		free(key);
		free(s->invoice);
		free(s->subscription);
	} else {
		s->key = key;
		l->count++;
	}
	s->invoice = invoice;
	s->subscription = sub;
	return 0;
}

/* The subscription of an invoice object (basil: under parent), copied into *sub. */
static int subscription_of(char **sub, const billtap_json *doc, billtap_json_ref invoice)
{
	int rc = id_at(sub, doc, invoice, "parent.subscription_details.subscription");
	if (rc == 0 && !*sub)
		rc = id_at(sub, doc, invoice, "subscription");
	return rc;
}

int stripe_links_add(stripe_links *l, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx)
{
	char *invoice = NULL, *sub = NULL;
	int rc;
	/* an expanded invoice names its subscription */
	(void)((rc = id_at(&invoice, doc, obj, "invoice")) < 0 ||
	       (rc = subscription_of(&sub, doc, billtap_json_get(doc, obj, "invoice"))) < 0);
	if (rc == 0)
		rc = link_payment(l, doc, obj, invoice, sub);
	else {
		free(invoice);
		free(sub);
	}
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}

int stripe_links_add_paid(stripe_links *l, const billtap_json *doc, billtap_json_ref data,
                          const char *invoice, const char *sub, billtap_ctx *ctx)
{
	for (billtap_json_ref obj = billtap_json_first(doc, data); obj != BILLTAP_JSON_NONE;
	     obj = billtap_json_next(doc, obj)) {
		char *inv = strdup(invoice), *s = sub ? strdup(sub) : NULL;
		int rc = !inv || (sub && !s) ? BILLTAP_ENOMEM : 0;
		if (rc < 0) {
			free(inv);
			free(s);
		} else {
			rc = link_payment(l, doc, obj, inv, s);
		}
		if (rc < 0)
			return billtap_ctx_error(ctx, rc, NULL);
	}
	return 0;
}

int stripe_links_add_invoice(stripe_follow *more, stripe_links *l, const billtap_json *doc,
                             billtap_json_ref invoice, billtap_ctx *ctx)
{
	memset(more, 0, sizeof *more);
	billtap_json_ref payments = billtap_json_get(doc, invoice, "payments");
	billtap_json_ref data = billtap_json_get(doc, payments, "data");
	int has_more;
	if (billtap_json_typeof(doc, data) != BILLTAP_JSON_ARRAY ||
	    billtap_json_bool(&has_more, doc, billtap_json_get(doc, payments, "has_more")) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EDATA,
		                         "invoice without its expanded payments list (data, has_more)");
	char *id = NULL, *sub = NULL;
	int rc;
	(void)((rc = id_at(&id, doc, invoice, "id")) < 0 ||
	       (rc = subscription_of(&sub, doc, invoice)) < 0);
	if (rc == 0 && !id)
		rc = billtap_ctx_error(ctx, BILLTAP_EDATA, "invoice without an id");
	else if (rc < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	if (rc == 0)
		rc = stripe_links_add_paid(l, doc, data, id, sub, ctx);
	if (rc == 0 && has_more && billtap_json_count(doc, data) == 0)
		rc = billtap_ctx_error(ctx, BILLTAP_EDATA,
		                       "invoice payments list empty with has_more: cannot continue");
	else if (rc == 0 && has_more && (rc = stripe_last_id(&more->cursor, doc, data, ctx)) == 0) {
		more->invoice = id; /* the caller pages on from there */
		more->subscription = sub;
		return 0;
	}
	free(id);
	free(sub);
	return rc;
}

int stripe_links_note(stripe_links *l, const char *key)
{
	if (stripe_links_has(l, key))
		return 0;
	char *copy = strdup(key);
	int rc = copy ? 0 : BILLTAP_ENOMEM;
	if (rc == 0 && (l->count + 1) * 4 > l->cap * 3)
		rc = grow(l);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	slot_of(l->slots, l->cap, key)->key = copy; /* no invoice */
	l->count++;
	return 0;
}

int stripe_links_has(const stripe_links *l, const char *key)
{
	return l && l->cap && key && slot_of(l->slots, l->cap, key)->key != NULL;
}

void stripe_links_find(const char **invoice, const char **subscription, const stripe_links *l,
                       const char *key)
{
	*invoice = *subscription = NULL;
	if (!l || !l->cap || !key)
		return;
	const link *s = slot_of(l->slots, l->cap, key);
	if (s->key) {
		*invoice = s->invoice;
		*subscription = s->subscription;
	}
}
