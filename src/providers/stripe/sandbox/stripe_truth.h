/* The normalized truth files (docs/data-model.md) from the world, as Stripe shows it. */
#ifndef STRIPE_TRUTH_H
#define STRIPE_TRUTH_H

#include <stddef.h>

#include "stripe_model.h"

int st_write_truth(const st_state *st, const char *dir, char *err, size_t errlen);

#endif
