/* The Braintree module's state: the world as Braintree's GraphQL API shows it (customers,
 * transactions, refunds, disputes), shared by the searches, the truth and the faults. */
#ifndef SB_BRAINTREE_MODEL_H
#define SB_BRAINTREE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "braintree_graphql.h"
#include "sandbox_json.h"
#include "sandbox_provider.h"
#include "world.h"

/* A plan of the XML gateway: a world price Braintree can express (braintree_plans.c). */
typedef struct bt_plan_row {
    uint32_t price;
    int frequency;            /* billing-frequency: months */
    int trial, trial_months;  /* a free trial of `trial` days, or months when trial_months */
} bt_plan_row;

typedef struct bt_sub_key {
    char id[16];
    uint32_t k;
} bt_sub_key;

typedef struct bt_state {
    const sb_world *w;
    char *public_key, *private_key, *merchant_id;
    bt_plan_row *plans;       /* oldest first */
    size_t n_plans;
    int32_t *price_plan;      /* per world price: its plan, or -1 */
    uint32_t *subs;           /* the world subscriptions Braintree shows, oldest first */
    size_t n_subs;
    bt_sub_key *sub_index;    /* the subscriptions by id, for fetches */
    long search_cap;          /* the most ids one search answers */
    uint32_t *disputes;       /* the disputed payments, by (disputed_at, number) */
    size_t n_disputes;
    int32_t *dispute_of;      /* per payment: its position in disputes, or -1 */
    /* insert@N:K: records created at or after insert_since exist only from request N on */
    int inserting, truth_after;
    int64_t insert_since;
} bt_state;

/* The world as one request (or the truth) sees it: with the records of insert@N or not. */
typedef struct bt_view {
    const bt_state *st;
    int visible;
    const bt_plan *plan;      /* the request's (NULL for the truth) */
} bt_view;

/* braintree_project.c: ids, statuses and money as Braintree writes them. */
void bt_project(bt_state *st);
void bt_project_free(bt_state *st);
/* legacyId and the global id (base64 of "customer_<legacyId>") of record i of a search. */
void bt_legacy_id(const bt_state *st, int search, size_t i, char out[32]);
void bt_global_id(const bt_state *st, int search, size_t i, char out[64]);
/* Base64 of a NUL-terminated string into out (4/3 of its length, and a NUL). */
void bt_base64(const char *in, char *out);
/* PaymentStatus of a payment and of a refund; DisputeStatus and DisputeType of a dispute. */
const char *bt_payment_status(const w_payment *p);
const char *bt_refund_status(const w_refund *r);
const char *bt_dispute_status(const bt_state *st, const w_payment *p, uint32_t payment);
const char *bt_dispute_type(const w_payment *p);
/* 1 while insert@N hides record pos of a search from the view. */
int bt_hidden(const bt_view *v, int search, size_t pos);
/* A customer that exists (payments name it); 0 for -1. */
int bt_customer_listed(const bt_state *st, int customer);
/* Minor units of a currency as the Amount scalar writes them: "12.30", "1500", "1.250". */
void bt_amount(int64_t minor, int ccy, char out[40]);
/* How many records a search holds, and record i's creation time. */
size_t bt_count(const bt_state *st, int search);
int64_t bt_created(const bt_state *st, int search, size_t pos);

/* braintree_search.c: one validated search answered as {"data":{"search":{...}}}. */
void bt_serve_search(const bt_state *st, const bt_plan *plan, const sb_request *req, sb_response *resp);

/* braintree_errors.c: GraphQL error bodies, {"errors":[...],"extensions":{"requestId"}}. */
void bt_error(sb_response *resp, int status, const sb_request *req, const char *error_class, const char *message);
void bt_error_list(sb_response *resp, const sb_request *req, const char *errors_json);
void bt_request_id(const sb_request *req, char out[40]);

/* braintree_plans.c: the plans (prices that bill a fixed amount every N months), their
 * ids ("plan_" and 8 base-36 characters) and their XML. */
void bt_plans_project(bt_state *st);
void bt_plan_id(const bt_state *st, size_t plan, char out[32]);
void bt_plans_xml(const bt_state *st, sb_buf *out);

/* braintree_subs.c: which world subscriptions Braintree shows, and how. */
typedef struct bt_sub_view {
    const w_sub *s;
    size_t plan;               /* its plan (first item) */
    int64_t price;             /* the subscription's price: the plan's times the item's quantity */
    int token_k;               /* which of its customer's payment methods it charges */
    int trial, trialing;       /* it had a free trial; it is in it */
    int64_t cycle;             /* current-billing-cycle: 0 in the trial */
    const char *status;        /* Active, Past Due, Canceled, Expired */
    int64_t ended;             /* Canceled / Expired: when */
    int64_t first_billing;     /* first-billing-date, a day (midnight UTC) */
    int64_t period_start, period_end; /* billing-period-start/end-date, days; the end inclusive */
    int64_t discount;          /* the coupon as a fixed amount per cycle (0: none) */
    int discount_cycles;       /* its cycles, 0: forever */
} bt_sub_view;
void bt_subs_project(bt_state *st);
void bt_sub_of(const bt_state *st, size_t k, bt_sub_view *v);
void bt_sub_id(const bt_state *st, size_t k, char out[16]);
/* The subscription with this id, or -1. */
long bt_sub_find(const bt_state *st, const char *id);
void bt_addon_id(const bt_state *st, int price, char out[24]);
/* The vault tokens of a customer's payment methods (1 or 2). */
int bt_token_count(int customer);
void bt_token(const bt_state *st, int customer, int k, char out[16]);

/* braintree_search_body.c: a subscription search's <search> criteria. */
#define BT_PAGE_SIZE 50        /* ids per advanced_search, the page-size the gateway answers */
typedef struct bt_search_body {
    int has_min, has_max, has_ids;
    int64_t min, max;          /* created_at, inclusive */
    char ids[2 * BT_PAGE_SIZE][64];
    size_t n_ids;
} bt_search_body;
/* 0, or -1 with the gateway's message for a 422 in err. */
int bt_search_body_read(const char *body, size_t len, bt_search_body *b, char *err, size_t errlen);

/* braintree_subs_xml.c: the subscription searches of the gateway. */
void bt_serve_subscription_search(const bt_state *st, const char *what, const sb_request *req, sb_response *resp);

/* braintree_xml_api.c: the legacy XML gateway, /merchants/{merchant_id}/... */
int bt_gateway_path(const char *path);
void bt_serve_gateway(const bt_state *st, const sb_request *req, sb_response *resp);
/* An error answer of the gateway: 422 with <api-error-response>, other statuses with an
 * empty body, as the SDKs expect them. */
void bt_gateway_error(sb_response *resp, int status, const char *message);
/* Text with XML's five special characters escaped. */
void bt_xml_escape(sb_buf *out, const char *s);

/* braintree_truth.c, braintree_truth_subs.c */
int bt_write_truth(void *state, const char *dir, char *err, size_t errlen);
struct sb_truth_file;
void bt_write_subscriptions(const void *state, struct sb_truth_file *o);

#endif
