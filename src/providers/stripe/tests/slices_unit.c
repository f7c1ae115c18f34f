/*
 * Stripe's parallel slices (stripe_slices.c) against a small Stripe-shaped world that
 * answers every list request by its URL (limit, created[gte], created[lt], starting_after;
 * newest first), through the async fake transport, which finishes transfers out of order.
 * Every world shape (evenly spread, bursts and long quiet gaps, everything in one second,
 * a `since`) must come out whole and once, with slices actually out at the same time, and
 * a checkpoint at any position must resume to exactly the records not yet returned.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_fake.h"
#include "testutil.h"
#include "util/base64.h" /* to edit a checkpoint as a host could */

TCase *stripe_slices_tcase(void);

#define ORIGIN "http://stripe.test"
#define MAX_WORLD 400

/* The world: customers newest first (by created, then id). */
static struct {
	int n;
	int64_t created[MAX_WORLD]; /* by index; index order is list order */
} world;

static fake_async fa;

static struct {
	int n;
	int64_t hi[MAX_WORLD];
} crowd_windows;

/* Shapes: 0 about a day apart, 1 bursts between long gaps, 2 one second, 3 every second
 * (a window that leaves out even one second loses a record), 4 a day apart but for a
 * crowd (from CROWD to CROWD_END, two records a second: an import). */
#define CROWD 50
#define CROWD_END 250
static void make_world(int shape, int n)
{
	world.n = n;
	int64_t t = INT64_C(1750000000);
	for (int i = 0; i < n; i++) {
		world.created[i] = t;
		if (shape == 0)
			t -= 86400 + (i * 7919) % 3600;
		else if (shape == 1)
			t -= i % 50 == 49 ? 86400 * 90 : (i * 31) % 5;
		else if (shape == 3)
			t -= 1;
		else if (shape == 4)
			t -= i < CROWD || i >= CROWD_END ? 86400 : i % 2;
	}
}

static void cus_id(char *out, size_t cap, int i)
{
	snprintf(out, cap, "cus_%04d", world.n - i); /* ids need not follow the order */
}

static void answer_list(fake_answer *out, const char *url, int nth, void *payload)
{
	(void)nth;
	(void)payload;
	char b1[64], b2[64], b3[64], b4[64];
	const char *limit = stripe_fake_param(url, "limit", b1, sizeof b1);
	const char *gte = stripe_fake_param(url, "created%5Bgte%5D", b2, sizeof b2);
	const char *lt = stripe_fake_param(url, "created%5Blt%5D", b3, sizeof b3);
	const char *after = stripe_fake_param(url, "starting_after", b4, sizeof b4);
	ck_assert_ptr_nonnull(limit);
	ck_assert_int_eq(strncmp(url, ORIGIN "/v1/customers?", strlen(ORIGIN "/v1/customers?")), 0);
	int64_t lo = gte ? strtoll(gte, NULL, 10) : INT64_MIN;
	int64_t hi = lt ? strtoll(lt, NULL, 10) : INT64_MAX;
	int start = 0;
	if (after) {
		start = -1;
		for (int i = 0; i < world.n; i++) {
			char id[16];
			cus_id(id, sizeof id, i);
			if (strcmp(id, after) == 0)
				start = i + 1;
		}
		ck_assert_int_ge(start, 0);
	}
	int want = atoi(limit), got = 0, more = 0, crowd = 0;
	size_t len = (size_t)snprintf(out->body, sizeof out->body, "{\"object\":\"list\",\"data\":[");
	for (int i = start; i < world.n; i++) {
		if (world.created[i] < lo || world.created[i] >= hi)
			continue;
		if (got == want) {
			more = 1;
			break;
		}
		char id[16];
		cus_id(id, sizeof id, i);
		len += (size_t)snprintf(out->body + len, sizeof out->body - len,
		                        "%s{\"id\":\"%s\",\"object\":\"customer\",\"created\":%" PRId64
		                        ",\"email\":null,\"name\":null}",
		                        got ? "," : "", id, world.created[i]);
		got++;
		crowd |= i >= CROWD && i < CROWD_END;
	}
	/* The upper bounds of the windows that read part of shape 4's crowd. */
	if (crowd && crowd_windows.n < MAX_WORLD) {
		int known = 0;
		for (int k = 0; k < crowd_windows.n; k++)
			known |= crowd_windows.hi[k] == hi;
		if (!known)
			crowd_windows.hi[crowd_windows.n++] = hi;
	}
	snprintf(out->body + len, sizeof out->body - len, "],\"has_more\":%s,\"url\":\"/v1/customers\"}",
	         more ? "true" : "false");
	ck_assert_uint_lt(strlen(out->body), sizeof out->body - 1);
	out->status = 200;
}

/* A fresh transport log (its calls are bounded), answering from the world, out of order. */
static void fresh_transport(void)
{
	fake_async_reset(&fa);
	fa.handler = answer_list;
	fa.order = FAKE_RANDOM;
	fa.seed = 42;
}

static void setup(void)
{
	memset(&fa, 0, sizeof fa);
	crowd_windows.n = 0;
	fresh_transport();
}

static void teardown(void)
{
	fake_async_reset(&fa);
}

static billtap_client *client(const char *slices, const char *in_flight)
{
	billtap_client *c = fake_async_client(&fa, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", ORIGIN), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "10"), 0);
	ck_assert_int_eq(billtap_client_set(c, "parallel_slices", slices), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", in_flight), 0);
	return c;
}

/* Runs an iterator from `from` (NULL: the start) to its end: marks each id returned in
 * seen[] (failing on a second time), and, when order and cps are given, notes each id's
 * number in order[count] and copies the checkpoint after it into cps[count]. Returns how
 * many. */
static int run(billtap_client *c, const char *from, int64_t since, int *seen, int *order,
               char **cps)
{
	fresh_transport();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = from;
	o.since = since;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	const billtap_record *r;
	int n = 0, rc = 0;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		int num = atoi(billtap_record_id(r) + 4);
		ck_assert_int_ge(num, 1);
		ck_assert_int_le(num, world.n);
		ck_assert_msg(!seen[num], "%s returned twice", billtap_record_id(r));
		seen[num] = 1;
		if (cps) {
			const char *cp;
			order[n] = num;
			ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
			cps[n] = strdup(cp);
		}
		n++;
	}
	ck_assert_msg(rc == BILLTAP_ITEROVER, "%d: %s", rc, billtap_client_error_message(c));
	billtap_iter_free(it);
	return n;
}

/* Every customer created at or after `since` was seen, and no other. */
static void expect_world(const int *seen, int64_t since)
{
	for (int i = 0; i < world.n; i++) {
		char id[16];
		cus_id(id, sizeof id, i);
		int want = since == BILLTAP_TIME_NONE || world.created[i] >= since;
		ck_assert_msg(seen[atoi(id + 4)] == want, "%s: seen %d, want %d", id, seen[atoi(id + 4)],
		              want);
	}
}

/* shape x (slices, in flight) x since */
START_TEST(every_record_once_whatever_the_world)
{
	static const char *const conf[][2] = { { "4", "4" }, { "16", "8" }, { "2", "1" } };
	int shape = _i % 4, k = (_i / 4) % 3, with_since = _i / 12;
	make_world(shape, 300);
	int64_t since = with_since ? world.created[200] : BILLTAP_TIME_NONE;
	billtap_client *c = client(conf[k][0], conf[k][1]);
	int seen[MAX_WORLD + 1] = { 0 };
	run(c, NULL, since, seen, NULL, NULL);
	expect_world(seen, since);
	if (atoi(conf[k][1]) > 1 && shape == 0)
		ck_assert_uint_gt(fa.max_running, 1); /* slices were out at once */
	billtap_client_free(c);
}
END_TEST

/* 200 records within about two minutes amid others a day apart: the slice that reaches
 * them sees how dense they are and hands the part below it to other slices at once,
 * rather than walking 20 pages alone (an import is common in real accounts). */
START_TEST(a_crowd_is_read_by_several_slices)
{
	make_world(4, 300);
	billtap_client *c = client("8", "8");
	int seen[MAX_WORLD + 1] = { 0 };
	run(c, NULL, BILLTAP_TIME_NONE, seen, NULL, NULL);
	expect_world(seen, BILLTAP_TIME_NONE);
	ck_assert_int_ge(crowd_windows.n, 3); /* one slice alone before density cuts */
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoints_resume_to_exactly_the_rest)
{
	make_world(_i, 120);
	billtap_client *c = client("4", "4");
	int seen[MAX_WORLD + 1] = { 0 }, order[MAX_WORLD];
	char *cps[MAX_WORLD] = { 0 };
	int total = run(c, NULL, BILLTAP_TIME_NONE, seen, order, cps);
	ck_assert_int_eq(total, world.n);
	for (int k = 0; k < total; k += 7) {
		/* The first k+1 records were returned: the resumed run returns the others, each
		 * once. */
		int again[MAX_WORLD + 1] = { 0 };
		run(c, cps[k], BILLTAP_TIME_NONE, again, NULL, NULL);
		for (int j = 0; j <= k; j++)
			ck_assert_msg(!again[order[j]], "k %d: cus_%04d again", k, order[j]);
		int count = 0;
		for (int i = 1; i <= world.n; i++)
			count += again[i];
		ck_assert_int_eq(count, world.n - k - 1);
	}
	for (int k = 0; k < total; k++)
		free(cps[k]);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint is data the host keeps: one edited so that a slice reaches below its `since`
 * is refused, never walked (it would hand out records created before `since`). */
START_TEST(a_checkpoint_with_a_slice_below_since_is_refused)
{
	make_world(0, 120);
	billtap_client *c = client("4", "4");
	int64_t since = world.created[100];
	int seen[MAX_WORLD + 1] = { 0 }, order[MAX_WORLD];
	char *cps[MAX_WORLD] = { 0 };
	int total = run(c, NULL, since, seen, order, cps);
	ck_assert_int_gt(total, 2);
	bt_buf json = BT_BUF_INIT, token = BT_BUF_INIT;
	/* the first checkpoint with a mark: <stage>~<floor>:<frontier>:<width>:<open>:<lo>,<hi>,
	 * <cursor>;... */
	char *p = NULL;
	int k = 0;
	for (; k < total && !p; k++) {
		bt_buf_free(&json);
		ck_assert_int_eq(bt_base64_decode(&json, cps[k] + 4, strlen(cps[k] + 4)), 0);
		p = strchr(json.data, '~');
	}
	ck_assert_ptr_nonnull(p);
	for (int colons = 0; colons < 4; p++)
		colons += *p == ':';
	char *comma = strchr(p, ',');
	ck_assert_ptr_nonnull(comma);
	char edited[4096];
	snprintf(edited, sizeof edited, "%.*s%" PRId64 "%s", (int)(p - json.data), json.data,
	         since - 1000, comma);
	ck_assert_int_eq(bt_base64_encode(&token, edited, strlen(edited), 1), 0);
	char cp[4200];
	snprintf(cp, sizeof cp, "bt1.%s", token.data);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = cp;
	o.since = since;
	billtap_iter *it = NULL;
	const billtap_record *r;
	/* the stream reads the checkpoint when the iterator first asks it for a request */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECHECKPOINT);
	billtap_iter_free(it);
	/* the same token unedited resumes */
	o.checkpoint = cps[k - 1];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	billtap_iter_free(it);
	bt_buf_free(&json);
	bt_buf_free(&token);
	for (k = 0; k < total; k++)
		free(cps[k]);
	billtap_client_free(c);
}
END_TEST

/* An answer the stream refuses (a 400) ends the call in an error, and the engine drops the
 * requests out behind it; the host calling again gets the rest, every record once: the
 * slices whose pages were out are asked again. */
static size_t fail_transfer; /* the number of the transfer to fail, once */

static void answer_failing_once(fake_answer *out, const char *url, int nth, void *payload)
{
	answer_list(out, url, nth, payload);
	if (fa.calls == fail_transfer) {
		out->status = 400;
		snprintf(out->body, sizeof out->body,
		         "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"try again\"}}");
	}
}

START_TEST(pages_out_when_a_call_fails_are_asked_again)
{
	make_world(0, 300);
	billtap_client *c = client("4", "4");
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	fresh_transport();
	fa.handler = answer_failing_once;
	fail_transfer = 4; /* several slices' pages are out by then */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	int seen[MAX_WORLD + 1] = { 0 }, errors = 0, rc;
	const billtap_record *r;
	while ((rc = billtap_iter_next(&r, it)) != BILLTAP_ITEROVER) {
		if (rc < 0) {
			ck_assert_int_eq(rc, BILLTAP_EREQUEST);
			ck_assert_int_lt(++errors, 2);
			continue;
		}
		int num = atoi(billtap_record_id(r) + 4);
		ck_assert_msg(!seen[num], "%s returned twice", billtap_record_id(r));
		seen[num] = 1;
	}
	ck_assert_int_eq(errors, 1);
	expect_world(seen, BILLTAP_TIME_NONE);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

TCase *stripe_slices_tcase(void)
{
	TCase *tc = tcase_create("slices");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, every_record_once_whatever_the_world, 0, 24);
	tcase_add_test(tc, a_crowd_is_read_by_several_slices);
	tcase_add_loop_test(tc, checkpoints_resume_to_exactly_the_rest, 0, 5);
	tcase_add_test(tc, a_checkpoint_with_a_slice_below_since_is_refused);
	tcase_add_test(tc, pages_out_when_a_call_fails_are_asked_again);
	return tc;
}
