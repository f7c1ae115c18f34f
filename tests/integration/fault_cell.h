/*
 * One cell of the fault matrix (fault_matrix.c): a billtap-sandbox with one fault spec, one
 * provider, one resource, extracted through the library and judged against the sandbox's
 * truth files. Runs in a child process of its own, so it may exit on any failure.
 */
#ifndef BILLTAP_TESTS_FAULT_CELL_H
#define BILLTAP_TESTS_FAULT_CELL_H

#include <billtap.h>
#include <stddef.h>

/* What a cell must end with for its fault kind (docs/reliability.md, "How it is tested"). */
typedef enum fm_expect {
	/* Every record exactly once, equal to the truth, no error: 5xx, 429, drop, garbled
	 * 200s, cut bodies (retried by the engine, or for a dropped connection by libcurl). */
	FM_RECOVER,
	/* The same, and the stalled answer was cut short and retried (at least one retry):
	 * waiting the stall out would also end in the truth, but only after the stall. */
	FM_RECOVER_CUT,
	/* Every record exactly once, equal to the truth, no error and no retry: a slow answer
	 * that keeps progressing is never cut by the stall timeout (drip). */
	FM_PROGRESS,
	/* BILLTAP_EDATA naming the request (a loop or totals guard), then a resume from the
	 * checkpoint against a sandbox without the fault gives the rest: the union is the
	 * truth exactly once (repeat, inflate, shrink). */
	FM_GUARD,
	/* No credential the server echoed shows in the error: BILLTAP_EAUTH whose message
	 * holds none, then a resume gives the rest exactly once; or, where the provider
	 * answers a 401 with a new token (PayPal's API), the truth exactly once (echo). */
	FM_NO_SECRET,
	/* Records created during the run: every record of the truth before the insert, each
	 * inserted record at most once, no duplicate, each equal to the truth after it; with
	 * no error, or with BILLTAP_EDATA (a guard saw the totals move) and a resume that
	 * completes the pass (insert). */
	FM_INSERT
} fm_expect;

typedef struct fm_cell {
	const char *provider;      /* "stripe" */
	billtap_resource resource; /* a resource the provider lists */
	char spec[64];             /* the sandbox's --faults value, "badjson@2" */
	unsigned long first, last; /* the requests the fault applies to */
	fm_expect expect;
	const char *setting;       /* an extra client setting "key=value" the kind needs, or NULL */
} fm_cell;

typedef enum fm_verdict {
	FM_PASS = 0,
	FM_FAIL = 1,
	FM_NOT_APPLICABLE = 2 /* the provider's sandbox refuses this fault (no totals to inflate) */
} fm_verdict;

/* Runs one cell; writes one line saying what happened (why it failed, or the counts that
 * show it passed) to detail. Needs $BILLTAP_SANDBOX. */
fm_verdict fm_cell_run(const fm_cell *cell, char *detail, size_t cap);

#endif
