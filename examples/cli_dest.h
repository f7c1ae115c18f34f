/*
 * Where the CLI's records go: standard output, or the --output file.
 *
 * The output file is written in whole records, fsynced at each commit (before the
 * checkpoint that covers it is saved), and created durably (its directory is fsynced).
 * A resume truncates it to the bytes its checkpoint covers, so records written after the
 * last commit (a torn last line included) are written once more, never twice.
 */
#ifndef BILLTAP_CLI_DEST_H
#define BILLTAP_CLI_DEST_H

#include <stddef.h>
#include <stdint.h>

#include "cli_checkpoint.h"

#define CLI_DEST_TAIL 4096 /* how much of the output's end a checkpoint fingerprints */

typedef struct cli_dest {
	int fd;            /* 1, or the open --output file; -1 before open */
	const char *path;  /* --output as given; NULL: standard output */
	char *abs_path;    /* its absolute name, as checkpoints record it */
	int sync;          /* fsync at each commit */
	uint64_t written;  /* output bytes so far, earlier runs included */
	uint64_t committed; /* of which fsynced (the whole output when sync is 0) */
	unsigned char tail[CLI_DEST_TAIL]; /* the last tail_len bytes written */
	size_t tail_len;
} cli_dest;

/* Records go to standard output (fd 1), which has `written` bytes from earlier runs.
 * durable: fsync at commits when fd 1 is a regular file (so a checkpoint never covers
 * records a power loss could still take). */
void cli_dest_stdout(cli_dest *d, int durable, uint64_t written);

/*
 * A fresh --output file: created (and its directory fsynced) or emptied, and locked.
 * resumable: a checkpoint will cover it, so it must be a regular file (it is truncated on
 * resume); otherwise a device or pipe (/dev/null) is fine too. Returns 0, or after
 * printing why: CLI_EXIT_LOCAL_IO, CLI_EXIT_LOCKED, CLI_EXIT_USAGE, CLI_EXIT_FAILURE.
 */
int cli_dest_create(cli_dest *d, const char *path, int resumable);

/*
 * Reopens the --output file the checkpoint cp covers: checks that it is the same file
 * (name, at least cp->output_bytes long, the same fingerprint of its last committed bytes),
 * locks it, and truncates what follows the committed bytes; *dropped receives how many
 * bytes that removed. Returns 0, or after printing why: CLI_EXIT_PERMANENT (another file,
 * or committed bytes missing), CLI_EXIT_LOCAL_IO, CLI_EXIT_LOCKED, CLI_EXIT_FAILURE.
 */
int cli_dest_resume(cli_dest *d, const char *path, const cli_checkpoint *cp, uint64_t *dropped);

/* Writes len bytes of whole lines. 0, or CLI_EXIT_LOCAL_IO after printing. */
int cli_dest_write(cli_dest *d, const char *buf, size_t len);

/* Makes everything written durable (when sync), then committed = written.
 * 0, or CLI_EXIT_LOCAL_IO after printing. */
int cli_dest_commit(cli_dest *d);

/* The fingerprint of the last CLI_DEST_TAIL bytes written (FNV-1a, 64 bits). */
uint64_t cli_dest_tail_hash(const cli_dest *d);

/* Closes the --output file (its close() error counts: NFS reports write errors there).
 * 0, or CLI_EXIT_LOCAL_IO after printing. Standard output stays open. */
int cli_dest_close(cli_dest *d);

#endif
