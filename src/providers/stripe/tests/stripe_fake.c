/* Helpers of the Stripe-shaped test worlds (stripe_fake.h). */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "stripe_fake.h"

const char *stripe_fake_param(const char *url, const char *name, char *buf, size_t cap)
{
	const char *q = strchr(url, '?');
	size_t n = strlen(name);
	for (const char *p = q; p && *p; p = strchr(p + 1, '&')) {
		if (strncmp(p + 1, name, n) == 0 && p[1 + n] == '=') {
			const char *v = p + 2 + n;
			size_t len = strcspn(v, "&");
			snprintf(buf, cap, "%.*s", (int)(len < cap ? len : cap - 1), v);
			return buf;
		}
	}
	return NULL;
}

void stripe_fake_add(stripe_fake_body *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	ck_assert_int_lt((size_t)n, b->cap - b->len);
	b->len += (size_t)n;
}
