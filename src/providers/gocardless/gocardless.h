/* What the GoCardless provider's files share: the lists each resource reads, the mandate
 * map (a subscription, payment or refund names its mandate, and only the mandate names
 * the customer) and the mappers. */
#ifndef BILLTAP_GOCARDLESS_H
#define BILLTAP_GOCARDLESS_H

#include <stddef.h>

#include <billtap/provider_kit.h>

/* The mandate -> customer pairs of one run, read from /mandates before the records that
 * need them (gocardless_mandates.c). */
typedef struct gc_mandates {
	char **pairs;      /* mandate id, customer id, mandate id, ... (sorted by mandate once done) */
	size_t n, cap;     /* pairs held (2 strings each), room */
	int done;          /* every page read and sorted */
} gc_mandates;

/* Maps one list entry into a record; `mandates` resolves links.mandate to a customer. */
typedef int (*gc_map_fn)(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                         const gc_mandates *mandates, billtap_ctx *ctx);

/* One list endpoint: GET PATH answers {"KEY":[...],"meta":{...}}. */
typedef struct gc_list {
	const char *path;  /* "/payments" */
	const char *key;   /* "payments" */
	char mark;         /* the letter of its marks: 'p' for "p:<cursor>" */
	gc_map_fn map;
} gc_list;

/* One event list a pass of changes walks: GET /events?resource_type=TYPE&include=INCLUDE,
 * whose events name the object in links.INCLUDE and carry it, as it is now, in
 * linked.TYPE. `parent`: the link of an object whose parent changes with it (a refund
 * changes its payment's amount_refunded), read by id at PARENT_PATH/ID, or NULL. */
typedef struct gc_walk {
	const char *type;        /* "refunds" */
	const char *include;     /* "refund" */
	gc_map_fn map;
	const char *parent;      /* "links.payment" */
	const char *parent_path; /* "/payments" */
	const char *parent_key;  /* "payments": the key of GET PARENT_PATH/ID's object */
	gc_map_fn parent_map;
} gc_walk;

/* What a resource reads: its lists in order (transactions: payments, then refunds),
 * whether its records need the mandate map, and the event lists of its passes of changes
 * (none: no incremental passes). */
typedef struct gc_resource {
	billtap_resource resource;
	const gc_list *lists[2];
	size_t n_lists;
	int needs_mandates;
	const gc_walk *walks[2];
	size_t n_walks;
} gc_resource;

/* The resource's lists, or NULL when GoCardless has none for it (gocardless_lists.c). */
const gc_resource *gc_resource_for(billtap_resource resource);
/* The list of /mandates, read for the map. */
extern const gc_list gc_mandate_list;

/* Adds the mandates of one page (its "mandates" array) to the map; 0 or a recorded error. */
int gc_mandates_add_page(gc_mandates *m, const billtap_json *doc, billtap_json_ref list,
                         billtap_ctx *ctx);
/* Sorts the map once its last page is in. */
void gc_mandates_finish(gc_mandates *m);
/* The customer of a mandate, or NULL when the map does not hold it. */
const char *gc_mandates_customer(const gc_mandates *m, const char *mandate);
void gc_mandates_free(gc_mandates *m);

/* Sets customer_id from the object's links.mandate through the map (null when the
 * mandate is unknown: created after the map was read). */
void gc_map_customer_of_mandate(billtap_map *m, const gc_mandates *mandates);

/* Mappers (gocardless_map.c, gocardless_map_txn.c). */
int gc_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                    const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_payment(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                   const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                  const gc_mandates *mandates, billtap_ctx *ctx);

/* A set of ids, each copied (gocardless_idset.c): what a pass of changes already holds. */
typedef struct gc_idset {
	char **slots;      /* open addressing; NULL: free */
	char **order;      /* the same ids in the order added (room for cap / 2) */
	size_t n, cap;     /* ids held, slots (a power of two) */
} gc_idset;

/* Adds a copy of id: 1 when added, 0 when already held, BILLTAP_ENOMEM. */
int gc_idset_add(gc_idset *set, const char *id);
int gc_idset_has(const gc_idset *set, const char *id);
/* Takes back the ids added after the set held n. */
void gc_idset_rollback(gc_idset *set, size_t n);
void gc_idset_free(gc_idset *set);

/* A position in GoCardless's event history: an event's created_at, verbatim ("" before
 * any event), and the ids of the events at that instant already accounted for, comma
 * separated (gocardless_sync.c). */
typedef struct gc_point {
	char *at;
	char *seen;
} gc_point;

/* One iteration over one resource. */
typedef struct gc_stream {
	const gc_resource *res;
	size_t list;                 /* index into res->lists */
	char *base_url, *token;
	char *after;                 /* the next page's cursor; NULL: the list's first page */
	char *mandate_after;         /* the same while reading the mandate map */
	char limit[24];
	char since[32];              /* created_at[gte], "" without since */
	int64_t since_time;          /* the same, or BILLTAP_TIME_NONE */
	int done;
	gc_mandates mandates;
	billtap_json *doc;
	/* Incremental passes (gocardless_sync.c, gocardless_feed.c). */
	int incremental;             /* BILLTAP_STREAM_INCREMENTAL */
	int changes;                 /* a pass of changes, from a sync token */
	int probed;                  /* `head` is known */
	int anchored;                /* the token's events are still listed (or nothing to check) */
	gc_point from, head;         /* the token's position; the newest event when the pass began */
	char *anchor_after;          /* paging the anchor check */
	size_t walk;                 /* the event list being walked (gc_feed_walks); past the last: done */
	char *walk_after;            /* its next page's cursor */
	billtap_record **held;       /* the pass's records, in the order they go out */
	size_t n_held, cap_held;
	gc_idset held_ids;           /* their ids */
	char **reads;                /* payments to read by id after the walks (their refunds changed) */
	size_t n_reads, cap_reads;
	size_t next;                 /* outputs (held, then reads) handed out or skipped so far */
	uint64_t hash;               /* of the ids of those outputs */
	size_t resume_at;            /* a resumed pass of changes: outputs the host already had */
	uint64_t resume_hash;        /* ... and the hash of their ids */
} gc_stream;

/* Request tags: what a response answers. */
enum { GC_TAG_LIST, GC_TAG_MANDATES, GC_TAG_PROBE, GC_TAG_ANCHOR, GC_TAG_WALK, GC_TAG_READ };

/* Tokens (gocardless_sync.c). Reads params->resume of an incremental stream; *inner is the
 * list mark inside an "F:" mark (for gocardless.c to read), else NULL. */
int gc_sync_resume(gc_stream *s, const char *resume, billtap_ctx *ctx, const char **inner);
/* The mark after a page of a full pass with the flag: list mark `inner` inside it, or the
 * final mark when inner is NULL. */
int gc_sync_full_mark(gc_stream *s, const char *inner, billtap_sink *sink, billtap_ctx *ctx);
/* Hands out the pass of changes' outputs from s->next on, each followed by its mark, as far
 * as they are in hand: the held records, and with `answered` the next read's record (`read`,
 * NULL when it is left out: created before `since`, or skipped as bad); ends the pass with
 * the final mark after the last one. Takes `read` in every case. */
int gc_sync_hand_out(gc_stream *s, int answered, billtap_record *read, billtap_sink *sink,
                     billtap_ctx *ctx);
void gc_sync_free(gc_stream *s);

/* The event feed (gocardless_feed.c). */
int gc_feed_request(billtap_request *req, gc_stream *s, int tag);
int gc_feed_response(gc_stream *s, const billtap_request *req, const billtap_response *resp,
                     billtap_sink *sink, billtap_ctx *ctx);
/* The Authorization and GoCardless-Version headers (gocardless.c). */
int gc_add_auth_headers(billtap_request *req, gc_stream *s);

/* Records the error an error answer stands for (gocardless_errors.c): GoCardless's type,
 * message, first detail and request id (from the body), or the kit's reading of a body
 * of another shape. Returns its code. */
int gc_response_error(const billtap_request *req, const billtap_response *resp, billtap_json *doc,
                      billtap_ctx *ctx);

#endif
