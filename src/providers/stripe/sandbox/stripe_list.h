/* The Stripe resources served: lists with their filters and pagination, single objects,
 * an invoice's lines. */
#ifndef STRIPE_LIST_H
#define STRIPE_LIST_H

#include "sandbox_provider.h"
#include "stripe_model.h"
#include "stripe_render.h"

/* Answer an authenticated request for a resource path (GET /v1/...). */
void st_serve(const st_state *st, const sb_request *req, const st_shape *sh, sb_response *resp);

#endif
