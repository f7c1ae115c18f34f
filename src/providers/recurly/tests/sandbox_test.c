/*
 * The Recurly provider against billtap-sandbox at scale 2,000: every resource equals the
 * truth files, also resumed from checkpoints in many slices, filtered by `since`, through
 * injected 429s and 5xx, and a run that fails resumes on a healthy server exactly.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_process.h"

Suite *recurly_sandbox_suite(void);

static sandbox rc_sb;
static const char *const resources[] = { "customers", "plans", "subscriptions", "transactions",
	                                  "invoices" };

static void start_main(void)
{
	/* Unpaced, so that the suite takes seconds: the module's own limit, and clients pacing
	 * to Recurly's documented rate, are met by throttled_and_failing_requests_are_retried. */
	const char *args[] = { "--provider", "recurly", "--seed", "42", "--scale", "2000",
		               "--rate-limit", "0", NULL };
	sandbox_start(&rc_sb, args);
}

static void stop_main(void)
{
	sandbox_stop(&rc_sb);
}

static void extract_equals(billtap_client *c, const sandbox *sb, const char *resource)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resource);
	truth t;
	truth_load(&t, sb, resource);
	ck_assert_uint_gt(t.count, 50);
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
	billtap_client *c = sandbox_client(&rc_sb, "recurly");
	extract_equals(c, &rc_sb, resources[_i]);
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_from_checkpoints_is_exact)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &rc_sb, resources[_i]);
	billtap_client *c = sandbox_client(&rc_sb, "recurly");
	/* Small pages, so slices end in the middle of pages (and of a plan's currencies). */
	ck_assert_int_eq(billtap_client_set(c, "page_size", "50"), 0);
	truth_resume_in_slices(c, res, &t, res == BILLTAP_RESOURCE_PLANS ? 7 : 173);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* Invoices with more line items than they embed: read whole at every concurrency. */
START_TEST(invoices_with_paged_line_items_equal_truth)
{
	sandbox sb;
	const char *args[] = { "--provider", "recurly", "--seed", "5", "--scale", "400",
		               "--opt", "embedded_lines=1", "--rate-limit", "0", NULL };
	sandbox_start(&sb, args);
	billtap_client *c = sandbox_client(&sb, "recurly");
	/* two lines a page: many invoices need several pages of line items */
	ck_assert_int_eq(billtap_client_set(c, "page_size", "2"), 0);
	extract_equals(c, &sb, "invoices");
	truth t;
	truth_load(&t, &sb, "invoices");
	truth_resume_in_slices(c, BILLTAP_RESOURCE_INVOICES, &t, 11);
	truth_free(&t);
	billtap_client_free(c);
	sandbox_stop(&sb);
}
END_TEST

/* `since` is begin_time on created_at: exactly the truth records created at or after it. */
START_TEST(since_gives_the_records_created_from_then)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &rc_sb, resources[_i]);
	const char *member = res == BILLTAP_RESOURCE_TRANSACTIONS ? "occurred_at" : "created_at";
	int64_t *created = calloc(t.count, sizeof *created);
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, member, NULL);
	billtap_client *c = sandbox_client(&rc_sb, "recurly");
	truth_since_exact(c, res, &t, created);
	billtap_client_free(c);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(a_wrong_key_is_an_auth_error_without_the_key)
{
	billtap_client *c = sandbox_client(&rc_sb, "recurly");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "not-the-key-4711"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "GET /accounts: HTTP 401") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "invalid_api_key") != NULL, "%s", msg);
	ck_assert_ptr_null(strstr(msg, "not-the-key-4711"));
	ck_assert_ptr_nonnull(billtap_client_error_request_id(c));
	ck_assert_int_gt((int)strlen(billtap_client_error_request_id(c)), 8);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* 429s (with X-RateLimit-*) and 5xx in a row are retried: the same records, once each. */
START_TEST(throttled_and_failing_requests_are_retried)
{
	sandbox sb;
	const char *args[] = { "--provider", "recurly", "--seed", "7", "--scale", "300",
		               "--faults", "429@2-3,503@5,500@8", NULL };
	sandbox_start(&sb, args);
	billtap_client *c = sandbox_client(&sb, "recurly");
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "40"), 0);
	extract_equals(c, &sb, "transactions");
	billtap_client_free(c);
	sandbox_stop(&sb);
}
END_TEST

/* A server that keeps failing ends the run with Recurly's error; the checkpoint resumes on
 * a healthy server (the same world) to exactly the truth. */
START_TEST(a_failed_run_resumes_exactly)
{
	const char *args[] = { "--provider", "recurly", "--seed", "9", "--scale", "300",
		               "--rate-limit", "0", "--faults", "500@6-100000000", NULL };
	const char *clean[] = { "--provider", "recurly", "--seed", "9", "--scale", "300",
		                "--rate-limit", "0", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, resources[_i]);
	const char *needles[] = { "HTTP 500", "internal_server_error", NULL };
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	static const char *const settings[] = { "page_size", "3", "retry_base_ms", "1", NULL };
	truth_fail_then_resume(&sb, clean, "recurly", settings, res, &t, BILLTAP_ESERVER, needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

Suite *recurly_sandbox_suite(void)
{
	Suite *s = suite_create("recurly-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, 5);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, 5);
	tcase_add_loop_test(tc, since_gives_the_records_created_from_then, 0, 5);
	tcase_add_test(tc, a_wrong_key_is_an_auth_error_without_the_key);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, throttled_and_failing_requests_are_retried);
	tcase_add_test(tc, invoices_with_paged_line_items_equal_truth);
	tcase_add_loop_test(tc, a_failed_run_resumes_exactly, 0, 5);
	suite_add_tcase(s, tc);
	return s;
}
