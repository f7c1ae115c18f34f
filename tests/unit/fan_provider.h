/*
 * "fan": a BILLTAP_PROVIDER_CONCURRENT provider for engine tests, shaped like PayPal's
 * per-id fan-out. It lists ids page by page (GET /ids?page=N, one page at a time: each
 * names the next) and GETs every listed id's item (GET /items/ID) as soon as it is known,
 * so list pages and items overlap. Each item is a customer record, followed by a resume
 * mark "i:ID" every fan.mark_every items; a resumed stream lists again and asks only for
 * ids after the mark.
 *
 * Its world (fan_world) answers those paths for the scripted transports and the local
 * HTTP server alike.
 */
#ifndef BILLTAP_TESTS_FAN_PROVIDER_H
#define BILLTAP_TESTS_FAN_PROVIDER_H

#include <billtap/provider.h>

#define FAN_ITEMS 37
#define FAN_PAGE 10

/* What the provider saw, and knobs; reset by fan_register(). */
typedef struct fan_state {
	int mark_every;      /* marks after every Nth item (default 1) */
	int local_every;     /* a LOCAL record "L-ID" after every Nth item (0: never) */
	int unauthorized;    /* answers with HTTP 401 it takes for an expired token: RETRY */
	int stream_requests, stream_responses, retries_asked, stream_news;
	int max_outstanding; /* most requests it had out at once */
	int out_of_order;    /* answers handed over for another request than its oldest */
	int64_t now_seen;    /* billtap_ctx_now() in the last stream_new */
} fan_state;

extern fan_state fan;

/* Registers "fan" (once per process) and resets `fan`. */
void fan_register(void);

/* The id of item i (1-based): "a01".. */
void fan_id(char out[8], int i);

/* The world's answer to GET path (with query): HTTP status and JSON body. */
void fan_world(const char *path, int *status, char *body, size_t cap);

#endif
