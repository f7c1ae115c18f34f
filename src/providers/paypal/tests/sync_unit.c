/*
 * PayPal's incremental passes from PayPal-shaped answers (the scripted transport) under a
 * fixed clock: transactions go on from the last pass's stop, subscription discovery
 * resumes without searching a window again, subscriptions and plans are delivered when
 * their update_time says they changed, and a token PayPal's history no longer covers is
 * BILLTAP_ECHECKPOINT.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../paypal.h" /* pp_customer_digest */
#include "billtap/provider.h"
#include "testutil.h"

TCase *paypal_sync_tcase(void);

static fake_transport ft;
static int64_t now;
static int64_t refreshed; /* last_refreshed_datetime of the search answers; 0: none given */

/* 2026-11-01T00:00:00Z: the clock the provider reads, moved by each test. */
#define T0 INT64_C(1793491200)
#define DAY INT64_C(86400)
#define LAG INT64_C(10800)

static int64_t test_clock(void *payload)
{
	(void)payload;
	return now;
}

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	now = T0;
	refreshed = 0;
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *client(void)
{
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_transport_vtable;
	opts.transport_payload = &ft;
	opts.clock = test_clock;
	billtap_client *c;
	ck_assert_int_eq(scripted_client_new(&c, "paypal", &opts), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	char start[40];
	billtap_time_format(start, sizeof start, T0 - 40 * DAY); /* two windows */
	ck_assert_int_eq(billtap_client_set(c, "history_start", start), 0);
	return c;
}

/* A step answering 200 with a body built from fmt. */
static void answer(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(n, 0);
	char *body = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(body);
	va_start(ap, fmt);
	vsnprintf(body, (size_t)n + 1, fmt, ap);
	va_end(ap);
	fake_add(&ft, 200, NULL, body);
	ft.steps[ft.step_count - 1].owned_body = body;
}

static void token_step(void)
{
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
}

static char *iso(int64_t t)
{
	static char buf[4][40];
	static int n;
	char *b = buf[n++ % 4];
	billtap_time_format(b, 40, t);
	return b;
}


static const char *refreshed_member(void)
{
	static char buf[80];
	buf[0] = '\0';
	if (refreshed)
		snprintf(buf, sizeof buf, ",\"last_refreshed_datetime\":\"%s\"", iso(refreshed));
	return buf;
}

/* A search page with one row: transaction `tx` (event `code`, status, amount) naming
 * `ref` of type `ref_type` (NULL: none), at time `at`. */
static void row_step(const char *tx, const char *code, const char *status, const char *value,
                     const char *ref, const char *ref_type, int64_t at)
{
	answer("{\"transaction_details\":[{\"transaction_info\":{\"paypal_account_id\":\"PAYER1\","
	       "\"transaction_id\":\"%s\",\"transaction_event_code\":\"%s\","
	       "\"transaction_initiation_date\":\"%s\",\"transaction_updated_date\":\"%s\","
	       "\"transaction_amount\":{\"currency_code\":\"USD\",\"value\":\"%s\"},"
	       "\"transaction_status\":\"%s\",\"paypal_reference_id\":\"%s\","
	       "\"paypal_reference_id_type\":\"%s\"},\"payer_info\":{\"account_id\":\"PAYER1\"}}],"
	       "\"page\":1,\"total_items\":1,\"total_pages\":1%s}",
	       tx, code, iso(at), iso(at), value, status, ref ? ref : "", ref_type ? ref_type : "",
	       refreshed_member());
}

/* A search page with one payment `tx` at time `at` from `payer` with `email`. */
static void payer_row_step(const char *tx, const char *payer, const char *email, int64_t at)
{
	answer("{\"transaction_details\":[{\"transaction_info\":{\"paypal_account_id\":\"%s\","
	       "\"transaction_id\":\"%s\",\"transaction_event_code\":\"T0006\","
	       "\"transaction_initiation_date\":\"%s\",\"transaction_updated_date\":\"%s\","
	       "\"transaction_amount\":{\"currency_code\":\"USD\",\"value\":\"5.00\"},"
	       "\"transaction_status\":\"S\"},\"payer_info\":{\"account_id\":\"%s\","
	       "\"email_address\":\"%s\"}}],\"page\":1,\"total_items\":1,\"total_pages\":1%s}",
	       payer, tx, iso(at), iso(at), payer, email, refreshed_member());
}

/* A search page: one subscription payment `tx` of subscription `sub` at time `at`
 * (tx NULL: no rows). */
static void search_step(const char *tx, const char *sub, int64_t at)
{
	if (!tx)
		answer("{\"transaction_details\":[],\"page\":1,\"total_items\":0,\"total_pages\":0%s}",
		       refreshed_member());
	else
		row_step(tx, "T0002", "S", "10.00", sub, "SUB", at);
}

/* GET /v1/billing/subscriptions/{id}?fields=plan */
static void subscription_step(const char *id, const char *status, int64_t updated)
{
	answer("{\"id\":\"%s\",\"plan_id\":\"P-1\",\"status\":\"%s\",\"start_time\":"
	       "\"2026-01-01T00:00:00Z\",\"quantity\":\"1\",\"subscriber\":{\"payer_id\":\"PAYER1\"},"
	       "\"billing_info\":{\"cycle_executions\":[],\"failed_payments_count\":0},"
	       "\"create_time\":\"2026-01-01T00:00:00Z\",\"update_time\":\"%s\","
	       "\"status_update_time\":\"%s\",\"plan\":{\"billing_cycles\":[{\"frequency\":"
	       "{\"interval_unit\":\"MONTH\",\"interval_count\":1},\"tenure_type\":\"REGULAR\","
	       "\"sequence\":1,\"total_cycles\":0,\"pricing_scheme\":{\"fixed_price\":"
	       "{\"value\":\"10.00\",\"currency_code\":\"USD\"}}}]},\"links\":[]}",
	       id, status, iso(updated), iso(updated));
}

/* Runs an iterator to its end: the ids returned, space-separated, into ids; the sync
 * token (copied) into *token when it ends. Returns the status that ended it. */
static int run(billtap_client *c, billtap_resource res, const char *from, char *ids, size_t cap,
               char **token, char **checkpoint)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.checkpoint = from;
	billtap_iter *it;
	ids[0] = '\0';
	int rc = billtap_iter_new(&it, c, res, &o);
	if (rc < 0) {
		fprintf(stderr, "%s\n", billtap_client_error_message(c));
		return rc;
	}
	const billtap_record *r;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		size_t at = strlen(ids);
		snprintf(ids + at, cap - at, "%s%s", at ? " " : "", billtap_record_id(r));
	}
	const char *t;
	if (rc < 0 && rc != BILLTAP_ITEROVER)
		fprintf(stderr, "%s\n", billtap_client_error_message(c));
	if (rc == BILLTAP_ITEROVER && token) {
		ck_assert_int_eq(billtap_iter_sync_token(&t, it), 0);
		*token = strdup(t);
	}
	if (rc != BILLTAP_ITEROVER && checkpoint) {
		ck_assert_int_eq(billtap_iter_checkpoint(&t, it), 0);
		*checkpoint = strdup(t);
	}
	billtap_iter_free(it);
	return rc;
}

/* start_date and end_date of request `call`, as Unix seconds. */
static void range_of(size_t call, int64_t *from, int64_t *to)
{
	char buf[40];
	const char *url = ft.urls[call], *p = strstr(url, "start_date=");
	ck_assert_ptr_nonnull(p);
	snprintf(buf, sizeof buf, "%.10sT%.2s:%.2s:%.2sZ", p + 11, p + 22, p + 27, p + 32);
	ck_assert_int_eq(billtap_time_parse(from, buf), 0);
	p = strstr(url, "end_date=");
	ck_assert_ptr_nonnull(p);
	snprintf(buf, sizeof buf, "%.10sT%.2s:%.2s:%.2sZ", p + 9, p + 20, p + 25, p + 30);
	ck_assert_int_eq(billtap_time_parse(to, buf), 0);
}

static size_t searches_from(size_t first)
{
	size_t n = 0;
	for (size_t i = first; i < ft.calls; i++)
		n += strstr(ft.urls[i], "/v1/reporting/transactions") != NULL;
	return n;
}

START_TEST(transactions_go_on_from_the_last_stop)
{
	char ids[256], *token = NULL, *token2 = NULL, *token3 = NULL;
	token_step();
	search_step("TX-A", "I-A", T0 - 35 * DAY);
	search_step("TX-B", "I-A", T0 - 4 * DAY);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-A TX-B");
	int64_t from, to;
	range_of(2, &from, &to);
	ck_assert_int_eq(to, T0 - LAG - 1); /* the first pass stops where everything is final */

	/* Two days later: one window, from exactly where the first pass stopped. */
	now = T0 + 2 * DAY;
	size_t before = ft.calls + 1; /* a new OAuth token first: the old one expired */
	token_step();
	search_step("TX-C", "I-A", T0 + DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-C");
	ck_assert_uint_eq(searches_from(before), 1);
	range_of(before, &from, &to);
	ck_assert_int_eq(from, T0 - LAG);           /* no gap, no overlap */
	ck_assert_int_eq(to, now - LAG - 1);

	/* Again at once: nothing more is final yet: one second is asked for (the answer says
	 * how far PayPal's data goes; none here: our clock's word stands). */
	before = ft.calls;
	search_step(NULL, NULL, 0);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token2, ids, sizeof ids, &token3, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	ck_assert_uint_eq(ft.calls, before + 1);
	range_of(before, &from, &to);
	ck_assert_int_eq(from, now - LAG);
	ck_assert_int_eq(to, now - LAG);

	/* An hour later: the hour that became final since. */
	now += 3600;
	before = ft.calls;
	search_step("TX-D", "I-A", now - LAG - 60);
	char *token4 = NULL, *token5 = NULL, *token6 = NULL;
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token3, ids, sizeof ids, &token4, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-D");
	range_of(before, &from, &to);
	ck_assert_int_eq(from, now - 3600 - LAG + 1);
	ck_assert_int_eq(to, now - LAG - 1);

	/* PayPal's data ends earlier than our clock says (last_refreshed_datetime): a row
	 * after it is left to the next pass, which starts there. */
	now += DAY;
	token_step();
	refreshed = now - LAG - 7200;
	search_step("TX-E", "I-A", now - LAG - 3600);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token4, ids, sizeof ids, &token5, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	before = ft.calls;
	refreshed = now - LAG;
	search_step("TX-E", "I-A", now - LAG - 3600);
	search_step(NULL, NULL, 0); /* the second up to last_refreshed_datetime itself */
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token5, ids, sizeof ids, &token6, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-E");
	ck_assert_uint_eq(ft.calls - before, 2);
	range_of(before, &from, &to);
	ck_assert_int_eq(from, now - LAG - 7200);
	range_of(before + 1, &from, &to);
	ck_assert_int_eq(from, now - LAG);
	ck_assert_int_eq(to, now - LAG);

	/* PayPal's clock is ahead of ours (days): the windows go on to where its data ends. */
	before = ft.calls;
	refreshed = now + 40 * DAY;
	search_step(NULL, NULL, 0);
	search_step(NULL, NULL, 0);
	search_step("TX-F", "I-A", now + 39 * DAY);
	char *token7 = NULL;
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token6, ids, sizeof ids, &token7, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-F");
	ck_assert_uint_eq(ft.calls - before, 3); /* the second before, then two windows */
	range_of(before, &from, &to);
	ck_assert_int_eq(from, now - LAG); /* where the last pass's data ended, again */
	ck_assert_int_eq(to, now - LAG);
	range_of(before + 2, &from, &to);
	ck_assert_int_eq(to, now + 40 * DAY);
	free(token4);
	free(token5);
	free(token6);
	free(token7);
	free(token);
	free(token2);
	free(token3);
	billtap_client_free(c);
}
END_TEST

START_TEST(pending_and_refunded_transactions_read_again)
{
	char ids[256], *token = NULL, *token2 = NULL;
	token_step();
	row_step("TX-P", "T0006", "P", "20.00", NULL, NULL, T0 - 35 * DAY); /* pending */
	row_step("TX-S", "T0006", "S", "30.00", NULL, NULL, T0 - 4 * DAY);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-P TX-S");

	/* A week later: a new window with a refund of TX-S; then TX-P (the token watched it:
	 * pending) is searched for at its second, and TX-S (the refund names it) backwards
	 * from the refund. Both come as they are now. */
	now = T0 + 7 * DAY;
	size_t before = ft.calls + 1;
	token_step();
	row_step("TX-R", "T1107", "S", "-30.00", "TX-S", "TXN", T0 + DAY);
	row_step("TX-P", "T0006", "S", "20.00", NULL, NULL, T0 - 35 * DAY);
	row_step("TX-S", "T0006", "V", "30.00", NULL, NULL, T0 - 4 * DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "TX-R TX-P TX-S");
	ck_assert_uint_eq(ft.calls - before, 3);
	int64_t from, to;
	ck_assert_ptr_nonnull(strstr(ft.urls[before + 1], "transaction_id=TX-P"));
	range_of(before + 1, &from, &to);
	ck_assert_int_eq(from, T0 - 35 * DAY);
	ck_assert_int_eq(to, T0 - 35 * DAY);
	ck_assert_ptr_nonnull(strstr(ft.urls[before + 2], "transaction_id=TX-S"));
	range_of(before + 2, &from, &to);
	ck_assert_int_eq(to, T0 + DAY);
	ck_assert_int_eq(from, T0 + DAY - 31 * DAY + 1);

	/* Settled: the next pass watches nothing (one second of search, nothing more). */
	before = ft.calls;
	search_step(NULL, NULL, 0);
	char *token3 = NULL;
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, token2, ids, sizeof ids, &token3, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	ck_assert_uint_eq(ft.calls - before, 1);
	free(token);
	free(token2);
	free(token3);
	billtap_client_free(c);
}
END_TEST

START_TEST(token_beyond_three_years_needs_a_full_pass)
{
	char ids[64], *tx = NULL, *subs = NULL;
	token_step();
	search_step(NULL, NULL, 0);
	search_step(NULL, NULL, 0);
	search_step(NULL, NULL, 0);
	search_step(NULL, NULL, 0);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, ids, sizeof ids, &tx, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, ids, sizeof ids, &subs, NULL),
	                 BILLTAP_ITEROVER);
	now = T0 + 1096 * DAY;
	ck_assert_int_eq(billtap_client_set(c, "history_start", NULL), 0); /* now too old itself */
	size_t before = ft.calls;
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_TRANSACTIONS, tx, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, subs, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	ck_assert_uint_eq(ft.calls, before); /* refused before any request */
	/* A sync token of one resource is no token of another. */
	now = T0 + DAY;
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_PLANS, tx, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_ECHECKPOINT);
	free(tx);
	free(subs);
	billtap_client_free(c);
}
END_TEST

START_TEST(subscription_discovery_resumes_without_searching_again)
{
	char ids[256], *checkpoint = NULL, *token = NULL;
	token_step();
	search_step("TX-A", "I-A", T0 - 35 * DAY);
	/* The second window fails for good: the pass stops with what discovery found. */
	fake_add(&ft, 400, NULL, "{\"name\":\"INVALID_REQUEST\",\"message\":\"x\"}");
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, ids, sizeof ids, NULL, &checkpoint),
	                 BILLTAP_EREQUEST);
	int64_t from1, to1, from, to;
	range_of(1, &from1, &to1);

	size_t before = ft.calls;
	search_step("TX-B", "I-B", T0 - 4 * DAY);
	subscription_step("I-A", "ACTIVE", T0 - 30 * DAY);
	subscription_step("I-B", "ACTIVE", T0 - 4 * DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, checkpoint, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "I-A I-B");
	ck_assert_uint_eq(searches_from(before), 1); /* only the window not searched */
	range_of(before, &from, &to);
	ck_assert_int_eq(from, to1 + 1);
	free(checkpoint);
	free(token);
	billtap_client_free(c);
}
END_TEST

START_TEST(subscriptions_read_again_and_delivered_when_updated)
{
	char ids[256], *token = NULL, *token2 = NULL;
	token_step();
	search_step("TX-A", "I-A", T0 - 35 * DAY);
	search_step("TX-B", "I-B", T0 - 20 * DAY);
	subscription_step("I-A", "EXPIRED", T0 - 30 * DAY);
	subscription_step("I-B", "CANCELLED", T0 - 10 * DAY);
	billtap_client *c = client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-C"), 0);
	subscription_step("I-C", "ACTIVE", T0 - 50 * DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "I-A I-B I-C");

	/* A week later: I-A (expired: PayPal can reactivate that) was updated, I-C was not,
	 * I-B was cancelled (final: never asked for again), I-D is new in the window not
	 * searched before. */
	now = T0 + 7 * DAY;
	size_t before = ft.calls + 1;
	token_step();
	search_step("TX-D", "I-D", T0 + DAY);
	subscription_step("I-A", "ACTIVE", T0 + 2 * DAY);
	subscription_step("I-C", "ACTIVE", T0 - 50 * DAY);
	subscription_step("I-D", "ACTIVE", T0 + DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "I-A I-D");
	ck_assert_uint_eq(searches_from(before), 1);
	for (size_t i = before; i < ft.calls; i++)
		ck_assert_ptr_null(strstr(ft.urls[i], "I-B"));
	ck_assert_ptr_nonnull(strstr(ft.urls[before + 2], "/v1/billing/subscriptions/I-C"));
	free(token);
	free(token2);
	billtap_client_free(c);
}
END_TEST

START_TEST(incremental_subscriptions_resume_mid_read)
{
	char ids[256], *token = NULL, *checkpoint = NULL, *token2 = NULL, *token3 = NULL;
	token_step();
	search_step("TX-A", "I-A", T0 - 35 * DAY);
	search_step("TX-B", "I-B", T0 - 20 * DAY);
	subscription_step("I-A", "ACTIVE", T0 - 30 * DAY);
	subscription_step("I-B", "ACTIVE", T0 - 20 * DAY);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "I-A I-B");

	/* A week later the pass stops after I-A: I-B's answer fails for good. */
	now = T0 + 7 * DAY;
	token_step();
	search_step("TX-C", "I-C", T0 + DAY);
	subscription_step("I-A", "ACTIVE", T0 + 2 * DAY);
	fake_add(&ft, 400, NULL, "{\"name\":\"INVALID_REQUEST\",\"message\":\"x\"}");
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, token, ids, sizeof ids, NULL, &checkpoint),
	                 BILLTAP_EREQUEST);
	ck_assert_str_eq(ids, "I-A");

	/* The resumed pass searches nothing and reads only the ids after I-A. */
	size_t before = ft.calls;
	subscription_step("I-B", "SUSPENDED", T0 + 3 * DAY);
	subscription_step("I-C", "ACTIVE", T0 + DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, checkpoint, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "I-B I-C");
	ck_assert_uint_eq(ft.calls - before, 2);
	ck_assert_ptr_nonnull(strstr(ft.urls[before], "/v1/billing/subscriptions/I-B"));

	/* Its sync token carries all three: read again, none changed since (and one second
	 * of search, which finds nothing new). */
	before = ft.calls;
	search_step(NULL, NULL, 0);
	subscription_step("I-A", "ACTIVE", T0 + 2 * DAY);
	subscription_step("I-B", "SUSPENDED", T0 + 3 * DAY);
	subscription_step("I-C", "ACTIVE", T0 + DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, token2, ids, sizeof ids, &token3, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	ck_assert_uint_eq(ft.calls - before, 4);
	free(token);
	free(checkpoint);
	free(token2);
	free(token3);
	billtap_client_free(c);
}
END_TEST

static void plans_list_step(int64_t p1_updated, int64_t p2_updated)
{
	answer("{\"plans\":[{\"id\":\"P-1\",\"product_id\":\"PROD-A\",\"name\":\"Monthly\","
	       "\"status\":\"ACTIVE\",\"create_time\":\"2023-02-01T10:00:00Z\",\"update_time\":"
	       "\"%s\",\"links\":[]},{\"id\":\"P-2\",\"product_id\":\"PROD-X\",\"name\":"
	       "\"Yearly JPY\",\"status\":\"INACTIVE\",\"create_time\":\"2023-02-02T10:00:00Z\","
	       "\"update_time\":\"%s\",\"links\":[]}],\"total_items\":2,\"total_pages\":1}",
	       iso(p1_updated), iso(p2_updated));
}

START_TEST(plans_delivered_when_updated)
{
	char ids[256], *token = NULL, *token2 = NULL;
	token_step();
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	plans_list_step(T0 - 90 * DAY, T0 - 80 * DAY);
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-2.json");
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_PLANS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "P-1 P-2");
	ck_assert_str_eq(fake_header(&ft, 2, "Prefer"), "return=representation");

	now = T0 + 3 * DAY;
	size_t before = ft.calls + 1;
	token_step();
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	plans_list_step(T0 - 90 * DAY, T0 + DAY);
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-2.json");
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_PLANS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "P-2");
	ck_assert_uint_eq(ft.calls - before, 3); /* products, plans, P-2's details */
	ck_assert_ptr_nonnull(strstr(ft.urls[before], "/v1/catalogs/products"));
	ck_assert_ptr_nonnull(strstr(ft.urls[ft.calls - 1], "/v1/billing/plans/P-2"));
	free(token);
	free(token2);
	billtap_client_free(c);
}
END_TEST

START_TEST(customers_handed_out_when_new_or_changed)
{
	char ids[256], *token = NULL, *token2 = NULL, *token3 = NULL;
	token_step();
	payer_row_step("TX-A", "PAYER1", "a@example.com", T0 - 35 * DAY);
	search_step(NULL, NULL, 0);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "PAYER1");

	/* A week on, nothing changed: the whole history is searched again, nothing handed out. */
	now = T0 + 7 * DAY;
	size_t before = ft.calls + 1;
	token_step();
	payer_row_step("TX-A", "PAYER1", "a@example.com", T0 - 35 * DAY);
	search_step(NULL, NULL, 0);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	ck_assert_uint_eq(searches_from(before), 2);
	int64_t from, to;
	range_of(before, &from, &to);
	ck_assert_int_eq(from, T0 - 40 * DAY); /* from the history's start: a re-read */

	/* PAYER1's email changed, PAYER2 is new: both handed out, and then neither again. */
	now = T0 + 8 * DAY;
	token_step();
	payer_row_step("TX-A", "PAYER1", "a2@example.com", T0 - 35 * DAY);
	payer_row_step("TX-B", "PAYER2", "b@example.com", T0 + 7 * DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, token2, ids, sizeof ids, &token3, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "PAYER1 PAYER2");
	payer_row_step("TX-A", "PAYER1", "a2@example.com", T0 - 35 * DAY);
	payer_row_step("TX-B", "PAYER2", "b@example.com", T0 + 7 * DAY);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, token3, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	free(token);
	free(token2);
	free(token3);
	billtap_client_free(c);
}
END_TEST

/* One search page naming `count` payers P000, P001, ... at T0 - 35 days, each with email
 * "<id>@v<version>.example", except payer `other` (-1: none) with version `other_version`. */
static void many_payers_step(int count, int version, int other, int other_version)
{
	size_t cap = (size_t)count * 600 + 200, len = 0;
	char *body = malloc(cap);
	ck_assert_ptr_nonnull(body);
	len += (size_t)snprintf(body, cap, "{\"transaction_details\":[");
	for (int i = 0; i < count; i++)
		len += (size_t)snprintf(body + len, cap - len,
		                        "%s{\"transaction_info\":{\"paypal_account_id\":\"P%03d\","
		                        "\"transaction_id\":\"TX%03d\",\"transaction_event_code\":\"T0006\","
		                        "\"transaction_initiation_date\":\"%s\",\"transaction_updated_date\":\"%s\","
		                        "\"transaction_amount\":{\"currency_code\":\"USD\",\"value\":\"5.00\"},"
		                        "\"transaction_status\":\"S\"},\"payer_info\":{\"account_id\":\"P%03d\","
		                        "\"email_address\":\"P%03d@v%d.example\"}}",
		                        i ? "," : "", i, i, iso(T0 - 35 * DAY), iso(T0 - 35 * DAY), i, i,
		                        i == other ? other_version : version);
	snprintf(body + len, cap - len, "],\"page\":1,\"total_items\":%d,\"total_pages\":1}", count);
	fake_add(&ft, 200, NULL, body);
	ft.steps[ft.step_count - 1].owned_body = body;
}

/* A pass of changes cut after its first mark (500 payers handed out) and resumed: a payer
 * handed out before the cut that changes again before the resume is handed out by the next
 * pass. The resumed pass's token keeps, for the payers before the cut, the values the host
 * holds (the mark's), not the ones its own discovery found. */
START_TEST(customers_changed_between_cut_and_resume_come_next_pass)
{
	char ids[8192], *token = NULL, *checkpoint = NULL, *token2 = NULL;
	token_step();
	many_payers_step(501, 1, -1, 0);
	search_step(NULL, NULL, 0);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);

	/* every payer changed: the pass is cut after the 500 of its first mark */
	now = T0 + 7 * DAY;
	token_step();
	many_payers_step(501, 2, -1, 0);
	search_step(NULL, NULL, 0);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.checkpoint = token;
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	for (int i = 0; i < 500; i++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "P499");
	const char *t;
	ck_assert_int_eq(billtap_iter_checkpoint(&t, it), 0);
	checkpoint = strdup(t);
	billtap_iter_free(it);

	/* P000 (handed out as v2) changes again before the resume, which hands out P500 */
	many_payers_step(501, 2, 0, 3);
	search_step(NULL, NULL, 0);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, checkpoint, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "P500");

	/* the next pass, nothing changed since: P000's v3 was never handed out */
	now = T0 + 8 * DAY;
	token_step();
	many_payers_step(501, 2, 0, 3);
	search_step(NULL, NULL, 0);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, token2, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "P000");
	free(token);
	free(checkpoint);
	free(token2);
	billtap_client_free(c);
}
END_TEST

/* A payer no longer found (older than PayPal's three years) leaves the token: tokens do not
 * grow with every payer ever seen (docs: about 30 bytes a payer found). */
START_TEST(payers_no_longer_found_leave_the_token)
{
	char ids[256], *token = NULL, *token2 = NULL;
	token_step();
	payer_row_step("TX-A", "PAYER1", "a@example.com", T0 - 35 * DAY);
	payer_row_step("TX-B", "PAYER2", "b@example.com", T0 - DAY);
	billtap_client *c = client();
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, ids, sizeof ids, &token, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "PAYER1 PAYER2");
	now = T0 + 7 * DAY;
	token_step();
	payer_row_step("TX-A", "PAYER1", "a@example.com", T0 - 35 * DAY);
	search_step(NULL, NULL, 0);
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_CUSTOMERS, token, ids, sizeof ids, &token2, NULL),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "");
	ck_assert_msg(strlen(token2) < strlen(token), "the token kept the payer: %zu bytes, was %zu",
	              strlen(token2), strlen(token));
	free(token);
	free(token2);
	billtap_client_free(c);
}
END_TEST

/* The digest a re-read compares customers by, as a property over seeded random customers:
 * equal values digest alike, and changing any one value (email, name, country, created;
 * an absent one made empty or the other way round) changes the digest. A value the digest
 * missed would be a change no incremental pass hands out. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* NULL (absent), "" or a short string of letters, commas, '=' and UTF-8 bytes. */
static const char *random_value(char *buf, size_t cap)
{
	static const char *const bits[] = { "a", "b", ",", "=", "\xc3\xa9", "@", "x" };
	uint64_t r = rng() % 8;
	if (r == 0)
		return NULL;
	buf[0] = '\0';
	for (uint64_t n = r - 1; n > 0; n--)
		strncat(buf, bits[rng() % 7], cap - strlen(buf) - 1);
	return buf;
}

START_TEST(customer_digest_tells_every_change)
{
	char v[4][2][32];
	for (int trial = 0; trial < 20000; trial++) {
		const char *a[3], *b[3];
		for (int f = 0; f < 3; f++)
			a[f] = b[f] = random_value(v[f][0], sizeof v[f][0]);
		int64_t t = (int64_t)(rng() % 4000000000u) - 1000000000, u = t;
		/* an equal copy (other buffers) digests alike */
		char copy[3][32];
		for (int f = 0; f < 3; f++)
			if (a[f])
				b[f] = strcpy(copy[f], a[f]);
		ck_assert_uint_eq(pp_customer_digest(a[0], a[1], a[2], t),
		                  pp_customer_digest(b[0], b[1], b[2], u));
		int field = (int)(rng() % 4);
		if (field == 3) {
			u = t + (int64_t)(rng() % 1000) + 1;
		} else {
			/* another value: a new one, or absent <-> empty */
			do
				b[field] = a[field] && !*a[field] && rng() % 2
				                   ? NULL
				                   : random_value(v[field][1], sizeof v[field][1]);
			while ((!a[field] && !b[field]) ||
			       (a[field] && b[field] && strcmp(a[field], b[field]) == 0));
		}
		ck_assert_msg(pp_customer_digest(a[0], a[1], a[2], t) !=
		                      pp_customer_digest(b[0], b[1], b[2], u),
		              "trial %d: field %d changed, the digest did not", trial, field);
	}
}
END_TEST

START_TEST(sync_methods_declared)
{
	billtap_sync_method m;
	ck_assert_int_eq(billtap_provider_sync_method(&m, "paypal", BILLTAP_RESOURCE_TRANSACTIONS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_UPDATED);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "paypal", BILLTAP_RESOURCE_PLANS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_UPDATED);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "paypal", BILLTAP_RESOURCE_SUBSCRIPTIONS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_UPDATED);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "paypal", BILLTAP_RESOURCE_CUSTOMERS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_REREAD);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "paypal", BILLTAP_RESOURCE_INVOICES), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_NONE);
	billtap_client *c = client();
	char ids[16];
	ck_assert_int_eq(run(c, BILLTAP_RESOURCE_INVOICES, NULL, ids, sizeof ids, NULL, NULL),
	                 BILLTAP_EUNSUPPORTED);
	billtap_client_free(c);
}
END_TEST

TCase *paypal_sync_tcase(void)
{
	TCase *tc = tcase_create("incremental");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, transactions_go_on_from_the_last_stop);
	tcase_add_test(tc, pending_and_refunded_transactions_read_again);
	tcase_add_test(tc, token_beyond_three_years_needs_a_full_pass);
	tcase_add_test(tc, subscription_discovery_resumes_without_searching_again);
	tcase_add_test(tc, subscriptions_read_again_and_delivered_when_updated);
	tcase_add_test(tc, incremental_subscriptions_resume_mid_read);
	tcase_add_test(tc, plans_delivered_when_updated);
	tcase_add_test(tc, customers_handed_out_when_new_or_changed);
	tcase_add_test(tc, customer_digest_tells_every_change);
	tcase_add_test(tc, payers_no_longer_found_leave_the_token);
	tcase_add_test(tc, customers_changed_between_cut_and_resume_come_next_pass);
	tcase_add_test(tc, sync_methods_declared);
	return tc;
}
