/* The Stripe module's part of the injected faults (tests/sandbox/README.md "Faults"):
 * which requests are list pages (repeat@N), and the records insert@N:K creates while a
 * run is in progress. Stripe lists carry no totals, so inflate and shrink do not apply. */
#ifndef STRIPE_FAULTS_H
#define STRIPE_FAULTS_H

#include "sandbox_provider.h"
#include "stripe_model.h"

int st_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen);
int st_list_key(void *state, const sb_request *req, sb_buf *key);
/* 1 when record i of a kind is one insert@N:K creates and `visible` (request >= N, or
 * the truth after the insert) is 0: it does not exist yet. Items and lines go with their
 * subscription and invoice. */
int st_hidden(const st_state *st, int kind, size_t i, int visible);
/* st_find() for an id a request names: -1 also for a record that does not exist yet. */
long st_find_visible(const st_state *st, int kind, const char *id, size_t count, const sb_request *req);

#endif
