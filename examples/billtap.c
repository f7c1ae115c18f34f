/*
 * billtap — command-line front end to libbilltap, in the spirit of libgit2's lg2: a real
 * tool and an example of the API in use. docs/cli.md is its reference.
 *
 * SYNOPSIS
 *   billtap [--plugin PATH]... extract --provider NAME --resource RESOURCE
 *           [--output FILE] [--checkpoint-file F [--incremental]] [--checkpoint-every N]
 *           [--format jsonl|csv] [--since TIME] [--base-url URL]
 *           [--settings-file FILE] [--set KEY=VALUE]... [--max-records N] [--verbose]
 *   billtap [--plugin PATH]... providers
 *   billtap [--plugin PATH]... describe PROVIDER
 *   billtap totals FILE... | diff A B | inspect --provider NAME --resource R --id ID ...
 *   billtap version | --help
 *
 * OUTPUT
 *   With --output FILE and --checkpoint-file F, every record reaches FILE exactly once,
 *   across SIGKILL and power loss: FILE is fsynced before the checkpoint that covers it
 *   is saved (atomically: temporary file, fsync, rename, fsync of the directory), F
 *   records how many bytes of FILE it covers, and a resume truncates whatever FILE holds
 *   past them. On standard output records arrive at least once: a crash repeats up to
 *   --checkpoint-every records, but a flush is one write() of whole lines.
 *
 * SETTINGS
 *   From the environment (BILLTAP_<PROVIDER>_<KEY>=value sets <key>), then
 *   --settings-file (KEY=VALUE lines, only the owner may read it), then --base-url and
 *   --set; the first two keep secrets out of argv. Plugins also come from BILLTAP_PLUGINS
 *   (paths separated by ':'), loaded before any --plugin.
 *
 * EXIT STATUS
 *   0 done; 1 other failure; 2 usage; 3 permanent error; 4 temporary error; 5 locked by
 *   another run; 6 output, checkpoint or standard stream failed; 130 interrupted.
 */
#include <billtap.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_checkpoint.h"
#include "cli_dest.h"
#include "cli_exit.h"
#include "cli_fs.h"
#include "cli_lock.h"
#include "cli_observe.h"
#include "cli_output.h"
#include "cli_providers.h"
#include "cli_settings.h"
#include "cli_stdfds.h"
#include "cli_tools.h"

/* Records between two checkpoints unless --checkpoint-every says otherwise: each costs
 * two or three fsyncs, and after a crash at most this many records are fetched again. */
#define CHECKPOINT_EVERY 100

static billtap_iter *volatile running_iter;

static void on_signal(int sig)
{
	(void)sig;
	if (running_iter)
		billtap_iter_cancel(running_iter); /* an atomic store: safe in a handler */
	else
		_exit(CLI_EXIT_INTERRUPTED); /* nothing to save; every file step is crash-safe */
}

static void usage(FILE *to)
{
	fputs("usage: billtap [--plugin PATH]... extract --provider NAME --resource RESOURCE "
	      "[options]\n"
	      "       billtap [--plugin PATH]... providers\n"
	      "       billtap [--plugin PATH]... describe PROVIDER\n",
	      to);
	fputs(cli_tools_usage, to);
	fputs("       billtap version | --help\n"
	      "\n"
	      "resources: ",
	      to);
	cli_print_resources(to, 0);
	fputs(" (billtap describe PROVIDER: what it serves)\n"
	      "extract options:\n"
	      "  --output FILE           write the records to FILE (emptied on a fresh start);\n"
	      "                          with --checkpoint-file, each record exactly once across\n"
	      "                          crashes and power loss\n"
	      "  --checkpoint-file F     resume from F if it exists; keep F current; delete it\n"
	      "                          when the extraction completes; one run at a time\n"
	      "  --incremental           with --checkpoint-file: when the pass ends, keep in F\n"
	      "                          its sync token; the next run with F writes what\n"
	      "                          changed since (JSONL: tombstones {\"deleted\":true};\n"
	      "                          CSV: a last column `tombstone`); docs/incremental.md\n"
	      "  --checkpoint-every N    records between checkpoints (default 100)\n"
	      "  --format jsonl|csv      output format (default jsonl)\n"
	      "  --since TIME            only records created at or after TIME (RFC 3339,\n"
	      "                          YYYY-MM-DD or Unix seconds)\n"
	      "  --base-url URL          the provider API origin (e.g. a sandbox)\n"
	      "  --settings-file FILE    settings as KEY=VALUE lines; only its owner may read it\n"
	      "  --set KEY=VALUE         a provider or engine setting (repeatable; visible in ps,\n"
	      "                          so not for secrets)\n"
	      "  --max-records N         stop after N records (resume later with the checkpoint)\n"
	      "  --verbose               the library's log events (redacted) and a summary on\n"
	      "                          stderr; what a resume truncated (a terminal on stderr\n"
	      "                          always shows a progress line)\n"
	      "  --plugin PATH           load a provider plugin first (repeatable; before the\n"
	      "                          subcommand; also BILLTAP_PLUGINS=PATH:PATH...)\n"
	      "settings, each source overriding the one before: the environment\n"
	      "  (BILLTAP_<PROVIDER>_<KEY>=VALUE), --settings-file, --base-url, --set\n"
	      "standard output gets each record at least once: after a crash, up to N records\n"
	      "  again, but never a line torn by billtap; use --output for exactly once\n"
	      "exit status:\n"
	      "  0    done, or stopped at --max-records\n"
	      "  1    another failure (out of memory, internal error); diff: they differ\n"
	      "  2    usage: options, settings, provider, resource, plugins\n"
	      "  3    permanent: authentication, permission, request, data, checkpoint,\n"
	      "       required setting, a malformed file (totals, diff), no such id (inspect);\n"
	      "       fix the cause before running again\n"
	      "  4    temporary: network, timeout, rate limit, server; run again later (the\n"
	      "       checkpoint file holds the place)\n"
	      "  5    another run holds the checkpoint file or the output file\n"
	      "  6    the output, the checkpoint file or a standard stream failed (or is closed);\n"
	      "       an input file cannot be read; diff: out of memory\n"
	      "  130  interrupted by SIGINT or SIGTERM\n"
	      "reference: docs/cli.md\n",
	      to);
}

typedef struct extract_args {
	cli_source src; /* --provider, --resource, --since and the settings */
	const char *checkpoint_file, *format, *output;
	long long max_records, checkpoint_every;
	int verbose;
	int incremental; /* --incremental, or implied by the checkpoint file */
} extract_args;

/* A non-negative count for option arg (value argv[*i + 1]); -1 after printing why. */
static long long count_option(int *i, int argc, char **argv, long long min)
{
	char *end;
	long long v;
	if (*i + 1 >= argc || (v = strtoll(argv[*i + 1], &end, 10)) < min || *end ||
	    !*argv[*i + 1]) {
		fprintf(stderr, "billtap: %s needs a number of at least %lld\n", argv[*i], min);
		return -1;
	}
	++*i;
	return v;
}

static int parse_extract_args(extract_args *a, int argc, char **argv)
{
	memset(a, 0, sizeof *a);
	a->format = "jsonl";
	a->max_records = -1;
	a->checkpoint_every = CHECKPOINT_EVERY;
	if (cli_source_init(&a->src, argc) < 0)
		return -1;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = NULL;
		int shared = cli_source_option(&a->src, &i, argc, argv);
		if (shared < 0)
			return -1;
		if (shared)
			continue;
		if (!strcmp(arg, "--checkpoint-file"))
			slot = &a->checkpoint_file;
		else if (!strcmp(arg, "--output"))
			slot = &a->output;
		else if (!strcmp(arg, "--format"))
			slot = &a->format;
		else if (!strcmp(arg, "--verbose")) {
			a->verbose = 1;
			continue;
		} else if (!strcmp(arg, "--incremental")) {
			a->incremental = 1;
			continue;
		} else if (!strcmp(arg, "--max-records")) {
			if ((a->max_records = count_option(&i, argc, argv, 0)) < 0)
				return -1;
			continue;
		} else if (!strcmp(arg, "--checkpoint-every")) {
			if ((a->checkpoint_every = count_option(&i, argc, argv, 1)) < 0)
				return -1;
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
	if (!a->src.provider || !a->src.resource) {
		fprintf(stderr, "billtap: --provider and --resource are required\n");
		return -1;
	}
	if (strcmp(a->format, "jsonl") && strcmp(a->format, "csv")) {
		fprintf(stderr, "billtap: --format must be jsonl or csv, not '%s'\n", a->format);
		return -1;
	}
	if (a->incremental && !a->checkpoint_file) {
		fprintf(stderr, "billtap: --incremental needs --checkpoint-file F: F keeps the sync "
		                "token between runs\n");
		return -1;
	}
	if (a->output && strchr(a->output, '\n')) {
		fprintf(stderr, "billtap: --output: a file name with a newline cannot be recorded "
		                "in a checkpoint file\n");
		return -1;
	}
	return 0;
}

/* The output must not be one of the checkpoint's own files. CLI_EXIT_USAGE. */
static int check_paths(const extract_args *a)
{
	if (!a->output || !a->checkpoint_file)
		return 0;
	static const char *const suffixes[] = {"", ".lock", ".tmp"};
	char *out = cli_absolute_path(a->output);
	int clash = 0;
	for (size_t i = 0; out && !clash && i < sizeof suffixes / sizeof *suffixes; i++) {
		char *name = cli_path_with(a->checkpoint_file, suffixes[i]);
		char *abs = name ? cli_absolute_path(name) : NULL;
		clash = abs && !strcmp(abs, out);
		free(abs);
		free(name);
	}
	free(out);
	if (clash) {
		fprintf(stderr, "billtap: --output %s is the checkpoint file or one of its own (.lock, "
		                ".tmp)\n",
		        a->output);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* One extraction: what it opened, for the commit and the clean-up. */
typedef struct run {
	extract_args *a;
	billtap_client *client;
	billtap_iter *iter;
	cli_lock lock;
	cli_checkpoint resume; /* loaded from the checkpoint file; token NULL on a fresh start */
	cli_dest dest;
	cli_output out;
	cli_observe obs; /* --verbose and the progress line, on stderr */
	long long count;
} run;

/* The checkpoint file, if any, must fit this invocation. CLI_EXIT_PERMANENT. */
static int check_resume(run *r)
{
	extract_args *a = r->a;
	if (r->resume.mode == CLI_CHECKPOINT_FULL && a->incremental) {
		fprintf(stderr, "billtap: checkpoint file %s holds the place of a pass without "
		                "--incremental: finish it without --incremental, or delete it to start "
		                "an incremental one\n",
		        a->checkpoint_file);
		return CLI_EXIT_PERMANENT;
	}
	/* The file says what the run is: its sync token or interrupted incremental pass
	 * continues incrementally, with or without the option. */
	a->incremental |= r->resume.mode != CLI_CHECKPOINT_FULL;
	if (r->resume.mode == CLI_CHECKPOINT_SYNC)
		return 0; /* the last pass's output is complete: this one starts its own */
	if (strcmp(r->resume.format, a->format) != 0) {
		fprintf(stderr, "billtap: checkpoint file %s continues --format %s output, not %s\n",
		        a->checkpoint_file, r->resume.format, a->format);
		return CLI_EXIT_PERMANENT;
	}
	if (r->resume.output && !a->output) {
		fprintf(stderr, "billtap: checkpoint file %s continues the output file %s: give "
		                "--output %s\n",
		        a->checkpoint_file, r->resume.output, r->resume.output);
		return CLI_EXIT_PERMANENT;
	}
	if (!r->resume.output && a->output) {
		fprintf(stderr, "billtap: checkpoint file %s continues output written to standard "
		                "output, not to a file: run without --output, or delete the checkpoint "
		                "file to start over\n",
		        a->checkpoint_file);
		return CLI_EXIT_PERMANENT;
	}
	return 0;
}

/* Lock, then the checkpoint file: read only under the lock, so no other run moves it. */
static int open_checkpoint(run *r)
{
	int found, status = cli_lock_checkpoint(&r->lock, r->a->checkpoint_file);
	if (status == 0)
		status = cli_checkpoint_load(&r->resume, &found, r->a->checkpoint_file);
	if (status == 0 && found)
		status = check_resume(r);
	return status;
}

static int open_dest(run *r)
{
	const extract_args *a = r->a;
	int resumable = a->checkpoint_file != NULL;
	int resuming = r->resume.token != NULL && r->resume.mode != CLI_CHECKPOINT_SYNC;
	if (!a->output) {
		cli_dest_stdout(&r->dest, resumable, resuming ? r->resume.output_bytes : 0);
	} else if (!resuming) {
		int status = cli_dest_create(&r->dest, a->output, resumable);
		if (status)
			return status;
	} else {
		uint64_t dropped;
		int status = cli_dest_resume(&r->dest, a->output, &r->resume, &dropped);
		if (status)
			return status;
		if (a->verbose)
			fprintf(stderr, "billtap: resuming %s at byte %llu (truncated %llu bytes written "
			                "after the last checkpoint)\n",
			        a->output, (unsigned long long)r->dest.written,
			        (unsigned long long)dropped);
	}
	/* A CSV header goes first in the output, once over all runs. */
	r->out.header_done = r->dest.written > 0;
	return 0;
}

/*
 * Makes the records written so far durable and saves the checkpoint that covers them,
 * in that order: a crash between the two leaves output past the checkpoint, which the
 * resume truncates. Without a checkpoint file, only writes what is buffered.
 */
static int commit(run *r)
{
	int status = cli_output_flush(&r->out, &r->dest);
	if (status || !r->a->checkpoint_file)
		return status;
	if ((status = cli_dest_commit(&r->dest)) != 0)
		return status;
	cli_checkpoint cp = {.format = r->a->format, .output_bytes = r->dest.committed,
	                     .mode = r->a->incremental ? CLI_CHECKPOINT_INCREMENTAL : CLI_CHECKPOINT_FULL};
	if (billtap_iter_checkpoint(&cp.token, r->iter) < 0) {
		fprintf(stderr, "billtap: out of memory saving the checkpoint\n");
		return CLI_EXIT_FAILURE;
	}
	if (r->dest.path) {
		cp.output = r->dest.abs_path;
		cp.output_tail = cli_dest_tail_hash(&r->dest);
	}
	return cli_checkpoint_save(r->a->checkpoint_file, &cp);
}

/* An incremental pass ended: its sync token replaces the checkpoint, covering no output
 * (the next run writes the changes anew). */
static int save_sync_token(run *r)
{
	cli_checkpoint cp = {.format = r->a->format, .mode = CLI_CHECKPOINT_SYNC};
	if (billtap_iter_sync_token(&cp.token, r->iter) < 0)
		return cli_report_error(r->client, billtap_client_error_code(r->client));
	return cli_checkpoint_save(r->a->checkpoint_file, &cp);
}

/* The iteration ran out. The output is made durable and closed before the checkpoint file
 * is removed (or, incremental, replaced by the sync token): whatever a power loss undoes,
 * the whole output or the checkpoint that resumes it remains. */
static int finish(run *r)
{
	int status = cli_output_flush(&r->out, &r->dest);
	if (status == 0)
		status = cli_dest_commit(&r->dest);
	if (status == 0)
		status = cli_dest_close(&r->dest);
	if (status == 0 && r->a->checkpoint_file)
		status = r->a->incremental ? save_sync_token(r) : cli_checkpoint_remove(r->a->checkpoint_file);
	return status;
}

static int iterate(run *r)
{
	const extract_args *a = r->a;
	int rc;
	const billtap_record *rec;
	for (;;) {
		if (a->max_records >= 0 && r->count >= a->max_records) {
			rc = 0;
			break;
		}
		if ((rc = billtap_iter_next(&rec, r->iter)) != 0)
			break;
		if (cli_output_record(&r->out, rec) < 0) {
			/* Nothing more is written: the last checkpoint stays the place to resume. */
			fprintf(stderr, "billtap: out of memory writing %s\n", billtap_record_id(rec));
			return CLI_EXIT_FAILURE;
		}
		r->count++;
		cli_observe_tick(&r->obs);
		/* A file gets each record at once (a resume cuts what no checkpoint covers);
		 * standard output only at checkpoints, so a crash repeats as little as it can. */
		int status = a->output ? cli_output_flush(&r->out, &r->dest) : 0;
		if (status == 0 && r->count % a->checkpoint_every == 0)
			status = commit(r);
		if (status)
			return status;
	}
	cli_observe_finish(&r->obs); /* the progress line goes before any message */
	if (rc == BILLTAP_ITEROVER)
		return finish(r);
	/* Stopped early (--max-records, an error, a signal): keep the place. The iterator
	 * stays at its last record after an error, so its checkpoint is valid. */
	int status = commit(r), code;
	if (rc == 0)
		return status;
	if (rc == BILLTAP_ECANCELED) {
		fprintf(stderr, "billtap: interrupted after %lld records%s\n", r->count,
		        a->checkpoint_file && !status ? "; the checkpoint file holds the place" : "");
		code = CLI_EXIT_INTERRUPTED;
	} else
		code = cli_report_error(r->client, rc);
	/* A failed save matters more: the place to resume from is an older one. */
	return status ? status : code;
}

static int start(run *r, billtap_resource resource, int64_t since)
{
	extract_args *a = r->a;
	char error[256] = "";
	billtap_client_options copts = BILLTAP_CLIENT_OPTIONS_INIT;
	copts.error = error;
	copts.error_size = sizeof error;
	int rc = billtap_client_new(&r->client, a->src.provider, &copts);
	if (rc < 0) {
		fprintf(stderr, "billtap: %s\n", *error ? error : billtap_strerror(rc));
		return cli_exit_for(rc);
	}
	int status = cli_settings_apply(r->client, &a->src.settings);
	if (status == 0 && cli_observe_start(&r->obs, r->client, a->verbose) < 0)
		status = CLI_EXIT_FAILURE;
	if (status == 0 && a->checkpoint_file)
		status = open_checkpoint(r);
	if (status)
		return status;
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.since = since;
	opts.checkpoint = r->resume.token;
	opts.flags = a->incremental ? BILLTAP_ITER_INCREMENTAL : 0u;
	r->out.tombstones = a->incremental;
	/* The iterator checks the settings and the token before the output is touched: a
	 * mistake never empties an earlier run's file. */
	if ((rc = billtap_iter_new(&r->iter, r->client, resource, &opts)) < 0)
		return cli_report_error(r->client, rc);
	cli_observe_iter(&r->obs, r->iter);
	return open_dest(r);
}

static int extract(int argc, char **argv, unsigned closed_fds)
{
	extract_args a;
	run r;
	memset(&r, 0, sizeof r);
	r.a = &a;
	r.lock.fd = r.dest.fd = -1;
	billtap_resource resource;
	int64_t since = BILLTAP_TIME_NONE;
	int status;
	if (parse_extract_args(&a, argc, argv) < 0) {
		usage(stderr);
		status = CLI_EXIT_USAGE;
		goto done;
	}
	if (!a.output && (closed_fds & CLI_STDOUT_CLOSED)) {
		fprintf(stderr, "billtap: standard output is closed: records would be lost; give "
		                "--output FILE or open it\n");
		status = CLI_EXIT_LOCAL_IO;
		goto done;
	}
	/* Provider, resource and --since, checked before anything is opened. */
	if ((status = cli_source_check(&a.src, &resource, &since)) || (status = check_paths(&a)))
		goto done;
	cli_output_init(&r.out, !strcmp(a.format, "csv"));
	if ((status = start(&r, resource, since)) != 0)
		goto done;
	running_iter = r.iter;
	status = iterate(&r);
	running_iter = NULL;
done:
	running_iter = NULL;
	billtap_iter_free(r.iter);
	billtap_client_free(r.client);
	cli_output_free(&r.out);
	if (cli_dest_close(&r.dest) && !status)
		status = CLI_EXIT_LOCAL_IO;
	cli_checkpoint_free(&r.resume);
	cli_lock_release(&r.lock);
	cli_source_free(&a.src);
	return status;
}

/* Commands other than extract print with stdio: a failed write shows at the flush. */
static int flush_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "billtap: cannot write to standard output: %s\n", strerror(errno));
		return status ? status : CLI_EXIT_LOCAL_IO;
	}
	return status;
}

static int command(int argc, char **argv, unsigned closed_fds)
{
	int first;
	int rc = cli_load_plugins(&first, argc, argv);
	if (rc)
		return rc;
	if (first >= argc) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[first];
	if (!strcmp(name, "extract"))
		return extract(argc - first - 1, argv + first + 1, closed_fds);
	if (closed_fds & CLI_STDOUT_CLOSED) {
		fprintf(stderr, "billtap: standard output is closed\n");
		return CLI_EXIT_LOCAL_IO;
	}
	if (!strcmp(name, "providers"))
		return flush_stdout(cli_list_providers());
	if (!strcmp(name, "describe")) {
		if (first + 2 != argc) {
			fprintf(stderr, "billtap: describe takes one provider name\n");
			return CLI_EXIT_USAGE;
		}
		return flush_stdout(cli_describe(argv[first + 1]));
	}
	if (cli_tool_named(name))
		return flush_stdout(cli_tool(name, argc - first - 1, argv + first + 1));
	if (!strcmp(name, "version")) {
		printf("billtap %s\n", billtap_version(NULL, NULL, NULL));
		return flush_stdout(0);
	}
	if (!strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return flush_stdout(0);
	}
	fprintf(stderr, "billtap: unknown command '%s'\n", name);
	usage(stderr);
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	/* First of all, before libcurl or a plugin opens anything. */
	unsigned closed_fds;
	if (cli_stdfds_guard(&closed_fds) < 0)
		return CLI_EXIT_LOCAL_IO;
	if (closed_fds & CLI_STDERR_CLOSED)
		return CLI_EXIT_LOCAL_IO; /* errors would go unseen: refuse, and there is no one to tell */
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (billtap_global_init() < 0) {
		fprintf(stderr, "billtap: cannot initialise libcurl\n");
		return CLI_EXIT_FAILURE;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return command(argc, argv, closed_fds);
}
