/*
 * A small HTTP/1.1 server on 127.0.0.1 for testing the built-in transport: a thread that
 * serves fan_world() with keep-alive, and holds answers back so that requests overlap
 * where the client sends them at once: it answers everything pending when `batch`
 * requests are waiting, or when no new request came for `quiet_ms`. It counts what it saw.
 */
#ifndef BILLTAP_TESTS_TINY_HTTP_H
#define BILLTAP_TESTS_TINY_HTTP_H

#include <pthread.h>

typedef struct tiny_http tiny_http;

typedef struct tiny_stats {
	int requests;
	int max_pending;  /* most requests waiting for their answer at once */
	int pending;      /* waiting now */
	int accepted;     /* connections */
	int closed;       /* connections the client closed */
	char user_agent[128]; /* of the last request */
} tiny_stats;

/* Starts the server. batch >= 1; hold_items: never answer /items/... (for cancel tests). */
tiny_http *tiny_http_start(int batch, int quiet_ms, int hold_items);
/* "http://127.0.0.1:PORT" */
const char *tiny_http_url(const tiny_http *s);
tiny_stats tiny_http_stats(tiny_http *s);
void tiny_http_stop(tiny_http *s);

#endif
