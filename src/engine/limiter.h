/*
 * Client-side pacing: a token bucket that slows down after HTTP 429 (bucket.c), and the
 * limiter objects that hold one, in this process or in a file shared between processes
 * (limiter.c, limiter_file.c).
 */
#ifndef BILLTAP_ENGINE_LIMITER_H
#define BILLTAP_ENGINE_LIMITER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "billtap.h"

/* After a 429 the rate is halved, at most once a second (a volley of 429s from clients
 * sharing one budget is one signal, not many), down to a sixteenth; it then climbs back
 * by BT_BUCKET_RECOVERY of the full rate a second (a halving is undone in 10 s). */
#define BT_BUCKET_MIN_SLOW (1.0 / 16)
#define BT_BUCKET_RECOVERY 0.05
#define BT_BUCKET_PENALTY_GAP_MS 1000

/* The bucket's state: plain numbers, so it can live in a shared file as well. */
typedef struct bt_bucket {
	double rate, burst;      /* requests a second, and at most this many at once */
	double tokens;           /* below 0: reservations handed out ahead of time */
	int64_t last_ms;         /* when tokens was brought up to date */
	double slow;             /* the rate's fraction set by the last 429 (1: none) */
	int64_t slow_since_ms;   /* when it was set; the fraction climbs back from there */
	int64_t last_penalty_ms; /* the last halving (-BT_BUCKET_PENALTY_GAP_MS: never) */
} bt_bucket;

/* A full bucket at now_ms. */
void bt_bucket_init(bt_bucket *b, double rate, double burst, int64_t now_ms);
/* Takes the next request's token and returns how long (ms, >= 0) the caller must wait
 * before sending it: 0 while the bucket has tokens, else the time the rate needs to make
 * up the debt. The token is taken either way, so callers that reserve in turn get turns
 * one rate-interval apart. */
int64_t bt_bucket_reserve(bt_bucket *b, int64_t now_ms);
/* An HTTP 429 arrived: halve the rate (see above) and drop what is left of the burst. */
void bt_bucket_penalize(bt_bucket *b, int64_t now_ms);
/* The fraction of the rate in force at now_ms (1 when not slowed down). */
double bt_bucket_factor(const bt_bucket *b, int64_t now_ms);

typedef int64_t (*bt_clock_ms_fn)(void *payload);

struct bt_limiter_file;

struct billtap_limiter {
	atomic_int refs;
	pthread_mutex_t lock;    /* threads of this process sharing the object */
	bt_clock_ms_fn clock;    /* monotonic milliseconds; replaceable by tests */
	void *clock_payload;
	bt_bucket bucket;        /* the budget (a file-backed limiter's fallback) */
	struct bt_limiter_file *file; /* NULL: this process only */
};

/* A new in-process limiter (one reference). 0, BILLTAP_EINVAL or BILLTAP_ENOMEM. */
int bt_limiter_alloc(billtap_limiter **out, double per_second, double burst);
/* One more reference (the caller keeps its own). */
billtap_limiter *bt_limiter_ref(billtap_limiter *l);
/* Reserves a token: how many ms to wait before sending. */
int64_t bt_limiter_reserve(billtap_limiter *l);
/* Tells the limiter an HTTP 429 came back. */
void bt_limiter_penalize(billtap_limiter *l);
/* 1 while slowed down by a 429. */
int bt_limiter_slowed(billtap_limiter *l);
/* For tests: a clock of the caller's (monotonic milliseconds), or NULL for the system's. */
void bt_limiter_set_clock(billtap_limiter *l, bt_clock_ms_fn clock, void *payload);
/* The system's monotonic clock in ms: shared by every process of a machine (one boot). */
int64_t bt_limiter_system_clock(void *payload);

/* limiter_file.c: the state of a file-backed limiter. Under the lock of l, with the
 * file's lock taken inside: calls fn on the file's bucket and writes it back. -1 (errno
 * set) when the file cannot be used any more; the caller then falls back to l->bucket. */
int bt_limiter_file_update(billtap_limiter *l, int64_t now_ms,
                           int64_t (*fn)(bt_bucket *b, int64_t now_ms, void *arg), void *arg);
void bt_limiter_file_close(struct bt_limiter_file *f);

#endif
