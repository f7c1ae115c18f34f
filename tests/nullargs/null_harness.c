/*
 * Runs the generated NULL-argument cases (null_cases.c): each in its own Check test (so a
 * crash is one failure, named), inside the engine call that hands out the objects it needs.
 * Linked against the shared library, as a host and a plugin are: only exported functions
 * are reachable.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "null_exported.h"
#include "null_harness.h"

static const char doc_text[] = "{\"id\":\"cus_1\",\"s\":\"text\",\"n\":12,\"b\":true,"
	"\"t\":\"2024-05-01T00:00:00Z\",\"cur\":\"usd\",\"o\":{\"id\":\"x1\"}}";

const billtap_vocab nt_vocab[] = { { "text", "active" }, { NULL, NULL } };
const char *const nt_paths[] = { "error.code", NULL };
const char nt_missing_plugin[] = "/nonexistent/billtap-nullargs-plugin.so";

void nt_log(const billtap_log_event *event, void *payload)
{
	(void)event;
	(void)payload;
}

void nt_destroy(void *payload)
{
	(void)payload;
}

int nt_exponent_of(const char *code)
{
	return billtap_currency_iso_exponent(code);
}

/* The case being run, for the provider and transport callbacks below. */
static const nt_case *current;
static nt_env *env;
static int ran;

static void run_here(nt_phase phase)
{
	if (current && !ran && current->phase == phase) {
		ran = 1;
		current->run(env);
	}
}

/* ---- the transport: answers every request with 200 "{}" ---- */

static int nt_perform(billtap_response *resp, const billtap_request *req,
                      const billtap_transfer_options *opts, void *payload)
{
	(void)payload;
	env->resp = resp;
	env->const_req = req;
	env->transfer_options = opts;
	run_here(NT_PHASE_PERFORM);
	env->resp = NULL;
	env->const_req = NULL;
	env->transfer_options = NULL;
	billtap_response_set_status(resp, 200);
	billtap_response_add_header(resp, "Content-Type", 12, "application/json", 16);
	return billtap_response_append_body(resp, "{}", 2);
}

static const billtap_transport nt_transport = {
	.version = BILLTAP_TRANSPORT_VERSION,
	.perform = nt_perform,
};

/* ---- the provider: one request, whose calls run the case ---- */

static int nt_stream_new(void **out, void *session, const billtap_stream_params *params,
                         billtap_ctx *ctx)
{
	(void)session;
	(void)params;
	(void)ctx;
	static int stream;
	*out = &stream;
	return 0;
}

static int nt_stream_request(billtap_request *req, void *stream, billtap_ctx *ctx)
{
	(void)stream;
	if (ran)
		return BILLTAP_ITEROVER;
	env->req = req;
	env->ctx = ctx;
	run_here(NT_PHASE_REQUEST);
	env->req = NULL;
	env->ctx = NULL;
	/* Whatever the case did to it, a request with a header and a body to read. */
	if (billtap_request_set_url(req, "http://127.0.0.1:1", "/v1/nullargs") < 0 ||
	    billtap_request_add_header(req, "X-Nullargs", "1") < 0 ||
	    billtap_request_set_body(req, "application/json", "{}", 2) < 0)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, "cannot build the request");
	return 0;
}

static int nt_stream_response(void *stream, const billtap_request *req,
                              const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	(void)stream;
	env->ctx = ctx;
	env->sink = sink;
	env->const_req = req;
	env->const_resp = resp;
	run_here(NT_PHASE_RESPONSE);
	/* Mappers need the call's context: finish them while it is valid. */
	billtap_record *rec;
	if (env->map_begun && billtap_map_end(&rec, &env->map) == 0)
		billtap_record_free(rec);
	if (env->plan_map_begun && billtap_map_end(&rec, &env->plan_map) == 0)
		billtap_record_free(rec);
	if (env->map_out.version == BILLTAP_MAP_VERSION) {
		if (env->map_out.owns_rec) {
			if (billtap_map_end(&rec, &env->map_out) == 0)
				billtap_record_free(rec);
		} else {
			billtap_map_end(NULL, &env->map_out);
		}
	}
	env->map_begun = env->plan_map_begun = 0;
	env->map_out.version = 0;
	env->ctx = NULL;
	env->sink = NULL;
	env->const_req = NULL;
	env->const_resp = NULL;
	return 0;
}

static void nt_stream_free(void *stream)
{
	(void)stream;
}

static const billtap_setting_def nt_settings[] = {
	BILLTAP_SETTING("s", 0u, "text", 0, 0, "a setting for the cases to read"),
	BILLTAP_SETTINGS_END,
};

static billtap_provider provider_named(const char *name)
{
	billtap_provider p = BILLTAP_PROVIDER_INIT;
	p.name = name;
	p.display_name = "NULL arguments";
	p.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS);
	p.settings = nt_settings;
	p.stream_new = nt_stream_new;
	p.stream_request = nt_stream_request;
	p.stream_response = nt_stream_response;
	p.stream_free = nt_stream_free;
	return p;
}

/* ---- the makers ---- */

billtap_client *nt_client(nt_env *e)
{
	if (!e->client)
		ck_assert_int_eq(billtap_client_new(&e->client, "nullargs", nt_client_options(e)), 0);
	return e->client;
}

const billtap_client_options *nt_client_options(nt_env *e)
{
	billtap_client_options o = BILLTAP_CLIENT_OPTIONS_INIT;
	o.transport = &nt_transport;
	e->client_options = o;
	return &e->client_options;
}

billtap_iter *nt_iter(nt_env *e)
{
	if (!e->iter)
		ck_assert_int_eq(billtap_iter_new(&e->iter, nt_client(e), BILLTAP_RESOURCE_CUSTOMERS,
		                                  NULL), 0);
	return e->iter;
}

const billtap_iter_options *nt_iter_options(nt_env *e)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	e->iter_options = o;
	return &e->iter_options;
}

billtap_iter_metrics *nt_metrics(nt_env *e)
{
	e->metrics.version = BILLTAP_ITER_METRICS_VERSION;
	return &e->metrics;
}

const billtap_provider *nt_provider(nt_env *e)
{
	e->provider = provider_named("nullargs_reg");
	return &e->provider;
}

const char *nt_limiter_path(nt_env *e)
{
	if (!e->limiter_path[0])
		snprintf(e->limiter_path, sizeof e->limiter_path, "/tmp/billtap-nullargs-%ld.limiter",
		         (long)getpid());
	return e->limiter_path;
}

billtap_limiter *nt_limiter(nt_env *e)
{
#ifdef NT_EXPORTED_billtap_limiter_new
	if (!e->limiter_out)
		ck_assert_int_eq(billtap_limiter_new(&e->limiter_out, 10.0, 10.0), 0);
	return e->limiter_out;
#else
	(void)e;
	ck_abort_msg("billtap_limiter_new is not exported: no limiter to pass");
	return NULL;
#endif
}

billtap_json *nt_doc(nt_env *e)
{
	if (!e->doc) {
		ck_assert_int_eq(billtap_json_new(&e->doc), 0);
		ck_assert_int_eq(billtap_json_parse(e->doc, doc_text, sizeof doc_text - 1), 0);
	}
	return e->doc;
}

billtap_json_ref nt_root(nt_env *e)
{
	return billtap_json_root(nt_doc(e));
}

billtap_json_ref nt_member(nt_env *e, const char *key)
{
	billtap_json_ref ref = billtap_json_get(nt_doc(e), nt_root(e), key);
	ck_assert_msg(ref != BILLTAP_JSON_NONE, "no member %s", key);
	return ref;
}

billtap_json_ref nt_first(nt_env *e)
{
	return billtap_json_first(nt_doc(e), nt_root(e));
}

static billtap_json_writer *writer_with(nt_env *e, int object)
{
	ck_assert_ptr_null(e->writer);
	ck_assert_int_eq(billtap_json_writer_new(&e->writer), 0);
	ck_assert_int_eq(object ? billtap_json_write_object_begin(e->writer)
	                        : billtap_json_write_array_begin(e->writer), 0);
	return e->writer;
}

billtap_json_writer *nt_writer(nt_env *e)
{
	return e->writer ? e->writer : writer_with(e, 0);
}

billtap_json_writer *nt_writer_in_object(nt_env *e)
{
	return writer_with(e, 1);
}

const billtap_json_writer *nt_writer_done(nt_env *e)
{
	billtap_json_writer *w = writer_with(e, 0);
	ck_assert_int_eq(billtap_json_write_array_end(w), 0);
	return w;
}

static billtap_record *customer(void)
{
	billtap_record *r;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER), 0);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_ID, "cus_1", 5), 0);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, 1714521600), 0);
	ck_assert_int_eq(billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0), 0);
	return r;
}

static billtap_record *subscription(void)
{
	billtap_record *r, *item;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_SUBSCRIPTION), 0);
	ck_assert_int_eq(billtap_record_set_str(r, BILLTAP_FIELD_ID, "sub_1", 5), 0);
	ck_assert_int_eq(billtap_record_add_item(&item, r), 0);
	ck_assert_int_eq(billtap_record_set_str(item, BILLTAP_FIELD_ID, "si_1", 4), 0);
	return r;
}

billtap_record *nt_record(nt_env *e)
{
	if (!e->record)
		e->record = customer();
	return e->record;
}

billtap_record *nt_fresh_record(nt_env *e)
{
	(void)e;
	return customer();
}

billtap_record *nt_subscription(nt_env *e)
{
	if (!e->subscription)
		e->subscription = subscription();
	return e->subscription;
}

billtap_record *nt_subscription2(nt_env *e)
{
	if (!e->subscription2)
		e->subscription2 = subscription();
	return e->subscription2;
}

billtap_record *nt_fresh_item(nt_env *e)
{
	(void)e;
	billtap_record *r;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_SUBSCRIPTION_ITEM), 0);
	return r;
}

billtap_map *nt_map(nt_env *e)
{
	ck_assert_ptr_nonnull(e->ctx);
	if (!e->map_begun) {
		ck_assert_int_eq(billtap_map_begin(&e->map, BILLTAP_RECORD_CUSTOMER, "customer",
		                                   nt_doc(e), nt_root(e), "id", e->ctx), 0);
		e->map_begun = 1;
	}
	return &e->map;
}

billtap_map *nt_plan_map(nt_env *e)
{
	ck_assert_ptr_nonnull(e->ctx);
	if (!e->plan_map_begun) {
		ck_assert_int_eq(billtap_map_begin(&e->plan_map, BILLTAP_RECORD_PLAN, "plan",
		                                   nt_doc(e), nt_root(e), "id", e->ctx), 0);
		e->plan_map_begun = 1;
	}
	return &e->plan_map;
}

billtap_map *nt_priced_map(nt_env *e)
{
	billtap_map *m = nt_plan_map(e);
	ck_assert_int_eq(billtap_map_currency(m, "cur", NULL), 0);
	return m;
}

/* ---- running a case ---- */

static void register_once(void)
{
	static int done;
	static billtap_provider p;
	char error[256];
	if (done)
		return;
	p = provider_named("nullargs");
	ck_assert_msg(billtap_provider_register(&p, NULL, NULL, error, sizeof error) == 0, "%s",
	              error);
	done = 1;
}

static void free_env(nt_env *e)
{
	billtap_iter_free(e->iter);
	billtap_iter_free(e->iter_out);
	billtap_client_free(e->client);
	billtap_client_free(e->client_out);
	billtap_json_free(e->doc);
	billtap_json_free(e->json_out);
	billtap_json_writer_free(e->writer);
	billtap_json_writer_free(e->writer_out);
	billtap_record_free(e->record);
	billtap_record_free(e->subscription);
	billtap_record_free(e->subscription2);
	billtap_record_free(e->record_out);
	free(e->str_out);
#ifdef NT_EXPORTED_billtap_limiter_free
	billtap_limiter_free(e->limiter_out);
#endif
	if (e->limiter_path[0])
		unlink(e->limiter_path);
	/* A case that registered the second provider (a NULL the header allows). */
	billtap_provider_unregister("nullargs_reg");
}

START_TEST(null_argument)
{
	const nt_case *c = &nt_cases[_i];
	nt_env *e = calloc(1, sizeof *e);
	ck_assert_ptr_nonnull(e);
	register_once();
	/* Names the case in the log too: a leak or a sanitizer report ends the child early,
	 * and Check then reports only its exit status. */
	fprintf(stderr, "case %d: %s\n", _i, c->label);
	env = e;
	current = c;
	ran = 0;
	if (c->phase == NT_PHASE_HOST) {
		run_here(NT_PHASE_HOST);
	} else {
		billtap_iter *it;
		const billtap_record *rec;
		ck_assert_int_eq(billtap_iter_new(&it, nt_client(e), BILLTAP_RESOURCE_CUSTOMERS, NULL),
		                 0);
		int rc;
		while ((rc = billtap_iter_next(&rec, it)) == 0)
			;
		ck_assert_msg(rc == BILLTAP_ITEROVER, "%s: the iteration failed: %s", c->label,
		              billtap_client_error_message(nt_client(e)));
		billtap_iter_free(it);
	}
	ck_assert_msg(ran, "%s: the engine never made the call the case runs in", c->label);
	current = NULL;
	free_env(e);
	free(e);
	env = NULL;
}
END_TEST

static Suite *null_suite(void)
{
	Suite *s = suite_create("nullargs");
	TCase *tc = tcase_create("null_argument");
	/* NULLARGS_ONLY=billtap_json_get runs the cases whose label holds that text. */
	const char *only = getenv("NULLARGS_ONLY");
	for (size_t i = 0; i < nt_case_count; i++)
		if (!only || strstr(nt_cases[i].label, only))
			tcase_add_loop_test(tc, null_argument, (int)i, (int)i + 1);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(null_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
