/* Source tracing (billtap inspect) of PayPal records: with the setting trace_sources on,
 * every field of a transaction, a plan, a subscription (and its item) and a customer names
 * where it came from, the members of values PayPal code computes included. Every field of
 * the kind is checked: one missing from a table must be the model's default. Added to
 * paypal_unit_suite(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "billtap/provider.h"
#include "testutil.h"

void paypal_trace_tests(Suite *s);
/* unit.c: a fixture answered with `from` replaced by `to` */
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

enum { M = BILLTAP_SOURCE_MEMBER, D = BILLTAP_SOURCE_DERIVED, C = BILLTAP_SOURCE_COMPUTED };

typedef struct want_source {
	billtap_field field;
	int how;
	const char *members; /* NULL: none named */
} want_source;

/* Every field of rec's kind: as in `want`, or the default when not there. */
static void expect_sources(const billtap_record *rec, const want_source *want, size_t n)
{
	billtap_field fields[128];
	int count = billtap_record_kind_fields(fields, 128, billtap_record_kind_of(rec));
	ck_assert_int_gt(count, 0);
	ck_assert_int_le(count, 128);
	for (size_t i = 0; i < n; i++) { /* a wanted field the kind lacks is a broken table */
		int found = 0;
		for (int k = 0; k < count; k++)
			found |= fields[k] == want[i].field;
		ck_assert_msg(found, "%s is no field of the kind", billtap_field_name(want[i].field));
	}
	for (int k = 0; k < count; k++) {
		int want_how = BILLTAP_SOURCE_DEFAULT, how = 0;
		const char *want_members = NULL, *members = NULL;
		for (size_t i = 0; i < n; i++)
			if (want[i].field == fields[k]) {
				want_how = want[i].how;
				want_members = want[i].members;
			}
		ck_assert_int_eq(billtap_record_field_source(&how, &members, rec, fields[k]), 0);
		const char *name = billtap_field_name(fields[k]);
		ck_assert_msg(how == want_how, "%s: source %d, want %d (%s)", name, how, want_how,
		              members ? members : "no members");
		ck_assert_msg((!want_members && !members) ||
		                      (want_members && members && !strcmp(want_members, members)),
		              "%s: members \"%s\", want \"%s\"", name, members ? members : "(none)",
		              want_members ? want_members : "(none)");
	}
}

static billtap_client *traced_client(void)
{
	billtap_client *c = fake_client(&ft, "paypal");
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	char start[40]; /* 40 days ago: two search windows, as in unit.c */
	billtap_time_format(start, sizeof start, (int64_t)time(NULL) - 40 * 86400);
	ck_assert_int_eq(billtap_client_set(c, "history_start", start), 0);
	ck_assert_int_eq(billtap_client_set(c, "trace_sources", "true"), 0);
	return c;
}

/* The record with that id, checked against `want`; the iterator runs to its end. */
static void expect_record_sources(billtap_client *c, billtap_resource res, const char *id,
                                  const want_source *want, size_t n,
                                  const want_source *item_want, size_t item_n)
{
	billtap_iter *it;
	const billtap_record *rec;
	int seen = 0, rc;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	while ((rc = billtap_iter_next(&rec, it)) == 0) {
		const char *rid = NULL;
		billtap_record_get_str(&rid, rec, BILLTAP_FIELD_ID);
		if (!rid || strcmp(rid, id) != 0)
			continue;
		seen = 1;
		expect_sources(rec, want, n);
		if (item_want) {
			ck_assert_uint_eq(billtap_record_item_count(rec), 1);
			expect_sources(billtap_record_item(rec, 0), item_want, item_n);
		}
	}
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	ck_assert_msg(seen, "no record %s", id);
	billtap_iter_free(it);
}

#define TOKEN_STEP(f) fake_add_fixture(f, 200, NULL, "paypal/token.json")
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* TX-1: a T0002 subscription payment of 10.00 USD with a 0.30 fee. */
static const want_source transaction[] = {
	{ BILLTAP_FIELD_ID, M, "transaction_info.transaction_id" },
	{ BILLTAP_FIELD_CUSTOMER_ID, M, "payer_info.account_id" },
	{ BILLTAP_FIELD_SUBSCRIPTION_ID, M, "transaction_info.paypal_reference_id" },
	{ BILLTAP_FIELD_INVOICE_ID, M, "transaction_info.invoice_id" },
	{ BILLTAP_FIELD_KIND, C,
	  "transaction_info.transaction_event_code transaction_info.transaction_amount.value" },
	{ BILLTAP_FIELD_RESULT, D, "transaction_info.transaction_status" },
	{ BILLTAP_FIELD_PROVIDER_STATUS, M, "transaction_info.transaction_status" },
	{ BILLTAP_FIELD_AMOUNT, C, "transaction_info.transaction_amount.value" },
	{ BILLTAP_FIELD_CURRENCY, M, "transaction_info.transaction_amount.currency_code" },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, D, "transaction_info.transaction_amount.currency_code" },
	{ BILLTAP_FIELD_FEE_AMOUNT, C, "transaction_info.fee_amount.value" },
	{ BILLTAP_FIELD_NET_AMOUNT, C,
	  "transaction_info.transaction_amount.value transaction_info.fee_amount.value" },
	{ BILLTAP_FIELD_REFUNDED_AMOUNT, C, NULL }, /* null: a row does not say */
	{ BILLTAP_FIELD_OCCURRED_AT, M, "transaction_info.transaction_initiation_date" },
};

START_TEST(transaction_fields_name_their_members)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	billtap_client *c = traced_client();
	expect_record_sources(c, BILLTAP_RESOURCE_TRANSACTIONS, "TX-1", transaction, N(transaction),
	                      NULL, 0);
	billtap_client_free(c);
}
END_TEST

/* P-1: its own name, two TRIAL cycles (a free one, a paid one) and a REGULAR one. */
static const want_source plan[] = {
	{ BILLTAP_FIELD_ID, M, "id" },
	{ BILLTAP_FIELD_NAME, M, "name" },
	{ BILLTAP_FIELD_PRODUCT_ID, M, "product_id" },
	{ BILLTAP_FIELD_PRODUCT_NAME, C, "product_id products:name" },
	{ BILLTAP_FIELD_CURRENCY, C, "billing_cycles" },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, C, "billing_cycles" },
	{ BILLTAP_FIELD_AMOUNT, C, "billing_cycles" },
	{ BILLTAP_FIELD_AMOUNT_DECIMAL, C, "billing_cycles" },
	{ BILLTAP_FIELD_SETUP_FEE, M, "payment_preferences.setup_fee.value" },
	{ BILLTAP_FIELD_TOTAL_CYCLES, C, "billing_cycles" }, /* null: total_cycles 0, no end */
	{ BILLTAP_FIELD_INTERVAL_UNIT, C, "billing_cycles" },
	{ BILLTAP_FIELD_INTERVAL_COUNT, C, "billing_cycles" },
	{ BILLTAP_FIELD_ACTIVE, C, "status" },
	{ BILLTAP_FIELD_CREATED_AT, M, "create_time" },
	{ BILLTAP_FIELD_TRIAL_DAYS, C, "billing_cycles" },
	{ BILLTAP_FIELD_TRIAL_AMOUNT, C, "billing_cycles" },
	{ BILLTAP_FIELD_TRIAL_CYCLES, C, "billing_cycles" },
};

/* P-1 without its own name: the product's name stands in, and says so. */
static const want_source unnamed_plan_name = { BILLTAP_FIELD_NAME, C, "product_id products:name" };

static void plan_sources(int named)
{
	want_source want[N(plan)];
	memcpy(want, plan, sizeof plan);
	if (!named)
		want[1] = unnamed_plan_name;
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/products.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/plans_list.json");
	if (named)
		fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	else
		add_edited_fixture(&ft, "paypal/plan_P-1.json", "\"name\": \"Monthly\",", "");
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-2.json");
	billtap_client *c = traced_client();
	expect_record_sources(c, BILLTAP_RESOURCE_PLANS, "P-1", want, N(want), NULL, 0);
	billtap_client_free(c);
}

START_TEST(plan_fields_name_their_members)
{
	plan_sources(1);
	fake_reset(&ft);
	plan_sources(0);
}
END_TEST

/* I-SUB1: ACTIVE, plan P-1, quantity "2". */
static const want_source subscription[] = {
	{ BILLTAP_FIELD_ID, M, "id" },
	{ BILLTAP_FIELD_CUSTOMER_ID, M, "subscriber.payer_id" },
	{ BILLTAP_FIELD_STATUS, D, "status" },
	{ BILLTAP_FIELD_PROVIDER_STATUS, M, "status" },
	{ BILLTAP_FIELD_STARTED_AT, M, "start_time" },
	{ BILLTAP_FIELD_CURRENT_PERIOD_START, M, "billing_info.last_payment.time" },
	{ BILLTAP_FIELD_CURRENT_PERIOD_END, M, "billing_info.next_billing_time" },
	{ BILLTAP_FIELD_CANCEL_AT_PERIOD_END, C, NULL }, /* PayPal cancels at once */
	{ BILLTAP_FIELD_CREATED_AT, M, "create_time" },
};

static const want_source subscription_item[] = {
	{ BILLTAP_FIELD_PLAN_ID, M, "plan_id" },
	{ BILLTAP_FIELD_QUANTITY, C, "quantity" },
	{ BILLTAP_FIELD_AMOUNT, C, "plan_id plans:billing_cycles" },
	{ BILLTAP_FIELD_CURRENCY, C, "plan_id plans:billing_cycles" },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, C, "plan_id plans:billing_cycles" },
};

/* I-SUB1 with billing_info edited in (as unit.c's trialing test does), its status as
 * `status` traced to `members`. */
static void subscription_sources(const char *billing, billtap_source how, const char *members)
{
	want_source want[N(subscription)];
	memcpy(want, subscription, sizeof subscription);
	want[2].how = (int)how;
	want[2].members = members;
	static const char *const from = "\"cycle_executions\": [],\n  \"failed_payments_count\": 0,";
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", from, billing ? billing : from);
	fake_add_fixture(&ft, 200, NULL, "paypal/plan_P-1.json");
	add_edited_fixture(&ft, "paypal/sub_I-SUB1.json", from, billing ? billing : from);
	billtap_client *c = traced_client();
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", "I-SUB1"), 0);
	expect_record_sources(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, "I-SUB1", want, N(want),
	                      subscription_item, N(subscription_item));
	billtap_client_free(c);
	fake_reset(&ft);
}

START_TEST(subscription_fields_name_their_members)
{
	subscription_sources(NULL, BILLTAP_SOURCE_DERIVED, "status");
	subscription_sources("\"cycle_executions\": [{\"tenure_type\": \"TRIAL\", \"sequence\": 1, "
	                     "\"cycles_completed\": 1, \"cycles_remaining\": 0}],\n"
	                     "  \"failed_payments_count\": 0,",
	                     BILLTAP_SOURCE_COMPUTED,
	                     "billing_info.cycle_executions billing_info.failed_payments_count status");
	subscription_sources("\"cycle_executions\": [],\n  \"failed_payments_count\": 2,",
	                     BILLTAP_SOURCE_COMPUTED, "billing_info.failed_payments_count status");
}
END_TEST

/* PAYER1: in I-SUB1 (preferred) and in TX-1's row; PAYER3: in search rows only. */
static const want_source customer_in_both[] = {
	{ BILLTAP_FIELD_ID, C, "subscriptions:subscriber.payer_id transactions:payer_info.account_id" },
	{ BILLTAP_FIELD_EMAIL, C, "subscriptions:subscriber.email_address" },
	{ BILLTAP_FIELD_NAME, C,
	  "subscriptions:subscriber.name.given_name subscriptions:subscriber.name.surname" },
	{ BILLTAP_FIELD_COUNTRY, C, "subscriptions:subscriber.shipping_address.address.country_code" },
	{ BILLTAP_FIELD_CREATED_AT, C, "subscriptions:create_time" },
	{ BILLTAP_FIELD_DELETED, C, NULL }, /* PayPal never deletes a payer */
};

static const want_source customer_in_rows[] = {
	{ BILLTAP_FIELD_ID, C, "transactions:payer_info.account_id" },
	{ BILLTAP_FIELD_EMAIL, C, "transactions:payer_info.email_address" },
	{ BILLTAP_FIELD_NAME, C, "transactions:payer_info.payer_name.alternate_full_name" },
	{ BILLTAP_FIELD_COUNTRY, C, "transactions:payer_info.country_code" },
	{ BILLTAP_FIELD_CREATED_AT, C, "transactions:transaction_info.transaction_initiation_date" },
	{ BILLTAP_FIELD_DELETED, C, NULL },
};

static billtap_client *customers_client(void)
{
	TOKEN_STEP(&ft);
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/search_empty.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/sub_I-SUB2.json");
	return traced_client();
}

START_TEST(customer_fields_name_their_members)
{
	billtap_client *c = customers_client();
	expect_record_sources(c, BILLTAP_RESOURCE_CUSTOMERS, "PAYER1", customer_in_both,
	                      N(customer_in_both), NULL, 0);
	billtap_client_free(c);
	fake_reset(&ft);
	c = customers_client();
	expect_record_sources(c, BILLTAP_RESOURCE_CUSTOMERS, "PAYER3", customer_in_rows,
	                      N(customer_in_rows), NULL, 0);
	billtap_client_free(c);
}
END_TEST

void paypal_trace_tests(Suite *s)
{
	TCase *tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, transaction_fields_name_their_members);
	tcase_add_test(tc, plan_fields_name_their_members);
	tcase_add_test(tc, subscription_fields_name_their_members);
	tcase_add_test(tc, customer_fields_name_their_members);
	suite_add_tcase(s, tc);
}
