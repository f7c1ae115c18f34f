#include "sandbox_stats.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "sandbox_json.h"
#include "sandbox_rng.h"

#define SB_STATUS_MAX 600

struct sb_stats {
    pthread_mutex_t lock;
    sb_latency latency;
    uint64_t requests, in_flight, peak, dropped;
    uint64_t by_status[SB_STATUS_MAX];
    uint64_t delayed, total_ms;
    unsigned min_ms, max_ms;
};

/* A salt of its own, so the delays are not correlated with any stream of the world. */
#define LATENCY_SALT 0x6c6174656e637921ULL

unsigned sb_latency_for(const sb_latency *l, uint64_t number)
{
    if (l->jitter_ms == 0)
        return l->ms;
    uint64_t span = 2 * (uint64_t)l->jitter_ms + 1;
    uint64_t h = sb_mix64(sb_mix64(l->seed ^ LATENCY_SALT) ^ number);
    return l->ms - l->jitter_ms + (unsigned)(h % span);
}

sb_stats *sb_stats_new(const sb_latency *latency)
{
    sb_stats *s = sb_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->latency = *latency;
    return s;
}

void sb_stats_begin(sb_stats *s)
{
    pthread_mutex_lock(&s->lock);
    s->requests++;
    if (++s->in_flight > s->peak)
        s->peak = s->in_flight;
    pthread_mutex_unlock(&s->lock);
}

void sb_stats_end(sb_stats *s, int status, unsigned latency_ms)
{
    pthread_mutex_lock(&s->lock);
    s->in_flight--;
    if (status <= 0)
        s->dropped++;
    else if (status < SB_STATUS_MAX)
        s->by_status[status]++;
    if (s->delayed == 0 || latency_ms < s->min_ms)
        s->min_ms = latency_ms;
    if (latency_ms > s->max_ms)
        s->max_ms = latency_ms;
    s->delayed++;
    s->total_ms += latency_ms;
    pthread_mutex_unlock(&s->lock);
}

void sb_stats_json(sb_stats *s, sb_buf *out)
{
    pthread_mutex_lock(&s->lock);
    sb_json j;
    sbj_init(&j, out, 0);
    sbj_obj_begin(&j);
    sbj_kint(&j, "requests", (int64_t)s->requests);
    sbj_kint(&j, "in_flight", (int64_t)s->in_flight);
    sbj_kint(&j, "peak_in_flight", (int64_t)s->peak);
    sbj_kint(&j, "dropped", (int64_t)s->dropped);
    sbj_kobj(&j, "status");
    for (int code = 0; code < SB_STATUS_MAX; code++) {
        if (!s->by_status[code])
            continue;
        char key[8];
        snprintf(key, sizeof key, "%d", code);
        sbj_kint(&j, key, (int64_t)s->by_status[code]);
    }
    sbj_obj_end(&j);
    sbj_kobj(&j, "latency");
    sbj_kint(&j, "ms", s->latency.ms);
    sbj_kint(&j, "jitter_ms", s->latency.jitter_ms);
    sbj_kintn(&j, "min_ms", s->delayed > 0, s->min_ms);
    sbj_kintn(&j, "max_ms", s->delayed > 0, s->max_ms);
    sbj_kint(&j, "total_ms", (int64_t)s->total_ms);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(out, '\n');
    pthread_mutex_unlock(&s->lock);
}

void sb_stats_free(sb_stats *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s);
}
