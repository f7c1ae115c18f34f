/* Stripe objects as JSON, in the shape a given API version shows them. Member order: id,
 * object, then alphabetical, as Stripe writes them. */
#ifndef STRIPE_RENDER_H
#define STRIPE_RENDER_H

#include <stddef.h>

#include "sandbox_json.h"
#include "stripe_model.h"

#define ST_EMBED_LIMIT 10 /* Stripe embeds the first 10 entries of a sub-list */

void st_render_deleted(sb_json *j, const char *id, const char *object);
void st_render_customer(sb_json *j, const st_state *st, size_t i);
/* The customer's id, or (expanded) the customer or its deleted stub; null for -1. */
void st_render_customer_ref(sb_json *j, const st_state *st, long i, int expand);
void st_render_product(sb_json *j, const st_state *st, size_t i);
/* expand: bit 1 the product, bit 2 the tiers */
void st_render_price(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand);
void st_render_plan(sb_json *j, const st_state *st, size_t i, const st_shape *sh);
void st_render_item(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand_product);
/* expand: bit 1 the customer, bit 2 the discounts */
void st_render_sub(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand);
/* expand: bit 1 the customer, bit 2 the balance transaction */
void st_render_charge(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand);
/* expand: bit 1 the charge, bit 2 the balance transaction */
void st_render_refund(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand);
/* Invoice payment k (in the order of st->inpays); expand_invoice: the invoice as an object. */
void st_render_inpay(sb_json *j, const st_state *st, size_t k, const st_shape *sh, int expand_invoice);
/* Dispute d (in the order of st->disputes); expand_charge: the charge as an object. */
void st_render_dispute(sb_json *j, const st_state *st, size_t d, const st_shape *sh, int expand_charge);
/* expand: ST_INV_CUSTOMER the customer; ST_INV_PAYMENTS the includable `payments` (API
 * versions from 2025-03-31.basil), showing inserted payments (stripe_faults.c) only with
 * ST_INV_INSERTED. */
enum { ST_INV_CUSTOMER = 1, ST_INV_PAYMENTS = 2, ST_INV_INSERTED = 4 };
void st_render_invoice(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand);
void st_render_line(sb_json *j, const st_state *st, size_t i, const st_shape *sh);

/* The embedded list of a parent: {"object":"list","data":[first ten],"has_more",
 * "total_count","url"}; render(i) writes entry i of n. */
void st_render_embedded(sb_json *j, const char *key, size_t n, const char *url, const st_state *st,
                        const st_shape *sh, size_t first,
                        void (*render)(sb_json *, const st_state *, size_t, const st_shape *));
/* The id of record n of a kind as a value, or as a member; -1 writes null. */
void st_vid(sb_json *j, const st_state *st, int kind, long long n);
void st_kid(sb_json *j, const char *key, const st_state *st, int kind, long long n);
/* A customer's invoice_prefix: eight hex digits; its invoices are numbered PREFIX-0001... */
void st_invoice_prefix(const st_state *st, size_t i, char out[9]);
/* recurring.trial_period_days of a price: its free trial in days when that trial is whole
 * days or weeks; -1 (null) otherwise. */
int st_trial_days(const w_price *p);

#endif
