/*
 * The engine alone, driven through a fake provider (with per-slot call counters) and the
 * scripted transport: paging, checkpoints, retries, rollback, cancel, settings, registry.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "billtap/provider.h"
#include "testutil.h"
#include "util/base64.h"
#include "util/sha256.h"

Suite *engine_suite(void);

/* ---- the fake provider: GET /items?page=N answers {"items":[{"id":..,"created":..}],
 * "next":N|null}; it marks "page:N" before each page's records. ---- */

static struct counters {
	int session_new, session_free, stream_new, stream_request, stream_response, stream_free,
		classify;
	int retry_on_401; /* answer 401 with BILLTAP_PROVIDER_RETRY (a token refresh) */
	int local_batches; /* batches of two records handed over without requests */
	int final_on_503; /* classify 503 as final */
	int64_t now_seen; /* billtap_ctx_now() in the last stream_new */
	int fail_stream_new; /* stream_new fails (recorded ENOMEM) this many times */
	/* What the callbacks read through billtap_ctx_setting*() the last time. */
	char session_token[32], classify_token[32];
	int64_t request_page_size;
} calls;

/* A session names itself in every request (X-Session: SERIAL/PID), so a test sees which
 * session, made in which process, a request was built with. */
typedef struct fake_session {
	int serial;
	long pid;
} fake_session;

typedef struct fake_stream {
	int page, done;
	fake_session *session;
	billtap_json *doc;
} fake_stream;

static void copy_setting(char *dst, size_t cap, billtap_ctx *ctx, const char *key)
{
	const char *v = billtap_ctx_setting(ctx, key);
	snprintf(dst, cap, "%s", v ? v : "(unset)");
}

static const billtap_setting_def fake_settings[] = {
	BILLTAP_SETTING("token", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED |
	                         BILLTAP_SETTING_ACCOUNT, NULL, 0, 0, "secret"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://fake.example", 0, 0, "origin"),
	BILLTAP_SETTING("page_size", BILLTAP_SETTING_INT, "5", 1, 10, "per page"),
	BILLTAP_SETTING("flag", BILLTAP_SETTING_BOOL, "false", 0, 0, "a flag"),
	BILLTAP_SETTINGS_END,
};

static int f_session_new(void **out, billtap_ctx *ctx)
{
	fake_session *s = malloc(sizeof *s);
	if (!s)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->serial = ++calls.session_new;
	s->pid = (long)getpid();
	copy_setting(calls.session_token, sizeof calls.session_token, ctx, "token");
	*out = s;
	return 0;
}

static void f_session_free(void *s)
{
	calls.session_free++;
	free(s);
}

static int f_stream_new(void **out, void *session, const billtap_stream_params *p,
                        billtap_ctx *ctx)
{
	calls.stream_new++;
	calls.now_seen = billtap_ctx_now(ctx);
	if (calls.fail_stream_new) {
		calls.fail_stream_new--;
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	fake_stream *s = calloc(1, sizeof *s);
	s->page = 1;
	s->session = session;
	if (p->resume && sscanf(p->resume, "page:%d", &s->page) != 1) {
		free(s);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not my mark");
	}
	billtap_json_new(&s->doc);
	*out = s;
	return 0;
}

static void f_stream_free(void *p)
{
	fake_stream *s = p;
	calls.stream_free++;
	billtap_json_free(s->doc);
	free(s);
}

static int f_stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	fake_stream *s = p;
	calls.stream_request++;
	if (calls.local_batches)
		return BILLTAP_PROVIDER_LOCAL;
	if (s->done)
		return BILLTAP_ITEROVER;
	char page[16];
	snprintf(page, sizeof page, "%d", s->page);
	billtap_request_set_url(req, billtap_ctx_setting(ctx, "base_url"), "/items");
	billtap_request_add_query(req, "page", page);
	billtap_request_set_bearer(req, billtap_ctx_setting(ctx, "token"));
	char who[64];
	snprintf(who, sizeof who, "%d/%ld", s->session->serial, s->session->pid);
	billtap_request_add_header(req, "X-Session", who);
	/* Recorded when it fails: returned as it is. */
	return billtap_ctx_setting_int(&calls.request_page_size, ctx, "page_size");
}

static int f_stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                             billtap_sink *sink, billtap_ctx *ctx)
{
	fake_stream *s = p;
	calls.stream_response++;
	if (!req) {
		ck_assert_ptr_null(resp);
		for (int i = 0; i < 2; i++) {
			char id[32];
			billtap_record *r;
			snprintf(id, sizeof id, "local%d", calls.local_batches * 10 + i);
			billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER);
			billtap_record_set_str(r, BILLTAP_FIELD_ID, id, strlen(id));
			billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1);
			billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
			billtap_sink_push(sink, r);
		}
		calls.local_batches--;
		return 0;
	}
	int status = billtap_response_status(resp);
	if (status == 401 && calls.retry_on_401) {
		calls.retry_on_401--;
		return BILLTAP_PROVIDER_RETRY;
	}
	if (status != 200)
		return billtap_ctx_http_error(ctx, billtap_http_status_error(status), req, resp,
		                              billtap_response_header(resp, "Request-Id"), "fake_code",
		                              "it failed");
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (billtap_json_parse(s->doc, body, len) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EPARSE, billtap_json_error(s->doc));
	char mark[32];
	snprintf(mark, sizeof mark, "page:%d", s->page);
	billtap_sink_mark(sink, mark);
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref items = billtap_json_get(s->doc, root, "items");
	for (billtap_json_ref it = billtap_json_first(s->doc, items); it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(s->doc, it)) {
		billtap_record *r;
		int64_t created;
		billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER);
		billtap_record_set_json_str(r, BILLTAP_FIELD_ID, s->doc, billtap_json_get(s->doc, it, "id"));
		if (billtap_json_int(&created, s->doc, billtap_json_get(s->doc, it, "created")) == 0)
			billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, created);
		billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
		int rc = billtap_sink_push(sink, r);
		if (rc < 0)
			return rc; /* the engine recorded which field was missing */
	}
	int64_t next;
	if (billtap_json_int(&next, s->doc, billtap_json_get(s->doc, root, "next")) == 0)
		s->page = (int)next;
	else
		s->done = 1;
	return 0;
}

static int f_classify(int *delay, void *session, const billtap_request *req,
                      const billtap_response *resp, billtap_ctx *ctx)
{
	calls.classify++;
	copy_setting(calls.classify_token, sizeof calls.classify_token, ctx, "token");
	if (calls.final_on_503 && billtap_response_status(resp) == 503)
		return BILLTAP_CLASSIFY_FINAL;
	return BILLTAP_CLASSIFY_DEFAULT;
}

static const billtap_provider fake_provider = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "fake",
	.display_name = "Fake",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
	.since_resources = 0,
	.settings = fake_settings,
	.session_new = f_session_new,
	.session_free = f_session_free,
	.stream_new = f_stream_new,
	.stream_request = f_stream_request,
	.stream_response = f_stream_response,
	.stream_free = f_stream_free,
	.classify_response = f_classify,
};

static const char *page1 = "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"c2\",\"created\":2},"
                           "{\"id\":\"c3\",\"created\":3}],\"next\":2}";
static const char *page2 = "{\"items\":[{\"id\":\"c4\",\"created\":4},{\"id\":\"c5\",\"created\":5},"
                           "{\"id\":\"c6\",\"created\":6}],\"next\":3}";
static const char *page3 = "{\"items\":[{\"id\":\"c7\",\"created\":7}],\"next\":null}";

static fake_transport ft;

static int64_t fixed_clock(void *payload)
{
	return *(int64_t *)payload;
}

static void setup(void)
{
	memset(&calls, 0, sizeof calls);
	memset(&ft, 0, sizeof ft);
	int rc = billtap_provider_register(&fake_provider, NULL, NULL, NULL, 0);
	ck_assert(rc == 0 || rc == BILLTAP_EINVAL); /* EINVAL: registered by an earlier test */
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *new_client(void)
{
	billtap_client *c = fake_client(&ft, "fake");
	ck_assert_int_eq(billtap_client_set(c, "token", "tok_secret"), 0);
	return c;
}

/* Collects ids "c1,c2,..." until ITEROVER or an error; returns the final code. */
static int drain(billtap_iter *it, char *ids, size_t cap, int limit)
{
	const billtap_record *r;
	int rc, n = 0;
	ids[0] = '\0';
	while ((limit < 0 || n < limit) && (rc = billtap_iter_next(&r, it)) == 0) {
		if (ids[0])
			strncat(ids, ",", cap - strlen(ids) - 1);
		strncat(ids, billtap_record_id(r), cap - strlen(ids) - 1);
		n++;
	}
	return limit >= 0 && n == limit ? 0 : rc;
}

START_TEST(pages_are_invisible)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(ft.calls, 0); /* nothing is fetched before the first _next */
	char ids[256];
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "c1,c2,c3,c4,c5,c6,c7");
	const billtap_record *r = (const billtap_record *)1;
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(ft.calls, 3);
	ck_assert_str_eq(ft.urls[1], "https://fake.example/items?page=2");
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Bearer tok_secret");
	uint64_t req, retries, recs;
	billtap_iter_stats(&req, &retries, &recs, it);
	ck_assert_uint_eq(req, 3);
	ck_assert_uint_eq(retries, 0);
	ck_assert_uint_eq(recs, 7);
	billtap_iter_free(it);
	ck_assert_int_eq(calls.stream_free, 1);
	billtap_client_free(c);
	ck_assert_int_eq(calls.session_new, 1);
	ck_assert_int_eq(calls.session_free, 1);
}
END_TEST

START_TEST(checkpoint_resumes_exactly)
{
	/* Stop after c5, the second record of page 2: the checkpoint is "page:2, skip 2". */
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, page2); /* the second process re-reads page 2 */
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[256];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	const char *start;
	ck_assert_int_eq(billtap_iter_checkpoint(&start, it), 0);
	ck_assert_int_eq(strncmp(start, "bt1.", 4), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, 5), 0);
	ck_assert_str_eq(ids, "c1,c2,c3,c4,c5");
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);

	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	/* Before any record, the checkpoint is the one it was created from. */
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	ck_assert_str_eq(cp, saved);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "c6,c7");
	ck_assert_str_eq(ft.urls[2], "https://fake.example/items?page=2");
	billtap_iter_free(it);
	free(saved);
	billtap_client_free(c);
}
END_TEST

/* For each record k of the seven on three pages: the checkpoint before it, asked for right
 * after it was returned, resumes to k and everything after it, each once (the record's own
 * id must not be among the recent ids the token gives the duplicate guard). */
START_TEST(checkpoint_before_returns_the_last_record_again)
{
	int k = _i + 1;
	int page_of = k <= 3 ? 1 : k <= 6 ? 2 : 3;
	const char *pages[] = { page1, page2, page3 };
	for (int p = 0; p < page_of; p++)
		fake_add(&ft, 200, NULL, pages[p]);
	for (int p = page_of - 1; p < 3; p++)
		fake_add(&ft, 200, NULL, pages[p]); /* the second process */
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[256], want[256] = "";
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	const char *cp;
	/* Before any record the two agree. */
	ck_assert_int_eq(billtap_iter_checkpoint_before(&cp, it), 0);
	char *start = strdup(cp);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	ck_assert_str_eq(cp, start);
	ck_assert_int_eq(drain(it, ids, sizeof ids, k), 0);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *after = strdup(cp);
	ck_assert_int_eq(billtap_iter_checkpoint_before(&cp, it), 0);
	ck_assert_str_ne(cp, after);
	char *saved = strdup(cp);
	billtap_iter_free(it);

	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	for (int j = k; j <= 7; j++)
		snprintf(want + strlen(want), sizeof want - strlen(want), "%sc%d", j > k ? "," : "", j);
	ck_assert_str_eq(ids, want);
	billtap_iter_free(it);
	free(start);
	free(after);
	free(saved);
	billtap_client_free(c);
}
END_TEST

/* billtap_iter_queued() counts exactly the records the next calls return without a request:
 * none before the first page, the rest of a page after each record, none once it is taken
 * (the next call sends the request), none for a resumed iterator's records it still drops,
 * and none after a cancel. */
START_TEST(queued_counts_what_comes_without_a_request)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page1); /* the two iterators below */
	fake_add(&ft, 200, NULL, page1);
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_uint_eq(billtap_iter_queued(NULL), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_uint_eq(billtap_iter_queued(it), 0);
	const char *want[] = { "c1", "c2", "c3", "c4", "c5", "c6", "c7" };
	const size_t queued_after[] = { 2, 1, 0, 2, 1, 0, 0 };
	const size_t calls_after[] = { 1, 1, 1, 2, 2, 2, 3 };
	for (int i = 0; i < 7; i++) {
		size_t sent = ft.calls;
		size_t queued = billtap_iter_queued(it);
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
		ck_assert_str_eq(billtap_record_id(r), want[i]);
		if (queued)
			ck_assert_uint_eq(ft.calls, sent); /* no request for a queued record */
		ck_assert_uint_eq(billtap_iter_queued(it), queued_after[i]);
		ck_assert_uint_eq(ft.calls, calls_after[i]);
	}
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_uint_eq(billtap_iter_queued(it), 0);
	billtap_iter_free(it);

	/* Resumed after c1: page 1 comes again, c1 is dropped and not counted. */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	ck_assert_uint_eq(billtap_iter_queued(it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "c2");
	ck_assert_uint_eq(billtap_iter_queued(it), 1);
	billtap_iter_cancel(it);
	ck_assert_uint_eq(billtap_iter_queued(it), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	billtap_iter_free(it);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoint_detects_moved_data)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL,
	         "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"cX\",\"created\":2}],\"next\":null}");
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[256];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, 2), 0);
	const char *cp;
	billtap_iter_checkpoint(&cp, it);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "expected c2"));
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECHECKPOINT); /* sticky */
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "expected c2"));
	/* The checkpoint stays the one given: resuming from it again fails again, instead of
	 * skipping the records that moved. */
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	ck_assert_str_eq(cp, saved);
	/* Reading the checkpoint keeps the error's details for the host to report. */
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "expected c2"));
	billtap_iter_free(it);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoint_detects_shrunk_data)
{
	/* Five records taken (c1..c5: page 2, skip 2); page 2 has since lost records. */
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c4\",\"created\":4}],\"next\":null}");
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[256];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, 5), 0);
	const char *cp;
	billtap_iter_checkpoint(&cp, it);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	const billtap_record *r;
	/* Not a quiet end: c5 (and what followed it) cannot be placed any more. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "ended 1 records short"));
	billtap_iter_checkpoint(&cp, it);
	ck_assert_str_eq(cp, saved);
	billtap_iter_free(it);
	free(saved);
	billtap_client_free(c);
}
END_TEST

START_TEST(checkpoint_refuses_foreign_tokens)
{
	billtap_client *c = new_client();
	billtap_iter *it;
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	const char *bad[] = {
		"garbage", "bt1.", "bt1.!!!!", "bt1.e30", /* "{}" */
		/* {"p":"stripe","r":"customers","s":null,"m":null,"k":0,"i":null} */
		"bt1.eyJwIjoic3RyaXBlIiwiciI6ImN1c3RvbWVycyIsInMiOm51bGwsIm0iOm51bGwsImsiOjAsImkiOm51bGx9",
		/* {"p":"fake","r":"customers","s":null,"m":"zzz","k":0,"i":null}: not a fake mark */
		"bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjoienp6IiwiayI6MCwiaSI6bnVsbH0",
		/* The same valid token with a bad "h" (hashes of the last ids returned): */
		"bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsLCJoIjoiMDEyMyJ9", /* "h": a hash of 4 digits */
		"bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsLCJoIjoiMDAwMDAwMDAwMDAwMDAwZyJ9", /* "h": not hex */
		"bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsLCJoIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAifQ", /* "h": 17 hashes */
		"bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsLCJoIjo1fQ", /* "h": not a string */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		opts.checkpoint = bad[i];
		ck_assert_msg(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts) ==
		                      BILLTAP_ECHECKPOINT,
		              "%s accepted", bad[i]);
		ck_assert_ptr_null(it);
		ck_assert_str_ne(billtap_client_error_message(c), "");
	}
	/* A valid token is refused with another `since`, and accepted as it was made. */
	opts.checkpoint = "bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsfQ";
	opts.since = 5;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts),
	                 BILLTAP_ECHECKPOINT);
	opts.since = BILLTAP_TIME_NONE;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	billtap_iter_free(it);
	opts.checkpoint = "bt1.eyJwIjoiZmFrZSIsInIiOiJjdXN0b21lcnMiLCJzIjpudWxsLCJtIjpudWxsLCJrIjowLCJpIjpudWxsLCJoIjoiMDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWYifQ"; /* "h" of 2 hashes */
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(transient_failures_are_retried)
{
	fake_add(&ft, 503, "Request-Id: req_a", "{}");
	fake_fail(&ft, BILLTAP_ENETWORK);
	fake_add(&ft, 429, "Retry-After: 0", "{}");
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "c7");
	uint64_t req, retries;
	billtap_iter_stats(&req, &retries, NULL, it);
	ck_assert_uint_eq(req, 4);
	ck_assert_uint_eq(retries, 3);
	ck_assert_int_eq(calls.stream_response, 1); /* the provider saw only the final answer */
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(retries_run_out)
{
	for (int i = 0; i < 3; i++)
		fake_add(&ft, 502, "Request-Id: req_last", "{}");
	billtap_client *c = new_client();
	billtap_client_set(c, "max_retries", "2");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ESERVER);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "fake: customers: GET /items: HTTP 502 (request req_last): fake_code: it failed");
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_ESERVER);
	ck_assert_int_eq(billtap_client_error_http_status(c), 502);
	ck_assert_str_eq(billtap_client_error_request_id(c), "req_last");
	ck_assert_str_eq(billtap_client_error_provider_code(c), "fake_code");
	ck_assert_uint_eq(ft.calls, 3);
	/* Network failures that never end name the transfer and the count. */
	fake_fail(&ft, BILLTAP_ETIMEOUT);
	fake_fail(&ft, BILLTAP_ETIMEOUT);
	fake_fail(&ft, BILLTAP_ETIMEOUT);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ETIMEOUT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "GET /items: request timed out"));
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "after 2 retries"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(provider_decides_what_is_final)
{
	calls.final_on_503 = 1;
	fake_add(&ft, 503, NULL, "{}");
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ESERVER);
	ck_assert_uint_eq(ft.calls, 1);
	ck_assert_int_eq(calls.classify, 1);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(provider_retry_resends)
{
	calls.retry_on_401 = 1;
	fake_add(&ft, 401, NULL, "{}");
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "c7");
	ck_assert_int_eq(calls.stream_request, 3); /* page, page again, then over */
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(failed_page_leaves_nothing_behind)
{
	const char *broken = "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"c2\"}],\"next\":null}";
	fake_add(&ft, 200, NULL, broken);
	fake_add(&ft, 200, NULL, broken);
	for (int i = 0; i < 5; i++) /* not JSON: retried 4 times (max_retries), then reported */
		fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1}");
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	/* c1 was valid, but the page failed: the host must not get c1 now and again later. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_ptr_null(r);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "fake: customers: customer c2: created_at is missing");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EDATA);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_EPARSE);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "(the same after 4 retries)"));
	ck_assert_uint_eq(ft.calls, 7);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* A 200 that is not the JSON promised (empty, cut, a proxy's page) is retried like a 5xx:
 * the host gets every record once. One that says it is something else is the provider's
 * to judge, at once. */
START_TEST(garbled_answers_are_retried)
{
	fake_add(&ft, 200, NULL, "");
	fake_add(&ft, 200, "Content-Type: application/json\n", "{\"items\":[{\"id\":\"c1\",");
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, "Content-Type: text/html\n", "<html>maintenance</html>");
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, 10), BILLTAP_EPARSE);
	ck_assert_str_eq(ids, "c1,c2,c3");
	uint64_t requests, retries;
	billtap_iter_stats(&requests, &retries, NULL, it);
	ck_assert_uint_eq(retries, 2);
	ck_assert_uint_eq(ft.calls, 4); /* the HTML answer was not retried */
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

/* FIPS 180-4's examples: the fingerprint's hash is SHA-256 itself. */
START_TEST(sha256_matches_the_standard)
{
	static const struct {
		const char *in, *hex;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		bt_sha256 h;
		unsigned char d[32];
		char hex[65];
		bt_sha256_init(&h);
		/* In two pieces, across the block boundary handling. */
		size_t n = strlen(v[i].in);
		bt_sha256_update(&h, v[i].in, n / 3);
		bt_sha256_update(&h, v[i].in + n / 3, n - n / 3);
		bt_sha256_final(&h, d);
		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", d[k]);
		ck_assert_str_eq(hex, v[i].hex);
	}
}
END_TEST

/* A checkpoint resumes only against the account and service it was made with; the token
 * holds neither the secret nor the URL in a readable form. A token without a fingerprint
 * (made by 0.1) is accepted as before. */
START_TEST(checkpoint_is_bound_to_the_account)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page1); /* read again by the resumed iterator */
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *token = strdup(cp);
	billtap_iter_free(it);
	/* Neither the secret nor the URL is in the token's JSON. */
	bt_buf json = BT_BUF_INIT;
	ck_assert_int_eq(bt_base64_decode(&json, token + 4, strlen(token + 4)), 0);
	ck_assert_ptr_null(strstr(bt_buf_cstr(&json), "tok_secret"));
	ck_assert_ptr_null(strstr(bt_buf_cstr(&json), "fake.example"));
	ck_assert_ptr_nonnull(strstr(bt_buf_cstr(&json), "\"a\":\""));

	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = token;
	static const char *const other[][2] = { { "token", "tok_other" },
		                                { "base_url", "https://other.example" } };
	for (int i = 0; i < 2; i++) {
		billtap_client *d = new_client();
		ck_assert_int_eq(billtap_client_set(d, other[i][0], other[i][1]), 0);
		ck_assert_int_eq(billtap_iter_new(&it, d, BILLTAP_RESOURCE_CUSTOMERS, &o),
		                 BILLTAP_ECHECKPOINT);
		ck_assert_ptr_nonnull(strstr(billtap_client_error_message(d), "another account"));
		billtap_client_free(d);
	}
	/* The same settings (a trailing slash on the URL names the same service) resume. */
	billtap_client *same = new_client();
	ck_assert_int_eq(billtap_client_set(same, "base_url", "https://fake.example/"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, same, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	billtap_iter_free(it);
	billtap_client_free(same);

	/* A token of 0.1: the same JSON without "a". */
	char *a = strstr(json.data, ",\"a\":");
	ck_assert_ptr_nonnull(a);
	strcpy(a, "}");
	bt_buf old = BT_BUF_INIT;
	bt_buf_puts(&old, "bt1.");
	ck_assert_int_eq(bt_base64_encode(&old, json.data, strlen(json.data), 1), 0);
	o.checkpoint = bt_buf_cstr(&old);
	billtap_client *d = new_client();
	ck_assert_int_eq(billtap_client_set(d, "token", "tok_other"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, d, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "c2");
	billtap_iter_free(it);
	billtap_client_free(d);
	bt_buf_free(&old);
	bt_buf_free(&json);
	free(token);
	billtap_client_free(c);
}
END_TEST

START_TEST(cancel_stops_and_keeps_checkpoint)
{
	fake_add(&ft, 200, NULL, page1);
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	billtap_iter_cancel(it);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECANCELED);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	ck_assert_int_eq(strncmp(cp, "bt1.", 4), 0);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(records_outlive_iterators_when_copied)
{
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	billtap_record *keep;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_record_dup(&keep, r), 0);
	billtap_iter_free(it);
	billtap_client_free(c);
	ck_assert_str_eq(billtap_record_id(keep), "c7");
	ck_assert_str_eq(billtap_record_json(keep, NULL),
	                 "{\"object\":\"customer\",\"id\":\"c7\",\"email\":null,\"name\":null,"
	                 "\"country\":null,\"created_at\":\"1970-01-01T00:00:07Z\",\"deleted\":false}");
	billtap_record_free(keep);
}
END_TEST

START_TEST(settings_are_checked)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "nope", NULL), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_ptr_null(c);
	billtap_client_options old = BILLTAP_CLIENT_OPTIONS_INIT;
	old.version = 99;
	ck_assert_int_eq(billtap_client_new(&c, "fake", &old), BILLTAP_EVERSION);
	ck_assert_int_eq(billtap_client_options_init(&old, 0), BILLTAP_EVERSION);
	ck_assert_int_eq(billtap_client_options_init(&old, 1), 0);
	ck_assert_int_eq(billtap_client_new(&c, "fake", NULL), 0);
	ck_assert_str_eq(billtap_client_provider(c), "fake");

	ck_assert_int_eq(billtap_client_set(c, "tokn", "x"), BILLTAP_EUNKNOWN_SETTING);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "unknown setting 'tokn'"));
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "token, base_url"));
	ck_assert_int_eq(billtap_client_set(c, "page_size", "11"), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "fake: setting page_size: 11 is out of range 1..10");
	ck_assert_int_eq(billtap_client_set(c, "page_size", "5x"), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "api.example.com"), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "flag", "yes"), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "timeout_ms", "0"), BILLTAP_ESETTING);
	/* A rejected secret is never echoed. */
	ck_assert_int_eq(billtap_client_set(c, "token", "bad\nsecret"), BILLTAP_ESETTING);
	ck_assert_ptr_null(strstr(billtap_client_error_message(c), "secret"));

	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_ESETTING);
	ck_assert_str_eq(billtap_client_error_message(c), "fake: setting token is required");
	billtap_client_set(c, "token", "t");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, NULL), BILLTAP_EUNSUPPORTED);
	ck_assert_str_eq(billtap_client_error_message(c), "fake: plans cannot be listed");
	ck_assert_int_eq(billtap_iter_new(&it, c, (billtap_resource)9, NULL), BILLTAP_EINVAL);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.since = 1700000000;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts),
	                 BILLTAP_EUNSUPPORTED);
	ck_assert_str_eq(billtap_client_error_message(c), "fake: customers cannot be filtered by time");
	opts.version = 7;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), BILLTAP_EVERSION);
	ck_assert_int_eq(billtap_iter_options_init(&opts, BILLTAP_ITER_OPTIONS_VERSION + 1), BILLTAP_EVERSION);
	billtap_client_free(c);
}
END_TEST

START_TEST(registry_checks_vtables)
{
	billtap_provider p = fake_provider;
	char why[256];
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EINVAL);
	ck_assert_str_eq(why, "a provider named fake is already registered");
	p.name = "fake2";
	p.version = 0;
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EVERSION);
	p.version = BILLTAP_PROVIDER_VERSION + 1;
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EVERSION);
	p.version = BILLTAP_PROVIDER_VERSION;
	p.stream_request = NULL;
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EINVAL);
	ck_assert_str_eq(why, "provider fake2 lacks a required slot (stream_new, stream_request, "
	                      "stream_response or stream_free)");
	p = fake_provider;
	p.name = "Bad Name";
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EINVAL);
	const char *names[16];
	size_t n = billtap_provider_names(names, 16);
	ck_assert_uint_ge(n, 2);
	ck_assert_str_eq(names[0], "stripe");
}
END_TEST

START_TEST(session_rebuilt_after_settings_change)
{
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	drain(it, ids, sizeof ids, -1);
	billtap_iter_free(it);
	billtap_client_set(c, "token", "tok_new");
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(calls.session_new, 2);
	ck_assert_int_eq(calls.session_free, 1);
	drain(it, ids, sizeof ids, -1);
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer tok_new");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(local_batches_need_no_request)
{
	calls.local_batches = 2;
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[128];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(ids, "local20,local21,local10,local11,c7");
	ck_assert_uint_eq(ft.calls, 1);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(client_freed_before_its_iterator)
{
	fake_add(&ft, 200, NULL, page1);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	billtap_client_free(c); /* a garbage collector's order: the iterator keeps it alive */
	ck_assert_int_eq(drain(it, ids, sizeof ids, 3), 0);
	ck_assert_str_eq(ids, "c1,c2,c3");
	ck_assert_int_eq(calls.session_free, 0);
	billtap_iter_free(it); /* releases the client too (ASan/valgrind see no leak) */
	ck_assert_int_eq(calls.session_free, 1);
}
END_TEST

START_TEST(each_call_clears_the_last_error)
{
	billtap_client *c = new_client();
	ck_assert_int_eq(billtap_client_set(c, "page_size", "0"), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_ESETTING);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "3"), 0);
	ck_assert_int_eq(billtap_client_error_code(c), 0);
	ck_assert_str_eq(billtap_client_error_message(c), "");
	ck_assert_ptr_null(billtap_client_error_request_id(c));
	billtap_client_free(c);
}
END_TEST

START_TEST(settings_change_never_reaches_a_running_iterator)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page2);
	billtap_client *c = new_client();
	billtap_iter *old_it, *new_it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&old_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, old_it), 0);
	/* New credentials while the first iterator is alive: the next iterator gets a new
	 * session (a token is never carried over to other credentials or hosts). */
	ck_assert_int_eq(billtap_client_set(c, "token", "tok_other"), 0);
	ck_assert_int_eq(billtap_iter_new(&new_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(calls.session_new, 2);
	ck_assert_int_eq(calls.session_free, 0); /* the old one is still in use */
	ck_assert_int_eq(billtap_iter_next(&r, new_it), 0);
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer tok_other");
	billtap_iter_free(old_it);
	ck_assert_int_eq(calls.session_free, 1);
	billtap_iter_free(new_it);
	billtap_client_free(c);
	ck_assert_int_eq(calls.session_free, 2);
}
END_TEST

START_TEST(running_iterator_reads_the_settings_it_started_with)
{
	/* The fake provider reads token, base_url and page_size in stream_request, and token
	 * in session_new and classify_response, as a provider may: a running iterator must
	 * see the values it was created with in every callback, not the client's current
	 * ones, or its next page goes to another host with other credentials. */
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	ck_assert_int_eq(billtap_client_set(c, "base_url", "https://a.example"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "3"), 0);
	billtap_iter *old_it, *new_it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&old_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_str_eq(calls.session_token, "tok_secret");
	ck_assert_int_eq(drain(old_it, ids, sizeof ids, 1), 0);

	ck_assert_int_eq(billtap_client_set(c, "token", "tok_other"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "https://b.example"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "7"), 0);
	ck_assert_int_eq(billtap_client_set(c, "user_agent", "later/1"), 0);
	ck_assert_int_eq(drain(old_it, ids, sizeof ids, 5), 0);
	ck_assert_str_eq(ids, "c2,c3,c4,c5,c6");
	ck_assert_uint_eq(ft.calls, 2);
	ck_assert_str_eq(ft.urls[1], "https://a.example/items?page=2");
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer tok_secret");
	ck_assert_str_eq(ft.user_agent, "billtap/" BILLTAP_VERSION_STRING);
	ck_assert_int_eq(calls.request_page_size, 3);
	ck_assert_str_eq(calls.classify_token, "tok_secret");

	/* A new iterator reads the new values, everywhere. */
	ck_assert_int_eq(billtap_iter_new(&new_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_str_eq(calls.session_token, "tok_other");
	ck_assert_int_eq(drain(new_it, ids, sizeof ids, 1), 0);
	ck_assert_str_eq(ft.urls[2], "https://b.example/items?page=1");
	ck_assert_str_eq(fake_header(&ft, 2, "Authorization"), "Bearer tok_other");
	ck_assert_str_eq(ft.user_agent, "billtap/" BILLTAP_VERSION_STRING " later/1");
	ck_assert_int_eq(calls.request_page_size, 7);
	ck_assert_str_eq(calls.classify_token, "tok_other");
	billtap_iter_free(old_it);
	billtap_iter_free(new_it);
	billtap_client_free(c);
}
END_TEST

/* The child's half of the fork test (no Check in a child): 0, or why not on stderr. */
static int child_renews(billtap_iter *it, billtap_client *c, long parent)
{
	const billtap_record *r;
	size_t before = ft.calls;
	/* c3 was fetched by the parent: it needs no request, so no renewal yet. */
	if (billtap_iter_next(&r, it) != 0 || strcmp(billtap_record_id(r), "c3") || ft.calls != before)
		return 1;
	/* The next record needs a request: renewal, whose new stream cannot be made the first
	 * time; the iterator stays as it was, and the next call tries again. */
	calls.fail_stream_new = 1;
	if (billtap_iter_next(&r, it) != BILLTAP_ENOMEM) {
		fprintf(stderr, "child: want ENOMEM, got: %s\n", billtap_client_error_message(c));
		return 1;
	}
	char ids[64];
	int rc = drain(it, ids, sizeof ids, -1);
	if (rc != BILLTAP_ITEROVER || strcmp(ids, "c4,c5,c6,c7") != 0) {
		fprintf(stderr, "child: %d %s: %s\n", rc, ids, billtap_client_error_message(c));
		return 2;
	}
	/* Page 1 again (the parent's stream was dropped with its position), then 2 and 3,
	 * all on one session made in this process, with the iterator's own token. */
	char want[64];
	snprintf(want, sizeof want, "%d/%ld", calls.session_new, (long)getpid());
	if (ft.calls != before + 3 || strcmp(ft.urls[before], "https://fake.example/items?page=1") ||
	    strcmp(ft.urls[before + 2], "https://fake.example/items?page=3")) {
		fprintf(stderr, "child: requests %zu..%zu wrong\n", before, ft.calls);
		return 3;
	}
	for (size_t i = before; i < ft.calls; i++) {
		if (strcmp(fake_header(&ft, i, "X-Session"), want) ||
		    strcmp(fake_header(&ft, i, "Authorization"), "Bearer tok_secret")) {
			fprintf(stderr, "child: request %zu: session %s (want %s, parent %ld), %s\n", i,
			        fake_header(&ft, i, "X-Session"), want, parent,
			        fake_header(&ft, i, "Authorization"));
			return 4;
		}
	}
	/* 2 went with the renewal that failed; 3 is the iterator's. */
	if (calls.session_new != 3 || calls.session_free != 1) {
		fprintf(stderr, "child: %d sessions made\n", calls.session_new);
		return 5;
	}
	/* A new iterator: the client's current token, on yet another session of this process. */
	billtap_iter *again;
	if (billtap_iter_new(&again, c, BILLTAP_RESOURCE_CUSTOMERS, NULL) != 0 ||
	    drain(again, ids, sizeof ids, -1) != BILLTAP_ITEROVER || strcmp(ids, "c7") != 0)
		return 6;
	snprintf(want, sizeof want, "4/%ld", (long)getpid());
	if (strcmp(fake_header(&ft, ft.calls - 1, "X-Session"), want) ||
	    strcmp(fake_header(&ft, ft.calls - 1, "Authorization"), "Bearer tok_other"))
		return 7;
	billtap_iter_free(again);
	return 0;
}

START_TEST(iterator_continued_in_a_child_gets_its_own_session)
{
	/* The parent takes c1, c2 of page 1, then changes the token for later iterators and
	 * forks. The child continues the iterator: it must not use the parent's session (a
	 * cached token would then serve two processes), so it gets a session made in the child
	 * from the iterator's settings and a stream resumed where the host stands. */
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page1); /* the child's steps from here */
	fake_add(&ft, 200, NULL, page2);
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, 2), 0);
	ck_assert_str_eq(ids, "c1,c2");
	char parent_session[64];
	snprintf(parent_session, sizeof parent_session, "1/%ld", (long)getpid());
	ck_assert_str_eq(fake_header(&ft, 0, "X-Session"), parent_session);
	ck_assert_int_eq(billtap_client_set(c, "token", "tok_other"), 0);
	fflush(NULL);
	pid_t kid = fork();
	ck_assert_int_ge(kid, 0);
	if (kid == 0)
		_exit(child_renews(it, c, (long)getppid()));
	int status;
	ck_assert_int_eq(waitpid(kid, &status, 0), kid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child: status %d", status);
	/* The parent's iterator still has its session; nothing of the child's reached it. */
	ck_assert_int_eq(calls.session_new, 1);
	ck_assert_int_eq(calls.session_free, 0);
	billtap_iter_free(it);
	billtap_client_free(c);
	ck_assert_int_eq(calls.session_free, 1);
}
END_TEST

START_TEST(invalid_arguments_replace_the_last_error)
{
	billtap_client *c = new_client();
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_client_set(c, "bogus", "x"), BILLTAP_EUNKNOWN_SETTING);
	ck_assert_int_eq(billtap_client_set(c, NULL, "x"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_set(c, "bogus", "x"), BILLTAP_EUNKNOWN_SETTING);
	ck_assert_int_eq(billtap_iter_new(NULL, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	billtap_client_set(c, "bogus", "x");
	ck_assert_int_eq(billtap_iter_next(NULL, it), BILLTAP_EINVAL);
	ck_assert_str_eq(billtap_client_error_message(c), "billtap_iter_next: out is NULL");
	billtap_client_set(c, "bogus", "x");
	ck_assert_int_eq(billtap_iter_checkpoint(NULL, it), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_client_error_code(c), BILLTAP_EINVAL);
	(void)r;
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(long_retry_after_and_timeouts_are_named)
{
	fake_add(&ft, 503, "Retry-After: 3600", "{}");
	fake_add(&ft, 408, NULL, "{}");
	fake_add(&ft, 408, NULL, "{}");
	billtap_client *c = new_client();
	billtap_client_set(c, "max_retries", "1");
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	/* An hour is longer than billtap waits: it stops at once, and says why. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ESERVER);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c),
	                             "(the service asked to retry after 3600 s, longer than billtap waits)"));
	ck_assert_uint_eq(ft.calls, 1);
	/* A 408 that lasts through the retries is a timeout, not a rejected request. */
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ETIMEOUT);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(host_transport_receives_every_option)
{
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page3);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	billtap_iter_free(it);
	ck_assert_int_eq(ft.timeout_ms, 300000);
	ck_assert_int_eq(ft.connect_timeout_ms, 10000);
	ck_assert_str_eq(ft.user_agent, "billtap/" BILLTAP_VERSION_STRING);
	ck_assert_ptr_null(ft.ca_file);
	ck_assert_ptr_null(ft.ca_path);

	ck_assert_int_eq(billtap_client_set(c, "timeout_ms", "1234"), 0);
	ck_assert_int_eq(billtap_client_set(c, "connect_timeout_ms", "567"), 0);
	ck_assert_int_eq(billtap_client_set(c, "user_agent", "unit-test/1.0"), 0);
	ck_assert_int_eq(billtap_client_set(c, "ca_file", "/etc/billtap/ca.pem"), 0);
	ck_assert_int_eq(billtap_client_set(c, "ca_path", "/etc/billtap/certs"), 0);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ITEROVER);
	ck_assert_int_eq(ft.timeout_ms, 1234);
	ck_assert_int_eq(ft.connect_timeout_ms, 567);
	ck_assert_str_eq(ft.user_agent, "billtap/" BILLTAP_VERSION_STRING " unit-test/1.0");
	ck_assert_str_eq(ft.ca_file, "/etc/billtap/ca.pem");
	ck_assert_str_eq(ft.ca_path, "/etc/billtap/certs");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(running_iterators_keep_their_transfer_settings)
{
	fake_add(&ft, 200, NULL, page1);
	fake_add(&ft, 200, NULL, page3);
	fake_add(&ft, 200, NULL, page2);
	billtap_client *c = new_client();
	billtap_client_set(c, "timeout_ms", "1111");
	billtap_iter *old_it, *new_it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&old_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, old_it), 0);
	billtap_client_set(c, "timeout_ms", "2222");
	ck_assert_int_eq(billtap_iter_new(&new_it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(billtap_iter_next(&r, new_it), 0);
	ck_assert_int_eq(ft.timeout_ms, 2222);
	char ids[64];
	ck_assert_int_eq(drain(old_it, ids, sizeof ids, 3), 0); /* c2, c3, then page 2 */
	ck_assert_int_eq(ft.timeout_ms, 1111);
	billtap_iter_free(old_it);
	billtap_iter_free(new_it);
	billtap_client_free(c);
}
END_TEST

static void *cancel_when_blocking(void *p)
{
	billtap_iter *it = p;
	while (!atomic_load(&ft.blocking)) {
		struct timespec ts = { 0, 1000000L };
		nanosleep(&ts, NULL);
	}
	billtap_iter_cancel(it);
	return NULL;
}

START_TEST(host_perform_sees_the_cancel)
{
	fake_add(&ft, 200, NULL, page1);
	fake_block_until_canceled(&ft);
	billtap_client *c = new_client();
	billtap_iter *it;
	char ids[64];
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	pthread_t t;
	ck_assert_int_eq(pthread_create(&t, NULL, cancel_when_blocking, it), 0);
	/* Page 1, then page 2 blocks in the host's perform until the other thread cancels. */
	ck_assert_int_eq(drain(it, ids, sizeof ids, -1), BILLTAP_ECANCELED);
	pthread_join(t, NULL);
	ck_assert_str_eq(ids, "c1,c2,c3");
	ck_assert_int_eq(ft.saw_cancel, 1);
	ck_assert_str_eq(billtap_client_error_message(c), "fake: customers: canceled");
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(providers_read_the_clients_clock)
{
	fake_add(&ft, 200, NULL, page3);
	int64_t now = 1234567890;
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_transport_vtable;
	opts.transport_payload = &ft;
	opts.clock = fixed_clock;
	opts.clock_payload = &now;
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "fake", &opts), 0);
	billtap_client_set(c, "token", "t");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_eq(calls.now_seen, 1234567890);
	billtap_iter_free(it);
	billtap_client_free(c);
	/* Without one, the system's. */
	c = new_client();
	int64_t before = (int64_t)time(NULL);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	ck_assert_int_ge(calls.now_seen, before);
	ck_assert_int_le(calls.now_seen, (int64_t)time(NULL));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("iteration");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, pages_are_invisible);
	tcase_add_test(tc, checkpoint_resumes_exactly);
	tcase_add_loop_test(tc, checkpoint_before_returns_the_last_record_again, 0, 7);
	tcase_add_test(tc, queued_counts_what_comes_without_a_request);
	tcase_add_test(tc, checkpoint_detects_moved_data);
	tcase_add_test(tc, checkpoint_detects_shrunk_data);
	tcase_add_test(tc, checkpoint_refuses_foreign_tokens);
	tcase_add_test(tc, transient_failures_are_retried);
	tcase_add_test(tc, retries_run_out);
	tcase_add_test(tc, provider_decides_what_is_final);
	tcase_add_test(tc, provider_retry_resends);
	tcase_add_test(tc, failed_page_leaves_nothing_behind);
	tcase_add_test(tc, garbled_answers_are_retried);
	tcase_add_test(tc, sha256_matches_the_standard);
	tcase_add_test(tc, checkpoint_is_bound_to_the_account);
	tcase_add_test(tc, cancel_stops_and_keeps_checkpoint);
	tcase_add_test(tc, records_outlive_iterators_when_copied);
	tcase_add_test(tc, settings_are_checked);
	tcase_add_test(tc, registry_checks_vtables);
	tcase_add_test(tc, session_rebuilt_after_settings_change);
	tcase_add_test(tc, running_iterator_reads_the_settings_it_started_with);
	tcase_add_test(tc, iterator_continued_in_a_child_gets_its_own_session);
	tcase_add_test(tc, local_batches_need_no_request);
	tcase_add_test(tc, client_freed_before_its_iterator);
	tcase_add_test(tc, each_call_clears_the_last_error);
	tcase_add_test(tc, settings_change_never_reaches_a_running_iterator);
	tcase_add_test(tc, invalid_arguments_replace_the_last_error);
	tcase_add_test(tc, long_retry_after_and_timeouts_are_named);
	tcase_add_test(tc, host_transport_receives_every_option);
	tcase_add_test(tc, running_iterators_keep_their_transfer_settings);
	tcase_add_test(tc, host_perform_sees_the_cancel);
	tcase_add_test(tc, providers_read_the_clients_clock);
	suite_add_tcase(s, tc);
	return s;
}
