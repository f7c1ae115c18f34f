/* Ledgerly objects into billtap records, with the provider kit's mapper: each call reads
 * one member, and the first problem is what the host sees ("invoice inv_7: totals.tax is
 * not a decimal amount"). */
#include "ledgerly.h"

#include <string.h>

int ledgerly_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                          billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "address.country", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_map_bool(&m, BILLTAP_FIELD_DELETED, "archived", 0);
	return billtap_map_end(out, &m);
}

/* Ledgerly's invoice states, and its line types, in billtap's words. */
static const billtap_vocab invoice_states[] = {
	{ "draft", "draft" },     { "issued", "open" },
	{ "settled", "paid" },    { "cancelled", "void" },
	{ "written_off", "uncollectible" },
	{ NULL, NULL },
};

static const billtap_vocab line_types[] = {
	{ "plan", "subscription" }, { "proration", "proration" },
	{ "one_time", "one_off" },  { "discount", "discount" },
	{ "tax", "tax" },           { NULL, NULL },
};

/* One line, nested in the invoice record. Lines have no ids: a host keys them by the
 * invoice id and their position. Their currency is the invoice's. */
static int map_line(billtap_map *invoice, billtap_json_ref line, int64_t *start, int64_t *end)
{
	const char *currency;
	int64_t exponent;
	billtap_record_get_str(&currency, invoice->rec, BILLTAP_FIELD_CURRENCY);
	billtap_record_get_int(&exponent, invoice->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);

	billtap_map m;
	billtap_map_begin_item(&m, invoice->rec, "invoice line", invoice->doc, line, NULL,
	                       invoice->ctx);
	billtap_map_vocab(&m, BILLTAP_FIELD_KIND, "type", line_types, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PLAN_ID, "plan", 0);
	billtap_map_str(&m, BILLTAP_FIELD_DESCRIPTION, "description", 0);
	billtap_map_int(&m, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_CURRENCY, currency);
	billtap_map_set_int(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount",
	                  BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_START, "period.start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_END, "period.end", 0);
	const char *kind = NULL;
	if (m.status == 0)
		billtap_record_get_str(&kind, m.rec, BILLTAP_FIELD_KIND);
	billtap_map_set_int(&m, BILLTAP_FIELD_PRORATION, kind && !strcmp(kind, "proration"));

	/* The invoice's service period: its earliest line start and latest line end. */
	int64_t t;
	if (m.status == 0 && billtap_record_get_int(&t, m.rec, BILLTAP_FIELD_PERIOD_START) == 0 &&
	    (*start == BILLTAP_TIME_NONE || t < *start))
		*start = t;
	if (m.status == 0 && billtap_record_get_int(&t, m.rec, BILLTAP_FIELD_PERIOD_END) == 0 &&
	    (*end == BILLTAP_TIME_NONE || t > *end))
		*end = t;
	return billtap_map_end(NULL, &m);
}

static void set_time_or_null(billtap_map *m, billtap_field field, int64_t t)
{
	if (m->status < 0)
		return;
	if (t == BILLTAP_TIME_NONE)
		billtap_record_set_null(m->rec, field);
	else
		billtap_map_set_int(m, field, t);
}

int ledgerly_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                         billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "state", invoice_states, "other",
	                  BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "state", 0);
	billtap_map_currency(&m, "currency", NULL); /* Ledgerly uses ISO 4217's decimals */
	static const struct {
		billtap_field field;
		const char *path;
	} amounts[] = {
		{ BILLTAP_FIELD_SUBTOTAL, "totals.subtotal" }, { BILLTAP_FIELD_DISCOUNT, "totals.discount" },
		{ BILLTAP_FIELD_TAX, "totals.tax" },           { BILLTAP_FIELD_TOTAL, "totals.total" },
		{ BILLTAP_FIELD_AMOUNT_PAID, "totals.paid" },  { BILLTAP_FIELD_AMOUNT_DUE, "totals.due" },
	};
	for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++)
		billtap_map_money(&m, amounts[i].field, amounts[i].path,
		                  BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_ISSUED_AT, "finalized_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_DUE_AT, "due_on", 0); /* a date: midnight UTC */
	billtap_map_time(&m, BILLTAP_FIELD_PAID_AT, "settled_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_VOIDED_AT, "cancelled_at", 0);

	billtap_json_ref lines = billtap_json_get(doc, obj, "lines");
	if (m.status == 0 && billtap_json_typeof(doc, lines) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "lines", "is not an array");
	int64_t start = BILLTAP_TIME_NONE, end = BILLTAP_TIME_NONE;
	for (billtap_json_ref line = billtap_json_first(doc, lines);
	     line != BILLTAP_JSON_NONE && m.status == 0; line = billtap_json_next(doc, line)) {
		int rc = map_line(&m, line, &start, &end);
		if (rc < 0)
			billtap_map_fail(&m, rc, NULL, NULL); /* the line's mapper said why */
	}
	set_time_or_null(&m, BILLTAP_FIELD_PERIOD_START, start);
	set_time_or_null(&m, BILLTAP_FIELD_PERIOD_END, end);
	return billtap_map_end(out, &m);
}
