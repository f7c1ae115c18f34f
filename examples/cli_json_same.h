/* Whether two JSON texts hold the same value, whatever the order of object members and the
 * spelling of strings (escapes): for the CLI's diff, whose nested records (subscription
 * items, invoice lines) come as JSON text from extractions that may order members apart. */
#ifndef BILLTAP_CLI_JSON_SAME_H
#define BILLTAP_CLI_JSON_SAME_H

#include <billtap/provider.h>

/* 1 when a and b parse and hold equal values (numbers compared by their text: the library
 * writes integers only), 0 when they differ or either does not parse. da and db are
 * documents to parse into (reused across calls). */
int cli_json_same(billtap_json *da, const char *a, billtap_json *db, const char *b);

#endif
