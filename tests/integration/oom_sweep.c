/*
 * Every allocation failure, retried. For N = 1, 2, ... up to the allocations of a clean
 * run, the Nth allocation libbilltap makes fails (malloc, calloc, realloc, strdup and
 * strndup are wrapped at link time: -Wl,--wrap=...; libbilltap is linked statically). The
 * host then does what billtap.h tells it: a failed call is made again. The records it ends
 * up with must equal the clean run's, byte for byte, in order, each once: a failure may
 * cost a retry, never a record or a value, and never a second failure (then the sweep
 * resumes from the checkpoint to say what else differs, and counts the run as failed).
 *
 *   oom-sweep PROVIDER [NAME=VALUE ...] [-- SANDBOX-ARGUMENTS ...]
 *
 * starts $BILLTAP_SANDBOX --provider PROVIDER --port 0 SANDBOX-ARGUMENTS, applies its
 * "settings:" line and the NAME=VALUE settings, and sweeps every resource the provider
 * lists. TAP on stdout, one case per resource.
 */
#include <billtap.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the allocation fault ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

/* Only allocations made while armed count: the sweep's own bookkeeping never does. */
static int armed;
static long allocations, fail_at;

static int fail_now(void)
{
	return armed && ++allocations == fail_at;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return fail_now() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fail_now() ? NULL : __real_strndup(s, n); }

/* ---- the sandbox ---- */

#define MAX_SETTINGS 32

static struct {
	pid_t pid;
	size_t n;
	char *names[MAX_SETTINGS], *values[MAX_SETTINGS];
	char line[2048];
} sb;

static void die(const char *what)
{
	printf("Bail out! %s\n", what);
	if (sb.pid > 0) {
		kill(sb.pid, SIGTERM);
		waitpid(sb.pid, NULL, 0);
	}
	exit(1);
}

static void add_setting(char *pair)
{
	char *eq = strchr(pair, '=');
	if (!eq || sb.n == MAX_SETTINGS)
		die("a setting is not NAME=VALUE, or there are too many");
	*eq = '\0';
	sb.names[sb.n] = pair;
	sb.values[sb.n++] = eq + 1;
}

/* Starts the sandbox and reads its two lines: "listening on URL", "settings: ...". */
static void sandbox_start(const char *provider, char **extra, int n_extra)
{
	const char *path = getenv("BILLTAP_SANDBOX");
	if (!path)
		die("BILLTAP_SANDBOX is not set");
	int out[2];
	if (pipe(out) < 0)
		die("pipe");
	char *argv[64] = { (char *)path, "--provider", (char *)provider, "--port", "0" };
	int argc = 5;
	for (int i = 0; i < n_extra && argc < 63; i++)
		argv[argc++] = extra[i];
	argv[argc] = NULL;
	if ((sb.pid = fork()) < 0)
		die("fork");
	if (sb.pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		close(out[0]);
		close(out[1]);
		execv(path, argv);
		_exit(127);
	}
	close(out[1]);
	FILE *f = fdopen(out[0], "r");
	char listening[512];
	if (!f || !fgets(listening, sizeof listening, f) || strncmp(listening, "listening on ", 13) ||
	    !fgets(sb.line, sizeof sb.line, f) || strncmp(sb.line, "settings: ", 10))
		die("the sandbox did not print its two lines");
	sb.line[strcspn(sb.line, "\n")] = '\0';
	for (char *kv = strtok(sb.line + 10, " "); kv; kv = strtok(NULL, " "))
		add_setting(kv);
	/* The sandbox writes nothing more on stdout; f stays open so it never sees EPIPE. */
}

/* ---- one extraction ---- */

typedef struct output {
	char **json;
	size_t count, cap;
	long resumes;          /* iterators replaced by one resumed from the checkpoint */
	char resumed_after[512]; /* the error that made the first resume necessary */
	char why[512];         /* set when the run could not finish */
} output;

static void output_clear(output *o)
{
	for (size_t i = 0; i < o->count; i++)
		free(o->json[i]);
	free(o->json);
	memset(o, 0, sizeof *o);
}

static void keep(output *o, const char *json, size_t len)
{
	if (o->count == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 256;
		o->json = __real_realloc(o->json, o->cap * sizeof *o->json);
		if (!o->json)
			die("out of memory (the sweep's own)");
	}
	if (!(o->json[o->count] = __real_strndup(json, len)))
		die("out of memory (the sweep's own)");
	o->count++;
}

/* A failed call is made again, as billtap.h says a host may. One allocation fails in a
 * run, so a call that fails twice is a defect. */
#define AGAIN(rc, call) (((rc) = (call)) == BILLTAP_ENOMEM ? ((rc) = (call)) : (rc))

static billtap_client *client_for(const char *provider, output *o)
{
	billtap_client *c = NULL;
	int rc;
	if (AGAIN(rc, billtap_client_new(&c, provider, NULL)) < 0) {
		snprintf(o->why, sizeof o->why, "billtap_client_new: %s", billtap_strerror(rc));
		return NULL;
	}
	for (size_t i = 0; i < sb.n; i++) {
		if (AGAIN(rc, billtap_client_set(c, sb.names[i], sb.values[i])) < 0) {
			snprintf(o->why, sizeof o->why, "setting %s: %s", sb.names[i],
			         billtap_client_error_message(c));
			billtap_client_free(c);
			return NULL;
		}
	}
	return c;
}

static void run(output *o, const char *provider, billtap_resource resource)
{
	armed = 1;
	billtap_client *c = client_for(provider, o);
	billtap_iter *it = NULL;
	char checkpoint[4096] = "";
	int failed_before = 0;
	while (c && !o->why[0]) {
		int rc;
		if (!it) {
			billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
			opts.checkpoint = checkpoint[0] ? checkpoint : NULL;
			if (AGAIN(rc, billtap_iter_new(&it, c, resource, &opts)) < 0) {
				snprintf(o->why, sizeof o->why, "billtap_iter_new: %s",
				         billtap_client_error_message(c));
				break;
			}
		}
		const billtap_record *r;
		rc = billtap_iter_next(&r, it);
		if (rc == BILLTAP_ITEROVER)
			break;
		if (rc < 0) {
			if (failed_before) {
				/* It failed again: start over from the checkpoint, as a host would. */
				if (!o->resumes)
					snprintf(o->resumed_after, sizeof o->resumed_after, "%s",
					         billtap_client_error_message(c));
				billtap_iter_free(it);
				it = NULL;
				o->resumes++;
				failed_before = 0;
				if (o->resumes > 3)
					snprintf(o->why, sizeof o->why, "still failing after %ld resumes: %s",
					         o->resumes, billtap_client_error_message(c));
			} else {
				failed_before = 1;
			}
			continue;
		}
		failed_before = 0;
		size_t len = 0;
		const char *json = billtap_record_json(r, &len);
		if (!json)
			json = billtap_record_json(r, &len);
		if (!json) {
			snprintf(o->why, sizeof o->why, "billtap_record_json failed twice");
			break;
		}
		keep(o, json, len);
		const char *token;
		if (AGAIN(rc, billtap_iter_checkpoint(&token, it)) < 0) {
			snprintf(o->why, sizeof o->why, "billtap_iter_checkpoint failed twice");
			break;
		}
		if (strlen(token) >= sizeof checkpoint) {
			snprintf(o->why, sizeof o->why, "a checkpoint longer than %zu", sizeof checkpoint);
			break;
		}
		strcpy(checkpoint, token);
	}
	billtap_iter_free(it);
	billtap_client_free(c);
	armed = 0;
}

/* "" when b equals the clean run a, else what differs. A run that needed a new iterator
 * differs too: the failed call, made again, should have gone on. */
static const char *compare(char *why, size_t cap, const output *a, const output *b)
{
	if (b->why[0])
		return b->why;
	if (b->resumes) {
		snprintf(why, cap, "failed twice in a row (resumed from the checkpoint): %s",
		         b->resumed_after);
		return why;
	}
	for (size_t i = 0; i < a->count || i < b->count; i++)
		if (i >= a->count || i >= b->count || strcmp(a->json[i], b->json[i]) != 0) {
			snprintf(why, cap, "%zu records (clean run %zu); record %zu is %.300s, clean: %.300s",
			         b->count, a->count, i, i < b->count ? b->json[i] : "(none)",
			         i < a->count ? a->json[i] : "(none)");
			return why;
		}
	return "";
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROVIDER [NAME=VALUE ...] [-- SANDBOX-ARGUMENTS ...]\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	const char *provider = argv[1];
	int i = 2;
	char *settings[MAX_SETTINGS];
	int n_settings = 0;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (n_settings < MAX_SETTINGS)
			settings[n_settings++] = argv[i];
	int extra = i < argc ? i + 1 : argc;
	sandbox_start(provider, argv + extra, argc - extra);
	for (int k = 0; k < n_settings; k++)
		add_setting(settings[k]);

	uint64_t listed = 0;
	if (billtap_provider_describe(NULL, &listed, NULL, provider) < 0)
		die("unknown provider");
	int cases = 0;
	for (billtap_resource r = 1; billtap_resource_name(r); r++)
		cases += (listed & BILLTAP_RESOURCE_BIT(r)) != 0;
	printf("1..%d\n", cases);

	int n = 0, bad_cases = 0;
	for (billtap_resource r = 1; billtap_resource_name(r); r++) {
		if (!(listed & BILLTAP_RESOURCE_BIT(r)))
			continue;
		n++;
		output clean = { 0 };
		fail_at = -1;
		allocations = 0;
		run(&clean, provider, r);
		long total = allocations;
		if (clean.why[0] || clean.count == 0) {
			printf("not ok %d - %s %s: the clean run failed: %s\n", n, provider,
			       billtap_resource_name(r), clean.why[0] ? clean.why : "no records");
			bad_cases++;
			output_clear(&clean);
			continue;
		}
		long bad = 0;
		char why[1024];
		for (fail_at = 1; fail_at <= total; fail_at++) {
			output got = { 0 };
			allocations = 0;
			run(&got, provider, r);
			const char *diff = compare(why, sizeof why, &clean, &got);
			if (diff[0] && ++bad <= 5)
				printf("# %s %s, allocation %ld of %ld failed: %s\n", provider,
				       billtap_resource_name(r), fail_at, total, diff);
			output_clear(&got);
		}
		printf("%s %d - %s %s: %zu records; each of the %ld allocations failing once, the "
		       "failed call made again, gives the clean run's records (%ld do not)\n",
		       bad ? "not ok" : "ok", n, provider, billtap_resource_name(r), clean.count, total,
		       bad);
		bad_cases += bad != 0;
		output_clear(&clean);
	}
	kill(sb.pid, SIGTERM);
	waitpid(sb.pid, NULL, 0);
	return bad_cases ? 1 : 0;
}
