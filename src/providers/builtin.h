/* The providers compiled into the library; registry.c registers them at global init. */
#ifndef BILLTAP_PROVIDERS_BUILTIN_H
#define BILLTAP_PROVIDERS_BUILTIN_H

#include "billtap/provider.h"

extern const billtap_provider bt_provider_stripe;
extern const billtap_provider bt_provider_paypal;

#endif
