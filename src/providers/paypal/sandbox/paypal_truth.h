/* PayPal truth files (docs/data-model.md "PayPal specifics"), from the canonical model:
 *   customers.jsonl, plans.jsonl, subscriptions.jsonl, transactions.jsonl  what a correct
 *       extraction sees: transactions deduplicated (first row per id in search order),
 *       subscriptions referenced by some row, their subscribers and the rows' payers;
 *   hidden_subscription_ids.txt  subscriptions no row references (one id a line);
 *   subscriptions_all.jsonl, customers_all.jsonl  the truth when the host also supplies
 *       the hidden ids. */
#ifndef PAYPAL_TRUTH_H
#define PAYPAL_TRUTH_H

#include <stddef.h>

#include "paypal_model.h"

int pp_write_truth(const pp_dataset *ds, const char *dir, char *err, size_t errlen);

#endif
