/*
 * Stripe: lists walked newest-first with limit/starting_after/has_more, filters repeated on
 * every page, a pinned Stripe-Version, and a resume mark after every record (the mark is
 * the cursor: "starting_after = this record"), so checkpoints never need skipping.
 *
 *   customers      GET /v1/customers
 *   plans          GET /v1/prices?expand[]=data.product           (recurring and one-time)
 *   subscriptions  GET /v1/subscriptions?status=all, then /v1/subscription_items for a
 *                  subscription whose embedded item list is truncated
 *   transactions   GET /v1/charges, then GET /v1/refunds?expand[]=data.charge
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "providers/common.h"
#include "stripe.h"

enum stage { STAGE_CUSTOMERS, STAGE_PRICES, STAGE_SUBSCRIPTIONS, STAGE_CHARGES, STAGE_REFUNDS,
	     STAGE_DONE };

static const struct stage_info {
	const char *name; /* also the mark prefix */
	const char *path;
	const char *expand;
} stages[] = {
	[STAGE_CUSTOMERS] = { "customers", "/v1/customers", NULL },
	[STAGE_PRICES] = { "prices", "/v1/prices", "data.product" },
	[STAGE_SUBSCRIPTIONS] = { "subscriptions", "/v1/subscriptions", NULL },
	[STAGE_CHARGES] = { "charges", "/v1/charges", NULL },
	[STAGE_REFUNDS] = { "refunds", "/v1/refunds", "data.charge" },
};

enum { TAG_LIST = 1, TAG_ITEMS = 2 };

/* A subscription waiting for the rest of its items, or one queued behind such a one (records
 * leave in list order so that the per-record marks stay true). */
typedef struct held {
	billtap_record *rec;
	stripe_period period;
	int items_more;  /* more items to page */
	char *item_cursor;
} held;

typedef struct stripe_stream {
	enum stage stage, last_stage;
	char *cursor; /* starting_after for the next list page; NULL on the first */
	int64_t since;
	char *base_url, *api_key, *version, *account;
	int64_t page_size;
	int broken; /* an error that left the stream unable to continue exactly */
	held *held;
	size_t held_count, held_cap;
	billtap_json *doc;
} stripe_stream;

static const billtap_setting_def stripe_settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	  "secret (sk_...) or restricted (rk_...) API key"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.stripe.com", 0, 0, "API origin"),
	BILLTAP_SETTING("stripe_version", 0, "2025-03-31.basil", 0, 0,
	  "the Stripe-Version every request pins (the response shape depends on it)"),
	BILLTAP_SETTING("stripe_account", 0, NULL, 0, 0, "a connected account (acct_...) to read, via Stripe-Account"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "100", 1, 100, "records per list request"),
	BILLTAP_SETTINGS_END,
};

static void held_clear(held *h)
{
	billtap_record_free(h->rec);
	free(h->item_cursor);
	memset(h, 0, sizeof *h);
}

static void stream_free(void *p)
{
	stripe_stream *s = p;
	if (!s)
		return;
	for (size_t i = 0; i < s->held_count; i++)
		held_clear(&s->held[i]);
	free(s->held);
	free(s->cursor);
	free(s->base_url);
	if (s->api_key)
		memset(s->api_key, 0, strlen(s->api_key));
	free(s->api_key);
	free(s->version);
	free(s->account);
	billtap_json_free(s->doc);
	free(s);
}

/* Marks are "<stage name>:<id of the last record returned>", e.g. "charges:ch_123". */
static int parse_resume(stripe_stream *s, const char *token, billtap_ctx *ctx)
{
	const char *colon = strchr(token, ':');
	if (colon) {
		for (enum stage st = s->stage; st <= s->last_stage; st++) {
			size_t n = strlen(stages[st].name);
			if ((size_t)(colon - token) == n && strncmp(token, stages[st].name, n) == 0 &&
			    colon[1]) {
				s->stage = st;
				s->cursor = strdup(colon + 1);
				return s->cursor ? 0 : billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
			}
		}
	}
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                         "checkpoint position is not one this stream makes");
}

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	*out = NULL;
	stripe_stream *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	switch (params->resource) {
	case BILLTAP_RESOURCE_CUSTOMERS: s->stage = s->last_stage = STAGE_CUSTOMERS; break;
	case BILLTAP_RESOURCE_PLANS: s->stage = s->last_stage = STAGE_PRICES; break;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS: s->stage = s->last_stage = STAGE_SUBSCRIPTIONS; break;
	default:
		s->stage = STAGE_CHARGES;
		s->last_stage = STAGE_REFUNDS;
	}
	s->since = params->since;
	s->base_url = pv_setting_dup(ctx, "base_url");
	s->api_key = pv_setting_dup(ctx, "api_key");
	s->version = pv_setting_dup(ctx, "stripe_version");
	s->account = pv_setting_dup(ctx, "stripe_account"); /* empty: no connected account */
	int rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size");
	const char *version = billtap_ctx_setting(ctx, "stripe_version");
	if (!version || !*version) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                         "setting stripe_version: must not be empty (the response "
		                         "shape depends on it)");
	}
	if (!s->base_url || !s->api_key || !s->version || rc < 0) {
		stream_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if ((rc = billtap_json_new(&s->doc)) < 0 ||
	    (params->resume && (rc = parse_resume(s, params->resume, ctx)) < 0)) {
		stream_free(s);
		return rc == BILLTAP_ENOMEM ? billtap_ctx_error(ctx, rc, NULL) : rc;
	}
	*out = s;
	return 0;
}

static int add_headers(billtap_request *req, const stripe_stream *s)
{
	int rc = billtap_request_set_bearer(req, s->api_key);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Stripe-Version", s->version);
	if (rc == 0 && s->account)
		rc = billtap_request_add_header(req, "Stripe-Account", s->account);
	return rc;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	stripe_stream *s = p;
	char num[32];
	int rc;
	if (s->broken)
		return s->broken;
	if (s->held_count && s->held[0].items_more) {
		held *h = &s->held[0];
		const char *sub = billtap_record_id(h->rec);
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/subscription_items")) < 0 ||
		       (rc = billtap_request_add_query(req, "subscription", sub)) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", "100")) < 0 ||
		       (h->item_cursor &&
		        (rc = billtap_request_add_query(req, "starting_after", h->item_cursor)) < 0));
		billtap_request_set_tag(req, TAG_ITEMS);
	} else if (s->stage > s->last_stage) {
		return BILLTAP_ITEROVER;
	} else {
		const struct stage_info *st = &stages[s->stage];
		snprintf(num, sizeof num, "%lld", (long long)s->page_size);
		(void)((rc = billtap_request_set_url(req, s->base_url, st->path)) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", num)) < 0);
		if (rc == 0 && s->stage == STAGE_SUBSCRIPTIONS)
			rc = billtap_request_add_query(req, "status", "all"); /* else canceled ones hide */
		if (rc == 0 && st->expand)
			rc = billtap_request_add_query(req, "expand[]", st->expand);
		if (rc == 0 && s->since != BILLTAP_TIME_NONE) {
			snprintf(num, sizeof num, "%lld", (long long)s->since);
			rc = billtap_request_add_query(req, "created[gte]", num);
		}
		if (rc == 0 && s->cursor)
			rc = billtap_request_add_query(req, "starting_after", s->cursor);
		billtap_request_set_tag(req, TAG_LIST);
	}
	if (rc == 0)
		rc = add_headers(req, s);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

/* Stripe's error envelope -> the client's error. */
static int response_error(const billtap_request *req, const billtap_response *resp,
                          billtap_json *doc, billtap_ctx *ctx)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	const char *request_id = billtap_response_header(resp, "Request-Id");
	int status = billtap_response_status(resp);
	int code = billtap_http_status_error(status);
	char message[600] = "", provider_code[128] = "";
	if (billtap_json_parse(doc, body, len) == 0) {
		billtap_json_ref err = billtap_json_get(doc, billtap_json_root(doc), "error");
		size_t n;
		billtap_json_ref c = billtap_json_get(doc, err, "code");
		if (billtap_json_typeof(doc, c) != BILLTAP_JSON_STRING)
			c = billtap_json_get(doc, err, "type");
		billtap_json_str_decode(provider_code, sizeof provider_code, &n, doc, c);
		billtap_json_str_decode(message, sizeof message, &n, doc,
		                        billtap_json_get(doc, err, "message"));
	}
	if (!message[0]) /* not Stripe's envelope: a proxy, a load balancer */
		pv_body_excerpt(message, sizeof message, resp);
	if (status == 200)
		code = BILLTAP_EDATA;
	return billtap_ctx_http_error(ctx, code, req, resp, request_id,
	                              provider_code[0] ? provider_code : NULL, message);
}

static int parse_list(billtap_json_ref *data, int *has_more, stripe_stream *s,
                      const billtap_request *req, const billtap_response *resp, billtap_ctx *ctx)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (billtap_json_parse(s->doc, body, len) < 0) {
		char msg[300];
		snprintf(msg, sizeof msg, "response is not valid JSON: %s", billtap_json_error(s->doc));
		return billtap_ctx_http_error(ctx, BILLTAP_EPARSE, req, resp,
		                              billtap_response_header(resp, "Request-Id"), NULL, msg);
	}
	billtap_json_ref root = billtap_json_root(s->doc);
	*data = billtap_json_get(s->doc, root, "data");
	if (!billtap_json_str_eq(s->doc, billtap_json_get(s->doc, root, "object"), "list") ||
	    billtap_json_typeof(s->doc, *data) != BILLTAP_JSON_ARRAY ||
	    billtap_json_bool(has_more, s->doc, billtap_json_get(s->doc, root, "has_more")) < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Request-Id"), NULL,
		                              "response is not a list object with data and has_more");
	if (*has_more && billtap_json_count(s->doc, *data) == 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Request-Id"), NULL,
		                              "empty page with has_more: cannot continue");
	return 0;
}

/* Pushes the held subscriptions that are complete, in order, up to the first that is not. */
static int flush_held(stripe_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t done = 0;
	int rc = 0;
	while (done < s->held_count && !s->held[done].items_more) {
		held *h = &s->held[done];
		if (stripe_finish_subscription(h->rec, &h->period) < 0) {
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
			break;
		}
		billtap_record *rec = h->rec;
		h->rec = NULL;
		held_clear(h);
		done++;
		if ((rc = pv_push_marked(sink, rec, stages[STAGE_SUBSCRIPTIONS].name, ctx)) < 0)
			break;
	}
	memmove(s->held, s->held + done, (s->held_count - done) * sizeof *s->held);
	s->held_count -= done;
	return rc;
}

static int hold(stripe_stream *s, billtap_record *rec, const stripe_period *period, int more)
{
	if (s->held_count == s->held_cap) {
		size_t cap = s->held_cap ? s->held_cap * 2 : 8;
		held *p = realloc(s->held, cap * sizeof *p);
		if (!p)
			return BILLTAP_ENOMEM;
		s->held = p;
		s->held_cap = cap;
	}
	held *h = &s->held[s->held_count];
	memset(h, 0, sizeof *h);
	h->period = *period;
	h->items_more = more;
	if (more) {
		size_t n = billtap_record_item_count(rec);
		const char *last = n ? billtap_record_id(billtap_record_item(rec, n - 1)) : NULL;
		if (last && !(h->item_cursor = strdup(last)))
			return BILLTAP_ENOMEM;
	}
	h->rec = rec;
	s->held_count++;
	return 0;
}

/* A page failed half way: forget what it held (the engine drops what it pushed). */
static void drop_held(stripe_stream *s)
{
	for (size_t i = 0; i < s->held_count; i++)
		held_clear(&s->held[i]);
	s->held_count = 0;
}

static int map_one(billtap_record **rec, stripe_period *period, int *more, stripe_stream *s,
                   billtap_json_ref obj, billtap_ctx *ctx)
{
	*more = 0;
	switch (s->stage) {
	case STAGE_CUSTOMERS: return stripe_map_customer(rec, s->doc, obj, ctx);
	case STAGE_PRICES: return stripe_map_price(rec, s->doc, obj, ctx);
	case STAGE_SUBSCRIPTIONS: return stripe_map_subscription(rec, period, more, s->doc, obj, ctx);
	case STAGE_CHARGES: return stripe_map_charge(rec, s->doc, obj, ctx);
	default: return stripe_map_refund(rec, s->doc, obj, ctx);
	}
}

static int handle_list(stripe_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more;
	int rc = parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref last = BILLTAP_JSON_NONE;
	for (billtap_json_ref obj = billtap_json_first(s->doc, data); obj != BILLTAP_JSON_NONE;
	     obj = billtap_json_next(s->doc, obj)) {
		billtap_record *rec;
		stripe_period period;
		int more;
		if ((rc = map_one(&rec, &period, &more, s, obj, ctx)) < 0)
			break;
		last = billtap_json_get(s->doc, obj, "id");
		if (s->stage != STAGE_SUBSCRIPTIONS) {
			if ((rc = pv_push_marked(sink, rec, stages[s->stage].name, ctx)) < 0)
				break;
			continue;
		}
		/* Subscriptions queue up behind one whose items are still being paged. */
		if ((rc = hold(s, rec, &period, more)) < 0) {
			billtap_record_free(rec);
			rc = billtap_ctx_error(ctx, rc, NULL);
			break;
		}
		if ((rc = flush_held(s, sink, ctx)) < 0)
			break;
	}
	if (rc < 0) {
		drop_held(s);
		return rc;
	}
	/* The page went through: only now move the cursor (a failure above re-reads it). */
	if (has_more) {
		const char *text;
		size_t len, n;
		billtap_json_text(&text, &len, s->doc, last);
		char *cursor = malloc(len + 1);
		if (!cursor)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		billtap_json_str_decode(cursor, len + 1, &n, s->doc, last);
		free(s->cursor);
		s->cursor = cursor;
	} else {
		free(s->cursor);
		s->cursor = NULL;
		s->stage++;
	}
	return 0;
}

static int handle_items(stripe_stream *s, const billtap_request *req,
                        const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more;
	int rc = parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	held *h = &s->held[0];
	/* Map into a scratch subscription first: a bad item must leave the held one untouched,
	 * since the engine will ask for this page again. */
	billtap_record *scratch;
	if ((rc = billtap_record_new(&scratch, BILLTAP_RECORD_SUBSCRIPTION)) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	stripe_period period = h->period;
	for (billtap_json_ref it = billtap_json_first(s->doc, data); it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(s->doc, it)) {
		if ((rc = stripe_map_item(scratch, &period, s->doc, it, ctx)) < 0) {
			billtap_record_free(scratch);
			return rc;
		}
	}
	size_t n = billtap_record_item_count(scratch);
	for (size_t i = 0; i < n && rc == 0; i++) {
		const billtap_record *from = billtap_record_item(scratch, i);
		billtap_record *to;
		rc = billtap_record_add_item(&to, h->rec);
		for (billtap_field f = BILLTAP_FIELD_ID; rc == 0 && f <= BILLTAP_FIELD_OCCURRED_AT; f++) {
			const char *sv;
			int64_t iv;
			if (billtap_record_get_str(&sv, from, f) == 0)
				rc = billtap_record_set_str(to, f, sv, strlen(sv));
			else if (billtap_record_get_int(&iv, from, f) == 0)
				rc = billtap_record_set_int(to, f, iv);
		}
	}
	const char *last = n ? billtap_record_id(billtap_record_item(scratch, n - 1)) : NULL;
	char *cursor = last ? strdup(last) : NULL;
	billtap_record_free(scratch);
	if (rc < 0 || (last && !cursor)) {
		/* Some items may already be in the held subscription: asking for the page
		 * again would add them twice, so the stream stops here. */
		free(cursor);
		return s->broken = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	h->period = period;
	if (cursor) {
		free(h->item_cursor);
		h->item_cursor = cursor;
	}
	h->items_more = has_more;
	/* Held subscriptions leave the stream as they are pushed: if a push fails they are
	 * gone, so the stream stops here rather than skip them on the next call. */
	if ((rc = flush_held(s, sink, ctx)) < 0)
		s->broken = rc;
	return rc;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	stripe_stream *s = p;
	if (billtap_response_status(resp) != 200)
		return response_error(req, resp, s->doc, ctx);
	if (billtap_request_tag(req) == TAG_ITEMS)
		return handle_items(s, req, resp, sink, ctx);
	return handle_list(s, req, resp, sink, ctx);
}

static int classify(int *delay_ms, void *session, const billtap_request *req,
                    const billtap_response *resp, billtap_ctx *ctx)
{
	/* Stripe says when a retry can or cannot help (stripe-go obeys this too). */
	const char *should = billtap_response_header(resp, "Stripe-Should-Retry");
	if (should && strcmp(should, "true") == 0)
		return BILLTAP_CLASSIFY_RETRY;
	if (should && strcmp(should, "false") == 0)
		return BILLTAP_CLASSIFY_FINAL;
	return BILLTAP_CLASSIFY_DEFAULT;
}

const billtap_provider bt_provider_stripe = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "stripe",
	.display_name = "Stripe",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS),
	.since_resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	                   BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |
	                   BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |
	                   BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS),
	.flags = 0,
	.settings = stripe_settings,
	.request_id_header = "Request-Id",
	.session_new = NULL,
	.session_free = NULL,
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.classify_response = classify,
};
