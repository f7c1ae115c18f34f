#include "cli_providers.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The plugins this run loaded, so `providers` can say where each came from. */
#define MAX_PLUGINS 64
static struct {
	const char *name; /* the registry's, valid while registered (all run long) */
	char *path;
} plugins[MAX_PLUGINS];
static size_t plugin_count;

static int load_one(const char *path)
{
	if (plugin_count == MAX_PLUGINS) {
		fprintf(stderr, "billtap: more than %d plugins\n", MAX_PLUGINS);
		return 2;
	}
	char error[512];
	const char *name;
	int rc = billtap_provider_load(&name, path, error, sizeof error);
	if (rc < 0) {
		fprintf(stderr, "billtap: %s\n", *error ? error : billtap_strerror(rc));
		return 2;
	}
	plugins[plugin_count].name = name;
	plugins[plugin_count].path = strdup(path);
	plugin_count++;
	return 0;
}

int cli_load_plugins(int *first, int argc, char **argv)
{
	const char *env = getenv("BILLTAP_PLUGINS");
	if (env && *env) {
		char *list = strdup(env);
		if (!list) {
			fprintf(stderr, "billtap: out of memory\n");
			return 2;
		}
		int rc = 0;
		char *save = NULL;
		for (char *p = strtok_r(list, ":", &save); p && rc == 0; p = strtok_r(NULL, ":", &save))
			rc = load_one(p);
		free(list);
		if (rc)
			return rc;
	}
	int i = 1;
	while (i < argc && !strcmp(argv[i], "--plugin")) {
		if (i + 1 >= argc) {
			fprintf(stderr, "billtap: --plugin needs a path\n");
			return 2;
		}
		int rc = load_one(argv[i + 1]);
		if (rc)
			return rc;
		i += 2;
	}
	*first = i;
	return 0;
}

void cli_env_prefix(char *out, size_t cap, const char *provider)
{
	int n = snprintf(out, cap, "BILLTAP_%s_", provider);
	for (char *p = out; *p && p < out + (n < 0 ? 0 : (size_t)n); p++)
		*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
}

static const char *plugin_path(const char *name)
{
	for (size_t i = 0; i < plugin_count; i++)
		if (!strcmp(plugins[i].name, name))
			return plugins[i].path;
	return NULL;
}

void cli_print_resources(FILE *to, uint64_t mask)
{
	int n = 0;
	for (int r = 1; r < 64; r++) {
		const char *name = billtap_resource_name((billtap_resource)r);
		if (!name)
			break;
		if (mask && !(mask & BILLTAP_RESOURCE_BIT(r)))
			continue;
		fprintf(to, "%s%s", n++ ? ", " : "", name);
	}
	if (!n)
		fputs("(none)", to);
}

int cli_list_providers(void)
{
	size_t n = billtap_provider_names(NULL, 0);
	const char **names = calloc(n ? n : 1, sizeof *names);
	if (!names) {
		fprintf(stderr, "billtap: out of memory\n");
		return 1;
	}
	n = billtap_provider_names(names, n);
	for (size_t i = 0; i < n; i++) {
		const char *display = names[i], *path = plugin_path(names[i]);
		billtap_provider_describe(&display, NULL, NULL, names[i]);
		if (path)
			printf("%-16s %-20s plugin %s\n", names[i], display, path);
		else
			printf("%-16s %-20s built-in\n", names[i], display);
	}
	free(names);
	return 0;
}

/* "int 1..100", "bool", "url" or "string". */
static void type_of(char *out, size_t cap, unsigned int flags, int64_t min, int64_t max)
{
	if (flags & BILLTAP_SETTING_INT)
		snprintf(out, cap, "int %lld..%lld", (long long)min, (long long)max);
	else
		snprintf(out, cap, "%s", (flags & BILLTAP_SETTING_BOOL)  ? "bool"
		                         : (flags & BILLTAP_SETTING_URL) ? "url"
		                                                         : "string");
}

static void flags_of(char *out, size_t cap, unsigned int flags)
{
	snprintf(out, cap, "%s%s%s", (flags & BILLTAP_SETTING_REQUIRED) ? "required," : "",
	         (flags & BILLTAP_SETTING_SECRET) ? "secret," : "",
	         (flags & BILLTAP_SETTING_ENGINE) ? "engine," : "");
	size_t len = strlen(out);
	if (len)
		out[len - 1] = '\0';
	else
		snprintf(out, cap, "-");
}

int cli_describe(const char *provider)
{
	const char *display;
	uint64_t resources, since;
	if (billtap_provider_describe(&display, &resources, &since, provider) < 0) {
		fprintf(stderr, "billtap: unknown provider '%s' (billtap providers lists them)\n",
		        provider);
		return 2;
	}
	const char *path = plugin_path(provider);
	printf("%s (%s)%s%s\n", display, provider, path ? ", plugin " : "", path ? path : "");
	printf("resources: ");
	cli_print_resources(stdout, resources);
	printf("\nsince honoured by: ");
	if (since)
		cli_print_resources(stdout, since);
	else
		fputs("(none)", stdout);
	/* How incremental passes find changes (docs/incremental.md), per resource. */
	static const char *const methods[] = { "none", "feed", "updated", "reread" };
	printf("\nincremental: ");
	int first = 1;
	for (int r = 1; billtap_resource_name((billtap_resource)r); r++) {
		billtap_sync_method m;
		if (!(resources & BILLTAP_RESOURCE_BIT(r)) ||
		    billtap_provider_sync_method(&m, provider, (billtap_resource)r) < 0)
			continue;
		printf("%s%s %s", first ? "" : ", ", billtap_resource_name((billtap_resource)r),
		       (unsigned)m < 4 ? methods[m] : "?");
		first = 0;
	}
	char prefix[64];
	cli_env_prefix(prefix, sizeof prefix, provider);
	printf("\nsettings (--set KEY=VALUE, or %s<KEY> in the environment):\n", prefix);
	printf("  %-20s %-18s %-24s %s\n", "name", "type", "flags", "default");
	const char *name, *def, *description;
	unsigned int flags;
	int64_t min, max;
	for (size_t i = 0;
	     billtap_provider_setting(&name, &flags, &def, &min, &max, &description, provider, i) == 0;
	     i++) {
		char type[64], flag_text[48];
		type_of(type, sizeof type, flags, min, max);
		flags_of(flag_text, sizeof flag_text, flags);
		printf("  %-20s %-18s %-24s %s\n", name, type, flag_text, def ? def : "-");
		if (description)
			printf("      %s\n", description);
	}
	return 0;
}
