/*
 * billtap — extract billing data from billing services as exact, normalized records.
 *
 * This is the host's header. Provider authors also include <billtap/provider.h> and
 * <billtap/provider_kit.h>.
 *
 * Conventions (libgit2/SQLite style):
 *  - Functions return an int status: 0 on success, a negative BILLTAP_E* code on failure.
 *    Iteration returns BILLTAP_ITEROVER (positive) when there is nothing more.
 *  - Out-parameters come first; every handle type has exactly one _free function.
 *  - Borrowed pointers (const char *, const billtap_record *) carry their lifetime in the
 *    comment of the function that returns them.
 *  - Versioned structs start with `unsigned int version`; initialise them with the
 *    BILLTAP_*_INIT macro or the matching *_init() function (for FFI callers).
 *  - No varargs anywhere (cgo cannot call them).
 *  - Threads: a client and the iterators made from it form one unit, used from one thread
 *    at a time (they share connections, the session and the error state); distinct
 *    clients are independent. billtap_iter_cancel() is the one call allowed from another
 *    thread. A record (a copy too) is read by one thread at a time (see billtap_record).
 *  - fork(): a client or iterator used in a child process never shares a connection or a
 *    provider session with its parent: the child opens its own connections, iterators
 *    created in the child get a session made there, and an iterator carried over from the
 *    parent gets one (and a new provider stream, resumed where the host stands) before its
 *    next request (see docs/bindings.md).
 *  - Errors are recorded per client handle (never per thread), see billtap_client_error_*.
 *    Every call on a client or its iterators that can fail clears the previous error first.
 */
#ifndef BILLTAP_H
#define BILLTAP_H

#include <stddef.h>
#include <stdint.h>

#include <billtap/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(BILLTAP_BUILDING_LIBRARY) && defined(__GNUC__)
#define BILLTAP_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define BILLTAP_EXTERN(type) extern type
#endif

/* ------------------------------------------------------------------------------------------
 * Version (the macros BILLTAP_VERSION_* are in <billtap/version.h>, generated from the
 * build's project version)
 * ---------------------------------------------------------------------------------------- */

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
	BILLTAP_EUSAGE = -22,           /**< call out of sequence (e.g. next after a fatal error) */
	BILLTAP_EPLUGIN = -23,          /**< a plugin cannot be loaded (file, entry point, version) */
	/** TLS verification failed (certificate, host name, CA file): never retried (since 0.2) */
	BILLTAP_ETLS = -24
} billtap_status;

/**
 * A short, static English description of a status code ("invalid argument").
 * Never NULL, also for codes this version does not know.
 */
BILLTAP_EXTERN(const char *) billtap_strerror(int code);

/* ------------------------------------------------------------------------------------------
 * Library initialisation and the provider registry
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
 * Writes at most cap names to out (NULL when cap is 0); returns how many providers there
 * are. A name stays valid while its provider is registered (built-ins: always).
 */
BILLTAP_EXTERN(size_t) billtap_provider_names(const char **out, size_t cap);

/**
 * Loads a provider plugin: a shared object exporting `billtap_plugin_init` (see
 * <billtap/provider.h>), and registers the provider it returns. `path` names a file: one
 * without a '/' is taken in the current directory, never searched for on the library path.
 * On success *name (may be NULL) receives the registered name, valid while the provider
 * is registered. On failure, when error is not NULL, a message naming the file and what
 * went wrong (missing entry point, version mismatch, name taken, ...) is written to
 * error[0..error_size).
 * Returns 0, BILLTAP_EPLUGIN (cannot open, no entry point, the entry point failed, the
 * provider is invalid or its name taken), BILLTAP_EVERSION (the plugin needs a newer
 * library, or its vtable is newer than this library knows), BILLTAP_EINVAL (NULL path) or
 * BILLTAP_ENOMEM. A plugin stays loaded until its provider is unregistered and unused.
 */
BILLTAP_EXTERN(int) billtap_provider_load(const char **name, const char *path, char *error,
                                          size_t error_size);

/**
 * Removes a provider from the registry: new clients can no longer be made for it. Clients
 * already made keep working; the provider's payload is destroyed, and a plugin's shared
 * object unloaded, when the last of them is freed. Built-in providers may be unregistered
 * too (to register a replacement under the same name).
 * Returns 0, BILLTAP_EINVAL or BILLTAP_EUNKNOWN_PROVIDER.
 */
BILLTAP_EXTERN(int) billtap_provider_unregister(const char *name);

/* ------------------------------------------------------------------------------------------
 * Resources, records and fields. docs/data-model.md is the prose version of these tables,
 * and every value below can also be discovered at run time (for bindings and tools).
 * ---------------------------------------------------------------------------------------- */

/** What a provider can be iterated over. Values are stable; new ones are appended. */
typedef enum billtap_resource {
	BILLTAP_RESOURCE_CUSTOMERS = 1,
	BILLTAP_RESOURCE_PLANS = 2,
	BILLTAP_RESOURCE_SUBSCRIPTIONS = 3,
	BILLTAP_RESOURCE_TRANSACTIONS = 4,
	BILLTAP_RESOURCE_INVOICES = 5
} billtap_resource;

/** The bit of a resource in a 64-bit resource mask (billtap_provider_describe()). */
#define BILLTAP_RESOURCE_BIT(r) (UINT64_C(1) << (unsigned)(r))

/** "customers", "plans", ...; NULL for an unknown value (so a loop from 1 finds them all). */
BILLTAP_EXTERN(const char *) billtap_resource_name(billtap_resource resource);

/** Parses "customers" (etc.) into *out. Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_resource_from_name(billtap_resource *out, const char *name);

/** What a record is. Subscription items and invoice lines are records nested in another. */
typedef enum billtap_record_kind {
	BILLTAP_RECORD_CUSTOMER = 1,
	BILLTAP_RECORD_PLAN = 2,
	BILLTAP_RECORD_SUBSCRIPTION = 3,
	BILLTAP_RECORD_TRANSACTION = 4,
	BILLTAP_RECORD_SUBSCRIPTION_ITEM = 5,
	BILLTAP_RECORD_INVOICE = 6,
	BILLTAP_RECORD_INVOICE_LINE = 7
} billtap_record_kind;

/** The kind of record an iterator over `resource` returns, or 0 for an unknown resource. */
BILLTAP_EXTERN(billtap_record_kind) billtap_resource_kind(billtap_resource resource);

/** "customer", "subscription_item", ...; NULL for an unknown kind (a loop from 1 finds all). */
BILLTAP_EXTERN(const char *) billtap_record_kind_name(billtap_record_kind kind);

/** Parses "customer" (etc.) into *out. Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_record_kind_from_name(billtap_record_kind *out, const char *name);

/**
 * The kind of the records nested in a `kind` record (subscription: subscription_item,
 * invoice: invoice_line), or 0 when it has none. *member (may be NULL) receives the JSON
 * member that lists them ("items", "lines"; static), or NULL.
 */
BILLTAP_EXTERN(billtap_record_kind) billtap_record_kind_nested(const char **member,
                                                               billtap_record_kind kind);

/**
 * Normalized fields. Values are stable and never reused; new ones are appended.
 * docs/data-model.md gives each field's type, the records it belongs to and its
 * vocabulary; the same is available at run time from billtap_record_kind_fields(),
 * billtap_field_type_of(), billtap_field_nullable() and billtap_field_vocabulary().
 * Money is always three fields: an int64 amount in minor units, BILLTAP_FIELD_CURRENCY
 * (upper-case ISO 4217) and BILLTAP_FIELD_CURRENCY_EXPONENT (the number of decimal places
 * the provider uses for that currency); every amount of a record is in its one currency.
 */
typedef enum billtap_field {
	BILLTAP_FIELD_ID = 1,                    /* string: all records (nested: string|null) */
	BILLTAP_FIELD_CREATED_AT = 2,            /* time */
	BILLTAP_FIELD_EMAIL = 3,                 /* string|null: customer */
	BILLTAP_FIELD_NAME = 4,                  /* string|null: customer, plan */
	BILLTAP_FIELD_COUNTRY = 5,               /* string|null: customer (ISO 3166-1 alpha-2) */
	BILLTAP_FIELD_DELETED = 6,               /* bool: customer */
	BILLTAP_FIELD_PRODUCT_ID = 7,            /* string|null: plan */
	BILLTAP_FIELD_AMOUNT = 8,                /* money: plan, item, transaction, invoice line */
	BILLTAP_FIELD_CURRENCY = 9,              /* string */
	BILLTAP_FIELD_CURRENCY_EXPONENT = 10,    /* int */
	BILLTAP_FIELD_INTERVAL_UNIT = 11,        /* string|null: plan (day, week, month, year) */
	BILLTAP_FIELD_INTERVAL_COUNT = 12,       /* int|null: plan */
	BILLTAP_FIELD_TRIAL_DAYS = 13,           /* int|null: plan */
	BILLTAP_FIELD_ACTIVE = 14,               /* bool: plan */
	BILLTAP_FIELD_CUSTOMER_ID = 15,          /* string|null: subscription, transaction, invoice */
	BILLTAP_FIELD_STATUS = 16,               /* string: subscription, invoice (normalized) */
	BILLTAP_FIELD_PROVIDER_STATUS = 17,      /* string|null: the provider's own status */
	BILLTAP_FIELD_STARTED_AT = 18,           /* time|null: subscription */
	BILLTAP_FIELD_CURRENT_PERIOD_START = 19, /* time|null: subscription, item (0.2) */
	BILLTAP_FIELD_CURRENT_PERIOD_END = 20,   /* time|null: subscription, item (0.2) */
	BILLTAP_FIELD_TRIAL_END = 21,            /* time|null: subscription */
	BILLTAP_FIELD_CANCELED_AT = 22,          /* time|null: subscription */
	BILLTAP_FIELD_CANCEL_AT_PERIOD_END = 23, /* bool: subscription */
	BILLTAP_FIELD_PLAN_ID = 24,              /* string|null: subscription item, invoice line */
	BILLTAP_FIELD_QUANTITY = 25,             /* int|null: subscription item, invoice line */
	BILLTAP_FIELD_SUBSCRIPTION_ID = 26,      /* string|null: transaction, invoice */
	BILLTAP_FIELD_INVOICE_ID = 27,           /* string|null: transaction */
	BILLTAP_FIELD_KIND = 28,                 /* string: transaction, invoice line (vocabulary) */
	BILLTAP_FIELD_RESULT = 29,               /* string: transaction (succeeded, ..., other) */
	BILLTAP_FIELD_REFUNDED_AMOUNT = 30,      /* money|null: transaction */
	BILLTAP_FIELD_PARENT_ID = 31,            /* string|null: transaction (refund -> payment) */
	BILLTAP_FIELD_OCCURRED_AT = 32,          /* time: transaction */
	BILLTAP_FIELD_NUMBER = 33,               /* string|null: invoice (its printed number) */
	BILLTAP_FIELD_SUBTOTAL = 34,             /* money: invoice, lines after their own discounts */
	BILLTAP_FIELD_DISCOUNT = 35,             /* money: invoice, invoice-level discounts */
	BILLTAP_FIELD_TAX = 36,                  /* money: invoice, all taxes */
	BILLTAP_FIELD_TOTAL = 37,                /* money: invoice */
	BILLTAP_FIELD_AMOUNT_PAID = 38,          /* money|null: invoice */
	BILLTAP_FIELD_AMOUNT_DUE = 39,           /* money|null: invoice */
	BILLTAP_FIELD_ISSUED_AT = 40,            /* time|null: invoice (finalized) */
	BILLTAP_FIELD_DUE_AT = 41,               /* time|null: invoice */
	BILLTAP_FIELD_PAID_AT = 42,              /* time|null: invoice */
	BILLTAP_FIELD_VOIDED_AT = 43,            /* time|null: invoice */
	BILLTAP_FIELD_PERIOD_START = 44,         /* time|null: invoice, invoice line */
	BILLTAP_FIELD_PERIOD_END = 45,           /* time|null: invoice, invoice line */
	BILLTAP_FIELD_PRORATION = 46,            /* bool: invoice line */
	BILLTAP_FIELD_DESCRIPTION = 47,          /* string|null: invoice line */
	/* since 0.2 */
	BILLTAP_FIELD_CAPTURED_AMOUNT = 48,      /* money|null: transaction (payments) */
	BILLTAP_FIELD_FEE_AMOUNT = 49,           /* money|null: transaction */
	BILLTAP_FIELD_NET_AMOUNT = 50,           /* money|null: transaction */
	BILLTAP_FIELD_CANCEL_AT = 51,            /* time|null: subscription (scheduled end) */
	BILLTAP_FIELD_ENDED_AT = 52,             /* time|null: subscription */
	BILLTAP_FIELD_TRIAL_START = 53,          /* time|null: subscription */
	BILLTAP_FIELD_PAUSED = 54,               /* bool|null: subscription (collection paused) */
	BILLTAP_FIELD_PAUSE_BEHAVIOR = 55,       /* string|null: subscription (vocabulary) */
	BILLTAP_FIELD_RESUMES_AT = 56,           /* time|null: subscription */
	BILLTAP_FIELD_DISCOUNTS = 57,            /* string|null: subscription (JSON array text) */
	BILLTAP_FIELD_USAGE_TYPE = 58,           /* string|null: plan, item (licensed, metered) */
	BILLTAP_FIELD_AMOUNT_DECIMAL = 59,       /* string|null: plan, item (exact minor units) */
	BILLTAP_FIELD_TIERS_MODE = 60,           /* string|null: plan (graduated, volume) */
	BILLTAP_FIELD_TIERS = 61,                /* string|null: plan (JSON array text) */
	BILLTAP_FIELD_CUSTOM_AMOUNT = 62,        /* bool|null: plan (customer chooses the amount) */
	BILLTAP_FIELD_CUSTOM_AMOUNT_MINIMUM = 63, /* money|null: plan */
	BILLTAP_FIELD_CUSTOM_AMOUNT_MAXIMUM = 64, /* money|null: plan */
	BILLTAP_FIELD_CUSTOM_AMOUNT_PRESET = 65, /* money|null: plan */
	BILLTAP_FIELD_SETUP_FEE = 66,            /* money|null: plan */
	BILLTAP_FIELD_TOTAL_CYCLES = 67,         /* int|null: plan (regular cycles; null: no end) */
	BILLTAP_FIELD_TRIAL_AMOUNT = 68,         /* money|null: plan (price of a paid trial cycle) */
	BILLTAP_FIELD_TRIAL_CYCLES = 69,         /* int|null: plan (paid trial cycles) */
	BILLTAP_FIELD_PRODUCT_NAME = 70          /* string|null: plan */
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

/** The JSON member name of a field ("created_at"); NULL for an unknown field (so a loop
 *  from 1 finds them all). Static storage. */
BILLTAP_EXTERN(const char *) billtap_field_name(billtap_field field);

/** Parses a JSON member name ("created_at") into *out. Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_field_from_name(billtap_field *out, const char *name);

/** The type of a field (a billtap_field_type), or 0 for an unknown field. */
BILLTAP_EXTERN(int) billtap_field_type_of(billtap_field field);

/**
 * The fields a record kind has, in the order the normalized JSON lists them.
 * Writes at most `cap` fields to `out` (which may be NULL when cap is 0) and returns how many
 * the kind has, or BILLTAP_EINVAL for an unknown kind. Nested records are not fields: see
 * billtap_record_kind_nested().
 */
BILLTAP_EXTERN(int) billtap_record_kind_fields(billtap_field *out, size_t cap,
                                               billtap_record_kind kind);

/** 1 when `field` of a `kind` record may be null, 0 when never, BILLTAP_EINVAL when the
 *  kind has no such field. */
BILLTAP_EXTERN(int) billtap_field_nullable(billtap_record_kind kind, billtap_field field);

/**
 * The closed vocabulary of a string field in a kind ("status" of a subscription: trialing,
 * active, ...), in documentation order. Writes at most `cap` words (static storage) to out
 * (which may be NULL when cap is 0) and returns how many there are: 0 for free text,
 * BILLTAP_EINVAL when the kind has no such field. A later library version may add words:
 * treat an unknown one like "other".
 */
BILLTAP_EXTERN(int) billtap_field_vocabulary(const char **out, size_t cap,
                                             billtap_record_kind kind, billtap_field field);

/**
 * A normalized record. Opaque: read it with the accessors below.
 *
 * Lifetime: a record returned by billtap_iter_next() is borrowed. It, and every pointer read
 * from it, stays valid until the next billtap_iter_next() or billtap_iter_free() on the
 * same iterator. Use billtap_record_dup() to keep one longer.
 *
 * Threads: a record, a copy from billtap_record_dup() included, is read by one thread at a
 * time, although every accessor takes it const: billtap_record_json() builds the JSON on
 * first use and stores it in the record. Distinct records (a copy and its original too)
 * share nothing and may be read from different threads at once; a host that reads one
 * record from several threads at once serialises those reads itself.
 */
typedef struct billtap_record billtap_record;

/** The kind of a record (0 for NULL). */
BILLTAP_EXTERN(billtap_record_kind) billtap_record_kind_of(const billtap_record *rec);

/**
 * The record's id, valid as long as the record. Never NULL for a record an iterator
 * returns; a nested record (subscription item, invoice line) may have none when the
 * provider gives its items no id: its identity is then its parent's id and its position
 * in the parent's list (docs/data-model.md).
 */
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

/** Number of nested records (subscription items, invoice lines); 0 for other kinds. */
BILLTAP_EXTERN(size_t) billtap_record_item_count(const billtap_record *rec);

/** The index-th nested record, or NULL when out of range. Valid as long as the parent. */
BILLTAP_EXTERN(const billtap_record *) billtap_record_item(const billtap_record *rec,
                                                           size_t index);

/**
 * The record as normalized JSON (one line, no trailing newline), as documented in
 * docs/data-model.md. Built on first use and kept in the record (so not to be called from
 * two threads at once on the same record: see billtap_record); valid as long as the record.
 * NULL only when out of memory (a later call tries again). If len is not NULL it receives
 * the length.
 */
BILLTAP_EXTERN(const char *) billtap_record_json(const billtap_record *rec, size_t *len);

/**
 * The provider's own JSON object this record was made from (not NUL-terminated; *len gets
 * the length), valid as long as the record. NULL with *len = 0 when the provider gave none.
 * For records built from several objects (e.g. a subscription whose items needed a second
 * request) this is the main object as the provider sent it.
 */
BILLTAP_EXTERN(const char *) billtap_record_raw_json(const billtap_record *rec, size_t *len);

/** Where a field's value came from (billtap_record_field_source()). Values are stable. */
typedef enum billtap_source {
	/** Read from the provider member(s) named: copied, or converted exactly (a decimal to
	 *  minor units, a date to Unix seconds, a currency code to upper case); null when the
	 *  member is null or absent. */
	BILLTAP_SOURCE_MEMBER = 1,
	/** Looked up from the member(s) named through the provider's table: a status word
	 *  through its vocabulary, a currency exponent through its currency rules. */
	BILLTAP_SOURCE_DERIVED = 2,
	/** Set by the provider's own code; the members it used when it names them. */
	BILLTAP_SOURCE_COMPUTED = 3,
	/** Set by no one: the model's default (null). */
	BILLTAP_SOURCE_DEFAULT = 4
} billtap_source;

/**
 * Where `field` of a record came from (since 0.2), for records made while the setting
 * trace_sources was true (off by default: tracing costs memory per record). *how (may be
 * NULL) receives a billtap_source; *members (may be NULL) the provider members involved, as
 * dotted paths relative to billtap_record_raw_json() separated by spaces ("amount",
 * "status"), or NULL when the provider did not name them; valid as long as the record.
 * Returns 0, BILLTAP_ENOTFOUND when the record was not traced (the setting was off, or
 * the provider built it without the kit and never called billtap_record_trace_start()),
 * BILLTAP_ETYPE when the kind has no such field, or BILLTAP_EINVAL.
 */
BILLTAP_EXTERN(int) billtap_record_field_source(int *how, const char **members,
                                                const billtap_record *rec, billtap_field field);

/**
 * 1 when the record is a tombstone: the provider deleted the record with this id and kind
 * since the sync token the iterator started from (billtap_iter_sync_token()). A tombstone
 * has its kind and id and every other field null; its JSON is
 * {"object":"customer","id":"cus_1","deleted":true}. 0 for other records and NULL. Since 0.2.
 */
BILLTAP_EXTERN(int) billtap_record_deleted(const billtap_record *rec);

/**
 * Copies a record (with its nested records, JSON and raw JSON) into *out, which the caller
 * owns and releases with billtap_record_free(). Returns 0, BILLTAP_EINVAL or BILLTAP_ENOMEM.
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
 * Settings: what a provider (and the engine) accepts, for hosts that list or check them
 * ---------------------------------------------------------------------------------------- */

/** Setting flags. A setting without INT, URL or BOOL is free text. */
#define BILLTAP_SETTING_SECRET 0x1u   /**< never shown in messages */
#define BILLTAP_SETTING_INT 0x2u      /**< a decimal integer within [min, max] */
#define BILLTAP_SETTING_URL 0x4u      /**< an absolute http(s) URL */
#define BILLTAP_SETTING_REQUIRED 0x8u /**< billtap_iter_new() fails with ESETTING while unset */
#define BILLTAP_SETTING_BOOL 0x10u    /**< "true"/"false"/"1"/"0" */
#define BILLTAP_SETTING_ENGINE 0x20u  /**< read by the engine, the same for every provider */
/** Names the account the settings reach: checkpoints carry a one-way fingerprint of every
 *  such setting and every URL setting, and refuse to resume under others (since 0.2). */
#define BILLTAP_SETTING_ACCOUNT 0x40u

/** How a provider finds what changed for incremental passes, per resource (since 0.2;
 *  docs/incremental.md). Values are stable. */
typedef enum billtap_sync_method {
	BILLTAP_SYNC_NONE = 0,    /**< no incremental passes: BILLTAP_ITER_INCREMENTAL refused */
	BILLTAP_SYNC_FEED = 1,    /**< the service's change feed (Stripe's events): deletions too */
	BILLTAP_SYNC_UPDATED = 2, /**< records re-read by an updated-at time or filter; the
	                              provider's page says which deletions it can see */
	BILLTAP_SYNC_REREAD = 3   /**< every record re-read each pass (documented); no deletions */
} billtap_sync_method;

/**
 * How a registered provider syncs `resource` incrementally, in *out. Returns 0,
 * BILLTAP_EINVAL (NULL argument, or a resource the provider does not list) or
 * BILLTAP_EUNKNOWN_PROVIDER. Since 0.2.
 */
BILLTAP_EXTERN(int) billtap_provider_sync_method(billtap_sync_method *out, const char *provider,
                                                 billtap_resource resource);

/**
 * Describes a registered provider: its display name ("Stripe"), the resources it can list
 * and those that honour `since` (masks of BILLTAP_RESOURCE_BIT()). Any out-parameter may be
 * NULL. Strings stay valid while the provider is registered.
 * Returns 0, BILLTAP_EINVAL or BILLTAP_EUNKNOWN_PROVIDER.
 */
BILLTAP_EXTERN(int) billtap_provider_describe(const char **display_name, uint64_t *resources,
                                              uint64_t *since_resources, const char *provider);

/**
 * The index-th setting of a provider: its own settings first, then the engine's (flagged
 * BILLTAP_SETTING_ENGINE). Any out-parameter may be NULL; default_value and description
 * may come back NULL. Strings stay valid while the provider is registered.
 * Returns 0, BILLTAP_ITEROVER past the last one, BILLTAP_EINVAL or
 * BILLTAP_EUNKNOWN_PROVIDER. (So `for (i = 0; billtap_provider_setting(...) == 0; i++)`.)
 */
BILLTAP_EXTERN(int) billtap_provider_setting(const char **name, unsigned int *flags,
                                             const char **default_value, int64_t *min,
                                             int64_t *max, const char **description,
                                             const char *provider, size_t index);

/* ------------------------------------------------------------------------------------------
 * Transport: how requests reach the network. The default is libcurl (itself a transport
 * behind this interface); a host may plug its own, and tests use one to replay recorded
 * responses. Requests and responses are opaque; their accessors are in
 * <billtap/provider.h>.
 * ---------------------------------------------------------------------------------------- */

typedef struct billtap_request billtap_request;
typedef struct billtap_response billtap_response;

#define BILLTAP_TRANSFER_OPTIONS_VERSION 1

/** How the engine wants one transfer done. Read-only for transports; grows by appending
 *  (fields below are version 1). Valid until the transfer ends. */
typedef struct billtap_transfer_options {
	unsigned int version;     /**< BILLTAP_TRANSFER_OPTIONS_VERSION */
	long timeout_ms;          /**< the whole transfer, setting timeout_ms */
	long connect_timeout_ms;  /**< connecting, setting connect_timeout_ms */
	const char *user_agent;   /**< the User-Agent header value to send */
	const char *ca_file;      /**< CA bundle for TLS, or NULL for the system's */
	const char *ca_path;      /**< CA directory for TLS, or NULL */
	const void *engine;       /**< the engine's; read through billtap_transfer_canceled() */
} billtap_transfer_options;

/** 1 when the iterator behind this transfer was canceled (billtap_iter_cancel()): a
 *  blocking transport polls this (every 100 ms or so) and returns BILLTAP_ECANCELED.
 *  0 for NULL opts. */
BILLTAP_EXTERN(int) billtap_transfer_canceled(const billtap_transfer_options *opts);

#define BILLTAP_TRANSPORT_VERSION 1

/** A host-supplied transport. Grows only by appending; slots below are version 1. */
typedef struct billtap_transport {
	unsigned int version; /**< BILLTAP_TRANSPORT_VERSION */
	/**
	 * Performs one request and fills `resp` (status, headers, body) with the
	 * billtap_response_* setters. Blocking; honours opts (timeouts, cancellation, user
	 * agent, CA). Returns 0 when a response (of any HTTP status) was received, or a
	 * negative code: BILLTAP_ENETWORK, BILLTAP_ETIMEOUT (both retried), BILLTAP_ETLS (a
	 * certificate or host name that fails verification: final), BILLTAP_ECANCELED,
	 * BILLTAP_ENOMEM.
	 * It may describe the failure with billtap_response_set_error(). Called from the
	 * thread that drives the iterator. Required.
	 */
	int (*perform)(billtap_response *resp, const billtap_request *req,
	               const billtap_transfer_options *opts, void *payload);
	/** Called once when the client is freed; may be NULL. */
	void (*free)(void *payload);
	/**
	 * Optional, all three or none: several transfers at once, so the engine can keep
	 * several requests of an iterator in flight (providers flagged
	 * BILLTAP_PROVIDER_CONCURRENT). Without them transfers go one at a time through
	 * perform. req, resp and opts stay valid until the transfer finishes or is aborted.
	 *  start: begins a transfer; *transfer (any non-NULL value) names it. 0 or a negative
	 *         code as perform's.
	 *  wait:  waits at most timeout_ms for one started transfer to finish: *done names it
	 *         and *result is what perform would have returned; *done is NULL when none
	 *         finished in time. Returns 0, or a negative code when waiting itself failed.
	 *  abort: abandons a started transfer that has not been reported done.
	 */
	int (*start)(void **transfer, billtap_response *resp, const billtap_request *req,
	             const billtap_transfer_options *opts, void *payload);
	int (*wait)(void **done, int *result, long timeout_ms, void *payload);
	void (*abort)(void *transfer, void *payload);
} billtap_transport;

/** Every slot NULL, the version set: `billtap_transport t = BILLTAP_TRANSPORT_INIT;` then
 *  set the slots. (FFI callers without macros zero the struct and set version.) */
#define BILLTAP_TRANSPORT_INIT { BILLTAP_TRANSPORT_VERSION, NULL, NULL, NULL, NULL, NULL }

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
	/** When billtap_client_new() fails, a message saying why is written here (like curl's
	 *  CURLOPT_ERRORBUFFER), NUL-terminated and cut to error_size; may be NULL. */
	char *error;
	size_t error_size;
	/** The clock providers read (Unix seconds), e.g. a fixed one in tests; NULL for the
	 *  system's. Called from the thread that drives the client. */
	int64_t (*clock)(void *clock_payload);
	void *clock_payload;
} billtap_client_options;

#define BILLTAP_CLIENT_OPTIONS_INIT { BILLTAP_CLIENT_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, NULL }

/** Initialises opts for `version` (for callers that cannot use the macro). 0 or EVERSION. */
BILLTAP_EXTERN(int) billtap_client_options_init(billtap_client_options *opts,
                                                unsigned int version);

/**
 * Creates a client for the provider registered as `provider` ("stripe", "paypal", ...).
 * opts may be NULL for the defaults. Settings are then given with billtap_client_set().
 * Returns 0, BILLTAP_EUNKNOWN_PROVIDER, BILLTAP_EVERSION, BILLTAP_EINVAL or BILLTAP_ENOMEM;
 * on failure *out is NULL and, when opts->error is set, a message says why.
 */
BILLTAP_EXTERN(int) billtap_client_new(billtap_client **out, const char *provider,
                                       const billtap_client_options *opts);

/**
 * Sets one setting from its text form. Keys the engine knows for every provider:
 *   timeout_ms (default 300000, the deadline of one request), stall_timeout_ms (30000,
 *   no byte for that long: retried), connect_timeout_ms (10000), max_retries (4),
 *   retry_base_ms, retry_max_ms, max_in_flight (8), max_empty_pages (3), user_agent
 *   (appended to "billtap/VERSION"), ca_file, ca_path, trace_sources (false; see
 *   billtap_record_field_source()) (docs/reliability.md has the others);
 * plus the provider's own (billtap_provider_setting(), docs/providers/NAME.md), e.g.
 * Stripe's api_key, base_url, page_size, stripe_version, stripe_account. A NULL value
 * restores the default.
 * Settings are read when an iterator is created: each iterator keeps a copy of every
 * value, which the engine and the provider read for as long as it runs. A change applies
 * to iterators created afterwards, which also get a new provider session (so a cached
 * token never meets other credentials or another host); running iterators keep what they
 * started with.
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
 * (Since 0.2.) Closes the connections the client keeps open between requests and frees the
 * transfer handles it keeps for reuse, so that an idle client holds no socket and little
 * memory; the next request opens a new connection. For hosts whose clients may stay
 * allocated long after their last use, such as garbage-collected bindings. Only the
 * built-in transport keeps connections: with a host transport this does nothing.
 * Returns 0 (also when nothing was open), BILLTAP_EUSAGE while an iterator of the client
 * is alive (free it first; the message says so), or BILLTAP_EINVAL for NULL.
 */
BILLTAP_EXTERN(int) billtap_client_close_idle(billtap_client *client);

/**
 * The last error recorded on this client (by any call on it or on its iterators):
 * a message naming the provider, the resource, the HTTP status and the provider's request
 * id where there is one, e.g.
 *   "stripe: customers: GET /v1/customers: HTTP 401 (request req_8Xw...):
 *    invalid_request_error: Invalid API Key provided: sk_test_****abcd"
 * Valid until the next call on the client or its iterators. "" when there was none, and
 * for a NULL client (billtap_client_new() failed: its message went to opts->error).
 */
BILLTAP_EXTERN(const char *) billtap_client_error_message(const billtap_client *client);

/** The status code of the last error (0 when none, and for a NULL client). */
BILLTAP_EXTERN(int) billtap_client_error_code(const billtap_client *client);

/** The HTTP status of the response behind the last error, or 0 (also for a NULL client). */
BILLTAP_EXTERN(int) billtap_client_error_http_status(const billtap_client *client);

/** The provider's request id behind the last error, or NULL. Same lifetime as the message. */
BILLTAP_EXTERN(const char *) billtap_client_error_request_id(const billtap_client *client);

/** The provider's own error code ("resource_missing"), or NULL. Same lifetime. */
BILLTAP_EXTERN(const char *) billtap_client_error_provider_code(const billtap_client *client);

/* ------------------------------------------------------------------------------------------
 * Iterators
 * ---------------------------------------------------------------------------------------- */

typedef struct billtap_iter billtap_iter;

#define BILLTAP_ITER_OPTIONS_VERSION 2

/** billtap_iter_options.flags: end the pass with a sync token (see billtap_iter_sync_token()).
 *  Since 0.2. */
#define BILLTAP_ITER_INCREMENTAL 0x1u

/** Options for billtap_iter_new(). Grows only by appending; fields below are version 1
 *  unless marked. */
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
	 * A checkpoint finishes an interrupted pass. Whether the resumed pass sees records
	 * created since the first one started depends on the provider's order
	 * (docs/providers/NAME.md, "Checkpoints"). To read what changed later, use an
	 * incremental pass: a sync token (billtap_iter_sync_token()) goes here too, and the
	 * iterator then returns what changed since the pass that made it (docs/incremental.md).
	 * The token says which it is; a checkpoint of an incremental pass resumes that pass.
	 */
	const char *checkpoint;
	/**
	 * Version 2 (since 0.2): BILLTAP_ITER_* flags. With BILLTAP_ITER_INCREMENTAL a pass
	 * that ends (BILLTAP_ITEROVER) yields a sync token; the flag is implied when
	 * `checkpoint` is a sync token or a checkpoint of an incremental pass. For a resource
	 * the provider cannot sync (billtap_provider_sync_method() says
	 * BILLTAP_SYNC_NONE), billtap_iter_new() fails with BILLTAP_EUNSUPPORTED.
	 */
	unsigned int flags;
} billtap_iter_options;

#define BILLTAP_ITER_OPTIONS_INIT { BILLTAP_ITER_OPTIONS_VERSION, BILLTAP_TIME_NONE, NULL, 0u }

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
 * How many records the next calls of billtap_iter_next() return from what the iterator
 * already holds: each of those calls returns at once, without sending a request or waiting
 * on the network (it may still return an error instead of the record, such as
 * BILLTAP_EDATA for a record the pass already returned, or BILLTAP_ECANCELED). A binding
 * whose interpreter has a global lock can make those calls without releasing it, and
 * release it only for the call after them, which may wait. 0 when the next call may wait,
 * after an error that repeats, after billtap_iter_cancel(), and for NULL. Reads the
 * iterator without changing it, under the same threading rule as billtap_iter_next().
 * Since 0.2.
 */
BILLTAP_EXTERN(size_t) billtap_iter_queued(billtap_iter *iter);

/**
 * A checkpoint token for the position after the last record returned (or the start): a
 * printable ASCII string the host may persist and pass to a new iterator, in this or
 * another process, as billtap_iter_options.checkpoint. Valid until the next call on the
 * iterator. Returns 0 or BILLTAP_ENOMEM. It resumes this pass only (see
 * billtap_iter_options.checkpoint): not a cursor for later, incremental runs. A success
 * leaves the client's last error as it was, so a host may save the checkpoint after a
 * failed billtap_iter_next() and still report that failure's details.
 */
BILLTAP_EXTERN(int) billtap_iter_checkpoint(const char **out, billtap_iter *iter);

/**
 * The checkpoint as it stood before the record billtap_iter_next() returned last: a new
 * iterator resumed from it returns that record first. For a host that may lose the record
 * between the call and its use, and must then save a checkpoint that does not count it
 * (the Ruby gem, when an interrupt arrives while the record is copied out), without asking
 * for billtap_iter_checkpoint() before every call. Before any record was returned (or
 * after a fork renewed the iterator) it is billtap_iter_checkpoint()'s answer. Valid until
 * the next call on the iterator. Returns 0, BILLTAP_EINVAL (iter or out NULL) or
 * BILLTAP_ENOMEM. Since 0.2.
 */
BILLTAP_EXTERN(int) billtap_iter_checkpoint_before(const char **out, billtap_iter *iter);

/**
 * After billtap_iter_next() returned BILLTAP_ITEROVER on an incremental iterator
 * (BILLTAP_ITER_INCREMENTAL, or made from a sync token): the sync token, a printable ASCII
 * string to persist and pass as billtap_iter_options.checkpoint to a later iterator, which
 * then returns the current version of every record created or changed since this pass
 * started reading, and a tombstone (billtap_record_deleted()) for every record deleted,
 * and ends with a new sync token. Valid until the next call on the iterator.
 * A later run may see a record this pass already returned again (a change made while this
 * pass ran); applying records as upserts by id in the order returned gives the current
 * state. A token older than the provider's change history (Stripe keeps events 30 days)
 * is refused by that later iterator with BILLTAP_ECHECKPOINT, saying a full pass is
 * needed; never a silent gap. Since 0.2. Returns 0, BILLTAP_ENOTFOUND (the pass is not
 * over, or is not incremental), BILLTAP_EINVAL or BILLTAP_ENOMEM.
 */
BILLTAP_EXTERN(int) billtap_iter_sync_token(const char **out, billtap_iter *iter);

/**
 * Asks a running billtap_iter_next() to stop. Safe to call from any thread (or a signal
 * handler) while another thread is inside billtap_iter_next(): the transfers are aborted
 * and that call returns BILLTAP_ECANCELED; so does every later call. The checkpoint stays
 * valid. NULL is a no-op.
 */
BILLTAP_EXTERN(void) billtap_iter_cancel(billtap_iter *iter);

/** Counts of work done so far: requests sent, retries made, records returned. Any
 *  out-parameter may be NULL. 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_iter_stats(uint64_t *requests, uint64_t *retries,
                                       uint64_t *records, const billtap_iter *iter);

/** Frees the iterator and the record it last returned. NULL is a no-op. */
BILLTAP_EXTERN(void) billtap_iter_free(billtap_iter *iter);

#define BILLTAP_ITER_METRICS_VERSION 1

/**
 * What an iterator did so far (since 0.2). The caller sets `version`; the library fills
 * the members that version has and leaves later ones alone. Fields below are version 1.
 */
typedef struct billtap_iter_metrics {
	unsigned int version;     /**< BILLTAP_ITER_METRICS_VERSION, set by the caller */
	uint64_t requests;        /**< HTTP requests sent, retries included */
	uint64_t retries;         /**< requests that were retries */
	uint64_t pages;           /**< answers handed to the provider */
	uint64_t records;         /**< records returned */
	uint64_t skipped_records; /**< records refused and skipped (setting bad_records=skip) */
	uint64_t bytes;           /**< response bytes received */
	uint64_t rate_limited;    /**< answers that were HTTP 429 */
	uint64_t waits;           /**< times the iterator waited (backoff, Retry-After, pacing) */
	uint64_t wait_ms;         /**< milliseconds spent waiting */
} billtap_iter_metrics;

/** Fills *metrics (whose version the caller set). 0, BILLTAP_EINVAL or BILLTAP_EVERSION. */
BILLTAP_EXTERN(int) billtap_iter_metrics_get(billtap_iter_metrics *metrics,
                                             const billtap_iter *iter);

/* ------------------------------------------------------------------------------------------
 * Observability (since 0.2): a log callback with structured, redacted events
 * ---------------------------------------------------------------------------------------- */

typedef enum billtap_log_level {
	BILLTAP_LOG_DEBUG = 1, /**< every request */
	BILLTAP_LOG_INFO = 2,  /**< pages, checkpoints, sessions */
	BILLTAP_LOG_WARN = 3,  /**< retries, waits, skipped records */
	BILLTAP_LOG_ERROR = 4  /**< the error a call returns */
} billtap_log_level;

#define BILLTAP_LOG_EVENT_VERSION 1

/**
 * One log event. Built by the library and valid during the callback only; members a
 * version adds are appended (read `version` first). Every text is redacted: no secret
 * setting, token or Authorization value ever appears. Fields below are version 1.
 */
typedef struct billtap_log_event {
	unsigned int version;   /**< BILLTAP_LOG_EVENT_VERSION */
	int level;              /**< a billtap_log_level */
	const char *event;      /**< a stable name: "request", "response", "retry", "wait",
	                             "record_skipped", "checkpoint", "error", ... */
	const char *message;    /**< one line for people */
	const char *provider;   /**< "stripe" */
	const char *resource;   /**< "customers", or NULL outside an iterator */
	const char *method;     /**< the request's method, or NULL */
	const char *path;       /**< the request's path without its query, or NULL */
	int http_status;        /**< 0 when there is no answer */
	int attempt;            /**< 1 for a first try, 2 for the first retry, ...; 0: none */
	int64_t wait_ms;        /**< a wait about to start, or -1 */
	const char *request_id; /**< the provider's request id, or NULL */
	int code;               /**< a billtap status, 0 when none */
	const char *record_id;  /**< for record_skipped: the record's id, or NULL */
	const char *raw_json;   /**< for record_skipped: the provider's object (not
	                             NUL-terminated), or NULL */
	size_t raw_len;
} billtap_log_event;

/** Receives events at `min_level` and above; called from the thread driving the client. */
typedef void (*billtap_log_fn)(const billtap_log_event *event, void *payload);

/**
 * Sets (or with fn NULL removes) the client's log callback, which receives `payload` as it
 * is (NULL too). Iterators created afterwards use it. Returns 0 or BILLTAP_EINVAL.
 */
BILLTAP_EXTERN(int) billtap_client_set_log(billtap_client *client, billtap_log_fn fn,
                                           int min_level, void *payload);

/* ------------------------------------------------------------------------------------------
 * Rate limiting (since 0.2): a request budget shared by clients of one account
 * ---------------------------------------------------------------------------------------- */

/**
 * A token bucket: `per_second` requests a second on average, at most `burst` at once.
 * Thread-safe and reference-counted: clients that use it keep it alive. Every client also
 * has one of its own from its provider's documented default (or the rate_limit setting);
 * a shared one replaces that, so that several clients — threads, fibers — on one account
 * stay within its budget together. After an HTTP 429 the limiter slows down for a while.
 */
typedef struct billtap_limiter billtap_limiter;

/** A limiter for this process. Returns 0, BILLTAP_EINVAL (rates not > 0) or BILLTAP_ENOMEM. */
BILLTAP_EXTERN(int) billtap_limiter_new(billtap_limiter **out, double per_second,
                                        double burst);

/**
 * A limiter whose budget lives in the file at `path` (created when missing), shared by every
 * process on this machine that opens the same file with the same rates: the way to keep
 * many worker processes on one account within its limit. Returns 0, BILLTAP_EINVAL,
 * BILLTAP_ENOMEM, or BILLTAP_ESETTING when the file cannot be used (the message says why,
 * written to error when not NULL).
 */
BILLTAP_EXTERN(int) billtap_limiter_open(billtap_limiter **out, const char *path,
                                         double per_second, double burst, char *error,
                                         size_t error_size);

/** Drops the caller's reference. NULL is a no-op. */
BILLTAP_EXTERN(void) billtap_limiter_free(billtap_limiter *limiter);

/** Makes the client's iterators created afterwards draw from `limiter` (NULL: back to the
 *  client's own). Takes a reference. Returns 0 or BILLTAP_EINVAL. */
BILLTAP_EXTERN(int) billtap_client_set_limiter(billtap_client *client, billtap_limiter *limiter);

#ifdef __cplusplus
}
#endif

#endif /* BILLTAP_H */
