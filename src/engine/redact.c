#define _GNU_SOURCE /* strcasestr */
/*
 * Secrets never leave in a message: every error recorded on a client is scrubbed of the
 * values of its secret settings, of the credentials its requests carried in Authorization
 * headers (derived ones too: a PayPal bearer token, a Basic pair), and of anything that
 * reads "Bearer X" / "Basic X" — a server or proxy echoing credentials in an error body
 * does not get them printed. And credentials never travel in clear text by accident:
 * http:// is refused for hosts other than this machine unless allow_insecure_http is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"

#define REDACTED "[redacted]"
/* Shorter values are not looked for: they would scrub ordinary words, and a credential
 * that short protects nothing. */
#define MIN_SECRET 4

static void forget(char *s)
{
	if (s) {
		memset(s, 0, strlen(s));
		free(s);
	}
}

void bt_secrets_free(billtap_client *c)
{
	for (size_t i = 0; i < BT_NOTED_SECRETS; i++) {
		forget(c->noted[i]);
		c->noted[i] = NULL;
	}
}

static void note(billtap_client *c, const char *value, size_t len)
{
	if (len < MIN_SECRET)
		return;
	for (size_t i = 0; i < BT_NOTED_SECRETS; i++)
		if (c->noted[i] && strlen(c->noted[i]) == len && !memcmp(c->noted[i], value, len))
			return;
	char *copy = strndup(value, len);
	if (!copy)
		return; /* the patterns below still catch "Bearer X" */
	/* The oldest goes: a running iterator sends its credentials again with each request. */
	forget(c->noted[BT_NOTED_SECRETS - 1]);
	memmove(c->noted + 1, c->noted, (BT_NOTED_SECRETS - 1) * sizeof *c->noted);
	c->noted[0] = copy;
}

void bt_secrets_note_request(billtap_client *c, const billtap_request *req)
{
	for (size_t i = 0; i < req->headers.count; i++) {
		const bt_header *h = &req->headers.items[i];
		if (strcasecmp(h->name, "Authorization") != 0 && strcasecmp(h->name, "Proxy-Authorization") != 0)
			continue;
		const char *v = h->value, *sp = strchr(v, ' ');
		note(c, v, strlen(v));
		if (sp)
			note(c, sp + 1, strlen(sp + 1));
	}
}

/* Replaces b with out, wiping what b held. */
static void replace(bt_buf *b, bt_buf *out)
{
	if (b->data)
		memset(b->data, 0, b->len);
	bt_buf_free(b);
	*b = *out;
}

static int alnum(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* The length of the longest start of secret (MIN_SECRET bytes or more, beginning a word)
 * that text[0..len) ends with, else 0. */
static size_t cut_start(const char *text, size_t len, const char *secret, size_t n)
{
	for (size_t k = n - 1; k >= MIN_SECRET; k--)
		if (k <= len && !memcmp(text + len - k, secret, k) &&
		    (k == len || !alnum(text[len - k - 1])))
			return k;
	return 0;
}

/* Replaces every occurrence of secret (n bytes) in b; and its start where the text was
 * cut — at the end of b, or before "...", which marks a cut excerpt — for a message that
 * quotes a body cut to a length may end in the middle of a credential. */
static void scrub_n(bt_buf *b, const char *secret, size_t n)
{
	if (n < MIN_SECRET || !b->len)
		return;
	bt_buf out = BT_BUF_INIT;
	int found = 0;
	const char *p = b->data, *end = b->data + b->len;
	for (;;) {
		const char *hit = strstr(p, secret), *dots = strstr(p, "...");
		if (hit && (!dots || hit <= dots)) {
			bt_buf_append(&out, p, (size_t)(hit - p));
			bt_buf_puts(&out, REDACTED);
			p = hit + n;
			found = 1;
			continue;
		}
		const char *at = dots ? dots : end;
		bt_buf_append(&out, p, (size_t)(at - p));
		size_t k = out.data ? cut_start(out.data, out.len, secret, n) : 0;
		if (k) {
			memset(out.data + out.len - k, 0, k);
			out.len -= k;
			bt_buf_puts(&out, REDACTED);
			found = 1;
		}
		if (!dots)
			break;
		bt_buf_append(&out, dots, 3);
		p = dots + 3;
	}
	if (found)
		replace(b, &out);
	else
		bt_buf_free(&out);
}

/* Scrubs a secret as a message may hold it: itself, and JSON-escaped ('/' as "\/"), the
 * way an excerpt of a raw body shows it. */
static void scrub(bt_buf *b, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (n < MIN_SECRET)
		return;
	scrub_n(b, secret, n);
	if (!strchr(secret, '/'))
		return;
	bt_buf esc = BT_BUF_INIT;
	for (const char *s = secret; *s; s++)
		bt_buf_append(&esc, *s == '/' ? "\\/" : s, *s == '/' ? 2 : 1);
	if (esc.data) {
		scrub_n(b, esc.data, esc.len);
		memset(esc.data, 0, esc.len);
	}
	bt_buf_free(&esc);
}

static int token_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       strchr("-._~+/=$:\\", ch) != NULL; /* a backslash: JSON text escapes / as \/ */
}

/* "Bearer X", "Basic X" (any case): X goes, whoever's it is. */
static void scrub_schemes(bt_buf *b)
{
	static const char *const schemes[] = { "bearer ", "basic " };
	for (size_t s = 0; s < 2 && b->len; s++) {
		size_t n = strlen(schemes[s]);
		for (char *p = b->data; (p = strcasestr(p, schemes[s]));) {
			char *tok = p + n, *end = tok;
			while (*end && token_char(*end))
				end++;
			if (end - tok < MIN_SECRET || !strncmp(tok, REDACTED, strlen(REDACTED))) {
				p = tok;
				continue;
			}
			size_t keep = (size_t)(tok - b->data);
			bt_buf out = BT_BUF_INIT;
			bt_buf_append(&out, b->data, keep);
			bt_buf_puts(&out, REDACTED);
			bt_buf_puts(&out, end);
			memset(b->data, 0, b->len);
			bt_buf_free(b);
			*b = out;
			if (!b->data)
				return;
			p = b->data + keep + strlen(REDACTED);
		}
	}
}

void bt_redact(const billtap_client *c, bt_buf *b)
{
	for (size_t i = 0; i < c->settings.count; i++)
		if (c->settings.values[i].def->flags & BILLTAP_SETTING_SECRET)
			scrub(b, c->settings.values[i].value);
	for (size_t i = 0; i < BT_NOTED_SECRETS; i++)
		scrub(b, c->noted[i]);
	scrub_schemes(b);
}

static int loopback(const char *host, size_t len)
{
	static const char *const names[] = { "localhost", "127.0.0.1", "[::1]" };
	for (size_t i = 0; i < 3; i++)
		if (len == strlen(names[i]) && !strncasecmp(host, names[i], len))
			return 1;
	return len > 4 && !strncmp(host, "127.", 4);
}

int bt_check_insecure_urls(billtap_iter *it)
{
	billtap_client *c = it->client;
	const char *allow = bt_settings_get(&it->values, c, "allow_insecure_http");
	if (allow && (!strcmp(allow, "1") || !strcmp(allow, "true")))
		return 0;
	for (const billtap_setting_def *d = c->provider->settings; d && d->name; d++) {
		if (!(d->flags & BILLTAP_SETTING_URL))
			continue;
		const char *v = bt_settings_get(&it->values, c, d->name);
		if (!v || strncasecmp(v, "http://", 7) != 0)
			continue;
		const char *host = v + 7;
		size_t len = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
		if (loopback(host, len))
			continue;
		return bt_error_setf(c, BILLTAP_ESETTING,
		                     "%s: setting %s: http:// to %.*s would send credentials in clear "
		                     "text; use https://, or set allow_insecure_http=1",
		                     c->provider->name, d->name, (int)len, host);
	}
	return 0;
}
