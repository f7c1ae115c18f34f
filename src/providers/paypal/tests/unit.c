/* The PayPal provider from recorded-shape responses through the transport vtable. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "core.h" /* the iterator's skip count and last skipped record */
#include "testutil.h"

Suite *paypal_unit_suite(void);
TCase *paypal_sync_tcase(void); /* sync_unit.c */
void paypal_invoice_tests(Suite *s); /* unit_invoices.c */
void paypal_trace_tests(Suite *s);   /* unit_trace.c */
void paypal_window_tests(Suite *s);  /* unit_windows.c */
void search_range(const char *url, int64_t *from, int64_t *to);
/* also used by unit_trace.c */
void add_edited_fixture(fake_transport *f, const char *name, const char *from, const char *to);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

/* History starts 40 days ago: two search windows (31 days, then the rest). */
static billtap_client *paypal_client(void)
{
	billtap_client *c = fake_client(&ft, "paypal");
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	char start[40];
	billtap_time_format(start, sizeof start, (int64_t)time(NULL) - 40 * 86400);
	ck_assert_int_eq(billtap_client_set(c, "history_start", start), 0);
	return c;
}

/* start_date/end_date of a search URL, as Unix seconds (also used by unit_windows.c). */
void search_range(const char *url, int64_t *from, int64_t *to)
{
	char buf[40];
	const char *p = strstr(url, "start_date=");
	ck_assert_ptr_nonnull(p);
	/* "2024-01-01T00%3A00%3A00Z" */
	snprintf(buf, sizeof buf, "%.10sT%.2s:%.2s:%.2sZ", p + 11, p + 22, p + 27, p + 32);
	ck_assert_int_eq(billtap_time_parse(from, buf), 0);
	p = strstr(url, "end_date=");
	ck_assert_ptr_nonnull(p);
	snprintf(buf, sizeof buf, "%.10sT%.2s:%.2s:%.2sZ", p + 9, p + 20, p + 25, p + 30);
	ck_assert_int_eq(billtap_time_parse(to, buf), 0);
}

#define TOKEN_STEP(f) fake_add_fixture(f, 200, "Paypal-Debug-Id: tok1", "paypal/token.json")

/* P-1: its own name, a free trial of two weeks and a paid one (3 days at 1.00), a setup
 * fee; P-2: its product is missing, so its name is its own only, 5 yearly cycles. */
static const char *const all_plans[] = {
	"{\"object\":\"plan\",\"id\":\"P-1\",\"name\":\"Monthly\",\"product_id\":\"PROD-A\","
	"\"product_name\":\"Video Streaming\",\"amount\":1999,\"amount_decimal\":\"1999\","
	"\"currency\":\"USD\",\"currency_exponent\":2,\"usage_type\":null,\"tiers_mode\":null,"
	"\"tiers\":null,\"custom_amount\":null,\"custom_amount_minimum\":null,"
	"\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":500,"
	"\"interval_unit\":\"month\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":14,"
	"\"trial_amount\":100,\"trial_cycles\":1,\"active\":true,\"created_at\":\"2023-02-01T10:00:00Z\"}",
	"{\"object\":\"plan\",\"id\":\"P-2\",\"name\":\"Yearly JPY\",\"product_id\":\"PROD-X\","
	"\"product_name\":null,\"amount\":12000,\"amount_decimal\":\"12000\",\"currency\":\"JPY\","
	"\"currency_exponent\":0,\"usage_type\":null,\"tiers_mode\":null,\"tiers\":null,"
	"\"custom_amount\":null,\"custom_amount_minimum\":null,\"custom_amount_maximum\":null,"
	"\"custom_amount_preset\":null,\"setup_fee\":null,\"interval_unit\":\"year\","
	"\"interval_count\":1,\"total_cycles\":5,\"trial_days\":null,\"trial_amount\":null,"
	"\"trial_cycles\":null,\"active\":false,\"created_at\":\"2023-02-02T10:00:00Z\"}",
};

START_TEST(plans_with_products_and_details)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plans_list.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-2.json");
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, all_plans, 2);
	ck_assert_str_eq(ft.urls[0], "http://paypal.test/v1/oauth2/token");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Basic Y2lkOnMzY3JldC12YWx1ZQ==");
	ck_assert_str_eq(ft.urls[1], "http://paypal.test/v1/catalogs/products?page_size=20&page=1&total_required=true");
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer A21AAtoken1");
	ck_assert_str_eq(ft.urls[2], "http://paypal.test/v1/billing/plans?page_size=20&page=1&total_required=true");
	ck_assert_str_eq(ft.urls[3], "http://paypal.test/v1/billing/plans/P-1");
	billtap_client_free(c);
}
END_TEST

/* fee: fee_amount as a positive fee; net: the signed amount less it (docs/data-model.md) */
#define TXNF(id, cus, sub, inv, kind, result, status, amount, cur, exp, fee, net, parent, at)      \
	"{\"object\":\"transaction\",\"captured_amount\":null,\"fee_amount\":" fee                 \
	",\"net_amount\":" net ",\"id\":\"" id "\",\"customer_id\":" cus ",\"subscription_id\":" sub  \
	",\"invoice_id\":" inv ",\"kind\":\"" kind "\",\"result\":\"" result "\",\"provider_status\":\"" \
	status "\",\"amount\":" amount ",\"currency\":\"" cur "\",\"currency_exponent\":" exp          \
	",\"refunded_amount\":null,\"parent_id\":" parent ",\"occurred_at\":\"" at "\"}"

static const char *const all_transactions[] = {
	TXNF("TX-1", "\"PAYER1\"", "\"I-SUB1\"", "\"INV-1\"", "payment", "succeeded", "S", "1000",
	     "USD", "2", "30", "970", "null", "2024-03-01T10:00:00Z"),
	TXNF("TX-2", "\"PAYER2\"", "null", "null", "payment", "succeeded", "S", "1500", "JPY", "0", "45",
	     "1455", "null", "2024-03-02T15:00:00Z"),
	/* TX-3's first row is denied (D), its twin on page 2 settled (S): the settled one wins. */
	TXNF("TX-3", "\"PAYER3\"", "null", "null", "payment", "succeeded", "S", "2500", "HUF", "0", "75",
	     "2425", "null", "2024-03-03T10:00:00Z"),
	TXNF("TX-4", "\"PAYER1\"", "null", "null", "refund", "succeeded", "S", "500", "USD", "2", "30",
	     "-530", "\"TX-1\"", "2024-03-04T10:00:00Z"),
	TXNF("TX-5", "\"PAYER4\"", "null", "null", "payment", "pending", "P", "12345", "KWD", "3", "300",
	     "12045", "null", "2024-03-05T10:00:00Z"),
	TXNF("TX-6", "\"PAYER2\"", "\"I-SUB2\"", "null", "payment", "succeeded", "V", "750", "EUR", "2",
	     "30", "720", "null", "2024-03-06T10:00:00Z"),
};

static void add_search(fake_transport *f)
{
	fake_add_fixture(f, 200, NULL, "paypal/search_p1.json");
	fake_add_fixture(f, 200, NULL, "paypal/search_p2.json");
	fake_add_fixture(f, 200, NULL, "paypal/search_empty.json");
}

START_TEST(transactions_windows_and_exact_money)
{
	TOKEN_STEP(&ft);
	add_search(&ft);
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, all_transactions, 6);
	ck_assert_uint_eq(ft.calls, 4);
	int64_t f1, t1, f2, t2, f3, t3, now = (int64_t)time(NULL);
	search_range(ft.urls[1], &f1, &t1);
	search_range(ft.urls[2], &f2, &t2);
	search_range(ft.urls[3], &f3, &t3);
	ck_assert_int_eq(t1 - f1, 31 * 86400 - 1); /* never more than PayPal's 31 days */
	ck_assert_int_eq(f2, f1);                 /* page 2 of the same window */
	ck_assert_int_eq(f3, t1 + 1);             /* windows touch, never overlap */
	ck_assert_int_le(t3, now - 10800);         /* the three-hour lag */
	ck_assert_int_ge(t3, now - 10800 - 5);
	ck_assert_ptr_nonnull(strstr(ft.urls[1], "&fields=all&balance_affecting_records_only=N&page_size=500&page=1"));
	ck_assert_ptr_nonnull(strstr(ft.urls[2], "&page=2"));
	billtap_client_free(c);
}
END_TEST

START_TEST(too_large_window_is_halved)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 400, NULL, "paypal/too_large.json");
	add_search(&ft);
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, all_transactions, 6);
	int64_t f1, t1, f2, t2, f4, t4;
	search_range(ft.urls[1], &f1, &t1);
	search_range(ft.urls[2], &f2, &t2);
	search_range(ft.urls[4], &f4, &t4);
	ck_assert_int_eq(f2, f1);
	ck_assert_int_eq(t2 - f2, 31 * 86400 / 2 - 1);
	ck_assert_int_eq(f4, t2 + 1); /* the next window starts where the half ended */
	billtap_client_free(c);
}
END_TEST

START_TEST(window_growing_past_the_limit_restarts_halved)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p1.json");
	fake_add_fixture(&ft, 400, NULL, "paypal/too_large.json"); /* page 2: the window grew */
	add_search(&ft);
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, all_transactions, 6);
	int64_t f1, t1, f3, t3;
	search_range(ft.urls[1], &f1, &t1);
	search_range(ft.urls[3], &f3, &t3);
	ck_assert_int_eq(f3, f1); /* the same window again, from page 1, halved */
	ck_assert_int_eq(t3 - f3, 31 * 86400 / 2 - 1);
	ck_assert_ptr_nonnull(strstr(ft.urls[3], "&page=1"));
	billtap_client_free(c);
}
END_TEST

START_TEST(expired_token_is_renewed_once)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 401, NULL, "paypal/expired.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/token2.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plans_list.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 401, NULL, "paypal/expired.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
	fake_add_fixture(&ft, 401, "Paypal-Debug-Id: dbg9", "paypal/expired.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "P-1");
	ck_assert_str_eq(ft.urls[2], "http://paypal.test/v1/oauth2/token");
	ck_assert_str_eq(fake_header(&ft, 3, "Authorization"), "Bearer A21AAtoken2");
	/* A 401 right after a fresh token is a real failure, not an expiry. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paypal: plans: GET /v1/billing/plans/P-2: HTTP 401 (request dbg9): "
	                 "invalid_token: Access Token not found in cache");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_secret_names_oauth_error)
{
	fake_add_fixture(&ft, 401, "Paypal-Debug-Id: 7d3e1a", "paypal/token_bad.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_str_eq(msg, "paypal: transactions: POST /v1/oauth2/token: HTTP 401 (request 7d3e1a): "
	                      "invalid_client: Client Authentication failed");
	ck_assert_ptr_null(strstr(msg, "s3cret"));
	ck_assert_uint_eq(ft.calls, 1);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(paypal_errors_name_field_and_issue)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 400, NULL, "paypal/range_error.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paypal: transactions: GET /v1/reporting/transactions: HTTP 400 (request abc123): "
	                 "INVALID_REQUEST: Request is not well-formed, syntactically incorrect, or "
	                 "violates schema. (end_date: Date range is greater than 31 days)");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(decimals_beyond_the_currency_are_refused)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_bad_decimals.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paypal: transactions: transaction TX-9: transaction_amount is not an amount "
	                 "PayPal's currency rules allow (code, decimals)");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A fixture with its first `from` replaced by `to` (the step owns the text). */
void add_edited_fixture(fake_transport *f, const char *name, const char *from,
                        const char *to)
{
	size_t len;
	char *body = load_fixture(name, &len);
	char *at = strstr(body, from);
	ck_assert_ptr_nonnull(at);
	size_t n = len - strlen(from) + strlen(to) + 1;
	char *edited = malloc(n);
	ck_assert_ptr_nonnull(edited);
	snprintf(edited, n, "%.*s%s%s", (int)(at - body), body, to, at + strlen(from));
	free(body);
	fake_add(f, 200, NULL, edited);
	f->steps[f->step_count - 1].owned_body = edited;
}

/* TX-5 (page 2 of the search) in a currency without a known number of decimals: an error
 * naming the code and the transaction, never a guessed exponent; with bad_records=skip
 * every other transaction, exactly, and one skipped. */
START_TEST(unknown_currency_row_fails_or_is_skipped)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p1.json");
	add_edited_fixture(&ft, "paypal/search_p2.json", "\"KWD\"", "\"XYZ\"");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = paypal_client();
	const char *why = "paypal: transactions: transaction TX-5: "
	                  "transaction_info.transaction_amount.currency_code XYZ is not a currency "
	                  "this provider knows";
	if (_i == 0) {
		billtap_iter *it;
		const billtap_record *r;
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
		ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
		ck_assert_str_eq(billtap_client_error_message(c), why);
		billtap_iter_free(it);
	} else {
		ck_assert_int_eq(billtap_client_set(c, "bad_records", "skip"), 0);
		const char *want[5];
		for (size_t i = 0, j = 0; i < 6; i++)
			if (i != 4) /* TX-5 */
				want[j++] = all_transactions[i];
		billtap_iter *it;
		const billtap_record *r;
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
		for (size_t i = 0; i < 5; i++) {
			ck_assert_msg(billtap_iter_next(&r, it) == 0, "%s", billtap_client_error_message(c));
			size_t len;
			const char *json = billtap_record_json(r, &len);
			char diff[512] = "";
			ck_assert_msg(json_equal(json, len, want[i], strlen(want[i]), diff, sizeof diff),
			              "record %zu: %s\ngot  %s", i, diff, json);
		}
		ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
		ck_assert_uint_eq(it->skipped_records, 1);
		ck_assert_str_eq(it->rejects.last.id, "TX-5");
		ck_assert_str_eq(it->rejects.last.reason, why);
		ck_assert_ptr_nonnull(strstr(it->rejects.last.raw, "\"XYZ\""));
		billtap_iter_free(it);
	}
	billtap_client_free(c);
}
END_TEST

/* A payer's email holding \u0000 is refused, naming the payer: never a silent null. */
START_TEST(payer_text_with_nul_is_refused)
{
	TOKEN_STEP(&ft);
	add_edited_fixture(&ft, "paypal/search_unknown_status.json", "\"a@example.com\"",
	                   "\"a\\u0000@example.com\"");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paypal: customers: payer PAYER1: an email, name or country_code is not "
	                 "text (not a string, or it holds \\u0000, a NUL character)");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A status letter PayPal adds later is "other", never a guess; the letter stays in
 * provider_status. A payment's refunded amount is null: the row does not say. */
START_TEST(unknown_status_is_other)
{
	static const char *const want[] = {
		TXNF("TX-7", "\"PAYER1\"", "null", "null", "payment", "other", "Q", "1050", "JPY", "0", "45",
		     "1005", "null", "2024-03-01T10:00:00Z"),
	};
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_unknown_status.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, 1);
	billtap_client_free(c);
}
END_TEST

#define SUB(id, cus, status, pstatus, started, cps, cpe, canceled, created, plan, qty, amount, cur, exp) \
	"{\"object\":\"subscription\",\"trial_start\":null,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":null,\"id\":\"" id "\",\"customer_id\":\"" cus "\",\"status\":\""     \
	status "\",\"provider_status\":\"" pstatus "\",\"started_at\":" started                          \
	",\"current_period_start\":" cps ",\"current_period_end\":" cpe ",\"trial_end\":null,"          \
	"\"canceled_at\":" canceled ",\"cancel_at_period_end\":false,\"created_at\":\"" created "\","    \
	"\"items\":[{\"object\":\"subscription_item\",\"usage_type\":null,\"amount_decimal\":null,\"current_period_start\":null,\"current_period_end\":null,\"id\":null,\"plan_id\":\"" plan "\","        \
	"\"quantity\":" qty ",\"amount\":" amount ",\"currency\":\"" cur "\",\"currency_exponent\":"    \
	exp "}]}"

static const char *const all_subscriptions[] = {
	SUB("I-HIDDEN", "PAYER9", "pending", "APPROVAL_PENDING", "\"2024-02-01T00:00:00Z\"", "null",
	    "null", "null", "2023-12-24T00:00:00Z", "P-2", "1", "9000", "JPY", "0"),
	SUB("I-SUB1", "PAYER1", "active", "ACTIVE", "\"2024-02-01T00:00:00Z\"", "\"2024-03-01T10:00:00Z\"",
	    "\"2024-04-01T10:00:00Z\"", "null", "2024-02-01T00:00:00Z", "P-1", "2", "1999", "USD", "2"),
	SUB("I-SUB2", "PAYER2", "canceled", "CANCELLED", "\"2024-02-01T00:00:00Z\"", "null", "null",
	    "\"2024-03-10T00:00:00Z\"", "2024-02-01T00:00:00Z", "P-1", "1", "1999", "USD", "2"),
};

START_TEST(subscriptions_found_in_rows_and_supplied)
{
	TOKEN_STEP(&ft);
	add_search(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-HIDDEN.json");
	/* I-SUB1 comes without its plan inline: the plan, then I-SUB1 again. */
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB2.json");
	billtap_client *c = paypal_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-HIDDEN, I-SUB1"), 0);
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, all_subscriptions, 3);
	ck_assert_uint_eq(ft.calls, 9); /* P-1 fetched once for both subscriptions */
	ck_assert_str_eq(ft.urls[4], "http://paypal.test/v1/billing/subscriptions/I-HIDDEN?fields=plan");
	ck_assert_str_eq(ft.urls[6], "http://paypal.test/v1/billing/plans/P-1");
	ck_assert_str_eq(ft.urls[7], "http://paypal.test/v1/billing/subscriptions/I-SUB1?fields=plan");
	billtap_client_free(c);
}
END_TEST

/* billing_info refines ACTIVE: a subscriber in a one-cycle trial (PayPal counts the trial
 * cycle completed once begun, the REGULAR one not yet) is trialing; consecutive failed
 * payments make it past_due, before the trial; once a REGULAR cycle has begun it is active. */
static void expect_refined(const char *cycles, const char *failed, const char *status)
{
	char want[1024];
	snprintf(want, sizeof want,
	         SUB("I-SUB1", "PAYER1", "%s", "ACTIVE", "\"2024-02-01T00:00:00Z\"",
	             "\"2024-03-01T10:00:00Z\"", "\"2024-04-01T10:00:00Z\"", "null",
	             "2024-02-01T00:00:00Z", "P-1", "2", "1999", "USD", "2"),
	         status);
	const char *const wants[] = { want };
	char billing[600];
	snprintf(billing, sizeof billing, "\"cycle_executions\": %s,\n  \"failed_payments_count\": %s,",
	         cycles, failed);
	static const char *const from = "\"cycle_executions\": [],\n  \"failed_payments_count\": 0,";
	fake_reset(&ft);
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", from, billing);
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", from, billing);
	billtap_client *c = paypal_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-SUB1"), 0);
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, wants, 1);
	billtap_client_free(c);
}

START_TEST(trialing_and_past_due_from_billing_info)
{
	const char *in_trial =
		"[{\"tenure_type\": \"TRIAL\", \"sequence\": 1, \"cycles_completed\": 1, "
		"\"cycles_remaining\": 0, \"total_cycles\": 1}, {\"tenure_type\": \"REGULAR\", "
		"\"sequence\": 2, \"cycles_completed\": 0, \"cycles_remaining\": 0, \"total_cycles\": 0}]";
	const char *after_trial =
		"[{\"tenure_type\": \"TRIAL\", \"sequence\": 1, \"cycles_completed\": 1, "
		"\"cycles_remaining\": 0, \"total_cycles\": 1}, {\"tenure_type\": \"REGULAR\", "
		"\"sequence\": 2, \"cycles_completed\": 1, \"cycles_remaining\": 0, \"total_cycles\": 0}]";
	expect_refined(in_trial, "0", "trialing");
	expect_refined(in_trial, "2", "past_due");
	expect_refined(after_trial, "1", "past_due");
	expect_refined(after_trial, "0", "active");

	/* a count that is no whole number is a data error naming the member */
	fake_reset(&ft);
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", "\"failed_payments_count\": 0",
	                   "\"failed_payments_count\": \"2\"");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", "\"failed_payments_count\": 0",
	                   "\"failed_payments_count\": \"2\"");
	billtap_client *c = paypal_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-SUB1"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c),
	                             "billing_info.failed_payments_count is not a whole number"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(unknown_supplied_subscription)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 404, NULL, "paypal/not_found.json");
	billtap_client *c = paypal_client();
	billtap_client_set(c, "subscription_ids", "I-NOPE");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paypal: subscriptions: GET /v1/billing/subscriptions/I-NOPE: HTTP 404 "
	                 "(request nf123): RESOURCE_NOT_FOUND: PayPal does not know subscription "
	                 "I-NOPE: remove it from the subscription_ids setting");
	billtap_iter_free(it);
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-1;drop"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

#define CUS(id, email, name, country, created)                                                    \
	"{\"object\":\"customer\",\"id\":\"" id "\",\"email\":" email ",\"name\":" name                \
	",\"country\":" country ",\"created_at\":\"" created "\",\"deleted\":false}"

static const char *const all_customers[] = {
	CUS("PAYER1", "\"a@example.com\"", "\"Ana Núñez\"", "\"ES\"", "2024-02-01T00:00:00Z"),
	CUS("PAYER2", "\"li@example.cn\"", "\"Li Xiaolong\"", "\"CN\"", "2024-02-01T00:00:00Z"),
	CUS("PAYER3", "\"p3@example.hu\"", "\"Kovács Anna\"", "\"HU\"", "2024-03-03T10:00:00Z"),
	CUS("PAYER4", "\"k@example.kw\"", "\"Ana Núñez\"", "\"KW\"", "2024-03-05T10:00:00Z"),
	CUS("PAYER9", "\"new@example.com\"", "\"Nova Early\"", "\"BR\"", "2023-12-24T00:00:00Z"),
};

START_TEST(customers_are_the_payers)
{
	TOKEN_STEP(&ft);
	add_search(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-HIDDEN.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB2.json");
	billtap_client *c = paypal_client();
	billtap_client_set(c, "subscription_ids", "I-HIDDEN");
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, all_customers, 5);
	ck_assert_str_eq(ft.urls[4], "http://paypal.test/v1/billing/subscriptions/I-HIDDEN");
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_mid_window_and_mid_fan_out)
{
	/* Transactions: stop after three of the first window's; the next iterator reads that
	 * window again and the engine drops what was returned. */
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p2.json");
	add_search(&ft);
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *cp;
	billtap_iter_checkpoint(&cp, it);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, all_transactions + 3, 3);
	free(saved);

	/* Subscriptions: stop after the first; the checkpoint carries the ids discovery
	 * found, so the next iterator searches no window again: it reads the ids from the
	 * mark before the first (a full pass marks every 64) and the engine drops that one. */
	billtap_client_set(c, "subscription_ids", "I-HIDDEN");
	/* Settings changed: the session (token) is rebuilt, so a token comes first. */
	fake_reset(&ft);
	TOKEN_STEP(&ft);
	add_search(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-HIDDEN.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-HIDDEN.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB2.json");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "I-HIDDEN");
	billtap_iter_checkpoint(&cp, it);
	saved = strdup(cp);
	billtap_iter_free(it);
	o.checkpoint = saved;
	size_t asked = ft.calls;
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &o, all_subscriptions + 1, 2);
	for (size_t i = asked; i < ft.calls; i++)
		ck_assert_ptr_null(strstr(ft.urls[i], "/v1/reporting/transactions"));
	free(saved);
	billtap_client_free(c);
}
END_TEST

/* ---- the fan-outs with requests in flight: a transport that answers out of order ---- */

static fake_async fa;
static int search_calls;

/* The recorded answers by path; search pages in the order they are asked for (the
 * search is one request at a time). */
static void paypal_world(fake_answer *out, const char *url, int nth, void *payload)
{
	const char *path = url + strlen("http://paypal.test"), *name;
	char file[96];
	if (strncmp(path, "/v1/oauth2/token", 16) == 0)
		name = "paypal/token.json";
	else if (strncmp(path, "/v1/reporting/transactions", 26) == 0)
		name = search_calls++ == 0 ? "paypal/search_p1.json"
		     : search_calls == 2   ? "paypal/search_p2.json"
		                           : "paypal/search_empty.json";
	else if (strncmp(path, "/v1/catalogs/products", 21) == 0)
		name = "paypal/products.json";
	else if (strncmp(path, "/v1/billing/plans?", 18) == 0)
		name = "paypal/plans_list.json";
	else {
		const char *id = strrchr(path, '/') + 1;
		snprintf(file, sizeof file, "paypal/%s_%.*s.json",
		         strncmp(path, "/v1/billing/plans/", 18) == 0 ? "plan" : "sub",
		         (int)strcspn(id, "?"), id);
		name = file;
	}
	size_t len;
	char *body = load_fixture(name, &len);
	ck_assert_uint_lt(len, sizeof out->body);
	memcpy(out->body, body, len + 1);
	free(body);
	out->status = 200;
}

static billtap_client *paypal_async_client(void)
{
	memset(&fa, 0, sizeof fa);
	fa.handler = paypal_world;
	fa.order = FAKE_RANDOM;
	fa.seed = 5;
	search_calls = 0;
	billtap_client *c = fake_async_client(&fa, "paypal"); /* unpaced, as every scripted client */
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	char start[40];
	billtap_time_format(start, sizeof start, (int64_t)time(NULL) - 40 * 86400);
	ck_assert_int_eq(billtap_client_set(c, "history_start", start), 0);
	return c;
}

START_TEST(fan_outs_keep_requests_in_flight)
{
	/* Plans: both plans' details at once. */
	billtap_client *c = paypal_async_client();
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, all_plans, 2);
	ck_assert_uint_eq(fa.max_running, 2);
	billtap_client_free(c);
	fake_async_reset(&fa);

	/* Subscriptions: all three at once. I-SUB1 comes without its plan: its plan, then it
	 * and those behind it again, so they still come out in id order. */
	c = paypal_async_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-HIDDEN, I-SUB1"), 0);
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, all_subscriptions, 3);
	ck_assert_uint_eq(fa.max_running, 3);
	ck_assert_int_eq(fake_async_count(&fa, "http://paypal.test/v1/billing/plans/P-1"), 1);
	ck_assert_int_eq(
		fake_async_count(&fa, "http://paypal.test/v1/billing/subscriptions/I-SUB1?fields=plan"), 2);
	billtap_client_free(c);
	fake_async_reset(&fa);

	/* Customers: the subscribers, read all at once. */
	c = paypal_async_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-HIDDEN"), 0);
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, all_customers, 5);
	ck_assert_uint_eq(fa.max_running, 3);
	billtap_client_free(c);
	fake_async_reset(&fa);
}
END_TEST

START_TEST(settings_checked)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "paypal", NULL), 0);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c), "paypal: setting client_id is required");
	billtap_client_set(c, "client_id", "a");
	billtap_client_set(c, "client_secret", "b");
	billtap_client_set(c, "history_start", "2001-01-01");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), BILLTAP_ESETTING);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "more than three years ago"));
	billtap_client_set(c, "history_start", NULL);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1700000000;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_EUNSUPPORTED);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "501"), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

START_TEST(absurd_token_lifetime_is_capped)
{
	/* A server claiming a token lives 2^63 - 1 seconds: believed for a day, no overflow,
	 * no loop of token requests. */
	fake_add(&ft, 200, NULL,
	         "{\"access_token\":\"A21AAbig\",\"token_type\":\"Bearer\",\"expires_in\":9223372036854775807}");
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plans_list.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-2.json");
	billtap_client *c = paypal_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_uint_eq(ft.calls, 5);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoint_beyond_three_years_is_refused)
{
	/* A window mark whose start has since aged out of PayPal's three years. */
	char mark[64], json[160];
	snprintf(mark, sizeof mark, "w:%lld:2678400", (long long)time(NULL) - 1096LL * 86400);
	snprintf(json, sizeof json,
	         "{\"p\":\"paypal\",\"r\":\"transactions\",\"s\":null,\"m\":\"%s\",\"k\":5,\"i\":\"X\"}", mark);
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	char token[300] = "bt1.";
	size_t n = strlen(json), o = 4;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)json[i] << 16 | (i + 1 < n ? (unsigned char)json[i + 1] << 8 : 0) |
		             (i + 2 < n ? (unsigned char)json[i + 2] : 0);
		token[o++] = b64[v >> 18];
		token[o++] = b64[(v >> 12) & 63];
		if (i + 1 < n)
			token[o++] = b64[(v >> 6) & 63];
		if (i + 2 < n)
			token[o++] = b64[v & 63];
	}
	token[o] = '\0';
	billtap_client *c = paypal_client();
	billtap_client_set(c, "history_start", NULL);
	billtap_iter *it;
	billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
	o2.checkpoint = token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o2), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "beyond PayPal's three years"));
	billtap_client_free(c);
}
END_TEST

/*
 * Every row of docs/providers/paypal.md's event-code table, the first being PayPal's
 * Transaction Search reference sample (a T0003 the merchant sent: -78.00 MXN); the others
 * recorded by us, one per table row. Only customer money has a customer, and only its
 * payers are customers.
 */
#define KIND_TXN(id, cus, kind, result, status, amount, cur, exp, captured, parent, at)          \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":" cus ",\"subscription_id\":null," \
	"\"invoice_id\":null,\"kind\":\"" kind "\",\"result\":\"" result "\",\"provider_status\":\""      \
	status "\",\"amount\":" amount ",\"currency\":\"" cur "\",\"currency_exponent\":" exp            \
	",\"captured_amount\":" captured ",\"refunded_amount\":null,\"fee_amount\":null,"                 \
	"\"net_amount\":null,\"parent_id\":" parent ",\"occurred_at\":\"" at "\"}"
START_TEST(kinds_from_event_codes)
{
	static const char *const want[] = {
		KIND_TXN("4J3265475X6749251", "null", "transfer", "succeeded", "S", "7800", "MXN", "2", "null",
		         "null", "2019-06-04T01:27:43Z"),
		KIND_TXN("K-T0000", "\"CUST1\"", "payment", "succeeded", "S", "1200", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0700", "null", "transfer", "succeeded", "S", "7800", "MXN", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0100", "null", "fee", "succeeded", "S", "500", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0200A", "null", "conversion", "succeeded", "S", "1000", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0200B", "null", "conversion", "succeeded", "S", "912", "EUR", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0300", "null", "transfer", "succeeded", "S", "5000", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0400", "null", "payout", "succeeded", "S", "10000", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0500", "null", "transfer", "succeeded", "S", "700", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0600", "null", "payout", "succeeded", "S", "800", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0800", "null", "adjustment", "succeeded", "S", "100", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T0900", "null", "adjustment", "succeeded", "S", "200", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1000", "null", "transfer", "succeeded", "S", "300", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1106", "\"CUST1\"", "reversal", "succeeded", "S", "1200", "USD", "2", "null",
		         "\"K-T0000\"", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1107", "\"CUST1\"", "refund", "succeeded", "S", "400", "USD", "2", "null",
		         "\"K-T0000\"", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1201", "\"CUST1\"", "chargeback", "succeeded", "S", "1200", "USD", "2", "null",
		         "\"K-T0000\"", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1200", "null", "adjustment", "succeeded", "S", "50", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1300", "\"CUST2\"", "payment", "authorized", "P", "3000", "USD", "2", "0",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1400", "null", "adjustment", "succeeded", "S", "10", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1500", "null", "adjustment", "succeeded", "S", "600", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1600", "null", "transfer", "succeeded", "S", "2000", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1700", "null", "payout", "succeeded", "S", "2000", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1800", "null", "payout", "succeeded", "S", "900", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T1900", "null", "adjustment", "succeeded", "S", "1", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T2000", "null", "transfer", "succeeded", "S", "1500", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T2100", "null", "adjustment", "succeeded", "S", "1100", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T2200", "null", "transfer", "succeeded", "S", "1300", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
		KIND_TXN("K-T9900", "null", "other", "succeeded", "S", "100", "USD", "2", "null",
		         "null", "2024-03-01T10:00:00Z"),
	};
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_kinds.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, sizeof want / sizeof *want);
	billtap_client_free(c);

	static const char *const customers[] = {
		/* payer_name with full_name only; given_name without a surname, and full_name */
		CUS("CUST1", "\"cust1@example.com\"", "\"Jane Q. Doe\"", "\"US\"", "2024-03-01T10:00:00Z"),
		CUS("CUST2", "\"cust2@example.com\"", "\"Lee Chen\"", "\"US\"", "2024-03-01T10:00:00Z"),
	};
	fake_reset(&ft);
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_kinds.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	c = paypal_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers, 2);
	billtap_client_free(c);
}
END_TEST

/* `since` later than history_start: the first window starts at since, so nothing older is
 * asked for (PayPal honours `since` for transactions only). */
START_TEST(since_starts_the_first_search_window)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = paypal_client(); /* history_start: 40 days ago */
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.since = (int64_t)time(NULL) - 10 * 86400;
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &opts, NULL, 0);
	ck_assert_uint_eq(ft.calls, 2); /* the token, then one window of ten days */
	int64_t from, to;
	search_range(ft.urls[1], &from, &to);
	ck_assert_int_eq(from, opts.since);
	ck_assert_int_lt(to - from, 10 * 86400);
	billtap_client_free(c);
}
END_TEST

/* Every answer the provider asks for, whatever the order: one search window (history
 * starts ten days ago) of two pages, the catalog, and the subscriptions fanned out to. */
static const fixture_route all_routes[] = {
	{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
	{ "/v1/reporting/transactions?", "page", "1", "paypal/search_p1.json" },
	{ "/v1/reporting/transactions?", "page", "2", "paypal/search_p2.json" },
	{ "/v1/catalogs/products?", NULL, NULL, "paypal/products.json" },
	{ "/v1/billing/plans?", NULL, NULL, "paypal/plans_list.json" },
	{ "/v1/billing/plans/P-1", NULL, NULL, "paypal/plan_P-1.json" },
	{ "/v1/billing/plans/P-2", NULL, NULL, "paypal/plan_P-2.json" },
	{ "/v1/billing/subscriptions/I-HIDDEN", NULL, NULL, "paypal/sub_I-HIDDEN.json" },
	{ "/v1/billing/subscriptions/I-SUB1", NULL, NULL, "paypal/sub_I-SUB1.json" },
	{ "/v1/billing/subscriptions/I-SUB2", NULL, NULL, "paypal/sub_I-SUB2.json" },
};

/* Each allocation failure in turn, over every resource: the host retries the call that
 * failed and must get the clean run's records, each once (alloc_walk(), like Stripe's). */
START_TEST(every_allocation_failure_retries_to_the_same_records)
{
	static const struct {
		billtap_resource resource;
		size_t records;
	} lists[] = {
		{ BILLTAP_RESOURCE_PLANS, 2 },
		{ BILLTAP_RESOURCE_TRANSACTIONS, 6 },
		{ BILLTAP_RESOURCE_SUBSCRIPTIONS, 3 },
		{ BILLTAP_RESOURCE_CUSTOMERS, 5 },
	};
	char history[40];
	billtap_time_format(history, sizeof history, (int64_t)time(NULL) - 10 * 86400);
	const char *const settings[] = { "client_id", "cid", "client_secret", "s3cret-value",
		                         "base_url", "http://paypal.test", "allow_insecure_http", "1",
		                         "history_start", history,
		                         "subscription_ids", "I-HIDDEN", NULL };
	billtap_resource res = lists[_i].resource;
	char why[1024] = "";
	size_t records;
	long allocations = alloc_walk(&records, "paypal", settings, res, all_routes,
	                              sizeof all_routes / sizeof all_routes[0], why, sizeof why);
	ck_assert_msg(allocations > 0, "%s: %s", billtap_resource_name(res), why);
	ck_assert_uint_eq(records, lists[_i].records);
}
END_TEST

/* The same walk over runs that end in an error, so that each error path is also taken
 * with an allocation failed before it, holding what a real run holds there (a window's
 * first page, a fanned-out subscription): every run must end in the clean run's error. */
START_TEST(every_allocation_failure_reaches_the_same_error)
{
	static const fixture_route bad_secret[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token_bad.json" },
	};
	static const int bad_secret_status[] = { 401 };
	static const fixture_route second_page_refused[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
		{ "/v1/reporting/transactions?", "page", "1", "paypal/search_p1.json" },
		{ "/v1/reporting/transactions?", "page", "2", "paypal/range_error.json" },
	};
	static const int second_page_refused_status[] = { 0, 0, 400 };
	static const fixture_route bad_decimals[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
		{ "/v1/reporting/transactions?", NULL, NULL, "paypal/search_bad_decimals.json" },
	};
	static const fixture_route unknown_subscription[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
		{ "/v1/reporting/transactions?", "page", "1", "paypal/search_p1.json" },
		{ "/v1/reporting/transactions?", "page", "2", "paypal/search_p2.json" },
		{ "/v1/billing/plans/P-1", NULL, NULL, "paypal/plan_P-1.json" },
		{ "/v1/billing/subscriptions/I-SUB1", NULL, NULL, "paypal/sub_I-SUB1.json" },
		{ "/v1/billing/subscriptions/I-SUB2", NULL, NULL, "paypal/sub_I-SUB2.json" },
		{ "/v1/billing/subscriptions/I-HIDDEN", NULL, NULL, "paypal/not_found.json" },
	};
	static const int unknown_subscription_status[] = { 0, 0, 0, 0, 0, 0, 404 };
	static const fixture_route always_too_large[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
		{ "/v1/reporting/transactions?", NULL, NULL, "paypal/too_large.json" },
	};
	static const int always_too_large_status[] = { 0, 400 };
	static const struct {
		billtap_resource resource;
		const fixture_route *routes;
		const int *statuses;
		size_t route_count;
		int final;
	} runs[] = {
#define ROUTES(table, statuses) table, statuses, sizeof table / sizeof table[0]
		{ BILLTAP_RESOURCE_PLANS, ROUTES(bad_secret, bad_secret_status), BILLTAP_EAUTH },
		{ BILLTAP_RESOURCE_TRANSACTIONS, ROUTES(second_page_refused, second_page_refused_status),
		  BILLTAP_EREQUEST },
		{ BILLTAP_RESOURCE_TRANSACTIONS, ROUTES(bad_decimals, NULL), BILLTAP_EDATA },
		{ BILLTAP_RESOURCE_SUBSCRIPTIONS,
		  ROUTES(unknown_subscription, unknown_subscription_status), BILLTAP_EREQUEST },
		/* Halved down to the smallest window, then refused. */
		{ BILLTAP_RESOURCE_TRANSACTIONS, ROUTES(always_too_large, always_too_large_status),
		  BILLTAP_EDATA },
#undef ROUTES
	};
	char history[40];
	billtap_time_format(history, sizeof history, (int64_t)time(NULL) - 10 * 86400);
	const char *const settings[] = { "client_id", "cid", "client_secret", "s3cret-value",
		                         "base_url", "http://paypal.test", "allow_insecure_http", "1",
		                         "history_start", history,
		                         "subscription_ids", "I-HIDDEN", NULL };
	char why[1024] = "";
	size_t records;
	int final = 0;
	long allocations = alloc_walk_to_error(&records, &final, "paypal", settings,
	                                       runs[_i].resource, runs[_i].routes, runs[_i].statuses,
	                                       runs[_i].route_count, why, sizeof why);
	ck_assert_msg(allocations > 0, "run %d: %s", _i, why);
	ck_assert_int_eq(final, runs[_i].final);
}
END_TEST

Suite *paypal_unit_suite(void)
{
	Suite *s = suite_create("paypal");
	TCase *tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, plans_with_products_and_details);
	tcase_add_test(tc, transactions_windows_and_exact_money);
	tcase_add_test(tc, too_large_window_is_halved);
	tcase_add_test(tc, window_growing_past_the_limit_restarts_halved);
	tcase_add_test(tc, expired_token_is_renewed_once);
	tcase_add_test(tc, bad_secret_names_oauth_error);
	tcase_add_test(tc, paypal_errors_name_field_and_issue);
	tcase_add_test(tc, decimals_beyond_the_currency_are_refused);
	tcase_add_test(tc, unknown_status_is_other);
	tcase_add_test(tc, kinds_from_event_codes);
	tcase_add_loop_test(tc, unknown_currency_row_fails_or_is_skipped, 0, 2);
	tcase_add_test(tc, payer_text_with_nul_is_refused);
	tcase_add_test(tc, subscriptions_found_in_rows_and_supplied);
	tcase_add_test(tc, trialing_and_past_due_from_billing_info);
	tcase_add_test(tc, unknown_supplied_subscription);
	tcase_add_test(tc, customers_are_the_payers);
	tcase_add_test(tc, resume_mid_window_and_mid_fan_out);
	tcase_add_test(tc, fan_outs_keep_requests_in_flight);
	tcase_add_test(tc, settings_checked);
	tcase_add_test(tc, absurd_token_lifetime_is_capped);
	tcase_add_test(tc, checkpoint_beyond_three_years_is_refused);
	tcase_add_test(tc, since_starts_the_first_search_window);
	tcase_add_loop_test(tc, every_allocation_failure_retries_to_the_same_records, 0, 4);
	tcase_add_loop_test(tc, every_allocation_failure_reaches_the_same_error, 0, 5);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, paypal_sync_tcase());
	paypal_invoice_tests(s);
	paypal_trace_tests(s);
	paypal_window_tests(s);
	return s;
}
