/* Stripe list endpoints: parameters, filters, newest-first cursor pagination. */
#ifndef STRIPE_LIST_H
#define STRIPE_LIST_H

#include "sandbox_provider.h"
#include "stripe_model.h"
#include "stripe_render.h"

/* 1 if res has a list endpoint. */
int st_list_supported(int res);
void st_list(const st_dataset *ds, int res, const sb_request *req, const st_shape *sh, sb_response *resp);

#endif
