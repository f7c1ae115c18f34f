/* The Paddle Billing module (API version 1): options, authentication, the version
 * header, rate limiting, routing and faults.
 *
 * Order of checks, as Paddle's error reference describes them: no Authorization header
 * (403 authentication_missing), one that is not a bearer token (403
 * authentication_malformed), a key that is not the account's (403 invalid_token); then
 * Paddle-Version: absent means the account's default version (1, the only one), another
 * value than 1 is refused (400 bad_request: the error code is not documented); then the
 * rate limit (429 too_many_requests with Retry-After), the path (404 not_found) and method
 * (405 method_not_allowed), the parameters (400). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle_model.h"
#include "sandbox_truth_file.h"

static const sb_opt_def options[] = {
    {"api_key", "pdl_sdbx_apikey_01sandboxkey", 1, 0, " :'\"\\", "the only API key accepted", 1},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

/* Paddle's documented limit: 240 requests a minute per IP address. */
#define PD_RATE (240.0 / 60.0)

static void *pd_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pd_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->api_key = sb_xstrdup(sb_opt(o, options, "api_key"));
    pd_project(st);
    return st;
}

static void pd_free(void *state)
{
    pd_state *st = state;
    if (!st)
        return;
    pd_project_free(st);
    free(st->api_key);
    free(st);
}

static void pd_describe(void *state, sb_buf *out)
{
    const pd_state *st = state;
    sb_buf_printf(out, "paddle seed %llu scale %ld: %zu customers, %zu prices, %zu subscriptions, %zu transactions, %zu adjustments",
                  (unsigned long long)st->w->seed, st->w->scale, st->n_order[PD_CUSTOMER], st->n_order[PD_PRICE],
                  st->n_order[PD_SUB], st->n_txns, st->n_adjs);
}

static void pd_settings(void *state, const char *base_url, sb_buf *out)
{
    const pd_state *st = state;
    sb_buf_printf(out, "api_key=%s base_url=%s", st->api_key, base_url);
}

static double pd_own_rate(void *state)
{
    (void)state;
    return PD_RATE;
}

/* Paddle's lists carry an estimated total only: inflate and shrink have nothing to lie
 * about; insert is not modelled by this module. */
static int pd_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    (void)state;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (f->kind == SB_FAULT_INFLATE || f->kind == SB_FAULT_SHRINK || f->kind == SB_FAULT_INSERT) {
            snprintf(err, errlen, "fault '%s': the Paddle module does not take it (lists carry an estimated total; "
                                  "no records are created during a run)", f->spec);
            return -1;
        }
    }
    return 0;
}

static int pd_truth(void *state, const char *dir, char *err, size_t errlen)
{
    return pd_write_truth(state, dir, err, errlen);
}

static void pd_handle(void *state, const sb_request *req, sb_response *resp)
{
    const pd_state *st = state;
    sb_response_header(resp, "Content-Type", "application/json");
    char *user = NULL, *password = NULL;
    int bearer = 0;
    if (!req->header(req, "Authorization")) {
        pd_error(resp, req, 403, "request_error", "authentication_missing", "Authentication header missing.", NULL, NULL);
        return;
    }
    if (!sb_authorization(req, &user, &password, &bearer) || !bearer) {
        free(user);
        free(password);
        pd_error(resp, req, 403, "request_error", "authentication_malformed",
                 "Authentication header included, but incorrectly formatted.", NULL, NULL);
        return;
    }
    free(password);
    if (strcmp(user, st->api_key) != 0) {
        free(user);
        pd_error(resp, req, 403, "request_error", "invalid_token", "Invalid, revoked or expired API key.", NULL, NULL);
        return;
    }
    const char *version = req->header(req, "Paddle-Version");
    if (version && strcmp(version, "1") != 0) {
        free(user);
        pd_error(resp, req, 400, "request_error", "bad_request", "Invalid request: unsupported Paddle-Version.",
                 "Paddle-Version", "the only API version is 1");
        return;
    }
    int allowed = sb_ratelimit_take(req->limiter, user, PD_RATE);
    free(user);
    if (!allowed) {
        sb_response_header(resp, "Retry-After", "1");
        pd_error_status(resp, req, 429, NULL);
        return;
    }
    int kind = pd_list_kind(req->path), events = !strcmp(req->path, "/events");
    if (kind < 0 && !events) {
        pd_error_status(resp, req, 404, NULL);
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        pd_error(resp, req, 405, "request_error", "method_not_allowed", "Method not allowed for this endpoint.", NULL,
                 NULL);
        return;
    }
    const char *host = req->header(req, "Host");
    char base[160];
    snprintf(base, sizeof base, "http://%s", host ? host : "127.0.0.1");
    if (events)
        pd_serve_events(st, req, base, resp);
    else
        pd_serve_list(st, kind, req, base, resp);
}

static void pd_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    (void)state;
    sb_response_header(resp, "Content-Type", "application/json");
    sb_buf echo;
    sb_buf_init(&echo);
    if (req->fault->echo)
        sb_credentials_echo(req, &echo);
    pd_error_status(resp, req, status, echo.len ? sb_buf_str(&echo) : NULL);
    sb_buf_free(&echo);
}

const sb_provider sb_module_paddle = {
    .name = "paddle",
    .options = options,
    .init = pd_init,
    .write_truth = pd_truth,
    .handle = pd_handle,
    .fault = pd_fault,
    .settings = pd_settings,
    .describe = pd_describe,
    .free = pd_free,
    .prepare_faults = pd_prepare_faults,
    .list_key = pd_list_key,
    .own_rate = pd_own_rate,
};
