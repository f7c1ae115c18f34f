/*
 * Requests in flight: the "fan" provider (a per-id fan-out, BILLTAP_PROVIDER_CONCURRENT)
 * through a host transport with start/wait/abort whose transfers finish out of order.
 * Every run is compared with the world's ids in order: answers reach the provider in
 * request order and every record reaches the host exactly once, through retries,
 * failures, checkpoints at every position, cancellation and fork().
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fan_provider.h"
#include "testutil.h"

Suite *inflight_suite(void);

#define ORIGIN "https://fan.example"

/* A scripted misbehaviour of the world: the nth (-1: every) transfer of path. */
typedef struct fault {
	const char *path;
	int nth;
	int error;  /* a transport failure */
	int status; /* an HTTP status, with headers */
	const char *headers;
	int hold;   /* see fake_answer.hold */
} fault;

static fault faults[16];
static size_t fault_count;
static fake_async fa;
static atomic_int held; /* transfers started that never finish on their own */

static void add_fault(const char *path, int nth, int error, int status, const char *headers,
                      int hold)
{
	ck_assert_uint_lt(fault_count, 16);
	faults[fault_count++] = (fault){ path, nth, error, status, headers, hold };
}

static void world(fake_answer *out, const char *url, int nth, void *payload)
{
	ck_assert_int_eq(strncmp(url, ORIGIN, strlen(ORIGIN)), 0);
	const char *path = url + strlen(ORIGIN);
	fan_world(path, &out->status, out->body, sizeof out->body);
	for (size_t i = 0; i < fault_count; i++) {
		const fault *f = &faults[i];
		size_t n = strlen(f->path);
		int match = f->path[n - 1] == '*' ? strncmp(path, f->path, n - 1) == 0
		                                  : strcmp(path, f->path) == 0;
		if (!match || (f->nth >= 0 && f->nth != nth))
			continue;
		out->error = f->error;
		out->hold = f->hold;
		if (f->hold < 0)
			atomic_fetch_add(&held, 1);
		if (f->status) {
			out->status = f->status;
			out->headers = f->headers;
			snprintf(out->body, sizeof out->body, "{}");
		}
	}
}

static void setup(void)
{
	fan_register();
	memset(&fa, 0, sizeof fa);
	fa.handler = world;
	fault_count = 0;
	atomic_store(&held, 0);
}

static void teardown(void)
{
	fake_async_reset(&fa);
}

static billtap_client *client(const char *max_in_flight)
{
	billtap_client *c = fake_async_client(&fa, "fan");
	if (max_in_flight)
		ck_assert_int_eq(billtap_client_set(c, "max_in_flight", max_in_flight), 0);
	return c;
}

/* Appends ids to got ("a01,a02,...") until ITEROVER, an error, or limit records. */
static int take(billtap_iter *it, char *got, size_t cap, int limit)
{
	const billtap_record *r;
	int rc = 0;
	for (int n = 0; limit < 0 || n < limit; n++) {
		if ((rc = billtap_iter_next(&r, it)) != 0)
			return rc;
		if (got[0])
			strncat(got, ",", cap - strlen(got) - 1);
		strncat(got, billtap_record_id(r), cap - strlen(got) - 1);
	}
	return 0;
}

/* The world's ids from..FAN_ITEMS, comma-separated. */
static void want_ids(char *out, size_t cap, int from)
{
	out[0] = '\0';
	for (int i = from; i <= FAN_ITEMS; i++) {
		char id[8];
		fan_id(id, i);
		if (out[0])
			strncat(out, ",", cap - strlen(out) - 1);
		strncat(out, id, cap - strlen(out) - 1);
	}
}

static void expect_all(const char *got)
{
	char want[512];
	want_ids(want, sizeof want, 1);
	ck_assert_str_eq(got, want);
}

START_TEST(requests_stay_in_flight_up_to_the_limit)
{
	static const char *const limits[] = { "4", "8", "1" };
	billtap_client *c = client(limits[_i]);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	/* The transport had as many running as allowed, finishing the newest first, and the
	 * provider still got every answer for its oldest request. */
	ck_assert_uint_eq(fa.max_running, (size_t)atoi(limits[_i]));
	ck_assert_int_eq(fan.max_outstanding, atoi(limits[_i]));
	ck_assert_int_eq(fan.out_of_order, 0);
	ck_assert_int_eq(fan.stream_responses, 4 + FAN_ITEMS);
	ck_assert_int_eq(fa.perform_calls, 0);
	uint64_t requests, retries, records;
	billtap_iter_stats(&requests, &retries, &records, it);
	ck_assert_uint_eq(requests, 4 + FAN_ITEMS);
	ck_assert_uint_eq(requests, fa.calls);
	ck_assert_uint_eq(retries, 0);
	ck_assert_uint_eq(records, FAN_ITEMS);
	billtap_iter_free(it);
	billtap_client_free(c);
	ck_assert_int_eq(fa.freed, 1);
}
END_TEST

START_TEST(each_request_retries_on_its_own)
{
	fa.order = FAKE_RANDOM;
	fa.seed = 7;
	add_fault("/items/a05", 0, 0, 503, NULL, 0);
	add_fault("/items/a05", 1, 0, 503, NULL, 0);
	add_fault("/items/a07", 0, BILLTAP_ENETWORK, 0, NULL, 0);
	add_fault("/items/a12", 0, 0, 429, "Retry-After: 0", 0);
	add_fault("/ids?page=2", 0, 0, 500, NULL, 0);
	add_fault("/items/a30", 0, BILLTAP_ETIMEOUT, 0, NULL, 0);
	billtap_client *c = client(NULL);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	uint64_t requests, retries;
	billtap_iter_stats(&requests, &retries, NULL, it);
	ck_assert_uint_eq(retries, 6);
	ck_assert_uint_eq(requests, 4 + FAN_ITEMS + 6);
	ck_assert_uint_eq(requests, fa.calls);
	ck_assert_int_eq(fake_async_count(&fa, ORIGIN "/items/a05"), 3);
	/* Resent unchanged by the engine: the provider saw each answer once, in order. */
	ck_assert_int_eq(fan.stream_responses, 4 + FAN_ITEMS);
	ck_assert_int_eq(fan.out_of_order, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(transfer_failure_waits_its_turn_and_is_sent_again_unchanged)
{
	add_fault("/items/a09", 0, BILLTAP_ENETWORK, 0, NULL, 0);
	add_fault("/items/a09", 1, BILLTAP_ENETWORK, 0, NULL, 0);
	billtap_client *c = client(NULL);
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "1"), 0);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	/* Everything before a09 arrives first; then the failure, naming the request. */
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ENETWORK);
	ck_assert_str_eq(got, "a01,a02,a03,a04,a05,a06,a07,a08");
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "fan: customers: GET /items/a09: network error: fake async: scripted "
	                 "failure (after 1 retries)");
	ck_assert_uint_eq(fa.running, 0); /* nothing left running while the host decides */
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	/* The host retries: the same requests go out again; the provider never learns. */
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	ck_assert_int_eq(fake_async_count(&fa, ORIGIN "/items/a09"), 3);
	ck_assert_int_eq(fan.stream_responses, 4 + FAN_ITEMS);
	ck_assert_int_eq(fan.out_of_order, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(provider_error_drops_the_requests_behind_it)
{
	fa.order = FAKE_RANDOM;
	fa.seed = 11;
	add_fault("/items/a15", 0, 0, 400, "Request-Id: req_15", 0);
	add_fault("/items/a16", 0, 0, 0, NULL, 5); /* still running when a15 fails */
	billtap_client *c = client(NULL);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_EREQUEST);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "fan: customers: GET /items/a15: HTTP 400 (request req_15): fan failed");
	ck_assert_int_eq(billtap_client_error_http_status(c), 400);
	ck_assert_uint_ge(fa.aborted, 1);
	ck_assert_uint_eq(fa.running, 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	/* Dropped, then asked for again by the provider. */
	ck_assert_int_eq(fake_async_count(&fa, ORIGIN "/items/a16"), 2);
	ck_assert_int_eq(fan.out_of_order, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(provider_retry_asks_again_for_everything_behind_it)
{
	fan.unauthorized = 1;
	add_fault("/items/a20", 0, 0, 401, NULL, 0);
	billtap_client *c = client(NULL);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	ck_assert_int_eq(fan.retries_asked, 1);
	ck_assert_int_eq(fake_async_count(&fa, ORIGIN "/items/a20"), 2);
	ck_assert_int_eq(fan.out_of_order, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* Stops after k records, resumes from the checkpoint in a new iterator, for every k, with
 * answers in a different random order each time, a transient failure somewhere, and
 * marks every third item (so checkpoints also skip records after their mark). */
START_TEST(checkpoints_resume_exactly_at_every_position)
{
	fan.mark_every = 3;
	static const char *const limits[] = { "2", "4", "8" };
	for (int k = 0; k <= FAN_ITEMS; k++) {
		fake_async_reset(&fa);
		fa.handler = world;
		fa.order = FAKE_RANDOM;
		fa.seed = (uint64_t)k * 7919 + 1;
		fault_count = 0;
		char path[32];
		snprintf(path, sizeof path, "/items/a%02d", (k * 5) % FAN_ITEMS + 1);
		add_fault(path, 0, 0, 503, NULL, 0);
		billtap_client *c = client(limits[k % 3]);
		billtap_iter *it;
		char got[512] = "";
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
		ck_assert_int_eq(take(it, got, sizeof got, k), 0);
		const char *cp;
		ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
		char *token = strdup(cp);
		billtap_iter_free(it);

		billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
		o.checkpoint = token;
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
		ck_assert_msg(take(it, got, sizeof got, -1) == BILLTAP_ITEROVER, "k=%d: %s", k,
		              billtap_client_error_message(c));
		char want[512];
		want_ids(want, sizeof want, 1);
		ck_assert_msg(strcmp(got, want) == 0, "k=%d: got %s", k, got);
		ck_assert_int_eq(fan.out_of_order, 0);
		billtap_iter_free(it);
		billtap_client_free(c);
		free(token);
	}
}
END_TEST

struct canceler {
	billtap_iter *it;
	int wait_for;
};

static void *cancel_when_held(void *p)
{
	struct canceler *cn = p;
	while (atomic_load(&held) < cn->wait_for) {
		struct timespec ts = { 0, 1000000L };
		nanosleep(&ts, NULL);
	}
	billtap_iter_cancel(cn->it);
	return NULL;
}

START_TEST(cancel_from_another_thread_aborts_every_transfer)
{
	add_fault("/items/*", -1, 0, 0, NULL, -1); /* items never answer */
	billtap_client *c = client(NULL);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	struct canceler cn = { it, 3 };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, cancel_when_held, &cn), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	pthread_join(t, NULL);
	ck_assert_str_eq(billtap_client_error_message(c), "fan: customers: canceled");
	ck_assert_uint_eq(fa.running, 0);
	ck_assert_uint_eq(fa.aborted, (size_t)atomic_load(&held));
	size_t calls = fa.calls;
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	ck_assert_uint_eq(fa.calls, calls); /* no transfer after the cancel */
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* The same, with the cancel landing at a known point: in the log callback of a list page
 * handled while items behind it run, after the transport was last driven. */
static void cancel_on_list_page(const billtap_log_event *ev, void *payload)
{
	billtap_iter **target = payload;
	if (strcmp(ev->event, "page") == 0 && atomic_load(&held) > 0)
		billtap_iter_cancel(*target);
}

START_TEST(cancel_after_the_last_drive_still_aborts_the_transfers_behind)
{
	add_fault("/items/*", -1, 0, 0, NULL, -1);
	billtap_client *c = client(NULL);
	billtap_iter *it;
	const billtap_record *r;
	/* The callback needs the iterator, which the client's log setting must precede. */
	static billtap_iter *target;
	ck_assert_int_eq(billtap_client_set_log(c, cancel_on_list_page, BILLTAP_LOG_INFO, &target), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	target = it;
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	ck_assert_int_gt(atomic_load(&held), 0);
	ck_assert_uint_eq(fa.running, 0);
	ck_assert_uint_eq(fa.aborted, (size_t)atomic_load(&held));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

static fake_transport ft;

START_TEST(perform_only_transport_runs_one_at_a_time)
{
	/* The scripted perform answers in request order: one at a time, the provider asks
	 * for every list page before the items. */
	memset(&ft, 0, sizeof ft);
	for (int i = -3; i <= FAN_ITEMS; i++) {
		char path[32], *body = malloc(1024), id[8];
		int status;
		fan_id(id, i);
		if (i <= 0)
			snprintf(path, sizeof path, "/ids?page=%d", i + 4);
		else
			snprintf(path, sizeof path, "/items/%s", id);
		fan_world(path, &status, body, 1024);
		fake_add(&ft, status, NULL, body);
		ft.steps[ft.step_count - 1].owned_body = body;
	}
	billtap_client *c = fake_client(&ft, "fan");
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	expect_all(got);
	ck_assert_int_eq(fan.max_outstanding, 1);
	ck_assert_uint_eq(ft.calls, 4 + FAN_ITEMS);
	billtap_iter_free(it);
	billtap_client_free(c);
	fake_reset(&ft);
}
END_TEST

START_TEST(local_turn_comes_after_the_answers_before_it)
{
	fan.local_every = 10;
	fa.order = FAKE_RANDOM;
	fa.seed = 3;
	billtap_client *c = client(NULL);
	billtap_iter *it;
	char got[600] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	/* Each L-aN follows aN (it is made from it), after the items already asked for. */
	const char *locals[] = { "L-a10", "L-a20", "L-a30" };
	for (int i = 0; i < 3; i++) {
		const char *l = strstr(got, locals[i]);
		ck_assert_ptr_nonnull(l);
		ck_assert(strstr(got, locals[i] + 2) < l);
		ck_assert_ptr_null(strstr(l + 1, locals[i]));
	}
	/* Without them, the items in order. */
	char items[600] = "";
	for (char *tok = strtok(got, ","); tok; tok = strtok(NULL, ","))
		if (tok[0] == 'a') {
			if (items[0])
				strcat(items, ",");
			strcat(items, tok);
		}
	expect_all(items);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* The child's half of the fork test, without Check (which must not run in a child). */
static int child_continues(billtap_iter *it, billtap_client *c, const char *want)
{
	char got[512] = "";
	size_t aborted = fa.aborted;
	if (take(it, got, sizeof got, -1) != BILLTAP_ITEROVER) {
		fprintf(stderr, "child: %s\n", billtap_client_error_message(c));
		return 1;
	}
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "child: got %s\n", got);
		return 2;
	}
	/* The parent's running transfer was forgotten, not aborted, and asked for anew. */
	if (fa.aborted != aborted || fake_async_count(&fa, ORIGIN "/items/a08") != 2)
		return 3;
	billtap_iter *again;
	got[0] = '\0';
	if (billtap_iter_new(&again, c, BILLTAP_RESOURCE_CUSTOMERS, NULL) != 0 ||
	    take(again, got, sizeof got, -1) != BILLTAP_ITEROVER)
		return 4;
	billtap_iter_free(again);
	char all[512];
	want_ids(all, sizeof all, 1);
	return strcmp(got, all) == 0 ? 0 : 5;
}

START_TEST(forked_child_never_touches_the_parents_transfers)
{
	add_fault("/items/a08", 0, 0, 0, NULL, 5); /* slow: still running at the fork */
	billtap_client *c = client(NULL);
	billtap_iter *it;
	char got[512] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	int taken = 0;
	while (!fake_async_running(&fa, ORIGIN "/items/a08")) {
		ck_assert_int_lt(taken, 7);
		ck_assert_int_eq(take(it, got, sizeof got, 1), 0);
		taken++;
	}
	char rest[512];
	want_ids(rest, sizeof rest, taken + 1);
	int stats[2];
	pid_t kids[2];
	for (int i = 0; i < 2; i++) {
		kids[i] = fork();
		ck_assert_int_ge(kids[i], 0);
		if (kids[i] == 0)
			_exit(child_continues(it, c, rest));
	}
	got[0] = '\0';
	ck_assert_int_eq(take(it, got, sizeof got, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(got, rest);
	ck_assert_int_eq(fake_async_count(&fa, ORIGIN "/items/a08"), 1);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(waitpid(kids[i], &stats[i], 0), kids[i]);
		ck_assert_msg(WIFEXITED(stats[i]) && WEXITSTATUS(stats[i]) == 0, "child %d: status %d",
		              i, stats[i]);
	}
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

Suite *inflight_suite(void)
{
	Suite *s = suite_create("inflight");
	TCase *tc = tcase_create("fan-out");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, requests_stay_in_flight_up_to_the_limit, 0, 3);
	tcase_add_test(tc, each_request_retries_on_its_own);
	tcase_add_test(tc, transfer_failure_waits_its_turn_and_is_sent_again_unchanged);
	tcase_add_test(tc, provider_error_drops_the_requests_behind_it);
	tcase_add_test(tc, provider_retry_asks_again_for_everything_behind_it);
	tcase_add_test(tc, checkpoints_resume_exactly_at_every_position);
	tcase_add_test(tc, cancel_from_another_thread_aborts_every_transfer);
	tcase_add_test(tc, cancel_after_the_last_drive_still_aborts_the_transfers_behind);
	tcase_add_test(tc, perform_only_transport_runs_one_at_a_time);
	tcase_add_test(tc, local_turn_comes_after_the_answers_before_it);
	tcase_add_test(tc, forked_child_never_touches_the_parents_transfers);
	suite_add_tcase(s, tc);
	return s;
}
