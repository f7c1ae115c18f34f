/* The provider-module interface: one module per fake billing API. The shared machinery
 * owns the world (world.h), sockets, request counting, faults and the rate limiter; a
 * module renders the world in its API's shapes, with its auth, errors and truth files. */
#ifndef SANDBOX_PROVIDER_H
#define SANDBOX_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_buf.h"
#include "sandbox_faults.h"
#include "sandbox_query.h"
#include "sandbox_ratelimit.h"
#include "world.h"

#define SB_MAX_OPTS 32

typedef struct sb_options {
    const char *provider;
    uint64_t seed;
    long scale;
    double rate_limit;         /* requests per rate_seconds; < 0: the module's default */
    double rate_seconds;
    const char *faults;
    unsigned latency_ms;        /* every answer after latency_ms ± latency_jitter_ms */
    unsigned latency_jitter_ms; /* <= latency_ms */
    const char *truth_dir;
    unsigned port;
    int verbose;
    size_t accounts;           /* --accounts N: N accounts (sandbox_accounts.h); 0: one */
    size_t n_opts;
    const char *opts[SB_MAX_OPTS]; /* module options as given: "key=value", in order */
    int64_t started;           /* the wall clock at startup: one clock for every epoch */
} sb_options;

/* One module option (--opt NAME=VALUE). Values never hold spaces or control characters,
 * so the settings line stays splittable. */
typedef struct sb_opt_def {
    const char *name;
    const char *fallback;      /* when not given; NULL: the module decides */
    long long lo, hi;          /* an integer in [lo, hi]; lo > hi: a string */
    const char *forbid;        /* a string's characters that are refused, or NULL */
    const char *help;
    /* A credential: with --accounts, each account gets its fallback with "-ACCOUNT"
     * appended (unless --opt gives it), so no two accounts share credentials. */
    int credential;
} sb_opt_def;

/* 0 when every --opt names an option of defs with a valid value; else -1 with a message
 * naming it. */
int sb_opts_check(const sb_options *o, const char *provider, const sb_opt_def *defs, char *err, size_t errlen);
/* The value of option `name`: the last one given, else its fallback (may be NULL). */
const char *sb_opt(const sb_options *o, const sb_opt_def *defs, const char *name);
long long sb_opt_int(const sb_options *o, const sb_opt_def *defs, const char *name);

typedef struct sb_request {
    const char *method;
    const char *path;          /* percent-decoded, without the query */
    const sb_params *params;   /* decoded query parameters, in order */
    uint64_t number;           /* 1-based, unique per request */
    const char *body;          /* request body (NUL-terminated, at most SB_MAX_BODY bytes kept) */
    size_t body_len;
    sb_ratelimit *limiter;     /* the module decides when (after auth) to consult it */
    /* What the injected faults do to this request (never NULL). The shared code applies
     * delays, drops, delivery and repeat; a module reads `status`/`echo` in fault() and
     * inflate_pages, shrink_items and inserted where it answers lists. */
    const sb_fault_action *fault;
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

/* A module. Every member is required, except the fault hooks and `now` at the end: the
 * shared code calls the others without checking. */
typedef struct sb_provider {
    const char *name;
    const sb_opt_def *options;     /* its --opt keys, ended by a NULL name */
    /* Project the world into the module's own records. The world outlives the state.
     * NULL with err on failure. */
    void *(*init)(const sb_world *w, const sb_options *opts, char *err, size_t errlen);
    /* Write the normalized truth files into dir (which exists). 0 or -1 with err. */
    int (*write_truth)(void *state, const char *dir, char *err, size_t errlen);
    /* Answer one request. Called concurrently from server threads: state is read-only. */
    void (*handle)(void *state, const sb_request *req, sb_response *resp);
    /* Answer with an injected fault status, in the provider's own error format; with
     * req->fault->echo, its message holds the credentials the request carried. */
    void (*fault)(void *state, const sb_request *req, int status, sb_response *resp);
    /* Every setting a billtap client needs, as "name=value name=value" with billtap's
     * setting names; base_url is "http://127.0.0.1:PORT". (The shared code appends
     * rate_limit when the sandbox's limit differs from what a client paces to.) */
    void (*settings)(void *state, const char *base_url, sb_buf *out);
    /* One line describing the projection, for --verbose. */
    void (*describe)(void *state, sb_buf *out);
    void (*free)(void *state);
    /* Module faults (repeat, inflate, shrink, insert; NULL: none of them). Called once
     * after init and before write_truth: 0 when the module takes every module fault of
     * faults (insert@N:K: it chooses the K records now), else -1 with err naming the item. */
    int (*prepare_faults)(void *state, const sb_faults *faults, char *err, size_t errlen);
    /* For repeat@N: 1 when req asks for a page of a list, with key set to the list's
     * identity (the request without its paging parameters); 0 otherwise. NULL: no lists. */
    int (*list_key)(void *state, const sb_request *req, sb_buf *key);
    /* Requests a second the module allows the credentials of its settings line when no
     * --rate-limit is given: the service's documented limit, which a billtap client
     * paces to by default. NULL: the module sets none (the settings line then says
     * rate_limit=0, so clients do not pace to a limit that is not there). */
    double (*own_rate)(void *state);
    /* The module's clock, when it is not the world's now (PayPal shifts every time); NULL:
     * the world's. The advance endpoint answers it. */
    int64_t (*now)(void *state);
} sb_provider;

const sb_provider *sb_provider_find(const char *name);
/* Comma-separated names of all modules, for messages (main thread only). */
const char *sb_provider_names(void);
/* Each module's options, for --help. */
void sb_provider_usage(sb_buf *out);

/* The credentials an Authorization header presents: "Bearer TOKEN" (user = TOKEN, no
 * password) or "Basic base64(user:password)". 0 and NULL fields when absent or
 * malformed; the caller frees both. */
int sb_authorization(const sb_request *req, char **user, char **password, int *bearer);
/* For echo@N: the Authorization header as sent, and for Basic also what it decodes to:
 * "Bearer TOKEN", "Basic BASE64; decoded: user:password". Nothing when there is none. */
void sb_credentials_echo(const sb_request *req, sb_buf *out);

#endif
