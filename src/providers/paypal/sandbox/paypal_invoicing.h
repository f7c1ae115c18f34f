/* PayPal Invoicing v2 in the sandbox (paypal_invoicing.c): the merchant's invoices are
 * the world's one-off invoices in currencies PayPal takes (subscription renewals are not
 * Invoicing invoices at PayPal). Endpoints, the truth file, and the link from their
 * payments' Transaction Search rows (transaction_info.invoice_id = the invoice number). */
#ifndef PAYPAL_INVOICING_H
#define PAYPAL_INVOICING_H

#include "paypal_endpoints.h"
#include "sandbox_truth_file.h"

/* After pp_project(): the rows of invoice payments (and their refunds) carry the
 * invoice's number as invoice_id. */
void pp_invoices_link_rows(pp_state *s);
/* GET /v2/invoicing/invoices and POST /v2/invoicing/search-invoices: 1 when the request
 * was one of them (answered), 0 to route it elsewhere. */
int pp_invoicing_route(pp_ctx *c);
/* invoices.jsonl: the normalized invoices, sorted by id. */
void pp_write_invoices_truth(const void *state, sb_truth_file *o);

#endif
