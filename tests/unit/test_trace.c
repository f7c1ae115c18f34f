/*
 * Source tracing: with the setting trace_sources on, the kit's mapper notes the member each
 * field was read from (or the table it went through); values provider code sets are
 * "computed", with the members it names; fields nobody set are "default". Off, records
 * carry no trace and the accessor says so.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "billtap/provider_kit.h"
#include "core.h"
#include "testutil.h"

Suite *trace_suite(void);

static billtap_json *doc;
static fake_transport ft;
static billtap_client *client;
static billtap_ctx ctx;

static const billtap_vocab results[] = {
	{ "succeeded", "succeeded" }, { "failed", "failed" }, { NULL, NULL },
};

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	ck_assert_int_eq(billtap_json_new(&doc), 0);
	client = fake_client(&ft, "stripe");
	ctx = (billtap_ctx){ .client = client, .resource = BILLTAP_RESOURCE_TRANSACTIONS,
	                    .settings = &client->settings };
}

static void teardown(void)
{
	billtap_json_free(doc);
	billtap_client_free(client);
	fake_reset(&ft);
}

/* A charge mapped the way a provider would: members, a table, the currency, computed. */
static billtap_record *map_charge(void)
{
	static const char text[] =
		"{\"id\":\"ch_1\",\"customer\":{\"id\":\"cus_9\"},\"status\":\"succeeded\","
		"\"currency\":\"usd\",\"amount\":1999,\"amount_refunded\":0,\"created\":86400}";
	ck_assert_int_eq(billtap_json_parse(doc, text, strlen(text)), 0);
	billtap_map m;
	billtap_record *rec;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "charge", doc, billtap_json_root(doc),
	                  "id", &ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", results, "other", 0);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "amount_refunded", 0);
	billtap_map_str(&m, BILLTAP_FIELD_INVOICE_ID, "invoice", 0); /* absent: null */
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	/* Computed by the provider: the kind, once without and once with its members. */
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	billtap_map_set_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "sub_1");
	ck_assert_int_eq(billtap_record_set_source(m.rec, BILLTAP_FIELD_SUBSCRIPTION_ID,
	                                           BILLTAP_SOURCE_COMPUTED, "invoice.subscription"),
	                 0);
	ck_assert_int_eq(billtap_map_end(&rec, &m), 0);
	return rec;
}

static void expect(const billtap_record *rec, billtap_field f, int want_how, const char *want)
{
	int how;
	const char *members;
	ck_assert_int_eq(billtap_record_field_source(&how, &members, rec, f), 0);
	ck_assert_msg(how == want_how, "%s: how %d, want %d", billtap_field_name(f), how, want_how);
	if (want)
		ck_assert_str_eq(members, want);
	else
		ck_assert_ptr_null(members);
}

START_TEST(kit_fields_name_their_members)
{
	ck_assert_int_eq(billtap_client_set(client, "trace_sources", "true"), 0);
	billtap_record *rec = map_charge(), *copy;
	expect(rec, BILLTAP_FIELD_ID, BILLTAP_SOURCE_MEMBER, "id");
	expect(rec, BILLTAP_FIELD_CUSTOMER_ID, BILLTAP_SOURCE_MEMBER, "customer.id"); /* expanded */
	expect(rec, BILLTAP_FIELD_RESULT, BILLTAP_SOURCE_DERIVED, "status");
	expect(rec, BILLTAP_FIELD_PROVIDER_STATUS, BILLTAP_SOURCE_MEMBER, "status");
	expect(rec, BILLTAP_FIELD_CURRENCY, BILLTAP_SOURCE_MEMBER, "currency");
	expect(rec, BILLTAP_FIELD_CURRENCY_EXPONENT, BILLTAP_SOURCE_DERIVED, "currency");
	expect(rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_MEMBER, "amount");
	expect(rec, BILLTAP_FIELD_REFUNDED_AMOUNT, BILLTAP_SOURCE_MEMBER, "amount_refunded");
	expect(rec, BILLTAP_FIELD_INVOICE_ID, BILLTAP_SOURCE_MEMBER, "invoice");
	expect(rec, BILLTAP_FIELD_OCCURRED_AT, BILLTAP_SOURCE_MEMBER, "created");
	expect(rec, BILLTAP_FIELD_KIND, BILLTAP_SOURCE_COMPUTED, NULL);
	expect(rec, BILLTAP_FIELD_SUBSCRIPTION_ID, BILLTAP_SOURCE_COMPUTED, "invoice.subscription");
	expect(rec, BILLTAP_FIELD_PARENT_ID, BILLTAP_SOURCE_DEFAULT, NULL);
	/* A field the kind lacks. */
	ck_assert_int_eq(billtap_record_field_source(NULL, NULL, rec, BILLTAP_FIELD_EMAIL),
	                 BILLTAP_ETYPE);
	/* A later set by provider code makes the value its own again. */
	ck_assert_int_eq(billtap_record_set_int(rec, BILLTAP_FIELD_AMOUNT, 5), 0);
	expect(rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED, NULL);
	/* A copy keeps the trace. */
	ck_assert_int_eq(billtap_record_dup(&copy, rec), 0);
	billtap_record_free(rec);
	expect(copy, BILLTAP_FIELD_CUSTOMER_ID, BILLTAP_SOURCE_MEMBER, "customer.id");
	expect(copy, BILLTAP_FIELD_SUBSCRIPTION_ID, BILLTAP_SOURCE_COMPUTED, "invoice.subscription");
	billtap_record_free(copy);
}
END_TEST

START_TEST(off_by_default)
{
	billtap_record *rec = map_charge();
	int how = 7;
	const char *members = "x";
	ck_assert_int_eq(billtap_record_field_source(&how, &members, rec, BILLTAP_FIELD_AMOUNT),
	                 BILLTAP_ENOTFOUND);
	ck_assert_int_eq(how, 0);
	ck_assert_ptr_null(members);
	/* Naming a source on an untraced record is a no-op, not an error. */
	ck_assert_int_eq(billtap_record_set_source(rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED,
	                                           "amount"),
	                 0);
	ck_assert_int_eq(billtap_record_field_source(&how, NULL, rec, BILLTAP_FIELD_AMOUNT),
	                 BILLTAP_ENOTFOUND);
	ck_assert_int_eq(billtap_record_set_source(rec, BILLTAP_FIELD_AMOUNT, 0, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_record_set_source(rec, BILLTAP_FIELD_EMAIL, BILLTAP_SOURCE_MEMBER,
	                                           NULL),
	                 BILLTAP_ETYPE);
	billtap_record_free(rec);
}
END_TEST

/* A provider that builds records itself: tracing starts where it asks, and what it had set
 * before counts as its own. */
START_TEST(provider_built_records)
{
	billtap_record *rec, *item;
	ck_assert_int_eq(billtap_record_new(&rec, BILLTAP_RECORD_SUBSCRIPTION), 0);
	ck_assert_int_eq(billtap_record_set_str(rec, BILLTAP_FIELD_ID, "sub_1", 5), 0);
	ck_assert_int_eq(billtap_record_trace_start(rec), 0);
	ck_assert_int_eq(billtap_record_trace_start(rec), 0); /* idempotent */
	expect(rec, BILLTAP_FIELD_ID, BILLTAP_SOURCE_COMPUTED, NULL);
	expect(rec, BILLTAP_FIELD_STATUS, BILLTAP_SOURCE_DEFAULT, NULL);
	ck_assert_int_eq(billtap_record_set_str(rec, BILLTAP_FIELD_STATUS, "active", 6), 0);
	ck_assert_int_eq(billtap_record_set_source(rec, BILLTAP_FIELD_STATUS, BILLTAP_SOURCE_DERIVED,
	                                           "status pause_collection.behavior"),
	                 0);
	expect(rec, BILLTAP_FIELD_STATUS, BILLTAP_SOURCE_DERIVED, "status pause_collection.behavior");
	/* Nested records are traced on their own. */
	ck_assert_int_eq(billtap_record_add_item(&item, rec), 0);
	ck_assert_int_eq(billtap_record_field_source(NULL, NULL, item, BILLTAP_FIELD_PLAN_ID),
	                 BILLTAP_ENOTFOUND);
	billtap_record_free(rec);
}
END_TEST

/* Items mapped by the kit under a traced parent: paths relative to the item's object. */
START_TEST(items_are_traced)
{
	ck_assert_int_eq(billtap_client_set(client, "trace_sources", "1"), 0);
	static const char text[] = "{\"id\":\"sub_1\",\"items\":[{\"id\":\"si_1\",\"price\":"
	                           "{\"id\":\"price_1\",\"currency\":\"eur\",\"unit_amount\":500},"
	                           "\"quantity\":2}]}";
	ck_assert_int_eq(billtap_json_parse(doc, text, strlen(text)), 0);
	billtap_map m, im;
	billtap_record *rec;
	billtap_json_ref root = billtap_json_root(doc);
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, root, "id", &ctx);
	billtap_json_ref it = billtap_json_first(doc, billtap_json_get(doc, root, "items"));
	billtap_map_begin_item(&im, m.rec, "item", doc, it, "id", &ctx);
	billtap_map_ref_id(&im, BILLTAP_FIELD_PLAN_ID, "price", 0);
	billtap_map_int(&im, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_currency(&im, "price.currency", NULL);
	billtap_map_money(&im, BILLTAP_FIELD_AMOUNT, "price.unit_amount", 0);
	ck_assert_int_eq(billtap_map_end(NULL, &im), 0);
	/* The subscription misses required fields: only the trace matters here. */
	rec = m.rec;
	const billtap_record *item = billtap_record_item(rec, 0);
	expect(item, BILLTAP_FIELD_ID, BILLTAP_SOURCE_MEMBER, "id");
	expect(item, BILLTAP_FIELD_PLAN_ID, BILLTAP_SOURCE_MEMBER, "price.id");
	expect(item, BILLTAP_FIELD_QUANTITY, BILLTAP_SOURCE_MEMBER, "quantity");
	expect(item, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_MEMBER, "price.unit_amount");
	expect(item, BILLTAP_FIELD_CURRENCY_EXPONENT, BILLTAP_SOURCE_DERIVED, "price.currency");
	billtap_map_fail(&m, BILLTAP_EDATA, NULL, "is incomplete in this test");
	ck_assert_int_eq(billtap_map_end(&rec, &m), BILLTAP_EDATA);
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, kit_fields_name_their_members);
	tcase_add_test(tc, off_by_default);
	tcase_add_test(tc, provider_built_records);
	tcase_add_test(tc, items_are_traced);
	suite_add_tcase(s, tc);
	return s;
}
