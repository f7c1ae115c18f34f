/* One run per checkpoint file (and per output file): an exclusive fcntl() lock, taken
 * without waiting, held until the process ends. The kernel drops it when the process
 * dies, SIGKILL included, so a crash never leaves a stale lock behind. */
#ifndef BILLTAP_CLI_LOCK_H
#define BILLTAP_CLI_LOCK_H

typedef struct cli_lock {
	int fd;     /* -1 when not held */
	char *path; /* CHECKPOINT.lock */
} cli_lock;

/*
 * Locks CHECKPOINT.lock (created if missing). Returns 0, CLI_EXIT_LOCKED after printing
 * which process holds it, or CLI_EXIT_LOCAL_IO after printing why the lock file cannot be
 * used.
 */
int cli_lock_checkpoint(cli_lock *l, const char *checkpoint_path);

/*
 * Locks an open file (the output) the same way; what names it in the messages. Returns 0,
 * CLI_EXIT_LOCKED or CLI_EXIT_LOCAL_IO, with a message printed.
 */
int cli_lock_open_file(int fd, const char *what, const char *path);

/* Removes the lock file while still holding it, then lets it go. No-op when not held. */
void cli_lock_release(cli_lock *l);

#endif
