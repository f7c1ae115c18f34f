#include "cli_inspect.h"

#include <stdio.h>

int cli_inspect(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "billtap: inspect: not yet\n");
	return 2;
}
