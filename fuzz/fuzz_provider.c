/*
 * libFuzzer target for a provider's response parsing (built once per built-in provider,
 * FUZZ_PROVIDER naming it): arbitrary bytes become the answers to the requests the
 * provider makes, through a host transport, so they reach the provider exactly as a
 * server's would (session, stream, classification, records, checkpoints).
 *
 * Input: the first byte picks the resource (its billtap_resource value when the provider
 * lists it, else the provider's resources in order, modulo their count); the rest is a
 * series of response bodies separated by 0x1E (ASCII record separator, which no JSON text
 * holds outside a string, where it is invalid anyway). Request k is answered with body k,
 * HTTP 200 unless the body starts with 0x1D and a byte choosing an error status (so the
 * providers' error envelopes are read too: see statuses[]); once they run out, requests
 * fail as a network error would, which ends the iteration.
 * Every record returned is read through every accessor, copied and freed; then the
 * checkpoint is taken and a new iterator is made from it.
 *
 * Environment (read once): BILLTAP_FUZZ_SETTINGS, "key=value ..." applied after the
 * defaults (every required setting "fuzz-value", URL settings http://127.0.0.1:9, no retry
 * wait), e.g. PayPal's history_start; BILLTAP_FUZZ_NOW, the client's clock (Unix
 * seconds, default 1712000000, 2024-04-01); BILLTAP_FUZZ_VERBOSE, when set, prints what
 * each input gave (to check that seeds reach records). Any crash, sanitizer report or
 * abort() is a finding.
 */
#include <billtap/provider.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "scripted_client.h"

#ifndef FUZZ_PROVIDER
#error "FUZZ_PROVIDER must name the provider"
#endif

#define BODY_SEPARATOR 0x1e
#define STATUS_MARK 0x1d
/* The statuses a body may choose (STATUS_MARK, index): the ones services answer. */
static const int statuses[] = { 200, 400, 401, 402, 403, 404, 409, 422, 429, 500, 502, 503 };
/* Records read per input at most: enough for any seed, a bound for odd streams. */
#define MAX_RECORDS 10000

typedef struct script {
	const uint8_t *data;
	size_t size, at; /* the next body starts at data[at]; at > size: none left */
} script;

static int perform(billtap_response *resp, const billtap_request *req,
                   const billtap_transfer_options *opts, void *payload)
{
	(void)req;
	(void)opts;
	script *s = payload;
	if (s->at > s->size) {
		billtap_response_set_error(resp, "fuzz: no answers left");
		return BILLTAP_ENETWORK;
	}
	const uint8_t *start = s->data + s->at;
	const uint8_t *end = memchr(start, BODY_SEPARATOR, s->size - s->at);
	size_t len = end ? (size_t)(end - start) : s->size - s->at;
	s->at += len + 1;
	int status = 200;
	if (len >= 2 && start[0] == STATUS_MARK) {
		status = statuses[start[1] % (sizeof statuses / sizeof statuses[0])];
		start += 2;
		len -= 2;
	}
	if (billtap_response_set_status(resp, status) != 0 ||
	    billtap_response_add_header(resp, "Content-Type", 12, "application/json", 16) != 0)
		return BILLTAP_ENOMEM;
	return billtap_response_append_body(resp, (const char *)start, len);
}

static int64_t fixed_now;

static int64_t fuzz_clock(void *payload)
{
	(void)payload;
	return fixed_now;
}

static const char *extra_settings;
static int verbose;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *now = getenv("BILLTAP_FUZZ_NOW");
	fixed_now = now ? strtoll(now, NULL, 10) : 1712000000;
	extra_settings = getenv("BILLTAP_FUZZ_SETTINGS");
	verbose = getenv("BILLTAP_FUZZ_VERBOSE") != NULL;
	CHECK(billtap_global_init() == 0);
	uint64_t mask = 0;
	CHECK(billtap_provider_describe(NULL, &mask, NULL, FUZZ_PROVIDER) == 0 && mask != 0);
	return 0;
}

static void configure(billtap_client *c)
{
	const char *name;
	unsigned int flags;
	for (size_t i = 0; billtap_provider_setting(&name, &flags, NULL, NULL, NULL, NULL,
	                                            FUZZ_PROVIDER, i) == 0; i++) {
		if (flags & BILLTAP_SETTING_URL)
			CHECK(billtap_client_set(c, name, "http://127.0.0.1:9") == 0);
		else if (flags & BILLTAP_SETTING_REQUIRED)
			CHECK(billtap_client_set(c, name, "fuzz-value") == 0);
	}
	CHECK(billtap_client_set(c, "max_retries", "1") == 0);
	CHECK(billtap_client_set(c, "retry_base_ms", "0") == 0);
	CHECK(billtap_client_set(c, "retry_max_ms", "0") == 0);
	if (!extra_settings)
		return;
	char *copy = strdup(extra_settings);
	CHECK(copy != NULL);
	for (char *save = NULL, *kv = strtok_r(copy, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(kv, '=');
		CHECK(eq != NULL);
		*eq = '\0';
		if (billtap_client_set(c, kv, eq + 1) != 0) {
			fprintf(stderr, "BILLTAP_FUZZ_SETTINGS: %s\n", billtap_client_error_message(c));
			abort();
		}
	}
	free(copy);
}

static billtap_resource pick_resource(uint8_t byte)
{
	uint64_t mask = 0;
	billtap_provider_describe(NULL, &mask, NULL, FUZZ_PROVIDER);
	if (byte < 64 && (mask & BILLTAP_RESOURCE_BIT(byte)))
		return (billtap_resource)byte;
	int listed[64], n = 0;
	for (int r = 1; r < 64; r++)
		if (mask & BILLTAP_RESOURCE_BIT(r))
			listed[n++] = r;
	return (billtap_resource)listed[byte % n];
}

/* Reads a record every way a host can; what must hold does. */
static void read_record(const billtap_record *r, int nested)
{
	billtap_record_kind kind = billtap_record_kind_of(r);
	CHECK(kind != 0);
	const char *id = billtap_record_id(r);
	CHECK(nested || id != NULL);
	size_t len = 0;
	const char *json = billtap_record_json(r, &len);
	CHECK(json != NULL && len == strlen(json) && json[0] == '{' && json[len - 1] == '}');
	billtap_record_raw_json(r, &len);
	billtap_field fields[64];
	int n = billtap_record_kind_fields(fields, 64, kind);
	CHECK(n > 0 && n <= 64);
	for (int i = 0; i < n; i++) {
		const char *s;
		int64_t v;
		int type = billtap_field_type_of(fields[i]);
		int rc = type == BILLTAP_TYPE_STRING ? billtap_record_get_str(&s, r, fields[i])
		                                     : billtap_record_get_int(&v, r, fields[i]);
		CHECK(rc == 0 || (rc == BILLTAP_ENOTFOUND && billtap_field_nullable(kind, fields[i])));
	}
	for (size_t i = 0; i < billtap_record_item_count(r); i++) {
		const billtap_record *item = billtap_record_item(r, i);
		CHECK(item != NULL);
		read_record(item, 1);
	}
	if (!nested) {
		billtap_record *copy;
		CHECK(billtap_record_dup(&copy, r) == 0);
		size_t copy_len;
		const char *copy_json = billtap_record_json(copy, &copy_len);
		CHECK(copy_json && copy_len == strlen(json) && memcmp(copy_json, json, copy_len) == 0);
		billtap_record_free(copy);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	script s = { data, size, 1 };
	billtap_transport t = BILLTAP_TRANSPORT_INIT;
	t.perform = perform;
	billtap_client_options o = BILLTAP_CLIENT_OPTIONS_INIT;
	o.transport = &t;
	o.transport_payload = &s;
	o.clock = fuzz_clock;
	billtap_client *c;
	CHECK(scripted_client_new(&c, FUZZ_PROVIDER, &o) == 0);
	configure(c);

	billtap_resource res = pick_resource(data[0]);
	billtap_iter *it;
	CHECK(billtap_iter_new(&it, c, res, NULL) == 0);
	const billtap_record *r;
	int rc = 0, n = 0;
	for (; n < MAX_RECORDS && (rc = billtap_iter_next(&r, it)) == 0; n++)
		read_record(r, 0);
	if (verbose)
		fprintf(stderr, "%s %s: %d records, then %s: %s\n", FUZZ_PROVIDER,
		        billtap_resource_name(res), n, billtap_strerror(rc),
		        billtap_client_error_message(c));
	CHECK(rc == 0 || rc == BILLTAP_ITEROVER || rc < 0);
	if (rc < 0) {
		/* An error always comes with a message and its code. */
		CHECK(billtap_client_error_code(c) == rc);
		CHECK(billtap_client_error_message(c)[0] != '\0');
	}
	/* The position after the last record resumes: the token parses in a new iterator. */
	const char *cp;
	CHECK(billtap_iter_checkpoint(&cp, it) == 0);
	char *token = strdup(cp);
	CHECK(token != NULL);
	billtap_iter_free(it);
	billtap_iter_options io = BILLTAP_ITER_OPTIONS_INIT;
	io.checkpoint = token;
	CHECK(billtap_iter_new(&it, c, res, &io) == 0);
	billtap_iter_free(it);
	free(token);
	billtap_client_free(c);
	return 0;
}
