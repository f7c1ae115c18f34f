/* The PayPal module: token endpoint, Bearer authentication, rate limit and routing.
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

#include "paypal_auth.h"
#include "paypal_endpoints.h"
#include "paypal_errors.h"
#include "paypal_model.h"
#include "sandbox_provider.h"
#include "paypal_truth.h"
#include "sandbox_buf.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

#define TOKEN_PATH "/v1/oauth2/token"

typedef struct pp_state {
    pp_dataset ds;
    pp_auth *auth;
    char *client_id;
    uint32_t *product_order, *plan_order;
} pp_state;

static const pp_dataset *sort_ds; /* qsort context, main thread only */

static int cmp_product(const void *a, const void *b)
{
    const pp_product *x = &sort_ds->products[*(const uint32_t *)a];
    const pp_product *y = &sort_ds->products[*(const uint32_t *)b];
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_plan(const void *a, const void *b)
{
    const pp_plan *x = &sort_ds->plans[*(const uint32_t *)a];
    const pp_plan *y = &sort_ds->plans[*(const uint32_t *)b];
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->id, y->id);
}

static uint32_t *order_of(size_t n, int (*cmp)(const void *, const void *))
{
    uint32_t *o = sb_xmalloc((n ? n : 1) * sizeof *o);
    for (size_t i = 0; i < n; i++)
        o[i] = (uint32_t)i;
    qsort(o, n, sizeof *o, cmp);
    return o;
}

static void *paypal_init(const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pp_state *s = sb_xcalloc(1, sizeof *s);
    int64_t now = o->now ? o->now : (int64_t)time(NULL) / 3600 * 3600;
    pp_dataset_generate(&s->ds, o->seed, o->scale, now, o->burst_rows);
    s->auth = pp_auth_new(o->client_id, o->client_secret, o->token_ttl, o->seed, s->ds.app_id);
    s->client_id = sb_xstrdup(o->client_id);
    sort_ds = &s->ds;
    s->product_order = order_of(s->ds.n_products, cmp_product);
    s->plan_order = order_of(s->ds.n_plans, cmp_plan);
    sort_ds = NULL;
    return s;
}

static void paypal_free(void *state)
{
    pp_state *s = state;
    pp_dataset_free(&s->ds);
    pp_auth_free(s->auth);
    free(s->client_id);
    free(s->product_order);
    free(s->plan_order);
    free(s);
}

static void paypal_describe(void *state, sb_buf *out)
{
    const pp_dataset *ds = &((pp_state *)state)->ds;
    size_t distinct = 0, shared = 0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        int dup = i > 0 && strcmp(ds->rows[i].txid, ds->rows[i - 1].txid) == 0;
        distinct += !dup;
        shared += dup;
    }
    char now[32];
    sb_time_rfc3339(ds->now, now);
    sb_buf_printf(out,
                  "paypal seed %llu scale %ld now %s: %zu products, %zu plans, %zu payers, "
                  "%zu subscriptions (%zu hidden), %zu rows (%zu transactions, %zu rows sharing an id), "
                  "%ld burst rows",
                  (unsigned long long)ds->seed, ds->scale, now, ds->n_products, ds->n_plans,
                  ds->n_payers, ds->n_subs, ds->n_hidden, ds->n_rows, distinct, shared, ds->burst_rows);
}

static int paypal_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    return pp_write_truth(&((pp_state *)state)->ds, dir, err, errlen);
}

static void start_response(const pp_state *s, const sb_request *req, sb_response *resp, char debug_id[16])
{
    uint64_t h = sb_mix64(s->ds.seed * 0x2545F4914F6CDD1DULL + req->number) & 0xFFFFFFFFFFFFFULL;
    snprintf(debug_id, 16, "%013llx", (unsigned long long)h);
    sb_response_header(resp, "Content-Type", "application/json");
    sb_response_header(resp, "Paypal-Debug-Id", debug_id);
    sb_response_header(resp, "Cache-Control", "max-age=0, no-cache, no-store, must-revalidate");
}

static void route(pp_ctx *c)
{
    const char *path = c->req->path;
    if (strcmp(c->req->method, "GET") != 0) {
        pp_error_no_route(c->resp, c->debug_id);
        return;
    }
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
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
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
    pp_error_no_route(c->resp, c->debug_id);
}

static void paypal_handle(void *state, const sb_request *req, sb_response *resp)
{
    pp_state *s = state;
    pp_ctx c;
    memset(&c, 0, sizeof c);
    c.ds = &s->ds;
    c.product_order = s->product_order;
    c.plan_order = s->plan_order;
    c.req = req;
    c.resp = resp;
    start_response(s, req, resp, c.debug_id);
    const char *host = req->header(req, "Host");
    snprintf(c.base, sizeof c.base, "http://%s", host && *host && strlen(host) < 120 ? host : "127.0.0.1");

    if (strcmp(req->path, TOKEN_PATH) == 0) {
        if (strcmp(req->method, "POST") != 0) {
            pp_error_no_route(resp, c.debug_id);
            return;
        }
        const char *client = pp_auth_client(s->auth, req);
        if (!client) {
            pp_error_invalid_client(resp);
            return;
        }
        if (!sb_ratelimit_take(req->limiter, client)) {
            pp_error_rate_limit(resp, c.debug_id);
            return;
        }
        pp_auth_issue(s->auth, req, resp);
        return;
    }
    if (!pp_auth_check(s->auth, req, resp))
        return;
    if (!sb_ratelimit_take(req->limiter, s->client_id)) {
        pp_error_rate_limit(resp, c.debug_id);
        return;
    }
    route(&c);
}

static void paypal_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    char debug_id[16];
    start_response(state, req, resp, debug_id);
    pp_error_fault(resp, debug_id, status, strcmp(req->path, TOKEN_PATH) == 0);
}

const sb_provider sb_module_paypal = {
    .name = "paypal",
    .init = paypal_init,
    .write_truth = paypal_write_truth,
    .handle = paypal_handle,
    .fault = paypal_fault,
    .describe = paypal_describe,
    .free = paypal_free,
};
