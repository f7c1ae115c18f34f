/* The sandbox's truth files (DIR/RESOURCE.jsonl: one normalized record a line, sorted by
 * id), read into memory: shared by the Check suites (sandbox_process.h) and the fault
 * matrix, which reports a bad file instead of failing a Check test. */
#ifndef BILLTAP_TESTS_TRUTH_FILE_H
#define BILLTAP_TESTS_TRUTH_FILE_H

#include <stddef.h>

/* A truth file as an array of lines sorted by id (as written). */
typedef struct truth {
	char **lines;
	char **ids;
	size_t count;
	char *data;
} truth;

/* Reads the file at path. 0, or -1 with why (cannot read it, a line without an id, lines
 * not sorted by id); *t is then empty. */
int truth_read(truth *t, const char *path, char *why, size_t cap);
/* Index of the line with this id, or -1. */
long truth_find(const truth *t, const char *id);
void truth_free(truth *t);

#endif
