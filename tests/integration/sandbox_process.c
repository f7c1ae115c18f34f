#include "sandbox_process.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

void sandbox_start(sandbox *sb, const char *const *args)
{
	memset(sb, 0, sizeof *sb);
	const char *bin = getenv("BILLTAP_SANDBOX");
	ck_assert_msg(bin != NULL, "BILLTAP_SANDBOX is not set");
	snprintf(sb->truth, sizeof sb->truth, "/tmp/billtap-truth-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(sb->truth));

	const char *argv[64];
	size_t n = 0;
	argv[n++] = bin;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--truth";
	argv[n++] = sb->truth;
	for (; args && *args && n < 62; args++)
		argv[n++] = *args;
	argv[n] = NULL;

	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256] = "";
	if (!fgets(line, sizeof line, out) || !fgets(sb->settings, sizeof sb->settings, out)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ck_abort_msg("sandbox printed less than its two lines");
	}
	fclose(out); /* the sandbox writes nothing more to stdout */
	sb->pid = pid;
	ck_assert_msg(sscanf(line, "listening on %127s", sb->url) == 1, "unexpected: %s", line);
	ck_assert_msg(strncmp(sb->settings, "settings: ", 10) == 0, "unexpected: %s", sb->settings);
	/* "settings: a=1 b=2\n": split in place into names and values */
	for (char *save = NULL, *kv = strtok_r(sb->settings + 10, " \n", &save);
	     kv && sb->n_settings < SANDBOX_MAX_SETTINGS; kv = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(kv, '=');
		ck_assert_msg(eq != NULL, "setting without '=': %s", kv);
		*eq = '\0';
		sb->names[sb->n_settings] = kv;
		sb->values[sb->n_settings++] = eq + 1;
	}
}

const char *sandbox_setting(const sandbox *sb, const char *name)
{
	for (size_t i = 0; i < sb->n_settings; i++)
		if (strcmp(sb->names[i], name) == 0)
			return sb->values[i];
	ck_abort_msg("the sandbox's settings line has no %s", name);
	return NULL;
}

billtap_client *sandbox_client(const sandbox *sb, const char *provider)
{
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, provider, NULL), 0);
	for (size_t i = 0; i < sb->n_settings; i++)
		ck_assert_msg(billtap_client_set(c, sb->names[i], sb->values[i]) == 0, "setting %s: %s",
		              sb->names[i], billtap_client_error_message(c));
	return c;
}

void sandbox_stop(sandbox *sb)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGTERM);
		int status;
		waitpid(sb->pid, &status, 0);
		sb->pid = 0;
	}
	if (sb->truth[0]) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", sb->truth);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", sb->truth);
		sb->truth[0] = '\0';
	}
}

void truth_load(truth *t, const sandbox *sb, const char *resource)
{
	char path[512], why[512];
	snprintf(path, sizeof path, "%s/%s.jsonl", sb->truth, resource);
	ck_assert_msg(truth_read(t, path, why, sizeof why) == 0, "%s", why);
}

/* Pulls records from it into the seen-set, checking each against the truth. Stops after
 * `limit` records (-1: to the end). Returns how many it took. */
int64_t truth_line_time(const truth *t, size_t i, const char *member, const char *before)
{
	char key[64];
	snprintf(key, sizeof key, "\"%s\":\"", member);
	const char *line = t->lines[i], *end = before ? strstr(line, before) : NULL;
	const char *at = strstr(line, key);
	ck_assert_msg(at && (!before || (end && at < end)), "no %s in %s", member, line);
	for (const char *q; end && (q = strstr(at + 1, key)) && q < end;)
		at = q;
	char ts[32];
	snprintf(ts, sizeof ts, "%.20s", at + strlen(key));
	int64_t v;
	ck_assert_msg(billtap_time_parse(&v, ts) == 0, "%s: %s is not a time", member, ts);
	return v;
}

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void truth_since_exact(billtap_client *c, billtap_resource resource, const truth *t,
                       const int64_t *created)
{
	int64_t *sorted = malloc(t->count * sizeof *sorted);
	memcpy(sorted, created, t->count * sizeof *sorted);
	qsort(sorted, t->count, sizeof *sorted, by_time);
	/* The median, or when as many share the earliest time (a catalog made at once), the
	 * first time after it: the cut must leave some out. */
	size_t k = t->count / 2;
	while (k < t->count && sorted[k] == sorted[0])
		k++;
	ck_assert_msg(k < t->count, "every truth line has the same time: no cut to test");
	int64_t cut = sorted[k];
	free(sorted);
	size_t expected = 0;
	for (size_t i = 0; i < t->count; i++)
		expected += created[i] >= cut;
	ck_assert_uint_gt(expected, 0);
	ck_assert_uint_lt(expected, t->count);
	char *seen = calloc(t->count, 1);
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = cut;
	ck_assert_int_eq(billtap_iter_new(&it, c, resource, &o), 0);
	ck_assert_int_eq(truth_take(it, c, t, seen, -1), (long)expected);
	for (size_t i = 0; i < t->count; i++)
		ck_assert_msg(seen[i] == (created[i] >= cut), "%s", t->lines[i]);
	billtap_iter_free(it);
	free(seen);
}

long truth_take(billtap_iter *it, billtap_client *c, const truth *t, char *seen, long limit)
{
	const billtap_record *r;
	long n = 0;
	int rc = 0;
	while ((limit < 0 || n < limit) && (rc = billtap_iter_next(&r, it)) == 0) {
		const char *id = billtap_record_id(r);
		long at = truth_find(t, id);
		ck_assert_msg(at >= 0, "record %s is not in the truth", id);
		ck_assert_msg(!seen[at], "record %s returned twice", id);
		seen[at] = 1;
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char why[512] = "";
		ck_assert_msg(json_equal(json, len, t->lines[at], strlen(t->lines[at]), why, sizeof why),
		              "%s differs: %s\n got  %s\n want %s", id, why, json, t->lines[at]);
		n++;
	}
	if (limit < 0 || n < limit)
		ck_assert_msg(rc == BILLTAP_ITEROVER, "rc %d: %s", rc, billtap_client_error_message(c));
	return n;
}

void truth_assert_all_seen(const truth *t, const char *seen)
{
	for (size_t i = 0; i < t->count; i++)
		ck_assert_msg(seen[i], "record %s was never returned", t->ids[i]);
}

void truth_resume_in_slices(billtap_client *c, billtap_resource resource, const truth *t,
                            long step)
{
	char *seen = calloc(t->count ? t->count : 1, 1);
	char *token = NULL;
	long total = 0;
	for (int rounds = 0;; rounds++) {
		ck_assert_int_lt(rounds, 100000);
		billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
		o.checkpoint = token;
		billtap_iter *it;
		ck_assert_msg(billtap_iter_new(&it, c, resource, &o) == 0, "%s",
		              billtap_client_error_message(c));
		long n = truth_take(it, c, t, seen, step);
		total += n;
		const char *cp;
		ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
		free(token);
		token = strdup(cp);
		billtap_iter_free(it);
		if (n < step)
			break;
	}
	ck_assert_int_eq(total, (long)t->count);
	truth_assert_all_seen(t, seen);
	free(token);
	free(seen);
}

/* Pulls records from a new iterator (resumed from *token when set) into seen[], checked
 * against the truth; returns the status that ended it, with *token the checkpoint then. */
static int take_from(billtap_client *c, billtap_resource res, const truth *t, char *seen,
                     char **token, long *taken)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = *token;
	billtap_iter *it;
	ck_assert_msg(billtap_iter_new(&it, c, res, &o) == 0, "%s", billtap_client_error_message(c));
	int rc = 0;
	const billtap_record *r;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		const char *id = billtap_record_id(r);
		long at = truth_find(t, id);
		ck_assert_msg(at >= 0, "record %s is not in the truth", id);
		ck_assert_msg(!seen[at], "record %s returned twice", id);
		seen[at] = 1;
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char why[512] = "";
		ck_assert_msg(json_equal(json, len, t->lines[at], strlen(t->lines[at]), why, sizeof why),
		              "%s differs: %s\n got  %s\n want %s", id, why, json, t->lines[at]);
		(*taken)++;
	}
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	free(*token);
	*token = strdup(cp);
	billtap_iter_free(it);
	return rc;
}

void truth_fail_then_resume(sandbox *sb, const char *const *clean_args, const char *provider,
                            const char *const *settings, billtap_resource res, const truth *t,
                            int code, const char *const *needles)
{
	char *seen = calloc(t->count ? t->count : 1, 1);
	char *token = NULL;
	long taken = 0;
	billtap_client *c = sandbox_client(sb, provider);
	for (const char *const *kv = settings; kv && kv[0]; kv += 2)
		ck_assert_int_eq(billtap_client_set(c, kv[0], kv[1]), 0);
	int rc = take_from(c, res, t, seen, &token, &taken);
	const char *msg = billtap_client_error_message(c);
	ck_assert_msg(rc == code, "ended with %d, not %d: %s", rc, code, msg);
	for (; needles && *needles; needles++)
		ck_assert_msg(strstr(msg, *needles), "\"%s\" is not in the message: %s", *needles, msg);
	billtap_client_free(c);

	/* The same world on the same port (the checkpoint is bound to the base URL). */
	char port[16];
	const char *colon = strrchr(sb->url, ':');
	ck_assert_ptr_nonnull(colon);
	snprintf(port, sizeof port, "%.*s", (int)strspn(colon + 1, "0123456789"), colon + 1);
	sandbox_stop(sb);
	const char *args[32];
	size_t n = 0;
	for (; clean_args[n]; n++) {
		ck_assert_uint_lt(n, 28);
		args[n] = clean_args[n];
	}
	args[n++] = "--port";
	args[n++] = port;
	args[n] = NULL;
	sandbox_start(sb, args);
	c = sandbox_client(sb, provider);
	for (const char *const *kv = settings; kv && kv[0]; kv += 2)
		ck_assert_int_eq(billtap_client_set(c, kv[0], kv[1]), 0);
	rc = take_from(c, res, t, seen, &token, &taken);
	ck_assert_msg(rc == BILLTAP_ITEROVER, "resume ended with %d: %s", rc,
	              billtap_client_error_message(c));
	billtap_client_free(c);
	ck_assert_int_eq(taken, (long)t->count);
	truth_assert_all_seen(t, seen);
	free(token);
	free(seen);
}
