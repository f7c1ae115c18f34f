/* The PayPal module's projection of the world: what one merchant account shows when the
 * world's business bills through PayPal. Plans are the world's fixed-price recurring
 * prices in currencies PayPal takes; subscriptions the world's one-item subscriptions on
 * them; payers the customers seen; Transaction Search rows the payments, refunds and
 * disputes in those currencies (plus rows sharing a transaction id, and the burst day), and
 * the merchant's own money: monthly withdrawals, currency conversions, payments it sends to
 * vendors with their card funding (paypal_project.c, merchant_rows).
 * The renderer and the truth writer both read this; neither derives anything from the
 * other's output.
 *
 * Clock: the world's W_NOW is PayPal's `now` (--opt now, default the wall clock rounded
 * down to the hour); every time is shifted by the difference. Transaction Search serves
 * [now - 1095 days, now - 3 h]; the world starts at now - 1093 days.
 *
 * Products and plans are stored in creation order (the world's); rows in search order:
 * initiation time, then transaction id (byte order), then `order` (which of two rows
 * sharing a transaction id comes first). */
#ifndef PAYPAL_MODEL_H
#define PAYPAL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_ids.h"
#include "sandbox_tokens.h"
#include "world.h"

#define PP_DAY_S 86400LL
#define PP_HISTORY_S (1095LL * PP_DAY_S) /* "the previous three years": 3 x 365 days */
#define PP_LAG_S (3LL * 3600)            /* "a maximum of three hours" before rows appear */
#define PP_MAX_WINDOW_S (31LL * PP_DAY_S)
#define PP_MAX_RESULTS 10000

enum { PP_PLAN_CREATED, PP_PLAN_INACTIVE, PP_PLAN_ACTIVE };
extern const char *const pp_plan_status_names[3];
enum { PP_SUB_APPROVAL_PENDING, PP_SUB_APPROVED, PP_SUB_ACTIVE, PP_SUB_SUSPENDED, PP_SUB_CANCELLED,
       PP_SUB_EXPIRED, PP_SUB_NSTATUS };
extern const char *const pp_sub_status_names[PP_SUB_NSTATUS];
enum { PP_REF_NONE, PP_REF_SUB, PP_REF_TXN, PP_REF_PAP };
extern const char *const pp_ref_type_names[4];
enum { PP_EV_T0002, PP_EV_T0003, PP_EV_T0006, PP_EV_T0007, PP_EV_T1106, PP_EV_T1107, PP_EV_T1201,
       PP_EV_T0200, PP_EV_T0400, PP_EV_T0700, PP_NEV };
extern const char *const pp_event_codes[PP_NEV];
extern const char *const pp_unit_names[4]; /* DAY WEEK MONTH YEAR */

/* Kinds of ids. */
enum { PP_PRODUCT, PP_PLAN, PP_SUB, PP_PAYER, PP_TXN, PP_BA, PP_TOKEN, PP_NKINDS };

typedef struct pp_product {
    int product;                 /* the world's */
    int64_t created, updated;
} pp_product;

typedef struct pp_plan {
    int price;                   /* the world's */
    int product;                 /* into pp_state.products */
    int status;
    int64_t created, updated;
    int style;                   /* fixed_price written as 0 "10.00", 1 "10", 2 "10.0" */
    int64_t setup_fee;
    int setup_cancel;
} pp_plan;

typedef struct pp_sub {
    int sub, plan, status;       /* sub: the world's */
    int64_t status_time, updated;
    int64_t quantity;
    int show_quantity, show_name, show_email, show_shipping;
    int64_t price;               /* the REGULAR price billed: the plan's, or its override */
    int overridden;
    int has_billing;             /* billing_info present (it was activated) */
    int64_t next_billing, final_payment; /* 0: absent */
    int failed_count;
    int64_t outstanding;
    int visible;                 /* some row up to last_refreshed_datetime references it */
} pp_sub;

typedef struct pp_row {
    char txid[20];
    char ref[28];                /* paypal_reference_id, "" none */
    uint8_t ref_type, event, balance, order, show_email, show_name, show_country, instrument, has_fee;
    uint8_t merchant;            /* the merchant's own money: no customer in it */
    char status;                 /* S P D V */
    int16_t ccy;                 /* the world's */
    int32_t payer;               /* a customer; -1: a guest without an account */
    int32_t guest;
    int32_t sub;                 /* into pp_state.subs, -1 */
    int32_t payee;               /* a payment the merchant sent: the vendor paid; -1 */
    int64_t time, updated;
    int64_t amount, fee;         /* PayPal's minor units; refunds, reversals negative */
    char invoice[24];            /* "" none */
    const char *item;            /* cart item name; NULL: cart_info {} */
    uint64_t key;                /* its transaction id's number: from what it is of, so that
                                    ids stay when the world advances (twins borrow theirs) */
} pp_row;

typedef struct pp_state {
    const sb_world *w;
    int64_t now, delta, hist_start, cutoff; /* delta: add to a world time; cutoff: last_refreshed */
    long burst_rows;
    int64_t burst_day;
    char *client_id, *client_secret;
    char account_number[SB_ID_MAX], app_id[SB_ID_MAX + 8];
    sb_id_style styles[PP_NKINDS];
    sb_tokens *tokens;
    pp_product *products;
    size_t n_products;
    pp_plan *plans;
    size_t n_plans;
    pp_sub *subs;
    size_t n_subs, n_hidden;
    pp_row *rows;
    size_t n_rows;
    /* insert@N:K (paypal_faults.c): per row, 1 when it appears only from request N on
     * (NULL: no insert) */
    unsigned char *row_inserted;
    int truth_after;               /* the truth being written is the state after the insert */
} pp_state;

/* Builds the projection (the state's w, now, burst_rows set); ids, plans, subscriptions,
 * rows in search order. */
void pp_project(pp_state *s);
void pp_project_free(pp_state *s);

void pp_id(const pp_state *s, int kind, uint64_t n, char *out);
/* The record an id names (n < count), or -1. */
long pp_find(const pp_state *s, int kind, const char *id, size_t count);

/* PayPal's decimals: 0 for HUF, JPY, TWD (ISO says 2 for HUF, TWD), else 2. */
int pp_exponent(int ccy);
/* The world's ISO minor units in PayPal's (HUF and TWD amounts are whole units). */
int64_t pp_amount(int ccy, int64_t v);
/* Money as PayPal writes it: exactly its decimals, or per style for plan prices. out
 * holds at least 40 bytes. */
void pp_format_money(int64_t minor, int ccy, int style, char *out);
/* "2019-06-04T01:27:43+0000" (Transaction Search) */
void pp_format_time_search(int64_t t, char *out);
/* A payer's name as rows show it: the business, or an alternate full name (NULL: none),
 * perhaps written into buf. */
#define PP_NAME_MAX 256
const char *pp_alternate_name(const pp_state *s, int payer, char buf[PP_NAME_MAX]);
/* Guests: a name and a place of their own. */
const char *pp_guest_name(int guest);
const w_customer *pp_guest_place(int guest);
/* Plan i's name: "Video Streaming Service Plus (monthly, USD)". */
void pp_plan_name(const pp_state *s, size_t i, char *out, size_t n);
/* index of the first row with time >= t */
size_t pp_rows_lower_bound(const pp_state *s, int64_t t);

#endif
