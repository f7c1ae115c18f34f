/* The scripted host transport with start/wait/abort (see testutil.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

static void fill(billtap_response *resp, const fake_answer *a)
{
	billtap_response_set_status(resp, a->status);
	for (const char *h = a->headers; h && *h;) {
		const char *end = strchr(h, '\n');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		const char *colon = memchr(h, ':', len);
		if (colon)
			billtap_response_add_header(resp, h, (size_t)(colon - h), colon + 1,
			                            len - (size_t)(colon - h) - 1);
		h += len + (end ? 1 : 0);
	}
	billtap_response_append_body(resp, a->body, strlen(a->body));
}

int fake_async_count(const fake_async *f, const char *url)
{
	int n = 0;
	for (size_t i = 0; i < f->calls && i < FAKE_MAX_CALLS; i++)
		n += strcmp(f->urls[i], url) == 0;
	return n;
}

int fake_async_running(const fake_async *f, const char *url)
{
	int n = 0;
	for (size_t i = 0; i < FAKE_ASYNC_SLOTS; i++)
		n += f->xfers[i].used && strcmp(f->xfers[i].url, url) == 0;
	return n;
}

static int async_start(void **transfer, billtap_response *resp, const billtap_request *req,
                       const billtap_transfer_options *opts, void *payload)
{
	fake_async *f = payload;
	const char *url = billtap_request_url(req);
	int nth = fake_async_count(f, url);
	ck_assert_uint_lt(f->calls, FAKE_MAX_CALLS);
	f->urls[f->calls++] = strdup(url);
	free(f->user_agent);
	f->user_agent = strdup(opts->user_agent);
	f->timeout_ms = opts->timeout_ms;
	size_t i = 0;
	while (i < FAKE_ASYNC_SLOTS && f->xfers[i].used)
		i++;
	ck_assert_uint_lt(i, FAKE_ASYNC_SLOTS);
	struct fake_xfer *x = &f->xfers[i];
	memset(x, 0, sizeof *x);
	f->handler(&x->answer, url, nth, f->handler_payload);
	x->used = 1;
	x->url = f->urls[f->calls - 1];
	x->pid = (long)getpid();
	x->resp = resp;
	x->started_at = f->calls;
	if (++f->running > f->max_running)
		f->max_running = f->running;
	*transfer = x;
	return 0;
}

static uint64_t next_random(fake_async *f)
{
	f->seed = f->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return f->seed >> 33;
}

static int async_wait(void **done, int *result, long timeout_ms, void *payload)
{
	fake_async *f = payload;
	*done = NULL;
	*result = 0;
	f->waits++;
	struct fake_xfer *ready[FAKE_ASYNC_SLOTS];
	size_t n = 0;
	long pid = (long)getpid();
	for (size_t i = 0; i < FAKE_ASYNC_SLOTS; i++) {
		struct fake_xfer *x = &f->xfers[i];
		/* A fork-safe transport never reports its parent's transfers in a child. */
		if (!x->used || x->pid != pid)
			continue;
		if (x->answer.hold == 0)
			ready[n++] = x;
		else if (x->answer.hold > 0)
			x->answer.hold--;
	}
	if (!n) {
		/* Only held transfers: nothing finishes, as a slow network would not. */
		struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		return 0;
	}
	struct fake_xfer *x = ready[0];
	if (f->order == FAKE_RANDOM) {
		x = ready[next_random(f) % n];
	} else {
		for (size_t i = 1; i < n; i++)
			if (ready[i]->started_at > x->started_at)
				x = ready[i];
	}
	if (x->answer.error) {
		billtap_response_set_error(x->resp, "fake async: scripted failure");
		*result = x->answer.error;
	} else {
		fill(x->resp, &x->answer);
	}
	x->used = 0;
	f->running--;
	f->finished++;
	*done = x;
	return 0;
}

static void async_abort(void *transfer, void *payload)
{
	fake_async *f = payload;
	struct fake_xfer *x = transfer;
	ck_assert(x->used);
	x->used = 0;
	f->running--;
	f->aborted++;
}

static int async_perform(billtap_response *resp, const billtap_request *req,
                         const billtap_transfer_options *opts, void *payload)
{
	fake_async *f = payload;
	f->perform_calls++;
	billtap_response_set_error(resp, "fake async: perform is not used when start exists");
	return BILLTAP_ENETWORK;
}

static void async_free(void *payload)
{
	fake_async *f = payload;
	f->freed++;
}

const billtap_transport fake_async_vtable = { BILLTAP_TRANSPORT_VERSION, async_perform,
	                                       async_free, async_start, async_wait, async_abort };

billtap_client *fake_async_client(fake_async *f, const char *provider)
{
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_async_vtable;
	opts.transport_payload = f;
	billtap_client *c;
	ck_assert_int_eq(scripted_client_new(&c, provider, &opts), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	return c;
}

void fake_async_reset(fake_async *f)
{
	for (size_t i = 0; i < f->calls && i < FAKE_MAX_CALLS; i++)
		free(f->urls[i]);
	free(f->user_agent);
	memset(f, 0, sizeof *f);
}
