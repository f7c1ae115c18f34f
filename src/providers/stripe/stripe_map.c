/* Stripe customers, prices, charges and refunds -> normalized records (docs/data-model.md,
 * "Stripe specifics"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int stripe_map_source(billtap_map *m, billtap_field field, const char *members)
{
	if (m->status < 0)
		return m->status;
	int rc = billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
	return rc < 0 ? billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL) : 0;
}

static const billtap_vocab intervals[] = {
	{ "day", "day" }, { "week", "week" }, { "month", "month" }, { "year", "year" }, { NULL, NULL },
};

int stripe_map_decimal(billtap_map *m, billtap_field field, const char *path)
{
	billtap_json_ref ref = billtap_json_path(m->doc, m->obj, path);
	const char *text;
	size_t len, digits = 0, dots = 0;
	if (m->status || billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING)
		return billtap_map_str(m, field, path, 0); /* null, absent, or "is not a string" */
	billtap_json_text(&text, &len, m->doc, ref);
	for (size_t i = 0; i < len; i++) {
		if (text[i] >= '0' && text[i] <= '9')
			digits++;
		else if (text[i] == '.' && !dots && digits)
			dots++;
		else
			return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a decimal number");
	}
	if (!digits || text[len - 1] == '.')
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a decimal number");
	return billtap_map_str(m, field, path, 0);
}

const billtap_vocab stripe_usage_types[] = {
	{ "licensed", "licensed" }, { "metered", "metered" }, { NULL, NULL },
};

static const billtap_vocab tiers_modes[] = {
	{ "graduated", "graduated" }, { "volume", "volume" }, { NULL, NULL },
};

/* A tier member: an integer, a string or null, as the tiers' JSON text has it. */
static int put_member(billtap_json_writer *w, const char *key, const billtap_json *doc,
                      billtap_json_ref ref)
{
	int64_t v;
	char *s = NULL;
	int rc = billtap_json_write_key(w, key);
	if (rc < 0)
		return rc;
	switch (billtap_json_typeof(doc, ref)) {
	case BILLTAP_JSON_NUMBER:
		if (billtap_json_int(&v, doc, ref) < 0)
			return BILLTAP_EDATA;
		return billtap_json_write_int(w, v);
	case BILLTAP_JSON_STRING:
		if ((rc = billtap_json_strdup(&s, doc, ref)) < 0)
			return rc;
		rc = billtap_json_write_string(w, s, strlen(s));
		free(s);
		return rc;
	case BILLTAP_JSON_NULL:
	case BILLTAP_JSON_ABSENT:
		return billtap_json_write_null(w);
	default:
		return BILLTAP_EDATA;
	}
}

/* One tier of `tiers`: its five members, integers, strings or null. */
static int put_tier(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref tier)
{
	static const char *const members[] = { "up_to", "unit_amount", "unit_amount_decimal",
		                               "flat_amount", "flat_amount_decimal" };
	int rc = billtap_json_write_object_begin(w);
	for (size_t k = 0; rc == 0 && k < sizeof members / sizeof *members; k++)
		rc = put_member(w, members[k], doc, billtap_json_get(doc, tier, members[k]));
	return rc == 0 ? billtap_json_write_object_end(w) : rc;
}

int stripe_map_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                     billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "price", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_PRODUCT_ID, "product", 0);
	/* The product's name from the expanded product (a deleted one has none); the plan's
	 * own name is its nickname, else the product's. */
	billtap_map_str(&m, BILLTAP_FIELD_PRODUCT_NAME, "product.name", 0);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "product.name", 0);
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "nickname")) == BILLTAP_JSON_STRING)
		billtap_map_str(&m, BILLTAP_FIELD_NAME, "nickname", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "unit_amount", 0);
	stripe_map_decimal(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, "unit_amount_decimal");
	billtap_map_vocab(&m, BILLTAP_FIELD_TIERS_MODE, "tiers_mode", tiers_modes, "other", 0);
	/* expanded with expand[]=data.tiers; null when the price has none or they were not sent */
	stripe_map_list_text(&m, BILLTAP_FIELD_TIERS, "tiers", put_tier,
	                     "holds a member that is not an integer or a string");
	/* custom_unit_amount: null for a fixed price, an object when the customer chooses */
	billtap_json_ref custom = billtap_json_get(doc, obj, "custom_unit_amount");
	billtap_json_type custom_type = billtap_json_typeof(doc, custom);
	if (custom_type == BILLTAP_JSON_OBJECT || custom_type == BILLTAP_JSON_NULL) {
		billtap_map_set_int(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, custom_type == BILLTAP_JSON_OBJECT);
		stripe_map_source(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, "custom_unit_amount");
	}
	billtap_map_money(&m, BILLTAP_FIELD_CUSTOM_AMOUNT_MINIMUM, "custom_unit_amount.minimum", 0);
	billtap_map_money(&m, BILLTAP_FIELD_CUSTOM_AMOUNT_MAXIMUM, "custom_unit_amount.maximum", 0);
	billtap_map_money(&m, BILLTAP_FIELD_CUSTOM_AMOUNT_PRESET, "custom_unit_amount.preset", 0);
	billtap_map_bool(&m, BILLTAP_FIELD_ACTIVE, "active", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "recurring")) == BILLTAP_JSON_OBJECT) {
		billtap_map_vocab(&m, BILLTAP_FIELD_INTERVAL_UNIT, "recurring.interval", intervals, NULL,
		                  BILLTAP_MAP_REQUIRED);
		billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "recurring.interval_count",
		                BILLTAP_MAP_REQUIRED);
		billtap_map_int(&m, BILLTAP_FIELD_TRIAL_DAYS, "recurring.trial_period_days", 0);
		billtap_map_vocab(&m, BILLTAP_FIELD_USAGE_TYPE, "recurring.usage_type", stripe_usage_types,
		                  "other", 0);
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

/* The id at path (a string, or an expanded object's "id"), copied; NULL when neither. */
static char *id_copy(const billtap_json *doc, billtap_json_ref obj, const char *path, int *oom)
{
	billtap_json_ref ref = billtap_json_path(doc, obj, path);
	if (billtap_json_typeof(doc, ref) == BILLTAP_JSON_OBJECT)
		ref = billtap_json_get(doc, ref, "id");
	char *out = NULL;
	if (billtap_json_strdup(&out, doc, ref) == BILLTAP_ENOMEM)
		*oom = 1;
	return out;
}

/*
 * Where the object names no invoice itself (API versions from 2025-03-31.basil), the
 * invoice payment of its payment does: found by the object's PaymentIntent, else by its
 * charge (the id at charge_path), as /v1/invoice_payments names them.
 */
static void link_payment(billtap_map *m, const stripe_links *links, const char *charge_path)
{
	const char *have, *invoice = NULL, *sub = NULL;
	if (m->status || !links || billtap_record_get_str(&have, m->rec, BILLTAP_FIELD_INVOICE_ID) == 0)
		return;
	int oom = 0;
	char *pi = id_copy(m->doc, m->obj, "payment_intent", &oom);
	char *charge = oom ? NULL : id_copy(m->doc, m->obj, charge_path, &oom);
	if (oom) {
		free(pi);
		free(charge);
		billtap_map_fail(m, billtap_ctx_error(m->ctx, BILLTAP_ENOMEM, NULL), NULL, NULL);
		return;
	}
	/* The members named: this object's key, then the invoice payment's (stripe_links.c). */
	char by_invoice[128], by_sub[192];
	stripe_links_find(&invoice, &sub, links, pi);
	const char *key = "payment_intent invoice_payments:payment.payment_intent";
	if (!invoice) {
		stripe_links_find(&invoice, &sub, links, charge);
		key = !strcmp(charge_path, "id") ? "id invoice_payments:payment.charge"
		                                 : "charge invoice_payments:payment.charge";
	}
	free(pi);
	free(charge);
	if (invoice) {
		snprintf(by_invoice, sizeof by_invoice, "%s invoice_payments:invoice.id", key);
		snprintf(by_sub, sizeof by_sub, "%s %s", key,
		         "invoice_payments:invoice.parent.subscription_details.subscription");
		billtap_map_set_str(m, BILLTAP_FIELD_INVOICE_ID, invoice);
		stripe_map_source(m, BILLTAP_FIELD_INVOICE_ID, by_invoice);
		billtap_map_set_str(m, BILLTAP_FIELD_SUBSCRIPTION_ID, sub);
		stripe_map_source(m, BILLTAP_FIELD_SUBSCRIPTION_ID, by_sub);
	}
}

/* The record's currency, lower case as Stripe writes it, equals the code at ref. */
static int same_currency(const billtap_map *m, billtap_json_ref ref)
{
	const char *mine = NULL, *text;
	size_t len;
	if (billtap_record_get_str(&mine, m->rec, BILLTAP_FIELD_CURRENCY) < 0 ||
	    billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, m->doc, ref) < 0 || len != strlen(mine))
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((text[i] & ~0x20) != (mine[i] & ~0x20))
			return 0;
	return 1;
}

/*
 * Fee and net from balance transactions: the one at `path` (expanded; an id alone says
 * nothing), or with `list` set every entry of the array at path, added up. Left null when
 * there is none, or when one is in another currency (the payout currency of an account that
 * settles in one currency: its amounts cannot join this record's).
 */
static void map_balance(billtap_map *m, const char *path, int list)
{
	billtap_json_ref at = billtap_json_path(m->doc, m->obj, path);
	billtap_json_ref one = list ? billtap_json_first(m->doc, at) : at;
	if (m->status || (list ? billtap_json_typeof(m->doc, at) != BILLTAP_JSON_ARRAY
	                       : billtap_json_typeof(m->doc, at) != BILLTAP_JSON_OBJECT))
		return;
	int64_t fee = 0, net = 0;
	for (; one != BILLTAP_JSON_NONE; one = list ? billtap_json_next(m->doc, one) : BILLTAP_JSON_NONE) {
		int64_t f, n;
		if (!same_currency(m, billtap_json_get(m->doc, one, "currency")))
			return;
		if (billtap_json_int(&f, m->doc, billtap_json_get(m->doc, one, "fee")) < 0 ||
		    billtap_json_int(&n, m->doc, billtap_json_get(m->doc, one, "net")) < 0) {
			billtap_map_fail(m, BILLTAP_EDATA, path, "has no integer fee and net");
			return;
		}
		if ((f > 0 && fee > INT64_MAX - f) || (f < 0 && fee < INT64_MIN - f) ||
		    (n > 0 && net > INT64_MAX - n) || (n < 0 && net < INT64_MIN - n)) {
			billtap_map_fail(m, BILLTAP_EDATA, path, "adds up beyond 64 bits");
			return;
		}
		fee += f;
		net += n;
	}
	char members[160];
	billtap_map_set_int(m, BILLTAP_FIELD_FEE_AMOUNT, fee);
	/* a list is named whole: its entries were added up */
	if (list)
		snprintf(members, sizeof members, "%s currency", path);
	else
		snprintf(members, sizeof members, "%s.fee %s.currency currency", path, path);
	stripe_map_source(m, BILLTAP_FIELD_FEE_AMOUNT, members);
	billtap_map_set_int(m, BILLTAP_FIELD_NET_AMOUNT, net);
	if (!list)
		snprintf(members, sizeof members, "%s.net %s.currency currency", path, path);
	stripe_map_source(m, BILLTAP_FIELD_NET_AMOUNT, members);
}

/* A status Stripe adds later is "other" (the raw word stays in provider_status). */
static const billtap_vocab charge_results[] = {
	{ "succeeded", "succeeded" }, { "pending", "pending" }, { "failed", "failed" },
	{ NULL, NULL },
};

int stripe_map_charge(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                      billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "charge", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	map_invoice_links(&m, "invoice");
	link_payment(&m, links, "id");
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	stripe_map_source(&m, BILLTAP_FIELD_KIND, "object");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", charge_results, "other",
	                  BILLTAP_MAP_REQUIRED);
	/* A succeeded charge that was not captured is an authorization: no money moved yet. */
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "captured")) == BILLTAP_JSON_FALSE &&
	    billtap_json_str_eq(doc, billtap_json_get(doc, obj, "status"), "succeeded")) {
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "authorized");
		stripe_map_source(&m, BILLTAP_FIELD_RESULT, "status captured");
	}
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, "amount_captured", 0);
	billtap_map_money(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "amount_refunded", BILLTAP_MAP_REQUIRED);
	map_balance(&m, "balance_transaction", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

static const billtap_vocab refund_results[] = {
	{ "succeeded", "succeeded" }, { "pending", "pending" }, { "requires_action", "pending" },
	{ "failed", "failed" },       { "canceled", "failed" },  { NULL, NULL },
};

int stripe_map_refund(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                      billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "refund", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_PARENT_ID, "charge", 0);
	/* With expand[]=data.charge the refund learns its customer and invoice (a charge that
	 * is only an id has no members: those paths are null). */
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "charge.customer", 0);
	map_invoice_links(&m, "charge.invoice");
	link_payment(&m, links, "charge");
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "refund");
	stripe_map_source(&m, BILLTAP_FIELD_KIND, "object");
	/* Stripe's spec has a refund's status nullable (the generated clients type it
	 * Optional[str] / T.nilable(String)): a refund without one is kept, as result "other"
	 * with provider_status null, rather than stopping the stream. */
	billtap_json_ref status = billtap_json_get(doc, obj, "status");
	billtap_json_type status_type = billtap_json_typeof(doc, status);
	if (status_type == BILLTAP_JSON_NULL || status_type == BILLTAP_JSON_ABSENT) {
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "other");
		stripe_map_source(&m, BILLTAP_FIELD_RESULT, "status");
	} else {
		billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", refund_results, "other",
		                  BILLTAP_MAP_REQUIRED);
	}
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0); /* a refund refunds nothing */
	stripe_map_source(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "object");
	/* A refund that failed or was canceled gave its money back: its balance transaction
	 * (the debit) alone would tell a loss that did not happen. */
	if (!billtap_json_str_eq(doc, status, "failed") && !billtap_json_str_eq(doc, status, "canceled"))
		map_balance(&m, "balance_transaction", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

/* Disputes (docs/data-model.md): lost, the money is gone; won or closed, it came back (or
 * never left); the rest are still open. */
static const billtap_vocab dispute_results[] = {
	{ "lost", "succeeded" },
	{ "won", "failed" },
	{ "warning_closed", "failed" },
	{ "prevented", "failed" },
	{ "needs_response", "pending" },
	{ "under_review", "pending" },
	{ "warning_needs_response", "pending" },
	{ "warning_under_review", "pending" },
	{ NULL, NULL },
};

int stripe_map_dispute(billtap_record **out, const stripe_links *links, const billtap_json *doc,
                       billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "dispute", doc, obj, "id", ctx);
	billtap_map_ref_id(&m, BILLTAP_FIELD_PARENT_ID, "charge", BILLTAP_MAP_REQUIRED);
	/* With expand[]=data.charge the dispute learns its customer. */
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "charge.customer", 0);
	map_invoice_links(&m, "charge.invoice");
	link_payment(&m, links, "charge");
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "chargeback");
	stripe_map_source(&m, BILLTAP_FIELD_KIND, "object");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", dispute_results, "other",
	                  BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	map_balance(&m, "balance_transactions", 1);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
