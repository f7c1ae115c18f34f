#ifndef SANDBOX_BASE64_H
#define SANDBOX_BASE64_H

/* Standard base64 (padding optional) into a new NUL-terminated string; NULL if malformed. */
char *sb_base64_decode(const char *in);

#endif
