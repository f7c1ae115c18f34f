/* The Chargebee module's state: the world projected into Chargebee's customers and
 * subscriptions (product catalog 2.0), shared by the lists, the truth and the faults. */
#ifndef SB_CHARGEBEE_MODEL_H
#define SB_CHARGEBEE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_ids.h"
#include "sandbox_json.h"
#include "sandbox_provider.h"
#include "world.h"

enum { CB_CUSTOMER, CB_SUB, CB_ITEM_PRICE, CB_INVOICE, CB_TXN, CB_NKINDS };

/* A transaction: a payment (or authorization), a refund, or a chargeback (a refund by the
 * card network) of a payment. */
enum { CB_TXN_PAYMENT, CB_TXN_REFUND, CB_TXN_CHARGEBACK };
typedef struct cb_txn {
    int source;       /* CB_TXN_* */
    uint32_t index;   /* the payment's or the refund's number */
    int64_t date, updated;
} cb_txn;

/* A subscription as Chargebee shows it (derived once from the world). */
typedef struct cb_sub_view {
    const char *status;        /* future, in_trial, active, non_renewing, paused, cancelled */
    int64_t term_start, term_end;  /* current_term_*: the plan item's period; 0: none */
    int64_t cancelled_at;          /* when it ended, or (non_renewing) will; 0: none */
    int64_t cancel_requested;      /* cancel_schedule_created_at (non_renewing); 0: none */
    int due_invoices;              /* invoices whose collection failed, still unpaid */
    int listed;                    /* its customer exists (a deleted customer's are gone) */
} cb_sub_view;

typedef struct cb_state {
    const sb_world *w;
    char *api_key, *site;
    sb_id_style styles[CB_NKINDS];
    sb_id_style txn_styles[3];    /* by cb_txn source */
    cb_sub_view *subs;
    /* each kind's records in updated order (ties by number), for sort_by[..]=updated_at,
     * and in created order where that is not their numbers' (transactions) */
    uint32_t *by_updated[CB_NKINDS], *by_created[CB_NKINDS];
    cb_txn *txns;     /* payments, then refunds, then chargebacks */
    size_t n_txns;
    /* insert@N:K: records created at or after insert_since exist only from request N on */
    int inserting, truth_after;
    int64_t insert_since;
} cb_state;

/* Ids: Chargebee's look like "AzZTZgS1Pp3kQ8Xy"; item price ids are names, which the
 * module numbers so that their byte order is the prices' order. */
void cb_id(const cb_state *st, int kind, uint64_t n, char out[SB_ID_MAX]);
void cb_item_price_id(const cb_state *st, int price, char out[64]);
/* How many records of a kind the world holds. */
size_t cb_count(const cb_state *st, int kind);
int64_t cb_created(const cb_state *st, int kind, size_t i);
int64_t cb_updated(const cb_state *st, int kind, size_t i);
/* 1 when record i is in Chargebee's list at all (deleted ones only with include_deleted),
 * and 0 while insert@N hides it (visible: the request saw the insert). */
int cb_deleted(const cb_state *st, int kind, size_t i);
int cb_hidden(const cb_state *st, int kind, size_t i, int visible);

/* chargebee_project.c */
void cb_project(cb_state *st);
void cb_project_free(cb_state *st);

/* Renders record i of a kind as its list entry's object (chargebee_render*.c); cb_kts
 * writes a time member, or nothing for 0. */
void cb_kts(sb_json *j, const char *key, int64_t t);
void cb_render_customer(const cb_state *st, size_t i, sb_json *j);
void cb_render_subscription(const cb_state *st, size_t i, sb_json *j);
void cb_render_item_price(const cb_state *st, size_t i, sb_json *j);
void cb_render_invoice(const cb_state *st, size_t i, sb_json *j);
void cb_render_transaction(const cb_state *st, size_t i, sb_json *j);
/* A transaction's id, from its source and the payment's or refund's number, so that it
 * never changes when the world grows: txn_P… payments, txn_R… refunds, txn_C… chargebacks. */
void cb_txn_id(const cb_state *st, int source, uint32_t index, char out[SB_ID_MAX]);
/* Invoice facts the truth shares with the rendering: Chargebee's status, its id, and
 * whether a line bills the subscription's plan item (else an addon or a charge). */
const char *cb_invoice_status(const cb_state *st, size_t i);
void cb_invoice_id(size_t i, char out[32]);
const char *cb_line_entity(const cb_state *st, const w_line *l);
/* Item price facts the truth shares with the rendering. */
int cb_price_archived(const cb_state *st, size_t i);
/* The free trial: *unit "day" or "month" and its length; 0 when there is none. */
int cb_price_trial(const w_price *p, const char **unit);

/* Lists (chargebee_list.c). */
void cb_serve_list(const cb_state *st, int kind, const sb_request *req, sb_response *resp);
int cb_list_key(void *state, const sb_request *req, sb_buf *key);

/* Error bodies (chargebee_errors.c): the spec's envelope, message, type, api_error_code,
 * param (when given), http_status_code. */
void cb_error(sb_response *r, int status, const char *type, const char *code, const char *param,
              const char *message);
void cb_error_status(sb_response *r, int status, const char *echo);

/* Truth files (chargebee_truth.c; invoices and transactions: chargebee_truth_billing.c). */
int cb_write_truth(void *state, const char *dir, char *err, size_t errlen);
struct sb_truth_file;
void cb_truth_invoices(const void *state, struct sb_truth_file *o);
void cb_truth_transactions(const void *state, struct sb_truth_file *o);

#endif
