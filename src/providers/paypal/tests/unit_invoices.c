/* PayPal invoices (Invoicing v2) through the transport vtable: the spec's own example
 * invoice as a golden record, our fixtures for the other statuses, the search sent for
 * `since`, and the checks against PayPal's breakdown. Added to paypal_unit_suite(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "testutil.h"

void paypal_invoice_tests(Suite *s);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static void configure(billtap_client *c)
{
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
}

#define LINE(id, kind, desc, qty, amount, cur, exp)                                             \
	"{\"object\":\"invoice_line\",\"id\":" id ",\"kind\":\"" kind "\",\"plan_id\":null,"       \
	"\"description\":\"" desc "\",\"quantity\":" qty ",\"amount\":" amount ",\"currency\":\"" cur \
	"\",\"currency_exponent\":" exp ",\"period_start\":null,\"period_end\":null,"               \
	"\"proration\":false}"

/* PayPal's invoice example (openapi/invoicing_v2.json, components/examples/invoice_draft):
 * 60.00 of items less 7.50 of item discounts (5 % of the mat, 5.00 off the shirt), 10.00
 * shipping, 10.00 packing; 5 % off the invoice (2.63) and 4.34 of tax: 74.21. It has no
 * audit metadata, so it was created on its invoice_date. */
static const char *const spec_example[] = {
	"{\"object\":\"invoice\",\"id\":\"INV2-C82X-JNN9-Y6S5-CNXW\",\"number\":\"#123\","
	"\"customer_id\":null,\"subscription_id\":null,\"status\":\"draft\","
	"\"provider_status\":\"DRAFT\",\"currency\":\"USD\",\"currency_exponent\":2,"
	"\"subtotal\":7250,\"discount\":263,\"tax\":434,\"total\":7421,\"amount_paid\":0,"
	"\"amount_due\":null,\"created_at\":\"2018-11-12T00:00:00Z\",\"issued_at\":null,"
	"\"due_at\":\"2018-11-22T00:00:00Z\",\"paid_at\":null,\"voided_at\":null,"
	"\"period_start\":null,\"period_end\":null,\"lines\":["
	LINE("null", "one_off", "Yoga Mat", "1", "4750", "USD", "2") ","
	LINE("null", "one_off", "Yoga t-shirt", "1", "500", "USD", "2") ","
	LINE("null", "other", "Shipping", "null", "1000", "USD", "2") ","
	LINE("null", "other", "Packing Charges", "null", "1000", "USD", "2") "]}",
};

/* invoices_p1.json and invoices_p2.json: paid (1.5 hours at 33.33 is 49.995, 50.00 as
 * PayPal's item_total says), cancelled in JPY with tax included, partly paid in EUR with
 * shipping, a negative custom amount and 10 % off the invoice. */
static const char *const paged[] = {
	"{\"object\":\"invoice\",\"id\":\"INV2-AAAA-0001\",\"number\":\"0001\",\"customer_id\":null,"
	"\"subscription_id\":null,\"status\":\"paid\",\"provider_status\":\"PAID\",\"currency\":\"USD\","
	"\"currency_exponent\":2,\"subtotal\":6800,\"discount\":0,\"tax\":680,\"total\":7480,"
	"\"amount_paid\":7480,\"amount_due\":0,\"created_at\":\"2025-03-01T09:30:00Z\","
	"\"issued_at\":\"2025-03-01T09:31:05Z\",\"due_at\":\"2025-03-11T00:00:00Z\","
	"\"paid_at\":\"2025-03-05T00:00:00Z\",\"voided_at\":null,\"period_start\":null,"
	"\"period_end\":null,\"lines\":["
	LINE("\"ITEM-1\"", "one_off", "Consulting", "null", "5000", "USD", "2") ","
	LINE("null", "one_off", "Hosting", "2", "1800", "USD", "2") "]}",
	"{\"object\":\"invoice\",\"id\":\"INV2-BBBB-0002\",\"number\":\"0002\",\"customer_id\":null,"
	"\"subscription_id\":null,\"status\":\"void\",\"provider_status\":\"CANCELLED\","
	"\"currency\":\"JPY\",\"currency_exponent\":0,\"subtotal\":3300,\"discount\":0,\"tax\":300,"
	"\"total\":3300,\"amount_paid\":0,\"amount_due\":3300,\"created_at\":\"2025-03-02T08:00:00Z\","
	"\"issued_at\":\"2025-03-02T08:05:00Z\",\"due_at\":null,\"paid_at\":null,"
	"\"voided_at\":\"2025-03-04T12:00:00Z\",\"period_start\":null,\"period_end\":null,\"lines\":["
	LINE("null", "one_off", "Sticker pack", "3", "3300", "JPY", "0") "]}",
	"{\"object\":\"invoice\",\"id\":\"INV2-CCCC-0003\",\"number\":\"0003\",\"customer_id\":null,"
	"\"subscription_id\":null,\"status\":\"open\",\"provider_status\":\"PARTIALLY_PAID\","
	"\"currency\":\"EUR\",\"currency_exponent\":2,\"subtotal\":9500,\"discount\":950,\"tax\":0,"
	"\"total\":8550,\"amount_paid\":5000,\"amount_due\":3550,"
	"\"created_at\":\"2025-03-03T10:00:00Z\",\"issued_at\":\"2025-03-03T10:00:30Z\","
	"\"due_at\":\"2025-04-02T00:00:00Z\",\"paid_at\":null,\"voided_at\":null,"
	"\"period_start\":null,\"period_end\":null,\"lines\":["
	LINE("null", "one_off", "Workshop seat", "4", "10000", "EUR", "2") ","
	LINE("null", "other", "Shipping", "null", "500", "EUR", "2") ","
	LINE("null", "other", "Early-bird credit", "null", "-1000", "EUR", "2") "]}",
};

START_TEST(spec_example_invoice_is_exact)
{
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_spec_example.json");
	billtap_client *c = fake_client(&ft, "paypal");
	configure(c);
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, spec_example, 1);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[1], "http://paypal.test/v2/invoicing/invoices?page=1&page_size=100"
	                             "&total_required=true&fields=all");
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer A21AAtoken1");
	billtap_client_free(c);
}
END_TEST

START_TEST(invoice_pages_and_statuses)
{
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_p2.json");
	billtap_client *c = fake_client(&ft, "paypal");
	configure(c);
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, paged, 3);
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[2], "http://paypal.test/v2/invoicing/invoices?page=2&page_size=100"
	                             "&total_required=true&fields=all");
	billtap_client_free(c);
}
END_TEST

/* A fixture with its first `from` replaced by `to`, as the step's body. */
static void add_edited(const char *name, const char *from, const char *to)
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
	fake_add(&ft, 200, NULL, edited);
	ft.steps[ft.step_count - 1].owned_body = edited;
}

static void expect_error(const char *from, const char *to, const char *message)
{
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
	add_edited("paypal/invoices_p1.json", from, to);
	billtap_client *c = fake_client(&ft, "paypal");
	configure(c);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_str_eq(billtap_client_error_message(c), message);
	billtap_iter_free(it);
	billtap_client_free(c);
}

/* Items PayPal's breakdown disagrees with, a total that is not lines - discount + tax, a
 * quantity beyond five places, a line in another currency, a discount percent without its
 * amount: errors naming the invoice and the member, never a subtotal that silently
 * differs. */
START_TEST(breakdown_disagreements_are_data_errors)
{
	static const struct {
		const char *from, *to, *message;
	} cases[] = {
		{ "\"70.00\"", "\"70.01\"",
		  "paypal: invoices: invoice INV2-AAAA-0001: amount.breakdown.item_total is not what "
		  "the items add up to (7000 minor units)" },
		{ "\"-2.00\"", "\"-2.50\"",
		  "paypal: invoices: invoice INV2-AAAA-0001: amount.breakdown.discount.item_discount is "
		  "not what the items add up to (200 minor units)" },
		{ "\"74.80\"", "\"74.81\"",
		  "paypal: invoices: invoice INV2-AAAA-0001: amount is not the lines (6800) less the "
		  "invoice discount plus tax (minor units)" },
		{ "\"1.5\"", "\"1.500001\"",
		  "paypal: invoices: invoice INV2-AAAA-0001 item 1 (no id): quantity is not a decimal "
		  "string of at most five places" },
		{ "\"USD\",\n            \"value\": \"33.33\"",
		  "\"EUR\",\n            \"value\": \"33.33\"",
		  "paypal: invoices: invoice INV2-AAAA-0001 item 1 (no id): unit_amount is not in the "
		  "invoice's currency" },
		{ "\"discount\": {\n            \"percent\": \"10\",\n            \"amount\"",
		  "\"discount\": {\n            \"percent\": \"10\",\n            \"amount_\"",
		  "paypal: invoices: invoice INV2-AAAA-0001 item 2 (no id): discount has a percent but "
		  "no amount" },
	};
	expect_error(cases[_i].from, cases[_i].to, cases[_i].message);
}
END_TEST

/* ---- the search sent for `since`: a transport that keeps the method and the body ---- */

typedef struct recorder {
	char method[8];
	char *url, *body;
	int calls;
} recorder;

static int recording_perform(billtap_response *resp, const billtap_request *req,
                             const billtap_transfer_options *opts, void *payload)
{
	(void)opts;
	recorder *r = payload;
	const char *url = billtap_request_url(req);
	size_t len;
	char *text = load_fixture(strstr(url, "/oauth2/token") ? "paypal/token.json"
	                                                       : "paypal/invoices_spec_example.json",
	                          &len);
	if (!strstr(url, "/oauth2/token")) {
		size_t blen;
		const char *body = billtap_request_body(req, &blen);
		free(r->url);
		free(r->body);
		r->url = strdup(url);
		r->body = strndup(body ? body : "", body ? blen : 0);
		snprintf(r->method, sizeof r->method, "%s", billtap_request_method(req));
		r->calls++;
	}
	int rc = billtap_response_set_status(resp, 200);
	if (rc == 0)
		rc = billtap_response_append_body(resp, text, len);
	free(text);
	return rc;
}

START_TEST(since_searches_by_creation_date)
{
	recorder rec = { "", NULL, NULL, 0 };
	billtap_transport t = BILLTAP_TRANSPORT_INIT;
	t.perform = recording_perform;
	billtap_client_options o = BILLTAP_CLIENT_OPTIONS_INIT;
	o.transport = &t;
	o.transport_payload = &rec;
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "paypal", &o), 0);
	configure(c);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	ck_assert_int_eq(billtap_time_parse(&opts.since, "2018-11-01T00:00:00Z"), 0);
	int64_t before = (int64_t)time(NULL);
	expect_records(c, BILLTAP_RESOURCE_INVOICES, &opts, spec_example, 1);
	int64_t after = (int64_t)time(NULL);
	ck_assert_int_eq(rec.calls, 1);
	ck_assert_str_eq(rec.method, "POST");
	ck_assert_str_eq(rec.url, "http://paypal.test/v2/invoicing/search-invoices?page=1"
	                          "&page_size=100&total_required=true");
	/* {"creation_date_range":{"start":since,"end":the stream's now}, "fields":[...]} */
	char want[300], end[40];
	int64_t at;
	const char *e = strstr(rec.body, "\"end\":\"");
	ck_assert_ptr_nonnull(e);
	snprintf(end, sizeof end, "%.20s", e + 7);
	ck_assert_int_eq(billtap_time_parse(&at, end), 0);
	ck_assert(at >= before && at <= after);
	snprintf(want, sizeof want,
	         "{\"creation_date_range\":{\"start\":\"2018-11-01T00:00:00Z\",\"end\":\"%s\"},"
	         "\"fields\":[\"items\",\"payments\",\"refunds\"]}",
	         end);
	ck_assert_str_eq(rec.body, want);
	billtap_client_free(c);
	free(rec.url);
	free(rec.body);
}
END_TEST

/* Stopped after the first invoice of page 1: the resumed iterator asks for page 1 again
 * (its mark), the engine drops the invoice already returned, and page 2 follows. */
START_TEST(resume_at_the_marked_page)
{
	fake_add_fixture(&ft, 200, NULL, "paypal/token.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_p1.json");
	fake_add_fixture(&ft, 200, NULL, "paypal/invoices_p2.json");
	billtap_client *c = fake_client(&ft, "paypal");
	configure(c);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	expect_records(c, BILLTAP_RESOURCE_INVOICES, &o, paged + 1, 2);
	free(saved);
	ck_assert_uint_eq(ft.calls, 4);
	ck_assert_str_eq(ft.urls[2], "http://paypal.test/v2/invoicing/invoices?page=1&page_size=100"
	                             "&total_required=true&fields=all");
	billtap_client_free(c);
}
END_TEST

/* Each allocation failure in turn, the failed call retried: the clean run's invoices,
 * each once; and with page 2 answering 404, its error after page 1's invoices. */
START_TEST(every_allocation_failure_retries_to_the_same_invoices)
{
	static const fixture_route routes[] = {
		{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
		{ "/v2/invoicing/invoices?", "page", "1", "paypal/invoices_p1.json" },
		{ "/v2/invoicing/invoices?", "page", "2", "paypal/invoices_p2.json" },
	};
	static const char *const settings[] = { "client_id", "cid", "client_secret", "s3cret-value",
		                                "base_url", "http://paypal.test",
		                                "allow_insecure_http", "1", NULL };
	char why[1024] = "";
	size_t records;
	if (_i == 0) {
		long n = alloc_walk(&records, "paypal", settings, BILLTAP_RESOURCE_INVOICES, routes, 3,
		                    why, sizeof why);
		ck_assert_msg(n > 0, "%s", why);
		ck_assert_uint_eq(records, 3);
	} else {
		static const fixture_route failing[] = {
			{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
			{ "/v2/invoicing/invoices?", "page", "1", "paypal/invoices_p1.json" },
			{ "/v2/invoicing/invoices?", "page", "2", "paypal/not_found.json" },
		};
		static const int statuses[] = { 0, 0, 404 };
		int final = 0;
		long n = alloc_walk_to_error(&records, &final, "paypal", settings,
		                             BILLTAP_RESOURCE_INVOICES, failing, statuses, 3, why,
		                             sizeof why);
		ck_assert_msg(n > 0, "%s", why);
		ck_assert_uint_eq(records, 2);
		ck_assert_int_lt(final, 0);
	}
}
END_TEST

void paypal_invoice_tests(Suite *s)
{
	TCase *tc = tcase_create("invoices");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, spec_example_invoice_is_exact);
	tcase_add_test(tc, invoice_pages_and_statuses);
	tcase_add_loop_test(tc, breakdown_disagreements_are_data_errors, 0, 6);
	tcase_add_test(tc, since_searches_by_creation_date);
	tcase_add_test(tc, resume_at_the_marked_page);
	tcase_add_loop_test(tc, every_allocation_failure_retries_to_the_same_invoices, 0, 2);
	suite_add_tcase(s, tc);
}
