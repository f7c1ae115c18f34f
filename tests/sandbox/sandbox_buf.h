/* Growable byte buffer and allocation helpers that abort on exhaustion.
 * The sandbox is a test tool: running out of memory is fatal, not an error path. */
#ifndef SANDBOX_BUF_H
#define SANDBOX_BUF_H

#include <stddef.h>

typedef struct sb_buf {
    char *data;
    size_t len;
    size_t cap;
} sb_buf;

void *sb_xmalloc(size_t n);
void *sb_xcalloc(size_t n, size_t size);
void *sb_xrealloc(void *p, size_t n);
char *sb_xstrdup(const char *s);

void sb_buf_init(sb_buf *b);
void sb_buf_free(sb_buf *b);
void sb_buf_reset(sb_buf *b);
void sb_buf_add(sb_buf *b, const char *s, size_t n);
void sb_buf_adds(sb_buf *b, const char *s);
void sb_buf_addc(sb_buf *b, char c);
void sb_buf_printf(sb_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Always NUL-terminated (data may be NULL only while len == 0 and nothing added). */
const char *sb_buf_str(sb_buf *b);

#endif
