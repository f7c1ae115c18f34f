/* Money, currency, time, records and their normalized JSON. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "billtap/provider.h"
#include "model/record.h"

Suite *model_suite(void);

static int64_t minor(const char *text, int exponent, int *rc)
{
	int64_t v = 12345;
	*rc = billtap_money_from_decimal(&v, text, strlen(text), exponent);
	return v;
}

#define MONEY_OK(text, exp, want)                                                      \
	do {                                                                           \
		int rc_;                                                               \
		int64_t got_ = minor(text, exp, &rc_);                                 \
		ck_assert_msg(rc_ == 0, "%s at %d: rc %d", text, exp, rc_);            \
		ck_assert_msg(got_ == (want), "%s at %d: got %lld", text, exp, (long long)got_); \
	} while (0)
#define MONEY_BAD(text, exp)                                                           \
	do {                                                                           \
		int rc_;                                                               \
		minor(text, exp, &rc_);                                                \
		ck_assert_msg(rc_ == BILLTAP_EDATA, "%s at %d: rc %d", text, exp, rc_); \
	} while (0)

START_TEST(money_exact)
{
	MONEY_OK("10.00", 2, 1000);
	MONEY_OK("12.3", 2, 1230);
	MONEY_OK("-78.00", 2, -7800);
	MONEY_OK("0.01", 2, 1);
	MONEY_OK(".5", 2, 50);
	MONEY_OK("3", 2, 300);
	MONEY_OK("3", 0, 3);           /* PayPal JPY "3" */
	MONEY_OK("1500", 0, 1500);     /* HUF at PayPal's 0 decimals */
	MONEY_OK("100.00", 0, 100);    /* excess zeros are exact, not rounding */
	MONEY_OK("1.230", 3, 1230);    /* KWD */
	MONEY_OK("0.001", 3, 1);
	MONEY_OK("0.1", 2, 10);        /* the double trap: 0.1 is exactly ten cents */
	MONEY_OK("1.5e2", 2, 15000);   /* Recurly-style JSON number lexemes */
	MONEY_OK("1E-2", 2, 1);
	MONEY_OK("-0", 2, 0);
	MONEY_OK("0000012.50", 2, 1250);
	MONEY_OK("92233720368547758.07", 2, INT64_MAX);
	MONEY_OK("-92233720368547758.08", 2, INT64_MIN);
	MONEY_OK("1.000000000000000000000000000", 2, 100);
}
END_TEST

START_TEST(money_refused)
{
	MONEY_BAD("1.5", 0);        /* JPY with a fraction: a data error, never rounded */
	MONEY_BAD("0.001", 2);
	MONEY_BAD("1.2345", 3);
	MONEY_BAD("92233720368547758.08", 2);
	MONEY_BAD("1e30", 2);
	MONEY_BAD("", 2);
	MONEY_BAD("-", 2);
	MONEY_BAD("5.", 2);
	MONEY_BAD("+5", 2);
	MONEY_BAD("1,00", 2);
	MONEY_BAD("1.0.0", 2);
	MONEY_BAD(" 1", 2);
	MONEY_BAD("1e", 2);
	MONEY_BAD("abc", 2);
	int64_t v;
	ck_assert_int_eq(billtap_money_from_decimal(&v, "1", 1, -1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_money_from_decimal(NULL, "1", 1, 2), BILLTAP_EINVAL);
}
END_TEST

START_TEST(currency_codes)
{
	char out[4];
	ck_assert_int_eq(billtap_currency_normalize(out, "usd", 3), 0);
	ck_assert_str_eq(out, "USD");
	ck_assert_int_eq(billtap_currency_normalize(out, "Jpy", 3), 0);
	ck_assert_str_eq(out, "JPY");
	ck_assert_int_eq(billtap_currency_normalize(out, "us", 2), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_currency_normalize(out, "u1d", 3), BILLTAP_EDATA);
	/* No code at all is the caller's bug, not bad data. */
	ck_assert_int_eq(billtap_currency_normalize(out, NULL, 3), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_currency_iso_exponent("USD"), 2);
	ck_assert_int_eq(billtap_currency_iso_exponent("JPY"), 0);
	ck_assert_int_eq(billtap_currency_iso_exponent("KWD"), 3);
	ck_assert_int_eq(billtap_currency_iso_exponent("HUF"), 2);
	ck_assert_int_eq(billtap_currency_iso_exponent("CLF"), 4);
	ck_assert_int_eq(billtap_currency_iso_exponent("XYZ"), -1);
	ck_assert_int_eq(billtap_currency_iso_exponent("usd"), -1);
}
END_TEST

static int64_t parse_time(const char *s, int *rc)
{
	int64_t t = 0;
	*rc = billtap_time_parse(&t, s);
	return t;
}

START_TEST(time_parse_formats)
{
	int rc;
	ck_assert_int_eq(parse_time("1970-01-01T00:00:00Z", &rc), 0);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(parse_time("2019-06-04T01:27:43+0000", &rc), 1559611663); /* PayPal */
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(parse_time("2019-06-04T03:27:43+02:00", &rc), 1559611663);
	ck_assert_int_eq(parse_time("2019-06-03T20:27:43-0500", &rc), 1559611663);
	ck_assert_int_eq(parse_time("2024-04-12T10:37:59.556997Z", &rc), 1712918279); /* Paddle */
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(parse_time("2024-02-29", &rc), 1709164800);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(parse_time("1700000000", &rc), 1700000000);
	ck_assert_int_eq(parse_time("20240229", &rc), 1709164800); /* basic date, not 1970 */
	ck_assert_int_eq(rc, 0);
	parse_time("20230229", &rc);
	ck_assert_int_eq(rc, BILLTAP_EINVAL);
	ck_assert_int_eq(parse_time("1969-12-31T23:59:59Z", &rc), -1);
	ck_assert_int_eq(rc, 0);
}
END_TEST

START_TEST(time_parse_refuses)
{
	const char *bad[] = { "2023-02-29",           "2024-13-01",          "2024-01-01T24:00:00Z",
		              "2024-01-01T10:00:00",  "2024-01-01T10:00Z",   "2024-01-01T10:00:00+2",
		              "2024-01-01T10:00:00.Z", "yesterday",          "",
		              "2024-1-1",             "2024-01-01T10:00:00Zjunk", "12ab" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc;
		parse_time(bad[i], &rc);
		ck_assert_msg(rc == BILLTAP_EINVAL, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(time_format_round_trip)
{
	char buf[32];
	ck_assert_int_eq(billtap_time_format(buf, sizeof buf, 0), 20);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");
	billtap_time_format(buf, sizeof buf, 1559611663);
	ck_assert_str_eq(buf, "2019-06-04T01:27:43Z");
	billtap_time_format(buf, sizeof buf, -1);
	ck_assert_str_eq(buf, "1969-12-31T23:59:59Z");
	billtap_time_format(buf, sizeof buf, 951782400);
	ck_assert_str_eq(buf, "2000-02-29T00:00:00Z");
	ck_assert_int_eq(billtap_time_format(buf, 20, 0), BILLTAP_EINVAL);
	/* Every day of four centuries survives a round trip. */
	for (int64_t t = -2208988800LL; t < 10413792000LL; t += 86400 + 3601) {
		int64_t back;
		billtap_time_format(buf, sizeof buf, t);
		ck_assert_int_eq(billtap_time_parse(&back, buf), 0);
		ck_assert_int_eq(back, t);
	}
}
END_TEST

START_TEST(record_set_get)
{
	billtap_record *r;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER), 0);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_ID, "cus_1", 5), 0);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_NAME, "Zoë", strlen("Zoë")), 0);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1700000000), 0);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0), 0);
	/* wrong types and fields of other kinds */
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_NAME, 1), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_STATUS, "active", 6), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 2), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_EMAIL, "\xff", 1), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_EMAIL, "a\0b", 3), BILLTAP_EDATA);

	const char *s;
	int64_t v;
	ck_assert_int_eq(billtap_record_get_str(&s, r, BILLTAP_FIELD_NAME), 0);
	ck_assert_str_eq(s, "Zoë");
	ck_assert_int_eq(billtap_record_get_str(&s, r, BILLTAP_FIELD_EMAIL), BILLTAP_ENOTFOUND);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(billtap_record_get_int(&v, r, BILLTAP_FIELD_CREATED_AT), 0);
	ck_assert_int_eq(v, 1700000000);
	ck_assert_int_eq(billtap_record_get_int(&v, r, BILLTAP_FIELD_AMOUNT), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_get_str(&s, r, BILLTAP_FIELD_CREATED_AT), BILLTAP_ETYPE);
	ck_assert_str_eq(billtap_record_id(r), "cus_1");
	ck_assert_int_eq(billtap_record_kind_of(r), BILLTAP_RECORD_CUSTOMER);
	ck_assert_uint_eq(billtap_record_item_count(r), 0);

	/* Overwriting, and setting null again. */
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_NAME, "Ana", 3), 0);
	ck_assert_int_eq(billtap_record_get_str(&s, r, BILLTAP_FIELD_NAME), 0);
	ck_assert_str_eq(s, "Ana");
	ck_assert_int_eq(billtap_record_set_null(r, BILLTAP_FIELD_NAME), 0);
	ck_assert_int_eq(billtap_record_get_str(&s, r, BILLTAP_FIELD_NAME), BILLTAP_ENOTFOUND);
	billtap_record_free(r);
}
END_TEST

START_TEST(record_json_exact)
{
	billtap_record *r, *item;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_SUBSCRIPTION), 0);
	billtap_record_set_str(r, BILLTAP_FIELD_ID, "sub_\"1\"", 7);
	billtap_record_set_str(r, BILLTAP_FIELD_STATUS, "active", 6);
	billtap_record_set_int(r, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, 1);
	billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1559611663);
	billtap_record_set_int(r, BILLTAP_FIELD_CURRENT_PERIOD_END, -1);
	ck_assert_int_eq(billtap_record_add_item(&item, r), 0);
	billtap_record_set_str(item, BILLTAP_FIELD_ID, "si_1", 4);
	billtap_record_set_int(item, BILLTAP_FIELD_QUANTITY, 3);
	billtap_record_set_int(item, BILLTAP_FIELD_AMOUNT, 1999);
	billtap_record_set_str(item, BILLTAP_FIELD_CURRENCY, "USD", 3);
	billtap_record_set_int(item, BILLTAP_FIELD_CURRENCY_EXPONENT, 2);
	billtap_record_set_str(r, BILLTAP_FIELD_PROVIDER_STATUS, "a\tb\x01", 4);

	size_t len;
	const char *json = billtap_record_json(r, &len);
	const char *want =
		"{\"object\":\"subscription\",\"id\":\"sub_\\\"1\\\"\",\"customer_id\":null,"
		"\"status\":\"active\",\"provider_status\":\"a\\tb\\u0001\",\"started_at\":null,"
		"\"current_period_start\":null,\"current_period_end\":\"1969-12-31T23:59:59Z\","
		"\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null,"
		"\"cancel_at_period_end\":true,\"cancel_at\":null,\"ended_at\":null,\"paused\":null,"
		"\"pause_behavior\":null,\"resumes_at\":null,\"discounts\":null,"
		"\"created_at\":\"2019-06-04T01:27:43Z\",\"items\":[{\"object\":\"subscription_item\","
		"\"id\":\"si_1\",\"plan_id\":null,\"quantity\":3,\"usage_type\":null,\"amount\":1999,"
		"\"amount_decimal\":null,\"currency\":\"USD\",\"currency_exponent\":2,"
		"\"current_period_start\":null,\"current_period_end\":null}]}";
	ck_assert_str_eq(json, want);
	ck_assert_uint_eq(len, strlen(want));

	billtap_record *copy;
	ck_assert_int_eq(billtap_record_dup(&copy, r), 0);
	billtap_record_free(r);
	ck_assert_str_eq(billtap_record_json(copy, NULL), want);
	ck_assert_str_eq(billtap_record_id(billtap_record_item(copy, 0)), "si_1");
	ck_assert_ptr_null(billtap_record_item(copy, 1));
	billtap_record_free(copy);
}
END_TEST

START_TEST(record_raw_json_and_no_items_for_transactions)
{
	billtap_record *r, *item;
	size_t len;
	billtap_record_new(&r, BILLTAP_RECORD_TRANSACTION);
	ck_assert_ptr_null(billtap_record_raw_json(r, &len));
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(billtap_record_set_raw_json(r, "{\"id\":\"ch_1\"}", 13), 0);
	const char *raw = billtap_record_raw_json(r, &len);
	ck_assert_uint_eq(len, 13);
	ck_assert_int_eq(memcmp(raw, "{\"id\":\"ch_1\"}", 13), 0);
	ck_assert_int_eq(billtap_record_add_item(&item, r), BILLTAP_ETYPE);
	billtap_record_free(r);
}
END_TEST

START_TEST(schema_tables)
{
	billtap_field f[32];
	ck_assert_int_eq(billtap_record_kind_fields(f, 32, BILLTAP_RECORD_CUSTOMER), 6);
	ck_assert_int_eq(f[0], BILLTAP_FIELD_ID);
	ck_assert_int_eq(billtap_record_kind_fields(NULL, 0, BILLTAP_RECORD_TRANSACTION), 16);
	ck_assert_int_eq(billtap_record_kind_fields(f, 32, (billtap_record_kind)99), BILLTAP_EINVAL);
	ck_assert_str_eq(billtap_field_name(BILLTAP_FIELD_CURRENCY_EXPONENT), "currency_exponent");
	ck_assert_ptr_null(billtap_field_name((billtap_field)0));
	ck_assert_str_eq(billtap_field_name(BILLTAP_FIELD_DESCRIPTION), "description");
	ck_assert_ptr_null(billtap_field_name((billtap_field)(BILLTAP_FIELD_PRODUCT_NAME + 1)));
	ck_assert_int_eq(billtap_field_type_of(BILLTAP_FIELD_OCCURRED_AT), BILLTAP_TYPE_TIME);
	ck_assert_int_eq(billtap_field_type_of(BILLTAP_FIELD_AMOUNT), BILLTAP_TYPE_MONEY);
	ck_assert_int_eq(billtap_field_type_of(BILLTAP_FIELD_REFUNDED_AMOUNT), BILLTAP_TYPE_MONEY);
	ck_assert_int_eq(billtap_field_type_of(BILLTAP_FIELD_QUANTITY), BILLTAP_TYPE_INT);
	ck_assert_str_eq(billtap_record_kind_name(BILLTAP_RECORD_SUBSCRIPTION_ITEM),
	                 "subscription_item");
	billtap_resource r;
	ck_assert_int_eq(billtap_resource_from_name(&r, "plans"), 0);
	ck_assert_int_eq(r, BILLTAP_RESOURCE_PLANS);
	ck_assert_int_eq(billtap_resource_from_name(&r, "invoices"), 0);
	ck_assert_int_eq(r, BILLTAP_RESOURCE_INVOICES);
	ck_assert_int_eq(billtap_resource_from_name(&r, "refunds"), BILLTAP_EINVAL);
	ck_assert_str_eq(billtap_resource_name(BILLTAP_RESOURCE_TRANSACTIONS), "transactions");
	ck_assert_ptr_null(billtap_resource_name((billtap_resource)(BILLTAP_RESOURCE_INVOICES + 1)));
	ck_assert_str_eq(billtap_strerror(BILLTAP_EAUTH), "authentication failed");
	ck_assert_str_eq(billtap_strerror(-999), "unknown status code");
	int major, minor, patch;
	ck_assert_str_eq(billtap_version(&major, &minor, &patch), BILLTAP_VERSION_STRING);
	ck_assert_int_eq(major, BILLTAP_VERSION_MAJOR);
}
END_TEST

/* Everything a binding needs to build its readers comes from the tables at run time. */
START_TEST(schema_introspection)
{
	const char *member;
	ck_assert_int_eq(billtap_resource_kind(BILLTAP_RESOURCE_INVOICES), BILLTAP_RECORD_INVOICE);
	ck_assert_int_eq(billtap_resource_kind(BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_RECORD_CUSTOMER);
	ck_assert_int_eq(billtap_resource_kind((billtap_resource)0), 0);
	ck_assert_int_eq(billtap_record_kind_nested(&member, BILLTAP_RECORD_SUBSCRIPTION),
	                 BILLTAP_RECORD_SUBSCRIPTION_ITEM);
	ck_assert_str_eq(member, "items");
	ck_assert_int_eq(billtap_record_kind_nested(&member, BILLTAP_RECORD_INVOICE),
	                 BILLTAP_RECORD_INVOICE_LINE);
	ck_assert_str_eq(member, "lines");
	ck_assert_int_eq(billtap_record_kind_nested(&member, BILLTAP_RECORD_CUSTOMER), 0);
	ck_assert_ptr_null(member);
	ck_assert_int_eq(billtap_record_kind_nested(NULL, (billtap_record_kind)42), 0);

	billtap_record_kind k;
	ck_assert_int_eq(billtap_record_kind_from_name(&k, "invoice_line"), 0);
	ck_assert_int_eq(k, BILLTAP_RECORD_INVOICE_LINE);
	ck_assert_int_eq(billtap_record_kind_from_name(&k, "line"), BILLTAP_EINVAL);
	ck_assert_ptr_null(billtap_record_kind_name((billtap_record_kind)(BILLTAP_RECORD_INVOICE_LINE + 1)));

	billtap_field f;
	ck_assert_int_eq(billtap_field_from_name(&f, "amount_due"), 0);
	ck_assert_int_eq(f, BILLTAP_FIELD_AMOUNT_DUE);
	ck_assert_int_eq(billtap_field_from_name(&f, "amount due"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_field_from_name(NULL, "id"), BILLTAP_EINVAL);

	/* Nested records may lack an id; top-level ones never. */
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_SUBSCRIPTION_ITEM, BILLTAP_FIELD_ID), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE_LINE, BILLTAP_FIELD_ID), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE, BILLTAP_FIELD_ID), 0);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE, BILLTAP_FIELD_EMAIL),
	                 BILLTAP_EINVAL);
	/* Amounts a provider may not report are null rather than a made-up 0. */
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_TRANSACTION,
	                                        BILLTAP_FIELD_REFUNDED_AMOUNT), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE, BILLTAP_FIELD_AMOUNT_PAID), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE, BILLTAP_FIELD_AMOUNT_DUE), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_INVOICE, BILLTAP_FIELD_TOTAL), 0);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_TRANSACTION, BILLTAP_FIELD_AMOUNT), 0);

	const char *words[16];
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_INVOICE,
	                                          BILLTAP_FIELD_STATUS), 6);
	ck_assert_str_eq(words[0], "draft");
	ck_assert_str_eq(words[4], "uncollectible");
	ck_assert_int_eq(billtap_field_vocabulary(NULL, 0, BILLTAP_RECORD_SUBSCRIPTION,
	                                          BILLTAP_FIELD_STATUS), 7);
	ck_assert_int_eq(billtap_field_vocabulary(words, 1, BILLTAP_RECORD_INVOICE_LINE,
	                                          BILLTAP_FIELD_KIND), 6);
	ck_assert_str_eq(words[0], "subscription");
	/* "other" lets a provider keep a transaction no other word fits; 0.2 added the kinds
	 * of issue 9 (docs/data-model.md, "Transaction kinds") and "authorized". */
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_TRANSACTION,
	                                          BILLTAP_FIELD_KIND), 10);
	ck_assert_str_eq(words[0], "payment");
	ck_assert_str_eq(words[1], "refund");
	ck_assert_str_eq(words[2], "chargeback");
	ck_assert_str_eq(words[5], "payout");
	ck_assert_str_eq(words[9], "other");
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_TRANSACTION,
	                                          BILLTAP_FIELD_RESULT), 5);
	ck_assert_str_eq(words[0], "succeeded");
	ck_assert_str_eq(words[1], "failed");
	ck_assert_str_eq(words[2], "pending");
	ck_assert_str_eq(words[3], "authorized");
	ck_assert_str_eq(words[4], "other");
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_SUBSCRIPTION,
	                                          BILLTAP_FIELD_PAUSE_BEHAVIOR), 4);
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_PLAN,
	                                          BILLTAP_FIELD_USAGE_TYPE), 3);
	ck_assert_str_eq(words[1], "metered");
	/* fields added after 0.1.0 are nullable, so a provider written before them still
	 * passes validation */
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_SUBSCRIPTION, BILLTAP_FIELD_PAUSED), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_PLAN, BILLTAP_FIELD_CUSTOM_AMOUNT), 1);
	ck_assert_int_eq(billtap_field_nullable(BILLTAP_RECORD_SUBSCRIPTION_ITEM,
	                                        BILLTAP_FIELD_CURRENT_PERIOD_END), 1);
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_CUSTOMER,
	                                          BILLTAP_FIELD_EMAIL), 0);
	ck_assert_int_eq(billtap_field_vocabulary(words, 16, BILLTAP_RECORD_CUSTOMER,
	                                          BILLTAP_FIELD_STATUS), BILLTAP_EINVAL);
}
END_TEST

/* An invoice with an id-less line: every member present, lines nested as "lines". */
START_TEST(invoice_json_and_idless_lines)
{
	billtap_record *inv, *line;
	ck_assert_int_eq(billtap_record_new(&inv, BILLTAP_RECORD_INVOICE), 0);
	billtap_record_set_str(inv, BILLTAP_FIELD_ID, "in_1", 4);
	billtap_record_set_str(inv, BILLTAP_FIELD_STATUS, "paid", 4);
	billtap_record_set_str(inv, BILLTAP_FIELD_CURRENCY, "JPY", 3);
	billtap_record_set_int(inv, BILLTAP_FIELD_CURRENCY_EXPONENT, 0);
	billtap_field money[] = { BILLTAP_FIELD_SUBTOTAL, BILLTAP_FIELD_DISCOUNT, BILLTAP_FIELD_TAX,
		                  BILLTAP_FIELD_TOTAL, BILLTAP_FIELD_AMOUNT_PAID, BILLTAP_FIELD_AMOUNT_DUE };
	for (size_t i = 0; i < sizeof money / sizeof money[0]; i++)
		ck_assert_int_eq(billtap_record_set_int(inv, money[i], (int64_t)i * 100), 0);
	billtap_record_set_int(inv, BILLTAP_FIELD_CREATED_AT, 86400);
	ck_assert_int_eq(billtap_record_add_item(&line, inv), 0);
	ck_assert_int_eq(billtap_record_kind_of(line), BILLTAP_RECORD_INVOICE_LINE);
	billtap_record_set_str(line, BILLTAP_FIELD_KIND, "one_off", 7);
	billtap_record_set_int(line, BILLTAP_FIELD_AMOUNT, 500);
	billtap_record_set_str(line, BILLTAP_FIELD_CURRENCY, "JPY", 3);
	billtap_record_set_int(line, BILLTAP_FIELD_CURRENCY_EXPONENT, 0);
	billtap_record_set_int(line, BILLTAP_FIELD_PRORATION, 0);
	ck_assert_ptr_null(billtap_record_id(line));
	char msg[200];
	ck_assert_int_eq(bt_record_validate(inv, msg, sizeof msg), 0);
	const char *json = billtap_record_json(inv, NULL);
	ck_assert_str_eq(json,
	    "{\"object\":\"invoice\",\"id\":\"in_1\",\"number\":null,\"customer_id\":null,"
	    "\"subscription_id\":null,\"status\":\"paid\",\"provider_status\":null,"
	    "\"currency\":\"JPY\",\"currency_exponent\":0,\"subtotal\":0,\"discount\":100,"
	    "\"tax\":200,\"total\":300,\"amount_paid\":400,\"amount_due\":500,"
	    "\"created_at\":\"1970-01-02T00:00:00Z\",\"issued_at\":null,\"due_at\":null,"
	    "\"paid_at\":null,\"voided_at\":null,\"period_start\":null,\"period_end\":null,"
	    "\"lines\":[{\"object\":\"invoice_line\",\"id\":null,\"kind\":\"one_off\","
	    "\"plan_id\":null,\"description\":null,\"quantity\":null,\"amount\":500,"
	    "\"currency\":\"JPY\",\"currency_exponent\":0,\"period_start\":null,"
	    "\"period_end\":null,\"proration\":false}]}");
	/* A word outside the line-kind vocabulary, and a missing required field, are refused. */
	billtap_record_set_str(line, BILLTAP_FIELD_KIND, "payment", 7);
	ck_assert_int_eq(bt_record_validate(inv, msg, sizeof msg), BILLTAP_EDATA);
	ck_assert_str_eq(msg, "invoice_line (no id): kind has a value outside the normalized vocabulary");
	billtap_record_set_str(line, BILLTAP_FIELD_KIND, "proration", 9);
	/* A provider that does not report what was paid or is due leaves them null. */
	billtap_record_set_null(inv, BILLTAP_FIELD_AMOUNT_PAID);
	billtap_record_set_null(inv, BILLTAP_FIELD_AMOUNT_DUE);
	ck_assert_int_eq(bt_record_validate(inv, msg, sizeof msg), 0);
	ck_assert_ptr_nonnull(strstr(billtap_record_json(inv, NULL),
	                             "\"amount_paid\":null,\"amount_due\":null,"));
	billtap_record_set_null(inv, BILLTAP_FIELD_TAX);
	ck_assert_int_eq(bt_record_validate(inv, msg, sizeof msg), BILLTAP_EDATA);
	ck_assert_str_eq(msg, "invoice in_1: tax is missing");
	/* Fields of other kinds have no place here. */
	ck_assert_int_eq(billtap_record_set_int(inv, BILLTAP_FIELD_QUANTITY, 1), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_set_str(line, BILLTAP_FIELD_EMAIL, "a", 1), BILLTAP_ETYPE);
	billtap_record_free(inv);
}
END_TEST

/* Items built elsewhere move into a record: a follow-up page mapped on its own. */
START_TEST(items_attach_and_move)
{
	billtap_record *sub, *scratch, *item, *cust;
	billtap_record_new(&sub, BILLTAP_RECORD_SUBSCRIPTION);
	billtap_record_new(&scratch, BILLTAP_RECORD_SUBSCRIPTION);
	billtap_record_new(&cust, BILLTAP_RECORD_CUSTOMER);
	for (int i = 0; i < 3; i++) {
		char id[8];
		snprintf(id, sizeof id, "si_%d", i);
		ck_assert_int_eq(billtap_record_new(&item, BILLTAP_RECORD_SUBSCRIPTION_ITEM), 0);
		billtap_record_set_str(item, BILLTAP_FIELD_ID, id, strlen(id));
		ck_assert_int_eq(billtap_record_attach_item(i ? scratch : sub, item), 0);
	}
	ck_assert_int_eq(billtap_record_move_items(sub, scratch), 0);
	ck_assert_uint_eq(billtap_record_item_count(sub), 3);
	ck_assert_uint_eq(billtap_record_item_count(scratch), 0);
	ck_assert_str_eq(billtap_record_id(billtap_record_item(sub, 0)), "si_0");
	ck_assert_str_eq(billtap_record_id(billtap_record_item(sub, 2)), "si_2");
	/* Wrong kinds: refused, and attach frees what it was given either way. */
	billtap_record_new(&item, BILLTAP_RECORD_INVOICE_LINE);
	ck_assert_int_eq(billtap_record_attach_item(sub, item), BILLTAP_ETYPE);
	billtap_record_new(&item, BILLTAP_RECORD_SUBSCRIPTION_ITEM);
	ck_assert_int_eq(billtap_record_attach_item(cust, item), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_attach_item(NULL, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_record_move_items(cust, sub), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_move_items(sub, sub), BILLTAP_EINVAL);
	/* A copy keeps the nested records. */
	billtap_record *copy;
	ck_assert_int_eq(billtap_record_dup(&copy, sub), 0);
	ck_assert_uint_eq(billtap_record_item_count(copy), 3);
	ck_assert_str_eq(billtap_record_id(billtap_record_item(copy, 1)), "si_1");
	billtap_record_free(copy);
	billtap_record_free(sub);
	billtap_record_free(scratch);
	billtap_record_free(cust);
}
END_TEST

Suite *model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("money");
	tcase_add_test(tc, money_exact);
	tcase_add_test(tc, money_refused);
	tcase_add_test(tc, currency_codes);
	suite_add_tcase(s, tc);
	tc = tcase_create("time");
	tcase_add_test(tc, time_parse_formats);
	tcase_add_test(tc, time_parse_refuses);
	tcase_add_test(tc, time_format_round_trip);
	suite_add_tcase(s, tc);
	tc = tcase_create("records");
	tcase_add_test(tc, record_set_get);
	tcase_add_test(tc, record_json_exact);
	tcase_add_test(tc, record_raw_json_and_no_items_for_transactions);
	tcase_add_test(tc, schema_tables);
	tcase_add_test(tc, schema_introspection);
	tcase_add_test(tc, invoice_json_and_idless_lines);
	tcase_add_test(tc, items_attach_and_move);
	suite_add_tcase(s, tc);
	return s;
}
