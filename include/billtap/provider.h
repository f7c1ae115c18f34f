/*
 * billtap provider interface (the SPI): what a billing-service integration implements and
 * the helpers it may call. Include <billtap.h> first or let this header do it.
 *
 * Providers are sans-I/O. The engine asks a provider's *stream* for the next HTTP request
 * (stream_request), performs it (retries, rate limits, transport), and hands the response
 * back (stream_response); the provider turns it into records pushed to a sink and into its
 * next state. The provider never touches the network, a clock it was not given, or a
 * global. So a provider is testable from recorded responses alone, and the engine may later
 * keep several of its requests in flight.
 *
 * The helpers every provider needs on top of this (mapping JSON objects into records,
 * vocabularies, money and time readers, error envelopes, a JSON writer) are in
 * <billtap/provider_kit.h>. See docs/providers.md for a walk-through of adding a provider.
 *
 * Error protocol: every negative status a provider callback returns must have been
 * recorded with billtap_ctx_error() or billtap_ctx_http_error() (the kit's functions and
 * billtap_sink_push()/billtap_sink_mark() do so themselves). The engine reports an
 * unrecorded error as a provider bug, naming the slot.
 */
#ifndef BILLTAP_PROVIDER_H
#define BILLTAP_PROVIDER_H

#include <billtap.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==========================================================================================
 * Requests (built by providers, read by transports)
 * ======================================================================================== */

typedef enum billtap_http_method {
	BILLTAP_HTTP_GET = 1,
	BILLTAP_HTTP_POST = 2,
	BILLTAP_HTTP_PUT = 3,
	BILLTAP_HTTP_DELETE = 4,
	BILLTAP_HTTP_HEAD = 5
} billtap_http_method;

/** Sets the method (default GET). Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_request_set_method(billtap_request *req, billtap_http_method method);

/**
 * Sets the URL to base_url + path, e.g. ("https://api.stripe.com", "/v1/customers").
 * base_url must be an absolute http(s) URL (a trailing slash is ignored); path must start
 * with '/' and is used as given (encode path segments with billtap_url_encode()).
 * Clears any query parameters. Returns 0, BILLTAP_EINVAL or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_request_set_url(billtap_request *req, const char *base_url,
                                            const char *path);

/**
 * Sets an absolute URL a provider was given by the service (a "next" link), refusing it
 * (BILLTAP_EDATA) unless its scheme, host and port equal base_url's, so credentials never
 * leave for another host. Its query string is kept. Returns 0, BILLTAP_EDATA, BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_request_set_next_url(billtap_request *req, const char *url,
                                                 size_t url_len, const char *base_url);

/**
 * Appends "/" + segment, percent-encoded, to the URL's path (before any query), so an id
 * from a response can go into a path safely: set_url(req, base, "/v1/billing/plans") then
 * add_path(req, "P-123"). Clears any query parameters. 0, BILLTAP_EINVAL or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_request_add_path(billtap_request *req, const char *segment);

/** Appends a query parameter; both parts are percent-encoded here. 0 or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_request_add_query(billtap_request *req, const char *name,
                                              const char *value);

/** Appends a header. Name and value must not contain CR or LF (BILLTAP_EINVAL). */
BILLTAP_EXTERN(int) billtap_request_add_header(billtap_request *req, const char *name,
                                               const char *value);

/** Adds "Authorization: Basic base64(user:password)". 0, BILLTAP_EINVAL or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_request_set_basic_auth(billtap_request *req, const char *user,
                                                   const char *password);

/** Adds "Authorization: Bearer token". 0, BILLTAP_EINVAL or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_request_set_bearer(billtap_request *req, const char *token);

/** Sets the body (copied) and its Content-Type. 0, BILLTAP_EINVAL or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_request_set_body(billtap_request *req, const char *content_type,
                                             const char *data, size_t len);

/**
 * Appends name=value to an application/x-www-form-urlencoded body (both encoded here) and
 * sets that Content-Type. 0 or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_request_add_form(billtap_request *req, const char *name,
                                             const char *value);

/** A provider-chosen number to recognise the request in stream_response (default 0). */
BILLTAP_EXTERN(void) billtap_request_set_tag(billtap_request *req, uint64_t tag);
BILLTAP_EXTERN(uint64_t) billtap_request_tag(const billtap_request *req);

/** "GET", "POST", ...; never NULL: a NULL req reads as a new request, "GET". */
BILLTAP_EXTERN(const char *) billtap_request_method(const billtap_request *req);
/** The full URL with the encoded query string. Valid until the request changes. "" when
 *  none was set, and for a NULL req. */
BILLTAP_EXTERN(const char *) billtap_request_url(const billtap_request *req);
/** Number of headers, and the index-th one (0 or BILLTAP_EINVAL when out of range). */
BILLTAP_EXTERN(size_t) billtap_request_header_count(const billtap_request *req);
BILLTAP_EXTERN(int) billtap_request_header(const char **name, const char **value,
                                           const billtap_request *req, size_t index);
/** The body, or NULL with *len = 0 when there is none; len may be NULL. */
BILLTAP_EXTERN(const char *) billtap_request_body(const billtap_request *req, size_t *len);

/* ==========================================================================================
 * Responses (filled by transports, read by providers)
 * ======================================================================================== */

/** Transport side: the HTTP status (100-599). 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_response_set_status(billtap_response *resp, int status);
/** Transport side: one header (copied). 0, BILLTAP_EINVAL or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_response_add_header(billtap_response *resp, const char *name,
                                                size_t name_len, const char *value,
                                                size_t value_len);
/** Transport side: appends body bytes. 0, BILLTAP_ENOMEM, or BILLTAP_EDATA past the limit. */
BILLTAP_EXTERN(int) billtap_response_append_body(billtap_response *resp, const char *data,
                                                 size_t len);
/** Transport side: a description of a transport failure (copied) for the error message. */
BILLTAP_EXTERN(void) billtap_response_set_error(billtap_response *resp, const char *message);

/** The HTTP status code (0 for a NULL resp). */
BILLTAP_EXTERN(int) billtap_response_status(const billtap_response *resp);
/** The first header with this name (case-insensitive), value trimmed, or NULL. */
BILLTAP_EXTERN(const char *) billtap_response_header(const billtap_response *resp,
                                                     const char *name);
/** The body, NUL-terminated for convenience (the length excludes the NUL). Never NULL: ""
 *  with *len = 0 for a NULL resp; len may be NULL. */
BILLTAP_EXTERN(const char *) billtap_response_body(const billtap_response *resp, size_t *len);

/* ==========================================================================================
 * JSON: an exact, zero-copy parser (RFC 8259, strict).
 *
 * billtap_json_parse() validates the whole text in one pass (UTF-8, escapes, surrogate
 * pairs, at most BILLTAP_JSON_MAX_DEPTH nested arrays/objects, no trailing garbage, no byte
 * order mark, at most 4 GiB - 1 bytes) and records a token per value. Tokens point into the
 * caller's text, which must outlive the document's use.
 * Values are addressed by billtap_json_ref, an index that is valid until the next parse
 * into the same document. BILLTAP_JSON_NONE stands for "absent", and every function
 * accepts it (and answers "absent"/an error), so lookups chain without checks:
 *     billtap_json_get(doc, billtap_json_get(doc, root, "price"), "unit_amount")
 * A NULL document is an empty one: every ref in it is absent. The readers' out-parameters
 * may be NULL (not billtap_json_str_decode()'s dst), to check a value without keeping it.
 * Numbers are never converted to floating point: read integers with billtap_json_int and
 * anything else (money in JSON numbers) from billtap_json_text.
 * ======================================================================================== */

typedef struct billtap_json billtap_json;
typedef uint32_t billtap_json_ref;
#define BILLTAP_JSON_NONE ((billtap_json_ref)0xFFFFFFFFu)
#define BILLTAP_JSON_MAX_DEPTH 512

typedef enum billtap_json_type {
	BILLTAP_JSON_ABSENT = 0, /**< BILLTAP_JSON_NONE, an invalid ref, or a NULL document */
	BILLTAP_JSON_NULL = 1,
	BILLTAP_JSON_FALSE = 2,
	BILLTAP_JSON_TRUE = 3,
	BILLTAP_JSON_NUMBER = 4,
	BILLTAP_JSON_STRING = 5,
	BILLTAP_JSON_ARRAY = 6,
	BILLTAP_JSON_OBJECT = 7
} billtap_json_type;

/** A reusable document (its token storage grows and is kept between parses). Freeing
 *  NULL is a no-op. */
BILLTAP_EXTERN(int) billtap_json_new(billtap_json **out);
BILLTAP_EXTERN(void) billtap_json_free(billtap_json *doc);

/**
 * Parses text[0..len) (NUL bytes inside strings must be escaped, as RFC 8259 says).
 * Returns 0, BILLTAP_EPARSE (see billtap_json_error()), BILLTAP_ENOMEM, or BILLTAP_EINVAL
 * for a NULL doc, or a NULL text with len > 0.
 */
BILLTAP_EXTERN(int) billtap_json_parse(billtap_json *doc, const char *text, size_t len);

/** After BILLTAP_EPARSE: "offset 1234: unterminated string" (valid until the next parse);
 *  "" after a successful parse; "no document" for a NULL doc. Never NULL. */
BILLTAP_EXTERN(const char *) billtap_json_error(const billtap_json *doc);

/** The root value (BILLTAP_JSON_NONE if nothing was parsed). */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_root(const billtap_json *doc);

BILLTAP_EXTERN(billtap_json_type) billtap_json_typeof(const billtap_json *doc,
                                                      billtap_json_ref ref);

/**
 * The value of member `key` of an object (the last one if the key repeats), or
 * BILLTAP_JSON_NONE when ref is not an object or has no such member. Keys with escapes
 * are compared decoded (a key holding \u0000 is only reachable by iteration). Each call
 * looks at every member of the object: for many lookups in a large object, iterate.
 */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_get(const billtap_json *doc, billtap_json_ref obj,
                                                  const char *key);

/**
 * Iteration. For an array: billtap_json_first() is its first element. For an object: its
 * first *key* (a string ref); the member's value is billtap_json_value_of(key).
 * billtap_json_next() returns the next sibling element / key. Both return BILLTAP_JSON_NONE
 * at the end, for a non-container, and billtap_json_next() also for the root and for a
 * member's value.
 */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_first(const billtap_json *doc,
                                                    billtap_json_ref container);
BILLTAP_EXTERN(billtap_json_ref) billtap_json_next(const billtap_json *doc, billtap_json_ref ref);
BILLTAP_EXTERN(billtap_json_ref) billtap_json_value_of(const billtap_json *doc,
                                                       billtap_json_ref key);

/** Number of elements (array) or members (object); 0 otherwise. */
BILLTAP_EXTERN(size_t) billtap_json_count(const billtap_json *doc, billtap_json_ref container);

/**
 * The exact source text of a value: a number's lexeme ("-12.50e3"), a string's bytes between
 * the quotes *still escaped*, a container's whole text including brackets, "null", "true".
 * Returns 0 or BILLTAP_ENOTFOUND for BILLTAP_JSON_NONE. out and len may be NULL.
 */
BILLTAP_EXTERN(int) billtap_json_text(const char **out, size_t *len, const billtap_json *doc,
                                      billtap_json_ref ref);

/**
 * An integer number exactly. Returns 0, BILLTAP_ENOTFOUND (absent), BILLTAP_ETYPE (not a
 * number, or has a fraction/exponent) or BILLTAP_EDATA (outside int64). out may be NULL.
 */
BILLTAP_EXTERN(int) billtap_json_int(int64_t *out, const billtap_json *doc, billtap_json_ref ref);

/** true/false as 1/0. 0, BILLTAP_ENOTFOUND or BILLTAP_ETYPE. out may be NULL. */
BILLTAP_EXTERN(int) billtap_json_bool(int *out, const billtap_json *doc, billtap_json_ref ref);

/** 1 when ref is a string whose text has no escapes (its text is then its value), else 0
 *  (also for a NULL doc). */
BILLTAP_EXTERN(int) billtap_json_str_is_plain(const billtap_json *doc, billtap_json_ref ref);

/**
 * Decodes a string (escapes and surrogate pairs) into dst as NUL-terminated UTF-8.
 * *len receives the decoded length (without NUL) even when it does not fit; len may be NULL.
 * Returns 0, BILLTAP_ENOTFOUND, BILLTAP_ETYPE, or BILLTAP_EINVAL when cap <= decoded length
 * (dst then holds "" when cap > 0). The decoded length never exceeds the text length, so
 * a buffer of text length + 1 always fits. A decoded \u0000 is copied as a NUL byte.
 */
BILLTAP_EXTERN(int) billtap_json_str_decode(char *dst, size_t cap, size_t *len,
                                            const billtap_json *doc, billtap_json_ref ref);

/** 1 when ref is a string whose decoded value equals s (NUL-terminated), else 0 (always
 *  0 for a string holding \u0000, and for s NULL, which no string equals). */
BILLTAP_EXTERN(int) billtap_json_str_eq(const billtap_json *doc, billtap_json_ref ref,
                                        const char *s);

/**
 * For "id or expanded object" fields (Stripe's expandable fields): the ref of the id
 * string when ref is a string, or of the object's "id" member when it is an object;
 * BILLTAP_JSON_NONE otherwise (null, absent, an object without an id).
 */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_id_ref(const billtap_json *doc, billtap_json_ref ref);

/* ==========================================================================================
 * Money, currency and time helpers
 * ======================================================================================== */

/**
 * Converts a decimal text ("12.30", "-78.00", "3", ".5", JSON lexemes like "1.5e2") to minor
 * units for `exponent` decimal places, exactly: 12.30 at exponent 2 is 1230. Extra fractional
 * digits are accepted only when they are zeros ("100.00" at exponent 0 is 100); any other
 * excess is BILLTAP_EDATA, never a rounding. Also BILLTAP_EDATA on bad syntax or overflow.
 */
BILLTAP_EXTERN(int) billtap_money_from_decimal(int64_t *minor, const char *text, size_t len,
                                               int exponent);

/**
 * Upper-cases and checks a 3-letter currency code into out[4] ("usd" -> "USD").
 * 0, BILLTAP_EDATA, or BILLTAP_EINVAL for a NULL out or code.
 */
BILLTAP_EXTERN(int) billtap_currency_normalize(char out[4], const char *code, size_t len);

/** ISO 4217's minor-unit count for a code (upper case), or -1 when unknown. */
BILLTAP_EXTERN(int) billtap_currency_iso_exponent(const char *code);

/** Like billtap_time_parse() for text that is not NUL-terminated. 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_time_parse_n(int64_t *out, const char *text, size_t len);

/**
 * Percent-encodes src (RFC 3986 unreserved characters pass) into dst, NUL-terminated.
 * Returns the length, or BILLTAP_EINVAL when cap is too small (3 * len + 1 always fits).
 */
BILLTAP_EXTERN(int) billtap_url_encode(char *dst, size_t cap, const char *src, size_t len);

/* ==========================================================================================
 * Building records
 * ======================================================================================== */

/** A new empty record of `kind`; every field null. Free with billtap_record_free(). */
BILLTAP_EXTERN(int) billtap_record_new(billtap_record **out, billtap_record_kind kind);

/**
 * A new tombstone (since 0.2): the record of `kind` with this id (copied; valid UTF-8, not
 * empty) was deleted. Only top-level kinds (customers, plans, subscriptions, transactions,
 * invoices); its fields stay null and cannot be set (BILLTAP_ETYPE). Push it like any
 * record, in incremental streams only. 0, BILLTAP_EINVAL or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_new_tombstone(billtap_record **out, billtap_record_kind kind,
                                                 const char *id);

/**
 * Sets a string field (copied; must be valid UTF-8 without NUL bytes). s == NULL sets null.
 * 0, BILLTAP_ETYPE (field not a string field of this kind), BILLTAP_EDATA (bad UTF-8),
 * BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_set_str(billtap_record *rec, billtap_field field,
                                           const char *s, size_t len);

/**
 * Sets a string field from a JSON value: a string is decoded; null or BILLTAP_JSON_NONE sets
 * null (so does any ref of a NULL doc, an empty one); anything else is BILLTAP_EDATA.
 */
BILLTAP_EXTERN(int) billtap_record_set_json_str(billtap_record *rec, billtap_field field,
                                                const billtap_json *doc, billtap_json_ref ref);

/** Sets an int, money, bool (0/1) or time (Unix seconds) field. 0 or BILLTAP_ETYPE / EINVAL. */
BILLTAP_EXTERN(int) billtap_record_set_int(billtap_record *rec, billtap_field field,
                                           int64_t value);

/** Sets a field to null. 0 or BILLTAP_ETYPE. */
BILLTAP_EXTERN(int) billtap_record_set_null(billtap_record *rec, billtap_field field);

/** Keeps the provider's JSON for the record (copied). 0 or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_record_set_raw_json(billtap_record *rec, const char *json,
                                                size_t len);

/**
 * Source tracing (since 0.2; billtap_record_field_source() reads it). Starts tracing rec:
 * from now on every field it sets is noted as BILLTAP_SOURCE_COMPUTED, and every field
 * never set as BILLTAP_SOURCE_DEFAULT, until billtap_record_set_source() says more. The
 * kit's mapper calls this itself when the setting trace_sources is on, and names the
 * member of every field it reads; a provider that sets fields itself may name the members
 * it used with billtap_record_set_source(). Idempotent. 0, BILLTAP_EINVAL or
 * BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_trace_start(billtap_record *rec);

/**
 * Notes where `field` of a traced record came from: `how` a billtap_source, `members` the
 * provider members it was read or computed from, as dotted paths relative to the record's
 * raw JSON separated by spaces ("amount amount_refunded"), or NULL when unknown (copied);
 * a member of another object the provider read is written OBJECT:PATH
 * ("invoice_payments:invoice.id").
 * Call it after setting the field: a later set makes it BILLTAP_SOURCE_COMPUTED again.
 * Does nothing (returns 0) on a record that is not traced, so it costs nothing otherwise.
 * 0, BILLTAP_EINVAL (how unknown), BILLTAP_ETYPE (no such field in the kind) or
 * BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_set_source(billtap_record *rec, billtap_field field, int how,
                                              const char *members);

/**
 * Appends a new, empty nested record to `parent` (a subscription item to a subscription,
 * a line to an invoice: see billtap_record_kind_nested()); *item is owned by the parent
 * (do not free it). 0, BILLTAP_ETYPE (the parent's kind nests nothing) or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_add_item(billtap_record **item, billtap_record *parent);

/**
 * Appends a separately built record (billtap_record_new() of the parent's nested kind) to
 * `parent`, which takes ownership in every case (also on error).
 * 0, BILLTAP_EINVAL, BILLTAP_ETYPE (not the parent's nested kind) or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_attach_item(billtap_record *parent, billtap_record *item);

/**
 * Moves every nested record of `from` to the end of `to` (same kinds), leaving `from` with
 * none: e.g. items mapped into a scratch record from a follow-up page, moved into the held
 * subscription only once the whole page mapped. Nothing moves on error.
 * 0, BILLTAP_EINVAL, BILLTAP_ETYPE or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_move_items(billtap_record *to, billtap_record *from);

/* ==========================================================================================
 * Engine context, sink, settings
 * ======================================================================================== */

/** The engine's side of a call: settings, clock, errors. Valid during the call only. */
typedef struct billtap_ctx billtap_ctx;

/** Where a stream delivers records. Valid during stream_response only. */
typedef struct billtap_sink billtap_sink;

/**
 * Hands a finished record to the engine, which takes ownership in every case (also on
 * error). The engine checks that it is of the stream's resource's kind and that every
 * non-nullable field is set and every vocabulary word known (recursively), and fails with
 * BILLTAP_EDATA naming the record and field otherwise; under the engine setting
 * bad_records=skip such a record goes to billtap_sink_reject() instead (0 returned, since
 * 0.2). Errors are recorded on the client.
 */
BILLTAP_EXTERN(int) billtap_sink_push(billtap_sink *sink, billtap_record *rec);

/**
 * Declares a resume point: "a stream created with params.resume = token emits exactly the
 * records pushed after this call". Checkpoints are built from the latest mark at or before
 * the host's position plus a count of records to skip after it, so a provider that marks
 * after every record (cursor-by-id APIs) gives checkpoints that need no skipping, and one
 * that marks once per page (page-number APIs) gives "page N, skip k". The token (copied) is
 * provider-defined printable text. 0, BILLTAP_EINVAL (non-printable) or BILLTAP_ENOMEM,
 * recorded on the client.
 */
BILLTAP_EXTERN(int) billtap_sink_mark(billtap_sink *sink, const char *token);

/**
 * After mapping one object failed with `code` (already recorded, e.g. by the kit's mapper):
 * what to do with that record. Under the engine setting bad_records=skip it is counted,
 * logged (event "record_skipped", with the recorded message, the id and the raw object) and
 * skipped: 0 is returned and the provider goes on with the next object. Otherwise `code` is
 * returned for the provider to return (the default: a bad record stops the stream). Only
 * BILLTAP_EDATA (the data is wrong) is skipped: any other code (out of memory, a provider
 * bug) is returned under every policy. A skip counts once the stream_response call that
 * made it succeeds, like billtap_sink_page(). `id`, `raw_json` may be NULL; with `sink`
 * NULL `code` is returned (an error stays one). BILLTAP_EINVAL (recorded) for a code >= 0,
 * BILLTAP_ENOMEM when the report cannot be kept. (Since 0.2.)
 */
BILLTAP_EXTERN(int) billtap_sink_reject(billtap_sink *sink, int code, const char *id,
                                        const char *raw_json, size_t raw_len);

#define BILLTAP_PAGE_VERSION 1

/**
 * What a stream read from one page of a list, for the engine's loop guards (since 0.2).
 * Grows by appending; fields below are version 1. Unknown numbers are -1.
 */
typedef struct billtap_page {
	unsigned int version; /**< BILLTAP_PAGE_VERSION */
	/** Which list the page belongs to: pages of one list are compared with each other
	 *  ("charges", "w:1719792000:2678400" for a search window). NULL: the request's method
	 *  and path. The engine remembers the last few lists, so a nested list may interleave. */
	const char *list;
	/** The cursor the next page is asked with (an id, a token), or NULL for page-number
	 *  lists and at the end. */
	const char *next;
	int more;            /**< the service says another page follows */
	int64_t items;       /**< items on this page */
	int64_t page;        /**< its number as the service states it (from 1), or -1 */
	int64_t total_pages; /**< the service's page count, or -1 */
	int64_t total_items; /**< the service's item count, or -1 */
	int64_t max_page;    /**< the last page number the service ever serves, or -1 */
} billtap_page;

#define BILLTAP_PAGE_INIT { BILLTAP_PAGE_VERSION, NULL, NULL, 0, 0, -1, -1, -1, -1 }

/**
 * Reports a list page from stream_response, so that a misbehaving service ends in an error
 * instead of an endless loop or a silent gap. Within one list, it is BILLTAP_EDATA (recorded,
 * naming the request) when: `more` is claimed with the same `next` cursor as the page before
 * (the cursor did not advance); the page number is not above the previous one's, or above
 * total_pages or max_page; total_items shrank; more items arrived than total_items; an empty
 * page claims more after total_items arrived; or more than the engine setting
 * max_empty_pages empty pages in a row claim more. What a call reports counts only when the
 * call succeeds (a page read again after a failure is not "repeated").
 * Returns 0, BILLTAP_EDATA, BILLTAP_EVERSION or BILLTAP_EINVAL. (Since 0.2.)
 */
BILLTAP_EXTERN(int) billtap_sink_page(billtap_sink *sink, const billtap_page *page);

/*
 * Settings a provider reads are those of the iterator the call serves: every setting's
 * value (the provider's and the engine's) is copied when billtap_iter_new() creates the
 * iterator, and every context made for that iterator — stream_new, stream_request,
 * stream_response and its sink, classify_response, and session_new for a session made for
 * it — reads that copy. A billtap_client_set() while the iterator runs reaches only
 * iterators created afterwards (with a new session), so a provider may read settings in
 * any callback: a request never mixes credentials or hosts of two configurations.
 */

/**
 * A setting's value for this call's iterator (set by the host, else the default), or NULL
 * when unset or not a setting of the provider or the engine. Valid during the call.
 */
BILLTAP_EXTERN(const char *) billtap_ctx_setting(billtap_ctx *ctx, const char *key);

/**
 * An integer setting's value for this call's iterator (see billtap_ctx_setting()).
 * Returns 0; BILLTAP_ENOTFOUND when unset (an answer, not a failure: nothing is recorded,
 * so a provider that passes it on unchecked is reported as a provider bug); or an error
 * recorded on the client, which a provider may return as it is: BILLTAP_ESETTING (the
 * value is not a decimal integer; the message names the key, never a secret's value),
 * BILLTAP_EUNKNOWN_SETTING (no such setting) or BILLTAP_EINVAL (NULL out or key).
 */
BILLTAP_EXTERN(int) billtap_ctx_setting_int(int64_t *out, billtap_ctx *ctx, const char *key);

/** The client's clock, Unix seconds (billtap_client_options.clock, else the system's;
 *  the system's for a NULL ctx). Providers must not read clocks themselves, so tests can
 *  fix time. */
BILLTAP_EXTERN(int64_t) billtap_ctx_now(billtap_ctx *ctx);

/**
 * Declares the service's documented request rate for the account this iterator reads
 * (Stripe: 25 a second for test keys, 100 for live ones), from stream_new or session_new.
 * The engine paces the iterator's requests to it, unless the host set the rate_limit
 * setting or a shared limiter (billtap_client_set_limiter()). 0 or BILLTAP_EINVAL
 * (rates not > 0), recorded. (Since 0.2.)
 */
BILLTAP_EXTERN(int) billtap_ctx_set_rate(billtap_ctx *ctx, double per_second, double burst);

/** The payload the provider was registered with (billtap_provider_register()), or NULL. */
BILLTAP_EXTERN(void *) billtap_ctx_payload(billtap_ctx *ctx);

/** The resource the current stream iterates (0 in session callbacks). */
BILLTAP_EXTERN(billtap_resource) billtap_ctx_resource(billtap_ctx *ctx);

/**
 * Records an error on the client ("PROVIDER: RESOURCE: message") and returns `code`, so a
 * provider can write `return billtap_ctx_error(ctx, BILLTAP_EDATA, "charge ch_1: no amount");`.
 * A NULL message is billtap_strerror(code). With ctx NULL nothing is recorded, and `code`
 * is still returned. Never put secrets in messages.
 */
BILLTAP_EXTERN(int) billtap_ctx_error(billtap_ctx *ctx, int code, const char *message);

/**
 * Records an error about an HTTP response: "PROVIDER: RESOURCE: METHOD PATH: HTTP STATUS
 * (request REQUEST_ID): PROVIDER_CODE: MESSAGE" with the optional parts left out when NULL.
 * The request id and provider code are also kept for billtap_client_error_request_id()
 * and billtap_client_error_provider_code(). req and resp are optional too (a NULL one
 * leaves out METHOD PATH or HTTP STATUS); a NULL message is billtap_strerror(code); with
 * ctx NULL nothing is recorded. Returns `code`.
 */
BILLTAP_EXTERN(int) billtap_ctx_http_error(billtap_ctx *ctx, int code,
                                           const billtap_request *req,
                                           const billtap_response *resp,
                                           const char *request_id, const char *provider_code,
                                           const char *message);

/**
 * The conventional status for an HTTP error: 401 BILLTAP_EAUTH, 403 BILLTAP_EPERMISSION,
 * 408 BILLTAP_ETIMEOUT, 429 BILLTAP_ERATELIMIT, other 4xx BILLTAP_EREQUEST, 5xx
 * BILLTAP_ESERVER, else BILLTAP_EDATA.
 */
BILLTAP_EXTERN(int) billtap_http_status_error(int http_status);

#define BILLTAP_SETTING_DEF_VERSION 1

/**
 * A setting a provider accepts (flags BILLTAP_SETTING_* are in <billtap.h>). Arrays of
 * these end with BILLTAP_SETTINGS_END; every entry of one array carries the same version,
 * which tells the engine the entries' layout (a later version appends members).
 */
typedef struct billtap_setting_def {
	unsigned int version;      /**< BILLTAP_SETTING_DEF_VERSION */
	const char *name;          /**< lower_snake_case key; NULL ends the array */
	unsigned int flags;        /**< BILLTAP_SETTING_* */
	const char *default_value; /**< NULL for none */
	int64_t min, max;          /**< bounds for BILLTAP_SETTING_INT */
	const char *description;   /**< one line, for docs and the CLI */
} billtap_setting_def;

/** One entry of a settings array, and its end. */
#define BILLTAP_SETTING(name, flags, default_value, min, max, description) \
	{ BILLTAP_SETTING_DEF_VERSION, (name), (flags), (default_value), (min), (max), (description) }
#define BILLTAP_SETTINGS_END { BILLTAP_SETTING_DEF_VERSION, NULL, 0u, NULL, 0, 0, NULL }

/* ==========================================================================================
 * The provider vtable
 * ======================================================================================== */

#define BILLTAP_PROVIDER_VERSION 2

/** stream_request: nothing to send until an outstanding response was handled
 *  (BILLTAP_PROVIDER_CONCURRENT streams only). */
#define BILLTAP_PROVIDER_WAIT 2
/** stream_response: the response was consumed without advancing (e.g. token refreshed):
 *  ask stream_request again, which will rebuild the request. */
#define BILLTAP_PROVIDER_RETRY 3
/** stream_request: no request needed: the stream has records ready (built from earlier
 *  responses); the engine calls stream_response with req and resp NULL to collect them.
 *  Lets a stream hand over a large derived result in batches instead of all at once. */
#define BILLTAP_PROVIDER_LOCAL 4

/** classify_response results. */
#define BILLTAP_CLASSIFY_DEFAULT 0 /**< engine rules: retry 408, 429, 5xx; else final */
#define BILLTAP_CLASSIFY_FINAL 1   /**< hand it to stream_response now */
#define BILLTAP_CLASSIFY_RETRY 2   /**< transient: back off and resend the same request */

/** Provider flags. */
/** The engine may call stream_request again while responses are outstanding, keeping up
 *  to the max_in_flight setting of them in flight; stream_request returns
 *  BILLTAP_PROVIDER_WAIT when its next request depends on one. stream_response is still
 *  called once per request, in the order the requests were made, and a request the
 *  engine has to send again (a retry, or after a failed transfer ended a call) is sent
 *  unchanged. When stream_response returns an error or BILLTAP_PROVIDER_RETRY, that
 *  request and every one made after it are dropped unanswered: the next stream_request
 *  calls ask for them again, so a concurrent stream keeps its position by the answers it
 *  handled, not by the requests it made. After BILLTAP_PROVIDER_LOCAL, stream_request is
 *  not called again until that turn was handed over. Without start/wait/abort in the
 *  transport the engine keeps one request in flight. */
#define BILLTAP_PROVIDER_CONCURRENT 0x1u

#define BILLTAP_STREAM_PARAMS_VERSION 2

/** billtap_stream_params.flags: an incremental pass (since 0.2). The stream marks after its
 *  last record (billtap_sink_mark()) a token from which a stream resumed later delivers
 *  what changed since this pass began reading: every record created or changed (current
 *  version) and a tombstone (billtap_record_new_tombstone()) for every record deleted,
 *  and again ends with such a mark. That final mark becomes the host's sync token; a
 *  token older than the service's change history is BILLTAP_ECHECKPOINT (say that a full
 *  pass is needed). Marks made during the pass resume it as usual. */
#define BILLTAP_STREAM_INCREMENTAL 0x1u

/** What a stream iterates. Grows by appending; fields below are version 1 unless marked.
 *  The engine passes the version it was built with: read `flags` only when version >= 2. */
typedef struct billtap_stream_params {
	unsigned int version;      /**< BILLTAP_STREAM_PARAMS_VERSION */
	billtap_resource resource; /**< one of the provider's resources */
	int64_t since;             /**< BILLTAP_TIME_NONE or Unix seconds */
	const char *resume;        /**< a token the stream marked earlier, or NULL: start */
	/** Version 2: BILLTAP_STREAM_* flags. With BILLTAP_STREAM_INCREMENTAL, `resume` may be
	 *  a final mark of an earlier pass (a sync point) or a mark of this one: the provider's
	 *  tokens tell them apart. Only for resources in the vtable's sync masks. */
	unsigned int flags;
} billtap_stream_params;

/**
 * One billing service. Grows only by appending with a version bump; the engine calls a
 * slot of version N only when version >= N and the slot is not NULL. Initialise with
 * BILLTAP_PROVIDER_INIT or billtap_provider_init(). Members are version 1 unless marked.
 */
typedef struct billtap_provider {
	unsigned int version;                /**< BILLTAP_PROVIDER_VERSION */
	const char *name;                    /**< registry key: "stripe" ([a-z0-9_-], 1-32) */
	const char *display_name;            /**< "Stripe" */
	uint64_t resources;                  /**< BILLTAP_RESOURCE_BIT of each resource served */
	uint64_t since_resources;            /**< resources that honour `since` */
	unsigned int flags;                  /**< BILLTAP_PROVIDER_* */
	const billtap_setting_def *settings; /**< ends with BILLTAP_SETTINGS_END; may be NULL */
	/** The response header carrying the service's request id ("Request-Id"), which the
	 *  engine names in transport and retry errors; NULL when there is none. */
	const char *request_id_header;

	/** Optional: per-client state (token caches), shared by the iterators created under the
	 *  same settings. After a settings change, or in a forked child, new iterators get a
	 *  new session; the old one is freed when the last iterator using it is. An iterator
	 *  carried into a forked child gets a session of its own there before its next request
	 *  (made from the iterator's settings) and a new stream on it, created with
	 *  params.resume set to the iterator's last mark (or NULL); the engine skips what the
	 *  host already had. The parent's session and stream are then freed in the child:
	 *  session_free and stream_free may run in a process other than the one that made
	 *  them, and only free memory there. */
	int (*session_new)(void **out, billtap_ctx *ctx);
	void (*session_free)(void *session);

	/**
	 * Required: starts iterating params->resource, at params->resume when not NULL
	 * (BILLTAP_ECHECKPOINT when the token is not one this stream made). Must validate
	 * settings it needs and report problems through billtap_ctx_error().
	 */
	int (*stream_new)(void **out, void *session, const billtap_stream_params *params,
	                  billtap_ctx *ctx);

	/**
	 * Required: fills req (fresh, empty) with the next request. Returns 0, BILLTAP_ITEROVER
	 * when the stream is finished, BILLTAP_PROVIDER_LOCAL (records ready without a request),
	 * BILLTAP_PROVIDER_WAIT (see BILLTAP_PROVIDER_CONCURRENT), or a negative error.
	 * A concurrent stream returns BILLTAP_ITEROVER only once no response is outstanding.
	 */
	int (*stream_request)(billtap_request *req, void *stream, billtap_ctx *ctx);

	/**
	 * Required: consumes the response to req (any HTTP status classify left final), or,
	 * after BILLTAP_PROVIDER_LOCAL, is called with req and resp NULL; pushes records and
	 * marks to sink, and advances. Returns 0, BILLTAP_PROVIDER_RETRY, or
	 * a negative error described with billtap_ctx_http_error()/billtap_ctx_error(). After an
	 * error the engine may call stream_request again (the host retries), so do not advance
	 * on failure: the records the failed call pushed are dropped, so a stream that holds
	 * records across calls pushes copies and lets the held ones go only once every push
	 * of the call went through. (A concurrent stream's outstanding requests are dropped
	 * after an error or a RETRY: they are asked for again; see
	 * BILLTAP_PROVIDER_CONCURRENT.)
	 */
	int (*stream_response)(void *stream, const billtap_request *req,
	                       const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx);

	/** Required: frees a stream. */
	void (*stream_free)(void *stream);

	/**
	 * Optional: decides whether a response is transient before stream_response sees it
	 * (e.g. Stripe-Should-Retry). May set *delay_ms (>= 0) to a wait the service asked for.
	 * Returns a BILLTAP_CLASSIFY_* value.
	 */
	int (*classify_response)(int *delay_ms, void *session, const billtap_request *req,
	                         const billtap_response *resp, billtap_ctx *ctx);

	/* Version 2 (since 0.2): incremental passes (BILLTAP_STREAM_INCREMENTAL). Each mask
	 * holds BILLTAP_RESOURCE_BIT()s of `resources`; the three are disjoint. A resource in
	 * none has no incremental passes (billtap_sync_method BILLTAP_SYNC_NONE). */
	uint64_t sync_feed;    /**< changes from the service's change feed, deletions included */
	uint64_t sync_updated; /**< records re-read by updated-at times or filters */
	uint64_t sync_reread;  /**< every record re-read each pass, no tombstones */
} billtap_provider;

#define BILLTAP_PROVIDER_INIT { BILLTAP_PROVIDER_VERSION, NULL, NULL, 0, 0, 0u, NULL, NULL, \
	                        NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0 }

/** Initialises a vtable for `version`, every slot NULL (for callers that cannot use the
 *  macro). 0, BILLTAP_EINVAL or BILLTAP_EVERSION. */
BILLTAP_EXTERN(int) billtap_provider_init(billtap_provider *provider, unsigned int version);

/**
 * Adds a provider to the process-wide registry (thread-safe). The vtable is copied; what it
 * points to (names, settings, functions) must stay valid until the provider is
 * unregistered and its last client freed. `payload` (any value, NULL too) is handed to
 * callbacks through billtap_ctx_payload(); `destroy` (may be NULL) is called with it once
 * the provider is unregistered and unused. Returns 0, BILLTAP_EVERSION (version 0 or newer
 * than this library knows, also of the settings array), BILLTAP_EINVAL (bad name, missing
 * required slot or resource, flags other than the BILLTAP_PROVIDER_* this library knows, a
 * resource bit that is no billtap_resource (in `resources` or `since_resources`),
 * `since_resources` outside `resources`, a setting definition a host could not use: bad or
 * duplicate name, an engine setting's name, unknown flags, min above max, a default outside
 * its type or bounds; or the name is taken) or BILLTAP_ENOMEM. On failure destroy is not
 * called and, when error is not NULL, a message naming the provider and what is wrong
 * ("provider acme: setting page_size has a default outside its type or bounds") is written
 * to error[0..error_size), NUL-terminated and cut to fit; on success error holds "".
 */
BILLTAP_EXTERN(int) billtap_provider_register(const billtap_provider *provider, void *payload,
                                              void (*destroy)(void *payload), char *error,
                                              size_t error_size);

/* ==========================================================================================
 * Plugins: a provider in its own shared object, loaded with billtap_provider_load().
 *
 * The shared object exports one function, named billtap_plugin_init, declared below. The
 * loader fills plugin->version with the BILLTAP_PLUGIN_VERSION it speaks; the plugin
 * returns BILLTAP_EVERSION when that is older than what it needs, else sets provider (and
 * optionally payload and destroy) and returns 0. It must not register the provider itself.
 * An entry point that fails cleans up after itself; once it returned 0, the payload is the
 * loader's: when the provider cannot be registered (an invalid vtable, a taken name) the
 * loader calls destroy(payload) before it unloads the plugin.
 * Build it against the installed headers (pkg-config billtap) with -fvisibility=hidden;
 * BILLTAP_PLUGIN_EXPORT keeps the entry point visible. examples/plugin/ is a complete one.
 * ======================================================================================== */

#define BILLTAP_PLUGIN_VERSION 1

typedef struct billtap_plugin {
	unsigned int version;             /**< in: the loader's BILLTAP_PLUGIN_VERSION */
	const billtap_provider *provider; /**< out: the provider to register */
	void *payload;                    /**< out, optional: see billtap_provider_register() */
	void (*destroy)(void *payload);   /**< out, optional */
} billtap_plugin;

#if defined(__GNUC__)
#define BILLTAP_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define BILLTAP_PLUGIN_EXPORT
#endif

/** The entry point's name, for dlsym(), and its type. */
#define BILLTAP_PLUGIN_ENTRY "billtap_plugin_init"
typedef int (*billtap_plugin_init_fn)(billtap_plugin *plugin);

#ifdef __cplusplus
}
#endif

#endif /* BILLTAP_PROVIDER_H */
