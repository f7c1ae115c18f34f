/* Stripe: parallel slices of a list by its created time (stripe_slices.c). Internal. */
#ifndef BILLTAP_PROVIDERS_STRIPE_SLICES_H
#define BILLTAP_PROVIDERS_STRIPE_SLICES_H

#include "stripe_stream.h"

/* A walk of the list from `since` (BILLTAP_TIME_NONE: all) with at most `max` slices out,
 * or, with `resume` (a mark's text after "<stage>~"), the walk that mark left. 0, or
 * ENOMEM / ECHECKPOINT recorded. */
int stripe_slices_new(stripe_slices **out, int64_t since, int max, const char *resume,
                      billtap_ctx *ctx);
void stripe_slices_free(stripe_slices *ss);
/* The next slice's page (tagged STRIPE_TAG_SLICE), or BILLTAP_PROVIDER_WAIT while
 * slices are out and none can be asked for, or BILLTAP_ITEROVER at the end. */
int stripe_slices_request(billtap_request *req, stripe_stream *s, billtap_ctx *ctx);
/* A slice's page: its records pushed, one mark after them. */
int stripe_slices_response(stripe_stream *s, const billtap_request *req,
                           const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx);
/* The engine dropped every request out: each slice is asked for again, in turn. */
void stripe_slices_rewind(stripe_slices *ss);

#endif
