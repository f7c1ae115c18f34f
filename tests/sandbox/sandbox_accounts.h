/* Accounts: what one sandbox serves. Without --accounts it is one account, exactly as the
 * command line says. With --accounts N it is N accounts, each with its own port, world
 * (seed + i), credentials (each credential option's default with "-NAME" appended), truth
 * folder (DIR/NAME) and rate limiter, so one sandbox stands in for a fleet of customers'
 * billing accounts. --provider A,B,... deals the providers out in turn. The same code serves
 * every module: nothing here knows a provider. */
#ifndef SANDBOX_ACCOUNTS_H
#define SANDBOX_ACCOUNTS_H

#include <stddef.h>

#include "sandbox_buf.h"
#include "sandbox_epochs.h"
#include "sandbox_faults.h"
#include "sandbox_http.h"
#include "sandbox_provider.h"
#include "sandbox_ratelimit.h"

typedef struct sb_account {
    char name[16];              /* "acct01"...; "" for the single account */
    const sb_provider *provider;
    sb_options opts;            /* the account's own: seed, truth folder, credentials */
    char *owned[SB_MAX_OPTS + 2]; /* strings opts points to that the account allocated */
    size_t n_owned;
    sb_ratelimit *limiter;
    sb_epochs *epochs;          /* owns the world and the module's projection once served */
    sb_server *server;
} sb_account;

/* The accounts the command line asks for, not yet served. 0 with *out (free with
 * sb_accounts_free) or -1 with a message naming the bad option. */
int sb_accounts_plan(const sb_options *o, sb_account **out, size_t *n, char *err, size_t errlen);

/* Generates the account's world, projects it, prepares faults, writes its truth and starts
 * its server. 0, or the sandbox's exit status with err: 2 when the module refuses a fault
 * of faults, 1 for any other failure (sb_accounts_free still frees what was started). */
int sb_account_serve(sb_account *a, const sb_faults *faults, char *err, size_t errlen);

/* The settings a client needs for the account ("api_key=... base_url=... [rate_limit=R]"). */
void sb_account_settings(const sb_account *a, sb_buf *out);

/* Writes DIR/accounts.txt, one line per account: "NAME provider=P SETTINGS". 0 or -1. */
int sb_accounts_write_list(const sb_account *a, size_t n, const char *dir, char *err, size_t errlen);

/* Stops every served account and frees them all. */
void sb_accounts_free(sb_account *a, size_t n);

#endif
