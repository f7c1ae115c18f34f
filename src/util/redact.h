/* Redaction: text with secrets taken out, for messages and log events. */
#ifndef BILLTAP_UTIL_REDACT_H
#define BILLTAP_UTIL_REDACT_H

#include <stddef.h>

#include "util/buf.h"

#define BT_REDACTED "[redacted]"

/*
 * Appends text[0..len) to out with every occurrence of each of the n secrets (empty ones
 * ignored, longest first where they overlap) replaced by BT_REDACTED, and also what looks
 * like a credential whatever its value: the word after "Bearer " or "Basic " and the rest
 * of a Stripe-style key ("sk_live_", "rk_test_", ...). 0 or -1 (out of memory).
 */
int bt_redact_text(bt_buf *out, const char *text, size_t len, const char *const *secrets, size_t n);

#endif
