/* billtap apply: a full extraction with incremental ones applied to it (docs/cli.md). */
#ifndef BILLTAP_CLI_APPLY_H
#define BILLTAP_CLI_APPLY_H

/* Runs `billtap apply BASE CHANGES...` with the arguments after "apply"; its exit code. */
int cli_apply(int argc, char **argv);

#endif
