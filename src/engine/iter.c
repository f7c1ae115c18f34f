/*
 * The iterator: asks the provider's stream for requests, keeps them in flight (inflight.c:
 * several at once for BILLTAP_PROVIDER_CONCURRENT streams), hands the responses back in
 * request order, and returns the records the provider pushed, one at a time, keeping the
 * checkpoint of the position after each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "model/record.h"
#include "registry.h"

/* A provider that keeps asking for a re-send without progress is broken: stop it. */
#define MAX_PROVIDER_RETRIES 5

BILLTAP_EXTERN(int) billtap_iter_options_init(billtap_iter_options *opts, unsigned int version)
{
	if (!opts)
		return BILLTAP_EINVAL;
	if (version == 0 || version > BILLTAP_ITER_OPTIONS_VERSION)
		return BILLTAP_EVERSION;
	billtap_iter_options init = BILLTAP_ITER_OPTIONS_INIT;
	*opts = init;
	opts->version = version;
	return 0;
}

static int check_required_settings(billtap_iter *it)
{
	billtap_client *c = it->client;
	for (const billtap_setting_def *d = c->provider->settings; d && d->name; d++) {
		if (!(d->flags & BILLTAP_SETTING_REQUIRED))
			continue;
		const char *v = bt_settings_get(&it->values, c, d->name);
		if (!v || !*v)
			return bt_error_setf(c, BILLTAP_ESETTING, "%s: setting %s is required",
			                     c->provider->name, d->name);
	}
	return 0;
}

static int apply_checkpoint(billtap_iter *it, const char *token, int64_t *since)
{
	billtap_client *c = it->client;
	bt_checkpoint cp;
	char msg[256];
	int rc = bt_checkpoint_decode(&cp, token, msg, sizeof msg);
	if (rc < 0)
		return bt_error_setf(c, rc, "%s: %s", c->provider->name, msg);
	const char *want = billtap_resource_name(it->resource);
	if (strcmp(cp.provider, c->provider->name) != 0 || strcmp(cp.resource, want) != 0) {
		bt_error_setf(c, BILLTAP_ECHECKPOINT,
		              "%s: %s: checkpoint was made for %s %s", c->provider->name, want,
		              cp.provider, cp.resource);
		bt_checkpoint_free(&cp);
		return BILLTAP_ECHECKPOINT;
	}
	if (*since != BILLTAP_TIME_NONE && *since != cp.since) {
		bt_error_setf(c, BILLTAP_ECHECKPOINT,
		              "%s: %s: checkpoint was made with another `since` filter",
		              c->provider->name, want);
		bt_checkpoint_free(&cp);
		return BILLTAP_ECHECKPOINT;
	}
	if (cp.account && strcmp(cp.account, it->account) != 0) {
		bt_error_setf(c, BILLTAP_ECHECKPOINT,
		              "%s: %s: checkpoint was made for another account or service (its "
		              "fingerprint of base_url and the account settings differs): resume only "
		              "with the settings it was made with",
		              c->provider->name, want);
		bt_checkpoint_free(&cp);
		return BILLTAP_ECHECKPOINT;
	}
	if (it->incremental && !cp.incremental) {
		/* Its provider marks know nothing of a change feed's position at the start. */
		bt_error_setf(c, BILLTAP_ECHECKPOINT,
		              "%s: %s: checkpoint of a pass that is not incremental: finish it "
		              "without BILLTAP_ITER_INCREMENTAL, or start an incremental pass anew",
		              c->provider->name, want);
		bt_checkpoint_free(&cp);
		return BILLTAP_ECHECKPOINT;
	}
	/* The last records returned before the checkpoint count as returned in this pass. */
	for (size_t i = 0; i < cp.recent_count; i++)
		if ((rc = bt_guard_id_seed(&it->guard, cp.recent[i])) < 0) {
			bt_checkpoint_free(&cp);
			return bt_error_set(c, rc, NULL);
		}
	*since = cp.since;
	it->incremental |= cp.incremental;
	it->mark = cp.mark;
	it->to_skip = cp.skip;
	it->expect_id = cp.last_id;
	cp.mark = cp.last_id = NULL;
	bt_checkpoint_free(&cp);
	return 0;
}

static int iter_new(billtap_iter **out, billtap_client *c, billtap_resource resource,
                    const billtap_iter_options *opts)
{
	if (out)
		*out = NULL;
	if (!c)
		return BILLTAP_EINVAL;
	bt_error_reset(c);
	if (!out)
		return bt_error_set(c, BILLTAP_EINVAL, "billtap_iter_new: out is NULL");
	if (opts && (opts->version == 0 || opts->version > BILLTAP_ITER_OPTIONS_VERSION))
		return bt_error_setf(c, BILLTAP_EVERSION, "billtap_iter_options version %u unknown",
		                     opts->version);
	const billtap_provider *p = c->provider;
	const char *rname = billtap_resource_name(resource);
	if (!rname)
		return bt_error_setf(c, BILLTAP_EINVAL, "%s: unknown resource %d", p->name,
		                     (int)resource);
	if (!(p->resources & BILLTAP_RESOURCE_BIT(resource)))
		return bt_error_setf(c, BILLTAP_EUNSUPPORTED, "%s: %s cannot be listed", p->name,
		                     rname);
	int64_t since = opts ? opts->since : BILLTAP_TIME_NONE;
	unsigned flags = opts && opts->version >= 2 ? opts->flags : 0u;
	if (flags & ~BILLTAP_ITER_INCREMENTAL)
		return bt_error_setf(c, BILLTAP_EINVAL, "billtap_iter_options: unknown flags 0x%x",
		                     flags & ~BILLTAP_ITER_INCREMENTAL);
	int rc;

	bt_fork_check_client(c);
	billtap_iter *it = calloc(1, sizeof *it);
	if (!it)
		return bt_error_set(c, BILLTAP_ENOMEM, NULL);
	it->client = c;
	it->resource = resource;
	it->incremental = (flags & BILLTAP_ITER_INCREMENTAL) != 0;
	it->pid = c->pid;
	it->log = c->log;
	atomic_init(&it->link.cancel, 0);
	it->rng = ((uint64_t)(uintptr_t)it ^ (uint64_t)bt_monotonic_ms() * 0x9E3779B97F4A7C15ULL) | 1;
	/* The settings as they are now: everything this iterator does reads this copy. */
	it->settings_generation = c->settings_generation;
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	if ((rc = bt_settings_copy(&it->values, &c->settings)) < 0 ||
	    (rc = bt_iter_settings_read(&it->settings, it)) < 0 || (rc = bt_flights_init(it)) < 0) {
		rc = billtap_ctx_error(&ctx, rc, NULL);
		goto fail;
	}
	if ((rc = check_required_settings(it)) < 0 || (rc = bt_check_insecure_urls(it)) < 0)
		goto fail;
	bt_checkpoint_fingerprint(it->account, c, &it->values);

	if (opts && opts->checkpoint && (rc = apply_checkpoint(it, opts->checkpoint, &since)) < 0)
		goto fail;
	if (since != BILLTAP_TIME_NONE && !(p->since_resources & BILLTAP_RESOURCE_BIT(resource))) {
		rc = bt_error_setf(c, BILLTAP_EUNSUPPORTED, "%s: %s cannot be filtered by time",
		                   p->name, rname);
		goto fail;
	}
	if (it->incremental && bt_provider_sync_method(p, resource) == BILLTAP_SYNC_NONE) {
		rc = bt_error_setf(c, BILLTAP_EUNSUPPORTED, "%s: %s cannot be synced incrementally",
		                   p->name, rname);
		goto fail;
	}
	it->since = since;
	if ((rc = bt_client_session_acquire(&it->session, it)) < 0)
		goto fail;
	billtap_stream_params params = { BILLTAP_STREAM_PARAMS_VERSION, resource, since, it->mark,
		                         it->incremental ? BILLTAP_STREAM_INCREMENTAL : 0u };
	uint64_t serial = c->err_serial;
	ctx.rate = &it->declared;
	rc = p->stream_new(&it->stream, it->session->data, &params, &ctx);
	if (rc < 0) {
		bt_provider_status(&ctx, "stream_new", serial, rc);
		goto fail;
	}
	if ((rc = bt_pacing_choose(it)) < 0) {
		p->stream_free(it->stream);
		goto fail;
	}
	c->live_iters++;
	*out = it;
	return 0;
fail:
	bt_client_session_release(c, it->session);
	bt_flights_free(it);
	bt_iter_settings_free(&it->settings);
	bt_settings_free(&it->values);
	bt_guard_free(&it->guard); /* seeded from the checkpoint */
	free(it->mark);
	free(it->expect_id);
	free(it);
	return rc;
}

BILLTAP_EXTERN(int) billtap_iter_new(billtap_iter **out, billtap_client *c,
                                     billtap_resource resource, const billtap_iter_options *opts)
{
	int rc = iter_new(out, c, resource, opts);
	if (rc < 0 && c)
		bt_log_error(c, NULL, resource, rc);
	return rc;
}

BILLTAP_EXTERN(void) billtap_iter_free(billtap_iter *it)
{
	if (!it)
		return;
	billtap_client *c = it->client;
	bt_fork_check_iter(it); /* a child must not abort its parent's transfers */
	bt_flights_free(it);
	c->provider->stream_free(it->stream);
	bt_client_session_release(c, it->session);
	c->live_iters--;
	billtap_record_free(it->returned);
	bt_queue_free(it);
	bt_iter_settings_free(&it->settings);
	bt_settings_free(&it->values);
	free(it->mark);
	free(it->last_id);
	free(it->before_mark);
	free(it->before_last_id);
	free(it->expect_id);
	free(it->broken_msg);
	bt_guard_free(&it->guard);
	bt_rejects_free(&it->rejects);
	bt_buf_free(&it->checkpoint);
	billtap_limiter_free(it->limiter);
	free(it);
	if (c->freed && c->live_iters == 0)
		bt_client_destroy(c);
}

BILLTAP_EXTERN(void) billtap_iter_cancel(billtap_iter *it)
{
	if (it)
		atomic_store(&it->link.cancel, 1);
}

BILLTAP_EXTERN(int) billtap_iter_stats(uint64_t *requests, uint64_t *retries, uint64_t *records,
                                       const billtap_iter *it)
{
	if (!it)
		return BILLTAP_EINVAL;
	if (requests)
		*requests = it->requests;
	if (retries)
		*retries = it->retries;
	if (records)
		*records = it->records;
	return 0;
}

BILLTAP_EXTERN(int) billtap_iter_metrics_get(billtap_iter_metrics *m, const billtap_iter *it)
{
	if (!m || !it)
		return BILLTAP_EINVAL;
	if (m->version == 0 || m->version > BILLTAP_ITER_METRICS_VERSION)
		return BILLTAP_EVERSION;
	/* Version 1's members; a later version fills its own after them. */
	m->requests = it->requests;
	m->retries = it->retries;
	m->pages = it->pages;
	m->records = it->records;
	m->skipped_records = it->skipped_records;
	m->bytes = it->bytes;
	m->rate_limited = it->rate_limited;
	m->waits = it->waits;
	m->wait_ms = it->wait_ms;
	return 0;
}

static int provider_bug(billtap_ctx *ctx, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, "provider bug: %s", what);
	return billtap_ctx_error(ctx, BILLTAP_EUSAGE, msg);
}

/* Asks the stream for requests until it has none to give now or the ring is full (one
 * request at a time unless the provider is CONCURRENT and the transport can start
 * several). Returns 0, BILLTAP_ITEROVER (the stream is over and nothing is outstanding)
 * or an error. */
static int fill(billtap_iter *it)
{
	billtap_client *c = it->client;
	const billtap_provider *p = c->provider;
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	int concurrent = (p->flags & BILLTAP_PROVIDER_CONCURRENT) != 0;
	while (!it->stream_paused) {
		bt_flight *tail = bt_flight_tail(it);
		if (tail && tail->local)
			return 0; /* its records come first; the stream is asked again after them */
		bt_flight *f = bt_flight_push(it);
		if (!f)
			return 0; /* max_in_flight reached */
		int outstanding = it->f_count > 1;
		uint64_t serial = c->err_serial;
		int rc = p->stream_request(&f->req, it->stream, &ctx);
		int built = rc == 0 && f->req.url.len;
		if (!built && rc != BILLTAP_PROVIDER_LOCAL)
			it->f_count--; /* no request: the slot goes back */
		if (rc < 0)
			return bt_provider_status(&ctx, "stream_request", serial, rc);
		if (rc == BILLTAP_ITEROVER) {
			if (!outstanding)
				return BILLTAP_ITEROVER;
			/* The contract says a concurrent stream waits for its answers before it says
			 * so; saying it early is taken as a WAIT, and asked again later. */
			it->stream_paused = 1;
		} else if (rc == BILLTAP_PROVIDER_WAIT) {
			if (!concurrent)
				return provider_bug(&ctx, "stream_request returned BILLTAP_PROVIDER_WAIT "
				                          "but the provider is not flagged CONCURRENT");
			if (!outstanding)
				return provider_bug(&ctx, "stream_request returned BILLTAP_PROVIDER_WAIT "
				                          "with no request in flight");
			it->stream_paused = 1;
		} else if (rc == BILLTAP_PROVIDER_LOCAL) {
			f->local = 1;
			f->state = BT_FLIGHT_DONE;
		} else if (!built) {
			char what[128];
			snprintf(what, sizeof what, "stream_request returned %d%s", rc,
			         rc == 0 ? " without building a request" : ", which it may not");
			return provider_bug(&ctx, what);
		}
		if (!concurrent)
			return 0;
	}
	return 0;
}

/* Remembers which answer the records just queued came from, for errors about them
 * ("GET /v1/customers (request req_1)"; a long one is cut short). */
static void note_queued_from(billtap_iter *it, const bt_flight *f)
{
	it->queued_from[0] = '\0';
	if (f->local)
		return;
	bt_buf b = BT_BUF_INIT;
	const char *h = it->client->provider->request_id_header;
	const char *rid = h ? billtap_response_header(&f->resp, h) : NULL;
	if (bt_request_describe(&f->req, &b) == 0 && b.len) {
		if (rid) {
			bt_buf_puts(&b, " (request ");
			bt_buf_puts(&b, rid);
			bt_buf_puts(&b, ")");
		}
		snprintf(it->queued_from, sizeof it->queued_from, "%s", bt_buf_cstr(&b));
		for (char *p = it->queued_from; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?'; /* a header is the service's text */
	}
	bt_buf_free(&b);
}

/* Hands the oldest flight's answer to stream_response. */
static int deliver(billtap_iter *it)
{
	billtap_client *c = it->client;
	const billtap_provider *p = c->provider;
	bt_flight *f = bt_flight_head(it);
	char note[96] = "";
	if (f->refused_wait_ms)
		snprintf(note, sizeof note,
		         "the service asked to retry after %lld s, longer than billtap waits",
		         (long long)(f->refused_wait_ms / 1000));
	else if (f->garbled && f->attempt && f->state != BT_FLIGHT_FAILED)
		/* A failed flight's message already counts its retries. */
		snprintf(note, sizeof note, "the same after %d retries", f->attempt);
	billtap_ctx ctx = bt_iter_ctx(it, note[0] ? note : NULL);
	if (f->state == BT_FLIGHT_FAILED) {
		/* No answer after every retry. The requests stay, and the next call sends them
		 * again unchanged: the stream never learns of it, so nothing is asked twice. */
		int code = f->error;
		billtap_ctx_error(&ctx, code, bt_buf_cstr(&f->error_msg));
		bt_flights_rewind(it);
		return code;
	}
	billtap_sink sink = { it, &ctx, f->local ? NULL : &f->req, f->local ? NULL : &f->resp };
	size_t before = it->q_len;
	uint64_t serial = c->err_serial;
	if (!f->local)
		it->pages++;
	int rc = f->local ? p->stream_response(it->stream, NULL, NULL, &sink, &ctx)
	                  : p->stream_response(it->stream, &f->req, &f->resp, &sink, &ctx);
	it->stream_paused = 0;
	if (rc == 0) {
		if (!f->local)
			bt_log_page(it, before);
		if (it->q_len > before)
			note_queued_from(it, f);
		bt_guard_commit(&it->guard);
		bt_rejects_commit(it);
		bt_flight_pop(it);
		it->provider_retries = 0;
		return 0;
	}
	/* Consumed without advancing, or failed: nothing it pushed reaches the host (the
	 * retry pushes it all again), and the requests made after it are dropped, for the
	 * stream asks for them again from where it stands. */
	bt_guard_discard(&it->guard);
	bt_rejects_discard(&it->rejects);
	bt_queue_truncate(it, before);
	bt_flights_drop_behind_head(it);
	bt_flight_pop(it);
	if (rc == BILLTAP_PROVIDER_RETRY) {
		if (++it->provider_retries > MAX_PROVIDER_RETRIES)
			return provider_bug(&ctx, "stream_response asked to resend too many times in a row");
		return 0;
	}
	if (rc > 0) {
		char what[96];
		snprintf(what, sizeof what, "stream_response returned %d, which it may not", rc);
		return provider_bug(&ctx, what);
	}
	return bt_provider_status(&ctx, "stream_response", serial, rc);
}

/* One step: requests out, the oldest answer back to the stream. */
static int fetch(billtap_iter *it)
{
	bt_fork_check_iter(it);
	int rc = bt_fork_renew_iter(it);
	if (rc < 0)
		return rc;
	rc = fill(it);
	if (rc == BILLTAP_ITEROVER)
		return rc;
	if (rc == 0)
		rc = bt_flights_drive(it);
	if (rc < 0) {
		bt_flights_rewind(it); /* nothing stays running while the host decides */
		return rc;
	}
	return deliver(it);
}

/*
 * Prefetch: once a page's records are queued, the stream is asked for what comes next and
 * the transport starts it, so the next page is on its way while the host takes these
 * records (with a transport that can start transfers; a blocking perform cannot). Its
 * answer waits in its flight for the call that needs it. What goes wrong here is left to
 * that call: the stream is asked again then and the error, if it recurs, is returned
 * after the records queued now. The stream's end is noted as fetch() would note it.
 */
static void prefetch(billtap_iter *it)
{
	if (!it->client->transport.start || !it->q_len || it->done)
		return;
	int rc = fill(it);
	if (rc == BILLTAP_ITEROVER)
		it->done = 1;
	else if (rc == 0)
		bt_flights_start(it);
}

static void take_mark(billtap_iter *it, char *mark)
{
	free(it->mark);
	it->mark = mark;
	it->mark_gen++;
	it->skip = 0;
	free(it->last_id);
	it->last_id = NULL;
}

/* A copy of the mark for billtap_iter_checkpoint_before(), made only when the mark changed
 * since the last copy. BILLTAP_ENOMEM leaves everything as it was. */
static int copy_mark_before(billtap_iter *it)
{
	if (it->has_before && it->before_mark_gen == it->mark_gen)
		return 0;
	char *copy = NULL;
	if (it->mark && !(copy = strdup(it->mark)))
		return BILLTAP_ENOMEM;
	free(it->before_mark);
	it->before_mark = copy;
	it->before_mark_gen = it->mark_gen;
	return 0;
}

/* Before a record is returned: the checkpoint as it stands is kept for
 * billtap_iter_checkpoint_before() (the mark by copy_mark_before(), called earlier). */
static void keep_before(billtap_iter *it)
{
	free(it->before_last_id);
	it->before_last_id = it->last_id;
	it->last_id = NULL;
	it->before_skip = it->skip;
	it->has_before = 1;
}

/* Counts a consumed record into the checkpoint; `id` is a copy the iterator takes over. */
static void remember_last(billtap_iter *it, char *id)
{
	free(it->last_id);
	it->last_id = id;
	it->skip++;
}

static char *id_copy(const billtap_record *rec)
{
	const char *id = billtap_record_id(rec);
	return strdup(id ? id : "");
}

/* The checkpoint no longer fits the data: stop for good, keeping the checkpoint as it was
 * given (so resuming from it again reports the same, instead of skipping ahead). */
static int checkpoint_broken(billtap_iter *it, const char *found)
{
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	char msg[512];
	if (found)
		snprintf(msg, sizeof msg,
		         "the data behind the checkpoint changed: expected %s as the last record "
		         "already returned, found %s; resume from an earlier checkpoint or start over",
		         it->expect_id ? it->expect_id : "(unknown)", found);
	else
		snprintf(msg, sizeof msg,
		         "the data behind the checkpoint changed: the stream ended %llu records short "
		         "of the last record already returned (%s); resume from an earlier checkpoint "
		         "or start over",
		         (unsigned long long)it->to_skip, it->expect_id ? it->expect_id : "unknown");
	it->broken = billtap_ctx_error(&ctx, BILLTAP_ECHECKPOINT, msg);
	it->broken_msg = strdup(bt_buf_cstr(&it->client->err_message));
	return it->broken;
}

/* A record arrived twice in one pass: the service repeated data (a page served again, a
 * cursor that went back). Stop for good: the checkpoint stays before it. */
static int duplicate_record(billtap_iter *it, const char *id)
{
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	char msg[460];
	snprintf(msg, sizeof msg,
	         "record %.128s arrived a second time in this pass%s%s%s: the service repeated "
	         "data (a page served again?); resume from the checkpoint",
	         id, it->queued_from[0] ? " (in the answer to " : "", it->queued_from,
	         it->queued_from[0] ? ")" : "");
	it->broken = billtap_ctx_error(&ctx, BILLTAP_EDATA, msg);
	it->broken_msg = strdup(bt_buf_cstr(&it->client->err_message));
	return it->broken;
}

/* 0 for a record not seen in this pass (*hash then names it for bt_guard_id_add), else
 * the error recorded. */
static int check_unique(billtap_iter *it, const billtap_record *rec, uint64_t *hash)
{
	const char *id = billtap_record_id(rec);
	int seen = bt_guard_id_check(&it->guard, id ? id : "", hash);
	if (seen < 0) {
		billtap_ctx ctx = bt_iter_ctx(it, NULL);
		return billtap_ctx_error(&ctx, seen, NULL);
	}
	return seen ? duplicate_record(it, id ? id : "") : 0;
}

/* Drops the record at the head of the queue: an earlier process already returned it
 * (resuming from a checkpoint). The last one dropped must be the one the checkpoint names. */
static int drop_resumed(billtap_iter *it)
{
	billtap_record *rec = it->queue[it->q_head].rec;
	if (it->to_skip == 1 && it->expect_id && strcmp(billtap_record_id(rec), it->expect_id))
		return checkpoint_broken(it, billtap_record_id(rec));
	/* Remembered for the loop guard; a renewed stream (fork.c) drops records this very
	 * iterator returned, so having seen it is no repeat here. */
	uint64_t hash;
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	const char *rid = billtap_record_id(rec);
	int seen = bt_guard_id_check(&it->guard, rid ? rid : "", &hash);
	if (seen < 0)
		return billtap_ctx_error(&ctx, seen, NULL);
	char *id = id_copy(rec);
	if (!id)
		return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
	if (!seen)
		bt_guard_id_add(&it->guard, hash);
	bt_entry e;
	bt_queue_pop(it, &e);
	billtap_record_free(e.rec);
	remember_last(it, id);
	if (--it->to_skip == 0) {
		free(it->expect_id);
		it->expect_id = NULL;
	}
	return 0;
}

static int iter_next(const billtap_record **out, billtap_iter *it)
{
	if (out)
		*out = NULL;
	if (!it)
		return BILLTAP_EINVAL;
	bt_error_reset(it->client);
	if (!out)
		return bt_error_set(it->client, BILLTAP_EINVAL, "billtap_iter_next: out is NULL");
	billtap_record_free(it->returned);
	it->returned = NULL;
	if (it->broken)
		return bt_error_set(it->client, it->broken, it->broken_msg);
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	for (;;) {
		/* The cancel may have come while the head's answer was being handled, with
		 * the flights behind it still running: they are aborted here too. */
		if (atomic_load(&it->link.cancel))
			return bt_flights_cancel(it);
		bt_entry e;
		while (it->q_len) {
			if (bt_queue_peek_mark(it)) {
				bt_queue_pop(it, &e);
				take_mark(it, e.mark);
				continue;
			}
			if (it->to_skip) {
				int rc = drop_resumed(it);
				if (rc < 0)
					return rc;
				continue;
			}
			/* Copy the id before taking the record off the queue: out of memory leaves
			 * the iterator where it was. */
			uint64_t hash;
			int rc = check_unique(it, it->queue[it->q_head].rec, &hash);
			if (rc < 0)
				return rc;
			char *id = id_copy(it->queue[it->q_head].rec);
			if (!id || copy_mark_before(it) < 0) {
				free(id);
				return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
			}
			bt_guard_id_add(&it->guard, hash);
			bt_queue_pop(it, &e);
			keep_before(it);
			remember_last(it, id);
			/* Take marks right behind the record now, so the checkpoint is as tight
			 * as the provider allows. */
			billtap_record *rec = e.rec;
			while (bt_queue_peek_mark(it) && bt_queue_pop(it, &e))
				take_mark(it, e.mark);
			it->returned = rec;
			it->records++;
			*out = it->returned;
			return 0;
		}
		if (it->done) {
			/* Records still to skip at the end: the data shrank under the checkpoint. */
			if (it->to_skip)
				return checkpoint_broken(it, NULL);
			it->over = 1;
			return BILLTAP_ITEROVER;
		}
		int rc = fetch(it);
		if (rc == BILLTAP_ITEROVER)
			it->done = 1;
		else if (rc < 0)
			return rc;
		else
			prefetch(it);
	}
}

BILLTAP_EXTERN(int) billtap_iter_next(const billtap_record **out, billtap_iter *it)
{
	int rc = iter_next(out, it);
	if (rc < 0 && it)
		bt_log_error(it->client, it, it->resource, rc);
	return rc;
}

/* Counts what the loop in iter_next() returns before it would call fetch(): every record
 * queued, less those a resume still drops. Marks cost no wait. */
BILLTAP_EXTERN(size_t) billtap_iter_queued(billtap_iter *it)
{
	if (!it || it->broken || atomic_load(&it->link.cancel))
		return 0;
	size_t records = 0;
	for (size_t i = 0; i < it->q_len; i++)
		records += it->queue[it->q_head + i].rec != NULL;
	return records > it->to_skip ? records - (size_t)it->to_skip : 0;
}

BILLTAP_EXTERN(int) billtap_iter_checkpoint(const char **out, billtap_iter *it)
{
	if (out)
		*out = NULL;
	if (!it)
		return BILLTAP_EINVAL;
	if (!out)
		return bt_error_set(it->client, BILLTAP_EINVAL, "billtap_iter_checkpoint: out is NULL");
	int rc = bt_checkpoint_encode(it, 0, &it->checkpoint);
	if (rc < 0)
		return bt_error_set(it->client, rc, NULL);
	*out = bt_buf_cstr(&it->checkpoint);
	bt_log_checkpoint(it);
	return 0;
}

BILLTAP_EXTERN(int) billtap_iter_checkpoint_before(const char **out, billtap_iter *it)
{
	if (out)
		*out = NULL;
	if (!it)
		return BILLTAP_EINVAL;
	if (!out)
		return bt_error_set(it->client, BILLTAP_EINVAL,
		                    "billtap_iter_checkpoint_before: out is NULL");
	if (!it->has_before)
		return billtap_iter_checkpoint(out, it);
	int rc = bt_checkpoint_encode_before(it, &it->checkpoint);
	if (rc < 0)
		return bt_error_set(it->client, rc, NULL);
	*out = bt_buf_cstr(&it->checkpoint);
	return 0;
}

BILLTAP_EXTERN(int) billtap_iter_sync_token(const char **out, billtap_iter *it)
{
	if (out)
		*out = NULL;
	if (!it)
		return BILLTAP_EINVAL;
	billtap_client *c = it->client;
	const char *p = c->provider->name, *r = billtap_resource_name(it->resource);
	if (!out)
		return bt_error_set(c, BILLTAP_EINVAL, "billtap_iter_sync_token: out is NULL");
	if (!it->incremental)
		return bt_error_setf(c, BILLTAP_ENOTFOUND, "%s: %s: no sync token: the pass is not "
		                     "incremental (BILLTAP_ITER_INCREMENTAL)", p, r);
	if (!it->over)
		return bt_error_setf(c, BILLTAP_ENOTFOUND, "%s: %s: no sync token yet: the pass is "
		                     "not over (billtap_iter_next() has not returned ITEROVER)", p, r);
	/* The next pass starts at the stream's final mark: records after it would be
	 * delivered twice, or a change lost, if the token had to count them. */
	if (!it->mark || it->skip)
		return bt_error_setf(c, BILLTAP_EUSAGE, "%s: %s: provider bug: the incremental "
		                     "stream did not mark after its last record", p, r);
	int rc = bt_checkpoint_encode(it, 1, &it->checkpoint);
	if (rc < 0)
		return bt_error_set(c, rc, NULL);
	*out = bt_buf_cstr(&it->checkpoint);
	return 0;
}
