/* Paddle transactions with an invoice number into invoice records. Paddle has no invoice
 * object: it numbers a transaction (invoice_number) when it is billed or completed, and
 * that numbered transaction is the invoice. Its totals (details.totals) are strings in
 * minor units: subtotal before discount and tax, discount, tax, total = subtotal -
 * discount + tax, grand_total = total less credits, balance = what is still to pay.
 * Paddle's discounts apply to the transaction, so lines are before discount. */
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

static const billtap_vocab statuses[] = {
	{ "billed", "open" },    /* issued, to be paid by its terms (manual collection) */
	{ "past_due", "open" },  /* a renewal payment failed; dunning retries */
	{ "paid", "paid" },      /* paid, Paddle still processing it */
	{ "completed", "paid" }, /* paid and processed */
	{ "canceled", "void" },  /* a billed transaction canceled */
	{ NULL, NULL },
};

static int64_t money_at(billtap_map *m, billtap_json_ref obj, const char *path, int64_t exponent)
{
	int64_t v = 0;
	int rc = billtap_json_money(&v, m->doc, billtap_json_path(m->doc, obj, path), (int)exponent,
	                            BILLTAP_MAP_NUMERIC_STRING);
	if (rc < 0 && m->status == 0)
		billtap_map_fail(m, BILLTAP_EDATA, path, "is missing or not an amount in minor units");
	return v;
}

/* One line of details.line_items: before the transaction's discount; a line with a
 * proration is a proration, its period the proration's billing period. */
static int map_line(billtap_map *m, billtap_json_ref obj, const char *code, int64_t exponent,
                    int subscription, int64_t *from, int64_t *to)
{
	billtap_map line;
	int64_t t;
	billtap_map_begin_item(&line, m->rec, "line item", m->doc, obj, "id", m->ctx);
	billtap_json_ref proration = billtap_json_get(m->doc, obj, "proration");
	int prorated = billtap_json_typeof(m->doc, proration) == BILLTAP_JSON_OBJECT;
	billtap_map_set_str(&line, BILLTAP_FIELD_KIND, prorated ? "proration" : subscription ? "subscription" : "one_off");
	billtap_record_set_source(line.rec, BILLTAP_FIELD_KIND, BILLTAP_SOURCE_COMPUTED, "proration");
	billtap_map_set_int(&line, BILLTAP_FIELD_PRORATION, prorated);
	billtap_record_set_source(line.rec, BILLTAP_FIELD_PRORATION, BILLTAP_SOURCE_COMPUTED, "proration");
	billtap_map_str(&line, BILLTAP_FIELD_PLAN_ID, "price_id", 0);
	billtap_map_str(&line, BILLTAP_FIELD_DESCRIPTION, "product.name", 0);
	billtap_map_int(&line, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&line, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(&line, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	billtap_map_set_int(&line, BILLTAP_FIELD_AMOUNT, money_at(&line, obj, "totals.subtotal", exponent));
	billtap_record_set_source(line.rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED, "totals.subtotal");
	if (prorated) {
		billtap_map_time(&line, BILLTAP_FIELD_PERIOD_START, "proration.billing_period.starts_at", 0);
		billtap_map_time(&line, BILLTAP_FIELD_PERIOD_END, "proration.billing_period.ends_at", 0);
	} else if (subscription && line.status == 0) {
		/* a renewal's lines bill the transaction's billing period */
		const billtap_json *doc = m->doc;
		billtap_json_ref period = billtap_json_get(doc, m->obj, "billing_period");
		if (billtap_json_time(&t, doc, billtap_json_get(doc, period, "starts_at")) == 0)
			billtap_map_set_int(&line, BILLTAP_FIELD_PERIOD_START, t);
		if (billtap_json_time(&t, doc, billtap_json_get(doc, period, "ends_at")) == 0)
			billtap_map_set_int(&line, BILLTAP_FIELD_PERIOD_END, t);
	}
	if (line.status == 0) {
		if (billtap_record_get_int(&t, line.rec, BILLTAP_FIELD_PERIOD_START) == 0 && (!*from || t < *from))
			*from = t;
		if (billtap_record_get_int(&t, line.rec, BILLTAP_FIELD_PERIOD_END) == 0 && (!*to || t > *to))
			*to = t;
	}
	return billtap_map_end(NULL, &line);
}

static void set_computed(billtap_map *m, billtap_field field, int64_t v, const char *members)
{
	if (billtap_map_set_int(m, field, v) == 0)
		billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

static void map_lines(billtap_map *m, billtap_json_ref details)
{
	int64_t exponent = 0, from = 0, to = 0;
	const char *code = NULL;
	billtap_record_get_str(&code, m->rec, BILLTAP_FIELD_CURRENCY);
	billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	int subscription = billtap_json_typeof(m->doc, billtap_json_get(m->doc, m->obj, "subscription_id")) ==
	                   BILLTAP_JSON_STRING;
	billtap_json_ref lines = billtap_json_get(m->doc, details, "line_items");
	if (m->status == 0 && billtap_json_typeof(m->doc, lines) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(m, BILLTAP_EDATA, "details.line_items", "is not an array");
	for (billtap_json_ref l = billtap_json_first(m->doc, lines); m->status == 0 && l != BILLTAP_JSON_NONE;
	     l = billtap_json_next(m->doc, l)) {
		int rc = map_line(m, l, code, exponent, subscription, &from, &to);
		if (rc < 0)
			billtap_map_fail(m, rc, NULL, NULL);
	}
	if (from)
		set_computed(m, BILLTAP_FIELD_PERIOD_START, from, "details.line_items");
	if (to)
		set_computed(m, BILLTAP_FIELD_PERIOD_END, to, "details.line_items");
}

/* paid_at: when its captured payment was captured (payments[], newest first). */
static void map_paid_at(billtap_map *m)
{
	billtap_json_ref payments = billtap_json_get(m->doc, m->obj, "payments");
	for (billtap_json_ref p = billtap_json_first(m->doc, payments); p != BILLTAP_JSON_NONE && m->status == 0;
	     p = billtap_json_next(m->doc, p)) {
		int64_t t;
		if (billtap_json_str_eq(m->doc, billtap_json_get(m->doc, p, "status"), "captured") != 1)
			continue;
		if (billtap_json_time(&t, m->doc, billtap_json_get(m->doc, p, "captured_at")) == 0)
			set_computed(m, BILLTAP_FIELD_PAID_AT, t, "payments");
		return;
	}
}

static void map_invoice(billtap_map *m)
{
	int64_t exponent = 0;
	billtap_map_str(m, BILLTAP_FIELD_NUMBER, "invoice_number", BILLTAP_MAP_REQUIRED);
	billtap_map_str(m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
	billtap_map_str(m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_id", 0);
	billtap_map_vocab(m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(m, "currency_code", pd_currency_exponent);
	billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_json_ref details = billtap_json_get(m->doc, m->obj, "details");
	billtap_json_ref totals = billtap_json_get(m->doc, details, "totals");
	if (m->status == 0 && billtap_json_typeof(m->doc, totals) != BILLTAP_JSON_OBJECT)
		billtap_map_fail(m, BILLTAP_EDATA, "details.totals", "is missing");
	map_lines(m, details);
	if (m->status < 0)
		return;
	int64_t grand = money_at(m, totals, "grand_total", exponent);
	int64_t balance = money_at(m, totals, "balance", exponent);
	set_computed(m, BILLTAP_FIELD_SUBTOTAL, money_at(m, totals, "subtotal", exponent), "details.totals.subtotal");
	set_computed(m, BILLTAP_FIELD_DISCOUNT, money_at(m, totals, "discount", exponent), "details.totals.discount");
	set_computed(m, BILLTAP_FIELD_TAX, money_at(m, totals, "tax", exponent), "details.totals.tax");
	set_computed(m, BILLTAP_FIELD_TOTAL, money_at(m, totals, "total", exponent), "details.totals.total");
	/* asked for: the total less credits (grand_total); paid: what of it is no longer due */
	set_computed(m, BILLTAP_FIELD_AMOUNT_DUE, grand, "details.totals.grand_total");
	set_computed(m, BILLTAP_FIELD_AMOUNT_PAID, grand - balance, "details.totals.grand_total details.totals.balance");
	billtap_map_time(m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_map_time(m, BILLTAP_FIELD_ISSUED_AT, "billed_at", 0);
	map_paid_at(m);
}

int pd_push_invoice(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	/* not numbered (yet): not an invoice */
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "invoice_number")) != BILLTAP_JSON_STRING)
		return 0;
	billtap_map m;
	billtap_record *rec = NULL;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "transaction", doc, obj, "id", ctx);
	map_invoice(&m);
	int rc = billtap_map_end(&rec, &m);
	return pd_push_mapped(sink, rc, rec, doc, obj);
}
