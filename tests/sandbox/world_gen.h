/* Internal to the world generator: its stages and their shared helpers. */
#ifndef SANDBOX_WORLD_GEN_H
#define SANDBOX_WORLD_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_rng.h"
#include "world.h"

/* One random stream per stage, so changing one stage leaves the others' data alone. */
enum {
    WG_STREAM_CATALOG = 1, WG_STREAM_CUSTOMERS, WG_STREAM_SUBS, WG_STREAM_BILLING,
    WG_STREAM_ONE_OFF, WG_STREAM_REFUNDS, WG_STREAM_ADVANCE,
};

/* Seconds many records share: ties in `created` must keep their order across pages. */
#define WG_TS_CATALOG (W_START + 2 * W_DAY)     /* the initial catalog */
#define WG_TS_IMPORT (W_START + 71 * W_DAY)     /* customers imported from an old system */
#define WG_TS_IMPORT2 (W_START + 580 * W_DAY)   /* a second import */
#define WG_SUB_EPOCH (W_START + 240 * W_DAY)    /* subscriptions start after this */
#define WG_TS_MIGRATION (W_START + 300 * W_DAY) /* subscriptions migrated in one second */


/* What will happen to a subscription: decided when it is chosen, played out by billing. */
typedef struct wg_intent {
    int64_t cancel_request;   /* when the customer asks to cancel; 0: never */
    int at_period_end;        /* ... effective at the end of the period */
    int fail_from;            /* from this regular period on every payment attempt fails; -1: none */
    int first_fails;          /* the first payment fails: the subscription stays incomplete */
    int dunning_cancels;      /* after the last failed attempt: canceled (else unpaid) */
    int no_payment_method;    /* the free trial ends without one: paused */
    int trial_days;           /* a trial of the subscription's own when its plan has none */
} wg_intent;

void wg_catalog(sb_world *w);
void wg_customers(sb_world *w);
/* Subscriptions and their items, oldest first; intents[] in the same order (caller frees). */
void wg_subscriptions(sb_world *w, wg_intent **intents);
/* Plays every subscription out (trial, periods, invoices with lines, payment attempts,
 * dunning, cancellation), adds one-off invoices, numbers them. Payments stay unsorted. */
void wg_billing(sb_world *w, const wg_intent *intents);
/* One-off payments, then every payment in order; refunds and disputes. */
void wg_payments(sb_world *w);

/* Epoch 0's `updated` times and change log (its last 30 days). */
void wg_epoch0(sb_world *w);
/* Appends to the change log (*cap: its capacity). */
void wg_event(sb_world *w, size_t *cap, int64_t at, int kind, int what, size_t index);
void wg_event_field(sb_world *w, size_t *cap, int64_t at, int kind, int what, size_t index, int field,
                    const char *old_text, int64_t old_int);
void wg_events_sort(w_event *ev, size_t n);
/* A licensed item's amount for quantity q (tiered by its tiers). */
int64_t wg_licensed_amount(const w_price *p, int64_t q);
/* Usage billed for a metered item: sub-unit prices ("0.25") round half up. */
int64_t wg_metered_amount(const w_price *p, int64_t usage);
/* The processor's fee on a payment that took money (see world_gen_payments.c). */
int64_t wg_payment_fee(const w_payment *p);

/* Growable arrays while generating. */
#define WG_GROW(arr, n, cap)                                                              \
    do {                                                                                  \
        if ((n) == (cap)) {                                                               \
            (cap) = (cap) ? (cap) * 2 : 1024;                                             \
            (arr) = sb_xrealloc((arr), (cap) * sizeof *(arr));                            \
        }                                                                                 \
    } while (0)

/* Sort n records (each `size` bytes, with an int64 `created` at created_offset) oldest
 * first, ties in their current order. When old_to_new is given it receives the new index
 * of every old one. */
void wg_sort(void *records, size_t n, size_t size, size_t created_offset, uint32_t *old_to_new);
#define WG_SORT(arr, n, type, map) wg_sort((arr), (n), sizeof(type), offsetof(type, created), (map))

/* "12.34 USD": an amount in major units for descriptions. */
const char *wg_money_text(sb_world *w, int ccy, int64_t amount);

#endif
