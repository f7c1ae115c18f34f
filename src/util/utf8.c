#include "util/utf8.h"

size_t bt_utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2 || c > 0xF4)
		return 0; /* continuation byte, overlong lead (C0/C1) or beyond U+10FFFF */
	if (c < 0xE0) {
		if (avail < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* UTF-16 surrogate */
		return 3;
	}
	if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
		return 0;
	if (c == 0xF0 && s[1] < 0x90)
		return 0; /* overlong */
	if (c == 0xF4 && s[1] >= 0x90)
		return 0; /* above U+10FFFF */
	return 4;
}

int bt_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = bt_utf8_seq_len(s + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}
