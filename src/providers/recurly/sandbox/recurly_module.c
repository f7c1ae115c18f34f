/* The Recurly module (API v3, version v2021-02-25): options, authentication, rate limiting,
 * the Accept version and routing.
 *
 * Order of checks: the API key as the HTTP Basic user name (401), the rate limit (429),
 * the version in Accept (406), then the path and method (404), then parameters (400).
 * Every answer carries X-Request-Id and Recurly-Version. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recurly_errors.h"
#include "recurly_model.h"
#include "sandbox_rng.h"

#define VERSION "v2021-02-25"
/* Recurly's documented limit for production sites: 1,000 GET requests a minute. */
#define REQUESTS_PER_SECOND (1000.0 / 60.0)

static const sb_opt_def options[] = {
    {"api_key", "sandbox-recurly-key", 1, 0, " :'\"\\", "the only private API key accepted", 1},
    {"embedded_lines", "2", 0, 1000, NULL, "line items an invoice embeds at most; more: has_more_line_items "
     "(Recurly does not document its own number)", 0},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

static void *recurly_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    rc_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->api_key = sb_xstrdup(sb_opt(o, options, "api_key"));
    st->embedded_lines = sb_opt_int(o, options, "embedded_lines");
    rc_project(st);
    return st;
}

static void recurly_free(void *state)
{
    rc_state *st = state;
    if (!st)
        return;
    rc_project_free(st);
    free(st->api_key);
    free(st);
}

static void recurly_describe(void *state, sb_buf *out)
{
    const rc_state *st = state;
    sb_buf_printf(out, "recurly seed %" PRIu64 " scale %ld: %zu accounts, %zu plans, %zu subscriptions, "
                  "%zu transactions, %zu invoices", st->w->seed, st->w->scale, st->lists[RC_L_ACCOUNTS].n,
                  st->lists[RC_L_PLANS].n, st->lists[RC_L_SUBSCRIPTIONS].n, st->lists[RC_L_TRANSACTIONS].n,
                  st->lists[RC_L_INVOICES].n);
}

static void recurly_settings(void *state, const char *base_url, sb_buf *out)
{
    sb_buf_printf(out, "api_key=%s base_url=%s", ((const rc_state *)state)->api_key, base_url);
}

static double recurly_own_rate(void *state)
{
    (void)state;
    return REQUESTS_PER_SECOND;
}

static void common_headers(const rc_state *st, const sb_request *req, sb_response *resp)
{
    /* Recurly's request ids look like UUIDs' first groups; distinct per request. */
    uint64_t x = sb_mix64(req->number ^ sb_mix64(st->w->seed ^ 0x7EC0ULL));
    char rid[40];
    snprintf(rid, sizeof rid, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64, x >> 32, (x >> 16) & 0xffff,
             x & 0xffff);
    sb_response_header(resp, "Content-Type", "application/vnd.recurly." VERSION "+json; charset=utf-8");
    sb_response_header(resp, "X-Request-Id", rid);
    sb_response_header(resp, "Recurly-Version", "recurly." VERSION);
}

/* "application/vnd.recurly.v2021-02-25" with an optional "+json" (the official clients
 * send it bare), possibly among other media types. */
static int version_ok(const char *accept)
{
    static const char want[] = "application/vnd.recurly." VERSION;
    for (const char *p = accept; p && (p = strstr(p, want)); p++) {
        const char *e = p + sizeof want - 1;
        if (!strncmp(e, "+json", 5))
            e += 5;
        if (*e == '\0' || *e == ',' || *e == ';' || *e == ' ')
            return 1;
    }
    return 0;
}

/* The limit the sandbox holds the key to (a minute's worth), none left, and when at
 * the latest one is back (the bucket refills continuously). */
static void rate_limit_headers(sb_response *resp)
{
    char reset[24];
    snprintf(reset, sizeof reset, "%lld", (long long)time(NULL) + 1);
    sb_response_header(resp, "X-RateLimit-Limit", "1000");
    sb_response_header(resp, "X-RateLimit-Remaining", "0");
    sb_response_header(resp, "X-RateLimit-Reset", reset);
}

static void rate_limited(sb_response *resp)
{
    rc_error(resp, 429, "rate_limited", "You have made too many API requests in the last five minutes.");
    rate_limit_headers(resp);
}

/* The invoice of "/invoices/{id}/line_items" when Recurly shows it, else -1. */
static long lines_of(const rc_state *st, const char *path)
{
    static const char head[] = "/invoices/", tail[] = "/line_items";
    size_t n = strlen(path);
    if (strncmp(path, head, sizeof head - 1) != 0 || n < sizeof head + sizeof tail - 1 ||
        strcmp(path + n - (sizeof tail - 1), tail) != 0)
        return -1;
    char id[SB_ID_MAX];
    size_t len = n - (sizeof head - 1) - (sizeof tail - 1);
    if (len == 0 || len >= sizeof id)
        return -1;
    memcpy(id, path + sizeof head - 1, len);
    id[len] = '\0';
    long long i = sb_id_number(id, &st->styles[RC_INVOICE], st->w->seed, RC_INVOICE);
    return i >= 0 && (size_t)i < st->w->n_invoices && st->invoice_state[i] >= 0 ? (long)i : -1;
}

static void recurly_handle(void *state, const sb_request *req, sb_response *resp)
{
    rc_state *st = state;
    common_headers(st, req, resp);
    char *user, *password;
    int bearer;
    if (!sb_authorization(req, &user, &password, &bearer) || bearer) {
        free(user);
        free(password);
        rc_error(resp, 401, "unauthorized",
                 "Please use HTTP Basic authentication with your private API key as the user name.");
        return;
    }
    free(password);
    if (strcmp(user, st->api_key) != 0) {
        free(user);
        rc_error(resp, 401, "invalid_api_key", "The API key provided is invalid.");
        return;
    }
    int allowed = sb_ratelimit_take(req->limiter, user, REQUESTS_PER_SECOND);
    free(user);
    if (!allowed) {
        rate_limited(resp);
        return;
    }
    if (!version_ok(req->header(req, "Accept"))) {
        rc_error(resp, 406, "invalid_api_version",
                 "A valid API version is required in the Accept header: application/vnd.recurly." VERSION);
        return;
    }
    int list = rc_list_of(req->path);
    long invoice = list < 0 ? lines_of(st, req->path) : -1;
    if ((list < 0 && invoice < 0) || (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)) {
        rc_error(resp, 404, "not_found", "The requested resource could not be found.");
        return;
    }
    if (invoice >= 0)
        rc_serve_lines(st, (size_t)invoice, req, resp);
    else
        rc_serve_list(st, list, req, resp);
}

static void recurly_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    common_headers(state, req, resp);
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "Injected error %d", status);
    if (req->fault->echo) {
        sb_buf_adds(&msg, " for ");
        sb_credentials_echo(req, &msg);
    }
    rc_error(resp, status, rc_error_type(status), sb_buf_str(&msg));
    sb_buf_free(&msg);
    if (status == 429)
        rate_limit_headers(resp);
}

/* Module faults: repeat (a page served again) only. Recurly's lists carry no totals to
 * inflate or shrink (HEAD's Recurly-Total-Records is a separate request), and inserting
 * records during a run is not implemented. */
static int recurly_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    (void)state;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (sb_fault_is_module_kind(f->kind) && f->kind != SB_FAULT_REPEAT) {
            snprintf(err, errlen, "fault '%s': the recurly module does not support it%s", f->spec,
                     f->kind == SB_FAULT_INSERT ? "" : " (Recurly lists carry no totals)");
            return -1;
        }
    }
    return 0;
}

/* A list's identity for repeat@N: its path and parameters without the cursor. */
static int recurly_list_key(void *state, const sb_request *req, sb_buf *key)
{
    if ((rc_list_of(req->path) < 0 && lines_of(state, req->path) < 0) || strcmp(req->method, "GET") != 0)
        return 0;
    sb_buf_adds(key, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        if (!strcmp(req->params->items[i].key, "cursor"))
            continue;
        sb_buf_printf(key, "&%s=%s", req->params->items[i].key, req->params->items[i].value);
    }
    return 1;
}

const sb_provider sb_module_recurly = {
    .name = "recurly",
    .options = options,
    .init = recurly_init,
    .write_truth = rc_write_truth,
    .handle = recurly_handle,
    .fault = recurly_fault,
    .settings = recurly_settings,
    .describe = recurly_describe,
    .free = recurly_free,
    .prepare_faults = recurly_prepare_faults,
    .list_key = recurly_list_key,
    .own_rate = recurly_own_rate,
};
