/* The Braintree module (GraphQL API, and the XML gateway for plans: braintree_xml_api.c):
 * options, authentication, the version header, rate limiting, routing, the request reader
 * and faults.
 *
 * Order of checks: HTTP Basic auth with public key and private key (401 AUTHENTICATION),
 * the rate limit (429 RESOURCE_LIMIT), the path and method (404 / 405), the
 * Braintree-Version header and the JSON body (400), then the GraphQL document and its
 * variables (HTTP 200 with `errors`, as Braintree answers every error of a request). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_truth_file.h"

static const sb_opt_def options[] = {
    {"public_key", "sandbox_public_key", 1, 0, ":'\"\\", "the only public key accepted", 1},
    {"private_key", "sandbox_private_key", 1, 0, ":'\"\\", "its private key", 1},
    {"merchant_id", "sandbox_merchant", 1, 0, ":/?#%'\"\\ ", "the merchant id of the XML gateway's paths", 0},
    {"search_cap", "10000", 2, 1000000, NULL, "the most ids one gateway search answers (Braintree documents 10,000)", 0},
    {NULL, NULL, 0, 0, NULL, NULL, 0},
};

static void *bt_init(const sb_world *w, const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    bt_state *st = sb_xcalloc(1, sizeof *st);
    st->w = w;
    st->public_key = sb_xstrdup(sb_opt(o, options, "public_key"));
    st->private_key = sb_xstrdup(sb_opt(o, options, "private_key"));
    st->merchant_id = sb_xstrdup(sb_opt(o, options, "merchant_id"));
    bt_project(st);
    bt_plans_project(st);
    st->search_cap = atol(sb_opt(o, options, "search_cap"));
    bt_subs_project(st);
    return st;
}

static void bt_free(void *state)
{
    bt_state *st = state;
    if (!st)
        return;
    bt_project_free(st);
    free(st->public_key);
    free(st->private_key);
    free(st->merchant_id);
    free(st->plans);
    free(st->price_plan);
    free(st->subs);
    free(st->sub_index);
    free(st);
}

static void bt_describe(void *state, sb_buf *out)
{
    const bt_state *st = state;
    sb_buf_printf(out,
                  "braintree seed %llu scale %ld: %zu customers, %zu plans, %zu subscriptions, %zu transactions, "
                  "%zu refunds, %zu disputes",
                  (unsigned long long)st->w->seed, st->w->scale, st->w->n_customers, st->n_plans, st->n_subs,
                  st->w->n_payments,
                  st->w->n_refunds, st->n_disputes);
}

static void bt_settings(void *state, const char *base_url, sb_buf *out)
{
    const bt_state *st = state;
    sb_buf_printf(out, "public_key=%s private_key=%s base_url=%s merchant_id=%s gateway_url=%s", st->public_key,
                  st->private_key, base_url, st->merchant_id, base_url);
}

/* Connections carry no totals: inflate and shrink are refused. insert@N:K: the K newest
 * listed customers and everything created from the first of them on are created while a
 * run is in progress; searches list newest first, so they come before a run's position
 * (a run begun before them does not see them, one begun after does). */
static int bt_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    bt_state *st = state;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (f->kind == SB_FAULT_INFLATE || f->kind == SB_FAULT_SHRINK) {
            snprintf(err, errlen, "fault '%s': Braintree connections carry no totals (pageInfo only)", f->spec);
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
    st->inserting = 1;
    st->insert_since = st->w->customers[c].created;
    return 0;
}

static int bt_truth(void *state, const char *dir, char *err, size_t errlen)
{
    bt_state *st = state;
    return sb_truth_write_views(dir, st->inserting, &st->truth_after, bt_write_truth, st, err, errlen);
}

static int version_ok(const char *v)
{
    if (!v || strlen(v) != 10)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? v[i] != '-' : (v[i] < '0' || v[i] > '9'))
            return 0;
    return 1;
}

static int json_content(const char *type)
{
    size_t n = strlen("application/json");
    return type && strncmp(type, "application/json", n) == 0 && (type[n] == '\0' || type[n] == ';');
}

/* The body's query and variables, parsed and validated into doc and plan. 0, or -1 with
 * the answer written. With resp NULL (list_key) nothing is answered. */
static int read_request(const sb_request *req, bj_value **body, gq_doc *doc, bt_plan *plan, sb_response *resp)
{
    char err[128];
    memset(doc, 0, sizeof *doc);
    *body = bj_parse(req->body ? req->body : "", req->body ? req->body_len : 0, err, sizeof err);
    const bj_value *query = bj_get(*body, "query"), *variables = bj_get(*body, "variables");
    if (!*body || (*body)->type != BJ_OBJECT || !query || query->type != BJ_STRING ||
        (variables && variables->type != BJ_OBJECT && variables->type != BJ_NULL)) {
        if (resp)
            bt_error(resp, 400, req, "VALIDATION",
                     "The request body must be a JSON object with a query string and a variables object");
        return -1;
    }
    sb_buf errors;
    sb_buf_init(&errors);
    int rc = gq_prepare(doc, plan, query->text, variables, &errors);
    if (rc != 0 && resp)
        bt_error_list(resp, req, sb_buf_str(&errors));
    sb_buf_free(&errors);
    return rc;
}

static void headers(sb_response *resp)
{
    sb_response_header(resp, "Content-Type", "application/json; charset=utf-8");
}

static void bt_handle(void *state, const sb_request *req, sb_response *resp)
{
    const bt_state *st = state;
    int gateway = bt_gateway_path(req->path);
    if (!gateway)
        headers(resp);
    char *user = NULL, *password = NULL;
    int bearer = 0;
    int ok = sb_authorization(req, &user, &password, &bearer) && !bearer && strcmp(user, st->public_key) == 0 &&
             password && strcmp(password, st->private_key) == 0;
    free(password);
    if (!ok) {
        free(user);
        if (gateway)
            bt_gateway_error(resp, 401, NULL);
        else
            bt_error(resp, 401, req, "AUTHENTICATION", "Authentication credentials are invalid.");
        return;
    }
    /* Braintree publishes no rate: only a limit given on the command line applies */
    int allowed = sb_ratelimit_take(req->limiter, user, 0);
    free(user);
    if (!allowed) {
        sb_response_header(resp, "Retry-After", "1");
        if (gateway)
            bt_gateway_error(resp, 429, NULL);
        else
            bt_error(resp, 429, req, "RESOURCE_LIMIT", "Too many requests.");
        return;
    }
    if (gateway) {
        bt_serve_gateway(st, req, resp);
        return;
    }
    if (strcmp(req->path, "/graphql") != 0) {
        bt_error(resp, 404, req, "NOT_FOUND", "Not Found");
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        bt_error(resp, 405, req, "VALIDATION", "The sandbox takes GraphQL requests by POST");
        return;
    }
    if (!version_ok(req->header(req, "Braintree-Version"))) {
        bt_error(resp, 400, req, "VALIDATION", "The Braintree-Version header is missing or not a date (YYYY-MM-DD)");
        return;
    }
    if (!json_content(req->header(req, "Content-Type"))) {
        bt_error(resp, 400, req, "VALIDATION", "The Content-Type must be application/json");
        return;
    }
    bj_value *body;
    gq_doc doc;
    bt_plan plan;
    if (read_request(req, &body, &doc, &plan, resp) == 0)
        bt_serve_search(st, &plan, req, resp);
    gq_free(&doc);
    bj_free(body);
}

static void bt_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    (void)state;
    sb_buf msg;
    sb_buf_init(&msg);
    sb_buf_printf(&msg, "An injected HTTP %d.", status);
    if (req->fault->echo) {
        sb_buf_adds(&msg, " Credentials: ");
        sb_credentials_echo(req, &msg);
    }
    if (bt_gateway_path(req->path)) { /* an <api-error-response> whatever the status */
        bt_gateway_error(resp, 422, sb_buf_str(&msg));
        resp->status = status;
        sb_buf_free(&msg);
        return;
    }
    headers(resp);
    const char *cls = status == 401   ? "AUTHENTICATION"
                      : status == 403 ? "AUTHORIZATION"
                      : status == 429 ? "RESOURCE_LIMIT"
                      : status == 503 ? "SERVICE_AVAILABILITY"
                      : status >= 500 ? "INTERNAL"
                                      : "VALIDATION";
    bt_error(resp, status, req, cls, sb_buf_str(&msg));
    sb_buf_free(&msg);
}

/* A list is a search with its filter and page size: the variables but `after`. */
static int bt_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    if (bt_gateway_path(req->path)) { /* a search is its criteria, a fetch its ids */
        sb_buf_printf(key, "gateway %s %s", req->path, req->body ? req->body : "");
        return 1;
    }
    if (strcmp(req->method, "POST") != 0 || strcmp(req->path, "/graphql") != 0)
        return 0;
    bj_value *body;
    gq_doc doc;
    bt_plan plan;
    int rc = read_request(req, &body, &doc, &plan, NULL);
    if (rc == 0)
        sb_buf_printf(key, "search.%s first=%lld created=[%lld,%lld]", bt_search_names[plan.search], plan.first,
                      (long long)plan.created_gte, (long long)plan.created_lte);
    gq_free(&doc);
    bj_free(body);
    return rc == 0;
}

const sb_provider sb_module_braintree = {
    .name = "braintree",
    .options = options,
    .init = bt_init,
    .write_truth = bt_truth,
    .handle = bt_handle,
    .fault = bt_fault,
    .settings = bt_settings,
    .describe = bt_describe,
    .free = bt_free,
    .prepare_faults = bt_prepare_faults,
    .list_key = bt_list_key,
};
