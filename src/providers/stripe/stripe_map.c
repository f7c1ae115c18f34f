/* Stripe customers, prices, charges and refunds -> normalized records (docs/data-model.md,
 * "Stripe specifics"). */
#include <stdio.h>
#include <string.h>

#include "stripe.h"

int stripe_currency_exponent(const char *code)
{
	/* https://docs.stripe.com/currencies: zero-decimal and three-decimal currencies. */
	static const char zero[] = "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF";
	static const char three[] = "BHD JOD KWD OMR TND";
	if (strlen(code) != 3)
		return -1;
	if (strstr(zero, code))
		return 0;
	if (strstr(three, code))
		return 3;
	/* ISK is zero-decimal in ISO 4217 but still written with two decimals at Stripe. */
	if (!strcmp(code, "ISK"))
		return 2;
	/* Every other currency Stripe supports has its ISO 4217 exponent; a code ISO 4217 does
	 * not know is refused (-1), never given a guessed exponent. */
	return billtap_currency_iso_exponent(code);
}

int stripe_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "address.country", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
	billtap_map_bool(&m, BILLTAP_FIELD_DELETED, "deleted", 0);
	return billtap_map_end(out, &m);
}

static const billtap_vocab intervals[] = {
	{ "day", "day" }, { "week", "week" }, { "month", "month" }, { "year", "year" }, { NULL, NULL },
};

int stripe_map_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "price", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_PRODUCT_ID, "product", 0);
	/* The name comes from the expanded product; a deleted product has none. */
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "product.name", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "unit_amount", 0);
	billtap_map_bool(&m, BILLTAP_FIELD_ACTIVE, "active", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "recurring")) == BILLTAP_JSON_OBJECT) {
		billtap_map_vocab(&m, BILLTAP_FIELD_INTERVAL_UNIT, "recurring.interval", intervals, NULL,
		                  BILLTAP_MAP_REQUIRED);
		billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "recurring.interval_count",
		                BILLTAP_MAP_REQUIRED);
		billtap_map_int(&m, BILLTAP_FIELD_TRIAL_DAYS, "recurring.trial_period_days", 0);
	}
	return billtap_map_end(out, &m);
}

/* The invoice of a charge (an id, or expanded with its subscription), at `path`. */
static void map_invoice_links(billtap_map *m, const char *path)
{
	char sub[64];
	billtap_map_ref_id(m, BILLTAP_FIELD_INVOICE_ID, path, 0);
	snprintf(sub, sizeof sub, "%s.subscription", path);
	billtap_map_ref_id(m, BILLTAP_FIELD_SUBSCRIPTION_ID, sub, 0);
}

/* A status Stripe adds later is "other" (the raw word stays in provider_status). */
static const billtap_vocab charge_results[] = {
	{ "succeeded", "succeeded" }, { "pending", "pending" }, { "failed", "failed" },
	{ NULL, NULL },
};

int stripe_map_charge(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "charge", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	map_invoice_links(&m, "invoice");
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", charge_results, "other",
	                  BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "amount_refunded", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

static const billtap_vocab refund_results[] = {
	{ "succeeded", "succeeded" }, { "pending", "pending" }, { "requires_action", "pending" },
	{ "failed", "failed" },       { "canceled", "failed" },  { NULL, NULL },
};

int stripe_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "refund", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_PARENT_ID, "charge", 0);
	/* With expand[]=data.charge the refund learns its customer and invoice (a charge that
	 * is only an id has no members: those paths are null). */
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "charge.customer", 0);
	map_invoice_links(&m, "charge.invoice");
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "refund");
	/* Stripe's spec has a refund's status nullable (the generated clients type it
	 * Optional[str] / T.nilable(String)): a refund without one is kept, as result "other"
	 * with provider_status null, rather than stopping the stream. */
	billtap_json_type status = billtap_json_typeof(doc, billtap_json_get(doc, obj, "status"));
	if (status == BILLTAP_JSON_NULL || status == BILLTAP_JSON_ABSENT)
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "other");
	else
		billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", refund_results, "other",
		                  BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
