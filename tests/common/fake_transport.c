#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "testutil.h"

static char *all_headers(const billtap_request *req)
{
	size_t cap = 1;
	for (size_t i = 0; i < billtap_request_header_count(req); i++) {
		const char *n, *v;
		billtap_request_header(&n, &v, req, i);
		cap += strlen(n) + strlen(v) + 3;
	}
	char *out = malloc(cap);
	ck_assert_ptr_nonnull(out);
	out[0] = '\0';
	for (size_t i = 0; i < billtap_request_header_count(req); i++) {
		const char *n, *v;
		billtap_request_header(&n, &v, req, i);
		strcat(out, n);
		strcat(out, ": ");
		strcat(out, v);
		strcat(out, "\n");
	}
	return out;
}

const char *fake_header(fake_transport *f, size_t call, const char *name)
{
	free(f->scratch);
	f->scratch = NULL;
	if (call >= f->calls || call >= FAKE_MAX_CALLS)
		return NULL;
	size_t n = strlen(name);
	for (const char *line = f->headers[call]; line && *line;) {
		const char *end = strchr(line, '\n');
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			f->scratch = strndup(line + n + 2, (size_t)(end - line) - n - 2);
			return f->scratch;
		}
		line = end + 1;
	}
	return NULL;
}

static int fake_perform(billtap_response *resp, const billtap_request *req,
                        const billtap_transfer_options *opts, void *payload)
{
	fake_transport *f = payload;
	f->timeout_ms = opts->timeout_ms;
	f->connect_timeout_ms = opts->connect_timeout_ms;
	free(f->user_agent);
	free(f->ca_file);
	free(f->ca_path);
	f->user_agent = strdup(opts->user_agent);
	f->ca_file = opts->ca_file ? strdup(opts->ca_file) : NULL;
	f->ca_path = opts->ca_path ? strdup(opts->ca_path) : NULL;
	if (f->calls < FAKE_MAX_CALLS) {
		f->urls[f->calls] = strdup(billtap_request_url(req));
		f->headers[f->calls] = all_headers(req);
	}
	f->calls++;
	if (f->next >= f->step_count) {
		billtap_response_set_error(resp, "fake transport: script exhausted");
		return BILLTAP_ENETWORK;
	}
	const fake_step *s = &f->steps[f->next++];
	if (s->status < 0) {
		atomic_store(&f->blocking, 1);
		while (!billtap_transfer_canceled(opts)) {
			struct timespec ts = { 0, 1000000L };
			nanosleep(&ts, NULL);
		}
		f->saw_cancel = 1;
		billtap_response_set_error(resp, "fake transport: canceled");
		return BILLTAP_ECANCELED;
	}
	if (!s->status) {
		billtap_response_set_error(resp, "fake transport: scripted failure");
		return s->error;
	}
	billtap_response_set_status(resp, s->status);
	for (const char *h = s->headers; h && *h;) {
		const char *end = strchr(h, '\n');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		const char *colon = memchr(h, ':', len);
		if (colon)
			billtap_response_add_header(resp, h, (size_t)(colon - h), colon + 1,
			                            len - (size_t)(colon - h) - 1);
		h += len + (end ? 1 : 0);
	}
	if (s->body)
		billtap_response_append_body(resp, s->body, strlen(s->body));
	return 0;
}

const billtap_transport fake_transport_vtable = { BILLTAP_TRANSPORT_VERSION, fake_perform, NULL,
	                                           NULL, NULL, NULL };

billtap_client *fake_client(fake_transport *f, const char *provider)
{
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_transport_vtable;
	opts.transport_payload = f;
	billtap_client *c;
	ck_assert_int_eq(scripted_client_new(&c, provider, &opts), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	return c;
}

void fake_add(fake_transport *f, int status, const char *headers, const char *body)
{
	ck_assert_uint_lt(f->step_count, FAKE_MAX_STEPS);
	fake_step *s = &f->steps[f->step_count++];
	memset(s, 0, sizeof *s);
	s->status = status;
	s->headers = headers;
	s->body = body;
}

void fake_add_fixture(fake_transport *f, int status, const char *headers, const char *name)
{
	size_t len;
	char *body = load_fixture(name, &len);
	fake_add(f, status, headers, body);
	f->steps[f->step_count - 1].owned_body = body;
}

void fake_fail(fake_transport *f, int error)
{
	fake_add(f, 0, NULL, NULL);
	f->steps[f->step_count - 1].error = error;
}

void fake_block_until_canceled(fake_transport *f)
{
	fake_add(f, -1, NULL, NULL);
}

void fake_reset(fake_transport *f)
{
	free(f->user_agent);
	free(f->ca_file);
	free(f->ca_path);
	for (size_t i = 0; i < f->step_count; i++)
		free(f->steps[i].owned_body);
	for (size_t i = 0; i < f->calls && i < FAKE_MAX_CALLS; i++) {
		free(f->urls[i]);
		free(f->headers[i]);
	}
	free(f->scratch);
	memset(f, 0, sizeof *f);
}

char *load_fixture(const char *name, size_t *len)
{
	const char *dir = getenv("BILLTAP_FIXTURES");
	const char *slash = strchr(name, '/');
	ck_assert_msg(slash != NULL, "fixture %s is not PROVIDER/FILE", name);
	char path[1024];
	snprintf(path, sizeof path, "%s/%.*s/tests/fixtures/%s", dir ? dir : "src/providers",
	         (int)(slash - name), name, slash + 1);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "fixture %s not found", path);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}
