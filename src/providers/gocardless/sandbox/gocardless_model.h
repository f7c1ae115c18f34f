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

/* One event of GET /events (gocardless_events.c): what happened to which record, when.
 * `number` makes its id and never changes across epochs: 4k (and 4k + 1) for the world's
 * change k, 4i + 2 for payment i's payout. */
typedef struct gc_event {
    int64_t at;
    uint64_t number;
    uint32_t index;           /* the record's world index (a customer's for mandates) */
    uint8_t list;             /* GC_L_*: its resource type */
    uint8_t action;           /* index into gc_actions */
} gc_event;

extern const char *const gc_actions[];

typedef struct gc_state {
    const sb_world *w;
    char *token;
    sb_id_style styles[GC_NLISTS];
    gc_list_view lists[GC_NLISTS];
    sb_id_style event_style;
    gc_event *events;         /* oldest first: by (at, number) */
    size_t n_events;
} gc_state;

void gc_project(gc_state *st);
void gc_project_free(gc_state *st);
void gc_id(const gc_state *st, int list, uint64_t n, char out[SB_ID_MAX]);

/* A subscription GoCardless can hold (listed unless its customer was removed). */
int gc_sub_holdable(const gc_state *st, size_t i);

/* The words GoCardless shows for world records, shared by rendering and the truth. */
const char *gc_sub_status(const w_sub *s);
const char *gc_payment_status(const gc_state *st, const w_payment *p);
const char *gc_refund_status(const w_refund *r);
/* The subscription a payment belongs to (its invoice's, when shown), or -1. */
long gc_payment_sub(const gc_state *st, const w_payment *p);

/* A time as GoCardless writes it, with milliseconds. */
void gc_ktime_ms(sb_json *j, const char *key, int64_t t);
/* Renders world record i of a list as GoCardless's object. */
void gc_render(sb_json *j, const gc_state *st, int list, size_t i);

struct sb_request;
struct sb_response;

/* The list at a path ("/payments"), or -1. */
int gc_list_of(const char *path);
/* The list of a path "/payments/ID" (*id then points at ID), or -1. */
int gc_item_of(const char *path, const char **id);
/* The world index of an id of a list shown now, or -1. */
long gc_lookup(const gc_state *st, int list, const char *id);
/* The events (gocardless_events.c): built from the world's change log. */
void gc_events_build(gc_state *st);
void gc_serve_events(const gc_state *st, const struct sb_request *req, struct sb_response *resp);
/* GET /payments/ID and the like: {"payments":{...}}, 404 for an id not shown. */
void gc_serve_item(const gc_state *st, int list, const char *id, const struct sb_request *req,
                   struct sb_response *resp);
void gc_serve_list(const gc_state *st, int list, const struct sb_request *req, struct sb_response *resp);

/* The error envelope: {"error":{"message","documentation_url","type","request_id","code",
 * "errors":[{"reason"|"field","message"}]}}. */
void gc_error(struct sb_response *resp, const struct sb_request *req, int status, const char *type,
              const char *reason, const char *field, const char *message);

/* 422 validation_failed naming the field: a parameter's value GoCardless refuses. */
void gc_invalid(struct sb_response *resp, const struct sb_request *req, const char *field,
                const char *message);

/* A list's created_at[gt], [gte], [lt], [lte] filter (every list, /events included). */
typedef struct gc_created {
    int has[4];
    int64_t bound[4];
} gc_created;

/* Reads the parameter key=value, key being created_at[op], into f. Returns 0, or -1 with
 * the error answered: 400 invalid_filters for an unknown op, 422 for a value that is not
 * an ISO 8601 date-time. */
int gc_created_parse(gc_created *f, const char *op, const char *key, const char *value,
                     const struct sb_request *req, struct sb_response *resp);

/* 1 when the instant t passes the filter. */
int gc_created_pass(const gc_created *f, int64_t t);

int gc_write_truth(void *state, const char *dir, char *err, size_t errlen);

#endif
