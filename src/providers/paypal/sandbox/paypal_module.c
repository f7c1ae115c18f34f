/* The PayPal module: options, the token endpoint, Bearer authentication, rate limit and
 * routing.
 *
 * Order of checks: POST /v1/oauth2/token authenticates the client (HTTP Basic), then the
 * rate limit, then the grant type. Every other request: the Bearer token (401), the rate
 * limit (429), then method and URL (404), then parameters (400/404). Every response
 * carries Content-Type: application/json and a Paypal-Debug-Id (13 hex digits, unique per
 * request); error bodies with a debug_id carry the same value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "paypal_endpoints.h"
#include "paypal_errors.h"
#include "paypal_faults.h"
#include "paypal_invoicing.h"
#include "paypal_truth.h"
#include "sandbox_truth_file.h"
#include "sandbox_buf.h"
#include "sandbox_json.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

#define TOKEN_PATH "/v1/oauth2/token"

static const sb_opt_def options[] = {
    {"client_id", "sandbox-client", 1, 0, ":", "the only OAuth client id accepted", 1},
    {"client_secret", "sandbox-secret", 1, 0, ":", "its secret", 1},
    {"token_ttl", "32400", 1, 100000000, NULL, "access-token lifetime (expires_in), seconds", 0},
    /* 2001-09-09 .. 2100-01-01: three years of history must fit after 1970 */
    {"now", NULL, 1000000000, 4102444800LL, NULL,
     "the world's now as Unix time (default: the wall clock rounded down to the hour)", 0},
    {"burst_rows", "0", 0, 1000000, NULL, "extra one-off payments on one day, to overflow a search", 0},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

static void *paypal_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pp_state *s = sb_xcalloc(1, sizeof *s);
    s->w = w;
    /* the world's now at epoch 0, moved on by the days advanced since */
    int64_t now0 = sb_opt(o, options, "now") ? sb_opt_int(o, options, "now") : o->started / 3600 * 3600;
    s->now = now0 + (w->now - W_NOW);
    s->burst_rows = (long)sb_opt_int(o, options, "burst_rows");
    s->client_id = sb_xstrdup(sb_opt(o, options, "client_id"));
    s->client_secret = sb_xstrdup(sb_opt(o, options, "client_secret"));
    pp_project(s);
    pp_invoices_link_rows(s);
    s->tokens = sb_tokens_new((long)sb_opt_int(o, options, "token_ttl"), w->seed, "A21AA",
                              "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 97);
    return s;
}

static void paypal_free(void *state)
{
    pp_state *s = state;
    pp_project_free(s);
    free(s->row_inserted);
    sb_tokens_free(s->tokens);
    free(s->client_id);
    free(s->client_secret);
    free(s);
}

static void paypal_describe(void *state, sb_buf *out)
{
    const pp_state *s = state;
    size_t shared = 0;
    for (size_t i = 1; i < s->n_rows; i++)
        shared += strcmp(s->rows[i].txid, s->rows[i - 1].txid) == 0;
    char now[32];
    sb_time_rfc3339(s->now, now);
    sb_buf_printf(out,
                  "paypal seed %llu scale %ld now %s: %zu products, %zu plans, %zu subscriptions (%zu hidden), "
                  "%zu rows (%zu transactions, %zu rows sharing an id), %ld burst rows",
                  (unsigned long long)s->w->seed, s->w->scale, now, s->n_products, s->n_plans, s->n_subs,
                  s->n_hidden, s->n_rows, s->n_rows - shared, shared, s->burst_rows);
}

static int write_truth_files(void *state, const char *dir, char *err, size_t errlen)
{
    return pp_write_truth(state, dir, err, errlen);
}

/* DIR holds the truth before any insert@N:K, DIR/after the truth after it. */
static int paypal_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    pp_state *s = state;
    return sb_truth_write_views(dir, s->row_inserted != NULL, &s->truth_after, write_truth_files, s, err, errlen);
}

static void paypal_settings(void *state, const char *base_url, sb_buf *out)
{
    const pp_state *s = state;
    sb_buf_printf(out, "client_id=%s client_secret=%s base_url=%s", s->client_id, s->client_secret, base_url);
}

static void start_response(const pp_state *s, const sb_request *req, sb_response *resp, char debug_id[16])
{
    uint64_t h = sb_mix64(s->w->seed * 0x2545F4914F6CDD1DULL + req->number) & 0xFFFFFFFFFFFFFULL;
    snprintf(debug_id, 16, "%013llx", (unsigned long long)h);
    sb_response_header(resp, "Content-Type", "application/json");
    sb_response_header(resp, "Paypal-Debug-Id", debug_id);
    sb_response_header(resp, "Cache-Control", "max-age=0, no-cache, no-store, must-revalidate");
}

/* POST /v1/oauth2/token: client credentials, rate limit, grant type, then the token. */
static void token_endpoint(pp_state *s, const sb_request *req, sb_response *resp, const char *debug_id)
{
    char *user, *password;
    int bearer;
    int ok = sb_authorization(req, &user, &password, &bearer) && !bearer && password &&
             strcmp(user, s->client_id) == 0 && strcmp(password, s->client_secret) == 0;
    free(user);
    free(password);
    if (!ok) {
        pp_error_oauth(resp, 401, "invalid_client", "Client Authentication failed");
        return;
    }
    if (!sb_ratelimit_take(req->limiter, s->client_id, 0)) {
        pp_error(resp, PP_E_RATE_LIMIT, debug_id, NULL, NULL, NULL, NULL);
        return;
    }
    sb_params form;
    sb_params_parse(&form, req->body ? req->body : ""); /* only the body's grant_type counts */
    const char *grant = sb_param_get(&form, "grant_type");
    int missing = !grant || !*grant, other = !missing && strcmp(grant, "client_credentials") != 0;
    sb_params_free(&form);
    if (missing || other) {
        pp_error_oauth(resp, 400, "unsupported_grant_type", missing ? "Grant Type is NULL" : "unsupported grant_type");
        return;
    }
    char token[SB_TOKEN_MAX], nonce[96], stamp[32];
    long expires_in = sb_tokens_issue(s->tokens, token);
    sb_time_rfc3339((int64_t)time(NULL), stamp);
    snprintf(nonce, sizeof nonce, "%s%.43s", stamp, token + 20);
    resp->status = 200;
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_lit(&j, "scope: 'https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/vault/payment-tokens/read "
                "https://uri.paypal.com/services/disputes/read-buyer https://uri.paypal.com/services/payments/realtimepayment "
                "https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/payments/payment/authcapture "
                "openid https://uri.paypal.com/services/disputes/read-seller https://uri.paypal.com/services/payments/refund "
                "https://api-m.paypal.com/v1/payments/.* https://uri.paypal.com/payments/payouts "
                "https://uri.paypal.com/services/subscriptions https://uri.paypal.com/services/applications/webhooks'");
    sbj_kstr(&j, "access_token", token);
    sbj_lit(&j, "token_type: 'Bearer'");
    sbj_kstr(&j, "app_id", s->app_id);
    sbj_kint(&j, "expires_in", expires_in);
    sbj_kstr(&j, "nonce", nonce);
    sbj_obj_end(&j);
}

/* 1 when the request carries a live Bearer token; else PayPal's 401 is written. */
static int authenticated(pp_state *s, const sb_request *req, sb_response *resp)
{
    char *token, *password;
    int bearer;
    if (!sb_authorization(req, &token, &password, &bearer) || !bearer) {
        pp_error(resp, PP_E_AUTH_FAILURE, NULL, NULL, NULL, NULL, NULL);
        free(token);
        free(password);
        return 0;
    }
    int ok = sb_tokens_valid(s->tokens, token, strlen(token));
    free(token);
    if (!ok)
        pp_error_oauth(resp, 401, "invalid_token", "Access Token not found in cache");
    return ok;
}

static void route(pp_ctx *c)
{
    static const struct {
        const char *prefix;
        void (*list)(pp_ctx *);
        void (*get)(pp_ctx *, const char *);
    } routes[] = {
        {"/v1/catalogs/products", pp_list_products, pp_get_product},
        {"/v1/billing/plans", pp_list_plans, pp_get_plan},
        {"/v1/billing/subscriptions", NULL, pp_get_subscription},
        {"/v1/reporting/transactions", pp_search, NULL},
    };
    if (pp_invoicing_route(c))
        return;
    const char *path = c->req->path;
    for (size_t i = 0; strcmp(c->req->method, "GET") == 0 && i < sizeof routes / sizeof routes[0]; i++) {
        size_t n = strlen(routes[i].prefix);
        if (strncmp(path, routes[i].prefix, n) != 0)
            continue;
        const char *rest = path + n;
        if (*rest == '\0' && routes[i].list) {
            routes[i].list(c);
            return;
        }
        if (*rest == '/' && rest[1] && !strchr(rest + 1, '/') && routes[i].get) {
            routes[i].get(c, rest + 1);
            return;
        }
    }
    pp_error(c->resp, PP_E_NO_ROUTE, c->debug_id, NULL, NULL, NULL, NULL);
}

static void paypal_handle(void *state, const sb_request *req, sb_response *resp)
{
    pp_state *s = state;
    pp_ctx c = {.s = s, .req = req, .resp = resp};
    start_response(s, req, resp, c.debug_id);
    const char *host = req->header(req, "Host");
    snprintf(c.base, sizeof c.base, "http://%s", host && *host && strlen(host) < 120 ? host : "127.0.0.1");
    if (strcmp(req->path, TOKEN_PATH) == 0 && strcmp(req->method, "POST") == 0)
        token_endpoint(s, req, resp, c.debug_id);
    else if (strcmp(req->path, TOKEN_PATH) == 0)
        pp_error(resp, PP_E_NO_ROUTE, c.debug_id, NULL, NULL, NULL, NULL);
    else if (!authenticated(s, req, resp))
        return;
    else if (!sb_ratelimit_take(req->limiter, s->client_id, 0)) /* none unless --rate-limit */
        pp_error(resp, PP_E_RATE_LIMIT, c.debug_id, NULL, NULL, NULL, NULL);
    else
        route(&c);
}

static void paypal_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    char debug_id[16];
    start_response(state, req, resp, debug_id);
    sb_buf echo;
    sb_buf_init(&echo);
    if (req->fault->echo)
        sb_credentials_echo(req, &echo);
    pp_error_fault(resp, debug_id, status, strcmp(req->path, TOKEN_PATH) == 0, echo.len ? sb_buf_str(&echo) : NULL);
    sb_buf_free(&echo);
}

/* PayPal's now: --opt now (or the startup hour) plus the days advanced. */
static int64_t paypal_now(void *state)
{
    return ((const pp_state *)state)->now;
}

const sb_provider sb_module_paypal = {
    .name = "paypal",
    .options = options,
    .init = paypal_init,
    .write_truth = paypal_write_truth,
    .handle = paypal_handle,
    .fault = paypal_fault,
    .settings = paypal_settings,
    .describe = paypal_describe,
    .free = paypal_free,
    .prepare_faults = pp_prepare_faults,
    .list_key = pp_list_key,
    .now = paypal_now,
};
