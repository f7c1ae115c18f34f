/* Deterministic fault injection, keyed on the request number (1-based, every request
 * the server receives counts, including rejected ones).
 *
 * SPEC is a comma-separated list of
 *   STATUS@N      answer request N with HTTP STATUS and the provider's error body
 *   drop@N        close the connection of request N without any response
 *   slow@N:MS     delay request N by MS milliseconds, then answer normally
 * N may also be a range A-B (inclusive). Several faults may name the same request:
 * delays add up, and the first status or drop wins. */
#ifndef SANDBOX_FAULTS_H
#define SANDBOX_FAULTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum sb_fault_kind {
    SB_FAULT_STATUS,
    SB_FAULT_DROP,
    SB_FAULT_SLOW,
} sb_fault_kind;

typedef struct sb_fault {
    sb_fault_kind kind;
    uint64_t first, last; /* request numbers, inclusive */
    int status;
    unsigned delay_ms;
} sb_fault;

typedef struct sb_faults {
    sb_fault *items;
    size_t n;
} sb_faults;

typedef struct sb_fault_action {
    int status;        /* 0: none */
    int drop;
    unsigned delay_ms;
} sb_fault_action;

/* 0 on success; -1 with a message in err. An empty or NULL spec means no faults. */
int sb_faults_parse(sb_faults *f, const char *spec, char *err, size_t errlen);
void sb_faults_lookup(const sb_faults *f, uint64_t request_no, sb_fault_action *out);
void sb_faults_free(sb_faults *f);

#endif
