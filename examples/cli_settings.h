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

#endif
