/* The canonical PayPal dataset: what the fake merchant account holds. The API renderer
 * (paypal_render.c and the endpoints) and the truth writer (paypal_truth.c) both read it;
 * neither derives anything from the other's output.
 *
 * Clock: everything is anchored on `now` (--now, default the wall clock rounded down to
 * the hour). Transaction Search serves [now - 1095 days, now - 3 h]; the data lies in
 * [t0, t_end] = [now - 1095 days + 2 days, now - 1 day].
 *
 * Rows (Transaction Search lines) are stored in search order: initiation time, then
 * transaction id (byte order), then `order` (which of two rows sharing a transaction id
 * comes first). Immutable after pp_dataset_generate(). */
#ifndef PAYPAL_MODEL_H
#define PAYPAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#define PP_DAY_S 86400LL
#define PP_HISTORY_S (1095LL * PP_DAY_S) /* "the previous three years": 3 x 365 days */
#define PP_LAG_S (3LL * 3600)            /* "a maximum of three hours" before rows appear */
#define PP_MAX_WINDOW_S (31LL * PP_DAY_S)
#define PP_MAX_RESULTS 10000

enum { PP_USD, PP_EUR, PP_GBP, PP_CAD, PP_AUD, PP_JPY, PP_HUF, PP_TWD, PP_NCCY };

typedef struct pp_currency {
    const char *code;
    int exponent;  /* PayPal's decimals: 0 for HUF, JPY, TWD (ISO says 2 for HUF, TWD) */
    int64_t unit;  /* minor units in one "typical" price unit (1.00 USD = 100; 100 JPY) */
} pp_currency;

extern const pp_currency pp_currencies[PP_NCCY];

enum { PP_DAY, PP_WEEK, PP_MONTH, PP_YEAR };
extern const char *const pp_unit_names[4];  /* DAY, WEEK, MONTH, YEAR */
extern const char *const pp_unit_lower[4];  /* day, week, month, year */
extern const int pp_unit_days[4];           /* 1, 7, 30, 365 (data-model.md's trial rule) */

enum { PP_PLAN_CREATED, PP_PLAN_INACTIVE, PP_PLAN_ACTIVE };
extern const char *const pp_plan_status_names[3];

enum {
    PP_SUB_APPROVAL_PENDING,
    PP_SUB_APPROVED,
    PP_SUB_ACTIVE,
    PP_SUB_SUSPENDED,
    PP_SUB_CANCELLED,
    PP_SUB_EXPIRED,
    PP_SUB_NSTATUS
};
extern const char *const pp_sub_status_names[PP_SUB_NSTATUS];

/* paypal_reference_id_type */
enum { PP_REF_NONE, PP_REF_SUB, PP_REF_TXN, PP_REF_PAP, PP_REF_ODR };
extern const char *const pp_ref_type_names[5]; /* [0] NULL */

/* transaction_event_code */
enum { PP_EV_T0002, PP_EV_T0003, PP_EV_T0006, PP_EV_T0007, PP_EV_T1106, PP_EV_T1107, PP_EV_T1201, PP_NEV };
extern const char *const pp_event_codes[PP_NEV];

/* A billing cycle. A free trial has no pricing scheme (paid = 0). */
typedef struct pp_cycle {
    int unit, count;
    int total;          /* 0: infinite (regular cycles only) */
    int paid;
    int64_t price;      /* minor units */
    int price_style;    /* how fixed_price.value is written: 0 "10.00", 1 "10", 2 "10.0" */
} pp_cycle;

typedef struct pp_product {
    char id[24];        /* PROD- + 17 */
    const char *name;
    const char *description; /* NULL: absent */
    const char *type;   /* SERVICE, DIGITAL, PHYSICAL */
    const char *category;
    int64_t created, updated;
} pp_product;

typedef struct pp_plan {
    char id[28];        /* P- + 24 */
    int product;
    char name[128];
    const char *description; /* NULL: absent */
    int status;
    int ccy;
    int n_trials;
    pp_cycle trial[2];
    pp_cycle regular;
    int quantity_supported;
    int failure_threshold;
    int64_t setup_fee;
    int setup_cancel;   /* setup_fee_failure_action CANCEL (else CONTINUE) */
    int tax_pct;        /* 0: no taxes object */
    int tax_inclusive;
    int64_t created, updated;
} pp_plan;

typedef struct pp_place {
    const char *country, *city, *state, *postal, *line1;
} pp_place;

typedef struct pp_payer {
    char id[16];        /* 13 characters of [2-9A-HJ-NP-Z] */
    const char *given, *surname; /* a person, or a business's contact person */
    const char *business;        /* NULL for a person; rows carry only this name */
    char alt_name[96];           /* persons: alternate_full_name on rows ("": not sent) */
    char email[64];              /* "": the payer has none */
    const pp_place *place;       /* NULL: no country known */
    int ccy;
    char payer_status, address_status;
} pp_payer;

typedef struct pp_sub {
    char id[16];        /* I- + 12 */
    int payer;
    int plan;
    int status;
    int64_t created, start, status_time, updated;
    int64_t quantity;
    int show_quantity;  /* 0: the quantity member is absent (clients read 1) */
    int overridden;
    int64_t override_price;      /* the subscription's REGULAR price when overridden */
    int show_name, show_email, show_shipping, show_payer_id;
    int has_billing;             /* billing_info present (the subscription was active) */
    int64_t last_pay_time, last_pay_amount;       /* 0: no last_payment */
    int64_t next_billing, final_payment;          /* 0: absent */
    int failed_count;
    int64_t outstanding;
    int64_t last_failed_time, last_failed_amount; /* 0: none */
    int cycles_done[3];          /* per plan cycle: trials, then regular */
    int visible;                 /* some transaction row references it */
    char ba_token[24];           /* approval link token for APPROVAL_PENDING */
} pp_sub;

typedef struct pp_row {
    char txid[20];      /* 17 characters */
    char ref[28];       /* paypal_reference_id, "" none */
    uint8_t ref_type;
    uint8_t event;
    char status;        /* S P D V */
    uint8_t balance;    /* balance affecting */
    uint8_t order;      /* tie-break among rows sharing a transaction id */
    uint8_t show_email, show_name, show_country;
    uint8_t instrument; /* 0 none, 1 CREDITCARD, 2 DEBITCARD */
    uint8_t has_fee;
    uint8_t burst;
    int16_t ccy;
    int32_t payer;      /* -1: guest checkout, no account id */
    int32_t guest;      /* guest number when payer < 0 */
    int32_t sub;        /* -1: not a subscription payment */
    int64_t time, updated;
    int64_t amount;     /* signed minor units (refunds, reversals negative) */
    int64_t fee;
    char invoice[24];   /* "" none */
    const char *item;   /* cart item name; NULL: cart_info {} */
} pp_row;

typedef struct pp_id_entry {
    const char *id;
    uint32_t index;
} pp_id_entry;

typedef struct pp_dataset {
    uint64_t seed;
    long scale;
    int64_t now, hist_start, t0, t_end, cutoff; /* cutoff = now - 3 h: last_refreshed_datetime */
    long burst_rows;
    int64_t burst_day;          /* start of the burst day (0: none) */
    char account_number[16];
    char app_id[24];
    pp_product *products;
    size_t n_products;
    pp_plan *plans;
    size_t n_plans;
    pp_payer *payers;
    size_t n_payers;
    pp_sub *subs;
    size_t n_subs;
    pp_row *rows;
    size_t n_rows;
    size_t n_hidden;
    pp_id_entry *by_id_products, *by_id_plans, *by_id_subs;
} pp_dataset;

/* Build the dataset; deterministic in (seed, scale, now, burst_rows). now must be set. */
void pp_dataset_generate(pp_dataset *ds, uint64_t seed, long scale, int64_t now, long burst_rows);
void pp_dataset_free(pp_dataset *ds);

long pp_find(const pp_id_entry *table, size_t n, const char *id);

/* The REGULAR price a subscription is billed at (the override when there is one). */
int64_t pp_sub_price(const pp_dataset *ds, const pp_sub *s);

/* Money as PayPal writes it: exactly `exponent` decimals, or per price_style for plan
 * prices. out holds at least 40 bytes. */
void pp_format_money(int64_t minor, int ccy, int style, char *out);
/* "2019-06-04T01:27:43+0000" (Transaction Search) */
void pp_format_time_search(int64_t t, char *out);

/* index of the first row with time >= t (rows are in time order) */
size_t pp_rows_lower_bound(const pp_dataset *ds, int64_t t);

#endif
