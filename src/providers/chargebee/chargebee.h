/* What the Chargebee provider's files share: the list table and the mappers. */
#ifndef BILLTAP_CHARGEBEE_H
#define BILLTAP_CHARGEBEE_H

#include <billtap/provider_kit.h>

/* Maps one unwrapped list entry ({"customer":{...}} -> the customer object) into a record. */
typedef int (*cb_map_fn)(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                         billtap_ctx *ctx);

/* One resource's list endpoint (chargebee.c reads it; chargebee_lists.c defines them). */
typedef struct cb_list {
	billtap_resource resource;
	const char *path;      /* "/api/v2/customers" */
	const char *wrapper;   /* the member each list entry wraps the object in: "customer" */
	const char *sort;      /* the value of sort_by[asc] that keeps the order stable, or NULL */
	const char *created;   /* the filter `since` becomes ("created_at[after]"), or NULL */
	cb_map_fn map;
} cb_list;

/* The list serving a resource, or NULL. */
const cb_list *cb_list_for(billtap_resource resource);

/* Mappers (chargebee_map*.c). */
int cb_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                    billtap_ctx *ctx);
int cb_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx);
int cb_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                   billtap_ctx *ctx);
int cb_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                       billtap_ctx *ctx);
int cb_map_item_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx);

/* A decimal in major units ("0.0025", "12", "-3.5") as the same amount in minor units of a
 * currency with `exponent` decimals ("0.25", "1200", "-350"), written to out (cap bytes),
 * without needless zeros. 0, or BILLTAP_EDATA for text that is not such a decimal (or
 * longer than 90 digits). */
int cb_minor_decimal(char *out, size_t cap, const char *major, size_t len, int exponent);

#endif
