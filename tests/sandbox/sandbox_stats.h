/* The sandbox's own accounting of what it served, for benchmarks and tests that must not
 * time anything themselves: answers by status (a client's 429s are counted here, whatever
 * the client reports), requests in flight and their peak (concurrent requests overlap
 * their latency or they do not), and the latency each request was given. Thread-safe.
 * GET /_sandbox/stats answers it (tests/sandbox/README.md, "Latency and stats"). */
#ifndef SANDBOX_STATS_H
#define SANDBOX_STATS_H

#include <stdint.h>

#include "sandbox_buf.h"

/* --latency-ms N --latency-jitter-ms J: every answer after N ± J milliseconds (J <= N). */
typedef struct sb_latency {
    unsigned ms, jitter_ms;
    uint64_t seed; /* the world's: the same seed, the same delay for request N */
} sb_latency;

/* The latency of request `number`: ms - jitter_ms + a value in [0, 2 jitter_ms], a hash of
 * the seed and the number, so reproducible and independent of timing and threads. */
unsigned sb_latency_for(const sb_latency *l, uint64_t number);

typedef struct sb_stats sb_stats;

sb_stats *sb_stats_new(const sb_latency *latency);
/* A numbered request begins; it is in flight until sb_stats_end. */
void sb_stats_begin(sb_stats *s);
/* It ends: its status (0 for a dropped connection) and the latency it was given. */
void sb_stats_end(sb_stats *s, int status, unsigned latency_ms);
/* The accounting as one JSON object and a newline:
 * {"requests":N,"in_flight":N,"peak_in_flight":N,"dropped":N,"status":{"200":N,...},
 *  "latency":{"ms":N,"jitter_ms":N,"min_ms":N|null,"max_ms":N|null,"total_ms":N}} */
void sb_stats_json(sb_stats *s, sb_buf *out);
void sb_stats_free(sb_stats *s);

#endif
