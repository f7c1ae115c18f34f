/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF). */
#ifndef BILLTAP_UTIL_UTF8_H
#define BILLTAP_UTIL_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8 without NUL bytes, else 0. */
int bt_utf8_valid(const char *s, size_t len);

/* Length of the valid UTF-8 sequence starting at s (1-4), or 0 when invalid or truncated.
 * s[0] must be >= 0x80. */
size_t bt_utf8_seq_len(const unsigned char *s, size_t avail);

#endif
