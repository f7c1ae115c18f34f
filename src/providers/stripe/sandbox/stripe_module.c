/* The Stripe module: options, authentication, rate limiting, API versions and routing.
 *
 * Order of checks, as Stripe applies them: the API key (401), the rate limit (429), the
 * Stripe-Account header (403; the order of these two is a guess), the Stripe-Version header
 * (400), then the URL and method (404), then parameters (400/404).
 * Every response carries Request-Id and the Stripe-Version it was rendered in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_provider.h"
#include "stripe_errors.h"
#include "stripe_faults.h"
#include "stripe_list.h"
#include "stripe_model.h"
#include "sandbox_truth_file.h"
#include "stripe_truth.h"
#include "stripe_version.h"

static const sb_opt_def options[] = {
    {"api_key", "sk_test_sandbox", 1, 0, NULL, "the only secret key accepted", 1},
    {"connected_account", NULL, 1, 0, "'\"\\", "serve the world as this connected account (acct_...), "
     "read with Stripe-Account; the platform itself then has no objects", 0},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

static st_state *state_new(const sb_world *w, const char *api_key)
{
    st_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->api_key = sb_xstrdup(api_key);
    st_ids_init(st);
    size_t nc = w->n_customers ? w->n_customers : 1;
    st->has_subs = sb_xcalloc(nc, 1);
    st->delinquent = sb_xcalloc(nc, 1);
    st->invoice_count = sb_xcalloc(nc, sizeof *st->invoice_count);
    for (size_t i = 0; i < w->n_subs; i++)
        st->has_subs[w->subs[i].customer] = 1;
    st_disputes_init(st);
    st->custom_price = st_custom_price(st);
    for (size_t i = 0; i < w->n_invoices; i++) {
        const w_invoice *v = &w->invoices[i];
        if (v->number > (int)st->invoice_count[v->customer])
            st->invoice_count[v->customer] = (uint32_t)v->number;
        if ((v->status == W_INV_OPEN || v->status == W_INV_UNCOLLECTIBLE) && v->payment >= 0 &&
            w->payments[v->payment].status == W_PAY_FAILED)
            st->delinquent[v->customer] = 1;
    }
    return st;
}

static void stripe_free(void *state)
{
    st_state *st = state;
    if (!st)
        return;
    stripe_free(st->platform);
    free(st->platform_world);
    free(st->connected);
    free(st->api_key);
    free(st->has_subs);
    free(st->delinquent);
    free(st->invoice_count);
    st_disputes_free(st);
    free(st);
}

static void *stripe_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    const char *key = sb_opt(o, options, "api_key"), *account = sb_opt(o, options, "connected_account");
    if (account && (strncmp(account, "acct_", 5) != 0 || !account[5])) {
        snprintf(err, errlen, "--opt connected_account: '%s' is not an account id (acct_...)", account);
        return NULL;
    }
    st_state *st = state_new(w, key);
    if (account) {
        st->connected = sb_xstrdup(account);
        st->platform_world = sb_xcalloc(1, sizeof *st->platform_world);
        st->platform_world->seed = w->seed;
        st->platform_world->scale = w->scale;
        st->platform_world->now = w->now;
        st->platform = state_new(st->platform_world, key);
    }
    return st;
}

static void stripe_describe(void *state, sb_buf *out)
{
    const sb_world *w = ((st_state *)state)->w;
    size_t deleted = 0;
    for (size_t i = 0; i < w->n_customers; i++)
        deleted += w->customers[i].deleted_at != 0;
    sb_buf_printf(out,
                  "stripe seed %llu scale %ld: %zu customers (%zu deleted), %zu products, %zu prices, "
                  "%zu subscriptions with %zu items, %zu invoices with %zu lines, %zu charges, %zu refunds",
                  (unsigned long long)w->seed, w->scale, w->n_customers, deleted, w->n_products,
                  w->n_prices, w->n_subs, w->n_items, w->n_invoices, w->n_lines, w->n_payments,
                  w->n_refunds);
}

static int write_truth_files(void *state, const char *dir, char *err, size_t errlen)
{
    return st_write_truth(state, dir, err, errlen);
}

/* DIR holds the truth before any insert@N:K, DIR/after the truth after it. */
static int stripe_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    st_state *st = state;
    return sb_truth_write_views(dir, st->inserting, &st->truth_after, write_truth_files, st, err, errlen);
}

static void stripe_settings(void *state, const char *base_url, sb_buf *out)
{
    const st_state *st = state;
    sb_buf_printf(out, "api_key=%s base_url=%s", st->api_key, base_url);
    if (st->connected)
        sb_buf_printf(out, " stripe_account=%s", st->connected);
}

static void common_headers(const st_state *st, const sb_request *req, const char *version, sb_response *resp)
{
    char rid[24];
    st_request_id(st->w->seed, req->number, rid);
    sb_response_header(resp, "Content-Type", "application/json");
    sb_response_header(resp, "Request-Id", rid);
    sb_response_header(resp, "Stripe-Version", version);
    sb_response_header(resp, "Cache-Control", "no-cache, no-store");
}

/* The version a request asks for; the default for none and for an unknown one (*invalid). */
static const char *version_of(const sb_request *req, int *invalid)
{
    const char *v = req->header(req, "Stripe-Version");
    *invalid = v && !st_version_known(v);
    return v && !*invalid ? v : ST_DEFAULT_VERSION;
}

/* Stripe's documented limits: 100 requests a second in live mode, 25 in test mode. */
static double key_rate(const char *key)
{
    return strncmp(key, "sk_live_", 8) == 0 || strncmp(key, "rk_live_", 8) == 0 ? 100 : 25;
}

static double stripe_own_rate(void *state)
{
    return key_rate(((const st_state *)state)->api_key);
}

static void stripe_handle(void *state, const sb_request *req, sb_response *resp)
{
    st_state *st = state;
    int bad_version;
    const char *version = version_of(req, &bad_version);
    common_headers(st, req, version, resp);

    /* "Bearer KEY", or Basic auth with KEY as the user name (the password is ignored) */
    char *key, *password;
    int bearer;
    if (!sb_authorization(req, &key, &password, &bearer)) {
        st_error_missing_key(resp);
        return;
    }
    free(password);
    if (strcmp(key, st->api_key) != 0) {
        st_error_invalid_key(resp, key);
        free(key);
        return;
    }
    if (!sb_ratelimit_take(req->limiter, key, key_rate(key))) {
        free(key);
        st_error_rate_limit(resp);
        return;
    }
    /* Connect: the key acts for the one connected account, or for the platform itself
     * (no header; an empty one counts as none). Any other account is refused. */
    const char *account = req->header(req, "Stripe-Account");
    const st_state *as = st;
    if (account && *account) {
        if (!st->connected || strcmp(account, st->connected) != 0) {
            st_error_account(resp, key, account);
            free(key);
            return;
        }
    } else if (st->connected) {
        as = st->platform;
    }
    free(key);
    if (bad_version) {
        st_invalid(resp, 400, NULL, NULL, "Invalid Stripe API version: %s", req->header(req, "Stripe-Version"));
        return;
    }
    st_shape sh;
    st_shape_for(version, &sh);
    st_serve(as, req, &sh, resp);
}

static void stripe_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    int bad_version;
    common_headers(state, req, version_of(req, &bad_version), resp);
    char *key = NULL, *password = NULL;
    int bearer;
    sb_buf echo;
    sb_buf_init(&echo);
    if (req->fault->echo && status == 401)
        sb_authorization(req, &key, &password, &bearer);
    else if (req->fault->echo)
        sb_credentials_echo(req, &echo);
    st_error_fault(resp, status, key ? key : echo.len ? sb_buf_str(&echo) : NULL);
    free(key);
    free(password);
    sb_buf_free(&echo);
}

const sb_provider sb_module_stripe = {
    .name = "stripe",
    .options = options,
    .init = stripe_init,
    .write_truth = stripe_write_truth,
    .handle = stripe_handle,
    .fault = stripe_fault,
    .settings = stripe_settings,
    .describe = stripe_describe,
    .free = stripe_free,
    .prepare_faults = st_prepare_faults,
    .list_key = st_list_key,
    .own_rate = stripe_own_rate,
};
