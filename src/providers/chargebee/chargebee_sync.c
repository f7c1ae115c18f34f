/*
 * Incremental passes (docs/providers/chargebee.md, "Incremental passes"): Chargebee has no
 * change feed billtap reads, but every list takes updated_at[after|before] with
 * sort_by[asc]=updated_at, and include_deleted=true shows deleted records (deleted: true).
 *
 * A pass that ends with a sync token first asks for the newest change of the list
 * (sort_by[desc]=updated_at, limit=1): its updated_at N. A pass of changes from the token
 * "s:N" reads updated_at from N (inclusive: the second of N again, at least once) up to
 * its own newest N' (inclusive), and ends with "s:N'". A record changed after a pass's
 * probe has an updated_at of N' or later and comes in the next pass.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

/* A decimal int64 of at most 12 digits ending at `end` (':' or NUL); *next after it. */
static int read_time(int64_t *out, const char *p, const char **next)
{
	char *end;
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 12)
		return -1;
	*out = strtoll(p, &end, 10);
	*next = end;
	return 0;
}

int cb_sync_resume(cb_stream *s, const char *resume, int incremental, billtap_ctx *ctx)
{
	const char *p = resume + 2, *offset = NULL;
	int ok = 0;
	if (!incremental && strncmp(resume, "o:", 2) == 0) {
		offset = p;
		ok = *offset != '\0';
	} else if (incremental && strncmp(resume, "s:", 2) == 0) {
		ok = read_time(&s->from, p, &p) == 0 && *p == '\0';
		s->changes = s->probing = 1;
	} else if (incremental && strncmp(resume, "f:", 2) == 0) {
		ok = read_time(&s->newest, p, &p) == 0 && *p == ':' && p[1];
		offset = p + 1;
	} else if (incremental && strncmp(resume, "c:", 2) == 0) {
		ok = read_time(&s->from, p, &p) == 0 && *p == ':' && read_time(&s->newest, p + 1, &p) == 0 &&
		     *p == ':' && p[1];
		offset = p + 1;
		s->changes = 1;
	}
	if (!ok)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
		                         "checkpoint position is not one this stream makes");
	if (offset && !(s->offset = strdup(offset)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	return 0;
}

int cb_sync_mark(char **out, const cb_stream *s, const char *next)
{
	size_t n = (next ? strlen(next) : 0) + 64;
	*out = NULL;
	if (!next && !s->incremental)
		return 0;
	if (!(*out = malloc(n)))
		return BILLTAP_ENOMEM;
	if (!next)
		snprintf(*out, n, "s:%" PRId64, s->newest);
	else if (!s->incremental)
		snprintf(*out, n, "o:%s", next);
	else if (!s->changes)
		snprintf(*out, n, "f:%" PRId64 ":%s", s->newest, next);
	else
		snprintf(*out, n, "c:%" PRId64 ":%" PRId64 ":%s", s->from, s->newest, next);
	return 0;
}

int cb_sync_probe_request(billtap_request *req, const cb_stream *s)
{
	int rc = billtap_request_set_url(req, s->origin, s->list->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "limit", "1")) < 0 ||
	       (rc = billtap_request_add_query(req, "sort_by[desc]", "updated_at")) < 0);
	if (rc == 0 && s->list->deletable)
		rc = billtap_request_add_query(req, "include_deleted", "true");
	return rc;
}

int cb_sync_probe_response(cb_stream *s, const billtap_request *req, const billtap_response *resp,
                           billtap_ctx *ctx)
{
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "list");
	billtap_json_ref first = billtap_json_first(s->doc, list);
	int64_t newest = 0;
	int rc = billtap_json_typeof(s->doc, list) == BILLTAP_JSON_ARRAY ? 0 : BILLTAP_EDATA;
	if (rc == 0 && first != BILLTAP_JSON_NONE) {
		billtap_json_ref obj = billtap_json_get(s->doc, first, s->list->wrapper);
		rc = billtap_json_integer(&newest, s->doc, billtap_json_get(s->doc, obj, "updated_at"), 0);
	}
	if (rc < 0 || newest < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "the newest change is not a list whose first entry has an "
		                              "updated_at (Unix seconds)");
	s->newest = newest;
	s->probing = 0;
	return 0;
}

int cb_sync_add_bounds(billtap_request *req, const cb_stream *s)
{
	char at[24];
	int rc = 0;
	if (s->from > 0) {
		snprintf(at, sizeof at, "%" PRId64, s->from - 1);
		rc = billtap_request_add_query(req, "updated_at[after]", at);
	}
	snprintf(at, sizeof at, "%" PRId64, s->newest + 1);
	if (rc == 0)
		rc = billtap_request_add_query(req, "updated_at[before]", at);
	if (rc == 0 && s->list->deletable)
		rc = billtap_request_add_query(req, "include_deleted", "true");
	return rc;
}

int cb_sync_is_deleted(const billtap_json *doc, billtap_json_ref obj)
{
	int deleted = 0;
	return (billtap_json_bool(&deleted, doc, billtap_json_get(doc, obj, "deleted")) == 0 && deleted) ||
	       billtap_json_str_eq(doc, billtap_json_get(doc, obj, "status"), "deleted") == 1;
}
