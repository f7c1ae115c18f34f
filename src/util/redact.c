/*
 * Redaction for everything billtap shows people: known secrets (setting values, the
 * credentials a request carried) by value, and credential-shaped words by form, so that a
 * token billtap never saw as a setting (an OAuth token echoed by a proxy) goes too.
 */
#include "util/redact.h"

#include <string.h>
#include <strings.h>

/* Characters of a token or key: base64, base64url, and what API keys use. */
static int token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=';
}

/* Length of the secret matching at p (the longest), or 0. */
static size_t secret_at(const char *p, size_t left, const char *const *secrets, size_t n)
{
	size_t best = 0;
	for (size_t i = 0; i < n; i++) {
		size_t sl = secrets[i] ? strlen(secrets[i]) : 0;
		if (sl && sl <= left && sl > best && memcmp(p, secrets[i], sl) == 0)
			best = sl;
	}
	return best;
}

/* "Bearer x", "Basic x" (any case): the length of the scheme and its blanks, or 0. */
static size_t scheme_at(const char *p, size_t left)
{
	static const char *const schemes[] = { "bearer", "basic" };
	for (size_t i = 0; i < 2; i++) {
		size_t sl = strlen(schemes[i]), k = sl;
		if (left <= sl || strncasecmp(p, schemes[i], sl) != 0 || (p[k] != ' ' && p[k] != '\t'))
			continue;
		while (k < left && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k < left && token_char(p[k]))
			return k;
	}
	return 0;
}

/* "sk_live_", "rk_test_", "whsec_"...: the length of the key's prefix, or 0. */
static size_t key_prefix_at(const char *p, size_t left)
{
	static const char *const prefixes[] = { "sk_live_", "sk_test_", "rk_live_", "rk_test_",
		                                "whsec_" };
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t pl = strlen(prefixes[i]);
		if (left > pl && memcmp(p, prefixes[i], pl) == 0 && token_char(p[pl]))
			return pl;
	}
	return 0;
}

int bt_redact_text(bt_buf *out, const char *text, size_t len, const char *const *secrets, size_t n)
{
	size_t i = 0, plain = 0; /* text[plain..i) is copied as it is */
	while (i < len) {
		/* A word boundary before a scheme or key prefix, so "xsk_live_" is not a key. */
		int boundary = i == 0 || !token_char(text[i - 1]);
		size_t s = secret_at(text + i, len - i, secrets, n), keep = 0, skip = 0;
		if (s) {
			skip = s;
		} else if (boundary && ((keep = scheme_at(text + i, len - i)) ||
		                        (keep = key_prefix_at(text + i, len - i)))) {
			skip = keep;
			while (i + skip < len && token_char(text[i + skip]))
				skip++;
		}
		if (!skip) {
			i++;
			continue;
		}
		if (bt_buf_append(out, text + plain, i - plain) < 0 ||
		    bt_buf_append(out, text + i, keep) < 0 || bt_buf_puts(out, BT_REDACTED) < 0)
			return -1;
		i += skip;
		plain = i;
	}
	return bt_buf_append(out, text + plain, len - plain);
}
