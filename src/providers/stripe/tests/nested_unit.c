/*
 * Subscriptions in parallel slices (stripe_slices.c) whose embedded item lists go on past
 * their first ten (GET /v1/subscription_items), against a small Stripe-shaped world
 * answered by URL through the async fake transport (answers out of order). A subscription
 * waiting for its items holds the records after it, and its page's mark, while the other
 * slices' pages keep arriving: every subscription must come once with all its items,
 * whatever checkpoint the pass resumed from and whichever call failed.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_fake.h"
#include "testutil.h"

TCase *stripe_nested_tcase(void);

#define ORIGIN "http://stripe.test"
#define SUBS 40
#define EMBED 10     /* items a subscription embeds */
#define ITEM_PAGE 4  /* a subscription_items page is short: has_more alone decides */
#define T0 INT64_C(1750000000)

static fake_async fa;
static int items_out_max; /* the most items pages of different subscriptions out at once */

static int64_t sub_created(int s)
{
	/* a day apart, but a crowd of ten within a minute (several to a page) */
	return s >= 10 && s < 20 ? T0 - 10 * 86400 - (s - 10) * 5 : T0 - (int64_t)s * 86400;
}

static int item_count(int s)
{
	return s == 3 ? 12 : s == 14 ? 27 : s == 15 ? 11 : s == 31 ? 40 : 1 + s % 3;
}

static void item(stripe_fake_body *b, int s, int k)
{
	stripe_fake_add(b, "{\"id\":\"si_%02d%03d\",\"object\":\"subscription_item\","
	                   "\"price\":{\"id\":\"price_1\","
	       "\"currency\":\"usd\",\"unit_amount\":100,\"recurring\":{\"usage_type\":\"licensed\"}},"
	       "\"quantity\":1}", s, k);
}

/* GET /v1/subscription_items?subscription=sub_S&starting_after=si_SSKKK */
static void answer_items(stripe_fake_body *b, const char *url)
{
	char b1[32], b2[32];
	const char *sub = stripe_fake_param(url, "subscription", b1, sizeof b1);
	const char *after = stripe_fake_param(url, "starting_after", b2, sizeof b2);
	ck_assert_ptr_nonnull(sub);
	int s = atoi(sub + 4), start = after ? atoi(after + 5) % 1000 + 1 : 0, got = 0;
	ck_assert_int_lt(s, SUBS);
	int out = 1; /* this one, and those running (this one's own url is not set yet) */
	for (int x = 0; x < FAKE_ASYNC_SLOTS; x++)
		out += fa.xfers[x].used && strstr(fa.xfers[x].url, "/v1/subscription_items?");
	if (out > items_out_max)
		items_out_max = out;
	stripe_fake_add(b, "{\"object\":\"list\",\"data\":[");
	for (int k = start; k < item_count(s) && got < ITEM_PAGE; k++, got++) {
		stripe_fake_add(b, got ? "," : "");
		item(b, s, k);
	}
	stripe_fake_add(b, "],\"has_more\":%s,\"url\":\"/v1/subscription_items\"}",
	    start + got < item_count(s) ? "true" : "false");
}

/* GET /v1/subscriptions?status=all, by created, newest first (index order). */
static void answer_subs(stripe_fake_body *b, const char *url)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	const char *limit = stripe_fake_param(url, "limit", b1, sizeof b1);
	const char *gte = stripe_fake_param(url, "created%5Bgte%5D", b2, sizeof b2);
	const char *lt = stripe_fake_param(url, "created%5Blt%5D", b3, sizeof b3);
	const char *after = stripe_fake_param(url, "starting_after", b4, sizeof b4);
	const char *status = stripe_fake_param(url, "status", b5, sizeof b5);
	ck_assert_msg(status && strcmp(status, "all") == 0, "%s", url);
	int64_t lo = gte ? strtoll(gte, NULL, 10) : INT64_MIN;
	int64_t hi = lt ? strtoll(lt, NULL, 10) : INT64_MAX;
	int ids[SUBS], m = 0, start = 0;
	for (int s = 0; s < SUBS; s++)
		if (sub_created(s) >= lo && sub_created(s) < hi)
			ids[m++] = s;
	if (after) {
		start = -1;
		for (int p = 0; p < m; p++)
			if (ids[p] == atoi(after + 4))
				start = p + 1;
		ck_assert_int_ge(start, 0);
	}
	int want = atoi(limit), got = 0;
	stripe_fake_add(b, "{\"object\":\"list\",\"data\":[");
	for (int p = start; p < m && got < want; p++, got++) {
		int s = ids[p];
		stripe_fake_add(b, "%s{\"id\":\"sub_%04d\",\"object\":\"subscription\",\"created\":%" PRId64
		       ",\"customer\":\"cus_1\",\"status\":\"active\",\"cancel_at_period_end\":false,"
		       "\"items\":{\"object\":\"list\",\"data\":[",
		    got ? "," : "", s, sub_created(s));
		for (int k = 0; k < item_count(s) && k < EMBED; k++) {
			stripe_fake_add(b, k ? "," : "");
			item(b, s, k);
		}
		stripe_fake_add(b, "],\"has_more\":%s,\"url\":\"/v1/subscription_items\"}}",
		    item_count(s) > EMBED ? "true" : "false");
	}
	stripe_fake_add(b, "],\"has_more\":%s,\"url\":\"/v1/subscriptions\"}",
	                start + got < m ? "true" : "false");
}

static size_t fail_transfer; /* the number of the transfer to fail once (0: none) */

static void answer(fake_answer *out, const char *url, int nth, void *payload)
{
	(void)nth;
	(void)payload;
	stripe_fake_body b = { out->body, 0, sizeof out->body };
	const char *path = url + strlen(ORIGIN);
	if (strncmp(path, "/v1/subscriptions?", 18) == 0)
		answer_subs(&b, url);
	else if (strncmp(path, "/v1/subscription_items?", 23) == 0)
		answer_items(&b, url);
	else
		ck_abort_msg("unexpected request %s", url);
	out->status = 200;
	if (fa.calls == fail_transfer) {
		out->status = 400;
		snprintf(out->body, sizeof out->body,
		         "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"try again\"}}");
	}
}

static void fresh_transport(void)
{
	fake_async_reset(&fa);
	fa.handler = answer;
	fa.order = FAKE_RANDOM;
	fa.seed = 11;
}

static void setup(void)
{
	memset(&fa, 0, sizeof fa);
	fail_transfer = 0;
	items_out_max = 0;
	fresh_transport();
}

static void teardown(void)
{
	fake_async_reset(&fa);
}

static billtap_client *client(void)
{
	billtap_client *c = fake_async_client(&fa, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", ORIGIN), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "3"), 0);
	ck_assert_int_eq(billtap_client_set(c, "parallel_slices", "4"), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", "4"), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	return c;
}

/* Runs a subscriptions iterator from `from` to its end, through at most one failed call:
 * every subscription once (seen[]) with all its items, in their order; with cps, the
 * checkpoint after each (cps[n]) and its number (order[n]). Returns how many. */
static int run(billtap_client *c, const char *from, int *seen, int *order, char **cps)
{
	fresh_transport();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = from;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &o), 0);
	const billtap_record *r;
	int n = 0, rc, errors = 0;
	while ((rc = billtap_iter_next(&r, it)) != BILLTAP_ITEROVER) {
		if (rc < 0) {
			ck_assert_msg(rc == BILLTAP_EREQUEST && fail_transfer && !errors++, "%d: %s", rc,
			              billtap_client_error_message(c));
			continue;
		}
		int s = atoi(billtap_record_id(r) + 4);
		ck_assert_int_lt(s, SUBS);
		ck_assert_msg(!seen[s], "%s returned twice", billtap_record_id(r));
		seen[s] = 1;
		ck_assert_uint_eq(billtap_record_item_count(r), (size_t)item_count(s));
		for (int k = 0; k < item_count(s); k++) {
			char want[32];
			snprintf(want, sizeof want, "si_%02d%03d", s, k);
			ck_assert_str_eq(billtap_record_id(billtap_record_item(r, (size_t)k)), want);
		}
		if (cps) {
			const char *cp;
			order[n] = s;
			ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
			cps[n] = strdup(cp);
		}
		n++;
	}
	if (fail_transfer && fail_transfer <= fa.calls)
		ck_assert_int_eq(errors, 1);
	billtap_iter_free(it);
	return n;
}

static int requests_to(const char *path)
{
	int n = 0;
	for (size_t k = 0; k < fa.calls && k < FAKE_MAX_CALLS; k++)
		n += strncmp(fa.urls[k] + strlen(ORIGIN), path, strlen(path)) == 0;
	return n;
}

START_TEST(every_subscription_once_with_all_its_items)
{
	billtap_client *c = client();
	int seen[SUBS] = { 0 };
	ck_assert_int_eq(run(c, NULL, seen, NULL, NULL), SUBS);
	/* in slices, and past the embedded ten */
	ck_assert_ptr_nonnull(strstr(fa.urls[2], "created%5B"));
	ck_assert_int_ge(requests_to("/v1/subscription_items?subscription=sub_0031"), 8);
	/* the held subscriptions' items are read at once, not one subscription after another */
	ck_assert_int_ge(items_out_max, 2);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint after any subscription (some taken while another slice's records and marks
 * wait behind a subscription's items) resumes to exactly the ones not yet returned. */
START_TEST(checkpoints_resume_to_exactly_the_rest)
{
	billtap_client *c = client();
	int seen[SUBS] = { 0 }, order[SUBS];
	char *cps[SUBS] = { 0 };
	int total = run(c, NULL, seen, order, cps);
	ck_assert_int_eq(total, SUBS);
	for (int k = 0; k < total; k++) {
		int again[SUBS] = { 0 };
		run(c, cps[k], again, NULL, NULL);
		for (int j = 0; j <= k; j++)
			ck_assert_msg(!again[order[j]], "k %d: sub_%04d again", k, order[j]);
		int count = 0;
		for (int s = 0; s < SUBS; s++)
			count += again[s];
		ck_assert_int_eq(count, SUBS - k - 1);
	}
	for (int k = 0; k < total; k++)
		free(cps[k]);
	billtap_client_free(c);
}
END_TEST

/* A call that fails (a slice's page, an items page) ends in an error; the host calling
 * again gets every subscription once, whole. */
START_TEST(a_failed_call_is_asked_again)
{
	billtap_client *c = client();
	fail_transfer = (size_t)_i;
	int seen[SUBS] = { 0 };
	ck_assert_int_eq(run(c, NULL, seen, NULL, NULL), SUBS);
	billtap_client_free(c);
}
END_TEST

TCase *stripe_nested_tcase(void)
{
	TCase *tc = tcase_create("nested");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_subscription_once_with_all_its_items);
	tcase_add_test(tc, checkpoints_resume_to_exactly_the_rest);
	tcase_add_loop_test(tc, a_failed_call_is_asked_again, 1, 30);
	return tc;
}
