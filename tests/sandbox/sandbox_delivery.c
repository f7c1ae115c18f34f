#include "sandbox_delivery.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox_buf.h"

#define BLOCK 16384       /* the largest piece libmicrohttpd asks the reader for */
#define DRIP_STEPS 20     /* pieces a second when dripping, at most */

typedef struct feed {
    char *data;
    size_t len;
    sb_delivery how;
    uint64_t arg;
    size_t stop;          /* cut, cutchunked: bytes sent before closing; stall*: where the silence falls */
    int stalled;
} feed;

static void sleep_us(uint64_t us)
{
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

/* libmicrohttpd calls this from the connection's thread whenever it has sent everything
 * read so far; pos is the number of body bytes handed over. */
static ssize_t read_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    feed *f = cls;
    size_t at = (size_t)pos, n;
    switch (f->how) {
    case SB_SEND_CUT:
    case SB_SEND_CUT_CHUNKED:
        if (at >= f->stop)
            return MHD_CONTENT_READER_END_WITH_ERROR; /* close, the body unfinished */
        n = min_size(max, f->stop - at);
        break;
    case SB_SEND_STALL:
    case SB_SEND_STALL_CLOSE:
        if (at >= f->stop && !f->stalled) {
            sleep_us(f->arg * 1000);
            f->stalled = 1;
            if (f->how == SB_SEND_STALL_CLOSE)
                return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        n = min_size(max, at < f->stop ? f->stop - at : f->len - at);
        break;
    case SB_SEND_DRIP: {
        uint64_t piece = f->arg / DRIP_STEPS ? f->arg / DRIP_STEPS : 1;
        if (at > 0) /* the first piece goes out with the headers */
            sleep_us(piece * 1000000 / f->arg);
        n = min_size(min_size(max, (size_t)piece), f->len - at);
        break;
    }
    default:
        n = min_size(max, f->len - at);
        break;
    }
    if (at >= f->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    memcpy(buf, f->data + at, n);
    return (ssize_t)n;
}

static void free_feed(void *cls)
{
    feed *f = cls;
    free(f->data);
    free(f);
}

struct MHD_Response *sb_delivery_response(const char *body, size_t len, sb_delivery how, uint64_t arg)
{
    switch (how) {
    case SB_SEND_WHOLE:
        return MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    case SB_SEND_EMPTY:
        return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    case SB_SEND_BADJSON: /* a JSON object's proper prefix is never valid JSON */
        return MHD_create_response_from_buffer(len / 2 ? len / 2 : min_size(len, 1), (void *)body,
                                               MHD_RESPMEM_MUST_COPY);
    default:
        break;
    }
    feed *f = sb_xcalloc(1, sizeof *f);
    f->data = sb_xmalloc(len ? len : 1);
    memcpy(f->data, body, len);
    f->len = len;
    f->how = how;
    f->arg = arg;
    f->stop = len / 2;
    if ((how == SB_SEND_CUT || how == SB_SEND_CUT_CHUNKED) && arg != SB_FAULT_HALF)
        f->stop = min_size((size_t)arg, len);
    if (how == SB_SEND_CUT && f->stop == len && len > 0)
        f->stop = len - 1; /* Content-Length must announce more than is sent */
    uint64_t size = how == SB_SEND_CUT_CHUNKED ? MHD_SIZE_UNKNOWN : (uint64_t)len;
    struct MHD_Response *r = MHD_create_response_from_callback(size, BLOCK, read_body, f, free_feed);
    if (!r)
        free_feed(f);
    return r;
}
