#include "cli_tools.h"

#include <string.h>

#include "cli_apply.h"
#include "cli_diff.h"
#include "cli_inspect.h"
#include "cli_totals.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} tools[] = {
	{"totals", cli_totals},
	{"diff", cli_diff},
	{"inspect", cli_inspect},
	{"apply", cli_apply},
};

const char cli_tools_usage[] =
        "       billtap totals [--date FIELD] [--whole] FILE...\n"
        "       billtap diff A B\n"
        "       billtap apply BASE CHANGES...\n"
        "       billtap [--plugin PATH]... inspect --provider NAME --resource RESOURCE --id ID\n"
        "               [--since TIME] [--base-url URL] [--settings-file FILE]\n"
        "               [--set KEY=VALUE]...\n";

int cli_tool_named(const char *name)
{
	for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
		if (!strcmp(tools[i].name, name))
			return 1;
	return 0;
}

int cli_tool(const char *name, int argc, char **argv)
{
	for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
		if (!strcmp(tools[i].name, name))
			return tools[i].run(argc, argv);
	return 2;
}
