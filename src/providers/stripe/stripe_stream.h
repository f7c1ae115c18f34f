/* Stripe: the stream's state, shared by the list walk (stripe.c) and the incremental passes
 * (stripe_sync.c). Internal to the provider. */
#ifndef BILLTAP_PROVIDERS_STRIPE_STREAM_H
#define BILLTAP_PROVIDERS_STRIPE_STREAM_H

#include "stripe.h"

/* STAGE_INVOICE_PAYMENTS and STAGE_INVOICE_LINKS read the invoice links of the
 * transactions (one or the other, before the charges): the invoice payments list in one
 * walk, or the invoices with their payments in slices (stripe_links_walk.c). */
enum stage { STAGE_CUSTOMERS, STAGE_PRICES, STAGE_SUBSCRIPTIONS, STAGE_INVOICES,
	     STAGE_INVOICE_PAYMENTS, STAGE_INVOICE_LINKS, STAGE_CHARGES, STAGE_REFUNDS,
	     STAGE_DISPUTES };

/* Request tags: what a response answers (the low 8 bits). From TAG_HEAD to TAG_PRODUCT,
 * stripe_sync.c's; a slice's page carries its slice's number above them. */
enum { TAG_LIST = 1, TAG_NESTED = 2, TAG_TOPUP = 3, TAG_HEAD = 4, TAG_EVENTS = 5,
       TAG_OBJECT = 6, TAG_LINK = 7, TAG_PRODUCT = 8, STRIPE_TAG_SLICE = 9,
       TAG_ANCHOR = 10, TAG_PAYMENTS = 11 };
#define STRIPE_TAG_KIND(tag) ((tag) & 0xffu)

/* A list walked in parallel slices (stripe_slices.c). */
typedef struct stripe_slices stripe_slices;

/* A record waiting for the rest of its nested list (subscription items, invoice lines),
 * or one queued behind such a one: records leave in list order so that the per-record
 * marks stay true. */
typedef struct held {
	billtap_record *rec;  /* NULL: a slices mark waiting for the records before it */
	char *mark;           /* that mark */
	int unmarked;         /* from a slice's page: it goes out without a mark of its own */
	stripe_period period; /* subscriptions: the items' periods */
	int more;             /* more nested records to page */
	int out;              /* its next nested page is asked for */
	uint64_t nid;         /* names its nested requests (the tag's upper bits) */
	char *cursor;         /* the last nested record's id */
	char *prefix;         /* its mark's prefix (a pass of changes); NULL: its stage's */
} held;

/* The state of an incremental pass (stripe_sync.c); NULL in a plain pass. */
typedef struct stripe_sync stripe_sync;

typedef struct stripe_stream {
	enum stage stage, last_stage;
	char *cursor; /* starting_after for the next list page; NULL on the first */
	/* transactions under basil: the invoice links, read first; then the walk starts at
	 * resume_stage / resume_cursor (a checkpoint's place, or the charges' start) */
	stripe_links *links;
	enum stage resume_stage;
	char *resume_cursor;
	/* Before each transactions list is walked from its start, the invoice payments made
	 * since the links were read (the head of their newest-first list, down to one already
	 * known) are added: a charge created during the pass finds its invoice too. */
	unsigned topped;      /* bit per stage: its links are up to date */
	char *topup_cursor;   /* starting_after for the next top-up page */
	/* The links read from invoices in slices (STAGE_INVOICE_LINKS) are not a snapshot:
	 * a payment made meanwhile may be missed while a newer one is known. So first the
	 * newest invoice payment is read (the anchor), and the first top-up walks down to
	 * one older than it, known or not. */
	int anchored;           /* the anchor was read */
	int anchor_pending;     /* the next top-up is the first since the invoices' walk */
	int64_t anchor_created; /* the anchor's created; INT64_MIN: there was none */
	struct stripe_follow *follow; /* invoices whose embedded payments go on */
	size_t follow_count, follow_cap;
	int follow_out;         /* the first one's next page is asked for */
	int64_t since;
	char *base_url, *api_key, *version, *account;
	int64_t page_size;
	held *held;
	size_t held_count, held_cap;
	billtap_json *doc;
	stripe_sync *sync;
	char *prefix_buf; /* the last prefix stripe_stage_prefix() made */
	/* Requests asked for and not answered. Only slices have several out; every other
	 * request waits for the one before it. */
	int in_flight;
	stripe_slices *slices; /* the stage's list in slices; NULL: one walk */
	uint64_t next_nid;     /* the last held record's nid */
	char *slices_resume;   /* a slices mark's walk, for when its list is reached */
} stripe_stream;

/* An invoice whose embedded payments list goes on: GET /v1/invoice_payments?invoice=... */
typedef struct stripe_follow {
	char *invoice, *subscription, *cursor;
} stripe_follow;

/* The links from invoices in slices (stripe_links_walk.c). Whether the transactions'
 * links are read so (a plain pass with parallel_slices above 1): 1, 0, or an error. */
int stripe_links_sliced(const stripe_stream *s, billtap_ctx *ctx);
/* The anchor's request, or a follow-up's (*built = 1) when one is due, else *built = 0. */
int stripe_links_walk_request(int *built, billtap_request *req, stripe_stream *s,
                              billtap_ctx *ctx);
/* Whether the walk still waits for follow-ups once every slice ended. */
int stripe_links_walk_busy(const stripe_stream *s);
/* The answers of TAG_ANCHOR and TAG_PAYMENTS. */
int stripe_links_walk_response(stripe_stream *s, const billtap_request *req,
                               const billtap_response *resp, billtap_sink *sink,
                               billtap_ctx *ctx);
/* A slice's page of invoices: their payments into the links, follow-ups queued. */
int stripe_links_invoices(stripe_stream *s, billtap_json_ref data, billtap_ctx *ctx);
/* Whether a top-up reached the invoice payments read already (obj: one of its page): the
 * first known one, or for the first top-up after the invoices' walk, one older than the
 * anchor. 1, 0 or BILLTAP_ENOMEM. */
int stripe_links_topup_done(const stripe_stream *s, billtap_json_ref obj);
void stripe_links_walk_free(stripe_stream *s);

/* The list of a stage: "customers" (also its marks' prefix). */
const char *stripe_stage_name(enum stage stage);
/* The id of a page's last record, copied: the cursor of the next page. EDATA recorded
 * when it has none. */
int stripe_last_id(char **out, const billtap_json *doc, billtap_json_ref data, billtap_ctx *ctx);
/* A page of the current stage's list: created in [gte, lt) (BILLTAP_TIME_NONE: no bound),
 * after `cursor` (NULL: from the top), tagged TAG_LIST, with the stage's expansions; no
 * headers yet. */
int stripe_list_request(billtap_request *req, const stripe_stream *s, int64_t gte, int64_t lt,
                        const char *cursor);
/* Maps and pushes the records of a list page of the current stage: each marked with its
 * stage's prefix, or with `marked` 0 (a stage without nested lists only) unmarked. */
int stripe_push_page(stripe_stream *s, billtap_json_ref data, int marked, billtap_sink *sink,
                     billtap_ctx *ctx);
/* Authorization, Stripe-Version and Stripe-Account. */
int stripe_add_headers(billtap_request *req, const stripe_stream *s);
/* Parses a list response into s->doc: its data array and has_more, or EDATA recorded. */
int stripe_parse_list(billtap_json_ref *data, int *has_more, stripe_stream *s,
                      const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx);
/* Records Stripe's error answer and returns its code. */
int stripe_response_error(stripe_stream *s, const billtap_request *req,
                          const billtap_response *resp, billtap_ctx *ctx);
/* Reports a list page to the engine's loop guards. */
int stripe_report_page(billtap_sink *sink, const char *list, const char *next, int has_more,
                       const stripe_stream *s, billtap_json_ref data);
/* Queues rec behind the held records (taking it in every case; prefix copied, may be
 * NULL). The queued one is s->held[s->held_count - 1]. */
int stripe_hold(stripe_stream *s, billtap_record *rec, const stripe_period *period, int more,
                const char *prefix, billtap_ctx *ctx);
/* Queues a slices mark (copied) behind the held records, to go out after them. */
int stripe_hold_mark(stripe_stream *s, const char *mark, billtap_ctx *ctx);
/* Pushes the held records (and marks) that are complete, in order, up to the first that is
 * not. */
int stripe_flush_held(stripe_stream *s, billtap_sink *sink, billtap_ctx *ctx);
/* Forgets the held entries from the n-th on (a page that failed half way). */
void stripe_drop_held_from(stripe_stream *s, size_t n);
/* The next page of held record h's nested list. */
int stripe_nested_request(billtap_request *req, stripe_stream *s, held *h);
/* The mark prefix of a record of `stage` in a full pass: "customers", or with the sync
 * point of an incremental full pass before it. Valid until the next call; NULL: ENOMEM. */
const char *stripe_stage_prefix(stripe_stream *s, enum stage stage);

/* Incremental passes (stripe_sync.c). Sets up s->sync for a stream with
 * BILLTAP_STREAM_INCREMENTAL and reads the incremental tokens in *resume: a pass of
 * changes ("sync:", "chg:") sets *changes; an incremental full pass's mark
 * ("full:...[:stage:id]") leaves in *resume the plain place within the lists (or NULL). */
int stripe_sync_new(stripe_stream *s, const billtap_stream_params *params,
                    const char **resume, int *changes, billtap_ctx *ctx);
void stripe_sync_free(stripe_sync *sync);
/* The "full:E:C:T" head of an incremental full pass's marks, or NULL (a plain pass, no
 * head yet, or a pass of changes). */
const char *stripe_sync_full_head(const stripe_sync *sync);
/* Builds the incremental pass's next request into req (*built = 1), or leaves it to the
 * list walk (*built = 0). 0, BILLTAP_ITEROVER at the end of a pass of changes, or an
 * error. */
int stripe_sync_request(int *built, billtap_request *req, stripe_stream *s, billtap_ctx *ctx);
/* Handles the responses of TAG_HEAD, TAG_EVENTS, TAG_OBJECT and TAG_LINK requests. */
int stripe_sync_response(stripe_stream *s, const billtap_request *req,
                         const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx);
/* Called before a response's state changes are kept, when its records went out: marks the
 * sync token once everything is out (list_over: a full pass's last list ended; held_left:
 * records still held after this call). 0 outside incremental passes. */
int stripe_sync_end(stripe_stream *s, int list_over, size_t held_left, billtap_sink *sink,
                    billtap_ctx *ctx);

#endif
