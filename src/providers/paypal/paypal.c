/*
 * PayPal (REST: OAuth2, Catalog Products, Subscriptions, Transaction Search, Invoicing).
 *
 * Every stream first makes sure the client's session holds a live OAuth token (fetched
 * with client_id/client_secret, kept until shortly before expires_in, fetched again after
 * a 401 for an expired token), then:
 *   plans          products, plan pages, each plan's details      (paypal_catalog.c)
 *   transactions   transaction-search windows                     (paypal_search.c)
 *   subscriptions  search windows for ids, then each subscription (paypal_subs.c)
 *   customers      the same, collecting payers, then the payers   (paypal_subs.c)
 *   invoices       invoice list (or search, with since) pages     (paypal_invoices.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

static const billtap_setting_def paypal_settings[] = {
	BILLTAP_SETTING("client_id", BILLTAP_SETTING_REQUIRED | BILLTAP_SETTING_ACCOUNT, NULL, 0, 0, "REST app client id"),
	BILLTAP_SETTING("client_secret", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL, 0, 0,
	  "REST app secret"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://api-m.paypal.com", 0, 0,
	  "API origin (https://api-m.sandbox.paypal.com for PayPal's sandbox)"),
	BILLTAP_SETTING("history_start", 0, NULL, 0, 0,
	  "oldest transaction time to search (RFC 3339 or YYYY-MM-DD); default and limit: three "
	  "years ago"),
	BILLTAP_SETTING("lag_seconds", BILLTAP_SETTING_INT, "10800", 0, 7 * 86400,
	  "how far behind now the search stops: PayPal takes up to three hours to list a "
	  "transaction"),
	BILLTAP_SETTING("subscription_ids", 0, NULL, 0, 0,
	  "subscription ids (I-...) known to the host, comma-separated: PayPal cannot list "
	  "subscriptions that were never charged"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "500", 1, 500,
	  "transaction search rows per request; invoices per request, at most 100"),
	BILLTAP_SETTINGS_END,
};

/* ---- session: the token ---- */

static int session_new(void **out, billtap_ctx *ctx)
{
	*out = calloc(1, sizeof(pp_session));
	return *out ? 0 : billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
}

static void drop_token(pp_session *session)
{
	if (session->token) {
		memset(session->token, 0, strlen(session->token)); /* a bearer secret */
		free(session->token);
	}
	session->token = NULL;
}

static void session_free(void *p)
{
	if (!p)
		return;
	drop_token(p);
	free(p);
}

static int token_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	int rc = billtap_request_set_url(req, s->base_url, "/v1/oauth2/token");
	(void)(rc < 0 || (rc = billtap_request_set_method(req, BILLTAP_HTTP_POST)) < 0 ||
	       (rc = billtap_request_set_basic_auth(req, s->client_id, s->client_secret)) < 0 ||
	       (rc = billtap_request_add_header(req, "Accept", "application/json")) < 0 ||
	       (rc = billtap_request_add_form(req, "grant_type", "client_credentials")) < 0);
	billtap_request_set_tag(req, TAG_TOKEN);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the token request") : 0;
}

static int token_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                          billtap_ctx *ctx)
{
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref root = billtap_json_root(s->doc);
	int64_t ttl;
	int oom = 0;
	char *token = pp_strdup(s->doc, billtap_json_get(s->doc, root, "access_token"), &oom);
	if (!token || billtap_json_int(&ttl, s->doc, billtap_json_get(s->doc, root, "expires_in")) < 0 ||
	    ttl < 1) {
		free(token);
		return billtap_ctx_http_error(ctx, oom ? BILLTAP_ENOMEM : BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "token response lacks access_token or expires_in");
	}
	/* PayPal's tokens live hours; a server claiming more than a day is believed for a day
	 * (and never overflows the arithmetic below). */
	if (ttl > 86400)
		ttl = 86400;
	drop_token(s->session);
	s->session->token = token;
	/* Renew a little early (a fifth of the lifetime, at most five minutes) so a token
	 * never expires between our check and PayPal's. */
	int64_t margin = ttl / 5 < 300 ? ttl / 5 : 300;
	s->session->refresh_at = billtap_ctx_now(ctx) + ttl - margin;
	return 0;
}

/* ---- helpers shared by the stream parts ---- */

void pp_rewind(pp_stream *s)
{
	s->in_flight = 0;
	s->plan_asked = s->plan_head;
	s->sub_asked = s->sub_next;
	pp_search_rewind(s);
}

int pp_report_page(billtap_sink *sink, pp_stream *s, const char *list, int64_t asked,
                   int64_t total_pages, int64_t items, int64_t max_page)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = list;
	page.items = items;
	if (billtap_json_int(&page.page, s->doc, billtap_json_get(s->doc, root, "page")) < 0)
		page.page = asked;
	if (billtap_json_int(&page.total_items, s->doc, billtap_json_get(s->doc, root, "total_items")) < 0)
		page.total_items = -1;
	page.total_pages = total_pages;
	page.more = asked < total_pages;
	page.max_page = max_page;
	return billtap_sink_page(sink, &page);
}

int pp_get(billtap_request *req, pp_stream *s, const char *path, enum pp_tag tag)
{
	int rc = billtap_request_set_url(req, s->base_url, path);
	if (rc == 0)
		rc = billtap_request_set_bearer(req, s->session->token);
	if (rc == 0)
		rc = billtap_request_add_header(req, "Accept", "application/json");
	billtap_request_set_tag(req, tag);
	return rc;
}

const char *pp_debug_id(char *buf, size_t cap, pp_stream *s, const billtap_response *resp)
{
	size_t len, n;
	const char *body = billtap_response_body(resp, &len);
	buf[0] = '\0';
	if (billtap_json_parse(s->doc, body, len) == 0)
		billtap_json_str_decode(buf, cap, &n, s->doc,
		                        billtap_json_get(s->doc, billtap_json_root(s->doc), "debug_id"));
	return buf[0] ? buf : billtap_response_header(resp, "Paypal-Debug-Id");
}

/* PayPal's two error envelopes: {name, message, debug_id, details[]} from the APIs and
 * {error, error_description} from OAuth (and some 401s). */
int pp_error(pp_stream *s, const billtap_request *req, const billtap_response *resp,
             billtap_ctx *ctx)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	int status = billtap_response_status(resp);
	char code[96] = "", message[512] = "", debug[96];
	const char *request_id = pp_debug_id(debug, sizeof debug, s, resp);
	if (billtap_json_parse(s->doc, body, len) == 0) {
		billtap_json_ref root = billtap_json_root(s->doc), c, m;
		size_t n;
		if ((c = billtap_json_get(s->doc, root, "name")) != BILLTAP_JSON_NONE) {
			m = billtap_json_get(s->doc, root, "message");
		} else {
			c = billtap_json_get(s->doc, root, "error");
			m = billtap_json_get(s->doc, root, "error_description");
		}
		billtap_json_str_decode(code, sizeof code, &n, s->doc, c);
		billtap_json_str_decode(message, sizeof message, &n, s->doc, m);
		/* The first detail says which field and why, e.g. the 31-day rule. */
		billtap_json_ref d = billtap_json_first(s->doc, billtap_json_get(s->doc, root, "details"));
		char field[96] = "", issue[256] = "";
		billtap_json_str_decode(field, sizeof field, &n, s->doc, billtap_json_get(s->doc, d, "field"));
		billtap_json_str_decode(issue, sizeof issue, &n, s->doc,
		                        billtap_json_get(s->doc, d, "description"));
		if (!issue[0])
			billtap_json_str_decode(issue, sizeof issue, &n, s->doc,
			                        billtap_json_get(s->doc, d, "issue"));
		if (issue[0]) {
			size_t at = strlen(message);
			snprintf(message + at, sizeof message - at, "%s%s%s%s", at ? " (" : "(",
			         field[0] ? field : "", field[0] ? ": " : "", issue);
			at = strlen(message);
			snprintf(message + at, sizeof message - at, ")");
		}
	}
	if (!message[0])
		billtap_response_excerpt(message, sizeof message, resp);
	int rc = status == 200 ? BILLTAP_EDATA : billtap_http_status_error(status);
	return billtap_ctx_http_error(ctx, rc, req, resp, request_id, code[0] ? code : NULL,
	                              message);
}

/* Parses a 200 answer into s->doc, or turns any other into the client's error. */
int pp_parse(pp_stream *s, const billtap_request *req, const billtap_response *resp,
             billtap_ctx *ctx)
{
	if (billtap_response_status(resp) != 200)
		return pp_error(s, req, resp, ctx);
	/* Names the request and Paypal-Debug-Id (the provider's request_id_header) on
	 * failure, and refuses an envelope with a member name twice. */
	return billtap_response_parse(s->doc, req, resp, ctx);
}

/* ---- streams ---- */

static void stream_free(void *p)
{
	pp_stream *s = p;
	if (!s)
		return;
	free(s->base_url);
	free(s->client_id);
	if (s->client_secret)
		memset(s->client_secret, 0, strlen(s->client_secret));
	free(s->client_secret);
	billtap_json_free(s->doc);
	for (size_t i = 0; i < s->products.count; i++)
		free(s->product_names[i]);
	free(s->product_names);
	pp_map_free(&s->products);
	for (size_t i = 0; i < s->plan_count; i++)
		free(s->plan_queue[i]);
	free(s->plan_queue);
	pp_search_free(s);
	pp_subs_free(s);
	pp_sync_free(s);
	pp_customer_sync_free(s);
	pp_recheck_free(s);
	free(s);
}

/* subscription_ids: "I-ABC, I-DEF" */
static int add_known_ids(pp_stream *s, const char *list, billtap_ctx *ctx)
{
	for (const char *p = list; p && *p;) {
		p += strspn(p, ", \t");
		size_t n = strcspn(p, ", \t");
		if (!n)
			break;
		for (size_t i = 0; i < n; i++) {
			char c = p[i];
			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			      c == '-' || c == '_'))
				return billtap_ctx_error(ctx, BILLTAP_ESETTING,
				                         "setting subscription_ids: ids are letters, digits "
				                         "and dashes, separated by commas");
		}
		int rc = pp_sub_add(s, p, n, PP_SUB_SETTING, ctx);
		if (rc < 0)
			return rc;
		p += n;
	}
	return 0;
}

/* The first second to search: history_start, or since when later; never older than
 * PayPal keeps. */
static int search_start(int64_t *out, const billtap_stream_params *params, billtap_ctx *ctx)
{
	int64_t now = billtap_ctx_now(ctx);
	int64_t oldest = now - (int64_t)PP_HISTORY_MAX_DAYS * 86400;
	int64_t start = now - (int64_t)PP_HISTORY_DEFAULT_DAYS * 86400;
	const char *history = billtap_ctx_setting(ctx, "history_start");
	if (history && *history) {
		if (billtap_time_parse(&start, history) < 0)
			return billtap_ctx_error(ctx, BILLTAP_ESETTING,
			                         "setting history_start: not a date or RFC 3339 time");
		if (start < oldest)
			return billtap_ctx_error(ctx, BILLTAP_ESETTING,
			                         "setting history_start: more than three years ago; PayPal's "
			                         "transaction search keeps three years");
	}
	if (params->since != BILLTAP_TIME_NONE && params->since > start)
		start = params->since;
	*out = start;
	return 0;
}

static int parse_resume(pp_stream *s, const char *token, billtap_ctx *ctx)
{
	int ok = pp_sync_resume(s, token, ctx);
	if (ok != 0)
		return ok < 0 ? ok : 0;
	switch (s->resource) {
	case BILLTAP_RESOURCE_PLANS: {
		long long page;
		int used = 0;
		ok = sscanf(token, "p:%lld%n", &page, &used) == 1 && !token[used] && page >= 1;
		if (ok)
			s->plans_first_page = page;
		break;
	}
	case BILLTAP_RESOURCE_INVOICES:
		ok = pp_invoices_resume(s, token) == 0;
		break;
	case BILLTAP_RESOURCE_TRANSACTIONS:
		ok = pp_search_resume(s, token, ctx);
		if (ok == BILLTAP_ENOMEM)
			return ok;
		ok = ok == 0;
		if (ok && s->win_start < billtap_ctx_now(ctx) - (int64_t)PP_HISTORY_MAX_DAYS * 86400) {
			char at[40], msg[300];
			billtap_time_format(at, sizeof at, s->win_start);
			snprintf(msg, sizeof msg,
			         "the checkpoint is in a search window from %s, which is now beyond "
			         "PayPal's three years of transaction history; start again without it",
			         at);
			return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
		}
		break;
	default: {
		char want = s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS ? 's' : 'c';
		ok = token[0] == want && token[1] == ':' && token[2];
		if (ok && !(s->resume_after = strdup(token + 2)))
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	}
	return ok ? 0
	          : billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                              "checkpoint position is not one this stream makes");
}

/* PayPal publishes no rate limit: it throttles traffic that looks abusive with HTTP 429
 * RATE_LIMIT_REACHED (developer.paypal.com/api/rest/reference/rate-limiting). 10 requests
 * a second, 4 at once (the default requests in flight), is billtap's own conservative
 * pace, below the lowest limit Stripe documents (25 a second); where PayPal throttles
 * harder (Transaction Search is reported at about 50 requests a minute) the engine's
 * slow-down after each 429 finds the pace. Hosts who know better set rate_limit. */
#define PAYPAL_RATE 10.0
#define PAYPAL_BURST 4.0

static int stream_new(void **out, void *session, const billtap_stream_params *params,
                      billtap_ctx *ctx)
{
	*out = NULL;
	pp_stream *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->resource = params->resource;
	s->session = session;
	s->page = s->plans_first_page = 1;
	int64_t lag = 10800, start = 0;
	int rc;
	/* Required settings were checked by the engine: NULL here means out of memory. */
	(void)((rc = billtap_ctx_setting_dup(&s->base_url, ctx, "base_url")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->client_id, ctx, "client_id")) < 0 ||
	       (rc = billtap_ctx_setting_dup(&s->client_secret, ctx, "client_secret")) < 0 ||
	       (rc = billtap_ctx_setting_int(&s->page_size, ctx, "page_size")) < 0 ||
	       (rc = billtap_ctx_setting_int(&lag, ctx, "lag_seconds")) < 0);
	if (rc == 0 && (billtap_json_new(&s->doc) < 0 || !s->base_url || !s->client_id ||
	                !s->client_secret))
		rc = billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc == 0)
		rc = billtap_ctx_set_rate(ctx, PAYPAL_RATE, PAYPAL_BURST);
	/* history_start bounds the transaction search; invoices are not searched by it */
	if (rc < 0 ||
	    (s->resource != BILLTAP_RESOURCE_INVOICES && (rc = search_start(&start, params, ctx)) < 0) ||
	    (s->resource != BILLTAP_RESOURCE_TRANSACTIONS && s->resource != BILLTAP_RESOURCE_PLANS &&
	     s->resource != BILLTAP_RESOURCE_INVOICES &&
	     (rc = add_known_ids(s, billtap_ctx_setting(ctx, "subscription_ids"), ctx)) < 0)) {
		stream_free(s);
		return rc;
	}
	pp_search_init(s, start, billtap_ctx_now(ctx) - lag, ctx);
	pp_sync_init(s, params, ctx);
	s->phase = s->resource == BILLTAP_RESOURCE_PLANS ? PH_PRODUCTS : PH_SEARCH;
	if (s->resource == BILLTAP_RESOURCE_INVOICES) {
		s->phase = PH_INVOICES;
		s->inv_since = params->since;
		s->inv_until = billtap_ctx_now(ctx);
	}
	if (params->resume && (rc = parse_resume(s, params->resume, ctx)) < 0) {
		stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

/* The search windows are done: transactions end; the others fetch subscriptions. */
static int after_search(pp_stream *s, billtap_ctx *ctx)
{
	if (s->resource == BILLTAP_RESOURCE_TRANSACTIONS) {
		s->phase = pp_recheck_pending(s) ? PH_RECHECK : PH_DONE;
		return 0;
	}
	return pp_subscriptions_start(s, ctx);
}

/* The next request of the phase: several at once in the per-id fan-outs (plan details,
 * subscriptions by id) and the search (windows and their pages); anything else waits for
 * the answer before it. */
static int next_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	if (s->phase == PH_PLANS && s->plan_asked < s->plan_count)
		return pp_catalog_request(req, s, ctx);
	if (s->phase == PH_SUBSCRIPTIONS && !s->need_plan && s->sub_asked < s->sub_total)
		return pp_subscriptions_request(req, s, ctx);
	if (s->phase == PH_SEARCH)
		return pp_search_request(req, s, ctx); /* windows and pages side by side */
	if (s->in_flight)
		return BILLTAP_PROVIDER_WAIT;
	switch (s->phase) {
	case PH_PRODUCTS:
	case PH_PLANS: return pp_catalog_request(req, s, ctx);
	case PH_RECHECK: return pp_recheck_request(req, s, ctx);
	case PH_INVOICES: return pp_invoices_request(req, s, ctx);
	default: return pp_subscriptions_request(req, s, ctx);
	}
}

static int stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	pp_stream *s = p;
	if (s->phase == PH_SEARCH && pp_search_over(s)) {
		int rc = after_search(s, ctx);
		if (rc < 0)
			return rc;
	}
	if (s->phase == PH_DONE || s->phase == PH_EMIT) {
		/* Only once every answer is in (the engine may ask while some are out). An
		 * incremental pass ends with its sync token, marked in a local step. */
		if (s->in_flight)
			return BILLTAP_PROVIDER_WAIT;
		return s->phase == PH_DONE && (!s->incremental || s->final_marked)
		               ? BILLTAP_ITEROVER
		               : BILLTAP_PROVIDER_LOCAL;
	}
	int rc;
	if (!s->session->token || billtap_ctx_now(ctx) >= s->session->refresh_at)
		/* A new token once the requests made with the old one are answered. */
		rc = s->in_flight ? BILLTAP_PROVIDER_WAIT : token_request(req, s, ctx);
	else
		rc = next_request(req, s, ctx);
	if (rc == 0)
		s->in_flight++;
	return rc;
}

static int answer(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                  billtap_sink *sink, billtap_ctx *ctx)
{
	if (billtap_request_tag(req) == TAG_TOKEN)
		return token_response(s, req, resp, ctx);
	/* A 401 on an API call: the token expired or was revoked early. Fetch a new one and
	 * send again, once; a second 401 in a row is a real authentication failure. */
	if (billtap_response_status(resp) == 401 && s->reauths == 0) {
		s->reauths++;
		drop_token(s->session);
		return BILLTAP_PROVIDER_RETRY;
	}
	int rc;
	switch (PP_TAG_KIND(billtap_request_tag(req))) {
	case TAG_PRODUCTS:
	case TAG_PLAN_LIST:
	case TAG_PLAN_DETAIL: rc = pp_catalog_response(s, req, resp, sink, ctx); break;
	case TAG_SEARCH: rc = pp_search_response(s, req, resp, sink, ctx); break;
	case TAG_RECHECK: rc = pp_recheck_response(s, req, resp, sink, ctx); break;
	case TAG_INVOICES: rc = pp_invoices_response(s, req, resp, sink, ctx); break;
	default: rc = pp_subscriptions_response(s, req, resp, sink, ctx);
	}
	if (rc == 0)
		s->reauths = 0;
	return rc;
}

/* The sync token of an incremental pass: where the next pass goes on. */
static int final_mark(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	int rc;
	switch (s->resource) {
	case BILLTAP_RESOURCE_TRANSACTIONS: rc = pp_sync_mark_transactions(s, sink, ctx); break;
	case BILLTAP_RESOURCE_PLANS: rc = pp_sync_mark_plans(s, NULL, 1, sink, ctx); break;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS: rc = pp_sync_mark_subscriptions(s, 1, sink, ctx); break;
	case BILLTAP_RESOURCE_CUSTOMERS: rc = pp_customer_mark(s, 1, sink, ctx); break;
	default: rc = billtap_ctx_error(ctx, BILLTAP_EUSAGE, "no incremental pass of this resource");
	}
	if (rc == 0)
		s->final_marked = 1;
	return rc;
}

static int stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                           billtap_sink *sink, billtap_ctx *ctx)
{
	pp_stream *s = p;
	if (!req && s->phase == PH_EMIT)
		return pp_customers_emit(s, sink, ctx);
	if (!req)
		return final_mark(s, sink, ctx);
	s->in_flight--;
	int rc = answer(s, req, resp, sink, ctx);
	/* Not advanced: the engine drops this request and those behind it, and the stream
	 * asks for them again from what it has handled. */
	if (rc != 0)
		pp_rewind(s);
	return rc;
}

const billtap_provider bt_provider_paypal = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "paypal",
	.display_name = "PayPal",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES),
	.since_resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS) |
	                   BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES),
	.flags = BILLTAP_PROVIDER_CONCURRENT, /* plans and subscriptions by id, search windows */
	.settings = paypal_settings,
	.request_id_header = "Paypal-Debug-Id",
	.session_new = session_new,
	.session_free = session_free,
	.stream_new = stream_new,
	.stream_request = stream_request,
	.stream_response = stream_response,
	.stream_free = stream_free,
	.classify_response = NULL,
	/* docs/incremental.md, "PayPal": transactions by new search windows, plans and
	 * subscriptions by update_time; customers by discovering again, delivering only the
	 * customers whose values changed (a payer's values come from their whole history). */
	.sync_feed = 0,
	.sync_updated = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS) |
	                BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_SUBSCRIPTIONS) |
	                BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_TRANSACTIONS),
	.sync_reread = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
};
