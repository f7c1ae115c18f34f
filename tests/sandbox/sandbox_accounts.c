/* Accounts: one sandbox serving one account or a fleet of them (sandbox_accounts.h).
 * Startup order per account matters to callers: world, the module's projection, truth
 * files, listen; the caller prints where to connect once every account listens. */
#include "sandbox_accounts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SB_MAX_ACCOUNTS 1000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *own(sb_account *a, char *s)
{
    a->owned[a->n_owned++] = s;
    return s;
}

static int given(const sb_options *o, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < o->n_opts; i++)
        if (strncmp(o->opts[i], name, n) == 0 && o->opts[i][n] == '=')
            return 1;
    return 0;
}

/* Account i of a fleet: seed + i, truth in DIR/NAME, and every credential option the
 * command line leaves to its default made the account's own by appending "-NAME", so no
 * account's credentials open another's world. */
static int plan_fleet_account(sb_account *a, size_t i, const sb_options *o, const sb_provider *p, char *err,
                              size_t errlen)
{
    snprintf(a->name, sizeof a->name, "acct%02u", (unsigned)(i + 1)); /* at most SB_MAX_ACCOUNTS */
    a->provider = p;
    a->opts = *o;
    a->opts.provider = p->name;
    a->opts.seed = o->seed + i;
    a->opts.port = o->port ? o->port + (unsigned)i : 0;
    size_t len = strlen(o->truth_dir) + strlen(a->name) + 2;
    char *dir = own(a, sb_xmalloc(len));
    snprintf(dir, len, "%s/%s", o->truth_dir, a->name);
    a->opts.truth_dir = dir;
    for (const sb_opt_def *d = p->options; d && d->name; d++) {
        if (!d->credential || !d->fallback || given(o, d->name))
            continue;
        if (a->opts.n_opts == SB_MAX_OPTS || a->n_owned == SB_MAX_OPTS + 2) {
            snprintf(err, errlen, "--opt: too many options to give account %s its own credentials", a->name);
            return -1;
        }
        len = strlen(d->name) + strlen(d->fallback) + strlen(a->name) + 3;
        char *kv = own(a, sb_xmalloc(len));
        snprintf(kv, len, "%s=%s-%s", d->name, d->fallback, a->name);
        a->opts.opts[a->opts.n_opts++] = kv;
    }
    return 0;
}

/* The providers of "A,B,..." in order; 0 or -1 naming an unknown one. */
static int split_providers(const char *list, const sb_provider **out, size_t *n, char *err, size_t errlen)
{
    *n = 0;
    const char *s = list;
    for (;;) {
        size_t len = strcspn(s, ",");
        char name[64];
        const sb_provider *p = NULL;
        if (len < sizeof name) {
            memcpy(name, s, len);
            name[len] = '\0';
            p = sb_provider_find(name);
        }
        if (!p || *n == 16) {
            snprintf(err, errlen, "unknown provider '%.*s' (known: %s)", (int)len, s, sb_provider_names());
            return -1;
        }
        out[(*n)++] = p;
        if (!s[len])
            return 0;
        s += len + 1;
    }
}

int sb_accounts_plan(const sb_options *o, sb_account **out, size_t *n, char *err, size_t errlen)
{
    const sb_provider *providers[16];
    size_t np;
    *out = NULL;
    *n = 0;
    if (split_providers(o->provider, providers, &np, err, errlen) != 0)
        return -1;
    if (!o->accounts && np > 1) {
        snprintf(err, errlen, "--provider: one provider, or several with --accounts N");
        return -1;
    }
    if (o->accounts && !o->truth_dir) {
        snprintf(err, errlen, "--accounts needs --truth DIR (each account's truth goes to DIR/NAME, "
                 "the list of accounts to DIR/accounts.txt)");
        return -1;
    }
    if (o->accounts > SB_MAX_ACCOUNTS || (o->port && o->port + o->accounts > 65536)) {
        snprintf(err, errlen, "--accounts: at most %d, and ports from --port must stay below 65536",
                 SB_MAX_ACCOUNTS);
        return -1;
    }
    for (size_t k = 0; k < np; k++)
        if (sb_opts_check(o, providers[k]->name, providers[k]->options, err, errlen) != 0)
            return -1;
    if (o->accounts && mkdir(o->truth_dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", o->truth_dir, strerror(errno));
        return -1;
    }
    size_t count = o->accounts ? o->accounts : 1;
    sb_account *a = sb_xcalloc(count, sizeof *a);
    for (size_t i = 0; i < count; i++) {
        if (!o->accounts) {
            a[i].provider = providers[0];
            a[i].opts = *o;
        } else if (plan_fleet_account(&a[i], i, o, providers[i % np], err, errlen) != 0) {
            sb_accounts_free(a, i + 1);
            return -1;
        }
    }
    *out = a;
    *n = count;
    return 0;
}

/* The module faults (repeat, inflate, shrink, insert) need the module's support; it
 * prepares them (insert chooses its records) before the truth is written. */
static int module_faults(const sb_provider *p, void *state, const sb_faults *faults, char *err, size_t errlen)
{
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (sb_fault_is_module_kind(f->kind) && (!p->prepare_faults || (f->kind == SB_FAULT_REPEAT && !p->list_key))) {
            snprintf(err, errlen, "fault '%s': the %s module does not support it", f->spec, p->name);
            return -1;
        }
    }
    return p->prepare_faults ? p->prepare_faults(state, faults, err, errlen) : 0;
}

static void free_world(sb_world *world)
{
    sb_world_free(world);
    free(world);
}

int sb_account_serve(sb_account *a, const sb_faults *faults, char *err, size_t errlen)
{
    const sb_provider *p = a->provider;
    const sb_options *o = &a->opts;
    double t0 = now_ms();
    sb_world *world = sb_xcalloc(1, sizeof *world); /* epoch 0; the epochs own it once served */
    sb_world_generate(world, o->seed, o->scale);
    double tw = now_ms();
    void *state = p->init(world, o, err, errlen);
    if (!state) {
        free_world(world);
        return 1;
    }
    char msg[400] = "";
    if (module_faults(p, state, faults, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "--faults: %s", msg);
        p->free(state);
        free_world(world);
        return 2;
    }
    double t1 = now_ms();
    if (o->truth_dir) {
        if (mkdir(o->truth_dir, 0777) != 0 && errno != EEXIST)
            snprintf(msg, sizeof msg, "cannot create %s: %s", o->truth_dir, strerror(errno));
        else if (p->write_truth(state, o->truth_dir, msg, sizeof msg) != 0 && !msg[0])
            snprintf(msg, sizeof msg, "cannot write the truth into %s", o->truth_dir);
        if (msg[0]) {
            snprintf(err, errlen, "truth: %s", msg);
            p->free(state);
            free_world(world);
            return 1;
        }
    }
    double t2 = now_ms();
    if (o->verbose) {
        sb_buf d;
        sb_buf_init(&d);
        p->describe(state, &d);
        fprintf(stderr, "billtap-sandbox: %s%s%s; world generated in %.1f ms, projected in %.1f ms, "
                "truth written in %.1f ms\n", a->name, a->name[0] ? ": " : "", sb_buf_str(&d), tw - t0,
                t1 - tw, t2 - t1);
        sb_buf_free(&d);
    }
    a->limiter = sb_ratelimit_new(o->rate_limit, o->rate_seconds);
    a->epochs = sb_epochs_new(p, o, faults, world, state);
    sb_latency latency = {.ms = o->latency_ms, .jitter_ms = o->latency_jitter_ms, .seed = o->seed};
    a->server = sb_server_start(p, a->epochs, faults, a->limiter, &latency, o->port, o->verbose,
                                o->truth_dir != NULL, err, errlen);
    return a->server ? 0 : 1;
}

/* The rate_limit a client made from the settings needs: 0 when the sandbox limits
 * nothing (else the client would pace to the provider's documented rate for nothing),
 * R/S for a --rate-limit R/S, and nothing when the module's own limit holds (a client
 * paces to that rate by default). */
static void append_rate_limit(sb_buf *settings, const sb_options *o, const sb_provider *p, void *state)
{
    double rate = o->rate_limit >= 0 ? o->rate_limit / o->rate_seconds : p->own_rate ? p->own_rate(state) : 0;
    if (o->rate_limit < 0 && rate > 0)
        return;
    sb_buf_printf(settings, " rate_limit=%.6g", rate);
}

void sb_account_settings(const sb_account *a, sb_buf *out)
{
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", sb_server_port(a->server));
    sb_epoch *ep = sb_epochs_acquire(a->epochs);
    a->provider->settings(sb_epoch_state(ep), url, out);
    append_rate_limit(out, &a->opts, a->provider, sb_epoch_state(ep));
    sb_epochs_release(a->epochs, ep);
}

int sb_accounts_write_list(const sb_account *a, size_t n, const char *dir, char *err, size_t errlen)
{
    size_t len = strlen(dir) + sizeof "/accounts.txt";
    char *path = sb_xmalloc(len);
    snprintf(path, len, "%s/accounts.txt", dir);
    FILE *f = fopen(path, "w");
    int rc = f ? 0 : -1;
    for (size_t i = 0; f && i < n; i++) {
        sb_buf line;
        sb_buf_init(&line);
        sb_buf_printf(&line, "%s provider=%s ", a[i].name, a[i].provider->name);
        sb_account_settings(&a[i], &line);
        fprintf(f, "%s\n", sb_buf_str(&line));
        sb_buf_free(&line);
    }
    if (f && fclose(f) != 0)
        rc = -1;
    if (rc != 0)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    free(path);
    return rc;
}

void sb_accounts_free(sb_account *a, size_t n)
{
    for (size_t i = 0; a && i < n; i++) {
        sb_server_stop(a[i].server);
        sb_ratelimit_free(a[i].limiter);
        sb_epochs_free(a[i].epochs);
        for (size_t k = 0; k < a[i].n_owned; k++)
            free(a[i].owned[k]);
    }
    free(a);
}
