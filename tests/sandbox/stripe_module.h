/* The Stripe provider module (--provider stripe). */
#ifndef STRIPE_MODULE_H
#define STRIPE_MODULE_H

#include "sandbox_provider.h"

extern const sb_provider stripe_provider;

#endif
