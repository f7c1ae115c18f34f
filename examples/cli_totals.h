/* billtap totals FILE...: an extraction summed per month, currency, record kind and
 * transaction kind, exactly (docs/cli.md, "totals"). */
#ifndef BILLTAP_CLI_TOTALS_H
#define BILLTAP_CLI_TOTALS_H

/* argv: the arguments after "totals". Returns an exit code (docs/cli.md). */
int cli_totals(int argc, char **argv);

#endif
