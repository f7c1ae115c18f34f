/*
 * The PayPal provider against billtap-sandbox: every resource equals the truth files,
 * also with host-supplied subscription ids, across resumes, with tokens expiring during
 * the run, with search windows in flight together, and with a window PayPal finds too
 * large.
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_process.h"

Suite *paypal_sandbox_suite(void);
void paypal_invoice_sandbox_tests(Suite *s); /* sandbox_invoices.c */

static sandbox pp_sb;
static const char *const resources[] = { "customers", "plans", "subscriptions", "transactions" };

static void start_main(void)
{
	/* Tokens live two seconds: several expire during the suite. */
	const char *args[] = { "--provider", "paypal", "--seed", "11", "--scale", "400",
		               "--opt", "token_ttl=2", NULL };
	sandbox_start(&pp_sb, args);
}

static void stop_main(void)
{
	sandbox_stop(&pp_sb);
}

static billtap_client *paypal_client(const sandbox *sb, const char *secret)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "paypal", NULL), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_id", sandbox_setting(sb, "client_id")), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", secret), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", sandbox_setting(sb, "base_url")), 0);
	/* No pacing (10 a second): the sandbox sets the limits tested here. */
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

static void extract_equals(billtap_client *c, const char *resource, const char *truth_name)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resource);
	truth t;
	truth_load(&t, &pp_sb, truth_name);
	ck_assert_uint_gt(t.count, 3);
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
	billtap_client *c = paypal_client(&pp_sb, "sandbox-secret");
	extract_equals(c, resources[_i], resources[_i]);
	billtap_client_free(c);
}
END_TEST

/* Subscriptions never charged are invisible to the search; with their ids supplied they
 * (and their subscribers) come out too. */
/* The ids of the subscriptions the search cannot find, comma-separated. */
static void hidden_ids(char *ids, size_t cap)
{
	char path[512];
	snprintf(path, sizeof path, "%s/hidden_subscription_ids.txt", pp_sb.truth);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[128];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		if (n++)
			strncat(ids, ",", cap - strlen(ids) - 1);
		strncat(ids, line, cap - strlen(ids) - 1);
	}
	fclose(f);
	ck_assert_int_gt(n, 0);
}

START_TEST(supplied_ids_reveal_hidden_subscriptions)
{
	char ids[65536] = "";
	hidden_ids(ids, sizeof ids);
	billtap_client *c = paypal_client(&pp_sb, "sandbox-secret");
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", ids), 0);
	extract_equals(c, "subscriptions", "subscriptions_all");
	extract_equals(c, "customers", "customers_all");
	billtap_client_free(c);
}
END_TEST

START_TEST(resume_from_checkpoints_is_exact)
{
	billtap_resource res;
	billtap_resource_from_name(&res, resources[_i]);
	truth t;
	truth_load(&t, &pp_sb, resources[_i]);
	billtap_client *c = paypal_client(&pp_sb, "sandbox-secret");
	/* Small search pages, so slices end in the middle of windows and of pages. */
	billtap_client_set(c, "page_size", "50");
	truth_resume_in_slices(c, res, &t, res == BILLTAP_RESOURCE_TRANSACTIONS ? 333 : 41);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* The per-id fan-outs (plan details, subscriptions by id) with one request at a time and
 * with many in flight: the same truth, also resuming at many positions while tokens
 * expire under requests in flight. */
START_TEST(fan_outs_equal_truth_at_any_concurrency)
{
	static const char *const in_flight[] = { "1", "2", "16" };
	char ids[65536] = "";
	hidden_ids(ids, sizeof ids);
	billtap_client *c = paypal_client(&pp_sb, "sandbox-secret");
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", in_flight[_i]), 0);
	ck_assert_int_eq(billtap_client_set(c, "subscription_ids", ids), 0);
	extract_equals(c, "plans", "plans");
	extract_equals(c, "subscriptions", "subscriptions_all");
	extract_equals(c, "customers", "customers_all");
	truth t;
	truth_load(&t, &pp_sb, "subscriptions_all");
	truth_resume_in_slices(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &t, 29);
	truth_free(&t);
	billtap_client_free(c);
}
END_TEST

/* The records of a whole transactions pass in order, as JSON texts (*n of them). */
static char **transactions_in_order(billtap_client *c, size_t *n)
{
	size_t cap = 1024;
	char **out = malloc(cap * sizeof *out);
	billtap_iter *it;
	const billtap_record *r;
	int rc;
	*n = 0;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		if (*n == cap)
			out = realloc(out, (cap *= 2) * sizeof *out);
		size_t len;
		out[(*n)++] = strdup(billtap_record_json(r, &len));
	}
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	billtap_iter_free(it);
	return out;
}

/* Search windows and their pages in flight together (small pages: several per window):
 * the truth, in exactly the order of one request at a time, and resumes exact from
 * checkpoints taken while later windows were out. */
START_TEST(transaction_windows_in_flight_equal_the_sequential_walk)
{
	billtap_client *one = paypal_client(&pp_sb, "sandbox-secret");
	billtap_client *many = paypal_client(&pp_sb, "sandbox-secret");
	ck_assert_int_eq(billtap_client_set(one, "max_in_flight", "1"), 0);
	ck_assert_int_eq(billtap_client_set(many, "max_in_flight", "16"), 0);
	ck_assert_int_eq(billtap_client_set(one, "page_size", "20"), 0);
	ck_assert_int_eq(billtap_client_set(many, "page_size", "20"), 0);
	size_t n1, n16;
	char **a = transactions_in_order(one, &n1), **b = transactions_in_order(many, &n16);
	ck_assert_uint_eq(n1, n16);
	for (size_t i = 0; i < n1; i++) {
		ck_assert_str_eq(a[i], b[i]);
		free(a[i]);
		free(b[i]);
	}
	free(a);
	free(b);
	extract_equals(many, "transactions", "transactions");
	truth t;
	truth_load(&t, &pp_sb, "transactions");
	truth_resume_in_slices(many, BILLTAP_RESOURCE_TRANSACTIONS, &t, 97);
	truth_free(&t);
	billtap_client_free(one);
	billtap_client_free(many);
}
END_TEST

START_TEST(bad_secret_is_an_auth_error)
{
	billtap_client *c = paypal_client(&pp_sb, "not-the-secret");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(strstr(msg, "POST /v1/oauth2/token: HTTP 401") != NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "invalid_client") != NULL, "%s", msg);
	ck_assert_ptr_null(strstr(msg, "not-the-secret"));
	ck_assert_int_eq(billtap_client_error_http_status(c), 401);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(oversized_window_is_split)
{
	sandbox sb;
	const char *args[] = { "--provider", "paypal", "--seed", "4", "--scale", "60",
		               "--opt", "burst_rows=12000", NULL };
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "transactions");
	ck_assert_uint_gt(t.count, 12000);
	char *seen = calloc(t.count, 1);
	billtap_client *c = paypal_client(&sb, "sandbox-secret");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

/* Totals that lie and pages served again end in an error naming the request, never in an
 * endless walk of empty pages or a silent gap; the checkpoint then resumes on a
 * well-behaved server (the same world) to exactly the truth. */
START_TEST(lying_lists_are_errors_and_resume_exactly)
{
	static const struct {
		const char *faults, *needle;
	} cases[] = {
		{ "inflate@2-100000000:40", "overstated" },
		{ "shrink@3-100000000:30", "counts" },
		{ "repeat@3-100000000", "did not advance" },
	};
	/* Both servers serve one world: the same "now" (the client reads the real clock). */
	char now[40];
	snprintf(now, sizeof now, "now=%lld", (long long)(time(NULL) / 3600 * 3600));
	const char *args[] = { "--provider", "paypal", "--seed", "9", "--scale", "120",
		               "--opt", now, "--faults", cases[_i].faults, NULL };
	const char *clean[] = { "--provider", "paypal", "--seed", "9", "--scale", "120",
		                "--opt", now, NULL };
	sandbox sb;
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "transactions");
	const char *needles[] = { "GET /v1/reporting/transactions", cases[_i].needle, NULL };
	static const char *const settings[] = { "page_size", "5", NULL };
	truth_fail_then_resume(&sb, clean, "paypal", settings, BILLTAP_RESOURCE_TRANSACTIONS, &t,
	                       BILLTAP_EDATA, needles);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

Suite *paypal_sandbox_suite(void)
{
	Suite *s = suite_create("paypal-sandbox");
	TCase *tc = tcase_create("truth");
	tcase_add_unchecked_fixture(tc, start_main, stop_main);
	tcase_set_timeout(tc, 180);
	tcase_add_loop_test(tc, extraction_equals_truth, 0, 4);
	tcase_add_test(tc, supplied_ids_reveal_hidden_subscriptions);
	tcase_add_loop_test(tc, resume_from_checkpoints_is_exact, 0, 4);
	tcase_add_loop_test(tc, fan_outs_equal_truth_at_any_concurrency, 0, 3);
	tcase_add_test(tc, transaction_windows_in_flight_equal_the_sequential_walk);
	tcase_add_test(tc, bad_secret_is_an_auth_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("large");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, oversized_window_is_split);
	tcase_add_loop_test(tc, lying_lists_are_errors_and_resume_exactly, 0, 3);
	suite_add_tcase(s, tc);
	paypal_invoice_sandbox_tests(s);
	return s;
}
