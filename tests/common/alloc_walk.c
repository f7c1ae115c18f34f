/*
 * alloc_walk (alloc_fail.h): one allocation failure at a time over a provider's fixtures.
 * Nothing here allocates while a run is armed except through the library, so every
 * failure lands in the library: the host side keeps what it compares in memory made
 * before arming, and compares each record as it arrives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "testutil.h"

/* How often one run may see an error before it counts as stuck (one allocation fails, so
 * a handful of retries is plenty). */
#define MAX_ERRORS 8

typedef struct walk_route {
	const fixture_route *route;
	int status;
	char *body;
	size_t len;
} walk_route;

typedef struct walk {
	walk_route *routes;
	size_t route_count;
	char **want;      /* the clean run's records (NULL while it runs) */
	size_t want_count;
	char *why;
	size_t cap;
	int to_error; /* the run ends in an error: the clean run's, `final` */
	int final;
	const billtap_iter_options *opts; /* billtap_iter_new's, or NULL */
	int async; /* the transport starts transfers (start/wait/abort) instead of perform */
	struct walk_xfer {
		int used;
		uint64_t started; /* start number: the newest finishes first */
		billtap_response *resp;
		const walk_route *route; /* NULL: no route for the URL */
	} xfers[64];
	uint64_t starts;
	long events; /* log events seen (the second way) */
} walk;

/* The value of query parameter `name` in url, into out; 0 when absent. */
static int query_param(char *out, size_t cap, const char *url, const char *name)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);
	while (q) {
		q++;
		if (strncmp(q, name, n) == 0 && q[n] == '=') {
			const char *v = q + n + 1;
			size_t len = strcspn(v, "&");
			snprintf(out, cap, "%.*s", (int)len, v);
			return 1;
		}
		q = strchr(q, '&');
	}
	return 0;
}

/* The route answering url, or NULL. */
static const walk_route *route_for(const walk *w, const char *url)
{
	for (size_t i = 0; i < w->route_count; i++) {
		const fixture_route *r = w->routes[i].route;
		char value[256];
		if (!strstr(url, r->url_has))
			continue;
		if (r->param) {
			int has = query_param(value, sizeof value, url, r->param);
			if (r->value ? !has || strcmp(value, r->value) : has)
				continue;
		}
		return &w->routes[i];
	}
	return NULL;
}

/* Answers resp from route r; out of memory storing the body is the transport's ENOMEM. */
static int answer(billtap_response *resp, const walk_route *r)
{
	if (!r) {
		billtap_response_set_error(resp, "no fixture route for this URL");
		return BILLTAP_ENETWORK;
	}
	int rc = billtap_response_set_status(resp, r->status);
	if (rc == 0)
		rc = billtap_response_append_body(resp, r->body, r->len);
	return rc;
}

static int routed_perform(billtap_response *resp, const billtap_request *req,
                          const billtap_transfer_options *opts, void *payload)
{
	(void)opts;
	return answer(resp, route_for(payload, billtap_request_url(req)));
}

/* The async transport: transfers wait in fixed slots (nothing allocated here) and finish
 * newest first, so answers come back out of order. */
static int routed_start(void **transfer, billtap_response *resp, const billtap_request *req,
                        const billtap_transfer_options *opts, void *payload)
{
	(void)opts;
	walk *w = payload;
	for (size_t i = 0; i < sizeof w->xfers / sizeof w->xfers[0]; i++) {
		if (w->xfers[i].used)
			continue;
		w->xfers[i] = (struct walk_xfer){ 1, ++w->starts, resp,
			                          route_for(w, billtap_request_url(req)) };
		*transfer = &w->xfers[i];
		return 0;
	}
	abort(); /* more than 64 transfers at once: raise the slots */
}

static int routed_wait(void **done, int *result, long timeout_ms, void *payload)
{
	(void)timeout_ms;
	walk *w = payload;
	struct walk_xfer *x = NULL;
	*done = NULL;
	*result = 0;
	for (size_t i = 0; i < sizeof w->xfers / sizeof w->xfers[0]; i++)
		if (w->xfers[i].used && (!x || w->xfers[i].started > x->started))
			x = &w->xfers[i];
	if (!x)
		return 0;
	x->used = 0;
	*result = answer(x->resp, x->route);
	*done = x;
	return 0;
}

static void routed_abort(void *transfer, void *payload)
{
	(void)payload;
	((struct walk_xfer *)transfer)->used = 0;
}

static void use_transport(billtap_transport *t, const walk *w)
{
	t->perform = routed_perform;
	if (w->async) {
		t->start = routed_start;
		t->wait = routed_wait;
		t->abort = routed_abort;
	}
}

static long walk_routes(size_t *records, int *final, const char *provider,
                        const char *const *settings, billtap_resource resource,
                        const billtap_iter_options *opts, int from_token, int async,
                        const fixture_route *routes, const int *statuses, size_t route_count,
                        char *why, size_t cap);

/* A log callback that allocates nothing. */
static void count_event(const billtap_log_event *event, void *payload)
{
	(void)event;
	(*(long *)payload)++;
}

/* One run, failing allocation fail_at (0: none, only counting); fail_at < 0: not armed,
 * and the records are kept in w as the ones every other run must return. Returns 0, or 1
 * with why. */
static int run(walk *w, const char *provider, const char *const *settings,
               billtap_resource resource, long fail_at, size_t *records)
{
	billtap_transport t = BILLTAP_TRANSPORT_INIT;
	use_transport(&t, w);
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &t;
	opts.transport_payload = w;
	billtap_client *c = NULL;
	billtap_iter *it = NULL;
	int errors = 0, rc, bad = 0;
	memset(w->xfers, 0, sizeof w->xfers);
	*records = 0;
	if (fail_at >= 0)
		alloc_fail_arm(fail_at);
	while ((rc = scripted_client_new(&c, provider, &opts)) < 0 && ++errors < MAX_ERRORS)
		;
	/* The log as well (the second way): every event built, redacted and handed out under
	 * the same failures. */
	if (rc == 0 && w->async)
		rc = billtap_client_set_log(c, count_event, BILLTAP_LOG_DEBUG, &w->events);
	for (size_t i = 0; rc == 0 && settings[i]; i += 2)
		while ((rc = billtap_client_set(c, settings[i], settings[i + 1])) < 0 &&
		       ++errors < MAX_ERRORS)
			;
	if (rc == 0)
		while ((rc = billtap_iter_new(&it, c, resource, w->opts)) < 0 && ++errors < MAX_ERRORS)
			;
	while (rc == 0 && errors < MAX_ERRORS) {
		const billtap_record *r;
		int next = billtap_iter_next(&r, it);
		if (next == BILLTAP_ITEROVER) {
			if (w->to_error) {
				snprintf(w->why, w->cap, "the run ended after %zu records without an error",
				         *records);
				bad = 1;
			}
			break;
		}
		if (next < 0 && next != BILLTAP_ENOMEM && w->to_error) {
			if (fail_at < 0)
				w->final = next; /* the clean run's end */
			if (fail_at < 0 || next == w->final)
				break;
		}
		if (next < 0) {
			errors++;
			if (errors == MAX_ERRORS || next != BILLTAP_ENOMEM) {
				snprintf(w->why, w->cap, "error %d after %zu records: %s", next, *records,
				         billtap_client_error_message(c));
				bad = 1;
				break;
			}
			continue; /* the promise under test: calling _next again retries */
		}
		size_t len;
		const char *json = billtap_record_json(r, &len);
		if (!json) /* built on first use: out of memory; asking again builds it */
			json = billtap_record_json(r, &len);
		if (!json) {
			snprintf(w->why, w->cap, "billtap_record_json failed twice");
			bad = 1;
			break;
		}
		if (fail_at < 0) {
			char **grown = realloc(w->want, (w->want_count + 1) * sizeof *grown);
			if (!grown || !(grown[w->want_count] = strdup(json)))
				abort();
			w->want = grown;
			w->want_count++;
		} else if (*records >= w->want_count || strcmp(json, w->want[*records])) {
			snprintf(w->why, w->cap, "record %zu is %.200s, want %.200s", *records, json,
			         *records < w->want_count ? w->want[*records] : "(none)");
			bad = 1;
			break;
		}
		(*records)++;
	}
	if (!bad && rc < 0) {
		snprintf(w->why, w->cap, "setup kept failing: %d", rc);
		bad = 1;
	}
	if (!bad && errors >= MAX_ERRORS) {
		snprintf(w->why, w->cap, "%d errors in one run", errors);
		bad = 1;
	}
	if (!bad && fail_at >= 0 && *records != w->want_count) {
		snprintf(w->why, w->cap, "%zu records, want %zu", *records, w->want_count);
		bad = 1;
	}
	billtap_iter_free(it);
	billtap_client_free(c);
	alloc_fail_disarm();
	return bad;
}

/* The sync token an incremental pass over w's routes ends with (unarmed), or NULL with
 * why. */
static char *sync_token_of(walk *w, const char *provider, const char *const *settings,
                           billtap_resource resource)
{
	billtap_transport t = BILLTAP_TRANSPORT_INIT;
	use_transport(&t, w);
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &t;
	opts.transport_payload = w;
	billtap_iter_options io = BILLTAP_ITER_OPTIONS_INIT;
	io.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_client *c = NULL;
	billtap_iter *it = NULL;
	const billtap_record *r;
	const char *token = NULL;
	char *copy = NULL;
	int rc = scripted_client_new(&c, provider, &opts);
	for (size_t i = 0; rc == 0 && settings[i]; i += 2)
		rc = billtap_client_set(c, settings[i], settings[i + 1]);
	if (rc == 0)
		rc = billtap_iter_new(&it, c, resource, &io);
	while (rc == 0 && (rc = billtap_iter_next(&r, it)) == 0)
		;
	if (rc == BILLTAP_ITEROVER && billtap_iter_sync_token(&token, it) == 0)
		copy = strdup(token);
	else
		snprintf(w->why, w->cap, "the pass for a sync token failed: %d %s", rc,
		         billtap_client_error_message(c));
	billtap_iter_free(it);
	billtap_client_free(c);
	return copy;
}

static long walk_all(size_t *records, int *final, const char *provider,
                     const char *const *settings, billtap_resource resource,
                     const billtap_iter_options *opts, const fixture_route *routes,
                     const int *statuses, size_t route_count, char *why, size_t cap)
{
	return walk_routes(records, final, provider, settings, resource, opts, 0, 0, routes,
	                   statuses, route_count, why, cap);
}

static long walk_routes(size_t *records, int *final, const char *provider,
                        const char *const *settings, billtap_resource resource,
                        const billtap_iter_options *opts, int from_token, int async,
                        const fixture_route *routes, const int *statuses, size_t route_count,
                        char *why, size_t cap)
{
	walk w = { .routes = calloc(route_count, sizeof *w.routes), .route_count = route_count,
		   .why = why, .cap = cap, .to_error = final != NULL, .opts = opts, .async = async };
	if (!w.routes)
		abort();
	for (size_t i = 0; i < route_count; i++) {
		w.routes[i].route = &routes[i];
		w.routes[i].status = statuses && statuses[i] ? statuses[i] : 200;
		w.routes[i].body = load_fixture(routes[i].fixture, &w.routes[i].len);
	}
	size_t got;
	long total = -1;
	billtap_iter_options with_token;
	char *token = NULL;
	if (from_token) {
		with_token = *opts;
		w.opts = &with_token;
		with_token.checkpoint = token = sync_token_of(&w, provider, settings, resource);
	}
	/* The truth, unarmed; then the same run counting its allocations; then each one failed. */
	if ((!from_token || token) && run(&w, provider, settings, resource, -1, &got) == 0 &&
	    run(&w, provider, settings, resource, 0, &got) == 0) {
		total = alloc_fail_count();
		for (long n = 1; n <= total; n++) {
			if (run(&w, provider, settings, resource, n, &got) != 0) {
				size_t len = strlen(why);
				snprintf(why + len, cap - len, " (allocation %ld of %ld failed)", n, total);
				total = -1;
				break;
			}
		}
	}
	*records = w.want_count;
	if (final)
		*final = w.final;
	for (size_t i = 0; i < w.want_count; i++)
		free(w.want[i]);
	free(w.want);
	for (size_t i = 0; i < route_count; i++)
		free(w.routes[i].body);
	free(w.routes);
	free(token);
	return total;
}

long alloc_walk(size_t *records, const char *provider, const char *const *settings,
                billtap_resource resource, const fixture_route *routes, size_t route_count,
                char *why, size_t cap)
{
	return walk_all(records, NULL, provider, settings, resource, NULL, routes, NULL, route_count,
	                why, cap);
}

long alloc_walk_opts(size_t *records, const char *provider, const char *const *settings,
                     billtap_resource resource, const billtap_iter_options *opts,
                     const fixture_route *routes, const int *statuses, size_t route_count,
                     char *why, size_t cap)
{
	return walk_all(records, NULL, provider, settings, resource, opts, routes, statuses,
	                route_count, why, cap);
}

long alloc_walk_to_error(size_t *records, int *final, const char *provider,
                         const char *const *settings, billtap_resource resource,
                         const fixture_route *routes, const int *statuses,
                         size_t route_count, char *why, size_t cap)
{
	return walk_all(records, final, provider, settings, resource, NULL, routes, statuses,
	                route_count, why, cap);
}

/* ---- alloc_walk_tcase(): every provider's walks as one Check case ---- */

/* The entries of every spec handed to alloc_walk_tcase(), flat, so that one loop test
 * numbers them all (test-runner state: set while the suites are built, before any runs). */
#define MAX_WALKS 512
static struct {
	const alloc_walk_spec *spec;
	const alloc_walk_case *c;
} walks[MAX_WALKS];
static size_t walk_count;

/* Entry _i / 2, through a transport that performs one request at a time (_i even) or one
 * that starts transfers and finishes them out of order (_i odd: prefetch, and a concurrent
 * provider's requests in flight). */
START_TEST(walk_entry)
{
	const alloc_walk_spec *spec = walks[_i / 2].spec;
	const alloc_walk_case *c = walks[_i / 2].c;
	int async = _i % 2;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = c->flags;
	o.checkpoint = c->checkpoint;
	char why[1024] = "";
	size_t records = 0;
	int final = 0;
	long n = walk_routes(&records, c->error ? &final : NULL, spec->provider, spec->settings,
	                     c->resource, &o, c->from_token, async, c->routes, c->statuses,
	                     c->route_count, why, sizeof why);
	const char *how = async ? "transfers started" : "one at a time";
	ck_assert_msg(n > 0, "%s, %s (%s): %s", spec->provider, c->what, how, why);
	ck_assert_msg(records == c->records, "%s, %s (%s): the clean run returned %zu records, want %zu",
	              spec->provider, c->what, how, records, c->records);
	if (c->error)
		ck_assert_msg(final == c->error, "%s, %s (%s): the clean run ended in %d, want %d",
		              spec->provider, c->what, how, final, c->error);
}
END_TEST

TCase *alloc_walk_tcase(const alloc_walk_spec *spec)
{
	size_t first = walk_count;
	if (walk_count + spec->count > MAX_WALKS)
		abort(); /* raise MAX_WALKS */
	for (size_t i = 0; i < spec->count; i++) {
		walks[walk_count].spec = spec;
		walks[walk_count++].c = &spec->cases[i];
	}
	TCase *tc = tcase_create("alloc-walk");
	/* one extraction per allocation it makes: seconds, more under valgrind */
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, walk_entry, (int)first * 2, (int)walk_count * 2);
	return tc;
}
