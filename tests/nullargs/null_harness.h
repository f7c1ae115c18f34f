/*
 * The NULL-argument test's harness: valid arguments for the generated cases
 * (gen_null_tests.py writes null_cases.c from the public headers), and the engine calls a
 * case runs in when it needs a context, sink, request or response.
 *
 * Every nt_*() maker builds its object on first use within a case and the harness frees it
 * afterwards, together with whatever a call stored in an out-parameter; so a case leaks only
 * when the library does, which the ASan build reports.
 */
#ifndef BILLTAP_TESTS_NULL_HARNESS_H
#define BILLTAP_TESTS_NULL_HARNESS_H

#include <billtap/provider_kit.h>

/* Where a case runs: in the test itself, or inside the engine call that hands out the
 * objects it needs (the harness's provider and transport). */
typedef enum nt_phase {
	NT_PHASE_HOST,
	NT_PHASE_REQUEST,  /* stream_request: a fresh billtap_request, the ctx */
	NT_PHASE_PERFORM,  /* the transport's perform: the response to fill, the transfer options */
	NT_PHASE_RESPONSE  /* stream_response: ctx, sink, the request and its response */
} nt_phase;

#define NT_NAMES 64
#define NT_FIELDS 64

typedef struct nt_env {
	/* The engine's objects while the case runs in their call, else NULL. */
	billtap_ctx *ctx;
	billtap_sink *sink;
	billtap_request *req;
	const billtap_request *const_req;
	billtap_response *resp;
	const billtap_response *const_resp;
	const billtap_transfer_options *transfer_options;

	/* Made on first use (nt_*()), freed after the case. */
	billtap_client *client;
	billtap_iter *iter;
	billtap_json *doc;
	billtap_json_writer *writer;
	billtap_record *record, *subscription, *subscription2;
	billtap_map map, plan_map;
	int map_begun, plan_map_begun;
	billtap_client_options client_options;
	billtap_iter_options iter_options;
	billtap_provider provider;
	billtap_iter_metrics metrics;
	char limiter_path[64];

	/* Out-parameters; what a call stored in them is freed after the case. */
	billtap_client *client_out;
	billtap_iter *iter_out;
	billtap_json *json_out;
	billtap_json_writer *writer_out;
	billtap_record *record_out;
	const billtap_record *const_record_out;
	billtap_limiter *limiter_out;
	billtap_map map_out;
	billtap_client_options client_options_out;
	billtap_iter_options iter_options_out;
	billtap_provider provider_out;
	char *str_out;
	const char *cstr_out;
	int int_out;
	int64_t i64_out;
	uint64_t u64_out;
	unsigned int uint_out;
	size_t size_out;
	billtap_field field_out;
	billtap_resource resource_out;
	billtap_record_kind kind_out;
	billtap_sync_method sync_out;
	char currency_out[4];
	char buf[256];
	const char *names[NT_NAMES];
	billtap_field fields[NT_FIELDS];
} nt_env;

typedef struct nt_case {
	void (*run)(nt_env *e);
	nt_phase phase;
	const char *label; /* "billtap_client_set(key = NULL)" */
} nt_case;

extern const nt_case nt_cases[];
extern const size_t nt_case_count;

/* The provider the harness registers ("nullargs") and the one a case may register. */
billtap_client *nt_client(nt_env *e);
const billtap_client_options *nt_client_options(nt_env *e);
billtap_iter *nt_iter(nt_env *e);
const billtap_iter_options *nt_iter_options(nt_env *e);
billtap_iter_metrics *nt_metrics(nt_env *e);
const billtap_provider *nt_provider(nt_env *e);
billtap_limiter *nt_limiter(nt_env *e);
const char *nt_limiter_path(nt_env *e);

/* {"id":"cus_1","s":"text","n":12,"b":true,"t":"2024-05-01T00:00:00Z","cur":"usd",
 *  "o":{"id":"x1"}} */
billtap_json *nt_doc(nt_env *e);
billtap_json_ref nt_root(nt_env *e);
billtap_json_ref nt_member(nt_env *e, const char *key);
billtap_json_ref nt_first(nt_env *e); /* the root's first key */

billtap_json_writer *nt_writer(nt_env *e);           /* inside an array */
billtap_json_writer *nt_writer_in_object(nt_env *e); /* inside an object, before a key */
const billtap_json_writer *nt_writer_done(nt_env *e); /* a finished document */

billtap_record *nt_record(nt_env *e);        /* a customer, owned by the harness */
billtap_record *nt_fresh_record(nt_env *e);  /* a customer for a call that takes it */
billtap_record *nt_subscription(nt_env *e);  /* with one item */
billtap_record *nt_subscription2(nt_env *e);
billtap_record *nt_fresh_item(nt_env *e);    /* a subscription item a call takes */

/* A mapper begun on the document's root. Only in
 * NT_PHASE_RESPONSE. */
billtap_map *nt_map(nt_env *e);
billtap_map *nt_plan_map(nt_env *e);   /* a plan, its currency not set yet */
billtap_map *nt_priced_map(nt_env *e); /* a plan with its currency */

extern const billtap_vocab nt_vocab[];
extern const char *const nt_paths[];
extern const char nt_missing_plugin[];
void nt_log(const billtap_log_event *event, void *payload);
void nt_destroy(void *payload);
int nt_exponent_of(const char *code);

#endif
