/* The client, iterator, context and sink as the engine sees them. */
#ifndef BILLTAP_CORE_H
#define BILLTAP_CORE_H

#include <stdatomic.h>
#include <sys/types.h>

#include "billtap/provider.h"
#include "http/http.h"
#include "util/buf.h"
#include "util/redact.h"

typedef struct bt_setting_value {
	const billtap_setting_def *def;
	char *value;
} bt_setting_value;

/* Setting values as the host set them, each definition at most once; a setting not listed
 * has its default. The client holds the current ones; each iterator a copy made when it
 * was created, which everything the iterator does reads (engine/settings.c). */
typedef struct bt_settings {
	bt_setting_value *values;
	size_t count;
} bt_settings;

struct bt_provider_entry;

#define BT_NOTED_SECRETS 16

/* The secrets a client's messages and log events are scrubbed of (engine/redact.c). */
typedef struct bt_secrets {
	/* Credentials its requests carried (Authorization values, their tokens, a Basic pair
	 * decoded) and secret setting values replaced, newest first; wiped when dropped. */
	char *noted[BT_NOTED_SECRETS];
	/* The secret settings' values and the noted ones, in every form looked for: rebuilt
	 * when one of them changes, never per message or event. */
	bt_secret_set set;
	uint64_t builds;  /* times set was rebuilt */
	int incomplete;   /* memory ran out building it: redaction then shows nothing */
} bt_secrets;

struct bt_flight;

/* A request rate a provider declared (billtap_ctx_set_rate); per_second 0: none. */
typedef struct bt_rate {
	double per_second, burst;
} bt_rate;

/* Where an iterator's (or a client's) log events go: billtap_client_set_log(). */
typedef struct bt_log_sink {
	billtap_log_fn fn;
	int min_level;
	void *payload;
} bt_log_sink;

struct billtap_client {
	struct bt_provider_entry *entry; /* the registry entry, referenced while we live */
	const billtap_provider *provider; /* its vtable */
	int64_t (*clock)(void *payload);  /* the host's clock, or NULL for time() */
	void *clock_payload;
	bt_settings settings;          /* the values the host set, for new iterators */
	uint64_t settings_generation; /* counts billtap_client_set() calls that changed them */

	/* The transport: the host's, or the built-in one (bt_curl_transport). */
	billtap_transport transport;
	void *transport_payload;
	struct bt_flight *running; /* transfers started and not yet done, of every iterator */
	pid_t pid;                 /* the process the connections and session belong to */

	struct bt_session *session; /* for new iterators; NULL until the first one */
	int session_stale;          /* settings changed (or the process forked) since it was made */
	int live_iters;
	int freed; /* billtap_client_free was called; the last iterator releases the client */

	/* The last error, and a count of errors recorded, so the engine can tell whether a
	 * provider callback recorded the error it returned. */
	int err_code;
	int err_http_status;
	bt_buf err_message;
	char *err_request_id;
	char *err_provider_code;
	uint64_t err_serial;

	bt_log_sink log;                 /* for iterators created from now on */
	billtap_limiter *shared_limiter; /* billtap_client_set_limiter(), or NULL */
	billtap_limiter *own_limiter;    /* made from the rates the last iterator needed */
	bt_secrets secrets; /* what its messages and log events never show */
};

/* A provider session (e.g. an OAuth token) and how many hold it: the client while it is
 * current, and each iterator made with it. A settings change gives new iterators a new
 * session; iterators already running keep theirs, so a token is never reused for other
 * credentials or sent to another host. */
typedef struct bt_session {
	void *data;
	int refs;
	bt_rate rate; /* declared by session_new, for iterators whose stream declares none */
} bt_session;

/* An entry of the iterator's queue: a record or a resume mark. */
typedef struct bt_entry {
	billtap_record *rec;
	char *mark;
} bt_entry;

struct billtap_sink {
	struct billtap_iter *iter;
	struct billtap_ctx *ctx; /* the call's context: sink errors are recorded through it */
	const billtap_request *req;   /* the request answered, NULL for a LOCAL turn */
	const billtap_response *resp; /* and its answer */
};

/* The loop guards' memory of one list (engine/guard.c). */
typedef struct bt_guard_list {
	char *list;          /* its name; NULL: a free slot */
	char *next;          /* the cursor its last page led to */
	uint64_t used;       /* when it was last reported, to reuse the oldest slot */
	int64_t page;        /* the last page number stated, or -1 */
	int64_t total_items; /* the last total stated, or -1 */
	int64_t received;    /* items on its pages so far */
	int64_t empty_run;   /* empty pages in a row that claimed more */
} bt_guard_list;

#define BT_GUARD_LISTS 4
/* Ids (their hashes) of the last records returned that a checkpoint carries, so a resumed
 * pass still recognises them (engine/guard.c, checkpoint.c). */
#define BT_RECENT_IDS 16

typedef struct bt_guard {
	bt_guard_list lists[BT_GUARD_LISTS];
	uint64_t clock;
	bt_guard_list pending; /* reported by the stream_response call under way */
	int has_pending;
	uint64_t *ids[2];      /* hashes of ids returned: current and previous generation */
	size_t ids_count;      /* in the current one */
	uint64_t recent[BT_RECENT_IDS]; /* the last ones added, a ring: next to write at */
	size_t recent_count, recent_next;
} bt_guard;

struct billtap_ctx {
	billtap_client *client;
	billtap_resource resource;
	/* Said about the response a stream_response call is given (a refused long wait),
	 * added to any error recorded during that call; NULL otherwise. */
	const char *note;
	/* The settings the provider reads: the iterator's copy (never the client's current
	 * values, which the host may change while the iterator runs). NULL only in contexts
	 * made for recording errors, where billtap_ctx_setting() finds nothing. */
	const bt_settings *settings;
	/* Where billtap_ctx_set_rate() stores a declared rate: set for stream_new and
	 * session_new only. */
	bt_rate *rate;
};

/* One request of an iterator, from stream_request until its response was handed to
 * stream_response. An iterator holds up to its max_in_flight of them, in request order. */
typedef enum bt_flight_state {
	BT_FLIGHT_PENDING, /* to be sent (again) once send_at has passed */
	BT_FLIGHT_RUNNING, /* a transfer of the transport */
	BT_FLIGHT_DONE,    /* a final response (or a LOCAL turn) waits for stream_response */
	BT_FLIGHT_FAILED   /* no response after every allowed retry: error, error_msg */
} bt_flight_state;

typedef struct bt_flight {
	struct billtap_iter *iter;
	billtap_request req;
	billtap_response resp;
	bt_flight_state state;
	int local;               /* a BILLTAP_PROVIDER_LOCAL turn: no request, no response */
	void *transfer;          /* the transport's name for it while RUNNING */
	int attempt;             /* retries made */
	int64_t send_at;         /* monotonic ms before which it is not sent (backoff) */
	int64_t refused_wait_ms; /* the service asked to wait longer than billtap does */
	int paced;               /* its next send's token is reserved (engine/pacing.c) */
	int garbled;             /* its answer was a 2xx whose body is not the JSON promised */
	int error;               /* BT_FLIGHT_FAILED */
	bt_buf error_msg;
	struct bt_flight *prev, *next; /* in the client's list of running transfers */
} bt_flight;

/* Hex digits of an account fingerprint in a checkpoint (engine/checkpoint.c). */
#define BT_FINGERPRINT_LEN 32

/* What billtap_transfer_options.engine points to: the cancel flag a transport polls
 * (billtap_transfer_canceled) and, for the built-in transport, the stall timeout. */
typedef struct bt_transfer_link {
	atomic_int cancel;
	long stall_timeout_ms; /* setting stall_timeout_ms; 0: none */
} bt_transfer_link;

/* A record skipped under bad_records=skip (engine/reject.c): what the log event
 * "record_skipped" carries. */
typedef struct bt_skipped {
	char *id;       /* the provider's id, or NULL */
	char *reason;   /* the message recorded for it */
	char *raw;      /* the provider's object (NUL-terminated copy), or NULL */
	size_t raw_len;
} bt_skipped;

typedef struct bt_rejects {
	bt_skipped *pending; /* skipped during the stream_response call under way */
	size_t count, cap;
	bt_skipped last;     /* the last one reported (also kept for tests and debuggers) */
} bt_rejects;

/* Engine settings, read when an iterator is created (running iterators keep them). */
typedef struct bt_iter_settings {
	int64_t max_retries, retry_base_ms, retry_max_ms, max_in_flight;
	bt_rate rate_limit; /* the rate_limit / rate_burst settings; per_second < 0: unset,
	                       0: pacing off */
	int64_t max_empty_pages; /* loop guard: empty pages in a row that may claim more */
	int skip_bad_records;    /* bad_records=skip */
	char *user_agent; /* "billtap/VERSION" plus the user_agent setting */
	char *ca_file, *ca_path;
	billtap_transfer_options transfer; /* points into the strings above */
} bt_iter_settings;

struct billtap_iter {
	billtap_client *client;
	billtap_resource resource;
	int64_t since;
	bt_session *session;
	void *stream;
	pid_t pid;   /* the process its transfers, session and stream belong to */
	int renew;   /* forked: a new session and stream before the next request (fork.c) */
	bt_settings values;           /* the client's setting values when it was created */
	uint64_t settings_generation; /* and the client's settings_generation then */
	bt_iter_settings settings;    /* the engine's, read from values */

	/* Requests in flight: a ring of flight_cap, oldest (the next to hand over) first. */
	bt_flight *flights;
	size_t flight_cap, f_head, f_count;
	int stream_paused; /* WAIT (or ITEROVER) with requests outstanding: ask after the next */

	bt_entry *queue;
	size_t q_head, q_len, q_cap;
	/* The answer the queued records came from ("GET /v1/customers (request req_1)"; empty
	 * when none or local): the queue is filled only once it is empty, so one answer. Named
	 * in errors about a queued record. */
	char queued_from[160];
	billtap_record *returned; /* the borrowed record handed out last */

	/* The checkpoint after the last returned record: resume at mark, skip records. */
	char *mark;
	uint64_t skip;
	char *last_id;     /* id of the last record counted in skip */
	uint64_t to_skip;  /* records still to drop after a resume */
	char *expect_id;   /* the id the last dropped record must have */
	int done;
	/* An incremental pass (BILLTAP_ITER_INCREMENTAL or started from its tokens): ends
	 * with a sync token. */
	int incremental;
	int over; /* billtap_iter_next() returned BILLTAP_ITEROVER */
	int broken;        /* a sticky error code (a checkpoint that no longer fits) */
	char *broken_msg;  /* and its message, repeated on every later call */
	int provider_retries;

	bt_guard guard; /* loop guards (engine/guard.c) */

	bt_transfer_link link; /* billtap_transfer_options.engine points here */
	uint64_t requests, retries, records;
	/* The rest of billtap_iter_metrics (skipped_records: bad_records=skip). */
	uint64_t pages, bytes, rate_limited, waits, wait_ms, skipped_records;

	bt_log_sink log;          /* the client's when the iterator was created */
	billtap_limiter *limiter; /* paces its requests (engine/pacing.c), or NULL */
	bt_rate declared;         /* the rate its stream declared */
	bt_rejects rejects;       /* the last skipped record (engine/reject.c) */
	uint64_t rng;
	bt_buf checkpoint;
	char account[BT_FINGERPRINT_LEN + 1]; /* the account fingerprint its checkpoints carry */
};

/* client.c */
const billtap_setting_def *bt_client_find_setting(const billtap_client *c, const char *key);
/* A session for the iterator, with a reference taken for it: the client's current one when
 * the iterator has the client's current settings (made now, from the iterator's values,
 * when there is none or it is stale), else one of its own. Errors are recorded. */
int bt_client_session_acquire(bt_session **out, billtap_iter *it);
void bt_client_session_release(billtap_client *c, bt_session *session);

/* client.c */
void bt_client_destroy(billtap_client *c);

/* error.c */
void bt_error_clear(billtap_client *c);
/* Clears the previous error, if any: called as each fallible entry point starts. */
static inline void bt_error_reset(billtap_client *c)
{
	if (c->err_code || c->err_message.len)
		bt_error_clear(c);
}
/* Records an error; message parts are joined as given. Returns code. */
int bt_error_set(billtap_client *c, int code, const char *message);
int bt_error_setf(billtap_client *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void bt_error_set_http(billtap_client *c, int http_status, const char *request_id,
                       const char *provider_code);

/* engine/queue.c */
int bt_queue_push(billtap_iter *it, billtap_record *rec, char *mark);
int bt_queue_pop(billtap_iter *it, bt_entry *out);
int bt_queue_peek_mark(const billtap_iter *it);
void bt_queue_truncate(billtap_iter *it, size_t keep);
void bt_queue_free(billtap_iter *it);

/* engine/settings.c: setting values, their copies for iterators, and the engine's
 * settings of a new iterator (read from its copy). */
/* The value of `key` in vals, else the setting's default; NULL when neither (or no such
 * setting). */
const char *bt_settings_get(const bt_settings *vals, const billtap_client *c, const char *key);
/* Parses an integer setting's text as billtap_client_set() accepts it: 0, or -1. */
int bt_setting_parse_int(int64_t *out, const char *text);
/* 0 with the integer value, BILLTAP_ENOTFOUND when unset, BILLTAP_ESETTING when the value
 * is not a decimal integer. Records nothing. */
int bt_settings_get_int(int64_t *out, const bt_settings *vals, const billtap_client *c,
                        const char *key);
/* Parses a rate setting (rate_limit, rate_burst): a plain decimal ("25", "0.8"), no sign
 * or exponent, at most 1e9. 0 or -1. */
int bt_setting_parse_rate(double *out, const char *text);
/* 1 when key names one of those settings. */
int bt_setting_is_rate(const char *key);
/* Copies src into dst (emptied first). 0 or BILLTAP_ENOMEM (dst then empty). */
int bt_settings_copy(bt_settings *dst, const bt_settings *src);
/* Frees the values, wiping secrets; and one value (its def stays). */
void bt_settings_free(bt_settings *s);
void bt_setting_value_free(bt_setting_value *v);
int bt_iter_settings_read(bt_iter_settings *out, billtap_iter *it);
void bt_iter_settings_free(bt_iter_settings *s);

/* The context of a provider call made for an iterator: its resource and its settings. */
static inline billtap_ctx bt_iter_ctx(billtap_iter *it, const char *note)
{
	billtap_ctx ctx = { it->client, it->resource, note, &it->values, NULL };
	return ctx;
}

/* engine/inflight.c: the iterator's requests in flight and the transport under them. */
int bt_flights_init(billtap_iter *it);
bt_flight *bt_flight_head(billtap_iter *it);
bt_flight *bt_flight_tail(billtap_iter *it);
/* A new flight at the tail (request and response emptied), or NULL when the ring is full. */
bt_flight *bt_flight_push(billtap_iter *it);
/* Forgets the head, once stream_response has had it. */
void bt_flight_pop(billtap_iter *it);
/* Drops every flight behind the head, aborting their transfers: the stream asks again. */
void bt_flights_drop_behind_head(billtap_iter *it);
/* Drops every flight, aborting its transfer: the stream's requests are forgotten. */
void bt_flights_drop_all(billtap_iter *it);
/* Aborts every transfer; the requests stay, to be sent again unchanged. */
void bt_flights_rewind(billtap_iter *it);
/* After fork(): forgets the parent's transfers without touching them (see fork.c). */
void bt_flights_forget_transfers(billtap_iter *it);
void bt_flights_free(billtap_iter *it);
/* Runs the transport until the head flight is DONE or FAILED. 0, or BILLTAP_ECANCELED /
 * a transport failure, recorded on the client. */
int bt_flights_drive(billtap_iter *it);
/* Starts the flights that are due, without waiting for any (a transport with start). */
void bt_flights_start(billtap_iter *it);
/* Aborts every running flight of it and says BILLTAP_ECANCELED (billtap_iter_cancel). */
int bt_flights_cancel(billtap_iter *it);

/* engine/transfer.c: what follows one attempt of a flight that ended with rc (0: a
 * response is in f->resp): a retry later (PENDING), a final response (DONE) or FAILED. */
void bt_transfer_outcome(bt_flight *f, int rc);
/* A monotonic clock in milliseconds, for backoff. */
int64_t bt_monotonic_ms(void);
/* Sleeps up to ms, waking early on cancel. BILLTAP_ECANCELED when canceled. */
int bt_nap(billtap_iter *it, int64_t ms);

/* engine/pacing.c: the iterator's limiter, chosen once its stream exists: the client's
 * shared one, else one of the rate_limit setting, else one of the provider's declared
 * rate, else none. 0 or BILLTAP_ENOMEM / BILLTAP_EINVAL, recorded. */
int bt_pacing_choose(billtap_iter *it);
/* Before sending f (due now): 1 when the limiter wants it to wait first (send_at moved
 * on, the wait counted and logged), 0 to send it now. */
int bt_pacing_hold(bt_flight *f, int64_t now_ms);
/* An answer came back for f: a 429 slows its limiter down. */
void bt_pacing_answered(bt_flight *f);

/* engine/log.c: structured, redacted log events (billtap_client_set_log). */
typedef struct bt_log_fields {
	int level;
	const char *event;
	const char *message;   /* built by the caller; redacted here */
	const bt_flight *flight; /* gives method, path, attempt and its credentials, or NULL */
	int http_status;
	int attempt;
	int64_t wait_ms;       /* -1: none */
	const char *request_id;
	int code;
	const char *record_id;
	const char *raw_json;
	size_t raw_len;
} bt_log_fields;
static inline int bt_log_wants(const bt_log_sink *s, int level)
{
	return s->fn && level >= s->min_level;
}
/* Sends one event to the iterator's log (if it wants that level), every text redacted. */
void bt_log_iter(billtap_iter *it, const bt_log_fields *fields);
/* The events the engine sends. */
void bt_log_request(bt_flight *f);
void bt_log_response(bt_flight *f);
void bt_log_retry(bt_flight *f, int code, int64_t wait_ms);
void bt_log_wait(bt_flight *f, int64_t wait_ms, int slowed);
/* The head flight's answer was handled: it pushed the queue's entries from `first` on. */
void bt_log_page(billtap_iter *it, size_t first);
void bt_log_checkpoint(billtap_iter *it);
/* The error a call returns (rc), from the client's last error: through the iterator's log,
 * or with it NULL the client's (for billtap_iter_new). */
void bt_log_error(billtap_client *c, billtap_iter *it, billtap_resource resource, int rc);
/* For the bad-record policy: a record refused and skipped (counted by the caller). */
void bt_log_record_skipped(billtap_iter *it, int code, const char *id, const char *raw_json,
                           size_t raw_len, const char *message);

/* engine/fork.c: called as calls on a client or iterator start. After fork(), in the
 * child: a new provider session for new iterators, the parent's transfers forgotten, and
 * an iterator carried over marked for renewal. */
void bt_fork_check_client(billtap_client *c);
void bt_fork_check_iter(billtap_iter *it);
/* Gives an iterator marked for renewal a session and a stream of its own process,
 * resuming where the host stands. 0 (also when there was nothing to renew) or an error,
 * recorded; the iterator is unchanged on error, so the next call tries again. */
int bt_fork_renew_iter(billtap_iter *it);

/* error.c: a provider callback's status. A negative one must have been recorded (the
 * client's err_serial moved past `serial` with that code); one that was not is reported
 * as a provider bug naming the slot. Returns rc. */
int bt_provider_status(billtap_ctx *ctx, const char *slot, uint64_t serial, int rc);
/* The client's clock (the host's, else the system's), Unix seconds. */
int64_t bt_client_now(const billtap_client *c);

/* engine/guard.c: the loop guards. A page reported during a stream_response call is
 * committed when the call succeeds, discarded when it fails. */
void bt_guard_commit(bt_guard *g);
void bt_guard_discard(bt_guard *g);
void bt_guard_free(bt_guard *g);
/* 1 when a record with this id was returned in this pass already, 0 when not (*hash then
 * names it for bt_guard_id_add, which cannot fail), or BILLTAP_ENOMEM. */
int bt_guard_id_check(bt_guard *g, const char *id, uint64_t *hash);
void bt_guard_id_add(bt_guard *g, uint64_t hash);
/* Remembers a hash a checkpoint carried (unless known): 0 or BILLTAP_ENOMEM. */
int bt_guard_id_seed(bt_guard *g, uint64_t hash);
/* The hashes of the last ids added, oldest first, into out[BT_RECENT_IDS]: their count. */
size_t bt_guard_recent(const bt_guard *g, uint64_t out[BT_RECENT_IDS]);

/* engine/reject.c: the bad-record policy. Skips made during a stream_response call are
 * counted and reported when it succeeds (commit), forgotten when it fails (discard). */
void bt_rejects_commit(billtap_iter *it);
void bt_rejects_discard(bt_rejects *r);
void bt_rejects_free(bt_rejects *r);

/* engine/redact.c: secrets out of messages and log events, credentials off clear-text
 * connections. */
/* Rebuilds c's secret set from its settings and noted credentials: 0 or BILLTAP_ENOMEM
 * (not recorded; redaction then shows nothing until a build succeeds). */
int bt_secrets_update(billtap_client *c);
/* A setting's value old is being replaced or dropped: when d is secret it stays known,
 * since iterators made before hold it still. bt_secrets_update() follows. */
void bt_secrets_note_setting(billtap_client *c, const billtap_setting_def *d, const char *old);
/* The credentials req carries, noted before it is sent; the set is rebuilt when new. */
void bt_secrets_note_request(billtap_client *c, const billtap_request *req);
void bt_secrets_free(billtap_client *c);
/* Appends text[0..len) redacted against c's secret set (util/redact.h): 0, or -1 when out
 * of memory or the set is incomplete (the caller then shows nothing of the text). */
int bt_redact_into(const billtap_client *c, bt_buf *out, const char *text, size_t len);
/* Scrubs b (wiping what it held) the same way; all of it becomes BT_REDACTED on -1. */
void bt_redact(const billtap_client *c, bt_buf *b);
/* ESETTING (recorded) when a URL setting is http:// to a host other than this machine and
 * allow_insecure_http is off; else 0. */
int bt_check_insecure_urls(billtap_iter *it);

/* engine/checkpoint.c */
/* The account fingerprint of settings `values` of client c: 32 hex digits. */
void bt_checkpoint_fingerprint(char out[BT_FINGERPRINT_LEN + 1], const billtap_client *c,
                               const bt_settings *values);
/* The token of the iterator's position; with sync, the sync token of its finished
 * incremental pass. 0 or BILLTAP_ENOMEM. */
int bt_checkpoint_encode(billtap_iter *it, int sync, bt_buf *out);
typedef struct bt_checkpoint {
	char *provider, *resource, *mark, *last_id;
	char *account; /* the fingerprint, NULL in tokens of 0.1 */
	uint64_t recent[BT_RECENT_IDS]; /* hashes of the last ids returned ("h", since 0.2) */
	size_t recent_count;
	int64_t since;
	uint64_t skip;
	int incremental; /* "x": a checkpoint of an incremental pass (since 0.2) */
	int sync;        /* "y": a sync token, the end of such a pass */
} bt_checkpoint;
int bt_checkpoint_decode(bt_checkpoint *cp, const char *token, char *msg, size_t cap);
void bt_checkpoint_free(bt_checkpoint *cp);

#endif
