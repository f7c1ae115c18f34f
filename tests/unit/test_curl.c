/*
 * The built-in libcurl transport against a local HTTP server (tiny_http.c): requests of a
 * concurrent provider overlap on the wire up to max_in_flight, connections are reused,
 * the engine's options arrive, cancel closes running transfers, timeouts are reported, and
 * out of memory is told apart from an oversized body.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_fail.h"
#include "fan_provider.h"
#include "http/http.h"
#include "tiny_http.h"

Suite *curl_suite(void);

static billtap_client *fan_client(tiny_http *server, const char *max_in_flight)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "fan", NULL), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", tiny_http_url(server)), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", max_in_flight), 0);
	ck_assert_int_eq(billtap_client_set(c, "user_agent", "unit-test/2"), 0);
	return c;
}

/* Iterates to the end; the ids must be the world's, in order. */
static void expect_world(billtap_client *c)
{
	billtap_iter *it;
	const billtap_record *r;
	int rc, n = 0;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		char id[8];
		fan_id(id, ++n);
		ck_assert_str_eq(billtap_record_id(r), id);
	}
	ck_assert_msg(rc == BILLTAP_ITEROVER, "%s", billtap_client_error_message(c));
	ck_assert_int_eq(n, FAN_ITEMS);
	uint64_t requests;
	billtap_iter_stats(&requests, NULL, NULL, it);
	ck_assert_uint_eq(requests, 4 + FAN_ITEMS);
	billtap_iter_free(it);
}

static void setup(void)
{
	fan_register();
}

START_TEST(requests_overlap_on_the_wire)
{
	/* The server answers once four requests wait (or the client went quiet), so a client
	 * that sent them one by one would never have more than one waiting. */
	tiny_http *server = tiny_http_start(4, 200, 0);
	billtap_client *c = fan_client(server, "4");
	expect_world(c);
	tiny_stats st = tiny_http_stats(server);
	ck_assert_int_eq(st.requests, 4 + FAN_ITEMS);
	ck_assert_int_ge(st.max_pending, 2);
	ck_assert_int_le(st.max_pending, 4);
	ck_assert_int_le(st.accepted, 4); /* connections kept and reused */
	billtap_client_free(c);
	tiny_http_stop(server);
}
END_TEST

START_TEST(one_in_flight_reuses_one_connection)
{
	tiny_http *server = tiny_http_start(1, 200, 0);
	billtap_client *c = fan_client(server, "1");
	expect_world(c);
	tiny_stats st = tiny_http_stats(server);
	ck_assert_int_eq(st.max_pending, 1);
	ck_assert_int_eq(st.accepted, 1);
	ck_assert_str_eq(st.user_agent, "billtap/" BILLTAP_VERSION_STRING " unit-test/2");
	billtap_client_free(c);
	tiny_http_stop(server);
}
END_TEST

/* Waits until the server has seen `n` connections closed by the client. No deadline: if
 * they never close, meson's test timeout ends the run (a timed assertion would be flaky). */
static void wait_closed(tiny_http *server, int n)
{
	while (tiny_http_stats(server).closed < n) {
		struct timespec ts = { 0, 2000000L };
		nanosleep(&ts, NULL);
	}
}

START_TEST(close_idle_closes_the_kept_connection)
{
	tiny_http *server = tiny_http_start(1, 200, 0);
	billtap_client *c = fan_client(server, "1");
	expect_world(c);
	ck_assert_int_eq(tiny_http_stats(server).accepted, 1);

	/* While an iterator lives, its transfers may still need the handles: refused. */
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_client_close_idle(c), BILLTAP_EUSAGE);
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_EUSAGE);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "iterator"));
	billtap_iter_free(it);

	ck_assert_int_eq(billtap_client_close_idle(c), 0);
	wait_closed(server, 1);
	ck_assert_int_eq(billtap_client_close_idle(c), 0); /* nothing left: still fine */

	/* The client works on: the next iteration opens a new connection and keeps it. */
	expect_world(c);
	tiny_stats st = tiny_http_stats(server);
	ck_assert_int_eq(st.accepted, 2);
	ck_assert_int_eq(st.closed, 1);
	billtap_client_free(c);
	ck_assert_int_eq(billtap_client_close_idle(NULL), BILLTAP_EINVAL);
	tiny_http_stop(server);
}
END_TEST

struct canceler {
	tiny_http *server;
	billtap_iter *it;
	int pending; /* what the server had waiting when canceled */
};

static void *cancel_when_waiting(void *p)
{
	struct canceler *cn = p;
	while ((cn->pending = tiny_http_stats(cn->server).pending) < 3) {
		struct timespec ts = { 0, 2000000L };
		nanosleep(&ts, NULL);
	}
	billtap_iter_cancel(cn->it);
	return NULL;
}

START_TEST(cancel_closes_the_running_transfers)
{
	tiny_http *server = tiny_http_start(1, 200, 1); /* items are never answered */
	billtap_client *c = fan_client(server, "4");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	struct canceler cn = { server, it, 0 };
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, cancel_when_waiting, &cn), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	pthread_join(t, NULL);
	/* Aborted transfers close their half-used connections: the server sees every one of
	 * its waiting requests go (the loop only waits for the server thread to notice). */
	for (int i = 0; tiny_http_stats(server).pending > 0; i++) {
		ck_assert_int_lt(i, 5000);
		struct timespec ts = { 0, 2000000L };
		nanosleep(&ts, NULL);
	}
	ck_assert_int_ge(tiny_http_stats(server).closed, 3);
	billtap_iter_free(it);
	billtap_client_free(c);
	tiny_http_stop(server);
}
END_TEST

/* The built-in transport on its own against a server, with a request and a response. */
typedef struct direct {
	tiny_http *server;
	bt_curl *t;
	billtap_transfer_options opts;
	billtap_request req;
	billtap_response resp;
} direct;

static void direct_open(direct *d, int hold_items)
{
	d->server = tiny_http_start(1, 0, hold_items);
	ck_assert_int_eq(bt_curl_new(&d->t), 0);
	billtap_transfer_options opts = { BILLTAP_TRANSFER_OPTIONS_VERSION, 5000, 5000, "unit", NULL,
		                          NULL, NULL };
	d->opts = opts;
	bt_request_init(&d->req);
	bt_response_init(&d->resp);
}

static int direct_perform(direct *d)
{
	bt_response_reset(&d->resp);
	return bt_curl_transport.perform(&d->resp, &d->req, &d->opts, d->t);
}

static void direct_close(direct *d)
{
	bt_curl_transport.free(d->t);
	bt_request_free(&d->req);
	bt_response_free(&d->resp);
	tiny_http_stop(d->server);
}

static const char ids_page4[] =
	"{\"ids\":[\"a31\",\"a32\",\"a33\",\"a34\",\"a35\",\"a36\",\"a37\"],\"next\":null}";

START_TEST(perform_alone_and_its_timeout)
{
	direct d;
	direct_open(&d, 1);
	ck_assert_int_eq(billtap_request_set_url(&d.req, tiny_http_url(d.server), "/items/a07"), 0);
	d.opts.timeout_ms = 300;
	ck_assert_int_eq(direct_perform(&d), BILLTAP_ETIMEOUT);
	ck_assert_msg(strstr(d.resp.error.data, "timed out") != NULL, "%s", d.resp.error.data);

	ck_assert_int_eq(billtap_request_set_url(&d.req, tiny_http_url(d.server), "/ids"), 0);
	ck_assert_int_eq(billtap_request_add_query(&d.req, "page", "4"), 0);
	d.opts.timeout_ms = 5000;
	ck_assert_int_eq(direct_perform(&d), 0);
	ck_assert_int_eq(billtap_response_status(&d.resp), 200);
	ck_assert_str_eq(billtap_response_body(&d.resp, NULL), ids_page4);
	ck_assert_str_eq(billtap_response_header(&d.resp, "content-type"), "application/json");
	direct_close(&d);
}
END_TEST

START_TEST(out_of_memory_is_reported_as_such)
{
	/* Every allocation of a transfer fails in turn: the answer is the whole body or
	 * BILLTAP_ENOMEM, never an oversized body (EDATA), and one that fails while curl hands
	 * over the body or a header says so. */
	direct d;
	direct_open(&d, 0);
	ck_assert_int_eq(billtap_request_set_url(&d.req, tiny_http_url(d.server), "/ids"), 0);
	ck_assert_int_eq(billtap_request_add_query(&d.req, "page", "4"), 0);
	alloc_fail_arm(0);
	ck_assert_int_eq(direct_perform(&d), 0);
	long total = alloc_fail_count();
	alloc_fail_disarm();
	ck_assert_str_eq(billtap_response_body(&d.resp, NULL), ids_page4);
	int in_callbacks = 0;
	for (long n = 1; n <= total; n++) {
		alloc_fail_arm(n);
		int rc = direct_perform(&d);
		alloc_fail_disarm();
		ck_assert_msg(rc == 0 || rc == BILLTAP_ENOMEM, "allocation %ld: %d (%s)", n, rc,
		              bt_buf_cstr(&d.resp.error));
		if (rc == 0)
			ck_assert_str_eq(billtap_response_body(&d.resp, NULL), ids_page4);
		else if (strcmp(bt_buf_cstr(&d.resp.error), "out of memory storing the response") == 0)
			in_callbacks++;
	}
	ck_assert_int_gt(in_callbacks, 0);
	direct_close(&d);
}
END_TEST

START_TEST(connection_refused_is_a_network_error)
{
	/* A port nobody listens on (the server's, once stopped). */
	tiny_http *server = tiny_http_start(1, 0, 0);
	char url[64];
	snprintf(url, sizeof url, "%s", tiny_http_url(server));
	tiny_http_stop(server);
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "fan", NULL), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", url), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ENETWORK);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c),
	                             "fan: customers: GET /ids: network error: "));
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "(after 1 retries)"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

Suite *curl_suite(void)
{
	Suite *s = suite_create("curl");
	TCase *tc = tcase_create("transport");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, requests_overlap_on_the_wire);
	tcase_add_test(tc, one_in_flight_reuses_one_connection);
	tcase_add_test(tc, close_idle_closes_the_kept_connection);
	tcase_add_test(tc, cancel_closes_the_running_transfers);
	tcase_add_test(tc, perform_alone_and_its_timeout);
	tcase_add_test(tc, out_of_memory_is_reported_as_such);
	tcase_add_test(tc, connection_refused_is_a_network_error);
	suite_add_tcase(s, tc);
	return s;
}
