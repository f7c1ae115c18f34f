/* The GoCardless module's projection of the world: what GoCardless can show of it.
 *
 * GoCardless collects bank debits in a few currencies against mandates: customers (those
 * not deleted), one mandate per customer, subscriptions of one fixed amount per week,
 * month or year, payments of customers (no guests, no card authorizations) and their
 * refunds. Each list holds world indexes, oldest first; lists are served newest first. */
#ifndef GOCARDLESS_MODEL_H
#define GOCARDLESS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_ids.h"
#include "sandbox_json.h"
#include "world.h"

/* Lists (and id kinds). */
enum { GC_L_CUSTOMERS, GC_L_MANDATES, GC_L_SUBSCRIPTIONS, GC_L_PAYMENTS, GC_L_REFUNDS, GC_NLISTS };

typedef struct gc_list_view {
    uint32_t *index;          /* world indexes (customers' for mandates), oldest first */
    size_t n;
    int32_t *pos;             /* per world record: its position in index, or -1 */
} gc_list_view;

typedef struct gc_state {
    const sb_world *w;
    char *token;
    sb_id_style styles[GC_NLISTS];
    gc_list_view lists[GC_NLISTS];
} gc_state;

void gc_project(gc_state *st);
void gc_project_free(gc_state *st);
void gc_id(const gc_state *st, int list, uint64_t n, char out[SB_ID_MAX]);

/* The words GoCardless shows for world records, shared by rendering and the truth. */
const char *gc_sub_status(const w_sub *s);
const char *gc_payment_status(const gc_state *st, const w_payment *p);
const char *gc_refund_status(const w_refund *r);
/* The subscription a payment belongs to (its invoice's, when shown), or -1. */
long gc_payment_sub(const gc_state *st, const w_payment *p);

/* Renders world record i of a list as GoCardless's object. */
void gc_render(sb_json *j, const gc_state *st, int list, size_t i);

/* The list at a path ("/payments"), or -1. */
int gc_list_of(const char *path);
struct sb_request;
struct sb_response;
void gc_serve_list(const gc_state *st, int list, const struct sb_request *req, struct sb_response *resp);

/* The error envelope: {"error":{"message","documentation_url","type","request_id","code",
 * "errors":[{"reason"|"field","message"}]}}. */
void gc_error(struct sb_response *resp, const struct sb_request *req, int status, const char *type,
              const char *reason, const char *field, const char *message);

int gc_write_truth(void *state, const char *dir, char *err, size_t errlen);

#endif
