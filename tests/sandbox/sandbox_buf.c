#include "sandbox_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("billtap-sandbox: out of memory\n", stderr);
    abort();
}

void *sb_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *sb_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *sb_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *sb_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sb_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void sb_buf_init(sb_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sb_buf_free(sb_buf *b)
{
    free(b->data);
    sb_buf_init(b);
}

void sb_buf_reset(sb_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static void reserve(sb_buf *b, size_t extra)
{
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = sb_xrealloc(b->data, cap);
    b->cap = cap;
}

void sb_buf_add(sb_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void sb_buf_adds(sb_buf *b, const char *s)
{
    sb_buf_add(b, s, strlen(s));
}

void sb_buf_addc(sb_buf *b, char c)
{
    reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void sb_buf_printf(sb_buf *b, const char *fmt, ...)
{
    reserve(b, 64);
    size_t room = b->cap - b->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

const char *sb_buf_str(sb_buf *b)
{
    reserve(b, 0);
    b->data[b->len] = '\0';
    return b->data;
}
