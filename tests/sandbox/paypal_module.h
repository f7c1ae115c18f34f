/* The PayPal provider module (--provider paypal). */
#ifndef PAYPAL_MODULE_H
#define PAYPAL_MODULE_H

#include "sandbox_provider.h"

extern const sb_provider paypal_provider;

#endif
