/* Command-line options. */
#ifndef SANDBOX_ARGS_H
#define SANDBOX_ARGS_H

#include "sandbox_provider.h"

/* 0: run; 1: --help printed, exit 0; -1: error printed, exit 2. */
int sb_args_parse(sb_options *o, int argc, char **argv);

#endif
