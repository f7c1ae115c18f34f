/* Stripe: shared between the stream logic (stripe.c) and the object mappings
 * (stripe_map*.c). Built on the public provider kit only. */
#ifndef BILLTAP_PROVIDERS_STRIPE_H
#define BILLTAP_PROVIDERS_STRIPE_H

#include <billtap/provider_kit.h>

/* Billing periods: per subscription before API 2025-03-31.basil, per item since. The
 * subscription's is its own, or the one every item has (docs/data-model.md): never one
 * made of several items' (mixed: items differ, so there is none). */
typedef struct stripe_period {
	int own; /* the subscription carries its own period: items' periods are ignored */
	int has_start, has_end, mixed;
	int64_t start, end;
} stripe_period;

/* Payment -> invoice -> subscription, from /v1/invoice_payments (stripe_links.c). */
typedef struct stripe_links stripe_links;
int stripe_links_new(stripe_links **out);
void stripe_links_free(stripe_links *links);
/* Adds one invoice_payment object (its invoice expanded or not); errors recorded. */
int stripe_links_add(stripe_links *links, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx);
/* Adds the invoice payments of array data, all of invoice `invoice` (of subscription sub,
 * may be NULL); errors recorded. */
int stripe_links_add_paid(stripe_links *links, const billtap_json *doc, billtap_json_ref data,
                          const char *invoice, const char *sub, billtap_ctx *ctx);
/* Adds the payments an invoice object embeds (`payments`, expanded); when the embedded list
 * goes on (has_more), *more names the invoice, its subscription and its last payment's id
 * (owned by the caller), else it is all NULL. Errors recorded (EDATA for an invoice without
 * the list). */
struct stripe_follow;
int stripe_links_add_invoice(struct stripe_follow *more, stripe_links *links,
                             const billtap_json *doc, billtap_json_ref invoice, billtap_ctx *ctx);
/* 1 when the payment of an invoice_payment object is in links already, 0 when not (or it
 * names none), BILLTAP_ENOMEM. */
int stripe_links_known(const stripe_links *links, const billtap_json *doc, billtap_json_ref obj);
/* Notes that key (a PaymentIntent) was looked up, whether or not it paid an invoice:
 * 0 or BILLTAP_ENOMEM. stripe_links_has() is 1 for a key added or noted. */
int stripe_links_note(stripe_links *links, const char *key);
int stripe_links_has(const stripe_links *links, const char *key);
/* The invoice and subscription (NULL when unknown) of a PaymentIntent or charge id; the
 * strings live as long as links. links may be NULL. */
void stripe_links_find(const char **invoice, const char **subscription,
                       const stripe_links *links, const char *key);

/* Each returns 0 with a new record in *out, or an error recorded through ctx. Transactions
 * take the invoice links (may be NULL) for API versions whose objects carry none. */
int stripe_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx);
int stripe_map_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx);
int stripe_map_charge(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                      billtap_json_ref obj, billtap_ctx *ctx);
int stripe_map_refund(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                      billtap_json_ref obj, billtap_ctx *ctx);
int stripe_map_dispute(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                       billtap_json_ref obj, billtap_ctx *ctx);

/* Maps a subscription with its embedded items. *items_more is set when the embedded item
 * list is truncated (has_more) and the rest must be paged from /v1/subscription_items;
 * *period collects the item periods seen so far. The subscription-level period fields are
 * set by stripe_finish_subscription() once every item is in. */
int stripe_map_subscription(billtap_record **out, stripe_period *period, int *items_more,
                            const billtap_json *doc, billtap_json_ref obj, billtap_ctx *ctx);
/* Appends one subscription_item object to sub. */
int stripe_map_item(billtap_record *sub, stripe_period *period, const billtap_json *doc,
                    billtap_json_ref item, billtap_ctx *ctx);
/* Sets current_period_* once every item is in. */
int stripe_finish_subscription(billtap_record *sub, const stripe_period *period,
                               billtap_ctx *ctx);

/* Maps an invoice with its embedded lines; *lines_more as for subscriptions (the rest come
 * from /v1/invoices/{id}/lines). */
int stripe_map_invoice(billtap_record **out, int *lines_more, const billtap_json *doc,
                       billtap_json_ref obj, billtap_ctx *ctx);
/* Appends one line_item object to inv. */
int stripe_map_line(billtap_record *inv, const billtap_json *doc, billtap_json_ref line,
                    billtap_ctx *ctx);
/* Sets period_start/end from the lines once every line is in. */
int stripe_finish_invoice(billtap_record *inv, billtap_ctx *ctx);

/* Sets a string field to the JSON text of the array at path (docs/data-model.md: compact,
 * one entry a put() call), null when the array is null or absent; a put() returning
 * BILLTAP_EDATA fails the mapping with `bad` about path. Returns the mapper's status. */
int stripe_map_list_text(billtap_map *m, billtap_field field, const char *path,
                         int (*put)(billtap_json_writer *w, const billtap_json *doc,
                                    billtap_json_ref entry),
                         const char *bad);
/* Sets BILLTAP_FIELD_DISCOUNTS from the discounts array at path (ids or expanded discount
 * objects; null when absent). Returns the mapper's status. */
int stripe_map_discounts(billtap_map *m, const char *path);

/* Names the members a field this provider's code just set came from (billtap inspect:
 * "computed by stripe from ..."), as billtap_record_set_source() takes them; a member of
 * another object is written OBJECT:PATH (invoice_payments:invoice.id). Nothing on an
 * untraced record or after an error; a failure to note it fails the mapping. */
int stripe_map_source(billtap_map *m, billtap_field field, const char *members);

/* A decimal string of Stripe's (unit_amount_decimal: "0.5", digits with at most one '.')
 * at path into field, kept as written; anything else is "is not a decimal number". */
int stripe_map_decimal(billtap_map *m, billtap_field field, const char *path);

/* recurring.usage_type words (licensed, metered). */
extern const billtap_vocab stripe_usage_types[];

/* Stripe's decimal places for a currency (upper case): 0 for its zero-decimal list, 3 for
 * its three-decimal list, else 2. */
int stripe_currency_exponent(const char *code);

#endif
