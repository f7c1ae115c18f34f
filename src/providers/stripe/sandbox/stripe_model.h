/* The canonical Stripe dataset: what the fake account holds. Both the API renderer and
 * the truth writer read it; neither derives anything from the other's output.
 *
 * Records of each kind are stored oldest first: index = the fixed internal sequence,
 * ordered by (created, generation order). Stripe lists newest first, so list position p
 * is record n-1-p. Immutable after st_dataset_generate(). */
#ifndef STRIPE_MODEL_H
#define STRIPE_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* The dataset's fixed clock: nothing happens before ST_T_START or after ST_NOW. */
#define ST_T_START 1640995200LL /* 2022-01-01T00:00:00Z */
#define ST_NOW 1751284800LL     /* 2025-06-30T12:00:00Z */

enum { ST_USD, ST_EUR, ST_GBP, ST_CAD, ST_AUD, ST_CHF, ST_SEK, ST_JPY, ST_KRW, ST_KWD, ST_BHD, ST_NCCY };

typedef struct st_currency {
    const char *code;   /* lower case, as Stripe sends it */
    int64_t quantum;    /* amounts are multiples of this (10 for three-decimal currencies) */
    int64_t unit;       /* minor units in one "typical" unit of price (100 cents, 1 yen...) */
} st_currency;

extern const st_currency st_currencies[ST_NCCY];

/* Stripe's exponent for a currency code (either case): 0 for its zero-decimal list,
 * 3 for its three-decimal list, else 2. */
int st_currency_exponent(const char *code);

enum { ST_DAY, ST_WEEK, ST_MONTH, ST_YEAR };
extern const char *const st_interval_names[4];

/* Subscription statuses, in Stripe's vocabulary. */
enum {
    ST_SUB_TRIALING,
    ST_SUB_ACTIVE,
    ST_SUB_PAST_DUE,
    ST_SUB_UNPAID,
    ST_SUB_PAUSED,
    ST_SUB_CANCELED,
    ST_SUB_INCOMPLETE,
    ST_SUB_INCOMPLETE_EXPIRED,
    ST_SUB_NSTATUS
};
extern const char *const st_sub_status_names[ST_SUB_NSTATUS];

enum { ST_CH_SUCCEEDED, ST_CH_PENDING, ST_CH_FAILED };
extern const char *const st_charge_status_names[3];

enum { ST_RE_SUCCEEDED, ST_RE_PENDING, ST_RE_FAILED, ST_RE_CANCELED, ST_RE_REQUIRES_ACTION };
extern const char *const st_refund_status_names[5];

enum { ST_REASON_NONE, ST_REASON_REQUESTED, ST_REASON_DUPLICATE, ST_REASON_FRAUDULENT };
extern const char *const st_refund_reason_names[4]; /* [0] is NULL: null */

typedef struct st_customer {
    char id[24];
    int64_t created;
    int64_t deleted_at;         /* 0: not deleted */
    const char *name;           /* NULL: null */
    const char *email;
    const char *phone;
    const char *description;
    int has_address;
    const char *line1, *line2, *city, *state, *postal_code;
    const char *country;        /* upper case; NULL: null (also inside an address) */
    int ccy;                    /* currency it is billed in */
    int currency_set;           /* customer.currency non-null: it has subscriptions */
    int delinquent;
    int64_t balance;
    char invoice_prefix[12];
    const char *locale;         /* NULL: preferred_locales [] */
    int tax_exempt;
} st_customer;

typedef struct st_product {
    char id[24];
    const char *name;
    const char *description;
    int64_t created;
    int active;
    int deleted;
} st_product;

typedef struct st_price {
    char id[40];
    int product;
    int64_t created;
    int active;
    int ccy;
    int recurring;              /* 0: one_time */
    int interval, interval_count;
    int metered;                /* usage_type metered (items carry no quantity) */
    int trial_days;             /* -1: null */
    int tiered;                 /* billing_scheme tiered: unit_amount null */
    int has_unit_amount;
    int64_t unit_amount;
    const char *unit_amount_decimal; /* NULL: null */
    const char *nickname;
    int usable;                 /* may appear on subscriptions (recurring, product not deleted) */
} st_price;

typedef struct st_item {
    char id[24];
    int sub;
    int price;
    int64_t created;
    int64_t quantity;           /* -1: omitted (metered) */
    int64_t period_start, period_end;
} st_item;

typedef struct st_sub {
    char id[40];
    int customer;
    int status;
    int64_t created, start_date, billing_cycle_anchor;
    int64_t trial_start, trial_end;   /* 0: null */
    int64_t canceled_at, ended_at, cancel_at;
    int cancel_at_period_end;
    int cancel_reason;          /* 0 none, 1 cancellation_requested, 2 payment_failed */
    int ccy;
    size_t first_item, n_items; /* items[first_item ..], in the subscription's order */
    long latest_charge;         /* -1: none */
    int mixed_intervals;
} st_sub;

typedef struct st_charge {
    char id[40];
    int customer;               /* -1: guest, customer null */
    int sub;                    /* -1: not from a subscription invoice */
    int64_t created;
    int64_t amount, amount_refunded;
    int ccy;
    int status;
    const char *description;
    size_t first_refund, n_refunds; /* into st_dataset.charge_refunds, newest first */
} st_charge;

typedef struct st_refund {
    char id[40];
    int charge;
    int64_t created;
    int64_t amount;
    int status;
    int reason;
} st_refund;

/* (id, record index), sorted by id: lookups by id. */
typedef struct st_id_entry {
    const char *id;
    uint32_t index;
} st_id_entry;

typedef struct st_arena st_arena;

typedef struct st_dataset {
    uint64_t seed;
    long scale;
    char account[12];           /* the account fragment inside long ids */
    st_customer *customers;
    size_t n_customers;
    st_product *products;
    size_t n_products;
    st_price *prices;
    size_t n_prices;
    st_sub *subs;
    size_t n_subs;
    st_item *items;
    size_t n_items;
    st_charge *charges;
    size_t n_charges;
    st_refund *refunds;
    size_t n_refunds;
    uint32_t *charge_refunds;
    st_id_entry *by_id_customers, *by_id_products, *by_id_prices, *by_id_subs, *by_id_items,
        *by_id_charges, *by_id_refunds;
    st_arena *arena;
} st_dataset;

/* Build the dataset; deterministic in (seed, scale). */
void st_dataset_generate(st_dataset *ds, uint64_t seed, long scale);
void st_dataset_free(st_dataset *ds);

/* Record index for an id, or -1. */
long st_find(const st_id_entry *table, size_t n, const char *id);
#define ST_FIND(ds, kind, id) st_find((ds)->by_id_##kind, (ds)->n_##kind, (id))

/* Ids that are not stored: derived deterministically from (kind, number). */
enum {
    ST_ID_CUSTOMER = 1, ST_ID_PRODUCT, ST_ID_PRICE, ST_ID_SUB, ST_ID_ITEM, ST_ID_CHARGE,
    ST_ID_REFUND, ST_ID_PI, ST_ID_TXN, ST_ID_INVOICE, ST_ID_PM, ST_ID_REQUEST,
};
void st_make_id(const st_dataset *ds, int kind, uint64_t number, char *out, size_t outlen);
/* The number a derived id was made from, or -1 if id is not one st_make_id makes. */
long st_id_number(const st_dataset *ds, int kind, const char *id);
/* "req_" + 14 alphanumerics, unique per request number. */
void st_request_id(uint64_t seed, uint64_t number, char out[24]);

/* Small string arena for generated text. */
st_arena *st_arena_new(void);
const char *st_arena_strdup(st_arena *a, const char *s);
const char *st_arena_printf(st_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void st_arena_free(st_arena *a);

#endif
