/* The CLI's exit codes and how it reports a library error. A scheduler reads the class
 * from the code ("run again later" or "fix something first"); a person reads stderr. */
#ifndef BILLTAP_CLI_EXIT_H
#define BILLTAP_CLI_EXIT_H

#include <billtap.h>

enum {
	CLI_EXIT_OK = 0,          /* done, or stopped at --max-records */
	CLI_EXIT_FAILURE = 1,     /* anything else: out of memory, an internal error */
	CLI_EXIT_USAGE = 2,       /* the invocation: options, settings, provider, resource */
	CLI_EXIT_PERMANENT = 3,   /* refused for good: credentials, request, data, checkpoint */
	CLI_EXIT_TEMPORARY = 4,   /* network, timeout, rate limit, server: run again later */
	CLI_EXIT_LOCKED = 5,      /* another run holds the checkpoint file or the output */
	CLI_EXIT_LOCAL_IO = 6,    /* the output, checkpoint or a standard stream failed */
	CLI_EXIT_INTERRUPTED = 130 /* SIGINT or SIGTERM; the checkpoint file holds the place */
};

/* The exit code for a library status (negative), e.g. CLI_EXIT_TEMPORARY for
 * BILLTAP_ENETWORK. */
int cli_exit_for(int rc);

/*
 * Prints the client's last error whole (provider, resource, request, HTTP status, the
 * provider's request id and message), then one line naming its class, the library's words
 * for the code, the provider's error code and what to do; returns the exit code. client
 * may be NULL (then only rc is known).
 */
int cli_report_error(const billtap_client *client, int rc);

#endif
