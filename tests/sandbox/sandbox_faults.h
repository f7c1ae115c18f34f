/* Deterministic fault injection, keyed on the request number (1-based, every request
 * the server receives counts, including rejected ones).
 *
 * SPEC is a comma-separated list of KIND@N[:ARG], N a request number or a range A-B
 * (inclusive). tests/sandbox/README.md "Faults" says exactly what a client sees for each:
 *
 *   answers       STATUS@N, drop@N, echo@N[:STATUS]
 *   delays        slow@N:MS
 *   delivery      badjson@N, empty@N, cut@N[:BYTES], cutchunked@N[:BYTES], stall@N:MS,
 *                 stallclose@N:MS, drip@N:BYTES_PER_S
 *   module        repeat@N, inflate@N:PAGES, shrink@N:ITEMS, insert@N:K (no range)
 *
 * Several faults may name one request: delays add up; the first of drop, STATUS and echo
 * decides the answer; the first delivery fault decides how it is sent; inflate and shrink
 * add up. Module faults need the module's support (sb_provider.prepare_faults). */
#ifndef SANDBOX_FAULTS_H
#define SANDBOX_FAULTS_H

#include <stddef.h>
#include <stdint.h>

typedef enum sb_fault_kind {
    SB_FAULT_STATUS,
    SB_FAULT_DROP,
    SB_FAULT_ECHO,
    SB_FAULT_SLOW,
    SB_FAULT_BADJSON,
    SB_FAULT_EMPTY,
    SB_FAULT_CUT,
    SB_FAULT_CUT_CHUNKED,
    SB_FAULT_STALL,
    SB_FAULT_STALL_CLOSE,
    SB_FAULT_DRIP,
    SB_FAULT_REPEAT,
    SB_FAULT_INFLATE,
    SB_FAULT_SHRINK,
    SB_FAULT_INSERT,
    SB_FAULT_NKINDS
} sb_fault_kind;

/* How an answer goes on the wire. */
typedef enum sb_delivery {
    SB_SEND_WHOLE,        /* normally */
    SB_SEND_BADJSON,      /* the first half of the body, framed as if whole */
    SB_SEND_EMPTY,        /* no body at all (Content-Length: 0) */
    SB_SEND_CUT,          /* Content-Length of the whole body, `arg` bytes, then close */
    SB_SEND_CUT_CHUNKED,  /* chunked, `arg` bytes, then close without the last chunk */
    SB_SEND_STALL,        /* half the body, `arg` ms of silence, the rest */
    SB_SEND_STALL_CLOSE,  /* half the body, `arg` ms of silence, then close */
    SB_SEND_DRIP,         /* the body at `arg` bytes a second */
} sb_delivery;

#define SB_FAULT_HALF UINT64_MAX /* cut@N without BYTES: half the body */

typedef struct sb_fault {
    sb_fault_kind kind;
    uint64_t first, last; /* request numbers, inclusive */
    int status;           /* STATUS, echo */
    uint64_t arg;         /* MS, BYTES, BYTES_PER_S, PAGES, ITEMS, K */
    char spec[48];        /* the item as written, for messages */
} sb_fault;

typedef struct sb_faults {
    sb_fault *items;
    size_t n;
} sb_faults;

/* What the faults do to one request. All zero: nothing. */
typedef struct sb_fault_action {
    int status;           /* answer with the module's error body for this status; 0: none */
    int echo;             /* ... whose message holds the credentials the request carried */
    int drop;             /* close the connection without any answer */
    unsigned delay_ms;    /* before answering */
    int repeat;           /* answer with the latest page of the same list again */
    sb_delivery delivery;
    uint64_t delivery_arg;
    uint64_t inflate_pages; /* list totals: this many pages more than there are */
    uint64_t shrink_items;  /* list totals: this many items fewer than there are */
    int inserted;           /* the records of insert@N are visible (request >= N) */
} sb_fault_action;

/* 0 on success; -1 with a message naming the item in err. An empty or NULL spec means no
 * faults. */
int sb_faults_parse(sb_faults *f, const char *spec, char *err, size_t errlen);
void sb_faults_lookup(const sb_faults *f, uint64_t request_no, sb_fault_action *out);
/* The first fault of a kind, or NULL. */
const sb_fault *sb_faults_find(const sb_faults *f, sb_fault_kind kind);
/* 1 for the kinds a module must support (repeat, inflate, shrink, insert). */
int sb_fault_is_module_kind(sb_fault_kind kind);
void sb_faults_free(sb_faults *f);

#endif
