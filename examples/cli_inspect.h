/* billtap inspect: one record fetched from the provider, shown raw and normalized, each
 * normalized field traced to the provider members it came from (docs/cli.md, "inspect"). */
#ifndef BILLTAP_CLI_INSPECT_H
#define BILLTAP_CLI_INSPECT_H

/* argv: the arguments after "inspect". Returns an exit code (docs/cli.md). */
int cli_inspect(int argc, char **argv);

#endif
