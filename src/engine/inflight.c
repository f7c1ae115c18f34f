/*
 * Requests in flight: an iterator's ring of flights, oldest first, and the loop that runs
 * them through the transport until the oldest has its answer.
 *
 * A transport with start/wait/abort runs every started flight at once; the client's list of
 * running flights maps what wait reports back to its flight, whichever of the client's
 * iterators started it (they share the transport, so one iterator's wait may see another's
 * transfer finish). A transport with only perform runs the oldest flight, blocking, and the
 * ring never holds more than one (see bt_flights_init).
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* How long one wait for the transport lasts before the cancel flag is looked at. */
#define POLL_SLICE_MS 100

int bt_flights_init(billtap_iter *it)
{
	billtap_client *c = it->client;
	int concurrent = (c->provider->flags & BILLTAP_PROVIDER_CONCURRENT) && c->transport.start;
	size_t cap = concurrent ? (size_t)it->settings.max_in_flight : 1;
	it->flights = calloc(cap, sizeof *it->flights);
	if (!it->flights)
		return BILLTAP_ENOMEM;
	it->flight_cap = cap;
	for (size_t i = 0; i < cap; i++) {
		it->flights[i].iter = it;
		bt_request_init(&it->flights[i].req);
		bt_response_init(&it->flights[i].resp);
	}
	return 0;
}

static bt_flight *at(billtap_iter *it, size_t i)
{
	return &it->flights[(it->f_head + i) % it->flight_cap];
}

bt_flight *bt_flight_head(billtap_iter *it)
{
	return it->f_count ? at(it, 0) : NULL;
}

bt_flight *bt_flight_tail(billtap_iter *it)
{
	return it->f_count ? at(it, it->f_count - 1) : NULL;
}

bt_flight *bt_flight_push(billtap_iter *it)
{
	if (it->f_count == it->flight_cap)
		return NULL;
	bt_flight *f = at(it, it->f_count++);
	bt_request_reset(&f->req);
	bt_response_reset(&f->resp);
	bt_buf_clear(&f->error_msg);
	f->state = BT_FLIGHT_PENDING;
	f->local = 0;
	f->transfer = NULL;
	f->attempt = 0;
	f->send_at = 0;
	f->refused_wait_ms = 0;
	f->paced = 0;
	f->error = 0;
	return f;
}

void bt_flight_pop(billtap_iter *it)
{
	it->f_head = (it->f_head + 1) % it->flight_cap;
	if (--it->f_count == 0)
		it->f_head = 0;
}

/* ---- the client's list of running transfers ---- */

static void link_running(bt_flight *f)
{
	billtap_client *c = f->iter->client;
	f->prev = NULL;
	f->next = c->running;
	if (c->running)
		c->running->prev = f;
	c->running = f;
}

static void unlink_running(bt_flight *f)
{
	billtap_client *c = f->iter->client;
	if (f->prev)
		f->prev->next = f->next;
	else if (c->running == f)
		c->running = f->next;
	if (f->next)
		f->next->prev = f->prev;
	f->prev = f->next = NULL;
}

static void abort_transfer(bt_flight *f)
{
	if (f->state != BT_FLIGHT_RUNNING)
		return;
	billtap_client *c = f->iter->client;
	unlink_running(f);
	c->transport.abort(f->transfer, c->transport_payload);
	f->transfer = NULL;
	f->state = BT_FLIGHT_PENDING;
}

void bt_flights_drop_behind_head(billtap_iter *it)
{
	while (it->f_count > 1) {
		abort_transfer(bt_flight_tail(it));
		it->f_count--;
	}
}

void bt_flights_drop_all(billtap_iter *it)
{
	bt_flights_drop_behind_head(it);
	if (it->f_count)
		abort_transfer(bt_flight_head(it));
	it->f_count = 0;
	it->f_head = 0;
}

void bt_flights_rewind(billtap_iter *it)
{
	for (size_t i = 0; i < it->f_count; i++) {
		bt_flight *f = at(it, i);
		if (f->local)
			continue;
		abort_transfer(f);
		f->state = BT_FLIGHT_PENDING;
		f->attempt = 0;
		f->send_at = 0;
		f->refused_wait_ms = 0;
		f->paced = 0; /* a reserved token is given up: the next send takes a new one */
	}
}

void bt_flights_forget_transfers(billtap_iter *it)
{
	for (size_t i = 0; i < it->f_count; i++) {
		bt_flight *f = at(it, i);
		if (f->state != BT_FLIGHT_RUNNING)
			continue;
		/* The client's list was emptied already (bt_fork_check_client). */
		f->prev = f->next = NULL;
		f->transfer = NULL;
		f->state = BT_FLIGHT_PENDING;
		f->attempt = 0;
		f->send_at = 0;
	}
}

void bt_flights_free(billtap_iter *it)
{
	if (!it->flights)
		return;
	bt_flights_rewind(it);
	for (size_t i = 0; i < it->flight_cap; i++) {
		bt_request_free(&it->flights[i].req);
		bt_response_free(&it->flights[i].resp);
		bt_buf_free(&it->flights[i].error_msg);
	}
	free(it->flights);
	it->flights = NULL;
	it->f_count = 0;
}

/* ---- driving the transport ---- */

static void start(bt_flight *f)
{
	billtap_iter *it = f->iter;
	billtap_client *c = it->client;
	void *transfer = NULL;
	bt_response_reset(&f->resp);
	it->requests++;
	bt_secrets_note_request(c, &f->req); /* before any event could show them */
	bt_log_request(f);
	int rc = c->transport.start(&transfer, &f->resp, &f->req, &it->settings.transfer,
	                            c->transport_payload);
	if (rc == 0 && !transfer) {
		billtap_response_set_error(&f->resp, "transport started a transfer it did not name");
		rc = BILLTAP_ETRANSPORT;
	}
	if (rc < 0) {
		bt_transfer_outcome(f, rc);
		return;
	}
	f->transfer = transfer;
	f->state = BT_FLIGHT_RUNNING;
	link_running(f);
}

static int head_answered(billtap_iter *it)
{
	bt_flight_state s = bt_flight_head(it)->state;
	return s == BT_FLIGHT_DONE || s == BT_FLIGHT_FAILED;
}

int bt_flights_cancel(billtap_iter *it)
{
	for (size_t i = 0; i < it->f_count; i++)
		abort_transfer(at(it, i));
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
}

/* One blocking perform at a time: the ring holds a single flight. */
static int drive_serial(billtap_iter *it)
{
	billtap_client *c = it->client;
	bt_flight *f = bt_flight_head(it);
	while (!head_answered(it)) {
		if (atomic_load(&it->link.cancel))
			return bt_flights_cancel(it);
		int64_t wait = f->send_at - bt_monotonic_ms();
		if (wait > 0 && bt_nap(it, wait) < 0)
			continue; /* canceled: said above */
		if (bt_pacing_hold(f, bt_monotonic_ms()))
			continue; /* its turn comes at send_at */
		bt_response_reset(&f->resp);
		it->requests++;
		bt_secrets_note_request(c, &f->req);
		bt_log_request(f);
		int rc = c->transport.perform(&f->resp, &f->req, &it->settings.transfer,
		                              c->transport_payload);
		if (atomic_load(&it->link.cancel))
			return bt_flights_cancel(it);
		bt_transfer_outcome(f, rc);
	}
	return 0;
}

static int transport_broke(billtap_iter *it, int code, const char *what)
{
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	return billtap_ctx_error(&ctx, code, what);
}

/* Starts what is due; returns how many of the iterator's flights run, and in *next_due
 * the earliest time a waiting one is due (INT64_MAX: none). */
static size_t start_due(billtap_iter *it, int64_t *next_due)
{
	int64_t now = bt_monotonic_ms();
	size_t running = 0;
	*next_due = INT64_MAX;
	for (size_t i = 0; i < it->f_count; i++) {
		bt_flight *f = at(it, i);
		if (f->state == BT_FLIGHT_PENDING && f->send_at <= now && !bt_pacing_hold(f, now))
			start(f);
		if (f->state == BT_FLIGHT_PENDING && f->send_at < *next_due)
			*next_due = f->send_at;
		running += f->state == BT_FLIGHT_RUNNING;
	}
	return running;
}

int bt_flights_drive(billtap_iter *it)
{
	billtap_client *c = it->client;
	if (!c->transport.start)
		return drive_serial(it);
	for (;;) {
		if (atomic_load(&it->link.cancel))
			return bt_flights_cancel(it);
		int64_t next_due;
		size_t running = start_due(it, &next_due);
		if (head_answered(it))
			return 0;
		int64_t until_due = next_due == INT64_MAX ? POLL_SLICE_MS : next_due - bt_monotonic_ms();
		if (until_due < 0)
			until_due = 0;
		if (!running) {
			/* Only backoff waits: nothing for the transport to do. */
			bt_nap(it, until_due);
			continue;
		}
		void *done = NULL;
		int result = 0;
		int rc = c->transport.wait(&done, &result,
		                           until_due < POLL_SLICE_MS ? (long)until_due : POLL_SLICE_MS,
		                           c->transport_payload);
		if (rc < 0) {
			bt_flights_rewind(it);
			return transport_broke(it, rc, "waiting for the transport failed");
		}
		if (!done)
			continue;
		bt_flight *f = c->running;
		while (f && f->transfer != done)
			f = f->next;
		if (!f) {
			bt_flights_rewind(it);
			return transport_broke(it, BILLTAP_ETRANSPORT,
			                       "transport's wait named a transfer that is not running");
		}
		unlink_running(f);
		f->transfer = NULL;
		/* Possibly another iterator's: its retry waits until that iterator drives. */
		bt_transfer_outcome(f, result);
	}
}
