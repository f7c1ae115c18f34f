/* The GoCardless module (Pro API, version 2015-07-06): options, authentication, the
 * version header, rate limiting, routing and the error envelope.
 *
 * Order of checks: the bearer access token (401), the GoCardless-Version header (400),
 * the rate limit (429), then the path and method (404), then parameters (400/422).
 * Every answer carries RateLimit-Limit; a 429 also RateLimit-Remaining 0 and
 * RateLimit-Reset. Error bodies carry a request id distinct per request. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gocardless_model.h"
#include "sandbox_provider.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

#define VERSION "2015-07-06"
/* GoCardless's documented limit: 1,000 requests a minute. */
#define REQUESTS_PER_SECOND (1000.0 / 60.0)

static const sb_opt_def options[] = {
    {"access_token", "sandbox_gocardless_token", 1, 0, " :'\"\\", "the only access token accepted", 1},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

static void *gocardless_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    gc_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->token = sb_xstrdup(sb_opt(o, options, "access_token"));
    gc_project(st);
    return st;
}

static void gocardless_free(void *state)
{
    gc_state *st = state;
    if (!st)
        return;
    gc_project_free(st);
    free(st->token);
    free(st);
}

static void gocardless_describe(void *state, sb_buf *out)
{
    const gc_state *st = state;
    sb_buf_printf(out, "gocardless seed %" PRIu64 " scale %ld: %zu customers (and mandates), %zu subscriptions, "
                  "%zu payments, %zu refunds", st->w->seed, st->w->scale, st->lists[GC_L_CUSTOMERS].n,
                  st->lists[GC_L_SUBSCRIPTIONS].n, st->lists[GC_L_PAYMENTS].n, st->lists[GC_L_REFUNDS].n);
}

static void gocardless_settings(void *state, const char *base_url, sb_buf *out)
{
    sb_buf_printf(out, "access_token=%s base_url=%s", ((const gc_state *)state)->token, base_url);
}

static double gocardless_own_rate(void *state)
{
    (void)state;
    return REQUESTS_PER_SECOND;
}

void gc_invalid(sb_response *resp, const sb_request *req, const char *field, const char *message)
{
    gc_error(resp, req, 422, "validation_failed", NULL, field, message);
}

int gc_created_parse(gc_created *f, const char *op, const char *key, const char *value,
                     const sb_request *req, sb_response *resp)
{
    static const char *const ops[4] = {"gt", "gte", "lt", "lte"};
    int o = 0;
    while (o < 4 && strcmp(op, ops[o]))
        o++;
    if (o == 4) {
        char msg[96];
        snprintf(msg, sizeof msg, "created_at[%s] is not a filter: use gt, gte, lt or lte", op);
        gc_error(resp, req, 400, "invalid_api_usage", "invalid_filters", NULL, msg);
        return -1;
    }
    if (sb_time_parse_rfc3339(value, &f->bound[o]) != 0) {
        gc_invalid(resp, req, key, "must be an ISO 8601 date-time");
        return -1;
    }
    f->has[o] = 1;
    return 0;
}

int gc_created_pass(const gc_created *f, int64_t t)
{
    return !((f->has[0] && t <= f->bound[0]) || (f->has[1] && t < f->bound[1]) ||
             (f->has[2] && t >= f->bound[2]) || (f->has[3] && t > f->bound[3]));
}

void gc_error(sb_response *resp, const sb_request *req, int status, const char *type, const char *reason,
              const char *field, const char *message)
{
    resp->status = status;
    sb_buf_reset(&resp->body);
    /* request ids: distinct per request, in GoCardless's style */
    uint64_t x = sb_mix64(req->number ^ 0x6C0CA4D1E55ULL);
    char rid[40];
    snprintf(rid, sizeof rid, "%016" PRIX64 "%04" PRIX64, x, (x >> 7) & 0xffff);
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "error");
    sbj_kstr(&j, "message", status == 422 ? "Validation failed" : message);
    sb_buf doc;
    sb_buf_init(&doc);
    sb_buf_printf(&doc, "https://developer.gocardless.com/api-reference#%s", reason ? reason : type);
    sbj_kstr(&j, "documentation_url", sb_buf_str(&doc));
    sb_buf_free(&doc);
    sbj_kstr(&j, "type", type);
    sbj_kstr(&j, "request_id", rid);
    sbj_kint(&j, "code", status);
    sbj_karr(&j, "errors");
    sbj_obj_begin(&j);
    if (field) {
        sbj_kstr(&j, "field", field);
        sbj_kstr(&j, "message", message);
        sb_buf ptr;
        sb_buf_init(&ptr);
        sb_buf_printf(&ptr, "/%s", field);
        sbj_kstr(&j, "request_pointer", sb_buf_str(&ptr));
        sb_buf_free(&ptr);
    } else {
        sbj_kstr(&j, "reason", reason ? reason : type);
        sbj_kstr(&j, "message", message);
    }
    sbj_obj_end(&j);
    sbj_arr_end(&j);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    sb_response_header(resp, "Content-Type", "application/json");
}

static void rate_limit_headers(sb_response *resp, int limited)
{
    sb_response_header(resp, "RateLimit-Limit", "1000");
    if (!limited)
        return;
    /* the window's end as an HTTP date; the bucket refills continuously */
    char reset[64];
    time_t t = time(NULL) + 1;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(reset, sizeof reset, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    sb_response_header(resp, "RateLimit-Remaining", "0");
    sb_response_header(resp, "RateLimit-Reset", reset);
}

static void gocardless_handle(void *state, const sb_request *req, sb_response *resp)
{
    gc_state *st = state;
    char *user, *password;
    int bearer;
    if (!sb_authorization(req, &user, &password, &bearer) || !bearer) {
        free(user);
        free(password);
        gc_error(resp, req, 401, "invalid_api_usage", "unauthorized",
                 NULL, "Authorization header must be of the form 'Bearer ACCESS_TOKEN'");
        return;
    }
    free(password);
    if (strcmp(user, st->token) != 0) {
        free(user);
        gc_error(resp, req, 401, "invalid_api_usage", "access_token_not_found", NULL, "Access token not found");
        return;
    }
    const char *version = req->header(req, "GoCardless-Version");
    if (!version || strcmp(version, VERSION) != 0) {
        free(user);
        gc_error(resp, req, 400, "invalid_api_usage", version ? "version_not_found" : "missing_version_header",
                 NULL, version ? "Version not found: use 2015-07-06"
                               : "A GoCardless-Version header is required (use 2015-07-06)");
        return;
    }
    int allowed = sb_ratelimit_take(req->limiter, user, REQUESTS_PER_SECOND);
    free(user);
    if (!allowed) {
        gc_error(resp, req, 429, "invalid_api_usage", "rate_limit_exceeded", NULL,
                 "Rate limit exceeded: 1000 requests a minute");
        rate_limit_headers(resp, 1);
        return;
    }
    rate_limit_headers(resp, 0);
    const char *id = NULL;
    int list = gc_list_of(req->path), item = list < 0 ? gc_item_of(req->path, &id) : -1;
    int events = !strcmp(req->path, "/events");
    if ((list < 0 && item < 0 && !events) || strcmp(req->method, "GET") != 0) {
        gc_error(resp, req, 404, "invalid_api_usage", "path_not_found", NULL, "Path not found");
        return;
    }
    sb_response_header(resp, "Content-Type", "application/json");
    if (events)
        gc_serve_events(st, req, resp);
    else if (item >= 0)
        gc_serve_item(st, item, id, req, resp);
    else
        gc_serve_list(st, list, req, resp);
}

static const char *type_of(int status)
{
    return status >= 500 ? "gocardless" : status == 409 ? "invalid_state" : "invalid_api_usage";
}

static void gocardless_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    (void)state;
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "Injected error %d", status);
    if (req->fault->echo) {
        sb_buf_adds(&msg, " for ");
        sb_credentials_echo(req, &msg);
    }
    gc_error(resp, req, status, type_of(status), status == 429 ? "rate_limit_exceeded" : NULL, NULL,
             sb_buf_str(&msg));
    sb_buf_free(&msg);
    rate_limit_headers(resp, status == 429);
}

/* Module faults: repeat (a page served again) only. GoCardless's lists carry no totals to
 * inflate or shrink, and inserting records during a run is not implemented. */
static int gocardless_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    (void)state;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (sb_fault_is_module_kind(f->kind) && f->kind != SB_FAULT_REPEAT) {
            snprintf(err, errlen, "fault '%s': the gocardless module does not support it%s", f->spec,
                     f->kind == SB_FAULT_INSERT ? "" : " (GoCardless lists carry no totals)");
            return -1;
        }
    }
    return 0;
}

/* A list's identity for repeat@N: its path and parameters without the cursors. */
static int gocardless_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    if ((gc_list_of(req->path) < 0 && strcmp(req->path, "/events") != 0) || strcmp(req->method, "GET") != 0)
        return 0;
    sb_buf_adds(key, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key;
        if (!strcmp(k, "after") || !strcmp(k, "before"))
            continue;
        sb_buf_printf(key, "&%s=%s", k, req->params->items[i].value);
    }
    return 1;
}

const sb_provider sb_module_gocardless = {
    .name = "gocardless",
    .options = options,
    .init = gocardless_init,
    .write_truth = gc_write_truth,
    .handle = gocardless_handle,
    .fault = gocardless_fault,
    .settings = gocardless_settings,
    .describe = gocardless_describe,
    .free = gocardless_free,
    .prepare_faults = gocardless_prepare_faults,
    .list_key = gocardless_list_key,
    .own_rate = gocardless_own_rate,
};
