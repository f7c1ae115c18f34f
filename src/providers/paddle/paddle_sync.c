/*
 * Marks and incremental passes (docs/providers/paddle.md, "Incremental passes"). Paddle
 * filters transactions by updated_at ([GTE] and the like, RFC 3339) and sorts them by it;
 * nothing else it lists can be filtered by a change time, and it deletes nothing it lists
 * (customers and prices are archived, subscriptions canceled, transactions canceled).
 *
 * Invoices and transactions (BILLTAP_SYNC_UPDATED): a pass that ends with a sync token
 * first asks for the newest change (order_by=updated_at[DESC], per_page=1): its
 * updated_at, N, to the second. A pass of changes from "s:N" reads the transactions with
 * updated_at[GTE]=N (the second of N again: at least once across passes) and, for
 * transactions, every adjustment again (adjustments have no date filter), and ends with
 * its own probe's "s:N'".
 *
 * Token grammar: "L:<after>" a full pass's mark (L the list, <after> the id its next page
 * starts after, empty for the first page); "f:<N>:L:<after>" inside a full pass with the
 * flag; "c:<from>:<N>:L:<after>" inside a pass of changes; "s:<N>" the final mark.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paddle.h"

/* A decimal int64 of at most 12 digits, then ':'; *next after the ':'. */
static int read_time(int64_t *out, const char *p, const char **next)
{
	size_t n = strspn(p, "0123456789");
	if (n == 0 || n > 12 || p[n] != ':')
		return -1;
	*out = strtoll(p, NULL, 10);
	*next = p + n + 1;
	return 0;
}

/* "L:<after>": the list and the id its next page starts after. */
static int read_place(pd_stream *s, const char *p)
{
	if (p[0] < '0' || p[0] >= '0' + s->res->n_lists || p[1] != ':' || strlen(p + 2) > 128)
		return -1;
	s->list = p[0] - '0';
	if (p[2] && !(s->after = strdup(p + 2)))
		return BILLTAP_ENOMEM;
	return 0;
}

int pd_sync_resume(pd_stream *s, const char *resume, billtap_ctx *ctx)
{
	const char *p = resume + 2;
	int rc = -1;
	if (!s->incremental) {
		rc = read_place(s, resume);
	} else if (strncmp(resume, "s:", 2) == 0) {
		size_t n = strspn(p, "0123456789");
		if (n > 0 && n <= 12 && !p[n]) {
			s->from = strtoll(p, NULL, 10);
			s->changes = s->probing = 1;
			rc = 0;
		}
	} else if (strncmp(resume, "f:", 2) == 0) {
		if (read_time(&s->newest, p, &p) == 0)
			rc = read_place(s, p);
	} else if (strncmp(resume, "c:", 2) == 0) {
		if (read_time(&s->from, p, &p) == 0 && read_time(&s->newest, p, &p) == 0)
			rc = read_place(s, p);
		s->changes = 1;
	}
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc < 0)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, "checkpoint position is not one this stream makes");
	return 0;
}

int pd_sync_mark(char **out, const pd_stream *s, int list, const char *after)
{
	size_t n = (after ? strlen(after) : 0) + 64;
	*out = NULL;
	if (list >= s->res->n_lists && !s->incremental)
		return 0; /* the end of a full pass: nothing to resume */
	if (!(*out = malloc(n)))
		return BILLTAP_ENOMEM;
	if (list >= s->res->n_lists)
		snprintf(*out, n, "s:%" PRId64, s->newest);
	else if (!s->incremental)
		snprintf(*out, n, "%d:%s", list, after ? after : "");
	else if (!s->changes)
		snprintf(*out, n, "f:%" PRId64 ":%d:%s", s->newest, list, after ? after : "");
	else
		snprintf(*out, n, "c:%" PRId64 ":%" PRId64 ":%d:%s", s->from, s->newest, list, after ? after : "");
	return 0;
}

int pd_sync_probe_request(billtap_request *req, const pd_stream *s)
{
	const pd_list *l = &s->res->lists[0];
	int rc = billtap_request_set_url(req, s->origin, l->path);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "per_page", "1")) < 0 ||
	       (rc = billtap_request_add_query(req, "order_by", "updated_at[DESC]")) < 0 ||
	       (rc = pd_add_fixed(req, l->fixed)) < 0);
	return rc;
}

int pd_sync_probe_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                           billtap_ctx *ctx)
{
	billtap_json_ref data = billtap_json_get(s->doc, billtap_json_root(s->doc), "data");
	billtap_json_ref first = billtap_json_first(s->doc, data);
	int64_t newest = 0;
	int rc = billtap_json_typeof(s->doc, data) == BILLTAP_JSON_ARRAY ? 0 : BILLTAP_EDATA;
	if (rc == 0 && first != BILLTAP_JSON_NONE)
		rc = billtap_json_time(&newest, s->doc, billtap_json_get(s->doc, first, "updated_at"));
	if (rc < 0 || newest < 0)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "the newest change is not a data array whose first entry has an "
		                              "updated_at time");
	s->newest = newest;
	s->probing = 0;
	return 0;
}

int pd_sync_add_filter(billtap_request *req, const pd_stream *s)
{
	char at[40];
	time_t t = (time_t)s->from;
	struct tm tm;
	if (!s->changes || s->list != 0 || s->from <= 0)
		return 0;
	if (!gmtime_r(&t, &tm) || !strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return BILLTAP_EINVAL;
	return billtap_request_add_query(req, "updated_at[GTE]", at);
}
