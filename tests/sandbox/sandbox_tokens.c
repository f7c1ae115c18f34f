#include "sandbox_tokens.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"

typedef struct token {
    char value[SB_TOKEN_MAX];
    double expires; /* monotonic seconds */
} token;

struct sb_tokens {
    long ttl;
    uint64_t seed, serial;
    const char *prefix, *alphabet;
    size_t len;
    pthread_mutex_t lock;
    token *items;
    size_t n, cap;
    long current; /* the token handed out last, -1 */
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

sb_tokens *sb_tokens_new(long ttl, uint64_t seed, const char *prefix, const char *alphabet, size_t len)
{
    sb_tokens *t = sb_xcalloc(1, sizeof *t);
    t->ttl = ttl;
    t->seed = seed;
    t->prefix = prefix;
    t->alphabet = alphabet;
    t->len = len < SB_TOKEN_MAX ? len : SB_TOKEN_MAX - 1;
    t->current = -1;
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

void sb_tokens_free(sb_tokens *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t->items);
    free(t);
}

/* Unpredictable across runs (the wall clock seeds it), unique within one (the serial). */
static void make(sb_tokens *t, char *out)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sb_rng r;
    sb_rng_seed(&r, t->seed ^ sb_mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30), ++t->serial);
    size_t pl = strlen(t->prefix), base = strlen(t->alphabet);
    memcpy(out, t->prefix, pl);
    for (size_t i = pl; i < t->len; i++)
        out[i] = t->alphabet[sb_rng_below(&r, base)];
    out[t->len] = '\0';
}

long sb_tokens_issue(sb_tokens *t, char *out)
{
    long left;
    pthread_mutex_lock(&t->lock);
    double now = mono_now();
    if (t->current >= 0 && t->items[t->current].expires - now >= 1.0) {
        memcpy(out, t->items[t->current].value, SB_TOKEN_MAX);
        left = (long)(t->items[t->current].expires - now);
    } else {
        size_t keep = 0; /* expired tokens go */
        for (size_t i = 0; i < t->n; i++)
            if (t->items[i].expires > now)
                t->items[keep++] = t->items[i];
        t->n = keep;
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 16;
            t->items = sb_xrealloc(t->items, t->cap * sizeof *t->items);
        }
        make(t, t->items[t->n].value);
        t->items[t->n].expires = now + (double)t->ttl;
        t->current = (long)t->n++;
        memcpy(out, t->items[t->current].value, SB_TOKEN_MAX);
        left = t->ttl;
    }
    pthread_mutex_unlock(&t->lock);
    return left;
}

int sb_tokens_valid(sb_tokens *t, const char *value, size_t n)
{
    int ok = 0;
    pthread_mutex_lock(&t->lock);
    double now = mono_now();
    for (size_t i = 0; i < t->n; i++) {
        if (strlen(t->items[i].value) == n && memcmp(t->items[i].value, value, n) == 0) {
            ok = t->items[i].expires > now;
            break;
        }
    }
    pthread_mutex_unlock(&t->lock);
    return ok;
}
