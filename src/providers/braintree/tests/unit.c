/* The Braintree provider from recorded answers (fixtures/README.md) through the scripted
 * transport: the GraphQL bodies, paging, the three searches of transactions, the mappings,
 * resume, and every error path (GraphQL errors with HTTP 200 and with partial data). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../braintree.h"
#include "../braintree_xml.h"
#include "alloc_fail.h"
#include "testutil.h"

Suite *braintree_unit_suite(void);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *bt_client(void)
{
	billtap_client *c = fake_client(&ft, "braintree");
	ck_assert_int_eq(billtap_client_set(c, "public_key", "v4ndq314c2s5c28r"), 0);
	ck_assert_int_eq(billtap_client_set(c, "private_key", "93b78bc88be90d93ac282e50ae569fdd"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://bt.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

#define C1 "Y3VzdG9tZXJfNjA4NDM5NTI="
#define C2 "Y3VzdG9tZXJfa2FuamkwMQ=="
#define C3 "Y3VzdG9tZXJfY29fb25seQ=="
#define T1 "dHJhbnNhY3Rpb25fOHcybTFrM3E="
#define T4 "dHJhbnNhY3Rpb25fanB5MDAwMDE="

static const char *const customers[] = {
	"{\"object\":\"customer\",\"id\":\"" C1 "\",\"email\":\"jen@example.com\",\"name\":\"Jen Smith\","
	"\"country\":null,\"created_at\":\"2024-05-01T12:00:00Z\",\"deleted\":false}",
	/* an empty firstName is no name; +02:00 becomes UTC */
	"{\"object\":\"customer\",\"id\":\"" C2 "\",\"email\":null,\"name\":\"山田 \\\"Yamada\\\"\","
	"\"country\":null,\"created_at\":\"2024-05-02T07:30:00Z\",\"deleted\":false}",
	"{\"object\":\"customer\",\"id\":\"" C3 "\",\"email\":\"billing@acme.example\",\"name\":\"Acme Ltd\","
	"\"country\":null,\"created_at\":\"2024-05-03T00:00:00Z\",\"deleted\":false}",
};

/* The body of a search, as JSON text, for comparing with what bt_query_body() writes. */
static void expect_body(const bt_search *search, int64_t first, int64_t since, const char *after,
                        const char *want_variables)
{
	billtap_json_writer *w;
	const char *text;
	size_t len;
	ck_assert_int_eq(billtap_json_writer_new(&w), 0);
	ck_assert_int_eq(bt_query_body(w, search, first, since, after), 0);
	ck_assert_int_eq(billtap_json_writer_text(&text, &len, w), 0);
	char *want = malloc(strlen(search->query) * 2 + strlen(want_variables) + 64);
	strcpy(want, "{\"query\":\"");
	strcat(want, search->query);
	strcat(want, "\",\"variables\":");
	strcat(want, want_variables);
	strcat(want, "}");
	char why[256];
	ck_assert_msg(json_equal(text, len, want, strlen(want), why, sizeof why), "%s: %s", why, text);
	free(want);
	billtap_json_writer_free(w);
}

/* Values travel as variables; the query is the constant text naming schema fields. */
START_TEST(bodies_carry_values_as_variables)
{
	size_t n;
	const bt_search *const *cs = bt_searches_for(BILLTAP_RESOURCE_CUSTOMERS, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(cs[0]->query, "customers(input: $input, first: $first, after: $after)"));
	expect_body(cs[0], 50, BILLTAP_TIME_NONE, NULL, "{\"input\":{},\"first\":50}");
	/* a cursor with quotes and braces stays a string value */
	expect_body(cs[0], 7, 1714564800, "a\"} { x",
	            "{\"input\":{\"createdAt\":{\"greaterThanOrEqualTo\":\"2024-05-01T12:00:00Z\"}},"
	            "\"first\":7,\"after\":\"a\\\"} { x\"}");
	const bt_search *const *ts = bt_searches_for(BILLTAP_RESOURCE_TRANSACTIONS, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(ts[0]->field, "transactions");
	ck_assert_str_eq(ts[1]->field, "refunds");
	ck_assert_str_eq(ts[2]->field, "disputes");
	/* disputes cannot be searched by createdAt: since is not sent */
	expect_body(ts[2], 50, 1714564800, NULL, "{\"input\":{},\"first\":50}");
	ck_assert_ptr_null(bt_searches_for(BILLTAP_RESOURCE_PLANS, &n));
	ck_assert_ptr_null(bt_searches_for(BILLTAP_RESOURCE_INVOICES, &n));
}
END_TEST

START_TEST(customers_two_pages)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/customers_p2.json");
	billtap_client *c = bt_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers, 3);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0], "http://bt.test/graphql");
	/* the docs' own example key pair */
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"),
	                 "Basic djRuZHEzMTRjMnM1YzI4cjo5M2I3OGJjODhiZTkwZDkzYWMyODJlNTBhZTU2OWZkZA==");
	ck_assert_str_eq(fake_header(&ft, 1, "Braintree-Version"), "2019-01-01");
	ck_assert_str_eq(fake_header(&ft, 1, "Content-Type"), "application/json");
	billtap_client_free(c);
}
END_TEST

START_TEST(bad_settings_are_refused)
{
	billtap_client *c = bt_client();
	billtap_iter *it;
	ck_assert_int_eq(billtap_client_set(c, "braintree_version", "2019-1-1"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: customers: setting braintree_version: must be a date, YYYY-MM-DD");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "51"), BILLTAP_ESETTING);
	/* plans come from the XML gateway, whose path needs the merchant id */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c), "braintree: plans: setting merchant_id: required for plans "
	                                                  "and subscriptions (the XML gateway's path)");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), BILLTAP_EUNSUPPORTED);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST

#define NOFEE "\"fee_amount\":null,\"net_amount\":null"
static const char *const transactions[] = {
	/* a settled payment with a settled and a declined refund: only the first counts */
	"{\"object\":\"transaction\",\"id\":\"" T1 "\",\"customer_id\":\"" C1 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"succeeded\",\"provider_status\":\"SETTLED\","
	"\"amount\":1000,\"currency\":\"USD\",\"currency_exponent\":2,\"captured_amount\":1000,\"refunded_amount\":250,"
	NOFEE ",\"parent_id\":null,\"occurred_at\":\"2024-06-01T10:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"dHJhbnNhY3Rpb25fOWtxMWFiMHo=\",\"customer_id\":null,\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"failed\",\"provider_status\":\"PROCESSOR_DECLINED\","
	"\"amount\":2000,\"currency\":\"EUR\",\"currency_exponent\":2,\"captured_amount\":0,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":null,\"occurred_at\":\"2024-06-01T11:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"dHJhbnNhY3Rpb25fYXV0aDAwMDE=\",\"customer_id\":\"" C3 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"authorized\",\"provider_status\":\"AUTHORIZED\","
	"\"amount\":750,\"currency\":\"GBP\",\"currency_exponent\":2,\"captured_amount\":0,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":null,\"occurred_at\":\"2024-06-02T08:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"" T4 "\",\"customer_id\":\"" C2 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"pending\",\"provider_status\":\"SUBMITTED_FOR_SETTLEMENT\","
	"\"amount\":1500,\"currency\":\"JPY\",\"currency_exponent\":0,\"captured_amount\":1500,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":null,\"occurred_at\":\"2024-06-03T08:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"dHJhbnNhY3Rpb25fa3dkMDAwMDE=\",\"customer_id\":\"" C3 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"succeeded\",\"provider_status\":\"SETTLEMENT_CONFIRMED\","
	"\"amount\":12345,\"currency\":\"KWD\",\"currency_exponent\":3,\"captured_amount\":12345,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":null,\"occurred_at\":\"2024-06-04T08:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"cmVmdW5kX3JmMDAwMDAx\",\"customer_id\":\"" C1 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"refund\",\"result\":\"succeeded\",\"provider_status\":\"SETTLED\","
	"\"amount\":250,\"currency\":\"USD\",\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":\"" T1 "\",\"occurred_at\":\"2024-06-05T10:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"cmVmdW5kX3JmMDAwMDAy\",\"customer_id\":\"" C1 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"refund\",\"result\":\"failed\",\"provider_status\":\"PROCESSOR_DECLINED\","
	"\"amount\":100,\"currency\":\"USD\",\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":0,"
	NOFEE ",\"parent_id\":\"" T1 "\",\"occurred_at\":\"2024-06-06T10:00:00Z\"}",
	"{\"object\":\"transaction\",\"id\":\"ZGlzcHV0ZV9kcDAwMDAwMQ==\",\"customer_id\":\"" C1 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"chargeback\",\"result\":\"succeeded\",\"provider_status\":\"LOST\","
	"\"amount\":1000,\"currency\":\"USD\",\"currency_exponent\":2,\"captured_amount\":null,\"refunded_amount\":null,"
	NOFEE ",\"parent_id\":\"" T1 "\",\"occurred_at\":\"2024-06-20T09:00:00Z\"}",
	/* a retrieval request takes no money */
	"{\"object\":\"transaction\",\"id\":\"ZGlzcHV0ZV9kcDAwMDAwMg==\",\"customer_id\":\"" C2 "\",\"subscription_id\":null,"
	"\"invoice_id\":null,\"kind\":\"other\",\"result\":\"pending\",\"provider_status\":\"OPEN\","
	"\"amount\":1500,\"currency\":\"JPY\",\"currency_exponent\":0,\"captured_amount\":null,\"refunded_amount\":null,"
	NOFEE ",\"parent_id\":\"" T4 "\",\"occurred_at\":\"2024-05-20T09:00:00Z\"}",
};

/* Transactions are the transactions, then the refunds, then the disputes searches. */
START_TEST(transactions_from_three_searches)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/transactions.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/refunds.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/disputes.json");
	billtap_client *c = bt_client();
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, transactions, 9);
	ck_assert_uint_eq(ft.calls, 3);
	billtap_client_free(c);
}
END_TEST

/* since: the searches filter createdAt (the sandbox suite checks the filter); disputes,
 * which cannot be searched by it, are cut by the provider. */
START_TEST(since_cuts_disputes_too)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/transactions.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/refunds.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/disputes.json");
	billtap_client *c = bt_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1716595200; /* 2024-05-25T00:00:00Z: the retrieval of 2024-05-20 is left out */
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, transactions, 8);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint after the first page resumes with that page's endCursor. */
START_TEST(resume_from_a_checkpoint)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/customers_p1.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/customers_p2.json");
	billtap_client *c = bt_client();
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
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, customers + 2, 1);
	ck_assert_uint_eq(ft.calls, 2);
	/* a customers checkpoint cannot drive transactions */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), BILLTAP_ECHECKPOINT);
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

/* GraphQL errors come with HTTP 200, also beside data: each is an error naming the
 * request id of extensions.requestId. */
START_TEST(graphql_errors_are_errors)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/error_200.json");
	fake_add_fixture(&ft, 200, NULL, "braintree/error_partial.json");
	fake_add_fixture(&ft, 401, NULL, "braintree/error_401.json");
	fake_add(&ft, 502, NULL, "<html>bad gateway</html>");
	billtap_client *c = bt_client();
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: customers: POST /graphql: HTTP 200 (request a-uuid-for-the-request): "
	                 "96704: GraphQL error: Reader not found.");
	ck_assert_str_eq(billtap_client_error_request_id(c), "a-uuid-for-the-request");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_ESERVER);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: customers: POST /graphql: HTTP 200 (request req-partial-1): INTERNAL: "
	                 "GraphQL errors (the first of several): Search timed out; try a narrower search.");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EAUTH);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: customers: POST /graphql: HTTP 401 (request req-401-1): AUTHENTICATION: "
	                 "GraphQL error: Authentication credentials are invalid.");
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_ESERVER);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "HTTP 502"));
	billtap_client_free(c);
}
END_TEST

/* 429 and 503 are retried by the engine; then the page comes. */
START_TEST(rate_limit_is_retried)
{
	fake_add_fixture(&ft, 429, "Retry-After: 0", "braintree/error_429.json");
	fake_add(&ft, 503, NULL, "");
	fake_add_fixture(&ft, 200, NULL, "braintree/customers_p2.json");
	billtap_client *c = bt_client();
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, customers + 2, 1);
	ck_assert_uint_eq(ft.calls, 3);
	billtap_client_free(c);
}
END_TEST

START_TEST(malformed_pages_are_errors)
{
	fake_add(&ft, 200, NULL, "{\"data\":{\"search\":{\"customers\":{\"edges\":[]}}}}");
	fake_add(&ft, 200, NULL,
	         "{\"data\":{\"search\":{\"customers\":{\"edges\":[],\"pageInfo\":{\"hasNextPage\":true,\"endCursor\":null}}}}}");
	fake_add(&ft, 200, NULL, "{\"data\":null,\"errors\":{}}");
	fake_add(&ft, 200, NULL,
	         "{\"data\":{\"search\":{\"customers\":{\"edges\":[{\"cursor\":\"x\"}],\"pageInfo\":{\"hasNextPage\":false}}}}}");
	fake_add(&ft, 200, NULL,
	         "{\"data\":{\"search\":{\"transactions\":{\"edges\":[{\"node\":{\"id\":\"t\",\"createdAt\":\"2024-01-01T00:00:00Z\","
	         "\"status\":\"SETTLED\",\"amount\":{\"value\":\"1.005\",\"currencyCode\":\"USD\"}}}],"
	         "\"pageInfo\":{\"hasNextPage\":false}}}}}");
	billtap_client *c = bt_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not a search page"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "endCursor"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "errors is not a non-empty array"));
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c), "braintree: customers: a customers edge has no node object");
	/* a tenth of a cent is not a USD amount: never rounded */
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_TRANSACTIONS), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "transaction t: amount.value"));
	billtap_client_free(c);
}
END_TEST

START_TEST(foreign_checkpoint_is_refused)
{
	billtap_client *c = bt_client();
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = "x:abc";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST


/* XML documents and the JSON the reader makes of them (written by us in the gateway's
 * shapes: typed leaves, arrays, nil, entities, CDATA). */
START_TEST(xml_reads_the_gateway_shapes)
{
	static const struct {
		const char *xml, *json;
	} cases[] = {
		{ "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><n type=\"integer\">-42</n><b type=\"boolean\">false</b>"
		  "<z nil=\"true\"/><d type=\"datetime\">2024-05-01T12:00:00Z</d><p>10.00</p><e></e></a>",
		  "{\"a\":{\"n\":-42,\"b\":false,\"z\":null,\"d\":\"2024-05-01T12:00:00Z\",\"p\":\"10.00\",\"e\":\"\"}}" },
		{ "<ids type=\"array\">\n  <item>x1</item>\n  <item>x2</item>\n</ids>", "{\"ids\":[\"x1\",\"x2\"]}" },
		{ "<ids type=\"array\"/>", "{\"ids\":[]}" },
		{ "<l type='array'><o><k>1</k></o><o><k nil='true'></k></o></l>", "{\"l\":[{\"k\":\"1\"},{\"k\":null}]}" },
		{ "<t>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600;<!-- c --><![CDATA[<&>]]></t>",
		  "{\"t\":\"<>&\\\"' AB\\ud83d\\ude00<&>\"}" },
		{ "\xef\xbb\xbf<r>\n  <x>  y  </x>\n</r>\n<!-- after -->\n", "{\"r\":{\"x\":\"  y  \"}}" },
		{ "<n type=\"integer\">9223372036854775807</n>", "{\"n\":9223372036854775807}" },
		{ "<n type=\"integer\">-9223372036854775808</n>", "{\"n\":-9223372036854775808}" },
		/* repeated elements (search results) hold an array; the SDKs read "1" as true */
		{ "<s type=\"collection\">\n <x><i>1</i></x>\n <y type=\"boolean\">1</y>\n <x><i>2</i></x>\n</s>",
		  "{\"s\":{\"x\":[{\"i\":\"1\"},{\"i\":\"2\"}],\"y\":true}}" },
	};
	billtap_json_writer *w;
	ck_assert_int_eq(billtap_json_writer_new(&w), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[160] = "";
		const char *text;
		size_t len;
		ck_assert_msg(bt_xml_to_json(w, cases[i].xml, strlen(cases[i].xml), err, sizeof err) == 0, "case %zu: %s", i, err);
		ck_assert_int_eq(billtap_json_writer_text(&text, &len, w), 0);
		char why[256];
		ck_assert_msg(json_equal(text, len, cases[i].json, strlen(cases[i].json), why, sizeof why), "case %zu: %s: %s",
		              i, why, text);
		ck_assert(bt_xml_well_formed(cases[i].xml, strlen(cases[i].xml)));
	}
	billtap_json_writer_free(w);
}
END_TEST

/* What the reader refuses, each with a message saying what. */
START_TEST(xml_refuses_what_the_gateway_never_sends)
{
	char deep[400] = "";
	for (int i = 0; i < BT_XML_MAX_DEPTH + 1; i++)
		strcat(deep, "<a>");
	static const struct {
		const char *xml, *why;
	} cases[] = {
		{ "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "line 1: a DOCTYPE or other declaration (DTDs are refused)" },
		{ "<a>&x;</a>", "an entity other than the five XML predefines" },
		{ "<a>&#0;</a>", "a character reference names a character XML does not allow" },
		{ "<a>&#xD800;</a>", "a character reference names a character XML does not allow" },
		{ "<a>&#12</a>", "a malformed character reference" },
		{ "<a><b></a></b>", "an end tag that does not match its start tag" },
		{ "<a>\n<b>", "line 2: the document ends inside an element" },
		{ "<a/><b/>", "a second root element" },
		{ "x<a/>", "text outside the root element" },
		{ "", "no root element" },
		{ "<a>text<b/></a>", "<a>: has text beside child elements" },
		{ "<a><b/>text</a>", "<a>: has text beside child elements" },
		{ "<a nil=\"true\"><b/></a>", "<a>: is marked nil but has content" },
		{ "<a nil=\"true\">x</a>", "<a>: is marked nil but has content" },
		{ "<a type=\"array\">x</a>", "<a>: is an array but has text" },
		{ "<n type=\"integer\">12x</n>", "<n>: is typed integer but is not a 64-bit integer" },
		{ "<n type=\"integer\">9223372036854775808</n>", "is typed integer but is not a 64-bit integer" },
		{ "<n type=\"boolean\">yes</n>", "<n>: is typed boolean but is neither true nor false" },
		{ "<a b=c/>", "an attribute value must be quoted" },
		{ "<a b=\"1\"c=\"2\"/>", "attributes must be separated by white space" },
		{ "<a type=\"array\" type=\"array\"/>", "an attribute given twice" },
		{ "<a><![CDATA[x</a>", "an unterminated CDATA section" },
		{ "<a><!-- x</a>", "an unterminated comment" },
		{ "<a>\xff</a>", "<a>: is not UTF-8 text" },
		{ "<a>x\0y</a>", "a NUL byte" },
	};
	billtap_json_writer *w;
	ck_assert_int_eq(billtap_json_writer_new(&w), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[160] = "";
		size_t len = strlen(cases[i].xml);
		if (strstr(cases[i].why, "NUL"))
			len = 9;
		ck_assert_msg(bt_xml_to_json(w, cases[i].xml, len, err, sizeof err) == BILLTAP_EDATA, "case %zu", i);
		ck_assert_msg(strstr(err, cases[i].why) != NULL, "case %zu: %s", i, err);
	}
	char err[160];
	ck_assert_int_eq(bt_xml_to_json(w, deep, strlen(deep), err, sizeof err), BILLTAP_EDATA);
	ck_assert_str_eq(err, "XML line 1: elements nest too deep");
	ck_assert(!bt_xml_well_formed(deep, strlen(deep)));
	billtap_json_writer_free(w);
}
END_TEST

static billtap_client *gateway_client(void)
{
	billtap_client *c = bt_client();
	ck_assert_int_eq(billtap_client_set(c, "merchant_id", "m4rch4nt/x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "gateway_url", "http://gw.test"), 0);
	return c;
}

#define XML "Content-Type: application/xml; charset=utf-8"
#define PLAN_TAIL ",\"product_id\":null,\"product_name\":null"
#define PLAN_NONE ",\"usage_type\":\"licensed\",\"tiers_mode\":null,\"tiers\":null,\"custom_amount\":false," \
	"\"custom_amount_minimum\":null,\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":null"
static const char *const plans[] = {
	"{\"object\":\"plan\",\"id\":\"gold_monthly\",\"name\":\"Gold <monthly>\"" PLAN_TAIL ",\"amount\":1250,"
	"\"amount_decimal\":\"1250\",\"currency\":\"USD\",\"currency_exponent\":2" PLAN_NONE ",\"interval_unit\":\"month\","
	"\"interval_count\":1,\"total_cycles\":null,\"trial_days\":14,\"trial_amount\":null,\"trial_cycles\":null,"
	"\"active\":true,\"created_at\":\"2024-05-01T12:00:00Z\"}",
	/* a trial in months has no exact number of days; +02:00 becomes UTC */
	"{\"object\":\"plan\",\"id\":\"yen_quarterly\",\"name\":\"Quarterly\"" PLAN_TAIL ",\"amount\":3000,"
	"\"amount_decimal\":\"3000\",\"currency\":\"JPY\",\"currency_exponent\":0" PLAN_NONE ",\"interval_unit\":\"month\","
	"\"interval_count\":3,\"total_cycles\":8,\"trial_days\":null,\"trial_amount\":null,\"trial_cycles\":null,"
	"\"active\":true,\"created_at\":\"2024-05-02T22:00:00Z\"}",
};

START_TEST(plans_from_the_gateway)
{
	fake_add_fixture(&ft, 200, XML, "braintree/plans.xml");
	billtap_client *c = gateway_client();
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, plans, 2);
	ck_assert_uint_eq(ft.calls, 1);
	ck_assert_str_eq(ft.urls[0], "http://gw.test/merchants/m4rch4nt%2Fx/plans");
	ck_assert_str_eq(fake_header(&ft, 0, "Accept"), "application/xml");
	ck_assert_str_eq(fake_header(&ft, 0, "X-ApiVersion"), "6");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"),
	                 "Basic djRuZHEzMTRjMnM1YzI4cjo5M2I3OGJjODhiZTkwZDkzYWMyODJlNTBhZTU2OWZkZA==");
	billtap_client_free(c);
}
END_TEST

/* A 422's <api-error-response> gives the message; a cut answer is retried, then named. */
START_TEST(gateway_errors_are_named)
{
	fake_add_fixture(&ft, 422, XML, "braintree/error_422.xml");
	billtap_client *c = gateway_client();
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "0"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: plans: GET /merchants/m4rch4nt%2Fx/plans: HTTP 422: Search criteria are invalid");
	billtap_iter_free(it);
	fake_add_fixture(&ft, 200, XML, "braintree/plans_cut.xml");
	fake_add_fixture(&ft, 200, XML, "braintree/plans_cut.xml");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "not a gateway answer: XML line 1: the document ends inside an element"), "%s", msg);
	ck_assert_uint_eq(ft.calls, 3);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST


#define SUB_NONE "\"cancel_at_period_end\":false,\"cancel_at\":null"
#define SUB_PAUSE "\"paused\":false,\"pause_behavior\":null,\"resumes_at\":null"
#define ITEM(id, plan, q, amount, ccy, e, from, to)                                                     \
	"{\"object\":\"subscription_item\",\"id\":" id ",\"plan_id\":" plan ",\"quantity\":" q ","             \
	"\"usage_type\":\"licensed\",\"amount\":" amount ",\"amount_decimal\":\"" amount "\",\"currency\":\"" ccy \
	"\",\"currency_exponent\":" e ",\"current_period_start\":\"" from "\",\"current_period_end\":\"" to "\"}"
static const char *const subscriptions[] = {
	/* in its free trial (Active, trial-period, cycle 0), charging its customer's PayPal
	 * token, with an add-on item and a discount of 1.00 x 2 for three cycles */
	"{\"object\":\"subscription\",\"id\":\"s1\",\"customer_id\":\"" C1 "\",\"status\":\"trialing\","
	"\"provider_status\":\"Active\",\"started_at\":\"2024-07-01T10:00:00Z\","
	"\"current_period_start\":\"2024-07-01T00:00:00Z\",\"current_period_end\":\"2024-07-14T00:00:00Z\","
	"\"trial_start\":\"2024-07-01T10:00:00Z\",\"trial_end\":\"2024-07-15T00:00:00Z\",\"canceled_at\":null,"
	SUB_NONE ",\"ended_at\":null," SUB_PAUSE ",\"discounts\":\"[{\\\"id\\\":null,\\\"coupon_id\\\":\\\"launch\\\","
	"\\\"percent_off\\\":null,\\\"amount_off\\\":200,\\\"currency\\\":\\\"USD\\\",\\\"duration\\\":\\\"repeating\\\","
	"\\\"duration_in_months\\\":null,\\\"start\\\":null,\\\"end\\\":null}]\",\"created_at\":\"2024-07-01T10:00:00Z\","
	"\"items\":[" ITEM("null", "\"gold_monthly\"", "1", "1250", "USD", "2", "2024-07-01T00:00:00Z", "2024-07-14T00:00:00Z")
	"," ITEM("\"extra_seat\"", "null", "3", "250", "USD", "2", "2024-07-01T00:00:00Z", "2024-07-14T00:00:00Z") "]}",
	/* canceled; its token is no listed customer's (and it is older than the link's newest
	 * customer: no re-read) */
	"{\"object\":\"subscription\",\"id\":\"s2\",\"customer_id\":null,\"status\":\"canceled\","
	"\"provider_status\":\"Canceled\",\"started_at\":\"2024-01-01T08:00:00Z\","
	"\"current_period_start\":\"2024-03-01T00:00:00Z\",\"current_period_end\":\"2024-03-31T00:00:00Z\","
	"\"trial_start\":null,\"trial_end\":null,\"canceled_at\":\"2024-03-20T09:15:00Z\"," SUB_NONE
	",\"ended_at\":\"2024-03-20T09:15:00Z\"," SUB_PAUSE ",\"discounts\":\"[]\",\"created_at\":\"2024-01-01T08:00:00Z\","
	"\"items\":[" ITEM("null", "\"gold_monthly\"", "1", "1250", "USD", "2", "2024-03-01T00:00:00Z", "2024-03-31T00:00:00Z") "]}",
	/* one <subscription> in the answer; yen */
	"{\"object\":\"subscription\",\"id\":\"s3\",\"customer_id\":\"" C2 "\",\"status\":\"past_due\","
	"\"provider_status\":\"Past Due\",\"started_at\":\"2024-06-01T00:00:00Z\","
	"\"current_period_start\":\"2024-04-01T00:00:00Z\",\"current_period_end\":\"2024-06-30T00:00:00Z\","
	"\"trial_start\":null,\"trial_end\":null,\"canceled_at\":null," SUB_NONE ",\"ended_at\":null," SUB_PAUSE
	",\"discounts\":\"[]\",\"created_at\":\"2024-06-01T00:00:00Z\","
	"\"items\":[" ITEM("null", "\"yen_quarterly\"", "1", "3000", "JPY", "0", "2024-04-01T00:00:00Z", "2024-06-30T00:00:00Z") "]}",
};

static void subscription_answers(void)
{
	fake_add_fixture(&ft, 200, NULL, "braintree/sub_customers.json");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids.xml");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_fetch1.xml");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_fetch2.xml");
}

/* The link (customers' tokens), the ids, then fetches of page-size ids by id only. */
START_TEST(subscriptions_from_the_gateway)
{
	subscription_answers();
	billtap_client *c = gateway_client();
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, subscriptions, 3);
	ck_assert_uint_eq(ft.calls, 4);
	ck_assert_str_eq(ft.urls[0], "http://bt.test/graphql");
	ck_assert_str_eq(ft.urls[1], "http://gw.test/merchants/m4rch4nt%2Fx/subscriptions/advanced_search_ids");
	ck_assert_str_eq(fake_header(&ft, 1, "Content-Type"), "application/xml");
	ck_assert_str_eq(fake_header(&ft, 1, "X-ApiVersion"), "6");
	ck_assert_str_eq(ft.urls[2], "http://gw.test/merchants/m4rch4nt%2Fx/subscriptions/advanced_search");
	ck_assert_str_eq(ft.urls[3], "http://gw.test/merchants/m4rch4nt%2Fx/subscriptions/advanced_search");
	billtap_client_free(c);
}
END_TEST

/* A checkpoint after the first fetch names the window and its last id: the resume reads
 * the link and the ids again and fetches only what follows. */
START_TEST(subscriptions_resume_after_the_last_fetched_id)
{
	subscription_answers();
	billtap_client *c = gateway_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "s2");
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	fake_reset(&ft);
	fake_add_fixture(&ft, 200, NULL, "braintree/sub_customers.json");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids.xml");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_fetch2.xml");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &o, subscriptions + 2, 1);
	ck_assert_uint_eq(ft.calls, 3);
	free(saved);
	billtap_client_free(c);
}
END_TEST

/* What the stream refuses, naming what: a fetch that leaves out an id it asked for, a
 * customer with more payment methods than one page, a window full at search_cap that
 * is split (its next search has a max). */
START_TEST(subscription_anomalies_are_named)
{
	billtap_client *c = gateway_client();
	billtap_iter *it;
	const billtap_record *r;
	fake_add_fixture(&ft, 200, NULL, "braintree/sub_customers.json");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids.xml");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_fetch1_short.xml");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "braintree: subscriptions: POST /merchants/m4rch4nt%2Fx/subscriptions/advanced_search: HTTP 200: "
	                 "subscription s2 was listed by advanced_search_ids but not returned by advanced_search (asked "
	                 "for by id)");
	billtap_iter_free(it);

	fake_reset(&ft);
	fake_add_fixture(&ft, 200, NULL, "braintree/sub_customers_many.json");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "customer " C1 ": has more than 50 payment methods"));
	billtap_iter_free(it);

	billtap_client_free(c);
}
END_TEST

/* A search that answers search_cap ids may have lost some: its window is split (here: the
 * open one into before 2000, empty, and from 2000 on), and each part searched again. */
START_TEST(subscription_windows_split_at_the_cap)
{
	billtap_client *c = gateway_client();
	ck_assert_int_eq(billtap_client_set(c, "search_cap", "3"), 0);
	fake_add_fixture(&ft, 200, NULL, "braintree/sub_customers.json");
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids.xml");      /* 3: the cap */
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids_none.xml"); /* before 2000 */
	fake_add_fixture(&ft, 200, XML, "braintree/sub_ids_two.xml");  /* from 2000 on */
	fake_add_fixture(&ft, 200, XML, "braintree/sub_fetch1.xml");
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, subscriptions, 2);
	ck_assert_uint_eq(ft.calls, 5);
	billtap_client_free(c);
}
END_TEST

/* The <search> documents, as the SDKs' generator writes criteria. */
START_TEST(search_documents)
{
	char *xml;
	ck_assert_int_eq(bt_search_window_xml(&xml, BT_OPEN_LO, BT_OPEN_HI), 0);
	ck_assert_str_eq(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<search>\n</search>\n");
	free(xml);
	ck_assert_int_eq(bt_search_window_xml(&xml, BT_OPEN_LO, 946684799), 0);
	ck_assert_str_eq(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<search>\n  <created-at>\n"
	                      "    <max type=\"datetime\">1999-12-31T23:59:59Z</max>\n  </created-at>\n</search>\n");
	free(xml);
	ck_assert_int_eq(bt_search_window_xml(&xml, 1714564800, BT_OPEN_HI), 0);
	ck_assert_ptr_nonnull(strstr(xml, "<min type=\"datetime\">2024-05-01T12:00:00Z</min>"));
	ck_assert_ptr_null(strstr(xml, "<max"));
	free(xml);
	char *ids[] = { "s1", "a&b<c>" };
	ck_assert_int_eq(bt_search_ids_xml(&xml, ids, 2), 0);
	ck_assert_str_eq(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<search>\n  <ids type=\"array\">\n"
	                      "    <item>s1</item>\n    <item>a&amp;b&lt;c&gt;</item>\n  </ids>\n</search>\n");
	free(xml);
}
END_TEST



/* Every allocation of a gateway extraction failing once, the failed call made again: the
 * clean run's records, and the clean run's error where it ends in one. */
static const fixture_route walk_plans[] = { { "/plans", NULL, NULL, "braintree/plans.xml" } };
static const fixture_route walk_subs[] = {
	{ "advanced_search_ids", NULL, NULL, "braintree/sub_ids_two.xml" },
	{ "advanced_search", NULL, NULL, "braintree/sub_fetch1.xml" },
	{ "/graphql", NULL, NULL, "braintree/sub_customers.json" },
};
static const fixture_route walk_missing[] = {
	{ "advanced_search_ids", NULL, NULL, "braintree/sub_ids_two.xml" },
	{ "advanced_search", NULL, NULL, "braintree/sub_fetch1_short.xml" },
	{ "/graphql", NULL, NULL, "braintree/sub_customers.json" },
};
static const fixture_route walk_refused[] = { { "/plans", NULL, NULL, "braintree/error_422.xml" } };
static const int walk_refused_status[] = { 422 };
static const alloc_walk_case walk_cases[] = {
	{ "plans", BILLTAP_RESOURCE_PLANS, ALLOC_ROUTES(walk_plans), NULL, 0, NULL, 0, 2, 0 },
	{ "subscriptions", BILLTAP_RESOURCE_SUBSCRIPTIONS, ALLOC_ROUTES(walk_subs), NULL, 0, NULL, 0, 2, 0 },
	{ "a fetch missing an id", BILLTAP_RESOURCE_SUBSCRIPTIONS, ALLOC_ROUTES(walk_missing), NULL, 0, NULL, 0, 0,
	  BILLTAP_EDATA },
	{ "a 422", BILLTAP_RESOURCE_PLANS, ALLOC_ROUTES(walk_refused), walk_refused_status, 0, NULL, 0, 0,
	  BILLTAP_EREQUEST },
};
static const char *const walk_settings[] = { "public_key", "pk", "private_key", "sk", "base_url", "http://bt.test",
	                                     "gateway_url", "http://gw.test", "merchant_id", "m",
	                                     "allow_insecure_http", "1", "max_retries", "0", NULL };
static const alloc_walk_spec braintree_walks = { "braintree", walk_settings, walk_cases,
	                                         sizeof walk_cases / sizeof walk_cases[0] };

Suite *braintree_unit_suite(void)
{
	Suite *s = suite_create("braintree");
	TCase *tc = tcase_create("fixtures");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bodies_carry_values_as_variables);
	tcase_add_test(tc, customers_two_pages);
	tcase_add_test(tc, bad_settings_are_refused);
	tcase_add_test(tc, transactions_from_three_searches);
	tcase_add_test(tc, since_cuts_disputes_too);
	tcase_add_test(tc, resume_from_a_checkpoint);
	tcase_add_test(tc, graphql_errors_are_errors);
	tcase_add_test(tc, rate_limit_is_retried);
	tcase_add_test(tc, malformed_pages_are_errors);
	tcase_add_test(tc, foreign_checkpoint_is_refused);
	tcase_add_test(tc, xml_reads_the_gateway_shapes);
	tcase_add_test(tc, xml_refuses_what_the_gateway_never_sends);
	tcase_add_test(tc, plans_from_the_gateway);
	tcase_add_test(tc, gateway_errors_are_named);
	tcase_add_test(tc, subscriptions_from_the_gateway);
	tcase_add_test(tc, subscriptions_resume_after_the_last_fetched_id);
	tcase_add_test(tc, subscription_anomalies_are_named);
	tcase_add_test(tc, subscription_windows_split_at_the_cap);
	tcase_add_test(tc, search_documents);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, alloc_walk_tcase(&braintree_walks));
	return s;
}
