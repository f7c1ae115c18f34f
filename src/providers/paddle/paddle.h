/* What the Paddle Billing provider's files share: the list table, the stream and the
 * mappers. */
#ifndef BILLTAP_PADDLE_H
#define BILLTAP_PADDLE_H

#include <billtap/provider_kit.h>

/* Maps one object of a list's data[] into records pushed to the sink (a transaction gives
 * one record per payment attempt). Returns 0 or the status to return; a mapping failure
 * goes through billtap_sink_reject_json() first. */
typedef int (*pd_push_fn)(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink,
                          billtap_ctx *ctx);

/* One list endpoint read for a resource (paddle_lists.c). */
typedef struct pd_list {
	const char *path;        /* "/customers" */
	const char *fixed;       /* fixed query parameters, "k=v&k=v", or NULL */
	int max_per_page;        /* the list's documented maximum per_page */
	const char *created;     /* the filter `since` becomes ("created_at[GTE]"), or NULL */
	pd_push_fn push;
} pd_list;

/* One resource: its lists, read one after the other (transactions: payments, then
 * adjustments). */
typedef struct pd_resource {
	billtap_resource resource;
	const pd_list *lists;
	int n_lists;
} pd_resource;

const pd_resource *pd_resource_for(billtap_resource resource);

/* An incremental pass from the event stream (paddle_feed.c): customers, plans and
 * subscriptions. */
typedef struct pd_feed {
	int walking;              /* a pass of changes: the walk down the feed */
	int64_t t;                /* the client's clock when the token's pass began reading */
	char *e;                  /* the token's event id, "" for an empty feed */
	int64_t clock;            /* the client's clock when this walk began: the next token's */
	char *head;               /* the walk's newest event: the next token's E */
	char *cursor;             /* the last event read: the next page is `after` it */
	char *replay_to;          /* a resumed walk: events above it only rebuild `seen` */
	char **seen;              /* the entities out in this pass (hash set, seen_cap a power of 2) */
	size_t seen_count, seen_cap;
	char **pending;           /* the entities of the page being read: `seen` once it went through */
	size_t n_pending, cap_pending;
	/* plans: the walk collects the prices and products changed (strings owned by `seen`),
	 * then reads them: phase 1 the prices by id, phase 2 the prices of the products */
	const char **ids[2];
	size_t n_ids[2], cap_ids[2];
	int phase, chunk;         /* phase 0: the walk */
	int resume_phase, resume_chunk;
	char *phase_after;        /* the page of the chunk's list after this price id */
} pd_feed;

/* One iteration over one resource. */
typedef struct pd_stream {
	const pd_resource *res;
	int list;                 /* index into res->lists */
	char *origin, *api_key;
	char *after;              /* the last id of the page before; NULL: the first page */
	int64_t page_size;
	char since[40];           /* RFC 3339 `since`, "" without */
	int done;
	billtap_json *doc;
	/* incremental passes (paddle_sync.c): a pass with the flag learns the newest change
	 * first (probing); a pass of changes reads updated_at from `from` */
	int incremental, probing, changes;
	int64_t from, newest;
	/* incremental passes from GET /events (paddle_feed.c): `feeds` for its resources; a
	 * full pass reads the feed's head first (probing_feed) */
	int feeds, probing_feed;
	pd_feed feed;
} pd_stream;

/* The event types (comma-separated) whose events change a resource's records, or NULL:
 * the resource is not synced from the feed. */
const char *pd_feed_types(billtap_resource resource);
int pd_feed_resume(pd_stream *s, const char *resume, billtap_ctx *ctx);
int pd_feed_request(billtap_request *req, const pd_stream *s);
int pd_feed_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                     billtap_sink *sink, billtap_ctx *ctx);
/* The mark of a full pass with the flag after a page (list past the last: the final mark). */
int pd_feed_mark_full(char **out, const pd_stream *s, int list, const char *after);
void pd_feed_free(pd_feed *f);

/* Marks and incremental passes (paddle_sync.c). */
int pd_sync_resume(pd_stream *s, const char *resume, billtap_ctx *ctx);
/* The mark after a page: where list `list` goes on after `after`, or (list past the last)
 * the final mark. *out NULL: none (a full pass without the flag, at its end). */
int pd_sync_mark(char **out, const pd_stream *s, int list, const char *after);
int pd_sync_probe_request(billtap_request *req, const pd_stream *s);
int pd_sync_probe_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                           billtap_ctx *ctx);
/* updated_at[GTE] on the transactions list of a pass of changes. */
int pd_sync_add_filter(billtap_request *req, const pd_stream *s);
/* "k=v&k=v" into query parameters (paddle.c). */
int pd_add_fixed(billtap_request *req, const char *fixed);

/* A list page: data[], meta.pagination.has_more and the last entry's id (paddle.c). */
int pd_read_page(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                 billtap_json_ref *data, int *more, char **last, billtap_ctx *ctx);

/* Plans from the feed (paddle_feed_plans.c): the walk collects the changed prices and
 * products; then their plans are read from /prices by id and by product. */
/* Room for more[0] price and more[1] product ids; then pd_plans_add() cannot fail. */
int pd_plans_reserve(pd_feed *f, const size_t more[2]);
void pd_plans_add(pd_feed *f, const char *entity);
int pd_plans_request(billtap_request *req, const pd_stream *s);
int pd_plans_response(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_sink *sink, billtap_ctx *ctx);
/* After the walk: 1 when plans have chunks to read (phase set), else 0. */
int pd_plans_start(pd_feed *f);
/* "fp:...": the read-back goes on at (phase, chunk), its list's page after `after`. */
int pd_plans_mark(const pd_stream *s, int phase, int chunk, const char *after, billtap_sink *sink,
                  billtap_ctx *ctx);
int pd_feed_seen(const pd_feed *f, const char *id);
/* the walk's final mark, "fs:<clock>:<head>" */
int pd_feed_mark_final(const pd_stream *s, billtap_sink *sink, billtap_ctx *ctx);

/* Paddle's error envelope {"error":{"type","code","detail",...},"meta":{"request_id"}}
 * into a recorded error with the request id and code (paddle_errors.c). */
int pd_response_error(pd_stream *s, const billtap_request *req, const billtap_response *resp,
                      billtap_ctx *ctx);

/* Decimal places Paddle uses for a currency (paddle_map.c): JPY and KRW are whole
 * units; the others as ISO 4217. -1 for a code that is not a currency. */
int pd_currency_exponent(const char *code);

/* Pushers (paddle_map*.c). */
int pd_push_customer(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx);
int pd_push_price(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx);
int pd_push_subscription(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink,
                         billtap_ctx *ctx);
int pd_push_invoice(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx);
int pd_push_payments(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx);
int pd_push_adjustment(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink,
                       billtap_ctx *ctx);

/* Maps with the mapper and pushes, or hands the failure to the engine's bad_records
 * policy (paddle_map.c). */
/* The unit price at path (an integer string in minor units) as amount and amount_decimal. */
void pd_map_unit_price(billtap_map *m, const char *path);

int pd_push_mapped(billtap_sink *sink, int rc, billtap_record *rec, const billtap_json *doc,
                   billtap_json_ref obj);

#endif
