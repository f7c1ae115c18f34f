/* Helpers of the Stripe-shaped worlds the slices tests answer from (slices_unit.c,
 * links_unit.c, nested_unit.c). */
#ifndef BILLTAP_STRIPE_TESTS_FAKE_H
#define BILLTAP_STRIPE_TESTS_FAKE_H

#include <stddef.h>

/* The value of query parameter `name` in url (URL-encoded as the client sent it), copied
 * into buf (cap bytes, cut to fit), or NULL when the url has none. */
const char *stripe_fake_param(const char *url, const char *name, char *buf, size_t cap);

/* An answer body being written into a fixed buffer; a write that does not fit fails the
 * test. */
typedef struct stripe_fake_body {
	char *data;
	size_t len, cap;
} stripe_fake_body;

void stripe_fake_add(stripe_fake_body *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
