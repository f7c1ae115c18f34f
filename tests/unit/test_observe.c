/*
 * Pacing and observability: the token bucket and limiters against a fake clock (in this
 * process, between threads, and in a file shared by processes), redaction, and the
 * metrics and log events of iterators driven through the scripted transport.
 */
#include <check.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "billtap/provider.h"
#include "core.h"
#include "engine/limiter.h"
#include "testutil.h"
#include "util/redact.h"

Suite *observe_suite(void);

static int64_t fake_now(void *payload)
{
	return *(int64_t *)payload;
}

/* ---- the bucket ---- */

START_TEST(bucket_lets_the_burst_through_then_paces)
{
	bt_bucket b;
	bt_bucket_init(&b, 10, 3, 1000); /* 10 a second: one every 100 ms */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(bt_bucket_reserve(&b, 1000), 0);
	/* Empty: each further reservation queues 100 ms behind the one before. */
	ck_assert_int_eq(bt_bucket_reserve(&b, 1000), 100);
	ck_assert_int_eq(bt_bucket_reserve(&b, 1000), 200);
	/* 250 ms later 2.5 tokens came in: the debt of 2 is paid, 0.5 left over. */
	ck_assert_int_eq(bt_bucket_reserve(&b, 1250), 50);
	/* A long pause fills it to the burst, never more. */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(bt_bucket_reserve(&b, 100000), 0);
	ck_assert_int_eq(bt_bucket_reserve(&b, 100000), 100);
}
END_TEST

START_TEST(bucket_slows_down_after_429_and_recovers)
{
	bt_bucket b;
	bt_bucket_init(&b, 10, 5, 0);
	bt_bucket_penalize(&b, 0);
	ck_assert(fabs(bt_bucket_factor(&b, 0) - 0.5) < 1e-9);
	/* The burst is gone and the rate is half: one every 200 ms. */
	ck_assert_int_eq(bt_bucket_reserve(&b, 0), 200);
	ck_assert_int_eq(bt_bucket_reserve(&b, 0), 400);
	/* A second 429 within a second is the same signal. */
	bt_bucket_penalize(&b, 500);
	ck_assert(fabs(bt_bucket_factor(&b, 500) - 0.525) < 1e-9);
	/* Recovery: 5% of the rate a second, linear, full after 10 s. */
	ck_assert(fabs(bt_bucket_factor(&b, 4000) - 0.7) < 1e-9);
	ck_assert(bt_bucket_factor(&b, 10000) == 1.0);
	ck_assert(bt_bucket_factor(&b, 20000) == 1.0);
	/* Tokens earned while recovering follow the climbing rate: from 0 to 10 s the
	 * factor averages 0.75, so 75 tokens, capped at the burst. */
	bt_bucket c;
	bt_bucket_init(&c, 10, 1000, 0);
	bt_bucket_penalize(&c, 0);
	ck_assert(c.tokens == 0);
	ck_assert_int_eq(bt_bucket_reserve(&c, 10000), 0);
	ck_assert(fabs(c.tokens - 74.0) < 1e-6);
	/* Repeated 429s a second apart halve each time, down to a sixteenth. */
	bt_bucket d;
	bt_bucket_init(&d, 16, 1, 0);
	for (int i = 0; i < 8; i++)
		bt_bucket_penalize(&d, (int64_t)i * 1000);
	ck_assert(fabs(bt_bucket_factor(&d, 7000) - BT_BUCKET_MIN_SLOW) < 1e-9);
}
END_TEST

START_TEST(bucket_survives_a_clock_that_goes_back)
{
	bt_bucket b;
	bt_bucket_init(&b, 10, 2, 50000);
	ck_assert_int_eq(bt_bucket_reserve(&b, 50000), 0);
	ck_assert_int_eq(bt_bucket_reserve(&b, 50000), 0);
	/* A state written before a reboot: the clock reads less. Nothing is earned for the
	 * gap, and counting starts again from the new reading. */
	ck_assert_int_eq(bt_bucket_reserve(&b, 10), 100);
	ck_assert_int_eq(bt_bucket_reserve(&b, 210), 0);
}
END_TEST

/* ---- limiter objects ---- */

START_TEST(limiter_refuses_bad_rates)
{
	billtap_limiter *l = (billtap_limiter *)1;
	ck_assert_int_eq(billtap_limiter_new(&l, 0, 1), BILLTAP_EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_int_eq(billtap_limiter_new(&l, 5, -1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_limiter_new(&l, NAN, 1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_limiter_new(NULL, 5, 1), BILLTAP_EINVAL);
	char err[256];
	ck_assert_int_eq(billtap_limiter_open(&l, "/tmp/x", 0, 1, err, sizeof err), BILLTAP_EINVAL);
	ck_assert_str_eq(err, "rate limiter file /tmp/x: rates must be > 0");
	ck_assert_int_eq(billtap_limiter_open(&l, NULL, 1, 1, err, sizeof err), BILLTAP_EINVAL);
	billtap_limiter_free(NULL);
	/* A burst below one still lets a request through. */
	ck_assert_int_eq(billtap_limiter_new(&l, 0.5, 0.1), 0);
	int64_t now = 0;
	bt_limiter_set_clock(l, fake_now, &now);
	ck_assert_int_eq(bt_limiter_reserve(l), 0);
	ck_assert_int_eq(bt_limiter_reserve(l), 2000);
	billtap_limiter_free(l);
}
END_TEST

typedef struct taker {
	billtap_limiter *l;
	int64_t waits[50];
} taker;

static void *take_50(void *p)
{
	taker *t = p;
	for (int i = 0; i < 50; i++)
		t->waits[i] = bt_limiter_reserve(t->l);
	return NULL;
}

START_TEST(limiter_is_shared_by_threads)
{
	billtap_limiter *l;
	ck_assert_int_eq(billtap_limiter_new(&l, 100, 4), 0);
	int64_t now = 7;
	bt_limiter_set_clock(l, fake_now, &now); /* frozen: nothing refills */
	taker t[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		t[i].l = bt_limiter_ref(l);
		ck_assert_int_eq(pthread_create(&th[i], NULL, take_50, &t[i]), 0);
	}
	/* 200 reservations: the burst of 4 at once, then one turn every 10 ms, each handed
	 * out exactly once whatever the interleaving. */
	int seen[200] = { 0 };
	int immediate = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		for (int k = 0; k < 50; k++) {
			int64_t w = t[i].waits[k];
			if (w == 0) {
				immediate++;
				continue;
			}
			ck_assert_int_eq(w % 10, 0);
			ck_assert_int_le(w / 10, 196);
			ck_assert_int_eq(seen[w / 10]++, 0);
		}
		billtap_limiter_free(t[i].l);
	}
	ck_assert_int_eq(immediate, 4);
	billtap_limiter_free(l);
}
END_TEST

static char *temp_path(void)
{
	char *p = strdup("/tmp/billtap-limiter-XXXXXX");
	int fd = mkstemp(p);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(p); /* billtap_limiter_open creates it */
	return p;
}

START_TEST(file_limiter_shares_one_budget)
{
	char *path = temp_path(), err[512];
	billtap_limiter *a, *b;
	ck_assert_int_eq(billtap_limiter_open(&a, path, 10, 3, err, sizeof err), 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(billtap_limiter_open(&b, path, 10, 3, err, sizeof err), 0);
	int64_t now = 0;
	bt_limiter_set_clock(a, fake_now, &now);
	bt_limiter_set_clock(b, fake_now, &now);
	/* The file's clock reading is the system's; the fake one reads less, so the count
	 * restarts at the fake time with the tokens the file holds (all 3). */
	ck_assert_int_eq(bt_limiter_reserve(a), 0);
	ck_assert_int_eq(bt_limiter_reserve(b), 0);
	ck_assert_int_eq(bt_limiter_reserve(a), 0);
	ck_assert_int_eq(bt_limiter_reserve(b), 100);
	ck_assert_int_eq(bt_limiter_reserve(a), 200);
	/* A 429 seen by one slows both. */
	bt_limiter_penalize(b);
	ck_assert_int_eq(bt_limiter_slowed(a), 1);
	/* Other rates are refused, naming the file's. */
	billtap_limiter *c = (billtap_limiter *)1;
	ck_assert_int_eq(billtap_limiter_open(&c, path, 25, 5, err, sizeof err), BILLTAP_ESETTING);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err, "holds a budget of 10 requests a second (burst 3), not 25 "
	                                  "(burst 5)"));
	billtap_limiter_free(a);
	billtap_limiter_free(b);
	/* A torn file (a power loss mid-write) starts afresh. */
	FILE *f = fopen(path, "w");
	fputs("garbage", f);
	fclose(f);
	ck_assert_int_eq(billtap_limiter_open(&a, path, 25, 5, err, sizeof err), 0);
	billtap_limiter_free(a);
	unlink(path);
	/* Not a regular file, or not openable: ESETTING with the reason. */
	ck_assert_int_eq(billtap_limiter_open(&a, "/tmp", 1, 1, err, sizeof err), BILLTAP_ESETTING);
	ck_assert_str_eq(err, "rate limiter file /tmp: cannot open: Is a directory");
	ck_assert_int_eq(billtap_limiter_open(&a, "/nonexistent-dir/x", 1, 1, err, sizeof err),
	                 BILLTAP_ESETTING);
	ck_assert_str_eq(err, "rate limiter file /nonexistent-dir/x: cannot open: No such file or "
	                      "directory");
	free(path);
}
END_TEST

START_TEST(file_limiter_is_shared_by_processes)
{
	char *path = temp_path(), err[512];
	billtap_limiter *l;
	ck_assert_int_eq(billtap_limiter_open(&l, path, 1000, 5, err, sizeof err), 0);
	billtap_limiter_free(l);
	/* Four processes, each opening the file and taking 10 tokens on a frozen clock: 5 go
	 * through at once between them all, the other 35 queue 1 ms apart. Each child
	 * reports how many it got at once and the sum of its waits. */
	int fds[4][2];
	pid_t pids[4];
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(pipe(fds[i]), 0);
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			long out[2] = { 0, 0 };
			int64_t now = 0;
			if (billtap_limiter_open(&l, path, 1000, 5, NULL, 0) != 0)
				_exit(1);
			bt_limiter_set_clock(l, fake_now, &now);
			for (int k = 0; k < 10; k++) {
				int64_t w = bt_limiter_reserve(l);
				out[0] += w == 0;
				out[1] += (long)w;
			}
			billtap_limiter_free(l);
			_exit(write(fds[i][1], out, sizeof out) == sizeof out ? 0 : 1);
		}
		close(fds[i][1]);
	}
	long at_once = 0, total_wait = 0;
	for (int i = 0; i < 4; i++) {
		long got[2];
		int st;
		ck_assert_int_eq(read(fds[i][0], got, sizeof got), (ssize_t)sizeof got);
		close(fds[i][0]);
		waitpid(pids[i], &st, 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		at_once += got[0];
		total_wait += got[1];
	}
	/* A fresh process's fake clock reads 0, before the file's stamp: the count restarts
	 * from 0 with the tokens the file holds, so the waits are 1..35 ms whatever the order. */
	ck_assert_int_eq(at_once, 5);
	ck_assert_int_eq(total_wait, 35 * 36 / 2);
	unlink(path);
	free(path);
}
END_TEST

/* ---- redaction ---- */

static void expect_redacted(const char *in, const char *const *secrets, size_t n, const char *want)
{
	bt_secret_set set = BT_SECRET_SET_INIT;
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(bt_secret_set_add(&set, secrets[i], secrets[i] ? strlen(secrets[i]) : 0), 0);
	bt_buf b = BT_BUF_INIT;
	ck_assert_int_eq(bt_redact_text(&b, in, strlen(in), &set), 0);
	ck_assert_str_eq(bt_buf_cstr(&b), want);
	bt_buf_free(&b);
	bt_secret_set_free(&set);
}

START_TEST(redaction_removes_secrets_and_credentials)
{
	const char *s[] = { "hunter2", "", NULL, "hunter2-long" };
	expect_redacted("pw hunter2-long and hunter2.", s, 4, "pw [redacted] and [redacted].");
	expect_redacted("Authorization: Bearer A21AAx.y-z_w=", NULL, 0,
	                "Authorization: Bearer [redacted]");
	expect_redacted("basic  c2FuZGJveDpzZWNyZXQ=; decoded", NULL, 0, "basic  [redacted]; decoded");
	expect_redacted("Invalid API Key provided: sk_live_abc123XYZ", NULL, 0,
	                "Invalid API Key provided: sk_live_[redacted]");
	expect_redacted("rk_test_Q9 and whsec_z", NULL, 0, "rk_test_[redacted] and whsec_[redacted]");
	/* Words that merely contain a prefix or scheme stay. */
	expect_redacted("task_live_x Basically Bearer", NULL, 0, "task_live_x Basically Bearer");
	expect_redacted("", s, 4, "");
}
END_TEST

/* ---- iterators: pacing choice, metrics, log events ---- */

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *stripe_client(const char *key)
{
	billtap_client *c = fake_client(&ft, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", NULL), 0); /* the provider's rate */
	ck_assert_int_eq(billtap_client_set(c, "api_key", key), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://stripe.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0); /* not loopback */
	return c;
}

static void expect_rate(billtap_client *c, double rate, double burst)
{
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	if (rate == 0) {
		ck_assert_ptr_null(it->limiter);
	} else {
		ck_assert_ptr_nonnull(it->limiter);
		ck_assert(it->limiter->bucket.rate == rate);
		ck_assert(it->limiter->bucket.burst == burst);
	}
	billtap_iter_free(it);
}

START_TEST(iterators_keep_to_the_right_rate)
{
	billtap_client *c = stripe_client("sk_test_x");
	expect_rate(c, 25, 5); /* Stripe's test mode */
	ck_assert_int_eq(billtap_client_set(c, "api_key", "rk_live_x"), 0);
	expect_rate(c, 100, 20); /* live */
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "2.5"), 0);
	expect_rate(c, 2.5, 1);
	ck_assert_int_eq(billtap_client_set(c, "rate_burst", "4"), 0);
	expect_rate(c, 2.5, 4);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	expect_rate(c, 0, 0); /* off */
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "-1"), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: setting rate_limit: '-1' is not a decimal number of requests a "
	                 "second (e.g. 25 or 0.8)");
	ck_assert_int_eq(billtap_client_set(c, "rate_burst", "1e3"), BILLTAP_ESETTING);
	/* A shared limiter wins over everything. */
	billtap_limiter *l;
	ck_assert_int_eq(billtap_limiter_new(&l, 7, 3), 0);
	ck_assert_int_eq(billtap_client_set_limiter(c, l), 0);
	billtap_limiter_free(l); /* the client holds it */
	expect_rate(c, 7, 3);
	ck_assert_int_eq(billtap_client_set_limiter(c, NULL), 0);
	expect_rate(c, 0, 0);
	ck_assert_int_eq(billtap_client_set_limiter(NULL, NULL), BILLTAP_EINVAL);
	billtap_client_free(c);
	/* Two iterators of one client with the same rates draw from one bucket. */
	c = stripe_client("sk_test_x");
	billtap_iter *a, *b;
	ck_assert_int_eq(billtap_iter_new(&a, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_new(&b, c, BILLTAP_RESOURCE_PLANS, NULL), 0);
	ck_assert_ptr_eq(a->limiter, b->limiter);
	billtap_client_free(c); /* the iterators outlive it, with their limiter */
	billtap_iter_free(a);
	billtap_iter_free(b);
}
END_TEST

START_TEST(set_rate_is_for_stream_and_session_callbacks)
{
	billtap_client *c = stripe_client("sk_test_x");
	billtap_ctx ctx = { c, BILLTAP_RESOURCE_CUSTOMERS, NULL, &c->settings, NULL, 0 };
	ck_assert_int_eq(billtap_ctx_set_rate(&ctx, 5, 1), BILLTAP_EINVAL);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "stripe: customers: billtap_ctx_set_rate: only from stream_new or session_new");
	bt_rate r = { 0, 0 };
	ctx.rate = &r;
	ck_assert_int_eq(billtap_ctx_set_rate(&ctx, 0, 1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_ctx_set_rate(&ctx, NAN, 1), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_ctx_set_rate(&ctx, 5, 2), 0);
	ck_assert(r.per_second == 5 && r.burst == 2);
	ck_assert_int_eq(billtap_ctx_set_rate(NULL, 5, 2), BILLTAP_EINVAL);
	billtap_client_free(c);
}
END_TEST

#define MAX_EVENTS 64

typedef struct seen_event {
	int level, http_status, attempt, code;
	int64_t wait_ms;
	char event[32], message[512], resource[32], method[8], path[64], request_id[32];
} seen_event;

typedef struct event_log {
	seen_event ev[MAX_EVENTS];
	int n;
	bt_buf all; /* every text of every event, for looking for secrets */
} event_log;

static void copy(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

static void on_event(const billtap_log_event *e, void *payload)
{
	event_log *log = payload;
	ck_assert_uint_eq(e->version, BILLTAP_LOG_EVENT_VERSION);
	ck_assert_str_eq(e->provider, "stripe");
	const char *texts[] = { e->event, e->message, e->resource, e->method, e->path,
		                e->request_id, e->record_id };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (texts[i]) {
			bt_buf_puts(&log->all, texts[i]);
			bt_buf_putc(&log->all, '\n');
		}
	if (log->n == MAX_EVENTS)
		return;
	seen_event *s = &log->ev[log->n++];
	s->level = e->level;
	s->http_status = e->http_status;
	s->attempt = e->attempt;
	s->code = e->code;
	s->wait_ms = e->wait_ms;
	copy(s->event, sizeof s->event, e->event);
	copy(s->message, sizeof s->message, e->message);
	copy(s->resource, sizeof s->resource, e->resource);
	copy(s->method, sizeof s->method, e->method);
	copy(s->path, sizeof s->path, e->path);
	copy(s->request_id, sizeof s->request_id, e->request_id);
}

static int count_events(const event_log *log, const char *name)
{
	int n = 0;
	for (int i = 0; i < log->n; i++)
		n += strcmp(log->ev[i].event, name) == 0;
	return n;
}

static const seen_event *find_event(const event_log *log, const char *name, int nth)
{
	for (int i = 0; i < log->n; i++)
		if (strcmp(log->ev[i].event, name) == 0 && nth-- == 0)
			return &log->ev[i];
	return NULL;
}

START_TEST(metrics_and_events_of_a_run_with_retries)
{
	/* Page 1 after a 503, a network failure and two 429s; page 2 straight away. */
	fake_add(&ft, 503, "Request-Id: req_a", "{}");
	fake_fail(&ft, BILLTAP_ENETWORK);
	fake_add(&ft, 429, "Request-Id: req_b", "{\"error\":{\"type\":\"invalid_request_error\"}}");
	fake_add(&ft, 429, NULL, "{}");
	fake_add_fixture(&ft, 200, "Request-Id: req_1", "stripe/customers_page1.json");
	fake_add_fixture(&ft, 200, "Request-Id: req_2", "stripe/customers_page2.json");
	size_t body_bytes = 0;
	for (size_t i = 0; i < ft.step_count; i++)
		body_bytes += ft.steps[i].body ? strlen(ft.steps[i].body) : 0;

	billtap_client *c = stripe_client("sk_test_x");
	/* A shared limiter on a frozen clock: its waits are exactly computable. */
	billtap_limiter *l;
	ck_assert_int_eq(billtap_limiter_new(&l, 1000, 1), 0);
	int64_t now = 0;
	bt_limiter_set_clock(l, fake_now, &now);
	ck_assert_int_eq(billtap_client_set_limiter(c, l), 0);
	event_log log;
	memset(&log, 0, sizeof log);
	ck_assert_int_eq(billtap_client_set_log(c, on_event, BILLTAP_LOG_DEBUG, &log), 0);

	billtap_iter *it;
	const billtap_record *r;
	const char *token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	int records = 0, rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		records++;
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	ck_assert_int_eq(records, 4);
	ck_assert_int_eq(billtap_iter_checkpoint(&token, it), 0);

	billtap_iter_metrics m = { .version = BILLTAP_ITER_METRICS_VERSION };
	ck_assert_int_eq(billtap_iter_metrics_get(&m, it), 0);
	ck_assert_uint_eq(m.requests, 6);
	ck_assert_uint_eq(m.retries, 4);
	ck_assert_uint_eq(m.pages, 2);
	ck_assert_uint_eq(m.records, 4);
	ck_assert_uint_eq(m.skipped_records, 0);
	ck_assert_uint_eq(m.bytes, body_bytes);
	ck_assert_uint_eq(m.rate_limited, 2);
	/* 4 backoffs; 5 pacing waits. The clock is frozen, so nothing refills: each send
	 * after the first queues one token-interval behind the one before: 1 ms, 2 ms, then
	 * the first 429 halves the rate (2 ms a token; the second 429, within the second,
	 * counts as the same signal): 6, 8 and 10 ms. */
	uint64_t backoff_ms = m.wait_ms - (1 + 2 + 6 + 8 + 10);
	ck_assert_uint_eq(m.waits, 9);
	ck_assert_int_eq(count_events(&log, "wait"), 5);
	ck_assert_uint_ge(backoff_ms, 4);
	/* The 429s slowed the limiter down. */
	ck_assert_int_eq(bt_limiter_slowed(l), 1);

	/* Events, in order: request, response/retry per attempt, pages, checkpoint. */
	ck_assert_int_eq(count_events(&log, "request"), 6);
	ck_assert_int_eq(count_events(&log, "response"), 5); /* the network failure had none */
	ck_assert_int_eq(count_events(&log, "retry"), 4);
	ck_assert_int_eq(count_events(&log, "page"), 2);
	ck_assert_int_eq(count_events(&log, "checkpoint"), 1);
	ck_assert_int_eq(count_events(&log, "error"), 0);
	const seen_event *e = find_event(&log, "request", 0);
	ck_assert_int_eq(e->level, BILLTAP_LOG_DEBUG);
	ck_assert_str_eq(e->method, "GET");
	ck_assert_str_eq(e->path, "/v1/customers");
	ck_assert_str_eq(e->resource, "customers");
	ck_assert_int_eq(e->attempt, 1);
	e = find_event(&log, "retry", 0);
	ck_assert_int_eq(e->level, BILLTAP_LOG_WARN);
	ck_assert_int_eq(e->http_status, 503);
	ck_assert_int_eq(e->attempt, 2);
	ck_assert_str_eq(e->request_id, "req_a");
	ck_assert_int_ge(e->wait_ms, 1);
	ck_assert_ptr_nonnull(strstr(e->message, "GET /v1/customers: HTTP 503; retry 1 of 4 in "));
	e = find_event(&log, "retry", 1);
	ck_assert_int_eq(e->http_status, 0);
	ck_assert_int_eq(e->code, BILLTAP_ENETWORK);
	e = find_event(&log, "retry", 2);
	ck_assert_int_eq(e->http_status, 429);
	e = find_event(&log, "response", 3);
	ck_assert_int_eq(e->http_status, 200);
	ck_assert_str_eq(e->request_id, "req_1");
	e = find_event(&log, "page", 1);
	ck_assert_int_eq(e->level, BILLTAP_LOG_INFO);
	ck_assert_str_eq(e->message, "GET /v1/customers: page 2: 1 records");
	e = find_event(&log, "request", 5);
	ck_assert_str_eq(e->message, "GET /v1/customers"); /* a first attempt says no more */
	e = find_event(&log, "wait", 4);
	ck_assert_int_eq(e->level, BILLTAP_LOG_WARN); /* slowed down after the 429s */
	ck_assert_int_eq(e->wait_ms, 10);
	ck_assert_int_eq(find_event(&log, "wait", 1)->level, BILLTAP_LOG_DEBUG);
	ck_assert_int_eq(find_event(&log, "wait", 1)->wait_ms, 2);
	ck_assert_int_eq(find_event(&log, "wait", 2)->wait_ms, 6);

	ck_assert_int_eq(billtap_iter_metrics_get(NULL, it), BILLTAP_EINVAL);
	m.version = 0;
	ck_assert_int_eq(billtap_iter_metrics_get(&m, it), BILLTAP_EVERSION);
	m.version = BILLTAP_ITER_METRICS_VERSION + 1;
	ck_assert_int_eq(billtap_iter_metrics_get(&m, it), BILLTAP_EVERSION);
	billtap_iter_free(it);
	billtap_limiter_free(l);
	billtap_client_free(c);
	bt_buf_free(&log.all);
}
END_TEST

START_TEST(events_filter_by_level_and_errors_are_logged)
{
	fake_add(&ft, 500, NULL, "{}");
	fake_add(&ft, 401, "Request-Id: req_8", "{\"error\":{\"message\":\"Invalid API Key "
	                                        "provided: sk_test_topsecret9 (Authorization: "
	                                        "Bearer sk_test_topsecret9)\",\"type\":"
	                                        "\"invalid_request_error\"}}");
	billtap_client *c = stripe_client("sk_test_topsecret9");
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	event_log log;
	memset(&log, 0, sizeof log);
	ck_assert_int_eq(billtap_client_set_log(c, on_event, 0, &log), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_set_log(c, on_event, 5, &log), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_set_log(NULL, on_event, 1, &log), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_set_log(c, on_event, BILLTAP_LOG_WARN, &log), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EAUTH);
	/* WARN and up: the retry and the error, no requests, responses or pages. */
	ck_assert_int_eq(log.n, 2);
	ck_assert_str_eq(log.ev[0].event, "retry");
	const seen_event *e = &log.ev[1];
	ck_assert_str_eq(e->event, "error");
	ck_assert_int_eq(e->level, BILLTAP_LOG_ERROR);
	ck_assert_int_eq(e->code, BILLTAP_EAUTH);
	ck_assert_int_eq(e->http_status, 401);
	ck_assert_str_eq(e->request_id, "req_8");
	ck_assert_str_eq(e->message, "stripe: customers: GET /v1/customers: HTTP 401 (request "
	                             "req_8): invalid_request_error: Invalid API Key provided: "
	                             "[redacted] (Authorization: Bearer [redacted])");
	ck_assert_ptr_null(strstr(bt_buf_cstr(&log.all), "topsecret"));
	billtap_iter_free(it);
	/* Errors of billtap_iter_new go to the client's callback. */
	log.n = 0;
	ck_assert_int_eq(billtap_iter_new(&it, c, (billtap_resource)99, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(log.n, 1);
	ck_assert_str_eq(log.ev[0].message, "stripe: unknown resource 99");
	/* Removed: nothing more arrives. */
	ck_assert_int_eq(billtap_client_set_log(c, NULL, 0, NULL), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, (billtap_resource)99, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(log.n, 1);
	billtap_client_free(c);
	bt_buf_free(&log.all);
}
END_TEST

/* A secret that only a log event would show (a server echoing the key as its request id
 * on pages that succeed: no error ever quotes it) is scrubbed from every event; and the
 * client's secret set is built when a credential is first sent, not once per event. */
START_TEST(log_only_secret_is_scrubbed_and_the_set_is_not_rebuilt_per_event)
{
	const char *key = "opaque-topsecret-77"; /* no key prefix: only its value gives it away */
	fake_add_fixture(&ft, 200, "Request-Id: opaque-topsecret-77", "stripe/customers_page1.json");
	fake_add_fixture(&ft, 200, "Request-Id: opaque-topsecret-77", "stripe/customers_page2.json");
	billtap_client *c = stripe_client(key);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	event_log log;
	memset(&log, 0, sizeof log);
	ck_assert_int_eq(billtap_client_set_log(c, on_event, BILLTAP_LOG_DEBUG, &log), 0);
	uint64_t builds = c->secrets.builds;
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	int rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		;
	ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	/* The echo reached the events (scrubbed), so the test cannot pass without it. */
	const seen_event *e = find_event(&log, "response", 1);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e->request_id, "[redacted]");
	ck_assert_ptr_null(strstr(bt_buf_cstr(&log.all), "topsecret"));
	/* Six events or more; one build: "Bearer <key>" was new on the first request. */
	ck_assert_int_ge(log.n, 6);
	ck_assert_uint_eq(c->secrets.builds, builds + 1);
	billtap_iter_free(it);
	billtap_client_free(c);
	bt_buf_free(&log.all);
}
END_TEST

Suite *observe_suite(void)
{
	Suite *s = suite_create("observe");
	TCase *tc = tcase_create("limiter");
	tcase_add_test(tc, bucket_lets_the_burst_through_then_paces);
	tcase_add_test(tc, bucket_slows_down_after_429_and_recovers);
	tcase_add_test(tc, bucket_survives_a_clock_that_goes_back);
	tcase_add_test(tc, limiter_refuses_bad_rates);
	tcase_add_test(tc, limiter_is_shared_by_threads);
	tcase_add_test(tc, file_limiter_shares_one_budget);
	tcase_add_test(tc, file_limiter_is_shared_by_processes);
	tcase_add_test(tc, redaction_removes_secrets_and_credentials);
	suite_add_tcase(s, tc);
	tc = tcase_create("iterators");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, iterators_keep_to_the_right_rate);
	tcase_add_test(tc, set_rate_is_for_stream_and_session_callbacks);
	tcase_add_test(tc, metrics_and_events_of_a_run_with_retries);
	tcase_add_test(tc, events_filter_by_level_and_errors_are_logged);
	tcase_add_test(tc, log_only_secret_is_scrubbed_and_the_set_is_not_rebuilt_per_event);
	suite_add_tcase(s, tc);
	return s;
}
