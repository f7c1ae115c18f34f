/*
 * The loop guards (billtap_sink_page) rule by rule, through a toy provider whose scripted
 * pages report what the test says: {"ids":[...],"next":C,"more":B,"page":P,"pages":N,
 * "total":T,"max":M} (absent numbers are -1). Each rule must stop the pass with
 * BILLTAP_EDATA naming the request and saying which promise the service broke; a list
 * that keeps its promises must go through.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billtap/provider.h"
#include "testutil.h"

Suite *guard_suite(void);

typedef struct page_stream {
	int done;
	billtap_json *doc;
	char next[32];
} page_stream;

static const billtap_setting_def page_settings[] = {
	BILLTAP_SETTING("token", BILLTAP_SETTING_SECRET, "t", 0, 0, "secret"),
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://pages.example", 0, 0, "origin"),
	BILLTAP_SETTINGS_END,
};

static int pg_new(void **out, void *session, const billtap_stream_params *p, billtap_ctx *ctx)
{
	(void)session, (void)p, (void)ctx;
	page_stream *s = calloc(1, sizeof *s);
	ck_assert_ptr_nonnull(s);
	billtap_json_new(&s->doc);
	*out = s;
	return 0;
}

static void pg_free(void *p)
{
	page_stream *s = p;
	billtap_json_free(s->doc);
	free(s);
}

static int pg_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	page_stream *s = p;
	if (s->done)
		return BILLTAP_ITEROVER;
	billtap_request_set_url(req, billtap_ctx_setting(ctx, "base_url"), "/things");
	if (*s->next)
		billtap_request_add_query(req, "after", s->next);
	return 0;
}

static int64_t num(page_stream *s, billtap_json_ref root, const char *key)
{
	int64_t v;
	return billtap_json_int(&v, s->doc, billtap_json_get(s->doc, root, key)) == 0 ? v : -1;
}

static int pg_response(void *p, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx)
{
	(void)req, (void)resp, (void)ctx;
	page_stream *s = p;
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	ck_assert_int_eq(billtap_json_parse(s->doc, body, len), 0);
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref ids = billtap_json_get(s->doc, root, "ids");
	billtap_page page = BILLTAP_PAGE_INIT;
	char next[32] = "";
	size_t n;
	if (billtap_json_str_decode(next, sizeof next, &n, s->doc,
	                            billtap_json_get(s->doc, root, "next")) == 0)
		page.next = next;
	int more = 0;
	billtap_json_bool(&more, s->doc, billtap_json_get(s->doc, root, "more"));
	page.more = more;
	page.items = (int64_t)billtap_json_count(s->doc, ids);
	page.page = num(s, root, "page");
	page.total_pages = num(s, root, "pages");
	page.total_items = num(s, root, "total");
	page.max_page = num(s, root, "max");
	for (billtap_json_ref it = billtap_json_first(s->doc, ids); it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(s->doc, it)) {
		billtap_record *r;
		billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER);
		billtap_record_set_json_str(r, BILLTAP_FIELD_ID, s->doc, it);
		billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1);
		billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
		int rc = billtap_sink_push(sink, r);
		if (rc < 0)
			return rc;
	}
	int rc = billtap_sink_page(sink, &page);
	if (rc < 0)
		return rc;
	snprintf(s->next, sizeof s->next, "%s", next);
	s->done = !more;
	return 0;
}

static const billtap_provider page_provider = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "pagey",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
	.settings = page_settings,
	.stream_new = pg_new,
	.stream_request = pg_request,
	.stream_response = pg_response,
	.stream_free = pg_free,
};

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	int rc = billtap_provider_register(&page_provider, NULL, NULL, NULL, 0);
	ck_assert(rc == 0 || rc == BILLTAP_EINVAL); /* EINVAL: registered by an earlier test */
}

static void teardown(void)
{
	fake_reset(&ft);
}

/* Runs the scripted pages (NULL-terminated) to the end or the first error; returns the
 * code and the records before it in *records, the message in msg. */
static int run(const char *const *pages, int *records, char *msg, size_t cap)
{
	for (size_t i = 0; pages[i]; i++)
		fake_add(&ft, 200, NULL, pages[i]);
	billtap_client *c = fake_client(&ft, "pagey");
	billtap_client_set(c, "max_empty_pages", "2");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	const billtap_record *r;
	int rc;
	*records = 0;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		++*records;
	snprintf(msg, cap, "%s", billtap_client_error_message(c));
	billtap_iter_free(it);
	billtap_client_free(c);
	return rc;
}

static void expect_broken(const char *const *pages, const char *why)
{
	int records;
	char msg[512];
	ck_assert_int_eq(run(pages, &records, msg, sizeof msg), BILLTAP_EDATA);
	ck_assert_msg(strstr(msg, why) != NULL, "message \"%s\" lacks \"%s\"", msg, why);
	ck_assert_msg(strstr(msg, "GET /things") != NULL, "message names no request: %s", msg);
}

START_TEST(a_list_that_keeps_its_promises_goes_through)
{
	const char *pages[] = {
		"{\"ids\":[\"a\",\"b\"],\"next\":\"b\",\"more\":true,\"page\":1,\"pages\":2,\"total\":3,\"max\":100}",
		"{\"ids\":[\"c\"],\"more\":false,\"page\":2,\"pages\":2,\"total\":3,\"max\":100}", NULL
	};
	int records;
	char msg[512];
	ck_assert_int_eq(run(pages, &records, msg, sizeof msg), BILLTAP_ITEROVER);
	ck_assert_int_eq(records, 3);
}
END_TEST

START_TEST(a_cursor_that_does_not_advance)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"next\":\"a\",\"more\":true}",
		                "{\"ids\":[\"b\"],\"next\":\"a\",\"more\":true}", NULL };
	expect_broken(pages, "did not advance");
}
END_TEST

START_TEST(a_page_number_that_goes_back)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"more\":true,\"page\":2}",
		                "{\"ids\":[\"b\"],\"more\":true,\"page\":2}", NULL };
	expect_broken(pages, "page 2 came after page 2");
}
END_TEST

START_TEST(a_page_past_the_page_count)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"more\":true,\"page\":1,\"pages\":1}",
		                "{\"ids\":[\"b\"],\"more\":true,\"page\":2,\"pages\":1}", NULL };
	expect_broken(pages, "past the 1 pages the service counts");
}
END_TEST

START_TEST(more_claimed_at_the_last_page_served)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"more\":true,\"page\":1,\"max\":2}",
		                "{\"ids\":[\"b\"],\"more\":true,\"page\":2,\"max\":2}", NULL };
	expect_broken(pages, "the last it serves");
}
END_TEST

START_TEST(a_total_that_shrinks)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"more\":true,\"page\":1,\"total\":10}",
		                "{\"ids\":[\"b\"],\"more\":true,\"page\":2,\"total\":9}", NULL };
	expect_broken(pages, "total shrank from 10 to 9");
}
END_TEST

START_TEST(more_items_than_the_total)
{
	const char *pages[] = { "{\"ids\":[\"a\",\"b\"],\"more\":true,\"page\":1,\"total\":3}",
		                "{\"ids\":[\"c\",\"d\"],\"more\":false,\"page\":2,\"total\":3}", NULL };
	expect_broken(pages, "4 items arrived, more than the 3");
}
END_TEST

START_TEST(an_empty_page_claiming_more_after_everything_arrived)
{
	const char *pages[] = { "{\"ids\":[\"a\"],\"more\":true,\"page\":1,\"total\":1}",
		                "{\"ids\":[],\"more\":true,\"page\":2,\"total\":1}", NULL };
	expect_broken(pages, "page 2 is empty and claims more after all 1 items arrived");
}
END_TEST

START_TEST(empty_pages_past_the_setting)
{
	/* max_empty_pages is 2: two empty pages claiming more pass, the third does not. */
	const char *pages[] = { "{\"ids\":[],\"next\":\"x1\",\"more\":true}",
		                "{\"ids\":[],\"next\":\"x2\",\"more\":true}",
		                "{\"ids\":[],\"next\":\"x3\",\"more\":true}", NULL };
	expect_broken(pages, "3 empty pages in a row claim more (setting max_empty_pages is 2)");
	const char *two[] = { "{\"ids\":[],\"next\":\"x1\",\"more\":true}",
		              "{\"ids\":[],\"next\":\"x2\",\"more\":true}",
		              "{\"ids\":[\"a\"],\"more\":false}", NULL };
	int records;
	char msg[512];
	fake_reset(&ft);
	ck_assert_int_eq(run(two, &records, msg, sizeof msg), BILLTAP_ITEROVER);
	ck_assert_int_eq(records, 1);
}
END_TEST

Suite *guard_suite(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("guard");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_list_that_keeps_its_promises_goes_through);
	tcase_add_test(tc, a_cursor_that_does_not_advance);
	tcase_add_test(tc, a_page_number_that_goes_back);
	tcase_add_test(tc, a_page_past_the_page_count);
	tcase_add_test(tc, more_claimed_at_the_last_page_served);
	tcase_add_test(tc, a_total_that_shrinks);
	tcase_add_test(tc, more_items_than_the_total);
	tcase_add_test(tc, an_empty_page_claiming_more_after_everything_arrived);
	tcase_add_test(tc, empty_pages_past_the_setting);
	suite_add_tcase(s, tc);
	return s;
}
