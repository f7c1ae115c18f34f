/* billtap-sandbox: a local fake of billing-provider APIs with a known dataset.
 * Startup order matters to callers: dataset, truth files, listen, then the one line
 * on stdout that says where to connect. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sandbox_args.h"
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
    void *state = provider->init(&opts, err, sizeof err);
    if (!state) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        sb_faults_free(&faults);
        return 1;
    }
    double t1 = now_ms();
    if (opts.truth_dir) {
        if (mkdir(opts.truth_dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "billtap-sandbox: cannot create %s: %s\n", opts.truth_dir,
                    strerror(errno));
            provider->free(state);
            sb_faults_free(&faults);
            return 1;
        }
        if (provider->write_truth(state, opts.truth_dir, err, sizeof err) != 0) {
            fprintf(stderr, "billtap-sandbox: truth: %s\n", err);
            provider->free(state);
            sb_faults_free(&faults);
            return 1;
        }
    }
    double t2 = now_ms();
    if (opts.verbose) {
        sb_buf d;
        sb_buf_init(&d);
        provider->describe(state, &d);
        fprintf(stderr, "billtap-sandbox: %s; generated in %.1f ms, truth written in %.1f ms\n",
                sb_buf_str(&d), t1 - t0, t2 - t1);
        sb_buf_free(&d);
    }

    sb_ratelimit *limiter = sb_ratelimit_new(opts.rate_limit);
    sb_server *server = sb_server_start(provider, state, &faults, limiter, opts.port,
                                        opts.verbose, err, sizeof err);
    if (!server) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        sb_ratelimit_free(limiter);
        provider->free(state);
        sb_faults_free(&faults);
        return 1;
    }
    printf("listening on http://127.0.0.1:%u\n", sb_server_port(server));
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    if (opts.verbose)
        fprintf(stderr, "billtap-sandbox: signal %d, stopping\n", sig);

    sb_server_stop(server);
    sb_ratelimit_free(limiter);
    provider->free(state);
    sb_faults_free(&faults);
    return 0;
}
