/*
 * The one redaction billtap has, for everything it shows people (error messages and log
 * events): known secrets by value (setting values, the credentials requests carried;
 * engine/redact.c keeps each client's set), and credential-shaped words by form, so that
 * a token billtap never saw as a setting (an OAuth token echoed by a proxy) goes too.
 */
#include "util/redact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void forget(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void bt_secret_set_clear(bt_secret_set *s)
{
	for (size_t i = 0; i < s->count; i++)
		forget(s->items[i]);
	s->count = 0;
}

void bt_secret_set_free(bt_secret_set *s)
{
	bt_secret_set_clear(s);
	free(s->items);
	s->items = NULL;
	s->cap = 0;
}

static int has(const bt_secret_set *s, const char *v, size_t len)
{
	for (size_t i = 0; i < s->count; i++)
		if (strlen(s->items[i]) == len && !memcmp(s->items[i], v, len))
			return 1;
	return 0;
}

/* Takes the copy v (wiping it when it cannot be kept). */
static int keep(bt_secret_set *s, char *v)
{
	if (!v)
		return -1;
	if (has(s, v, strlen(v))) {
		forget(v);
		return 0;
	}
	if (s->count == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		char **p = realloc(s->items, cap * sizeof *p);
		if (!p) {
			forget(v);
			return -1;
		}
		s->items = p;
		s->cap = cap;
	}
	s->items[s->count++] = v;
	return 0;
}

int bt_secret_set_add(bt_secret_set *s, const char *value, size_t len)
{
	if (!value || len < BT_SECRET_MIN)
		return 0;
	if (keep(s, strndup(value, len)) < 0)
		return -1;
	if (!memchr(value, '/', len))
		return 0;
	bt_buf esc = BT_BUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i++)
		rc = bt_buf_append(&esc, value[i] == '/' ? "\\/" : value + i, value[i] == '/' ? 2 : 1);
	if (rc == 0)
		rc = keep(s, strdup(bt_buf_cstr(&esc)));
	if (esc.data)
		memset(esc.data, 0, esc.len);
	bt_buf_free(&esc);
	return rc;
}

/* Characters of a token or key: base64, base64url, what API keys use, and a backslash
 * (JSON text escapes '/' as "\/"). */
static int token_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("-._~+/=$:\\", c) != NULL);
}

static int word_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* Where text was cut: at its end, or before "...". */
static int cut_at(const char *text, size_t at, size_t len)
{
	return at == len || (len - at >= 3 && memcmp(text + at, "...", 3) == 0);
}

/* Length of the secret matching at text[i] (the longest), or of a secret's start cut
 * there; 0 when none. */
static size_t secret_at(const char *text, size_t i, size_t len, const bt_secret_set *s)
{
	size_t best = 0, left = len - i;
	int word_start = i == 0 || !word_char(text[i - 1]);
	for (size_t k = 0; s && k < s->count; k++) {
		const char *v = s->items[k];
		if (v[0] != text[i])
			continue;
		size_t same = 0;
		while (same < left && v[same] && v[same] == text[i + same])
			same++;
		if (!v[same] || (word_start && same >= BT_SECRET_MIN && cut_at(text, i + same, len)))
			best = same > best ? same : best;
	}
	return best;
}

/* "Bearer x", "Basic x" (any case, then blanks): the length of the scheme and its blanks
 * when a credential (BT_SECRET_MIN token characters or more) follows, else 0. */
static size_t scheme_at(const char *p, size_t left)
{
	static const char *const schemes[] = { "bearer", "basic" };
	for (size_t i = 0; i < 2; i++) {
		size_t sl = strlen(schemes[i]), k = sl, t;
		if (left <= sl || strncasecmp(p, schemes[i], sl) != 0 || (p[k] != ' ' && p[k] != '\t'))
			continue;
		while (k < left && (p[k] == ' ' || p[k] == '\t'))
			k++;
		for (t = 0; k + t < left && token_char(p[k + t]); t++)
			;
		if (t >= BT_SECRET_MIN)
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

int bt_redact_text(bt_buf *out, const char *text, size_t len, const bt_secret_set *s)
{
	size_t i = 0, plain = 0; /* text[plain..i) is copied as it is */
	while (i < len) {
		/* A word boundary before a scheme or key prefix, so "xsk_live_" is not a key. */
		int boundary = i == 0 || !word_char(text[i - 1]);
		size_t whole = secret_at(text, i, len, s), keep_len = 0, skip = 0;
		int scheme = 0;
		/* A scheme stays ("Bearer [redacted]"), unless a known secret spans more; a
		 * key's prefix stays only for a key the set does not hold. */
		if (boundary && ((keep_len = scheme_at(text + i, len - i)) ? (scheme = 1) :
		                 (keep_len = key_prefix_at(text + i, len - i)) != 0)) {
			skip = keep_len; /* "..." ends a token: it marks a cut */
			while (i + skip < len && token_char(text[i + skip]) &&
			       !(text[i + skip] == '.' && cut_at(text, i + skip, len)))
				skip++;
			size_t known = i + keep_len < len ? secret_at(text, i + keep_len, len, s) : 0;
			if (keep_len + known > skip)
				skip = keep_len + known;
		}
		if (scheme ? whole > skip : whole >= skip && whole) {
			skip = whole;
			keep_len = 0;
		}
		if (!skip) {
			i++;
			continue;
		}
		if (bt_buf_append(out, text + plain, i - plain) < 0 ||
		    bt_buf_append(out, text + i, keep_len) < 0 || bt_buf_puts(out, BT_REDACTED) < 0)
			return -1;
		i += skip;
		plain = i;
	}
	return bt_buf_append(out, text + plain, len - plain);
}
