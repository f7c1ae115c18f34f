/* What the CLI shows on stderr while it runs: the library's log events (--verbose) and, on
 * a terminal, a progress line. Never anything on standard output or in --output. */
#ifndef BILLTAP_CLI_OBSERVE_H
#define BILLTAP_CLI_OBSERVE_H

#include <billtap.h>
#include <stdint.h>

typedef struct cli_observe {
	int verbose;          /* print every log event */
	int progress;         /* stderr is a terminal: keep a progress line */
	int line_shown;       /* a progress line is on screen (to be cleared first) */
	billtap_iter *iter;   /* whose metrics the progress line shows */
	int64_t started_ms, shown_ms;
	int64_t wait_ms;      /* the wait the last event announced, or -1 */
	int64_t wait_until_ms;
} cli_observe;

/* Sets the client's log callback when anything is to be shown (--verbose, or stderr is a
 * terminal). */
int cli_observe_start(cli_observe *o, billtap_client *client, int verbose);
/* The iterator whose metrics the progress line shows. */
void cli_observe_iter(cli_observe *o, billtap_iter *iter);
/* After each record: refreshes the progress line (at most five times a second). */
void cli_observe_tick(cli_observe *o);
/* Clears the progress line; with --verbose prints the run's metrics. */
void cli_observe_finish(cli_observe *o);

#endif
