/* The Chargebee module (API v2, product catalog 2.0): options, authentication, rate
 * limiting, routing and faults.
 *
 * Order of checks: HTTP Basic auth with the API key as the user name (401
 * api_authentication_failed), the rate limit (429 api_request_limit_exceeded), then the
 * path and method (404 / 405), then the parameters (400). The site is the host name on
 * chargebee.com, which a sandbox on 127.0.0.1 cannot see: it serves one site, named in
 * the settings line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"
#include "sandbox_truth_file.h"

static const sb_opt_def options[] = {
    {"api_key", "test_sandbox_key", 1, 0, ":'\"\\", "the only API key accepted", 1},
    {"site", "sandbox-test", 1, 0, ":/.'\"\\", "the site's name, for the settings line", 1},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

/* Chargebee's documented floor: 150 requests a minute on test sites and live Starter ones. */
#define CB_RATE (150.0 / 60.0)

static void *cb_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    cb_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->api_key = sb_xstrdup(sb_opt(o, options, "api_key"));
    st->site = sb_xstrdup(sb_opt(o, options, "site"));
    cb_project(st);
    return st;
}

static void cb_free(void *state)
{
    cb_state *st = state;
    if (!st)
        return;
    cb_project_free(st);
    free(st->api_key);
    free(st->site);
    free(st);
}

static void cb_describe(void *state, sb_buf *out)
{
    const cb_state *st = state;
    sb_buf_printf(out, "chargebee seed %llu scale %ld: %zu customers, %zu item prices, %zu subscriptions with %zu items",
                  (unsigned long long)st->w->seed, st->w->scale, st->w->n_customers, st->w->n_prices, st->w->n_subs,
                  st->w->n_items);
}

static void cb_settings(void *state, const char *base_url, sb_buf *out)
{
    const cb_state *st = state;
    sb_buf_printf(out, "site=%s api_key=%s base_url=%s", st->site, st->api_key, base_url);
}

static double cb_own_rate(void *state)
{
    (void)state;
    return CB_RATE;
}

/* insert@N:K: the K newest listed customers and everything created from the first of
 * them on are created while a run is in progress. Lists are read oldest first by billtap
 * (sort_by[asc]=created_at), so they join the lists' ends. Chargebee lists carry no totals:
 * inflate and shrink are refused. */
static int cb_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    cb_state *st = state;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (f->kind == SB_FAULT_INFLATE || f->kind == SB_FAULT_SHRINK) {
            snprintf(err, errlen, "fault '%s': Chargebee lists carry no totals (next_offset only)", f->spec);
            return -1;
        }
    }
    const sb_fault *ins = sb_faults_find(faults, SB_FAULT_INSERT);
    if (!ins)
        return 0;
    size_t listed = 0, c = st->w->n_customers;
    while (c > 0 && listed < ins->arg)
        listed += !st->w->customers[--c].deleted_at;
    if (listed < ins->arg) {
        snprintf(err, errlen, "fault '%s': the world lists only %zu customers", ins->spec, listed);
        return -1;
    }
    /* subscriptions are created after their customers: nothing refers to a hidden record */
    st->inserting = 1;
    st->insert_since = st->w->customers[c].created;
    return 0;
}

static int write_truth_files(void *state, const char *dir, char *err, size_t errlen)
{
    return cb_write_truth(state, dir, err, errlen);
}

static int cb_truth(void *state, const char *dir, char *err, size_t errlen)
{
    cb_state *st = state;
    return sb_truth_write_views(dir, st->inserting, &st->truth_after, write_truth_files, st, err, errlen);
}

static void headers(sb_response *resp)
{
    sb_response_header(resp, "Content-Type", "application/json;charset=utf-8");
}

static void cb_handle(void *state, const sb_request *req, sb_response *resp)
{
    const cb_state *st = state;
    headers(resp);
    char *user = NULL, *password = NULL;
    int bearer = 0;
    if (!sb_authorization(req, &user, &password, &bearer) || bearer) {
        free(user);
        free(password);
        cb_error(resp, 401, "untyped", "api_authentication_failed", NULL,
                 "Sorry, authentication failed. The basic authentication header is missing or not in the "
                 "correct format");
        return;
    }
    int ok = strcmp(user, st->api_key) == 0;
    free(password);
    if (!ok) {
        free(user);
        cb_error(resp, 401, "untyped", "api_authentication_failed", NULL,
                 "Sorry, authentication failed. Invalid api key");
        return;
    }
    int allowed = sb_ratelimit_take(req->limiter, user, CB_RATE);
    free(user);
    if (!allowed) {
        /* chargebee-python waits as long as Retry-After says before retrying a 429 */
        sb_response_header(resp, "Retry-After", "1");
        cb_error_status(resp, 429, NULL);
        return;
    }
    int kind = strcmp(req->path, "/api/v2/customers") == 0       ? CB_CUSTOMER
               : strcmp(req->path, "/api/v2/subscriptions") == 0 ? CB_SUB
               : strcmp(req->path, "/api/v2/item_prices") == 0   ? CB_ITEM_PRICE
               : strcmp(req->path, "/api/v2/invoices") == 0      ? CB_INVOICE
               : strcmp(req->path, "/api/v2/transactions") == 0  ? CB_TXN
                                                                 : -1;
    if (kind < 0) {
        cb_error_status(resp, 404, NULL);
        return;
    }
    if (strcmp(req->method, "GET") != 0) {
        cb_error(resp, 405, "invalid_request", "invalid_request", NULL,
                 "Sorry, the HTTP method is not allowed for this resource");
        return;
    }
    cb_serve_list(st, kind, req, resp);
}

static void cb_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    (void)state;
    headers(resp);
    sb_buf echo;
    sb_buf_init(&echo);
    if (req->fault->echo)
        sb_credentials_echo(req, &echo);
    cb_error_status(resp, status, echo.len ? sb_buf_str(&echo) : NULL);
    sb_buf_free(&echo);
}

const sb_provider sb_module_chargebee = {
    .name = "chargebee",
    .options = options,
    .init = cb_init,
    .write_truth = cb_truth,
    .handle = cb_handle,
    .fault = cb_fault,
    .settings = cb_settings,
    .describe = cb_describe,
    .free = cb_free,
    .prepare_faults = cb_prepare_faults,
    .list_key = cb_list_key,
    .own_rate = cb_own_rate,
};
