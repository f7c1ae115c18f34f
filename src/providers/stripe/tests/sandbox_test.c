/*
 * The Stripe provider against billtap-sandbox: what the C API returns must be exactly the
 * sandbox's truth files — every record once, every field equal — also across resumes,
 * rate limits and injected faults.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "sandbox_process.h"

Suite *stripe_sandbox_suite(void);

static sandbox main_sb;
static const char *const resources[] = { "customers", "plans", "subscriptions", "transactions",
	                                  "invoices" };
#define RESOURCE_COUNT (int)(sizeof resources / sizeof resources[0])

static void start_main(void)
{
	const char *args[] = { "--provider", "stripe", "--seed", "7", "--scale", "1200",
		               "--rate-limit", "0", NULL };
	sandbox_start(&main_sb, args);
}

static void stop_main(void)
{
	sandbox_stop(&main_sb);
}

static billtap_client *client_for(const sandbox *sb, const char *key)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "stripe", NULL), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", key), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", sandbox_setting(sb, "base_url")), 0);
	/* No pacing (25 a second for a test key): the sandbox sets the limits tested here. */
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

START_TEST(extraction_equals_truth)
{
	const char *name = resources[_i];
	billtap_resource res;
	billtap_resource_from_name(&res, name);
	truth t;
	truth_load(&t, &main_sb, name);
	ck_assert_uint_gt(t.count, 10);
	char *seen = calloc(t.count, 1);
	billtap_client *c = client_for(&main_sb, "sk_test_sandbox");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	long n = truth_take(it, c, &t, seen, -1);
	ck_assert_int_eq(n, (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
}
END_TEST

/* Stops every `step` records, drops the iterator, and goes on in a new one from the
 * checkpoint — the way a job that is killed and restarted works. */
START_TEST(resume_from_checkpoints_is_exact)
{
	const char *name = resources[_i];
	billtap_resource res;
	billtap_resource_from_name(&res, name);
	truth t;
	truth_load(&t, &main_sb, name);
	billtap_client *c = client_for(&main_sb, "sk_test_sandbox");
	billtap_client_set(c, "page_size", "40");
	truth_resume_in_slices(c, res, &t, 37 + 13 * _i);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

START_TEST(since_filters_by_creation)
{
	truth t;
	truth_load(&t, &main_sb, "customers");
	int64_t *created = calloc(t.count, sizeof *created);
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, "created_at", NULL);
	billtap_client *c = client_for(&main_sb, "sk_test_sandbox");
	truth_since_exact(c, BILLTAP_RESOURCE_CUSTOMERS, &t, created);
	billtap_client_free(c);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(bad_key_names_the_request)
{
	billtap_client *c = client_for(&main_sb, "sk_test_wrong1234");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	const char *prefix = "stripe: customers: GET /v1/customers: HTTP 401 (request req_";
	ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0, "%s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "Invalid API Key provided"));
	ck_assert_ptr_null(strstr(msg, "sk_test_wrong1234")); /* never the whole key */
	ck_assert_ptr_nonnull(billtap_client_error_request_id(c));
	ck_assert_int_eq(billtap_client_error_http_status(c), 401);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* Before basil a subscription has one period, which its items share; so every subscription
 * reads as under basil but those whose items' periods differ (mixed intervals: basil has
 * no subscription period for them, the older shape one for all items). */
START_TEST(older_api_version_same_subscriptions)
{
	truth t;
	truth_load(&t, &main_sb, "subscriptions");
	char *seen = calloc(t.count, 1);
	billtap_client *c = client_for(&main_sb, "sk_test_sandbox");
	billtap_client_set(c, "stripe_version", "2024-06-20");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	const billtap_record *r;
	int rc;
	long mixed = 0;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		long at = truth_find(&t, billtap_record_id(r));
		ck_assert_msg(at >= 0 && !seen[at], "%s unknown or twice", billtap_record_id(r));
		seen[at] = 1;
		size_t len;
		const char *json = billtap_record_json(r, &len);
		int64_t v;
		if (strstr(t.lines[at], "\"current_period_start\":null,")) {
			/* mixed: one period for the subscription and all its items */
			mixed++;
			ck_assert_int_eq(billtap_record_get_int(&v, r, BILLTAP_FIELD_CURRENT_PERIOD_START), 0);
			continue;
		}
		char why[512] = "";
		ck_assert_msg(json_equal(json, len, t.lines[at], strlen(t.lines[at]), why, sizeof why),
		              "%s differs: %s\n got  %s\n want %s", billtap_record_id(r), why, json,
		              t.lines[at]);
	}
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	truth_assert_all_seen(&t, seen);
	ck_assert_int_gt(mixed, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
}
END_TEST

START_TEST(unreachable_service)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "stripe", NULL), 0);
	billtap_client_set(c, "api_key", "sk_test_sandbox");
	billtap_client_set(c, "base_url", "http://127.0.0.1:1");
	billtap_client_set(c, "max_retries", "1");
	billtap_client_set(c, "retry_base_ms", "1");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ENETWORK);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c),
	                             "stripe: plans: GET /v1/prices: network error"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* Connect: the stripe_account setting sends Stripe-Account. The sandbox serves its world as
 * one connected account (named in its settings line); the platform itself has no objects;
 * any other account is refused as Stripe refuses it (403 account_invalid). */
#define CONNECTED "acct_1SandboxConnect"

static sandbox connect_sb;

static void start_connect(void)
{
	const char *args[] = { "--provider", "stripe", "--seed", "9", "--scale", "150",
		               "--rate-limit", "0", "--opt", "connected_account=" CONNECTED, NULL };
	sandbox_start(&connect_sb, args);
}

static void stop_connect(void)
{
	sandbox_stop(&connect_sb);
}

START_TEST(connected_account_equals_its_truth)
{
	ck_assert_str_eq(sandbox_setting(&connect_sb, "stripe_account"), CONNECTED);
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &connect_sb, resources[_i]);
	ck_assert_uint_gt(t.count, 3);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&connect_sb, "stripe"); /* stripe_account included */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
}
END_TEST

START_TEST(the_platform_itself_has_none)
{
	billtap_client *c = client_for(&connect_sb, "sk_test_sandbox"); /* no stripe_account */
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* Stripe's answer for an account the key cannot act for: 403, account_invalid, the key
 * masked in the message. */
static void refused(const sandbox *sb, const char *account)
{
	billtap_client *c = client_for(sb, "sk_test_sandbox");
	ck_assert_int_eq(billtap_client_set(c, "stripe_account", account), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EPERMISSION);
	ck_assert_int_eq(billtap_client_error_http_status(c), 403);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "account_invalid");
	const char *msg = billtap_client_error_message(c);
	const char *prefix = "stripe: invoices: GET /v1/invoices: HTTP 403 (request req_";
	ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0, "%s", msg);
	char want[300];
	snprintf(want, sizeof want,
	         "): account_invalid: The provided key 'sk_test_***dbox' does not have access to "
	         "account '%s' (or that account does not exist). Application access may have been "
	         "revoked.", account);
	ck_assert_msg(strstr(msg, want) != NULL, "%s", msg);
	ck_assert_ptr_null(strstr(msg, "sk_test_sandbox")); /* never the whole key */
	billtap_iter_free(it);
	billtap_client_free(c);
}

START_TEST(another_account_is_refused)
{
	refused(&connect_sb, "acct_1SomeoneElse");
}
END_TEST

START_TEST(no_connected_account_refuses_every_one)
{
	refused(&main_sb, CONNECTED);
}
END_TEST

/* A sandbox that limits the rate like Stripe's test mode, and one that injects faults:
 * the extraction must still be exact, having retried. */
static void exact_despite(const char *const *args, int want_retries, const char *retry_base_ms)
{
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "transactions");
	char *seen = calloc(t.count, 1);
	billtap_client *c = client_for(&sb, "sk_test_sandbox");
	billtap_client_set(c, "retry_base_ms", retry_base_ms);
	billtap_client_set(c, "page_size", "25");
	billtap_client_set(c, "stall_timeout_ms", "1000"); /* stall@N:MS longer than this */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	uint64_t retries;
	billtap_iter_stats(NULL, &retries, NULL, it);
	ck_assert_msg(retries >= (uint64_t)want_retries, "only %llu retries",
	              (unsigned long long)retries);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}

START_TEST(rate_limit_is_survived)
{
	const char *args[] = { "--provider", "stripe", "--seed", "3", "--scale", "150",
		               "--rate-limit", "10", NULL };
	/* The client thinks 25 a second are allowed and keeps four requests out: the
	 * retries after a 429 must last long enough (0.2+0.4+0.8+1.6 s) for its limiter to
	 * halve its pace (at most once a second) below the server's. 20 ms backoffs would
	 * spend them all within one second. */
	exact_despite(args, 1, "200");
}
END_TEST

START_TEST(faults_are_survived)
{
	/* Five faults, four retries by billtap: a connection dropped without an answer is
	 * retried by libcurl itself on a fresh connection. */
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "150",
		               "--rate-limit", "0", "--faults", "500@2,503@3,drop@5,429@8,502@9", NULL };
	exact_despite(args, 4, "20");
}
END_TEST

/* Answers that are not the JSON promised (half a body framed as whole, no body, bodies cut
 * by a closed connection) and one that stalls for longer than stall_timeout_ms: each is
 * retried, and the records are exactly the truth. */
START_TEST(garbled_and_stalled_answers_are_retried)
{
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "150",
		               "--rate-limit", "0", "--faults",
		               "badjson@2,empty@3,cut@4,cutchunked@5,stall@7:4000,stallclose@9:3000",
		               NULL };
	exact_despite(args, 6, "20");
}
END_TEST

/* A stale page served again with has_more: true (once, or for every later request, which
 * without the loop guard walks forever): an error naming the request, and the checkpoint
 * taken then resumes on a well-behaved server to exactly the truth. */
START_TEST(repeated_page_is_an_error_and_resumes_exactly)
{
	const char *faults = _i == 0 ? "repeat@3" : "repeat@3-100000000";
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "150",
		               "--rate-limit", "0", "--faults", faults, NULL };
	const char *clean[] = { "--provider", "stripe", "--seed", "5", "--scale", "150",
		                "--rate-limit", "0", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	/* One walk: its third request is its third page, answered with the second again:
	 * the page loop guard says the list did not advance (with slices, the third request
	 * is another window's first page, with nothing to repeat). The every-request variant
	 * runs in slices, which must notice too: a slice's page is answered with its own
	 * previous page (the loop guard) or with another slice's records (the duplicate
	 * guard), depending on which request reached the server first; both name the
	 * answer. */
	const char *one_walk_needles[] = { "GET /v1/customers", "did not advance", NULL };
	const char *slices_needles[] = { "GET /v1/customers", NULL };
	const char *const *needles = _i == 0 ? one_walk_needles : slices_needles;
	static const char *const one_walk[] = { "page_size", "20", "parallel_slices", "1", NULL };
	static const char *const slices[] = { "page_size", "20", NULL };
	truth_fail_then_resume(&sb, clean, "stripe", _i == 0 ? one_walk : slices, BILLTAP_RESOURCE_CUSTOMERS, &t,
	                       BILLTAP_EDATA, needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

Suite *stripe_sandbox_suite(void)
{
	Suite *s = suite_create("stripe-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, RESOURCE_COUNT);
	tcase_add_test(tc, since_filters_by_creation);
	tcase_add_test(tc, bad_key_names_the_request);
	tcase_add_test(tc, older_api_version_same_subscriptions);
	tcase_add_test(tc, unreachable_service);
	tcase_add_test(tc, no_connected_account_refuses_every_one);
	suite_add_tcase(s, tc);
	tc = tcase_create("connect");
	tcase_add_unchecked_fixture(tc, start_connect, stop_connect);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, connected_account_equals_its_truth, 0, RESOURCE_COUNT);
	tcase_add_test(tc, the_platform_itself_has_none);
	tcase_add_test(tc, another_account_is_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("adversity");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, rate_limit_is_survived);
	tcase_add_test(tc, faults_are_survived);
	tcase_add_loop_test(tc, repeated_page_is_an_error_and_resumes_exactly, 0, 2);
	tcase_add_test(tc, garbled_and_stalled_answers_are_retried);
	suite_add_tcase(s, tc);
	return s;
}
