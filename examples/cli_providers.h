/* The CLI's plugins (--plugin, BILLTAP_PLUGINS) and what it says about providers
 * (billtap providers, billtap describe), all from the library's introspection. */
#ifndef BILLTAP_CLI_PROVIDERS_H
#define BILLTAP_CLI_PROVIDERS_H

#include <billtap.h>
#include <stdio.h>

/* Loads every plugin BILLTAP_PLUGINS names (colon-separated), then each --plugin PATH at
 * the start of argv[1..]; *first receives the index of the first other argument.
 * Returns 0, or 2 after printing why a plugin could not be loaded. */
int cli_load_plugins(int *first, int argc, char **argv);

/* "billtap providers": one line per registered provider, plugins with their file. */
int cli_list_providers(void);

/* "billtap describe PROVIDER": display name, resources, and every setting. */
int cli_describe(const char *provider);

/* "BILLTAP_STRIPE_": the environment prefix of a provider's settings (a '-' in its name
 * becomes '_', which shells accept). */
void cli_env_prefix(char *out, size_t cap, const char *provider);

/* "customers, plans, ..." for the resources in mask (every known one when mask is 0). */
void cli_print_resources(FILE *to, uint64_t mask);

#endif
