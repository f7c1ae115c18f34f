/* What the GoCardless provider's files share: the lists each resource reads, the mandate
 * map (a subscription, payment or refund names its mandate, and only the mandate names
 * the customer) and the mappers. */
#ifndef BILLTAP_GOCARDLESS_H
#define BILLTAP_GOCARDLESS_H

#include <stddef.h>

#include <billtap/provider_kit.h>

/* The mandate -> customer pairs of one run, read from /mandates before the records that
 * need them (gocardless_mandates.c). */
typedef struct gc_mandates {
	char **pairs;      /* mandate id, customer id, mandate id, ... (sorted by mandate once done) */
	size_t n, cap;     /* pairs held (2 strings each), room */
	int done;          /* every page read and sorted */
} gc_mandates;

/* Maps one list entry into a record; `mandates` resolves links.mandate to a customer. */
typedef int (*gc_map_fn)(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                         const gc_mandates *mandates, billtap_ctx *ctx);

/* One list endpoint: GET PATH answers {"KEY":[...],"meta":{...}}. */
typedef struct gc_list {
	const char *path;  /* "/payments" */
	const char *key;   /* "payments" */
	char mark;         /* the letter of its marks: 'p' for "p:<cursor>" */
	gc_map_fn map;
} gc_list;

/* What a resource reads: its lists in order (transactions: payments, then refunds), and
 * whether its records need the mandate map. */
typedef struct gc_resource {
	billtap_resource resource;
	const gc_list *lists[2];
	size_t n_lists;
	int needs_mandates;
} gc_resource;

/* The resource's lists, or NULL when GoCardless has none for it (gocardless_lists.c). */
const gc_resource *gc_resource_for(billtap_resource resource);
/* The list of /mandates, read for the map. */
extern const gc_list gc_mandate_list;

/* Adds the mandates of one page (its "mandates" array) to the map; 0 or a recorded error. */
int gc_mandates_add_page(gc_mandates *m, const billtap_json *doc, billtap_json_ref list,
                         billtap_ctx *ctx);
/* Sorts the map once its last page is in. */
void gc_mandates_finish(gc_mandates *m);
/* The customer of a mandate, or NULL when the map does not hold it. */
const char *gc_mandates_customer(const gc_mandates *m, const char *mandate);
void gc_mandates_free(gc_mandates *m);

/* Sets customer_id from the object's links.mandate through the map (null when the
 * mandate is unknown: created after the map was read). */
void gc_map_customer_of_mandate(billtap_map *m, const gc_mandates *mandates);

/* Mappers (gocardless_map.c, gocardless_map_txn.c). */
int gc_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                    const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_payment(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                   const gc_mandates *mandates, billtap_ctx *ctx);
int gc_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                  const gc_mandates *mandates, billtap_ctx *ctx);

/* Records the error an error answer stands for (gocardless_errors.c): GoCardless's type,
 * message, first detail and request id (from the body), or the kit's reading of a body
 * of another shape. Returns its code. */
int gc_response_error(const billtap_request *req, const billtap_response *resp, billtap_json *doc,
                      billtap_ctx *ctx);

#endif
