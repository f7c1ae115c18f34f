/* The provider-module interface: one module per fake billing API (Stripe, PayPal). The
 * server glue owns sockets, request counting, faults and the rate limiter; a module owns
 * its dataset, its wire format, its errors and its truth files. */
#ifndef SANDBOX_PROVIDER_H
#define SANDBOX_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_buf.h"
#include "sandbox_query.h"
#include "sandbox_ratelimit.h"

typedef struct sb_options {
    const char *provider;
    uint64_t seed;
    long scale;
    const char *api_key;       /* stripe */
    double rate_limit;         /* default per provider: stripe 25, paypal 0 */
    const char *faults;
    const char *truth_dir;
    unsigned port;
    int verbose;
    /* paypal */
    const char *client_id;
    const char *client_secret;
    long token_ttl;            /* seconds */
    int64_t now;               /* dataset anchor, Unix seconds; 0: wall clock rounded down to the hour */
    long burst_rows;           /* extra one-off payments on a single day */
} sb_options;

typedef struct sb_request {
    const char *method;
    const char *path;          /* percent-decoded, without the query */
    const sb_params *params;   /* decoded query parameters, in order */
    uint64_t number;           /* 1-based, unique per request */
    const char *body;          /* request body (NUL-terminated, at most SB_MAX_BODY bytes kept) */
    size_t body_len;
    sb_ratelimit *limiter;     /* the module decides when (after auth) to consult it */
    /* Case-insensitive request header lookup; NULL when absent. */
    const char *(*header)(const struct sb_request *req, const char *name);
    void *conn;                /* for header() */
} sb_request;

#define SB_MAX_HEADERS 8
#define SB_MAX_BODY 65536

typedef struct sb_response {
    int status;
    sb_buf body;
    size_t n_headers;
    char names[SB_MAX_HEADERS][40];
    char values[SB_MAX_HEADERS][96];
} sb_response;

void sb_response_init(sb_response *r);
void sb_response_free(sb_response *r);
void sb_response_header(sb_response *r, const char *name, const char *value);

typedef struct sb_provider {
    const char *name;
    /* Build the dataset (deterministic from seed and scale). NULL with err on failure. */
    void *(*init)(const sb_options *opts, char *err, size_t errlen);
    /* Write the normalized truth files into dir (which exists). 0 or -1 with err. */
    int (*write_truth)(void *state, const char *dir, char *err, size_t errlen);
    /* Answer one request. Called concurrently from server threads: state is read-only. */
    void (*handle)(void *state, const sb_request *req, sb_response *resp);
    /* Answer with an injected fault status, in the provider's own error format. */
    void (*fault)(void *state, const sb_request *req, int status, sb_response *resp);
    /* One line describing the dataset, for --verbose. */
    void (*describe)(void *state, sb_buf *out);
    void (*free)(void *state);
} sb_provider;

const sb_provider *sb_provider_find(const char *name);
/* Comma-separated names of all modules, for messages (main thread only). */
const char *sb_provider_names(void);

#endif
