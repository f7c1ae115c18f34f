/* The CLI's record output (JSON lines or CSV), buffered until a flush so that output and
 * checkpoint saves stay in step. */
#ifndef BILLTAP_CLI_OUTPUT_H
#define BILLTAP_CLI_OUTPUT_H

#include <billtap.h>

typedef struct cli_output {
	int csv;
	int header_done;
	billtap_field *fields; /* the CSV columns, from the first record's kind */
	size_t field_count;
	char *buf;
	size_t len, cap;
} cli_output;

void cli_output_init(cli_output *o, int csv);
int cli_output_record(cli_output *o, const billtap_record *rec);
/* Writes what is buffered to stdout and flushes it. 0, or -1 (message printed). */
int cli_output_flush(cli_output *o);
void cli_output_free(cli_output *o);

#endif
