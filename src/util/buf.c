#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

int bt_buf_reserve(bt_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return -1;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return -1;
	b->data = p;
	b->cap = cap;
	return 0;
}

int bt_buf_append(bt_buf *b, const void *data, size_t len)
{
	if (bt_buf_reserve(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int bt_buf_puts(bt_buf *b, const char *s)
{
	return bt_buf_append(b, s, strlen(s));
}

int bt_buf_putc(bt_buf *b, char c)
{
	return bt_buf_append(b, &c, 1);
}

int bt_buf_put_i64(bt_buf *b, int64_t v)
{
	char tmp[24];
	char *p = tmp + sizeof tmp;
	/* Work in unsigned so INT64_MIN does not overflow when negated. */
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	return bt_buf_append(b, p, (size_t)(tmp + sizeof tmp - p));
}

int bt_buf_put_json_str(bt_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	if (bt_buf_reserve(b, len + 2) < 0 || bt_buf_putc(b, '"') < 0)
		return -1;
	size_t run = 0; /* start of the pending run of bytes that need no escaping */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (bt_buf_append(b, s + run, i - run) < 0)
			return -1;
		run = i + 1;
		char esc[7] = { '\\', 0 };
		size_t n = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
			n = 6;
		}
		if (bt_buf_append(b, esc, n) < 0)
			return -1;
	}
	if (bt_buf_append(b, s + run, len - run) < 0)
		return -1;
	return bt_buf_putc(b, '"');
}

void bt_buf_clear(bt_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void bt_buf_free(bt_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *bt_buf_detach(bt_buf *b)
{
	if (!b->data && bt_buf_reserve(b, 0) < 0)
		return NULL;
	b->data[b->len] = '\0';
	char *p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
