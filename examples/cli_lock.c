#include "cli_lock.h"

#include "cli_exit.h"
#include "cli_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* 0 locked; 1 held by another process (its pid in *holder, 0 if unknown); -1 errno. */
static int try_lock(int fd, long *holder)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET; /* l_start 0, l_len 0: the whole file, however long */
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EACCES && errno != EAGAIN)
		return -1;
	*holder = 0;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
		*holder = (long)fl.l_pid;
	return 1;
}

static int report(int rc, long holder, const char *what, const char *path)
{
	if (rc > 0) {
		fprintf(stderr, "billtap: %s %s is in use by another billtap run", what, path);
		if (holder > 0)
			fprintf(stderr, " (pid %ld)", holder);
		fprintf(stderr, "; wait for it to end or stop it\n");
		return CLI_EXIT_LOCKED;
	}
	fprintf(stderr, "billtap: cannot lock %s %s: %s\n", what, path, strerror(errno));
	return CLI_EXIT_LOCAL_IO;
}

int cli_lock_open_file(int fd, const char *what, const char *path)
{
	long holder = 0;
	int rc = try_lock(fd, &holder);
	return rc == 0 ? 0 : report(rc, holder, what, path);
}

int cli_lock_checkpoint(cli_lock *l, const char *checkpoint_path)
{
	l->fd = -1;
	l->path = cli_path_with(checkpoint_path, ".lock");
	if (!l->path) {
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	/* The holder removes the lock file when it ends. A run that opened the file just before
	 * that removal would lock a name no longer there, beside a new run locking the new
	 * file: so after locking, check that the name still leads to the locked file. */
	for (;;) {
		int fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			return report(-1, 0, "checkpoint lock file", l->path);
		long holder = 0;
		int rc = try_lock(fd, &holder);
		if (rc != 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return report(rc, holder, "checkpoint file", checkpoint_path);
		}
		struct stat held, named;
		errno = 0;
		int same = fstat(fd, &held) == 0 && stat(l->path, &named) == 0 &&
		           held.st_dev == named.st_dev && held.st_ino == named.st_ino;
		if (same) {
			l->fd = fd;
			return 0;
		}
		int saved = errno;
		close(fd);
		if (saved != ENOENT && saved != 0) {
			errno = saved;
			return report(-1, 0, "checkpoint lock file", l->path);
		}
		/* removed or replaced meanwhile: lock the file now under that name */
	}
}

void cli_lock_release(cli_lock *l)
{
	if (l->fd >= 0) {
		unlink(l->path);
		close(l->fd);
		l->fd = -1;
	}
	free(l->path);
	l->path = NULL;
}
