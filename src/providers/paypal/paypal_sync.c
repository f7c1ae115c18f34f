/*
 * PayPal's marks for incremental passes, and the subscription discovery they carry
 * (docs/incremental.md, "PayPal"). PayPal has no change feed and lists neither
 * subscriptions nor customers, so what a pass knows has to travel in its tokens:
 *
 *   T1:<W>[:<watch>]       transactions, sync token: windows before W were searched
 *                          (W: where PayPal's data ended, last_refreshed_datetime); the
 *                          next pass searches from W on, and first the transactions
 *                          still pending (id@time, paypal_recheck.c).
 *   P1:s:<N>               plans, sync token: the next pass delivers plans whose
 *                          update_time is N or later.
 *   P1:r:<F>:<N>:<id>      plans, after the plan `id` of a pass delivering plans updated
 *                          at F or later ("-": every plan) whose sync token will say N.
 *   S1:s:<W>:<N>:<ids>     subscriptions, sync token: windows before W were searched; the
 *                          ids are the subscriptions to read again (every one not
 *                          CANCELLED, and those of subscription_ids), delivered
 *                          when their update_time is N or later.
 *   S1:d:<W>:<F>:<N>:<ids> subscriptions, discovering: windows before W searched, the ids
 *                          found so far ("+" before an id found in this pass: delivered
 *                          whatever its update_time; without it, carried from the sync
 *                          token: delivered when updated at F or later).
 *   S1:r:<W>:<F>:<N>:<C>:<ids> subscriptions, reading: discovery ended at W; the ids up to
 *                          C (in byte order) were read (the ones listed are kept for the
 *                          next pass), those after C are still to read. C empty: none.
 *
 * Times are Unix seconds. A subscription id is PayPal's "I-" and 12 letters or digits, so
 * a token grows by 15 bytes per subscription it carries.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

/* A record updated this long before a pass started is delivered again by the next pass:
 * update_time is PayPal's clock, the pass's start is ours, and they may disagree. */
#define PP_CLOCK_MARGIN 3600

void pp_sync_init(pp_stream *s, const billtap_stream_params *params, billtap_ctx *ctx)
{
	s->incremental = params->version >= 2 && (params->flags & BILLTAP_STREAM_INCREMENTAL);
	s->filter_since = PP_NO_FILTER;
	s->next_since = billtap_ctx_now(ctx) - PP_CLOCK_MARGIN;
}

int pp_sub_add(pp_stream *s, const char *id, size_t len, unsigned flags, billtap_ctx *ctx)
{
	/* Room for one more flag first, so the map never names a slot that does not exist. */
	if (s->subscriptions.count >= s->sub_flags_cap) {
		size_t cap = s->sub_flags_cap ? s->sub_flags_cap * 2 : 256;
		unsigned char *f = realloc(s->sub_flags, cap);
		if (!f)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		memset(f + s->sub_flags_cap, 0, cap - s->sub_flags_cap);
		s->sub_flags = f;
		s->sub_flags_cap = cap;
	}
	int added;
	size_t at = pp_map_add(&s->subscriptions, id, len, &added);
	if (at == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->sub_flags[at] |= (unsigned char)flags;
	return 0;
}

int pp_sync_changed(const pp_stream *s, const billtap_json *doc, billtap_json_ref update_time)
{
	int64_t at;
	if (s->filter_since == PP_NO_FILTER || billtap_json_time(&at, doc, update_time) < 0)
		return 1; /* a full pass, or no time to judge by: delivered */
	return at >= s->filter_since;
}

/* ---- building tokens ---- */

/* A time ("-" for PP_NO_FILTER), then ':' unless it is the token's last field. */
static void put_time(pp_tok *t, int64_t v, int last)
{
	char buf[32];
	if (v == PP_NO_FILTER)
		snprintf(buf, sizeof buf, "-%s", last ? "" : ":");
	else
		snprintf(buf, sizeof buf, "%" PRId64 "%s", v, last ? "" : ":");
	pp_tok_str(t, buf);
}

void pp_tok_put(pp_tok *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 128;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *d = realloc(t->data, cap);
		if (!d) {
			t->oom = 1;
			return;
		}
		t->data = d;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n);
	t->len += n;
	t->data[t->len] = '\0';
}

void pp_tok_str(pp_tok *t, const char *s)
{
	pp_tok_put(t, s, strlen(s));
}

int pp_tok_mark(pp_tok *t, billtap_sink *sink, billtap_ctx *ctx)
{
	if (t->oom) {
		free(t->data);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	int rc = billtap_sink_mark(sink, t->data);
	free(t->data);
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}

int pp_sync_mark_transactions(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	pp_tok t = { 0 };
	pp_tok_str(&t, "T1:");
	put_time(&t, pp_searched_until(s), 1);
	if (s->watch_ids.count && !t.oom) {
		pp_tok_put(&t, ":", 1);
		pp_recheck_put(&t.data, &t.len, &t.oom, s, 0);
	}
	return pp_tok_mark(&t, sink, ctx);
}

/* The ids a token carries: every one not ended, or named by subscription_ids; with
 * `prefix`, "+" before those not carried from the sync token. */
static void put_ids(pp_tok *t, const pp_stream *s, int prefix)
{
	int first = 1;
	for (size_t i = 0; i < s->subscriptions.count; i++) {
		unsigned f = s->sub_flags[i];
		if ((f & PP_SUB_ENDED) && !(f & PP_SUB_SETTING))
			continue;
		if (!first)
			pp_tok_put(t, ",", 1);
		first = 0;
		if (prefix && !(f & PP_SUB_CARRIED))
			pp_tok_put(t, "+", 1);
		pp_tok_str(t, s->subscriptions.keys[i]);
	}
}

int pp_sync_mark_subscriptions(pp_stream *s, int final, billtap_sink *sink, billtap_ctx *ctx)
{
	pp_tok t = { 0 };
	if (!final && s->phase == PH_SEARCH) {
		pp_tok_str(&t, "S1:d:");
		put_time(&t, pp_searched_until(s), 0);
		put_time(&t, s->filter_since, 0);
		put_time(&t, s->next_since, 0);
		put_ids(&t, s, 1);
	} else if (!final) {
		pp_tok_str(&t, "S1:r:");
		put_time(&t, pp_searched_until(s), 0);
		put_time(&t, s->filter_since, 0);
		put_time(&t, s->next_since, 0);
		if (s->sub_next)
			pp_tok_str(&t, s->sub_order[s->sub_next - 1]);
		else if (s->resume_after)
			pp_tok_str(&t, s->resume_after);
		pp_tok_put(&t, ":", 1);
		put_ids(&t, s, 1);
	} else {
		pp_tok_str(&t, "S1:s:");
		put_time(&t, pp_searched_until(s), 0);
		put_time(&t, s->next_since, 0);
		put_ids(&t, s, 0);
	}
	return pp_tok_mark(&t, sink, ctx);
}

int pp_sync_mark_plans(pp_stream *s, const char *after, int final, billtap_sink *sink,
                       billtap_ctx *ctx)
{
	pp_tok t = { 0 };
	if (final) {
		pp_tok_str(&t, "P1:s:");
		put_time(&t, s->next_since, 1);
	} else {
		pp_tok_str(&t, "P1:r:");
		put_time(&t, s->filter_since, 0);
		put_time(&t, s->next_since, 0);
		pp_tok_str(&t, after ? after : "");
	}
	return pp_tok_mark(&t, sink, ctx);
}

/* ---- reading tokens ---- */

/* A time field ending at ':' (or the end when `last`); "-" is PP_NO_FILTER when `dash`. */
static int take_time(int64_t *out, const char **p, int dash, int last)
{
	const char *q = *p;
	if (dash && q[0] == '-' && (q[1] == ':' || (last && !q[1]))) {
		*out = PP_NO_FILTER;
		q++;
	} else {
		int used = 0;
		if (sscanf(q, "%" SCNd64 "%n", out, &used) != 1 || used == 0 || q[0] == '+' ||
		    q[0] == ' ')
			return -1;
		q += used;
	}
	if (last)
		return *q ? -1 : (*p = q, 0);
	if (*q != ':')
		return -1;
	*p = q + 1;
	return 0;
}

int pp_id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* A list of ids "a,+b,c" (may be empty): flags CARRIED unless "+" (with `plus`). */
static int take_ids(pp_stream *s, const char *p, int plus, billtap_ctx *ctx)
{
	while (*p) {
		unsigned flags = PP_SUB_CARRIED;
		if (plus && *p == '+') {
			flags = 0;
			p++;
		}
		size_t n = 0;
		while (pp_id_char(p[n]))
			n++;
		if (n == 0 || (p[n] && p[n] != ','))
			return BILLTAP_ECHECKPOINT;
		int rc = pp_sub_add(s, p, n, flags, ctx);
		if (rc < 0)
			return rc;
		p += n;
		if (*p == ',' && !*++p)
			return BILLTAP_ECHECKPOINT; /* a trailing comma */
	}
	return 0;
}

/* Windows before W were searched: is W still within PayPal's three years? */
static int history_covers(int64_t w, billtap_ctx *ctx)
{
	if (w >= billtap_ctx_now(ctx) - (int64_t)PP_HISTORY_MAX_DAYS * 86400)
		return 0;
	char at[40], msg[320];
	billtap_time_format(at, sizeof at, w);
	snprintf(msg, sizeof msg,
	         "the token continues the transaction search from %s, which is now beyond "
	         "PayPal's three years of transaction history: a full pass is needed",
	         at);
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT, msg);
}

int pp_bad_token(billtap_ctx *ctx)
{
	return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
	                         "checkpoint position is not one this stream makes");
}

static int resume_transactions(pp_stream *s, const char *p, billtap_ctx *ctx)
{
	int64_t w;
	const char *colon = strchr(p, ':');
	char *head = strndup(p, colon ? (size_t)(colon - p) : strlen(p));
	if (!head)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	const char *h = head;
	int rc = !s->incremental || take_time(&w, &h, 0, 1) < 0 ? -1 : 0;
	free(head);
	if (rc < 0)
		return pp_bad_token(ctx);
	if ((rc = history_covers(w, ctx)) < 0)
		return rc;
	s->continuing = 1;
	if (colon && (rc = pp_recheck_take(s, colon + 1, PP_LIST_WATCH_TO_CHECK, ctx)) < 0)
		return rc == BILLTAP_ECHECKPOINT ? pp_bad_token(ctx) : rc;
	s->win_start = w;
	if (s->stop <= w)
		s->stop = w + 1; /* one second at least: PayPal's answer says how far to go */
	return 1;
}

static int resume_plans(pp_stream *s, const char *p, billtap_ctx *ctx)
{
	int64_t f, n;
	if (!s->incremental)
		return pp_bad_token(ctx);
	if (strncmp(p, "s:", 2) == 0) {
		p += 2;
		if (take_time(&n, &p, 0, 1) < 0)
			return pp_bad_token(ctx);
		s->filter_since = n;
		return 1;
	}
	if (strncmp(p, "r:", 2) != 0)
		return pp_bad_token(ctx);
	p += 2;
	if (take_time(&f, &p, 1, 0) < 0 || take_time(&n, &p, 0, 0) < 0)
		return pp_bad_token(ctx);
	for (const char *q = p; *q; q++)
		if (!pp_id_char(*q))
			return pp_bad_token(ctx);
	s->filter_since = f;
	s->next_since = n;
	if (*p && !(s->plans_after = strdup(p)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	return 1;
}

static int resume_subscriptions(pp_stream *s, const char *p, billtap_ctx *ctx)
{
	int64_t w, f = PP_NO_FILTER, n;
	char kind = p[0];
	if ((kind != 's' && kind != 'd' && kind != 'r') || p[1] != ':')
		return pp_bad_token(ctx);
	p += 2;
	if (take_time(&w, &p, 0, 0) < 0 || (kind != 's' && take_time(&f, &p, 1, 0) < 0) ||
	    take_time(&n, &p, 0, 0) < 0 || (kind == 's' && !s->incremental))
		return pp_bad_token(ctx);
	if (kind == 'r') {
		const char *colon = strchr(p, ':');
		if (!colon)
			return pp_bad_token(ctx);
		for (const char *q = p; q < colon; q++)
			if (!pp_id_char(*q))
				return pp_bad_token(ctx);
		if (colon > p && !(s->resume_after = strndup(p, (size_t)(colon - p))))
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		p = colon + 1;
	}
	int rc = history_covers(w, ctx);
	if (rc < 0)
		return rc;
	if ((rc = take_ids(s, p, kind != 's', ctx)) < 0)
		return rc == BILLTAP_ECHECKPOINT ? pp_bad_token(ctx) : rc;
	s->win_start = w;
	if (kind == 'r')
		s->stop = w; /* discovery is over: read what it found */
	else if (s->stop <= w)
		s->stop = w + 1; /* one second at least: PayPal's answer says how far to go */
	if (kind == 's') {
		s->filter_since = n;
	} else {
		s->filter_since = f;
		s->next_since = n;
	}
	return 1;
}

int pp_sync_resume(pp_stream *s, const char *token, billtap_ctx *ctx)
{
	switch (s->resource) {
	case BILLTAP_RESOURCE_TRANSACTIONS:
		return strncmp(token, "T1:", 3) == 0 ? resume_transactions(s, token + 3, ctx) : 0;
	case BILLTAP_RESOURCE_PLANS:
		return strncmp(token, "P1:", 3) == 0 ? resume_plans(s, token + 3, ctx) : 0;
	case BILLTAP_RESOURCE_SUBSCRIPTIONS:
		return strncmp(token, "S1:", 3) == 0 ? resume_subscriptions(s, token + 3, ctx) : 0;
	case BILLTAP_RESOURCE_CUSTOMERS:
		return strncmp(token, "C1:", 3) == 0 ? pp_customer_resume(s, token + 3, ctx) : 0;
	default: return 0;
	}
}

void pp_sync_free(pp_stream *s)
{
	free(s->sub_flags);
	for (size_t i = 0; i < s->sync_plan_count; i++)
		free(s->sync_plans[i]);
	free(s->sync_plans);
	free(s->plans_after);
}
