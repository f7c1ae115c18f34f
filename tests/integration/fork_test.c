/*
 * fork(): a client used in a parent and in two children after fork() — the iterator the
 * parent had started, continued in every process, then a new iterator of the same client —
 * returns exactly the sandbox's truth in each process: every record once, no error. The
 * parent holds a kept-alive connection when it forks; a child that reused it would send
 * its requests on the parent's connection and read the parent's answers (the bug this
 * guards against: duplicates in one process, missing records in another).
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox_process.h"
#include "testutil.h"

Suite *fork_suite(void);

/* Like truth_take, without Check (a forked child must not use it): takes records to the
 * end, each once and equal to its truth line. 0, or 1 with a reason in why. */
static int take_exact(billtap_iter *it, billtap_client *c, const truth *t, char *seen,
                      char *why, size_t cap)
{
	const billtap_record *r;
	int rc;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		const char *id = billtap_record_id(r);
		long at = truth_find(t, id);
		if (at < 0 || seen[at]) {
			snprintf(why, cap, "record %s %s", id, at < 0 ? "is not in the truth" : "came twice");
			return 1;
		}
		seen[at] = 1;
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char diff[256];
		if (!json_equal(json, len, t->lines[at], strlen(t->lines[at]), diff, sizeof diff)) {
			snprintf(why, cap, "record %s differs: %s", id, diff);
			return 1;
		}
	}
	if (rc != BILLTAP_ITEROVER) {
		snprintf(why, cap, "error %d: %s", rc, billtap_client_error_message(c));
		return 1;
	}
	for (size_t i = 0; i < t->count; i++)
		if (!seen[i]) {
			snprintf(why, cap, "record %s never came", t->ids[i]);
			return 1;
		}
	return 0;
}

/* What every process does after the fork: finish the started iterator (seen holds what
 * the parent took before forking), then list everything again with a new iterator. */
static int finish_and_list_again(billtap_iter *it, billtap_client *c, const truth *t,
                                 const char *seen_before, char *why, size_t cap)
{
	char *seen = malloc(t->count);
	memcpy(seen, seen_before, t->count);
	int bad = take_exact(it, c, t, seen, why, cap);
	billtap_iter *again;
	if (!bad && billtap_iter_new(&again, c, BILLTAP_RESOURCE_CUSTOMERS, NULL) != 0) {
		snprintf(why, cap, "iter_new: %s", billtap_client_error_message(c));
		bad = 1;
	}
	if (!bad) {
		memset(seen, 0, t->count);
		bad = take_exact(again, c, t, seen, why, cap);
		billtap_iter_free(again);
	}
	free(seen);
	return bad;
}

START_TEST(parent_and_children_each_get_the_truth)
{
	if (billtap_provider_describe(NULL, NULL, NULL, "stripe") != 0)
		return; /* built without the Stripe provider: nothing to fork with */
	sandbox sb;
	/* Each answer takes a little while, so the three processes' requests overlap. */
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "300",
		               "--rate-limit", "0", "--faults", "slow@1-100000:2", NULL };
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	ck_assert_uint_gt(t.count, 100);
	char *seen = calloc(t.count, 1);

	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "stripe", NULL), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_sandbox"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", sb.url), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "10"), 0); /* many requests each */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, 25), 25);

	pid_t kids[2];
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0) {
			char why[512] = "";
			int bad = finish_and_list_again(it, c, &t, seen, why, sizeof why);
			if (bad)
				fprintf(stderr, "child %d: %s\n", i, why);
			_exit(bad);
		}
	}
	char why[512] = "";
	int bad = finish_and_list_again(it, c, &t, seen, why, sizeof why);
	for (int i = 0; i < 2; i++) {
		int status;
		ck_assert_int_eq(waitpid(kids[i], &status, 0), kids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		              "child %d failed (status %d; its reason is on stderr)", i, status);
	}
	ck_assert_msg(!bad, "parent: %s", why);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

Suite *fork_suite(void)
{
	Suite *s = suite_create("fork");
	TCase *tc = tcase_create("sandbox");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, parent_and_children_each_get_the_truth);
	suite_add_tcase(s, tc);
	return s;
}
