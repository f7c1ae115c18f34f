/*
 * billtap — extract billing data from billing services as exact, normalized records.
 *
 * This is the host's header. Provider authors also include <billtap/provider.h>.
 *
 * Conventions (libgit2/SQLite style):
 *  - Functions return an int status: 0 on success, a negative BILLTAP_E* code on failure.
 *    Iteration returns BILLTAP_ITEROVER (positive) when there is nothing more.
 *  - Out-parameters come first; every handle type has exactly one _free function.
 *  - Borrowed pointers (const char *, const billtap_record *) carry their lifetime in the
 *    comment of the function that returns them.
 *  - Versioned structs start with `unsigned int version`; initialise them with the
 *    BILLTAP_*_INIT macro or the matching *_init() function (for FFI callers).
 *  - Threads: a client and the iterators made from it form one unit, used from one thread
 *    at a time (they share the connection, the session and the error state); distinct
 *    clients are independent. billtap_iter_cancel() is the one call allowed from another
 *    thread.
 *  - Errors are recorded per client handle (never per thread), see billtap_client_error_*.
 *    Every call on a client or its iterators that can fail clears the previous error first.
 */
#ifndef BILLTAP_H
#define BILLTAP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BILLTAP_BUILDING_LIBRARY) && defined(__GNUC__)
#define BILLTAP_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define BILLTAP_EXTERN(type) extern type
#endif

/* ------------------------------------------------------------------------------------------
 * Version
 * ---------------------------------------------------------------------------------------- */

#define BILLTAP_VERSION_MAJOR 0
#define BILLTAP_VERSION_MINOR 1
#define BILLTAP_VERSION_PATCH 0
#define BILLTAP_VERSION_STRING "0.1.0"
/** One integer for compile-time comparisons: 0xMMmmpp. */
#define BILLTAP_VERSION_NUMBER \
	((BILLTAP_VERSION_MAJOR << 16) | (BILLTAP_VERSION_MINOR << 8) | BILLTAP_VERSION_PATCH)
/** True when the headers are at least version major.minor.patch. */
#define BILLTAP_VERSION_AT_LEAST(major, minor, patch) \
	(BILLTAP_VERSION_NUMBER >= (((major) << 16) | ((minor) << 8) | (patch)))

/**
 * The version of the library loaded at run time ("0.1.0"), which may be newer than the
 * headers the host was compiled with. Any out-parameter may be NULL.
 * Returns the version string (static storage).
 */
BILLTAP_EXTERN(const char *) billtap_version(int *major, int *minor, int *patch);

/* ------------------------------------------------------------------------------------------
 * Status codes. Stable: never renumbered, never reused. A retired code keeps its slot.
 * ---------------------------------------------------------------------------------------- */

typedef enum billtap_status {
	BILLTAP_OK = 0,
	/** Iteration is over: returned by billtap_iter_next() when every record was returned. */
	BILLTAP_ITEROVER = 1,

	BILLTAP_EINVAL = -1,            /**< an argument is invalid (NULL handle, bad enum, ...) */
	BILLTAP_ENOMEM = -2,            /**< out of memory */
	BILLTAP_EVERSION = -3,          /**< a struct or vtable version this library does not know */
	BILLTAP_EUNKNOWN_PROVIDER = -4, /**< no provider registered under that name */
	BILLTAP_EUNKNOWN_SETTING = -5,  /**< the provider has no setting with that key */
	BILLTAP_ESETTING = -6,          /**< a setting's value is invalid or a required one is missing */
	BILLTAP_EUNSUPPORTED = -7,      /**< the provider cannot do this (resource, filter, ...) */
	BILLTAP_ENETWORK = -8,          /**< connection, DNS, TLS or transfer failure */
	BILLTAP_ETIMEOUT = -9,          /**< the request timed out */
	BILLTAP_EAUTH = -10,            /**< the provider rejected the credentials (HTTP 401) */
	BILLTAP_EPERMISSION = -11,      /**< the credentials lack a permission (HTTP 403) */
	BILLTAP_ERATELIMIT = -12,       /**< still rate limited after every allowed retry */
	BILLTAP_EREQUEST = -13,         /**< the provider rejected the request (other HTTP 4xx) */
	BILLTAP_ESERVER = -14,          /**< the provider failed (HTTP 5xx) after every retry */
	BILLTAP_EPARSE = -15,           /**< a response is not valid JSON */
	BILLTAP_EDATA = -16,            /**< a response is valid JSON but its content is unusable */
	BILLTAP_ECHECKPOINT = -17,      /**< a checkpoint token is malformed or does not fit */
	BILLTAP_ECANCELED = -18,        /**< billtap_iter_cancel() stopped the iteration */
	BILLTAP_ENOTFOUND = -19,        /**< the field is null or absent for this record */
	BILLTAP_ETYPE = -20,            /**< the field has another type, or no place in this record */
	BILLTAP_ETRANSPORT = -21,       /**< a host transport failed or broke its contract */
	BILLTAP_EUSAGE = -22            /**< call out of sequence (e.g. next after a fatal error) */
} billtap_status;

/**
 * A short, static English description of a status code ("invalid argument").
 * Never NULL, also for codes this version does not know.
 */
BILLTAP_EXTERN(const char *) billtap_strerror(int code);

/* ------------------------------------------------------------------------------------------
 * Library initialisation
 * ---------------------------------------------------------------------------------------- */

/**
 * Initialises global state (libcurl, the provider registry). Safe to call from several
 * threads and more than once; the first call does the work. billtap_client_new() calls it
 * for you, but a threaded host should call it once early in main(): libcurl's own global
 * init is only guaranteed thread-safe from curl 7.84 on.
 * Returns 0 or BILLTAP_ENOMEM / BILLTAP_ENETWORK when libcurl cannot initialise.
 */
BILLTAP_EXTERN(int) billtap_global_init(void);

/**
 * The names of the registered providers ("stripe", "paypal", ...), in registration order.
 * Writes at most cap names (static storage) to out (NULL when cap is 0); returns how many
 * providers there are.
 */
BILLTAP_EXTERN(size_t) billtap_provider_names(const char **out, size_t cap);

/* ------------------------------------------------------------------------------------------
 * Resources, records and fields
 * ---------------------------------------------------------------------------------------- */

/** The four resources a provider can be iterated over. Values are stable. */
typedef enum billtap_resource {
	BILLTAP_RESOURCE_CUSTOMERS = 1,
	BILLTAP_RESOURCE_PLANS = 2,
	BILLTAP_RESOURCE_SUBSCRIPTIONS = 3,
	BILLTAP_RESOURCE_TRANSACTIONS = 4
} billtap_resource;

/** "customers", "plans", ...; NULL for an unknown value. Static storage. */
BILLTAP_EXTERN(const char *) billtap_resource_name(billtap_resource resource);

/** Parses "customers" (etc.) into *out. Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_resource_from_name(billtap_resource *out, const char *name);

/** What a record is. Subscription items are records nested in a subscription. */
typedef enum billtap_record_kind {
	BILLTAP_RECORD_CUSTOMER = 1,
	BILLTAP_RECORD_PLAN = 2,
	BILLTAP_RECORD_SUBSCRIPTION = 3,
	BILLTAP_RECORD_TRANSACTION = 4,
	BILLTAP_RECORD_SUBSCRIPTION_ITEM = 5
} billtap_record_kind;

/** "customer", "plan", "subscription", "transaction", "subscription_item"; NULL if unknown. */
BILLTAP_EXTERN(const char *) billtap_record_kind_name(billtap_record_kind kind);

/**
 * Normalized fields. Values are stable and never reused; docs/data-model.md gives each
 * field's type, the records it belongs to and its vocabulary. The JSON name of a field is
 * billtap_field_name(). Money is always three fields: an int64 amount in minor units,
 * BILLTAP_FIELD_CURRENCY (upper-case ISO 4217) and BILLTAP_FIELD_CURRENCY_EXPONENT (the
 * number of decimal places the provider uses for that currency).
 */
typedef enum billtap_field {
	BILLTAP_FIELD_ID = 1,                    /* string: all records */
	BILLTAP_FIELD_CREATED_AT = 2,            /* time: customer, plan, subscription */
	BILLTAP_FIELD_EMAIL = 3,                 /* string|null: customer */
	BILLTAP_FIELD_NAME = 4,                  /* string|null: customer, plan */
	BILLTAP_FIELD_COUNTRY = 5,               /* string|null: customer (ISO 3166-1 alpha-2) */
	BILLTAP_FIELD_DELETED = 6,               /* bool: customer */
	BILLTAP_FIELD_PRODUCT_ID = 7,            /* string|null: plan */
	BILLTAP_FIELD_AMOUNT = 8,                /* money|null: plan, item; money: transaction */
	BILLTAP_FIELD_CURRENCY = 9,              /* string: plan, item, transaction */
	BILLTAP_FIELD_CURRENCY_EXPONENT = 10,    /* int: plan, item, transaction */
	BILLTAP_FIELD_INTERVAL_UNIT = 11,        /* string|null: plan (day, week, month, year) */
	BILLTAP_FIELD_INTERVAL_COUNT = 12,       /* int|null: plan */
	BILLTAP_FIELD_TRIAL_DAYS = 13,           /* int|null: plan */
	BILLTAP_FIELD_ACTIVE = 14,               /* bool: plan */
	BILLTAP_FIELD_CUSTOMER_ID = 15,          /* string|null: subscription, transaction */
	BILLTAP_FIELD_STATUS = 16,               /* string: subscription (normalized vocabulary) */
	BILLTAP_FIELD_PROVIDER_STATUS = 17,      /* string|null: subscription, transaction (raw) */
	BILLTAP_FIELD_STARTED_AT = 18,           /* time|null: subscription */
	BILLTAP_FIELD_CURRENT_PERIOD_START = 19, /* time|null: subscription */
	BILLTAP_FIELD_CURRENT_PERIOD_END = 20,   /* time|null: subscription */
	BILLTAP_FIELD_TRIAL_END = 21,            /* time|null: subscription */
	BILLTAP_FIELD_CANCELED_AT = 22,          /* time|null: subscription */
	BILLTAP_FIELD_CANCEL_AT_PERIOD_END = 23, /* bool: subscription */
	BILLTAP_FIELD_PLAN_ID = 24,              /* string|null: subscription item */
	BILLTAP_FIELD_QUANTITY = 25,             /* int|null: subscription item */
	BILLTAP_FIELD_SUBSCRIPTION_ID = 26,      /* string|null: transaction */
	BILLTAP_FIELD_INVOICE_ID = 27,           /* string|null: transaction */
	BILLTAP_FIELD_KIND = 28,                 /* string: transaction (payment, refund) */
	BILLTAP_FIELD_RESULT = 29,               /* string: transaction (succeeded, failed, pending) */
	BILLTAP_FIELD_REFUNDED_AMOUNT = 30,      /* money: transaction */
	BILLTAP_FIELD_PARENT_ID = 31,            /* string|null: transaction (refund -> payment) */
	BILLTAP_FIELD_OCCURRED_AT = 32           /* time: transaction */
} billtap_field;

/** How a field's value is read: with billtap_record_get_str or billtap_record_get_int. */
typedef enum billtap_field_type {
	BILLTAP_TYPE_STRING = 1, /**< UTF-8, read with billtap_record_get_str */
	BILLTAP_TYPE_INT = 2,    /**< int64, read with billtap_record_get_int */
	BILLTAP_TYPE_BOOL = 3,   /**< 0 or 1, read with billtap_record_get_int */
	BILLTAP_TYPE_TIME = 4,   /**< int64 Unix seconds (UTC), read with billtap_record_get_int */
	/** int64 minor units of the record's BILLTAP_FIELD_CURRENCY, scaled by its
	 *  BILLTAP_FIELD_CURRENCY_EXPONENT; read with billtap_record_get_int */
	BILLTAP_TYPE_MONEY = 5
} billtap_field_type;

/** The JSON member name of a field ("created_at"); NULL for an unknown field. Static. */
BILLTAP_EXTERN(const char *) billtap_field_name(billtap_field field);

/** The type of a field, or 0 for an unknown field. */
BILLTAP_EXTERN(int) billtap_field_type_of(billtap_field field);

/**
 * The fields a record kind has, in the order the normalized JSON lists them.
 * Writes at most `cap` fields to `out` (which may be NULL when cap is 0) and returns how many
 * the kind has, or BILLTAP_EINVAL for an unknown kind. Subscriptions also have "items",
 * which is not a field: see billtap_record_item_count().
 */
BILLTAP_EXTERN(int) billtap_record_kind_fields(billtap_field *out, size_t cap,
                                               billtap_record_kind kind);

/**
 * A normalized record. Opaque: read it with the accessors below.
 *
 * Lifetime: a record returned by billtap_iter_next() is borrowed. It, and every pointer read
 * from it, stays valid until the next billtap_iter_next() or billtap_iter_free() on the
 * same iterator. Use billtap_record_dup() to keep one longer.
 */
typedef struct billtap_record billtap_record;

/** The kind of a record. */
BILLTAP_EXTERN(billtap_record_kind) billtap_record_kind_of(const billtap_record *rec);

/** The record's id (never NULL for a record from an iterator). Valid as long as the record. */
BILLTAP_EXTERN(const char *) billtap_record_id(const billtap_record *rec);

/**
 * Reads a string field. On success *out points to NUL-terminated UTF-8 valid as long as the
 * record. Returns 0, BILLTAP_ENOTFOUND when the value is null (*out = NULL), or
 * BILLTAP_ETYPE when the field is not a string field of this kind of record.
 */
BILLTAP_EXTERN(int) billtap_record_get_str(const char **out, const billtap_record *rec,
                                           billtap_field field);

/**
 * Reads an int, money (minor units), bool (0/1) or time (Unix seconds) field. Returns 0,
 * BILLTAP_ENOTFOUND when the value is null (*out = 0), or BILLTAP_ETYPE when the field is
 * not such a field of this kind of record.
 */
BILLTAP_EXTERN(int) billtap_record_get_int(int64_t *out, const billtap_record *rec,
                                           billtap_field field);

/** Number of nested items (subscription items); 0 for other kinds. */
BILLTAP_EXTERN(size_t) billtap_record_item_count(const billtap_record *rec);

/** The index-th nested item, or NULL when out of range. Valid as long as the parent. */
BILLTAP_EXTERN(const billtap_record *) billtap_record_item(const billtap_record *rec,
                                                           size_t index);

/**
 * The record as normalized JSON (one line, no trailing newline), as documented in
 * docs/data-model.md. Built on first use; valid as long as the record. NULL only when out of
 * memory. If len is not NULL it receives the length.
 */
BILLTAP_EXTERN(const char *) billtap_record_json(const billtap_record *rec, size_t *len);

/**
 * The provider's own JSON object this record was made from (not NUL-terminated; *len gets
 * the length), valid as long as the record. NULL with *len = 0 when the provider gave none.
 * For records built from several objects (e.g. a subscription whose items needed a second
 * request) this is the main object as the provider sent it.
 */
BILLTAP_EXTERN(const char *) billtap_record_raw_json(const billtap_record *rec, size_t *len);

/**
 * Copies a record (with its items, JSON and raw JSON) into *out, which the caller owns and
 * releases with billtap_record_free(). Returns 0, BILLTAP_EINVAL or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_record_dup(billtap_record **out, const billtap_record *rec);

/** Frees a record from billtap_record_dup(). Never pass a borrowed record. NULL is a no-op. */
BILLTAP_EXTERN(void) billtap_record_free(billtap_record *rec);

/* ------------------------------------------------------------------------------------------
 * Time helpers
 * ---------------------------------------------------------------------------------------- */

/** "No time": the value of `since` in billtap_iter_options when there is no filter. */
#define BILLTAP_TIME_NONE INT64_MIN

/**
 * Parses an RFC 3339 / ISO 8601 date-time ("2024-05-01T12:00:00Z", "...+02:00", "...+0200",
 * fractional seconds truncated) or a date ("2024-05-01" or "20240501", midnight UTC), or a
 * decimal number of Unix seconds (not eight digits long), into Unix seconds. Returns 0 or
 * BILLTAP_EINVAL.
 */
BILLTAP_EXTERN(int) billtap_time_parse(int64_t *out, const char *text);

/**
 * Formats Unix seconds as RFC 3339 UTC ("2024-05-01T12:00:00Z") into buf (at least 21
 * bytes; years outside 0000-9999 need more). Returns the length written, or BILLTAP_EINVAL
 * when buf is too small.
 */
BILLTAP_EXTERN(int) billtap_time_format(char *buf, size_t cap, int64_t unix_seconds);

/* ------------------------------------------------------------------------------------------
 * Transport: how requests reach the network. The default is libcurl; a host may plug its
 * own (and tests use one to replay recorded responses). Requests and responses are opaque;
 * their accessors are in <billtap/provider.h>.
 * ---------------------------------------------------------------------------------------- */

typedef struct billtap_request billtap_request;
typedef struct billtap_response billtap_response;

#define BILLTAP_TRANSPORT_VERSION 1

/** A host-supplied transport. Grows only by appending; slots below are version 1. */
typedef struct billtap_transport {
	unsigned int version; /**< BILLTAP_TRANSPORT_VERSION */
	/**
	 * Performs one request and fills `resp` (status, headers, body) with the
	 * billtap_response_* setters. Blocking. Returns 0 when a response (of any HTTP status)
	 * was received, or a negative code: BILLTAP_ENETWORK, BILLTAP_ETIMEOUT,
	 * BILLTAP_ECANCELED, BILLTAP_ENOMEM. It may describe the failure with
	 * billtap_response_set_error(). Called from the thread that drives the iterator.
	 */
	int (*perform)(billtap_response *resp, const billtap_request *req, void *payload);
	/** Called once when the client is freed; may be NULL. */
	void (*free)(void *payload);
} billtap_transport;

/* ------------------------------------------------------------------------------------------
 * Client
 * ---------------------------------------------------------------------------------------- */

typedef struct billtap_client billtap_client;

#define BILLTAP_CLIENT_OPTIONS_VERSION 1

/** Options for billtap_client_new(). Grows only by appending; fields below are version 1. */
typedef struct billtap_client_options {
	unsigned int version; /**< BILLTAP_CLIENT_OPTIONS_VERSION */
	/** A transport to use instead of libcurl, or NULL. Copied; must outlive nothing. */
	const billtap_transport *transport;
	/** Passed to every transport call, released with transport->free. */
	void *transport_payload;
} billtap_client_options;

#define BILLTAP_CLIENT_OPTIONS_INIT { BILLTAP_CLIENT_OPTIONS_VERSION, NULL, NULL }

/** Initialises opts for `version` (for callers that cannot use the macro). 0 or EVERSION. */
BILLTAP_EXTERN(int) billtap_client_options_init(billtap_client_options *opts,
                                                unsigned int version);

/**
 * Creates a client for the provider registered as `provider` ("stripe", "paypal", ...).
 * opts may be NULL for the defaults. Settings are then given with billtap_client_set().
 * Returns 0, BILLTAP_EUNKNOWN_PROVIDER, BILLTAP_EVERSION, BILLTAP_EINVAL or BILLTAP_ENOMEM;
 * on failure *out is NULL.
 */
BILLTAP_EXTERN(int) billtap_client_new(billtap_client **out, const char *provider,
                                       const billtap_client_options *opts);

/**
 * Sets one setting from its text form. Keys the engine knows for every provider:
 *   timeout_ms (default 60000), connect_timeout_ms (10000), max_retries (4),
 *   user_agent (appended to "billtap/VERSION"), ca_file, ca_path;
 * plus the provider's own (see docs/providers/NAME.md), e.g. Stripe's api_key, base_url,
 * page_size, stripe_version, stripe_account. A NULL value restores the default.
 * Settings are read when an iterator is created: a change applies to iterators created
 * afterwards, which also get a new provider session (so a cached token never meets other
 * credentials or another host); running iterators keep what they started with.
 * Returns 0, BILLTAP_EUNKNOWN_SETTING or BILLTAP_ESETTING (value invalid), with a message in
 * billtap_client_error_message(). Secrets never appear in messages.
 */
BILLTAP_EXTERN(int) billtap_client_set(billtap_client *client, const char *key,
                                       const char *value);

/** The provider's registered name ("stripe"). Valid as long as the client. */
BILLTAP_EXTERN(const char *) billtap_client_provider(const billtap_client *client);

/**
 * Frees the client. Its iterators may be freed before or after (in any order, as garbage
 * collectors do): while one is alive, the client stays usable through it and is released
 * with the last one. NULL is a no-op.
 */
BILLTAP_EXTERN(void) billtap_client_free(billtap_client *client);

/**
 * The last error recorded on this client (by any call on it or on its iterators):
 * a message naming the provider, the resource, the HTTP status and the provider's request
 * id where there is one, e.g.
 *   "stripe: customers: GET /v1/customers: HTTP 401 (request req_8Xw...):
 *    invalid_request_error: Invalid API Key provided: sk_test_****abcd"
 * Valid until the next call on the client or its iterators. "" when there was none.
 */
BILLTAP_EXTERN(const char *) billtap_client_error_message(const billtap_client *client);

/** The status code of the last error (0 when none). */
BILLTAP_EXTERN(int) billtap_client_error_code(const billtap_client *client);

/** The HTTP status of the response behind the last error, or 0. */
BILLTAP_EXTERN(int) billtap_client_error_http_status(const billtap_client *client);

/** The provider's request id behind the last error, or NULL. Same lifetime as the message. */
BILLTAP_EXTERN(const char *) billtap_client_error_request_id(const billtap_client *client);

/** The provider's own error code ("resource_missing"), or NULL. Same lifetime. */
BILLTAP_EXTERN(const char *) billtap_client_error_provider_code(const billtap_client *client);

/* ------------------------------------------------------------------------------------------
 * Iterators
 * ---------------------------------------------------------------------------------------- */

typedef struct billtap_iter billtap_iter;

#define BILLTAP_ITER_OPTIONS_VERSION 1

/** Options for billtap_iter_new(). Grows only by appending; fields below are version 1. */
typedef struct billtap_iter_options {
	unsigned int version; /**< BILLTAP_ITER_OPTIONS_VERSION */
	/**
	 * Only records created at or after this Unix time, or BILLTAP_TIME_NONE. Providers that
	 * cannot filter a resource by time fail with BILLTAP_EUNSUPPORTED rather than ignore it.
	 */
	int64_t since;
	/**
	 * A token from billtap_iter_checkpoint() of an earlier iterator over the same provider
	 * and resource, or NULL to start from the beginning. The new iterator returns exactly
	 * the records after the last one the earlier iterator returned. The token carries the
	 * earlier `since`; passing a different one here is BILLTAP_ECHECKPOINT.
	 */
	const char *checkpoint;
} billtap_iter_options;

#define BILLTAP_ITER_OPTIONS_INIT { BILLTAP_ITER_OPTIONS_VERSION, BILLTAP_TIME_NONE, NULL }

/** Initialises opts for `version` (for callers that cannot use the macro). 0 or EVERSION. */
BILLTAP_EXTERN(int) billtap_iter_options_init(billtap_iter_options *opts, unsigned int version);

/**
 * Creates an iterator over one resource. No request is made until billtap_iter_next().
 * opts may be NULL. Returns 0, BILLTAP_EINVAL, BILLTAP_EUNSUPPORTED (resource or filter),
 * BILLTAP_ESETTING (a required setting such as the API key is missing),
 * BILLTAP_ECHECKPOINT, BILLTAP_EVERSION or BILLTAP_ENOMEM. The iterator keeps its client
 * alive (see billtap_client_free).
 */
BILLTAP_EXTERN(int) billtap_iter_new(billtap_iter **out, billtap_client *client,
                                     billtap_resource resource,
                                     const billtap_iter_options *opts);

/**
 * Returns the next record in *out: 0 with a record, BILLTAP_ITEROVER when there are no more
 * (*out = NULL), or a negative code (*out = NULL) with details in the client's error.
 * Pages, retries and rate limits are handled inside. The record is borrowed: see
 * billtap_record. After an error the iterator stays at the last returned record: its
 * checkpoint is still valid, and calling _next again retries (except after BILLTAP_EDATA
 * and BILLTAP_EPARSE, which repeat, since the same response would be fetched again).
 */
BILLTAP_EXTERN(int) billtap_iter_next(const billtap_record **out, billtap_iter *iter);

/**
 * A checkpoint token for the position after the last record returned (or the start): a
 * printable ASCII string the host may persist and pass to a new iterator, in this or
 * another process, as billtap_iter_options.checkpoint. Valid until the next call on the
 * iterator. Returns 0 or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_iter_checkpoint(const char **out, billtap_iter *iter);

/**
 * Asks a running billtap_iter_next() to stop. Safe to call from any thread (or a signal
 * handler) while another thread is inside billtap_iter_next(): the transfer is aborted and
 * that call returns BILLTAP_ECANCELED; so does every later call. The checkpoint stays valid.
 */
BILLTAP_EXTERN(void) billtap_iter_cancel(billtap_iter *iter);

/** Counts of work done so far: requests sent, retries made, records returned. */
BILLTAP_EXTERN(int) billtap_iter_stats(uint64_t *requests, uint64_t *retries,
                                       uint64_t *records, const billtap_iter *iter);

/** Frees the iterator and the record it last returned. NULL is a no-op. */
BILLTAP_EXTERN(void) billtap_iter_free(billtap_iter *iter);

#ifdef __cplusplus
}
#endif

#endif /* BILLTAP_H */
