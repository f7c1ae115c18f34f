#include "cli_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) { /* no progress and no reason: do not spin */
			errno = EIO;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path's directory ("." for a bare name), malloc'd, and its last component in *base. */
static char *split(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		*base = path;
		return strdup(".");
	}
	*base = slash + 1;
	size_t n = slash == path ? 1 : (size_t)(slash - path); /* "/x" lives in "/" */
	char *dir = malloc(n + 1);
	if (dir) {
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	return dir;
}

int cli_fsync_parent(const char *path)
{
	const char *base;
	char *dir = split(path, &base);
	if (!dir)
		return -1;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

char *cli_absolute_path(const char *path)
{
	const char *base;
	char *dir = split(path, &base);
	if (!dir)
		return NULL;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		free(dir);
		errno = EISDIR;
		return NULL;
	}
	char *real = realpath(dir, NULL);
	free(dir);
	if (!real)
		return NULL;
	size_t n = strlen(real), b = strlen(base);
	char *abs = malloc(n + 1 + b + 1);
	if (abs) {
		memcpy(abs, real, n);
		size_t at = n;
		if (at == 0 || abs[at - 1] != '/')
			abs[at++] = '/';
		memcpy(abs + at, base, b + 1);
	}
	free(real);
	return abs;
}

char *cli_path_with(const char *path, const char *suffix)
{
	size_t a = strlen(path), b = strlen(suffix);
	char *p = malloc(a + b + 1);
	if (p) {
		memcpy(p, path, a);
		memcpy(p + a, suffix, b + 1);
	}
	return p;
}
