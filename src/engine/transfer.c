#define _GNU_SOURCE /* strptime, timegm, strcasestr */
/*
 * What follows one attempt at sending a request: transport errors, timeouts, 408, 429 and
 * 5xx are retried with exponential backoff and jitter, honouring Retry-After; so is a 2xx
 * whose body is not the JSON it should be (garbled); anything else is final (a TLS
 * verification failure too: retrying cannot make a wrong certificate right). Each request in flight keeps its own count. Unlike Stripe's own SDKs, a
 * plain 429 is retried: an extractor has nothing better to do than wait, and giving up
 * loses the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core.h"

/* Longest wait a server may ask for before we give up instead of sleeping. */
#define MAX_SERVER_WAIT_MS (15 * 60 * 1000)

int64_t bt_monotonic_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int bt_nap(billtap_iter *it, int64_t ms)
{
	while (ms > 0) {
		if (atomic_load(&it->link.cancel))
			return BILLTAP_ECANCELED;
		int64_t slice = ms < 50 ? ms : 50;
		struct timespec ts = { (time_t)(slice / 1000), (long)(slice % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return atomic_load(&it->link.cancel) ? BILLTAP_ECANCELED : 0;
}

static uint64_t next_random(billtap_iter *it)
{
	/* xorshift64*: per iterator, so no shared state between handles. */
	uint64_t x = it->rng;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	it->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static int64_t backoff_ms(billtap_iter *it, int attempt)
{
	int64_t cap = it->settings.retry_max_ms, d = it->settings.retry_base_ms;
	for (int i = 0; i < attempt && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* 75-100% of the nominal delay, so a fleet of workers does not retry in lockstep. */
	return d - (int64_t)(next_random(it) % (uint64_t)(d / 4 + 1));
}

/* Retry-After as delta-seconds or an HTTP-date (against the client's clock, which is the
 * host's idea of now); -1 when absent or unreadable. */
static int64_t retry_after_ms(const billtap_response *resp, const billtap_client *c)
{
	const char *v = billtap_response_header(resp, "Retry-After");
	if (!v || !*v)
		return -1;
	char *end;
	long long s = strtoll(v, &end, 10);
	if (*end == '\0' && s >= 0)
		return (s > 366LL * 86400 ? 366LL * 86400 : s) * 1000; /* a year: no overflow */
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *rest = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (!rest || *rest)
		return -1;
	int64_t when = (int64_t)timegm(&tm), now = bt_client_now(c);
	if (when <= now)
		return 0;
	return (when - now > 366LL * 86400 ? 366LL * 86400 : when - now) * 1000;
}

static int transient_status(int status)
{
	return status == 408 || status == 429 || (status >= 500 && status != 501);
}

/* A 2xx answer that should be JSON and is not: an empty body, half a page framed as a
 * whole one, a proxy's page. As transient as a 5xx: the same request usually gets the
 * real answer. JSON is expected unless the answer says another Content-Type (a 204, a
 * HEAD have no body to check). */
static int garbled(bt_flight *f)
{
	int status = f->resp.status;
	if (status < 200 || status > 299 || status == 204 || f->req.method == BILLTAP_HTTP_HEAD)
		return 0;
	const char *type = billtap_response_header(&f->resp, "Content-Type");
	if (type && *type && !strcasestr(type, "json"))
		return 0;
	/* Kept with the response: the provider's billtap_response_parse() takes this parse
	 * instead of making it again. Out of memory: the provider's own parse will say. */
	return bt_response_check_json(&f->resp) == 0;
}

/* code: the transport's failure, or 0 for an HTTP answer (f->resp.status). */
static void retry_later(bt_flight *f, int code, int64_t wait_ms)
{
	billtap_iter *it = f->iter;
	f->attempt++;
	it->retries++;
	if (wait_ms > 0) {
		it->waits++;
		it->wait_ms += (uint64_t)wait_ms;
	}
	bt_log_retry(f, code, wait_ms);
	f->state = BT_FLIGHT_PENDING;
	f->send_at = bt_monotonic_ms() + wait_ms;
}

/* No response after every allowed retry: "GET /path: network error: detail (after N
 * retries)", reported when the flight's turn comes. */
static void fail(bt_flight *f, int rc, int transient)
{
	bt_buf *msg = &f->error_msg;
	bt_buf_clear(msg);
	bt_request_describe(&f->req, msg);
	bt_buf_puts(msg, ": ");
	bt_buf_puts(msg, billtap_strerror(rc));
	if (f->resp.error.len) {
		bt_buf_puts(msg, ": ");
		bt_buf_puts(msg, f->resp.error.data);
	}
	if (transient && f->attempt) {
		char n[48];
		snprintf(n, sizeof n, " (after %d retries)", f->attempt);
		bt_buf_puts(msg, n);
	}
	f->error = rc;
	f->state = BT_FLIGHT_FAILED;
}

void bt_transfer_outcome(bt_flight *f, int rc)
{
	billtap_iter *it = f->iter;
	billtap_client *c = it->client;
	if (rc == 0 && f->resp.status == 0) {
		billtap_response_set_error(&f->resp, "transport returned no HTTP status");
		rc = BILLTAP_ETRANSPORT;
	}
	if (rc > 0)
		rc = BILLTAP_ETRANSPORT; /* not a status a transport may return */
	it->bytes += f->resp.body.len;
	if (rc < 0) {
		int transient = rc == BILLTAP_ENETWORK || rc == BILLTAP_ETIMEOUT;
		if (transient && f->attempt < it->settings.max_retries)
			retry_later(f, rc, backoff_ms(it, f->attempt));
		else
			fail(f, rc, transient);
		return;
	}

	if (f->resp.status == 429)
		it->rate_limited++;
	bt_log_response(f);
	bt_pacing_answered(f);

	int delay = -1;
	int verdict = BILLTAP_CLASSIFY_DEFAULT;
	if (c->provider->classify_response) {
		billtap_ctx ctx = bt_iter_ctx(it, NULL);
		verdict = c->provider->classify_response(&delay, it->session->data, &f->req, &f->resp,
		                                         &ctx);
	}
	f->garbled = 0;
	if (verdict == BILLTAP_CLASSIFY_DEFAULT && garbled(f)) {
		f->garbled = 1;
		verdict = BILLTAP_CLASSIFY_RETRY;
	}
	if (verdict == BILLTAP_CLASSIFY_DEFAULT)
		verdict = transient_status(f->resp.status) ? BILLTAP_CLASSIFY_RETRY
		                                           : BILLTAP_CLASSIFY_FINAL;
	if (verdict != BILLTAP_CLASSIFY_RETRY || f->attempt >= it->settings.max_retries) {
		f->state = BT_FLIGHT_DONE; /* the provider turns a still-failing answer into an error */
		return;
	}
	int64_t wait = backoff_ms(it, f->attempt);
	int64_t asked = retry_after_ms(&f->resp, c);
	if (delay > asked)
		asked = delay;
	if (asked > MAX_SERVER_WAIT_MS) {
		f->refused_wait_ms = asked; /* named in the error the provider reports */
		f->state = BT_FLIGHT_DONE;
		return;
	}
	retry_later(f, 0, asked > wait ? asked : wait);
}

BILLTAP_EXTERN(int) billtap_transfer_canceled(const billtap_transfer_options *opts)
{
	return opts && opts->engine && atomic_load(&((bt_transfer_link *)opts->engine)->cancel);
}

long bt_transfer_stall_timeout_ms(const billtap_transfer_options *opts)
{
	return opts && opts->engine ? ((const bt_transfer_link *)opts->engine)->stall_timeout_ms : 0;
}
