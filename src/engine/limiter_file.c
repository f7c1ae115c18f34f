/*
 * A limiter whose bucket lives in a small file, so that every process on the machine that
 * opens the file draws from one budget (billtap_limiter_open).
 *
 * Each update locks the whole file with flock() (per open file description: the lock is
 * not shared with other descriptors of the same process, and other closes do not drop
 * it), reads the state, changes it and writes it back with one pwrite(). A process that
 * dies holding the lock loses it with its descriptors, so no one waits for the dead: the
 * state on disk is the last complete write, and a write torn by a power loss fails its
 * checksum and is started afresh (a full bucket). Time is CLOCK_MONOTONIC, which all
 * processes of one boot share; a file from an earlier boot has a future time stamp and
 * restarts its count from now. The file must be on a local file system (flock over NFS
 * is not dependable).
 *
 * If the file stops working mid-run (I/O error), the limiter goes on with a bucket of its
 * own with the same rates rather than failing an extraction over pacing.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "engine/limiter.h"

#define FILE_MAGIC "BTLIMIT1"

/* The file's layout (host byte order: the file is for processes of one machine). */
typedef struct file_state {
	char magic[8];
	bt_bucket bucket;
	uint64_t check; /* FNV-1a of the bytes above */
} file_state;

struct bt_limiter_file {
	int fd;
	int broken; /* an update failed: the object's own bucket serves from now on */
};

static uint64_t fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void seal(file_state *st)
{
	st->check = fnv1a(st, offsetof(file_state, check));
}

/* 1 when st holds a state written whole. */
static int state_valid(const file_state *st)
{
	const bt_bucket *b = &st->bucket;
	return memcmp(st->magic, FILE_MAGIC, 8) == 0 &&
	       st->check == fnv1a(st, offsetof(file_state, check)) && isfinite(b->rate) &&
	       isfinite(b->burst) && isfinite(b->tokens) && isfinite(b->slow) && b->rate > 0 &&
	       b->burst >= 1 && b->tokens <= b->burst && b->slow > 0 && b->slow <= 1;
}

static int write_state(int fd, file_state *st)
{
	seal(st);
	return pwrite(fd, st, sizeof *st, 0) == (ssize_t)sizeof *st ? 0 : -1;
}

/* Reads the state; 0 with a valid one, 1 when the file is empty or torn (to be started
 * afresh), -1 on an I/O error. */
static int read_state(int fd, file_state *st)
{
	ssize_t n = pread(fd, st, sizeof *st, 0);
	if (n < 0)
		return -1;
	return n == (ssize_t)sizeof *st && state_valid(st) ? 0 : 1;
}

static int lock_file(int fd)
{
	int rc;
	while ((rc = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	return rc;
}

int bt_limiter_file_update(billtap_limiter *l, int64_t now_ms,
                           int64_t (*fn)(bt_bucket *b, int64_t now_ms, void *arg), void *arg)
{
	struct bt_limiter_file *f = l->file;
	if (f->broken || lock_file(f->fd) < 0)
		goto broken;
	file_state st;
	int rc = read_state(f->fd, &st);
	if (rc == 1) { /* torn by a crash of the machine: a full bucket, as at creation */
		memcpy(st.magic, FILE_MAGIC, 8);
		bt_bucket_init(&st.bucket, l->bucket.rate, l->bucket.burst, now_ms);
	}
	int64_t r = rc < 0 ? -1 : fn(&st.bucket, now_ms, arg);
	if (rc < 0 || write_state(f->fd, &st) < 0) {
		flock(f->fd, LOCK_UN);
		goto broken;
	}
	flock(f->fd, LOCK_UN);
	return r;
broken:
	f->broken = 1;
	return -1;
}

void bt_limiter_file_close(struct bt_limiter_file *f)
{
	if (!f)
		return;
	close(f->fd); /* drops the flock, were it held */
	free(f);
}

static int open_failed(char *error, size_t error_size, int code, const char *path,
                       const char *what, int err)
{
	if (error && error_size)
		snprintf(error, error_size, "rate limiter file %s: %s%s%s", path, what,
		         err ? ": " : "", err ? strerror(err) : "");
	return code;
}

/* Creates the state when the file is new or torn, else checks it has these rates. */
static int adopt_state(int fd, double per_second, double burst, int64_t now, const char *path,
                       char *error, size_t error_size)
{
	file_state st;
	int rc = read_state(fd, &st);
	if (rc < 0)
		return open_failed(error, error_size, BILLTAP_ESETTING, path, "cannot read", errno);
	if (rc == 1) {
		memset(&st, 0, sizeof st);
		memcpy(st.magic, FILE_MAGIC, 8);
		bt_bucket_init(&st.bucket, per_second, burst, now);
		if (write_state(fd, &st) < 0)
			return open_failed(error, error_size, BILLTAP_ESETTING, path, "cannot write",
			                   errno);
		return 0;
	}
	if (st.bucket.rate != per_second || st.bucket.burst != burst) {
		char what[320];
		snprintf(what, sizeof what,
		         "holds a budget of %g requests a second (burst %g), not %g (burst %g); "
		         "every process must open it with the same rates (remove the file to change "
		         "them)",
		         st.bucket.rate, st.bucket.burst, per_second, burst);
		return open_failed(error, error_size, BILLTAP_ESETTING, path, what, 0);
	}
	return 0;
}

BILLTAP_EXTERN(int) billtap_limiter_open(billtap_limiter **out, const char *path,
                                         double per_second, double burst, char *error,
                                         size_t error_size)
{
	if (error && error_size)
		error[0] = '\0';
	if (out)
		*out = NULL;
	if (!out || !path || !*path)
		return open_failed(error, error_size, BILLTAP_EINVAL, path ? path : "(null)",
		                   "out or path is NULL or empty", 0);
	billtap_limiter *l;
	int rc = bt_limiter_alloc(&l, per_second, burst);
	if (rc == BILLTAP_EINVAL)
		return open_failed(error, error_size, rc, path, "rates must be > 0", 0);
	if (rc < 0)
		return rc;
	burst = l->bucket.burst; /* as the bucket holds it (at least 1) */
	struct bt_limiter_file *f = calloc(1, sizeof *f);
	if (!f) {
		billtap_limiter_free(l);
		return BILLTAP_ENOMEM;
	}
	f->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f->fd < 0) {
		rc = open_failed(error, error_size, BILLTAP_ESETTING, path, "cannot open", errno);
		free(f);
		billtap_limiter_free(l);
		return rc;
	}
	l->file = f;
	struct stat sb;
	if (fstat(f->fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		rc = open_failed(error, error_size, BILLTAP_ESETTING, path, "is not a regular file", 0);
	else if (lock_file(f->fd) < 0)
		rc = open_failed(error, error_size, BILLTAP_ESETTING, path, "cannot lock", errno);
	else {
		rc = adopt_state(f->fd, per_second, burst, l->clock(NULL), path, error, error_size);
		flock(f->fd, LOCK_UN);
	}
	if (rc < 0) {
		billtap_limiter_free(l);
		return rc;
	}
	*out = l;
	return 0;
}
