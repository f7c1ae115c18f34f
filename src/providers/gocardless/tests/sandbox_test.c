/*
 * The GoCardless provider against billtap-sandbox: what the C API returns must be exactly
 * the sandbox's truth files (every record once, every field equal), also across resumes,
 * rate limits and injected faults.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_process.h"

Suite *gocardless_sandbox_suite(void);

static sandbox main_sb;
static const char *const resources[] = { "customers", "subscriptions", "transactions" };
#define RESOURCE_COUNT (int)(sizeof resources / sizeof resources[0])

static void start_main(void)
{
	const char *args[] = { "--provider", "gocardless", "--seed", "7", "--scale", "2000",
		               "--rate-limit", "0", NULL };
	sandbox_start(&main_sb, args);
}

static void stop_main(void)
{
	sandbox_stop(&main_sb);
}

START_TEST(extraction_equals_truth)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	ck_assert_uint_gt(t.count, 400);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&main_sb, "gocardless");
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

/* Stops every `step` records and goes on in a new iterator from the checkpoint (which
 * reads the mandate map again). */
START_TEST(resume_from_checkpoints_is_exact)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	billtap_client *c = sandbox_client(&main_sb, "gocardless");
	billtap_client_set(c, "page_size", "90");
	truth_resume_in_slices(c, res, &t, 157 + 53 * _i);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

START_TEST(since_filters_by_creation)
{
	static const char *const members[] = { "created_at", "created_at", "occurred_at" };
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	int64_t *created = calloc(t.count, sizeof *created);
	/* a subscription's own created_at is the last one before its items */
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, members[_i], _i == 1 ? "\"items\":" : NULL);
	billtap_client *c = sandbox_client(&main_sb, "gocardless");
	truth_since_exact(c, res, &t, created);
	billtap_client_free(c);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(bad_token_names_the_error_and_request)
{
	billtap_client *c = sandbox_client(&main_sb, "gocardless");
	ck_assert_int_eq(billtap_client_set(c, "access_token", "wrong_token_1234"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_ptr_nonnull(strstr(msg, "gocardless: customers: GET /customers: HTTP 401 (request "));
	ck_assert_ptr_nonnull(strstr(msg, "invalid_api_usage: Access token not found "
	                                  "(access_token_not_found: Access token not found)"));
	ck_assert_ptr_null(strstr(msg, "wrong_token"));
	ck_assert_uint_eq(strlen(billtap_client_error_request_id(c)), 20);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A whole extraction of `resource` from a sandbox started with `args`, exactly the truth,
 * with at least want_retries retries. */
static void exact_despite(const char *const *args, const char *resource, const char *rate_limit,
                          int want_retries)
{
	sandbox sb;
	sandbox_start(&sb, args);
	billtap_resource res;
	billtap_resource_from_name(&res, resource);
	truth t;
	truth_load(&t, &sb, resource);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&sb, "gocardless");
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

/* The sandbox's own limit (1,000 a minute) against a client told to go faster than the
 * provider declares: 429 rate_limit_exceeded, retried. */
START_TEST(rate_limit_is_survived)
{
	const char *args[] = { "--provider", "gocardless", "--seed", "3", "--scale", "300", NULL };
	exact_despite(args, "customers", "200", 1);
}
END_TEST

/* The mandate map's requests (the first six at 10 a page) and the payments' and
 * refunds' alike. */
START_TEST(faults_are_survived)
{
	const char *args[] = { "--provider", "gocardless", "--seed", "5", "--scale", "60",
		               "--rate-limit", "0", "--faults", "500@2,503@3,drop@9,429@12,502@15,500@20", NULL };
	exact_despite(args, "transactions", NULL, 5);
}
END_TEST

START_TEST(garbled_and_stalled_answers_are_retried)
{
	const char *args[] = { "--provider", "gocardless", "--seed", "5", "--scale", "60",
		               "--rate-limit", "0", "--faults",
		               "badjson@2,empty@9,cut@11,cutchunked@13,stall@15:4000,stallclose@19:3000", NULL };
	exact_despite(args, "transactions", NULL, 6);
}
END_TEST

/* A stale page served again (the same after cursor): an error naming the request, and
 * the checkpoint taken then resumes on a well-behaved server to exactly the truth. */
START_TEST(repeated_page_is_an_error_and_resumes_exactly)
{
	const char *faults = _i == 0 ? "repeat@3" : "repeat@3-100000000";
	const char *args[] = { "--provider", "gocardless", "--seed", "5", "--scale", "150",
		               "--rate-limit", "0", "--faults", faults, NULL };
	const char *clean[] = { "--provider", "gocardless", "--seed", "5", "--scale", "150",
		                "--rate-limit", "0", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	const char *needles[] = { "GET /customers", "did not advance", NULL };
	static const char *const settings[] = { "page_size", "20", NULL };
	truth_fail_then_resume(&sb, clean, "gocardless", settings, BILLTAP_RESOURCE_CUSTOMERS, &t, BILLTAP_EDATA,
	                       needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

/* An incremental pass of transactions from a sandbox started with `args` (NULL: the main
 * one): the full pass with the flag is exactly the truth, and a pass of changes from its
 * token, the world unchanged, hands out nothing (the token's own events are not read
 * again), twice in a row. The passes of changes after the world moved on are
 * tests/integration/cli_incremental_test.sh's. */
static void incremental_unchanged(const char *const *args, int want_retries)
{
	sandbox own, *sb = &main_sb;
	if (args) {
		sandbox_start(&own, args);
		sb = &own;
	}
	truth t;
	truth_load(&t, sb, "transactions");
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(sb, "gocardless");
	billtap_client_set(c, "retry_base_ms", "20");
	billtap_client_set(c, "page_size", args ? "10" : "200");
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	const billtap_record *r;
	const char *token;
	uint64_t retries = 0, more;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	char *saved = strdup(token);
	billtap_iter_stats(NULL, &retries, NULL, it);
	billtap_iter_free(it);
	for (int pass = 0; pass < 2; pass++) {
		billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
		o2.checkpoint = saved;
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o2), 0);
		int rc = billtap_iter_next(&r, it);
		ck_assert_msg(rc == BILLTAP_ITEROVER, "pass %d: %d, %s", pass, rc,
		              rc == 0 ? billtap_record_id(r) : billtap_client_error_message(c));
		ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
		free(saved);
		saved = strdup(token);
		billtap_iter_stats(NULL, &more, NULL, it);
		retries += more;
		billtap_iter_free(it);
	}
	ck_assert_msg(retries >= (uint64_t)want_retries, "only %llu retries", (unsigned long long)retries);
	free(saved);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	if (args)
		sandbox_stop(&own);
}

START_TEST(incremental_pass_hands_out_only_changes)
{
	incremental_unchanged(NULL, 0);
}
END_TEST

/* The same through failed, dropped and limited answers to the probe, the anchor, the
 * lists and the walks. */
START_TEST(incremental_pass_survives_faults)
{
	const char *args[] = { "--provider", "gocardless", "--seed", "5", "--scale", "60", "--rate-limit", "0",
		               "--faults", "500@1,503@3,drop@9,429@12,502@15,500@22,500@23,drop@25", NULL };
	incremental_unchanged(args, 6);
}
END_TEST

Suite *gocardless_sandbox_suite(void)
{
	Suite *s = suite_create("gocardless-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, since_filters_by_creation, 0, RESOURCE_COUNT);
	tcase_add_test(tc, bad_token_names_the_error_and_request);
	tcase_add_test(tc, incremental_pass_hands_out_only_changes);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, rate_limit_is_survived);
	tcase_add_test(tc, faults_are_survived);
	tcase_add_test(tc, garbled_and_stalled_answers_are_retried);
	tcase_add_loop_test(tc, repeated_page_is_an_error_and_resumes_exactly, 0, 2);
	tcase_add_test(tc, incremental_pass_survives_faults);
	suite_add_tcase(s, tc);
	return s;
}
