#include "fan_provider.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

fan_state fan;

/* A request the stream has out, oldest first: a list page or an item. */
typedef struct outstanding {
	int is_list;
	size_t index; /* list: the page; item: index in ids */
	uint64_t tag;
} outstanding;

typedef struct fan_stream {
	char *base_url;
	int list_page; /* the next page to ask for; 0 once the list is complete */
	int list_out;  /* that page was asked for */
	char (*ids)[8];
	size_t id_count, id_cap;
	size_t requested, handled; /* items asked for, and answered, in ids order */
	char resume_after[8];
	outstanding out[128];
	size_t out_count;
	uint64_t next_tag;
	int local_pending;
	billtap_json *doc;
} fan_stream;

void fan_id(char out[8], int i)
{
	snprintf(out, 8, "a%02d", i % 100);
}

void fan_world(const char *path, int *status, char *body, size_t cap)
{
	int page, item;
	if (sscanf(path, "/ids?page=%d", &page) == 1 && page >= 1) {
		size_t n = (size_t)snprintf(body, cap, "{\"ids\":[");
		for (int i = (page - 1) * FAN_PAGE + 1; i <= page * FAN_PAGE && i <= FAN_ITEMS; i++) {
			char id[8];
			fan_id(id, i);
			n += (size_t)snprintf(body + n, cap - n, "%s\"%s\"",
			                      i > (page - 1) * FAN_PAGE + 1 ? "," : "", id);
		}
		if (page * FAN_PAGE < FAN_ITEMS)
			snprintf(body + n, cap - n, "],\"next\":%d}", page + 1);
		else
			snprintf(body + n, cap - n, "],\"next\":null}");
		*status = 200;
	} else if (sscanf(path, "/items/a%d", &item) == 1 && item >= 1 && item <= FAN_ITEMS) {
		char id[8];
		fan_id(id, item);
		snprintf(body, cap, "{\"id\":\"%s\",\"created\":%d}", id, 1700000000 + item);
		*status = 200;
	} else {
		snprintf(body, cap, "{\"error\":\"no such path\"}");
		*status = 404;
	}
}

static int f_stream_new(void **out, void *session, const billtap_stream_params *p,
                        billtap_ctx *ctx)
{
	fan.stream_news++;
	fan.now_seen = billtap_ctx_now(ctx);
	fan_stream *s = calloc(1, sizeof *s);
	ck_assert_ptr_nonnull(s);
	if (p->resume && (strncmp(p->resume, "i:", 2) != 0 || strlen(p->resume) != 5)) {
		free(s);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "not a fan mark");
	}
	if (p->resume)
		memcpy(s->resume_after, p->resume + 2, 4);
	s->base_url = strdup(billtap_ctx_setting(ctx, "base_url"));
	s->list_page = 1;
	billtap_json_new(&s->doc);
	*out = s;
	return 0;
}

static void f_stream_free(void *p)
{
	fan_stream *s = p;
	billtap_json_free(s->doc);
	free(s->ids);
	free(s->base_url);
	free(s);
}

static int ask(billtap_request *req, fan_stream *s, billtap_ctx *ctx, int is_list, size_t index)
{
	char path[64];
	if (is_list)
		snprintf(path, sizeof path, "/ids?page=%zu", index);
	else
		snprintf(path, sizeof path, "/items/%s", s->ids[index]);
	char *q = strchr(path, '?');
	if (q)
		*q = '\0';
	int rc = billtap_request_set_url(req, s->base_url, path);
	if (rc == 0 && q)
		rc = billtap_request_add_query(req, "page", q + 6);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, "cannot build the request");
	ck_assert_uint_lt(s->out_count, sizeof s->out / sizeof s->out[0]);
	outstanding *o = &s->out[s->out_count++];
	o->is_list = is_list;
	o->index = index;
	o->tag = ++s->next_tag;
	billtap_request_set_tag(req, o->tag);
	if ((int)s->out_count > fan.max_outstanding)
		fan.max_outstanding = (int)s->out_count;
	return 0;
}

static int f_stream_request(billtap_request *req, void *p, billtap_ctx *ctx)
{
	fan_stream *s = p;
	fan.stream_requests++;
	if (s->local_pending)
		return BILLTAP_PROVIDER_LOCAL;
	int rc;
	if (s->list_page && !s->list_out) {
		if ((rc = ask(req, s, ctx, 1, (size_t)s->list_page)) == 0)
			s->list_out = 1;
		return rc;
	}
	if (s->requested < s->id_count) {
		if ((rc = ask(req, s, ctx, 0, s->requested)) == 0)
			s->requested++;
		return rc;
	}
	return s->out_count ? BILLTAP_PROVIDER_WAIT : BILLTAP_ITEROVER;
}

/* The engine dropped every request still out (after an error or a RETRY, the oldest
 * included): they will be asked for again, from the answers handled so far. */
static void rewind_requests(fan_stream *s)
{
	for (size_t i = 0; i < s->out_count; i++) {
		if (s->out[i].is_list)
			s->list_out = 0;
		else if (s->out[i].index < s->requested)
			s->requested = s->out[i].index;
	}
	s->out_count = 0;
}

static int list_answer(fan_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref ids = billtap_json_get(s->doc, root, "ids");
	for (billtap_json_ref r = billtap_json_first(s->doc, ids); r != BILLTAP_JSON_NONE;
	     r = billtap_json_next(s->doc, r)) {
		char id[8];
		size_t n;
		if (billtap_json_str_decode(id, sizeof id, &n, s->doc, r) < 0)
			return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL, "bad id");
		if (s->resume_after[0] && strcmp(id, s->resume_after) <= 0)
			continue;
		if (s->id_count == s->id_cap) {
			s->id_cap = s->id_cap ? s->id_cap * 2 : 16;
			s->ids = realloc(s->ids, s->id_cap * sizeof *s->ids);
			ck_assert_ptr_nonnull(s->ids);
		}
		memcpy(s->ids[s->id_count++], id, 8);
	}
	int64_t next;
	s->list_out = 0;
	s->list_page = billtap_json_int(&next, s->doc, billtap_json_get(s->doc, root, "next")) == 0
	                       ? (int)next
	                       : 0;
	return 0;
}

static int push_customer(billtap_sink *sink, const char *id, int64_t created)
{
	billtap_record *r;
	ck_assert_int_eq(billtap_record_new(&r, BILLTAP_RECORD_CUSTOMER), 0);
	billtap_record_set_str(r, BILLTAP_FIELD_ID, id, strlen(id));
	billtap_record_set_int(r, BILLTAP_FIELD_CREATED_AT, created);
	billtap_record_set_int(r, BILLTAP_FIELD_DELETED, 0);
	return billtap_sink_push(sink, r);
}

static int item_answer(fan_stream *s, size_t index, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	int64_t created;
	ck_assert(billtap_json_str_eq(s->doc, billtap_json_get(s->doc, root, "id"), s->ids[index]));
	ck_assert_int_eq(billtap_json_int(&created, s->doc, billtap_json_get(s->doc, root, "created")), 0);
	int rc = push_customer(sink, s->ids[index], created);
	if (rc < 0)
		return rc;
	int every = fan.mark_every > 0 ? fan.mark_every : 1;
	int number = atoi(s->ids[index] + 1);
	if (number % every == 0 || number == FAN_ITEMS) {
		char mark[16];
		snprintf(mark, sizeof mark, "i:%s", s->ids[index]);
		if ((rc = billtap_sink_mark(sink, mark)) < 0)
			return rc;
	}
	s->handled++;
	if (fan.local_every && number % fan.local_every == 0)
		s->local_pending = number;
	return 0;
}

static int f_stream_response(void *p, const billtap_request *req, const billtap_response *resp,
                             billtap_sink *sink, billtap_ctx *ctx)
{
	fan_stream *s = p;
	fan.stream_responses++;
	if (!req) {
		char id[16];
		snprintf(id, sizeof id, "L-a%02d", s->local_pending);
		s->local_pending = 0;
		return push_customer(sink, id, 1);
	}
	ck_assert_uint_gt(s->out_count, 0);
	outstanding o = s->out[0];
	if (billtap_request_tag(req) != o.tag)
		fan.out_of_order++;
	memmove(s->out, s->out + 1, --s->out_count * sizeof *s->out);
	int status = billtap_response_status(resp);
	if (status == 401 && fan.unauthorized) {
		fan.unauthorized--;
		fan.retries_asked++;
		s->out_count++; /* the oldest goes back too: it is asked for again */
		memmove(s->out + 1, s->out, (s->out_count - 1) * sizeof *s->out);
		s->out[0] = o;
		rewind_requests(s);
		return BILLTAP_PROVIDER_RETRY;
	}
	int rc;
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	if (status != 200)
		rc = billtap_ctx_http_error(ctx, billtap_http_status_error(status), req, resp,
		                            billtap_response_header(resp, "Request-Id"), NULL,
		                            "fan failed");
	else if (billtap_json_parse(s->doc, body, len) < 0)
		rc = billtap_ctx_http_error(ctx, BILLTAP_EPARSE, req, resp, NULL, NULL,
		                            billtap_json_error(s->doc));
	else
		rc = o.is_list ? list_answer(s, req, resp, ctx) : item_answer(s, o.index, sink, ctx);
	if (rc < 0) {
		/* Not advanced: this request and those behind it are asked for again. */
		s->out_count++;
		memmove(s->out + 1, s->out, (s->out_count - 1) * sizeof *s->out);
		s->out[0] = o;
		rewind_requests(s);
	}
	return rc;
}

static const billtap_setting_def fan_settings[] = {
	BILLTAP_SETTING("base_url", BILLTAP_SETTING_URL, "https://fan.example", 0, 0, "origin"),
	BILLTAP_SETTINGS_END,
};

static const billtap_provider fan_provider = {
	.version = BILLTAP_PROVIDER_VERSION,
	.name = "fan",
	.display_name = "Fan",
	.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS),
	.flags = BILLTAP_PROVIDER_CONCURRENT,
	.settings = fan_settings,
	.request_id_header = "Request-Id",
	.stream_new = f_stream_new,
	.stream_request = f_stream_request,
	.stream_response = f_stream_response,
	.stream_free = f_stream_free,
};

void fan_register(void)
{
	memset(&fan, 0, sizeof fan);
	fan.mark_every = 1;
	int rc = billtap_provider_register(&fan_provider, NULL, NULL, NULL, 0);
	ck_assert(rc == 0 || rc == BILLTAP_EINVAL); /* EINVAL: registered by an earlier test */
}
