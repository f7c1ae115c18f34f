#include "sandbox_ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_buf.h"

#define MAX_BUCKETS 64

typedef struct bucket {
    char *key;
    double tokens;
    double last; /* monotonic seconds */
} bucket;

struct sb_ratelimit {
    double rate;
    pthread_mutex_t lock;
    bucket buckets[MAX_BUCKETS];
    size_t n;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Burst equals the rate, but at least one request must fit in the bucket. */
static double burst(const sb_ratelimit *rl)
{
    return rl->rate < 1.0 ? 1.0 : rl->rate;
}

sb_ratelimit *sb_ratelimit_new(double rate)
{
    sb_ratelimit *rl = sb_xcalloc(1, sizeof *rl);
    rl->rate = rate;
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

int sb_ratelimit_take(sb_ratelimit *rl, const char *key)
{
    if (!rl || rl->rate <= 0)
        return 1;
    pthread_mutex_lock(&rl->lock);
    double now = now_seconds();
    bucket *b = NULL;
    for (size_t i = 0; i < rl->n; i++) {
        if (strcmp(rl->buckets[i].key, key) == 0) {
            b = &rl->buckets[i];
            break;
        }
    }
    if (!b) {
        /* Only accepted keys reach the limiter, so the table stays tiny; recycle the
         * oldest slot rather than grow without bound. */
        size_t slot = rl->n < MAX_BUCKETS ? rl->n++ : 0;
        b = &rl->buckets[slot];
        free(b->key);
        b->key = sb_xstrdup(key);
        b->tokens = burst(rl);
        b->last = now;
    }
    b->tokens += (now - b->last) * rl->rate;
    if (b->tokens > burst(rl))
        b->tokens = burst(rl);
    b->last = now;
    int ok = b->tokens >= 1.0;
    if (ok)
        b->tokens -= 1.0;
    pthread_mutex_unlock(&rl->lock);
    return ok;
}

void sb_ratelimit_free(sb_ratelimit *rl)
{
    if (!rl)
        return;
    for (size_t i = 0; i < rl->n; i++)
        free(rl->buckets[i].key);
    pthread_mutex_destroy(&rl->lock);
    free(rl);
}
