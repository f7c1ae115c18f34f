/*
 * Pacing: which limiter an iterator draws from, and the token each request takes before
 * it is sent.
 *
 * An iterator uses, in this order: the limiter the host shared with
 * billtap_client_set_limiter(); a limiter of the rate_limit setting (0 turns pacing off);
 * one of the rate its provider declared for the account (billtap_ctx_set_rate() from
 * stream_new, else from session_new); or none. Iterators of one client with the same
 * rates share the client's own limiter, so several iterators of one client stay within
 * the rate together, and an iterator keeps its limiter until it is freed.
 *
 * Every send (retries included) takes a token when it is due; with none left it is put
 * off by the limiter's wait and sent then. A 429 answer slows the limiter down.
 */
#include <stdlib.h>

#include "core.h"
#include "engine/limiter.h"

BILLTAP_EXTERN(int) billtap_ctx_set_rate(billtap_ctx *ctx, double per_second, double burst)
{
	if (!ctx)
		return BILLTAP_EINVAL;
	/* NaN fails the comparisons. */
	if (!(per_second > 0) || !(burst > 0) || per_second > 1e9 || burst > 1e9)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL,
		                         "billtap_ctx_set_rate: rates must be > 0");
	if (!ctx->rate)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL,
		                         "billtap_ctx_set_rate: only from stream_new or session_new");
	ctx->rate->per_second = per_second;
	ctx->rate->burst = burst;
	return 0;
}

BILLTAP_EXTERN(int) billtap_client_set_limiter(billtap_client *c, billtap_limiter *limiter)
{
	if (!c)
		return BILLTAP_EINVAL;
	bt_error_reset(c);
	billtap_limiter *old = c->shared_limiter;
	c->shared_limiter = bt_limiter_ref(limiter);
	billtap_limiter_free(old);
	return 0;
}

/* The rates the iterator should keep to; per_second 0: none. */
static bt_rate wanted_rate(const billtap_iter *it)
{
	bt_rate none = { 0, 0 };
	const bt_rate *set = &it->settings.rate_limit;
	if (set->per_second >= 0)
		return set->per_second > 0 ? *set : none;
	if (it->declared.per_second > 0)
		return it->declared;
	if (it->session && it->session->rate.per_second > 0)
		return it->session->rate;
	return none;
}

int bt_pacing_choose(billtap_iter *it)
{
	billtap_client *c = it->client;
	if (c->shared_limiter) {
		it->limiter = bt_limiter_ref(c->shared_limiter);
		return 0;
	}
	bt_rate r = wanted_rate(it);
	if (r.per_second <= 0)
		return 0;
	double burst = r.burst < 1 ? 1 : r.burst; /* as a limiter holds it */
	billtap_limiter *own = c->own_limiter;
	if (!own || own->bucket.rate != r.per_second || own->bucket.burst != burst) {
		int rc = bt_limiter_alloc(&own, r.per_second, r.burst);
		if (rc < 0) {
			billtap_ctx ctx = bt_iter_ctx(it, NULL);
			return billtap_ctx_error(&ctx, rc, rc == BILLTAP_EINVAL ? "rate_limit: rates "
			                                                         "must be > 0" : NULL);
		}
		/* Iterators made with the old rates keep their reference. */
		billtap_limiter_free(c->own_limiter);
		c->own_limiter = own;
	}
	it->limiter = bt_limiter_ref(own);
	return 0;
}

int bt_pacing_hold(bt_flight *f, int64_t now_ms)
{
	billtap_iter *it = f->iter;
	if (!it->limiter)
		return 0;
	if (f->paced) { /* its token was reserved when it was last due */
		f->paced = 0;
		return 0;
	}
	int64_t wait = bt_limiter_reserve(it->limiter);
	if (wait <= 0)
		return 0;
	f->paced = 1;
	f->send_at = now_ms + wait;
	it->waits++;
	it->wait_ms += (uint64_t)wait;
	bt_log_wait(f, wait, it->log.fn ? bt_limiter_slowed(it->limiter) : 0);
	return 1;
}

void bt_pacing_answered(bt_flight *f)
{
	if (f->resp.status == 429 && f->iter->limiter)
		bt_limiter_penalize(f->iter->limiter);
}
