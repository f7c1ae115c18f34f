/*
 * The error protocol between providers and the engine: a negative status from a provider
 * callback is reported as the provider recorded it, and one it did not record is named a
 * provider bug with its slot; the sink records its own errors. And billtap_client_new()
 * says why it failed in the host's error buffer.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billtap/provider.h"
#include "testutil.h"

Suite *protocol_suite(void);

/* What the "buggy" provider does wrong this time. */
static struct {
	int session_rc, stream_new_rc, request_rc, response_rc; /* returned unrecorded */
	int record_then_return;  /* response: records EPARSE, returns EDATA */
	int recorded;            /* response: records EDATA properly */
	int bad_mark, null_push, wrong_kind, invalid_record;
	int wait;                /* request: BILLTAP_PROVIDER_WAIT (not CONCURRENT) */
	int response_positive;   /* response: returns 7 */
	const char *setting_int; /* stream_new: returns billtap_ctx_setting_int of this key */
} bug;

static int b_session_new(void **out, billtap_ctx *ctx)
{
	*out = NULL;
	return bug.session_rc;
}

static void b_session_free(void *s)
{
}

static int b_stream_new(void **out, void *session, const billtap_stream_params *p,
                        billtap_ctx *ctx)
{
	*out = NULL;
	if (bug.setting_int) {
		int64_t v;
		return billtap_ctx_setting_int(&v, ctx, bug.setting_int);
	}
	return bug.stream_new_rc;
}

static void b_stream_free(void *s)
{
}

static int b_stream_request(billtap_request *req, void *s, billtap_ctx *ctx)
{
	if (bug.request_rc)
		return bug.request_rc;
	if (bug.wait)
		return BILLTAP_PROVIDER_WAIT;
	return billtap_request_set_url(req, "https://buggy.example", "/x");
}

static billtap_record *customer(const char *id, int with_created)
{
	billtap_record *r;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER), 0);
	billtap_record_set_str(r, BILLTAP_FIELD_ID, id, strlen(id));
	if (with_created)
		billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1);
	billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
	return r;
}

static int b_stream_response(void *s, const billtap_request *req, const billtap_response *resp,
                             billtap_sink *sink, billtap_ctx *ctx)
{
	if (bug.response_rc)
		return bug.response_rc;
	if (bug.response_positive)
		return 7;
	if (bug.record_then_return) {
		billtap_ctx_error(ctx, BILLTAP_EPARSE, "bad json");
		return BILLTAP_EDATA;
	}
	if (bug.recorded)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "charge ch_1: amount is missing");
	if (bug.bad_mark)
		return billtap_sink_mark(sink, "bad\ttoken");
	if (bug.null_push)
		return billtap_sink_push(sink, NULL);
	if (bug.wrong_kind) {
		billtap_record *r;
		billtap_record_new(&r, BILLTAP_RECORD_PLAN);
		return billtap_sink_push(sink, r);
	}
	if (bug.invalid_record)
		return billtap_sink_push(sink, customer("c1", 0));
	int status = billtap_response_status(resp);
	if (status != 200)
		return billtap_ctx_http_error(ctx, billtap_http_status_error(status), req, resp, NULL,
		                              NULL, "buggy failed");
	return billtap_sink_push(sink, customer("c1", 1));
}

static const billtap_setting_def buggy_settings[] = {
	BILLTAP_SETTING("password", BILLTAP_SETTING_SECRET, NULL, 0, 0, "a secret"),
	BILLTAP_SETTINGS_END,
};

static const billtap_provider buggy = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "buggy",
	.display_name = "Buggy",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
	.settings = buggy_settings,
	.session_new = b_session_new,
	.session_free = b_session_free,
	.stream_new = b_stream_new,
	.stream_request = b_stream_request,
	.stream_response = b_stream_response,
	.stream_free = b_stream_free,
};

static fake_transport ft;

static void setup(void)
{
	memset(&bug, 0, sizeof bug);
	memset(&ft, 0, sizeof ft);
	int rc = billtap_provider_register(&buggy, NULL, NULL, NULL, 0);
	ck_assert(rc == 0 || rc == BILLTAP_EINVAL); /* EINVAL: registered by an earlier test */
}

static void teardown(void)
{
	fake_reset(&ft);
}

/* The status and message of the first billtap_iter_next (or of billtap_iter_new). */
static int first_next(billtap_client *c, char *msg, size_t cap)
{
	billtap_iter *it;
	const billtap_record *r;
	int rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	if (rc == 0) {
		rc = billtap_iter_next(&r, it);
		snprintf(msg, cap, "%s", billtap_client_error_message(c));
		billtap_iter_free(it);
	} else {
		snprintf(msg, cap, "%s", billtap_client_error_message(c));
	}
	return rc;
}

START_TEST(unrecorded_errors_are_provider_bugs_named_by_slot)
{
	struct {
		int *knob, rc;
		const char *message;
	} cases[] = {
		{ &bug.session_rc, BILLTAP_ENOMEM,
		  "buggy: provider bug: session_new returned -2 without recording an error" },
		{ &bug.stream_new_rc, BILLTAP_ESETTING,
		  "buggy: customers: provider bug: stream_new returned -6 without recording an error" },
		{ &bug.request_rc, BILLTAP_ENOMEM,
		  "buggy: customers: provider bug: stream_request returned -2 without recording an "
		  "error" },
		{ &bug.response_rc, BILLTAP_EDATA,
		  "buggy: customers: provider bug: stream_response returned -16 without recording an "
		  "error" },
	};
	fake_add(&ft, 200, NULL, "{}");
	billtap_client *c = fake_client(&ft, "buggy");
	char msg[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&bug, 0, sizeof bug);
		*cases[i].knob = cases[i].rc;
		ft.next = 0;
		ck_assert_int_eq(first_next(c, msg, sizeof msg), cases[i].rc);
		ck_assert_str_eq(msg, cases[i].message);
		ck_assert_int_eq(billtap_client_error_code(c), cases[i].rc);
	}
	billtap_client_free(c);
}
END_TEST

START_TEST(recorded_errors_reach_the_host_as_recorded)
{
	fake_add(&ft, 200, NULL, "{}");
	fake_add(&ft, 200, NULL, "{}");
	billtap_client *c = fake_client(&ft, "buggy");
	char msg[512];
	bug.recorded = 1;
	ck_assert_int_eq(first_next(c, msg, sizeof msg), BILLTAP_EDATA);
	ck_assert_str_eq(msg, "buggy: customers: charge ch_1: amount is missing");
	/* Recorded, but under another code than returned: the engine does not guess. */
	bug.recorded = 0;
	bug.record_then_return = 1;
	ck_assert_int_eq(first_next(c, msg, sizeof msg), BILLTAP_EDATA);
	ck_assert_str_eq(msg, "buggy: customers: provider bug: stream_response returned -16 without "
	                      "recording an error (it recorded -15: buggy: customers: bad json)");
	billtap_client_free(c);
}
END_TEST

START_TEST(sink_records_its_own_errors)
{
	struct {
		int *knob, rc;
		const char *message;
	} cases[] = {
		{ &bug.bad_mark, BILLTAP_EINVAL,
		  "buggy: customers: billtap_sink_mark: a resume token must be printable ASCII (byte "
		  "0x09 at offset 3)" },
		{ &bug.null_push, BILLTAP_EINVAL, "buggy: customers: provider pushed a NULL record" },
		{ &bug.wrong_kind, BILLTAP_EDATA,
		  "buggy: customers: provider pushed a plan record into a stream of customers" },
		{ &bug.invalid_record, BILLTAP_EDATA, "buggy: customers: customer c1: created_at is missing" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		fake_add(&ft, 200, NULL, "{}");
	billtap_client *c = fake_client(&ft, "buggy");
	char msg[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&bug, 0, sizeof bug);
		*cases[i].knob = 1;
		ck_assert_int_eq(first_next(c, msg, sizeof msg), cases[i].rc);
		ck_assert_str_eq(msg, cases[i].message);
	}
	billtap_client_free(c);
}
END_TEST

START_TEST(codes_outside_the_contract_are_provider_bugs)
{
	fake_add(&ft, 200, NULL, "{}");
	billtap_client *c = fake_client(&ft, "buggy");
	char msg[512];
	bug.wait = 1;
	ck_assert_int_eq(first_next(c, msg, sizeof msg), BILLTAP_EUSAGE);
	ck_assert_str_eq(msg, "buggy: customers: provider bug: stream_request returned "
	                      "BILLTAP_PROVIDER_WAIT but the provider is not flagged CONCURRENT");
	ck_assert_uint_eq(ft.calls, 0);
	bug.wait = 0;
	bug.response_positive = 1;
	ck_assert_int_eq(first_next(c, msg, sizeof msg), BILLTAP_EUSAGE);
	ck_assert_str_eq(msg, "buggy: customers: provider bug: stream_response returned 7, which it "
	                      "may not");
	billtap_client_free(c);
}
END_TEST

START_TEST(setting_int_records_its_errors)
{
	/* A provider may return what billtap_ctx_setting_int() returns: it recorded it, naming
	 * the key (never a secret's value). Unset is an answer, not an error: a provider that
	 * returns it unchecked is told so. */
	billtap_client *c = fake_client(&ft, "buggy");
	ck_assert_int_eq(billtap_client_set(c, "user_agent", "app/1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "password", "hunter2"), 0);
	struct {
		const char *key;
		int rc;
		const char *message;
	} cases[] = {
		{ "user_agent", BILLTAP_ESETTING,
		  "buggy: customers: setting user_agent: 'app/1' is not an integer" },
		{ "password", BILLTAP_ESETTING,
		  "buggy: customers: setting password: its value is not an integer" },
		{ "no_such_key", BILLTAP_EUNKNOWN_SETTING,
		  "buggy: customers: billtap_ctx_setting_int: no setting named 'no_such_key'" },
		{ "ca_file", BILLTAP_ENOTFOUND,
		  "buggy: customers: provider bug: stream_new returned -19 without recording an error" },
	};
	char msg[512];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bug.setting_int = cases[i].key;
		ck_assert_int_eq(first_next(c, msg, sizeof msg), cases[i].rc);
		ck_assert_str_eq(msg, cases[i].message);
	}
	billtap_client_free(c);
}
END_TEST

static int64_t fixed_clock(void *payload)
{
	return *(int64_t *)payload;
}

START_TEST(retry_after_dates_are_read_on_the_client_clock)
{
	/* 1000000000 is 2001-09-09T01:46:40Z; the service asks to come back two hours later.
	 * On the system's clock that date is long past (retry at once); on the client's it is
	 * two hours away, longer than billtap waits. */
	fake_add(&ft, 503, "Retry-After: Sun, 09 Sep 2001 03:46:40 GMT", "{}");
	int64_t now = 1000000000;
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_transport_vtable;
	opts.transport_payload = &ft;
	opts.clock = fixed_clock;
	opts.clock_payload = &now;
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), 0);
	char msg[512];
	ck_assert_int_eq(first_next(c, msg, sizeof msg), BILLTAP_ESERVER);
	ck_assert_str_eq(msg, "buggy: customers: GET /x: HTTP 503: buggy failed (the service asked "
	                      "to retry after 7200 s, longer than billtap waits)");
	ck_assert_uint_eq(ft.calls, 1);
	billtap_client_free(c);
}
END_TEST

START_TEST(client_new_says_why_it_failed)
{
	char error[256];
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.error = error;
	opts.error_size = sizeof error;
	billtap_client *c = (billtap_client *)&opts;

	ck_assert_int_eq(billtap_client_new(&c, "nope", &opts), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(error, "billtap_client_new: no provider registered as nope");
	ck_assert_int_eq(billtap_client_new(&c, NULL, &opts), BILLTAP_EINVAL);
	ck_assert_str_eq(error, "billtap_client_new: provider name is NULL");
	ck_assert_int_eq(billtap_client_new(NULL, "buggy", &opts), BILLTAP_EINVAL);
	ck_assert_str_eq(error, "billtap_client_new: out is NULL");

	/* BILLTAP_TRANSPORT_INIT: the version, every slot NULL (perform is required). */
	billtap_transport t = BILLTAP_TRANSPORT_INIT;
	ck_assert_uint_eq(t.version, BILLTAP_TRANSPORT_VERSION);
	ck_assert(!t.perform && !t.free && !t.start && !t.wait && !t.abort);
	opts.transport = &t;
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), BILLTAP_EINVAL);
	ck_assert_str_eq(error, "billtap_client_new: transport has no perform");
	t = fake_async_vtable;
	t.abort = NULL;
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), BILLTAP_EINVAL);
	ck_assert_str_eq(error,
	                 "billtap_client_new: transport has some but not all of start, wait and abort");
	t = fake_transport_vtable;
	t.version = BILLTAP_TRANSPORT_VERSION + 1;
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), BILLTAP_EVERSION);
	ck_assert_str_eq(error, "billtap_client_new: transport version unknown");

	/* Cut to the buffer, always terminated; cleared on success. */
	opts.transport = NULL;
	opts.error_size = 12;
	ck_assert_int_eq(billtap_client_new(&c, "nope", &opts), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_str_eq(error, "billtap_cli");
	opts.error_size = sizeof error;
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), 0);
	ck_assert_str_eq(error, "");
	billtap_client_free(c);
	/* No buffer, or a version this library does not know (its buffer is not trusted). */
	opts.error = NULL;
	ck_assert_int_eq(billtap_client_new(&c, "nope", &opts), BILLTAP_EUNKNOWN_PROVIDER);
	opts.error = error;
	opts.version = BILLTAP_CLIENT_OPTIONS_VERSION + 1;
	strcpy(error, "untouched");
	ck_assert_int_eq(billtap_client_new(&c, "buggy", &opts), BILLTAP_EVERSION);
	ck_assert_str_eq(error, "untouched");
}
END_TEST

Suite *protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *tc = tcase_create("errors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unrecorded_errors_are_provider_bugs_named_by_slot);
	tcase_add_test(tc, recorded_errors_reach_the_host_as_recorded);
	tcase_add_test(tc, sink_records_its_own_errors);
	tcase_add_test(tc, codes_outside_the_contract_are_provider_bugs);
	tcase_add_test(tc, setting_int_records_its_errors);
	tcase_add_test(tc, retry_after_dates_are_read_on_the_client_clock);
	tcase_add_test(tc, client_new_says_why_it_failed);
	suite_add_tcase(s, tc);
	return s;
}
