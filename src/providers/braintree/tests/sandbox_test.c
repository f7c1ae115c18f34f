/*
 * The Braintree provider against billtap-sandbox: what the C API returns must be exactly
 * the sandbox's truth files (every record once, every field equal), also across resumes,
 * `since`, rate limits and injected faults. The sandbox validates every GraphQL request
 * billtap sends (fields, arguments, variables) as the real endpoint does.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_process.h"

Suite *braintree_sandbox_suite(void);

static sandbox main_sb;
static const char *const resources[] = { "customers", "transactions", "subscriptions" };
#define RESOURCE_COUNT (int)(sizeof resources / sizeof resources[0])

static void start_main(void)
{
	const char *args[] = { "--provider", "braintree", "--seed", "7", "--scale", "2100", NULL };
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
	ck_assert_uint_ge(t.count, strcmp(name, "subscriptions") == 0 ? 500 : 2000);
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
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	extract_equals(&main_sb, c, resources[_i]);
	billtap_client_free(c);
}
END_TEST

/* Stops every `step` records and goes on in a new iterator from the checkpoint (across
 * the three searches of transactions too). */
START_TEST(resume_from_checkpoints_is_exact)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	billtap_client_set(c, "page_size", "40");
	truth_resume_in_slices(c, res, &t, 137 + 113 * _i);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* since: createdAt.greaterThanOrEqualTo, and for disputes the provider's own cut. */
START_TEST(since_filters_by_creation)
{
	truth t;
	truth_load(&t, &main_sb, resources[_i]);
	int64_t *created = calloc(t.count, sizeof *created);
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, _i == 1 ? "occurred_at" : "created_at", NULL);
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth_since_exact(c, res, &t, created);
	billtap_client_free(c);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(bad_keys_are_refused)
{
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	ck_assert_int_eq(billtap_client_set(c, "private_key", "wrong_private_key"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "braintree: customers: POST /graphql: HTTP 401 (request sandbox-") == msg, "%s", msg);
	ck_assert_ptr_nonnull(strstr(msg, "AUTHENTICATION: GraphQL error: Authentication credentials are invalid."));
	ck_assert_ptr_null(strstr(msg, "wrong_private_key"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A version the endpoint cannot read is refused before any search. */
START_TEST(bad_version_is_refused)
{
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	ck_assert_int_eq(billtap_client_set(c, "braintree_version", "2019-01-1x"), 0);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	billtap_client_free(c);
}
END_TEST

/* A whole extraction from a sandbox started with `args`, exactly the truth, with at least
 * want_retries retries. */
static void exact_despite_on(billtap_resource res, const char *const *args, const char *rate_limit,
                             int want_retries)
{
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, billtap_resource_name(res));
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&sb, "braintree");
	if (rate_limit)
		billtap_client_set(c, "rate_limit", rate_limit);
	billtap_client_set(c, "retry_base_ms", "20");
	billtap_client_set(c, "page_size", "20");
	billtap_client_set(c, "stall_timeout_ms", "1000"); /* stall@N:MS longer than this */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	uint64_t retries;
	billtap_iter_stats(NULL, &retries, NULL, it);
	ck_assert_msg(retries >= (uint64_t)want_retries, "only %llu retries", (unsigned long long)retries);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}

static void exact_despite(const char *const *args, const char *rate_limit, int want_retries)
{
	exact_despite_on(BILLTAP_RESOURCE_TRANSACTIONS, args, rate_limit, want_retries);
}

/* Braintree publishes no rate: a sandbox limited to 5 a second against a client told to
 * go at 50: 429 RESOURCE_LIMIT, retried. */
START_TEST(rate_limit_is_survived)
{
	const char *args[] = { "--provider", "braintree", "--seed", "3", "--scale", "20",
		               "--rate-limit", "5", NULL };
	exact_despite(args, "50", 1);
}
END_TEST

START_TEST(faults_are_survived)
{
	const char *args[] = { "--provider", "braintree", "--seed", "5", "--scale", "40",
		               "--faults", "500@2,503@3,drop@5,429@8,502@9", NULL };
	exact_despite(args, NULL, 4);
}
END_TEST

START_TEST(garbled_and_stalled_answers_are_retried)
{
	const char *args[] = { "--provider", "braintree", "--seed", "5", "--scale", "40", "--faults",
		               "badjson@2,empty@3,cut@4,cutchunked@5,stall@7:4000,stallclose@9:3000", NULL };
	exact_despite(args, NULL, 6);
}
END_TEST

/* A stale page served again (the same endCursor): an error naming the request, and the
 * checkpoint taken then resumes on a well-behaved server to exactly the truth. */
START_TEST(repeated_page_is_an_error_and_resumes_exactly)
{
	const char *faults = _i == 0 ? "repeat@3" : "repeat@3-100000000";
	const char *args[] = { "--provider", "braintree", "--seed", "5", "--scale", "150", "--faults", faults, NULL };
	const char *clean[] = { "--provider", "braintree", "--seed", "5", "--scale", "150", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	const char *needles[] = { "POST /graphql", "did not advance", NULL };
	static const char *const settings[] = { "page_size", "20", NULL };
	truth_fail_then_resume(&sb, clean, "braintree", settings, BILLTAP_RESOURCE_CUSTOMERS, &t, BILLTAP_EDATA,
	                       needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

/* Plans come from the XML gateway in one answer: all of them, exactly the truth, also
 * when a run stops every few records and resumes from its checkpoint. */
START_TEST(plans_equal_truth)
{
	truth t;
	truth_load(&t, &main_sb, "plans");
	ck_assert_uint_ge(t.count, 10);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&main_sb, "braintree");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	truth_resume_in_slices(c, BILLTAP_RESOURCE_PLANS, &t, 4);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
}
END_TEST

/* The gateway's refusals name the request: a merchant id it does not know (404), keys it
 * does not take (401); without merchant_id nothing is sent. */
START_TEST(gateway_refusals_are_clear)
{
	static const struct {
		const char *key, *value;
		int code;
		const char *needle;
	} cases[] = {
		{ "merchant_id", "someone_else", BILLTAP_EREQUEST, "braintree: plans: GET /merchants/someone_else/plans: HTTP 404" },
		{ "private_key", "wrong_private_key", BILLTAP_EAUTH, "braintree: plans: GET /merchants/sandbox_merchant/plans: HTTP 401" },
		{ "merchant_id", "", BILLTAP_ESETTING, "merchant_id: required for plans" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		billtap_client *c = sandbox_client(&main_sb, "braintree");
		ck_assert_int_eq(billtap_client_set(c, cases[i].key, cases[i].value), 0);
		billtap_iter *it = NULL;
		const billtap_record *r;
		int rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL);
		if (rc == 0)
			rc = billtap_iter_next(&r, it);
		ck_assert_int_eq(rc, cases[i].code);
		const char *msg = billtap_client_error_message(c);
		ck_assert_msg(strstr(msg, cases[i].needle) != NULL, "%s", msg);
		ck_assert_ptr_null(strstr(msg, "wrong_private_key"));
		billtap_iter_free(it);
		billtap_client_free(c);
	}
}
END_TEST

/* A gateway whose searches answer at most 60 ids: the created_at windows split until each
 * answers fewer, and the whole stays exactly the truth, also resumed every 97 records. */
START_TEST(capped_searches_split_into_windows)
{
	const char *args[] = { "--provider", "braintree", "--seed", "7", "--scale", "2100", "--opt", "search_cap=60", NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "subscriptions");
	ck_assert_uint_ge(t.count, 500);
	char *seen = calloc(t.count, 1);
	billtap_client *c = sandbox_client(&sb, "braintree");
	ck_assert_int_eq(billtap_client_set(c, "search_cap", "60"), 0);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	uint64_t requests;
	billtap_iter_stats(&requests, NULL, NULL, it);
	/* more id searches than one per 60 records: windows were split */
	ck_assert_uint_gt(requests, t.count / 50 + t.count / 60);
	billtap_iter_free(it);
	truth_resume_in_slices(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &t, 97);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

/* The link's GraphQL pages and the gateway's searches and fetches, with faults among them. */
START_TEST(subscription_faults_are_survived)
{
	static const char *const cells[] = {
		"500@2,503@4,drop@6,429@8,502@10",
		"badjson@2,empty@4,cut@6,cutchunked@8,stallclose@10:3000",
	};
	const char *args[] = { "--provider", "braintree", "--seed", "5", "--scale", "60", "--faults", cells[_i], NULL };
	exact_despite_on(BILLTAP_RESOURCE_SUBSCRIPTIONS, args, NULL, 3);
}
END_TEST

/* Injected statuses, drops, garbled XML and stalls on the gateway: retried to the truth.
 * Plans are one request, so each cell fails it fewer times in a row than max_retries. */
START_TEST(gateway_faults_are_survived)
{
	static const char *const cells[] = {
		"500@1,503@2,drop@3,429@4",
		"badjson@1,empty@2,cut@3",
		"cutchunked@1,stall@2:4000,stallclose@3:3000",
	};
	const char *args[] = { "--provider", "braintree", "--seed", "5", "--scale", "40", "--faults", cells[_i], NULL };
	exact_despite_on(BILLTAP_RESOURCE_PLANS, args, NULL, 3);
}
END_TEST

Suite *braintree_sandbox_suite(void)
{
	Suite *s = suite_create("braintree-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, RESOURCE_COUNT);
	tcase_add_loop_test(tc, since_filters_by_creation, 0, RESOURCE_COUNT);
	tcase_add_test(tc, bad_keys_are_refused);
	tcase_add_test(tc, bad_version_is_refused);
	tcase_add_test(tc, plans_equal_truth);
	tcase_add_test(tc, gateway_refusals_are_clear);
	suite_add_tcase(s, tc);
	tc = tcase_create("faults");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, rate_limit_is_survived);
	tcase_add_test(tc, faults_are_survived);
	tcase_add_test(tc, garbled_and_stalled_answers_are_retried);
	tcase_add_loop_test(tc, repeated_page_is_an_error_and_resumes_exactly, 0, 2);
	tcase_add_loop_test(tc, gateway_faults_are_survived, 0, 3);
	tcase_add_test(tc, capped_searches_split_into_windows);
	tcase_add_loop_test(tc, subscription_faults_are_survived, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
