/*
 * billtap provider kit: what every provider needs on top of the SPI (<billtap/provider.h>),
 * so that providers stay short and their messages read the same:
 *
 *   - JSON paths, string copies and exact money/time readers;
 *   - a mapper that fills one record from one provider object, keeping the first error
 *     as "KIND ID: MEMBER PROBLEM" ("charge ch_1: amount is missing");
 *   - vocabulary tables (provider status -> normalized word);
 *   - response parsing and provider error envelopes turned into the client's error;
 *   - push-and-mark for cursor-by-id streams;
 *   - a small JSON writer for request bodies (GraphQL).
 *
 * Everything here is built on the public SPI and exported from libbilltap; a plugin uses
 * it exactly as the built-in providers do. Every function that can fail records its error
 * on the client through the ctx it is given, except the plain readers (billtap_json_*),
 * which only return a status for the caller to report. Where the ctx only receives errors
 * (the mapper, the response helpers), a NULL ctx only loses the message: nothing is
 * recorded, and the status is still returned.
 */
#ifndef BILLTAP_PROVIDER_KIT_H
#define BILLTAP_PROVIDER_KIT_H

#include <billtap/provider.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==========================================================================================
 * JSON readers. Like the SPI's, they read a NULL document as an empty one (every value
 * absent: BILLTAP_ENOTFOUND, BILLTAP_JSON_NONE); unlike them, their out-parameters are
 * required (BILLTAP_EINVAL).
 * ======================================================================================== */

/**
 * Follows a dotted member path ("address.country") from ref; "" or NULL is ref itself.
 * BILLTAP_JSON_NONE when a step is absent or not an object. Keys cannot contain '.'.
 */
BILLTAP_EXTERN(billtap_json_ref) billtap_json_path(const billtap_json *doc, billtap_json_ref ref,
                                                   const char *path);

/**
 * A decoded, NUL-terminated copy of a JSON string, which the caller frees with free().
 * Returns 0, BILLTAP_ENOTFOUND (null or absent: *out = NULL), BILLTAP_ETYPE (not a
 * string), BILLTAP_EDATA (it holds \u0000, which a C string cannot) or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_json_strdup(char **out, const billtap_json *doc, billtap_json_ref ref);

/** Flags for the readers and the mapper. */
#define BILLTAP_MAP_REQUIRED 0x1u      /**< null or absent is an error ("is missing") */
#define BILLTAP_MAP_MAJOR_UNITS 0x2u   /**< money is a decimal in major units ("12.30", 12.3) */
#define BILLTAP_MAP_NUMERIC_STRING 0x4u /**< an integer may come as a string of digits ("20") */

/**
 * An exact integer: a JSON integer number, or with BILLTAP_MAP_NUMERIC_STRING also a string
 * of an optional '-' and digits. Returns 0, BILLTAP_ENOTFOUND (null/absent), BILLTAP_ETYPE
 * (another type, a fraction, an exponent) or BILLTAP_EDATA (outside int64).
 */
BILLTAP_EXTERN(int) billtap_json_integer(int64_t *out, const billtap_json *doc,
                                         billtap_json_ref ref, unsigned int flags);

/**
 * A time: Unix seconds as a JSON integer, or an RFC 3339 / ISO 8601 string (any offset,
 * PayPal's "+0000" too; fractions truncated; a bare date is midnight UTC).
 * Returns 0, BILLTAP_ENOTFOUND (null/absent) or BILLTAP_EDATA.
 */
BILLTAP_EXTERN(int) billtap_json_time(int64_t *out, const billtap_json *doc,
                                      billtap_json_ref ref);

/**
 * Money as minor units of a currency with `exponent` decimals: by default an integer of
 * minor units (BILLTAP_MAP_NUMERIC_STRING: also as a string, Paddle's "1000"); with
 * BILLTAP_MAP_MAJOR_UNITS a decimal in major units, from a string ("12.30") or from a
 * JSON number's own digits (Recurly's 12.3), never through a double. Digits the currency
 * cannot hold ("0.001" at exponent 2) are BILLTAP_EDATA, never rounded.
 * Returns 0, BILLTAP_ENOTFOUND (null/absent), BILLTAP_ETYPE or BILLTAP_EDATA.
 */
BILLTAP_EXTERN(int) billtap_json_money(int64_t *minor, const billtap_json *doc,
                                       billtap_json_ref ref, int exponent, unsigned int flags);

/* ==========================================================================================
 * Vocabularies: provider words to normalized words
 * ======================================================================================== */

/** One entry; arrays end with { NULL, NULL }. This pair is fixed forever. */
typedef struct billtap_vocab {
	const char *provider;   /**< the provider's value ("incomplete_expired") */
	const char *normalized; /**< the normalized word ("canceled") */
} billtap_vocab;

/** The normalized word for a JSON string value, `otherwise` when it is not in the table
 *  (or not a string). Exact, case-sensitive match. A NULL table is an empty one. */
BILLTAP_EXTERN(const char *) billtap_vocab_lookup(const billtap_vocab *table,
                                                  const billtap_json *doc,
                                                  billtap_json_ref value,
                                                  const char *otherwise);

/* ==========================================================================================
 * The mapper: one provider object into one record
 *
 *     billtap_map m;
 *     billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
 *     billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
 *     billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "address.country", 0);
 *     billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
 *     return billtap_map_end(&rec, &m);
 *
 * Paths are relative to the object. Once a call fails, later calls do nothing and return
 * the same status, so a mapping reads straight through; the first error is recorded on
 * the client ("customer cus_1: created is missing") and billtap_map_end() returns it.
 * With the setting trace_sources on, each record notes the path every field was read
 * from (billtap_record_field_source()); values set with billtap_map_set_*() count as
 * computed by the provider, which may name their members (billtap_record_set_source()).
 * A NULL path, like "", is the object itself (billtap_json_path()); a NULL ctx only loses
 * the message, as in the response helpers.
 * ======================================================================================== */

#define BILLTAP_MAP_VERSION 1

/** Mapper state, on the caller's stack. Members are the kit's: use the functions; `rec`
 *  and `status` may be read (e.g. rec as the parent of nested items). Its size is fixed:
 *  later versions use the reserved space, never a larger struct. */
typedef struct billtap_map {
	unsigned int version;    /**< BILLTAP_MAP_VERSION, set by billtap_map_begin*() */
	int status;              /**< 0, or the first error */
	billtap_ctx *ctx;
	const billtap_json *doc;
	billtap_json_ref obj;    /**< the provider object */
	billtap_record *rec;     /**< the record being filled */
	int owns_rec;            /**< 1 for a top-level record, 0 for a nested one */
	const char *what;        /**< "charge": names the object in messages */
	char id[128];            /**< its id, for messages */
	void *reserved[4];       /**< for later versions; zeroed by billtap_map_begin*() */
} billtap_map;

/**
 * Starts a top-level record of `kind` from `obj`: its id from the string at id_path
 * (required), the object kept as the record's raw JSON. An object that has a member name
 * twice (itself or an object inside it) is refused, naming it (since 0.2). `what` names
 * the object in messages ("object" when NULL); a NULL doc holds no object (BILLTAP_EDATA,
 * "is not a JSON object"). Returns the status.
 */
BILLTAP_EXTERN(int) billtap_map_begin(billtap_map *m, billtap_record_kind kind, const char *what,
                                      const billtap_json *doc, billtap_json_ref obj,
                                      const char *id_path, billtap_ctx *ctx);

/**
 * Starts a nested record appended to `parent` (billtap_record_add_item()), which owns it
 * from the start; id_path may be NULL for items the provider gives no id. Its raw JSON is
 * `obj`. `what`, doc and ctx as for billtap_map_begin(). Finish it with
 * billtap_map_end(NULL, m) and pass any error on.
 */
BILLTAP_EXTERN(int) billtap_map_begin_item(billtap_map *m, billtap_record *parent,
                                           const char *what, const billtap_json *doc,
                                           billtap_json_ref obj, const char *id_path,
                                           billtap_ctx *ctx);

/** A string or null member (anything else: "is not a string"). */
BILLTAP_EXTERN(int) billtap_map_str(billtap_map *m, billtap_field field, const char *path,
                                    unsigned int flags);

/** An id, or an expanded object's "id" (Stripe's expandable fields), or null. */
BILLTAP_EXTERN(int) billtap_map_ref_id(billtap_map *m, billtap_field field, const char *path,
                                       unsigned int flags);

/** An integer (billtap_json_integer()), or null. */
BILLTAP_EXTERN(int) billtap_map_int(billtap_map *m, billtap_field field, const char *path,
                                    unsigned int flags);

/** true/false; null or absent is false unless BILLTAP_MAP_REQUIRED. */
BILLTAP_EXTERN(int) billtap_map_bool(billtap_map *m, billtap_field field, const char *path,
                                     unsigned int flags);

/** A time (billtap_json_time()), or null. */
BILLTAP_EXTERN(int) billtap_map_time(billtap_map *m, billtap_field field, const char *path,
                                     unsigned int flags);

/**
 * The record's currency from a 3-letter code at path (any case), and its exponent from
 * exponent_of(code) (the provider's rules), or ISO 4217's when exponent_of is NULL; a
 * code without an exponent is an error. Set it before any money field. Always required.
 */
BILLTAP_EXTERN(int) billtap_map_currency(billtap_map *m, const char *path,
                                         int (*exponent_of)(const char *code));

/** A money field in the record's currency (billtap_json_money() with its exponent). */
BILLTAP_EXTERN(int) billtap_map_money(billtap_map *m, billtap_field field, const char *path,
                                      unsigned int flags);

/**
 * A normalized word from the provider's string at path through `table` (NULL: an empty
 * table); a value not in the table gives `otherwise`, or is an error ("has a value this
 * provider mapping does not know: ...") when otherwise is NULL. Null or absent: null, or an
 * error with BILLTAP_MAP_REQUIRED.
 */
BILLTAP_EXTERN(int) billtap_map_vocab(billtap_map *m, billtap_field field, const char *path,
                                      const billtap_vocab *table, const char *otherwise,
                                      unsigned int flags);

/** Sets a computed string (NULL: null) or integer value; errors name the field. */
BILLTAP_EXTERN(int) billtap_map_set_str(billtap_map *m, billtap_field field, const char *value);
BILLTAP_EXTERN(int) billtap_map_set_int(billtap_map *m, billtap_field field, int64_t value);

/** Records an error about `member` ("is not a positive integer"; NULL: "(object)") unless
 *  one is already recorded; code is usually BILLTAP_EDATA. With problem NULL it only
 *  latches `code`, for an error a nested call (an item's mapper) has already recorded.
 *  Returns the status. */
BILLTAP_EXTERN(int) billtap_map_fail(billtap_map *m, int code, const char *member,
                                     const char *problem);

/**
 * Finishes. For billtap_map_begin(): on success *out receives the record (the caller
 * owns it), on error the record is freed and *out is NULL. For billtap_map_begin_item():
 * pass out NULL (the parent owns the item). Returns the status.
 */
BILLTAP_EXTERN(int) billtap_map_end(billtap_record **out, billtap_map *m);

/* ==========================================================================================
 * Responses and errors
 * ======================================================================================== */

/**
 * Parses a response body into doc; on failure records BILLTAP_EPARSE naming the request,
 * status, request id (the provider's request_id_header) and where the JSON broke. Since
 * 0.2 a root object that has a member name twice is BILLTAP_EDATA naming it (which value
 * is meant is ambiguous); the mapper checks the records inside (billtap_map_begin()).
 * req only names the request in messages and may be NULL.
 */
BILLTAP_EXTERN(int) billtap_response_parse(billtap_json *doc, const billtap_request *req,
                                           const billtap_response *resp, billtap_ctx *ctx);

/**
 * Records the error a provider's error answer stands for and returns its code (a 2xx
 * answer is BILLTAP_EDATA, others billtap_http_status_error()). The provider's code and
 * message are read from the first of code_paths / message_paths (NULL-terminated lists of
 * dotted paths, may be NULL) that holds a string; without a message, an excerpt of the
 * body (a proxy's page) is quoted. `doc` is scratch space for parsing the body. req only
 * names the request in the message and may be NULL.
 */
BILLTAP_EXTERN(int) billtap_response_error(const billtap_request *req,
                                           const billtap_response *resp, billtap_json *doc,
                                           const char *const *code_paths,
                                           const char *const *message_paths,
                                           billtap_ctx *ctx);

/** The start of a body as printable ASCII (others as '?', at most 160 bytes, followed by
 *  "..." when the body is longer) for a message; "empty response body" when there is
 *  none. Always NUL-terminates (cap > 0). Messages recorded through the ctx are scrubbed
 *  of credentials, also of a credential's start left before the "..." (since 0.2). */
BILLTAP_EXTERN(void) billtap_response_excerpt(char *out, size_t cap,
                                              const billtap_response *resp);

/* ==========================================================================================
 * Settings and the sink
 * ======================================================================================== */

/**
 * A copy of a setting's effective value (free() it), NULL when unset or empty.
 * Returns 0, BILLTAP_ENOMEM (recorded) or BILLTAP_EINVAL (NULL out, ctx or key; recorded
 * when there is a ctx), as billtap_ctx_setting_int() does.
 */
BILLTAP_EXTERN(int) billtap_ctx_setting_dup(char **out, billtap_ctx *ctx, const char *key);

/**
 * Pushes rec (ownership passes in every case), then marks "<prefix>:<its id>" as the
 * place to resume after it: the mark cursor-by-id APIs need (starting_after = this id).
 */
BILLTAP_EXTERN(int) billtap_sink_push_marked(billtap_sink *sink, billtap_record *rec,
                                             const char *prefix);

/**
 * billtap_sink_reject() for a provider object that could not be mapped (code from the
 * mapper, already recorded): its id is the string at id_path (none when that is not a
 * string, or doc or id_path is NULL), its raw JSON the object's text (none with doc NULL).
 * Returns 0 when the engine skipped it (bad_records=skip; go on with the next object), else
 * the status to return (`code` with sink NULL). (Since 0.2.)
 */
BILLTAP_EXTERN(int) billtap_sink_reject_json(billtap_sink *sink, int code,
                                             const billtap_json *doc, billtap_json_ref obj,
                                             const char *id_path);

/* ==========================================================================================
 * A JSON writer for request bodies (GraphQL queries and variables). Commas and colons are
 * placed for you; a call out of place (a value where a key belongs, an unclosed object)
 * latches BILLTAP_EINVAL, reported by billtap_json_writer_text().
 * ======================================================================================== */

typedef struct billtap_json_writer billtap_json_writer;

/** A new writer; freeing NULL is a no-op. */
BILLTAP_EXTERN(int) billtap_json_writer_new(billtap_json_writer **out);
BILLTAP_EXTERN(void) billtap_json_writer_free(billtap_json_writer *w);
/** Empties the writer for the next document. */
BILLTAP_EXTERN(void) billtap_json_writer_reset(billtap_json_writer *w);

BILLTAP_EXTERN(int) billtap_json_write_object_begin(billtap_json_writer *w);
BILLTAP_EXTERN(int) billtap_json_write_object_end(billtap_json_writer *w);
BILLTAP_EXTERN(int) billtap_json_write_array_begin(billtap_json_writer *w);
BILLTAP_EXTERN(int) billtap_json_write_array_end(billtap_json_writer *w);
/** A member name inside an object (escaped here). */
BILLTAP_EXTERN(int) billtap_json_write_key(billtap_json_writer *w, const char *key);
/** A string value: UTF-8 (else BILLTAP_EDATA), escaped here; s may hold NUL bytes. */
BILLTAP_EXTERN(int) billtap_json_write_string(billtap_json_writer *w, const char *s, size_t len);
BILLTAP_EXTERN(int) billtap_json_write_int(billtap_json_writer *w, int64_t value);
BILLTAP_EXTERN(int) billtap_json_write_bool(billtap_json_writer *w, int value);
BILLTAP_EXTERN(int) billtap_json_write_null(billtap_json_writer *w);

/**
 * The finished document (NUL-terminated; *len may be NULL), valid until the writer
 * changes. Returns 0, BILLTAP_EINVAL (incomplete, or a call was out of place) or
 * BILLTAP_ENOMEM; *text is NULL on error.
 */
BILLTAP_EXTERN(int) billtap_json_writer_text(const char **text, size_t *len,
                                             const billtap_json_writer *w);

#ifdef __cplusplus
}
#endif

#endif /* BILLTAP_PROVIDER_KIT_H */
