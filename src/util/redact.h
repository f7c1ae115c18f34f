/* Redaction: text with secrets taken out, for error messages and log events alike. */
#ifndef BILLTAP_UTIL_REDACT_H
#define BILLTAP_UTIL_REDACT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define BT_REDACTED "[redacted]"
/* Shorter values are not looked for: they would scrub ordinary words, and a credential
 * that short protects nothing. */
#define BT_SECRET_MIN 4

/* Secret values to look for, owned copies (wiped when dropped), each with the forms a text
 * may show it in: itself and JSON-escaped ('/' as "\/"), the way a raw body quotes it. */
typedef struct bt_secret_set {
	char **items;
	size_t count, cap;
} bt_secret_set;

#define BT_SECRET_SET_INIT { NULL, 0, 0 }

/* Adds value[0..len) and its JSON-escaped form, unless shorter than BT_SECRET_MIN or there
 * already. 0 or -1 (out of memory; the set then holds what was added before). */
int bt_secret_set_add(bt_secret_set *s, const char *value, size_t len);
/* Wipes and drops every value; the set stays usable. */
void bt_secret_set_clear(bt_secret_set *s);
/* Wipes and frees everything. */
void bt_secret_set_free(bt_secret_set *s);

/*
 * Appends text[0..len) to out with each secret of s (may be NULL) replaced by BT_REDACTED
 * (the longest where several match), and also:
 * - a secret's start (BT_SECRET_MIN bytes or more, beginning a word) where the text was cut
 *   in its middle: at the end of the text, or before "...", which marks a cut excerpt;
 * - what looks like a credential whatever its value: the word after "Bearer " or "Basic "
 *   and the rest of a Stripe-style key ("sk_live_", "rk_test_", "whsec_", ...).
 * 0 or -1 (out of memory).
 */
int bt_redact_text(bt_buf *out, const char *text, size_t len, const bt_secret_set *s);

#endif
