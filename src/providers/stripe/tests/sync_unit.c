/*
 * Stripe's incremental passes from recorded Stripe-shaped answers (fixtures/sync/: event
 * pages whose objects are the other fixtures' objects, see fixtures/sync/README.md):
 * the head read by a full pass, the walk to the sync point, one record per changed object
 * read again by id, tombstones (customer.deleted, {"deleted":true}, 404 resource_missing),
 * a cancellation that is no deletion, invoice links looked up per PaymentIntent, the
 * 30-day retention, and resuming within a pass.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "testutil.h"

TCase *stripe_sync_tcase(void);

static fake_transport ft;
static int64_t now;
static billtap_client *cur; /* the last client made, for messages */

#define DAY 86400
#define T0 1700000400 /* the clock of the first pass */

static int64_t test_clock(void *payload)
{
	return *(int64_t *)payload;
}

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	now = T0;
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
	opts.clock_payload = &now;
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "stripe", &opts), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://stripe.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	return cur = c;
}

static billtap_iter *start(billtap_client *c, billtap_resource res, const char *token)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.checkpoint = token;
	billtap_iter *it = NULL;
	int rc = billtap_iter_new(&it, c, res, &o);
	ck_assert_msg(rc == 0, "iter_new %d: %s", rc, billtap_client_error_message(c));
	return it;
}

/* Up to `limit` records (-1: all) as "JSON\n" lines into out; the last code. */
static int drain(billtap_iter *it, char *out, size_t cap, int limit)
{
	const billtap_record *r;
	int rc = 0, n = 0;
	out[0] = '\0';
	while ((limit < 0 || n < limit) && (rc = billtap_iter_next(&r, it)) == 0) {
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s\n", billtap_record_json(r, NULL));
		n++;
	}
	return rc;
}

static char *token_of(billtap_iter *it)
{
	const char *t;
	ck_assert_int_eq(billtap_iter_sync_token(&t, it), 0);
	char *d = strdup(t);
	ck_assert_ptr_nonnull(d);
	return d;
}

/* The JSON inside an engine token ("bt1." + base64url), where the provider's mark is "m". */
static char *token_json(const char *token)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	ck_assert_int_eq(strncmp(token, "bt1.", 4), 0);
	const char *p = token + 4;
	char *out = calloc(strlen(p) + 1, 1);
	ck_assert_ptr_nonnull(out);
	size_t n = 0;
	unsigned bits = 0, acc = 0;
	for (; *p && *p != '='; p++) {
		const char *at = strchr(abc, *p);
		ck_assert_ptr_nonnull(at);
		acc = (acc << 6) | (unsigned)(at - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	return out;
}

/* Fails unless the token's provider mark is `mark`. */
static void expect_mark(const char *token, const char *mark)
{
	char *json = token_json(token), want[256];
	snprintf(want, sizeof want, "\"m\":\"%s\"", mark);
	ck_assert_msg(strstr(json, want) != NULL, "%s has no %s", json, want);
	free(json);
}

/* A sync token as the engine writes it around the provider's mark: made by a real full
 * pass, so tests of later passes start from what a host would hold. */
static char *customers_token(billtap_client *c)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_head.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *t = token_of(it);
	billtap_iter_free(it);
	return t;
}

#define EVENTS_URL                                                                              \
	"http://stripe.test/v1/events?limit=100&types%5B%5D=customer.created"                  \
	"&types%5B%5D=customer.updated&types%5B%5D=customer.deleted"

#define Q4_NOW                                                                                  \
	"{\"object\":\"customer\",\"id\":\"cus_Q4\",\"email\":\"now@example.com\",\"name\":null," \
	"\"country\":\"DE\",\"created_at\":\"2024-04-13T09:20:00Z\",\"deleted\":false}\n"
#define TOMB(id) "{\"object\":\"customer\",\"id\":\"" id "\",\"deleted\":true}\n"

/* The changes of cus_events.json: cus_Q4 (three events) read again, cus_Q7 deleted by its
 * event, cus_Q5 gone (404), cus_Q6 deleted ({"deleted":true}). */
static void serve_changes(void)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q4.json");
	fake_add_fixture(&ft, 404, NULL, "stripe/sync/error_404_missing.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q6_deleted.json");
}

START_TEST(full_pass_reads_the_head_first)
{
	billtap_client *c = client();
	char *tok = customers_token(c);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/events?limit=1&types%5B%5D=customer.created"
	                             "&types%5B%5D=customer.updated&types%5B%5D=customer.deleted");
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/customers?limit=100");
	/* the engine's token wraps the provider's final mark: the head and the clock */
	expect_mark(tok, "sync:evt_c3:1700000300:1700000400");
	free(tok);
	billtap_client_free(c);
}
END_TEST

START_TEST(changes_collapse_per_object_and_tombstones)
{
	billtap_client *c = client();
	char *tok = customers_token(c);
	now = T0 + DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events.json");
	serve_changes();
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	/* newest event first; the events' own (stale, 2020-shaped) copies are not used */
	ck_assert_str_eq(out, Q4_NOW TOMB("cus_Q7") TOMB("cus_Q5") TOMB("cus_Q6"));
	ck_assert_uint_eq(ft.calls, 2 + 4);
	ck_assert_str_eq(ft.urls[2], EVENTS_URL "&created%5Bgte%5D=1700000300");
	ck_assert_str_eq(ft.urls[3], "http://stripe.test/v1/customers/cus_Q4");
	ck_assert_str_eq(ft.urls[4], "http://stripe.test/v1/customers/cus_Q5");
	ck_assert_str_eq(ft.urls[5], "http://stripe.test/v1/customers/cus_Q6");
	char *tok2 = token_of(it);
	expect_mark(tok2, "sync:evt_c9:1700086000:1700086800");
	billtap_iter_free(it);

	/* Round 3: nothing new (the sync point on top): no records, the point kept. */
	now = T0 + 2 * DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events_top.json");
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok2);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(ft.urls[6], EVENTS_URL "&created%5Bgte%5D=1700086000");
	ck_assert_uint_eq(ft.calls, 7);
	char *tok3 = token_of(it);
	expect_mark(tok3, "sync:evt_c9:1700086000:1700173200");
	billtap_iter_free(it);
	free(tok);
	free(tok2);
	free(tok3);
	billtap_client_free(c);
}
END_TEST

START_TEST(token_past_retention_needs_a_full_pass)
{
	billtap_client *c = client();
	char *tok = customers_token(c);
	/* 29 days is accepted (a day's margin under Stripe's 30)... */
	now = T0 + 29 * DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events_top.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok);
	billtap_iter_free(it);
	/* ...a second more is not, before any request */
	now = T0 + 29 * DAY + 1;
	size_t calls = ft.calls;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = tok;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o),
	                 BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	ck_assert_uint_eq(ft.calls, calls);
	free(tok);
	billtap_client_free(c);
}
END_TEST

START_TEST(sync_point_missing_from_a_young_feed)
{
	billtap_client *c = client();
	char *tok = customers_token(c);
	now = T0 + DAY;
	/* evt_c3 is a day old, Stripe should still list it: a gap, not an empty change set */
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events_no_point.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ECHECKPOINT);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "evt_c3"));
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	billtap_iter_free(it);
	free(tok);
	billtap_client_free(c);
}
END_TEST

START_TEST(expired_sync_point_needs_a_full_pass_whatever_the_clock)
{
	/* Stripe's clock decides: a token the client's clock calls young (a day) whose event
	 * Stripe no longer lists (its world moved on, or the feed was quiet for 30 days)
	 * cannot say what changed. A pass on day 28 found nothing newer than evt_c3 and kept
	 * it; later Stripe lists only newer events. */
	billtap_client *c = client();
	char *tok = customers_token(c);
	now = T0 + 28 * DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_head.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "");
	char *tok2 = token_of(it);
	expect_mark(tok2, "sync:evt_c3:1700000300:1702419600");
	billtap_iter_free(it);
	now = T0 + 29 * DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events_no_point.json");
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok2);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ECHECKPOINT);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	billtap_iter_free(it);
	free(tok);
	free(tok2);
	billtap_client_free(c);
}
END_TEST

/* Takes k records of the changes of cus_events.json, then resumes from the checkpoint
 * with `again` served for the walk; returns the resumed iterator's end code. */
static int resume_after(int k, const char *again, char *out, size_t cap, char **final)
{
	billtap_client *c = client();
	char *tok = customers_token(c);
	now = T0 + DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q4.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, tok);
	char first[2048];
	ck_assert_int_eq(drain(it, first, sizeof first, k), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	size_t before = ft.calls;
	now = T0 + DAY + 3600;
	fake_add_fixture(&ft, 200, NULL, again);
	fake_add_fixture(&ft, 404, NULL, "stripe/sync/error_404_missing.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q6_deleted.json");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	int rc = drain(it, out, cap, -1);
	if (rc == BILLTAP_ITEROVER) {
		/* the walk again, bounded by the pass's newest and oldest events */
		ck_assert_str_eq(ft.urls[before], EVENTS_URL "&created%5Bgte%5D=1700000500"
		                                  "&created%5Blte%5D=1700086000");
		*final = token_of(it);
	}
	billtap_iter_free(it);
	free(saved);
	free(tok);
	billtap_client_free(c);
	return rc;
}

START_TEST(resume_within_changes_gives_the_rest)
{
	char out[4096], *final = NULL;
	/* a newer event on top of the feed by now is not this pass's */
	ck_assert_int_eq(resume_after(1, "stripe/sync/cus_events_newer.json", out, sizeof out, &final),
	                 BILLTAP_ITEROVER);
	ck_assert_str_eq(out, TOMB("cus_Q7") TOMB("cus_Q5") TOMB("cus_Q6"));
	/* the same token as the pass had it not been interrupted */
	expect_mark(final, "sync:evt_c9:1700086000:1700086800");
	free(final);
}
END_TEST

START_TEST(resume_after_the_feed_changed_is_refused)
{
	char out[4096], *final = NULL;
	/* an event listed late, among those already passed: skipping 2 would lose cus_Q7 */
	ck_assert_int_eq(resume_after(2, "stripe/sync/cus_events_changed.json", out, sizeof out, &final),
	                 BILLTAP_ECHECKPOINT);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_null(final);
}
END_TEST

START_TEST(full_pass_resumed_keeps_its_head)
{
	billtap_client *c = client();
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_head.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page1.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, 3), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	/* later: no new head read; the list goes on after cus_Q3 */
	now = T0 + 600;
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_ptr_nonnull(strstr(out, "cus_Q4"));
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[2], "http://stripe.test/v1/customers?limit=100&starting_after=cus_Q3");
	char *tok = token_of(it);
	expect_mark(tok, "sync:evt_c3:1700000300:1700000400");
	free(tok);
	free(saved);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(transactions_look_up_their_invoice_per_payment)
{
	billtap_client *c = client();
	/* a full pass of transactions under basil: head, invoice payments, three lists */
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":false,"
	                         "\"data\":[{\"id\":\"evt_t1\",\"object\":\"event\",\"created\":1700000100,"
	                         "\"type\":\"charge.succeeded\",\"data\":{\"object\":{\"id\":\"ch_1\","
	                         "\"object\":\"charge\"}}}]}");
	const char *empty = "{\"object\":\"list\",\"url\":\"/v1/x\",\"has_more\":false,\"data\":[]}";
	for (int i = 0; i < 7; i++)
		fake_add(&ft, 200, NULL, empty);
	billtap_iter *it = start(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL);
	char out[8192];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/events?limit=1&types%5B%5D=charge.captured"
	                             "&types%5B%5D=charge.expired&types%5B%5D=charge.failed"
	                             "&types%5B%5D=charge.pending&types%5B%5D=charge.refunded"
	                             "&types%5B%5D=charge.succeeded&types%5B%5D=charge.updated"
	                             "&types%5B%5D=charge.dispute.closed&types%5B%5D=charge.dispute.created"
	                             "&types%5B%5D=charge.dispute.funds_reinstated"
	                             "&types%5B%5D=charge.dispute.funds_withdrawn"
	                             "&types%5B%5D=charge.dispute.updated&types%5B%5D=charge.refund.updated"
	                             "&types%5B%5D=refund.created&types%5B%5D=refund.failed"
	                             "&types%5B%5D=refund.updated");
	char *tok = token_of(it);
	billtap_iter_free(it);
	size_t base = ft.calls;
	ck_assert_uint_eq(base, 8);

	now = T0 + DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/txn_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/du_1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/invoice_payments_pi_1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/re_1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/ch_1.json");
	it = start(c, BILLTAP_RESOURCE_TRANSACTIONS, tok);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	/* the records a full pass makes of the same objects (charges_then_refunds) */
	const char *want =
		"{\"object\":\"transaction\",\"id\":\"du_1\",\"customer_id\":\"cus_Q1\",\"subscription_id\":"
		"\"sub_7\",\"invoice_id\":\"in_7\",\"kind\":\"chargeback\",\"result\":\"pending\","
		"\"provider_status\":\"needs_response\",\"amount\":2000,\"currency\":\"USD\","
		"\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":null,"
		"\"fee_amount\":1500,\"net_amount\":-3500,\"parent_id\":\"ch_1\","
		"\"occurred_at\":\"2024-04-02T23:20:00Z\"}\n"
		"{\"object\":\"transaction\",\"id\":\"re_1\",\"customer_id\":\"cus_Q1\",\"subscription_id\":"
		"\"sub_7\",\"invoice_id\":\"in_7\",\"kind\":\"refund\",\"result\":\"succeeded\","
		"\"provider_status\":\"succeeded\",\"amount\":500,\"currency\":\"USD\","
		"\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":0,"
		"\"fee_amount\":null,\"net_amount\":null,\"parent_id\":\"ch_1\","
		"\"occurred_at\":\"2024-04-02T23:20:00Z\"}\n"
		"{\"object\":\"transaction\",\"id\":\"ch_1\",\"customer_id\":\"cus_Q1\",\"subscription_id\":"
		"\"sub_7\",\"invoice_id\":\"in_7\",\"kind\":\"payment\",\"result\":\"succeeded\","
		"\"provider_status\":\"succeeded\",\"amount\":2000,\"currency\":\"USD\","
		"\"currency_exponent\":2,\"captured_amount\":2000,\"refunded_amount\":500,"
		"\"fee_amount\":null,\"net_amount\":null,\"parent_id\":null,"
		"\"occurred_at\":\"2024-04-01T19:33:20Z\"}\n";
	char *line = out;
	const char *w = want;
	for (int i = 0; i < 3; i++) {
		char *nl = strchr(line, '\n');
		const char *wnl = strchr(w, '\n');
		ck_assert_ptr_nonnull(nl);
		char why[256] = "";
		ck_assert_msg(json_equal(line, (size_t)(nl - line), w, (size_t)(wnl - w), why, sizeof why),
		              "record %d: %s\n%.*s", i, why, (int)(nl - line), line);
		line = nl + 1;
		w = wnl + 1;
	}
	ck_assert_str_eq(line, "");
	/* one invoice-payment look-up for pi_1; the others knew it */
	ck_assert_uint_eq(ft.calls, base + 5);
	ck_assert_str_eq(ft.urls[base + 1], "http://stripe.test/v1/disputes/du_1?expand%5B%5D=charge");
	ck_assert_str_eq(ft.urls[base + 2],
	                 "http://stripe.test/v1/invoice_payments?payment%5Btype%5D=payment_intent"
	                 "&payment%5Bpayment_intent%5D=pi_1&limit=100&expand%5B%5D=data.invoice");
	ck_assert_str_eq(ft.urls[base + 3],
	                 "http://stripe.test/v1/refunds/re_1?expand%5B%5D=charge"
	                 "&expand%5B%5D=balance_transaction");
	ck_assert_str_eq(ft.urls[base + 4],
	                 "http://stripe.test/v1/charges/ch_1?expand%5B%5D=balance_transaction");
	free(tok);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(a_payment_without_an_invoice_is_looked_up_once)
{
	billtap_client *c = client();
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/txn_head.json");
	const char *empty = "{\"object\":\"list\",\"url\":\"/v1/x\",\"has_more\":false,\"data\":[]}";
	for (int i = 0; i < 7; i++)
		fake_add(&ft, 200, NULL, empty);
	billtap_iter *it = start(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL);
	char out[8192];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *tok = token_of(it);
	billtap_iter_free(it);
	size_t base = ft.calls;
	now = T0 + DAY;
	/* pi_1 paid no invoice here: the dispute's look-up answers none, and the refund and
	 * the charge of the same PaymentIntent do not ask again */
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/txn_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/du_1.json");
	fake_add(&ft, 200, NULL, empty);
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/re_1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/ch_1.json");
	it = start(c, BILLTAP_RESOURCE_TRANSACTIONS, tok);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_uint_eq(ft.calls, base + 5);
	ck_assert_ptr_nonnull(strstr(ft.urls[base + 2], "/v1/invoice_payments?"));
	ck_assert_ptr_nonnull(strstr(ft.urls[base + 3], "/v1/refunds/re_1"));
	ck_assert_ptr_nonnull(strstr(ft.urls[base + 4], "/v1/charges/ch_1"));
	ck_assert_ptr_null(strstr(out, "\"invoice_id\":\"in_7\""));
	ck_assert_ptr_nonnull(strstr(out, "\"id\":\"ch_1\""));
	free(tok);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(canceled_subscription_is_read_with_its_items)
{
	/* The record a full pass makes of sub_2 (list, then its items' pages). */
	billtap_client *c = client();
	fake_add_fixture(&ft, 200, NULL, "stripe/subscriptions_basil.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p2.json");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	char full[16384];
	ck_assert_int_eq(drain(it, full, sizeof full, -1), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	char *sub2 = strstr(full, "{\"object\":\"subscription\",\"id\":\"sub_2\"");
	ck_assert_ptr_nonnull(sub2);
	*strchr(sub2, '\n') = '\0';

	char tok[64];
	snprintf(tok, sizeof tok, "sync:evt_s1:1700000100:%d", T0);
	/* a bare provider token is not a host token: make the engine's by a full pass */
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/events\",\"has_more\":false,"
	                         "\"data\":[{\"id\":\"evt_s1\",\"object\":\"event\",\"created\":1700000100,"
	                         "\"type\":\"customer.subscription.created\",\"data\":{\"object\":"
	                         "{\"id\":\"sub_2\",\"object\":\"subscription\"}}}]}");
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/subscriptions\",\"has_more\":false,"
	                         "\"data\":[]}");
	it = start(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL);
	char out[16384];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *t = token_of(it);
	expect_mark(t, tok);
	billtap_iter_free(it);

	size_t base = ft.calls;
	now = T0 + DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/sub_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/sub_2.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p2.json");
	it = start(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, t);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	/* customer.subscription.deleted cancels: the subscription is read, not a tombstone */
	char *nl = strchr(out, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_str_eq(nl + 1, "");
	char why[256] = "";
	ck_assert_msg(json_equal(out, (size_t)(nl - out), sub2, strlen(sub2), why, sizeof why),
	              "%s\n%s", why, out);
	ck_assert_str_eq(ft.urls[base + 1],
	                 "http://stripe.test/v1/subscriptions/sub_2?expand%5B%5D=discounts");
	ck_assert_uint_eq(ft.calls, base + 4);
	billtap_iter_free(it);
	free(t);
	billtap_client_free(c);
}
END_TEST

START_TEST(held_subscriptions_mark_their_own_stage)
{
	/* sub_2 waits for its items' pages, sub_3 behind it: both leave with subscription
	 * marks behind the head (a plain pass's too: "subscriptions:sub_2") */
	billtap_client *c = client();
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/sub_head.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscriptions_basil.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p2.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL);
	char out[16384];
	const char *cp;
	ck_assert_int_eq(drain(it, out, sizeof out, 1), 0); /* left with its page */
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	expect_mark(cp, "full:evt_s1:1700000100:1700000400:subscriptions:sub_1");
	ck_assert_int_eq(drain(it, out, sizeof out, 1), 0); /* left with its items' last page */
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	expect_mark(cp, "full:evt_s1:1700000100:1700000400:subscriptions:sub_2");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(since_drops_objects_created_before_it)
{
	billtap_client *c = client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.since = 1700000460; /* after cus_Q5 was created, before cus_Q6, cus_Q7 and cus_Q4 */
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_head.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	char out[4096];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *tok = token_of(it);
	billtap_iter_free(it);
	now = T0 + DAY;
	size_t base = ft.calls;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q4.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/cus_Q6_deleted.json");
	o.checkpoint = tok;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	/* cus_Q5 is neither read nor reported: a full pass with `since` never listed it */
	ck_assert_str_eq(out, Q4_NOW TOMB("cus_Q7") TOMB("cus_Q6"));
	ck_assert_uint_eq(ft.calls, base + 3);
	ck_assert_str_eq(ft.urls[base + 2], "http://stripe.test/v1/customers/cus_Q6");
	billtap_iter_free(it);
	free(tok);
	billtap_client_free(c);
}
END_TEST

/* The record a full pass makes of price `id` after prod_A was renamed. */
static char *renamed_plan(const char *id)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/prices_renamed.json");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, cur, BILLTAP_RESOURCE_PLANS, NULL), 0);
	const billtap_record *r;
	char *json = NULL;
	while (billtap_iter_next(&r, it) == 0)
		if (strcmp(billtap_record_id(r), id) == 0)
			json = strdup(billtap_record_json(r, NULL));
	billtap_iter_free(it);
	ck_assert_ptr_nonnull(json);
	return json;
}

/* The lines of out equal, in order, the full pass's records of ids. */
static void expect_plans(const char *out, const char *const *ids, size_t n)
{
	const char *line = out;
	for (size_t i = 0; i < n; i++) {
		char *want = renamed_plan(ids[i]), why[256] = "";
		const char *nl = strchr(line, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(json_equal(line, (size_t)(nl - line), want, strlen(want), why, sizeof why),
		              "plan %zu: %s\n%.*s", i, why, (int)(nl - line), line);
		free(want);
		line = nl + 1;
	}
	ck_assert_str_eq(line, "");
}

/* A plans token from a full pass whose head is evt_p1. */
static char *plans_token(billtap_client *c)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_head.json");
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/prices\",\"has_more\":false,"
	                         "\"data\":[]}");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_PLANS, NULL);
	char out[256];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *t = token_of(it);
	billtap_iter_free(it);
	return t;
}

START_TEST(renamed_product_renames_its_plans)
{
	/* product.updated for prod_A: its prices carry the product's name but have no event;
	 * price_Q changed too and goes out once, in its own place */
	billtap_client *c = client();
	char *tok = plans_token(c);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/events?limit=1&types%5B%5D=price.created"
	                             "&types%5B%5D=price.updated&types%5B%5D=price.deleted"
	                             "&types%5B%5D=product.updated");
	now = T0 + DAY;
	size_t base = ft.calls;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/prod_A_prices_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/prod_A_prices_p2.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_Q.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_PLANS, tok);
	char out[16384];
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	ck_assert_uint_eq(ft.calls, base + 4);
	ck_assert_str_eq(ft.urls[base + 1], "http://stripe.test/v1/prices?product=prod_A&limit=100"
	                                    "&expand%5B%5D=data.product&expand%5B%5D=data.tiers");
	ck_assert_str_eq(ft.urls[base + 2], "http://stripe.test/v1/prices?product=prod_A&limit=100"
	                                    "&expand%5B%5D=data.product&expand%5B%5D=data.tiers"
	                                    "&starting_after=price_Q");
	ck_assert_str_eq(ft.urls[base + 3], "http://stripe.test/v1/prices/price_Q?expand%5B%5D=product"
	                                    "&expand%5B%5D=tiers");
	const char *ids[] = { "price_M", "price_D", "price_Q" };
	expect_plans(out, ids, 3);
	free(tok);
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_within_a_renamed_products_prices)
{
	billtap_client *c = client();
	char *tok = plans_token(c);
	now = T0 + DAY;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/prod_A_prices_p1.json");
	billtap_iter *it = start(c, BILLTAP_RESOURCE_PLANS, tok);
	char out[16384];
	ck_assert_int_eq(drain(it, out, sizeof out, 1), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	size_t base = ft.calls;
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_events.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/prod_A_prices_after_M.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/sync/price_Q.json");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, &o), 0);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ft.urls[base + 1], "http://stripe.test/v1/prices?product=prod_A&limit=100"
	                                    "&expand%5B%5D=data.product&expand%5B%5D=data.tiers"
	                                    "&starting_after=price_M");
	const char *ids[] = { "price_D", "price_Q" };
	expect_plans(out, ids, 2);
	billtap_iter_free(it);
	free(saved);
	free(tok);
	billtap_client_free(c);
}
END_TEST

/* One allocation failed at a time, in full passes with the flag and in passes of changes of
 * every kind: each run retried call by call returns the clean run's records (and leaks
 * nothing, under ASan and valgrind). The tokens are made by the system clock's passes. */
START_TEST(every_allocation_failure_in_incremental_passes)
{
	static const fixture_route customers[] = {
		{ "/v1/events?", "created%5Bgte%5D", NULL, "stripe/sync/cus_head.json" },
		{ "/v1/events?", NULL, NULL, "stripe/sync/cus_events.json" },
		{ "/v1/customers?", "starting_after", NULL, "stripe/customers_page1.json" },
		{ "/v1/customers?", "starting_after", "cus_Q3", "stripe/customers_page2.json" },
		{ "/v1/customers/cus_Q4", NULL, NULL, "stripe/sync/cus_Q4.json" },
		{ "/v1/customers/cus_Q5", NULL, NULL, "stripe/sync/error_404_missing.json" },
		{ "/v1/customers/cus_Q6", NULL, NULL, "stripe/sync/cus_Q6_deleted.json" },
	};
	static const int customer_status[] = { 0, 0, 0, 0, 0, 404, 0 };
	static const fixture_route plans[] = {
		{ "/v1/events?", "created%5Bgte%5D", NULL, "stripe/sync/price_head.json" },
		{ "/v1/events?", NULL, NULL, "stripe/sync/price_events.json" },
		{ "/v1/prices?product=prod_A", "starting_after", NULL, "stripe/sync/prod_A_prices_p1.json" },
		{ "/v1/prices?product=prod_A", "starting_after", "price_Q", "stripe/sync/prod_A_prices_p2.json" },
		{ "/v1/prices?", NULL, NULL, "stripe/prices.json" },
		{ "/v1/prices/price_Q", NULL, NULL, "stripe/sync/price_Q.json" },
	};
	static const fixture_route subscriptions[] = {
		{ "/v1/events?", "created%5Bgte%5D", NULL, "stripe/sync/sub_head.json" },
		{ "/v1/events?", NULL, NULL, "stripe/sync/sub_events.json" },
		{ "/v1/subscriptions?", NULL, NULL, "stripe/subscriptions_basil.json" },
		{ "/v1/subscriptions/sub_2", NULL, NULL, "stripe/sync/sub_2.json" },
		{ "/v1/subscription_items?", "starting_after", "si_3", "stripe/subscription_items_p1.json" },
		{ "/v1/subscription_items?", "starting_after", "si_5", "stripe/subscription_items_p2.json" },
	};
	static const fixture_route transactions[] = {
		{ "/v1/events?", "created%5Bgte%5D", NULL, "stripe/sync/txn_head.json" },
		{ "/v1/events?", NULL, NULL, "stripe/sync/txn_events.json" },
		{ "/v1/invoice_payments?payment", NULL, NULL, "stripe/sync/invoice_payments_pi_1.json" },
		{ "/v1/invoice_payments?", NULL, NULL, "stripe/invoice_payments.json" },
		{ "/v1/charges?", NULL, NULL, "stripe/charges.json" },
		{ "/v1/refunds?", NULL, NULL, "stripe/refunds.json" },
		{ "/v1/disputes?", NULL, NULL, "stripe/disputes.json" },
		{ "/v1/disputes/du_1", NULL, NULL, "stripe/sync/du_1.json" },
		{ "/v1/refunds/re_1", NULL, NULL, "stripe/sync/re_1.json" },
		{ "/v1/charges/ch_1", NULL, NULL, "stripe/sync/ch_1.json" },
	};
	static const struct {
		billtap_resource resource;
		const fixture_route *routes;
		const int *statuses;
		size_t route_count;
		const char *head; /* the head a full pass reads, for the token of the changes */
		size_t full, changes; /* records of each pass */
	} cases[] = {
#define ALL(table, st) table, st, sizeof table / sizeof table[0]
		{ BILLTAP_RESOURCE_CUSTOMERS, ALL(customers, customer_status), "stripe/sync/cus_head.json",
		  4, 4 },
		{ BILLTAP_RESOURCE_PLANS, ALL(plans, NULL), "stripe/sync/price_head.json", 6, 3 },
		{ BILLTAP_RESOURCE_SUBSCRIPTIONS, ALL(subscriptions, NULL), "stripe/sync/sub_head.json", 3,
		  1 },
		{ BILLTAP_RESOURCE_TRANSACTIONS, ALL(transactions, NULL), "stripe/sync/txn_head.json", 10,
		  3 },
#undef ALL
	};
	static const char *const settings[] = { "api_key", "sk_test_x", "base_url",
		                                "http://stripe.test", "allow_insecure_http", "1", NULL };
	billtap_resource res = cases[_i].resource;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	char why[1024] = "";
	size_t records;
	long n = alloc_walk_opts(&records, "stripe", settings, res, &o, cases[_i].routes,
	                         cases[_i].statuses, cases[_i].route_count, why, sizeof why);
	ck_assert_msg(n > 0, "%s full: %s", billtap_resource_name(res), why);
	ck_assert_uint_eq(records, cases[_i].full);

	/* A token by the system clock (the walk's clients have no other): a full pass whose
	 * lists are empty. */
	billtap_client *c = fake_client(&ft, "stripe");
	for (size_t i = 0; settings[i]; i += 2)
		ck_assert_int_eq(billtap_client_set(c, settings[i], settings[i + 1]), 0);
	fake_add_fixture(&ft, 200, NULL, cases[_i].head);
	for (int i = 0; i < 7; i++)
		fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/x\",\"has_more\":false,"
		                         "\"data\":[]}");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, &o), 0);
	const billtap_record *r;
	while (billtap_iter_next(&r, it) == 0)
		;
	char *tok = token_of(it);
	billtap_iter_free(it);
	billtap_client_free(c);
	o.checkpoint = tok;
	n = alloc_walk_opts(&records, "stripe", settings, res, &o, cases[_i].routes,
	                    cases[_i].statuses, cases[_i].route_count, why, sizeof why);
	ck_assert_msg(n > 0, "%s changes: %s", billtap_resource_name(res), why);
	ck_assert_uint_eq(records, cases[_i].changes);
	free(tok);
}
END_TEST

TCase *stripe_sync_tcase(void)
{
	TCase *tc = tcase_create("sync");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, full_pass_reads_the_head_first);
	tcase_add_test(tc, changes_collapse_per_object_and_tombstones);
	tcase_add_test(tc, token_past_retention_needs_a_full_pass);
	tcase_add_test(tc, sync_point_missing_from_a_young_feed);
	tcase_add_test(tc, expired_sync_point_needs_a_full_pass_whatever_the_clock);
	tcase_add_test(tc, resume_within_changes_gives_the_rest);
	tcase_add_test(tc, resume_after_the_feed_changed_is_refused);
	tcase_add_test(tc, full_pass_resumed_keeps_its_head);
	tcase_add_test(tc, transactions_look_up_their_invoice_per_payment);
	tcase_add_test(tc, a_payment_without_an_invoice_is_looked_up_once);
	tcase_add_test(tc, canceled_subscription_is_read_with_its_items);
	tcase_add_test(tc, since_drops_objects_created_before_it);
	tcase_add_test(tc, held_subscriptions_mark_their_own_stage);
	tcase_add_test(tc, renamed_product_renames_its_plans);
	tcase_add_test(tc, resume_within_a_renamed_products_prices);
	tcase_add_loop_test(tc, every_allocation_failure_in_incremental_passes, 0, 4);
	return tc;
}
