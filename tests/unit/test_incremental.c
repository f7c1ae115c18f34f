/*
 * Incremental passes in the engine, through a fake change-feed provider ("feedy") and the
 * scripted transport: sync tokens, tombstones, the stream flags, resume within an
 * incremental pass, and the refusals (unknown flags, resources without sync, a stream that
 * forgets its final mark, overlapping sync masks).
 *
 * feedy's API: GET /items answers {"items":[{"id","created"}...],"head":"eN"} (the feed's
 * position when the list was read); GET /changes?after=eN answers
 * {"changes":[{"id","created"} or {"id","deleted":true}...],"head":"eM"}, or 410 when eN
 * is past the feed's retention. It marks "at:N" before each record and, in incremental
 * passes, "sync:eM" after the last one.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider.h"
#include "testutil.h"

Suite *incremental_suite(void);

static struct {
	unsigned last_flags;     /* params.flags of the last stream_new */
	char last_resume[64];    /* params.resume of the last stream_new ("" for NULL) */
	int forget_final_mark;   /* an incremental stream that does not mark at its end */
} seen;

typedef struct feed_stream {
	int incremental, done;
	char after[32];          /* "" for a full pass */
	int skip;                /* records of the answer already returned before a resume */
	billtap_json *doc;
} feed_stream;

static const billtap_setting_def feed_settings[] = {
	BILLTAP_SETTING("token", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED |
	                         BILLTAP_SETTING_ACCOUNT, NULL, 0, 0, "secret"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://feedy.example", 0, 0, "origin"),
	BILLTAP_SETTINGS_END,
};

static void feed_free(void *p)
{
	feed_stream *s = p;
	billtap_json_free(s->doc);
	free(s);
}

static int feed_new(void **out, void *session, const billtap_stream_params *p, billtap_ctx *ctx)
{
	/* No ck_assert here: Check allocates, and a test fails allocations around this. */
	(void)session;
	if (p->version < 2)
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE, "stream params before version 2");
	seen.last_flags = p->flags;
	snprintf(seen.last_resume, sizeof seen.last_resume, "%s", p->resume ? p->resume : "");
	feed_stream *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0) {
		free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->incremental = (p->flags & BILLTAP_STREAM_INCREMENTAL) != 0;
	/* "sync:eN": the changes after eN; "at:eN:K" (or "at::K", a full pass): the same
	 * answer again, K records of it already returned. */
	const char *r = p->resume;
	if (r && strncmp(r, "sync:", 5) == 0) {
		snprintf(s->after, sizeof s->after, "%s", r + 5);
	} else if (r && strncmp(r, "at:", 3) == 0) {
		const char *colon = strchr(r + 3, ':');
		if (!colon) {
			feed_free(s);
			return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a feedy mark");
		}
		snprintf(s->after, sizeof s->after, "%.*s", (int)(colon - (r + 3)), r + 3);
		s->skip = atoi(colon + 1);
	} else if (r) {
		feed_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a feedy mark");
	}
	*out = s;
	return 0;
}


static int feed_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	feed_stream *s = p;
	if (s->done)
		return BILLTAP_ITEROVER;
	const char *base = billtap_ctx_setting(ctx, "base_url");
	if (*s->after) {
		billtap_request_set_url(req, base, "/changes");
		billtap_request_add_query(req, "after", s->after);
	} else {
		billtap_request_set_url(req, base, "/items");
	}
	return billtap_request_set_bearer(req, billtap_ctx_setting(ctx, "token"));
}

static int feed_response(void *p, const billtap_request *req, const billtap_response *resp,
                         billtap_sink *sink, billtap_ctx *ctx)
{
	feed_stream *s = p;
	if (billtap_response_status(resp) == 410)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
		                         "the sync token is older than the feed keeps: a full pass "
		                         "is needed");
	if (billtap_response_status(resp) != 200)
		return billtap_ctx_http_error(ctx, billtap_http_status_error(billtap_response_status(resp)),
		                              req, resp, NULL, NULL, "failed");
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (billtap_json_parse(s->doc, body, len) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EPARSE, billtap_json_error(s->doc));
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref list = billtap_json_get(s->doc, root, *s->after ? "changes" : "items");
	int k = 0;
	for (billtap_json_ref it = billtap_json_first(s->doc, list); it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(s->doc, it), k++) {
		if (k < s->skip)
			continue;
		char mark[64];
		snprintf(mark, sizeof mark, "at:%s:%d", s->after, k);
		int rc = billtap_sink_mark(sink, mark);
		if (rc < 0)
			return rc;
		char id[32];
		size_t n;
		billtap_json_str_decode(id, sizeof id, &n, s->doc, billtap_json_get(s->doc, it, "id"));
		billtap_record *r;
		int deleted = 0;
		billtap_json_bool(&deleted, s->doc, billtap_json_get(s->doc, it, "deleted"));
		if (deleted) {
			ck_assert_int_eq(billtap_record_new_tombstone(&r, BILLTAP_RECORD_CUSTOMER, id), 0);
		} else {
			int64_t created = 0;
			billtap_json_int(&created, s->doc, billtap_json_get(s->doc, it, "created"));
			billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER);
			billtap_record_set_str(r, BILLTAP_FIELD_ID, id, n);
			billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, created);
			billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
		}
		if ((rc = billtap_sink_push(sink, r)) < 0)
			return rc;
	}
	if (s->incremental && !seen.forget_final_mark) {
		char head[32], mark[48];
		size_t n;
		billtap_json_str_decode(head, sizeof head, &n, s->doc, billtap_json_get(s->doc, root, "head"));
		snprintf(mark, sizeof mark, "sync:%s", head);
		int rc = billtap_sink_mark(sink, mark);
		if (rc < 0)
			return rc;
	}
	s->done = 1;
	return 0;
}

static const billtap_provider feed_provider = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "feedy",
	.display_name = "Feedy",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS) |
	             BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS),
	.settings = feed_settings,
	.stream_new = feed_new,
	.stream_request = feed_request,
	.stream_response = feed_response,
	.stream_free = feed_free,
	.sync_feed = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
};

static fake_transport ft;

static void setup(void)
{
	memset(&seen, 0, sizeof seen);
	memset(&ft, 0, sizeof ft);
	int rc = billtap_provider_register(&feed_provider, NULL, NULL, NULL, 0);
	ck_assert(rc == 0 || rc == BILLTAP_EINVAL); /* EINVAL: registered by an earlier test */
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *new_client(void)
{
	billtap_client *c = fake_client(&ft, "feedy");
	ck_assert_int_eq(billtap_client_set(c, "token", "tok_secret"), 0);
	return c;
}

static billtap_iter *new_iter(billtap_client *c, unsigned flags, const char *token)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = flags;
	o.checkpoint = token;
	billtap_iter *it = NULL;
	int rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o);
	ck_assert_msg(rc == 0, "iter_new: %s", billtap_client_error_message(c));
	return it;
}

/* The JSON of every record until ITEROVER, one per line, into out. Returns the end code. */
static int drain_json(billtap_iter *it, char *out, size_t cap, int limit)
{
	const billtap_record *r;
	int rc, n = 0;
	out[0] = '\0';
	while ((limit < 0 || n < limit) && (rc = billtap_iter_next(&r, it)) == 0) {
		strncat(out, billtap_record_json(r, NULL), cap - strlen(out) - 1);
		strncat(out, "\n", cap - strlen(out) - 1);
		n++;
	}
	return limit >= 0 && n == limit ? 0 : rc;
}

static char *dup_token(const char *t)
{
	char *d = strdup(t);
	ck_assert_ptr_nonnull(d);
	return d;
}

START_TEST(sync_tokens_chain_incremental_passes)
{
	billtap_client *c = new_client();
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"c2\",\"created\":2}],"
	                         "\"head\":\"e5\"}");
	fake_add(&ft, 200, NULL, "{\"changes\":[{\"id\":\"c2\",\"deleted\":true},"
	                         "{\"id\":\"c3\",\"created\":9}],\"head\":\"e7\"}");
	fake_add(&ft, 200, NULL, "{\"changes\":[],\"head\":\"e7\"}");

	/* Round 1: a full pass. No token before it ends; then one. */
	billtap_iter *it = new_iter(c, BILLTAP_ITER_INCREMENTAL, NULL);
	ck_assert_uint_eq(seen.last_flags, BILLTAP_STREAM_INCREMENTAL);
	const char *tok;
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), BILLTAP_ENOTFOUND);
	ck_assert_ptr_null(tok);
	char out[1024];
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	char *t1 = dup_token(tok);
	billtap_iter_free(it);

	/* Round 2: what changed, a tombstone included, then a new token. */
	it = new_iter(c, 0, t1);
	ck_assert_uint_eq(seen.last_flags, BILLTAP_STREAM_INCREMENTAL);
	ck_assert_str_eq(seen.last_resume, "sync:e5");
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_record_deleted(r), 1);
	ck_assert_str_eq(billtap_record_json(r, NULL),
	                 "{\"object\":\"customer\",\"id\":\"c2\",\"deleted\":true}");
	int64_t v = 0;
	ck_assert_int_eq(billtap_record_get_int(&v, r, BILLTAP_FIELD_DELETED), 0);
	ck_assert_int_eq(v, 1);
	ck_assert_int_eq(billtap_record_get_int(&v, r, BILLTAP_FIELD_CREATED_AT), BILLTAP_ENOTFOUND);
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_record_deleted(r), 0);
	ck_assert_str_eq(billtap_record_id(r), "c3");
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	char *t2 = dup_token(tok);
	ck_assert_str_ne(t1, t2);
	billtap_iter_free(it);

	/* Round 3: nothing changed: no record, and a token that still works. */
	it = new_iter(c, 0, t2);
	ck_assert_str_eq(seen.last_resume, "sync:e7");
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[1], "https://feedy.example/changes?after=e5");
	free(t1);
	free(t2);
	billtap_client_free(c);
}
END_TEST

START_TEST(a_checkpoint_inside_an_incremental_pass_resumes_it)
{
	billtap_client *c = new_client();
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"c2\",\"created\":2}],"
	                         "\"head\":\"e5\"}");
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1},{\"id\":\"c2\",\"created\":2}],"
	                         "\"head\":\"e6\"}");
	billtap_iter *it = new_iter(c, BILLTAP_ITER_INCREMENTAL, NULL);
	char out[1024];
	ck_assert_int_eq(drain_json(it, out, sizeof out, 1), 0);
	const char *tok;
	ck_assert_int_eq(billtap_iter_checkpoint(&tok, it), 0);
	char *cp = dup_token(tok);
	billtap_iter_free(it);

	/* A checkpoint of a full pass does not become an incremental one. */
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	billtap_iter *full = new_iter(c, 0, NULL), *bad = NULL;
	ck_assert_int_eq(billtap_iter_checkpoint(&tok, full), 0);
	o.checkpoint = tok;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	ck_assert_int_eq(billtap_iter_new(&bad, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not incremental"));
	billtap_iter_free(full);

	/* No flag given: the checkpoint says the pass is incremental. */
	it = new_iter(c, 0, cp);
	ck_assert_uint_eq(seen.last_flags, BILLTAP_STREAM_INCREMENTAL);
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	/* c2 alone: c1 came before the checkpoint */
	ck_assert_ptr_nonnull(strstr(out, "\"id\":\"c2\""));
	ck_assert_ptr_null(strstr(out, "\"id\":\"c1\""));
	ck_assert_ptr_null(strchr(out, '\n') + 1 == out + strlen(out) ? NULL : out);
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	billtap_iter_free(it);
	free(cp);
	billtap_client_free(c);
}
END_TEST

START_TEST(a_full_pass_has_no_sync_token)
{
	billtap_client *c = new_client();
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1}],\"head\":\"e5\"}");
	billtap_iter *it = new_iter(c, 0, NULL);
	ck_assert_uint_eq(seen.last_flags, 0);
	char out[512];
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	const char *tok = "x";
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), BILLTAP_ENOTFOUND);
	ck_assert_ptr_null(tok);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not incremental"));
	ck_assert_int_eq(billtap_iter_sync_token(NULL, it), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_iter_sync_token(&tok, NULL), BILLTAP_EINVAL);
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(refusals_name_what_is_wrong)
{
	billtap_client *c = new_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	billtap_iter *it = NULL;
	o.flags = 0x8u;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_EINVAL);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "unknown flags 0x8"));
	o.flags = BILLTAP_ITER_INCREMENTAL;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, &o), BILLTAP_EUNSUPPORTED);
	ck_assert_str_eq(billtap_client_error_message(c),
	                 "feedy: plans cannot be synced incrementally");
	/* Version 1 options have no flags: whatever follows them is never read. */
	o.version = 1;
	o.flags = 0xFFu;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, &o), 0);
	billtap_iter_free(it);

	billtap_sync_method m;
	ck_assert_int_eq(billtap_provider_sync_method(&m, "feedy", BILLTAP_RESOURCE_CUSTOMERS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_FEED);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "feedy", BILLTAP_RESOURCE_PLANS), 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_NONE);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "feedy", BILLTAP_RESOURCE_INVOICES),
	                 BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_provider_sync_method(&m, "nosuch", BILLTAP_RESOURCE_PLANS),
	                 BILLTAP_EUNKNOWN_PROVIDER);
	billtap_client_free(c);
}
END_TEST

START_TEST(a_stream_without_a_final_mark_is_a_provider_bug)
{
	billtap_client *c = new_client();
	seen.forget_final_mark = 1;
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1}],\"head\":\"e5\"}");
	billtap_iter *it = new_iter(c, BILLTAP_ITER_INCREMENTAL, NULL);
	char out[512];
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	const char *tok;
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), BILLTAP_EUSAGE);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "did not mark after its last"));
	billtap_iter_free(it);
	billtap_client_free(c);
}
END_TEST

START_TEST(an_expired_token_asks_for_a_full_pass)
{
	billtap_client *c = new_client();
	fake_add(&ft, 200, NULL, "{\"items\":[],\"head\":\"e1\"}");
	fake_add(&ft, 410, NULL, "{}");
	billtap_iter *it = new_iter(c, BILLTAP_ITER_INCREMENTAL, NULL);
	char out[64];
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	const char *tok;
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	char *t = dup_token(tok);
	billtap_iter_free(it);
	it = new_iter(c, 0, t);
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	billtap_iter_free(it);
	free(t);
	billtap_client_free(c);
}
END_TEST

START_TEST(out_of_memory_never_calls_a_token_bad)
{
	/* A host told ECHECKPOINT throws its token away (and makes a full pass): running out
	 * of memory while reading one must say ENOMEM, at whichever allocation it happens. */
	billtap_client *c = new_client();
	fake_add(&ft, 200, NULL, "{\"items\":[{\"id\":\"c1\",\"created\":1}],\"head\":\"e5\"}");
	billtap_iter *it = new_iter(c, BILLTAP_ITER_INCREMENTAL, NULL);
	char out[256];
	ck_assert_int_eq(drain_json(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	const char *tok;
	ck_assert_int_eq(billtap_iter_sync_token(&tok, it), 0);
	char *t = dup_token(tok);
	billtap_iter_free(it);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = t;
	int failed_runs = 0;
	for (long n = 1;; n++) {
		alloc_fail_arm(n);
		int rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o);
		int fired = alloc_fail_fired();
		alloc_fail_disarm();
		if (!fired) {
			ck_assert_int_eq(rc, 0);
			billtap_iter_free(it);
			break;
		}
		ck_assert_msg(rc == 0 || rc == BILLTAP_ENOMEM, "allocation %ld: %s", n,
		              billtap_strerror(rc));
		if (rc == 0)
			billtap_iter_free(it);
		failed_runs++;
	}
	ck_assert_int_gt(failed_runs, 5);
	free(t);
	billtap_client_free(c);
}
END_TEST

START_TEST(tombstones_hold_only_their_id)
{
	billtap_record *r = NULL;
	ck_assert_int_eq(billtap_record_new_tombstone(&r, BILLTAP_RECORD_INVOICE_LINE, "il_1"),
	                 BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_record_new_tombstone(&r, BILLTAP_RECORD_INVOICE, ""), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_record_new_tombstone(&r, BILLTAP_RECORD_INVOICE, "in_\xff"),
	                 BILLTAP_EINVAL);
	ck_assert_ptr_null(r);
	ck_assert_int_eq(billtap_record_new_tombstone(&r, BILLTAP_RECORD_INVOICE, "in_1"), 0);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_STATUS, "paid", 4), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1), BILLTAP_ETYPE);
	ck_assert_int_eq(billtap_record_set_null(r, BILLTAP_FIELD_ID), BILLTAP_ETYPE);
	billtap_record *line;
	ck_assert_int_eq(billtap_record_add_item(&line, r), BILLTAP_ETYPE);
	billtap_record *copy;
	ck_assert_int_eq(billtap_record_dup(&copy, r), 0);
	ck_assert_int_eq(billtap_record_deleted(copy), 1);
	ck_assert_str_eq(billtap_record_json(copy, NULL),
	                 "{\"object\":\"invoice\",\"id\":\"in_1\",\"deleted\":true}");
	ck_assert_int_eq(billtap_record_deleted(NULL), 0);
	billtap_record_free(copy);
	billtap_record_free(r);
}
END_TEST

START_TEST(sync_masks_are_checked)
{
	billtap_provider p = feed_provider;
	char why[200];
	p.name = "feedy_overlap";
	p.sync_updated = p.sync_feed;
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EINVAL);
	ck_assert_str_eq(why, "provider feedy_overlap: sync_feed, sync_updated and sync_reread "
	                      "overlap (one method per resource)");
	p.sync_updated = 0;
	p.sync_reread = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_INVOICES);
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), BILLTAP_EINVAL);
	ck_assert_str_eq(why, "provider feedy_overlap: a sync mask names a resource it does not "
	                      "serve");
	/* A version 1 vtable ends before the masks: they are never read. */
	p.version = 1;
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, why, sizeof why), 0);
	billtap_sync_method m = BILLTAP_SYNC_FEED;
	ck_assert_int_eq(billtap_provider_sync_method(&m, "feedy_overlap", BILLTAP_RESOURCE_CUSTOMERS),
	                 0);
	ck_assert_int_eq(m, BILLTAP_SYNC_NONE);
	ck_assert_int_eq(billtap_provider_unregister("feedy_overlap"), 0);
}
END_TEST

Suite *incremental_suite(void)
{
	Suite *s = suite_create("incremental");
	TCase *tc = tcase_create("incremental");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sync_tokens_chain_incremental_passes);
	tcase_add_test(tc, a_checkpoint_inside_an_incremental_pass_resumes_it);
	tcase_add_test(tc, a_full_pass_has_no_sync_token);
	tcase_add_test(tc, refusals_name_what_is_wrong);
	tcase_add_test(tc, a_stream_without_a_final_mark_is_a_provider_bug);
	tcase_add_test(tc, an_expired_token_asks_for_a_full_pass);
	tcase_add_test(tc, out_of_memory_never_calls_a_token_bad);
	tcase_add_test(tc, tombstones_hold_only_their_id);
	tcase_add_test(tc, sync_masks_are_checked);
	suite_add_tcase(s, tc);
	return s;
}
