/*
 * The fault matrix: every fault kind billtap-sandbox injects, for every provider named on
 * the command line, over every resource that provider lists, at one or two request
 * numbers in the middle of the stream. Each cell runs in a child process of its own
 * (fault_cell.c) with its own sandbox, FAULT_MATRIX_JOBS (default 4: cells mostly wait
 * on sockets, stalls and drips, so four share two cores well) at once. A cell
 * passes only with the outcome its kind promises (fault_cell.h, docs/reliability.md):
 * the truth exactly once, or the expected error and a resume that completes the truth.
 *
 * Output: TAP (one case per cell; cells the provider's sandbox refuses, such as inflate
 * for Stripe whose lists carry no totals, and cells whose request comes after a complete
 * extraction's last, such as Braintree's plans in one answer, are listed as not
 * applicable, not as cases),
 * then a summary table as TAP comments. FAULT_MATRIX_ONLY=TEXT runs the cells whose name
 * ("stripe invoices badjson@2") contains TEXT.
 *
 * Usage: fault-matrix PROVIDER...   (with $BILLTAP_SANDBOX set)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fault_cell.h"

/* A cell that has not ended after this long is looping: its watchdog kills it. */
#define CELL_WATCHDOG_S 120

typedef struct fm_kind {
	const char *name;   /* the sandbox's fault kind or status */
	const char *arg;    /* its ":ARG", or NULL */
	fm_expect expect;
	unsigned long at[3]; /* the request numbers it is tried at (0: unused) */
	unsigned long span;  /* a range: the fault applies from at[i] to at[i] + span */
	const char *setting; /* a client setting the kind needs */
} fm_kind;

/*
 * Request 1 is a provider's first request (PayPal's token request, Stripe's first page);
 * 2, 3 and 12 fall in the middle of every stream at the page size the cells use
 * (fault_cell.c: 19 requests or more for every resource), 12 well inside each (for
 * Stripe's lists, with records returned before and after it). Slow kinds are tried once. echo at 1 covers PayPal's token endpoint and
 * its Basic credentials. The guards' kinds apply to a range of requests: repeat replays
 * only continuation pages (a list's first page is answered normally), wherever in the
 * range the stream has one, and a total can only shrink against an earlier one. Their
 * resume goes to a sandbox without the fault.
 */
static const fm_kind kinds[] = {
	{ "500", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "503", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "429", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "drop", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "badjson", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "empty", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "cut", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "cutchunked", NULL, FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	{ "stallclose", "300", FM_RECOVER, { 2, 3, 12 }, 0, NULL },
	/* A stall ten times the stall timeout: only the stall timeout ends it early. */
	{ "stall", "3000", FM_RECOVER_CUT, { 2, 0 }, 0, "stall_timeout_ms=300" },
	/* 50 bytes every 50 ms: every page (460 bytes to 10 KB here) takes longer than the
	 * stall timeout, yet never falls silent for as long. */
	{ "drip", "1000", FM_PROGRESS, { 2, 0 }, 0, "stall_timeout_ms=300" },
	/* From request 3 to 203 every continuation page is the list's previous page again. */
	{ "repeat", NULL, FM_GUARD, { 3, 0 }, 200, NULL },
	/* Lists answered from request 3 to 203 claim 5 pages more than they have. */
	{ "inflate", "5", FM_GUARD, { 3, 0 }, 200, NULL },
	/* Lists answered from request 3 to 203 claim 2 items fewer than they hold. */
	{ "shrink", "2", FM_GUARD, { 3, 0 }, 200, NULL },
	{ "echo", NULL, FM_NO_SECRET, { 1, 3 }, 0, NULL },
	{ "insert", "3", FM_INSERT, { 2, 3, 12 }, 0, NULL },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

static const char *const expect_names[] = {
	[FM_RECOVER] = "recovered, truth",
	[FM_RECOVER_CUT] = "cut, retried, truth",
	[FM_PROGRESS] = "no retry, truth",
	[FM_GUARD] = "EDATA + resume",
	[FM_NO_SECRET] = "no secret; resume|truth",
	[FM_INSERT] = "before <= out <= after",
};

typedef struct result {
	fm_cell cell;
	size_t kind;
	char name[128];
	int done;
	fm_verdict verdict;
	char detail[1100]; /* what a cell's process wrote back */
} result;

static void make_cell(result *r, const char *provider, billtap_resource res, size_t k,
                      unsigned long at)
{
	const fm_kind *kind = &kinds[k];
	fm_cell *c = &r->cell;
	c->provider = provider;
	c->resource = res;
	c->first = at;
	c->last = at + kind->span;
	c->expect = kind->expect;
	c->setting = kind->setting;
	int n = snprintf(c->spec, sizeof c->spec, "%s@%lu", kind->name, at);
	if (kind->span)
		n += snprintf(c->spec + n, sizeof c->spec - (size_t)n, "-%lu", c->last);
	if (kind->arg)
		snprintf(c->spec + n, sizeof c->spec - (size_t)n, ":%s", kind->arg);
	snprintf(r->name, sizeof r->name, "%s %s %s", provider, billtap_resource_name(res), c->spec);
	r->kind = k;
}

/* Every cell of the providers given, in table order. */
static size_t plan_cells(result **out, char **providers, int n_providers, const char *only)
{
	size_t n = 0, cap = 64;
	result *cells = calloc(cap, sizeof *cells);
	for (int p = 0; p < n_providers; p++) {
		uint64_t mask = 0;
		if (billtap_provider_describe(NULL, &mask, NULL, providers[p]) != 0) {
			fprintf(stderr, "fault-matrix: no provider %s\n", providers[p]);
			exit(2);
		}
		for (size_t k = 0; k < N_KINDS; k++)
			for (int r = 1; billtap_resource_name((billtap_resource)r); r++) {
				if (!(mask & BILLTAP_RESOURCE_BIT(r)))
					continue;
				for (size_t i = 0; i < 3 && kinds[k].at[i]; i++) {
					if (n == cap)
						cells = realloc(cells, (cap *= 2) * sizeof *cells);
					memset(&cells[n], 0, sizeof cells[n]);
					make_cell(&cells[n], providers[p], (billtap_resource)r, k,
					          kinds[k].at[i]);
					if (!only || strstr(cells[n].name, only))
						n++;
				}
			}
	}
	*out = cells;
	return n;
}

/* Runs a cell in a child; its verdict and detail come back through the pipe. */
static pid_t start_cell(const result *r, int *fd)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		alarm(CELL_WATCHDOG_S);
		char detail[1024] = "";
		fm_verdict v = fm_cell_run(&r->cell, detail, sizeof detail);
		char line[1100];
		int len = snprintf(line, sizeof line, "%d %s", (int)v, detail);
		/* exit(), not _exit(): under ASan the leak check runs at exit. */
		exit(write(fds[1], line, (size_t)len) == len ? 0 : 3);
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

static void finish_cell(result *r, int fd, int status)
{
	char line[1100];
	ssize_t len = read(fd, line, sizeof line - 1);
	close(fd);
	if (len > 2 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		line[len] = '\0';
		r->verdict = (fm_verdict)(line[0] - '0');
		snprintf(r->detail, sizeof r->detail, "%s", line + 2);
	} else {
		r->verdict = FM_FAIL;
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			snprintf(r->detail, sizeof r->detail,
			         "no end after %d s (an endless loop?): the watchdog killed it",
			         CELL_WATCHDOG_S);
		else
			snprintf(r->detail, sizeof r->detail, "the cell's process died (status 0x%x)",
			         status);
	}
	r->done = 1;
}

/* Prints the finished cells from *next on, in order, as TAP cases. */
static void print_ready(result *cells, size_t n, size_t *next, int *tap_no)
{
	for (; *next < n && cells[*next].done; (*next)++) {
		const result *r = &cells[*next];
		if (r->verdict == FM_NOT_APPLICABLE)
			printf("# n/a %s: %s\n", r->name, r->detail);
		else
			printf("%s %d - %s: %s\n", r->verdict == FM_PASS ? "ok" : "not ok", ++*tap_no,
			       r->name, r->detail);
	}
	fflush(stdout);
}

static void run_all(result *cells, size_t n, int jobs)
{
	pid_t *pids = calloc((size_t)jobs, sizeof *pids);
	int *fds = calloc((size_t)jobs, sizeof *fds);
	size_t *which = calloc((size_t)jobs, sizeof *which);
	size_t next_start = 0, next_print = 0;
	int running = 0, tap_no = 0;
	while (next_start < n || running) {
		for (int j = 0; j < jobs && next_start < n; j++) {
			if (pids[j])
				continue;
			which[j] = next_start;
			pids[j] = start_cell(&cells[next_start], &fds[j]);
			if (pids[j] < 0) {
				fprintf(stderr, "fault-matrix: cannot start a cell\n");
				exit(1);
			}
			next_start++;
			running++;
		}
		int status;
		pid_t pid = wait(&status);
		for (int j = 0; pid > 0 && j < jobs; j++)
			if (pids[j] == pid) {
				finish_cell(&cells[which[j]], fds[j], status);
				pids[j] = 0;
				running--;
			}
		print_ready(cells, n, &next_print, &tap_no);
	}
	printf("1..%d\n", tap_no);
	free(pids);
	free(fds);
	free(which);
}

/* The summary: a row per kind, a column per provider and resource, "passed/cells". */
static void print_summary(const result *cells, size_t n, char **providers, int n_providers)
{
	printf("#\n# fault matrix: passed/cells per fault kind (rows) and provider:resource "
	       "(columns)\n#\n# %-11s %-26s", "kind", "expected");
	typedef struct column {
		const char *provider;
		billtap_resource res;
	} column;
	column cols[64];
	size_t n_cols = 0;
	for (int p = 0; p < n_providers; p++) {
		uint64_t mask = 0;
		billtap_provider_describe(NULL, &mask, NULL, providers[p]);
		for (int r = 1; billtap_resource_name((billtap_resource)r) && n_cols < 64; r++)
			if (mask & BILLTAP_RESOURCE_BIT(r)) {
				cols[n_cols].provider = providers[p];
				cols[n_cols++].res = (billtap_resource)r;
				char head[40];
				snprintf(head, sizeof head, "%.2s:%.4s", providers[p],
				         billtap_resource_name((billtap_resource)r));
				printf(" %-8s", head);
			}
	}
	printf("\n");
	int passed = 0, failed = 0, na = 0;
	for (size_t k = 0; k < N_KINDS; k++) {
		char row[1024];
		int len = snprintf(row, sizeof row, "# %-11s %-26s", kinds[k].name,
		                   expect_names[kinds[k].expect]);
		int any = 0;
		for (size_t c = 0; c < n_cols; c++) {
			int cp = 0, cn = 0, cna = 0;
			for (size_t i = 0; i < n; i++) {
				const result *r = &cells[i];
				if (r->kind != k || r->cell.resource != cols[c].res ||
				    strcmp(r->cell.provider, cols[c].provider) != 0)
					continue;
				if (r->verdict == FM_NOT_APPLICABLE)
					cna++;
				else {
					cn++;
					cp += r->verdict == FM_PASS;
				}
			}
			char cell[32];
			if (cna && !cn)
				snprintf(cell, sizeof cell, "n/a");
			else if (cn)
				snprintf(cell, sizeof cell, "%d/%d", cp, cn);
			else
				snprintf(cell, sizeof cell, "-");
			any |= cn || cna;
			len += snprintf(row + len, sizeof row - (size_t)len, " %-8s", cell);
			passed += cp;
			failed += cn - cp;
			na += cna;
		}
		if (any)
			printf("%s\n", row);
	}
	printf("#\n# cells: %d run, %d passed, %d failed; %d not applicable (refused by the "
	       "provider's sandbox, or after a stream's last request)\n", passed + failed, passed, failed, na);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: fault-matrix PROVIDER...\n");
		return 2;
	}
	const char *jobs_env = getenv("FAULT_MATRIX_JOBS");
	int jobs = jobs_env ? atoi(jobs_env) : 4;
	if (jobs < 1 || jobs > 64)
		jobs = 4;
	const char *only = getenv("FAULT_MATRIX_ONLY");
	result *cells;
	size_t n = plan_cells(&cells, argv + 1, argc - 1, only && *only ? only : NULL);
	run_all(cells, n, jobs);
	print_summary(cells, n, argv + 1, argc - 1);
	int failed = 0;
	for (size_t i = 0; i < n; i++)
		failed += cells[i].verdict == FM_FAIL;
	free(cells);
	return failed ? 1 : 0;
}
