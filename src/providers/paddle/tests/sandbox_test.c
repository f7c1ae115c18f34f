/*
 * The Paddle Billing provider against billtap-sandbox: what the C API returns must be
 * exactly the sandbox's truth files (every record once, every field equal), also across
 * resumes, `since`, rate limits and injected faults.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_process.h"

Suite *paddle_sandbox_suite(void);

static sandbox main_sb;
static const char *const resources[] = { "customers", "plans", "subscriptions", "invoices", "transactions" };
#define RESOURCE_COUNT (int)(sizeof resources / sizeof resources[0])

static void start_main(void)
{
	const char *args[] = { "--provider", "paddle", "--seed", "7", "--scale", "2000", "--rate-limit", "0", NULL };
	sandbox_start(&main_sb, args);
}

static void stop_main(void)
{
	sandbox_stop(&main_sb);
}

/* Every record of `name` from sb equals its truth. */
static void extract_equals(const sandbox *sb, billtap_client *c, const char *name)
{
	billtap_resource res;
	billtap_resource_from_name(&res, name);
	truth t;
	truth_load(&t, sb, name);
	ck_assert_uint_gt(t.count, 10);
	char *seen = calloc(t.count, 1);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	free(seen);
	truth_free(&t);
}

START_TEST(extraction_equals_truth)
{
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	extract_equals(&main_sb, c, resources[_i]);
	billtap_client_free(c);
}
END_TEST

/* Stops every few records and goes on in a new iterator from the checkpoint; small pages
 * so that resumes land on many pages (transactions: across its two lists). */
START_TEST(resume_from_checkpoints_is_exact)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	billtap_client_set(c, "page_size", _i == 1 ? "7" : "40");
	truth_resume_in_slices(c, res, &t, _i == 1 ? 5 : 97 + 13 * _i);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* Invoices (transactions) filter by created_at[GTE]: exactly those created at or after. */
START_TEST(since_filters_invoices_by_creation)
{
	truth t;
	truth_load(&t, &main_sb, "invoices");
	int64_t *created = calloc(t.count, sizeof *created);
	/* the invoice's own created_at: the last one on its line before its lines */
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, "created_at", "\"lines\":");
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	truth_since_exact(c, BILLTAP_RESOURCE_INVOICES, &t, created);
	billtap_client_free(c);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(since_is_refused_where_paddle_cannot_filter)
{
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.since = 1700000000;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &opts), BILLTAP_EUNSUPPORTED);
	billtap_client_free(c);
}
END_TEST

/* A wrong key: Paddle's 403 invalid_token with the request id from the body. */
START_TEST(bad_key_names_the_error_code_and_request)
{
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "pdl_sdbx_apikey_wrong"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "paddle: customers: GET /customers: HTTP 403 (request ") == msg, "%s", msg);
	ck_assert_msg(strstr(msg, "): invalid_token: Invalid, revoked or expired API key."), "%s", msg);
	ck_assert_str_eq(billtap_client_error_provider_code(c), "invalid_token");
	ck_assert_int_eq((int)strlen(billtap_client_error_request_id(c)), 36);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* Customers, plans and subscriptions sync from GET /events: a full pass with the flag,
 * stopped and resumed from its checkpoint, is exactly the truth; its sync token's pass of
 * changes on the unchanged world walks the feed down to the token's event and finds
 * nothing (tests/integration/cli_incremental_test.sh moves the world on). */
START_TEST(feed_full_pass_resumes_and_a_quiet_feed_gives_nothing)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&main_sb, "paddle");
	billtap_client_set(c, "page_size", "25");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, &o), 0);
	long first = truth_take(it, c, &t, seen, 37);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options r = BILLTAP_ITER_OPTIONS_INIT;
	r.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, &r), 0);
	ck_assert_int_eq(first + truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	const char *token;
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	char *sync = strdup(token);
	billtap_iter_free(it);

	billtap_iter_options changes = BILLTAP_ITER_OPTIONS_INIT;
	changes.checkpoint = sync;
	const billtap_record *rec;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, &changes), 0);
	int rc = billtap_iter_next(&rec, it);
	ck_assert_msg(rc == BILLTAP_ITEROVER, "%d: %s", rc, rc == 0 ? billtap_record_id(rec) : billtap_client_error_message(c));
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	billtap_iter_free(it);
	free(sync);
	free(saved);
	free(seen);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* A whole extraction of `resource` from a sandbox started with `args`, exactly the truth,
 * with at least want_retries retries. */
static void exact_despite(const char *const *args, const char *rate_limit, int want_retries, const char *resource)
{
	sandbox sb;
	sandbox_start(&sb, args);
	billtap_resource res;
	billtap_resource_from_name(&res, resource);
	truth t;
	truth_load(&t, &sb, resource);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&sb, "paddle");
	if (rate_limit)
		billtap_client_set(c, "rate_limit", rate_limit);
	billtap_client_set(c, "retry_base_ms", "20");
	billtap_client_set(c, "page_size", "10");
	billtap_client_set(c, "stall_timeout_ms", "1000"); /* stall@N:MS longer than this */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	uint64_t retries;
	billtap_iter_stats(NULL, &retries, NULL, it);
	ck_assert_msg(retries >= (uint64_t)want_retries, "only %llu retries", (unsigned long long)retries);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}

/* The sandbox's own limit (240 a minute, a burst of 4) against a client told to go faster
 * than the provider declares: 429 too_many_requests with Retry-After, retried. */
START_TEST(rate_limit_is_survived)
{
	const char *args[] = { "--provider", "paddle", "--seed", "3", "--scale", "60", NULL };
	exact_despite(args, "50", 1, "customers");
}
END_TEST

START_TEST(faults_are_survived)
{
	const char *args[] = { "--provider", "paddle", "--seed", "5", "--scale", "150", "--rate-limit", "0",
		               "--faults", "500@2,503@3,drop@5,429@8,502@9", NULL };
	exact_despite(args, NULL, 4, "transactions");
}
END_TEST

START_TEST(garbled_and_stalled_answers_are_retried)
{
	const char *args[] = { "--provider", "paddle", "--seed", "5", "--scale", "150", "--rate-limit", "0",
		               "--faults", "badjson@2,empty@3,cut@4,cutchunked@5,stall@7:4000,stallclose@9:3000", NULL };
	exact_despite(args, NULL, 6, "customers");
}
END_TEST

/* A stale page served again (same after=): an error naming the request, and the
 * checkpoint taken then resumes on a well-behaved server to exactly the truth. */
START_TEST(repeated_page_is_an_error_and_resumes_exactly)
{
	const char *faults = _i == 0 ? "repeat@3" : "repeat@3-100000000";
	const char *args[] = { "--provider", "paddle", "--seed", "5", "--scale", "150", "--rate-limit", "0",
		               "--faults", faults, NULL };
	const char *clean[] = { "--provider", "paddle", "--seed", "5", "--scale", "150", "--rate-limit", "0", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	const char *needles[] = { "GET /customers", "did not advance", NULL };
	static const char *const settings[] = { "page_size", "20", NULL };
	truth_fail_then_resume(&sb, clean, "paddle", settings, BILLTAP_RESOURCE_CUSTOMERS, &t, BILLTAP_EDATA, needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

Suite *paddle_sandbox_suite(void)
{
	Suite *s = suite_create("paddle-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, RESOURCE_COUNT);
	tcase_add_test(tc, since_filters_invoices_by_creation);
	tcase_add_test(tc, since_is_refused_where_paddle_cannot_filter);
	tcase_add_test(tc, bad_key_names_the_error_code_and_request);
	tcase_add_loop_test(tc, feed_full_pass_resumes_and_a_quiet_feed_gives_nothing, 0, 3);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, rate_limit_is_survived);
	tcase_add_test(tc, faults_are_survived);
	tcase_add_test(tc, garbled_and_stalled_answers_are_retried);
	tcase_add_loop_test(tc, repeated_page_is_an_error_and_resumes_exactly, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
