#include "cli_checkpoint.h"

#include "cli_exit.h"
#include "cli_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "billtap-checkpoint 1"
/* Tokens are a few hundred bytes, but PayPal's subscriptions tokens carry ~20 bytes per live
 * subscription (docs/incremental.md, "Token size"): 64 MiB holds millions; anything bigger
 * is not ours. */
#define MAX_SIZE (64 << 20)

void cli_checkpoint_free(cli_checkpoint *cp)
{
	free((void *)cp->format);
	free((void *)cp->token);
	free((void *)cp->output);
	memset(cp, 0, sizeof *cp);
}

/* The whole file, NUL-terminated; NULL with errno (EFBIG when implausibly large). */
static char *slurp(int fd)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	for (; buf;) {
		if (len + 1 == cap) {
			if (cap >= MAX_SIZE) {
				free(buf);
				errno = EFBIG;
				return NULL;
			}
			char *p = realloc(buf, cap * 2);
			if (!p)
				break;
			buf = p;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			free(buf);
			errno = saved;
			return NULL;
		}
		if (n == 0) {
			buf[len] = '\0';
			return buf;
		}
		len += (size_t)n;
	}
	free(buf);
	errno = ENOMEM;
	return NULL;
}

static int parse_u64(uint64_t *out, const char *s, int base)
{
	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno || *end)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* Fills cp from text; on failure returns a static reason. */
static const char *parse(cli_checkpoint *cp, char *text, int *bad_line)
{
	int have_bytes = 0, have_tail = 0, have_mode = 0;
	char *save = NULL;
	*bad_line = 1;
	char *line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, MAGIC) != 0)
		return "it does not start with '" MAGIC "'";
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		++*bad_line;
		char *value = strchr(line, ' ');
		if (!value || !value[1])
			return "expected KEY VALUE";
		*value++ = '\0';
		const char **text_slot = NULL;
		if (!strcmp(line, "format"))
			text_slot = &cp->format;
		else if (!strcmp(line, "token"))
			text_slot = &cp->token;
		else if (!strcmp(line, "output"))
			text_slot = &cp->output;
		else if (!strcmp(line, "output-bytes")) {
			if (have_bytes++ || parse_u64(&cp->output_bytes, value, 10) < 0)
				return "output-bytes is repeated or not a number";
			continue;
		} else if (!strcmp(line, "output-tail-fnv1a64")) {
			if (have_tail++ || strlen(value) != 16 || parse_u64(&cp->output_tail, value, 16) < 0)
				return "output-tail-fnv1a64 is repeated or not 16 hex digits";
			continue;
		} else if (!strcmp(line, "mode")) {
			if (have_mode++)
				return "mode is repeated";
			if (!strcmp(value, "incremental"))
				cp->mode = CLI_CHECKPOINT_INCREMENTAL;
			else if (!strcmp(value, "sync"))
				cp->mode = CLI_CHECKPOINT_SYNC;
			else
				return "mode is neither incremental nor sync";
			continue;
		} else
			return "unknown key";
		if (*text_slot)
			return "a key is repeated";
		if (!(*text_slot = strdup(value)))
			return "out of memory";
	}
	*bad_line = 0;
	if (!cp->format || (strcmp(cp->format, "jsonl") && strcmp(cp->format, "csv")))
		return "format is missing or neither jsonl nor csv";
	if (!cp->token)
		return "token is missing";
	if (!have_bytes)
		return "output-bytes is missing";
	if (!cp->output != !have_tail)
		return "output and output-tail-fnv1a64 come together";
	if (cp->mode == CLI_CHECKPOINT_SYNC && (cp->output || cp->output_bytes))
		return "a sync token covers no output";
	return NULL;
}

int cli_checkpoint_load(cli_checkpoint *cp, int *found, const char *path)
{
	*found = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		close(fd);
		fprintf(stderr, "billtap: checkpoint file %s is not a regular file\n", path);
		return CLI_EXIT_LOCAL_IO;
	}
	char *text = fd >= 0 ? slurp(fd) : NULL;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	if (!text) {
		fprintf(stderr, "billtap: cannot read checkpoint file %s: %s\n", path, strerror(saved));
		return saved == ENOMEM ? CLI_EXIT_FAILURE : CLI_EXIT_LOCAL_IO;
	}
	*found = 1;
	if (!*text) {
		/* Saves are atomic (rename), so an empty file was made by hand: refuse to guess
		 * between "start over" and "resume". */
		fprintf(stderr, "billtap: checkpoint file %s is empty; delete it to start over\n", path);
		free(text);
		return CLI_EXIT_PERMANENT;
	}
	int line;
	const char *why = parse(cp, text, &line);
	free(text);
	if (!why)
		return 0;
	cli_checkpoint_free(cp);
	if (line)
		fprintf(stderr, "billtap: checkpoint file %s, line %d: %s: not a checkpoint file "
		                "billtap wrote; delete it to start over\n",
		        path, line, why);
	else
		fprintf(stderr, "billtap: checkpoint file %s: %s: not a checkpoint file billtap "
		                "wrote; delete it to start over\n",
		        path, why);
	return CLI_EXIT_PERMANENT;
}

int cli_checkpoint_save(const char *path, const cli_checkpoint *cp)
{
	char tail[40] = "";
	if (cp->output)
		snprintf(tail, sizeof tail, "output-tail-fnv1a64 %016" PRIx64 "\n", cp->output_tail);
	size_t cap = strlen(cp->token) + (cp->output ? strlen(cp->output) : 0) + 200;
	char *text = malloc(cap);
	char *tmp = cli_path_with(path, ".tmp");
	if (!text || !tmp) {
		free(text);
		free(tmp);
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	static const char *const modes[] = { "", "mode incremental\n", "mode sync\n" };
	int len = snprintf(text, cap, MAGIC "\nformat %s\ntoken %s\noutput-bytes %" PRIu64 "\n%s%s%s%s%s",
	                   cp->format, cp->token, cp->output_bytes, cp->output ? "output " : "",
	                   cp->output ? cp->output : "", cp->output ? "\n" : "", tail,
	                   modes[cp->mode]);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int ok = fd >= 0 && cli_write_all(fd, text, (size_t)len) == 0 && fsync(fd) == 0;
	int saved = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = 0;
		saved = errno;
	}
	/* The rename replaces the old checkpoint whole; the directory's fsync makes the
	 * new name survive a power loss (until then a loss brings back the old one, which is
	 * also consistent: it covers less output, and a resume truncates to it). */
	if (ok && (rename(tmp, path) != 0 || cli_fsync_parent(path) != 0)) {
		ok = 0;
		saved = errno;
	}
	if (!ok) {
		fprintf(stderr, "billtap: cannot write checkpoint file %s: %s\n", path, strerror(saved));
		unlink(tmp);
	}
	free(text);
	free(tmp);
	return ok ? 0 : CLI_EXIT_LOCAL_IO;
}

int cli_checkpoint_remove(const char *path)
{
	/* A save cut short by a crash may have left its temporary file. */
	char *tmp = cli_path_with(path, ".tmp");
	if (tmp)
		unlink(tmp);
	free(tmp);
	if ((unlink(path) != 0 && errno != ENOENT) || cli_fsync_parent(path) != 0) {
		fprintf(stderr, "billtap: cannot remove checkpoint file %s: %s\n", path, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	return 0;
}
