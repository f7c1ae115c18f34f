/*
 * The CLI's view of a run on stderr. --verbose prints each event of the library's log
 * callback (already redacted by the library: no key or token can appear) as
 * "billtap: LEVEL: message"; a terminal on stderr also gets one progress line, rewritten
 * in place: records, pages, requests a second and the wait in progress. Errors are left
 * to the CLI's own report, which names the class and what to do.
 */
#include "cli_observe.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void clear_line(cli_observe *o)
{
	if (o->line_shown) {
		fputs("\r\033[K", stderr);
		o->line_shown = 0;
	}
}

static void show_progress(cli_observe *o, int64_t now)
{
	billtap_iter_metrics m = { .version = BILLTAP_ITER_METRICS_VERSION };
	if (!o->iter || billtap_iter_metrics_get(&m, o->iter) < 0)
		return;
	double secs = (double)(now - o->started_ms) / 1000.0;
	char wait[48] = "";
	if (o->wait_ms >= 0 && now < o->wait_until_ms)
		snprintf(wait, sizeof wait, ", waiting %lld ms", (long long)(o->wait_until_ms - now));
	char limited[48] = "";
	if (m.rate_limited)
		snprintf(limited, sizeof limited, ", %llu rate limited",
		         (unsigned long long)m.rate_limited);
	fprintf(stderr, "\r\033[Kbilltap: %llu records, %llu pages, %.1f requests/s%s%s",
	        (unsigned long long)m.records, (unsigned long long)m.pages,
	        secs > 0 ? (double)m.requests / secs : 0.0, limited, wait);
	fflush(stderr);
	o->line_shown = 1;
	o->shown_ms = now;
}

static const char *level_name(int level)
{
	switch (level) {
	case BILLTAP_LOG_DEBUG: return "debug";
	case BILLTAP_LOG_INFO: return "info";
	case BILLTAP_LOG_WARN: return "warning";
	default: return "error";
	}
}

static void on_event(const billtap_log_event *e, void *payload)
{
	cli_observe *o = payload;
	int64_t now = now_ms();
	if (e->wait_ms >= 0 && (!strcmp(e->event, "wait") || !strcmp(e->event, "retry"))) {
		o->wait_ms = e->wait_ms;
		o->wait_until_ms = now + e->wait_ms;
	}
	if (o->verbose && strcmp(e->event, "error") != 0) {
		clear_line(o);
		fprintf(stderr, "billtap: %s: %s\n", level_name(e->level), e->message);
	}
	/* A wait about to start is worth showing at once: the line would sit still. */
	if (o->progress && (e->wait_ms >= 200 || now - o->shown_ms >= 200))
		show_progress(o, now);
}

int cli_observe_start(cli_observe *o, billtap_client *client, int verbose)
{
	memset(o, 0, sizeof *o);
	o->verbose = verbose;
	o->progress = isatty(STDERR_FILENO);
	o->started_ms = o->shown_ms = now_ms();
	o->wait_ms = -1;
	if (!o->verbose && !o->progress)
		return 0;
	return billtap_client_set_log(client, on_event,
	                              verbose ? BILLTAP_LOG_DEBUG : BILLTAP_LOG_INFO, o);
}

void cli_observe_iter(cli_observe *o, billtap_iter *iter)
{
	o->iter = iter;
}

void cli_observe_tick(cli_observe *o)
{
	if (!o->progress)
		return;
	int64_t now = now_ms();
	if (now - o->shown_ms >= 200)
		show_progress(o, now);
}

void cli_observe_finish(cli_observe *o)
{
	clear_line(o);
	billtap_iter_metrics m = { .version = BILLTAP_ITER_METRICS_VERSION };
	if (!o->verbose || !o->iter || billtap_iter_metrics_get(&m, o->iter) < 0)
		return;
	fprintf(stderr,
	        "billtap: %llu records, %llu pages, %llu requests, %llu retries, %llu rate limited, "
	        "%llu waits (%llu ms), %llu bytes",
	        (unsigned long long)m.records, (unsigned long long)m.pages,
	        (unsigned long long)m.requests, (unsigned long long)m.retries,
	        (unsigned long long)m.rate_limited, (unsigned long long)m.waits,
	        (unsigned long long)m.wait_ms, (unsigned long long)m.bytes);
	if (m.skipped_records)
		fprintf(stderr, ", %llu skipped", (unsigned long long)m.skipped_records);
	fputc('\n', stderr);
}
