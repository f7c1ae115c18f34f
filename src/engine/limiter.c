/*
 * Limiter objects: a token bucket (bucket.c) behind a mutex, reference-counted so that
 * every client and iterator using one keeps it alive. A file-backed limiter
 * (billtap_limiter_open, limiter_file.c) keeps the bucket in a file instead, locked for
 * each update, so that processes share it; this object's own bucket is then only the
 * fallback for a file that stopped working.
 */
#include <stdlib.h>
#include <time.h>

#include "core.h"
#include "engine/limiter.h"

int64_t bt_limiter_system_clock(void *payload)
{
	(void)payload;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int rates_ok(double per_second, double burst)
{
	/* NaN fails both comparisons; 1e9 a second is no limit anyone means. */
	return per_second > 0 && burst > 0 && per_second <= 1e9 && burst <= 1e9;
}

int bt_limiter_alloc(billtap_limiter **out, double per_second, double burst)
{
	*out = NULL;
	if (!rates_ok(per_second, burst))
		return BILLTAP_EINVAL;
	billtap_limiter *l = calloc(1, sizeof *l);
	if (!l)
		return BILLTAP_ENOMEM;
	if (pthread_mutex_init(&l->lock, NULL) != 0) {
		free(l);
		return BILLTAP_ENOMEM;
	}
	atomic_init(&l->refs, 1);
	l->clock = bt_limiter_system_clock;
	/* At least one request must fit, or the bucket would never let one through. */
	bt_bucket_init(&l->bucket, per_second, burst < 1 ? 1 : burst, l->clock(NULL));
	*out = l;
	return 0;
}

BILLTAP_EXTERN(int) billtap_limiter_new(billtap_limiter **out, double per_second, double burst)
{
	if (!out)
		return BILLTAP_EINVAL;
	return bt_limiter_alloc(out, per_second, burst);
}

billtap_limiter *bt_limiter_ref(billtap_limiter *l)
{
	if (l)
		atomic_fetch_add(&l->refs, 1);
	return l;
}

BILLTAP_EXTERN(void) billtap_limiter_free(billtap_limiter *l)
{
	if (!l || atomic_fetch_sub(&l->refs, 1) > 1)
		return;
	bt_limiter_file_close(l->file);
	pthread_mutex_destroy(&l->lock);
	free(l);
}

void bt_limiter_set_clock(billtap_limiter *l, bt_clock_ms_fn clock, void *payload)
{
	pthread_mutex_lock(&l->lock);
	l->clock = clock ? clock : bt_limiter_system_clock;
	l->clock_payload = clock ? payload : NULL;
	bt_bucket_init(&l->bucket, l->bucket.rate, l->bucket.burst, l->clock(l->clock_payload));
	pthread_mutex_unlock(&l->lock);
}

static int64_t do_reserve(bt_bucket *b, int64_t now, void *arg)
{
	(void)arg;
	return bt_bucket_reserve(b, now);
}

static int64_t do_penalize(bt_bucket *b, int64_t now, void *arg)
{
	(void)arg;
	bt_bucket_penalize(b, now);
	return 0;
}

static int64_t do_factor(bt_bucket *b, int64_t now, void *arg)
{
	(void)arg;
	return bt_bucket_factor(b, now) < 1.0;
}

/* Runs fn on the limiter's bucket: the file's while it works, else the object's own. */
static int64_t update(billtap_limiter *l, int64_t (*fn)(bt_bucket *, int64_t, void *))
{
	pthread_mutex_lock(&l->lock);
	int64_t now = l->clock(l->clock_payload), r;
	if (!l->file || (r = bt_limiter_file_update(l, now, fn, NULL)) < 0)
		r = fn(&l->bucket, now, NULL);
	pthread_mutex_unlock(&l->lock);
	return r;
}

int64_t bt_limiter_reserve(billtap_limiter *l)
{
	return update(l, do_reserve);
}

void bt_limiter_penalize(billtap_limiter *l)
{
	update(l, do_penalize);
}

int bt_limiter_slowed(billtap_limiter *l)
{
	return update(l, do_factor) != 0;
}
