/* The Paddle module's state: the world projected into Paddle Billing's customers, prices
 * (with products), subscriptions, transactions (with payment attempts) and adjustments,
 * shared by the lists, the rendering and the truth. */
#ifndef SB_PADDLE_MODEL_H
#define SB_PADDLE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_json.h"
#include "sandbox_provider.h"
#include "world.h"

enum { PD_CUSTOMER, PD_PRICE, PD_SUB, PD_TXN, PD_ADJ, PD_NKINDS };

/* A Paddle transaction: a world invoice that Paddle can show (its subscription listed or
 * none, its currency one Paddle offers). */
typedef struct pd_txn {
    uint32_t invoice;
    uint32_t first_payment, n_payments; /* into pd_state.txn_payments, newest first */
} pd_txn;

/* An adjustment: a refund of a listed payment, or a chargeback (a lost dispute). */
typedef struct pd_adj {
    int chargeback;
    uint32_t index;   /* the refund's number, or the payment's for a chargeback */
    uint32_t txn;     /* its transaction (index into txns) */
    int64_t created;
} pd_adj;

typedef struct pd_state {
    const sb_world *w;
    char *api_key;
    /* per record of the world: 1 when Paddle shows it */
    uint8_t *price_ok, *sub_ok;
    int32_t *invoice_txn;       /* per invoice: its transaction, -1 */
    pd_txn *txns;
    size_t n_txns;
    uint32_t *txn_payments;
    pd_adj *adjs;
    size_t n_adjs;
    /* positions of each list (records Paddle shows, in id order = creation order) */
    uint32_t *order[PD_NKINDS];
    size_t n_order[PD_NKINDS];
} pd_state;

/* Paddle-style ids: prefix, then 26 lower-case Crockford base32 characters, the first 10
 * the creation time in ms, the last 16 the record's number, so that byte order is creation
 * order (as Paddle's ULID-like ids are). */
void pd_id(char out[48], const char *prefix, int64_t created, uint64_t n);
/* The number in an id of that prefix, or -1. */
long long pd_id_number(const char *id, const char *prefix);
void pd_kind_id(const pd_state *st, int kind, size_t i, char out[48]);
/* A payment attempt's id (a UUID from its payment's number). */
void pd_attempt_id(const pd_state *st, size_t payment, char out[48]);
/* A line's price: the price's id, or for a line without one a non-catalog price's. */
void pd_line_price_id(const pd_state *st, size_t line, char out[48]);
int64_t pd_created(const pd_state *st, int kind, size_t i);
int64_t pd_updated(const pd_state *st, int kind, size_t i);

/* Paddle's words for world states. */
const char *pd_sub_status(const w_sub *s);
const char *pd_txn_status(const w_invoice *inv);
const char *pd_attempt_status(const w_payment *p);
const char *pd_refund_status(const w_refund *r);
/* The invoice number of a transaction ("<seed-based prefix>-<n>"), from its world invoice's
 * index: Paddle numbers an invoice once and never again, so the number must not move when
 * an advance adds transactions or lets a draft become billed. */
void pd_invoice_number(const pd_state *st, size_t invoice, char out[32]);
/* The line's subtotal as Paddle states it: before the transaction's discount. */
int64_t pd_line_subtotal(const w_line *l);
/* A world currency Paddle offers. */
int pd_currency_ok(int ccy);

void pd_project(pd_state *st);
void pd_project_free(pd_state *st);

/* Rendering (paddle_render.c). */
void pd_render(const pd_state *st, int kind, size_t i, int include_product, sb_json *j);
void pd_render_product(const pd_state *st, size_t i, sb_json *j);
/* A customer as it was: its name, email, status and updated_at then. */
void pd_render_customer_as(const pd_state *st, size_t i, const char *name, const char *email, int archived,
                           int64_t updated, sb_json *j);

/* Lists (paddle_list.c). */
void pd_serve_list(const pd_state *st, int kind, const sb_request *req, const char *base, sb_response *resp);
int pd_list_key(void *state, const sb_request *req, sb_buf *key);
/* A list's meta (request id, pagination with `next` carrying after=<after>). */
void pd_list_meta(const sb_request *req, const char *base, long long per_page, const char *after, int more,
                  size_t total, sb_json *j);
/* GET /events: the world's change log as Paddle events (paddle_events.c). */
void pd_serve_events(const pd_state *st, const sb_request *req, const char *base, sb_response *resp);
/* The kind a list path serves, or -1. */
int pd_list_kind(const char *path);

/* Error bodies: the envelope with meta.request_id. field/problem: one errors[] entry. */
void pd_error(sb_response *r, const sb_request *req, int status, const char *type, const char *code,
              const char *detail, const char *field, const char *problem);
void pd_error_status(sb_response *r, const sb_request *req, int status, const char *echo);

int pd_write_truth(void *state, const char *dir, char *err, size_t errlen);

#endif
