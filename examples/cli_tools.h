/* The tools to investigate an extraction or a record (docs/cli.md): totals, diff,
 * inspect and apply, one file each; this is their one entry point for the command dispatcher. */
#ifndef BILLTAP_CLI_TOOLS_H
#define BILLTAP_CLI_TOOLS_H

/* 1 when name is one of the tools' commands. */
int cli_tool_named(const char *name);

/* Runs the tool `name` with the arguments after it; returns its exit code. */
int cli_tool(const char *name, int argc, char **argv);

/* The tools' lines of the usage summary. */
extern const char cli_tools_usage[];

#endif
