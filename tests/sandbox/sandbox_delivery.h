/* How an answer goes on the wire: whole, or broken the way an injected delivery fault
 * says (sandbox_faults.h: badjson, empty, cut, cutchunked, stall, stallclose, drip).
 *
 * The broken deliveries that take time (stall, drip) block the connection's own thread
 * in libmicrohttpd's content reader, so the server runs one thread per connection: a
 * stalled answer never holds up another connection. */
#ifndef SANDBOX_DELIVERY_H
#define SANDBOX_DELIVERY_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_faults.h"

struct MHD_Response;

/* A libmicrohttpd response carrying body (copied) as `how` says; NULL when out of
 * resources. The caller adds the headers, queues and destroys it. */
struct MHD_Response *sb_delivery_response(const char *body, size_t len, sb_delivery how, uint64_t arg);

#endif
