#include "cli_dest.h"

#include "cli_exit.h"
#include "cli_fs.h"
#include "cli_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void init(cli_dest *d, const char *path)
{
	memset(d, 0, sizeof *d);
	d->fd = -1;
	d->path = path;
}

static const char *name_of(const cli_dest *d)
{
	return d->path ? d->path : "standard output";
}

static int io_error(const cli_dest *d, const char *doing)
{
	fprintf(stderr, "billtap: cannot %s %s: %s\n", doing, name_of(d), strerror(errno));
	return CLI_EXIT_LOCAL_IO;
}

static void remember_tail(cli_dest *d, const char *buf, size_t len)
{
	if (len >= CLI_DEST_TAIL) {
		memcpy(d->tail, buf + len - CLI_DEST_TAIL, CLI_DEST_TAIL);
		d->tail_len = CLI_DEST_TAIL;
		return;
	}
	size_t keep = d->tail_len + len > CLI_DEST_TAIL ? CLI_DEST_TAIL - len : d->tail_len;
	memmove(d->tail, d->tail + d->tail_len - keep, keep);
	memcpy(d->tail + keep, buf, len);
	d->tail_len = keep + len;
}

static uint64_t fnv1a64(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

uint64_t cli_dest_tail_hash(const cli_dest *d)
{
	return fnv1a64(d->tail, d->tail_len);
}

void cli_dest_stdout(cli_dest *d, int durable, uint64_t written)
{
	init(d, NULL);
	d->fd = STDOUT_FILENO;
	struct stat st;
	d->sync = durable && fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	d->written = d->committed = written;
}

/* Opens path for writing, creating it if missing: *created says which. */
static int open_output(const char *path, int *created)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	return fd;
}

int cli_dest_create(cli_dest *d, const char *path, int resumable)
{
	init(d, path);
	if (!(d->abs_path = cli_absolute_path(path)))
		return io_error(d, "open");
	int created;
	if ((d->fd = open_output(path, &created)) < 0)
		return io_error(d, "open");
	struct stat st;
	if (fstat(d->fd, &st) != 0)
		return io_error(d, "inspect");
	if (S_ISREG(st.st_mode)) {
		/* Lock before emptying: never truncate the file of a run in progress. */
		int rc = cli_lock_open_file(d->fd, "output file", path);
		if (rc)
			return rc;
		if (ftruncate(d->fd, 0) != 0)
			return io_error(d, "empty");
	} else if (resumable) {
		fprintf(stderr, "billtap: --output %s is not a regular file: a checkpoint can only "
		                "resume a regular file (it truncates what was not committed)\n",
		        path);
		return CLI_EXIT_USAGE;
	}
	/* A checkpoint will name this file: its directory entry must outlive a power loss. */
	if (created && cli_fsync_parent(path) != 0)
		return io_error(d, "create");
	d->sync = S_ISREG(st.st_mode);
	return 0;
}

/* Reads the n bytes of fd before offset end into buf. */
static int read_before(int fd, uint64_t end, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(end - n + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO; /* shorter than fstat said: changing under us */
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

static int not_the_file(const cli_dest *d, const char *why)
{
	fprintf(stderr, "billtap: output file %s %s; the checkpoint file cannot continue it "
	                "(delete the checkpoint file to start over)\n",
	        d->path, why);
	return CLI_EXIT_PERMANENT;
}

int cli_dest_resume(cli_dest *d, const char *path, const cli_checkpoint *cp, uint64_t *dropped)
{
	init(d, path);
	*dropped = 0;
	if (!(d->abs_path = cli_absolute_path(path)))
		return io_error(d, "open");
	if (strcmp(d->abs_path, cp->output) != 0) {
		fprintf(stderr, "billtap: the checkpoint file covers output %s, not %s; give --output "
		                "%s, or delete the checkpoint file to start over\n",
		        cp->output, d->abs_path, cp->output);
		return CLI_EXIT_PERMANENT;
	}
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0 && errno == ENOENT)
		return not_the_file(d, "is missing");
	if (d->fd < 0)
		return io_error(d, "open");
	struct stat st;
	if (fstat(d->fd, &st) != 0)
		return io_error(d, "inspect");
	if (!S_ISREG(st.st_mode))
		return not_the_file(d, "is not a regular file");
	int rc = cli_lock_open_file(d->fd, "output file", path);
	if (rc)
		return rc;
	uint64_t size = (uint64_t)st.st_size, keep = cp->output_bytes;
	if (size < keep) {
		char why[128];
		snprintf(why, sizeof why, "has %llu bytes, fewer than the %llu committed to it",
		         (unsigned long long)size, (unsigned long long)keep);
		return not_the_file(d, why);
	}
	d->tail_len = keep < CLI_DEST_TAIL ? (size_t)keep : CLI_DEST_TAIL;
	if (read_before(d->fd, keep, d->tail, d->tail_len) != 0)
		return io_error(d, "read");
	if (cli_dest_tail_hash(d) != cp->output_tail)
		return not_the_file(d, "does not end as it did at the checkpoint (another file, or "
		                       "changed since)");
	if (size > keep) {
		/* Written after the last commit: those records come again, after this point. */
		if (ftruncate(d->fd, (off_t)keep) != 0 || fsync(d->fd) != 0)
			return io_error(d, "truncate");
		*dropped = size - keep;
	}
	if (lseek(d->fd, (off_t)keep, SEEK_SET) < 0)
		return io_error(d, "seek in");
	d->sync = 1;
	d->written = d->committed = keep;
	return 0;
}

int cli_dest_write(cli_dest *d, const char *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (cli_write_all(d->fd, buf, len) != 0)
		return io_error(d, "write");
	d->written += len;
	remember_tail(d, buf, len);
	return 0;
}

int cli_dest_commit(cli_dest *d)
{
	if (d->sync && d->committed != d->written && fsync(d->fd) != 0)
		return io_error(d, "sync");
	d->committed = d->written;
	return 0;
}

int cli_dest_close(cli_dest *d)
{
	int rc = 0;
	if (d->path && d->fd >= 0 && close(d->fd) != 0)
		rc = io_error(d, "close");
	d->fd = -1;
	free(d->abs_path);
	d->abs_path = NULL;
	return rc;
}
