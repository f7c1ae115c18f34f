/* Helpers shared by the test suites. */
#ifndef BILLTAP_TESTS_TESTUTIL_H
#define BILLTAP_TESTS_TESTUTIL_H

#include <billtap/provider.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#include "scripted_client.h"

/* 1 when the two JSON texts are equal as JSON values (object member order ignored,
 * numbers compared by exact lexeme), else 0; on inequality a description goes to why. */
int json_equal(const char *a, size_t alen, const char *b, size_t blen, char *why, size_t cap);

/* Iterates `res` to the end (opts may be NULL), comparing each record's normalized JSON
 * with want[0..n) in order, as JSON values; fails the test on any difference. */
void expect_records(billtap_client *c, billtap_resource res, const billtap_iter_options *opts,
                    const char *const *want, size_t n);

/* A scripted transport: each perform() answers with the next step and records the request. */
#define FAKE_MAX_STEPS 64
#define FAKE_MAX_CALLS 256

typedef struct fake_step {
	int status;              /* 0: fail the transfer with `error` */
	int error;               /* BILLTAP_ENETWORK etc. when status is 0 */
	const char *headers;     /* "Name: value\n..." or NULL */
	const char *body;        /* NUL-terminated, or NULL */
	char *owned_body;        /* freed by fake_reset */
} fake_step;

typedef struct fake_transport {
	fake_step steps[FAKE_MAX_STEPS];
	size_t step_count, next;
	char *urls[FAKE_MAX_CALLS];
	char *headers[FAKE_MAX_CALLS]; /* every header sent, "Name: value\n" each */
	size_t calls;
	char *scratch;                 /* the last fake_header() answer */
	/* The transfer options of the last perform, copied. */
	long timeout_ms, connect_timeout_ms;
	char *user_agent, *ca_file, *ca_path;
	int saw_cancel; /* a blocking step saw billtap_transfer_canceled() */
	atomic_int blocking; /* a blocking step is waiting for the cancel */
} fake_transport;

extern const billtap_transport fake_transport_vtable;

/* A client of `provider` whose requests go to f, retrying after 1 ms. */
billtap_client *fake_client(fake_transport *f, const char *provider);

void fake_add(fake_transport *f, int status, const char *headers, const char *body);
/* Adds a step whose body is fixture NAME, "PROVIDER/FILE" (see load_fixture()). */
void fake_add_fixture(fake_transport *f, int status, const char *headers, const char *name);
void fake_fail(fake_transport *f, int error);
/* A step that blocks, polling billtap_transfer_canceled() as a real transport does, until
 * the iterator is canceled; then it fails with BILLTAP_ECANCELED. */
void fake_block_until_canceled(fake_transport *f);
void fake_reset(fake_transport *f);
/* The value of header `name` (case-insensitive) sent with the call-th request, or NULL.
 * Valid until the next fake_header() or fake_reset(). */
const char *fake_header(fake_transport *f, size_t call, const char *name);

/*
 * A scripted host transport with start/wait/abort: every transfer is answered by a
 * handler when it starts, and finishes, when the engine waits, in the order the transport
 * picks: the last started first, or a seeded random one, so answers arrive out of order.
 */
typedef struct fake_answer {
	int error;               /* a transport failure (BILLTAP_ENETWORK, ...), or 0 */
	int status;
	const char *headers;     /* "Name: value\n..." or NULL */
	char body[8192];
	int hold;                /* waits it sits out before finishing (a slow answer);
	                          * -1: it never finishes, only an abort ends it */
} fake_answer;

/* Answers the nth (0: first) transfer of url. */
typedef void (*fake_handler)(fake_answer *out, const char *url, int nth, void *payload);

typedef enum fake_order { FAKE_LAST_FIRST, FAKE_RANDOM } fake_order;

#define FAKE_ASYNC_SLOTS 70

typedef struct fake_async {
	fake_handler handler;
	void *handler_payload;
	fake_order order;
	uint64_t seed;
	struct fake_xfer {
		int used;
		billtap_response *resp;
		fake_answer answer;
		uint64_t started_at; /* start number, for FAKE_LAST_FIRST */
		long pid;            /* the process that started it: a child ignores its parent's */
		const char *url;
	} xfers[FAKE_ASYNC_SLOTS];
	char *urls[FAKE_MAX_CALLS];  /* every transfer started, in order */
	size_t calls;
	size_t running, max_running, aborted, finished, waits;
	int perform_calls;           /* perform is there for completeness; the engine uses start */
	char *user_agent;            /* of the last start */
	long timeout_ms;
	int freed;                   /* the client called free */
} fake_async;

extern const billtap_transport fake_async_vtable;
/* A client of `provider` on the async fake, retrying after 1 ms. */
billtap_client *fake_async_client(fake_async *f, const char *provider);
/* How many transfers of url were started, and how many of them run now. */
int fake_async_count(const fake_async *f, const char *url);
int fake_async_running(const fake_async *f, const char *url);
void fake_async_reset(fake_async *f);

/* Reads fixture "PROVIDER/FILE" from src/providers/PROVIDER/tests/fixtures/FILE (via
 * $BILLTAP_FIXTURES, the providers folder); aborts the test when missing. */
char *load_fixture(const char *name, size_t *len);

#endif
