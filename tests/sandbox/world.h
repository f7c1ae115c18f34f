/* The canonical billing world: one seeded business (its customers, catalog, subscriptions
 * with their lifecycle, invoices with lines, payments and refunds) that every provider
 * module renders in its own API's shapes and normalizes into its own truth files.
 *
 * Generated from (seed, scale), deterministic, independent of the wall clock: everything
 * happens in [W_START, W_NOW] (epoch 0). sb_world_advance() then lets days pass (epochs
 * 1, 2, ...): new records are appended, existing ones change in place, so a record keeps
 * its number across epochs. Records carry neutral numbers (their index in their array);
 * each module formats its own ids from them. `updated` is a record's latest change.
 *
 * Each kind is stored oldest first: index = order by (created, generation order), so
 * records sharing a second keep one fixed order (records appended by an advance are newer
 * than every earlier one). Money is in ISO 4217 minor units of the
 * record's currency and always a multiple of the currency's quantum, so that every
 * provider can express it (HUF and TWD are whole units, as PayPal needs; KWD and BHD end in
 * 0, as Stripe needs). Immutable once made: an advance makes a new world from a copy. */
#ifndef SANDBOX_WORLD_H
#define SANDBOX_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_arena.h"

#define W_DAY 86400LL
#define W_NOW 1751284800LL                /* 2025-06-30T12:00:00Z: the world's "now" */
#define W_START (W_NOW - 1093 * W_DAY)    /* 2022-07-03T12:00:00Z: three years fit PayPal's search */

enum { W_USD, W_EUR, W_GBP, W_CAD, W_AUD, W_CHF, W_SEK, W_JPY, W_KRW, W_KWD, W_BHD, W_HUF, W_TWD, W_NCCY };

typedef struct w_currency {
    const char *code;   /* ISO 4217, upper case */
    int exponent;       /* ISO 4217 decimals */
    int64_t quantum;    /* every amount is a multiple of this */
    int64_t unit;       /* minor units of one typical price step (1.00 USD, 100 JPY) */
} w_currency;

extern const w_currency w_currencies[W_NCCY];

enum { W_DAYS, W_WEEKS, W_MONTHS, W_YEARS };
extern const char *const w_interval_names[4]; /* day, week, month, year */

/* Subscription statuses (the lifecycle's states; Stripe happens to use these names). */
enum {
    W_SUB_TRIALING, W_SUB_ACTIVE, W_SUB_PAST_DUE, W_SUB_UNPAID, W_SUB_PAUSED, W_SUB_CANCELED,
    W_SUB_INCOMPLETE, W_SUB_INCOMPLETE_EXPIRED, W_SUB_NSTATUS
};
extern const char *const w_sub_status_names[W_SUB_NSTATUS];
enum { W_CANCEL_NONE, W_CANCEL_REQUESTED, W_CANCEL_PAYMENT_FAILED, W_CANCEL_EXPIRED };

enum { W_INV_DRAFT, W_INV_OPEN, W_INV_PAID, W_INV_VOID, W_INV_UNCOLLECTIBLE, W_INV_NSTATUS };
extern const char *const w_invoice_status_names[W_INV_NSTATUS];
enum { W_REASON_CREATE, W_REASON_CYCLE, W_REASON_MANUAL };
enum { W_LINE_SUBSCRIPTION, W_LINE_PRORATION, W_LINE_ONE_OFF };
/* Where a line's discount comes from, and its level: a subscription's coupon is the
 * invoice's (off the subtotal, shared out over the lines it applies to); an introductory
 * price is the line's own (off the line, before the subtotal). */
enum { W_DISCOUNT_NONE, W_DISCOUNT_COUPON, W_DISCOUNT_INTRO };

enum { W_PAY_SUCCEEDED, W_PAY_PENDING, W_PAY_FAILED };
enum { W_FAIL_NONE, W_FAIL_DECLINED, W_FAIL_FUNDS };
enum { W_DISPUTE_NONE, W_DISPUTE_REVERSAL, W_DISPUTE_CHARGEBACK };
enum { W_RE_SUCCEEDED, W_RE_PENDING, W_RE_FAILED, W_RE_CANCELED, W_RE_REQUIRES_ACTION };
extern const char *const w_refund_status_names[5];
extern const char *const w_refund_reason_names[4]; /* [0] NULL: no reason */

typedef struct w_customer {
    int64_t created, deleted_at;       /* deleted_at 0: not deleted */
    const char *given, *family;        /* the person (a business's contact person) */
    const char *business;              /* NULL: a person */
    const char *display;               /* the name as written: the business or the person */
    int name_on_file;                  /* the merchant's record carries the name */
    const char *email, *phone, *description; /* NULL: none */
    int has_address;
    const char *line1, *line2, *city, *state, *postal, *country; /* country NULL: never given */
    int ccy;                           /* the currency it is billed in */
    int tax_exempt;                    /* 0 taxable, 1 exempt, 2 reverse charge */
    int bank;                          /* pays by bank debit, which settles days later */
    int64_t updated;
    int keep;                          /* a hard case: never deleted by an advance */
} w_customer;

typedef struct w_product {
    int64_t created;
    const char *name, *description;
    int active, deleted;
    int64_t updated;
} w_product;

/* A trial phase of a plan: `total` cycles of `count` `unit`s at `price` (0: free). Free
 * phases come first; a paid one bills at the regular frequency. */
typedef struct w_phase {
    int unit, count, total;
    int64_t price;
} w_phase;

typedef struct w_price {
    int product;
    int64_t created, archived_at;      /* archived_at 0: still offered */
    int draft;                         /* defined but never offered */
    int ccy, recurring, interval, interval_count;
    int metered, tiered;
    int64_t unit_amount;               /* -1: none (tiered, or below one minor unit) */
    const char *decimal;               /* the exact unit amount, NULL when tiered */
    int64_t tier_upto, tier1, tier2;   /* tiered: the first tier_upto units at tier1, then tier2 */
    const char *nickname;
    int n_phases;
    w_phase phases[2];
    int total_cycles;                  /* regular cycles before it expires; 0: no end */
    int quantity_ok;                   /* subscriptions may buy more than one */
    int failure_threshold;             /* payment attempts per invoice before dunning gives up */
    int tax_pct, tax_inclusive;        /* tax_pct 0: untaxed */
    int64_t updated;
} w_price;

typedef struct w_sub {
    int customer, ccy, status;
    int64_t created, start_date, anchor;  /* anchor: start of the first regular period */
    int64_t trial_start, trial_end;       /* 0: no free trial */
    int64_t canceled_at, ended_at, cancel_at;
    int cancel_at_period_end, cancel_reason;
    int coupon_pct, coupon_cycles;        /* percent off the first coupon_cycles invoices; 0: forever */
    int mixed;                            /* items bill at different intervals */
    int periods;                          /* regular periods begun (paid trial ones included) */
    int cycles[3];                        /* cycles begun of each trial phase of its plan, then regular ones */
    int64_t next_period;                  /* start of the next regular period (0: none) */
    int32_t last_payment, last_failure;   /* its latest payment (pending ones too), latest failed one; -1 */
    uint32_t first_item, n_items;
    int32_t latest_invoice;               /* -1: none */
    int64_t updated;
} w_sub;

typedef struct w_item {
    int sub, price;
    int64_t created;                      /* after the subscription's: added later, prorated */
    int64_t quantity;                     /* -1: metered, no quantity */
    int64_t period_start, period_end;     /* the current period */
} w_item;

typedef struct w_invoice {
    int customer, sub;                    /* sub -1: a one-off invoice */
    int64_t created, finalized_at, due_date, paid_at, voided_at, uncollectible_at;
    int status, reason, send;             /* send: collection by sending the invoice */
    int ccy, number;                      /* number: the customer's sequence, 0 for drafts */
    int64_t subtotal;                     /* the lines after their own (intro) discounts */
    int64_t discount;                     /* invoice-level: the coupon's shares */
    int64_t tax, total, amount_paid;      /* total: subtotal - discount + tax when added */
    int64_t period_start, period_end;     /* usage period (the previous one for renewals) */
    int tax_pct, tax_inclusive;
    int attempts;                         /* payment attempts made */
    uint32_t first_line, n_lines;
    int32_t payment;                      /* the latest payment attempt, -1 */
    int64_t updated;
    int64_t deleted_at;                   /* a draft deleted (0: not deleted) */
} w_invoice;

typedef struct w_line {
    int invoice, kind;
    int discount_kind;                    /* what the discount is: the coupon or an intro price */
    int item, price;                      /* -1: none */
    int64_t quantity;                     /* -1: none */
    int64_t amount, discount, tax;        /* amount before any discount; discount of either
                                             level; tax on amount - discount, included or added */
    int64_t period_start, period_end;
    const char *description;
} w_line;

typedef struct w_payment {
    int customer;                         /* -1: guest checkout */
    int guest;                            /* guest number when customer < 0 */
    int invoice;                          /* -1: not an invoice payment */
    int64_t created, amount, amount_refunded;
    int ccy, status, failure, bank;
    const char *description;
    int dispute;                          /* W_DISPUTE_* */
    int64_t disputed_at;
    int uncaptured;                       /* authorized, not (yet) captured: no money moved */
    int64_t fee;                          /* the processor's fee (0 when nothing was taken) */
    uint32_t first_refund, n_refunds;     /* into sb_world.payment_refunds */
    int64_t updated;
} w_payment;

typedef struct w_refund {
    int payment;
    int64_t created, amount;
    int status, reason;
    int64_t updated;
} w_refund;

/* What happened to a record: the world's change log, oldest first (ties in the order they
 * happened). Modules turn it into their change feeds (Stripe's events). `index` is the
 * record's number in its kind's array; for W_K_DISPUTE and W_K_INPAY it is the payment's.
 * An update names the one field it changed and its value before. */
enum { W_K_CUSTOMER, W_K_PRODUCT, W_K_PRICE, W_K_SUB, W_K_INVOICE, W_K_PAYMENT, W_K_REFUND,
       W_K_DISPUTE, W_K_INPAY, W_NKINDS };
enum {
    W_EV_CREATED, W_EV_UPDATED, W_EV_DELETED,
    W_EV_FINALIZED, W_EV_PAID, W_EV_PAYMENT_FAILED, W_EV_VOIDED, W_EV_UNCOLLECTIBLE, /* invoices */
    W_EV_SUCCEEDED, W_EV_FAILED, W_EV_PENDING, W_EV_REFUNDED, W_EV_CAPTURED,         /* payments */
    W_EV_CLOSED,                                                                      /* disputes */
    W_EV_NWHAT
};
enum {
    W_FLD_NONE, W_FLD_EMAIL, W_FLD_NAME, W_FLD_LINE1, W_FLD_STATUS, W_FLD_ACTIVE,
    W_FLD_AMOUNT_REFUNDED, W_FLD_CANCEL_AT_PERIOD_END, W_FLD_PERIOD, W_FLD_DESCRIPTION
};

typedef struct w_event {
    int64_t at;
    int kind, what, field;
    uint32_t index;
    const char *old_text;                 /* the field's value before (strings; NULL: none) */
    int64_t old_int;                      /* ... (numbers, statuses, booleans) */
} w_event;

typedef struct sb_world {
    uint64_t seed;
    long scale;
    w_customer *customers;
    size_t n_customers;
    w_product *products;
    size_t n_products;
    w_price *prices;
    size_t n_prices;
    w_sub *subs;
    size_t n_subs;
    w_item *items;
    size_t n_items;
    w_invoice *invoices;
    size_t n_invoices;
    w_line *lines;
    size_t n_lines;
    w_payment *payments;
    size_t n_payments;
    w_refund *refunds;
    size_t n_refunds;
    uint32_t *payment_refunds;            /* per payment, its refunds newest first */
    w_event *events;                      /* the change log: from now - 30 days at epoch 0 */
    size_t n_events;
    int64_t now;                          /* W_NOW at epoch 0, later W_NOW + the days advanced */
    int epoch;
    sb_arena *arena;                      /* strings; shared by every epoch of one world */
    int shares_arena;                     /* 1: another frees the arena (the epochs, after every world) */
} sb_world;

/* Build the world at epoch 0; deterministic in (seed, scale). */
void sb_world_generate(sb_world *w, uint64_t seed, long scale);
/* The world `days` (>= 1) days after `from`: deterministic in (seed, scale, the days of
 * every advance so far). `out` shares from's arena (epoch 0's must outlive it); `from` is
 * only read (its arena gets new strings, which readers of `from` never see). */
void sb_world_advance(const sb_world *from, int days, sb_world *out);
void sb_world_free(sb_world *w);

/* When a payment's dispute is decided (closed): a chargeback 75 days after it opened, a
 * reversal (an inquiry: no money moves) 120 days after, each a second later so that a
 * state read at that second sees it closed. */
int64_t w_dispute_closes(const w_payment *p);
/* The start of flash-sale day i (0..2): many one-off payments in one day. */
int64_t w_dense_day(int i);
/* v (>= 0) rounded to the nearest multiple of the currency's quantum, half up. */
int64_t w_round(int ccy, int64_t v);
/* Start of period k of a billing cycle anchored at `anchor` (calendar months and years;
 * a month's day is clamped to the month's end). */
int64_t w_period_start(int64_t anchor, int unit, int count, int64_t k);
/* The period [*s, *e) of a cycle that contains t (the first one when t is before anchor). */
void w_period_at(int64_t anchor, int unit, int count, int64_t t, int64_t *s, int64_t *e);

#endif
