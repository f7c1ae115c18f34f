/* A growable byte buffer, always NUL-terminated for convenience. */
#ifndef BILLTAP_UTIL_BUF_H
#define BILLTAP_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct bt_buf {
	char *data; /* NULL until something is written; then data[len] == '\0' */
	size_t len;
	size_t cap;
} bt_buf;

#define BT_BUF_INIT { NULL, 0, 0 }

/* Makes room for `extra` more bytes (plus the NUL). 0 or -1 on overflow/out of memory. */
int bt_buf_reserve(bt_buf *b, size_t extra);
int bt_buf_append(bt_buf *b, const void *data, size_t len);
int bt_buf_puts(bt_buf *b, const char *s);
int bt_buf_putc(bt_buf *b, char c);
/* Appends a decimal int64. */
int bt_buf_put_i64(bt_buf *b, int64_t v);
/* Appends s as a JSON string literal (quotes, escapes for ", \, and control characters). */
int bt_buf_put_json_str(bt_buf *b, const char *s, size_t len);
/* Empties without freeing. */
void bt_buf_clear(bt_buf *b);
/* Frees and re-initialises. */
void bt_buf_free(bt_buf *b);
/* Hands the bytes over (never NULL on success: "" for an empty buffer); the buffer is
 * re-initialised. NULL when out of memory. */
char *bt_buf_detach(bt_buf *b);
/* The contents as a string ("" when empty). */
static inline const char *bt_buf_cstr(const bt_buf *b) { return b->data ? b->data : ""; }

#endif
