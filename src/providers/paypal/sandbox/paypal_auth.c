#include "sandbox_base64.h"
#include "paypal_auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "paypal_errors.h"
#include "sandbox_buf.h"
#include "sandbox_json.h"
#include "sandbox_query.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

#define TOKEN_LEN 97 /* "A21AA" + 92 */

typedef struct token {
    char value[TOKEN_LEN + 1];
    double expires; /* monotonic seconds */
} token;

struct pp_auth {
    char *client_id, *client_secret, *app_id;
    long ttl;
    uint64_t seed;
    pthread_mutex_t lock;
    token *tokens;
    size_t n, cap;
    uint64_t serial;
    long current; /* index of the token handed out last, -1 */
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

pp_auth *pp_auth_new(const char *client_id, const char *client_secret, long ttl, uint64_t seed,
                     const char *app_id)
{
    pp_auth *a = sb_xcalloc(1, sizeof *a);
    a->client_id = sb_xstrdup(client_id);
    a->client_secret = sb_xstrdup(client_secret);
    a->app_id = sb_xstrdup(app_id);
    a->ttl = ttl;
    a->seed = seed;
    a->current = -1;
    pthread_mutex_init(&a->lock, NULL);
    return a;
}

void pp_auth_free(pp_auth *a)
{
    if (!a)
        return;
    pthread_mutex_destroy(&a->lock);
    free(a->client_id);
    free(a->client_secret);
    free(a->app_id);
    free(a->tokens);
    free(a);
}

const char *pp_auth_client(const pp_auth *a, const sb_request *req)
{
    const char *h = req->header(req, "Authorization");
    if (!h)
        return NULL;
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Basic ", 6) != 0)
        return NULL;
    h += 6;
    while (*h == ' ')
        h++;
    char *cred = sb_base64_decode(h);
    if (!cred)
        return NULL;
    char *colon = strchr(cred, ':');
    int ok = 0;
    if (colon) {
        *colon = '\0';
        ok = strcmp(cred, a->client_id) == 0 && strcmp(colon + 1, a->client_secret) == 0;
    }
    free(cred);
    return ok ? a->client_id : NULL;
}

static void make_token(pp_auth *a, char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    sb_rng r;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    sb_rng_seed(&r, a->seed ^ sb_mix64((uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30), ++a->serial);
    memcpy(out, "A21AA", 5);
    for (int i = 5; i < TOKEN_LEN; i++)
        out[i] = alphabet[sb_rng_below(&r, 64)];
    out[TOKEN_LEN] = '\0';
}

void pp_auth_issue(pp_auth *a, const sb_request *req, sb_response *resp)
{
    sb_params form;
    sb_params_parse(&form, req->body ? req->body : "");
    const char *grant = NULL;
    for (size_t i = 0; i < form.n; i++) {
        if (strcmp(form.items[i].key, "grant_type") == 0) {
            grant = form.items[i].value;
            break;
        }
    }
    if (!grant || !*grant) {
        pp_error_grant_type(resp, 1);
        sb_params_free(&form);
        return;
    }
    if (strcmp(grant, "client_credentials") != 0) {
        pp_error_grant_type(resp, 0);
        sb_params_free(&form);
        return;
    }
    sb_params_free(&form);

    char value[TOKEN_LEN + 1];
    long expires_in;
    pthread_mutex_lock(&a->lock);
    double now = mono_now();
    if (a->current >= 0 && a->tokens[a->current].expires - now >= 1.0) {
        memcpy(value, a->tokens[a->current].value, sizeof value);
        expires_in = (long)(a->tokens[a->current].expires - now);
    } else {
        /* drop expired tokens, then add the new one */
        size_t w = 0;
        for (size_t i = 0; i < a->n; i++)
            if (a->tokens[i].expires > now)
                a->tokens[w++] = a->tokens[i];
        a->n = w;
        if (a->n == a->cap) {
            a->cap = a->cap ? a->cap * 2 : 16;
            a->tokens = sb_xrealloc(a->tokens, a->cap * sizeof *a->tokens);
        }
        token *t = &a->tokens[a->n];
        make_token(a, t->value);
        t->expires = now + (double)a->ttl;
        a->current = (long)a->n++;
        memcpy(value, t->value, sizeof value);
        expires_in = a->ttl;
    }
    pthread_mutex_unlock(&a->lock);

    char nonce[96], stamp[32];
    sb_time_rfc3339((int64_t)time(NULL), stamp);
    snprintf(nonce, sizeof nonce, "%s%.43s", stamp, value + 20);
    resp->status = 200;
    sb_buf_reset(&resp->body);
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "scope",
             "https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/vault/payment-tokens/read "
             "https://uri.paypal.com/services/disputes/read-buyer https://uri.paypal.com/services/payments/realtimepayment "
             "https://uri.paypal.com/services/reporting/search/read https://uri.paypal.com/services/payments/payment/authcapture "
             "openid https://uri.paypal.com/services/disputes/read-seller https://uri.paypal.com/services/payments/refund "
             "https://api-m.paypal.com/v1/payments/.* https://uri.paypal.com/payments/payouts "
             "https://uri.paypal.com/services/subscriptions https://uri.paypal.com/services/applications/webhooks");
    sbj_kstr(&j, "access_token", value);
    sbj_kstr(&j, "token_type", "Bearer");
    sbj_kstr(&j, "app_id", a->app_id);
    sbj_kint(&j, "expires_in", expires_in);
    sbj_kstr(&j, "nonce", nonce);
    sbj_obj_end(&j);
}

int pp_auth_check(pp_auth *a, const sb_request *req, sb_response *resp)
{
    const char *h = req->header(req, "Authorization");
    if (!h) {
        pp_error_auth_failure(resp);
        return 0;
    }
    while (*h == ' ')
        h++;
    if (strncasecmp(h, "Bearer ", 7) != 0) {
        pp_error_auth_failure(resp);
        return 0;
    }
    h += 7;
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
        n--;
    if (n == 0) {
        pp_error_auth_failure(resp);
        return 0;
    }
    int ok = 0;
    pthread_mutex_lock(&a->lock);
    double now = mono_now();
    for (size_t i = 0; i < a->n; i++) {
        if (strlen(a->tokens[i].value) == n && memcmp(a->tokens[i].value, h, n) == 0) {
            ok = a->tokens[i].expires > now;
            break;
        }
    }
    pthread_mutex_unlock(&a->lock);
    if (!ok)
        pp_error_invalid_token(resp);
    return ok;
}
