/*
 * Stripe: lists walked newest-first with limit/starting_after/has_more, filters repeated on
 * every page, a pinned Stripe-Version, and in one walk a resume mark after every record
 * (the mark is the cursor: "starting_after = this record"), so its checkpoints never need
 * skipping (slices mark once a page: stripe_slices.c).
 *
 *   customers      GET /v1/customers
 *   plans          GET /v1/prices?expand[]=data.product&expand[]=data.tiers (recurring and
 *                  one-time)
 *   subscriptions  GET /v1/subscriptions?status=all&expand[]=data.discounts, then
 *                  /v1/subscription_items for a
 *                  subscription whose embedded item list is truncated
 *   invoices       GET /v1/invoices, then /v1/invoices/{id}/lines for an invoice whose
 *                  embedded line list is truncated
 *   transactions   GET /v1/invoice_payments?expand[]=data.invoice (API versions from
 *                  2025-03-31.basil: which invoice each payment paid; no records), or
 *                  in slices GET /v1/invoices?expand[]=data.payments
 *                  (stripe_links_walk.c), then
 *                  GET /v1/charges?expand[]=data.balance_transaction, then
 *                  GET /v1/refunds?expand[]=data.charge&expand[]=data.balance_transaction, then
 *                  GET /v1/disputes?expand[]=data.charge
 *
 * Every list (and the invoice links) is walked in parallel slices of created time
 * (stripe_slices.c) unless parallel_slices is 1; nested pages and the incremental passes'
 * requests wait for the one before them. Incremental passes (the head of the event feed
 * first, then passes of changes from the Events API) are stripe_sync.c's; they share this
 * stream's state (stripe_stream.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_slices.h"

static const struct stage_info {
	const char *name; /* also the mark prefix */
	const char *path;
	const char *expand[2]; /* expand[] paths, NULL when fewer */
	int nested;            /* records have a nested list that may need more pages */
	int sliced;            /* walked in parallel slices (stripe_slices.c) */
} stages[] = {
	[STAGE_CUSTOMERS] = { "customers", "/v1/customers", { NULL, NULL }, 0, 1 },
	/* the product for its name, the tiers of tiered prices (Stripe sends them only so) */
	[STAGE_PRICES] = { "prices", "/v1/prices", { "data.product", "data.tiers" }, 0, 1 },
	/* discounts expanded for their coupons */
	[STAGE_SUBSCRIPTIONS] = { "subscriptions", "/v1/subscriptions", { "data.discounts", NULL }, 1, 1 },
	[STAGE_INVOICES] = { "invoices", "/v1/invoices", { NULL, NULL }, 1, 1 },
	/* read whole before the transactions, never filtered by `since` (an old invoice
	 * payment may link a new charge), marks nothing */
	[STAGE_INVOICE_PAYMENTS] = { "invoice_payments", "/v1/invoice_payments",
	                             { "data.invoice", NULL }, 0, 0 },
	/* the same links in slices: each invoice with its payments (stripe_links_walk.c) */
	[STAGE_INVOICE_LINKS] = { "invoice_links", "/v1/invoices", { "data.payments", NULL }, 0, 1 },
	/* balance transactions carry the fee and net */
	[STAGE_CHARGES] = { "charges", "/v1/charges", { "data.balance_transaction", NULL }, 0, 1 },
	[STAGE_REFUNDS] = { "refunds", "/v1/refunds",
	                    { "data.charge", "data.balance_transaction" }, 0, 1 },
	[STAGE_DISPUTES] = { "disputes", "/v1/disputes", { "data.charge", NULL }, 0, 1 },
};

static const billtap_setting_def stripe_settings[] = {
	BILLTAP_SETTING("api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED |
	                                   BILLTAP_SETTING_ACCOUNT, NULL, 0, 0,
	                "secret (sk_...) or restricted (rk_...) API key"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api.stripe.com", 0, 0,
	                "API origin"),
	BILLTAP_SETTING("stripe_version", 0, "2025-03-31.basil", 0, 0,
	                "the Stripe-Version every request pins (the response shape depends on it)"),
	BILLTAP_SETTING("stripe_account", BILLTAP_SETTING_ACCOUNT, NULL, 0, 0,
	                "a connected account (acct_...) to read, via Stripe-Account"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "100", 1, 100, "records per list request"),
	BILLTAP_SETTING("parallel_slices", BILLTAP_SETTING_INT, "8", 1, 16,
	                "every list (and the invoice links): windows of created time paged at once "
	                "(1: one walk, newest first; at most max_in_flight are out)"),
	BILLTAP_SETTINGS_END,
};

/* Stripe's error envelope: {"error": {"type", "code", "message", ...}}. */
static const char *const error_codes[] = { "error.code", "error.type", NULL };
static const char *const error_messages[] = { "error.message", NULL };

static void held_clear(held *h)
{
	billtap_record_free(h->rec);
	free(h->mark);
	free(h->cursor);
	free(h->prefix);
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
	free(s->resume_cursor);
	free(s->topup_cursor);
	stripe_links_free(s->links);
	stripe_links_walk_free(s);
	free(s->base_url);
	if (s->api_key)
		memset(s->api_key, 0, strlen(s->api_key));
	free(s->api_key);
	free(s->version);
	free(s->account);
	billtap_json_free(s->doc);
	stripe_sync_free(s->sync);
	stripe_slices_free(s->slices);
	free(s->slices_resume);
	free(s->prefix_buf);
	free(s);
}

/* Marks are "<stage name>:<id of the last record returned>", e.g. "charges:ch_123". */
static int parse_resume(stripe_stream *s, const char *token, billtap_ctx *ctx)
{
	for (enum stage st = s->stage; st <= s->last_stage; st++) {
		size_t n = strlen(stages[st].name);
		if (strncmp(token, stages[st].name, n) != 0 || !token[n] || !token[n + 1])
			continue;
		if (token[n] == ':') {
			s->stage = st;
			s->cursor = strdup(token + n + 1);
			return s->cursor ? 0 : billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		if (token[n] == '~' && stages[st].sliced) {
			/* Slices resume when the walk reaches the list (after the invoice links). */
			s->stage = st;
			s->slices_resume = strdup(token + n + 1);
			return s->slices_resume ? 0 : billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
	}
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                         "checkpoint position is not one this stream makes");
}

/* A list is walked in slices (stripe_slices.c) in a plain pass, from its start (a mark
 * "customers:ID" of one walk goes on as one walk), once its invoice links are up to date,
 * with parallel_slices above 1 or a slices mark ("charges~...") to resume, which resumes in
 * slices whatever the setting says now. The invoice links' own walk starts after its
 * anchor, whole (no `since`). */
static int slice_stage(stripe_stream *s, billtap_ctx *ctx)
{
	int links = s->stage == STAGE_INVOICE_LINKS; /* after its anchor, never by `since` */
	if (s->sync || s->stage > s->last_stage || !stages[s->stage].sliced || s->cursor ||
	    s->held_count || (links && s->anchored != 1) ||
	    (!links && s->links && !(s->topped & (1u << s->stage))))
		return 0;
	int64_t max = 1;
	int rc = billtap_ctx_setting_int(&max, ctx, "parallel_slices");
	if (rc < 0)
		return rc;
	if (links) /* a slices mark waits for its own list */
		return stripe_slices_new(&s->slices, BILLTAP_TIME_NONE, (int)max, NULL, ctx);
	if (!s->slices_resume && max <= 1)
		return 0;
	rc = stripe_slices_new(&s->slices, s->since, (int)max, s->slices_resume, ctx);
	free(s->slices_resume);
	s->slices_resume = NULL;
	return rc;
}

/* Stripe's documented limits: 100 requests a second in live mode, 25 in test mode
 * (docs.stripe.com/rate-limits), by the key's mode; a key of neither form gets the lower
 * one. Stripe does not publish its bucket's size: a fifth of a second's worth keeps a
 * volley of requests in flight from arriving at once. */
static int declare_rate(const char *api_key, billtap_ctx *ctx)
{
	int live = api_key && (strncmp(api_key, "sk_live_", 8) == 0 ||
	                       strncmp(api_key, "rk_live_", 8) == 0);
	return billtap_ctx_set_rate(ctx, live ? 100 : 25, live ? 20 : 5);
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
	case BILLTAP_RESOURCE_INVOICES: s->stage = s->last_stage = STAGE_INVOICES; break;
	default:
		s->stage = STAGE_CHARGES;
		s->last_stage = STAGE_DISPUTES;
	}
	s->since = params->since;
	int rc;
	(void)((rc = billtap_ctx_setting_dup(&s->base_url, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->api_key, ctx, "api_key")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->version, ctx, "stripe_version")) < 0 ||
	       /* empty: no connected account */
	       (rc = billtap_ctx_setting_dup(&s->account, ctx, "stripe_account")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size")) < 0);
	if (rc == 0 && !s->version)
		rc = billtap_ctx_error(ctx, BILLTAP_ESETTING,
		                       "setting stripe_version: must not be empty (the response "
		                       "shape depends on it)");
	if (rc == 0 && (rc = billtap_json_new(&s->doc)) < 0)
		rc = billtap_ctx_error(ctx, rc, NULL);
	if (rc == 0)
		rc = declare_rate(s->api_key, ctx);
	/* An incremental pass takes its own tokens, and hands a full pass's place on. */
	const char *resume = params->resume;
	int changes = 0;
	if (rc == 0 && params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL))
		rc = stripe_sync_new(s, params, &resume, &changes, ctx);
	if (rc == 0 && resume && !changes)
		rc = parse_resume(s, resume, ctx);
	/* API versions from 2025-03-31.basil: charges no longer name their invoice, invoice
	 * payments do. Versions are dated ("2025-03-31.basil"), so they compare as text. A
	 * pass of changes looks each payment up instead of reading them all. */
	if (rc == 0 && s->stage >= STAGE_CHARGES && strncmp(s->version, "2025-03-31", 10) >= 0) {
		int sliced = 0;
		if ((rc = stripe_links_new(&s->links)) < 0) {
			rc = billtap_ctx_error(ctx, rc, NULL);
		} else if (!changes && (rc = sliced = stripe_links_sliced(s, ctx)) >= 0) {
			rc = 0;
			s->resume_stage = s->stage;
			s->resume_cursor = s->cursor;
			s->cursor = NULL;
			s->stage = sliced ? STAGE_INVOICE_LINKS : STAGE_INVOICE_PAYMENTS;
		}
	}
	if (rc < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int stripe_add_headers(billtap_request *req, const stripe_stream *s)
{
	int rc = billtap_request_set_bearer(req, s->api_key);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Stripe-Version", s->version);
	if (rc == 0 && s->account)
		rc = billtap_request_add_header(req, "Stripe-Account", s->account);
	return rc;
}

static int is_subscription(const held *h);

int stripe_nested_request(billtap_request *req, stripe_stream *s, held *h)
{
	const char *id = billtap_record_id(h->rec);
	int rc;
	if (is_subscription(h))
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/subscription_items")) < 0 ||
		       (rc = billtap_request_add_query(req, "subscription", id)) < 0);
	else
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/invoices")) < 0 ||
		       (rc = billtap_request_add_path(req, id)) < 0 ||
		       (rc = billtap_request_add_path(req, "lines")) < 0);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "limit", "100")) < 0 ||
	       (h->cursor && (rc = billtap_request_add_query(req, "starting_after", h->cursor)) < 0));
	billtap_request_set_tag(req, TAG_NESTED | h->nid << 8);
	return rc;
}

/* The next request outside slices: nested pages first, then the incremental pass's, then
 * the lists'. */
static int one_request(billtap_request *req, stripe_stream *s, billtap_ctx *ctx)
{
	int rc, built;
	if (s->held_count && s->held[0].more) {
		rc = stripe_nested_request(req, s, &s->held[0]);
		s->held[0].out = 1;
	} else if ((rc = stripe_sync_request(&built, req, s, ctx)) != 0 || built) {
		return rc; /* built by the incremental pass, or its end */
	} else if (s->stage > s->last_stage) {
		return BILLTAP_ITEROVER;
	} else if (s->stage == STAGE_INVOICE_LINKS) {
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE,
		                         "provider bug: the invoice links' walk is only in slices");
	} else if (s->links && s->stage >= STAGE_CHARGES && !(s->topped & (1u << s->stage))) {
		/* few are new since the links were read: small pages, the first one usually
		 * ending at a known one */
		(void)((rc = billtap_request_set_url(req, s->base_url, "/v1/invoice_payments")) < 0 ||
		       (rc = billtap_request_add_query(req, "limit", "10")) < 0 ||
		       (rc = billtap_request_add_query(req, "expand[]", "data.invoice")) < 0 ||
		       (s->topup_cursor &&
		        (rc = billtap_request_add_query(req, "starting_after", s->topup_cursor)) < 0));
		billtap_request_set_tag(req, TAG_TOPUP);
	} else {
		rc = stripe_list_request(req, s,
		                         s->stage == STAGE_INVOICE_PAYMENTS ? BILLTAP_TIME_NONE : s->since,
		                         BILLTAP_TIME_NONE, s->cursor);
	}
	if (rc == 0)
		rc = stripe_add_headers(req, s);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the request") : 0;
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	stripe_stream *s = p;
	int rc;
	for (;;) {
		if (s->stage == STAGE_INVOICE_LINKS) {
			/* the anchor first, then follow-ups before the slices' next pages */
			int built;
			if ((rc = stripe_links_walk_request(&built, req, s, ctx)) < 0 || built)
				goto out;
			if (s->anchored != 1)
				return BILLTAP_PROVIDER_WAIT;
		}
		if (!s->slices && !s->in_flight && (rc = slice_stage(s, ctx)) < 0)
			return rc;
		if (!s->slices)
			break;
		if (s->held_count) {
			/* Records wait for their nested lists: those pages first, each record's
			 * next one at once, and no new page of the slices meanwhile (what is held
			 * stays within the pages out). */
			held *h = NULL;
			for (size_t i = 0; i < s->held_count && !h; i++)
				if (s->held[i].more && !s->held[i].out)
					h = &s->held[i];
			if (!h)
				return BILLTAP_PROVIDER_WAIT;
			if ((rc = stripe_nested_request(req, s, h)) < 0 ||
			    (rc = stripe_add_headers(req, s)) < 0)
				return billtap_ctx_error(ctx, rc, "cannot build the request");
			h->out = 1;
			goto out;
		}
		if ((rc = stripe_slices_request(req, s, ctx)) != BILLTAP_ITEROVER)
			goto out;
		if (s->stage == STAGE_INVOICE_LINKS && stripe_links_walk_busy(s))
			return BILLTAP_PROVIDER_WAIT; /* a follow-up is out */
		/* Every slice of the list ended: the next list. */
		stripe_slices_free(s->slices);
		s->slices = NULL;
		if (s->stage != STAGE_INVOICE_LINKS) {
			s->stage++;
			continue;
		}
		/* The links are complete: the walk goes where it was to start. */
		stripe_links_walk_free(s);
		s->stage = s->resume_stage;
		s->cursor = s->resume_cursor;
		s->resume_cursor = NULL;
		s->anchor_pending = 1;
	}
	if (s->in_flight)
		return BILLTAP_PROVIDER_WAIT; /* outside slices, each request waits for the last */
	rc = one_request(req, s, ctx);
out:
	if (rc == 0)
		s->in_flight++;
	return rc;
}

int stripe_list_request(billtap_request *req, const stripe_stream *s, int64_t gte, int64_t lt,
                        const char *cursor)
{
	const struct stage_info *st = &stages[s->stage];
	char num[32];
	snprintf(num, sizeof num, "%lld", (long long)s->page_size);
	int rc;
	(void)((rc = billtap_request_set_url(req, s->base_url, st->path)) < 0 ||
	       (rc = billtap_request_add_query(req, "limit", num)) < 0);
	if (rc == 0 && s->stage == STAGE_SUBSCRIPTIONS)
		rc = billtap_request_add_query(req, "status", "all"); /* else canceled ones hide */
	for (int e = 0; rc == 0 && e < 2 && st->expand[e]; e++)
		rc = billtap_request_add_query(req, "expand[]", st->expand[e]);
	if (rc == 0 && gte != BILLTAP_TIME_NONE) {
		snprintf(num, sizeof num, "%lld", (long long)gte);
		rc = billtap_request_add_query(req, "created[gte]", num);
	}
	if (rc == 0 && lt != BILLTAP_TIME_NONE) {
		snprintf(num, sizeof num, "%lld", (long long)lt);
		rc = billtap_request_add_query(req, "created[lt]", num);
	}
	if (rc == 0 && cursor)
		rc = billtap_request_add_query(req, "starting_after", cursor);
	billtap_request_set_tag(req, TAG_LIST);
	return rc;
}

int stripe_parse_list(billtap_json_ref *data, int *has_more, stripe_stream *s,
                      const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx)
{
	int rc = billtap_response_parse(s->doc, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	*data = billtap_json_get(s->doc, root, "data");
	const char *problem = NULL;
	if (!billtap_json_str_eq(s->doc, billtap_json_get(s->doc, root, "object"), "list") ||
	    billtap_json_typeof(s->doc, *data) != BILLTAP_JSON_ARRAY ||
	    billtap_json_bool(has_more, s->doc, billtap_json_get(s->doc, root, "has_more")) < 0)
		problem = "response is not a list object with data and has_more";
	else if (*has_more && billtap_json_count(s->doc, *data) == 0)
		problem = "empty page with has_more: cannot continue";
	if (!problem)
		return 0;
	return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
	                              billtap_response_header(resp, "Request-Id"), NULL, problem);
}

/* Tells the engine's loop guards what a page said: a stale page served again (has_more
 * and the same last id) is an error, never an endless walk. */
int stripe_report_page(billtap_sink *sink, const char *list, const char *next, int has_more,
                       const stripe_stream *s, billtap_json_ref data)
{
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = list;
	page.next = has_more ? next : NULL;
	page.more = has_more;
	page.items = (int64_t)billtap_json_count(s->doc, data);
	return billtap_sink_page(sink, &page);
}

/* Held records are subscriptions or invoices; the list stage may have moved on already
 * (its last page ended while a record still waits for nested pages). */
static int is_subscription(const held *h)
{
	return billtap_record_kind_of(h->rec) == BILLTAP_RECORD_SUBSCRIPTION;
}

/* The stage's mark prefix: "customers", or with the sync point before it in an incremental
 * full pass ("full:evt_1:1700000000:1700000100:customers"). */
const char *stripe_stage_prefix(stripe_stream *s, enum stage stage)
{
	const char *head = stripe_sync_full_head(s->sync);
	if (!head)
		return stages[stage].name;
	size_t n = strlen(head) + strlen(stages[stage].name) + 2;
	char *p = realloc(s->prefix_buf, n);
	if (!p)
		return NULL;
	snprintf(p, n, "%s:%s", head, stages[stage].name);
	return s->prefix_buf = p;
}

/* Pushes rec, a held record (h may have let go of it already), with its mark: the held
 * record's own prefix (a pass of changes), else its stage's. */
static int push_held(stripe_stream *s, billtap_record *rec, const held *h, billtap_sink *sink,
                     billtap_ctx *ctx)
{
	if (h->unmarked) /* a slice's: its page's mark follows as an entry of its own */
		return billtap_sink_push(sink, rec);
	int sub = billtap_record_kind_of(rec) == BILLTAP_RECORD_SUBSCRIPTION;
	const char *prefix =
		h->prefix ? h->prefix
		          : stripe_stage_prefix(s, sub ? STAGE_SUBSCRIPTIONS : STAGE_INVOICES);
	if (!prefix) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	return billtap_sink_push_marked(sink, rec, prefix);
}

/* Completes a held record (or a copy of one) once its nested list is all in. */
static int finish(billtap_record *rec, const stripe_period *period, billtap_ctx *ctx)
{
	return billtap_record_kind_of(rec) == BILLTAP_RECORD_SUBSCRIPTION
	               ? stripe_finish_subscription(rec, period, ctx)
	               : stripe_finish_invoice(rec, ctx);
}

/* A held record that could not be completed (code, recorded): skipped under
 * bad_records=skip (0), else the code. */
static int reject_record(billtap_sink *sink, int code, const billtap_record *rec)
{
	size_t len = 0;
	const char *raw = billtap_record_raw_json(rec, &len);
	return billtap_sink_reject(sink, code, billtap_record_id(rec), raw, len);
}

/* Pushes the held records (and slices marks) that are complete, in order, up to the first
 * that is not. Only while a list page is handled: it pushes only when nothing was held
 * before the page (else the first held one is still incomplete), so every record it pushes
 * came from that page, and when a push fails the caller forgets what the page held and the
 * page is read again (handle_list, stripe_slices_response). */
int stripe_flush_held(stripe_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t done = 0;
	int rc = 0;
	while (done < s->held_count && !s->held[done].more) {
		held *h = &s->held[done];
		if (!h->rec) {
			rc = billtap_sink_mark(sink, h->mark);
			held_clear(h);
			done++;
			if (rc < 0) {
				rc = billtap_ctx_error(ctx, rc, NULL);
				break;
			}
			continue;
		}
		if ((rc = finish(h->rec, &h->period, ctx)) < 0) {
			if ((rc = reject_record(sink, rc, h->rec)) < 0)
				break;
			held_clear(h); /* skipped */
			done++;
			continue;
		}
		billtap_record *rec = h->rec;
		h->rec = NULL;
		rc = push_held(s, rec, h, sink, ctx);
		held_clear(h);
		done++;
		if (rc < 0)
			break;
	}
	memmove(s->held, s->held + done, (s->held_count - done) * sizeof *s->held);
	s->held_count -= done;
	return rc;
}

/* The id of the last nested record of rec, copied into *cursor (NULL when none). */
static int last_nested_id(char **cursor, const billtap_record *rec)
{
	size_t n = billtap_record_item_count(rec);
	const char *last = n ? billtap_record_id(billtap_record_item(rec, n - 1)) : NULL;
	*cursor = NULL;
	if (last && !(*cursor = strdup(last)))
		return BILLTAP_ENOMEM;
	return 0;
}

int stripe_hold(stripe_stream *s, billtap_record *rec, const stripe_period *period, int more,
                const char *prefix, billtap_ctx *ctx)
{
	if (s->held_count == s->held_cap) {
		size_t cap = s->held_cap ? s->held_cap * 2 : 8;
		held *p = realloc(s->held, cap * sizeof *p);
		if (!p) {
			billtap_record_free(rec);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		s->held = p;
		s->held_cap = cap;
	}
	held *h = &s->held[s->held_count];
	memset(h, 0, sizeof *h);
	h->nid = ++s->next_nid;
	h->period = *period;
	h->more = more;
	h->rec = rec;
	if ((more && last_nested_id(&h->cursor, rec) < 0) ||
	    (prefix && !(h->prefix = strdup(prefix)))) {
		held_clear(h);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->held_count++;
	return 0;
}

void stripe_drop_held_from(stripe_stream *s, size_t n)
{
	for (size_t i = n; i < s->held_count; i++)
		held_clear(&s->held[i]);
	if (n < s->held_count)
		s->held_count = n;
}

/* A page failed half way: forget what it held (the engine drops what it pushed). */
static void drop_held(stripe_stream *s)
{
	stripe_drop_held_from(s, 0);
}

int stripe_hold_mark(stripe_stream *s, const char *mark, billtap_ctx *ctx)
{
	stripe_period none = { 0 };
	int rc = stripe_hold(s, NULL, &none, 0, NULL, ctx);
	if (rc < 0)
		return rc;
	held *h = &s->held[s->held_count - 1];
	if (!(h->mark = strdup(mark))) {
		s->held_count--;
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	return 0;
}

static int map_one(billtap_record **rec, stripe_period *period, int *more, stripe_stream *s,
                   billtap_json_ref obj, billtap_ctx *ctx)
{
	*more = 0;
	memset(period, 0, sizeof *period);
	switch (s->stage) {
	case STAGE_CUSTOMERS: return stripe_map_customer(rec, s->doc, obj, ctx);
	case STAGE_PRICES: return stripe_map_price(rec, s->doc, obj, ctx);
	case STAGE_SUBSCRIPTIONS: return stripe_map_subscription(rec, period, more, s->doc, obj, ctx);
	case STAGE_INVOICES: return stripe_map_invoice(rec, more, s->doc, obj, ctx);
	case STAGE_CHARGES: return stripe_map_charge(rec, s->links, s->doc, obj, ctx);
	case STAGE_REFUNDS: return stripe_map_refund(rec, s->links, s->doc, obj, ctx);
	default: return stripe_map_dispute(rec, s->links, s->doc, obj, ctx);
	}
}

/* The id of a page's last record, copied: the cursor of the next page. */
int stripe_last_id(char **out, const billtap_json *doc, billtap_json_ref data, billtap_ctx *ctx)
{
	billtap_json_ref last = billtap_json_first(doc, data);
	for (billtap_json_ref e = last; e != BILLTAP_JSON_NONE; e = billtap_json_next(doc, e))
		last = e;
	int rc = billtap_json_strdup(out, doc, billtap_json_get(doc, last, "id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	return rc < 0 ? billtap_ctx_error(ctx, BILLTAP_EDATA, "list record without an id") : 0;
}

/* A page of invoice payments: into the links (a page read again only overwrites them).
 * After the last one the walk goes where it was to start. */
static int links_page(stripe_stream *s, billtap_json_ref data, int has_more, char *cursor,
                      billtap_ctx *ctx)
{
	for (billtap_json_ref obj = billtap_json_first(s->doc, data); obj != BILLTAP_JSON_NONE;
	     obj = billtap_json_next(s->doc, obj)) {
		int rc = stripe_links_add(s->links, s->doc, obj, ctx);
		if (rc < 0) {
			free(cursor);
			return rc;
		}
	}
	free(s->cursor);
	s->cursor = cursor;
	if (!has_more) {
		s->stage = s->resume_stage;
		s->cursor = s->resume_cursor;
		s->resume_cursor = NULL;
	}
	return 0;
}

/* A top-up page: new invoice payments until one already known (the rest are older). */
static int handle_topup(stripe_stream *s, const billtap_request *req,
                        const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more, known = 0, rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	for (billtap_json_ref obj = billtap_json_first(s->doc, data);
	     obj != BILLTAP_JSON_NONE && !known; obj = billtap_json_next(s->doc, obj)) {
		if ((known = stripe_links_topup_done(s, obj)) < 0)
			return billtap_ctx_error(ctx, known, NULL);
		if (!known && (rc = stripe_links_add(s->links, s->doc, obj, ctx)) < 0)
			return rc;
	}
	char *cursor = NULL;
	if (!known && has_more && (rc = stripe_last_id(&cursor, s->doc, data, ctx)) < 0)
		return rc;
	free(s->topup_cursor);
	s->topup_cursor = cursor;
	if (!cursor) {
		s->topped |= 1u << s->stage;
		s->anchor_pending = 0; /* from now on the known ones are all the older ones */
	}
	return 0;
}

int stripe_push_page(stripe_stream *s, billtap_json_ref data, int marked, billtap_sink *sink,
                     billtap_ctx *ctx)
{
	int rc = 0;
	for (billtap_json_ref obj = billtap_json_first(s->doc, data); obj != BILLTAP_JSON_NONE;
	     obj = billtap_json_next(s->doc, obj)) {
		billtap_record *rec;
		stripe_period period;
		int more;
		if ((rc = map_one(&rec, &period, &more, s, obj, ctx)) < 0) {
			/* Skipped under bad_records=skip (0), else the stream stops here. */
			if ((rc = billtap_sink_reject_json(sink, rc, s->doc, obj, "id")) < 0)
				break;
			continue;
		}
		if (!stages[s->stage].nested && !marked) {
			if ((rc = billtap_sink_push(sink, rec)) < 0)
				break;
			continue;
		}
		if (!stages[s->stage].nested) {
			const char *prefix = stripe_stage_prefix(s, s->stage);
			if (!prefix) {
				billtap_record_free(rec);
				rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
				break;
			}
			if ((rc = billtap_sink_push_marked(sink, rec, prefix)) < 0)
				break;
			continue;
		}
		/* Records queue up behind one whose nested list is still being paged. */
		if ((rc = stripe_hold(s, rec, &period, more, NULL, ctx)) < 0)
			break;
		s->held[s->held_count - 1].unmarked = !marked;
		if ((rc = stripe_flush_held(s, sink, ctx)) < 0)
			break;
	}
	return rc;
}

const char *stripe_stage_name(enum stage stage)
{
	return stages[stage].name;
}

static int handle_list(stripe_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more;
	int rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	/* Everything that can fail happens before the page's records are let go of: the
	 * next cursor first, then mapping and pushing. Nothing is held when a list page is
	 * asked for (stream_request asks for nested pages first), so on failure what this
	 * page held is forgotten and the engine drops what it pushed: the page is read again
	 * from the same cursor. */
	char *cursor = NULL;
	if (has_more && (rc = stripe_last_id(&cursor, s->doc, data, ctx)) < 0)
		return rc;
	if ((rc = stripe_report_page(sink, stages[s->stage].name, cursor, has_more, s, data)) < 0) {
		free(cursor);
		return rc;
	}
	if (s->stage == STAGE_INVOICE_PAYMENTS)
		return links_page(s, data, has_more, cursor, ctx);
	rc = stripe_push_page(s, data, 1, sink, ctx);
	/* An incremental pass marks its sync point after its last record. */
	if (rc == 0)
		rc = stripe_sync_end(s, !has_more && s->stage == s->last_stage, s->held_count, sink,
		                     ctx);
	if (rc < 0) {
		drop_held(s);
		free(cursor);
		return rc;
	}
	free(s->cursor);
	s->cursor = cursor;
	if (!has_more)
		s->stage++;
	return 0;
}

/*
 * The first held record's nested list is complete: pushes it, with the nested records of
 * the page just read (moved out of `page`), and the complete records held behind it. All
 * or nothing: copies are pushed, and the held records are let go only once every push went
 * through. After a failure the engine drops what this call pushed and the stream is as it
 * was, so the same nested page is asked for again and everything is pushed once.
 */
static int hand_over(stripe_stream *s, billtap_record *page, const stripe_period *period,
                     billtap_sink *sink, billtap_ctx *ctx)
{
	size_t n = 1;
	while (n < s->held_count && !s->held[n].more)
		n++;
	for (size_t i = 0; i < n; i++) {
		held *h = &s->held[i];
		if (!h->rec) { /* a slices mark, after the records before it */
			int rc = billtap_sink_mark(sink, h->mark);
			if (rc < 0)
				return billtap_ctx_error(ctx, rc, NULL);
			continue;
		}
		billtap_record *copy;
		int rc = billtap_record_dup(&copy, h->rec);
		if (rc == 0 && i == 0)
			rc = billtap_record_move_items(copy, page);
		if (rc < 0) {
			billtap_record_free(copy);
			return billtap_ctx_error(ctx, rc, NULL);
		}
		if ((rc = finish(copy, i == 0 ? period : &h->period, ctx)) < 0) {
			rc = reject_record(sink, rc, copy);
			billtap_record_free(copy);
			if (rc < 0)
				return rc;
			continue; /* skipped; let go of with the others below */
		}
		if ((rc = push_held(s, copy, h, sink, ctx)) < 0)
			return rc;
	}
	int rc = stripe_sync_end(s, s->stage > s->last_stage, s->held_count - n, sink, ctx);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		held_clear(&s->held[i]);
	memmove(s->held, s->held + n, (s->held_count - n) * sizeof *s->held);
	s->held_count -= n;
	return 0;
}

/* The held record whose nested requests carry nid (NULL: none). */
static held *held_of(stripe_stream *s, uint64_t nid)
{
	for (size_t i = 0; i < s->held_count; i++)
		if (s->held[i].rec && s->held[i].nid == nid)
			return &s->held[i];
	return NULL;
}

static int handle_nested(stripe_stream *s, const billtap_request *req,
                         const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref data;
	int has_more;
	int rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	held *h = held_of(s, billtap_request_tag(req) >> 8);
	if (!h)
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE,
		                         "provider bug: a nested page of no held record");
	/* Map into a scratch record first: a bad element must leave the held one untouched,
	 * since the engine will ask for this page again. */
	billtap_record *scratch;
	if ((rc = billtap_record_new(&scratch, billtap_record_kind_of(h->rec))) < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	stripe_period period = h->period;
	for (billtap_json_ref e = billtap_json_first(s->doc, data); e != BILLTAP_JSON_NONE && rc == 0;
	     e = billtap_json_next(s->doc, e))
		rc = is_subscription(h) ? stripe_map_item(scratch, &period, s->doc, e, ctx)
		                        : stripe_map_line(scratch, s->doc, e, ctx);
	if (rc == 0) {
		/* The nested list of this one record ("lines:in_1"). */
		char list[160];
		char *next = NULL;
		snprintf(list, sizeof list, "%s:%s", is_subscription(h) ? "items" : "lines",
		         billtap_record_id(h->rec));
		if (has_more && last_nested_id(&next, scratch) < 0)
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		else
			rc = stripe_report_page(sink, list, next, has_more, s, data);
		free(next);
	}
	if (rc == 0 && !has_more && h == &s->held[0]) {
		/* The last page: the record leaves with it (and those held behind it). */
		rc = hand_over(s, scratch, &period, sink, ctx);
	} else if (rc == 0 && !has_more) {
		/* The last page of one behind the first: complete, it waits for its turn. */
		if (billtap_record_move_items(h->rec, scratch) < 0) {
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		} else {
			h->period = period;
			h->more = 0;
		}
	} else if (rc == 0) {
		/* More to come: the page's records join the held one, which waits for the next. */
		char *cursor = NULL;
		if (last_nested_id(&cursor, scratch) < 0 || billtap_record_move_items(h->rec, scratch) < 0) {
			free(cursor);
			rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		} else {
			h->period = period;
			if (cursor) {
				free(h->cursor);
				h->cursor = cursor;
			}
		}
	}
	billtap_record_free(scratch);
	return rc; /* on failure nothing moved: the page can be asked for again */
}

int stripe_response_error(stripe_stream *s, const billtap_request *req,
                          const billtap_response *resp, billtap_ctx *ctx)
{
	return billtap_response_error(req, resp, s->doc, error_codes, error_messages, ctx);
}

static int answer(stripe_stream *s, const billtap_request *req, const billtap_response *resp,
                  billtap_sink *sink, billtap_ctx *ctx)
{
	if (STRIPE_TAG_KIND(billtap_request_tag(req)) == STRIPE_TAG_SLICE)
		return billtap_response_status(resp) != 200 ? stripe_response_error(s, req, resp, ctx)
		                                            : stripe_slices_response(s, req, resp, sink, ctx);
	if (billtap_request_tag(req) == TAG_ANCHOR || billtap_request_tag(req) == TAG_PAYMENTS)
		return stripe_links_walk_response(s, req, resp, sink, ctx);
	if (STRIPE_TAG_KIND(billtap_request_tag(req)) == TAG_NESTED) {
		held *h = held_of(s, billtap_request_tag(req) >> 8);
		if (h)
			h->out = 0; /* answered, or to be asked again */
	} else if (billtap_request_tag(req) >= TAG_HEAD) {
		return stripe_sync_response(s, req, resp, sink, ctx);
	}
	if (billtap_response_status(resp) != 200)
		return stripe_response_error(s, req, resp, ctx);
	if (STRIPE_TAG_KIND(billtap_request_tag(req)) == TAG_NESTED)
		return handle_nested(s, req, resp, sink, ctx);
	if (billtap_request_tag(req) == TAG_TOPUP)
		return handle_topup(s, req, resp, ctx);
	return handle_list(s, req, resp, sink, ctx);
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	stripe_stream *s = p;
	if (s->in_flight > 0)
		s->in_flight--;
	int rc = answer(s, req, resp, sink, ctx);
	if (rc != 0) {
		/* The engine drops every request still out and asks for them again. */
		s->in_flight = 0;
		if (s->slices)
			stripe_slices_rewind(s->slices);
		s->follow_out = 0;
		for (size_t i = 0; i < s->held_count; i++)
			s->held[i].out = 0;
		if (s->anchored < 0)
			s->anchored = 0;
	}
	return rc;
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

#define ALL_RESOURCES                                                                          \
	(BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |                                    \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |                                        \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |                                \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS) |                                 \
	 BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES))

const billtap_provider bt_provider_stripe = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "stripe",
	.display_name = "Stripe",
	.resources = ALL_RESOURCES,
	.since_resources = ALL_RESOURCES, /* every list takes created[gte] */
	/* slices of every list; nested pages and incremental passes one at a time */
	.flags = BILLTAP_PROVIDER_CONCURRENT,
	.settings = stripe_settings,
	.request_id_header = "Request-Id",
	.session_new = NULL,
	.session_free = NULL,
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.classify_response = classify,
	/* every resource from the Events API (stripe_sync.c) */
	.sync_feed = ALL_RESOURCES,
};
