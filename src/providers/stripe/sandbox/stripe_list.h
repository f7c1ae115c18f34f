/* The Stripe resources served: lists with their filters and pagination, single objects,
 * an invoice's lines. */
#ifndef STRIPE_LIST_H
#define STRIPE_LIST_H

#include "sandbox_provider.h"
#include "stripe_model.h"
#include "stripe_render.h"

/* Answer an authenticated request for a resource path (GET /v1/...). */
void st_serve(const st_state *st, const sb_request *req, const st_shape *sh, sb_response *resp);

/* List parameters every list shares (and /v1/events): `limit` (1..100; empty: the
 * default stays) into *limit, and `created` / `created[gt|gte|lt|lte]` (key k, its bracket
 * part sub) into has/bound, indexed created, gt, gte, lt, lte. 0, or -1 with Stripe's
 * error written to resp. */
int st_param_limit(const char *v, int64_t *limit, sb_response *resp);
int st_param_created(const char *k, const char *sub, const char *v, int has[5], int64_t bound[5],
                     sb_response *resp);

#endif
