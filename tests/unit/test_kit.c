/*
 * The provider kit: JSON readers, the mapper's first-error messages, vocabularies,
 * response errors, push-and-mark, the JSON writer and path segments.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billtap/provider_kit.h"
#include "core.h"
#include "testutil.h"

Suite *kit_suite(void);

static billtap_json *doc;
static fake_transport ft;
static billtap_client *client;
static billtap_ctx ctx;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	ck_assert_int_eq(billtap_json_new(&doc), 0);
	client = fake_client(&ft, "stripe");
	ctx = (billtap_ctx){ client, BILLTAP_RESOURCE_INVOICES, NULL, &client->settings, NULL, 0 };
}

static void teardown(void)
{
	billtap_json_free(doc);
	billtap_client_free(client);
	fake_reset(&ft);
}

static billtap_json_ref parse(const char *text)
{
	ck_assert_int_eq(billtap_json_parse(doc, text, strlen(text)), 0);
	return billtap_json_root(doc);
}

START_TEST(json_readers)
{
	billtap_json_ref root = parse("{\"a\":{\"b\":{\"c\":\"x\"}},\"n\":\"-42\",\"big\":\"99999999999999999999\","
	                              "\"f\":1.5,\"t\":1700000000,\"ts\":\"2024-05-01T12:00:00+0200\","
	                              "\"nul\":\"a\\u0000b\",\"esc\":\"\\u00e9t\\u00e9\",\"d\":\"2024-05-01\"}");
	ck_assert(billtap_json_str_eq(doc, billtap_json_path(doc, root, "a.b.c"), "x"));
	ck_assert_uint_eq(billtap_json_path(doc, root, "a.x.c"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_path(doc, root, "a..b"), BILLTAP_JSON_NONE);
	ck_assert_uint_eq(billtap_json_path(doc, root, ""), root);

	char *s;
	ck_assert_int_eq(billtap_json_strdup(&s, doc, billtap_json_get(doc, root, "esc")), 0);
	ck_assert_str_eq(s, "été");
	free(s);
	ck_assert_int_eq(billtap_json_strdup(&s, doc, billtap_json_get(doc, root, "nul")), BILLTAP_EDATA);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(billtap_json_strdup(&s, doc, billtap_json_get(doc, root, "t")), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_strdup(&s, doc, billtap_json_get(doc, root, "zz")), BILLTAP_ENOTFOUND);

	int64_t v = 7;
	ck_assert_int_eq(billtap_json_integer(&v, doc, billtap_json_get(doc, root, "n"), 0), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_integer(&v, doc, billtap_json_get(doc, root, "n"),
	                                      BILLTAP_MAP_NUMERIC_STRING), 0);
	ck_assert_int_eq(v, -42);
	ck_assert_int_eq(billtap_json_integer(&v, doc, billtap_json_get(doc, root, "big"),
	                                      BILLTAP_MAP_NUMERIC_STRING), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_json_integer(&v, doc, billtap_json_get(doc, root, "f"), 0), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_json_integer(&v, doc, billtap_json_get(doc, root, "zz"), 0),
	                 BILLTAP_ENOTFOUND);

	ck_assert_int_eq(billtap_json_time(&v, doc, billtap_json_get(doc, root, "t")), 0);
	ck_assert_int_eq(v, 1700000000);
	ck_assert_int_eq(billtap_json_time(&v, doc, billtap_json_get(doc, root, "ts")), 0);
	ck_assert_int_eq(v, 1714557600); /* 10:00 UTC */
	ck_assert_int_eq(billtap_json_time(&v, doc, billtap_json_get(doc, root, "d")), 0);
	ck_assert_int_eq(v, 1714521600);
	ck_assert_int_eq(billtap_json_time(&v, doc, billtap_json_get(doc, root, "esc")), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_json_time(&v, doc, billtap_json_get(doc, root, "f")), BILLTAP_EDATA);
}
END_TEST

START_TEST(json_money_exact)
{
	billtap_json_ref root = parse("{\"float\":12.3,\"str\":\"12.30\",\"minor\":1230,\"mstr\":\"1230\","
	                              "\"tiny\":\"0.001\",\"tinyn\":0.1E-2,\"exp\":1.5e2,\"neg\":\"-78.00\","
	                              "\"sum\":0.30000000000000004,\"huge\":\"92233720368547758.08\"}");
	int64_t v;
#define MONEY(key, exp, flags) billtap_json_money(&v, doc, billtap_json_get(doc, root, key), exp, flags)
	ck_assert_int_eq(MONEY("float", 2, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, 1230); /* the lexeme's digits, never a double */
	ck_assert_int_eq(MONEY("str", 2, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, 1230);
	ck_assert_int_eq(MONEY("str", 0, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_EDATA);
	ck_assert_int_eq(MONEY("minor", 2, 0), 0);
	ck_assert_int_eq(v, 1230);
	ck_assert_int_eq(MONEY("mstr", 2, 0), BILLTAP_ETYPE);
	ck_assert_int_eq(MONEY("mstr", 2, BILLTAP_MAP_NUMERIC_STRING), 0);
	ck_assert_int_eq(v, 1230);
	ck_assert_int_eq(MONEY("tiny", 2, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_EDATA);
	ck_assert_int_eq(MONEY("tiny", 3, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(MONEY("tinyn", 3, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(MONEY("exp", 2, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, 15000);
	ck_assert_int_eq(MONEY("neg", 2, BILLTAP_MAP_MAJOR_UNITS), 0);
	ck_assert_int_eq(v, -7800);
	ck_assert_int_eq(MONEY("sum", 2, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_EDATA);
	ck_assert_int_eq(MONEY("huge", 2, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_EDATA);
	ck_assert_int_eq(MONEY("absent", 2, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_ENOTFOUND);
	ck_assert_int_eq(MONEY("str", 7, BILLTAP_MAP_MAJOR_UNITS), BILLTAP_EINVAL);
#undef MONEY
}
END_TEST

static const billtap_vocab statuses[] = {
	{ "paid", "paid" }, { "void", "void" }, { "uncollectible", "uncollectible" }, { NULL, NULL },
};

START_TEST(mapper_fills_a_record)
{
	billtap_json_ref root = parse(
		"{\"id\":\"in_1\",\"number\":\"A-1\",\"customer\":{\"id\":\"cus_1\",\"x\":1},\"status\":\"paid\","
		"\"currency\":\"kwd\",\"subtotal\":1230,\"total\":\"1.230\",\"created\":86400,"
		"\"lines\":[{\"amount\":5,\"kind\":\"x\"}]}");
	billtap_map m;
	billtap_record *rec;
	ck_assert_int_eq(billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, root, "id", &ctx), 0);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	billtap_map_ref_id(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, NULL, BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_SUBTOTAL, "subtotal", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_TOTAL, "total", BILLTAP_MAP_MAJOR_UNITS);
	billtap_map_set_int(&m, BILLTAP_FIELD_DISCOUNT, 0);
	billtap_map_set_int(&m, BILLTAP_FIELD_TAX, 0);
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_PAID, 1230);
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_DUE, 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_PAID_AT, "paid_at", 0);

	billtap_map item;
	billtap_json_ref line = billtap_json_first(doc, billtap_json_get(doc, root, "lines"));
	ck_assert_int_eq(billtap_map_begin_item(&item, m.rec, "line", doc, line, NULL, &ctx), 0);
	billtap_map_set_str(&item, BILLTAP_FIELD_KIND, "one_off");
	billtap_map_currency(&item, "currency", NULL); /* lines have their own: absent here */
	ck_assert_int_eq(billtap_map_end(NULL, &item), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(client),
	                 "stripe: invoices: line (no id): currency is missing");
	/* The parent keeps going only if the caller passes the item's error on. */
	ck_assert_int_eq(billtap_map_fail(&m, BILLTAP_EDATA, NULL, NULL), BILLTAP_EDATA);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0); /* a no-op now */
	ck_assert_int_eq(billtap_map_end(&rec, &m), BILLTAP_EDATA);
	ck_assert_ptr_null(rec);
	ck_assert_str_eq(billtap_client_error_message(client),
	                 "stripe: invoices: line (no id): currency is missing");

	/* Again without the broken line: a complete record. */
	ck_assert_int_eq(billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, root, "id", &ctx), 0);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, NULL, BILLTAP_MAP_REQUIRED);
	billtap_map_currency(&m, "currency", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_TOTAL, "total", BILLTAP_MAP_MAJOR_UNITS);
	/* NULL sets null on any field, money included (a provider that does not report it). */
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_PAID, 5);
	ck_assert_int_eq(billtap_map_set_str(&m, BILLTAP_FIELD_AMOUNT_PAID, NULL), 0);
	ck_assert_int_eq(billtap_map_end(&rec, &m), 0);
	int64_t v;
	ck_assert_int_eq(billtap_record_get_int(&v, rec, BILLTAP_FIELD_AMOUNT_PAID), BILLTAP_ENOTFOUND);
	const char *str;
	ck_assert_int_eq(billtap_record_get_int(&v, rec, BILLTAP_FIELD_TOTAL), 0);
	ck_assert_int_eq(v, 1230); /* KWD has 3 decimals */
	ck_assert_int_eq(billtap_record_get_int(&v, rec, BILLTAP_FIELD_CURRENCY_EXPONENT), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(billtap_record_get_str(&str, rec, BILLTAP_FIELD_CUSTOMER_ID), 0);
	ck_assert_str_eq(str, "cus_1");
	size_t len, want_len;
	const char *raw = billtap_record_raw_json(rec, &len), *want;
	billtap_json_text(&want, &want_len, doc, root);
	ck_assert_uint_eq(len, want_len); /* the provider's object, kept as it came */
	ck_assert_int_eq(memcmp(raw, want, len), 0);
	billtap_record_free(rec);
}
END_TEST

/* Each failure names the object, its id, the member and the problem; the first one wins. */
START_TEST(mapper_messages)
{
	struct {
		const char *json;
		const char *want;
	} cases[] = {
		{ "{\"number\":1}", "invoice (no id): id is missing" },
		{ "[1]", "invoice (no id): (object) is not a JSON object" },
		{ "{\"id\":7}", "invoice (no id): id is not a string" },
		{ "{\"id\":\"in_2\",\"number\":5}", "invoice in_2: number is not a string" },
		{ "{\"id\":\"in_2\",\"status\":\"weird\\n\"}",
		  "invoice in_2: status has a value this provider mapping does not know: 'weird?'" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"currency\":\"usd\",\"total\":\"1.234\"}",
		  "invoice in_2: total is not an exact amount of USD (more than 2 decimals, or out of range)" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"currency\":\"us\"}",
		  "invoice in_2: currency is not a 3-letter currency code" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"currency\":\"XYZ\"}",
		  "invoice in_2: currency XYZ is not a currency this provider knows" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"currency\":\"usd\",\"total\":1,\"created\":\"soon\"}",
		  "invoice in_2: created is neither Unix seconds nor an RFC 3339 date-time" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"currency\":\"usd\",\"total\":1,\"created\":1,"
		  "\"customer\":{\"name\":\"x\"}}",
		  "invoice in_2: customer is neither an id nor an object with an id" },
		/* \u0000 named for what it is (it used to read "is not valid UTF-8 text"). */
		{ "{\"id\":\"in_2\",\"number\":\"A\\u0000B\"}",
		  "invoice in_2: number holds \\u0000, a NUL character, which text fields do not allow" },
		{ "{\"id\":\"in_2\",\"number\":\"A\\\\u0000B\",\"status\":5}", /* an escaped backslash */
		  "invoice in_2: status is not a string" },
		/* Repeated member names: ambiguous, refused (compared decoded, nested objects too,
		 * small and large objects). */
		{ "{\"id\":\"in_2\",\"total\":1,\"total\":2}",
		  "invoice in_2: total appears twice in one object: which value is meant is ambiguous" },
		{ "{\"id\":\"in_2\",\"status\":\"paid\",\"st\\u0061tus\":\"void\"}",
		  "invoice in_2: status appears twice in one object: which value is meant is ambiguous" },
		{ "{\"id\":\"in_2\",\"customer\":{\"id\":\"cus_1\",\"x\\n\":1,\"x\\n\":2}}",
		  "invoice in_2: x? appears twice in one object: which value is meant is ambiguous" },
		{ "{\"id\":\"in_2\",\"k1\":1,\"k2\":1,\"k3\":1,\"k4\":1,\"k5\":1,\"k6\":1,\"k7\":1,"
		  "\"k8\":1,\"k9\":1,\"k10\":1,\"k11\":1,\"k12\":1,\"k13\":1,\"k\\u0036\":2}",
		  "invoice in_2: k6 appears twice in one object: which value is meant is ambiguous" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		billtap_json_ref root = parse(cases[i].json);
		billtap_map m;
		billtap_record *rec;
		billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, root, "id", &ctx);
		billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0);
		billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, NULL, BILLTAP_MAP_REQUIRED);
		billtap_map_currency(&m, "currency", NULL);
		billtap_map_money(&m, BILLTAP_FIELD_TOTAL, "total", BILLTAP_MAP_MAJOR_UNITS);
		billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
		billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
		billtap_map_money(&m, BILLTAP_FIELD_SUBTOTAL, "subtotal", BILLTAP_MAP_REQUIRED);
		ck_assert_int_eq(billtap_map_end(&rec, &m), BILLTAP_EDATA);
		ck_assert_ptr_null(rec);
		char want[300];
		snprintf(want, sizeof want, "stripe: invoices: %s", cases[i].want);
		ck_assert_str_eq(billtap_client_error_message(client), want);
	}
	/* The last case failed only on the required subtotal: */
	billtap_json_ref root = parse("{\"id\":\"in_3\",\"currency\":\"usd\"}");
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, root, "id", &ctx);
	billtap_map_money(&m, BILLTAP_FIELD_SUBTOTAL, "subtotal", BILLTAP_MAP_REQUIRED);
	ck_assert_int_eq(m.status, BILLTAP_EINVAL); /* money before currency: a provider bug */
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(client), "before the record's currency"));
	billtap_map_end(NULL, &m);
	/* A field the kind does not have is a provider bug, named. */
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, root, "id", &ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "currency", 0);
	ck_assert_int_eq(billtap_map_end(NULL, &m), BILLTAP_EINVAL);
	ck_assert_str_eq(billtap_client_error_message(client),
	                 "stripe: invoices: customer in_3: currency maps to field number, which "
	                 "customer records do not have");
}
END_TEST

/* The exponent a provider's exponent_of() gives: 0..6 are money billtap can hold exactly
 * (billtap_json_money's range), anything else is refused, never used. */
static int exponent_answer;

static int exponent_of_answer(const char *code)
{
	(void)code;
	return exponent_answer;
}

START_TEST(mapper_currency_exponent_bounds)
{
	billtap_json_ref root = parse("{\"id\":\"pl_1\",\"currency\":\"xts\"}");
	for (exponent_answer = -2; exponent_answer <= 9; exponent_answer++) {
		billtap_map m;
		billtap_record *rec;
		billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "plan", doc, root, "id", &ctx);
		int rc = billtap_map_currency(&m, "currency", exponent_of_answer);
		int64_t got = -1;
		if (exponent_answer >= 0 && exponent_answer <= 6) {
			ck_assert_int_eq(rc, 0);
			ck_assert_int_eq(billtap_record_get_int(&got, m.rec, BILLTAP_FIELD_CURRENCY_EXPONENT), 0);
			ck_assert_int_eq(got, exponent_answer);
		} else {
			ck_assert_msg(rc == BILLTAP_EDATA, "exponent %d: got %d", exponent_answer, rc);
			ck_assert_str_eq(billtap_client_error_message(client),
			                 "stripe: invoices: plan pl_1: currency XTS is not a currency this "
			                 "provider knows");
		}
		billtap_map_end(&rec, &m);
		billtap_record_free(rec);
	}
}
END_TEST

START_TEST(vocab_lookup)
{
	billtap_json_ref root = parse("{\"a\":\"void\",\"b\":\"VOID\",\"c\":3}");
	ck_assert_str_eq(billtap_vocab_lookup(statuses, doc, billtap_json_get(doc, root, "a"), "other"),
	                 "void");
	ck_assert_str_eq(billtap_vocab_lookup(statuses, doc, billtap_json_get(doc, root, "b"), "other"),
	                 "other");
	ck_assert_ptr_null(billtap_vocab_lookup(statuses, doc, billtap_json_get(doc, root, "c"), NULL));
	ck_assert_ptr_null(billtap_vocab_lookup(NULL, doc, billtap_json_get(doc, root, "a"), NULL));
}
END_TEST

/* Error envelopes become the client's error; a foreign body is quoted, never parsed.
 * (Through the Stripe provider, which declares its envelope's paths to the kit.) */
START_TEST(response_errors)
{
	fake_add(&ft, 402, "Request-Id: req_9", "{\"error\":{\"type\":\"card_error\",\"message\":\"Your card\\nwas declined\"}}");
	fake_add(&ft, 503, NULL, "<html>\x01 down</html>");
	fake_add(&ft, 200, NULL, "");
	fake_add(&ft, 200, "Request-Id: req_p", "{\"a\":");
	fake_add(&ft, 200, "Request-Id: req_d",
	         "{\"object\":\"list\",\"data\":[],\"has_more\":false,\"has_more\":true}");
	for (int i = 0; i < 5; i++) {
		/* Drive the transport directly: a response object from a real iteration. */
		billtap_iter *it;
		const billtap_record *r;
		billtap_client_set(client, "api_key", "sk_test_x");
		billtap_client_set(client, "max_retries", "0");
		ck_assert_int_eq(billtap_iter_new(&it, client, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
		int rc = billtap_iter_next(&r, it);
		const char *msg = billtap_client_error_message(client);
		switch (i) {
		case 0:
			ck_assert_int_eq(rc, BILLTAP_EREQUEST);
			ck_assert_str_eq(msg, "stripe: customers: GET /v1/customers: HTTP 402 (request req_9): "
			                      "card_error: Your card was declined");
			ck_assert_str_eq(billtap_client_error_request_id(client), "req_9");
			break;
		case 1:
			ck_assert_int_eq(rc, BILLTAP_ESERVER);
			ck_assert_str_eq(msg, "stripe: customers: GET /v1/customers: HTTP 503: <html>? down</html>");
			break;
		case 2:
			ck_assert_int_eq(rc, BILLTAP_EPARSE);
			break;
		case 3:
			ck_assert_int_eq(rc, BILLTAP_EPARSE);
			ck_assert_ptr_nonnull(strstr(msg, "HTTP 200 (request req_p): response is not valid JSON: offset"));
			break;
		default: /* an envelope with has_more twice: which one? */
			ck_assert_int_eq(rc, BILLTAP_EDATA);
			ck_assert_str_eq(msg, "stripe: customers: GET /v1/customers: HTTP 200 (request req_d): "
			                      "response has member has_more twice in one object: which value "
			                      "is meant is ambiguous");
		}
		billtap_iter_free(it);
	}
	char out[32];
	billtap_response_excerpt(out, sizeof out, NULL);
	ck_assert_str_eq(out, "empty response body");
}
END_TEST

START_TEST(setting_copies)
{
	char *v;
	billtap_client_set(client, "stripe_account", "");
	ck_assert_int_eq(billtap_ctx_setting_dup(&v, &ctx, "stripe_account"), 0);
	ck_assert_ptr_null(v); /* empty is unset */
	ck_assert_int_eq(billtap_ctx_setting_dup(&v, &ctx, "page_size"), 0);
	ck_assert_str_eq(v, "100");
	free(v);
	ck_assert_int_eq(billtap_ctx_setting_dup(NULL, &ctx, "page_size"), BILLTAP_EINVAL);
	/* No key or no context is a provider bug, not an unset setting: refused, and with a
	 * context recorded. */
	v = (char *)"stale";
	ck_assert_int_eq(billtap_ctx_setting_dup(&v, &ctx, NULL), BILLTAP_EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_int_eq(billtap_client_error_code(client), BILLTAP_EINVAL);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(client), "key is NULL"));
	v = (char *)"stale";
	ck_assert_int_eq(billtap_ctx_setting_dup(&v, NULL, "page_size"), BILLTAP_EINVAL);
	ck_assert_ptr_null(v);
}
END_TEST

static const char *written(billtap_json_writer *w)
{
	const char *text;
	size_t len;
	int rc = billtap_json_writer_text(&text, &len, w);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(len, strlen(text));
	return text;
}

START_TEST(json_writer)
{
	billtap_json_writer *w;
	ck_assert_int_eq(billtap_json_writer_new(&w), 0);
	billtap_json_write_object_begin(w);
	billtap_json_write_key(w, "query");
	billtap_json_write_string(w, "query($f: Int) { a }", 20);
	billtap_json_write_key(w, "variables");
	billtap_json_write_object_begin(w);
	billtap_json_write_key(w, "first");
	billtap_json_write_int(w, INT64_MIN);
	billtap_json_write_key(w, "after");
	billtap_json_write_null(w);
	billtap_json_write_key(w, "ids");
	billtap_json_write_array_begin(w);
	billtap_json_write_string(w, "a\"b\\c\n\x01", 7);
	billtap_json_write_bool(w, 1);
	billtap_json_write_array_begin(w);
	billtap_json_write_array_end(w);
	billtap_json_write_string(w, "n\0l", 3);
	billtap_json_write_array_end(w);
	billtap_json_write_object_end(w);
	ck_assert_int_eq(billtap_json_write_object_end(w), 0);
	const char *text = written(w);
	ck_assert_str_eq(text, "{\"query\":\"query($f: Int) { a }\",\"variables\":{\"first\":"
	                       "-9223372036854775808,\"after\":null,\"ids\":[\"a\\\"b\\\\c\\n\\u0001\","
	                       "true,[],\"n\\u0000l\"]}}");
	/* What it wrote parses back. */
	ck_assert_int_eq(billtap_json_parse(doc, text, strlen(text)), 0);

	/* Misuse latches EINVAL; bad UTF-8 EDATA; a reset starts over. */
	const char *t;
	billtap_json_writer_reset(w);
	billtap_json_write_object_begin(w);
	ck_assert_int_eq(billtap_json_write_int(w, 1), BILLTAP_EINVAL); /* a value where a key belongs */
	ck_assert_int_eq(billtap_json_write_key(w, "k"), BILLTAP_EINVAL); /* latched */
	ck_assert_int_eq(billtap_json_writer_text(&t, NULL, w), BILLTAP_EINVAL);
	ck_assert_ptr_null(t);
	billtap_json_writer_reset(w);
	billtap_json_write_array_begin(w);
	ck_assert_int_eq(billtap_json_writer_text(&t, NULL, w), BILLTAP_EINVAL); /* unclosed */
	ck_assert_int_eq(billtap_json_write_object_end(w), BILLTAP_EINVAL);      /* wrong closer */
	billtap_json_writer_reset(w);
	ck_assert_int_eq(billtap_json_write_string(w, "\xc3", 1), BILLTAP_EDATA);
	billtap_json_writer_reset(w);
	billtap_json_write_int(w, 5);
	ck_assert_int_eq(billtap_json_write_int(w, 6), BILLTAP_EINVAL); /* one top value */
	billtap_json_writer_reset(w);
	billtap_json_write_object_begin(w);
	billtap_json_write_key(w, "k");
	ck_assert_int_eq(billtap_json_write_object_end(w), BILLTAP_EINVAL); /* key without value */
	billtap_json_writer_reset(w);
	for (int i = 0; i < BILLTAP_JSON_MAX_DEPTH; i++)
		ck_assert_int_eq(billtap_json_write_array_begin(w), 0);
	ck_assert_int_eq(billtap_json_write_array_begin(w), BILLTAP_EINVAL);
	billtap_json_writer_reset(w);
	billtap_json_write_string(w, "", 0);
	ck_assert_str_eq(written(w), "\"\"");
	billtap_json_writer_free(w);
	billtap_json_writer_free(NULL);
	ck_assert_int_eq(billtap_json_write_null(NULL), BILLTAP_EINVAL);
}
END_TEST

START_TEST(request_path_segments)
{
	billtap_request req;
	bt_request_init(&req);
	ck_assert_int_eq(billtap_request_add_path(&req, "x"), BILLTAP_EINVAL); /* no URL yet */
	ck_assert_int_eq(billtap_request_set_url(&req, "https://api.example.com/", "/v1/plans?a=1"), 0);
	ck_assert_int_eq(billtap_request_add_path(&req, "P-1/../x y"), 0);
	ck_assert_int_eq(billtap_request_add_path(&req, "lines"), 0);
	ck_assert_int_eq(billtap_request_add_query(&req, "limit", "1"), 0);
	ck_assert_str_eq(billtap_request_url(&req),
	                 "https://api.example.com/v1/plans/P-1%2F..%2Fx%20y/lines?limit=1");
	ck_assert_int_eq(billtap_request_add_path(&req, ""), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_add_path(&req, NULL), BILLTAP_EINVAL);
	bt_request_free(&req);
}
END_TEST

Suite *kit_suite(void)
{
	Suite *s = suite_create("kit");
	TCase *tc = tcase_create("kit");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, json_readers);
	tcase_add_test(tc, json_money_exact);
	tcase_add_test(tc, mapper_fills_a_record);
	tcase_add_test(tc, mapper_messages);
	tcase_add_test(tc, mapper_currency_exponent_bounds);
	tcase_add_test(tc, vocab_lookup);
	tcase_add_test(tc, response_errors);
	tcase_add_test(tc, setting_copies);
	tcase_add_test(tc, json_writer);
	tcase_add_test(tc, request_path_segments);
	suite_add_tcase(s, tc);
	return s;
}
