/* Stripe objects as JSON, in the shape a given API version shows them. */
#ifndef STRIPE_RENDER_H
#define STRIPE_RENDER_H

#include <stddef.h>

#include "sandbox_json.h"
#include "stripe_model.h"

typedef struct st_shape {
    const char *version;
    int basil;          /* >= 2025-03-31.basil: periods on items, no charge.invoice */
    int charge_refunds; /* <  2022-11-15: charges embed their refunds list */
} st_shape;

void st_render_deleted(sb_json *j, const char *id, const char *object);
void st_render_customer(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh);
/* id string, or the customer (the deleted stub for deleted customers) when expanded */
void st_render_customer_ref(sb_json *j, const st_dataset *ds, long i, const st_shape *sh, int expand);
void st_render_product(sb_json *j, const st_dataset *ds, size_t i);
void st_render_price(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_product);
void st_render_item(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_product);
void st_render_sub(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_customer);
void st_render_charge(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_customer);
void st_render_refund(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_charge);

#endif
