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
	int deletable;         /* the list takes include_deleted=true (deleted: true entries) */
	billtap_record_kind kind;
	cb_map_fn map;
} cb_list;

/* One iteration over one list (chargebee.c), with its incremental state
 * (chargebee_sync.c). */
typedef struct cb_stream {
	const cb_list *list;
	char *origin, *api_key, *offset; /* offset: the next page's, NULL for the first */
	char limit[24];
	char since[24];                  /* created filter value, "" without since */
	int done;
	billtap_json *doc;
	/* incremental passes: a full one learns the newest change first (probing) and ends
	 * with the final mark "s:<newest>"; a pass of changes reads updated_at from `from`
	 * (inclusive) up to its own newest, deleted records included */
	int incremental, probing, changes;
	int64_t from, newest;
} cb_stream;

/* Reads params->resume (a mark of ours) into the stream: "o:<offset>" inside a full pass,
 * "f:<newest>:<offset>" inside an incremental full pass, "c:<from>:<newest>:<offset>"
 * inside a pass of changes, "s:<newest>" a final mark (the sync token). */
int cb_sync_resume(cb_stream *s, const char *resume, int incremental, billtap_ctx *ctx);
/* The mark after a page: the next page's place (next != NULL), or the final mark. NULL:
 * none (a full pass without the flag, at its end). The caller frees it. */
int cb_sync_mark(char **out, const cb_stream *s, const char *next);
/* The request asking for the newest change of the list, and reading its answer. */
int cb_sync_probe_request(billtap_request *req, const cb_stream *s);
int cb_sync_probe_response(cb_stream *s, const billtap_request *req, const billtap_response *resp,
                           billtap_ctx *ctx);
/* The updated_at bounds of a pass of changes. */
int cb_sync_add_bounds(billtap_request *req, const cb_stream *s);
/* 1 when a list entry's object is a deletion: deleted: true, or status "deleted". */
int cb_sync_is_deleted(const billtap_json *doc, billtap_json_ref obj);

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

/* The exact price of obj: member `path` in minor units, or `<path>_in_decimal` in major
 * units (multi-decimal pricing). *has: 0 neither is there; 1 *minor (and dec, its digits)
 * holds it; 2 only dec does (not a whole number of minor units); 3 both. Errors are
 * recorded on m (dec: cap bytes). Returns m's status. */
int cb_price_of(billtap_map *m, billtap_json_ref obj, const char *path, int exponent, int64_t *minor,
                char *dec, size_t cap, int *has);

#endif
