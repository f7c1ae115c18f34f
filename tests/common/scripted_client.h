/* Clients of a scripted transport: fakes, fixture walks and fuzzing, with no service and
 * no sandbox behind them. (No Check here: the fuzz targets use it too.) */
#ifndef BILLTAP_TESTS_SCRIPTED_CLIENT_H
#define BILLTAP_TESTS_SCRIPTED_CLIENT_H

#include <billtap.h>

/*
 * A client of `provider` made with opts (its transport the script), unpaced: a script
 * keeps no rate limit, and pacing to the provider's documented rate (Stripe 25 a second
 * for test keys, PayPal 10) would only make the tests, walks and fuzzing wait. This is the
 * one place that says so; clients of a sandbox take rate_limit from its settings line.
 * Lists are walked one at a time (parallel_slices 1 where a provider has it): a script
 * answers in order, whatever the URL.
 * 0, or the error of billtap_client_new / billtap_client_set (no client then).
 */
int scripted_client_new(billtap_client **out, const char *provider,
                        const billtap_client_options *opts);

#endif
