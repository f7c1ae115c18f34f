/* The GoCardless provider from recorded answers (fixtures/README.md: the official Python
 * client's example objects, then pages written in their shapes) through the scripted
 * transport: headers, cursor paging, the mandate map, the mappings, since, resume and
 * every error path. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Suite *gocardless_unit_suite(void);
void gocardless_add_sync_tests(Suite *s); /* unit_sync.c */

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *gc_client(void)
{
	billtap_client *c = fake_client(&ft, "gocardless");
	ck_assert_int_eq(billtap_client_set(c, "access_token", "test_gc_token"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://gc.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

#define CUSTOMER(id, email, name, country, created)                                            \
	"{\"object\":\"customer\",\"id\":\"" id "\",\"email\":" email ",\"name\":" name                  \
	",\"country\":" country ",\"created_at\":\"" created "\",\"deleted\":false}"

static const char *const customers[] = {
	CUSTOMER("CU123", "\"user@example.com\"", "\"Hamilton Trading Ltd.\"", "\"GB\"", "2014-01-01T12:00:00Z"),
	/* 13:00 at +01:00; given and family name joined */
	CUSTOMER("CU0002", "null", "\"Ana Núñez\"", "\"ES\"", "2024-05-01T12:00:00Z"),
	/* an empty company_name and no person: no name */
	CUSTOMER("CU0003", "\"ops@example.com\"", "null", "null", "2024-05-02T00:00:00Z"),
};

START_TEST(customers_two_pages)
{
	fake_add_fixture(&ft, 200, NULL, "gocardless/customers_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/customers_last.json");
	billtap_client *c = gc_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers, 3);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/customers?limit=500");
	/* meta.cursors.after goes back verbatim, encoded */
	ck_assert_str_eq(ft.urls[1], "http://gc.test/customers?limit=500&after=example%20after%20101");
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(fake_header(&ft, i, "Authorization"), "Bearer test_gc_token");
		ck_assert_str_eq(fake_header(&ft, i, "GoCardless-Version"), "2015-07-06");
	}
	billtap_client_free(c);
}
END_TEST

#define SUB(id, customer, status, provider, started, paused, created, amount, ccy)                 \
	"{\"object\":\"subscription\",\"id\":\"" id "\",\"customer_id\":" customer ",\"status\":\"" status \
	"\",\"provider_status\":\"" provider "\",\"started_at\":" started ",\"current_period_start\":null,"  \
	"\"current_period_end\":null,\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"        \
	"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":null,\"paused\":" paused           \
	",\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":\"[]\",\"created_at\":\"" created "\"," \
	"\"items\":[{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":null,\"quantity\":1,"         \
	"\"usage_type\":\"licensed\",\"amount\":" amount ",\"amount_decimal\":\"" amount "\",\"currency\":\"" \
	ccy "\",\"currency_exponent\":2,\"current_period_start\":null,\"current_period_end\":null}]}"

/* Subscriptions name a mandate; the mandate map (read first, two pages) gives the
 * customer; an unknown mandate leaves it null. */
START_TEST(subscriptions_through_the_mandate_map)
{
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_last.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/subscriptions_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/subscriptions_last.json");
	billtap_client *c = gc_client();
	const char *want[] = {
		SUB("SB123", "\"CU123\"", "active", "active", "\"2014-10-21T00:00:00Z\"", "false",
		    "2014-01-01T12:00:00Z", "1000", "EUR"),
		SUB("SB0002", "\"CU0002\"", "paused", "paused", "\"2024-06-01T00:00:00Z\"", "true",
		    "2024-05-01T12:10:00Z", "2500", "GBP"),
		SUB("SB0003", "null", "canceled", "customer_approval_denied", "\"2024-06-03T00:00:00Z\"", "false",
		    "2024-05-01T12:20:00Z", "999", "SEK"),
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 3);
	ck_assert_uint_eq(ft.calls, 4);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/mandates?limit=500");
	ck_assert_str_eq(ft.urls[1], "http://gc.test/mandates?limit=500&after=example%20after%20101");
	ck_assert_str_eq(ft.urls[2], "http://gc.test/subscriptions?limit=500");
	ck_assert_str_eq(fake_header(&ft, 0, "GoCardless-Version"), "2015-07-06");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Bearer test_gc_token");
	billtap_client_free(c);
}
END_TEST

#define TXN(id, customer, sub, kind, result, status, amount, ccy, captured, refunded, parent, at)          \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":" customer ",\"subscription_id\":" sub \
	",\"invoice_id\":null,\"kind\":\"" kind "\",\"result\":\"" result "\",\"provider_status\":\"" status  \
	"\",\"amount\":" amount ",\"currency\":\"" ccy "\",\"currency_exponent\":2,\"captured_amount\":"      \
	captured ",\"refunded_amount\":" refunded ",\"fee_amount\":null,\"net_amount\":null,\"parent_id\":"   \
	parent ",\"occurred_at\":\"" at "\"}"

static const char *const transactions[] = {
	TXN("PM123", "\"CU123\"", "\"SU123\"", "payment", "pending", "submitted", "1000", "EUR", "null", "150",
	    "null", "2014-01-01T12:00:00Z"),
	TXN("PM0002", "\"CU0002\"", "\"SB0002\"", "payment", "failed", "charged_back", "2500", "GBP", "0", "0",
	    "null", "2024-05-03T09:00:00Z"),
	/* amounts as strings (the Node client's typing) read the same */
	TXN("PM0003", "\"CU0002\"", "null", "payment", "pending", "pending_submission", "1200", "USD", "null",
	    "0", "null", "2024-05-04T09:00:00Z"),
	TXN("PM0004", "\"CU0002\"", "null", "payment", "succeeded", "paid_out", "700", "DKK", "700", "0", "null",
	    "2024-05-05T09:00:00Z"),
	TXN("RF123", "\"CU123\"", "null", "refund", "pending", "submitted", "150", "EUR", "null", "0",
	    "\"PM123\"", "2014-01-01T12:00:00Z"),
	TXN("RF0002", "\"CU0002\"", "null", "refund", "failed", "bounced", "300", "DKK", "null", "0",
	    "\"PM0004\"", "2024-05-06T10:00:00Z"),
};

static void add_transaction_pages(void)
{
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_last.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/payments_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/payments_last.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/refunds_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/refunds_last.json");
}

/* Transactions are payments, then refunds. */
START_TEST(transactions_are_payments_then_refunds)
{
	add_transaction_pages();
	billtap_client *c = gc_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, transactions, 6);
	ck_assert_uint_eq(ft.calls, 6);
	ck_assert_str_eq(ft.urls[2], "http://gc.test/payments?limit=500");
	ck_assert_str_eq(ft.urls[3], "http://gc.test/payments?limit=500&after=example%20after%20101");
	ck_assert_str_eq(ft.urls[4], "http://gc.test/refunds?limit=500");
	ck_assert_str_eq(ft.urls[5], "http://gc.test/refunds?limit=500&after=example%20after%20101");
	billtap_client_free(c);
}
END_TEST

/* since is created_at[gte] on the records' list (not on the mandate map); page_size is
 * the limit. */
START_TEST(since_is_created_at_gte)
{
	fake_add_fixture(&ft, 200, NULL, "gocardless/customers_last.json");
	billtap_client *c = gc_client();
	ck_assert_int_eq(billtap_client_set(c, "page_size", "7"), 0);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1714521600; /* 2024-05-01T00:00:00Z */
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, customers + 1, 2);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/customers?limit=7&created_at%5Bgte%5D=2024-05-01T00%3A00%3A00Z");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "501"), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint inside the payments resumes there: the mandate map is read again, then the
 * payments page, the records the host had skipped; then the refunds. */
START_TEST(resume_from_a_checkpoint)
{
	add_transaction_pages();
	billtap_client *c = gc_client();
	billtap_iter *it;
	const billtap_record *r;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/mandates_last.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/payments_last.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/refunds_example.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/refunds_last.json");
	billtap_client_free(c);
	c = gc_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, transactions + 2, 4);
	ck_assert_uint_eq(ft.calls, 5);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/mandates?limit=500");
	ck_assert_str_eq(ft.urls[2], "http://gc.test/payments?limit=500&after=example%20after%20101");
	ck_assert_str_eq(ft.urls[3], "http://gc.test/refunds?limit=500");
	/* a transactions checkpoint cannot drive customers */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	o.checkpoint = "garbage";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), BILLTAP_ECHECKPOINT);
	free(saved);
	billtap_client_free(c);
}
END_TEST

static int first_error(billtap_client *c, billtap_resource res)
{
	billtap_iter *it;
	const billtap_record *r;
	int rc = billtap_iter_new(&it, c, res, NULL);
	if (rc < 0)
		return rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		;
	billtap_iter_free(it);
	return rc;
}

/* Error bodies give the type, the message, the first detail and the request id. */
START_TEST(errors_name_type_detail_and_request_id)
{
	fake_add_fixture(&ft, 404, NULL, "gocardless/error_not_found.json");
	fake_add_fixture(&ft, 422, NULL, "gocardless/error_validation_failed.json");
	fake_add_fixture(&ft, 400, NULL, "gocardless/error_invalid_api_usage.json");
	fake_add(&ft, 401, NULL, "<html>Unauthorized</html>");
	fake_add_fixture(&ft, 429, "RateLimit-Limit: 1000\nRateLimit-Remaining: 0\nRateLimit-Reset: Thu, 01 May 2014 16:00:00 GMT",
	                 "gocardless/error_rate_limit.json");
	billtap_client *c = gc_client();
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "gocardless: customers: GET /customers: HTTP 404 (request 0AA4B5C6D7E8F9): invalid_api_usage: "
	                 "Resource not found (resource_not_found: Resource not found)");
	ck_assert_str_eq(billtap_client_error_request_id(c), "0AA4B5C6D7E8F9");
	ck_assert_str_eq(billtap_client_error_provider_code(c), "invalid_api_usage");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "gocardless: customers: GET /customers: HTTP 422 (request dd50eaaf-8213-48fe-90d6-5466872efbc4): "
	                 "validation_failed: Validation failed (branch_code: must be a number)");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "gocardless: customers: GET /customers: HTTP 400 (request bd271b37-a2f5-47c8-b461-040dfe0e9cb1): "
	                 "invalid_api_usage: Invalid document structure (Root element must be an object.)");
	/* not GoCardless's envelope: the body is quoted */
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EAUTH);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "<html>Unauthorized</html>"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_ERATELIMIT);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "invalid_api_usage");
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "rate_limit_exceeded"));
	billtap_client_free(c);
}
END_TEST

/* A 429 is retried, then the page comes. */
START_TEST(rate_limit_is_retried)
{
	fake_add_fixture(&ft, 429, "Retry-After: 0\nRateLimit-Limit: 1000\nRateLimit-Remaining: 0",
	                 "gocardless/error_rate_limit.json");
	fake_add_fixture(&ft, 200, NULL, "gocardless/customers_last.json");
	billtap_client *c = gc_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers + 1, 2);
	ck_assert_uint_eq(ft.calls, 2);
	billtap_client_free(c);
}
END_TEST

START_TEST(malformed_pages_are_errors)
{
	fake_add(&ft, 200, NULL, "{\"meta\":{\"cursors\":{\"after\":null}}}");
	fake_add(&ft, 200, NULL, "{\"customers\":[]}");
	fake_add(&ft, 200, NULL, "{\"customers\":[],\"meta\":{\"cursors\":{\"after\":\"\"}}}");
	fake_add(&ft, 200, NULL, "{\"customers\":[],\"meta\":{\"cursors\":{\"after\":7}}}");
	fake_add(&ft, 200, NULL, "{\"customers\":[{\"id\":\"CU1\"}],\"meta\":{\"cursors\":{\"after\":null}}}");
	fake_add(&ft, 200, NULL, "{\"mandates\":[{\"id\":\"MD1\",\"links\":{}}],\"meta\":{\"cursors\":{\"after\":null}}}");
	fake_add(&ft, 200, NULL, "{\"mandates\":[],\"meta\":{\"cursors\":{\"after\":null}}}");
	fake_add(&ft, 200, NULL,
	         "{\"payments\":[{\"id\":\"PM1\",\"created_at\":\"2024-01-01T00:00:00Z\",\"amount\":1.5,"
	         "\"currency\":\"GBP\",\"status\":\"paid_out\",\"links\":{}}],\"meta\":{\"cursors\":{\"after\":null}}}");
	billtap_client *c = gc_client();
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
		ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not a list page: a customers array"));
	}
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c), "gocardless: customers: customer CU1: created_at is missing");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_SUBSCRIPTIONS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "gocardless: subscriptions: a mandate has no id or no links.customer string");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_TRANSACTIONS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "payment PM1: amount"));
	billtap_client_free(c);
}
END_TEST

/* GoCardless has no plans and no invoices: refused, never an empty list. */
START_TEST(plans_and_invoices_are_refused)
{
	billtap_client *c = gc_client();
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), BILLTAP_EUNSUPPORTED);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), BILLTAP_EUNSUPPORTED);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST

Suite *gocardless_unit_suite(void)
{
	Suite *s = suite_create("gocardless");
	TCase *tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, customers_two_pages);
	tcase_add_test(tc, subscriptions_through_the_mandate_map);
	tcase_add_test(tc, transactions_are_payments_then_refunds);
	tcase_add_test(tc, since_is_created_at_gte);
	tcase_add_test(tc, resume_from_a_checkpoint);
	tcase_add_test(tc, errors_name_type_detail_and_request_id);
	tcase_add_test(tc, rate_limit_is_retried);
	tcase_add_test(tc, malformed_pages_are_errors);
	tcase_add_test(tc, plans_and_invoices_are_refused);
	suite_add_tcase(s, tc);
	gocardless_add_sync_tests(s);
	return s;
}
