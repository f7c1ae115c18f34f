/* The CLI's record output (JSON lines or CSV): records are formatted into a buffer of
 * whole lines, and a flush hands the buffer to a destination in one write() (more only if
 * the kernel takes less), so no write ends inside a line unless the kernel cut it. */
#ifndef BILLTAP_CLI_OUTPUT_H
#define BILLTAP_CLI_OUTPUT_H

#include <billtap.h>

#include "cli_dest.h"

typedef struct cli_output {
	int csv;
	int header_done;
	int tombstones; /* CSV of an incremental run: a last column says which rows are tombstones */
	billtap_field *fields; /* the CSV columns, from the first record's kind */
	size_t field_count;
	char *buf;
	size_t len, cap;
} cli_output;

void cli_output_init(cli_output *o, int csv);
/* Appends one record (and first the CSV header, unless header_done). 0, or -1 when out of
 * memory, with nothing of the record buffered. */
int cli_output_record(cli_output *o, const billtap_record *rec);
/* Writes what is buffered to d, whole, and empties the buffer. 0, or CLI_EXIT_LOCAL_IO
 * after printing why. */
int cli_output_flush(cli_output *o, cli_dest *d);
void cli_output_free(cli_output *o);

#endif
