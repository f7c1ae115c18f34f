/* billtap-sandbox: a local fake of billing-provider APIs over seeded billing worlds: one
 * account, or a fleet of them with --accounts N (sandbox_accounts.h). Startup order matters
 * to callers: every account's world, projection, truth files and listening socket, then
 * the two stdout lines that say where to connect and with which settings. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sandbox_accounts.h"
#include "sandbox_args.h"

/* The two lines, in one write: a caller that reads only the first may close the pipe. One
 * account: its URL and settings. A fleet: the count and DIR/accounts.txt, which lists each
 * account's settings. */
static int announce(const sb_account *a, size_t n, const sb_options *o)
{
    char err[512] = "";
    sb_buf settings;
    sb_buf_init(&settings);
    if (o->accounts) {
        if (sb_accounts_write_list(a, n, o->truth_dir, err, sizeof err) != 0) {
            fprintf(stderr, "billtap-sandbox: %s\n", err);
            sb_buf_free(&settings);
            return -1;
        }
        printf("listening on %zu accounts\nsettings: accounts=%zu accounts_file=%s/accounts.txt\n", n, n,
               o->truth_dir);
    } else {
        sb_account_settings(&a[0], &settings); /* still epoch 0's: nothing advanced yet */
        printf("listening on http://127.0.0.1:%u\nsettings: %s\n", sb_server_port(a[0].server),
               sb_buf_str(&settings));
    }
    fflush(stdout);
    sb_buf_free(&settings);
    return 0;
}

int main(int argc, char **argv)
{
    sb_options opts;
    int rc = sb_args_parse(&opts, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 2;

    char err[512] = "";
    sb_account *accounts;
    size_t n;
    if (sb_accounts_plan(&opts, &accounts, &n, err, sizeof err) != 0) {
        fprintf(stderr, "billtap-sandbox: %s\n", err);
        return 2;
    }
    sb_faults faults;
    if (sb_faults_parse(&faults, opts.faults, err, sizeof err) != 0) {
        fprintf(stderr, "billtap-sandbox: --faults: %s\n", err);
        sb_accounts_free(accounts, n);
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

    int exit_code = 0;
    for (size_t i = 0; i < n && !exit_code; i++) {
        exit_code = sb_account_serve(&accounts[i], &faults, err, sizeof err);
        if (exit_code)
            fprintf(stderr, "billtap-sandbox: %s%s%s\n", accounts[i].name, accounts[i].name[0] ? ": " : "", err);
    }
    if (!exit_code && announce(accounts, n, &opts) != 0)
        exit_code = 1;
    if (!exit_code) {
        int sig = 0;
        sigwait(&stop, &sig);
        if (opts.verbose)
            fprintf(stderr, "billtap-sandbox: signal %d, stopping\n", sig);
    }
    sb_accounts_free(accounts, n);
    sb_faults_free(&faults);
    return exit_code;
}
