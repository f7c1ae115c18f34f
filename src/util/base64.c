#include "util/base64.h"

#include <billtap.h>

#include <stdint.h>

static const char std_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int bt_base64_encode(bt_buf *out, const void *data, size_t len, int url_safe)
{
	const unsigned char *p = data;
	const char *a = url_safe ? url_alphabet : std_alphabet;
	if (bt_buf_reserve(out, (len + 2) / 3 * 4) < 0)
		return -1;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		char q[4] = { a[v >> 18], a[(v >> 12) & 63], a[(v >> 6) & 63], a[v & 63] };
		bt_buf_append(out, q, 4);
	}
	if (i < len) {
		uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
		char q[4] = { a[v >> 18], a[(v >> 12) & 63], i + 1 < len ? a[(v >> 6) & 63] : '=',
			      '=' };
		size_t n = url_safe ? (i + 1 < len ? 3 : 2) : 4;
		bt_buf_append(out, q, n);
	}
	return 0;
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int bt_base64_decode(bt_buf *out, const char *text, size_t len)
{
	while (len && text[len - 1] == '=')
		len--;
	if (len % 4 == 1)
		return -1;
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		int v = value_of(text[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (bt_buf_putc(out, (char)((acc >> bits) & 0xFF)) < 0)
				return BILLTAP_ENOMEM;
		}
	}
	return 0;
}
