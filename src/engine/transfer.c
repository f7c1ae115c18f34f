#define _GNU_SOURCE /* strptime, timegm */
/*
 * Sending one request until there is a final response: transport errors, timeouts, 408,
 * 429 and 5xx are retried with exponential backoff and jitter, honouring Retry-After.
 * Unlike Stripe's own SDKs, a plain 429 is retried: an extractor has nothing better to do
 * than wait, and giving up loses the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core.h"

/* Longest wait a server may ask for before we give up instead of sleeping. */
#define MAX_SERVER_WAIT_MS (15 * 60 * 1000)

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
	int64_t base = 500, cap = 30000;
	bt_client_setting_int(&base, it->client, "retry_base_ms");
	bt_client_setting_int(&cap, it->client, "retry_max_ms");
	int64_t d = base;
	for (int i = 0; i < attempt && d < cap; i++)
		d *= 2;
	if (d > cap)
		d = cap;
	/* 75-100% of the nominal delay, so a fleet of workers does not retry in lockstep. */
	return d - (int64_t)(next_random(it) % (uint64_t)(d / 4 + 1));
}

/* Retry-After as delta-seconds or an HTTP-date; -1 when absent or unreadable. */
static int64_t retry_after_ms(const billtap_response *resp)
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
	int64_t when = (int64_t)timegm(&tm), now = (int64_t)time(NULL);
	return when > now ? (when - now) * 1000 : 0;
}

/* Sleeps up to ms, waking early on cancel. Returns BILLTAP_ECANCELED when canceled. */
static int nap(billtap_iter *it, int64_t ms)
{
	while (ms > 0) {
		if (atomic_load(&it->cancel))
			return BILLTAP_ECANCELED;
		int64_t slice = ms < 50 ? ms : 50;
		struct timespec ts = { (time_t)(slice / 1000), (long)(slice % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return atomic_load(&it->cancel) ? BILLTAP_ECANCELED : 0;
}

static int perform_once(billtap_iter *it)
{
	billtap_client *c = it->client;
	bt_response_reset(&it->resp);
	it->requests++;
	if (c->transport.perform) {
		int64_t timeout = 60000, connect_timeout = 10000;
		bt_client_setting_int(&timeout, c, "timeout_ms");
		bt_client_setting_int(&connect_timeout, c, "connect_timeout_ms");
		char agent[512];
		const char *extra = bt_client_setting(c, "user_agent");
		snprintf(agent, sizeof agent, "billtap/%s%s%s", BILLTAP_VERSION_STRING,
		         extra ? " " : "", extra ? extra : "");
		billtap_transfer_options opts = {
			BILLTAP_TRANSFER_OPTIONS_VERSION, (long)timeout, (long)connect_timeout, agent,
			bt_client_setting(c, "ca_file"), bt_client_setting(c, "ca_path"), &it->cancel,
		};
		int rc = c->transport.perform(&it->resp, &it->req, &opts, c->transport_payload);
		if (rc == 0 && it->resp.status == 0) {
			billtap_response_set_error(&it->resp, "host transport returned no HTTP status");
			return BILLTAP_ETRANSPORT;
		}
		if (rc > 0)
			return BILLTAP_ETRANSPORT;
		return rc;
	}
	if (!c->curl) {
		int rc = bt_curl_new(&c->curl);
		if (rc < 0)
			return rc;
	}
	char agent[512], curlv[64];
	bt_curl_version(curlv, sizeof curlv);
	const char *extra = bt_client_setting(c, "user_agent");
	snprintf(agent, sizeof agent, "billtap/%s %s%s%s", BILLTAP_VERSION_STRING, curlv,
	         extra ? " " : "", extra ? extra : "");
	int64_t timeout = 60000, connect_timeout = 10000;
	bt_client_setting_int(&timeout, c, "timeout_ms");
	bt_client_setting_int(&connect_timeout, c, "connect_timeout_ms");
	bt_http_options opts = {
		.timeout_ms = (long)timeout,
		.connect_timeout_ms = (long)connect_timeout,
		.user_agent = agent,
		.ca_file = bt_client_setting(c, "ca_file"),
		.ca_path = bt_client_setting(c, "ca_path"),
	};
	return bt_curl_perform(c->curl, &it->resp, &it->req, &opts, &it->cancel);
}

static int transient_status(int status)
{
	return status == 408 || status == 429 || (status >= 500 && status != 501);
}

int bt_transfer(billtap_iter *it)
{
	billtap_client *c = it->client;
	billtap_ctx ctx = { c, it->resource };
	int64_t max_retries = 4;
	bt_client_setting_int(&max_retries, c, "max_retries");
	it->refused_wait_ms = 0;

	for (int attempt = 0;; attempt++) {
		if (atomic_load(&it->cancel))
			return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
		int rc = perform_once(it);
		if (rc == BILLTAP_ECANCELED || atomic_load(&it->cancel))
			return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
		if (rc < 0) {
			int transient = rc == BILLTAP_ENETWORK || rc == BILLTAP_ETIMEOUT;
			if (transient && attempt < max_retries) {
				it->retries++;
				if (nap(it, backoff_ms(it, attempt)) < 0)
					return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
				continue;
			}
			bt_buf msg = BT_BUF_INIT;
			bt_request_describe(&it->req, &msg);
			bt_buf_puts(&msg, ": ");
			bt_buf_puts(&msg, billtap_strerror(rc));
			if (it->resp.error.len) {
				bt_buf_puts(&msg, ": ");
				bt_buf_puts(&msg, it->resp.error.data);
			}
			if (transient && attempt) {
				char n[48];
				snprintf(n, sizeof n, " (after %d retries)", attempt);
				bt_buf_puts(&msg, n);
			}
			billtap_ctx_error(&ctx, rc, bt_buf_cstr(&msg));
			bt_buf_free(&msg);
			return rc;
		}

		int delay = -1;
		int verdict = BILLTAP_CLASSIFY_DEFAULT;
		if (c->provider->classify_response)
			verdict = c->provider->classify_response(&delay, it->session->data, &it->req, &it->resp,
			                                         &ctx);
		if (verdict == BILLTAP_CLASSIFY_DEFAULT)
			verdict = transient_status(it->resp.status) ? BILLTAP_CLASSIFY_RETRY
			                                            : BILLTAP_CLASSIFY_FINAL;
		if (verdict != BILLTAP_CLASSIFY_RETRY || attempt >= max_retries)
			return 0; /* the provider turns a still-failing response into an error */

		int64_t wait = backoff_ms(it, attempt);
		int64_t asked = retry_after_ms(&it->resp);
		if (delay > asked)
			asked = delay;
		if (asked > MAX_SERVER_WAIT_MS) {
			it->refused_wait_ms = asked; /* named in the error the provider reports */
			return 0;
		}
		if (asked > wait)
			wait = asked;
		it->retries++;
		if (nap(it, wait) < 0)
			return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
	}
}

BILLTAP_EXTERN(int) billtap_transfer_canceled(const billtap_transfer_options *opts)
{
	return opts && opts->engine && atomic_load((atomic_int *)opts->engine);
}
