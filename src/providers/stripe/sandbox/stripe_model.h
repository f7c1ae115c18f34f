/* The Stripe module's view of the world: Stripe's objects are the world's records one to
 * one (customers, products, prices, subscriptions and items, invoices and lines, charges
 * for payments, refunds), with Stripe ids made from their numbers. The renderer
 * (stripe_render*.c) and the truth writer (stripe_truth.c) both read the world through
 * this; neither derives anything from the other's output. */
#ifndef STRIPE_MODEL_H
#define STRIPE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_ids.h"
#include "world.h"

/* Kinds of ids; the number is the record's index (or, for the derived ones, its owner's). */
enum {
    ST_CUSTOMER, ST_PRODUCT, ST_PRICE, ST_SUB, ST_ITEM, ST_CHARGE, ST_REFUND, ST_INVOICE,
    ST_LINE, ST_INVOICEITEM, ST_PI, ST_TXN, ST_PM, ST_DISCOUNT, ST_TAX_RATE, ST_DISPUTE, ST_INPAY, ST_EVENT, ST_NKINDS
};

typedef struct st_state {
    const sb_world *w;
    char *api_key;
    /* Connect: the connected account (acct_...) the world belongs to, or NULL when it is
     * the platform's own. With one, requests without Stripe-Account see `platform`, a
     * state over an empty world (the platform's own, empty, account). */
    char *connected;
    struct st_state *platform;
    sb_world *platform_world;
    char account[12];               /* the account fragment inside long ids */
    sb_id_style styles[ST_NKINDS];
    unsigned char *has_subs;        /* per customer: customer.currency is set */
    unsigned char *delinquent;      /* per customer: an invoice failed and is still open */
    uint32_t *invoice_count;        /* per customer: invoices numbered so far */
    /* insert@N:K (stripe_faults.c): the records created at or after insert_since exist
     * only from request N on */
    int inserting;
    int64_t insert_since;
    int truth_after;                /* the truth being written is the state after the insert */
    /* disputes (stripe_balance.c): payments with one, by when they were disputed */
    uint32_t *disputes;
    size_t n_disputes;
    int32_t *dispute_of;            /* per payment: its dispute's number, or -1 */
    /* invoice payments: the payments of invoices, oldest first (one PaymentIntent each) */
    uint32_t *inpays;
    size_t n_inpays;
    /* per invoice v: its invoice payments (numbers into inpays), newest first, at
     * inv_pays[inv_pay_first[v] .. inv_pay_first[v + 1]) (an invoice's `payments`) */
    uint32_t *inv_pays;
    uint32_t *inv_pay_first;
    long custom_price;              /* st_custom_price(), found once */
} st_state;

/* A balance transaction as Stripe shows it: money into (+) or out of (-) the balance. */
typedef struct st_txn {
    int64_t created, amount, fee, net;
    const char *type, *category;    /* "charge"/"refund"/"adjustment"; reporting_category */
    int pending;                    /* status pending (else available) */
} st_txn;

/* A dispute: its status and the balance transactions it made (at most two). */
typedef struct st_dispute_view {
    size_t payment;
    const char *status;
    int inquiry;                    /* a warning_* inquiry: no money moves */
    int n_txn;
    st_txn txn[2];
} st_dispute_view;

/* A subscription's coupon as a Stripe discount (stripe_subs.c): percent off its first
 * `cycles` regular invoices (repeating) or all of them (forever). */
typedef struct st_coupon {
    char id[24];                    /* the coupon's id: SAVE25 (forever), SAVE25X3 */
    int percent;
    const char *duration;           /* "forever", "repeating" */
    int months;                     /* duration_in_months, 0: null */
    int64_t start, end;             /* end 0: never */
} st_coupon;

/* The discount subscription i shows: 1 with *out, 0 when none (no coupon, or one whose
 * end has passed: Stripe removes it then). */
int st_sub_coupon(const st_state *st, size_t i, st_coupon *out);

/* The price whose amount the customer chooses (custom_unit_amount): the first one-time
 * price that is offered, of a product not deleted; -1 when the catalog has none. Its
 * bounds: half its world amount to a hundred times it, the world amount preset. */
long st_custom_price(const st_state *st);

/* Collection paused (pause_collection): 1 with its behavior and resumes_at (0: none). */
int st_sub_pause(const st_state *st, size_t i, const char **behavior, int64_t *resumes_at);

/* Indexes the disputes (oldest first) and each payment's, and the invoice payments;
 * freed by st_disputes_free. */
void st_disputes_init(st_state *st);
void st_disputes_free(st_state *st);
void st_dispute(const st_state *st, size_t d, st_dispute_view *out);
/* The balance transaction of charge i; 0 when it has none (failed, not captured). */
int st_charge_txn(const st_state *st, size_t i, st_txn *out);
/* The balance transaction of refund i; 0 when it has none (canceled, requires_action). */
int st_refund_txn(const st_state *st, size_t i, st_txn *out);
/* Refund i shows `status: null` (Stripe's spec allows it): some of the pending ones. */
int st_refund_status_null(const st_state *st, size_t i);

/* The shape a Stripe-Version implies. */
typedef struct st_shape {
    const char *version;
    int basil;          /* >= 2025-03-31.basil: periods on items, invoice parents, no charge.invoice */
    int charge_refunds; /* <  2022-11-15: charges embed their refunds list */
} st_shape;

void st_ids_init(st_state *st);
/* The id of record n of a kind into out (SB_ID_MAX bytes). */
void st_id(const st_state *st, int kind, uint64_t n, char *out);
/* The record an id names (n < count), or -1. */
long st_find(const st_state *st, int kind, const char *id, size_t count);
/* "req_" + 14 alphanumerics, unique per request number. */
void st_request_id(uint64_t seed, uint64_t number, char out[24]);

/* Stripe's exponent for a currency code: 0 for its zero-decimal list, 3 for its
 * three-decimal list, else 2 (so HUF and TWD have 2 at Stripe). */
int st_currency_exponent(const char *code);
/* The lower-case code Stripe sends. */
const char *st_ccy(int ccy);

#endif
