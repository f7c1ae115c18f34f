/*
 * PayPal: shared between the stream driver (paypal.c), the transaction-search walker
 * (paypal_search.c), the catalog (paypal_catalog.c), subscriptions and payers
 * (paypal_subs.c), invoices (paypal_invoices.c) and the object mapping (paypal_records.c,
 * paypal_invoice_map.c).
 */
#ifndef BILLTAP_PROVIDERS_PAYPAL_H
#define BILLTAP_PROVIDERS_PAYPAL_H

#include <billtap/provider_kit.h>

#include "paypal_map.h"

/* Transaction search answers at most 31 days per request and keeps three years. */
#define PP_WINDOW_MAX (31 * 86400)
#define PP_HISTORY_MAX_DAYS 1095
/* Our default start stays a day inside that, so calendar leap days never push it out. */
#define PP_HISTORY_DEFAULT_DAYS 1094
/* A window that still has more than 10,000 rows at this size cannot be split further. */
#define PP_WINDOW_MIN 60

enum pp_tag {
	TAG_TOKEN = 1,
	TAG_PRODUCTS,
	TAG_PLAN_LIST,
	TAG_PLAN_DETAIL,
	TAG_SEARCH,
	TAG_SUBSCRIPTION,
	TAG_SUBSCRIPTION_PLAN,
	TAG_RECHECK,
	TAG_INVOICES
};
/* A search request's tag: TAG_SEARCH, the page (bits 8-23) and its window's serial
 * (from bit 24); other tags are the enum's values. */
#define PP_TAG_KIND(tag) ((tag) & 0xffu)

enum pp_phase {
	PH_PRODUCTS,
	PH_PLANS,
	PH_SEARCH,
	PH_RECHECK,
	PH_SUBSCRIPTIONS,
	PH_EMIT,
	PH_DONE,
	PH_INVOICES
};

/* What one search row says about its payer (customers, paypal_subs.c): held with its
 * window until the window is handed over, so payers learn from rows in time order. */
typedef struct pp_payer_note {
	char *id;
	char *email, *name, *country;
	int name_from; /* a pp_name_from */
	int64_t at;    /* the row's transaction_initiation_date */
} pp_payer_note;

/* One transaction-search window [start, end) being read, its pages asked for and
 * answered (in order: the engine answers in request order), and what it found, kept until
 * it is handed over: its transactions (twins of a transaction may sit on different pages)
 * or, for customers, its payer notes. */
typedef struct pp_window {
	uint64_t serial;     /* this walk of the window: answers of an older walk are dropped */
	int64_t start, end;
	int64_t len;         /* nominal length, halved when PayPal finds the window too large */
	int64_t pages;       /* total_pages from its latest answer; -1 before page 1 */
	int64_t asked, answered;
	int done;            /* every page read */
	pp_map seen;         /* transaction ids -> index in records */
	billtap_record **records;
	unsigned char *ranks; /* how settled the row behind each one is */
	size_t cap;
	pp_payer_note *notes; /* customers: the payers its rows name, in row order */
	size_t note_count, note_cap;
} pp_window;

/* Per client: the OAuth token, shared by the client's iterators. */
typedef struct pp_session {
	char *token;
	int64_t refresh_at; /* fetch a new token from this time on */
} pp_session;

/* What one payer looks like, from subscriptions (preferred) and from search rows. */
typedef struct pp_payer {
	char *email[2], *name[2], *country[2]; /* [0] from subscriptions, [1] from rows */
	int64_t created;
	/* For billtap inspect: the name members each name came from (a pp_name_from), the
	 * sources that named this payer (bit 0 subscriptions, bit 1 rows), and which one gave
	 * the earliest time. */
	unsigned char name_from[2], seen, created_from;
} pp_payer;

/* A plan's REGULAR price, cached by plan id for subscriptions. */
typedef struct pp_price {
	int has_amount;
	int64_t amount;
	char currency[4];
	int exponent;
} pp_price;

typedef struct pp_stream {
	billtap_resource resource;
	pp_session *session;
	char *base_url, *client_id, *client_secret;
	int64_t page_size;
	enum pp_phase phase;
	billtap_json *doc;
	int reauths; /* token refreshes since the last successful API answer */
	/* Requests asked for and not yet answered. The per-id fan-outs (plan details,
	 * subscriptions) and the search keep several out at once; every other request waits
	 * for the one before it. After an error or a RETRY the engine drops them all: see
	 * pp_rewind. */
	int in_flight;

	/* catalog (plans) */
	pp_map products;
	char **product_names; /* by products index; NULL when unnamed */
	int64_t page, total_pages;
	int64_t plans_first_page; /* 1, or the page a resumed stream restarts at */
	char **plan_queue; /* plan ids of the current list page */
	size_t plan_head, plan_asked, plan_count; /* details answered, asked for, in all */

	/* transaction search (paypal_search.c): the windows open, oldest first; windows
	 * before win_start are handed over, the next window opens at the last one's end (at
	 * win_start, win_len long, when none is open) */
	int64_t win_start, win_len, stop;
	int64_t refreshed;  /* PayPal's last_refreshed_datetime, from its latest answer */
	int has_refreshed;
	int search_answered; /* a search page was read: more windows may open */
	int64_t row_limit;  /* rows of the answer after this are left to the next pass */
	pp_window *windows;
	size_t win_count, win_cap;
	size_t win_limit;   /* windows open at most: max_in_flight */
	uint64_t win_serial; /* names each walk of a window in its requests' tags */

	/* subscriptions, discovered from rows and the subscription_ids setting */
	pp_map subscriptions;
	char **sub_order;
	size_t sub_next, sub_asked, sub_total; /* answered, asked for, in all */
	char *resume_after; /* emit only ids after this one (a resumed stream) */
	pp_map plan_prices;
	pp_price *prices;
	char *need_plan; /* a subscription came without its plan's price: fetch this plan */

	/* invoices: created in [inv_since, inv_until], or all (inv_since BILLTAP_TIME_NONE) */
	int64_t inv_since, inv_until;

	/* customers */
	pp_map payers;
	pp_payer *payer_data;
	size_t payer_cap;
	char **emit_order;
	size_t emit_next, emit_total;

	/* incremental passes and discovery checkpoints (paypal_sync.c) */
	int incremental;       /* params.flags has BILLTAP_STREAM_INCREMENTAL */
	int64_t filter_since;  /* deliver a known record only when updated since; PP_NO_FILTER */
	int64_t next_since;    /* the next pass's filter_since: this pass's start less a margin */
	unsigned char *sub_flags; /* PP_SUB_* by s->subscriptions index */
	size_t sub_flags_cap;
	int sub_read_marked;   /* a mark of the reading phase was made */
	size_t sub_unmarked;   /* subscriptions pushed since the last mark */
	int64_t sub_window;    /* resumed while reading: the windows this pass searched end here */
	char **sync_plans;     /* incremental plans: ids to read, gathered over every list page */
	size_t sync_plan_count, sync_plan_cap;
	char *plans_after;     /* incremental plans resumed: deliver only ids after this one */
	int plans_listed;      /* incremental plans: every list page read */
	int final_marked;      /* the incremental pass's sync token is marked */

	/* transactions that change later (paypal_recheck.c) */
	int continuing;        /* the pass continues a sync token */
	pp_map recheck_ids;    /* to search again: "p" pending (at its time), "r" a payment
	                        * refunded or reversed (backwards from the refund's time) */
	int64_t *recheck_at;
	char *recheck_type;
	size_t recheck_next;   /* rechecks before it are done */
	int64_t recheck_end;   /* "r": the end of the next window to search, 0: its time */
	pp_map watch_ids;      /* delivered pending: the sync token carries them */
	int64_t *watch_at;
	pp_map delivered;      /* transaction ids this continuing pass delivered */

	/* incremental customers (paypal_customer_sync.c) */
	pp_map cust_held;            /* payer id -> index in cust_held_digest */
	uint64_t *cust_held_digest;  /* what the host holds, from the token */
	size_t cust_held_cap;
	uint64_t *cust_digest;       /* by s->payers index: this pass's digest */
	unsigned char *cust_has;     /* cust_digest is set */
	size_t cust_digest_cap;
} pp_stream;

/* filter_since of a full pass: every record delivered. */
#define PP_NO_FILTER INT64_MIN
/* Subscription flags (pp_stream.sub_flags). */
#define PP_SUB_CARRIED 0x1u /* known from the sync token: delivered only when updated */
#define PP_SUB_ENDED 0x2u   /* read, CANCELLED: never changes again, not carried */
#define PP_SUB_SETTING 0x4u /* named by subscription_ids: always carried */

/* paypal.c */
/* The request's debug id: the body's debug_id, else the Paypal-Debug-Id header, else NULL.
 * Parses the body into s->doc. */
const char *pp_debug_id(char *buf, size_t cap, pp_stream *s, const billtap_response *resp);
int pp_error(pp_stream *s, const billtap_request *req, const billtap_response *resp,
             billtap_ctx *ctx);
int pp_parse(pp_stream *s, const billtap_request *req, const billtap_response *resp,
             billtap_ctx *ctx);
int pp_get(billtap_request *req, pp_stream *s, const char *path, enum pp_tag tag);
/* Reports a page-number list page to the engine's loop guards: its number (the answer's
 * "page" when it states one, else `asked`), the answer's totals, `items` on it, and
 * the last page PayPal serves (max_page). */
int pp_report_page(billtap_sink *sink, pp_stream *s, const char *list, int64_t asked,
                   int64_t total_pages, int64_t items, int64_t max_page);
/* The engine dropped every request still out (after an error or a RETRY from
 * stream_response): the next stream_request calls ask for them again. */
void pp_rewind(pp_stream *s);

/* paypal_search.c */
void pp_search_init(pp_stream *s, int64_t start, int64_t stop, billtap_ctx *ctx);
int pp_search_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx);
int pp_search_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                       billtap_sink *sink, billtap_ctx *ctx);
/* Every window searched and handed over. */
int pp_search_over(const pp_stream *s);
/* The engine dropped the requests out: each window asks again after its last answer. */
void pp_search_rewind(pp_stream *s);
/* A "w:" mark: 0, BILLTAP_ECHECKPOINT (unrecorded) or BILLTAP_ENOMEM (recorded). */
int pp_search_resume(pp_stream *s, const char *token, billtap_ctx *ctx);
void pp_search_free(pp_stream *s);
/* Where the next pass's search starts: the end of the windows searched, or PayPal's
 * last_refreshed_datetime when that is earlier (a search may not start after it). */
int64_t pp_searched_until(const pp_stream *s);

/* paypal_catalog.c */
int pp_catalog_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx);
int pp_catalog_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                        billtap_sink *sink, billtap_ctx *ctx);

/* paypal_subs.c */
/* After the search: fetch the subscriptions found (or, with none, finish or emit). */
int pp_subscriptions_start(pp_stream *s, billtap_ctx *ctx);
int pp_subscriptions_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx);
int pp_subscriptions_response(pp_stream *s, const billtap_request *req,
                              const billtap_response *resp, billtap_sink *sink,
                              billtap_ctx *ctx);
/* Reads the payer a search row names into *out: 1, 0 when it names no customer (money
 * the merchant sent, a guest), or an error recorded (BILLTAP_EDATA, BILLTAP_ENOMEM). */
int pp_read_payer_row(pp_payer_note *out, const billtap_json *doc, billtap_json_ref row,
                      billtap_ctx *ctx);
/* Notes what *n says about its payer, taking its values whatever happens (a note applied
 * twice changes nothing more). 0 or BILLTAP_ENOMEM (recorded). */
int pp_apply_payer_note(pp_stream *s, pp_payer_note *n, billtap_ctx *ctx);
void pp_payer_note_free(pp_payer_note *n);
int pp_customers_emit(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx);
void pp_subs_free(pp_stream *s);

/* paypal_recheck.c */
/* Notes a transaction about to be pushed: watched when pending; in a pass continuing a
 * sync token, remembered as delivered and its parent (a payment refunded) rechecked. */
int pp_recheck_note(pp_stream *s, const billtap_record *rec, billtap_ctx *ctx);
int pp_recheck_pending(const pp_stream *s);
int pp_recheck_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx);
int pp_recheck_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                        billtap_sink *sink, billtap_ctx *ctx);
/* Appends the rechecks still to do (typed) or the watch list to *buf ("id@time,..."). */
void pp_recheck_put(char **buf, size_t *len, int *oom, const pp_stream *s, int rechecks);
#define PP_LIST_WATCH 0         /* id@time: watched */
#define PP_LIST_RECHECKS 1      /* p|r id@time: rechecks */
#define PP_LIST_WATCH_TO_CHECK 2 /* id@time from a sync token: rechecks of this pass */
/* Reads such a list into the stream. 0, BILLTAP_ECHECKPOINT (unrecorded) or ENOMEM. */
int pp_recheck_take(pp_stream *s, const char *p, int mode, billtap_ctx *ctx);
void pp_recheck_free(pp_stream *s);
/* paypal_search.c: how settled a row is (S/V 3, P 2, D 1, else 0) */
int pp_settled_rank(const billtap_json *doc, billtap_json_ref info);

/* paypal_sync.c: marks and sync tokens of incremental passes and discovery */
/* A token being built: pieces appended; out of memory remembered until pp_tok_mark. */
typedef struct pp_tok {
	char *data;
	size_t len, cap;
	int oom;
} pp_tok;
void pp_tok_put(pp_tok *t, const char *s, size_t n);
void pp_tok_str(pp_tok *t, const char *s);
/* Marks t's text (freed whatever happens): 0, or the error recorded. */
int pp_tok_mark(pp_tok *t, billtap_sink *sink, billtap_ctx *ctx);
/* A character of the ids tokens carry (PayPal's ids: letters, digits, '-', '_'). */
int pp_id_char(char c);
/* Records and returns BILLTAP_ECHECKPOINT: a token this stream does not make. */
int pp_bad_token(billtap_ctx *ctx);
/* Sets incremental, filter_since and next_since for a new stream. */
void pp_sync_init(pp_stream *s, const billtap_stream_params *params, billtap_ctx *ctx);
/* Adds a subscription id (flags ORed in). 0 or BILLTAP_ENOMEM (recorded). */
int pp_sub_add(pp_stream *s, const char *id, size_t len, unsigned flags, billtap_ctx *ctx);
/* Parses a token of this stream's resource that this file makes (1: parsed, 0: not one of
 * them, so the caller tries the older forms; <0: an error recorded, ECHECKPOINT). */
int pp_sync_resume(pp_stream *s, const char *token, billtap_ctx *ctx);
/* transactions: the final mark of an incremental pass (after the last window). */
int pp_sync_mark_transactions(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx);
/* subscriptions: the mark of the state now (discovering, reading), or with `final` (every
 * id read) the sync token. */
int pp_sync_mark_subscriptions(pp_stream *s, int final, billtap_sink *sink, billtap_ctx *ctx);
/* plans: the mark after the plan `after` (NULL: before the first), or the final mark. */
int pp_sync_mark_plans(pp_stream *s, const char *after, int final, billtap_sink *sink,
                       billtap_ctx *ctx);
/* Whether a record with this update_time (absent/unreadable: always) is delivered. */
int pp_sync_changed(const pp_stream *s, const billtap_json *doc, billtap_json_ref update_time);
void pp_sync_free(pp_stream *s);
/* paypal_customer_sync.c: incremental customers, a re-read delivering what changed */
/* The digest of a customer's values (NULL: absent). */
uint64_t pp_customer_digest(const char *email, const char *name, const char *country,
                            int64_t created);
/* Whether the host holds other values for payer id than those of `digest` (or none). */
int pp_customer_changed(const pp_stream *s, const char *id, uint64_t digest);
/* Notes this pass's digest of the payer at s->payers index `payer`. 0 or ENOMEM. */
int pp_customer_note(pp_stream *s, size_t payer, uint64_t digest, billtap_ctx *ctx);
/* Marks where handing out stands ("C1:r:"), or with `final` the sync token ("C1:s:"). */
int pp_customer_mark(pp_stream *s, int final, billtap_sink *sink, billtap_ctx *ctx);
/* Parses a token after its "C1:": 1, or an error recorded (ECHECKPOINT, ENOMEM). */
int pp_customer_resume(pp_stream *s, const char *p, billtap_ctx *ctx);
void pp_customer_sync_free(pp_stream *s);
/* paypal_invoices.c: the invoice list (or, with since, search) pages; s->page is the next */
int pp_invoices_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx);
int pp_invoices_response(pp_stream *s, const billtap_request *req, const billtap_response *resp,
                         billtap_sink *sink, billtap_ctx *ctx);
/* Parses an "i:<page>" mark into s->page; -1 when it is not one. */
int pp_invoices_resume(pp_stream *s, const char *token);

/* paypal_invoice_map.c: one Invoicing v2 invoice and its lines. */
int pp_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref inv,
                   billtap_ctx *ctx);

/* paypal_records.c */
int pp_currency_exponent(const char *code);
/* What a Transaction Search row is (paypal_kinds.c, docs/providers/paypal.md). */
typedef struct pp_kind {
	const char *kind;  /* a transaction kind of docs/data-model.md */
	int customer;      /* customer money: the payer is a customer */
	int authorization; /* held, not taken (T13nn) */
} pp_kind;
/* The kind of a row with event code `code` (NULL: none) whose amount the merchant sent
 * (sent = amount < 0) or received. */
pp_kind pp_transaction_kind(const char *code, int sent);
/* The kind of a Transaction Search row (its event code and the sign of its amount). */
pp_kind pp_row_kind(const billtap_json *doc, billtap_json_ref row);

/* money {currency_code, value} -> minor units (sign kept), currency, exponent. */
int pp_money(int64_t *minor, char currency[4], int *exponent, const billtap_json *doc,
             billtap_json_ref money);
/* Names the members a field this provider's code just set came from (billtap inspect:
 * "computed by paypal from ..."), as billtap_record_set_source() takes them: dotted paths
 * relative to the record's raw JSON, space-separated; OBJECT:PATH for a member of another
 * object (a plan's product's name). Returns the mapper's status. */
int pp_map_source(billtap_map *m, billtap_field field, const char *members);
int pp_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref row,
                       billtap_ctx *ctx);
int pp_map_plan(billtap_record **out, const char *product_name, const billtap_json *doc,
                billtap_json_ref plan, billtap_ctx *ctx);
/* The plan's REGULAR cycle price. 0, or BILLTAP_EDATA (message through ctx). */
int pp_plan_price(pp_price *out, const billtap_json *doc, billtap_json_ref plan,
                  billtap_ctx *ctx);
int pp_map_subscription(billtap_record **out, const pp_price *price, const billtap_json *doc,
                        billtap_json_ref sub, billtap_ctx *ctx);
/* A decoded copy of a string member, or NULL when absent/null/empty (or out of memory:
 * *oom set). */
char *pp_strdup(const billtap_json *doc, billtap_json_ref ref, int *oom);
/* Like pp_strdup() (NULL for null, absent and ""), but a value that is there and is no
 * text (not a string, or holding \u0000) sets *err to BILLTAP_EDATA instead of passing as
 * null; out of memory sets BILLTAP_ENOMEM (which wins). */
char *pp_text(const billtap_json *doc, billtap_json_ref ref, int *err);

#endif
