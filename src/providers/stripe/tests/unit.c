/* The Stripe provider from recorded-shape responses through the transport vtable. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "core.h" /* the iterator's skip count and last skipped record */
#include "testutil.h"

Suite *stripe_unit_suite(void);
TCase *stripe_sync_tcase(void);   /* sync_unit.c */
TCase *stripe_slices_tcase(void); /* slices_unit.c */
TCase *stripe_links_tcase(void); /* links_unit.c */
TCase *stripe_nested_tcase(void); /* nested_unit.c */

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *stripe_client(void)
{
	billtap_client *c = fake_client(&ft, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://stripe.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	return c;
}

START_TEST(customers_two_pages)
{
	fake_add_fixture(&ft, 200, "Request-Id: req_1", "stripe/customers_page1.json");
	fake_add_fixture(&ft, 200, "Request-Id: req_2", "stripe/customers_page2.json");
	billtap_client *c = stripe_client();
	const char *want[] = {
		"{\"object\":\"customer\",\"id\":\"cus_Q1\",\"email\":\"ana@example.com\",\"name\":\"Ana Núñez\","
		"\"country\":\"ES\",\"created_at\":\"2024-04-24T23:06:40Z\",\"deleted\":false}",
		"{\"object\":\"customer\",\"id\":\"cus_Q2\",\"email\":null,\"name\":\"\\\"Quoted\\\" \\\\ name ☃ 😀\","
		"\"country\":\"JP\",\"created_at\":\"2024-04-24T23:06:40Z\",\"deleted\":false}",
		"{\"object\":\"customer\",\"id\":\"cus_Q3\",\"email\":\"li@example.cn\",\"name\":\"李小龙\","
		"\"country\":null,\"created_at\":\"2024-04-24T23:06:39Z\",\"deleted\":false}",
		"{\"object\":\"customer\",\"id\":\"cus_Q4\",\"email\":\"z@example.com\",\"name\":null,"
		"\"country\":\"DE\",\"created_at\":\"2024-04-13T09:20:00Z\",\"deleted\":false}",
	};
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, want, 4);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/customers?limit=100");
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/customers?limit=100&starting_after=cus_Q3");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Bearer sk_test_x");
	ck_assert_str_eq(fake_header(&ft, 0, "Stripe-Version"), "2025-03-31.basil");
	billtap_client_free(c);
}
END_TEST

START_TEST(raw_json_is_the_stripe_object)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	size_t len;
	const char *raw = billtap_record_raw_json(r, &len);
	ck_assert_ptr_nonnull(raw);
	ck_assert_int_eq(raw[0], '{');
	ck_assert_int_eq(raw[len - 1], '}');
	ck_assert_ptr_nonnull(strstr(raw, "\"invoice_prefix\""));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(prices_become_plans)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/prices.json");
	billtap_client *c = stripe_client();
#define PLAN(id, name, product, pname, amount, dec, cur, exp, usage, tiers_mode, tiers, custom,     \
             cmin, cmax, cpreset, unit, count, trial, active, at)                                   \
	"{\"object\":\"plan\",\"id\":\"" id "\",\"name\":" name ",\"product_id\":\"" product "\","       \
	"\"product_name\":" pname ",\"amount\":" amount ",\"amount_decimal\":" dec ",\"currency\":\""  \
	cur "\",\"currency_exponent\":" exp ",\"usage_type\":" usage ",\"tiers_mode\":" tiers_mode     \
	",\"tiers\":" tiers ",\"custom_amount\":" custom ",\"custom_amount_minimum\":" cmin            \
	",\"custom_amount_maximum\":" cmax ",\"custom_amount_preset\":" cpreset ",\"setup_fee\":null," \
	"\"interval_unit\":" unit ",\"interval_count\":" count ",\"total_cycles\":null,"              \
	"\"trial_days\":" trial ",\"trial_amount\":null,\"trial_cycles\":null,\"active\":" active      \
	",\"created_at\":\"" at "\"}"
	const char *want[] = {
		PLAN("price_M", "\"Gold Plan\"", "prod_A", "\"Gold Plan\"", "2000", "\"2000\"", "USD", "2",
		     "\"licensed\"", "null", "null", "false", "null", "null", "null", "\"month\"", "1", "14",
		     "true", "2023-11-14T22:18:20Z"),
		/* a nickname is the plan's own name; the product's stays in product_name */
		PLAN("price_Q", "\"Gold quarterly\"", "prod_A", "\"Gold Plan\"", "150000", "\"150000\"",
		     "JPY", "0", "\"licensed\"", "null", "null", "false", "null", "null", "null",
		     "\"month\"", "3", "null", "true", "2023-11-14T22:16:40Z"),
		/* tiers (expanded) as JSON text, decimals exact */
		PLAN("price_T", "\"Seats\"", "prod_B", "\"Seats\"", "null", "null", "KWD", "3",
		     "\"licensed\"", "\"graduated\"",
		     "\"[{\\\"up_to\\\":10,\\\"unit_amount\\\":null,\\\"unit_amount_decimal\\\":\\\"12.5\\\","
		     "\\\"flat_amount\\\":5000,\\\"flat_amount_decimal\\\":\\\"5000\\\"},{\\\"up_to\\\":null,"
		     "\\\"unit_amount\\\":900,\\\"unit_amount_decimal\\\":\\\"900\\\",\\\"flat_amount\\\":null,"
		     "\\\"flat_amount_decimal\\\":null}]\"",
		     "false", "null", "null", "null", "\"year\"", "1", "null", "true",
		     "2023-11-14T22:15:00Z"),
		PLAN("price_O", "null", "prod_D", "null", "5000", "\"5000\"", "USD", "2", "null", "null",
		     "null", "false", "null", "null", "null", "null", "null", "null", "false",
		     "2023-11-14T22:13:20Z"),
		/* the customer chooses the amount: no amount, its bounds and preset */
		PLAN("price_C", "null", "prod_D", "null", "null", "null", "USD", "2", "null", "null", "null",
		     "true", "500", "50000", "2500", "null", "null", "null", "false",
		     "2023-11-14T22:11:40Z"),
		/* half a cent a unit: no integer amount, the decimal exact */
		PLAN("price_D", "\"Gold Plan\"", "prod_A", "\"Gold Plan\"", "null", "\"0.5\"", "USD", "2",
		     "\"metered\"", "null", "null", "false", "null", "null", "null", "\"month\"", "1", "14",
		     "true", "2023-11-14T22:13:20Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, want, 6);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/prices?limit=100&expand%5B%5D=data.product"
	                             "&expand%5B%5D=data.tiers");
	billtap_client_free(c);
}
END_TEST

/* Golden: Stripe's example price with its example product expanded (SOURCE.md). */
START_TEST(openapi_price_maps_as_documented)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/price_prices.json");
	billtap_client *c = stripe_client();
	const char *want[] = {
		/* a custom_unit_amount object, even with null bounds, means the customer chooses */
		PLAN("price_1PgafmB7WZ01zgkW6dKueIc5", "\"T-shirt\"", "prod_QXg1hqf4jFNsqG",
		     "\"T-shirt\"", "2000", "\"2000\"", "USD", "2", "\"licensed\"", "null", "null", "true",
		     "null", "null", "null", "\"month\"", "1", "null", "true", "2009-02-13T23:31:30Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, want, 1);
	billtap_client_free(c);
}
END_TEST

START_TEST(subscriptions_with_paged_items)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/subscriptions_basil.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/subscription_items_p2.json");
	billtap_client *c = stripe_client();
	/* each item with its own period (basil); the fixtures say nothing of pauses and
	 * discounts (paused, discounts null) */
#define ITEM(id, qty, usage, amount, cur, ccy, exp, start, end)                                 \
	"{\"object\":\"subscription_item\",\"id\":\"" id "\",\"plan_id\":\"price_" cur "\","     \
	"\"quantity\":" qty ",\"usage_type\":\"" usage "\",\"amount\":" amount                    \
	",\"amount_decimal\":\"" amount "\",\"currency\":\"" ccy "\",\"currency_exponent\":" exp    \
	",\"current_period_start\":\"" start "\",\"current_period_end\":\"" end "\"}"
#define MAR_START "2024-03-09T16:00:00Z"
#define MAR_END "2024-04-09T16:00:00Z"
#define NEW_FIELDS                                                                              \
	"\"trial_start\":null,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,"                \
	"\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":null,"
	const char *want[] = {
		/* items on different periods: no subscription period (none is invented) */
		"{\"object\":\"subscription\",\"id\":\"sub_1\",\"customer_id\":\"cus_Q1\",\"status\":\"active\","
		"\"provider_status\":\"active\",\"started_at\":\"2023-11-14T22:13:20Z\","
		"\"current_period_start\":null,\"current_period_end\":null," NEW_FIELDS
		"\"trial_end\":null,\"canceled_at\":null,\"cancel_at_period_end\":false,"
		"\"created_at\":\"2023-11-14T22:13:20Z\",\"items\":["
		ITEM("si_1", "2", "licensed", "2000", "M", "USD", "2", MAR_START, MAR_END) ","
		ITEM("si_2", "null", "metered", "1000", "K", "KWD", "3", "2024-02-27T02:13:20Z",
		     "2024-04-01T19:33:20Z") "]}",
		"{\"object\":\"subscription\",\"id\":\"sub_2\",\"customer_id\":\"cus_Q9\",\"status\":\"past_due\","
		"\"provider_status\":\"unpaid\",\"started_at\":\"2023-11-14T22:13:20Z\","
		"\"current_period_start\":null,\"current_period_end\":null," NEW_FIELDS
		"\"trial_end\":null,\"canceled_at\":\"2024-03-21T05:46:40Z\",\"cancel_at_period_end\":true,"
		"\"created_at\":\"2023-11-14T22:13:20Z\",\"items\":["
		ITEM("si_3", "1", "licensed", "2000", "M", "USD", "2", MAR_START, MAR_END) ","
		ITEM("si_4", "3", "licensed", "2000", "M", "USD", "2", "2024-02-15T12:26:40Z",
		     "2024-04-13T09:20:00Z") ","
		ITEM("si_5", "4", "licensed", "2000", "M", "USD", "2", MAR_START, MAR_END) ","
		ITEM("si_6", "null", "metered", "1000", "K", "KWD", "3", MAR_START,
		     "2024-04-01T19:33:20Z") "]}",
		/* one item: its period is the subscription's */
		"{\"object\":\"subscription\",\"id\":\"sub_3\",\"customer_id\":\"cus_Q2\",\"status\":\"canceled\","
		"\"provider_status\":\"incomplete_expired\",\"started_at\":\"2023-11-14T22:13:20Z\","
		"\"current_period_start\":\"2024-03-09T16:00:00Z\",\"current_period_end\":\"2024-04-09T16:00:00Z\","
		NEW_FIELDS "\"trial_end\":\"2023-11-21T20:53:20Z\",\"canceled_at\":null,\"cancel_at_period_end\":false,"
		"\"created_at\":\"2023-11-14T22:13:20Z\",\"items\":["
		ITEM("si_9", "1", "licensed", "2000", "M", "USD", "2", MAR_START, MAR_END) "]}",
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 3);
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/subscriptions?limit=100&status=all"
	                             "&expand%5B%5D=data.discounts");
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/subscription_items?subscription=sub_2"
	                             "&limit=100&starting_after=si_3");
	ck_assert_str_eq(ft.urls[2], "http://stripe.test/v1/subscription_items?subscription=sub_2"
	                             "&limit=100&starting_after=si_5");
	billtap_client_free(c);
}
END_TEST
/* Golden: Stripe's example subscription (paused collection, scheduled cancellation, trial
 * start) and a copy with discounts in both of Stripe's shapes (fixtures/openapi/SOURCE.md). */
START_TEST(openapi_subscriptions_map_as_documented)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/sub_subscriptions.json");
	billtap_client *c = stripe_client();
#define T0 "\"2009-02-13T23:31:30Z\""
#define OPENAPI_SUB(id, paused, behavior, discounts)                                            \
	"{\"object\":\"subscription\",\"id\":\"" id "\",\"customer_id\":\"cus_QXg1o8vcGmoR32\","    \
	"\"status\":\"active\",\"provider_status\":\"active\",\"started_at\":" T0 ","               \
	"\"current_period_start\":\"2030-02-06T01:08:38Z\","                                       \
	"\"current_period_end\":\"2000-12-08T15:02:53Z\",\"trial_start\":" T0 ",\"trial_end\":" T0   \
	",\"canceled_at\":" T0 ",\"cancel_at_period_end\":true,\"cancel_at\":" T0 ",\"ended_at\":" T0 \
	",\"paused\":" paused ",\"pause_behavior\":" behavior ",\"resumes_at\":null,"               \
	"\"discounts\":" discounts ",\"created_at\":" T0 ",\"items\":[{\"object\":"                 \
	"\"subscription_item\",\"id\":\"si_QXhVnC2h0Jczwc\",\"plan_id\":"                           \
	"\"price_1PgafmB7WZ01zgkW6dKueIc5\",\"quantity\":1,\"usage_type\":\"licensed\","            \
	"\"amount\":2000,\"amount_decimal\":\"2000\",\"currency\":\"USD\",\"currency_exponent\":2," \
	"\"current_period_start\":\"2030-02-06T01:08:38Z\","                                       \
	"\"current_period_end\":\"2000-12-08T15:02:53Z\"}]}"
	const char *want[] = {
		OPENAPI_SUB("sub_1Pgc6rB7WZ01zgkWNy0Cn5nw", "true", "\"mark_uncollectible\"", "\"[]\""),
		/* percent_off kept as Stripe wrote it (25.5); amount_off in minor units */
		OPENAPI_SUB("sub_with_discounts", "false", "null",
		            "\"[{\\\"id\\\":\\\"di_1Pgc6rB7WZ01zgkW7Al8Fal9\\\",\\\"coupon_id\\\":\\\"Z4OV52SU\\\","
		            "\\\"percent_off\\\":\\\"25.5\\\",\\\"amount_off\\\":null,\\\"currency\\\":\\\"USD\\\","
		            "\\\"duration\\\":\\\"forever\\\",\\\"duration_in_months\\\":3,\\\"start\\\":"
		            "\\\"2009-02-13T23:31:30Z\\\",\\\"end\\\":\\\"2009-02-13T23:31:30Z\\\"},"
		            "{\\\"id\\\":\\\"di_basil_shape\\\",\\\"coupon_id\\\":\\\"TENOFF\\\",\\\"percent_off\\\":null,"
		            "\\\"amount_off\\\":1000,\\\"currency\\\":\\\"USD\\\",\\\"duration\\\":\\\"once\\\","
		            "\\\"duration_in_months\\\":null,\\\"start\\\":\\\"2009-02-13T23:31:30Z\\\",\\\"end\\\":null},"
		            "{\\\"id\\\":\\\"di_not_expanded\\\",\\\"coupon_id\\\":null,\\\"percent_off\\\":null,"
		            "\\\"amount_off\\\":null,\\\"currency\\\":null,\\\"duration\\\":null,"
		            "\\\"duration_in_months\\\":null,\\\"start\\\":null,\\\"end\\\":null}]\""),
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 2);
	billtap_client_free(c);
}
END_TEST

START_TEST(subscriptions_before_basil_keep_their_period)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/subscriptions_legacy.json");
	billtap_client *c = stripe_client();
	billtap_client_set(c, "stripe_version", "2024-06-20");
	/* the subscription's period, which before basil every item shares */
	const char *want[] = {
		"{\"object\":\"subscription\",\"id\":\"sub_L\",\"customer_id\":\"cus_Q1\",\"status\":\"trialing\","
		"\"provider_status\":\"trialing\",\"started_at\":\"2023-11-14T22:13:20Z\","
		"\"current_period_start\":\"2023-11-14T22:13:20Z\",\"current_period_end\":\"2023-12-14T22:13:20Z\","
		NEW_FIELDS "\"trial_end\":\"2023-12-14T22:13:20Z\",\"canceled_at\":null,\"cancel_at_period_end\":false,"
		"\"created_at\":\"2023-11-14T22:13:20Z\",\"items\":["
		ITEM("si_L", "1", "licensed", "2000", "M", "USD", "2", "2023-11-14T22:13:20Z",
		     "2023-12-14T22:13:20Z") "]}",
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 1);
	ck_assert_str_eq(fake_header(&ft, 0, "Stripe-Version"), "2024-06-20");
	billtap_client_free(c);
}
END_TEST


#define LINE(id, kind, plan, desc, qty, amount, cur, exp, start, end, prorated)                 \
	"{\"object\":\"invoice_line\",\"id\":\"" id "\",\"kind\":\"" kind "\",\"plan_id\":" plan       \
	",\"description\":" desc ",\"quantity\":" qty ",\"amount\":" amount ",\"currency\":\"" cur    \
	"\",\"currency_exponent\":" exp ",\"period_start\":\"" start "\",\"period_end\":\"" end      \
	"\",\"proration\":" prorated "}"

/* basil invoices: lines' parent/pricing, subscription under parent, total_taxes; an
 * invoice with more than its embedded lines waits for /v1/invoices/{id}/lines, and the
 * invoice's period is what its lines cover. in_B2's discount is its invoice-level di_1
 * (subtotal_excluding_tax - total_excluding_tax), not total_discount_amounts, which also
 * holds il_3's own di_2: that one is taken off il_3 (1760 - 230) and is already out of
 * Stripe's subtotal. */
START_TEST(invoices_with_paged_lines)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/invoices_basil.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_lines_p1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_lines_p2.json");
	billtap_client *c = stripe_client();
	const char *want[] = {
		"{\"object\":\"invoice\",\"id\":\"in_B2\",\"number\":\"ABC-0002\",\"customer_id\":\"cus_Q1\","
		"\"subscription_id\":\"sub_2\",\"status\":\"paid\",\"provider_status\":\"paid\","
		"\"currency\":\"EUR\",\"currency_exponent\":2,\"subtotal\":5330,\"discount\":500,\"tax\":1300,"
		"\"total\":6130,\"amount_paid\":6130,\"amount_due\":0,\"created_at\":\"2024-05-01T00:00:00Z\","
		"\"issued_at\":\"2024-05-01T01:00:00Z\",\"due_at\":null,\"paid_at\":\"2024-05-01T02:00:00Z\","
		"\"voided_at\":null,\"period_start\":\"2024-04-24T23:06:40Z\","
		"\"period_end\":\"2024-06-01T00:00:00Z\",\"lines\":["
		LINE("il_1", "subscription", "\"price_pro\"", "\"2 × Pro (at €25.00 / month)\"", "2", "5000",
		     "EUR", "2", "2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z", "false") ","
		LINE("il_2", "proration", "\"price_basic\"", "\"Unused time on Basic after 01 May 2024\"", "1",
		     "-1200", "EUR", "2", "2024-04-24T23:06:40Z", "2024-05-18T02:40:00Z", "true") ","
		LINE("il_3", "one_off", "null", "null", "null", "1530", "EUR", "2", "2024-05-01T00:00:00Z",
		     "2024-05-01T00:00:00Z", "false") "]}",
		"{\"object\":\"invoice\",\"id\":\"in_B1\",\"number\":null,\"customer_id\":\"cus_Q2\","
		"\"subscription_id\":null,\"status\":\"open\",\"provider_status\":\"open\","
		"\"currency\":\"JPY\",\"currency_exponent\":0,\"subtotal\":300000,\"discount\":0,\"tax\":0,"
		"\"total\":300000,\"amount_paid\":0,\"amount_due\":300000,\"created_at\":\"2024-04-30T00:00:00Z\","
		"\"issued_at\":\"2024-04-30T00:01:00Z\",\"due_at\":\"2024-05-31T00:00:00Z\",\"paid_at\":null,"
		"\"voided_at\":null,\"period_start\":\"2024-04-24T23:06:40Z\","
		"\"period_end\":\"2024-07-01T00:00:00Z\",\"lines\":["
		LINE("il_10", "subscription", "\"price_seat\"", "\"Seat\"", "1", "100000", "JPY", "0",
		     "2024-04-30T00:00:00Z", "2024-05-31T00:00:00Z", "false") ","
		LINE("il_11", "subscription", "\"price_seat\"", "\"Seat\"", "1", "100000", "JPY", "0",
		     "2024-04-30T00:00:00Z", "2024-07-01T00:00:00Z", "false") ","
		LINE("il_12", "one_off", "\"price_setup\"", "\"Setup\"", "1", "100000", "JPY", "0",
		     "2024-04-24T23:06:40Z", "2024-04-30T00:00:00Z", "false") "]}",
	};
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, want, 2);
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/invoices?limit=100");
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/invoices/in_B1/lines?limit=100"
	                             "&starting_after=il_10");
	ck_assert_str_eq(ft.urls[2], "http://stripe.test/v1/invoices/in_B1/lines?limit=100"
	                             "&starting_after=il_11");
	billtap_client_free(c);
}
END_TEST

/* Before basil: line type/proration/price, invoice subscription, total_tax_amounts. Without
 * subtotal_excluding_tax and total_excluding_tax the discount is the invoice's own
 * `discounts` in total_discount_amounts (330 of di_L1, an expanded object there; not the
 * line's di_L2); the line's amount is after its own di_L2, not after its share of di_L1. */
START_TEST(invoices_before_basil)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/invoices_legacy.json");
	billtap_client *c = stripe_client();
	billtap_client_set(c, "stripe_version", "2022-11-15");
	const char *want[] = {
		"{\"object\":\"invoice\",\"id\":\"in_L1\",\"number\":\"K-1\",\"customer_id\":\"cus_K\","
		"\"subscription_id\":\"sub_K\",\"status\":\"void\",\"provider_status\":\"void\","
		"\"currency\":\"KWD\",\"currency_exponent\":3,\"subtotal\":12330,\"discount\":330,\"tax\":10,"
		"\"total\":12010,\"amount_paid\":0,\"amount_due\":12010,\"created_at\":\"2022-05-01T00:00:00Z\","
		"\"issued_at\":\"2022-05-01T01:00:00Z\",\"due_at\":null,\"paid_at\":null,"
		"\"voided_at\":\"2022-05-01T02:00:00Z\",\"period_start\":\"2022-04-15T05:20:00Z\","
		"\"period_end\":\"2022-06-01T00:00:00Z\",\"lines\":["
		LINE("il_L1", "subscription", "\"price_k\"", "\"Plan\"", "1", "12340", "KWD", "3",
		     "2022-05-01T00:00:00Z", "2022-06-01T00:00:00Z", "false") ","
		LINE("il_L2", "proration", "\"price_k\"", "\"Credit\"", "1", "-10", "KWD", "3",
		     "2022-04-15T05:20:00Z", "2022-05-01T00:00:00Z", "true") "]}",
	};
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, want, 1);
	billtap_client_free(c);
}
END_TEST

/* A bad line fails the whole page, naming the line. An invoices checkpoint is the cursor:
 * a new iterator from it asks for the invoices after the last one returned. */
/* The amounts the discount is taken from must be integers when Stripe sends them. */
START_TEST(invoice_bad_excluding_tax_is_refused)
{
	fake_add(&ft, 200, NULL,
	         "{\"object\":\"list\",\"has_more\":false,\"data\":[{\"id\":\"in_Y\",\"object\":\"invoice\","
	         "\"currency\":\"usd\",\"subtotal\":1,\"subtotal_excluding_tax\":\"1\","
	         "\"total_excluding_tax\":1,\"total\":1,\"amount_paid\":1,\"amount_due\":0,"
	         "\"created\":1,\"status\":\"paid\",\"lines\":{\"object\":\"list\",\"has_more\":false,"
	         "\"data\":[]}}]}");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: invoices: invoice in_Y: subtotal_excluding_tax is not an integer "
	                 "amount of minor units");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* The same invoice between two good ones under bad_records=skip: it is completed (and
 * found wrong) only after its lines, and skipped then. */
START_TEST(invoice_failing_completion_is_skipped)
{
	static const char *const good = "\"currency\":\"usd\",\"subtotal\":1,\"total\":1,"
	                                "\"amount_paid\":1,\"amount_due\":0,\"created\":1,"
	                                "\"status\":\"paid\",\"lines\":{\"object\":\"list\","
	                                "\"has_more\":false,\"data\":[]}}";
	char body[2048];
	snprintf(body, sizeof body,
	         "{\"object\":\"list\",\"has_more\":false,\"data\":[{\"id\":\"in_A\",%s,"
	         "{\"id\":\"in_Y\",\"object\":\"invoice\",\"currency\":\"usd\",\"subtotal\":1,"
	         "\"subtotal_excluding_tax\":\"1\",\"total_excluding_tax\":1,\"total\":1,"
	         "\"amount_paid\":1,\"amount_due\":0,\"created\":1,\"status\":\"paid\","
	         "\"lines\":{\"object\":\"list\",\"has_more\":false,\"data\":[]}},"
	         "{\"id\":\"in_C\",%s]}",
	         good, good);
	fake_add(&ft, 200, NULL, body);
	billtap_client *c = stripe_client();
	ck_assert_int_eq(billtap_client_set(c, "bad_records", "skip"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_msg(billtap_iter_next(&r, it) == 0, "%s", billtap_client_error_message(c));
	ck_assert_str_eq(billtap_record_id(r), "in_A");
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "in_C");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_uint_eq(it->skipped_records, 1);
	ck_assert_str_eq(it->rejects.last.id, "in_Y");
	ck_assert_str_eq(it->rejects.last.reason,
	                 "stripe: invoices: invoice in_Y: subtotal_excluding_tax is not an integer "
	                 "amount of minor units");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(invoices_bad_line_and_resume)
{
	fake_add(&ft, 200, NULL,
	         "{\"object\":\"list\",\"has_more\":false,\"data\":[{\"id\":\"in_X\",\"object\":\"invoice\","
	         "\"currency\":\"usd\",\"subtotal\":1,\"total\":1,\"amount_paid\":1,\"amount_due\":0,"
	         "\"created\":1,\"status\":\"paid\",\"lines\":{\"object\":\"list\",\"has_more\":false,"
	         "\"data\":[{\"id\":\"il_X\",\"amount\":\"1\",\"currency\":\"usd\"}]}}]}");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: invoices: invoice line il_X: amount is not an integer amount of "
	                 "minor units");
	billtap_iter_free(it);

	fake_add_fixture(&ft, 200, NULL, "stripe/invoices_basil.json");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "in_B2");
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	fake_add_fixture(&ft, 200, NULL, "stripe/invoices_legacy.json");
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, &opts), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "in_L1");
	ck_assert_str_eq(ft.urls[2], "http://stripe.test/v1/invoices?limit=100&starting_after=in_B2");
	/* A checkpoint of another resource does not fit. */
	billtap_iter_free(it);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &opts),
	                 BILLTAP_ECHECKPOINT);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(charges_then_refunds)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	/* before each list, the head of the invoice payments: its first is known */
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/charges.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/refunds.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/disputes.json");
	billtap_client *c = stripe_client();
#define TXN(id, cus, sub, inv, kind, result, status, amount, cur, exp, captured, refunded, fee, net, \
            parent, at)                                                                             \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":" cus ",\"subscription_id\":" sub   \
	",\"invoice_id\":" inv ",\"kind\":\"" kind "\",\"result\":\"" result "\",\"provider_status\":" \
	status ",\"amount\":" amount ",\"currency\":\"" cur "\",\"currency_exponent\":" exp          \
	",\"captured_amount\":" captured ",\"refunded_amount\":" refunded ",\"fee_amount\":" fee       \
	",\"net_amount\":" net ",\"parent_id\":" parent ",\"occurred_at\":\"" at "\"}"
	const char *want[] = {
		/* basil: charges name no invoice; the invoice payment of their PaymentIntent does */
		TXN("ch_1", "\"cus_Q1\"", "\"sub_7\"", "\"in_7\"", "payment", "succeeded", "\"succeeded\"", "2000",
		    "USD", "2", "2000", "500", "null", "null", "null", "2024-04-01T19:33:20Z"),
		TXN("ch_2", "\"cus_Q2\"", "\"sub_7\"", "\"in_7\"", "payment", "failed", "\"failed\"", "150000", "USD",
		    "2", "0", "0", "null", "null", "null", "2024-04-01T19:33:20Z"),
		TXN("ch_3", "null", "\"sub_7\"", "\"in_7\"", "payment", "pending", "\"pending\"", "12340", "BHD", "3",
		    "0", "0", "null", "null", "null", "2024-04-01T19:33:20Z"),
		TXN("ch_4", "\"cus_Q1\"", "\"sub_1\"", "\"in_9\"", "payment", "succeeded", "\"succeeded\"",
		    "999", "USD", "2", "999", "0", "null", "null", "null", "2024-04-01T19:33:20Z"),
		/* A status Stripe adds later: "other", the word kept in provider_status. Without a
		 * PaymentIntent its invoice payment names the charge (the invoice not expanded:
		 * no subscription). */
		TXN("ch_5", "\"cus_Q1\"", "null", "\"in_8\"", "payment", "other", "\"under_review\"", "700",
		    "USD", "2", "700", "0", "null", "null", "null", "2024-04-01T19:33:20Z"),
		TXN("re_1", "\"cus_Q1\"", "\"sub_7\"", "\"in_7\"", "refund", "succeeded", "\"succeeded\"", "500", "USD",
		    "2", "null", "0", "null", "null", "\"ch_1\"", "2024-04-02T23:20:00Z"),
		TXN("re_2", "null", "\"sub_7\"", "\"in_7\"", "refund", "pending", "\"requires_action\"", "100", "USD",
		    "2", "null", "0", "null", "null", "\"ch_7\"", "2024-04-02T23:20:00Z"),
		TXN("re_3", "null", "null", "\"in_3\"", "refund", "failed", "\"canceled\"", "100", "USD", "2",
		    "null", "0", "null", "null", "\"ch_8\"", "2024-04-02T23:20:00Z"),
		TXN("re_4", "null", "\"sub_7\"", "\"in_7\"", "refund", "other", "\"under_review\"", "100", "USD", "2",
		    "null", "0", "null", "null", "\"ch_7\"", "2024-04-02T23:20:00Z"),
		/* A dispute is a chargeback; its fee and net add up its balance transactions. */
		TXN("du_1", "\"cus_Q1\"", "\"sub_7\"", "\"in_7\"", "chargeback", "pending", "\"needs_response\"",
		    "2000", "USD", "2", "null", "null", "1500", "-3500", "\"ch_1\"",
		    "2024-04-02T23:20:00Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, 10);
	ck_assert_str_eq(ft.urls[0],
	                 "http://stripe.test/v1/invoice_payments?limit=100&expand%5B%5D=data.invoice");
#define TOPUP_URL "http://stripe.test/v1/invoice_payments?limit=10&expand%5B%5D=data.invoice"
	ck_assert_str_eq(ft.urls[1], TOPUP_URL);
	ck_assert_str_eq(ft.urls[2],
	                 "http://stripe.test/v1/charges?limit=100&expand%5B%5D=data.balance_transaction");
	ck_assert_str_eq(ft.urls[3], TOPUP_URL);
	ck_assert_str_eq(ft.urls[4], "http://stripe.test/v1/refunds?limit=100&expand%5B%5D=data.charge"
	                             "&expand%5B%5D=data.balance_transaction");
	ck_assert_str_eq(ft.urls[5], TOPUP_URL);
	ck_assert_str_eq(ft.urls[6], "http://stripe.test/v1/disputes?limit=100&expand%5B%5D=data.charge");
	ck_assert_uint_eq(ft.calls, 7);
	billtap_client_free(c);
}
END_TEST

/* Before basil charges name their invoice: no invoice payments are read. A checkpoint
 * taken in the refunds resumes there, and under basil the links are read again first. */
/* A refund created after the links were read (its invoice payment is newer than every
 * one read): the top-up before the refunds reads the head of the invoice payments down to
 * one already known, and the refund finds its invoice and subscription. */
START_TEST(payments_made_during_the_pass_are_linked)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/charges.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments_topup.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/refunds_new.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"url\":\"/v1/disputes\",\"has_more\":false,\"data\":[]}");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	const char *v;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (int k = 0; k < 6; k++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "re_9");
	ck_assert_int_eq(billtap_record_get_str(&v, r, BILLTAP_FIELD_INVOICE_ID), 0);
	ck_assert_str_eq(v, "in_99");
	ck_assert_int_eq(billtap_record_get_str(&v, r, BILLTAP_FIELD_SUBSCRIPTION_ID), 0);
	ck_assert_str_eq(v, "sub_99");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	/* the top-up stopped at the known one: one page, although it said has_more */
	ck_assert_uint_eq(ft.calls, 7);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(transactions_links_by_version_and_after_resume)
{
	const char *id;
	billtap_client *c = stripe_client();
	billtap_client_set(c, "stripe_version", "2024-06-20");
	fake_add_fixture(&ft, 200, NULL, "stripe/charges.json");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(ft.urls[0],
	                 "http://stripe.test/v1/charges?limit=100&expand%5B%5D=data.balance_transaction");
	ck_assert_str_eq(billtap_record_id(r), "ch_1");
	ck_assert_int_eq(billtap_record_get_str(&id, r, BILLTAP_FIELD_INVOICE_ID), BILLTAP_ENOTFOUND);
	billtap_iter_free(it);

	billtap_client_set(c, "stripe_version", NULL);
	fake_reset(&ft);
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json"); /* the top-ups */
	fake_add_fixture(&ft, 200, NULL, "stripe/charges.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/refunds.json");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (int k = 0; k < 6; k++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "re_1");
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);

	fake_reset(&ft);
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/refunds_after_re_1.json");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(ft.urls[0],
	                 "http://stripe.test/v1/invoice_payments?limit=100&expand%5B%5D=data.invoice");
	ck_assert_str_eq(ft.urls[1], TOPUP_URL);
	ck_assert_str_eq(ft.urls[2], "http://stripe.test/v1/refunds?limit=100&expand%5B%5D=data.charge"
	                             "&expand%5B%5D=data.balance_transaction&starting_after=re_1");
	/* what follows re_1: its links are known again */
	ck_assert_str_eq(billtap_record_id(r), "re_2");
	ck_assert_int_eq(billtap_record_get_str(&id, r, BILLTAP_FIELD_INVOICE_ID), 0);
	ck_assert_str_eq(id, "in_7");
	billtap_iter_free(it);
	free(saved);
	billtap_client_free(c);
}
END_TEST

/*
 * Golden: Stripe's own example objects (stripe/openapi fixtures3.json, see
 * fixtures/openapi/SOURCE.md): its example charge is an authorization not captured, its
 * dispute an open inquiry; beside each, one recorded by us from it (settled in another
 * currency, a refund with status null, a lost dispute with its fee).
 */
START_TEST(openapi_transactions_map_as_documented)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_charges.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_refunds.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/openapi/txn_disputes.json");
	billtap_client *c = stripe_client();
	const char *want[] = {
		TXN("ch_1PgafuB7WZ01zgkWXYmPNZs8", "null", "null", "null", "payment", "authorized",
		    "\"succeeded\"", "100", "USD", "2", "0", "0", "0", "100", "null",
		    "2009-02-13T23:31:30Z"),
		/* the balance transaction is in EUR: fee and net cannot join a USD record */
		TXN("ch_settled_in_eur", "null", "null", "null", "payment", "succeeded", "\"succeeded\"",
		    "100", "USD", "2", "100", "0", "null", "null", "null", "2009-02-13T23:31:30Z"),
		TXN("re_1Pgc72B7WZ01zgkWqPvrRrPE", "null", "null", "null", "refund", "succeeded",
		    "\"succeeded\"", "100", "USD", "2", "null", "0", "null", "null",
		    "\"ch_1PgafuB7WZ01zgkWXYmPNZs8\"", "2009-02-13T23:31:30Z"),
		TXN("re_status_null", "null", "null", "null", "refund", "other", "null", "100", "USD", "2",
		    "null", "0", "null", "null", "\"ch_1PgafuB7WZ01zgkWXYmPNZs8\"", "2009-02-13T23:31:30Z"),
		TXN("dp_1Pgc71B7WZ01zgkWMevJiAUx", "null", "null", "null", "chargeback", "pending",
		    "\"warning_needs_response\"", "1000", "USD", "2", "null", "null", "0", "0",
		    "\"ch_1PgafuB7WZ01zgkWXYmPNZs8\"", "2009-02-13T23:31:30Z"),
		TXN("dp_lost", "null", "null", "null", "chargeback", "succeeded", "\"lost\"", "1000", "USD",
		    "2", "null", "null", "1500", "-2500", "\"ch_1PgafuB7WZ01zgkWXYmPNZs8\"",
		    "2009-02-13T23:31:30Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, 6);
	billtap_client_free(c);
}
END_TEST


/* Refunds with one object that cannot be normalized (re_bad: its amount is text) between
 * good ones, and one whose status is null (Stripe's spec allows it): re_1, re_null, re_5. */
#define REFUND(id, result, status, amount)                                                  \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":null,"                    \
	"\"subscription_id\":null,\"invoice_id\":null,\"kind\":\"refund\",\"result\":\"" result \
	"\",\"provider_status\":" status ",\"amount\":" amount ",\"currency\":\"USD\","           \
	"\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":0,"               \
	"\"fee_amount\":null,\"net_amount\":null,\"parent_id\":\"ch_1\","                       \
	"\"occurred_at\":\"2024-04-02T23:20:00Z\"}"
static const char *const good_refunds[] = {
	REFUND("re_1", "succeeded", "\"succeeded\"", "100"),
	REFUND("re_null", "other", "null", "100"),
	REFUND("re_5", "succeeded", "\"succeeded\"", "250"),
};

/* An empty Stripe list page of PATH (a string literal: the fake keeps the pointer). */
#define empty_list(path)                                                                     \
	fake_add(&ft, 200, NULL,                                                             \
	         "{\"object\":\"list\",\"url\":\"" path "\",\"has_more\":false,\"data\":[]}")

/* The refunds stream alone: no invoice payments (read whole, then topped up before each
 * list), charges or disputes. */
static void refunds_only(const char *fixture)
{
	empty_list("/v1/invoice_payments");
	empty_list("/v1/invoice_payments");
	empty_list("/v1/charges");
	empty_list("/v1/invoice_payments");
	fake_add_fixture(&ft, 200, NULL, fixture);
	empty_list("/v1/invoice_payments");
	empty_list("/v1/disputes");
}

START_TEST(refund_status_null_is_kept)
{
	empty_list("/v1/invoice_payments");
	empty_list("/v1/invoice_payments");
	empty_list("/v1/charges");
	empty_list("/v1/invoice_payments");
	fake_add(&ft, 200, NULL,
	         "{\"object\":\"list\",\"url\":\"/v1/refunds\",\"has_more\":false,\"data\":["
	         "{\"id\":\"re_null\",\"object\":\"refund\",\"amount\":100,\"charge\":\"ch_1\","
	         "\"created\":1712100000,\"currency\":\"usd\",\"status\":null},"
	         "{\"id\":\"re_5\",\"object\":\"refund\",\"amount\":250,\"charge\":\"ch_1\","
	         "\"created\":1712100000,\"currency\":\"usd\",\"status\":\"succeeded\"}]}");
	empty_list("/v1/invoice_payments");
	empty_list("/v1/disputes");
	billtap_client *c = stripe_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, good_refunds + 1, 2);
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_record_fails_by_default)
{
	refunds_only("stripe/refunds_bad.json");
	billtap_client *c = stripe_client();
	if (_i)
		ck_assert_int_eq(billtap_client_set(c, "bad_records", "fail"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: transactions: refund re_bad: amount is not an integer amount of "
	                 "minor units");
	ck_assert_uint_eq(it->skipped_records, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_record_skipped_on_request)
{
	refunds_only("stripe/refunds_bad.json");
	billtap_client *c = stripe_client();
	ck_assert_int_eq(billtap_client_set(c, "bad_records", "skip"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char why[512] = "";
		ck_assert_msg(json_equal(json, len, good_refunds[i], strlen(good_refunds[i]), why,
		                         sizeof why),
		              "record %zu: %s\ngot  %s", i, why, json);
		/* No error stays behind from the skipped one. */
		ck_assert_int_eq(billtap_client_error_code(c), 0);
	}
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_uint_eq(it->skipped_records, 1);
	/* What the log event "record_skipped" carries: id, reason, the raw object. */
	const bt_skipped *s = &it->rejects.last;
	ck_assert_str_eq(s->id, "re_bad");
	ck_assert_str_eq(s->reason, "stripe: transactions: refund re_bad: amount is not an integer "
	                            "amount of minor units");
	ck_assert_ptr_nonnull(s->raw);
	ck_assert_int_eq(s->raw[0], '{');
	ck_assert_int_eq(s->raw[s->raw_len - 1], '}');
	ck_assert_ptr_nonnull(strstr(s->raw, "\"id\": \"re_bad\""));
	ck_assert_ptr_nonnull(strstr(s->raw, "\"amount\": \"oops\""));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_records_setting_is_checked)
{
	billtap_client *c = stripe_client();
	ck_assert_int_eq(billtap_client_set(c, "bad_records", "ignore"), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: setting bad_records: 'ignore' is not fail or skip");
	billtap_client_free(c);
}
END_TEST

/* A currency ISO 4217 does not know: an error naming it and the record, never a guessed
 * exponent; skipped under bad_records=skip. */
START_TEST(unknown_currency_is_refused)
{
	refunds_only("stripe/refunds_xyz.json");
	billtap_client *c = stripe_client();
	if (_i)
		ck_assert_int_eq(billtap_client_set(c, "bad_records", "skip"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	const char *why = "stripe: transactions: refund re_xyz: currency XYZ is not a currency "
	                  "this provider knows";
	if (!_i) {
		ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
		ck_assert_str_eq(billtap_client_error_message(c), why);
	} else {
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
		ck_assert_str_eq(billtap_record_id(r), "re_1");
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
		ck_assert_str_eq(billtap_record_id(r), "re_5");
		ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
		ck_assert_uint_eq(it->skipped_records, 1);
		ck_assert_str_eq(it->rejects.last.reason, why);
	}
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(since_filter_on_every_page)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_client *c = stripe_client();
	billtap_client_set(c, "page_size", "3");
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1700000000;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	const billtap_record *r;
	int n = 0, rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		n++;
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	ck_assert_int_eq(n, 4);
	ck_assert_str_eq(ft.urls[0], "http://stripe.test/v1/customers?limit=3&created%5Bgte%5D=1700000000");
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/customers?limit=3&created%5Bgte%5D=1700000000"
	                             "&starting_after=cus_Q3");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoint_is_the_cursor)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page1.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page1.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *cp;
	billtap_iter_checkpoint(&cp, it);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	/* The next process asks Stripe for what follows cus_Q2: nothing is skipped locally.
	 * The fake answers the first page again (a service ignoring the cursor): the
	 * checkpoint carries the last ids returned, so cus_Q1 is recognised, not returned
	 * twice. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(ft.urls[1], "http://stripe.test/v1/customers?limit=100&starting_after=cus_Q2");
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: customers: record cus_Q1 arrived a second time in this pass (in "
	                 "the answer to GET /v1/customers): the service repeated data (a page "
	                 "served again?); resume from the checkpoint");
	billtap_iter_free(it);
	/* A customers checkpoint cannot drive a transactions iterator. */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o),
	                 BILLTAP_ECHECKPOINT);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_key_is_an_auth_error)
{
	fake_add_fixture(&ft, 401, "Request-Id: req_8Xw", "stripe/error_401.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: customers: GET /v1/customers: HTTP 401 (request req_8Xw): "
	                 "invalid_request_error: Invalid API Key provided: sk_test_****wxyz");
	ck_assert_str_eq(billtap_client_error_request_id(c), "req_8Xw");
	ck_assert_int_eq(billtap_client_error_http_status(c), 401);
	ck_assert_uint_eq(ft.calls, 1); /* a 401 is not retried */
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A proxy's page quoting the key without "Bearer": an excerpt cut in the middle of the key
 * (the start left before the "..." goes too), and the key JSON-escaped ('/' as "\/"). */
START_TEST(echoed_key_is_scrubbed_from_excerpts)
{
	static const char *const keys[] = { "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
		                            "sk_test_ab/cd/ef/gh" };
	static const char *const shown[] = { "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_ab\\/cd\\/ef\\/gh" };
	char body[400];
	/* 140 bytes before the key: the 160-byte excerpt ends 20 bytes into it. */
	snprintf(body, sizeof body, "<html><body>%0127d %s was refused</body></html>", 0, shown[_i]);
	fake_add(&ft, 400, "Content-Type: text/html", body);
	billtap_client *c = stripe_client();
	ck_assert_int_eq(billtap_client_set(c, "api_key", keys[_i]), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EREQUEST);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "0000 [redacted]...") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "sk_test") == NULL, "%s", msg);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(vanished_cursor_is_a_request_error)
{
	fake_add_fixture(&ft, 404, "Request-Id: req_9", "stripe/error_404_cursor.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "resource_missing");
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "No such customer: 'cus_gone'"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(malformed_and_wrong_types)
{
	fake_add_fixture(&ft, 200, "Request-Id: req_m", "stripe/malformed.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/invoice_payments.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/bad_amount.json");
	fake_add(&ft, 502, NULL, "<html>Bad gateway</html>");
	billtap_client *c = stripe_client();
	billtap_client_set(c, "max_retries", "0");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EPARSE);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c),
	                             "GET /v1/customers: HTTP 200 (request req_m): response is not valid JSON: offset"));
	billtap_iter_free(it);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: transactions: charge ch_1: amount is not an integer amount of minor units");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ESERVER);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: transactions: GET /v1/charges: HTTP 502: <html>Bad gateway</html>");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(stripe_should_retry_header)
{
	fake_add(&ft, 500, "Stripe-Should-Retry: false", "{\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}");
	fake_add(&ft, 409, "Stripe-Should-Retry: true", "{\"error\":{\"type\":\"api_error\",\"code\":\"lock_timeout\",\"message\":\"locked\"}}");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ESERVER);
	ck_assert_uint_eq(ft.calls, 1);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0); /* 409 retried, then the page */
	ck_assert_str_eq(billtap_record_id(r), "cus_Q4");
	ck_assert_uint_eq(ft.calls, 3);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(connected_account_header_only_when_set)
{
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	fake_add_fixture(&ft, 200, NULL, "stripe/customers_page2.json");
	billtap_client *c = stripe_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_client_set(c, "stripe_account", "acct_123"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	billtap_iter_free(it);
	ck_assert_str_eq(fake_header(&ft, 0, "Stripe-Account"), "acct_123");
	/* Set to empty: no connected account, so no empty Stripe-Account header either. */
	ck_assert_int_eq(billtap_client_set(c, "stripe_account", ""), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	billtap_iter_free(it);
	ck_assert_ptr_null(fake_header(&ft, 1, "Stripe-Account"));
	/* An empty API version cannot be pinned: a setting error, not an empty header. */
	ck_assert_int_eq(billtap_client_set(c, "stripe_version", ""), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "stripe_version: must not be empty"));
	billtap_client_free(c);
}
END_TEST

START_TEST(missing_key_and_bad_settings)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "stripe", NULL), 0);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c), "stripe: setting api_key is required");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "101"), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "https://api.stripe.com/v1?x"), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

/* Every allocation of a listing fails in turn, over the fixtures above (answered by URL):
 * each time, calling the failed function again finishes with exactly the clean run's
 * records, none lost or repeated. sub_2 and in_B1 need two more pages of their nested
 * lists, and sub_3 is held behind sub_2: their hand-over must be all or nothing. The
 * second table splits the subscriptions over two list pages, the first ending with sub_2,
 * so the list's cursor moves on while sub_2 is still held. */
#define NESTED_ROUTES                                                                           \
	{ "/v1/subscription_items?", "starting_after", "si_3", "stripe/subscription_items_p1.json" }, \
	{ "/v1/subscription_items?", "starting_after", "si_5", "stripe/subscription_items_p2.json" }, \
	{ "/v1/invoices/in_B1/lines?", "starting_after", "il_10", "stripe/invoice_lines_p1.json" },   \
	{ "/v1/invoices/in_B1/lines?", "starting_after", "il_11", "stripe/invoice_lines_p2.json" }
static const fixture_route routes[] = {
	{ "/v1/customers?", "starting_after", NULL, "stripe/customers_page1.json" },
	{ "/v1/customers?", "starting_after", "cus_Q3", "stripe/customers_page2.json" },
	{ "/v1/prices?", NULL, NULL, "stripe/prices.json" },
	{ "/v1/subscriptions?", NULL, NULL, "stripe/subscriptions_basil.json" },
	{ "/v1/invoices?", NULL, NULL, "stripe/invoices_basil.json" },
	{ "/v1/charges?", NULL, NULL, "stripe/charges.json" },
	{ "/v1/refunds?", NULL, NULL, "stripe/refunds.json" },
	{ "/v1/invoice_payments?", NULL, NULL, "stripe/invoice_payments.json" },
	{ "/v1/disputes?", NULL, NULL, "stripe/disputes.json" },
	NESTED_ROUTES,
};
static const fixture_route paged_subscriptions[] = {
	{ "/v1/subscriptions?", "starting_after", NULL, "stripe/subscriptions_page1.json" },
	{ "/v1/subscriptions?", "starting_after", "sub_2", "stripe/subscriptions_page2.json" },
	NESTED_ROUTES,
};

START_TEST(every_allocation_failure_retries_to_the_same_records)
{
	static const struct {
		billtap_resource resource;
		const fixture_route *routes;
		size_t route_count;
		size_t records;
	} lists[] = {
#define ALL(table) table, sizeof table / sizeof table[0]
		{ BILLTAP_RESOURCE_CUSTOMERS, ALL(routes), 4 },
		{ BILLTAP_RESOURCE_PLANS, ALL(routes), 6 },
		{ BILLTAP_RESOURCE_SUBSCRIPTIONS, ALL(routes), 3 },
		{ BILLTAP_RESOURCE_SUBSCRIPTIONS, ALL(paged_subscriptions), 3 },
		{ BILLTAP_RESOURCE_INVOICES, ALL(routes), 2 },
		{ BILLTAP_RESOURCE_TRANSACTIONS, ALL(routes), 10 },
#undef ALL
	};
	static const char *const settings[] = { "api_key", "sk_test_x", "base_url",
		                                "http://stripe.test", "allow_insecure_http", "1", NULL };
	billtap_resource res = lists[_i].resource;
	char why[1024] = "";
	size_t records;
	long allocations = alloc_walk(&records, "stripe", settings, res, lists[_i].routes,
	                              lists[_i].route_count, why, sizeof why);
	ck_assert_msg(allocations > 0, "%s (list %d): %s", billtap_resource_name(res), _i, why);
	ck_assert_uint_eq(records, lists[_i].records);
}
END_TEST

/* The transactions' invoice links read from the invoices in slices (stripe_links_walk.c):
 * the anchor, the invoices with their payments (in_7's going on past its embedded one),
 * in_7's follow-up, the top-ups; every allocation failure, retried, ends with the same ten
 * records as the one walk's (each list is one page, so the slices need no windows the
 * routes cannot tell apart). */
START_TEST(every_allocation_failure_in_the_sliced_links_retries)
{
	static const fixture_route sliced[] = {
		{ "/v1/invoice_payments?", "invoice", "in_7", "stripe/invoice_payments_in7.json" },
		{ "/v1/invoice_payments?", "invoice", NULL, "stripe/invoice_payments.json" },
		{ "/v1/invoices?", NULL, NULL, "stripe/invoices_payments_basil.json" },
		{ "/v1/charges?", NULL, NULL, "stripe/charges.json" },
		{ "/v1/refunds?", NULL, NULL, "stripe/refunds.json" },
		{ "/v1/disputes?", NULL, NULL, "stripe/disputes.json" },
	};
	static const char *const settings[] = { "api_key", "sk_test_x", "base_url",
		                                "http://stripe.test", "allow_insecure_http", "1",
		                                "parallel_slices", "4", NULL };
	char why[1024] = "";
	size_t records;
	long allocations = alloc_walk(&records, "stripe", settings, BILLTAP_RESOURCE_TRANSACTIONS,
	                              sliced, sizeof sliced / sizeof sliced[0], why, sizeof why);
	ck_assert_msg(allocations > 0, "%s", why);
	ck_assert_uint_eq(records, 10);
}
END_TEST

/* Subscriptions and invoices in slices: sub_2 and in_B1 hold the records after them and
 * their page's mark while their nested pages are read; every allocation failure, retried,
 * ends with the same records (each list is one page: no windows the routes cannot tell
 * apart). */
START_TEST(every_allocation_failure_in_sliced_nested_lists_retries)
{
	static const char *const settings[] = { "api_key", "sk_test_x", "base_url",
		                                "http://stripe.test", "allow_insecure_http", "1",
		                                "parallel_slices", "4", NULL };
	billtap_resource res = _i ? BILLTAP_RESOURCE_INVOICES : BILLTAP_RESOURCE_SUBSCRIPTIONS;
	char why[1024] = "";
	size_t records;
	long allocations = alloc_walk(&records, "stripe", settings, res, routes,
	                              sizeof routes / sizeof routes[0], why, sizeof why);
	ck_assert_msg(allocations > 0, "%s", why);
	ck_assert_uint_eq(records, _i ? 2 : 3);
}
END_TEST

/* The same walk over runs that end in an error, so that each error path is also taken
 * with an allocation failed before it, holding what a real run holds there (a page of
 * customers returned, an invoice held while its lines are paged): every run must end in
 * the clean run's error, after the clean run's records. */
START_TEST(every_allocation_failure_reaches_the_same_error)
{
	static const fixture_route bad_key[] = {
		{ "/v1/customers?", NULL, NULL, "stripe/error_401.json" },
	};
	static const int bad_key_status[] = { 401 };
	static const fixture_route cursor_vanished[] = {
		{ "/v1/customers?", "starting_after", NULL, "stripe/customers_page1.json" },
		{ "/v1/customers?", "starting_after", "cus_Q3", "stripe/error_404_cursor.json" },
	};
	static const int cursor_vanished_status[] = { 0, 404 };
	static const fixture_route malformed[] = {
		{ "/v1/customers?", NULL, NULL, "stripe/malformed.json" },
	};
	static const fixture_route bad_amount[] = {
		{ "/v1/invoice_payments?", NULL, NULL, "stripe/invoice_payments.json" },
		{ "/v1/charges?", NULL, NULL, "stripe/bad_amount.json" },
	};
	static const fixture_route lines_fail[] = {
		{ "/v1/invoices?", NULL, NULL, "stripe/invoices_basil.json" },
		{ "/v1/invoices/in_B1/lines?", "starting_after", "il_10", "stripe/error_404_cursor.json" },
	};
	static const int lines_fail_status[] = { 0, 500 };
	static const struct {
		billtap_resource resource;
		const fixture_route *routes;
		const int *statuses;
		size_t route_count;
		int final;
	} runs[] = {
#define ROUTES(table, statuses) table, statuses, sizeof table / sizeof table[0]
		{ BILLTAP_RESOURCE_CUSTOMERS, ROUTES(bad_key, bad_key_status), BILLTAP_EAUTH },
		{ BILLTAP_RESOURCE_CUSTOMERS, ROUTES(cursor_vanished, cursor_vanished_status),
		  BILLTAP_EREQUEST },
		{ BILLTAP_RESOURCE_CUSTOMERS, ROUTES(malformed, NULL), BILLTAP_EPARSE },
		{ BILLTAP_RESOURCE_TRANSACTIONS, ROUTES(bad_amount, NULL), BILLTAP_EDATA },
		{ BILLTAP_RESOURCE_INVOICES, ROUTES(lines_fail, lines_fail_status), BILLTAP_ESERVER },
#undef ROUTES
	};
	static const char *const settings[] = { "api_key", "sk_test_x", "base_url",
		                                "http://stripe.test", "allow_insecure_http", "1",
		                                "max_retries", "0", NULL };
	char why[1024] = "";
	size_t records;
	int final = 0;
	long allocations = alloc_walk_to_error(&records, &final, "stripe", settings,
	                                       runs[_i].resource, runs[_i].routes, runs[_i].statuses,
	                                       runs[_i].route_count, why, sizeof why);
	ck_assert_msg(allocations > 0, "run %d: %s", _i, why);
	ck_assert_int_eq(final, runs[_i].final);
}
END_TEST

Suite *stripe_unit_suite(void)
{
	Suite *s = suite_create("stripe");
	TCase *tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, customers_two_pages);
	tcase_add_test(tc, raw_json_is_the_stripe_object);
	tcase_add_test(tc, prices_become_plans);
	tcase_add_test(tc, openapi_price_maps_as_documented);
	tcase_add_test(tc, subscriptions_with_paged_items);
	tcase_add_test(tc, subscriptions_before_basil_keep_their_period);
	tcase_add_test(tc, openapi_subscriptions_map_as_documented);
	tcase_add_test(tc, invoices_with_paged_lines);
	tcase_add_test(tc, invoices_before_basil);
	tcase_add_test(tc, invoices_bad_line_and_resume);
	tcase_add_test(tc, invoice_failing_completion_is_skipped);
	tcase_add_test(tc, invoice_bad_excluding_tax_is_refused);
	tcase_add_test(tc, charges_then_refunds);
	tcase_add_test(tc, refund_status_null_is_kept);
	tcase_add_loop_test(tc, bad_record_fails_by_default, 0, 2);
	tcase_add_test(tc, bad_record_skipped_on_request);
	tcase_add_test(tc, bad_records_setting_is_checked);
	tcase_add_loop_test(tc, unknown_currency_is_refused, 0, 2);
	tcase_add_test(tc, openapi_transactions_map_as_documented);
	tcase_add_test(tc, transactions_links_by_version_and_after_resume);
	tcase_add_test(tc, payments_made_during_the_pass_are_linked);
	tcase_add_test(tc, since_filter_on_every_page);
	tcase_add_test(tc, checkpoint_is_the_cursor);
	tcase_add_test(tc, bad_key_is_an_auth_error);
	tcase_add_loop_test(tc, echoed_key_is_scrubbed_from_excerpts, 0, 2);
	tcase_add_test(tc, vanished_cursor_is_a_request_error);
	tcase_add_test(tc, malformed_and_wrong_types);
	tcase_add_test(tc, stripe_should_retry_header);
	tcase_add_test(tc, connected_account_header_only_when_set);
	tcase_add_test(tc, missing_key_and_bad_settings);
	tcase_add_loop_test(tc, every_allocation_failure_retries_to_the_same_records, 0, 6);
	tcase_add_test(tc, every_allocation_failure_in_the_sliced_links_retries);
	tcase_add_loop_test(tc, every_allocation_failure_in_sliced_nested_lists_retries, 0, 2);
	tcase_add_loop_test(tc, every_allocation_failure_reaches_the_same_error, 0, 5);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, stripe_sync_tcase());
	suite_add_tcase(s, stripe_slices_tcase());
	suite_add_tcase(s, stripe_links_tcase());
	suite_add_tcase(s, stripe_nested_tcase());
	return s;
}
