/* The Paddle Billing provider from recorded answers (fixtures/README.md) through the
 * scripted transport: the requests (auth, version, parameters, paging), the mappings of
 * the spec's example objects, resume, `since`, and every error path. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "testutil.h"

Suite *paddle_unit_suite(void);
TCase *paddle_feed_tcase(void);       /* feed_unit.c */
TCase *paddle_feed_walks_tcase(void); /* feed_unit.c */

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *pd_client(void)
{
	billtap_client *c = fake_client(&ft, "paddle");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "pdl_test_key"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://pd.test"), 0);
	/* the fake transport's host, never reached */
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

/* What the spec's examples (and ours, fixtures/README.md) normalize to. */
static const char *const customers[] = {
	"{\"object\":\"customer\",\"id\":\"ctm_01hv6y1jedq4p1n0yqn5ba3ky4\",\"email\":\"jo@example.com\","
	"\"name\":\"Jo Brown-Anderson\",\"country\":null,\"created_at\":\"2024-04-11T15:57:24Z\",\"delet"
	"ed\":false}",
	"{\"object\":\"customer\",\"id\":\"ctm_01h844q4mznqpgqgm6evgw1w63\",\"email\":\"jamie@example.co"
	"m\",\"name\":\"Jamie Price\",\"country\":null,\"created_at\":\"2023-08-18T10:58:05Z\",\"deleted\""
	":false}",
	"{\"object\":\"customer\",\"id\":\"ctm_01h844p3h41s12zs5mn4axja51\",\"email\":\"alex@example.com"
	"\",\"name\":\"Alex Wilson\",\"country\":null,\"created_at\":\"2023-08-18T10:57:31Z\",\"deleted\":"
	"false}",
	"{\"object\":\"customer\",\"id\":\"ctm_01hrffh7gvp29kc7xahm8wddwa\",\"email\":\"sam@example.com\""
	",\"name\":\"Sam Miller\",\"country\":null,\"created_at\":\"2024-03-08T16:49:53Z\",\"deleted\":fa"
	"lse}",
	"{\"object\":\"customer\",\"id\":\"ctm_01hv976dcgq4wmyrp8yq7asfmj\",\"email\":\"michael.mcgovern"
	"+events_test_docs@paddle.com\",\"name\":null,\"country\":null,\"created_at\":\"2024-04-12T13"
	":15:49Z\",\"deleted\":false}",
};

static const char *const plans[] = {
	"{\"object\":\"plan\",\"id\":\"pri_01gsz8x8sawmvhz1pv30nge1ke\",\"name\":\"Monthly (per seat)\",\""
	"product_id\":\"pro_01gsz4t5hdjse780zja8vvr7jg\",\"product_name\":\"AeroEdit Pro\",\"amount\":"
	"3000,\"amount_decimal\":\"3000\",\"currency\":\"USD\",\"currency_exponent\":2,\"usage_type\":\"li"
	"censed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false,\"custom_amount_minimum\""
	":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null,\"int"
	"erval_unit\":\"month\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,\"trial_"
	"amount\":null,\"trial_cycles\":null,\"active\":true,\"created_at\":\"2023-02-23T13:55:22Z\"}",
	"{\"object\":\"plan\",\"id\":\"pri_01gsz8s48pyr4mbhvv2xfggesg\",\"name\":\"Annual (per seat)\",\"p"
	"roduct_id\":\"pro_01gsz4s0w61y0pp88528f1wvvb\",\"product_name\":\"AeroEdit Basic\",\"amount\""
	":10000,\"amount_decimal\":\"10000\",\"currency\":\"USD\",\"currency_exponent\":2,\"usage_type\":"
	"\"licensed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false,\"custom_amount_minim"
	"um\":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null,\""
	"interval_unit\":\"year\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,\"tria"
	"l_amount\":null,\"trial_cycles\":null,\"active\":true,\"created_at\":\"2023-02-23T13:53:06Z\""
	"}",
	"{\"object\":\"plan\",\"id\":\"pri_01gsz8ntc6z7npqqp6j4ys0w1w\",\"name\":\"Monthly (per seat)\",\""
	"product_id\":\"pro_01gsz4s0w61y0pp88528f1wvvb\",\"product_name\":\"AeroEdit Basic\",\"amount"
	"\":1000,\"amount_decimal\":\"1000\",\"currency\":\"USD\",\"currency_exponent\":2,\"usage_type\":\""
	"licensed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false,\"custom_amount_minimu"
	"m\":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null,\"i"
	"nterval_unit\":\"month\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":null,\"tria"
	"l_amount\":null,\"trial_cycles\":null,\"active\":true,\"created_at\":\"2023-02-23T13:51:18Z\""
	"}",
	"{\"object\":\"plan\",\"id\":\"pri_01hv0vax6rv18t4tamj848ne4d\",\"name\":\"Monthly (per seat)\",\""
	"product_id\":\"pro_01htz88xpr0mm7b3ta2pjkr7w2\",\"product_name\":\"AeroEdit Student\",\"amou"
	"nt\":500,\"amount_decimal\":\"500\",\"currency\":\"USD\",\"currency_exponent\":2,\"usage_type\":\""
	"licensed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false,\"custom_amount_minimu"
	"m\":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null,\"i"
	"nterval_unit\":\"month\",\"interval_count\":1,\"total_cycles\":null,\"trial_days\":14,\"trial_"
	"amount\":null,\"trial_cycles\":null,\"active\":true,\"created_at\":\"2024-04-09T07:14:38Z\"}",
	"{\"object\":\"plan\",\"id\":\"pri_01hw0jpyarchivedquarterly0\",\"name\":\"AeroEdit Student\",\"pr"
	"oduct_id\":\"pro_01htz88xpr0mm7b3ta2pjkr7w2\",\"product_name\":\"AeroEdit Student\",\"amount"
	"\":4500,\"amount_decimal\":\"4500\",\"currency\":\"JPY\",\"currency_exponent\":0,\"usage_type\":\""
	"licensed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false,\"custom_amount_minimu"
	"m\":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null,\"i"
	"nterval_unit\":\"month\",\"interval_count\":3,\"total_cycles\":null,\"trial_days\":14,\"trial_"
	"amount\":null,\"trial_cycles\":null,\"active\":false,\"created_at\":\"2024-05-01T09:00:00Z\"}",
};

static const char *const subscriptions[] = {
	"{\"object\":\"subscription\",\"id\":\"sub_01hv8y5ehszzq0yv20ttx3166y\",\"customer_id\":\"ctm_01"
	"hv8wt8nffez4p2t6typn4a5j\",\"status\":\"active\",\"provider_status\":\"active\",\"started_at\":"
	"\"2024-04-12T10:37:59Z\",\"current_period_start\":\"2024-04-12T10:37:59Z\",\"current_period"
	"_end\":\"2024-05-12T10:37:59Z\",\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"
	"\"cancel_at_period_end\":false,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,\"pause_b"
	"ehavior\":null,\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2024-04-12T10:38:00Z\""
	",\"items\":[{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"pri_01gsz8x8sawmvhz1pv3"
	"0nge1ke\",\"quantity\":10,\"usage_type\":\"licensed\",\"amount\":3000,\"amount_decimal\":\"3000\""
	",\"currency\":\"USD\",\"currency_exponent\":2,\"current_period_start\":\"2024-04-12T10:37:59Z"
	"\",\"current_period_end\":\"2024-05-12T10:37:59Z\"},{\"object\":\"subscription_item\",\"id\":nu"
	"ll,\"plan_id\":\"pri_01h1vjfevh5etwq3rb416a23h2\",\"quantity\":1,\"usage_type\":\"licensed\",\""
	"amount\":10000,\"amount_decimal\":\"10000\",\"currency\":\"USD\",\"currency_exponent\":2,\"curre"
	"nt_period_start\":\"2024-04-12T10:37:59Z\",\"current_period_end\":\"2024-05-12T10:37:59Z\"}"
	"]}",
	"{\"object\":\"subscription\",\"id\":\"sub_01hvrkjwdsnh8cvpxgqjkzb62t\",\"customer_id\":\"ctm_01"
	"hv6y1jedq4p1n0yqn5ba3ky4\",\"status\":\"trialing\",\"provider_status\":\"trialing\",\"started_"
	"at\":\"2024-04-18T09:00:00Z\",\"current_period_start\":\"2024-04-18T09:00:00Z\",\"current_pe"
	"riod_end\":\"2024-05-02T09:00:00Z\",\"trial_start\":\"2024-04-18T09:00:00Z\",\"trial_end\":\"2"
	"024-05-02T09:00:00Z\",\"canceled_at\":null,\"cancel_at_period_end\":true,\"cancel_at\":\"202"
	"4-05-02T09:00:00Z\",\"ended_at\":null,\"paused\":null,\"pause_behavior\":null,\"resumes_at\":"
	"null,\"discounts\":null,\"created_at\":\"2024-04-18T09:00:00Z\",\"items\":[{\"object\":\"subscr"
	"iption_item\",\"id\":null,\"plan_id\":\"pri_01hv0vax6rv18t4tamj848ne4d\",\"quantity\":3,\"usag"
	"e_type\":\"licensed\",\"amount\":null,\"amount_decimal\":null,\"currency\":\"EUR\",\"currency_ex"
	"ponent\":2,\"current_period_start\":\"2024-04-18T09:00:00Z\",\"current_period_end\":\"2024-0"
	"5-02T09:00:00Z\"}]}",
	"{\"object\":\"subscription\",\"id\":\"sub_01hwgone0canceledyen000000\",\"customer_id\":\"ctm_01"
	"hrffh7gvp29kc7xahm8wddwa\",\"status\":\"canceled\",\"provider_status\":\"canceled\",\"started_"
	"at\":\"2024-05-02T10:00:00Z\",\"current_period_start\":null,\"current_period_end\":null,\"tr"
	"ial_start\":null,\"trial_end\":null,\"canceled_at\":\"2024-08-02T10:00:00Z\",\"cancel_at_per"
	"iod_end\":false,\"cancel_at\":null,\"ended_at\":\"2024-08-02T10:00:00Z\",\"paused\":null,\"pau"
	"se_behavior\":null,\"resumes_at\":null,\"discounts\":null,\"created_at\":\"2024-05-02T10:00:"
	"00Z\",\"items\":[{\"object\":\"subscription_item\",\"id\":null,\"plan_id\":\"pri_01hw0jpyarchive"
	"dquarterly0\",\"quantity\":2,\"usage_type\":\"licensed\",\"amount\":4500,\"amount_decimal\":\"45"
	"00\",\"currency\":\"JPY\",\"currency_exponent\":0,\"current_period_start\":null,\"current_peri"
	"od_end\":null}]}",
};

static const char *const invoices[] = {
	"{\"object\":\"invoice\",\"id\":\"txn_01hv8wptq8987qeep44cyrewp9\",\"number\":\"325-10566\",\"cust"
	"omer_id\":\"ctm_01hv8wt8nffez4p2t6typn4a5j\",\"subscription_id\":\"sub_01hv8x29kz0t586xy6z"
	"n1a62ny\",\"status\":\"paid\",\"provider_status\":\"completed\",\"currency\":\"USD\",\"currency_ex"
	"ponent\":2,\"subtotal\":59900,\"discount\":0,\"tax\":5315,\"total\":65215,\"amount_paid\":65215"
	",\"amount_due\":65215,\"created_at\":\"2024-04-12T10:12:33Z\",\"issued_at\":\"2024-04-12T10:1"
	"8:48Z\",\"due_at\":null,\"paid_at\":\"2024-04-12T10:18:47Z\",\"voided_at\":null,\"period_start"
	"\":\"2024-04-12T10:18:47Z\",\"period_end\":\"2024-05-12T10:18:47Z\",\"lines\":[{\"object\":\"inv"
	"oice_line\",\"id\":\"txnitm_01hv8wt98jahpbm1t1tzr06z6n\",\"kind\":\"subscription\",\"plan_id\":"
	"\"pri_01gsz8x8sawmvhz1pv30nge1ke\",\"description\":\"AeroEdit Pro\",\"quantity\":10,\"amount\""
	":30000,\"currency\":\"USD\",\"currency_exponent\":2,\"period_start\":\"2024-04-12T10:18:47Z\","
	"\"period_end\":\"2024-05-12T10:18:47Z\",\"proration\":false},{\"object\":\"invoice_line\",\"id\""
	":\"txnitm_01hv8wt98jahpbm1t1v1sd067y\",\"kind\":\"subscription\",\"plan_id\":\"pri_01h1vjfevh"
	"5etwq3rb416a23h2\",\"description\":\"Analytics addon\",\"quantity\":1,\"amount\":10000,\"curre"
	"ncy\":\"USD\",\"currency_exponent\":2,\"period_start\":\"2024-04-12T10:18:47Z\",\"period_end\":"
	"\"2024-05-12T10:18:47Z\",\"proration\":false},{\"object\":\"invoice_line\",\"id\":\"txnitm_01hv"
	"8wt98jahpbm1t1v67vqnb6\",\"kind\":\"subscription\",\"plan_id\":\"pri_01gsz98e27ak2tyhexptwc5"
	"8yk\",\"description\":\"Custom domains\",\"quantity\":1,\"amount\":19900,\"currency\":\"USD\",\"cu"
	"rrency_exponent\":2,\"period_start\":\"2024-04-12T10:18:47Z\",\"period_end\":\"2024-05-12T10"
	":18:47Z\",\"proration\":false}]}",
	"{\"object\":\"invoice\",\"id\":\"txn_01hwbilledyenproration0000\",\"number\":\"325-10601\",\"cust"
	"omer_id\":\"ctm_01hrffh7gvp29kc7xahm8wddwa\",\"subscription_id\":\"sub_01hwgone0canceledye"
	"n000000\",\"status\":\"open\",\"provider_status\":\"billed\",\"currency\":\"JPY\",\"currency_expon"
	"ent\":0,\"subtotal\":9000,\"discount\":900,\"tax\":810,\"total\":8910,\"amount_paid\":0,\"amount"
	"_due\":8910,\"created_at\":\"2024-06-01T08:00:00Z\",\"issued_at\":\"2024-06-01T08:00:01Z\",\"d"
	"ue_at\":null,\"paid_at\":null,\"voided_at\":null,\"period_start\":\"2024-06-01T08:00:00Z\",\"p"
	"eriod_end\":\"2024-08-16T10:00:00Z\",\"lines\":[{\"object\":\"invoice_line\",\"id\":\"txnitm_01h"
	"wbilledyenline1000000\",\"kind\":\"proration\",\"plan_id\":\"pri_01hw0jpyarchivedquarterly0\""
	",\"description\":\"AeroEdit Student\",\"quantity\":2,\"amount\":9000,\"currency\":\"JPY\",\"curre"
	"ncy_exponent\":0,\"period_start\":\"2024-06-01T08:00:00Z\",\"period_end\":\"2024-08-16T10:00"
	":00Z\",\"proration\":true}]}",
};

static const char *const transactions[] = {
	"{\"object\":\"transaction\",\"id\":\"937640dd-e3dc-40df-a16c-bb75aafd8f71\",\"customer_id\":\"c"
	"tm_01hv8wt8nffez4p2t6typn4a5j\",\"subscription_id\":\"sub_01hv8x29kz0t586xy6zn1a62ny\",\"i"
	"nvoice_id\":\"txn_01hv8wptq8987qeep44cyrewp9\",\"kind\":\"payment\",\"result\":\"succeeded\",\"p"
	"rovider_status\":\"captured\",\"amount\":65215,\"currency\":\"USD\",\"currency_exponent\":2,\"ca"
	"ptured_amount\":65215,\"refunded_amount\":null,\"fee_amount\":null,\"net_amount\":null,\"par"
	"ent_id\":null,\"occurred_at\":\"2024-04-12T10:18:33Z\"}",
	"{\"object\":\"transaction\",\"id\":\"8f72cfa6-26b4-4a57-91dc-8f2708f7822d\",\"customer_id\":\"c"
	"tm_01hv8wt8nffez4p2t6typn4a5j\",\"subscription_id\":\"sub_01hv8x29kz0t586xy6zn1a62ny\",\"i"
	"nvoice_id\":\"txn_01hv8wptq8987qeep44cyrewp9\",\"kind\":\"payment\",\"result\":\"failed\",\"prov"
	"ider_status\":\"error\",\"amount\":65215,\"currency\":\"USD\",\"currency_exponent\":2,\"captured"
	"_amount\":0,\"refunded_amount\":null,\"fee_amount\":null,\"net_amount\":null,\"parent_id\":nu"
	"ll,\"occurred_at\":\"2024-04-12T10:15:57Z\"}",
	"{\"object\":\"transaction\",\"id\":\"0b1c2d3e-4f50-4617-8899-aabbccddeeff\",\"customer_id\":\"c"
	"tm_01hrffh7gvp29kc7xahm8wddwa\",\"subscription_id\":\"sub_01hwgone0canceledyen000000\",\"i"
	"nvoice_id\":\"txn_01hwbilledyenproration0000\",\"kind\":\"payment\",\"result\":\"authorized\",\""
	"provider_status\":\"authorized\",\"amount\":8910,\"currency\":\"JPY\",\"currency_exponent\":0,\""
	"captured_amount\":0,\"refunded_amount\":null,\"fee_amount\":null,\"net_amount\":null,\"paren"
	"t_id\":null,\"occurred_at\":\"2024-06-02T08:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"adj_01hvgf2s84dr6reszzg29zbvcm\",\"customer_id\":\"ctm_01h"
	"rffh7gvp29kc7xahm8wddwa\",\"subscription_id\":\"sub_01hvccbx32q2gb40sqx7n42430\",\"invoice"
	"_id\":\"txn_01hvcc93znj3mpqt1tenkjb04y\",\"kind\":\"refund\",\"result\":\"pending\",\"provider_s"
	"tatus\":\"pending_approval\",\"amount\":100,\"currency\":\"USD\",\"currency_exponent\":2,\"captu"
	"red_amount\":null,\"refunded_amount\":0,\"fee_amount\":null,\"net_amount\":null,\"parent_id\""
	":\"txn_01hvcc93znj3mpqt1tenkjb04y\",\"occurred_at\":\"2024-04-15T08:48:20Z\"}",
	"{\"object\":\"transaction\",\"id\":\"adj_01hp46vn5px3nntyy2hr8gnv73\",\"customer_id\":null,\"su"
	"bscription_id\":null,\"invoice_id\":\"txn_01hp46m5hyz2g3e9ar31pzy2kc\",\"kind\":\"other\",\"re"
	"sult\":\"pending\",\"provider_status\":\"pending_approval\",\"amount\":194281,\"currency\":\"USD"
	"\",\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":null,\"fee_amount\":n"
	"ull,\"net_amount\":null,\"parent_id\":\"txn_01hp46m5hyz2g3e9ar31pzy2kc\",\"occurred_at\":\"20"
	"24-02-08T11:15:15Z\"}",
	"{\"object\":\"transaction\",\"id\":\"adj_01hkmv8zzdphm0szm330xw4ryh\",\"customer_id\":null,\"su"
	"bscription_id\":null,\"invoice_id\":\"txn_01hkmv58gk496gyak35j4gt1nh\",\"kind\":\"other\",\"re"
	"sult\":\"succeeded\",\"provider_status\":\"approved\",\"amount\":32662,\"currency\":\"USD\",\"curr"
	"ency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":null,\"fee_amount\":null,\"ne"
	"t_amount\":null,\"parent_id\":\"txn_01hkmv58gk496gyak35j4gt1nh\",\"occurred_at\":\"2024-01-0"
	"8T15:32:49Z\"}",
	"{\"object\":\"transaction\",\"id\":\"adj_01hwchargebackyen000000000\",\"customer_id\":\"ctm_01h"
	"rffh7gvp29kc7xahm8wddwa\",\"subscription_id\":\"sub_01hwgone0canceledyen000000\",\"invoice"
	"_id\":\"txn_01hwbilledyenproration0000\",\"kind\":\"chargeback\",\"result\":\"succeeded\",\"prov"
	"ider_status\":\"approved\",\"amount\":8910,\"currency\":\"JPY\",\"currency_exponent\":0,\"captur"
	"ed_amount\":null,\"refunded_amount\":null,\"fee_amount\":null,\"net_amount\":null,\"parent_i"
	"d\":\"txn_01hwbilledyenproration0000\",\"occurred_at\":\"2024-07-01T12:00:00Z\"}",
};

#define COUNT(a) (sizeof a / sizeof a[0])

/* Two pages: has_more true, then false (its `next` is there and not followed). Archived
 * customers are asked for; the key is a bearer token; Paddle-Version 1. */
START_TEST(customers_two_pages)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p2.json");
	billtap_client *c = pd_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers, COUNT(customers));
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://pd.test/customers?per_page=200&order_by=id%5BASC%5D&status=active%2Carchived");
	ck_assert_str_eq(ft.urls[1], "http://pd.test/customers?per_page=200&order_by=id%5BASC%5D&status=active%2Carchived"
	                             "&after=ctm_01h844q4mznqpgqgm6evgw1w63");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Bearer pdl_test_key");
	ck_assert_str_eq(fake_header(&ft, 1, "Paddle-Version"), "1");
	billtap_client_free(c);
}
END_TEST

/* Plans: recurring prices with their product; a price without a name of its own takes
 * its product's; trials in days or weeks; JPY is whole yen. */
START_TEST(recurring_prices_become_plans)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p2.json");
	billtap_client *c = pd_client();
	ck_assert_int_eq(billtap_client_set(c, "page_size", "3"), 0);
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, plans, COUNT(plans));
	ck_assert_str_eq(ft.urls[0], "http://pd.test/prices?per_page=3&order_by=id%5BASC%5D&status=active%2Carchived"
	                             "&recurring=true&include=product");
	billtap_client_free(c);
}
END_TEST

START_TEST(subscriptions_with_items_keyed_by_price)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/subscriptions.json");
	billtap_client *c = pd_client();
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, subscriptions, COUNT(subscriptions));
	ck_assert_str_eq(ft.urls[0], "http://pd.test/subscriptions?per_page=200&order_by=id%5BASC%5D");
	billtap_client_free(c);
}
END_TEST

/* Invoices are the numbered transactions (the draft is not one); transactions lists take
 * 30 at most whatever page_size says. */
START_TEST(numbered_transactions_are_invoices)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	billtap_client *c = pd_client();
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, invoices, COUNT(invoices));
	ck_assert_str_eq(ft.urls[0], "http://pd.test/transactions?per_page=30&order_by=id%5BASC%5D"
	                             "&status=billed%2Cpaid%2Cpast_due%2Ccompleted%2Ccanceled");
	billtap_client_free(c);
}
END_TEST

/* Payment attempts of every transaction, then the adjustments. */
START_TEST(attempts_then_adjustments_are_transactions)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/adjustments.json");
	billtap_client *c = pd_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, transactions, COUNT(transactions));
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[1], "http://pd.test/transactions?per_page=30&order_by=id%5BASC%5D"
	                             "&after=txn_01hv8xxw3etar07vaxsqbyqasy");
	ck_assert_str_eq(ft.urls[2], "http://pd.test/adjustments?per_page=50&order_by=id%5BASC%5D");
	billtap_client_free(c);
}
END_TEST

/* A refund whose ids are long enough to move the record's text while it is mapped: its
 * kind, read from the record before that, must not be used after (the fuzzer found it read
 * from freed memory). Under ASan this fails on the old code; here it must map as a refund. */
START_TEST(a_refund_with_long_ids_maps)
{
	char id[301], body[2048];
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	snprintf(body, sizeof body,
	         "{\"data\":[{\"id\":\"adj_01hvgf2s84dr6reszzg29zbvcm\",\"action\":\"refund\",\"type\":\"full\","
	         "\"transaction_id\":\"txn_%s\",\"subscription_id\":\"sub_%s\",\"customer_id\":\"ctm_%s\","
	         "\"reason\":\"error\",\"currency_code\":\"USD\",\"status\":\"approved\",\"items\":[],"
	         "\"totals\":{\"subtotal\":\"92\",\"tax\":\"8\",\"total\":\"100\",\"fee\":\"5\",\"earnings\":\"87\","
	         "\"currency_code\":\"USD\"},\"created_at\":\"2024-04-15T08:48:20Z\",\"updated_at\":\"2024-04-15T08:48:20Z\"}],"
	         "\"meta\":{\"request_id\":\"r1\",\"pagination\":{\"per_page\":50,\"next\":\"x\",\"has_more\":false,"
	         "\"estimated_total\":1}}}",
	         id, id, id);
	fake_add(&ft, 200, NULL, "{\"data\":[],\"meta\":{\"request_id\":\"r0\",\"pagination\":{\"per_page\":30,"
	                         "\"next\":\"x\",\"has_more\":false,\"estimated_total\":0}}}");
	fake_add(&ft, 200, NULL, body);
	billtap_client *c = pd_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *kind, *customer;
	int64_t refunded = -1;
	ck_assert_int_eq(billtap_record_get_str(&kind, r, BILLTAP_FIELD_KIND), 0);
	ck_assert_str_eq(kind, "refund");
	ck_assert_int_eq(billtap_record_get_str(&customer, r, BILLTAP_FIELD_CUSTOMER_ID), 0);
	ck_assert_uint_eq(strlen(customer), 304);
	ck_assert_int_eq(billtap_record_get_int(&refunded, r, BILLTAP_FIELD_REFUNDED_AMOUNT), 0);
	ck_assert_int_eq(refunded, 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint inside the payments resumes there; one at the adjustments starts them. */
START_TEST(resume_from_a_checkpoint)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/adjustments.json");
	billtap_client *c = pd_client();
	billtap_iter *it;
	const billtap_record *r;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	fake_add_fixture(&ft, 200, NULL, "paddle/adjustments.json");
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, transactions + 3, COUNT(transactions) - 3);
	/* the resumed iterator's one request: the adjustments' first page */
	ck_assert_str_eq(ft.urls[ft.calls - 1], "http://pd.test/adjustments?per_page=50&order_by=id%5BASC%5D");
	/* a transactions checkpoint cannot drive customers */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_mid_list_asks_after_the_page)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p2.json");
	billtap_client *c = pd_client();
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
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, customers + 2, COUNT(customers) - 2);
	ck_assert_str_eq(ft.urls[1], "http://pd.test/customers?per_page=200&order_by=id%5BASC%5D&status=active%2Carchived"
	                             "&after=ctm_01h844q4mznqpgqgm6evgw1w63");
	free(saved);
	billtap_client_free(c);
}
END_TEST

/* since: created_at[GTE] on invoices; refused where Paddle cannot filter. */
START_TEST(since_is_created_at_gte_on_invoices_only)
{
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	billtap_client *c = pd_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1717200000; /* 2024-06-01T00:00:00Z */
	expect_records(c, BILLTAP_RESOURCE_INVOICES, &o, invoices + 1, 1);
	ck_assert_str_eq(ft.urls[0], "http://pd.test/transactions?per_page=30&order_by=id%5BASC%5D"
	                             "&status=billed%2Cpaid%2Cpast_due%2Ccompleted%2Ccanceled"
	                             "&created_at%5BGTE%5D=2024-06-01T00%3A00%3A00Z");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_EUNSUPPORTED);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), BILLTAP_EUNSUPPORTED);
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

/* Paddle's envelope: its code and detail, and the request id from meta (not a header).
 * A refused key is 403 with invalid_token: an authentication error, not a permission. */
START_TEST(errors_name_code_and_request_id)
{
	fake_add_fixture(&ft, 403, NULL, "paddle/error_403.json");
	fake_add_fixture(&ft, 400, NULL, "paddle/error_400.json");
	fake_add(&ft, 403, NULL, "{\"error\":{\"type\":\"request_error\",\"code\":\"forbidden\",\"detail\":\"You "
	                         "aren't permitted to perform this request.\"},\"meta\":{\"request_id\":\"r-9\"}}");
	fake_add(&ft, 502, NULL, "<html>bad gateway</html>");
	billtap_client *c = pd_client();
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EAUTH);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paddle: customers: GET /customers: HTTP 403 (request 00000000-0000-0000-0000-000000000000): "
	                 "invalid_token: Invalid, revoked or expired API key.");
	ck_assert_str_eq(billtap_client_error_provider_code(c), "invalid_token");
	ck_assert_str_eq(billtap_client_error_request_id(c), "00000000-0000-0000-0000-000000000000");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_INVOICES), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paddle: invoices: GET /transactions: HTTP 400 (request c2e2a3a5-5b8f-4c5e-9d7a-1f0e3b2c4d6e): "
	                 "invalid_field: Invalid request.");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_SUBSCRIPTIONS), BILLTAP_EPERMISSION);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "forbidden");
	/* not Paddle's envelope: the body is quoted */
	ck_assert_int_lt(first_error(c, BILLTAP_RESOURCE_PLANS), 0);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "bad gateway"));
	billtap_client_free(c);
}
END_TEST

/* 429 too_many_requests is retried after Retry-After, then the page comes. */
START_TEST(rate_limit_is_retried)
{
	fake_add_fixture(&ft, 429, "Retry-After: 0", "paddle/error_429.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/subscriptions.json");
	billtap_client *c = pd_client();
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, subscriptions, COUNT(subscriptions));
	ck_assert_uint_eq(ft.calls, 2);
	billtap_client_free(c);
}
END_TEST

/* A page of the wrong shape is an error, never an empty last page. */
START_TEST(malformed_pages_are_errors)
{
	fake_add(&ft, 200, NULL, "{\"data\":[],\"meta\":{\"pagination\":{\"next\":\"x\"}}}");
	fake_add(&ft, 200, NULL, "{\"data\":{},\"meta\":{\"pagination\":{\"has_more\":false}}}");
	fake_add(&ft, 200, NULL, "{\"data\":[{\"name\":\"no id\"}],\"meta\":{\"pagination\":{\"has_more\":true}}}");
	fake_add_fixture(&ft, 200, NULL, "paddle/bad_customer.json");
	billtap_client *c = pd_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "paddle: customers: GET /customers: HTTP 200: not a list page: a data array and "
	                 "meta.pagination.has_more");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "last entry has no id"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "created_at is missing"));
	billtap_client_free(c);
}
END_TEST

/* Money in minor units comes as integer strings: a fraction, a float or a number is
 * refused, never rounded. */
START_TEST(money_must_be_an_integer_string)
{
	static const char *const bad[] = { "\"30.00\"", "30.5", "\"3e3\"", "\"\"" };
	billtap_client *c = pd_client();
	for (size_t i = 0; i < COUNT(bad); i++) {
		char body[512];
		snprintf(body, sizeof body,
		         "{\"data\":[{\"id\":\"pri_1\",\"product_id\":\"pro_1\",\"name\":\"P\",\"status\":\"active\","
		         "\"billing_cycle\":{\"interval\":\"month\",\"frequency\":1},\"unit_price\":{\"amount\":%s,"
		         "\"currency_code\":\"USD\"},\"created_at\":\"2024-01-01T00:00:00Z\"}],"
		         "\"meta\":{\"pagination\":{\"has_more\":false}}}", bad[i]);
		fake_add(&ft, 200, NULL, body);
		int rc = first_error(c, BILLTAP_RESOURCE_PLANS);
		ck_assert_msg(rc == BILLTAP_EDATA, "%s: %d", bad[i], rc);
		ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "unit_price.amount"));
	}
	billtap_client_free(c);
}
END_TEST

/* Invoices incrementally: the newest change first (its updated_at, to the second), a full
 * pass, the token; a pass of changes from it asks for updated_at[GTE] that second. */
START_TEST(incremental_passes_by_updated_at)
{
	fake_add(&ft, 200, NULL, "{\"data\":[{\"id\":\"txn_1\",\"updated_at\":\"2024-07-26T08:46:00.746349Z\"}],"
	                         "\"meta\":{\"pagination\":{\"has_more\":true}}}");
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	fake_add(&ft, 200, NULL, "{\"data\":[{\"id\":\"txn_2\",\"updated_at\":\"2024-08-01T00:00:00Z\"}],"
	                         "\"meta\":{\"pagination\":{\"has_more\":true}}}");
	fake_add_fixture(&ft, 200, NULL, "paddle/transactions_p2.json");
	billtap_client *c = pd_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	const billtap_record *r;
	const char *token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	char *saved = strdup(token);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[0], "http://pd.test/transactions?per_page=1&order_by=updated_at%5BDESC%5D"
	                             "&status=billed%2Cpaid%2Cpast_due%2Ccompleted%2Ccanceled");
	ck_assert_str_eq(ft.urls[1], "http://pd.test/transactions?per_page=30&order_by=id%5BASC%5D"
	                             "&status=billed%2Cpaid%2Cpast_due%2Ccompleted%2Ccanceled");
	billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
	o2.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_INVOICES, &o2, invoices + 1, 1);
	ck_assert_str_eq(ft.urls[3], "http://pd.test/transactions?per_page=30&order_by=id%5BASC%5D"
	                             "&status=billed%2Cpaid%2Cpast_due%2Ccompleted%2Ccanceled"
	                             "&updated_at%5BGTE%5D=2024-07-26T08%3A46%3A00Z");
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(foreign_checkpoint_is_refused)
{
	billtap_client *c = pd_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = "not a checkpoint";
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	billtap_iter_free(it);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "201"), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

Suite *paddle_unit_suite(void)
{
	Suite *s = suite_create("paddle");
	TCase *tc = tcase_create("paddle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, customers_two_pages);
	tcase_add_test(tc, recurring_prices_become_plans);
	tcase_add_test(tc, subscriptions_with_items_keyed_by_price);
	tcase_add_test(tc, numbered_transactions_are_invoices);
	tcase_add_test(tc, attempts_then_adjustments_are_transactions);
	tcase_add_test(tc, a_refund_with_long_ids_maps);
	tcase_add_test(tc, resume_from_a_checkpoint);
	tcase_add_test(tc, resume_mid_list_asks_after_the_page);
	tcase_add_test(tc, since_is_created_at_gte_on_invoices_only);
	tcase_add_test(tc, errors_name_code_and_request_id);
	tcase_add_test(tc, rate_limit_is_retried);
	tcase_add_test(tc, malformed_pages_are_errors);
	tcase_add_test(tc, money_must_be_an_integer_string);
	tcase_add_test(tc, incremental_passes_by_updated_at);
	tcase_add_test(tc, foreign_checkpoint_is_refused);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, paddle_feed_tcase());
	suite_add_tcase(s, paddle_feed_walks_tcase());
	return s;
}
