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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The id of a truth line: the value of its "id" member. */
static char *line_id(const char *line)
{
	const char *p = strstr(line, "\"id\":\"");
	ck_assert_msg(p != NULL, "truth line without id: %.80s", line);
	p += 6;
	const char *end = strchr(p, '"');
	char *id = malloc((size_t)(end - p) + 1);
	memcpy(id, p, (size_t)(end - p));
	id[end - p] = '\0';
	return id;
}

void truth_load(truth *t, const sandbox *sb, const char *resource)
{
	char path[512];
	size_t len;
	snprintf(path, sizeof path, "%s/%s.jsonl", sb->truth, resource);
	memset(t, 0, sizeof *t);
	t->data = slurp(path, &len);
	size_t cap = 1024;
	t->lines = malloc(cap * sizeof *t->lines);
	t->ids = malloc(cap * sizeof *t->ids);
	for (char *p = t->data; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p) {
			if (t->count == cap) {
				cap *= 2;
				t->lines = realloc(t->lines, cap * sizeof *t->lines);
				t->ids = realloc(t->ids, cap * sizeof *t->ids);
			}
			t->lines[t->count] = p;
			t->ids[t->count] = line_id(p);
			if (t->count)
				ck_assert_msg(strcmp(t->ids[t->count - 1], t->ids[t->count]) < 0,
				              "truth not sorted by id at %s", t->ids[t->count]);
			t->count++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

long truth_find(const truth *t, const char *id)
{
	size_t lo = 0, hi = t->count;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(t->ids[mid], id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void truth_free(truth *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->ids[i]);
	free(t->ids);
	free(t->lines);
	free(t->data);
	memset(t, 0, sizeof *t);
}

/* Pulls records from it into the seen-set, checking each against the truth. Stops after
 * `limit` records (-1: to the end). Returns how many it took. */
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
                            const char *page_size, billtap_resource res, const truth *t,
                            int code, const char *const *needles)
{
	char *seen = calloc(t->count ? t->count : 1, 1);
	char *token = NULL;
	long taken = 0;
	billtap_client *c = sandbox_client(sb, provider);
	if (page_size)
		ck_assert_int_eq(billtap_client_set(c, "page_size", page_size), 0);
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
	if (page_size)
		ck_assert_int_eq(billtap_client_set(c, "page_size", page_size), 0);
	rc = take_from(c, res, t, seen, &token, &taken);
	ck_assert_msg(rc == BILLTAP_ITEROVER, "resume ended with %d: %s", rc,
	              billtap_client_error_message(c));
	billtap_client_free(c);
	ck_assert_int_eq(taken, (long)t->count);
	truth_assert_all_seen(t, seen);
	free(token);
	free(seen);
}
