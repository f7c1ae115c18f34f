/*
 * The built-in transport: libcurl behind the billtap_transport interface, so the engine
 * drives it exactly as it drives a host's transport (same options, same cancellation).
 *
 * One multi handle per client runs every transfer of the client's iterators: it keeps
 * connections and TLS sessions alive from request to request and runs several transfers
 * at once (start/wait/abort). Easy handles are kept for reuse once their transfer ends.
 *
 * fork(): the handles belong to the process that made them. A child that finds itself
 * using them abandons them (see leave_parent) and opens its own.
 */
#include "http/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* How long perform waits for network activity before it looks at the cancel flag. */
#define POLL_SLICE_MS 100

typedef enum xfer_state { XFER_IDLE, XFER_RUNNING, XFER_DONE } xfer_state;

/* One transfer; its easy handle outlives it, for the next one. */
typedef struct xfer {
	struct bt_curl *owner;
	CURL *easy;
	struct curl_slist *headers;
	billtap_response *resp;
	const billtap_transfer_options *opts;
	unsigned generation; /* the owner's generation when it was made (see leave_parent) */
	xfer_state state;
	int result;              /* XFER_DONE: what perform would return */
	int callback_error;      /* why a body or header callback stopped the transfer */
	curl_off_t seen_bytes;   /* bytes moved either way at the last progress call */
	long long quiet_since;   /* monotonic ms when seen_bytes last changed */
	long stall_ms;           /* abort after this long without a byte (0: never) */
	struct xfer *next;       /* in the idle pool or the done queue */
	struct xfer *all_next;   /* every transfer the owner made, for freeing */
	char errbuf[CURL_ERROR_SIZE];
} xfer;

struct bt_curl {
	pid_t pid;           /* the process the handles belong to */
	unsigned generation; /* bumped when a child abandons its parent's handles */
	CURLM *multi;        /* made on first use */
	xfer *all;
	xfer *idle;
	xfer *done_head, *done_tail; /* finished, not yet reported by wait */
	curl_socket_t *sockets;      /* connections open now, so a child can close its copies */
	size_t socket_count, socket_cap;
};

int bt_curl_new(bt_curl **out)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return BILLTAP_ENOMEM;
	(*out)->pid = getpid();
	return 0;
}

/* ---- sockets: opened and closed through us, so a forked child knows which to close ---- */

static curl_socket_t open_socket(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	bt_curl *t = userp;
	(void)purpose;
	if (t->socket_count == t->socket_cap) {
		size_t cap = t->socket_cap ? t->socket_cap * 2 : 8;
		curl_socket_t *s = realloc(t->sockets, cap * sizeof *s);
		if (!s)
			return CURL_SOCKET_BAD; /* curl reports a failed connect */
		t->sockets = s;
		t->socket_cap = cap;
	}
	int type = a->socktype;
#ifdef SOCK_CLOEXEC
	type |= SOCK_CLOEXEC; /* a program the host execs never inherits our connections */
#endif
	curl_socket_t fd = socket(a->family, type, a->protocol);
	if (fd != CURL_SOCKET_BAD)
		t->sockets[t->socket_count++] = fd;
	return fd;
}

static int close_socket(void *userp, curl_socket_t fd)
{
	bt_curl *t = userp;
	for (size_t i = 0; i < t->socket_count; i++)
		if (t->sockets[i] == fd) {
			t->sockets[i] = t->sockets[--t->socket_count];
			break;
		}
	return close(fd);
}

/*
 * In a child after fork(), everything here belongs to the parent: the multi handle's
 * connection cache holds the parent's connections. Cleaning the handles up would close
 * those connections from the child, and on TLS that sends a close_notify alert over the
 * socket both processes share, ending the parent's connection under it; reusing them
 * would interleave both processes' requests on one connection. So the child abandons them
 * untouched (their memory is never freed: it is the parent's state, copied) and closes only
 * its own copies of the sockets, which leaves the parent's connections open (the socket
 * lives on while the parent holds it). New handles are made on first use.
 */
static void leave_parent(bt_curl *t)
{
	pid_t pid = getpid();
	if (t->pid == pid)
		return;
	for (size_t i = 0; i < t->socket_count; i++)
		close(t->sockets[i]);
	t->socket_count = 0;
	t->multi = NULL;
	t->all = t->idle = t->done_head = t->done_tail = NULL;
	t->generation++;
	t->pid = pid;
}

/* ---- callbacks during a transfer ---- */

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	xfer *x = userp;
	size_t len = size * n;
	/* Returning a short count makes curl abort with CURLE_WRITE_ERROR; why is kept, so
	 * that out of memory is not reported as an over-long body. */
	int rc = billtap_response_append_body(x->resp, data, len);
	if (rc < 0) {
		x->callback_error = rc;
		return 0;
	}
	return len;
}

static size_t on_header(char *line, size_t size, size_t n, void *userp)
{
	xfer *x = userp;
	size_t len = size * n;
	/* A new status line (after a 100 Continue or a redirect we do not follow) starts a
	 * new header block. */
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		bt_response_reset(x->resp);
		return len;
	}
	char *colon = memchr(line, ':', len);
	if (!colon || colon == line)
		return len;
	int rc = billtap_response_add_header(x->resp, line, (size_t)(colon - line), colon + 1,
	                                     len - (size_t)(colon - line) - 1);
	if (rc < 0) {
		x->callback_error = rc;
		return 0;
	}
	return len;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Also the stall timeout: a transfer that moved no byte for stall_ms is stopped (and
 * reported as a timeout, which the engine retries), however long its deadline is. */
static int on_progress(void *userp, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	xfer *x = userp;
	if (billtap_transfer_canceled(x->opts))
		return 1;
	long long now = now_ms();
	if (dn + un != x->seen_bytes) {
		x->seen_bytes = dn + un;
		x->quiet_since = now;
	} else if (x->stall_ms > 0 && now - x->quiet_since >= x->stall_ms) {
		x->callback_error = BILLTAP_ETIMEOUT;
		return 1;
	}
	return 0;
}

/* ---- transfers ---- */

static int map_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		return BILLTAP_ETLS; /* final: a retry meets the same certificate */
	case CURLE_OPERATION_TIMEDOUT: return BILLTAP_ETIMEOUT;
	case CURLE_ABORTED_BY_CALLBACK: return BILLTAP_ECANCELED;
	case CURLE_OUT_OF_MEMORY: return BILLTAP_ENOMEM;
	default: return BILLTAP_ENETWORK;
	}
}

/* Drops what points into the request (headers, body) once the transfer is over. */
static void release_request(xfer *x)
{
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(x->headers);
	x->headers = NULL;
	x->resp = NULL;
	x->opts = NULL;
}

static void recycle(bt_curl *t, xfer *x)
{
	release_request(x);
	x->state = XFER_IDLE;
	x->next = t->idle;
	t->idle = x;
}

static xfer *take_idle(bt_curl *t)
{
	xfer *x = t->idle;
	if (x) {
		t->idle = x->next;
		curl_easy_reset(x->easy); /* forgets the last request's options, keeps nothing else */
		return x;
	}
	x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	if (!(x->easy = curl_easy_init())) {
		free(x);
		return NULL;
	}
	x->owner = t;
	x->generation = t->generation;
	x->all_next = t->all;
	t->all = x;
	return x;
}

static int set_headers(xfer *x, const billtap_request *req)
{
	for (size_t i = 0; i < req->headers.count; i++) {
		bt_buf line = BT_BUF_INIT;
		if (bt_buf_puts(&line, req->headers.items[i].name) < 0 ||
		    bt_buf_puts(&line, ": ") < 0 || bt_buf_puts(&line, req->headers.items[i].value) < 0) {
			bt_buf_free(&line);
			return BILLTAP_ENOMEM;
		}
		struct curl_slist *n = curl_slist_append(x->headers, line.data);
		memset(line.data, 0, line.len); /* may be an Authorization header */
		bt_buf_free(&line);
		if (!n)
			return BILLTAP_ENOMEM;
		x->headers = n;
	}
	/* No "Expect: 100-continue" round trip on POSTs. */
	struct curl_slist *n = curl_slist_append(x->headers, "Expect:");
	if (!n)
		return BILLTAP_ENOMEM;
	x->headers = n;
	return 0;
}

static int prepare(xfer *x, billtap_response *resp, const billtap_request *req,
                   const billtap_transfer_options *opts)
{
	CURL *h = x->easy;
	x->resp = resp;
	x->opts = opts;
	x->errbuf[0] = '\0';
	x->callback_error = 0;
	x->seen_bytes = 0;
	x->quiet_since = now_ms();
	x->stall_ms = bt_transfer_stall_timeout_ms(opts);
	int rc = set_headers(x, req);
	if (rc < 0)
		return rc;
	curl_easy_setopt(h, CURLOPT_PRIVATE, (void *)x);
	curl_easy_setopt(h, CURLOPT_URL, billtap_request_url(req));
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl supports */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);   /* never carry credentials elsewhere */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, opts->user_agent);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	if (opts->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, opts->ca_file);
	if (opts->ca_path)
		curl_easy_setopt(h, CURLOPT_CAPATH, opts->ca_path);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, (void *)x->owner);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
	curl_easy_setopt(h, CURLOPT_CLOSESOCKETDATA, (void *)x->owner);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, (void *)x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, (void *)x);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, (void *)x);

	switch (req->method) {
	case BILLTAP_HTTP_POST:
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		break;
	case BILLTAP_HTTP_HEAD:
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		break;
	case BILLTAP_HTTP_PUT:
	case BILLTAP_HTTP_DELETE:
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, billtap_request_method(req));
		break;
	default:
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	/* A POST always gets its fields, empty if need be: without them libcurl would read
	 * the body from the host's stdin. */
	if (req->has_body || req->method == BILLTAP_HTTP_POST) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, bt_buf_cstr(&req->body));
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
	}
	return 0;
}

/* What perform would return for a finished transfer; describes failures in the response. */
static int outcome(xfer *x, CURLcode cr)
{
	if (cr == CURLE_ABORTED_BY_CALLBACK && x->callback_error == BILLTAP_ETIMEOUT) {
		char msg[96];
		snprintf(msg, sizeof msg, "no data for %ld ms (setting stall_timeout_ms)", x->stall_ms);
		billtap_response_set_error(x->resp, msg);
		return BILLTAP_ETIMEOUT;
	}
	if (cr == CURLE_WRITE_ERROR && x->callback_error) {
		/* One of our callbacks stopped it: say why, as the response setters did. */
		int rc = x->callback_error;
		billtap_response_set_error(x->resp,
		                           rc == BILLTAP_EDATA ? "response body over the size limit"
		                           : rc == BILLTAP_ENOMEM ? "out of memory storing the response"
		                                                  : "a response header was unusable");
		return rc == BILLTAP_EDATA || rc == BILLTAP_ENOMEM ? rc : BILLTAP_ENETWORK;
	}
	if (cr != CURLE_OK) {
		int rc = map_error(cr);
		billtap_response_set_error(x->resp, x->errbuf[0] ? x->errbuf : curl_easy_strerror(cr));
		return rc;
	}
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (billtap_response_set_status(x->resp, (int)status) < 0) {
		billtap_response_set_error(x->resp, "no valid HTTP status in the response");
		return BILLTAP_ENETWORK;
	}
	return 0;
}

/* Moves finished transfers from the multi handle to the done queue. */
static void collect(bt_curl *t)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(t->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		char *p = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
		xfer *x = (xfer *)(void *)p;
		CURLcode cr = m->data.result; /* m is invalid once the handle is removed */
		curl_multi_remove_handle(t->multi, x->easy);
		x->result = outcome(x, cr);
		x->state = XFER_DONE;
		x->next = NULL;
		if (t->done_tail)
			t->done_tail->next = x;
		else
			t->done_head = x;
		t->done_tail = x;
	}
}

/* Lets the transfers progress for at most timeout_ms, returning as soon as one is done. */
static int drive(bt_curl *t, long timeout_ms)
{
	int running = 0;
	if (curl_multi_perform(t->multi, &running) != CURLM_OK)
		return BILLTAP_ENOMEM;
	collect(t);
	if (t->done_head || !running)
		return 0;
	if (curl_multi_poll(t->multi, NULL, 0, (int)timeout_ms, NULL) != CURLM_OK)
		return BILLTAP_ENOMEM;
	if (curl_multi_perform(t->multi, &running) != CURLM_OK)
		return BILLTAP_ENOMEM;
	collect(t);
	return 0;
}

static void unlink_done(bt_curl *t, xfer *x)
{
	xfer **pp = &t->done_head, *prev = NULL;
	while (*pp && *pp != x) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = x->next;
	if (t->done_tail == x)
		t->done_tail = prev;
}

static int transport_start(void **transfer, billtap_response *resp, const billtap_request *req,
                      const billtap_transfer_options *opts, void *payload)
{
	bt_curl *t = payload;
	*transfer = NULL;
	leave_parent(t);
	if (!t->multi && !(t->multi = curl_multi_init())) {
		billtap_response_set_error(resp, "cannot create a curl multi handle");
		return BILLTAP_ENOMEM;
	}
	xfer *x = take_idle(t);
	if (!x) {
		billtap_response_set_error(resp, "cannot create a curl handle");
		return BILLTAP_ENOMEM;
	}
	int rc = prepare(x, resp, req, opts);
	if (rc == 0 && curl_multi_add_handle(t->multi, x->easy) != CURLM_OK)
		rc = BILLTAP_ENOMEM;
	if (rc < 0) {
		billtap_response_set_error(resp, "out of memory preparing the transfer");
		recycle(t, x);
		return rc;
	}
	x->state = XFER_RUNNING;
	/* Connect and send now, so the request travels while the engine does other work. */
	int running;
	if (curl_multi_perform(t->multi, &running) == CURLM_OK)
		collect(t);
	*transfer = x;
	return 0;
}

static int transport_wait(void **done, int *result, long timeout_ms, void *payload)
{
	bt_curl *t = payload;
	*done = NULL;
	*result = 0;
	leave_parent(t);
	if (!t->done_head && t->multi) {
		int rc = drive(t, timeout_ms);
		if (rc < 0)
			return rc;
	}
	xfer *x = t->done_head;
	if (!x)
		return 0;
	unlink_done(t, x);
	*done = x;
	*result = x->result;
	recycle(t, x);
	return 0;
}

static void transport_abort(void *transfer, void *payload)
{
	bt_curl *t = payload;
	xfer *x = transfer;
	leave_parent(t);
	if (!x || x->generation != t->generation || x->state == XFER_IDLE)
		return; /* abandoned with the parent's handles, or already over */
	if (x->state == XFER_RUNNING)
		curl_multi_remove_handle(t->multi, x->easy); /* closes a half-used connection */
	else
		unlink_done(t, x);
	recycle(t, x);
}

static int transport_perform(billtap_response *resp, const billtap_request *req,
                        const billtap_transfer_options *opts, void *payload)
{
	bt_curl *t = payload;
	void *transfer;
	int rc = transport_start(&transfer, resp, req, opts, payload);
	if (rc < 0)
		return rc;
	xfer *x = transfer;
	/* Other transfers may finish meanwhile: they stay queued for wait. */
	while (x->state != XFER_DONE) {
		if (billtap_transfer_canceled(opts)) {
			transport_abort(x, t);
			billtap_response_set_error(resp, "canceled");
			return BILLTAP_ECANCELED;
		}
		if ((rc = drive(t, POLL_SLICE_MS)) < 0) {
			transport_abort(x, t);
			return rc;
		}
	}
	rc = x->result;
	unlink_done(t, x);
	recycle(t, x);
	return rc;
}

/* Frees every transfer and the multi handle, which closes the cached connections through
 * close_socket; the next transport_start makes new ones. */
static void release_handles(bt_curl *t)
{
	for (xfer *x = t->all, *next; x; x = next) {
		next = x->all_next;
		if (x->state == XFER_RUNNING)
			curl_multi_remove_handle(t->multi, x->easy);
		release_request(x);
		curl_easy_cleanup(x->easy);
		free(x);
	}
	curl_multi_cleanup(t->multi);
	t->multi = NULL;
	t->all = t->idle = t->done_head = t->done_tail = NULL;
}

void bt_curl_close_idle(bt_curl *t)
{
	leave_parent(t); /* a child frees only what is its own */
	for (xfer *x = t->all; x; x = x->all_next)
		if (x->state != XFER_IDLE)
			return; /* a transfer's owner still expects it */
	release_handles(t);
}

static void transport_free(void *payload)
{
	bt_curl *t = payload;
	if (!t)
		return;
	leave_parent(t); /* a child frees only what is its own */
	release_handles(t);
	free(t->sockets);
	free(t);
}

const billtap_transport bt_curl_transport = {
	BILLTAP_TRANSPORT_VERSION, transport_perform, transport_free, transport_start, transport_wait, transport_abort,
};
