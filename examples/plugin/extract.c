/*
 * A host that loads a provider plugin and extracts one resource as JSON lines:
 *
 *   ledgerly-extract PLUGIN.so RESOURCE [--set KEY=VALUE]... [--stop-after N CHECKPOINT_FILE]
 *                    [--resume CHECKPOINT_FILE]
 *
 * --stop-after writes the checkpoint after N records to the file and stops; --resume
 * continues from such a file. Built against the installed billtap (pkg-config).
 */
#include <billtap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(billtap_client *c, int rc)
{
	const char *msg = c ? billtap_client_error_message(c) : "";
	fprintf(stderr, "ledgerly-extract: %s\n", *msg ? msg : billtap_strerror(rc));
	return 1;
}

static char *read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char line[4096];
	char *token = fgets(line, sizeof line, f) ? strdup(strtok(line, "\n")) : NULL;
	fclose(f);
	return token;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s PLUGIN.so RESOURCE [--set KEY=VALUE]... "
		                "[--stop-after N FILE] [--resume FILE]\n", argv[0]);
		return 2;
	}
	char error[512];
	const char *provider;
	int rc = billtap_provider_load(&provider, argv[1], error, sizeof error);
	if (rc < 0) {
		fprintf(stderr, "ledgerly-extract: %s\n", error);
		return 1;
	}
	billtap_resource resource;
	if (billtap_resource_from_name(&resource, argv[2]) < 0) {
		fprintf(stderr, "ledgerly-extract: unknown resource %s\n", argv[2]);
		return 2;
	}
	billtap_client *c;
	if ((rc = billtap_client_new(&c, provider, NULL)) < 0)
		return fail(NULL, rc);

	long stop_after = -1;
	const char *checkpoint_out = NULL;
	char *token = NULL;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--set") && i + 1 < argc) {
			char *kv = argv[++i], *eq = strchr(kv, '=');
			if (!eq) {
				fprintf(stderr, "ledgerly-extract: --set wants KEY=VALUE\n");
				return 2;
			}
			*eq = '\0';
			if ((rc = billtap_client_set(c, kv, eq + 1)) < 0)
				return fail(c, rc);
		} else if (!strcmp(argv[i], "--stop-after") && i + 2 < argc) {
			stop_after = atol(argv[++i]);
			checkpoint_out = argv[++i];
		} else if (!strcmp(argv[i], "--resume") && i + 1 < argc) {
			if (!(token = read_token(argv[++i]))) {
				fprintf(stderr, "ledgerly-extract: cannot read %s\n", argv[i]);
				return 1;
			}
		} else {
			fprintf(stderr, "ledgerly-extract: unknown argument %s\n", argv[i]);
			return 2;
		}
	}

	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = token;
	billtap_iter *it;
	if ((rc = billtap_iter_new(&it, c, resource, &opts)) < 0)
		return fail(c, rc);
	const billtap_record *rec;
	long count = 0;
	while ((stop_after < 0 || count < stop_after) && (rc = billtap_iter_next(&rec, it)) == 0) {
		const char *json = billtap_record_json(rec, NULL);
		if (!json) {
			rc = BILLTAP_ENOMEM;
			break;
		}
		puts(json);
		count++;
	}
	int status = 0;
	if (rc < 0) {
		status = fail(c, rc);
	} else if (checkpoint_out) {
		const char *checkpoint;
		FILE *f = fopen(checkpoint_out, "w");
		if (!f || billtap_iter_checkpoint(&checkpoint, it) < 0 ||
		    fprintf(f, "%s\n", checkpoint) < 0) {
			fprintf(stderr, "ledgerly-extract: cannot write %s\n", checkpoint_out);
			status = 1;
		}
		if (f && fclose(f) != 0)
			status = 1;
	}
	billtap_iter_free(it);
	billtap_client_free(c);
	billtap_provider_unregister(provider);
	free(token);
	return status;
}
