#include "fault_sandbox.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* The matrix's world: small, so that about 140 cells run in a few minutes, yet every
 * resource spans several pages at the page size the cells ask for (fault_cell.c). No rate
 * limit: every retry a cell sees comes from its own fault. */
#define FM_SEED "7"
#define FM_SCALE "60"

static void remove_dir(const char *dir)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* The first line of the sandbox's log, which holds its refusal ("--faults: fault ...: ..."). */
static void first_log_line(const char *dir, char *buf, size_t cap)
{
	char path[300];
	snprintf(path, sizeof path, "%s/log.txt", dir);
	FILE *f = fopen(path, "r");
	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)cap, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static int split_settings(fm_sandbox *sb, char *why, size_t cap)
{
	if (strncmp(sb->settings, "settings: ", 10) != 0) {
		snprintf(why, cap, "unexpected second line: %s", sb->settings);
		return -1;
	}
	for (char *save = NULL, *kv = strtok_r(sb->settings + 10, " \n", &save);
	     kv && sb->n_settings < FM_MAX_SETTINGS; kv = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) {
			snprintf(why, cap, "setting without '=': %s", kv);
			return -1;
		}
		*eq = '\0';
		sb->names[sb->n_settings] = kv;
		sb->values[sb->n_settings++] = eq + 1;
	}
	return 0;
}

int fm_sandbox_start(fm_sandbox *sb, const char *provider, const char *faults,
                     unsigned port, char *why, size_t cap)
{
	memset(sb, 0, sizeof *sb);
	const char *bin = getenv("BILLTAP_SANDBOX");
	if (!bin) {
		snprintf(why, cap, "BILLTAP_SANDBOX is not set");
		return -1;
	}
	snprintf(sb->dir, sizeof sb->dir, "/tmp/billtap-faults-XXXXXX");
	if (!mkdtemp(sb->dir)) {
		snprintf(why, cap, "mkdtemp failed");
		return -1;
	}
	char log[300], port_text[16];
	snprintf(log, sizeof log, "%s/log.txt", sb->dir);
	snprintf(port_text, sizeof port_text, "%u", port);
	const char *argv[] = { bin, "--provider", provider, "--port", port_text, "--seed", FM_SEED,
		               "--scale", FM_SCALE, "--rate-limit", "0", "--verbose", "--truth",
		               sb->dir, faults ? "--faults" : NULL, faults, NULL };
	int fds[2];
	if (pipe(fds) != 0) {
		snprintf(why, cap, "pipe failed");
		remove_dir(sb->dir);
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, cap, "fork failed");
		close(fds[0]);
		close(fds[1]);
		remove_dir(sb->dir);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
#ifdef __linux__
		/* A cell killed by its watchdog takes its sandbox with it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		if (!freopen(log, "w", stderr))
			_exit(126);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	FILE *out = fdopen(fds[0], "r");
	char line[256] = "";
	int got = out && fgets(line, sizeof line, out) && fgets(sb->settings, sizeof sb->settings, out);
	if (out)
		fclose(out); /* the sandbox writes nothing more to stdout */
	else
		close(fds[0]);
	if (!got) {
		int status = 0;
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		char msg[512];
		first_log_line(sb->dir, msg, sizeof msg);
		int refused = WIFEXITED(status) && WEXITSTATUS(status) == 2;
		snprintf(why, cap, "%s%s", refused ? "" : "the sandbox did not start: ", msg);
		remove_dir(sb->dir);
		return refused ? 1 : -1;
	}
	sb->pid = pid;
	if (sscanf(line, "listening on %127s", sb->url) != 1 || split_settings(sb, why, cap) < 0) {
		if (strncmp(line, "listening on ", 13) != 0)
			snprintf(why, cap, "unexpected first line: %s", line);
		fm_sandbox_stop(sb);
		fm_sandbox_remove(sb);
		return -1;
	}
	return 0;
}

unsigned fm_sandbox_port(const fm_sandbox *sb)
{
	const char *colon = strrchr(sb->url, ':');
	return colon ? (unsigned)strtoul(colon + 1, NULL, 10) : 0;
}

void fm_sandbox_stop(fm_sandbox *sb)
{
	if (sb->pid > 0) {
		kill(sb->pid, SIGTERM);
		waitpid(sb->pid, NULL, 0);
		sb->pid = 0;
	}
}

void fm_sandbox_remove(fm_sandbox *sb)
{
	if (sb->dir[0] && !getenv("FAULT_MATRIX_KEEP"))
		remove_dir(sb->dir);
	sb->dir[0] = '\0';
}

int fm_sandbox_request_line(const fm_sandbox *sb, unsigned long n, char *buf, size_t cap)
{
	char path[300], want[32], line[4096];
	snprintf(path, sizeof path, "%s/log.txt", sb->dir);
	snprintf(want, sizeof want, "#%lu ", n);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	int found = 0;
	while (!found && fgets(line, sizeof line, f)) {
		if (strncmp(line, want, strlen(want)) == 0) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(buf, cap, "%s", line);
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

int fm_truth_load(truth *t, const fm_sandbox *sb, const char *name, char *why, size_t cap)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.jsonl", sb->dir, name);
	return truth_read(t, path, why, cap);
}
