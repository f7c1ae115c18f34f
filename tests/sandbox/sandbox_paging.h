/* Cursor pagination over a list in a fixed order (positions 0 .. total-1), for modules
 * of APIs that page by "the records after/before this one". */
#ifndef SANDBOX_PAGING_H
#define SANDBOX_PAGING_H

#include <stddef.h>
#include <stdint.h>

typedef struct sb_page {
    size_t *positions; /* in list order; the caller frees */
    size_t n;
    int has_more;      /* more matching records lie beyond the page */
} sb_page;

/* The matching positions after `cursor` (-1: from the start), or with `before` the ones
 * just before it, at most `limit`. Pages are sometimes short on purpose: when the hash of
 * short_key (the cursor, or the URL of a first page) is 0 mod 5, a page holds fewer than
 * `limit` records while has_more stays true. APIs do not promise full pages; a client
 * that stops on a short page loses data. */
void sb_cursor_page(sb_page *out, size_t total, long cursor, int before, size_t limit,
                    int (*match)(const void *ctx, size_t pos), const void *ctx, const char *short_key,
                    uint64_t seed);

#endif
