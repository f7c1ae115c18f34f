/*
 * Reading an extraction back, one record at a time: the JSON lines and the CSV that
 * `billtap extract` writes (docs/cli.md, "Output formats"). Memory is one record's text
 * at a time, whatever the file's size. Field names and the record kind come from the
 * library's introspection, so fields a later library adds are read without changes here.
 *
 * Every problem is printed as "billtap: FILE:LINE: what is wrong" (LINE where the record
 * starts), and the function returns a CLI exit code: CLI_EXIT_PERMANENT for content that
 * is not an extraction, CLI_EXIT_LOCAL_IO for a file that cannot be read,
 * CLI_EXIT_FAILURE when out of memory.
 */
#ifndef BILLTAP_CLI_ROWS_H
#define BILLTAP_CLI_ROWS_H

#include <billtap.h>
#include <stddef.h>

/* One member of a record: its JSON member name (the CSV column) and its value as text:
 * a string decoded, a number's digits, true/false, a time as RFC 3339, nested records as
 * their JSON array; NULL for null (and for an empty CSV cell, which CSV cannot tell from
 * null). quoted: the value is JSON text (a string), to be shown in quotes. */
typedef struct cli_cell {
	const char *name;
	const char *value;
	int quoted;
} cli_cell;

/* One record, valid until the next cli_rows_next() or cli_rows_close(). */
typedef struct cli_row {
	billtap_record_kind kind;
	long line;       /* the line the record starts on */
	const char *id;  /* the "id" cell's value, or NULL */
	size_t count;
	cli_cell *cells; /* in file order; "object" (the kind) is not a cell */
} cli_row;

typedef struct cli_rows cli_rows;

/* Opens path ("-": standard input) and finds its format: JSON lines when its first
 * non-blank byte is '{', CSV otherwise (a CSV header starts with a field name). */
int cli_rows_open(cli_rows **out, const char *path);

/* The next record in *row: 0, 1 at the end of the file, or an exit code after printing. */
int cli_rows_next(const cli_row **row, cli_rows *r);

/* "jsonl" or "csv". */
const char *cli_rows_format(const cli_rows *r);

/* The name the file was opened with. */
const char *cli_rows_path(const cli_rows *r);

/* Closes the file; NULL is a no-op. */
void cli_rows_close(cli_rows *r);

/* The cell named name, or NULL. */
const cli_cell *cli_row_cell(const cli_row *row, const char *name);

/* Prints "billtap: FILE:LINE: " and the message: the common form of a data error. */
void cli_rows_error(const cli_rows *r, long line, const char *message);

#endif
