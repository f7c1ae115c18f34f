/* HTTP server glue (libmicrohttpd, one thread per connection, 127.0.0.1 only). It counts
 * requests, applies injected faults and hands everything else to the provider module,
 * with the current epoch's state; /_sandbox/advance advances the epochs, /_sandbox/stats
 * says what was served. */
#ifndef SANDBOX_HTTP_H
#define SANDBOX_HTTP_H

#include <stddef.h>

#include "sandbox_epochs.h"
#include "sandbox_faults.h"
#include "sandbox_provider.h"
#include "sandbox_ratelimit.h"
#include "sandbox_stats.h"

typedef struct sb_server sb_server;

/* truth: --truth was given (an advance then reports its count of changes). latency: every
 * numbered request's answer waits that long (in its own connection's thread). */
sb_server *sb_server_start(const sb_provider *provider, sb_epochs *epochs, const sb_faults *faults,
                           sb_ratelimit *limiter, const sb_latency *latency, unsigned port,
                           int verbose, int truth, char *err, size_t errlen);
unsigned sb_server_port(const sb_server *s);
void sb_server_stop(sb_server *s);

#endif
