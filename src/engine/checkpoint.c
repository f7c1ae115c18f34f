/*
 * Checkpoint tokens: "bt1." + base64url(JSON). The JSON names the provider, resource and
 * filter the iteration was made with, the provider's last resume mark, and how many records
 * after that mark the host already has (with the last one's id, to detect data that moved).
 * Since 0.2 it also carries "a", the account fingerprint (bt_checkpoint_fingerprint), so a
 * token never resumes against another account or service; tokens of 0.1 have none and are
 * accepted unchecked (docs/reliability.md). And "h", the hashes of the last ids returned
 * (at most BT_RECENT_IDS), which the resumed pass's duplicate guard starts with.
 * Incremental passes (since 0.2) add "x":1 to their checkpoints, and their end is a sync
 * token: "y":1, the provider's final mark, nothing to skip and no "h" (the next pass
 * delivers changes, which may well include the records this one returned last).
 * Opaque to hosts; stable across versions of this library (a new version must read "bt1").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "util/base64.h"
#include "util/sha256.h"

#define PREFIX "bt1."

void bt_checkpoint_fingerprint(char out[BT_FINGERPRINT_LEN + 1], const billtap_client *c,
                               const bt_settings *values)
{
	/* SHA-256 over the provider's name and, in its settings order, the name and effective
	 * value of every URL or ACCOUNT setting, each NUL-terminated; the first 16 bytes in
	 * hex. One-way: an ACCOUNT setting may be a secret (Stripe's key), which the token
	 * must never reveal, and 128 bits of a hash of a high-entropy key reveal nothing. */
	bt_sha256 h;
	bt_sha256_init(&h);
	const char *name = c->provider->name;
	bt_sha256_update(&h, "billtap-account", 16);
	bt_sha256_update(&h, name, strlen(name) + 1);
	for (const billtap_setting_def *d = c->provider->settings; d && d->name; d++) {
		if (!(d->flags & (BILLTAP_SETTING_URL | BILLTAP_SETTING_ACCOUNT)))
			continue;
		const char *v = bt_settings_get(values, c, d->name);
		bt_sha256_update(&h, d->name, strlen(d->name) + 1);
		if (v && *v) {
			/* A trailing slash of a URL names the same service. */
			size_t n = strlen(v);
			if ((d->flags & BILLTAP_SETTING_URL) && n && v[n - 1] == '/')
				n--;
			bt_sha256_update(&h, v, n);
		}
		bt_sha256_update(&h, "", 1);
	}
	unsigned char digest[32];
	bt_sha256_final(&h, digest);
	for (int i = 0; i < BT_FINGERPRINT_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", digest[i]);
}

/* The token of a position: after `skip` records past `mark`, the last of them `last`; the
 * newest `drop_recent` ids returned are left out of "h" (a position before them). */
static int encode(billtap_iter *it, int sync, const char *mark, uint64_t skip, const char *last,
                  size_t drop_recent, bt_buf *out)
{
	bt_buf json = BT_BUF_INIT;
	const char *p = it->client->provider->name, *r = billtap_resource_name(it->resource);
	int ok = bt_buf_puts(&json, "{\"p\":") == 0 && bt_buf_put_json_str(&json, p, strlen(p)) == 0 &&
	         bt_buf_puts(&json, ",\"r\":") == 0 && bt_buf_put_json_str(&json, r, strlen(r)) == 0 &&
	         bt_buf_puts(&json, ",\"s\":") == 0;
	if (ok)
		ok = (it->since == BILLTAP_TIME_NONE ? bt_buf_puts(&json, "null")
		                                     : bt_buf_put_i64(&json, it->since)) == 0;
	ok = ok && bt_buf_puts(&json, ",\"m\":") == 0;
	if (ok)
		ok = (mark ? bt_buf_put_json_str(&json, mark, strlen(mark))
		           : bt_buf_puts(&json, "null")) == 0;
	ok = ok && bt_buf_puts(&json, ",\"k\":") == 0 && bt_buf_put_i64(&json, (int64_t)skip) == 0 &&
	     bt_buf_puts(&json, ",\"i\":") == 0;
	if (ok)
		ok = (skip && last ? bt_buf_put_json_str(&json, last, strlen(last))
		                   : bt_buf_puts(&json, "null")) == 0;
	ok = ok && bt_buf_puts(&json, ",\"a\":") == 0 &&
	     bt_buf_put_json_str(&json, it->account, strlen(it->account)) == 0;
	if (ok && it->incremental)
		ok = bt_buf_puts(&json, sync ? ",\"x\":1,\"y\":1" : ",\"x\":1") == 0;
	/* "h": the hashes of the last ids returned, 16 hex digits each, oldest first. */
	uint64_t recent[BT_RECENT_IDS];
	size_t n = sync ? 0 : bt_guard_recent(&it->guard, recent);
	n = n > drop_recent ? n - drop_recent : 0;
	if (ok && n) {
		/* Asked for after every record by some hosts (the Ruby gem): no snprintf here. */
		static const char digits[] = "0123456789abcdef";
		char hex[BT_RECENT_IDS * 16 + 1];
		for (size_t j = 0; j < n; j++)
			for (int d = 0; d < 16; d++)
				hex[16 * j + (size_t)d] = digits[(recent[j] >> (60 - 4 * d)) & 0xf];
		hex[16 * n] = '\0';
		ok = bt_buf_puts(&json, ",\"h\":\"") == 0 && bt_buf_puts(&json, hex) == 0 &&
		     bt_buf_putc(&json, '"') == 0;
	}
	ok = ok && bt_buf_putc(&json, '}') == 0;
	bt_buf_clear(out);
	ok = ok && bt_buf_puts(out, PREFIX) == 0 &&
	     bt_base64_encode(out, json.data, json.len, 1) == 0;
	bt_buf_free(&json);
	return ok ? 0 : BILLTAP_ENOMEM;
}

int bt_checkpoint_encode(billtap_iter *it, int sync, bt_buf *out)
{
	return encode(it, sync, it->mark, it->skip + it->to_skip,
	              it->to_skip ? it->expect_id : it->last_id, 0, out);
}

int bt_checkpoint_encode_before(billtap_iter *it, bt_buf *out)
{
	/* A record was returned since: nothing is left to skip of a resume, and the record's
	 * own id is the newest of "h", which a resumed pass must not take for a repeat. */
	return encode(it, 0, it->before_mark, it->before_skip, it->before_last_id, 1, out);
}

void bt_checkpoint_free(bt_checkpoint *cp)
{
	free(cp->provider);
	free(cp->resource);
	free(cp->mark);
	free(cp->last_id);
	free(cp->account);
	memset(cp, 0, sizeof *cp);
}

/* A string member's value, or NULL: not a string, or out of memory (*oom set). */
static char *dup_str(const billtap_json *doc, billtap_json_ref ref, int *oom)
{
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING)
		return NULL;
	const char *t;
	size_t len;
	billtap_json_text(&t, &len, doc, ref);
	char *s = malloc(len + 1);
	size_t n;
	if (!s)
		*oom = 1;
	if (s && billtap_json_str_decode(s, len + 1, &n, doc, ref) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* "h": 16 hex digits per id hash, at most BT_RECENT_IDS of them. 0 or -1. */
static int decode_recent(bt_checkpoint *cp, const billtap_json *doc, billtap_json_ref h)
{
	const char *t;
	size_t len;
	if (billtap_json_typeof(doc, h) != BILLTAP_JSON_STRING || !billtap_json_str_is_plain(doc, h) ||
	    billtap_json_text(&t, &len, doc, h) < 0 || len % 16 || len > 16 * BT_RECENT_IDS)
		return -1;
	for (size_t j = 0; j < len / 16; j++) {
		uint64_t v = 0;
		for (size_t d = 0; d < 16; d++) {
			char c = t[16 * j + d];
			int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (x < 0)
				return -1;
			v = v << 4 | (uint64_t)x;
		}
		cp->recent[cp->recent_count++] = v;
	}
	return 0;
}

int bt_checkpoint_decode(bt_checkpoint *cp, const char *token, char *msg, size_t cap)
{
	memset(cp, 0, sizeof *cp);
	size_t plen = strlen(PREFIX);
	if (strncmp(token, PREFIX, plen) != 0) {
		snprintf(msg, cap, "checkpoint does not start with \"%s\"", PREFIX);
		return BILLTAP_ECHECKPOINT;
	}
	bt_buf json = BT_BUF_INIT;
	billtap_json *doc = NULL;
	int rc = BILLTAP_ECHECKPOINT, oom = 0;
	/* Out of memory is never "a bad token": a host could throw a good one away. */
	int b64 = bt_base64_decode(&json, token + plen, strlen(token + plen));
	if (b64 == BILLTAP_ENOMEM) {
		snprintf(msg, cap, "out of memory");
		rc = BILLTAP_ENOMEM;
		goto out;
	}
	if (b64 < 0 || !json.len) {
		snprintf(msg, cap, "checkpoint is not valid base64url");
		goto out;
	}
	if (billtap_json_new(&doc) < 0) {
		snprintf(msg, cap, "out of memory"); /* the caller formats msg into its error */
		rc = BILLTAP_ENOMEM;
		goto out;
	}
	int parsed = billtap_json_parse(doc, json.data, json.len);
	if (parsed == BILLTAP_ENOMEM) {
		snprintf(msg, cap, "out of memory");
		rc = BILLTAP_ENOMEM;
		goto out;
	}
	if (parsed < 0 || billtap_json_typeof(doc, billtap_json_root(doc)) != BILLTAP_JSON_OBJECT) {
		snprintf(msg, cap, "checkpoint content is not a JSON object");
		goto out;
	}
	billtap_json_ref root = billtap_json_root(doc);
	billtap_json_ref s = billtap_json_get(doc, root, "s"), m = billtap_json_get(doc, root, "m");
	billtap_json_ref k = billtap_json_get(doc, root, "k"), i = billtap_json_get(doc, root, "i");
	int64_t skip = -1;
	cp->provider = dup_str(doc, billtap_json_get(doc, root, "p"), &oom);
	cp->resource = dup_str(doc, billtap_json_get(doc, root, "r"), &oom);
	cp->since = BILLTAP_TIME_NONE;
	int bad = !cp->provider || !cp->resource || billtap_json_int(&skip, doc, k) < 0 || skip < 0;
	if (!bad && billtap_json_typeof(doc, s) != BILLTAP_JSON_NULL)
		bad = billtap_json_int(&cp->since, doc, s) < 0;
	if (!bad && billtap_json_typeof(doc, m) != BILLTAP_JSON_NULL)
		bad = !(cp->mark = dup_str(doc, m, &oom));
	if (!bad && billtap_json_typeof(doc, i) != BILLTAP_JSON_NULL)
		bad = !(cp->last_id = dup_str(doc, i, &oom));
	billtap_json_ref a = billtap_json_get(doc, root, "a"); /* absent in tokens of 0.1 */
	if (!bad && a != BILLTAP_JSON_NONE)
		bad = !(cp->account = dup_str(doc, a, &oom)) || strlen(cp->account) != BT_FINGERPRINT_LEN;
	billtap_json_ref h = billtap_json_get(doc, root, "h"); /* since 0.2, optional */
	if (!bad && h != BILLTAP_JSON_NONE)
		bad = decode_recent(cp, doc, h) < 0;
	/* "x" and "y" (since 0.2): 1 when present */
	int64_t flag = 0;
	billtap_json_ref x = billtap_json_get(doc, root, "x"), y = billtap_json_get(doc, root, "y");
	if (!bad && x != BILLTAP_JSON_NONE)
		bad = billtap_json_int(&flag, doc, x) < 0 || flag != 1;
	cp->incremental = x != BILLTAP_JSON_NONE;
	if (!bad && y != BILLTAP_JSON_NONE)
		bad = billtap_json_int(&flag, doc, y) < 0 || flag != 1 || !cp->incremental ||
		      skip != 0 || cp->recent_count;
	cp->sync = y != BILLTAP_JSON_NONE;
	if (bad) {
		snprintf(msg, cap, oom ? "out of memory"
		                       : "checkpoint lacks a field or has one of the wrong type");
		rc = oom ? BILLTAP_ENOMEM : BILLTAP_ECHECKPOINT;
		bt_checkpoint_free(cp);
		goto out;
	}
	cp->skip = (uint64_t)skip;
	rc = 0;
out:
	billtap_json_free(doc);
	bt_buf_free(&json);
	return rc;
}
