/* Starting and stopping billtap-sandbox from tests. */
#ifndef BILLTAP_TESTS_SANDBOX_PROCESS_H
#define BILLTAP_TESTS_SANDBOX_PROCESS_H

#include <billtap.h>
#include <sys/types.h>

#include "truth_file.h"

#define SANDBOX_MAX_SETTINGS 16

typedef struct sandbox {
	pid_t pid;
	char url[128];
	char truth[256]; /* a temporary directory with the truth files */
	/* The "settings:" line: every setting a client needs (names are billtap's). */
	size_t n_settings;
	char *names[SANDBOX_MAX_SETTINGS], *values[SANDBOX_MAX_SETTINGS];
	char settings[1024];
} sandbox;

/* Starts $BILLTAP_SANDBOX with --port 0 --truth <tmpdir> plus `args` (NULL-terminated) and
 * waits for its "listening on URL" and "settings: NAME=VALUE ..." lines. Aborts the test
 * on failure. */
void sandbox_start(sandbox *sb, const char *const *args);
/* The value of a setting from the settings line; aborts the test when there is none. */
const char *sandbox_setting(const sandbox *sb, const char *name);
/* A client of `provider` with every setting of the settings line applied. */
billtap_client *sandbox_client(const sandbox *sb, const char *provider);
/* SIGTERM, wait, remove the truth directory. */
void sandbox_stop(sandbox *sb);

/* The truth file of a resource (truth_file.h: truth_find(), truth_free()); aborts the
 * test when it cannot be read or is not sorted by id. */
void truth_load(truth *t, const sandbox *sb, const char *resource);

/* Pulls records from `it` (of client c), checking each against the truth as JSON values
 * and marking it in seen[] (a second sighting fails). Stops after `limit` records (-1: at
 * the end, which must be BILLTAP_ITEROVER). Returns how many it took. */
long truth_take(billtap_iter *it, billtap_client *c, const truth *t, char *seen, long limit);
/* Fails unless every truth record was seen. */
void truth_assert_all_seen(const truth *t, const char *seen);
/* The time of truth line i's member `member` (e.g. "created_at"): its first occurrence, or
 * with `before` (a text the line holds) the last one in front of it, for a record whose
 * nested items carry times of their own. Fails the test when there is none. */
int64_t truth_line_time(const truth *t, size_t i, const char *member, const char *before);
/* `since` exactly: iterates `resource` with since the median of created[] (one time per
 * truth line, in line order; past the earliest time) and asserts it returns exactly the lines created at or after
 * it, each equal to its line, none twice (and that the cut leaves some out). */
void truth_since_exact(billtap_client *c, billtap_resource resource, const truth *t,
                       const int64_t *created);
/* Iterates `resource` to the end in slices of `step` records, each slice in a new iterator
 * resumed from the previous one's checkpoint; asserts the union equals the truth. */
void truth_resume_in_slices(billtap_client *c, billtap_resource resource, const truth *t,
                            long step);
/* Iterates `resource` on a client of sb (with every setting of its settings line) until
 * it fails (with `settings` too: name, value, ..., NULL; may be NULL): with `code` and a
 * message holding each of `needles` (NULL-terminated, may be NULL). Then restarts sb on the same port with clean_args (the same world without the
 * faults) and resumes from the checkpoint to the end. Every record of both parts must
 * equal the truth t (loaded before), none twice, none missing. */
void truth_fail_then_resume(sandbox *sb, const char *const *clean_args, const char *provider,
                            const char *const *settings, billtap_resource resource, const truth *t,
                            int code, const char *const *needles);

#endif
