/*
 * Allocation failure injection for white-box tests. The unit-test runner is linked with
 * -Wl,--wrap for malloc, calloc, realloc, strdup and strndup (tests/meson.build), so every
 * allocation made by the library's objects (and the test's own) goes through
 * tests/common/alloc_fail.c; libc and libcurl are not wrapped. Counting and failing apply
 * to the thread that armed them only (a test's server thread is never failed).
 */
#ifndef BILLTAP_TESTS_ALLOC_FAIL_H
#define BILLTAP_TESTS_ALLOC_FAIL_H

#include <billtap.h>
#include <check.h>
#include <stddef.h>

/* From now on, in this thread: count allocations, and fail the nth one (once; n >= 1), or
 * none when n is 0. */
void alloc_fail_arm(long n);
/* Stops counting and failing. */
void alloc_fail_disarm(void);
/* Allocations counted since alloc_fail_arm(), and whether the nth one was failed. */
long alloc_fail_count(void);
int alloc_fail_fired(void);

/*
 * The walk every provider's unit suite can run over its fixtures: a request is answered
 * (HTTP 200) with the fixture of the first route whose url_has is in its URL and whose
 * query parameter `param` has `value` (value NULL: the parameter is absent; param NULL:
 * any query).
 */
typedef struct fixture_route {
	const char *url_has;
	const char *param, *value;
	const char *fixture; /* "PROVIDER/FILE", see load_fixture() */
} fixture_route;

/*
 * Lists `resource` of `provider` (settings: "key", "value" pairs, NULL-terminated) over
 * the routes once cleanly, then once for every allocation that run made, failing that one
 * allocation: the host's answer to every failure is to call the same function again
 * (billtap_client_new, billtap_client_set, billtap_iter_new, billtap_iter_next,
 * billtap_record_json), never to start over, as billtap.h promises it may. Every run must
 * return exactly the clean run's records, each once. Returns how many allocations the clean
 * run made (> 0) with *records its record count, or -1 with why[0..cap) saying which
 * allocation broke what.
 */
long alloc_walk(size_t *records, const char *provider, const char *const *settings,
                billtap_resource resource, const fixture_route *routes, size_t route_count,
                char *why, size_t cap);

/* alloc_walk() with iterator options (an incremental pass, a sync token as checkpoint)
 * and statuses[i] the HTTP status route i answers with (0 or statuses NULL: 200). */
long alloc_walk_opts(size_t *records, const char *provider, const char *const *settings,
                     billtap_resource resource, const billtap_iter_options *opts,
                     const fixture_route *routes, const int *statuses, size_t route_count,
                     char *why, size_t cap);

/*
 * The same walk over an extraction that ends in an error (an answer that is an error, a
 * record that does not map): every run, one allocation failed and each failed call
 * retried, must return the clean run's records and then its error, *final (neither
 * BILLTAP_ENOMEM nor BILLTAP_ITEROVER). So the error paths are taken with everything a
 * real run holds at that point, and a sanitizer or valgrind sees what they leak.
 * statuses[i] is the HTTP status route i answers with (0: 200).
 */
long alloc_walk_to_error(size_t *records, int *final, const char *provider,
                         const char *const *settings, billtap_resource resource,
                         const fixture_route *routes, const int *statuses,
                         size_t route_count, char *why, size_t cap);

/*
 * A provider's walks as a table, run by one line in its unit suite:
 *
 *   suite_add_tcase(s, alloc_walk_tcase(&NAME_walks));
 *
 * adds the Check case "alloc-walk" with two tests per entry, one through a transport that
 * performs one request at a time and one through a transport that starts transfers and
 * finishes the newest first, with a log callback at debug level (prefetch; a concurrent
 * provider's requests in flight; every log event): the
 * extraction run by
 * alloc_walk() (error 0) or alloc_walk_to_error() (error: the error the clean run ends
 * in), with the entry's iterator flags and checkpoint (or, from_token, the sync token of
 * a pass over the same routes run first), and the clean run's record count checked. An entry names what it walks so that a failure says which.
 */
typedef struct alloc_walk_case {
	const char *what;
	billtap_resource resource;
	const fixture_route *routes;
	size_t route_count;
	const int *statuses;    /* the HTTP status of each route (NULL, or 0: 200) */
	unsigned flags;         /* billtap_iter_options.flags */
	const char *checkpoint; /* billtap_iter_options.checkpoint, or NULL */
	int from_token;         /* 1: the checkpoint is the sync token an incremental pass over
	                         * the same routes ends with (a pass of changes) */
	size_t records;         /* records the clean run returns */
	int error;              /* 0: the run ends; else the error it ends in */
} alloc_walk_case;

typedef struct alloc_walk_spec {
	const char *provider;
	const char *const *settings; /* "key", "value" pairs, NULL-terminated */
	const alloc_walk_case *cases;
	size_t count;
} alloc_walk_spec;

/* Routes of a static table, for an alloc_walk_case: ALLOC_ROUTES(table). */
#define ALLOC_ROUTES(table) table, sizeof table / sizeof table[0]

/* The Check case running every entry of spec (kept: spec must outlive the run). */
TCase *alloc_walk_tcase(const alloc_walk_spec *spec);

#endif
