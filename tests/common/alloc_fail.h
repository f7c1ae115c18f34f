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

#endif
