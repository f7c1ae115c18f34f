#include "cli_settings.h"

#include "cli_exit.h"
#include "cli_providers.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Sets key; on failure prints the library's message (which never holds a secret) after
 * where, and returns CLI_EXIT_USAGE. */
static int set_one(billtap_client *c, const char *key, const char *value, const char *where)
{
	int rc = billtap_client_set(c, key, value);
	if (rc == 0)
		return 0;
	const char *msg = billtap_client_error_message(c);
	fprintf(stderr, "billtap: %s%s\n", where, *msg ? msg : billtap_strerror(rc));
	return CLI_EXIT_USAGE;
}

static int from_environment(billtap_client *c, const char *provider)
{
	char prefix[64];
	cli_env_prefix(prefix, sizeof prefix, provider);
	size_t n = strlen(prefix);
	for (char **e = environ; *e; e++) {
		if (strncmp(*e, prefix, n) != 0)
			continue;
		const char *eq = strchr(*e, '=');
		if (!eq)
			continue;
		char key[128], where[192];
		size_t klen = (size_t)(eq - *e) - n;
		if (klen == 0 || klen >= sizeof key)
			continue;
		for (size_t i = 0; i < klen; i++)
			key[i] = (char)tolower((unsigned char)(*e)[n + i]);
		key[klen] = '\0';
		snprintf(where, sizeof where, "environment %.*s: ", (int)(eq - *e), *e);
		int rc = set_one(c, key, eq + 1, where);
		if (rc)
			return rc;
	}
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Refuses a file others could read (the secrets) or write (a base_url that sends the key
 * elsewhere). Pipes count too: --settings-file <(pass show billing) is fine. */
static int check_private(int fd, const char *path)
{
	struct stat st;
	if (fstat(fd, &st) != 0) {
		fprintf(stderr, "billtap: cannot inspect settings file %s: %s\n", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		fprintf(stderr, "billtap: settings file %s is not a regular file or a pipe\n", path);
		return CLI_EXIT_USAGE;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		fprintf(stderr, "billtap: settings file %s belongs to another user (uid %ld); it holds "
		                "secrets, so it must be yours\n",
		        path, (long)st.st_uid);
		return CLI_EXIT_USAGE;
	}
	if (st.st_mode & 077) {
		fprintf(stderr, "billtap: settings file %s has permissions %04o: it holds secrets, so "
		                "no one else may read or write it (chmod 600 %s)\n",
		        path, (unsigned)(st.st_mode & 07777), path);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static int from_file(billtap_client *c, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "billtap: cannot open settings file %s: %s\n", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	int rc = check_private(fd, path);
	FILE *f = rc ? NULL : fdopen(fd, "r");
	if (!f) {
		if (!rc) {
			fprintf(stderr, "billtap: cannot read settings file %s: %s\n", path, strerror(errno));
			rc = CLI_EXIT_USAGE;
		}
		close(fd);
		return rc;
	}
	char *line = NULL;
	size_t cap = 0;
	long number = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		number++;
		char *text = trim(line);
		if (!*text || *text == '#')
			continue;
		char where[64 + 4096];
		snprintf(where, sizeof where, "settings file %s, line %ld: ", path, number);
		char *eq = strchr(text, '=');
		if (!eq) {
			/* The line is not echoed: it may be a secret that lost its key. */
			fprintf(stderr, "billtap: %sexpected KEY=VALUE\n", where);
			rc = CLI_EXIT_USAGE;
			break;
		}
		*eq = '\0';
		rc = set_one(c, trim(text), trim(eq + 1), where);
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "billtap: cannot read settings file %s: %s\n", path, strerror(errno));
		rc = CLI_EXIT_USAGE;
	}
	/* The buffer held secrets: do not leave them in freed memory. */
	if (line)
		memset(line, 0, cap);
	free(line);
	fclose(f);
	return rc;
}

/* A secret on the command line is visible to every user of the host: say so. */
static void warn_if_secret(const char *provider, const char *key)
{
	const char *name;
	unsigned int flags;
	for (size_t i = 0; billtap_provider_setting(&name, &flags, NULL, NULL, NULL, NULL, provider,
	                                            i) == 0;
	     i++)
		if (!strcmp(name, key) && (flags & BILLTAP_SETTING_SECRET)) {
			char prefix[64];
			cli_env_prefix(prefix, sizeof prefix, provider);
			fprintf(stderr, "billtap: warning: --set %s puts a secret where any user can read "
			                "it (ps); use %s",
			        key, prefix);
			for (const char *k = key; *k; k++)
				fputc(toupper((unsigned char)*k), stderr);
			fprintf(stderr, " or --settings-file\n");
			return;
		}
}

int cli_settings_apply(billtap_client *c, const cli_settings *s)
{
	int rc = from_environment(c, s->provider);
	if (rc == 0 && s->settings_file)
		rc = from_file(c, s->settings_file);
	if (rc == 0 && s->base_url)
		rc = set_one(c, "base_url", s->base_url, "--base-url: ");
	for (size_t i = 0; rc == 0 && i < s->set_count; i++) {
		char *kv = strdup(s->sets[i]);
		char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq) {
			fprintf(stderr, "billtap: --set wants KEY=VALUE, not '%s'\n", s->sets[i]);
			free(kv);
			return kv ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
		}
		*eq = '\0';
		warn_if_secret(s->provider, kv);
		rc = set_one(c, kv, eq + 1, "");
		free(kv);
	}
	return rc;
}

int cli_source_init(cli_source *s, int argc)
{
	memset(s, 0, sizeof *s);
	s->settings.sets = calloc((size_t)argc + 1, sizeof *s->settings.sets);
	return s->settings.sets ? 0 : -1;
}

void cli_source_free(cli_source *s)
{
	free(s->settings.sets);
	s->settings.sets = NULL;
}

int cli_source_option(cli_source *s, int *i, int argc, char **argv)
{
	const char *arg = argv[*i];
	const char **slot;
	if (!strcmp(arg, "--provider"))
		slot = &s->provider;
	else if (!strcmp(arg, "--resource"))
		slot = &s->resource;
	else if (!strcmp(arg, "--since"))
		slot = &s->since;
	else if (!strcmp(arg, "--base-url"))
		slot = &s->settings.base_url;
	else if (!strcmp(arg, "--settings-file"))
		slot = &s->settings.settings_file;
	else if (!strcmp(arg, "--set"))
		slot = &s->settings.sets[s->settings.set_count++];
	else
		return 0;
	if (*i + 1 >= argc) {
		fprintf(stderr, "billtap: %s needs a value\n", arg);
		return -1;
	}
	*slot = argv[++*i];
	s->settings.provider = s->provider;
	return 1;
}

int cli_source_check(const cli_source *s, billtap_resource *resource, int64_t *since)
{
	*since = BILLTAP_TIME_NONE;
	if (billtap_resource_from_name(resource, s->resource) < 0) {
		fprintf(stderr, "billtap: unknown resource '%s' (", s->resource);
		cli_print_resources(stderr, 0);
		fputs(")\n", stderr);
		return CLI_EXIT_USAGE;
	}
	if (s->since && billtap_time_parse(since, s->since) < 0) {
		fprintf(stderr, "billtap: --since '%s' is not a time (RFC 3339, YYYY-MM-DD or Unix "
		                "seconds)\n",
		        s->since);
		return CLI_EXIT_USAGE;
	}
	uint64_t served;
	if (billtap_provider_describe(NULL, &served, NULL, s->provider) < 0) {
		const char *names[32];
		size_t n = billtap_provider_names(names, 32);
		fprintf(stderr, "billtap: unknown provider '%s' (known:", s->provider);
		for (size_t i = 0; i < n && i < 32; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, ")\n");
		return CLI_EXIT_USAGE;
	}
	if (!(served & BILLTAP_RESOURCE_BIT(*resource))) {
		fprintf(stderr, "billtap: %s cannot list %s (it lists: ", s->provider, s->resource);
		cli_print_resources(stderr, served);
		fputs(")\n", stderr);
		return CLI_EXIT_USAGE;
	}
	return 0;
}
