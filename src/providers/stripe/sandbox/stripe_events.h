/* The Events API over the world's change log (stripe_events.c). */
#ifndef STRIPE_EVENTS_H
#define STRIPE_EVENTS_H

#include "sandbox_provider.h"
#include "stripe_model.h"

/* Answers GET /v1/events and /v1/events/{id}: 1 when req is one of them, else 0. */
int st_serve_events(const st_state *st, const sb_request *req, sb_response *resp);

#endif
