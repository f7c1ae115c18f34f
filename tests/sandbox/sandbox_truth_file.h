/* Buffered writing of a truth file (DIR/RESOURCE.jsonl), shared by the provider modules. */
#ifndef SANDBOX_TRUTH_FILE_H
#define SANDBOX_TRUTH_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "sandbox_buf.h"
#include "sandbox_json.h"

typedef struct sb_truth_file {
    FILE *f;
    sb_buf buf;
    sb_json json;   /* the record being written */
    int failed;
} sb_truth_file;

/* Opens DIR/NAME (NAME with its extension: "customers.jsonl") for writing; -1 with a
 * message in err on failure. */
int sb_truth_open(sb_truth_file *o, const char *dir, const char *name, char *err, size_t errlen);
/* Writes the buffer out once it passes 1 MiB, or always with force. */
void sb_truth_flush(sb_truth_file *o, int force);
/* Flushes and closes; -1 with a message in err if any write failed. */
int sb_truth_close(sb_truth_file *o, const char *name, char *err, size_t errlen);
/* Ends the current line (one record) and writes the buffer out once it is large. */
void sb_truth_end_line(sb_truth_file *o);
/* Starts a record's line, {"object":OBJECT, and returns the writer for its members. */
sb_json *sb_truth_record(sb_truth_file *o, const char *object);
/* Ends the record and its line. */
void sb_truth_record_end(sb_truth_file *o);

/* A module's truth files: each written by a function of the module's state. */
typedef struct sb_truth_spec {
    const char *name;
    void (*write)(const void *state, sb_truth_file *o);
} sb_truth_spec;

/* Writes every file of specs (n of them) into dir; 0, or -1 with a message in err. */
int sb_truth_write(const char *dir, const sb_truth_spec *specs, size_t n, const void *state,
                   char *err, size_t errlen);

/* The truth before and after insert@N:K: write(state, dir) once; when `inserting`, again
 * into DIR/after (created if missing) with *after set to 1 meanwhile, so the module's
 * writers include the inserted records. 0, or -1 with a message in err. */
int sb_truth_write_views(const char *dir, int inserting, int *after,
                         int (*write)(void *state, const char *dir, char *err, size_t errlen), void *state,
                         char *err, size_t errlen);

#endif
