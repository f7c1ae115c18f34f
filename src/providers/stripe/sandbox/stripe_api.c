/* The Stripe module: authentication, rate limiting, API versions and routing.
 *
 * Order of checks, as Stripe applies them: the API key (401), the rate limit (429), the
 * Stripe-Version header (400), then the URL and method (404), then parameters (400/404).
 * Every response carries Request-Id and the Stripe-Version it was rendered in. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox_base64.h"
#include "sandbox_buf.h"
#include "stripe_errors.h"
#include "stripe_list.h"
#include "stripe_model.h"
#include "sandbox_provider.h"
#include "stripe_resources.h"
#include "stripe_retrieve.h"
#include "stripe_truth.h"
#include "stripe_version.h"

typedef struct st_state {
    st_dataset ds;
    char *api_key;
} st_state;

static void *stripe_init(const sb_options *o, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    st_state *s = sb_xcalloc(1, sizeof *s);
    s->api_key = sb_xstrdup(o->api_key);
    st_dataset_generate(&s->ds, o->seed, o->scale);
    return s;
}

static void stripe_free(void *state)
{
    st_state *s = state;
    st_dataset_free(&s->ds);
    free(s->api_key);
    free(s);
}

static void stripe_describe(void *state, sb_buf *out)
{
    const st_dataset *ds = &((st_state *)state)->ds;
    size_t deleted = 0;
    for (size_t i = 0; i < ds->n_customers; i++)
        deleted += ds->customers[i].deleted_at != 0;
    sb_buf_printf(out,
                  "stripe seed %llu scale %ld: %zu customers (%zu deleted), %zu products, %zu prices, "
                  "%zu subscriptions with %zu items, %zu charges, %zu refunds",
                  (unsigned long long)ds->seed, ds->scale, ds->n_customers, deleted,
                  ds->n_products, ds->n_prices, ds->n_subs, ds->n_items, ds->n_charges,
                  ds->n_refunds);
}

static int stripe_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    return st_write_truth(&((st_state *)state)->ds, dir, err, errlen);
}

/* The API key the request presents (caller frees), or NULL when there is none:
 * "Bearer KEY", or Basic auth with KEY as the user name (the password is ignored). */
static char *presented_key(const sb_request *req)
{
    const char *h = req->header(req, "Authorization");
    if (!h)
        return NULL;
    while (*h == ' ')
        h++;
    char *key = NULL;
    if (strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7;
        while (*h == ' ')
            h++;
        key = sb_xstrdup(h);
    } else if (strncasecmp(h, "Basic ", 6) == 0) {
        h += 6;
        while (*h == ' ')
            h++;
        key = sb_base64_decode(h);
        if (key) {
            char *colon = strchr(key, ':');
            if (colon)
                *colon = '\0';
        }
    }
    if (key) {
        size_t n = strlen(key);
        while (n > 0 && (key[n - 1] == ' ' || key[n - 1] == '\t'))
            key[--n] = '\0';
        if (n == 0) {
            free(key);
            key = NULL;
        }
    }
    return key;
}

static void common_headers(const st_state *s, const sb_request *req, const char *version, sb_response *resp)
{
    char rid[24];
    st_request_id(s->ds.seed, req->number, rid);
    sb_response_header(resp, "Content-Type", "application/json");
    sb_response_header(resp, "Request-Id", rid);
    sb_response_header(resp, "Stripe-Version", version);
    sb_response_header(resp, "Cache-Control", "no-cache, no-store");
}

static const char *version_of(const sb_request *req, int *invalid)
{
    const char *v = req->header(req, "Stripe-Version");
    *invalid = 0;
    if (!v)
        return ST_DEFAULT_VERSION;
    if (!st_version_known(v)) {
        *invalid = 1;
        return ST_DEFAULT_VERSION;
    }
    return v;
}

static void route(const st_state *s, const sb_request *req, const st_shape *sh, sb_response *resp)
{
    const char *path = req->path;
    if (strcmp(req->method, "GET") != 0 || strncmp(path, "/v1/", 4) != 0) {
        st_error_unrecognized(resp, req->method, path);
        return;
    }
    const char *rest = path + 4;
    const char *slash = strchr(rest, '/');
    char segment[32];
    size_t seglen = slash ? (size_t)(slash - rest) : strlen(rest);
    if (seglen == 0 || seglen >= sizeof segment) {
        st_error_unrecognized(resp, req->method, path);
        return;
    }
    memcpy(segment, rest, seglen);
    segment[seglen] = '\0';
    int res = st_resource_of(segment);
    if (res < 0) {
        st_error_unrecognized(resp, req->method, path);
        return;
    }
    if (!slash) {
        if (!st_list_supported(res))
            st_error_unrecognized(resp, req->method, path);
        else
            st_list(&s->ds, res, req, sh, resp);
        return;
    }
    const char *id = slash + 1;
    if (!*id || strchr(id, '/')) {
        st_error_unrecognized(resp, req->method, path);
        return;
    }
    st_retrieve(&s->ds, res, id, req, sh, resp);
}

static void stripe_handle(void *state, const sb_request *req, sb_response *resp)
{
    st_state *s = state;
    int bad_version;
    const char *version = version_of(req, &bad_version);
    common_headers(s, req, version, resp);

    char *key = presented_key(req);
    if (!key) {
        st_error_missing_key(resp);
        return;
    }
    if (strcmp(key, s->api_key) != 0) {
        st_error_invalid_key(resp, key);
        free(key);
        return;
    }
    int allowed = sb_ratelimit_take(req->limiter, key);
    free(key);
    if (!allowed) {
        st_error_rate_limit(resp);
        return;
    }
    if (bad_version) {
        sb_buf msg;
        sb_buf_init(&msg);
        sb_buf_printf(&msg, "Invalid Stripe API version: %s", req->header(req, "Stripe-Version"));
        st_error(resp, 400, "invalid_request_error", NULL, sb_buf_str(&msg), NULL);
        sb_buf_free(&msg);
        return;
    }
    st_shape sh;
    st_shape_for(version, &sh);
    route(s, req, &sh, resp);
}

static void stripe_fault(void *state, const sb_request *req, int status, sb_response *resp)
{
    int bad_version;
    common_headers(state, req, version_of(req, &bad_version), resp);
    st_error_fault(resp, status);
}

const sb_provider sb_module_stripe = {
    .name = "stripe",
    .init = stripe_init,
    .write_truth = stripe_write_truth,
    .handle = stripe_handle,
    .fault = stripe_fault,
    .describe = stripe_describe,
    .free = stripe_free,
};
