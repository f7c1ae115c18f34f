#include "sandbox_http.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "sandbox_buf.h"
#include "sandbox_delivery.h"
#include "sandbox_epochs.h"
#include "sandbox_json.h"
#include "sandbox_query.h"
#include "sandbox_replay.h"
#include "sandbox_stats.h"

#define SB_CONTROL_PREFIX "/_sandbox/"

struct sb_server {
    struct MHD_Daemon *daemon;
    const sb_provider *provider;
    sb_epochs *epochs;
    const sb_faults *faults;
    sb_replay *replay;    /* the latest page of each list, when some fault repeats one */
    sb_ratelimit *limiter;
    sb_latency latency;   /* every answer's delay (--latency-ms, --latency-jitter-ms) */
    sb_stats *stats;      /* what was served, for GET /_sandbox/stats */
    int verbose, truth;   /* truth: truth files are written (changes are counted) */
    unsigned port;
    pthread_mutex_t lock; /* request counter and fault lookup */
    uint64_t counter;
};

/* Per-request state. The URI log callback sees the raw request target, before
 * libmicrohttpd splits and decodes it, so we parse the query string ourselves. */
typedef struct conn_state {
    char *uri;
    int started;
    sb_buf body; /* the request body, at most SB_MAX_BODY bytes (the rest is dropped) */
} conn_state;

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    conn_state *cs = sb_xcalloc(1, sizeof *cs);
    cs->uri = sb_xstrdup(uri ? uri : "/");
    return cs;
}

static void completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                      enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_state *cs = *con_cls;
    if (cs) {
        free(cs->uri);
        sb_buf_free(&cs->body);
        free(cs);
        *con_cls = NULL;
    }
}

static const char *lookup_header(const sb_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

/* libmicrohttpd's own messages. A dropped connection (drop@N) makes it report an
 * "internal error", a body cut short (cut, cutchunked, stallclose) an "error generating"
 * it; those are expected, so say them only with --verbose. */
__attribute__((format(printf, 2, 0)))
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    const sb_server *s = cls;
    if (!s->verbose && (strstr(fmt, "Application reported internal error") || strstr(fmt, "error generating")))
        return;
    fputs("billtap-sandbox: libmicrohttpd: ", stderr);
    vfprintf(stderr, fmt, ap);
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* repeat@N: a list page answers the latest page of its list again (when it has one);
 * every other good page of a list becomes its latest. Returns 1 when resp now holds an
 * earlier page again (what --verbose names "repeat"). */
static int repeat_or_remember(sb_server *s, void *state, const sb_request *req, int repeat, sb_response *resp)
{
    if (!s->replay || resp->status != 200)
        return 0;
    sb_buf key;
    sb_buf_init(&key);
    int replayed = 0;
    if (s->provider->list_key(state, req, &key)) {
        replayed = repeat && sb_replay_get(s->replay, sb_buf_str(&key), resp);
        if (!replayed)
            sb_replay_put(s->replay, sb_buf_str(&key), resp);
    }
    sb_buf_free(&key);
    return replayed;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned status, const char *body)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result control_error(struct MHD_Connection *conn, unsigned status, const char *message)
{
    sb_buf b;
    sb_buf_init(&b);
    sb_json j;
    sbj_init(&j, &b, 0);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "error");
    sbj_kstr(&j, "message", message);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&b, '\n');
    enum MHD_Result rc = answer(conn, status, sb_buf_str(&b));
    sb_buf_free(&b);
    return rc;
}

/* GET /_sandbox/stats (tests/sandbox/README.md, "Latency and stats"): no parameters. */
static enum MHD_Result stats(sb_server *s, struct MHD_Connection *conn, const char *method, const sb_params *params)
{
    if (strcmp(method, "GET") != 0)
        return control_error(conn, 405, "use GET /_sandbox/stats");
    if (params->n)
        return control_error(conn, 400, "unknown parameter: /_sandbox/stats takes none");
    sb_buf b;
    sb_buf_init(&b);
    sb_stats_json(s->stats, &b);
    enum MHD_Result rc = answer(conn, 200, sb_buf_str(&b));
    sb_buf_free(&b);
    return rc;
}

/* The control endpoints (tests/sandbox/README.md, "Advancing the world" and "Latency and
 * stats"): POST /_sandbox/advance?days=D and GET /_sandbox/stats, outside every provider's
 * API and outside request numbering, faults, latency and rate limits. */
static enum MHD_Result control(sb_server *s, struct MHD_Connection *conn, const char *method, const char *uri)
{
    char *path = sb_xstrdup(uri);
    char *q = strchr(path, '?');
    sb_params params;
    sb_params_parse(&params, q ? q + 1 : "");
    if (q)
        *q = '\0';
    enum MHD_Result rc;
    if (strcmp(path, SB_CONTROL_PREFIX "stats") == 0) {
        rc = stats(s, conn, method, &params);
        sb_params_free(&params);
        free(path);
        return rc;
    }
    int64_t days = 1;
    const char *bad = NULL;
    for (size_t i = 0; i < params.n && !bad; i++) {
        const char *k = params.items[i].key, *v = params.items[i].value;
        if (strcmp(k, "days") != 0)
            bad = "unknown parameter: only days is accepted";
        else if (sb_parse_int64(v, &days) != 0 || days < 1 || days > 400)
            bad = "days must be an integer from 1 to 400";
    }
    if (strcmp(path, SB_CONTROL_PREFIX "advance") != 0) {
        rc = control_error(conn, 404, "unknown control endpoint: they are POST /_sandbox/advance?days=D and GET /_sandbox/stats");
    } else if (strcmp(method, "POST") != 0) {
        rc = control_error(conn, 405, "use POST /_sandbox/advance?days=D");
    } else if (bad) {
        rc = control_error(conn, 400, bad);
    } else {
        char err[512] = "", body[160];
        int epoch;
        int64_t now;
        size_t changes;
        if (sb_epochs_advance(s->epochs, (int)days, &epoch, &now, &changes, err, sizeof err) != 0) {
            rc = control_error(conn, 500, err);
        } else {
            if (s->truth)
                snprintf(body, sizeof body, "{\"epoch\":%d,\"now\":%lld,\"changes\":%zu}\n", epoch, (long long)now, changes);
            else
                snprintf(body, sizeof body, "{\"epoch\":%d,\"now\":%lld,\"changes\":null}\n", epoch, (long long)now);
            rc = answer(conn, 200, body);
        }
        if (s->verbose)
            fprintf(stderr, "%s %s -> advanced %lld days%s%s\n", method, uri, (long long)days, err[0] ? ": " : "", err);
    }
    sb_params_free(&params);
    free(path);
    return rc;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *conn, const char *url,
                               const char *method, const char *version, const char *upload_data,
                               size_t *upload_data_size, void **con_cls)
{
    (void)version;
    (void)upload_data;
    sb_server *s = cls;
    conn_state *cs = *con_cls;
    if (!cs) {
        cs = uri_log(NULL, url, conn);
        *con_cls = cs;
    }
    if (!cs->started) {
        cs->started = 1;
        return MHD_YES;
    }
    if (*upload_data_size) { /* kept for the module (PayPal's token endpoint reads it) */
        size_t room = cs->body.len < SB_MAX_BODY ? SB_MAX_BODY - cs->body.len : 0;
        size_t n = *upload_data_size < room ? *upload_data_size : room;
        if (n)
            sb_buf_add(&cs->body, upload_data, n);
        *upload_data_size = 0;
        return MHD_YES;
    }

    if (strncmp(cs->uri, SB_CONTROL_PREFIX, strlen(SB_CONTROL_PREFIX)) == 0)
        return control(s, conn, method, cs->uri);

    sb_fault_action fa;
    pthread_mutex_lock(&s->lock);
    uint64_t number = ++s->counter;
    sb_faults_lookup(s->faults, number, &fa);
    pthread_mutex_unlock(&s->lock);
    sb_stats_begin(s->stats);
    unsigned latency = sb_latency_for(&s->latency, number);

    if (fa.delay_ms)
        sleep_ms(fa.delay_ms);
    if (fa.drop) {
        sleep_ms(latency); /* the connection closes as late as an answer would come */
        if (s->verbose)
            fprintf(stderr, "#%" PRIu64 " %s %s -> dropped\n", number, method, cs->uri);
        sb_stats_end(s->stats, 0, latency);
        return MHD_NO; /* libmicrohttpd closes the connection without a response */
    }

    char *path = sb_xstrdup(cs->uri);
    char *q = strchr(path, '?');
    const char *query = "";
    if (q) {
        *q = '\0';
        query = q + 1;
    }
    sb_params params;
    sb_params_parse(&params, query);
    sb_percent_decode(path, 0);

    sb_request req = {
        .method = method,
        .path = path,
        .params = &params,
        .number = number,
        .body = sb_buf_str(&cs->body),
        .body_len = cs->body.len,
        .limiter = s->limiter,
        .fault = &fa,
        .header = lookup_header,
        .conn = conn,
    };
    sb_response resp;
    sb_response_init(&resp);
    int repeated = 0;
    sb_epoch *epoch = sb_epochs_acquire(s->epochs); /* one epoch for the whole request */
    void *state = sb_epoch_state(epoch);
    if (fa.status) {
        s->provider->fault(state, &req, fa.status, &resp);
    } else {
        s->provider->handle(state, &req, &resp);
        repeated = repeat_or_remember(s, state, &req, fa.repeat, &resp);
    }
    sb_epochs_release(s->epochs, epoch);
    /* After the answer is made, so the rate limiter saw the request when it arrived, as a
     * real API's does; the thread sleeps, its connection waits, no other one does. */
    if (latency)
        sleep_ms(latency);

    struct MHD_Response *r = sb_delivery_response(resp.body.data ? resp.body.data : "", resp.body.len,
                                                  fa.delivery, fa.delivery_arg);
    enum MHD_Result rc = MHD_NO;
    if (r) {
        int has_ct = 0;
        for (size_t i = 0; i < resp.n_headers; i++) {
            MHD_add_response_header(r, resp.names[i], resp.values[i]);
            if (strcasecmp(resp.names[i], "Content-Type") == 0)
                has_ct = 1;
        }
        if (!has_ct)
            MHD_add_response_header(r, "Content-Type", "application/json");
        rc = MHD_queue_response(conn, (unsigned)resp.status, r);
        MHD_destroy_response(r);
    }
    if (s->verbose) {
        static const char *const sent[] = {"", " badjson", " empty", " cut", " cutchunked", " stall",
                                           " stallclose", " drip"};
        fprintf(stderr, "#%" PRIu64 " %s %s -> %d (%zu bytes)%s%s%s\n", number, method, cs->uri,
                resp.status, resp.body.len, fa.echo ? " echo" : "", repeated ? " repeat" : "",
                sent[fa.delivery]);
    }
    sb_stats_end(s->stats, resp.status, latency);
    sb_response_free(&resp);
    sb_params_free(&params);
    free(path);
    return rc;
}

sb_server *sb_server_start(const sb_provider *provider, sb_epochs *epochs, const sb_faults *faults,
                           sb_ratelimit *limiter, const sb_latency *latency, unsigned port,
                           int verbose, int truth, char *err, size_t errlen)
{
    sb_server *s = sb_xcalloc(1, sizeof *s);
    s->latency = *latency;
    s->stats = sb_stats_new(latency);
    s->provider = provider;
    s->epochs = epochs;
    s->faults = faults;
    s->limiter = limiter;
    if (sb_faults_find(faults, SB_FAULT_REPEAT))
        s->replay = sb_replay_new();
    s->verbose = verbose;
    s->truth = truth;
    pthread_mutex_init(&s->lock, NULL);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    /* One thread per connection: slow, stalled and dripping answers sleep in their own
     * connection's thread and hold up nobody else. */
    s->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG, (uint16_t)port,
        NULL, NULL, handler, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, (void *)s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_URI_LOG_CALLBACK, uri_log, (void *)s,
        MHD_OPTION_NOTIFY_COMPLETED, completed, (void *)s,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on 127.0.0.1:%u", port);
        sb_replay_free(s->replay);
        sb_stats_free(s->stats);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    return s;
}

unsigned sb_server_port(const sb_server *s)
{
    return s->port;
}

void sb_server_stop(sb_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    sb_replay_free(s->replay);
    sb_stats_free(s->stats);
    pthread_mutex_destroy(&s->lock);
    free(s);
}
