/* The Recurly module's projection of the world: what Recurly can show of it, in its order.
 *
 * Lists are read by position in an order (created_at or updated_at, ascending); a record of
 * a list is an entry naming the world record it shows. */
#ifndef RECURLY_MODEL_H
#define RECURLY_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_buf.h"
#include "sandbox_ids.h"
#include "sandbox_json.h"
#include "world.h"

/* Id kinds (the `kind` of sb_id_make). */
enum { RC_ACCOUNT, RC_PLAN, RC_PURCHASE, RC_REFUND, RC_INVOICE, RC_SUB, RC_ADDON, RC_ADDON_DEF, RC_LINE, RC_NKINDS };
/* Lists. */
enum { RC_L_ACCOUNTS, RC_L_PLANS, RC_L_SUBSCRIPTIONS, RC_L_TRANSACTIONS, RC_L_INVOICES, RC_NLISTS };
/* An invoice's line items: a list of its own (GET /invoices/{id}/line_items). */
#define RC_L_LINES RC_NLISTS

#define RC_MAX_CCY 4 /* currencies a projected plan carries at most */

/* A Recurly plan: world prices of one product, interval and trial, one per currency. */
typedef struct rc_plan {
    int price[RC_MAX_CCY];        /* the world price of each currency, in order added */
    int n;
    int interval_unit_days;       /* 1: "days", 0: "months" */
    int interval_length;
    int trial_unit_days, trial_length; /* trial_length 0: none */
    int total_cycles;             /* 0: null */
    int64_t created, updated;
    int active;
} rc_plan;

/* Subscription states (SubscriptionStateEnum). */
enum { RC_SUB_ACTIVE, RC_SUB_CANCELED, RC_SUB_EXPIRED, RC_SUB_FAILED, RC_SUB_FUTURE, RC_SUB_PAUSED };
extern const char *const rc_sub_state_names[6];
/* Invoice states shown (InvoiceStateEnum). */
enum { RC_INV_PENDING, RC_INV_PAST_DUE, RC_INV_PAID, RC_INV_FAILED, RC_INV_VOIDED };
extern const char *const rc_invoice_state_names[5];

/* One entry of a list: the world record (kind RC_ACCOUNT, RC_PLAN, RC_SUB, RC_PURCHASE,
 * RC_REFUND)
 * and its times. */
typedef struct rc_entry {
    int kind;
    uint32_t index;               /* into the world's array, or rc_state.plans */
    int64_t created, updated;
} rc_entry;

typedef struct rc_list {
    rc_entry *by_created;         /* ascending created_at (ties: projection order) */
    uint32_t *by_updated;         /* positions into by_created, ascending updated_at */
    size_t n;
} rc_list;

typedef struct rc_state {
    const sb_world *w;
    char *api_key;
    sb_id_style styles[RC_NKINDS];
    rc_plan *plans;
    size_t n_plans;
    int32_t *price_plan;          /* per world price: the plan showing it, or -1 */
    signed char *sub_state;       /* per world subscription: RC_SUB_*, or -1 when not shown */
    signed char *invoice_state;   /* per world invoice: RC_INV_*, or -1 when not shown */
    long long embedded_lines;     /* line items an invoice embeds at most (--opt) */
    rc_list lists[RC_NLISTS];
} rc_state;

void rc_project(rc_state *st);
void rc_project_free(rc_state *st);
void rc_id(const rc_state *st, int kind, uint64_t n, char out[SB_ID_MAX]);

/* A shown subscription's dates as Recurly writes them (0: null). */
typedef struct rc_sub_dates {
    int64_t activated, period_start, period_end, trial_start, trial_end, canceled, expires;
} rc_sub_dates;
void rc_sub_dates_of(const rc_state *st, size_t sub, rc_sub_dates *d);

/* What Recurly shows of a world invoice line (shared by rendering and the truth): */
typedef struct rc_line_view {
    const char *origin;           /* plan, add_on, one_time */
    int plan;                     /* the rc_plan billed (plan and add-on lines), or -1 */
    int64_t quantity;             /* quantity * unit_amount = subtotal */
    int64_t subtotal;             /* after the line's own (intro) discount */
    int64_t discount;             /* its share of the invoice's coupon */
    int prorated;
} rc_line_view;
void rc_line_view_of(const rc_state *st, size_t line, rc_line_view *v);
/* When the invoice was closed (paid or failed), 0: open or voided. */
int64_t rc_invoice_closed_at(const rc_state *st, size_t invoice);

/* Money as Recurly writes it: a JSON number in major units ("19.99", "20.0", "2000.0"). */
void rc_money(sb_json *j, const char *key, int64_t minor, int exponent);

/* Renders world line i as a Recurly line item. */
void rc_render_line(sb_json *j, const rc_state *st, size_t i);
/* Renders list entry e (its object) into j. */
void rc_render(sb_json *j, const rc_state *st, const rc_entry *e);

/* Status and normalized words of a world payment or refund, shared by rendering and truth
 * through these tables only (the truth maps Recurly's words as docs/providers/recurly.md
 * says, never from rendered JSON). */
const char *rc_payment_status(const w_payment *p);
const char *rc_refund_status(const w_refund *r);

/* The list at a path ("/accounts"), or -1. */
int rc_list_of(const char *path);
/* Answers GET or HEAD of a list (recurly_list.c). */
struct sb_request;
struct sb_response;
void rc_serve_list(const rc_state *st, int list_kind, const struct sb_request *req,
                   struct sb_response *resp);
/* Answers GET /invoices/{id}/line_items (recurly_list.c). */
void rc_serve_lines(const rc_state *st, size_t invoice, const struct sb_request *req,
                    struct sb_response *resp);

int rc_write_truth(void *state, const char *dir, char *err, size_t errlen);

#endif
