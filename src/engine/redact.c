#define _GNU_SOURCE /* strndup */
/*
 * Secrets never leave in a message or a log event: each client keeps one set of the
 * secrets it knows (util/redact.h) — the values of its secret settings, and the
 * credentials its requests carried in Authorization headers (derived ones too: a PayPal
 * bearer token, a Basic value and its decoded pair and password) — built when a setting
 * changes or a new credential is sent, and read by every redaction (error.c, log.c).
 * util/redact.c also takes out anything that reads "Bearer X" / "Basic X", so a server or
 * proxy echoing credentials does not get them printed. And credentials never travel in
 * clear text by accident: http:// is refused for hosts other than this machine unless
 * allow_insecure_http is on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core.h"
#include "util/base64.h"

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
		forget(c->secrets.noted[i]);
		c->secrets.noted[i] = NULL;
	}
	bt_secret_set_free(&c->secrets.set);
}

int bt_secrets_update(billtap_client *c)
{
	bt_secrets *s = &c->secrets;
	int rc = 0;
	bt_secret_set_clear(&s->set);
	s->builds++;
	for (size_t i = 0; i < c->settings.count; i++) {
		const char *v = c->settings.values[i].value;
		if ((c->settings.values[i].def->flags & BILLTAP_SETTING_SECRET) && v)
			rc |= bt_secret_set_add(&s->set, v, strlen(v));
	}
	for (size_t i = 0; i < BT_NOTED_SECRETS; i++)
		if (s->noted[i])
			rc |= bt_secret_set_add(&s->set, s->noted[i], strlen(s->noted[i]));
	s->incomplete = rc < 0;
	return rc < 0 ? BILLTAP_ENOMEM : 0;
}

/* 1 when value[0..len) was new and is now noted, 0 when known (or too short), -1 when it
 * could not be kept. */
static int note(bt_secrets *s, const char *value, size_t len)
{
	if (len < BT_SECRET_MIN)
		return 0;
	for (size_t i = 0; i < BT_NOTED_SECRETS; i++)
		if (s->noted[i] && strlen(s->noted[i]) == len && !memcmp(s->noted[i], value, len))
			return 0;
	char *copy = strndup(value, len);
	if (!copy)
		return -1;
	/* The oldest goes: a running iterator sends its credentials again with each request. */
	forget(s->noted[BT_NOTED_SECRETS - 1]);
	memmove(s->noted + 1, s->noted, (BT_NOTED_SECRETS - 1) * sizeof *s->noted);
	s->noted[0] = copy;
	return 1;
}

void bt_secrets_note_setting(billtap_client *c, const billtap_setting_def *d, const char *old)
{
	if ((d->flags & BILLTAP_SETTING_SECRET) && old && note(&c->secrets, old, strlen(old)) < 0)
		c->secrets.incomplete = 1;
}

/* Notes an Authorization value, its credential, and for Basic the decoded pair and its
 * password (an echo may show them plain). Whether any was new: 1, 0, or -1. */
static int note_authorization(bt_secrets *s, const char *v)
{
	const char *sp = strchr(v, ' ');
	int rc = note(s, v, strlen(v)), r;
	if (!sp)
		return rc;
	r = note(s, sp + 1, strlen(sp + 1));
	rc = r < 0 || rc < 0 ? -1 : rc | r;
	if (strncasecmp(v, "Basic ", 6) != 0 || r == 0)
		return rc; /* a Basic value seen before was decoded then */
	bt_buf pair = BT_BUF_INIT;
	if (bt_base64_decode(&pair, sp + 1, strlen(sp + 1)) == 0 && bt_buf_putc(&pair, '\0') == 0) {
		const char *colon = strchr(pair.data, ':');
		r = note(s, pair.data, strlen(pair.data));
		rc = r < 0 || rc < 0 ? -1 : rc | r;
		if (colon) {
			r = note(s, colon + 1, strlen(colon + 1));
			rc = r < 0 || rc < 0 ? -1 : rc | r;
		}
	}
	if (pair.data)
		memset(pair.data, 0, pair.cap);
	bt_buf_free(&pair);
	return rc;
}

void bt_secrets_note_request(billtap_client *c, const billtap_request *req)
{
	int changed = 0;
	for (size_t i = 0; i < req->headers.count; i++) {
		const bt_header *h = &req->headers.items[i];
		if (strcasecmp(h->name, "Authorization") != 0 && strcasecmp(h->name, "Proxy-Authorization") != 0)
			continue;
		int r = note_authorization(&c->secrets, h->value);
		if (r < 0)
			c->secrets.incomplete = 1;
		changed |= r != 0;
	}
	if (changed || c->secrets.incomplete)
		bt_secrets_update(c);
}

int bt_redact_into(const billtap_client *c, bt_buf *out, const char *text, size_t len)
{
	if (c->secrets.incomplete)
		return -1; /* a secret may be missing from the set: show nothing */
	return bt_redact_text(out, text, len, &c->secrets.set);
}

void bt_redact(const billtap_client *c, bt_buf *b)
{
	if (!b->len)
		return;
	bt_buf out = BT_BUF_INIT;
	if (bt_redact_into(c, &out, b->data, b->len) < 0) {
		bt_buf_free(&out);
		bt_buf_puts(&out, BT_REDACTED);
	}
	memset(b->data, 0, b->len);
	bt_buf_free(b);
	*b = out;
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
