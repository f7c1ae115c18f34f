/*
 * The token bucket behind every limiter. Time comes in as an argument (milliseconds of a
 * monotonic clock), so the arithmetic is tested with a fake clock and shared by limiters
 * that keep their state in memory and in a file.
 *
 * Requests reserve a token each: with the bucket empty the token is taken anyway and the
 * caller told how long to wait, so callers queue one rate-interval apart instead of
 * polling. After an HTTP 429 the rate drops (halved, at most once a second, not below a
 * sixteenth) and climbs back linearly, BT_BUCKET_RECOVERY of the full rate a second.
 */
#include "engine/limiter.h"

void bt_bucket_init(bt_bucket *b, double rate, double burst, int64_t now_ms)
{
	b->rate = rate;
	b->burst = burst;
	b->tokens = burst;
	b->last_ms = now_ms;
	b->slow = 1.0;
	b->slow_since_ms = now_ms;
	b->last_penalty_ms = now_ms - BT_BUCKET_PENALTY_GAP_MS;
}

double bt_bucket_factor(const bt_bucket *b, int64_t now_ms)
{
	if (b->slow >= 1.0)
		return 1.0;
	double f = b->slow + BT_BUCKET_RECOVERY * (double)(now_ms - b->slow_since_ms) / 1000.0;
	return f < b->slow ? b->slow : f > 1.0 ? 1.0 : f;
}

/* Rate-seconds between a and c (a <= c): the integral of the factor, which climbs
 * linearly from slow_since until it reaches 1. */
static double factor_seconds(const bt_bucket *b, int64_t a, int64_t c)
{
	if (b->slow >= 1.0)
		return (double)(c - a) / 1000.0;
	double full_at = (double)b->slow_since_ms + (1.0 - b->slow) / BT_BUCKET_RECOVERY * 1000.0;
	double total = 0, from = (double)a, to = (double)c;
	if (from < full_at) {
		double m = to < full_at ? to : full_at;
		total += (m - from) / 1000.0 *
		         (bt_bucket_factor(b, a) + bt_bucket_factor(b, (int64_t)m)) / 2.0;
		from = m;
	}
	if (from < to)
		total += (to - from) / 1000.0;
	return total;
}

/* Brings tokens up to now. A clock that went back (a file written before a reboot) earns
 * nothing and restarts the count from now. */
static void refill(bt_bucket *b, int64_t now_ms)
{
	if (now_ms > b->last_ms) {
		b->tokens += b->rate * factor_seconds(b, b->last_ms, now_ms);
		if (b->tokens > b->burst)
			b->tokens = b->burst;
	}
	b->last_ms = now_ms;
	if (b->slow_since_ms > now_ms)
		b->slow_since_ms = now_ms;
	if (b->last_penalty_ms > now_ms)
		b->last_penalty_ms = now_ms - BT_BUCKET_PENALTY_GAP_MS;
	if (b->slow < 1.0 && bt_bucket_factor(b, now_ms) >= 1.0)
		b->slow = 1.0;
}

int64_t bt_bucket_reserve(bt_bucket *b, int64_t now_ms)
{
	refill(b, now_ms);
	b->tokens -= 1.0;
	if (b->tokens >= 0)
		return 0;
	/* The debt at today's rate; the rate only climbs while recovering, so this errs on
	 * the slow side. */
	double per_ms = b->rate * bt_bucket_factor(b, now_ms) / 1000.0;
	double ms = -b->tokens / per_ms;
	int64_t whole = (int64_t)ms;
	return whole < ms ? whole + 1 : whole; /* rounded up: never early */
}

void bt_bucket_penalize(bt_bucket *b, int64_t now_ms)
{
	refill(b, now_ms);
	if (now_ms - b->last_penalty_ms < BT_BUCKET_PENALTY_GAP_MS)
		return;
	double f = bt_bucket_factor(b, now_ms) / 2.0;
	b->slow = f < BT_BUCKET_MIN_SLOW ? BT_BUCKET_MIN_SLOW : f;
	b->slow_since_ms = now_ms;
	b->last_penalty_ms = now_ms;
	if (b->tokens > 0)
		b->tokens = 0; /* no burst straight after being told off */
}
