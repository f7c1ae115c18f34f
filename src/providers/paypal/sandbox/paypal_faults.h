/* The PayPal module's part of the injected faults (tests/sandbox/README.md "Faults"):
 * which requests are list pages (repeat@N), the totals inflate@N and shrink@N report, and
 * the rows insert@N:K makes appear while a run is in progress. */
#ifndef PAYPAL_FAULTS_H
#define PAYPAL_FAULTS_H

#include <stddef.h>

#include "paypal_model.h"
#include "sandbox_provider.h"

int pp_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen);
int pp_list_key(void *state, const sb_request *req, sb_buf *key);
/* 0 when row i is one insert@N:K adds and `visible` (request >= N, or the truth after
 * the insert) is 0: it is not there yet. */
int pp_row_shown(const pp_state *s, size_t i, int visible);
/* Row i has reached Transaction Search (its lag has passed). */
int pp_row_arrived(const pp_state *s, size_t i);
/* What a list reports for `total` items in pages of `size`: total_items less shrink@N's
 * items (at least 0), and its pages plus inflate@N's pages. */
void pp_reported_totals(const sb_fault_action *fa, size_t total, long long size, size_t *items, long long *pages);

#endif
