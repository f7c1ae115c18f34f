/*
 * The iterator: asks the provider's stream for requests, sends them (transfer.c), hands the
 * responses back, and returns the records the provider pushed, one at a time, keeping the
 * checkpoint of the position after each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core.h"
#include "model/record.h"

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

static int check_required_settings(billtap_client *c)
{
	for (const billtap_setting_def *d = c->provider->settings; d && d->name; d++) {
		if (!(d->flags & BILLTAP_SETTING_REQUIRED))
			continue;
		const char *v = bt_client_setting(c, d->name);
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
	*since = cp.since;
	it->mark = cp.mark;
	it->to_skip = cp.skip;
	it->expect_id = cp.last_id;
	cp.mark = cp.last_id = NULL;
	bt_checkpoint_free(&cp);
	return 0;
}

BILLTAP_EXTERN(int) billtap_iter_new(billtap_iter **out, billtap_client *c,
                                     billtap_resource resource, const billtap_iter_options *opts)
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
	int rc = check_required_settings(c);
	if (rc < 0)
		return rc;

	billtap_iter *it = calloc(1, sizeof *it);
	if (!it)
		return bt_error_set(c, BILLTAP_ENOMEM, NULL);
	it->client = c;
	it->resource = resource;
	bt_request_init(&it->req);
	bt_response_init(&it->resp);
	atomic_init(&it->cancel, 0);
	it->rng = ((uint64_t)(uintptr_t)it ^ (uint64_t)time(NULL) * 0x9E3779B97F4A7C15ULL) | 1;

	if (opts && opts->checkpoint && (rc = apply_checkpoint(it, opts->checkpoint, &since)) < 0)
		goto fail;
	if (since != BILLTAP_TIME_NONE && !(p->since_resources & BILLTAP_RESOURCE_BIT(resource))) {
		rc = bt_error_setf(c, BILLTAP_EUNSUPPORTED, "%s: %s cannot be filtered by time",
		                   p->name, rname);
		goto fail;
	}
	it->since = since;
	if ((rc = bt_client_session_acquire(&it->session, c)) < 0) {
		if (c->err_code != rc)
			bt_error_setf(c, rc, "%s: cannot start a session: %s", p->name, billtap_strerror(rc));
		goto fail;
	}
	billtap_stream_params params = { BILLTAP_STREAM_PARAMS_VERSION, resource, since, it->mark };
	billtap_ctx ctx = { c, resource };
	rc = p->stream_new(&it->stream, it->session->data, &params, &ctx);
	if (rc < 0) {
		if (c->err_code != rc)
			billtap_ctx_error(&ctx, rc, "cannot start the stream");
		goto fail;
	}
	c->live_iters++;
	*out = it;
	return 0;
fail:
	bt_client_session_release(c, it->session);
	free(it->mark);
	free(it->expect_id);
	bt_request_free(&it->req);
	bt_response_free(&it->resp);
	free(it);
	return rc;
}

BILLTAP_EXTERN(void) billtap_iter_free(billtap_iter *it)
{
	if (!it)
		return;
	billtap_client *c = it->client;
	c->provider->stream_free(it->stream);
	bt_client_session_release(c, it->session);
	c->live_iters--;
	billtap_record_free(it->returned);
	bt_queue_free(it);
	bt_request_free(&it->req);
	bt_response_free(&it->resp);
	free(it->mark);
	free(it->last_id);
	free(it->expect_id);
	free(it->broken_msg);
	bt_buf_free(&it->checkpoint);
	free(it);
	if (c->freed && c->live_iters == 0)
		bt_client_destroy(c);
}

BILLTAP_EXTERN(void) billtap_iter_cancel(billtap_iter *it)
{
	if (it)
		atomic_store(&it->cancel, 1);
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

/* One round trip: request from the provider, transfer, response to the provider. */
static int fetch(billtap_iter *it)
{
	const billtap_provider *p = it->client->provider;
	billtap_ctx ctx = { it->client, it->resource };
	bt_request_reset(&it->req);
	int rc = p->stream_request(&it->req, it->stream, &ctx);
	if (rc == BILLTAP_ITEROVER)
		return rc;
	if (rc == BILLTAP_PROVIDER_WAIT)
		return billtap_ctx_error(&ctx, BILLTAP_EUSAGE,
		                         "provider asked to wait with no request in flight");
	if (rc < 0)
		return it->client->err_code == rc ? rc : billtap_ctx_error(&ctx, rc, NULL);
	int local = rc == BILLTAP_PROVIDER_LOCAL;
	if (!local) {
		if (rc != 0 || !it->req.url.len)
			return billtap_ctx_error(&ctx, BILLTAP_EUSAGE,
			                         "provider built no request (or returned an unknown code)");
		if ((rc = bt_transfer(it)) < 0)
			return rc;
	}

	billtap_sink sink = { it, &ctx };
	size_t before = it->q_len;
	rc = local ? p->stream_response(it->stream, NULL, NULL, &sink, &ctx)
	           : p->stream_response(it->stream, &it->req, &it->resp, &sink, &ctx);
	if (rc == BILLTAP_PROVIDER_RETRY) {
		bt_queue_truncate(it, before);
		if (++it->provider_retries > MAX_PROVIDER_RETRIES)
			return billtap_ctx_error(&ctx, BILLTAP_EUSAGE,
			                         "provider asked to resend too many times in a row");
		return 0;
	}
	if (rc < 0) {
		/* Nothing of a failed response reaches the host: the retry re-pushes it all. */
		bt_queue_truncate(it, before);
		if (it->client->err_code != rc)
			billtap_ctx_error(&ctx, rc, NULL);
		if (it->refused_wait_ms) {
			char note[96];
			snprintf(note, sizeof note,
			         " (the service asked to retry after %lld s, longer than billtap waits)",
			         (long long)(it->refused_wait_ms / 1000));
			bt_buf_puts(&it->client->err_message, note);
		}
		return rc;
	}
	it->provider_retries = 0;
	return 0;
}

static void take_mark(billtap_iter *it, char *mark)
{
	free(it->mark);
	it->mark = mark;
	it->skip = 0;
	free(it->last_id);
	it->last_id = NULL;
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
	billtap_ctx ctx = { it->client, it->resource };
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

/* Drops the record at the head of the queue: an earlier process already returned it
 * (resuming from a checkpoint). The last one dropped must be the one the checkpoint names. */
static int drop_resumed(billtap_iter *it)
{
	billtap_record *rec = it->queue[it->q_head].rec;
	if (it->to_skip == 1 && it->expect_id && strcmp(billtap_record_id(rec), it->expect_id))
		return checkpoint_broken(it, billtap_record_id(rec));
	char *id = id_copy(rec);
	if (!id) {
		billtap_ctx ctx = { it->client, it->resource };
		return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
	}
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

BILLTAP_EXTERN(int) billtap_iter_next(const billtap_record **out, billtap_iter *it)
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
	billtap_ctx ctx = { it->client, it->resource };
	for (;;) {
		if (atomic_load(&it->cancel))
			return billtap_ctx_error(&ctx, BILLTAP_ECANCELED, "canceled");
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
			char *id = id_copy(it->queue[it->q_head].rec);
			if (!id)
				return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
			bt_queue_pop(it, &e);
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
			return BILLTAP_ITEROVER;
		}
		int rc = fetch(it);
		if (rc == BILLTAP_ITEROVER)
			it->done = 1;
		else if (rc < 0)
			return rc;
	}
}

BILLTAP_EXTERN(int) billtap_iter_checkpoint(const char **out, billtap_iter *it)
{
	if (out)
		*out = NULL;
	if (!it)
		return BILLTAP_EINVAL;
	bt_error_reset(it->client);
	if (!out)
		return bt_error_set(it->client, BILLTAP_EINVAL, "billtap_iter_checkpoint: out is NULL");
	int rc = bt_checkpoint_encode(it, &it->checkpoint);
	if (rc < 0)
		return bt_error_set(it->client, rc, NULL);
	*out = bt_buf_cstr(&it->checkpoint);
	return 0;
}
