/* Standard descriptors. A program started with fd 0, 1 or 2 closed hands that number to
 * the next open(): a socket of libcurl's would become "standard output", and records
 * written there would go to the network while the run reports success. */
#ifndef BILLTAP_CLI_STDFDS_H
#define BILLTAP_CLI_STDFDS_H

#define CLI_STDIN_CLOSED 1u
#define CLI_STDOUT_CLOSED 2u
#define CLI_STDERR_CLOSED 4u

/*
 * Opens /dev/null onto each of fds 0-2 that is closed, before anything else opens a
 * descriptor, and sets *closed to the CLI_*_CLOSED bits of those that were. Returns 0, or
 * -1 when /dev/null cannot be opened (the caller must not go on).
 */
int cli_stdfds_guard(unsigned *closed);

#endif
