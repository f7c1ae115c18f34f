/* Chargebee invoices and their line_items into invoice records. Chargebee gives each line
 * its amount before discounts and the discounts apart (item-level coupons taken off one
 * line, document-level ones off the invoice): the model's line amount is after its own
 * discount, its subtotal the sum of those. */
#include <string.h>

#include "chargebee.h"

static const billtap_vocab statuses[] = {
	{ "pending", "draft" },          /* open for more charges, not yet closed */
	{ "posted", "open" },            /* closed, due later (net terms) */
	{ "payment_due", "open" },       /* due, a collection failed or none was tried */
	{ "not_paid", "uncollectible" }, /* every attempt failed; dunning gave up */
	{ "paid", "paid" },
	{ "voided", "void" },
	{ NULL, NULL },
};

/* An item price billed by a subscription, a one-off charge, or something else. */
static const billtap_vocab line_kinds[] = {
	{ "plan_item_price", "subscription" },   { "addon_item_price", "subscription" },
	{ "charge_item_price", "one_off" },      { "adhoc", "one_off" },
	{ "plan", "subscription" },              { "addon", "subscription" },
	{ NULL, NULL },
};

static int is_item_level(const billtap_json *doc, billtap_json_ref discount)
{
	return billtap_json_str_eq(doc, billtap_json_get(doc, discount, "entity_type"), "item_level_coupon") == 1;
}

/* Sums `amount` over discounts[] of one level. */
static int sum_discounts(billtap_map *m, int item_level, int64_t *sum)
{
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "discounts");
	*sum = 0;
	if (list == BILLTAP_JSON_NONE || billtap_json_typeof(m->doc, list) == BILLTAP_JSON_NULL)
		return 0;
	if (billtap_json_typeof(m->doc, list) != BILLTAP_JSON_ARRAY)
		return billtap_map_fail(m, BILLTAP_EDATA, "discounts", "is not an array");
	for (billtap_json_ref d = billtap_json_first(m->doc, list); d != BILLTAP_JSON_NONE; d = billtap_json_next(m->doc, d)) {
		int64_t amount;
		if (is_item_level(m->doc, d) != item_level)
			continue;
		if (billtap_json_integer(&amount, m->doc, billtap_json_get(m->doc, d, "amount"), 0) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, "discounts", "has an amount that is not an integer");
		*sum += amount;
	}
	return 0;
}

static int64_t int_or_zero(billtap_map *m, billtap_json_ref obj, const char *member)
{
	int64_t v = 0;
	int rc = billtap_json_integer(&v, m->doc, billtap_json_get(m->doc, obj, member), 0);
	if (rc < 0 && rc != BILLTAP_ENOTFOUND)
		billtap_map_fail(m, BILLTAP_EDATA, member, "is not an integer");
	return rc == 0 ? v : 0;
}

/* One line; *subtotal gathers the amounts after the lines' own discounts. */
static int map_line(billtap_map *m, billtap_json_ref obj, const char *code, int64_t exponent,
                    int64_t *subtotal, int64_t *from, int64_t *to)
{
	billtap_map line;
	int64_t amount = 0, t;
	billtap_map_begin_item(&line, m->rec, "line item", m->doc, obj, "id", m->ctx);
	billtap_map_vocab(&line, BILLTAP_FIELD_KIND, "entity_type", line_kinds, "other", 0);
	const char *kind = NULL;
	billtap_record_get_str(&kind, line.rec, BILLTAP_FIELD_KIND);
	if (line.status == 0 && kind && strcmp(kind, "other") != 0)
		billtap_map_str(&line, BILLTAP_FIELD_PLAN_ID, "entity_id", 0);
	billtap_map_str(&line, BILLTAP_FIELD_DESCRIPTION, "description", 0);
	billtap_map_int(&line, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_set_str(&line, BILLTAP_FIELD_CURRENCY, code);
	billtap_map_set_int(&line, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	if (line.status == 0 && billtap_json_integer(&amount, m->doc, billtap_json_get(m->doc, obj, "amount"), 0) < 0)
		billtap_map_fail(&line, BILLTAP_EDATA, "amount", "is missing or not an integer");
	amount -= int_or_zero(&line, obj, "item_level_discount_amount");
	billtap_map_set_int(&line, BILLTAP_FIELD_AMOUNT, amount);
	billtap_record_set_source(line.rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED,
	                          "amount item_level_discount_amount");
	billtap_map_time(&line, BILLTAP_FIELD_PERIOD_START, "date_from", 0);
	billtap_map_time(&line, BILLTAP_FIELD_PERIOD_END, "date_to", 0);
	/* Chargebee does not flag prorated lines */
	billtap_map_set_int(&line, BILLTAP_FIELD_PRORATION, 0);
	if (line.status == 0) {
		*subtotal += amount;
		if (billtap_record_get_int(&t, line.rec, BILLTAP_FIELD_PERIOD_START) == 0 && (!*from || t < *from))
			*from = t;
		if (billtap_record_get_int(&t, line.rec, BILLTAP_FIELD_PERIOD_END) == 0 && (!*to || t > *to))
			*to = t;
	}
	return billtap_map_end(NULL, &line);
}

static void map_lines(billtap_map *m)
{
	int64_t exponent = 0, subtotal = 0, from = 0, to = 0;
	const char *code = NULL;
	billtap_record_get_str(&code, m->rec, BILLTAP_FIELD_CURRENCY);
	billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_json_ref lines = billtap_json_get(m->doc, m->obj, "line_items");
	if (m->status == 0 && lines != BILLTAP_JSON_NONE && billtap_json_typeof(m->doc, lines) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(m, BILLTAP_EDATA, "line_items", "is not an array");
	for (billtap_json_ref l = billtap_json_first(m->doc, lines); m->status == 0 && l != BILLTAP_JSON_NONE;
	     l = billtap_json_next(m->doc, l)) {
		int rc = map_line(m, l, code, exponent, &subtotal, &from, &to);
		if (rc < 0)
			billtap_map_fail(m, rc, NULL, NULL);
	}
	billtap_map_set_int(m, BILLTAP_FIELD_SUBTOTAL, subtotal);
	billtap_record_set_source(m->rec, BILLTAP_FIELD_SUBTOTAL, BILLTAP_SOURCE_COMPUTED,
	                          "line_items sub_total discounts");
	if (from) {
		billtap_map_set_int(m, BILLTAP_FIELD_PERIOD_START, from);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_PERIOD_START, BILLTAP_SOURCE_COMPUTED, "line_items");
	}
	if (to) {
		billtap_map_set_int(m, BILLTAP_FIELD_PERIOD_END, to);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_PERIOD_END, BILLTAP_SOURCE_COMPUTED, "line_items");
	}
}

int cb_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                   billtap_ctx *ctx)
{
	billtap_map m;
	int64_t discount = 0, total = 0;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, obj, "id", ctx);
	/* Chargebee's invoice id is its number */
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_id", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency_code", NULL);
	map_lines(&m);
	if (m.status == 0)
		sum_discounts(&m, 0, &discount);
	billtap_map_set_int(&m, BILLTAP_FIELD_DISCOUNT, discount);
	billtap_record_set_source(m.rec, BILLTAP_FIELD_DISCOUNT, BILLTAP_SOURCE_COMPUTED, "discounts");
	billtap_map_money(&m, BILLTAP_FIELD_TAX, "tax", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_TOTAL, "total", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT_PAID, "amount_paid", 0);
	/* what the customer was asked to pay: the total less the credits applied to it
	 * (Chargebee's own amount_due is what is still due now) */
	if (m.status == 0 && billtap_record_get_int(&total, m.rec, BILLTAP_FIELD_TOTAL) == 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_DUE, total - int_or_zero(&m, obj, "credits_applied"));
		billtap_record_set_source(m.rec, BILLTAP_FIELD_AMOUNT_DUE, BILLTAP_SOURCE_COMPUTED,
		                          "total credits_applied");
	}
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "date", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_ISSUED_AT, "generated_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_DUE_AT, "due_date", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PAID_AT, "paid_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_VOIDED_AT, "voided_at", 0);
	return billtap_map_end(out, &m);
}
