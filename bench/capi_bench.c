/* billtap through its C API, as a host embeds it: one client, one iterator, every record
 * taken with billtap_iter_next() and its id read (so each record is really touched), no
 * output. bench/run times it beside the CLI, whose difference is the JSON formatting.
 *
 * usage: capi_bench PROVIDER RESOURCE [KEY=VALUE]...   (the sandbox's settings line)
 * prints: RECORDS ID_BYTES */
#include <billtap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int set_all(billtap_client *client, int argc, char **argv)
{
	for (int i = 3; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "capi_bench: '%s' is not KEY=VALUE\n", argv[i]);
			return -1;
		}
		*eq = '\0';
		if (billtap_client_set(client, argv[i], eq + 1) < 0) {
			fprintf(stderr, "capi_bench: setting %s: %s\n", argv[i],
			        billtap_client_error_message(client));
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	billtap_client *client;
	billtap_iter *it;
	const billtap_record *rec;
	billtap_resource resource;
	unsigned long long records = 0, id_bytes = 0;
	int rc;

	if (argc < 3) {
		fputs("usage: capi_bench PROVIDER RESOURCE [KEY=VALUE]...\n", stderr);
		return 2;
	}
	if (billtap_resource_from_name(&resource, argv[2]) < 0) {
		fprintf(stderr, "capi_bench: unknown resource '%s'\n", argv[2]);
		return 2;
	}
	if (billtap_client_new(&client, argv[1], NULL) < 0) {
		fprintf(stderr, "capi_bench: cannot make a %s client\n", argv[1]);
		return 1;
	}
	if (set_all(client, argc, argv) < 0) {
		billtap_client_free(client);
		return 2;
	}
	if ((rc = billtap_iter_new(&it, client, resource, NULL)) == 0) {
		while ((rc = billtap_iter_next(&rec, it)) == 0) {
			records++;
			id_bytes += strlen(billtap_record_id(rec));
		}
		billtap_iter_free(it);
	}
	if (rc != BILLTAP_ITEROVER)
		fprintf(stderr, "capi_bench: %s\n", billtap_client_error_message(client));
	billtap_client_free(client);
	printf("%llu %llu\n", records, id_bytes);
	return rc == BILLTAP_ITEROVER ? 0 : 1;
}
