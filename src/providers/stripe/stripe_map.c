/* Stripe objects -> normalized records (docs/data-model.md, "Stripe specifics"). */
#include <stdio.h>
#include <string.h>

#include "stripe.h"

int stripe_currency_exponent(const char *code)
{
	/* https://docs.stripe.com/currencies: zero-decimal and three-decimal currencies. */
	static const char zero[] = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
	static const char three[] = "BHD JOD KWD OMR TND";
	if (strlen(code) == 3) {
		if (strstr(zero, code))
			return 0;
		if (strstr(three, code))
			return 3;
	}
	return 2;
}

/* Context for one object's mapping errors: "charge ch_1: amount is missing". */
typedef struct obj_ctx {
	billtap_ctx *ctx;
	const char *what;
	char id[128];
} obj_ctx;

static void init_obj(obj_ctx *o, billtap_ctx *ctx, const char *what, const billtap_json *doc,
                     billtap_json_ref obj)
{
	o->ctx = ctx;
	o->what = what;
	size_t n = 0;
	if (billtap_json_str_decode(o->id, sizeof o->id, &n, doc, billtap_json_get(doc, obj, "id")) < 0)
		snprintf(o->id, sizeof o->id, "(no id)");
}

static int bad(const obj_ctx *o, const char *field, const char *problem)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s %s: %s %s", o->what, o->id, field, problem);
	return billtap_ctx_error(o->ctx, BILLTAP_EDATA, msg);
}

/* Maps a setter's status to an error naming the field. */
static int check(const obj_ctx *o, int rc, const char *field)
{
	if (rc == 0)
		return 0;
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(o->ctx, rc, NULL);
	return bad(o, field, "is not a string or null");
}

static int set_str(const obj_ctx *o, billtap_record *rec, billtap_field f,
                   const billtap_json *doc, billtap_json_ref ref, const char *field)
{
	return check(o, billtap_record_set_json_str(rec, f, doc, ref), field);
}

static int set_id(const obj_ctx *o, billtap_record *rec, const billtap_json *doc,
                  billtap_json_ref obj)
{
	billtap_json_ref id = billtap_json_get(doc, obj, "id");
	if (billtap_json_typeof(doc, id) != BILLTAP_JSON_STRING)
		return bad(o, "id", "is missing");
	return set_str(o, rec, BILLTAP_FIELD_ID, doc, id, "id");
}

/* An integer member; null/absent allowed only when `nullable`. */
static int set_int(const obj_ctx *o, billtap_record *rec, billtap_field f,
                   const billtap_json *doc, billtap_json_ref ref, const char *field, int nullable)
{
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_NULL || t == BILLTAP_JSON_ABSENT) {
		if (!nullable)
			return bad(o, field, "is missing");
		return billtap_record_set_null(rec, f);
	}
	int64_t v;
	int rc = billtap_json_int(&v, doc, ref);
	if (rc == BILLTAP_EDATA)
		return bad(o, field, "is outside the 64-bit range");
	if (rc < 0)
		return bad(o, field, "is not an integer");
	return check(o, billtap_record_set_int(rec, f, v), field);
}

static int set_bool(const obj_ctx *o, billtap_record *rec, billtap_field f,
                    const billtap_json *doc, billtap_json_ref ref, const char *field,
                    int absent_value)
{
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return billtap_record_set_int(rec, f, absent_value);
	int v;
	if (billtap_json_bool(&v, doc, ref) < 0)
		return bad(o, field, "is not a boolean");
	return billtap_record_set_int(rec, f, v);
}

/* currency + currency_exponent from a Stripe lower-case code. */
static int set_currency(const obj_ctx *o, billtap_record *rec, const billtap_json *doc,
                        billtap_json_ref ref)
{
	const char *text;
	size_t len;
	char code[4];
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, doc, ref) < 0 ||
	    billtap_currency_normalize(code, text, len) < 0)
		return bad(o, "currency", "is not a 3-letter currency code");
	int rc = billtap_record_set_str(rec, BILLTAP_FIELD_CURRENCY, code, 3);
	if (rc == 0)
		rc = billtap_record_set_int(rec, BILLTAP_FIELD_CURRENCY_EXPONENT,
		                            stripe_currency_exponent(code));
	return check(o, rc, "currency");
}

/* A field that is an id or an expanded object ({"id":..} or a deleted stub). */
static int set_ref(const obj_ctx *o, billtap_record *rec, billtap_field f,
                   const billtap_json *doc, billtap_json_ref ref, const char *field)
{
	billtap_json_type t = billtap_json_typeof(doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return billtap_record_set_null(rec, f);
	billtap_json_ref id = billtap_json_id_ref(doc, ref);
	if (id == BILLTAP_JSON_NONE)
		return bad(o, field, "is neither an id nor an object with an id");
	return set_str(o, rec, f, doc, id, field);
}

static int keep_raw(const obj_ctx *o, billtap_record *rec, const billtap_json *doc,
                    billtap_json_ref obj)
{
	const char *text;
	size_t len;
	billtap_json_text(&text, &len, doc, obj);
	return check(o, billtap_record_set_raw_json(rec, text, len), "(raw)");
}

/* Starts a record; on any later failure the caller frees it. */
static int begin(billtap_record **out, obj_ctx *o, billtap_record_kind kind, const char *what,
                 const billtap_json *doc, billtap_json_ref obj, billtap_ctx *ctx)
{
	init_obj(o, ctx, what, doc, obj);
	*out = NULL;
	if (billtap_json_typeof(doc, obj) != BILLTAP_JSON_OBJECT)
		return bad(o, "(object)", "is not a JSON object");
	int rc = billtap_record_new(out, kind);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	if ((rc = set_id(o, *out, doc, obj)) < 0 || (rc = keep_raw(o, *out, doc, obj)) < 0) {
		billtap_record_free(*out);
		*out = NULL;
	}
	return rc;
}

static int finish(billtap_record **out, int rc)
{
	if (rc < 0) {
		billtap_record_free(*out);
		*out = NULL;
	}
	return rc;
}

int stripe_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx)
{
	obj_ctx o;
	int rc = begin(out, &o, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, ctx);
	if (rc < 0)
		return rc;
	billtap_record *r = *out;
	billtap_json_ref address = billtap_json_get(doc, obj, "address");
	(void)((rc = set_str(&o, r, BILLTAP_FIELD_EMAIL, doc, billtap_json_get(doc, obj, "email"),
	                     "email")) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_NAME, doc, billtap_json_get(doc, obj, "name"),
	                     "name")) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_COUNTRY, doc,
	                     billtap_json_get(doc, address, "country"), "address.country")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_CREATED_AT, doc,
	                     billtap_json_get(doc, obj, "created"), "created", 0)) < 0 ||
	       (rc = set_bool(&o, r, BILLTAP_FIELD_DELETED, doc,
	                      billtap_json_get(doc, obj, "deleted"), "deleted", 0)) < 0);
	return finish(out, rc);
}

int stripe_map_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx)
{
	obj_ctx o;
	int rc = begin(out, &o, BILLTAP_RECORD_PLAN, "price", doc, obj, ctx);
	if (rc < 0)
		return rc;
	billtap_record *r = *out;
	billtap_json_ref product = billtap_json_get(doc, obj, "product");
	billtap_json_ref recurring = billtap_json_get(doc, obj, "recurring");
	/* The name comes from the expanded product; a deleted product has none. */
	billtap_json_ref name = billtap_json_typeof(doc, product) == BILLTAP_JSON_OBJECT
	                                ? billtap_json_get(doc, product, "name")
	                                : BILLTAP_JSON_NONE;
	(void)((rc = set_ref(&o, r, BILLTAP_FIELD_PRODUCT_ID, doc, product, "product")) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_NAME, doc, name, "product.name")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_AMOUNT, doc,
	                     billtap_json_get(doc, obj, "unit_amount"), "unit_amount", 1)) < 0 ||
	       (rc = set_currency(&o, r, doc, billtap_json_get(doc, obj, "currency"))) < 0 ||
	       (rc = set_bool(&o, r, BILLTAP_FIELD_ACTIVE, doc, billtap_json_get(doc, obj, "active"),
	                      "active", 0)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_CREATED_AT, doc,
	                     billtap_json_get(doc, obj, "created"), "created", 0)) < 0);
	if (rc == 0 && billtap_json_typeof(doc, recurring) == BILLTAP_JSON_OBJECT) {
		billtap_json_ref unit = billtap_json_get(doc, recurring, "interval");
		(void)((rc = set_str(&o, r, BILLTAP_FIELD_INTERVAL_UNIT, doc, unit,
		                     "recurring.interval")) < 0 ||
		       (rc = set_int(&o, r, BILLTAP_FIELD_INTERVAL_COUNT, doc,
		                     billtap_json_get(doc, recurring, "interval_count"),
		                     "recurring.interval_count", 0)) < 0 ||
		       (rc = set_int(&o, r, BILLTAP_FIELD_TRIAL_DAYS, doc,
		                     billtap_json_get(doc, recurring, "trial_period_days"),
		                     "recurring.trial_period_days", 1)) < 0);
		if (rc == 0 && billtap_json_typeof(doc, unit) != BILLTAP_JSON_STRING)
			rc = bad(&o, "recurring.interval", "is missing");
		if (rc == 0) {
			const char *u = NULL;
			billtap_record_get_str(&u, r, BILLTAP_FIELD_INTERVAL_UNIT);
			if (strcmp(u, "day") && strcmp(u, "week") && strcmp(u, "month") &&
			    strcmp(u, "year"))
				rc = bad(&o, "recurring.interval", "is not day, week, month or year");
		}
	}
	return finish(out, rc);
}

static int set_word(const obj_ctx *o, billtap_record *r, billtap_field f, const char *w)
{
	return check(o, billtap_record_set_str(r, f, w, strlen(w)), billtap_field_name(f));
}

static const char *subscription_status(const billtap_json *doc, billtap_json_ref status)
{
	static const struct {
		const char *stripe, *normalized;
	} map[] = {
		{ "trialing", "trialing" },     { "active", "active" },
		{ "past_due", "past_due" },     { "unpaid", "past_due" },
		{ "paused", "paused" },         { "canceled", "canceled" },
		{ "incomplete_expired", "canceled" }, { "incomplete", "pending" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (billtap_json_str_eq(doc, status, map[i].stripe))
			return map[i].normalized;
	return "other";
}

/* Earliest start and earliest end: when items renew on different days, the subscription's
 * next renewal is the first of them. */
static void period_add(stripe_period *p, const billtap_json *doc, billtap_json_ref obj)
{
	int64_t v;
	if (billtap_json_int(&v, doc, billtap_json_get(doc, obj, "current_period_start")) == 0 &&
	    (!p->has_start || v < p->start)) {
		p->start = v;
		p->has_start = 1;
	}
	if (billtap_json_int(&v, doc, billtap_json_get(doc, obj, "current_period_end")) == 0 &&
	    (!p->has_end || v < p->end)) {
		p->end = v;
		p->has_end = 1;
	}
}

int stripe_map_item(billtap_record *sub, stripe_period *period, const billtap_json *doc,
                    billtap_json_ref item, billtap_ctx *ctx)
{
	obj_ctx o;
	init_obj(&o, ctx, "subscription item", doc, item);
	if (billtap_json_typeof(doc, item) != BILLTAP_JSON_OBJECT)
		return bad(&o, "(object)", "is not a JSON object");
	billtap_record *r;
	int rc = billtap_record_add_item(&r, sub);
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	billtap_json_ref price = billtap_json_get(doc, item, "price");
	if (billtap_json_typeof(doc, price) != BILLTAP_JSON_OBJECT)
		return bad(&o, "price", "is missing");
	(void)((rc = set_id(&o, r, doc, item)) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_PLAN_ID, doc, billtap_json_get(doc, price, "id"),
	                     "price.id")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_QUANTITY, doc,
	                     billtap_json_get(doc, item, "quantity"), "quantity", 1)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_AMOUNT, doc,
	                     billtap_json_get(doc, price, "unit_amount"), "price.unit_amount", 1)) < 0 ||
	       (rc = set_currency(&o, r, doc, billtap_json_get(doc, price, "currency"))) < 0);
	if (rc == 0 && !period->own)
		period_add(period, doc, item);
	return rc;
}

int stripe_map_subscription(billtap_record **out, stripe_period *period, int *items_more,
                            const billtap_json *doc, billtap_json_ref obj, billtap_ctx *ctx)
{
	obj_ctx o;
	memset(period, 0, sizeof *period);
	*items_more = 0;
	int rc = begin(out, &o, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, ctx);
	if (rc < 0)
		return rc;
	billtap_record *r = *out;
	billtap_json_ref status = billtap_json_get(doc, obj, "status");
	if (billtap_json_typeof(doc, status) != BILLTAP_JSON_STRING)
		return finish(out, bad(&o, "status", "is missing"));
	(void)((rc = set_ref(&o, r, BILLTAP_FIELD_CUSTOMER_ID, doc,
	                     billtap_json_get(doc, obj, "customer"), "customer")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_STATUS, subscription_status(doc, status))) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_PROVIDER_STATUS, doc, status, "status")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_STARTED_AT, doc,
	                     billtap_json_get(doc, obj, "start_date"), "start_date", 1)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_TRIAL_END, doc,
	                     billtap_json_get(doc, obj, "trial_end"), "trial_end", 1)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_CANCELED_AT, doc,
	                     billtap_json_get(doc, obj, "canceled_at"), "canceled_at", 1)) < 0 ||
	       (rc = set_bool(&o, r, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, doc,
	                      billtap_json_get(doc, obj, "cancel_at_period_end"),
	                      "cancel_at_period_end", 0)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_CREATED_AT, doc,
	                     billtap_json_get(doc, obj, "created"), "created", 0)) < 0);
	if (rc < 0)
		return finish(out, rc);

	/* API versions before 2025-03-31.basil keep the period on the subscription. */
	period_add(period, doc, obj);
	period->own = period->has_start || period->has_end;
	billtap_json_ref items = billtap_json_get(doc, obj, "items");
	billtap_json_ref data = billtap_json_get(doc, items, "data");
	if (billtap_json_typeof(doc, data) != BILLTAP_JSON_ARRAY)
		return finish(out, bad(&o, "items.data", "is missing"));
	for (billtap_json_ref it = billtap_json_first(doc, data); it != BILLTAP_JSON_NONE;
	     it = billtap_json_next(doc, it))
		if ((rc = stripe_map_item(r, period, doc, it, ctx)) < 0)
			return finish(out, rc);
	int more = 0;
	billtap_json_bool(&more, doc, billtap_json_get(doc, items, "has_more"));
	*items_more = more;
	return 0;
}

int stripe_finish_subscription(billtap_record *sub, const stripe_period *p)
{
	int rc = 0;
	if (p->has_start)
		rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_START, p->start);
	if (rc == 0 && p->has_end)
		rc = billtap_record_set_int(sub, BILLTAP_FIELD_CURRENT_PERIOD_END, p->end);
	return rc;
}

static const char *charge_result(const billtap_json *doc, billtap_json_ref status)
{
	if (billtap_json_str_eq(doc, status, "succeeded"))
		return "succeeded";
	if (billtap_json_str_eq(doc, status, "failed"))
		return "failed";
	return "pending";
}

static const char *refund_result(const billtap_json *doc, billtap_json_ref status)
{
	if (billtap_json_str_eq(doc, status, "succeeded"))
		return "succeeded";
	if (billtap_json_str_eq(doc, status, "failed") || billtap_json_str_eq(doc, status, "canceled"))
		return "failed";
	return "pending";
}

/* The invoice (and through an expanded invoice, the subscription) of a charge. */
static int set_invoice_links(const obj_ctx *o, billtap_record *r, const billtap_json *doc,
                             billtap_json_ref invoice)
{
	int rc = set_ref(o, r, BILLTAP_FIELD_INVOICE_ID, doc, invoice, "invoice");
	if (rc == 0 && billtap_json_typeof(doc, invoice) == BILLTAP_JSON_OBJECT)
		rc = set_ref(o, r, BILLTAP_FIELD_SUBSCRIPTION_ID, doc,
		             billtap_json_get(doc, invoice, "subscription"), "invoice.subscription");
	return rc;
}

int stripe_map_charge(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx)
{
	obj_ctx o;
	int rc = begin(out, &o, BILLTAP_RECORD_TRANSACTION, "charge", doc, obj, ctx);
	if (rc < 0)
		return rc;
	billtap_record *r = *out;
	billtap_json_ref status = billtap_json_get(doc, obj, "status");
	if (billtap_json_typeof(doc, status) != BILLTAP_JSON_STRING)
		return finish(out, bad(&o, "status", "is missing"));
	(void)((rc = set_ref(&o, r, BILLTAP_FIELD_CUSTOMER_ID, doc,
	                     billtap_json_get(doc, obj, "customer"), "customer")) < 0 ||
	       (rc = set_invoice_links(&o, r, doc, billtap_json_get(doc, obj, "invoice"))) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_KIND, "payment")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_RESULT, charge_result(doc, status))) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_PROVIDER_STATUS, doc, status, "status")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_AMOUNT, doc, billtap_json_get(doc, obj, "amount"),
	                     "amount", 0)) < 0 ||
	       (rc = set_currency(&o, r, doc, billtap_json_get(doc, obj, "currency"))) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_REFUNDED_AMOUNT, doc,
	                     billtap_json_get(doc, obj, "amount_refunded"), "amount_refunded", 0)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_OCCURRED_AT, doc,
	                     billtap_json_get(doc, obj, "created"), "created", 0)) < 0);
	return finish(out, rc);
}

int stripe_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx)
{
	obj_ctx o;
	int rc = begin(out, &o, BILLTAP_RECORD_TRANSACTION, "refund", doc, obj, ctx);
	if (rc < 0)
		return rc;
	billtap_record *r = *out;
	billtap_json_ref status = billtap_json_get(doc, obj, "status");
	billtap_json_ref charge = billtap_json_get(doc, obj, "charge");
	if (billtap_json_typeof(doc, status) != BILLTAP_JSON_STRING)
		return finish(out, bad(&o, "status", "is missing"));
	/* With expand[]=data.charge the refund learns its customer and invoice. */
	int expanded = billtap_json_typeof(doc, charge) == BILLTAP_JSON_OBJECT;
	(void)((rc = set_ref(&o, r, BILLTAP_FIELD_PARENT_ID, doc, charge, "charge")) < 0 ||
	       (rc = set_ref(&o, r, BILLTAP_FIELD_CUSTOMER_ID, doc,
	                     expanded ? billtap_json_get(doc, charge, "customer") : BILLTAP_JSON_NONE,
	                     "charge.customer")) < 0 ||
	       (rc = set_invoice_links(&o, r, doc,
	                               expanded ? billtap_json_get(doc, charge, "invoice")
	                                        : BILLTAP_JSON_NONE)) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_KIND, "refund")) < 0 ||
	       (rc = set_word(&o, r, BILLTAP_FIELD_RESULT, refund_result(doc, status))) < 0 ||
	       (rc = set_str(&o, r, BILLTAP_FIELD_PROVIDER_STATUS, doc, status, "status")) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_AMOUNT, doc, billtap_json_get(doc, obj, "amount"),
	                     "amount", 0)) < 0 ||
	       (rc = set_currency(&o, r, doc, billtap_json_get(doc, obj, "currency"))) < 0 ||
	       (rc = billtap_record_set_int(r, BILLTAP_FIELD_REFUNDED_AMOUNT, 0)) < 0 ||
	       (rc = set_int(&o, r, BILLTAP_FIELD_OCCURRED_AT, doc,
	                     billtap_json_get(doc, obj, "created"), "created", 0)) < 0);
	return finish(out, rc);
}
