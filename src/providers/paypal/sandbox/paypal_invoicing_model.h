/* The PayPal module's invoices, shared by its Invoicing files: which of the world's
 * invoices are the merchant's and how each reads at PayPal (paypal_invoicing_project.c),
 * the search body (paypal_invoicing_search.c), the endpoints (paypal_invoicing.c) and the
 * truth (paypal_invoicing_truth.c). */
#ifndef PAYPAL_INVOICING_MODEL_H
#define PAYPAL_INVOICING_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "paypal_endpoints.h"

typedef struct ppi_inv {
    const w_invoice *v;
    char id[32], number[16], payment_id[20];
    const char *status, *normalized;
    int ccy, shows_due;
    int64_t created, sent, canceled, due, paid_date; /* 0: none */
    int64_t item_total, item_discount, discount, subtotal, tax, total, paid, refunded; /* PayPal's minor units */
    int tax_pct, tax_inclusive;
} ppi_inv;

typedef struct ppi_line {
    const char *name;
    char quantity[24];
    int64_t unit, gross;   /* unit x quantity rounds to gross: the line before discounts */
    int64_t own, coupon;   /* its own discount (an introductory price), its coupon share */
    int64_t tax;           /* the tax on it (included or added) */
    int64_t amount;        /* normalized: gross less its own discount */
    int has_quantity;      /* the normalized quantity: a whole number */
    int64_t whole;
} ppi_line;

/* The collections an answer carries. */
enum { PPI_ITEMS = 1, PPI_PAYMENTS = 2, PPI_REFUNDS = 4, PPI_ALL = 7 };

typedef struct ppi_filter {
    int64_t from, to;          /* creation_date_range, inclusive; from > to: none */
    int has_range;
    unsigned collections;
    char statuses[5][24];
    int n_statuses;
    char currency[4], number[32];
    int archived;              /* -1 all, 0 unarchived only, 1 archived only */
} ppi_filter;

/* The world indices of the merchant's invoices, oldest first (caller frees). */
size_t *ppi_list(const pp_state *s, size_t *n);
/* "INV2-ABCD-EFGH-JKLM-NPQR" of the invoice at pos in ppi_list(). */
void ppi_id(const pp_state *s, size_t pos, char out[32]);
/* Invoice pos of the list (world invoice k) as PayPal shows it. */
void ppi_invoice_of(const pp_state *s, size_t pos, size_t k, ppi_inv *out);
/* Line j of world invoice v as a PayPal item. */
void ppi_line_of(const pp_state *s, const w_invoice *v, uint32_t j, ppi_line *l);
/* The spec's description of INVALID_PARAMETER_SYNTAX. */
#define PPI_SYNTAX "the value of a field does not conform to the expected format."
/* 400 INVALID_REQUEST with one detail (the spec's error_400 and its issues). */
void ppi_invalid(pp_ctx *c, const char *field, const char *value, const char *location, const char *issue,
                 const char *description);
/* Parses and checks the search body into f; -1 when the error is answered. */
int ppi_read_search(pp_ctx *c, ppi_filter *f);
/* 1 when invoice v passes the search's filters. */
int ppi_matches(const ppi_filter *f, const ppi_inv *v);

#endif
