/*
 * Stripe's incremental passes, from the Events API (docs/incremental.md, "Stripe").
 *
 * A full pass first reads the head of the resource's event feed (GET /v1/events?limit=1
 * with the resource's types[]) and ends with the sync token "sync:E:C:T": the newest event
 * E (its `created` C; both empty when the feed had none) and the client's clock T then.
 * A pass of changes from "sync:E:C:T":
 *  1. refuses a token older than Stripe keeps events (30 days, less a day: SAFE_AGE);
 *  2. walks the events newer than E (newest first, created[gte]=C, starting_after paging)
 *     and keeps, per object, its newest event: one entry per object, in walk order; a
 *     walk that does not meet E (expired by Stripe's clock) is refused likewise;
 *  3. re-reads each object by id with the expansions of the lists (the event's own copy is
 *     rendered in the API version of the event's time, not the pinned Stripe-Version, and
 *     without our expansions; and several events of an object collapse into its current
 *     state) and pushes it; an object that is gone (a deleted customer's {"deleted":true},
 *     a 404 resource_missing, or a *.deleted event as its newest) is a tombstone;
 *     transactions under basil look their invoice up per PaymentIntent; a product.updated
 *     (plans) lists that product's prices, whose name it gives;
 *  4. ends with "sync:E2:C2:T2": the walk's newest event and the clock when it began.
 * Marks within the pass ("chg:E2:C2:L:LC:T2:K:H:id") let a resumed stream walk the same
 * events again, from E2 down to the oldest one walked (L), and skip the K entries already
 * out (H: a hash of their ids, checked, and the id of the K-th).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_sync.h"

/* Stripe lists events "going back up to 30 days". A token is refused a day before that:
 * the walk of a large feed takes time, and the boundary is not stated to the second. */
#define RETENTION (30 * 86400)
#define SAFE_AGE (RETENTION - 86400)

/* Where each kind of entry is read, and the expansions the lists use (without "data."). */
static const struct kind_info {
	const char *object; /* the object's "object" */
	const char *path;
	const char *expand[2];
} kinds[] = {
	[K_CUSTOMER] = { "customer", "/v1/customers", { NULL, NULL } },
	[K_PRICE] = { "price", "/v1/prices", { "product", "tiers" } },
	[K_SUBSCRIPTION] = { "subscription", "/v1/subscriptions", { "discounts", NULL } },
	[K_INVOICE] = { "invoice", "/v1/invoices", { NULL, NULL } },
	[K_CHARGE] = { "charge", "/v1/charges", { "balance_transaction", NULL } },
	[K_REFUND] = { "refund", "/v1/refunds", { "charge", "balance_transaction" } },
	[K_DISPUTE] = { "dispute", "/v1/disputes", { "charge", NULL } },
	/* a renamed product renames its prices (their product_name, and name without a
	 * nickname) without an event of theirs: its prices are listed, as a full pass lists */
	[K_PRODUCT] = { "product", "/v1/prices", { "data.product", "data.tiers" } },
};

/* The event types of each resource (at most 20: Stripe's limit on types[]), as the spec's
 * event type list names them. invoice.upcoming is left out: its invoice has no id yet. */
static const char *const customer_types[] = { "customer.created", "customer.updated",
	                                      "customer.deleted", NULL };
static const char *const price_types[] = { "price.created", "price.updated", "price.deleted",
	                                   "product.updated", NULL };
static const char *const subscription_types[] = {
	"customer.subscription.created", "customer.subscription.updated",
	"customer.subscription.deleted", "customer.subscription.paused",
	"customer.subscription.resumed", "customer.subscription.pending_update_applied",
	"customer.subscription.pending_update_expired", "customer.subscription.trial_will_end",
	NULL
};
static const char *const invoice_types[] = {
	"invoice.created", "invoice.updated", "invoice.deleted", "invoice.finalized",
	"invoice.finalization_failed", "invoice.marked_uncollectible", "invoice.overdue",
	"invoice.overpaid", "invoice.paid", "invoice.payment_action_required",
	"invoice.payment_attempt_required", "invoice.payment_failed", "invoice.payment_succeeded",
	"invoice.sent", "invoice.voided", "invoice.will_be_due", NULL
};
static const char *const transaction_types[] = {
	"charge.captured", "charge.expired", "charge.failed", "charge.pending", "charge.refunded",
	"charge.succeeded", "charge.updated", "charge.dispute.closed", "charge.dispute.created",
	"charge.dispute.funds_reinstated", "charge.dispute.funds_withdrawn",
	"charge.dispute.updated", "charge.refund.updated", "refund.created", "refund.failed",
	"refund.updated", NULL
};

uint64_t stripe_sync_hash_step(uint64_t h, const char *id)
{
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	return (h ^ '\n') * UINT64_C(1099511628211);
}

void stripe_sync_free(stripe_sync *y)
{
	if (!y)
		return;
	free(y->full_head);
	free(y->from);
	free(y->top);
	free(y->bottom);
	free(y->walk_cursor);
	for (size_t i = 0; i < y->count; i++)
		free(y->ent[i].id);
	free(y->ent);
	for (size_t i = 0; i < y->seen_cap; i++)
		free(y->seen[i]);
	free(y->seen);
	free(y->want_id);
	free(y->product_cursor);
	billtap_json_free(y->obj);
	free(y->obj_text);
	free(y->lookup);
	free(y);
}

const char *stripe_sync_full_head(const stripe_sync *y)
{
	return y ? y->full_head : NULL;
}

/* ---- tokens ----------------------------------------------------------------------- */

/* Splits a token at ':' into at most max fields (pointers into buf). */
static size_t split(char *buf, char **field, size_t max)
{
	size_t n = 0;
	char *p = buf;
	while (n < max) {
		field[n++] = p;
		char *colon = strchr(p, ':');
		if (!colon)
			break;
		*colon = '\0';
		p = colon + 1;
	}
	return n;
}

/* A decimal number (digits only) into *out; "" is -1 when empty_ok. 0 or -1. */
static int parse_num(int64_t *out, const char *s, int empty_ok)
{
	if (!*s) {
		*out = -1;
		return empty_ok ? 0 : -1;
	}
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

static int dup_or_null(char **out, const char *s)
{
	*out = NULL;
	return *s && !(*out = strdup(s)) ? BILLTAP_ENOMEM : 0;
}

/* A token older than the feed keeps (by the client's clock when its pass began). */
static int check_age(int64_t t, billtap_ctx *ctx)
{
	int64_t age = billtap_ctx_now(ctx) - t;
	if (age <= SAFE_AGE)
		return 0;
	char msg[200];
	snprintf(msg, sizeof msg, "sync token is %" PRId64 " days old: Stripe keeps events 30 "
	         "days (billtap accepts 29): a full pass is needed", age / 86400);
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
}

static int bad_token(billtap_ctx *ctx)
{
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                         "checkpoint position is not one this stream makes");
}

/* "sync:E:C:T": the changes since that sync point. */
static int parse_sync(stripe_sync *y, char **f, size_t n, billtap_ctx *ctx)
{
	int64_t t;
	if (n != 4 || parse_num(&y->from_created, f[2], 1) < 0 || parse_num(&t, f[3], 0) < 0 ||
	    (!*f[1]) != (!*f[2]))
		return bad_token(ctx);
	if (dup_or_null(&y->from, f[1]) < 0)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	y->phase = PH_WALK;
	return check_age(t, ctx);
}

/* "chg:E2:C2:L:LC:T2:K:H[:id]": the same walk again, K entries out, the K-th being id;
 * "chg:E2:C2:L:LC:T2:K:H:id:price": and within entry K+1, a product, its prices after
 * `price` (id empty when K is 0). */
static int parse_chg(stripe_sync *y, char **f, size_t n, billtap_ctx *ctx)
{
	int64_t k;
	char *end = NULL;
	if (n < 8 || n > 10 || !*f[1] || !*f[3] || parse_num(&y->top_created, f[2], 0) < 0 ||
	    parse_num(&y->bottom_created, f[4], 0) < 0 || parse_num(&y->started, f[5], 0) < 0 ||
	    parse_num(&k, f[6], 0) < 0 || !*f[7] || (n == 8 && k > 0) ||
	    (n >= 9 && (k > 0) != (*f[8] != '\0')) || (n == 10 && !*f[9]))
		return bad_token(ctx);
	y->want_hash = strtoull(f[7], &end, 16);
	if (*end)
		return bad_token(ctx);
	y->want_k = (size_t)k;
	if (!(y->top = strdup(f[1])) || !(y->bottom = strdup(f[3])) ||
	    (k > 0 && !(y->want_id = strdup(f[8]))) ||
	    (n == 10 && !(y->product_cursor = strdup(f[9]))))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	y->rebuild = 1;
	y->phase = PH_WALK;
	return check_age(y->started, ctx);
}

int stripe_sync_new(stripe_stream *s, const billtap_stream_params *params,
                    const char **resume, int *changes, billtap_ctx *ctx)
{
	*changes = 0;
	stripe_sync *y = calloc(1, sizeof *y);
	if (!y || billtap_json_new(&y->obj) < 0) {
		free(y);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->sync = y;
	y->hash = HASH_START;
	y->from_created = -1;
#define BIT(k) (1u << (k))
	switch (params->resource) {
	case BILLTAP_RESOURCE_CUSTOMERS:
		y->types = customer_types;
		y->kinds = BIT(K_CUSTOMER);
		break;
	case BILLTAP_RESOURCE_PLANS:
		y->types = price_types;
		y->kinds = BIT(K_PRICE) | BIT(K_PRODUCT);
		break;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS:
		y->types = subscription_types;
		y->kinds = BIT(K_SUBSCRIPTION);
		break;
	case BILLTAP_RESOURCE_INVOICES:
		y->types = invoice_types;
		y->kinds = BIT(K_INVOICE);
		break;
	default:
		y->types = transaction_types;
		y->kinds = BIT(K_CHARGE) | BIT(K_REFUND) | BIT(K_DISPUTE);
	}
#undef BIT
	const char *r = *resume;
	if (!r)
		return 0; /* a full pass: the head first */
	if (strncmp(r, "full:", 5) == 0) {
		/* "full:E:C:T" and, after a record, ":stage:id" (the list walk's place) */
		const char *p = r;
		for (int colons = 0; *p && colons < 4; p++)
			colons += *p == ':';
		size_t len = (size_t)(p - r) - (*p || p[-1] == ':' ? 1 : 0);
		char buf[256], *f[4];
		if (len >= sizeof buf)
			return bad_token(ctx);
		memcpy(buf, r, len);
		buf[len] = '\0';
		int64_t c, t;
		if (split(buf, f, 4) != 4 || parse_num(&c, f[2], 1) < 0 || parse_num(&t, f[3], 0) < 0)
			return bad_token(ctx);
		if (!(y->full_head = malloc(len + 1)))
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		memcpy(y->full_head, r, len);
		y->full_head[len] = '\0';
		y->phase = PH_LIST;
		*resume = *p ? p : NULL;
		return 0;
	}
	size_t len = strlen(r);
	char *buf = malloc(len + 1), *f[10];
	if (!buf)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	memcpy(buf, r, len + 1);
	size_t n = split(buf, f, 10);
	int rc = strcmp(f[0], "sync") == 0  ? parse_sync(y, f, n, ctx)
	         : strcmp(f[0], "chg") == 0 ? parse_chg(y, f, n, ctx)
	                                    : bad_token(ctx);
	free(buf);
	*changes = 1;
	*resume = NULL;
	return rc;
}

/* ---- requests --------------------------------------------------------------------- */

static int add_types(billtap_request *req, const stripe_sync *y)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && y->types[i]; i++)
		rc = billtap_request_add_query(req, "types[]", y->types[i]);
	return rc;
}

static int add_num(billtap_request *req, const char *name, int64_t v)
{
	char num[32];
	snprintf(num, sizeof num, "%" PRId64, v);
	return billtap_request_add_query(req, name, num);
}

/* GET /v1/events: the head (limit 1), or the next page of the walk. */
static int events_request(billtap_request *req, stripe_stream *s, stripe_sync *y, int head)
{
	int rc;
	(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/events")) < 0 ||
	       (rc = add_num(req, "limit", head ? 1 : s->page_size)) < 0 ||
	       (rc = add_types(req, y)) < 0);
	if (rc == 0 && !head) {
		/* A rebuild walks [bottom, top]; a first walk down to `from`. */
		int64_t gte = y->rebuild ? y->bottom_created : y->from_created;
		if (gte >= 0)
			rc = add_num(req, "created[gte]", gte);
		if (rc == 0 && y->rebuild)
			rc = add_num(req, "created[lte]", y->top_created);
		if (rc == 0 && y->walk_cursor)
			rc = billtap_request_add_query(req, "starting_after", y->walk_cursor);
	}
	billtap_request_set_tag(req, head ? TAG_HEAD : TAG_EVENTS);
	return rc;
}

/* GET the current object of the next entry, expanded as the lists expand it. */
static int object_request(billtap_request *req, stripe_stream *s, const entry *e)
{
	const struct kind_info *k = &kinds[e->kind];
	int rc;
	(void)((rc = billtap_request_set_url(req, s->base_url, k->path)) < 0 ||
	       (rc = billtap_request_add_path(req, e->id)) < 0);
	for (int i = 0; rc == 0 && i < 2 && k->expand[i]; i++)
		rc = billtap_request_add_query(req, "expand[]", k->expand[i]);
	billtap_request_set_tag(req, TAG_OBJECT);
	return rc;
}

/* The next page of the prices of the product of entry `next`, expanded as the list is. */
static int product_request(billtap_request *req, stripe_stream *s, const stripe_sync *y)
{
	const struct kind_info *k = &kinds[K_PRODUCT];
	int rc;
	(void)((rc = billtap_request_set_url(req, s->base_url, k->path)) < 0 ||
	       (rc = billtap_request_add_query(req, "product", y->ent[y->next].id)) < 0 ||
	       (rc = add_num(req, "limit", s->page_size)) < 0);
	for (int i = 0; rc == 0 && i < 2; i++)
		rc = billtap_request_add_query(req, "expand[]", k->expand[i]);
	if (rc == 0 && s->since != BILLTAP_TIME_NONE)
		rc = add_num(req, "created[gte]", s->since);
	if (rc == 0 && y->product_cursor)
		rc = billtap_request_add_query(req, "starting_after", y->product_cursor);
	billtap_request_set_tag(req, TAG_PRODUCT);
	return rc;
}

/* The invoice payments of one PaymentIntent (the full pass reads them all instead). */
static int link_request(billtap_request *req, stripe_stream *s, const stripe_sync *y)
{
	int rc;
	(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/invoice_payments")) < 0 ||
	       (rc = billtap_request_add_query(req, "payment[type]", "payment_intent")) < 0 ||
	       (rc = billtap_request_add_query(req, "payment[payment_intent]", y->lookup)) < 0 ||
	       (rc = billtap_request_add_query(req, "limit", "100")) < 0 ||
	       (rc = billtap_request_add_query(req, "expand[]", "data.invoice")) < 0);
	billtap_request_set_tag(req, TAG_LINK);
	return rc;
}

int stripe_sync_request(int *built, billtap_request *req, stripe_stream *s, billtap_ctx *ctx)
{
	stripe_sync *y = s->sync;
	*built = 0;
	if (!y || y->phase == PH_LIST)
		return 0;
	int rc;
	switch (y->phase) {
	case PH_HEAD:
		y->started = billtap_ctx_now(ctx);
		rc = events_request(req, s, y, 1);
		break;
	case PH_WALK:
		if (!y->walk_cursor && !y->rebuild)
			y->started = billtap_ctx_now(ctx); /* T2: the walk begins */
		rc = events_request(req, s, y, 0);
		break;
	case PH_EMIT:
		if (y->next == y->count)
			return BILLTAP_ITEROVER;
		rc = y->ent[y->next].kind == K_PRODUCT ? product_request(req, s, y)
		                                       : object_request(req, s, &y->ent[y->next]);
		break;
	default:
		rc = link_request(req, s, y);
	}
	if (rc == 0)
		rc = stripe_add_headers(req, s);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, "cannot build the request");
	*built = 1;
	return 0;
}

/* ---- marks ------------------------------------------------------------------------ */


/* The walk's bounds and start: "chg:E2:C2:L:LC:T2". */
int stripe_sync_chg_mark(char *buf, size_t cap, const stripe_sync *y, size_t k, uint64_t hash)
{
	int n = snprintf(buf, cap, "chg:%s:%" PRId64 ":%s:%" PRId64 ":%" PRId64 ":%zu:%016" PRIx64,
	                 y->top, y->top_created, y->bottom, y->bottom_created, y->started, k, hash);
	return n < 0 || (size_t)n >= cap ? BILLTAP_EINVAL : 0;
}

/* The sync token: "sync:E2:C2:T2" (E2 and C2 empty when the feed holds no event). */
int stripe_sync_final_mark(stripe_sync *y, billtap_sink *sink, billtap_ctx *ctx)
{
	char buf[600];
	int n;
	if (y->full_head)
		n = snprintf(buf, sizeof buf, "sync:%s", y->full_head + 5);
	else if (y->top)
		n = snprintf(buf, sizeof buf, "sync:%s:%" PRId64 ":%" PRId64, y->top, y->top_created,
		             y->started);
	else
		n = snprintf(buf, sizeof buf, "sync:::%" PRId64, y->started);
	if (n < 0 || (size_t)n >= sizeof buf)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "event id too long for a sync token");
	return billtap_sink_mark(sink, buf);
}

int stripe_sync_end(stripe_stream *s, int list_over, size_t held_left, billtap_sink *sink,
                    billtap_ctx *ctx)
{
	stripe_sync *y = s->sync;
	if (!y || held_left)
		return 0;
	if (y->phase == PH_LIST && list_over)
		return stripe_sync_final_mark(y, sink, ctx);
	if (y->phase == PH_EMIT) /* a held record went out: what waited behind it */
		return stripe_sync_flush_gone(y, y->next, y->hash, sink, ctx);
	return 0;
}

/* ---- the head and the walk -------------------------------------------------------- */

int stripe_sync_data_error(billtap_ctx *ctx, const billtap_request *req,
                           const billtap_response *resp, const char *problem)
{
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
	                              billtap_response_header(resp, "Request-Id"), NULL, problem);
}

/* An event's id and created; -1 when it lacks either. */
static int event_id(const char **id, int64_t *created, const billtap_json *doc,
                    billtap_json_ref ev, char *buf, size_t cap)
{
	size_t n;
	if (billtap_json_str_decode(buf, cap, &n, doc, billtap_json_get(doc, ev, "id")) < 0 ||
	    billtap_json_int(created, doc, billtap_json_get(doc, ev, "created")) < 0 || n == 0)
		return -1;
	*id = buf;
	return 0;
}

static int handle_head(stripe_stream *s, stripe_sync *y, const billtap_request *req,
                       const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	char idbuf[256], head[600];
	const char *id = "";
	int64_t created = -1;
	billtap_json_ref ev = billtap_json_first(s->doc, data);
	if (ev != BILLTAP_JSON_NONE && event_id(&id, &created, s->doc, ev, idbuf, sizeof idbuf) < 0)
		return stripe_sync_data_error(ctx, req, resp, "event without an id or created");
	if (created >= 0)
		snprintf(head, sizeof head, "full:%s:%" PRId64 ":%" PRId64, id, created, y->started);
	else
		snprintf(head, sizeof head, "full:::%" PRId64, y->started);
	char *copy = strdup(head);
	if (!copy)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	/* The list walk resumes from here when nothing was returned yet. */
	if ((rc = billtap_sink_mark(sink, head)) < 0) {
		free(copy);
		return rc;
	}
	free(y->full_head);
	y->full_head = copy;
	y->phase = PH_LIST;
	return 0;
}

static size_t seen_slot(char **slots, size_t cap, const char *id)
{
	uint64_t h = stripe_sync_hash_step(HASH_START, id);
	size_t i = (size_t)h & (cap - 1);
	while (slots[i] && strcmp(slots[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

int stripe_sync_seen_has(const stripe_sync *y, const char *id)
{
	return y->seen_cap && y->seen[seen_slot(y->seen, y->seen_cap, id)];
}

/* 1 when id was seen in this walk, else remembers it and returns 0; or ENOMEM. */
static int seen_add(stripe_sync *y, const char *id)
{
	if (stripe_sync_seen_has(y, id))
		return 1;
	if ((y->seen_count + 1) * 2 > y->seen_cap) {
		size_t cap = y->seen_cap ? y->seen_cap * 2 : 64;
		char **slots = calloc(cap, sizeof *slots);
		if (!slots)
			return BILLTAP_ENOMEM;
		for (size_t i = 0; i < y->seen_cap; i++)
			if (y->seen[i])
				slots[seen_slot(slots, cap, y->seen[i])] = y->seen[i];
		free(y->seen);
		y->seen = slots;
		y->seen_cap = cap;
	}
	char *copy = strdup(id);
	if (!copy)
		return BILLTAP_ENOMEM;
	y->seen[seen_slot(y->seen, y->seen_cap, id)] = copy;
	y->seen_count++;
	return 0;
}

static int add_entry(stripe_sync *y, const char *id, enum kind kind, int gone)
{
	if (y->count == y->cap) {
		size_t cap = y->cap ? y->cap * 2 : 64;
		entry *p = realloc(y->ent, cap * sizeof *p);
		if (!p)
			return BILLTAP_ENOMEM;
		y->ent = p;
		y->cap = cap;
	}
	if (!(y->ent[y->count].id = strdup(id)))
		return BILLTAP_ENOMEM;
	y->ent[y->count].kind = kind;
	y->ent[y->count].gone = gone;
	y->count++;
	return 0;
}

/* Starts the walk over (its first page read again after a failure). */
static void reset_walk(stripe_sync *y)
{
	for (size_t i = 0; i < y->count; i++)
		free(y->ent[i].id);
	y->count = 0;
	for (size_t i = 0; i < y->seen_cap; i++) {
		free(y->seen[i]);
		y->seen[i] = NULL;
	}
	y->seen_count = 0;
	y->at_top = 0;
	if (!y->rebuild) {
		free(y->top);
		free(y->bottom);
		y->top = y->bottom = NULL;
	}
}

static int set_id(char **slot, int64_t *created_slot, const char *id, int64_t created)
{
	char *copy = strdup(id);
	if (!copy)
		return BILLTAP_ENOMEM;
	free(*slot);
	*slot = copy;
	*created_slot = created;
	return 0;
}

/* One event of the walk: its object becomes an entry unless a newer event of it came
 * first or `since` excludes it. */
static int take_event(stripe_stream *s, stripe_sync *y, billtap_json_ref ev, const char *id,
                      int64_t created, const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx)
{
	const billtap_json *doc = s->doc;
	billtap_json_ref obj = billtap_json_path(doc, ev, "data.object");
	char oid[256], type[128];
	size_t n;
	enum kind kind = K_CUSTOMER;
	int known = 0;
	if (billtap_json_str_decode(oid, sizeof oid, &n, doc, billtap_json_get(doc, obj, "id")) < 0 ||
	    n == 0 || billtap_json_str_decode(type, sizeof type, &n, doc,
	                                      billtap_json_get(doc, ev, "type")) < 0)
		return stripe_sync_data_error(ctx, req, resp, "event without a type or data.object.id");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && !known; k++)
		if ((y->kinds & (1u << k)) &&
		    billtap_json_str_eq(doc, billtap_json_get(doc, obj, "object"), kinds[k].object)) {
			kind = (enum kind)k;
			known = 1;
		}
	if (!known)
		return stripe_sync_data_error(ctx, req, resp,
		                              "event of an object this resource does not hold");
	int rc = 0;
	if (!y->rebuild && (rc = set_id(&y->bottom, &y->bottom_created, id, created)) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	if ((rc = seen_add(y, oid)) != 0)
		return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0; /* a newer event had it */
	/* `since` drops what a full pass with it would not list (created never changes). */
	int64_t ocreated;
	if (s->since != BILLTAP_TIME_NONE && kind != K_PRODUCT &&
	    billtap_json_int(&ocreated, doc, billtap_json_get(doc, obj, "created")) == 0 &&
	    ocreated < s->since)
		return 0;
	/* A canceled subscription's event is customer.subscription.deleted, yet the
	 * subscription stays (status=all lists it): only a deletion of others is final. */
	size_t tl = strlen(type);
	int gone = kind != K_SUBSCRIPTION && tl > 8 && strcmp(type + tl - 8, ".deleted") == 0;
	if ((rc = add_entry(y, oid, kind, gone)) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	return 0;
}

/* The walk is over: was it whole? Then the entries go out. */
static int walk_over(stripe_sync *y, int met, billtap_sink *sink, billtap_ctx *ctx)
{
	if (y->rebuild) {
		if (!y->at_top || !met)
			return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
			                         "the events of the checkpoint's pass are no longer "
			                         "all in Stripe's feed: start from the sync token again");
		uint64_t h = HASH_START;
		for (size_t i = 0; i < y->want_k && i < y->count; i++)
			h = stripe_sync_hash_step(h, y->ent[i].id);
		if (y->count < y->want_k || h != y->want_hash ||
		    (y->want_k && strcmp(y->ent[y->want_k - 1].id, y->want_id) != 0) ||
		    (y->product_cursor &&
		     (y->want_k == y->count || y->ent[y->want_k].kind != K_PRODUCT)))
			return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
			                         "Stripe's events changed under the checkpoint: start "
			                         "from the sync token again");
		y->next = y->want_k;
		y->hash = h;
	} else if (y->from && !met) {
		/* Stripe no longer lists the sync point: it is older than Stripe keeps events
		 * (by Stripe's clock, whatever the client's says), and so may be changes after
		 * it. Also when the feed was merely quiet since: nothing here tells the two
		 * apart. */
		char msg[400];
		snprintf(msg, sizeof msg, "event %s of the sync token is no longer in Stripe's "
		         "event list (Stripe keeps events 30 days): a full pass is needed", y->from);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
	}
	int rc = 0;
	if (y->next < y->count && !y->rebuild) {
		/* Resuming before the first record must walk these same events again. */
		char buf[700];
		if ((rc = stripe_sync_chg_mark(buf, sizeof buf, y, 0, HASH_START)) < 0)
			rc = billtap_ctx_error(ctx, BILLTAP_EDATA, "event id too long for a mark");
		else
			rc = billtap_sink_mark(sink, buf);
	}
	if (rc == 0)
		rc = stripe_sync_flush_gone(y, y->next, y->hash, sink, ctx);
	if (rc == 0)
		y->phase = PH_EMIT;
	return rc;
}

static int handle_events(stripe_stream *s, stripe_sync *y, const billtap_request *req,
                         const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	char idbuf[256], *cursor = NULL;
	const char *id = NULL;
	int64_t created = 0;
	int met = 0;
	if (!y->walk_cursor)
		reset_walk(y);
	for (billtap_json_ref ev = billtap_json_first(s->doc, data); ev != BILLTAP_JSON_NONE && !met;
	     ev = billtap_json_next(s->doc, ev)) {
		if (event_id(&id, &created, s->doc, ev, idbuf, sizeof idbuf) < 0)
			return stripe_sync_data_error(ctx, req, resp, "event without an id or created");
		if (!y->rebuild && !y->top && (rc = set_id(&y->top, &y->top_created, id, created)) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		if (!y->rebuild && y->from && strcmp(id, y->from) == 0) {
			met = 1; /* the sync point: older events were seen before */
			break;
		}
		if (y->rebuild && !y->at_top) {
			if (strcmp(id, y->top) != 0)
				continue; /* newer than the pass being resumed */
			y->at_top = 1;
		}
		if ((rc = take_event(s, y, ev, id, created, req, resp, ctx)) < 0)
			return rc;
		if (y->rebuild && strcmp(id, y->bottom) == 0)
			met = 1;
	}
	if (!met && has_more && !(cursor = strdup(id)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if ((rc = stripe_report_page(sink, "events", cursor, has_more && !met, s, data)) < 0 ||
	    ((met || !has_more) && (rc = walk_over(y, met, sink, ctx)) < 0)) {
		free(cursor);
		return rc;
	}
	free(y->walk_cursor);
	y->walk_cursor = cursor;
	return 0;
}

int stripe_sync_response(stripe_stream *s, const billtap_request *req,
                         const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	stripe_sync *y = s->sync;
	uint64_t tag = billtap_request_tag(req);
	if (tag >= TAG_OBJECT)
		return stripe_sync_emit_response(s, req, resp, sink, ctx);
	if (billtap_response_status(resp) != 200)
		return stripe_response_error(s, req, resp, ctx);
	return tag == TAG_HEAD ? handle_head(s, y, req, resp, sink, ctx)
	                       : handle_events(s, y, req, resp, sink, ctx);
}
