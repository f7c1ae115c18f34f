/*
 * fork(): a client or iterator used in a child process never shares a connection or a
 * provider session with its parent. Calls that may touch either look at the process id
 * first (getpid() is cheap next to a request; an atfork handler would need global state).
 *
 * In the child:
 *  - the provider session is marked stale, so iterators created from now on get one of
 *    their own (a cached token is not carried on as if the processes were one client);
 *  - transfers the parent had running are forgotten, never aborted: aborting would act on
 *    the parent's connections;
 *  - an iterator carried over from the parent is renewed before its next request: a new
 *    session (made in the child, from the iterator's own settings) and a new stream on
 *    it, resumed from the iterator's position exactly as a checkpoint would resume it
 *    (the stream holds its session, so a stream cannot move to another session: it is
 *    made again). The requests the parent's stream had asked for are dropped with it; the
 *    records already returned are skipped. An iterator whose stream has finished is left
 *    as it is: its remaining records are queued and it makes no more requests;
 *  - the parent's session and stream are freed in the child when the iterator lets go of
 *    them (only the child's copy of their memory: the parent keeps its own);
 *  - the built-in transport abandons the parent's curl handles by itself and opens new
 *    connections (src/http/curl_transport.c says why it must not clean them up). A host
 *    transport is the host's to make fork-safe (docs/bindings.md).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"

void bt_fork_check_client(billtap_client *c)
{
	pid_t pid = getpid();
	if (c->pid == pid)
		return;
	c->pid = pid;
	c->session_stale = 1;
	c->running = NULL; /* the parent's transfers; each iterator forgets its own */
}

void bt_fork_check_iter(billtap_iter *it)
{
	bt_fork_check_client(it->client);
	pid_t pid = getpid();
	if (it->pid == pid)
		return;
	it->pid = pid;
	bt_flights_forget_transfers(it);
	it->renew = 1;
}

/* The resume point of the host's position: the iterator's mark, and every record after
 * it the host has had or still has to skip (resuming from a checkpoint), the last of them
 * to be `expect` (a copy, or NULL when there is none to skip). */
static int position(uint64_t *skip, char **expect, const billtap_iter *it)
{
	*skip = it->skip + it->to_skip;
	*expect = NULL;
	const char *id = it->to_skip ? it->expect_id : it->last_id;
	if (*skip && id && !(*expect = strdup(id)))
		return BILLTAP_ENOMEM;
	return 0;
}

int bt_fork_renew_iter(billtap_iter *it)
{
	if (!it->renew)
		return 0;
	billtap_client *c = it->client;
	const billtap_provider *p = c->provider;
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	/* Everything new is made before anything old is let go: a failure changes nothing. */
	uint64_t skip;
	char *expect;
	if (position(&skip, &expect, it) < 0)
		return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
	bt_session *session;
	int rc = bt_client_session_acquire(&session, it);
	if (rc < 0) {
		free(expect);
		return rc;
	}
	billtap_stream_params params = { BILLTAP_STREAM_PARAMS_VERSION, it->resource, it->since,
		                         it->mark,
		                         it->incremental ? BILLTAP_STREAM_INCREMENTAL : 0u };
	void *stream;
	uint64_t serial = c->err_serial;
	/* The stream declares its rate again; the iterator keeps the limiter it has. */
	bt_rate declared = { 0, 0 };
	ctx.rate = &declared;
	rc = p->stream_new(&stream, session->data, &params, &ctx);
	if (rc < 0) {
		bt_client_session_release(c, session);
		free(expect);
		return bt_provider_status(&ctx, "stream_new", serial, rc);
	}
	/* The old stream's requests go with it (their transfers were forgotten already), and
	 * the queue is empty: renewal happens only when the iterator needs a request. */
	bt_flights_drop_all(it);
	it->stream_paused = 0;
	it->provider_retries = 0;
	p->stream_free(it->stream);
	bt_client_session_release(c, it->session);
	it->stream = stream;
	it->session = session;
	/* The new stream starts at the mark: what the host already had is skipped again. */
	it->to_skip = skip;
	it->skip = 0;
	free(it->last_id);
	it->last_id = NULL;
	it->has_before = 0; /* the new stream's checkpoints only */
	free(it->expect_id);
	it->expect_id = expect;
	it->renew = 0;
	return 0;
}
