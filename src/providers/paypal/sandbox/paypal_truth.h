/* PayPal truth files (docs/data-model.md "PayPal specifics"), from the projection:
 *   customers.jsonl, plans.jsonl, subscriptions.jsonl, transactions.jsonl  what a correct
 *       extraction sees: transactions deduplicated (the most settled row per id, of the
 *       rows up to last_refreshed_datetime), subscriptions some such row references,
 *       their subscribers and the rows' payers;
 *   hidden_subscription_ids.txt  subscriptions no such row references (one id a line);
 *   subscriptions_all.jsonl, customers_all.jsonl  the truth when the host also supplies
 *       the hidden ids;
 *   invoices.jsonl  the Invoicing invoices (paypal_invoicing.c). */
#ifndef PAYPAL_TRUTH_H
#define PAYPAL_TRUTH_H

#include <stddef.h>

#include "paypal_model.h"

int pp_write_truth(const pp_state *s, const char *dir, char *err, size_t errlen);

#endif
