/* Helpers shared by the test suites. */
#ifndef BILLTAP_TESTS_TESTUTIL_H
#define BILLTAP_TESTS_TESTUTIL_H

#include <billtap/provider.h>
#include <stddef.h>

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
} fake_transport;

extern const billtap_transport fake_transport_vtable;

/* A client of `provider` whose requests go to f, retrying after 1 ms. */
billtap_client *fake_client(fake_transport *f, const char *provider);

void fake_add(fake_transport *f, int status, const char *headers, const char *body);
/* Adds a step whose body is the fixture file tests/fixtures/NAME. */
void fake_add_fixture(fake_transport *f, int status, const char *headers, const char *name);
void fake_fail(fake_transport *f, int error);
void fake_reset(fake_transport *f);
/* The value of header `name` (case-insensitive) sent with the call-th request, or NULL.
 * Valid until the next fake_header() or fake_reset(). */
const char *fake_header(fake_transport *f, size_t call, const char *name);

/* Reads fixture "PROVIDER/FILE" from src/providers/PROVIDER/tests/fixtures/FILE (via
 * $BILLTAP_FIXTURES, the providers folder); aborts the test when missing. */
char *load_fixture(const char *name, size_t *len);

#endif
