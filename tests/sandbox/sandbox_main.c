/* billtap-sandbox: a local fake of billing-provider APIs over one seeded billing world.
 * Startup order matters to callers: world, the module's projection, truth files, listen,
 * then the two stdout lines that say where to connect and with which settings. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sandbox_args.h"
#include "sandbox_epochs.h"
#include "sandbox_faults.h"
#include "sandbox_http.h"
#include "sandbox_provider.h"
#include "sandbox_ratelimit.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
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

/* The rate_limit a client made from the settings line needs: 0 when the sandbox limits
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

int main(int argc, char **argv)
{
    sb_options opts;
    int rc = sb_args_parse(&opts, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;

    const sb_provider *provider = sb_provider_find(opts.provider);
    if (!provider) {
        fprintf(stderr, "billtap-sandbox: unknown provider '%s' (known: %s)\n", opts.provider,
                sb_provider_names());
        return 2;
    }
    char err[512] = "";
    if (sb_opts_check(&opts, provider->name, provider->options, err, sizeof err) != 0) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        return 2;
    }
    sb_faults faults;
    if (sb_faults_parse(&faults, opts.faults, err, sizeof err) != 0) {
        fprintf(stderr, "billtap-sandbox: --faults: %s\n", err);
        return 2;
    }

    /* Block the stop signals before any thread exists, so every server thread inherits
     * the mask and sigwait() below is the only place they are delivered. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    double t0 = now_ms();
    sb_world *world = sb_xcalloc(1, sizeof *world); /* epoch 0; the epochs own it once served */
    sb_world_generate(world, opts.seed, opts.scale);
    double tw = now_ms();
    void *state = provider->init(world, &opts, err, sizeof err);
    if (!state) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        sb_world_free(world);
        free(world);
        sb_faults_free(&faults);
        return 1;
    }
    if (module_faults(provider, state, &faults, err, sizeof err) != 0) {
        fprintf(stderr, "billtap-sandbox: --faults: %s\n", err);
        provider->free(state);
        sb_world_free(world);
        free(world);
        sb_faults_free(&faults);
        return 2;
    }
    double t1 = now_ms();
    if (opts.truth_dir) {
        if (mkdir(opts.truth_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "billtap-sandbox: cannot create %s: %s\n", opts.truth_dir,
                    strerror(errno));
            provider->free(state);
            sb_world_free(world);
            free(world);
            sb_faults_free(&faults);
            return 1;
        }
        if (provider->write_truth(state, opts.truth_dir, err, sizeof err) != 0) {
            fprintf(stderr, "billtap-sandbox: truth: %s\n", err);
            provider->free(state);
            sb_world_free(world);
            free(world);
            sb_faults_free(&faults);
            return 1;
        }
    }
    double t2 = now_ms();
    if (opts.verbose) {
        sb_buf d;
        sb_buf_init(&d);
        provider->describe(state, &d);
        fprintf(stderr, "billtap-sandbox: %s; world generated in %.1f ms, projected in %.1f ms, "
                "truth written in %.1f ms\n", sb_buf_str(&d), tw - t0, t1 - tw, t2 - t1);
        sb_buf_free(&d);
    }

    sb_ratelimit *limiter = sb_ratelimit_new(opts.rate_limit, opts.rate_seconds);
    sb_epochs *epochs = sb_epochs_new(provider, &opts, &faults, world, state);
    sb_latency latency = {.ms = opts.latency_ms, .jitter_ms = opts.latency_jitter_ms, .seed = opts.seed};
    sb_server *server = sb_server_start(provider, epochs, &faults, limiter, &latency, opts.port,
                                        opts.verbose, opts.truth_dir != NULL, err, sizeof err);
    if (!server) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        sb_ratelimit_free(limiter);
        sb_epochs_free(epochs);
        sb_faults_free(&faults);
        return 1;
    }
    /* Both lines in one write: a caller that reads only the first may close the pipe. */
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%u", sb_server_port(server));
    sb_buf settings;
    sb_buf_init(&settings);
    provider->settings(state, url, &settings); /* still epoch 0's: nothing advanced yet */
    append_rate_limit(&settings, &opts, provider, state);
    printf("listening on %s\nsettings: %s\n", url, sb_buf_str(&settings));
    fflush(stdout);
    sb_buf_free(&settings);

    int sig = 0;
    sigwait(&stop, &sig);
    if (opts.verbose)
        fprintf(stderr, "billtap-sandbox: signal %d, stopping\n", sig);

    sb_server_stop(server);
    sb_ratelimit_free(limiter);
    sb_epochs_free(epochs);
    sb_faults_free(&faults);
    return 0;
}
