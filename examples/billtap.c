/*
 * billtap — command-line front end to libbilltap, in the spirit of libgit2's lg2: a real
 * tool and an example of the API in use.
 *
 *   billtap [--plugin PATH]... extract --provider stripe --resource customers
 *           [--base-url URL] [--since TIME] [--checkpoint-file F] [--format jsonl|csv]
 *           [--set key=value]... [--max-records N] [--verbose]
 *   billtap [--plugin PATH]... providers
 *   billtap [--plugin PATH]... describe PROVIDER
 *   billtap version
 *
 * Settings also come from the environment: BILLTAP_<PROVIDER>_<KEY>=value sets <key>
 * (BILLTAP_STRIPE_API_KEY sets api_key), so secrets need not appear in argv. Plugins also
 * come from BILLTAP_PLUGINS (paths separated by ':'), loaded before any --plugin.
 */
#include <billtap.h>
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_output.h"
#include "cli_providers.h"

extern char **environ;

/* Records written between two checkpoint saves. Output is flushed right before each save,
 * so after a crash at most this many records are written again on resume. */
#define CHECKPOINT_EVERY 100

static billtap_iter *volatile running_iter;

static void on_signal(int sig)
{
	(void)sig;
	if (running_iter)
		billtap_iter_cancel(running_iter); /* an atomic store: safe in a handler */
}

static void usage(FILE *to)
{
	fputs("usage: billtap [--plugin PATH]... extract --provider NAME --resource RESOURCE "
	      "[options]\n"
	      "       billtap [--plugin PATH]... providers\n"
	      "       billtap [--plugin PATH]... describe PROVIDER\n"
	      "       billtap version\n"
	      "\n"
	      "resources: ",
	      to);
	cli_print_resources(to, 0);
	fputs(" (billtap describe PROVIDER: what it serves)\n"
	      "options:\n"
	      "  --base-url URL          the provider API origin (e.g. a sandbox)\n"
	      "  --since TIME            only records created at or after TIME (RFC 3339,\n"
	      "                          YYYY-MM-DD or Unix seconds)\n"
	      "  --checkpoint-file F     resume from F if it exists; keep F current; delete it\n"
	      "                          when the extraction completes\n"
	      "  --format jsonl|csv      output format (default jsonl)\n"
	      "  --set KEY=VALUE         a provider or engine setting (repeatable)\n"
	      "  --max-records N         stop after N records (resume later with the checkpoint)\n"
	      "  --verbose               print request counts to stderr at the end\n"
	      "  --plugin PATH           load a provider plugin first (repeatable; before the\n"
	      "                          subcommand; also BILLTAP_PLUGINS=PATH:PATH...)\n"
	      "settings from the environment: BILLTAP_<PROVIDER>_<KEY>=VALUE\n",
	      to);
}

static int fail_client(billtap_client *c, int rc)
{
	const char *msg = c ? billtap_client_error_message(c) : "";
	fprintf(stderr, "billtap: %s\n", *msg ? msg : billtap_strerror(rc));
	return 1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(buf, cap);
			if (!p)
				break;
			buf = p;
		}
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	fclose(f);
	if (!buf)
		return NULL;
	buf[len] = '\0';
	while (len && isspace((unsigned char)buf[len - 1]))
		buf[--len] = '\0';
	return buf;
}

/* Writes the token to path atomically: a reader sees the old or the new token, whole. */
static int save_checkpoint(const char *path, billtap_iter *it)
{
	const char *token;
	if (billtap_iter_checkpoint(&token, it) < 0)
		return -1;
	size_t n = strlen(path) + 8;
	char *tmp = malloc(n);
	if (!tmp)
		return -1;
	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "wb");
	int ok = f && fputs(token, f) >= 0 && fputc('\n', f) != EOF && fflush(f) == 0 &&
	         fsync(fileno(f)) == 0;
	if (f && fclose(f) != 0)
		ok = 0;
	if (ok && rename(tmp, path) != 0)
		ok = 0;
	if (!ok) {
		fprintf(stderr, "billtap: cannot write checkpoint %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok ? 0 : -1;
}

/* BILLTAP_STRIPE_API_KEY=... -> set api_key. */
static int settings_from_env(billtap_client *c, const char *provider)
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
		char key[128];
		size_t klen = (size_t)(eq - *e) - n;
		if (klen == 0 || klen >= sizeof key)
			continue;
		for (size_t i = 0; i < klen; i++)
			key[i] = (char)tolower((unsigned char)(*e)[n + i]);
		key[klen] = '\0';
		int rc = billtap_client_set(c, key, eq + 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

typedef struct extract_args {
	const char *provider, *resource, *base_url, *since, *checkpoint_file, *format;
	const char **sets;
	size_t set_count;
	long long max_records;
	int verbose;
} extract_args;

static int parse_extract_args(extract_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->format = "jsonl";
	a->max_records = -1;
	a->sets = calloc((size_t)argc, sizeof *a->sets);
	if (!a->sets)
		return -1;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;
		if (!strcmp(arg, "--provider"))
			slot = &a->provider;
		else if (!strcmp(arg, "--resource"))
			slot = &a->resource;
		else if (!strcmp(arg, "--base-url"))
			slot = &a->base_url;
		else if (!strcmp(arg, "--since"))
			slot = &a->since;
		else if (!strcmp(arg, "--checkpoint-file"))
			slot = &a->checkpoint_file;
		else if (!strcmp(arg, "--format"))
			slot = &a->format;
		else if (!strcmp(arg, "--set"))
			slot = &a->sets[a->set_count++];
		else if (!strcmp(arg, "--verbose")) {
			a->verbose = 1;
			continue;
		} else if (!strcmp(arg, "--max-records")) {
			char *end;
			if (i + 1 >= argc || (a->max_records = strtoll(argv[i + 1], &end, 10)) < 0 || *end) {
				fprintf(stderr, "billtap: --max-records needs a number\n");
				return -1;
			}
			i++;
			continue;
		} else if (!strcmp(arg, "--plugin")) {
			fprintf(stderr, "billtap: --plugin goes before the subcommand: billtap --plugin "
			                "PATH extract ...\n");
			return -1;
		} else {
			fprintf(stderr, "billtap: unknown option '%s'\n", arg);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "billtap: %s needs a value\n", arg);
			return -1;
		}
		*slot = argv[++i];
	}
	if (!a->provider || !a->resource) {
		fprintf(stderr, "billtap: --provider and --resource are required\n");
		return -1;
	}
	if (strcmp(a->format, "jsonl") && strcmp(a->format, "csv")) {
		fprintf(stderr, "billtap: --format must be jsonl or csv, not '%s'\n", a->format);
		return -1;
	}
	return 0;
}

static int configure(billtap_client *c, const extract_args *a)
{
	int rc = settings_from_env(c, a->provider);
	if (rc == 0 && a->base_url)
		rc = billtap_client_set(c, "base_url", a->base_url);
	for (size_t i = 0; rc == 0 && i < a->set_count; i++) {
		char *kv = strdup(a->sets[i]);
		char *eq = kv ? strchr(kv, '=') : NULL;
		if (!eq) {
			fprintf(stderr, "billtap: --set wants KEY=VALUE, not '%s'\n", a->sets[i]);
			free(kv);
			return BILLTAP_EINVAL;
		}
		*eq = '\0';
		rc = billtap_client_set(c, kv, eq + 1);
		free(kv);
	}
	return rc;
}

static int extract(int argc, char **argv)
{
	extract_args a;
	if (parse_extract_args(&a, argc, argv) < 0) {
		free(a.sets);
		usage(stderr);
		return 2;
	}
	int status = 1;
	billtap_client *c = NULL;
	billtap_iter *it = NULL;
	char *token = NULL;
	cli_output out;
	cli_output_init(&out, !strcmp(a.format, "csv"));

	billtap_resource resource;
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	if (billtap_resource_from_name(&resource, a.resource) < 0) {
		fprintf(stderr, "billtap: unknown resource '%s' (", a.resource);
		cli_print_resources(stderr, 0);
		fputs(")\n", stderr);
		status = 2;
		goto done;
	}
	if (a.since && billtap_time_parse(&opts.since, a.since) < 0) {
		fprintf(stderr, "billtap: --since '%s' is not a time (RFC 3339, YYYY-MM-DD or Unix "
		                "seconds)\n",
		        a.since);
		status = 2;
		goto done;
	}
	uint64_t served;
	if (billtap_provider_describe(NULL, &served, NULL, a.provider) < 0) {
		const char *names[32];
		size_t n = billtap_provider_names(names, 32);
		fprintf(stderr, "billtap: unknown provider '%s' (known:", a.provider);
		for (size_t i = 0; i < n && i < 32; i++)
			fprintf(stderr, " %s", names[i]);
		fprintf(stderr, ")\n");
		status = 2;
		goto done;
	}
	if (!(served & BILLTAP_RESOURCE_BIT(resource))) {
		fprintf(stderr, "billtap: %s cannot list %s (it lists: ", a.provider, a.resource);
		cli_print_resources(stderr, served);
		fputs(")\n", stderr);
		status = 2;
		goto done;
	}
	char error[256];
	billtap_client_options copts = BILLTAP_CLIENT_OPTIONS_INIT;
	copts.error = error;
	copts.error_size = sizeof error;
	int rc = billtap_client_new(&c, a.provider, &copts);
	if (rc < 0) {
		fprintf(stderr, "billtap: %s\n", *error ? error : billtap_strerror(rc));
		goto done;
	}
	if ((rc = configure(c, &a)) < 0) {
		if (rc != BILLTAP_EINVAL)
			fail_client(c, rc);
		status = 2;
		goto done;
	}
	struct stat st;
	if (a.checkpoint_file && stat(a.checkpoint_file, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			fprintf(stderr, "billtap: checkpoint file %s is not a regular file\n",
			        a.checkpoint_file);
			goto done;
		}
		token = read_file(a.checkpoint_file);
		if (!token) {
			fprintf(stderr, "billtap: cannot read checkpoint %s: %s\n", a.checkpoint_file,
			        strerror(errno));
			goto done;
		}
		if (!*token) {
			/* Saves are atomic (rename), so an empty file was made by hand: refuse
			 * to guess between "start over" and "resume". */
			fprintf(stderr, "billtap: checkpoint file %s is empty; delete it to start over\n",
			        a.checkpoint_file);
			goto done;
		}
		opts.checkpoint = token;
		/* The output of the first run already has the CSV header: a resumed run
		 * appends rows only. */
		out.header_done = 1;
	}
	if ((rc = billtap_iter_new(&it, c, resource, &opts)) < 0) {
		fail_client(c, rc);
		goto done;
	}
	running_iter = it;

	long long count = 0;
	const billtap_record *rec;
	for (;;) {
		if (a.max_records >= 0 && count >= a.max_records) {
			rc = 0;
			break;
		}
		rc = billtap_iter_next(&rec, it);
		if (rc != 0)
			break;
		if (cli_output_record(&out, rec) < 0) {
			/* The record is not written: keep the last saved checkpoint (before it)
			 * rather than save one after it. */
			fprintf(stderr, "billtap: out of memory writing %s\n", billtap_record_id(rec));
			cli_output_flush(&out);
			goto done;
		}
		if (++count % CHECKPOINT_EVERY == 0) {
			if (cli_output_flush(&out) < 0)
				goto done;
			if (a.checkpoint_file && save_checkpoint(a.checkpoint_file, it) < 0)
				goto done;
		}
	}
	if (cli_output_flush(&out) < 0)
		goto done;
	if (rc == BILLTAP_ITEROVER) {
		if (a.checkpoint_file && unlink(a.checkpoint_file) < 0 && errno != ENOENT)
			fprintf(stderr, "billtap: cannot remove %s: %s\n", a.checkpoint_file,
			        strerror(errno));
		status = 0;
	} else {
		/* Stopped early (error, signal, --max-records): keep the place. */
		if (a.checkpoint_file)
			save_checkpoint(a.checkpoint_file, it);
		if (rc == 0)
			status = 0;
		else if (rc == BILLTAP_ECANCELED) {
			fprintf(stderr, "billtap: interrupted after %lld records%s\n", count,
			        a.checkpoint_file ? "; the checkpoint file holds the place" : "");
			status = 130;
		} else
			fail_client(c, rc);
	}
	if (a.verbose) {
		uint64_t requests, retries, records;
		billtap_iter_stats(&requests, &retries, &records, it);
		fprintf(stderr, "billtap: %llu records, %llu requests, %llu retries\n",
		        (unsigned long long)records, (unsigned long long)requests,
		        (unsigned long long)retries);
	}
done:
	running_iter = NULL;
	billtap_iter_free(it);
	billtap_client_free(c);
	cli_output_free(&out);
	free(token);
	free(a.sets);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (billtap_global_init() < 0) {
		fprintf(stderr, "billtap: cannot initialise libcurl\n");
		return 1;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int first;
	int rc = cli_load_plugins(&first, argc, argv);
	if (rc)
		return rc;
	if (first >= argc) {
		usage(stderr);
		return 2;
	}
	const char *command = argv[first];
	if (!strcmp(command, "extract"))
		return extract(argc - first - 1, argv + first + 1);
	if (!strcmp(command, "providers"))
		return cli_list_providers();
	if (!strcmp(command, "describe")) {
		if (first + 2 != argc) {
			fprintf(stderr, "billtap: describe takes one provider name\n");
			return 2;
		}
		return cli_describe(argv[first + 1]);
	}
	if (!strcmp(command, "version")) {
		printf("billtap %s\n", billtap_version(NULL, NULL, NULL));
		return 0;
	}
	if (!strcmp(command, "--help") || !strcmp(command, "help")) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "billtap: unknown command '%s'\n", command);
	usage(stderr);
	return 2;
}
