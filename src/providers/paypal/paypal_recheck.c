/*
 * Transactions that change after their search window was read, for incremental passes.
 * PayPal lists a transaction under the time it began, but two things change it later:
 * a pending one (P) completes or is denied, and a payment fully refunded or reversed
 * turns V. A pass that searches only new windows would never see either, so:
 *
 *  - every transaction delivered pending is watched: its id and time travel in the sync
 *    token ("T1:<W>:<id>@<time>,..."), and the next pass searches that one second for that
 *    id (transaction_id filter) and delivers what it finds, until it is no longer pending;
 *  - a refund, reversal or chargeback seen by a pass that continues a sync token names its
 *    payment (parent_id): the pass looks the payment up, searching backwards from the
 *    refund's time in windows of 31 days for that id, and delivers it as it is now.
 *
 * Both are "rechecks", made after the windows; a transaction this pass delivered already
 * is not asked for again. Incremental passes mark "w:<start>:<length>:<c>:<rechecks>:
 * <watch>" before each window (c: 1 when the pass continues a sync token; rechecks "p" or
 * "r" then id@time; watch id@time): a resumed pass knows both lists again. Rechecks make
 * no marks: a pass resumed among them goes back to the last window, which gives the same
 * records again in the same order.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

/* The characters of ids a token can carry (PayPal's are letters and digits). */
static int id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* An id this file can put in a token, or BILLTAP_EDATA naming it. */
static int check_id(const char *id, billtap_ctx *ctx)
{
	size_t n = 0;
	while (id_char(id[n]))
		n++;
	if (n && !id[n] && n <= 64)
		return 0;
	char msg[200];
	snprintf(msg, sizeof msg,
	         "transaction id %.64s: not letters and digits as PayPal's are, so an incremental "
	         "pass cannot keep it in its sync token",
	         id);
	return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
}

/* Adds id@at to a list (ids once; the first time wins). 0 or BILLTAP_ENOMEM. */
static int list_add(pp_map *ids, int64_t **at, char **type, const char *id, size_t len,
                    int64_t when, char kind, billtap_ctx *ctx)
{
	if (pp_map_find(ids, id, len) != (size_t)-1)
		return 0;
	int64_t *a = realloc(*at, (ids->count + 1) * sizeof *a);
	if (!a)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	*at = a;
	if (type) {
		char *t = realloc(*type, ids->count + 1);
		if (!t)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		*type = t;
	}
	int added;
	size_t i = pp_map_add(ids, id, len, &added);
	if (i == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	a[i] = when;
	if (type)
		(*type)[i] = kind;
	return 0;
}

static int watch(pp_stream *s, const billtap_record *rec, billtap_ctx *ctx)
{
	const char *status, *id = billtap_record_id(rec);
	int64_t at;
	if (billtap_record_get_str(&status, rec, BILLTAP_FIELD_PROVIDER_STATUS) != 0 ||
	    strcmp(status, "P") != 0 || billtap_record_get_int(&at, rec, BILLTAP_FIELD_OCCURRED_AT) != 0)
		return 0;
	int rc = check_id(id, ctx);
	if (rc < 0)
		return rc;
	return list_add(&s->watch_ids, &s->watch_at, NULL, id, strlen(id), at, 0, ctx);
}

int pp_recheck_note(pp_stream *s, const billtap_record *rec, billtap_ctx *ctx)
{
	if (!s->incremental)
		return 0;
	int rc = watch(s, rec, ctx);
	if (rc < 0 || !s->continuing)
		return rc;
	const char *id = billtap_record_id(rec), *parent;
	int added;
	if (pp_map_add(&s->delivered, id, strlen(id), &added) == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	int64_t at;
	if (billtap_record_get_str(&parent, rec, BILLTAP_FIELD_PARENT_ID) != 0 ||
	    billtap_record_get_int(&at, rec, BILLTAP_FIELD_OCCURRED_AT) != 0)
		return 0;
	if ((rc = check_id(parent, ctx)) < 0)
		return rc;
	return list_add(&s->recheck_ids, &s->recheck_at, &s->recheck_type, parent, strlen(parent),
	                at, 'r', ctx);
}

int pp_recheck_pending(const pp_stream *s)
{
	return s->recheck_next < s->recheck_ids.count;
}

/* The oldest second PayPal's search still answers for (a day inside its three years). */
static int64_t oldest(billtap_ctx *ctx)
{
	return billtap_ctx_now(ctx) - (int64_t)PP_HISTORY_MAX_DAYS * 86400 + 86400;
}

/* Skips rechecks of transactions this pass delivered already, and of those whose search
 * would lie beyond PayPal's history (PayPal would refuse it: nothing to ask). */
static void skip_delivered(pp_stream *s, billtap_ctx *ctx)
{
	while (pp_recheck_pending(s)) {
		size_t i = s->recheck_next;
		const char *id = s->recheck_ids.keys[i];
		int64_t from = s->recheck_type[i] == 'r' && s->recheck_end ? s->recheck_end
		                                                             : s->recheck_at[i];
		if (pp_map_find(&s->delivered, id, strlen(id)) == (size_t)-1 && from >= oldest(ctx))
			break;
		s->recheck_next++;
		s->recheck_end = 0;
	}
}

int pp_recheck_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	skip_delivered(s, ctx);
	if (!pp_recheck_pending(s)) {
		s->phase = PH_DONE; /* a local step makes the final mark */
		return BILLTAP_PROVIDER_LOCAL;
	}
	size_t i = s->recheck_next;
	int64_t at = s->recheck_at[i], from = at, to = at;
	if (s->recheck_type[i] == 'r') {
		to = s->recheck_end ? s->recheck_end : at;
		from = to - PP_WINDOW_MAX + 1;
		if (from < oldest(ctx))
			from = oldest(ctx);
	}
	char a[40], b[40];
	billtap_time_format(a, sizeof a, from);
	billtap_time_format(b, sizeof b, to);
	int rc = pp_get(req, s, "/v1/reporting/transactions", TAG_RECHECK);
	(void)(rc < 0 || (rc = billtap_request_add_query(req, "start_date", a)) < 0 ||
	       (rc = billtap_request_add_query(req, "end_date", b)) < 0 ||
	       (rc = billtap_request_add_query(req, "transaction_id", s->recheck_ids.keys[i])) < 0 ||
	       (rc = billtap_request_add_query(req, "fields", "all")) < 0 ||
	       (rc = billtap_request_add_query(req, "balance_affecting_records_only", "N")) < 0 ||
	       (rc = billtap_request_add_query(req, "page_size", "500")) < 0);
	return rc < 0 ? billtap_ctx_error(ctx, rc, "cannot build the search request") : 0;
}

/* The most settled row of the transaction asked for, or BILLTAP_JSON_NONE. */
static billtap_json_ref best_row(pp_stream *s, billtap_json_ref rows, const char *id)
{
	billtap_json_ref best = BILLTAP_JSON_NONE;
	int best_rank = -1;
	for (billtap_json_ref row = billtap_json_first(s->doc, rows); row != BILLTAP_JSON_NONE;
	     row = billtap_json_next(s->doc, row)) {
		billtap_json_ref info = billtap_json_get(s->doc, row, "transaction_info");
		if (!billtap_json_str_eq(s->doc, billtap_json_get(s->doc, info, "transaction_id"), id))
			continue;
		int rank = pp_settled_rank(s->doc, info);
		if (rank > best_rank) {
			best = row;
			best_rank = rank;
		}
	}
	return best;
}

int pp_recheck_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                        billtap_sink *sink, billtap_ctx *ctx)
{
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref rows = billtap_json_get(s->doc, billtap_json_root(s->doc), "transaction_details");
	if (billtap_json_typeof(s->doc, rows) != BILLTAP_JSON_ARRAY)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Paypal-Debug-Id"), NULL,
		                              "search response lacks transaction_details");
	size_t i = s->recheck_next;
	const char *id = s->recheck_ids.keys[i];
	billtap_json_ref row = best_row(s, rows, id);
	if (row == BILLTAP_JSON_NONE && s->recheck_type[i] == 'r') {
		/* Not in this window: the one before, while PayPal's history reaches. */
		int64_t to = s->recheck_end ? s->recheck_end : s->recheck_at[i];
		if (to - PP_WINDOW_MAX + 1 > oldest(ctx)) {
			s->recheck_end = to - PP_WINDOW_MAX;
			return 0;
		}
	}
	if (row != BILLTAP_JSON_NONE) {
		billtap_record *rec;
		rc = pp_map_transaction(&rec, s->doc, row, ctx);
		if (rc < 0) {
			rc = billtap_sink_reject_json(sink, rc, s->doc, row, "transaction_info.transaction_id");
		} else if ((rc = pp_recheck_note(s, rec, ctx)) < 0) {
			billtap_record_free(rec);
		} else {
			rc = billtap_sink_push(sink, rec);
		}
		if (rc < 0)
			return rc;
	}
	/* Not found: a pending one PayPal no longer lists, or a payment older than its
	 * history: nothing to deliver. */
	s->recheck_next++;
	s->recheck_end = 0;
	skip_delivered(s, ctx);
	if (!pp_recheck_pending(s))
		s->phase = PH_DONE;
	return 0;
}

/* ---- lists in tokens ---- */

void pp_recheck_put(char **buf, size_t *len, int *oom, const pp_stream *s, int rechecks)
{
	const pp_map *ids = rechecks ? &s->recheck_ids : &s->watch_ids;
	const int64_t *at = rechecks ? s->recheck_at : s->watch_at;
	for (size_t i = rechecks ? s->recheck_next : 0; i < ids->count && !*oom; i++) {
		char entry[160];
		int n = snprintf(entry, sizeof entry, "%s%s%s@%" PRId64,
		                 i > (rechecks ? s->recheck_next : 0) ? "," : "",
		                 rechecks ? (s->recheck_type[i] == 'r' ? "r" : "p") : "", ids->keys[i],
		                 at[i]);
		char *b = realloc(*buf, *len + (size_t)n + 1);
		if (!b) {
			*oom = 1;
			return;
		}
		memcpy(b + *len, entry, (size_t)n + 1);
		*buf = b;
		*len += (size_t)n;
	}
}

int pp_recheck_take(pp_stream *s, const char *p, int mode, billtap_ctx *ctx)
{
	while (*p) {
		char kind = 'p';
		if (mode == PP_LIST_RECHECKS) {
			kind = *p++;
			if (kind != 'p' && kind != 'r')
				return BILLTAP_ECHECKPOINT;
		}
		size_t n = 0;
		while (id_char(p[n]))
			n++;
		int64_t at;
		int used = 0;
		if (n == 0 || p[n] != '@' || p[n + 1] == '+' || p[n + 1] == ' ' ||
		    sscanf(p + n + 1, "%" SCNd64 "%n", &at, &used) != 1)
			return BILLTAP_ECHECKPOINT;
		int rc = mode == PP_LIST_WATCH
		                 ? list_add(&s->watch_ids, &s->watch_at, NULL, p, n, at, 0, ctx)
		                 : list_add(&s->recheck_ids, &s->recheck_at, &s->recheck_type, p, n, at,
		                            kind, ctx);
		if (rc < 0)
			return rc;
		p += n + 1 + used;
		if (*p == ',') {
			if (!*++p)
				return BILLTAP_ECHECKPOINT; /* a trailing comma */
		} else if (*p) {
			return BILLTAP_ECHECKPOINT;
		}
	}
	return 0;
}

void pp_recheck_free(pp_stream *s)
{
	pp_map_free(&s->recheck_ids);
	free(s->recheck_at);
	free(s->recheck_type);
	pp_map_free(&s->watch_ids);
	free(s->watch_at);
	pp_map_free(&s->delivered);
}
