#include "cli_stdfds.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int cli_stdfds_guard(unsigned *closed)
{
	*closed = 0;
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		*closed |= 1u << fd;
		/* open() returns the lowest free number, which is fd: the lower ones are open. */
		int got = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (got < 0)
			return -1;
		if (got != fd) { /* cannot happen by the rule above; never keep a stray one */
			int ok = dup2(got, fd) == fd;
			close(got);
			if (!ok)
				return -1;
		}
	}
	return 0;
}
