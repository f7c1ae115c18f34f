/*
 * Pacing and observability against billtap-sandbox, whose Stripe module limits each key to
 * Stripe's 25 requests a second (test mode): clients sharing one limiter — threads of a
 * process, or processes through a file — stay within it; metrics count what the sandbox
 * was told to do (faults); log events never carry the credentials a server echoes.
 * No assertion is about time: only counts and contents.
 */
#include <billtap.h>
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox_process.h"
#include "testutil.h"

Suite *pacing_suite(void);

#define CLIENTS 8

typedef struct worker {
	const sandbox *sb;
	billtap_limiter *limiter;
	int rc;
	size_t n_ids;
	char **ids;
	billtap_iter_metrics m;
	char error[512];
} worker;

/* Extracts every customer, ten a page, with its own client drawing from w->limiter.
 * No Check assertions here: this may run in a thread; the test checks what it kept. */
static void *extract_customers(void *p)
{
	worker *w = p;
	billtap_client *c = sandbox_client(w->sb, "stripe");
	billtap_client_set(c, "page_size", "10");
	if (w->limiter)
		billtap_client_set_limiter(c, w->limiter);
	billtap_iter *it;
	const billtap_record *r;
	w->m.version = BILLTAP_ITER_METRICS_VERSION;
	w->rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	if (w->rc == 0) {
		while ((w->rc = billtap_iter_next(&r, it)) == 0) {
			w->ids = realloc(w->ids, (w->n_ids + 1) * sizeof *w->ids);
			w->ids[w->n_ids++] = strdup(billtap_record_id(r));
		}
		billtap_iter_metrics_get(&w->m, it);
		billtap_iter_free(it);
	}
	snprintf(w->error, sizeof w->error, "%s", billtap_client_error_message(c));
	billtap_client_free(c);
	return NULL;
}

/* Every customer of the truth, once. */
static void assert_all_customers(const worker *w, const truth *t)
{
	ck_assert_msg(w->rc == BILLTAP_ITEROVER, "rc %d: %s", w->rc, w->error);
	char *seen = calloc(t->count, 1);
	for (size_t i = 0; i < w->n_ids; i++) {
		long at = truth_find(t, w->ids[i]);
		ck_assert_msg(at >= 0 && !seen[at], "%s unknown or twice", w->ids[i]);
		seen[at] = 1;
	}
	truth_assert_all_seen(t, seen);
	free(seen);
}

static void worker_free(worker *w)
{
	for (size_t i = 0; i < w->n_ids; i++)
		free(w->ids[i]);
	free(w->ids);
}

static sandbox limited_sb;

static void start_limited(void)
{
	/* No --rate-limit: the module's own, 25 a second for the test key, burst 25. */
	const char *args[] = { "--provider", "stripe", "--seed", "21", "--scale", "160", NULL };
	sandbox_start(&limited_sb, args);
}

static void stop_limited(void)
{
	sandbox_stop(&limited_sb);
}

START_TEST(threads_share_one_budget)
{
	truth t;
	truth_load(&t, &limited_sb, "customers");
	ck_assert_uint_gt(t.count, 100); /* over 10 pages each: 8 clients ask far above 25/s */
	billtap_limiter *shared;
	ck_assert_int_eq(billtap_limiter_new(&shared, 25, 5), 0);
	worker w[CLIENTS];
	pthread_t th[CLIENTS];
	memset(w, 0, sizeof w);
	for (int i = 0; i < CLIENTS; i++) {
		w[i].sb = &limited_sb;
		w[i].limiter = shared;
		ck_assert_int_eq(pthread_create(&th[i], NULL, extract_customers, &w[i]), 0);
	}
	uint64_t limited = 0, waits = 0, requests = 0;
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(th[i], NULL);
		assert_all_customers(&w[i], &t);
		limited += w[i].m.rate_limited;
		waits += w[i].m.waits;
		requests += w[i].m.requests;
		worker_free(&w[i]);
	}
	billtap_limiter_free(shared);
	/* Every client got everything, the limiter made them wait their turns, and the
	 * sandbox's bucket (the same rate, a larger burst) refused next to nothing. */
	ck_assert_uint_gt(waits, requests / 2);
	ck_assert_msg(limited <= 2, "%llu answers were 429", (unsigned long long)limited);
	truth_free(&t);
}
END_TEST

START_TEST(processes_share_a_file_budget)
{
	truth t;
	truth_load(&t, &limited_sb, "customers");
	char path[] = "/tmp/billtap-pacing-XXXXXX";
	int tmp = mkstemp(path);
	ck_assert_int_ge(tmp, 0);
	close(tmp); /* an empty file: the first to open it writes a full bucket */
	enum { PROCS = 4 };
	int fds[PROCS][2];
	pid_t pids[PROCS];
	for (int i = 0; i < PROCS; i++) {
		ck_assert_int_eq(pipe(fds[i]), 0);
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			/* Each child: its own client and its own limiter object on the file. */
			worker w;
			memset(&w, 0, sizeof w);
			w.sb = &limited_sb;
			char err[256];
			if (billtap_limiter_open(&w.limiter, path, 25, 5, err, sizeof err) != 0)
				_exit(3);
			extract_customers(&w);
			billtap_limiter_free(w.limiter);
			uint64_t out[4] = { (uint64_t)(w.rc == BILLTAP_ITEROVER), w.n_ids,
				            w.m.rate_limited, w.m.waits };
			_exit(write(fds[i][1], out, sizeof out) == sizeof out ? 0 : 4);
		}
		close(fds[i][1]);
	}
	uint64_t limited = 0, waits = 0;
	for (int i = 0; i < PROCS; i++) {
		uint64_t got[4];
		int st;
		ck_assert_int_eq(read(fds[i][0], got, sizeof got), (ssize_t)sizeof got);
		close(fds[i][0]);
		waitpid(pids[i], &st, 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		ck_assert_uint_eq(got[0], 1);
		ck_assert_uint_eq(got[1], t.count);
		limited += got[2];
		waits += got[3];
	}
	ck_assert_uint_gt(waits, 0);
	ck_assert_msg(limited <= 2, "%llu answers were 429", (unsigned long long)limited);
	unlink(path);
	truth_free(&t);
}
END_TEST

/* ---- metrics and events against injected faults ---- */

typedef struct collected {
	int requests, responses, retries, retries_429, retries_503, pages, errors, last_code;
	char *text; /* every text of every event, one a line */
	size_t len;
} collected;

static void keep_text(collected *c, const char *s, size_t n)
{
	c->text = realloc(c->text, c->len + n + 2);
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len++] = '\n';
	c->text[c->len] = '\0';
}

static void collect(const billtap_log_event *e, void *payload)
{
	collected *c = payload;
	const char *texts[] = { e->event, e->message, e->provider, e->resource, e->method,
		                e->path, e->request_id, e->record_id };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		if (texts[i])
			keep_text(c, texts[i], strlen(texts[i]));
	if (e->raw_json)
		keep_text(c, e->raw_json, e->raw_len);
	if (!strcmp(e->event, "request"))
		c->requests++;
	else if (!strcmp(e->event, "response"))
		c->responses++;
	else if (!strcmp(e->event, "page"))
		c->pages++;
	else if (!strcmp(e->event, "error")) {
		c->errors++;
		c->last_code = e->code;
	} else if (!strcmp(e->event, "retry")) {
		c->retries++;
		c->retries_429 += e->http_status == 429;
		c->retries_503 += e->http_status == 503;
	}
}

START_TEST(metrics_count_injected_faults)
{
	/* Three 429s and a 503 on the first pages; nothing else limits. */
	sandbox sb;
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "150",
		               "--rate-limit", "0", "--faults", "429@2,429@3,503@5,429@7", NULL };
	sandbox_start(&sb, args);
	truth t;
	truth_load(&t, &sb, "customers");
	billtap_client *c = sandbox_client(&sb, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "40"), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	/* One walk, newest first, so that its pages can be counted from the truth. */
	ck_assert_int_eq(billtap_client_set(c, "parallel_slices", "1"), 0);
	collected log;
	memset(&log, 0, sizeof log);
	ck_assert_int_eq(billtap_client_set_log(c, collect, BILLTAP_LOG_DEBUG, &log), 0);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	char *seen = calloc(t.count, 1);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	billtap_iter_metrics m = { .version = BILLTAP_ITER_METRICS_VERSION };
	ck_assert_int_eq(billtap_iter_metrics_get(&m, it), 0);
	uint64_t pages = (t.count + 39) / 40; /* Stripe says has_more: false on the last */
	ck_assert_uint_gt(pages, 3);             /* so request 7 is one of ours */
	ck_assert_uint_eq(m.rate_limited, 3);
	ck_assert_uint_eq(m.retries, 4);
	ck_assert_uint_eq(m.pages, pages);
	ck_assert_uint_eq(m.requests, pages + 4);
	ck_assert_uint_eq(m.records, t.count);
	ck_assert_uint_eq(m.skipped_records, 0);
	ck_assert_uint_ge(m.waits, 4); /* a backoff per retry at least */
	ck_assert_uint_gt(m.bytes, 100 * t.count); /* a customer is well over 100 bytes */
	/* The log saw the same run. */
	ck_assert_int_eq(log.requests, (int)m.requests);
	ck_assert_int_eq(log.responses, (int)m.requests);
	ck_assert_int_eq(log.pages, (int)pages);
	ck_assert_int_eq(log.retries, 4);
	ck_assert_int_eq(log.retries_429, 3);
	ck_assert_int_eq(log.retries_503, 1);
	ck_assert_int_eq(log.errors, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	free(log.text);
	truth_free(&t);
	sandbox_stop(&sb);
}
END_TEST

/* Runs one iterator of `resource` to its error with every event collected. */
static int run_to_error(billtap_client *c, collected *log, billtap_resource resource)
{
	ck_assert_int_eq(billtap_client_set_log(c, collect, BILLTAP_LOG_DEBUG, log), 0);
	billtap_iter *it;
	const billtap_record *r;
	int rc = billtap_iter_new(&it, c, resource, NULL);
	if (rc == 0) {
		while ((rc = billtap_iter_next(&r, it)) == 0)
			;
		billtap_iter_free(it);
	}
	return rc;
}

START_TEST(stripe_echoed_key_never_reaches_the_log)
{
	/* A 401 whose message holds the key; then 503s that carry the Authorization header. */
	sandbox sb;
	const char *args[] = { "--provider", "stripe", "--seed", "5", "--scale", "20",
		               "--faults", "echo@1,echo@2:503,echo@3:503", NULL };
	sandbox_start(&sb, args);
	const char *key = sandbox_setting(&sb, "api_key");
	billtap_client *c = sandbox_client(&sb, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	collected log;
	memset(&log, 0, sizeof log);
	ck_assert_int_eq(run_to_error(c, &log, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_EAUTH);
	ck_assert_int_eq(log.last_code, BILLTAP_EAUTH);
	ck_assert_int_eq(run_to_error(c, &log, BILLTAP_RESOURCE_CUSTOMERS), BILLTAP_ESERVER);
	ck_assert_int_eq(log.last_code, BILLTAP_ESERVER);
	ck_assert_int_eq(log.errors, 2);
	ck_assert_int_eq(log.retries_503, 1);
	/* The server did echo it (the client's own message may show it: scrubbing those is
	 * the error path's business); the events never do. */
	ck_assert_ptr_nonnull(strstr(log.text, "[redacted]"));
	ck_assert_msg(!strstr(log.text, key), "the key is in an event:\n%s", log.text);
	ck_assert_ptr_null(strstr(log.text, "sandbox")); /* nor any piece of it */
	billtap_client_free(c);
	free(log.text);
	sandbox_stop(&sb);
}
END_TEST

START_TEST(paypal_echoed_credentials_never_reach_the_log)
{
	/* The token endpoint echoing Basic credentials (and their decoded pair); then a data
	 * request echoing its bearer token, twice. */
	const char *specs[] = { "echo@1", "echo@2:503,echo@3:503" };
	for (int i = 0; i < 2; i++) {
		sandbox sb;
		const char *args[] = { "--provider", "paypal", "--seed", "4", "--scale", "20",
			               "--faults", specs[i], NULL };
		sandbox_start(&sb, args);
		billtap_client *c = sandbox_client(&sb, "paypal");
		ck_assert_int_eq(billtap_client_set(c, "max_retries", "1"), 0);
		ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
		collected log;
		memset(&log, 0, sizeof log);
		int rc = run_to_error(c, &log, BILLTAP_RESOURCE_TRANSACTIONS);
		ck_assert_int_eq(rc, i == 0 ? BILLTAP_EAUTH : BILLTAP_ESERVER);
		ck_assert_int_eq(log.errors, 1);
		ck_assert_ptr_nonnull(strstr(log.text, "[redacted]"));
		const char *never[] = { sandbox_setting(&sb, "client_secret"),
			                "c2FuZGJveC1jbGllbnQ6c2FuZGJveC1zZWNyZXQ=", "A21AA" };
		for (int k = 0; k < 3; k++)
			ck_assert_msg(!strstr(log.text, never[k]), "%s is in an event:\n%s", never[k],
			              log.text);
		billtap_client_free(c);
		free(log.text);
		sandbox_stop(&sb);
	}
}
END_TEST

Suite *pacing_suite(void)
{
	Suite *s = suite_create("pacing");
	TCase *tc = tcase_create("shared");
	tcase_add_unchecked_fixture(tc, start_limited, stop_limited);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, threads_share_one_budget);
	tcase_add_test(tc, processes_share_a_file_budget);
	suite_add_tcase(s, tc);
	tc = tcase_create("observed");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, metrics_count_injected_faults);
	tcase_add_test(tc, stripe_echoed_key_never_reaches_the_log);
	tcase_add_test(tc, paypal_echoed_credentials_never_reach_the_log);
	suite_add_tcase(s, tc);
	return s;
}
