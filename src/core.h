/* The client, iterator, context and sink as the engine sees them. */
#ifndef BILLTAP_CORE_H
#define BILLTAP_CORE_H

#include <stdatomic.h>

#include "billtap/provider.h"
#include "http/http.h"
#include "util/buf.h"

typedef struct bt_setting_value {
	const billtap_setting_def *def;
	char *value;
} bt_setting_value;

struct bt_provider_entry;

struct billtap_client {
	struct bt_provider_entry *entry; /* the registry entry, referenced while we live */
	const billtap_provider *provider; /* its vtable */
	int64_t (*clock)(void *payload);  /* the host's clock, or NULL for time() */
	void *clock_payload;
	bt_setting_value *settings; /* values the host set */
	size_t setting_count;

	billtap_transport transport; /* host transport when transport.perform != NULL */
	void *transport_payload;
	bt_curl *curl; /* the built-in transport, created on first use */

	struct bt_session *session; /* for new iterators; NULL until the first one */
	int session_stale;          /* settings changed since it was made */
	int live_iters;
	int freed; /* billtap_client_free was called; the last iterator releases the client */

	/* The last error. */
	int err_code;
	int err_http_status;
	bt_buf err_message;
	char *err_request_id;
	char *err_provider_code;
};

/* A provider session (e.g. an OAuth token) and how many hold it: the client while it is
 * current, and each iterator made with it. A settings change gives new iterators a new
 * session; iterators already running keep theirs, so a token is never reused for other
 * credentials or sent to another host. */
typedef struct bt_session {
	void *data;
	int refs;
} bt_session;

/* An entry of the iterator's queue: a record or a resume mark. */
typedef struct bt_entry {
	billtap_record *rec;
	char *mark;
} bt_entry;

struct billtap_sink {
	struct billtap_iter *iter;
	struct billtap_ctx *ctx; /* the call's context: sink errors are recorded through it */
};

struct billtap_ctx {
	billtap_client *client;
	billtap_resource resource;
};

struct billtap_iter {
	billtap_client *client;
	billtap_resource resource;
	int64_t since;
	bt_session *session;
	void *stream;
	billtap_request req;
	billtap_response resp;

	bt_entry *queue;
	size_t q_head, q_len, q_cap;
	billtap_record *returned; /* the borrowed record handed out last */

	/* The checkpoint after the last returned record: resume at mark, skip records. */
	char *mark;
	uint64_t skip;
	char *last_id;     /* id of the last record counted in skip */
	uint64_t to_skip;  /* records still to drop after a resume */
	char *expect_id;   /* the id the last dropped record must have */
	int done;
	int broken;        /* a sticky error code (a checkpoint that no longer fits) */
	char *broken_msg;  /* and its message, repeated on every later call */
	int provider_retries;

	int64_t refused_wait_ms; /* a Retry-After longer than billtap waits, on the last answer */
	atomic_int cancel;
	uint64_t requests, retries, records;
	uint64_t rng;
	bt_buf checkpoint;
};

/* client.c */
const billtap_setting_def *bt_client_find_setting(const billtap_client *c, const char *key);
const char *bt_client_setting(const billtap_client *c, const char *key);
int bt_client_setting_int(int64_t *out, const billtap_client *c, const char *key);
/* The session for a new iterator, with a reference taken for it. */
int bt_client_session_acquire(bt_session **out, billtap_client *c);
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

/* engine/transfer.c: sends it->req until a final response is in it->resp. */
int bt_transfer(billtap_iter *it);

/* engine/checkpoint.c */
int bt_checkpoint_encode(billtap_iter *it, bt_buf *out);
typedef struct bt_checkpoint {
	char *provider, *resource, *mark, *last_id;
	int64_t since;
	uint64_t skip;
} bt_checkpoint;
int bt_checkpoint_decode(bt_checkpoint *cp, const char *token, char *msg, size_t cap);
void bt_checkpoint_free(bt_checkpoint *cp);

#endif
