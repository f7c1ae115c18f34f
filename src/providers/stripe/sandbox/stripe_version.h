/* Stripe API versions: which ones exist, and the response shape each one implies. */
#ifndef STRIPE_VERSION_H
#define STRIPE_VERSION_H

#include "stripe_model.h"

/* The account's default version: used when a request sends no Stripe-Version. */
#define ST_DEFAULT_VERSION "2024-06-20"

int st_version_known(const char *v);
void st_shape_for(const char *v, st_shape *sh);

#endif
