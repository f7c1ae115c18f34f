/* The Recurly provider against recorded-shape answers (fields and types from Recurly's
 * OpenAPI spec, recurly/recurly-client-python openapi/api.yaml) through the transport
 * vtable: mapping, exact float money, paging by `next`, resume, errors. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "testutil.h"

Suite *recurly_unit_suite(void);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

#define KEY "rk_unit_secret_0123456789"

static billtap_client *recurly_client(void)
{
	billtap_client *c = fake_client(&ft, "recurly");
	ck_assert_int_eq(billtap_client_set(c, "api_key", KEY), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://recurly.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	return c;
}

#define ACCOUNT(id, email, name, country, at, deleted)                                          \
	"{\"object\":\"customer\",\"id\":\"" id "\",\"email\":" email ",\"name\":" name             \
	",\"country\":" country ",\"created_at\":\"" at "\",\"deleted\":" deleted "}"

START_TEST(accounts_two_pages_by_next)
{
	fake_add_fixture(&ft, 200, "X-Request-Id: r1", "recurly/accounts_p1.json");
	fake_add_fixture(&ft, 200, "X-Request-Id: r2", "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	ck_assert_int_eq(billtap_client_set(c, "page_size", "2"), 0);
	const char *want[] = {
		ACCOUNT("o1b8gl8hqfa7", "\"ana@example.com\"", "\"Ana Núñez\"", "\"ES\"",
		        "2024-05-01T12:00:00Z", "false"),
		/* the company is the name; +02:00 is converted to UTC */
		ACCOUNT("o1b8gl8hqfa8", "null", "\"Acme \\\"Widgets\\\" KK\"", "\"JP\"",
		        "2024-05-01T12:00:00Z", "false"),
		/* closed (inactive); an empty company and a last name alone; fraction dropped */
		ACCOUNT("o1b8gl8hqfa9", "\"gone@example.com\"", "\"Solo\"", "null",
		        "2024-05-03T00:00:00Z", "true"),
	};
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, NULL, want, 3);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[0],
	                 "http://recurly.test/accounts?limit=2&sort=created_at&order=asc");
	/* `next` followed as given: it carries the cursor and the parameters */
	ck_assert_str_eq(ft.urls[1], "http://recurly.test/accounts?cursor=o1b8gl8hqfa7%3A1714574400.0"
	                             "&limit=2&order=asc&sort=created_at");
	/* Basic base64("KEY:") and the pinned version, on every request */
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(fake_header(&ft, i, "Authorization"),
		                 "Basic cmtfdW5pdF9zZWNyZXRfMDEyMzQ1Njc4OTo=");
		ck_assert_str_eq(fake_header(&ft, i, "Accept"),
		                 "application/vnd.recurly.v2021-02-25+json");
	}
	billtap_client_free(c);
}
END_TEST

START_TEST(since_is_begin_time)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = 1714564800; /* 2024-05-01T12:00:00Z */
	const char *want[] = { ACCOUNT("o1b8gl8hqfa9", "\"gone@example.com\"", "\"Solo\"", "null",
		                       "2024-05-03T00:00:00Z", "true") };
	expect_records(c, BILLTAP_RESOURCE_CUSTOMERS, &o, want, 1);
	ck_assert_str_eq(ft.urls[0], "http://recurly.test/accounts?limit=200&sort=created_at"
	                             "&order=asc&begin_time=2024-05-01T12%3A00%3A00Z");
	billtap_client_free(c);
}
END_TEST

#define PLAN(id, name, amount, dec, cur, exp, fee, unit, count, cycles, trial, active, at)      \
	"{\"object\":\"plan\",\"id\":\"" id "\",\"name\":\"" name "\",\"product_id\":null,"         \
	"\"product_name\":null,\"amount\":" amount ",\"amount_decimal\":" dec ",\"currency\":\""    \
	cur "\",\"currency_exponent\":" exp ",\"usage_type\":\"licensed\",\"tiers_mode\":null,"     \
	"\"tiers\":null,\"custom_amount\":false,\"custom_amount_minimum\":null,"                    \
	"\"custom_amount_maximum\":null,\"custom_amount_preset\":null,\"setup_fee\":" fee ","       \
	"\"interval_unit\":\"" unit "\",\"interval_count\":" count ",\"total_cycles\":" cycles     \
	",\"trial_days\":" trial ",\"trial_amount\":null,\"trial_cycles\":null,\"active\":" active  \
	",\"created_at\":\"" at "\"}"

START_TEST(plans_one_record_per_currency_exact)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/plans.json");
	billtap_client *c = recurly_client();
	const char *want[] = {
		/* 19.99 is 1999 cents, never 1998.9999... */
		PLAN("o1c9k2x7ka5p/USD", "Gold", "1999", "\"1999\"", "USD", "2", "0", "month", "1",
		     "null", "14", "true", "2023-01-10T09:00:00Z"),
		PLAN("o1c9k2x7ka5p/EUR", "Gold", "1750", "\"1750\"", "EUR", "2", "500", "month", "1",
		     "null", "14", "true", "2023-01-10T09:00:00Z"),
		/* zero-decimal: 2000.0 yen; 1e3 in exponent form */
		PLAN("o1c9k2x7ka5p/JPY", "Gold", "2000", "\"2000\"", "JPY", "0", "1000", "month", "1",
		     "null", "14", "true", "2023-01-10T09:00:00Z"),
		/* three decimals: 1.255 dinars; no setup_fee member */
		PLAN("o1c9k2x7ka5p/KWD", "Gold", "1255", "\"1255\"", "KWD", "3", "null", "month", "1",
		     "null", "14", "true", "2023-01-10T09:00:00Z"),
		/* 1.2E5 won; a trial in months is no number of days */
		PLAN("o1c9k2x7ka5q/KRW", "Yearly", "120000", "\"120000\"", "KRW", "0", "null", "month",
		     "12", "3", "null", "false", "2023-02-10T09:00:00Z"),
		PLAN("o1c9k2x7ka5r/GBP", "Weekly", "30", "\"30\"", "GBP", "2", "10", "day", "7", "null",
		     "null", "true", "2023-03-10T09:00:00Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_PLANS, NULL, want, 6);
	ck_assert_str_eq(ft.urls[0], "http://recurly.test/plans?limit=200&sort=created_at&order=asc");
	billtap_client_free(c);
}
END_TEST

#define TXN(id, cust, sub, inv, kind, result, status, amount, cur, exp, captured, refunded,      \
            parent, at)                                                                         \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":" cust                        \
	",\"subscription_id\":" sub ",\"invoice_id\":" inv ",\"kind\":\"" kind "\",\"result\":\""    \
	result "\",\"provider_status\":\"" status "\",\"amount\":" amount ",\"currency\":\"" cur     \
	"\",\"currency_exponent\":" exp ",\"captured_amount\":" captured ",\"refunded_amount\":"     \
	refunded ",\"fee_amount\":null,\"net_amount\":null,\"parent_id\":" parent                   \
	",\"occurred_at\":\"" at "\"}"

START_TEST(transactions_kinds_results_money)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/transactions.json");
	billtap_client *c = recurly_client();
	const char *want[] = {
		TXN("o1d2purchase", "\"o1b8gl8hqfa7\"", "\"o1f4subscr01\"", "\"o1e3invoice1\"", "payment",
		    "succeeded", "success", "1999", "USD", "2", "1999", "null", "null",
		    "2024-05-01T12:00:05Z"),
		TXN("o1d2refund01", "\"o1b8gl8hqfa7\"", "null", "\"o1e3credit01\"", "refund", "succeeded",
		    "success", "500", "USD", "2", "null", "0", "\"o1d2purchase\"", "2024-05-02T10:00:00Z"),
		/* the first of two subscriptions; declined takes nothing; 1e3 yen */
		TXN("o1d2declined", "\"o1b8gl8hqfa8\"", "\"o1f4subscr02\"", "\"o1e3invoice2\"", "payment",
		    "failed", "declined", "1000", "JPY", "0", "0", "null", "null",
		    "2024-05-03T00:00:00Z"),
		TXN("o1d2authoriz", "\"o1b8gl8hqfa8\"", "null", "null", "payment", "authorized",
		    "success", "12345", "KWD", "3", "0", "null", "null", "2024-05-04T00:00:00Z"),
		/* a refund that came from a chargeback */
		TXN("o1d2chargebk", "\"o1b8gl8hqfa7\"", "null", "null", "chargeback", "succeeded",
		    "success", "1499", "USD", "2", "null", "null", "\"o1d2purchase\"",
		    "2024-05-05T00:00:00Z"),
		TXN("o1d2verify01", "\"o1b8gl8hqfa7\"", "null", "null", "other", "failed", "void", "0",
		    "EUR", "2", "null", "null", "null", "2024-05-06T00:00:00Z"),
		/* still processing: what it will take is not known yet */
		TXN("o1d2pending1", "\"o1b8gl8hqfa8\"", "null", "\"o1e3invoice3\"", "payment", "pending",
		    "processing", "10", "EUR", "2", "null", "null", "null", "2024-05-07T00:00:00Z"),
	};
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, NULL, want, 7);
	billtap_client_free(c);
}
END_TEST


#define SUB(id, cust, status, pstatus, started, ps, pe, ts, te, canceled, cape, cancel_at, ended,  \
            at, items)                                                                          \
	"{\"object\":\"subscription\",\"id\":\"" id "\",\"customer_id\":\"" cust "\",\"status\":\""  \
	status "\",\"provider_status\":\"" pstatus "\",\"started_at\":" started                      \
	",\"current_period_start\":" ps ",\"current_period_end\":" pe ",\"trial_start\":" ts        \
	",\"trial_end\":" te ",\"canceled_at\":" canceled ",\"cancel_at_period_end\":" cape          \
	",\"cancel_at\":" cancel_at ",\"ended_at\":" ended ",\"paused\":null,\"pause_behavior\":null," \
	"\"resumes_at\":null,\"discounts\":null,\"created_at\":\"" at "\",\"items\":[" items "]}"
#define ITEM(id, plan, qty, usage, amount, dec, cur, exp, ps, pe)                                 \
	"{\"object\":\"subscription_item\",\"id\":" id ",\"plan_id\":" plan ",\"quantity\":" qty     \
	",\"usage_type\":\"" usage "\",\"amount\":" amount ",\"amount_decimal\":" dec ",\"currency\":\"" \
	cur "\",\"currency_exponent\":" exp ",\"current_period_start\":" ps ",\"current_period_end\":" \
	pe "}"
#define T(x) "\"" x "\""

START_TEST(subscriptions_states_and_items)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/subscriptions.json");
	billtap_client *c = recurly_client();
	const char *want[] = {
		/* active after its trial: the plan (quantity 2) and two add-ons as items */
		SUB("o1f4subscr01", "o1b8gl8hqfa7", "active", "active", T("2024-04-17T12:00:00Z"),
		    T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z"), T("2024-04-17T12:00:00Z"),
		    T("2024-05-01T12:00:00Z"), "null", "false", "null", "null", "2024-04-17T12:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5p/USD"), "2", "licensed", "1999", T("1999"), "USD", "2",
		         T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z")) ","
		    ITEM(T("o1g5addon001"), "null", "1", "licensed", "550", T("550"), "USD", "2",
		         T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z")) ","
		    ITEM(T("o1g5addon002"), "null", "1", "metered", "1", T("1"), "USD", "2",
		         T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z"))),
		/* "active" while the current period is its trial: trialing */
		SUB("o1f4subscr02", "o1b8gl8hqfa8", "trialing", "active", T("2024-05-03T00:00:00Z"),
		    T("2024-05-03T00:00:00Z"), T("2024-05-17T00:00:00Z"), T("2024-05-03T00:00:00Z"),
		    T("2024-05-17T00:00:00Z"), "null", "false", "null", "null", "2024-05-03T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5p/JPY"), "1", "licensed", "2000", T("2000"), "JPY", "0",
		         T("2024-05-03T00:00:00Z"), T("2024-05-17T00:00:00Z"))),
		/* canceled: still runs and bills until expires_at */
		SUB("o1f4subscr03", "o1b8gl8hqfa8", "active", "canceled", T("2024-01-01T00:00:00Z"),
		    T("2024-01-01T00:00:00Z"), T("2025-01-01T00:00:00Z"), "null", "null",
		    T("2024-06-01T00:00:00Z"), "true", T("2025-01-01T00:00:00Z"), "null",
		    "2024-01-01T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5q/KRW"), "1", "licensed", "120000", T("120000"), "KRW",
		         "0", T("2024-01-01T00:00:00Z"), T("2025-01-01T00:00:00Z"))),
		SUB("o1f4subscr04", "o1b8gl8hqfa9", "canceled", "expired", T("2024-03-01T00:00:00Z"),
		    T("2024-04-01T00:00:00Z"), T("2024-04-08T00:00:00Z"), "null", "null",
		    T("2024-04-02T00:00:00Z"), "false", "null", T("2024-04-08T00:00:00Z"),
		    "2024-03-01T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5r/GBP"), "1", "licensed", "30", T("30"), "GBP", "2",
		         T("2024-04-01T00:00:00Z"), T("2024-04-08T00:00:00Z"))),
		SUB("o1f4subscr05", "o1b8gl8hqfa7", "pending", "future", "null", "null", "null", "null",
		    "null", "null", "false", "null", "null", "2024-05-10T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5p/KWD"), "3", "licensed", "1255", T("1255"), "KWD", "3",
		         "null", "null")),
		SUB("o1f4subscr06", "o1b8gl8hqfa7", "paused", "paused", T("2024-04-01T00:00:00Z"),
		    T("2024-05-01T00:00:00Z"), T("2024-06-01T00:00:00Z"), "null", "null", "null", "false",
		    "null", "null", "2024-04-01T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5p/EUR"), "1", "licensed", "1750", T("1750"), "EUR", "2",
		         T("2024-05-01T00:00:00Z"), T("2024-06-01T00:00:00Z"))),
		SUB("o1f4subscr07", "o1b8gl8hqfa8", "canceled", "failed", "null", "null", "null", "null",
		    "null", "null", "false", "null", "null", "2024-05-20T00:00:00Z",
		    ITEM("null", T("o1c9k2x7ka5p/USD"), "1", "licensed", "1999", T("1999"), "USD", "2",
		         "null", "null")),
	};
	expect_records(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL, want, 7);
	ck_assert_str_eq(ft.urls[0],
	                 "http://recurly.test/subscriptions?limit=200&sort=created_at&order=asc");
	billtap_client_free(c);
}
END_TEST


#define INV(id, number, cust, sub, status, pstatus, cur, exp, subtotal, discount, tax, total, paid, \
            due, at, due_at, paid_at, ps, pe, lines)                                            \
	"{\"object\":\"invoice\",\"id\":\"" id "\",\"number\":\"" number "\",\"customer_id\":\"" cust \
	"\",\"subscription_id\":" sub ",\"status\":\"" status "\",\"provider_status\":\"" pstatus   \
	"\",\"currency\":\"" cur "\",\"currency_exponent\":" exp ",\"subtotal\":" subtotal           \
	",\"discount\":" discount ",\"tax\":" tax ",\"total\":" total ",\"amount_paid\":" paid      \
	",\"amount_due\":" due ",\"created_at\":\"" at "\",\"issued_at\":\"" at "\",\"due_at\":"      \
	due_at ",\"paid_at\":" paid_at ",\"voided_at\":null,\"period_start\":" ps                   \
	",\"period_end\":" pe ",\"lines\":[" lines "]}"
#define LINE(id, kind, plan, desc, qty, amount, cur, exp, ps, pe, proration)                       \
	"{\"object\":\"invoice_line\",\"id\":\"" id "\",\"kind\":\"" kind "\",\"plan_id\":" plan      \
	",\"description\":\"" desc "\",\"quantity\":" qty ",\"amount\":" amount ",\"currency\":\""  \
	cur "\",\"currency_exponent\":" exp ",\"period_start\":" ps ",\"period_end\":" pe            \
	",\"proration\":" proration "}"

static const char *const invoices_want[] = {
	INV("o1e3invoice1", "1001", "o1b8gl8hqfa7", T("o1f4subscr01"), "paid", "paid", "USD", "2",
	    "4548", "400", "331", "4479", "4479", "4479", "2024-05-01T12:00:01Z",
	    T("2024-05-01T12:00:01Z"), T("2024-05-01T12:00:05Z"), T("2024-05-01T12:00:00Z"),
	    T("2024-06-01T12:00:00Z"),
	    LINE("o1i7line0001", "subscription", T("o1c9k2x7ka5p/USD"), "Gold", "2", "3998", "USD",
	         "2", T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z"), "false") ","
	    /* an add-on's line bills the add-on, not the plan */
	    LINE("o1i7line0002", "subscription", "null", "Support", "1", "550", "USD", "2",
	         T("2024-05-01T12:00:00Z"), T("2024-06-01T12:00:00Z"), "false")),
	/* more lines than it embeds: all of them from /line_items, the embedded one once */
	INV("o1e3invoice2", "1002", "o1b8gl8hqfa8", "null", "open", "past_due", "JPY", "0", "3500",
	    "0", "0", "3500", "0", "3500", "2024-05-03T00:00:00Z", T("2024-05-18T00:00:00Z"), "null",
	    T("2024-05-02T00:00:00Z"), T("2024-05-10T00:00:00Z"),
	    LINE("o1i7line0003", "one_off", "null", "Setup", "1", "1000", "JPY", "0",
	         T("2024-05-03T00:00:00Z"), "null", "false") ","
	    LINE("o1i7line0004", "one_off", "null", "Setup fee", "1", "500", "JPY", "0",
	         T("2024-05-02T00:00:00Z"), "null", "false") ","
	    LINE("o1i7line0005", "one_off", "null", "Consulting", "4", "2000", "JPY", "0",
	         T("2024-05-03T00:00:00Z"), T("2024-05-10T00:00:00Z"), "false")),
	/* a voided credit invoice; its prorated credit line is negative */
	INV("o1e3invoice3", "1003", "o1b8gl8hqfa8", T("o1f4subscr03"), "void", "voided", "KWD", "3",
	    "-1255", "0", "0", "-1255", "0", "-1255", "2024-05-15T00:00:00Z", "null", "null",
	    T("2024-05-15T00:00:00Z"), T("2024-06-01T00:00:00Z"),
	    LINE("o1i7line0006", "proration", T("o1c9k2x7ka5p/KWD"), "Unused time on Gold", "1",
	         "-1255", "KWD", "3", T("2024-05-15T00:00:00Z"), T("2024-06-01T00:00:00Z"), "true")),
};

START_TEST(invoices_with_paged_line_items)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/invoices.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/invoice2_lines_p1.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/invoice2_lines_p2.json");
	billtap_client *c = recurly_client();
	expect_records(c, BILLTAP_RESOURCE_INVOICES, NULL, invoices_want, 3);
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[0], "http://recurly.test/invoices?limit=200&sort=created_at&order=asc");
	ck_assert_str_eq(ft.urls[1], "http://recurly.test/invoices/o1e3invoice2/line_items?limit=200"
	                             "&order=asc&sort=created_at");
	ck_assert_str_eq(ft.urls[2], "http://recurly.test/invoices/o1e3invoice2/line_items?cursor="
	                             "o1i7line0004%3A1714694400.0&limit=200&order=asc&sort=created_at");
	ck_assert_str_eq(fake_header(&ft, 1, "Accept"), "application/vnd.recurly.v2021-02-25+json");
	billtap_client_free(c);
}
END_TEST

/* ---- allocation failures (tests/common/alloc_fail.h): every allocation of each
 * extraction failed in turn, the failed call made again: the same records, each once (the
 * invoice held while its lines are paged included), or the same error after them ---- */

static const fixture_route walk_invoices[] = {
	{ "/line_items?", "cursor", NULL, "recurly/invoice2_lines_p1.json" },
	{ "/line_items?", NULL, NULL, "recurly/invoice2_lines_p2.json" },
	{ "/invoices?", NULL, NULL, "recurly/invoices.json" },
};
static const fixture_route walk_accounts[] = {
	{ "/accounts?", "cursor", NULL, "recurly/accounts_p1.json" },
	{ "/accounts?", NULL, NULL, "recurly/accounts_p2.json" },
};
static const fixture_route walk_plans[] = { { "/plans?", NULL, NULL, "recurly/plans.json" } };
static const fixture_route walk_subs[] = {
	{ "/subscriptions?", NULL, NULL, "recurly/subscriptions.json" },
};
static const fixture_route walk_txns[] = {
	{ "/transactions?", NULL, NULL, "recurly/transactions.json" },
};
/* incremental passes: the newest change (the head) first, then the list or the changes */
static const fixture_route walk_incremental[] = {
	{ "/accounts?", "order", "desc", "recurly/accounts_p2.json" },
	{ "/accounts?", "cursor", NULL, "recurly/accounts_p1.json" },
	{ "/accounts?", NULL, NULL, "recurly/accounts_p2.json" },
};
static const fixture_route walk_bad_key[] = { { "/accounts?", NULL, NULL, "recurly/error_401.json" } };
static const int walk_bad_key_status[] = { 401 };
/* the second page refused after the first page's records */
static const fixture_route walk_bad_cursor[] = {
	{ "/accounts?", "cursor", NULL, "recurly/accounts_p1.json" },
	{ "/accounts?", NULL, NULL, "recurly/error_400.json" },
};
static const int walk_bad_cursor_status[] = { 0, 400 };
/* the second page of an invoice's lines fails while the invoice is held */
static const fixture_route walk_lines_fail[] = {
	{ "/line_items?", "cursor", NULL, "recurly/invoice2_lines_p1.json" },
	{ "/line_items?", NULL, NULL, "recurly/error_400.json" },
	{ "/invoices?", NULL, NULL, "recurly/invoices.json" },
};
static const int walk_lines_fail_status[] = { 0, 400, 0 };
static const fixture_route walk_float_noise[] = {
	{ "/transactions?", NULL, NULL, "recurly/transactions_float_noise.json" },
};
static const fixture_route walk_foreign_next[] = {
	{ "/accounts?", NULL, NULL, "recurly/accounts_foreign_next.json" },
};

static const alloc_walk_case walk_cases[] = {
	{ "invoices", BILLTAP_RESOURCE_INVOICES, ALLOC_ROUTES(walk_invoices), NULL, 0, NULL, 0, 3, 0 },
	{ "customers", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_accounts), NULL, 0, NULL, 0, 3, 0 },
	{ "plans", BILLTAP_RESOURCE_PLANS, ALLOC_ROUTES(walk_plans), NULL, 0, NULL, 0, 6, 0 },
	{ "subscriptions", BILLTAP_RESOURCE_SUBSCRIPTIONS, ALLOC_ROUTES(walk_subs), NULL, 0, NULL, 0, 7, 0 },
	{ "transactions", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_txns), NULL, 0, NULL, 0, 7, 0 },
	{ "incremental full pass", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_incremental), NULL,
	  BILLTAP_ITER_INCREMENTAL, NULL, 0, 3, 0 },
	{ "changes from a token", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_incremental), NULL, 0,
	  NULL, 1, 3, 0 },
	{ "a refused key", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_bad_key), walk_bad_key_status, 0,
	  NULL, 0, 0, BILLTAP_EAUTH },
	{ "a refused cursor", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_bad_cursor),
	  walk_bad_cursor_status, 0, NULL, 0, 2, BILLTAP_EREQUEST },
	{ "lines failing while their invoice is held", BILLTAP_RESOURCE_INVOICES,
	  ALLOC_ROUTES(walk_lines_fail), walk_lines_fail_status, 0, NULL, 0, 1, BILLTAP_EREQUEST },
	{ "a record that does not map", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_float_noise),
	  NULL, 0, NULL, 0, 0, BILLTAP_EDATA },
	{ "a next page on another host", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_foreign_next),
	  NULL, 0, NULL, 0, 0, BILLTAP_EDATA },
};
static const char *const walk_settings[] = { "api_key", KEY, "base_url", "http://recurly.test",
	                                     "allow_insecure_http", "1", "max_retries", "0", NULL };
static const alloc_walk_spec recurly_walks = { "recurly", walk_settings, walk_cases,
	                                       sizeof walk_cases / sizeof walk_cases[0] };


/* Drains it, returning the record count (each must succeed). */
static size_t drain(billtap_iter *it, billtap_client *c)
{
	const billtap_record *r;
	size_t n = 0;
	int rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		n++;
	ck_assert_msg(rc == BILLTAP_ITEROVER, "%s", billtap_client_error_message(c));
	return n;
}

/* An incremental pass asks for the newest change first (its time is the token), then
 * reads as a full pass; a pass from that token reads by updated_at from it to the new
 * head, and ends with a token of its own. */
START_TEST(incremental_passes_read_by_updated_at)
{
	/* the head: an account updated 2024-06-01T00:00:00Z */
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p1.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_uint_eq(drain(it, c), 3);
	const char *borrowed;
	ck_assert_int_eq(billtap_iter_sync_token(&borrowed, it), 0);
	char *token = strdup(borrowed);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[0], "http://recurly.test/accounts?limit=1&sort=updated_at&order=desc");
	ck_assert_str_eq(ft.urls[1], "http://recurly.test/accounts?limit=200&sort=created_at&order=asc");

	/* the next pass: the new head (2024-06-02T00:00:00Z), then the changes */
	fake_add(&ft, 200, NULL,
	         "{\"object\":\"list\",\"has_more\":false,\"next\":null,\"data\":[{\"id\":\"x\","
	         "\"updated_at\":\"2024-06-02T00:00:00Z\"}]}");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
	o2.checkpoint = token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o2), 0);
	ck_assert_uint_eq(drain(it, c), 1);
	ck_assert_int_eq(billtap_iter_sync_token(&borrowed, it), 0);
	ck_assert_str_ne(borrowed, token);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[3], "http://recurly.test/accounts?limit=1&sort=updated_at&order=desc");
	ck_assert_str_eq(ft.urls[4], "http://recurly.test/accounts?limit=200&sort=updated_at&order=asc"
	                             "&begin_time=2024-06-01T00%3A00%3A00Z&end_time=2024-06-02T00%3A00%3A00Z");
	free(token);
	billtap_client_free(c);
}
END_TEST

/* A pass of changes whose head finds the list empty keeps the token's time: the pass after
 * it still reads only from then (not the whole list again). */
START_TEST(an_empty_head_keeps_the_tokens_time)
{
	static const char empty[] = "{\"object\":\"list\",\"has_more\":false,\"next\":null,\"data\":[]}";
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json"); /* head: 2024-06-01 */
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	const char *borrowed;
	char *tokens[3] = { NULL };
	for (int pass = 0; pass < 3; pass++) {
		if (pass > 0) {
			fake_add(&ft, 200, NULL, empty); /* the head: nothing listed now */
			fake_add(&ft, 200, NULL, empty);
			o.flags = 0;
			o.checkpoint = tokens[pass - 1];
		}
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
		drain(it, c);
		ck_assert_int_eq(billtap_iter_sync_token(&borrowed, it), 0);
		tokens[pass] = strdup(borrowed);
		billtap_iter_free(it);
	}
	/* both passes of changes read from the first pass's head on */
	for (size_t call = 3; call < ft.calls; call += 2)
		ck_assert_msg(strstr(ft.urls[call], "&begin_time=2024-06-01T00%3A00%3A00Z"), "%s",
		              ft.urls[call]);
	ck_assert_uint_eq(ft.calls, 6);
	for (int pass = 0; pass < 3; pass++)
		free(tokens[pass]);
	billtap_client_free(c);
}
END_TEST

/* In a pass of changes, `since` drops what was created before it (the walk cannot). */
START_TEST(changes_keep_to_since)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.since = 1714694400; /* 2024-05-03T00:00:00Z */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_uint_eq(drain(it, c), 1);
	const char *borrowed;
	ck_assert_int_eq(billtap_iter_sync_token(&borrowed, it), 0);
	char *token = strdup(borrowed);
	billtap_iter_free(it);
	/* the changes: the three accounts, two of them created before `since` */
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	fake_add(&ft, 200, NULL, "{\"object\":\"list\",\"has_more\":false,\"next\":null,\"data\":[]}");
	billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
	o2.since = o.since;
	o2.checkpoint = token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o2), 0);
	ck_assert_uint_eq(drain(it, c), 0);
	billtap_iter_free(it);
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p1.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o2), 0);
	ck_assert_uint_eq(drain(it, c), 1); /* o1b8gl8hqfa9 only */
	billtap_iter_free(it);
	free(token);
	billtap_client_free(c);
}
END_TEST

/* Runs `res` and returns the status of the first failing billtap_iter_next. */
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

/* docs/providers/recurly.md: a transaction's amount is its absolute value (the kind says
 * which way the money went), so a refund written with a negative amount is the same
 * refund. */
START_TEST(negative_amounts_are_their_absolute_value)
{
	fake_add(&ft, 200, NULL,
	         "{\"object\":\"list\",\"has_more\":false,\"next\":null,\"data\":[{\"id\":\"o1neg\","
	         "\"object\":\"transaction\",\"original_transaction_id\":\"o1d2purchase\","
	         "\"account\":{\"id\":\"o1b8gl8hqfa7\"},\"subscription_ids\":[],\"type\":\"refund\","
	         "\"origin\":\"api\",\"currency\":\"USD\",\"amount\":-5.25,\"status\":\"success\","
	         "\"created_at\":\"2024-05-02T10:00:00Z\"}]}");
	billtap_client *c = recurly_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	int64_t amount = 0;
	const char *kind = NULL;
	ck_assert_int_eq(billtap_record_get_int(&amount, r, BILLTAP_FIELD_AMOUNT), 0);
	ck_assert_int_eq(amount, 525);
	ck_assert_int_eq(billtap_record_get_str(&kind, r, BILLTAP_FIELD_KIND), 0);
	ck_assert_str_eq(kind, "refund");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A binary double's digits (0.1 + 0.2) are not a number of cents: refused, not rounded. */
START_TEST(float_noise_is_refused_not_rounded)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/transactions_float_noise.json");
	billtap_client *c = recurly_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_TRANSACTIONS), BILLTAP_EDATA);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "transaction o1d2noise001: amount"), "%s", msg);
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_from_a_checkpoint_reads_next)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p1.json");
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_p2.json");
	billtap_client *c = recurly_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *borrowed = NULL;
	ck_assert_int_eq(billtap_iter_checkpoint(&borrowed, it), 0);
	char *cp = strdup(borrowed);
	billtap_iter_free(it);

	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "o1b8gl8hqfa9");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	free(cp);
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[1], "http://recurly.test/accounts?cursor=o1b8gl8hqfa7%3A1714574400.0"
	                             "&limit=2&order=asc&sort=created_at");
	billtap_client_free(c);
}
END_TEST

static const struct error_case {
	int status;
	const char *fixture, *headers;
	int code;
	const char *type, *message;
} error_cases[] = {
	{ 401, "recurly/error_401.json", "X-Request-Id: 5b0c8d1e-401", BILLTAP_EAUTH, "invalid_api_key",
	  "recurly: customers: GET /accounts: HTTP 401 (request 5b0c8d1e-401): invalid_api_key: "
	  "The API key provided is invalid." },
	{ 406, "recurly/error_406.json", "X-Request-Id: 5b0c8d1e-406", BILLTAP_EREQUEST, "invalid_api_version",
	  "recurly: customers: GET /accounts: HTTP 406 (request 5b0c8d1e-406): invalid_api_version: "
	  "The provided API version is not valid." },
	{ 429, "recurly/error_429.json",
	  "X-Request-Id: 5b0c8d1e-429\nX-RateLimit-Limit: 1000\nX-RateLimit-Remaining: 0\n"
	  "X-RateLimit-Reset: 1714574700",
	  BILLTAP_ERATELIMIT, "rate_limited",
	  "recurly: customers: GET /accounts: HTTP 429 (request 5b0c8d1e-429): rate_limited: "
	  "You have made too many API requests in the last five minutes." },
	{ 400, "recurly/error_400.json", "X-Request-Id: 5b0c8d1e-400", BILLTAP_EREQUEST, "bad_request",
	  "recurly: customers: GET /accounts: HTTP 400 (request 5b0c8d1e-400): bad_request: "
	  "Invalid parameter: limit" },
};

START_TEST(errors_name_type_and_request_id)
{
	const struct error_case *e = &error_cases[_i];
	fake_add_fixture(&ft, e->status, e->headers, e->fixture);
	billtap_client *c = recurly_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), e->code);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, e->message) != NULL, "%s", msg);
	ck_assert_ptr_null(strstr(msg, KEY));
	char rid[32];
	snprintf(rid, sizeof rid, "5b0c8d1e-%d", e->status);
	ck_assert_str_eq(billtap_client_error_request_id(c), rid);
	ck_assert_str_eq(billtap_client_error_provider_code(c), e->type);
	billtap_client_free(c);
}
END_TEST

START_TEST(a_page_without_next_is_an_error)
{
	fake_add_fixture(&ft, 200, "X-Request-Id: rl", "recurly/accounts_loop.json");
	billtap_client *c = recurly_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_msg(strstr(billtap_client_error_message(c), "has_more is true but next"), "%s",
	              billtap_client_error_message(c));
	billtap_client_free(c);
}
END_TEST

START_TEST(next_to_another_host_is_refused)
{
	fake_add_fixture(&ft, 200, NULL, "recurly/accounts_foreign_next.json");
	billtap_client *c = recurly_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_uint_eq(ft.calls, 1); /* the key never went to evil.example */
	billtap_client_free(c);
}
END_TEST

START_TEST(a_body_that_is_not_a_list_is_an_error)
{
	fake_add(&ft, 200, NULL, "{\"object\":\"account\",\"id\":\"x\"}");
	billtap_client *c = recurly_client();
	ck_assert_int_eq(first_error(c, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EDATA);
	ck_assert_msg(strstr(billtap_client_error_message(c), "not a list"), "%s",
	              billtap_client_error_message(c));
	billtap_client_free(c);
}
END_TEST

Suite *recurly_unit_suite(void)
{
	Suite *s = suite_create("recurly");
	TCase *tc = tcase_create("recurly");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, accounts_two_pages_by_next);
	tcase_add_test(tc, since_is_begin_time);
	tcase_add_test(tc, plans_one_record_per_currency_exact);
	tcase_add_test(tc, transactions_kinds_results_money);
	tcase_add_test(tc, subscriptions_states_and_items);
	tcase_add_test(tc, invoices_with_paged_line_items);
	tcase_add_test(tc, incremental_passes_read_by_updated_at);
	tcase_add_test(tc, changes_keep_to_since);
	tcase_add_test(tc, an_empty_head_keeps_the_tokens_time);
	tcase_add_test(tc, float_noise_is_refused_not_rounded);
	tcase_add_test(tc, negative_amounts_are_their_absolute_value);
	tcase_add_test(tc, resume_from_a_checkpoint_reads_next);
	tcase_add_loop_test(tc, errors_name_type_and_request_id, 0,
	                    (int)(sizeof error_cases / sizeof error_cases[0]));
	tcase_add_test(tc, a_page_without_next_is_an_error);
	tcase_add_test(tc, next_to_another_host_is_refused);
	tcase_add_test(tc, a_body_that_is_not_a_list_is_an_error);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, alloc_walk_tcase(&recurly_walks));
	return s;
}
