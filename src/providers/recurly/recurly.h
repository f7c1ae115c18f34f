/* Recurly (API v3, version v2021-02-25): what recurly.c (streams) and recurly_map.c
 * (objects -> records) share. */
#ifndef RECURLY_H
#define RECURLY_H

#include <billtap/provider_kit.h>

/* The API version every request pins through its Accept header. */
#define RECURLY_API_VERSION "v2021-02-25"

/* An account -> one customer record. */
int recurly_map_account(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx);

/* The number of records a plan becomes: one per entry of its `currencies` (a plan priced
 * in USD and EUR is two plan records), or a negative status recorded on the client when
 * `currencies` is not a non-empty array. */
int recurly_plan_count(const billtap_json *doc, billtap_json_ref plan, billtap_ctx *ctx);

/* The plan record of the plan's `index`-th currency; its id is "<plan id>/<CURRENCY>". */
int recurly_map_plan(billtap_record **out, const billtap_json *doc, billtap_json_ref plan,
                     int index, billtap_ctx *ctx);

/* A transaction -> one transaction record. */
int recurly_map_transaction(billtap_record **out, const billtap_json *doc,
                            billtap_json_ref obj, billtap_ctx *ctx);

#endif
