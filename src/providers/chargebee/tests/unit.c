/* The Chargebee provider from recorded answers (fixtures/README.md) through the scripted
 * transport: paging, the wrapped entries, the mappings, resume and every error path. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../chargebee.h"
#include "alloc_fail.h"
#include "testutil.h"

Suite *chargebee_unit_suite(void);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *cb_client(void)
{
	billtap_client *c = fake_client(&ft, "chargebee");
	ck_assert_int_eq(billtap_client_set(c, "site", "acme-test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "test_cbkey"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://cb.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

static const char *const customers[] = {
	"{\"object\":\"customer\",\"id\":\"__test__KyVnHhSBWl7eY2bl\",\"email\":\"john@test.com\","
	"\"name\":\"John Doe\",\"country\":\"US\",\"created_at\":\"2018-02-01T17:22:11Z\",\"deleted\":false}",
	"{\"object\":\"customer\",\"id\":\"4gkYnd21ouvW\",\"email\":\"jane@test.com\",\"name\":null,"
	"\"country\":null,\"created_at\":\"2014-09-30T18:30:52Z\",\"deleted\":false}",
	"{\"object\":\"customer\",\"id\":\"__test__KyVnHhSBWl7eY2bm\",\"email\":null,"
	"\"name\":\"山田商事 \\\"Yamada\\\" \\\\ Ltd\",\"country\":\"JP\","
	"\"created_at\":\"2018-02-02T17:22:11Z\",\"deleted\":false}",
	"{\"object\":\"customer\",\"id\":\"__test__KyVnHhSBWl7eY2bn\",\"email\":null,\"name\":\"Ødegård\","
	"\"country\":null,\"created_at\":\"2018-02-02T17:22:12Z\",\"deleted\":false}",
};

START_TEST(customers_two_pages)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	billtap_client *c = cb_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers, 4);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=created_at");
	/* next_offset goes back verbatim, encoded */
	ck_assert_str_eq(ft.urls[1], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=created_at"
	                             "&offset=%5B%221517505731000%22%2C%22230000000114%22%5D");
	/* the key as the Basic user name, no password: base64("test_cbkey:") */
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Basic dGVzdF9jYmtleTo=");
	billtap_client_free(c);
}
END_TEST

/* Without base_url the site names the host; page_size is the limit. */
START_TEST(site_makes_the_host)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	billtap_client *c = fake_client(&ft, "chargebee");
	ck_assert_int_eq(billtap_client_set(c, "site", "acme-test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "test_cbkey"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "7"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers + 2, 2);
	ck_assert_str_eq(ft.urls[0],
	                 "https://acme-test.chargebee.com/api/v2/customers?limit=7&sort_by%5Basc%5D=created_at");
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_settings_are_refused)
{
	billtap_client *c = fake_client(&ft, "chargebee");
	billtap_iter *it;
	ck_assert_int_eq(billtap_client_set(c, "api_key", "test_cbkey"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "site", "evil.example/x"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "chargebee: customers: setting site: must be a Chargebee site name "
	                 "(lower-case letters, digits and hyphens), as in SITE.chargebee.com");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "101"), BILLTAP_ESETTING);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST

START_TEST(subscriptions_map_statuses_and_items)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/subscriptions_p1.json");
	fake_add_fixture(&ft, 200, NULL, "chargebee/subscriptions_p2.json");
	billtap_client *c = cb_client();
	const char *want[] = {
		/* active with an invoice due: past_due */
		"{\"object\":\"subscription\",\"id\":\"__test__KyVnHhSBWkkwI2Tn\",\"customer_id\":\"__test__KyVnHhSBWkkwI2Tn\","
		"\"status\":\"past_due\",\"provider_status\":\"active\",\"started_at\":\"2018-02-01T17:20:43Z\","
		"\"current_period_start\":\"2018-02-01T17:20:43Z\",\"current_period_end\":\"2018-03-01T17:20:43Z\","
		"\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,\"cancel_at_period_end\":false,"
		"\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,\"resumes_at\":null,"
		"\"discounts\":null,\"created_at\":\"2018-02-01T17:20:43Z\",\"items\":[{\"object\":\"subscription_item\","
		"\"id\":null,\"plan_id\":\"no_trial-USD-monthly\",\"quantity\":1,\"usage_type\":null,\"amount\":895,"
		"\"amount_decimal\":\"895\",\"currency\":\"USD\",\"currency_exponent\":2,"
		"\"current_period_start\":\"2018-02-01T17:20:43Z\",\"current_period_end\":\"2018-03-01T17:20:43Z\"}]}",
		/* non_renewing: still active, ends with its term; JPY is not x100 */
		"{\"object\":\"subscription\",\"id\":\"__test__KyVnHhSBWkkwJPY\",\"customer_id\":\"__test__KyVnHhSBWl7eY2bm\","
		"\"status\":\"active\",\"provider_status\":\"non_renewing\",\"started_at\":\"2018-02-01T17:20:43Z\","
		"\"current_period_start\":\"2018-02-01T17:20:43Z\",\"current_period_end\":\"2019-02-01T17:20:43Z\","
		"\"trial_start\":null,\"trial_end\":null,\"canceled_at\":\"2018-02-02T19:33:20Z\",\"cancel_at_period_end\":true,"
		"\"cancel_at\":\"2019-02-01T17:20:43Z\",\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,"
		"\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2018-02-01T17:21:40Z\",\"items\":["
		"{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"basic-JPY-yearly\",\"quantity\":3,\"usage_type\":null,"
		"\"amount\":12000,\"amount_decimal\":\"12000\",\"currency\":\"JPY\",\"currency_exponent\":0,"
		"\"current_period_start\":\"2018-02-01T17:20:43Z\",\"current_period_end\":\"2019-02-01T17:20:43Z\"},"
		"{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"support-JPY-yearly\",\"quantity\":1,\"usage_type\":null,"
		"\"amount\":5000,\"amount_decimal\":\"5000\",\"currency\":\"JPY\",\"currency_exponent\":0,"
		"\"current_period_start\":\"2018-02-01T17:20:43Z\",\"current_period_end\":\"2019-02-01T17:20:43Z\"}]}",
		/* a trial in a three-decimal currency */
		"{\"object\":\"subscription\",\"id\":\"sub_kwd\",\"customer_id\":\"kw_1\",\"status\":\"trialing\","
		"\"provider_status\":\"in_trial\",\"started_at\":null,\"current_period_start\":\"2018-02-01T17:26:40Z\","
		"\"current_period_end\":\"2018-02-15T17:26:40Z\",\"trial_start\":\"2018-02-01T17:26:40Z\","
		"\"trial_end\":\"2018-02-15T17:26:40Z\",\"canceled_at\":null,\"cancel_at_period_end\":false,\"cancel_at\":null,"
		"\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":null,"
		"\"created_at\":\"2018-02-01T17:26:40Z\",\"items\":[{\"object\":\"subscription_item\",\"id\":null,"
		"\"plan_id\":\"pro-KWD-monthly\",\"quantity\":1,\"usage_type\":null,\"amount\":12500,\"amount_decimal\":\"12500\","
		"\"currency\":\"KWD\",\"currency_exponent\":3,\"current_period_start\":\"2018-02-01T17:26:40Z\","
		"\"current_period_end\":\"2018-02-15T17:26:40Z\"}]}",
		"{\"object\":\"subscription\",\"id\":\"sub_gone\",\"customer_id\":\"eu_1\",\"status\":\"canceled\","
		"\"provider_status\":\"cancelled\",\"started_at\":\"2018-02-01T17:43:20Z\",\"current_period_start\":null,"
		"\"current_period_end\":null,\"trial_start\":null,\"trial_end\":null,\"canceled_at\":\"2018-03-02T14:13:20Z\","
		"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":\"2018-03-02T14:13:20Z\",\"paused\":null,"
		"\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2018-02-01T17:43:20Z\","
		"\"items\":[]}",
		/* an item without a quantity or price (metered) */
		"{\"object\":\"subscription\",\"id\":\"sub_paused\",\"customer_id\":\"eu_2\",\"status\":\"paused\","
		"\"provider_status\":\"paused\",\"started_at\":\"2018-02-01T18:00:00Z\",\"current_period_start\":null,"
		"\"current_period_end\":null,\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"
		"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,"
		"\"resumes_at\":\"2018-03-14T04:00:00Z\",\"discounts\":null,\"created_at\":\"2018-02-01T18:00:00Z\","
		"\"items\":[{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"meter-EUR-monthly\",\"quantity\":null,"
		"\"usage_type\":null,\"amount\":null,\"amount_decimal\":null,\"currency\":\"EUR\",\"currency_exponent\":2,"
		"\"current_period_start\":null,\"current_period_end\":null}]}",
		"{\"object\":\"subscription\",\"id\":\"sub_moved\",\"customer_id\":\"eu_3\",\"status\":\"other\","
		"\"provider_status\":\"transferred\",\"started_at\":null,\"current_period_start\":null,"
		"\"current_period_end\":null,\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"
		"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,"
		"\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2018-02-01T18:16:40Z\",\"items\":[]}",
		/* multi-decimal pricing: a quarter of a cent a unit, in major units */
		"{\"object\":\"subscription\",\"id\":\"sub_decimal\",\"customer_id\":\"us_1\",\"status\":\"active\","
		"\"provider_status\":\"active\",\"started_at\":null,\"current_period_start\":null,"
		"\"current_period_end\":null,\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"
		"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,"
		"\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2018-02-01T18:33:20Z\",\"items\":["
		"{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"api-calls-USD-monthly\",\"quantity\":1000,"
		"\"usage_type\":null,\"amount\":null,\"amount_decimal\":\"0.25\",\"currency\":\"USD\",\"currency_exponent\":2,"
		"\"current_period_start\":null,\"current_period_end\":null}]}",
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 7);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/subscriptions?limit=100&sort_by%5Basc%5D=created_at");
	billtap_client_free(c);
}
END_TEST

/* `since` is "at or after"; Chargebee's [after] is strictly after. */
START_TEST(since_is_created_at_after)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	billtap_client *c = cb_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1517592131;
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, customers + 2, 2);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=created_at"
	                             "&created_at%5Bafter%5D=1517592130");
	billtap_client_free(c);
}
END_TEST

/* A checkpoint after the first page asks for the page after it with the offset. */
START_TEST(resume_from_a_checkpoint)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	billtap_client *c = cb_client();
	billtap_iter *it;
	const billtap_record *r;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, customers + 2, 2);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[1], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=created_at"
	                             "&offset=%5B%221517505731000%22%2C%22230000000114%22%5D");
	/* a customers checkpoint cannot drive subscriptions */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &o), BILLTAP_ECHECKPOINT);
	free(saved);
	billtap_client_free(c);
}
END_TEST

static int first_error(billtap_client *c, billtap_resource res)
{
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	int rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		;
	billtap_iter_free(it);
	return rc;
}

START_TEST(errors_name_the_api_error_code)
{
	fake_add_fixture(&ft, 401, NULL, "chargebee/error_401.json");
	fake_add_fixture(&ft, 429, NULL, "chargebee/error_429.json");
	fake_add_fixture(&ft, 400, NULL, "chargebee/error_400_offset.json");
	billtap_client *c = cb_client();
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_str_eq(msg, "chargebee: customers: GET /api/v2/customers: HTTP 401: api_authentication_failed: "
	                      "Sorry, authentication failed. Invalid api key");
	ck_assert_str_eq(billtap_client_error_provider_code(c), "api_authentication_failed");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_ERATELIMIT);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "api_request_limit_exceeded");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_SUBSCRIPTIONS), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "chargebee: subscriptions: GET /api/v2/subscriptions: HTTP 400: invalid_request: "
	                 "offset : invalid value");
	billtap_client_free(c);
}
END_TEST

/* A 429 is retried (Retry-After honoured by the engine), then the page comes. */
START_TEST(rate_limit_is_retried)
{
	fake_add_fixture(&ft, 429, "Retry-After: 0", "chargebee/error_429.json");
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	billtap_client *c = cb_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers + 2, 2);
	ck_assert_uint_eq(ft.calls, 2);
	billtap_client_free(c);
}
END_TEST

START_TEST(malformed_pages_are_errors)
{
	fake_add(&ft, 200, NULL, "{\"next_offset\":\"x\"}");
	fake_add(&ft, 200, NULL, "{\"list\":[],\"next_offset\":\"\"}");
	fake_add(&ft, 200, NULL, "{\"list\":[{\"card\":{}}]}");
	fake_add_fixture(&ft, 200, NULL, "chargebee/bad_currency.json");
	billtap_client *c = cb_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not a list page"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "chargebee: customers: a list entry has no customer object");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_SUBSCRIPTIONS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "chargebee: subscriptions: subscription sub_bad: currency_code is not an ISO 4217 currency");
	billtap_client_free(c);
}
END_TEST

/* Item prices become plans: the docs' sample, a stairstep (flat per tier), a tiered one
 * in JPY, a multi-decimal price (major units) and a one-time charge in KWD. */
START_TEST(item_prices_become_plans)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/item_prices.json");
	fake_add_fixture(&ft, 200, NULL, "chargebee/item_prices_p2.json");
	billtap_client *c = cb_client();
#define NO_CUSTOM "\"custom_amount\":false,\"custom_amount_minimum\":null,\"custom_amount_maximum\":null," \
	          "\"custom_amount_preset\":null,\"setup_fee\":null"
	const char *want[] = {
		"{\"object\":\"plan\",\"id\":\"silver-USD-monthly\",\"name\":\"silver USD\",\"product_id\":\"silver\","
		"\"product_name\":null,\"amount\":1000,\"amount_decimal\":\"1000\",\"currency\":\"USD\",\"currency_exponent\":2,"
		"\"usage_type\":null,\"tiers_mode\":null,\"tiers\":null," NO_CUSTOM ",\"interval_unit\":\"month\","
		"\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,\"trial_amount\":null,\"trial_cycles\":null,"
		"\"active\":true,\"created_at\":\"2020-07-07T07:28:48Z\"}",
		"{\"object\":\"plan\",\"id\":\"storage-EUR-monthly\",\"name\":\"storage EUR monthly\",\"product_id\":\"storage\","
		"\"product_name\":null,\"amount\":null,\"amount_decimal\":null,\"currency\":\"EUR\",\"currency_exponent\":2,"
		"\"usage_type\":null,\"tiers_mode\":\"other\",\"tiers\":\"[{\\\"up_to\\\":10,\\\"unit_amount\\\":null,"
		"\\\"unit_amount_decimal\\\":null,\\\"flat_amount\\\":1000,\\\"flat_amount_decimal\\\":\\\"1000\\\"},"
		"{\\\"up_to\\\":25,\\\"unit_amount\\\":null,\\\"unit_amount_decimal\\\":null,\\\"flat_amount\\\":2000,"
		"\\\"flat_amount_decimal\\\":\\\"2000\\\"},{\\\"up_to\\\":50,\\\"unit_amount\\\":null,\\\"unit_amount_decimal\\\":null,"
		"\\\"flat_amount\\\":4500,\\\"flat_amount_decimal\\\":\\\"4500\\\"},{\\\"up_to\\\":null,\\\"unit_amount\\\":null,"
		"\\\"unit_amount_decimal\\\":null,\\\"flat_amount\\\":10000,\\\"flat_amount_decimal\\\":\\\"10000\\\"}]\","
		NO_CUSTOM ",\"interval_unit\":\"month\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,"
		"\"trial_amount\":null,\"trial_cycles\":null,\"active\":true,\"created_at\":\"2020-07-07T07:28:49Z\"}",
		"{\"object\":\"plan\",\"id\":\"seats-JPY-yearly\",\"name\":\"seats JPY yearly\",\"product_id\":\"seats\","
		"\"product_name\":null,\"amount\":null,\"amount_decimal\":null,\"currency\":\"JPY\",\"currency_exponent\":0,"
		"\"usage_type\":null,\"tiers_mode\":\"graduated\",\"tiers\":\"[{\\\"up_to\\\":100,\\\"unit_amount\\\":500,"
		"\\\"unit_amount_decimal\\\":\\\"500\\\",\\\"flat_amount\\\":null,\\\"flat_amount_decimal\\\":null},"
		"{\\\"up_to\\\":null,\\\"unit_amount\\\":300,\\\"unit_amount_decimal\\\":\\\"300\\\",\\\"flat_amount\\\":null,"
		"\\\"flat_amount_decimal\\\":null}]\"," NO_CUSTOM ",\"interval_unit\":\"year\",\"interval_count\":1,"
		"\"total_cycles\":12,\"trial_days\":14,\"trial_amount\":null,\"trial_cycles\":null,\"active\":false,"
		"\"created_at\":\"2020-07-07T07:28:50Z\"}",
		/* 0.0025 USD a unit: a quarter of a cent */
		"{\"object\":\"plan\",\"id\":\"api-calls-USD-monthly\",\"name\":\"api calls\",\"product_id\":\"api-calls\","
		"\"product_name\":null,\"amount\":null,\"amount_decimal\":\"0.25\",\"currency\":\"USD\",\"currency_exponent\":2,"
		"\"usage_type\":null,\"tiers_mode\":null,\"tiers\":null," NO_CUSTOM ",\"interval_unit\":\"month\","
		"\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,\"trial_amount\":null,\"trial_cycles\":null,"
		"\"active\":true,\"created_at\":\"2020-07-07T07:28:51Z\"}",
		"{\"object\":\"plan\",\"id\":\"setup-KWD\",\"name\":\"setup KWD\",\"product_id\":\"setup\",\"product_name\":null,"
		"\"amount\":25500,\"amount_decimal\":\"25500\",\"currency\":\"KWD\",\"currency_exponent\":3,\"usage_type\":null,"
		"\"tiers_mode\":null,\"tiers\":null," NO_CUSTOM ",\"interval_unit\":null,\"interval_count\":null,"
		"\"total_cycles\":null,\"trial_days\":null,\"trial_amount\":null,\"trial_cycles\":null,\"active\":true,"
		"\"created_at\":\"2020-07-07T07:28:52Z\"}",
		/* a month's trial is not a number of days */
		"{\"object\":\"plan\",\"id\":\"gold-GBP-every-3-months\",\"name\":\"gold GBP quarterly\",\"product_id\":\"gold\","
		"\"product_name\":null,\"amount\":4500,\"amount_decimal\":\"4500\",\"currency\":\"GBP\",\"currency_exponent\":2,"
		"\"usage_type\":null,\"tiers_mode\":null,\"tiers\":null," NO_CUSTOM ",\"interval_unit\":\"month\","
		"\"interval_count\":3,\"total_cycles\":null,\"trial_days\":null,\"trial_amount\":null,\"trial_cycles\":null,"
		"\"active\":true,\"created_at\":\"2020-07-07T07:28:53Z\"}",
	};
#undef NO_CUSTOM
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, want, 6);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/item_prices?limit=100&sort_by%5Basc%5D=id");
	ck_assert_str_eq(ft.urls[1], "http://cb.test/api/v2/item_prices?limit=100&sort_by%5Basc%5D=id"
	                             "&offset=%5B%22silver-USD-monthly%22%2C%22230000000300%22%5D");
	/* item prices cannot be filtered by creation: since is refused, never ignored */
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1594106930;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, &o), BILLTAP_EUNSUPPORTED);
	billtap_client_free(c);
}
END_TEST

/* Major-unit decimals in minor units, exactly. */
START_TEST(major_decimals_become_minor)
{
	static const struct {
		const char *in;
		int exponent;
		const char *out;
	} cases[] = {
		{ "0.0025", 2, "0.25" }, { "45.00", 2, "4500" }, { "12", 0, "12" }, { "1.5", 0, "1.5" },
		{ "0", 3, "0" },         { "-3.5", 2, "-350" },  { "007.10", 2, "710" }, { "0.000", 2, "0" },
		{ "-0.00", 2, "0" },
	};
	static const char *const bad[] = { "", "-", ".5", "5.", "1e3", "1.2.3", " 1", "0x10" };
	char out[100];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ck_assert_int_eq(cb_minor_decimal(out, sizeof out, cases[i].in, strlen(cases[i].in), cases[i].exponent), 0);
		ck_assert_str_eq(out, cases[i].out);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		ck_assert_int_eq(cb_minor_decimal(out, sizeof out, bad[i], strlen(bad[i]), 2), BILLTAP_EDATA);
	ck_assert_int_eq(cb_minor_decimal(out, 3, "12.5", 4, 2), BILLTAP_EDATA); /* "1250" needs 5 */
}
END_TEST

/* Invoices: the docs' sample (catalog 1.0 entity types), a paid one with an item-level and
 * a document-level coupon, a pending (draft) one with credits and a line of another kind,
 * and a voided one without lines. */
START_TEST(invoices_with_line_items)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/invoices.json");
	billtap_client *c = cb_client();
#define LINE(id, kind, plan, desc, qty, amount, ccy, exp, from, to) \
	"{\"object\":\"invoice_line\",\"id\":\"" id "\",\"kind\":\"" kind "\",\"plan_id\":" plan ",\"description\":\"" desc \
	"\",\"quantity\":" qty ",\"amount\":" amount ",\"currency\":\"" ccy "\",\"currency_exponent\":" exp \
	",\"period_start\":" from ",\"period_end\":" to ",\"proration\":false}"
	const char *want[] = {
		"{\"object\":\"invoice\",\"id\":\"__demo_inv__1\",\"number\":\"__demo_inv__1\",\"customer_id\":\"__test__KyVnHhSBWSjWC2p\","
		"\"subscription_id\":\"__test__KyVnHhSBWSjWC2p\",\"status\":\"open\",\"provider_status\":\"payment_due\",\"currency\":\"USD\","
		"\"currency_exponent\":2,\"subtotal\":895,\"discount\":0,\"tax\":0,\"total\":895,\"amount_paid\":0,\"amount_due\":895,"
		"\"created_at\":\"2018-02-01T16:09:08Z\",\"issued_at\":null,\"due_at\":\"2018-02-01T16:09:08Z\",\"paid_at\":null,"
		"\"voided_at\":null,\"period_start\":\"2018-02-01T16:09:08Z\",\"period_end\":\"2018-03-01T16:09:08Z\",\"lines\":["
		LINE("li___test__KyVnHhSBWSjXc2r", "subscription", "\"no_trial\"", "No Trial", "1", "895", "USD", "2",
		     "\"2018-02-01T16:09:08Z\"", "\"2018-03-01T16:09:08Z\"") "]}",
		"{\"object\":\"invoice\",\"id\":\"INV-2002\",\"number\":\"INV-2002\",\"customer_id\":\"c_eu\",\"subscription_id\":\"s_eu\","
		"\"status\":\"paid\",\"provider_status\":\"paid\",\"currency\":\"EUR\",\"currency_exponent\":2,\"subtotal\":1400,"
		"\"discount\":140,\"tax\":252,\"total\":1512,\"amount_paid\":1512,\"amount_due\":1512,"
		"\"created_at\":\"2018-02-02T19:33:20Z\",\"issued_at\":\"2018-02-02T20:33:20Z\",\"due_at\":null,"
		"\"paid_at\":\"2018-02-02T20:35:00Z\",\"voided_at\":null,\"period_start\":\"2018-02-01T15:46:40Z\","
		"\"period_end\":\"2018-03-02T19:33:20Z\",\"lines\":["
		LINE("li_1", "subscription", "\"pro-EUR-monthly\"", "Pro", "1", "900", "EUR", "2", "\"2018-02-02T19:33:20Z\"",
		     "\"2018-03-02T19:33:20Z\"") ","
		LINE("li_2", "subscription", "\"seat-EUR-monthly\"", "Seats - Prorated", "2", "500", "EUR", "2",
		     "\"2018-02-01T15:46:40Z\"", "\"2018-03-02T19:33:20Z\"") "]}",
		"{\"object\":\"invoice\",\"id\":\"INV-2003\",\"number\":\"INV-2003\",\"customer_id\":\"c_jp\",\"subscription_id\":null,"
		"\"status\":\"draft\",\"provider_status\":\"pending\",\"currency\":\"JPY\",\"currency_exponent\":0,\"subtotal\":5000,"
		"\"discount\":0,\"tax\":455,\"total\":5000,\"amount_paid\":0,\"amount_due\":4000,\"created_at\":\"2018-02-03T23:20:00Z\","
		"\"issued_at\":null,\"due_at\":null,\"paid_at\":null,\"voided_at\":null,\"period_start\":null,\"period_end\":null,"
		"\"lines\":[" LINE("li_3", "one_off", "\"setup-JPY\"", "Setup", "1", "5000", "JPY", "0", "null", "null") ","
		LINE("li_4", "other", "null", "Setup fee", "null", "0", "JPY", "0", "null", "null") "]}",
		"{\"object\":\"invoice\",\"id\":\"INV-2004\",\"number\":\"INV-2004\",\"customer_id\":\"c_us\",\"subscription_id\":null,"
		"\"status\":\"void\",\"provider_status\":\"voided\",\"currency\":\"USD\",\"currency_exponent\":2,\"subtotal\":0,"
		"\"discount\":0,\"tax\":0,\"total\":0,\"amount_paid\":0,\"amount_due\":0,\"created_at\":\"2018-02-05T03:06:40Z\","
		"\"issued_at\":\"2018-02-05T03:06:40Z\",\"due_at\":null,\"paid_at\":null,\"voided_at\":\"2018-02-06T06:53:20Z\","
		"\"period_start\":null,\"period_end\":null,\"lines\":[]}",
	};
#undef LINE
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1517501348;
	expect_records(c, BILLTAP_RESOURCE_INVOICES, &o, want, 4);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/invoices?limit=100&sort_by%5Basc%5D=date"
	                             "&date%5Bafter%5D=1517501347");
	billtap_client_free(c);
}
END_TEST

/* Transactions: the docs' sample authorization (nothing captured yet), a payment with its
 * refunds (one failed) and a chargeback, the refund and chargeback themselves, a direct
 * debit reversal, a failed payment in JPY and one whose outcome is unknown. */
START_TEST(transactions_in_the_kind_vocabulary)
{
	fake_add_fixture(&ft, 200, NULL, "chargebee/transactions.json");
	billtap_client *c = cb_client();
#define TXN(id, cus, sub, inv, kind, result, status, amount, ccy, exp, captured, refunded, parent, at) \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":\"" cus "\",\"subscription_id\":" sub \
	",\"invoice_id\":" inv ",\"kind\":\"" kind "\",\"result\":\"" result "\",\"provider_status\":\"" status \
	"\",\"amount\":" amount ",\"currency\":\"" ccy "\",\"currency_exponent\":" exp ",\"captured_amount\":" captured \
	",\"refunded_amount\":" refunded ",\"fee_amount\":null,\"net_amount\":null,\"parent_id\":" parent \
	",\"occurred_at\":\"" at "\"}"
	const char *want[] = {
		TXN("txn___test__KyVnHhSBWltv42pB", "__test__KyVnHhSBWltgF2p6", "null", "null", "payment", "authorized",
		    "success", "1000", "USD", "2", "0", "0", "null", "2020-09-24T17:25:16Z"),
		TXN("txn_pay", "c1", "\"s1\"", "\"INV-7\"", "payment", "succeeded", "success", "5000", "EUR", "2", "5000",
		    "5000", "null", "2020-09-24T17:26:40Z"),
		TXN("txn_ref", "c1", "\"s1\"", "null", "refund", "succeeded", "success", "1200", "EUR", "2", "null", "0",
		    "\"txn_pay\"", "2020-09-24T17:53:20Z"),
		TXN("txn_cb", "c1", "null", "null", "chargeback", "succeeded", "success", "3800", "EUR", "2", "null", "null",
		    "\"txn_pay\"", "2020-09-24T18:26:40Z"),
		TXN("txn_rev", "c2", "null", "null", "reversal", "succeeded", "success", "2500", "GBP", "2", "null", "null",
		    "\"txn_dd\"", "2020-09-24T18:43:20Z"),
		TXN("txn_fail", "c3", "null", "null", "payment", "failed", "failure", "3000", "JPY", "0", "0", "0", "null",
		    "2020-09-24T19:00:00Z"),
		TXN("txn_unk", "c3", "null", "null", "payment", "other", "needs_attention", "12340", "KWD", "3", "null", "0",
		    "null", "2020-09-24T19:16:40Z"),
	};
#undef TXN
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, 7);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/transactions?limit=100&sort_by%5Basc%5D=date");
	billtap_client_free(c);
}
END_TEST

/* An incremental full pass asks for the newest change first; the pass of changes from its
 * token reads updated_at from that second to its own newest, deleted records included,
 * and turns deleted ones into tombstones. */
START_TEST(incremental_passes_by_updated_at)
{
	fake_add(&ft, 200, NULL, "{\"list\":[{\"customer\":{\"id\":\"x\",\"updated_at\":1517600000}}]}");
	fake_add_fixture(&ft, 200, NULL, "chargebee/customers_p2.json");
	fake_add(&ft, 200, NULL, "{\"list\":[{\"customer\":{\"id\":\"y\",\"updated_at\":1517700000}}]}");
	fake_add(&ft, 200, NULL,
	         "{\"list\":[{\"customer\":{\"id\":\"c_new\",\"email\":\"n@x.example\",\"created_at\":1517650000,"
	         "\"updated_at\":1517650000,\"deleted\":false}},{\"customer\":{\"id\":\"c_gone\","
	         "\"created_at\":1517000000,\"updated_at\":1517690000,\"deleted\":true}}]}");
	billtap_client *c = cb_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	const billtap_record *r;
	const char *token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	char *saved = strdup(token);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[0], "http://cb.test/api/v2/customers?limit=1&sort_by%5Bdesc%5D=updated_at"
	                             "&include_deleted=true");
	ck_assert_str_eq(ft.urls[1], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=created_at");
	billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
	o2.checkpoint = saved;
	const char *want[] = {
		"{\"object\":\"customer\",\"id\":\"c_new\",\"email\":\"n@x.example\",\"name\":null,\"country\":null,"
		"\"created_at\":\"2018-02-03T09:26:40Z\",\"deleted\":false}",
		"{\"object\":\"customer\",\"id\":\"c_gone\",\"deleted\":true}",
	};
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o2, want, 2);
	ck_assert_str_eq(ft.urls[3], "http://cb.test/api/v2/customers?limit=100&sort_by%5Basc%5D=updated_at"
	                             "&updated_at%5Bafter%5D=1517599999&updated_at%5Bbefore%5D=1517700001"
	                             "&include_deleted=true");
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(foreign_checkpoint_is_refused)
{
	billtap_client *c = cb_client();
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = "garbage";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST

/* The engine's prefetch: once a page's records are queued, the next page is asked for and
 * started before the host takes them (a transport that can start transfers). */
static void two_pages(fake_answer *out, const char *url, int nth, void *payload)
{
	(void)nth;
	(void)payload;
	size_t len;
	char *body = load_fixture(strstr(url, "offset=") ? "chargebee/customers_p2.json"
	                                                 : "chargebee/customers_p1.json", &len);
	ck_assert_uint_lt(len, sizeof out->body);
	memcpy(out->body, body, len + 1);
	free(body);
	out->status = 200;
}

START_TEST(next_page_starts_before_the_host_takes_the_records)
{
	fake_async fa;
	memset(&fa, 0, sizeof fa);
	fa.handler = two_pages;
	billtap_client *c = fake_async_client(&fa, "chargebee");
	ck_assert_int_eq(billtap_client_set(c, "site", "acme-test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "test_cbkey"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://cb.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	/* the host holds the first page's first record: the second page is already asked for */
	ck_assert_uint_eq(fa.calls, 2);
	ck_assert_ptr_nonnull(strstr(fa.urls[1], "offset="));
	ck_assert_str_eq(billtap_record_id(r), "__test__KyVnHhSBWl7eY2bl");
	int n = 1;
	while (billtap_iter_next(&r, it) == 0)
		n++;
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(fa.calls, 2); /* and nothing after the last page */
	billtap_iter_free(it);
	billtap_client_free(c);
	fake_async_reset(&fa);
}
END_TEST

/* ---- allocation failures (tests/common/alloc_fail.h): every allocation of each
 * extraction failed in turn, the failed call made again ---- */

static const fixture_route walk_customers[] = {
	{ "/customers?", "offset", NULL, "chargebee/customers_p1.json" },
	{ "/customers?", NULL, NULL, "chargebee/customers_p2.json" },
};
static const fixture_route walk_subscriptions[] = {
	{ "/subscriptions?", "offset", NULL, "chargebee/subscriptions_p1.json" },
	{ "/subscriptions?", NULL, NULL, "chargebee/subscriptions_p2.json" },
};
static const fixture_route walk_plans[] = {
	{ "/item_prices?", "offset", NULL, "chargebee/item_prices.json" },
	{ "/item_prices?", NULL, NULL, "chargebee/item_prices_p2.json" },
};
static const fixture_route walk_invoices[] = { { "/invoices?", NULL, NULL, "chargebee/invoices.json" } };
static const fixture_route walk_transactions[] = {
	{ "/transactions?", NULL, NULL, "chargebee/transactions.json" },
};
/* an incremental full pass: the newest change first, then the list */
static const fixture_route walk_full_pass[] = {
	{ "/customers?", "sort_by%5Bdesc%5D", "updated_at", "chargebee/customers_newest.json" },
	{ "/customers?", "offset", NULL, "chargebee/customers_p1.json" },
	{ "/customers?", NULL, NULL, "chargebee/customers_p2.json" },
};
/* a pass of changes from a token: the newest change, then the changes (one deleted) */
static const fixture_route walk_changes[] = {
	{ "/customers?", "sort_by%5Bdesc%5D", "updated_at", "chargebee/customers_newest.json" },
	{ "/customers?", NULL, NULL, "chargebee/customers_changes.json" },
};
static const fixture_route walk_bad_key[] = { { "/customers?", NULL, NULL, "chargebee/error_401.json" } };
static const int walk_bad_key_status[] = { 401 };
/* the second page refused (its offset) after the first page's records */
static const fixture_route walk_bad_offset[] = {
	{ "/customers?", "offset", NULL, "chargebee/customers_p1.json" },
	{ "/customers?", NULL, NULL, "chargebee/error_400_offset.json" },
};
static const int walk_bad_offset_status[] = { 0, 400 };
static const fixture_route walk_bad_currency[] = {
	{ "/subscriptions?", NULL, NULL, "chargebee/bad_currency.json" },
};

static const alloc_walk_case walk_cases[] = {
	{ "customers", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_customers), NULL, 0, NULL, 0, 4, 0 },
	{ "subscriptions", BILLTAP_RESOURCE_SUBSCRIPTIONS, ALLOC_ROUTES(walk_subscriptions), NULL, 0, NULL, 0, 7, 0 },
	{ "plans", BILLTAP_RESOURCE_PLANS, ALLOC_ROUTES(walk_plans), NULL, 0, NULL, 0, 6, 0 },
	{ "invoices", BILLTAP_RESOURCE_INVOICES, ALLOC_ROUTES(walk_invoices), NULL, 0, NULL, 0, 4, 0 },
	{ "transactions", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_transactions), NULL, 0, NULL, 0, 7, 0 },
	{ "incremental full pass", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_full_pass), NULL,
	  BILLTAP_ITER_INCREMENTAL, NULL, 0, 4, 0 },
	{ "changes from a token", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_changes), NULL, 0, NULL,
	  1, 2, 0 },
	{ "a refused key", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_bad_key), walk_bad_key_status, 0,
	  NULL, 0, 0, BILLTAP_EAUTH },
	{ "a refused offset", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_bad_offset),
	  walk_bad_offset_status, 0, NULL, 0, 2, BILLTAP_EREQUEST },
	{ "a record that does not map", BILLTAP_RESOURCE_SUBSCRIPTIONS, ALLOC_ROUTES(walk_bad_currency),
	  NULL, 0, NULL, 0, 0, BILLTAP_EDATA },
};
static const char *const walk_settings[] = { "site", "acme-test", "api_key", "test_cbkey",
	                                     "base_url", "http://cb.test", "allow_insecure_http", "1",
	                                     "max_retries", "0", NULL };
static const alloc_walk_spec chargebee_walks = { "chargebee", walk_settings, walk_cases,
	                                         sizeof walk_cases / sizeof walk_cases[0] };

Suite *chargebee_unit_suite(void)
{
	Suite *s = suite_create("chargebee");
	TCase *tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, customers_two_pages);
	tcase_add_test(tc, site_makes_the_host);
	tcase_add_test(tc, bad_settings_are_refused);
	tcase_add_test(tc, subscriptions_map_statuses_and_items);
	tcase_add_test(tc, since_is_created_at_after);
	tcase_add_test(tc, resume_from_a_checkpoint);
	tcase_add_test(tc, errors_name_the_api_error_code);
	tcase_add_test(tc, rate_limit_is_retried);
	tcase_add_test(tc, malformed_pages_are_errors);
	tcase_add_test(tc, foreign_checkpoint_is_refused);
	tcase_add_test(tc, item_prices_become_plans);
	tcase_add_test(tc, major_decimals_become_minor);
	tcase_add_test(tc, invoices_with_line_items);
	tcase_add_test(tc, transactions_in_the_kind_vocabulary);
	tcase_add_test(tc, incremental_passes_by_updated_at);
	tcase_add_test(tc, next_page_starts_before_the_host_takes_the_records);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, alloc_walk_tcase(&chargebee_walks));
	return s;
}
