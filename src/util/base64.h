/* Base64 (RFC 4648): standard alphabet with padding for HTTP Basic auth, URL-safe without
 * padding for checkpoint tokens. */
#ifndef BILLTAP_UTIL_BASE64_H
#define BILLTAP_UTIL_BASE64_H

#include <stddef.h>

#include "util/buf.h"

int bt_base64_encode(bt_buf *out, const void *data, size_t len, int url_safe);
/* Decodes either alphabet, padding optional. 0, -1 on bad input, BILLTAP_ENOMEM. */
int bt_base64_decode(bt_buf *out, const char *text, size_t len);

#endif
