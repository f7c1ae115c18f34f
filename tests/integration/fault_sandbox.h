/*
 * billtap-sandbox for the fault matrix: started with a fault spec that it may refuse, its
 * --verbose request log kept (to show which request a fault hit), its truth files read.
 * Unlike sandbox_process.h this reports failures instead of failing a Check test: a
 * matrix cell runs outside Check, and a refused spec is an answer, not an error.
 */
#ifndef BILLTAP_TESTS_FAULT_SANDBOX_H
#define BILLTAP_TESTS_FAULT_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

#include "truth_file.h"

#define FM_MAX_SETTINGS 16

typedef struct fm_sandbox {
	pid_t pid;
	char url[128]; /* http://127.0.0.1:PORT */
	char dir[256]; /* a temporary directory: truth files, and log.txt (the sandbox's stderr) */
	size_t n_settings;
	char *names[FM_MAX_SETTINGS], *values[FM_MAX_SETTINGS]; /* the "settings:" line */
	char settings[1024];
} fm_sandbox;

/* Starts $BILLTAP_SANDBOX --provider PROVIDER with the matrix's world (a small scale, no
 * rate limit, --verbose) and `faults` (may be NULL), on `port` (0: a free one; another
 * sandbox's port once it stopped, so that its clients and checkpoints, bound to the URL,
 * carry over). Returns 0 when it is listening, 1 when it refused the spec (exit status 2:
 * its message is in why), -1 on any other failure (why says what). On a non-zero return
 * nothing is left running or on disk. */
int fm_sandbox_start(fm_sandbox *sb, const char *provider, const char *faults,
                     unsigned port, char *why, size_t cap);
/* The port a started sandbox listens on. */
unsigned fm_sandbox_port(const fm_sandbox *sb);
/* SIGTERM and wait; the directory stays (the log is complete only now). */
void fm_sandbox_stop(fm_sandbox *sb);
/* Removes the directory. */
void fm_sandbox_remove(fm_sandbox *sb);
/* Copies the log line of request n ("#3 GET /v1/... -> 200 (4911 bytes) badjson") into
 * buf without its newline. 0, or -1 when the log has no such request. */
int fm_sandbox_request_line(const fm_sandbox *sb, unsigned long n, char *buf, size_t cap);

/* A truth file of the sandbox (NAME.jsonl in its directory; "after/NAME" for the state
 * after an insert). 0, or -1 with why. */
int fm_truth_load(truth *t, const fm_sandbox *sb, const char *name, char *why, size_t cap);

#endif
