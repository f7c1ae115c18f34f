/* billtap diff A B: two extractions compared record by record, by (kind, id)
 * (docs/cli.md, "diff"). */
#ifndef BILLTAP_CLI_DIFF_H
#define BILLTAP_CLI_DIFF_H

/* argv: the arguments after "diff". Exit code 0: equal; 1: different; otherwise the CLI's
 * codes for failures (2 usage, 3 malformed input, 6 a file that cannot be read or no
 * memory): never 1 for a failure, so that 1 always means "different". */
int cli_diff(int argc, char **argv);

#endif
