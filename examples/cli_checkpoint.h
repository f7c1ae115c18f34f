/*
 * The CLI's checkpoint file: the library's checkpoint token plus what the CLI needs to
 * resume its output exactly. Text, one "KEY VALUE" a line, written whole or not at all
 * (a temporary file, fsync, rename, fsync of the directory):
 *
 *   billtap-checkpoint 1
 *   format jsonl
 *   token <billtap_iter_checkpoint()>
 *   output-bytes 1048576
 *   output /abs/path/subs.jsonl           (only with --output)
 *   output-tail-fnv1a64 9ae16a3b2f90404f  (only with --output)
 *   mode incremental                      (only for --incremental: "incremental" while
 *                                          a pass runs, "sync" once it ended)
 *
 * A "sync" file holds the sync token of a finished incremental pass: the output it made
 * is complete and not covered (no output lines, output-bytes 0); the next run starts new
 * output from it with the changes since.
 * output-bytes: the bytes of output the token covers. With --output they are in the file
 * and durable; a resume truncates the file to them and checks that the last (up to 4096)
 * of them hash to output-tail-fnv1a64, so a checkpoint never continues another file. On
 * standard output it only says whether anything (a CSV header) was written yet.
 */
#ifndef BILLTAP_CLI_CHECKPOINT_H
#define BILLTAP_CLI_CHECKPOINT_H

#include <stdint.h>

typedef enum cli_checkpoint_mode {
	CLI_CHECKPOINT_FULL = 0,        /* a pass without --incremental */
	CLI_CHECKPOINT_INCREMENTAL = 1, /* an incremental pass, interrupted */
	CLI_CHECKPOINT_SYNC = 2         /* an incremental pass ended: token is its sync token */
} cli_checkpoint_mode;

typedef struct cli_checkpoint {
	const char *format;    /* "jsonl" or "csv" */
	const char *token;     /* the library's checkpoint token */
	uint64_t output_bytes; /* the output this checkpoint covers */
	const char *output;    /* absolute path of --output; NULL: standard output */
	uint64_t output_tail;  /* FNV-1a 64 of the last <= 4096 covered bytes (with output) */
	cli_checkpoint_mode mode;
} cli_checkpoint;

/*
 * Reads path into *cp (which the caller zeroed). *found is 0 when there is no such file
 * (a fresh start). Returns 0, or after printing why: CLI_EXIT_LOCAL_IO (cannot read),
 * CLI_EXIT_PERMANENT (not a checkpoint file billtap wrote), CLI_EXIT_FAILURE (memory).
 */
int cli_checkpoint_load(cli_checkpoint *cp, int *found, const char *path);

/* Replaces path with cp, atomically and durably. 0, or CLI_EXIT_LOCAL_IO after printing. */
int cli_checkpoint_save(const char *path, const cli_checkpoint *cp);

/* Removes path (done) durably, and a temporary file a crash left beside it. 0, or
 * CLI_EXIT_LOCAL_IO after printing. */
int cli_checkpoint_remove(const char *path);

/* Frees the strings of a loaded checkpoint and zeroes cp (not for one the caller filled
 * with borrowed strings to save). */
void cli_checkpoint_free(cli_checkpoint *cp);

#endif
