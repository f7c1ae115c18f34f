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

/* A subscription -> one subscription record, its plan and add-ons as items. */
int recurly_map_subscription(billtap_record **out, const billtap_json *doc,
                             billtap_json_ref obj, billtap_ctx *ctx);

/* An invoice -> one invoice record; with_lines: its embedded line_items become its lines
 * (else it has none yet: they come from /invoices/{id}/line_items). */
int recurly_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        int with_lines, billtap_ctx *ctx);
/* 1 when the invoice says it has more line items than it embeds. */
int recurly_invoice_has_more_lines(const billtap_json *doc, billtap_json_ref invoice);
/* A line item -> a line appended to `invoice`. */
int recurly_map_line(billtap_record *invoice, const billtap_json *doc, billtap_json_ref line,
                     billtap_ctx *ctx);
/* Sets the invoice's period from its lines (earliest start, latest end). 0 or an error. */
int recurly_invoice_periods(billtap_record *invoice);

/* Mapping helpers shared by the mappers (recurly_map.c). */

/* Names the members a computed value was read from (billtap_record_set_source()). */
int recurly_computed(billtap_map *m, billtap_field field, const char *members);
/* 1 when the string at path equals word, 0 when it is another string (or, unless
 * `required`, null or absent), else the error latched on m. */
int recurly_string_is(billtap_map *m, const char *path, const char *word, int required);
/* The normalized code (upper case) and ISO 4217 exponent of the "currency" member of obj;
 * returns the exponent or the error latched on m (label names the member). */
int recurly_currency_of(char code[4], billtap_map *m, billtap_json_ref obj, const char *label);
/* Sets the record's currency and exponent (ISO 4217) from the "currency" member of obj
 * (label names it in errors); returns the exponent or the error. */
int recurly_set_currency(billtap_map *m, billtap_json_ref obj, const char *label);
/* Sets `field` from the money member `member` of obj, major units read from the number's
 * digits at `exponent`: null when absent or null, an error when it is not a whole number
 * of minor units. *value (may be NULL) receives it. */
int recurly_set_money(billtap_map *m, billtap_field field, billtap_json_ref obj,
                      const char *member, const char *label, int exponent, int64_t *value);

#endif
