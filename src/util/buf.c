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

/* Nonzero when one of the 8 bytes at p (read unaligned) needs escaping in a JSON string:
 * a quote, a backslash or a control character (the zero-byte trick; bytes >= 0x80 pass). */
static inline uint64_t escape8(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t x;
	memcpy(&x, p, 8);
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');
	return (((q - ones) & ~q) | ((bs - ones) & ~bs) | ((x - ones * 0x20) & ~x)) & highs;
}

int bt_buf_put_json_str(bt_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* Room for the worst case (every byte as \u00XX) once, then written in place: most of
	 * a record's output goes through here, and appending piece by piece cost more than
	 * the escaping. */
	if (len > (SIZE_MAX - 3) / 6 || bt_buf_reserve(b, len * 6 + 2) < 0)
		return -1;
	char *d = b->data + b->len;
	*d++ = '"';
	size_t run = 0; /* start of the pending run of bytes that need no escaping */
	for (size_t i = 0; i < len; i++) {
		if (len - i >= 8 && !escape8(s + i)) {
			i += 7; /* 8 plain bytes */
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		memcpy(d, s + run, i - run);
		d += i - run;
		run = i + 1;
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		default:
			*d++ = 'u';
			*d++ = '0';
			*d++ = '0';
			*d++ = hex[c >> 4];
			*d++ = hex[c & 15];
		}
	}
	if (len > run)
		memcpy(d, s + run, len - run);
	d += len - run;
	*d++ = '"';
	*d = '\0';
	b->len = (size_t)(d - b->data);
	return 0;
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
