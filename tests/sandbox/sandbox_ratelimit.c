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
    double rate, burst; /* the command line's; rate < 0: not given */
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

/* At least one request must fit in a bucket. */
static double at_least_one(double burst)
{
    return burst < 1.0 ? 1.0 : burst;
}

sb_ratelimit *sb_ratelimit_new(double requests, double seconds)
{
    sb_ratelimit *rl = sb_xcalloc(1, sizeof *rl);
    rl->rate = requests < 0 ? -1 : requests / seconds;
    rl->burst = at_least_one(requests);
    pthread_mutex_init(&rl->lock, NULL);
    return rl;
}

int sb_ratelimit_take(sb_ratelimit *rl, const char *key, double module_rate)
{
    double rate = rl && rl->rate >= 0 ? rl->rate : module_rate;
    if (!rl || rate <= 0)
        return 1;
    double burst = rl->rate >= 0 ? rl->burst : at_least_one(module_rate);
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
        b->tokens = burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * rate;
    if (b->tokens > burst)
        b->tokens = burst;
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
