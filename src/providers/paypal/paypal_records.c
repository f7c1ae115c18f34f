/* PayPal objects -> normalized records (docs/data-model.md, "PayPal specifics"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

int pp_currency_exponent(const char *code)
{
	/* PayPal refuses decimals for these although ISO 4217 gives HUF and TWD two. */
	if (!strcmp(code, "HUF") || !strcmp(code, "JPY") || !strcmp(code, "TWD"))
		return 0;
	return billtap_currency_iso_exponent(code);
}

char *pp_strdup(const billtap_json *doc, billtap_json_ref ref, int *oom)
{
	const char *text;
	size_t len, n;
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, doc, ref) < 0 || len == 0)
		return NULL;
	char *s = malloc(len + 1);
	if (!s) {
		*oom = 1;
		return NULL;
	}
	billtap_json_str_decode(s, len + 1, &n, doc, ref);
	if (!n || memchr(s, '\0', n)) { /* empty after decoding, or an embedded NUL */
		free(s);
		return NULL;
	}
	return s;
}

int pp_time(int64_t *out, const billtap_json *doc, billtap_json_ref ref)
{
	const char *text;
	size_t len;
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return BILLTAP_ENOTFOUND;
	if (t != BILLTAP_JSON_STRING || !billtap_json_str_is_plain(doc, ref) ||
	    billtap_json_text(&text, &len, doc, ref) < 0 || billtap_time_parse_n(out, text, len) < 0)
		return BILLTAP_EDATA;
	return 0;
}

int pp_money(int64_t *minor, char currency[4], int *exponent, const billtap_json *doc,
             billtap_json_ref money)
{
	const char *text;
	size_t len;
	billtap_json_ref code = billtap_json_get(doc, money, "currency_code");
	billtap_json_ref value = billtap_json_get(doc, money, "value");
	if (billtap_json_typeof(doc, code) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, doc, code) < 0 ||
	    billtap_currency_normalize(currency, text, len) < 0)
		return BILLTAP_EDATA;
	*exponent = pp_currency_exponent(currency);
	if (*exponent < 0)
		return BILLTAP_EDATA;
	/* The value is a string ("10.00", "-78.00", "3"); its exact digits are the amount. */
	if (billtap_json_typeof(doc, value) != BILLTAP_JSON_STRING ||
	    !billtap_json_str_is_plain(doc, value) || billtap_json_text(&text, &len, doc, value) < 0)
		return BILLTAP_EDATA;
	return billtap_money_from_decimal(minor, text, len, *exponent);
}

/* ---- error context: "transaction 4J3…: transaction_amount is …" ---- */

typedef struct obj {
	billtap_ctx *ctx;
	const char *what;
	char id[96];
} obj;

static void obj_init(obj *o, billtap_ctx *ctx, const char *what, const billtap_json *doc,
                     billtap_json_ref id)
{
	size_t n;
	o->ctx = ctx;
	o->what = what;
	if (billtap_json_str_decode(o->id, sizeof o->id, &n, doc, id) < 0)
		snprintf(o->id, sizeof o->id, "(no id)");
}

static int bad(const obj *o, const char *field, const char *problem)
{
	char msg[400];
	snprintf(msg, sizeof msg, "%s %s: %s %s", o->what, o->id, field, problem);
	return billtap_ctx_error(o->ctx, BILLTAP_EDATA, msg);
}

static int oom(const obj *o)
{
	return billtap_ctx_error(o->ctx, BILLTAP_ENOMEM, NULL);
}

static int set_text(const obj *o, billtap_record *r, billtap_field f, const billtap_json *doc,
                    billtap_json_ref ref, const char *field)
{
	int rc = billtap_record_set_json_str(r, f, doc, ref);
	if (rc == BILLTAP_ENOMEM)
		return oom(o);
	return rc < 0 ? bad(o, field, "is not a string") : 0;
}

static int set_word(const obj *o, billtap_record *r, billtap_field f, const char *w)
{
	return billtap_record_set_str(r, f, w, strlen(w)) < 0 ? oom(o) : 0;
}

/* A time member into a field; `required` makes null an error. */
static int set_time(const obj *o, billtap_record *r, billtap_field f, const billtap_json *doc,
                    billtap_json_ref ref, const char *field, int required)
{
	int64_t t;
	int rc = pp_time(&t, doc, ref);
	if (rc == BILLTAP_ENOTFOUND)
		return required ? bad(o, field, "is missing") : 0;
	if (rc < 0)
		return bad(o, field, "is not a date-time");
	return billtap_record_set_int(r, f, t);
}

static int set_money(const obj *o, billtap_record *r, int64_t amount, const char *currency,
                     int exponent)
{
	if (billtap_record_set_int(r, BILLTAP_FIELD_AMOUNT, amount) < 0 ||
	    billtap_record_set_str(r, BILLTAP_FIELD_CURRENCY, currency, 3) < 0 ||
	    billtap_record_set_int(r, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent) < 0)
		return oom(o);
	return 0;
}

static int keep_raw(const obj *o, billtap_record *r, const billtap_json *doc,
                    billtap_json_ref ref)
{
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, ref);
	return billtap_record_set_raw_json(r, text, len) < 0 ? oom(o) : 0;
}

static int start(billtap_record **out, obj *o, billtap_record_kind kind, const billtap_json *doc,
                 billtap_json_ref whole, billtap_json_ref id)
{
	if (billtap_json_typeof(doc, id) != BILLTAP_JSON_STRING)
		return bad(o, "id", "is missing");
	if (billtap_record_new(out, kind) < 0)
		return oom(o);
	int rc = set_text(o, *out, BILLTAP_FIELD_ID, doc, id, "id");
	if (rc == 0)
		rc = keep_raw(o, *out, doc, whole);
	return rc;
}

static int done(billtap_record **out, int rc)
{
	if (rc < 0) {
		billtap_record_free(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- transactions ---- */

static const char *result_of(const billtap_json *doc, billtap_json_ref status)
{
	if (billtap_json_str_eq(doc, status, "S") || billtap_json_str_eq(doc, status, "V"))
		return "succeeded"; /* V: reversed later; the reversal is its own negative row */
	if (billtap_json_str_eq(doc, status, "D"))
		return "failed";
	return "pending"; /* P, and any status PayPal adds: kept raw in provider_status */
}

int pp_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref row,
                       billtap_ctx *ctx)
{
	billtap_json_ref info = billtap_json_get(doc, row, "transaction_info");
	billtap_json_ref payer = billtap_json_get(doc, row, "payer_info");
	obj o;
	obj_init(&o, ctx, "transaction", doc, billtap_json_get(doc, info, "transaction_id"));
	*out = NULL;
	int rc = start(out, &o, BILLTAP_RECORD_TRANSACTION, doc, row,
	               billtap_json_get(doc, info, "transaction_id"));
	if (rc < 0)
		return done(out, rc);
	billtap_record *r = *out;
	int64_t minor;
	char currency[4];
	int exponent;
	rc = pp_money(&minor, currency, &exponent, doc, billtap_json_get(doc, info, "transaction_amount"));
	if (rc < 0)
		return done(out, bad(&o, "transaction_amount",
		                     "is not an amount PayPal's currency rules allow (code, decimals)"));
	if (minor == INT64_MIN) /* its absolute value does not fit */
		return done(out, bad(&o, "transaction_amount", "is outside the 64-bit range"));
	int refund = minor < 0;
	billtap_json_ref ref_id = billtap_json_get(doc, info, "paypal_reference_id");
	billtap_json_ref ref_type = billtap_json_get(doc, info, "paypal_reference_id_type");
	billtap_json_ref status = billtap_json_get(doc, info, "transaction_status");
	if (billtap_json_typeof(doc, status) != BILLTAP_JSON_STRING)
		return done(out, bad(&o, "transaction_status", "is missing"));
	(void)((rc = set_text(&o, r, BILLTAP_FIELD_CUSTOMER_ID, doc,
	                      billtap_json_get(doc, payer, "account_id"), "payer_info.account_id")) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_SUBSCRIPTION_ID, doc,
	                      billtap_json_str_eq(doc, ref_type, "SUB") ? ref_id : BILLTAP_JSON_NONE,
	                      "paypal_reference_id")) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_PARENT_ID, doc,
	                      refund && billtap_json_str_eq(doc, ref_type, "TXN") ? ref_id
	                                                                          : BILLTAP_JSON_NONE,
	                      "paypal_reference_id")) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_INVOICE_ID, doc,
	                      billtap_json_get(doc, info, "invoice_id"), "invoice_id")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_KIND, refund ? "refund" : "payment")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_RESULT, result_of(doc, status))) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_PROVIDER_STATUS, doc, status,
	                      "transaction_status")) < 0 ||
	       (rc = set_money(&o, r, refund ? -minor : minor, currency, exponent)) < 0 ||
	       (rc = billtap_record_set_int(r, BILLTAP_FIELD_REFUNDED_AMOUNT, 0)) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_OCCURRED_AT, doc,
	                      billtap_json_get(doc, info, "transaction_initiation_date"),
	                      "transaction_initiation_date", 1)) < 0);
	return done(out, rc);
}

/* ---- plans ---- */

static int64_t unit_days(const billtap_json *doc, billtap_json_ref unit)
{
	if (billtap_json_str_eq(doc, unit, "DAY"))
		return 1;
	if (billtap_json_str_eq(doc, unit, "WEEK"))
		return 7;
	if (billtap_json_str_eq(doc, unit, "MONTH"))
		return 30;
	if (billtap_json_str_eq(doc, unit, "YEAR"))
		return 365;
	return 0;
}

static billtap_json_ref regular_cycle(const billtap_json *doc, billtap_json_ref plan)
{
	billtap_json_ref cycles = billtap_json_get(doc, plan, "billing_cycles");
	for (billtap_json_ref c = billtap_json_first(doc, cycles); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c))
		if (billtap_json_str_eq(doc, billtap_json_get(doc, c, "tenure_type"), "REGULAR"))
			return c;
	return BILLTAP_JSON_NONE;
}

int pp_plan_price(pp_price *out, const billtap_json *doc, billtap_json_ref plan, billtap_ctx *ctx)
{
	obj o;
	obj_init(&o, ctx, "plan", doc, billtap_json_get(doc, plan, "id"));
	memset(out, 0, sizeof *out);
	billtap_json_ref regular = regular_cycle(doc, plan);
	if (regular == BILLTAP_JSON_NONE)
		return bad(&o, "billing_cycles", "has no REGULAR cycle");
	billtap_json_ref scheme = billtap_json_get(doc, regular, "pricing_scheme");
	billtap_json_ref fixed = billtap_json_get(doc, scheme, "fixed_price");
	if (fixed != BILLTAP_JSON_NONE) {
		if (pp_money(&out->amount, out->currency, &out->exponent, doc, fixed) < 0)
			return bad(&o, "fixed_price", "is not an amount PayPal's currency rules allow");
		out->has_amount = 1;
		return 0;
	}
	/* Tiered pricing has no single price; its currency comes from the first tier. */
	billtap_json_ref tier = billtap_json_first(doc, billtap_json_get(doc, scheme, "tiers"));
	int64_t ignored;
	if (pp_money(&ignored, out->currency, &out->exponent, doc,
	             billtap_json_get(doc, tier, "amount")) < 0)
		return bad(&o, "pricing_scheme", "has neither a fixed price nor priced tiers");
	return 0;
}

int pp_map_plan(billtap_record **out, const char *product_name, const billtap_json *doc,
                billtap_json_ref plan, billtap_ctx *ctx)
{
	obj o;
	obj_init(&o, ctx, "plan", doc, billtap_json_get(doc, plan, "id"));
	*out = NULL;
	pp_price price;
	int rc = pp_plan_price(&price, doc, plan, ctx);
	if (rc < 0)
		return rc;
	if ((rc = start(out, &o, BILLTAP_RECORD_PLAN, doc, plan, billtap_json_get(doc, plan, "id"))) < 0)
		return done(out, rc);
	billtap_record *r = *out;
	billtap_json_ref regular = regular_cycle(doc, plan);
	billtap_json_ref freq = billtap_json_get(doc, regular, "frequency");
	billtap_json_ref unit = billtap_json_get(doc, freq, "interval_unit");
	int64_t count = 0;
	if (!unit_days(doc, unit))
		return done(out, bad(&o, "frequency.interval_unit", "is not DAY, WEEK, MONTH or YEAR"));
	if (billtap_json_int(&count, doc, billtap_json_get(doc, freq, "interval_count")) < 0 || count < 1)
		return done(out, bad(&o, "frequency.interval_count", "is not a positive integer"));
	char lower[8] = "";
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, unit);
	for (size_t i = 0; i < len && i + 1 < sizeof lower; i++)
		lower[i] = (char)(text[i] - 'A' + 'a');

	/* Trial length: the TRIAL cycles, each total_cycles x interval_count x unit days. */
	int64_t trial = 0;
	int has_trial = 0;
	billtap_json_ref cycles = billtap_json_get(doc, plan, "billing_cycles");
	for (billtap_json_ref c = billtap_json_first(doc, cycles); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c)) {
		if (!billtap_json_str_eq(doc, billtap_json_get(doc, c, "tenure_type"), "TRIAL"))
			continue;
		billtap_json_ref f = billtap_json_get(doc, c, "frequency");
		int64_t n = 1, cycles_n = 1;
		billtap_json_int(&n, doc, billtap_json_get(doc, f, "interval_count"));
		billtap_json_int(&cycles_n, doc, billtap_json_get(doc, c, "total_cycles"));
		int64_t days = unit_days(doc, billtap_json_get(doc, f, "interval_unit"));
		if (!days || n < 1 || cycles_n < 1 || n > 1000 || cycles_n > 1000)
			return done(out, bad(&o, "billing_cycles", "has a TRIAL cycle without a finite length"));
		trial += cycles_n * n * days;
		has_trial = 1;
	}
	(void)((rc = set_word(&o, r, BILLTAP_FIELD_NAME, product_name ? product_name : "")) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_PRODUCT_ID, doc,
	                      billtap_json_get(doc, plan, "product_id"), "product_id")) < 0 ||
	       (rc = set_money(&o, r, price.amount, price.currency, price.exponent)) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_INTERVAL_UNIT, lower)) < 0 ||
	       (rc = billtap_record_set_int(r, BILLTAP_FIELD_INTERVAL_COUNT, count)) < 0 ||
	       (rc = billtap_record_set_int(
	                r, BILLTAP_FIELD_ACTIVE,
	                billtap_json_str_eq(doc, billtap_json_get(doc, plan, "status"), "ACTIVE"))) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_CREATED_AT, doc,
	                      billtap_json_get(doc, plan, "create_time"), "create_time", 1)) < 0);
	if (rc == 0 && !product_name)
		billtap_record_set_null(r, BILLTAP_FIELD_NAME);
	if (rc == 0 && !price.has_amount)
		billtap_record_set_null(r, BILLTAP_FIELD_AMOUNT);
	if (rc == 0 && has_trial)
		rc = billtap_record_set_int(r, BILLTAP_FIELD_TRIAL_DAYS, trial);
	return done(out, rc);
}

/* ---- subscriptions ---- */

static const char *status_of(const billtap_json *doc, billtap_json_ref status)
{
	static const struct {
		const char *paypal, *normalized;
	} map[] = {
		{ "ACTIVE", "active" },       { "SUSPENDED", "paused" },
		{ "CANCELLED", "canceled" },  { "EXPIRED", "canceled" },
		{ "APPROVAL_PENDING", "pending" }, { "APPROVED", "pending" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (billtap_json_str_eq(doc, status, map[i].paypal))
			return map[i].normalized;
	return "other";
}

/* PayPal's quantity is a string ("20"); absent means one. */
static int quantity_of(int64_t *q, const billtap_json *doc, billtap_json_ref ref)
{
	const char *text;
	size_t len;
	*q = 1;
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return 0;
	if (t == BILLTAP_JSON_NUMBER)
		return billtap_json_int(q, doc, ref) == 0 && *q >= 0 ? 0 : -1;
	if (t != BILLTAP_JSON_STRING || billtap_json_text(&text, &len, doc, ref) < 0 || !len ||
	    len > 18)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -1;
		v = v * 10 + (text[i] - '0');
	}
	*q = v;
	return 0;
}

int pp_map_subscription(billtap_record **out, const pp_price *price, const billtap_json *doc,
                        billtap_json_ref sub, billtap_ctx *ctx)
{
	obj o;
	billtap_json_ref id = billtap_json_get(doc, sub, "id");
	obj_init(&o, ctx, "subscription", doc, id);
	*out = NULL;
	int rc = start(out, &o, BILLTAP_RECORD_SUBSCRIPTION, doc, sub, id);
	if (rc < 0)
		return done(out, rc);
	billtap_record *r = *out, *item;
	billtap_json_ref status = billtap_json_get(doc, sub, "status");
	billtap_json_ref billing = billtap_json_get(doc, sub, "billing_info");
	int64_t quantity;
	if (billtap_json_typeof(doc, status) != BILLTAP_JSON_STRING)
		return done(out, bad(&o, "status", "is missing"));
	if (quantity_of(&quantity, doc, billtap_json_get(doc, sub, "quantity")) < 0)
		return done(out, bad(&o, "quantity", "is not a whole number"));
	int canceled = billtap_json_str_eq(doc, status, "CANCELLED");
	(void)((rc = set_text(&o, r, BILLTAP_FIELD_CUSTOMER_ID, doc,
	                      billtap_json_get(doc, billtap_json_get(doc, sub, "subscriber"), "payer_id"),
	                      "subscriber.payer_id")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_STATUS, status_of(doc, status))) < 0 ||
	       (rc = set_text(&o, r, BILLTAP_FIELD_PROVIDER_STATUS, doc, status, "status")) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_STARTED_AT, doc,
	                      billtap_json_get(doc, sub, "start_time"), "start_time", 0)) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_CURRENT_PERIOD_START, doc,
	                      billtap_json_get(doc, billtap_json_get(doc, billing, "last_payment"), "time"),
	                      "billing_info.last_payment.time", 0)) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_CURRENT_PERIOD_END, doc,
	                      billtap_json_get(doc, billing, "next_billing_time"),
	                      "billing_info.next_billing_time", 0)) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_CANCELED_AT, doc,
	                      canceled ? billtap_json_get(doc, sub, "status_update_time")
	                               : BILLTAP_JSON_NONE,
	                      "status_update_time", 0)) < 0 ||
	       (rc = billtap_record_set_int(r, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, 0)) < 0 ||
	       (rc = set_time(&o, r, BILLTAP_FIELD_CREATED_AT, doc,
	                      billtap_json_get(doc, sub, "create_time"), "create_time", 1)) < 0);
	if (rc < 0)
		return done(out, rc);
	/* One item: the plan, at its REGULAR price, times the quantity. */
	if (billtap_record_add_item(&item, r) < 0)
		return done(out, oom(&o));
	(void)((rc = set_text(&o, item, BILLTAP_FIELD_ID, doc, id, "id")) < 0 ||
	       (rc = set_text(&o, item, BILLTAP_FIELD_PLAN_ID, doc, billtap_json_get(doc, sub, "plan_id"),
	                      "plan_id")) < 0 ||
	       (rc = billtap_record_set_int(item, BILLTAP_FIELD_QUANTITY, quantity)) < 0 ||
	       (rc = set_money(&o, item, price->amount, price->currency, price->exponent)) < 0);
	if (rc == 0 && !price->has_amount)
		billtap_record_set_null(item, BILLTAP_FIELD_AMOUNT);
	return done(out, rc);
}
