/*
 * A run's settings, from three sources, each overriding the one before:
 *   1. the environment: BILLTAP_<PROVIDER>_<KEY>=VALUE (BILLTAP_STRIPE_API_KEY sets api_key);
 *   2. --settings-file FILE: KEY=VALUE lines, '#' comments, blank lines; refused unless
 *      only its owner (the user or root) can read or write it, like an ssh key;
 *   3. the command line: --base-url URL, then each --set KEY=VALUE.
 * The first two keep secrets out of argv, which every user on the host can read (ps).
 */
#ifndef BILLTAP_CLI_SETTINGS_H
#define BILLTAP_CLI_SETTINGS_H

#include <billtap.h>
#include <stddef.h>

typedef struct cli_settings {
	const char *provider;
	const char *settings_file; /* or NULL */
	const char *base_url;      /* or NULL */
	const char **sets;         /* "KEY=VALUE" from --set */
	size_t set_count;
} cli_settings;

/* Applies s to c. Returns 0, or CLI_EXIT_USAGE after printing why (a bad key, value or
 * line; a settings file that cannot be read or that others could read or write). */
int cli_settings_apply(billtap_client *c, const cli_settings *s);

/* What every command that reads from a provider takes (extract, inspect): --provider,
 * --resource, --since, and the settings options --base-url, --settings-file and --set. */
typedef struct cli_source {
	const char *provider, *resource, *since; /* as given, or NULL */
	cli_settings settings;
} cli_source;

/* Makes room for the --set values of argc arguments: 0, or -1 (out of memory). */
int cli_source_init(cli_source *s, int argc);
void cli_source_free(cli_source *s);
/* When argv[*i] is one of cli_source's options: takes its value argv[*i + 1], moves *i to
 * it and returns 1. 0 when it is not one of them; -1 after printing why (no value). */
int cli_source_option(cli_source *s, int *i, int argc, char **argv);
/* After parsing, with --provider and --resource given: the resource and --since valid, the
 * provider known and able to list the resource. 0 with *resource and *since set, or
 * CLI_EXIT_USAGE after printing why. */
int cli_source_check(const cli_source *s, billtap_resource *resource, int64_t *since);

#endif
