/* File-system steps the CLI's crash-safe output and checkpoint are built from. Each
 * returns 0 or -1 with errno set; none prints. */
#ifndef BILLTAP_CLI_FS_H
#define BILLTAP_CLI_FS_H

#include <stddef.h>

/* Writes all of buf with as few write() calls as the kernel allows (one, unless it takes
 * less or a signal interrupts), retrying short writes and EINTR. */
int cli_write_all(int fd, const char *buf, size_t len);

/* Makes path's directory entry durable: fsync() on the directory that holds it (after a
 * file was created, renamed or removed there). */
int cli_fsync_parent(const char *path);

/* A malloc'd absolute, canonical name for path (which need not exist, but its directory
 * must): its directory through realpath(), then its last component. NULL with errno. */
char *cli_absolute_path(const char *path);

/* A malloc'd path + suffix ("subs.cp" + ".lock"), or NULL. */
char *cli_path_with(const char *path, const char *suffix);

#endif
