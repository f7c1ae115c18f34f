/*
 * PayPal Invoicing v2 invoices -> normalized invoices and lines (docs/data-model.md,
 * "invoice"; the rules and their sources: docs/providers/paypal.md, "Invoices").
 *
 * PayPal gives no line totals: an item has a unit_amount, a quantity (a decimal string of
 * up to five places) and its own discount. A line's amount is unit_amount x quantity,
 * rounded half away from zero to the currency's decimals when the product is finer,
 * less the item's discount amount. PayPal's amount.breakdown.item_total (the sum of the
 * items before discounts) and discount.item_discount are the check: lines that do not add
 * up to them are a data error naming the invoice, never a silently different subtotal.
 * Shipping and the custom amount are lines of their own (kind "other"), so the lines add
 * up to the subtotal as on every provider.
 *
 * PayPal writes the aggregated discounts (breakdown.discount.item_discount and
 * invoice_discount.amount) negative and an item's discount.amount positive (the spec's
 * invoice example); billtap takes their magnitude.
 */
#include <stdio.h>
#include <string.h>

#include "paypal.h"

static const billtap_vocab statuses[] = {
	{ "DRAFT", "draft" },
	{ "SCHEDULED", "draft" },          /* to be sent later: not issued yet */
	{ "SENT", "open" },
	{ "UNPAID", "open" },
	{ "PARTIALLY_PAID", "open" },
	{ "PAYMENT_PENDING", "open" },     /* a payment is on its way (an eCheck) */
	{ "PAID", "paid" },
	{ "MARKED_AS_PAID", "paid" },      /* paid outside PayPal, recorded by the merchant */
	{ "REFUNDED", "paid" },            /* refunds are transactions; the invoice was paid */
	{ "PARTIALLY_REFUNDED", "paid" },
	{ "MARKED_AS_REFUNDED", "paid" },
	{ "CANCELLED", "void" },
	{ NULL, NULL },
};

/* The statuses under which an invoice has been paid in full (paid_at applies). */
static int paid_status(const billtap_json *doc, billtap_json_ref status)
{
	static const char *const paid[] = { "PAID", "MARKED_AS_PAID", "REFUNDED", "PARTIALLY_REFUNDED",
	                                    "MARKED_AS_REFUNDED" };
	for (size_t i = 0; i < sizeof paid / sizeof paid[0]; i++)
		if (billtap_json_str_eq(doc, status, paid[i]))
			return 1;
	return 0;
}

/*
 * A money object {currency_code, value} at `ref` in the record's currency, as minor units
 * (*has 0 when null or absent). Another currency, or digits the currency cannot hold, fail
 * the map naming `member`.
 */
static int money(int64_t *out, int *has, billtap_map *m, billtap_json_ref ref, const char *member)
{
	*has = 0;
	*out = 0;
	if (m->status < 0)
		return m->status;
	billtap_json_type t = billtap_json_typeof(m->doc, ref);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return 0;
	const char *mine = NULL;
	billtap_record_get_str(&mine, m->rec, BILLTAP_FIELD_CURRENCY);
	if (!mine) { /* a line: the invoice's currency is set on the line first */
		return billtap_map_fail(m, BILLTAP_EDATA, member, "comes before the currency");
	}
	int64_t exponent = 0;
	billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_json_ref code = billtap_json_get(m->doc, ref, "currency_code");
	char upper[4];
	const char *text;
	size_t len;
	if (billtap_json_typeof(m->doc, code) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, m->doc, code) < 0 ||
	    billtap_currency_normalize(upper, text, len) < 0 || strcmp(upper, mine) != 0)
		return billtap_map_fail(m, BILLTAP_EDATA, member, "is not in the invoice's currency");
	billtap_json_ref value = billtap_json_get(m->doc, ref, "value");
	if (billtap_json_typeof(m->doc, value) != BILLTAP_JSON_STRING ||
	    billtap_json_money(out, m->doc, value, (int)exponent, BILLTAP_MAP_MAJOR_UNITS) < 0 ||
	    *out == INT64_MIN)
		return billtap_map_fail(m, BILLTAP_EDATA, member,
		                        "is not an amount PayPal's currency rules allow (decimals)");
	*has = 1;
	return 0;
}

static int64_t magnitude(int64_t v)
{
	return v < 0 ? -v : v;
}

/* a + b into *sum, or -1 on 64-bit overflow. */
static int add(int64_t *sum, int64_t a, int64_t b)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*sum = a + b;
	return 0;
}

#define QUANTITY_SCALE 100000 /* PayPal's quantity has at most five decimals */

/* A discount's percent that is there and not zero ("5", "7.25"; "0" and "0.00" are none).
 * One that is no decimal of at most five places counts as there. */
static int has_percent(const billtap_json *doc, billtap_json_ref discount)
{
	billtap_json_ref percent = billtap_json_get(doc, discount, "percent");
	billtap_json_type t = billtap_json_typeof(doc, percent);
	int64_t v;
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL)
		return 0;
	return billtap_json_money(&v, doc, percent, 5, BILLTAP_MAP_MAJOR_UNITS) < 0 || v != 0;
}

/*
 * unit x quantity (quantity in 1/100000ths) in minor units, rounded half away from zero;
 * *whole says whether the quantity is a whole number. -1 on 64-bit overflow.
 */
static int line_gross(int64_t *out, int64_t unit, int64_t q)
{
	if (q != 0 && magnitude(unit) > INT64_MAX / magnitude(q))
		return -1;
	int64_t p = unit * q, whole = p / QUANTITY_SCALE, rest = p % QUANTITY_SCALE;
	if (magnitude(rest) * 2 >= QUANTITY_SCALE)
		whole += p < 0 ? -1 : 1;
	*out = whole;
	return 0;
}

/* The sums of the items, checked against PayPal's breakdown once every line is in. */
typedef struct item_sums {
	int64_t gross, discount, lines;
} item_sums;

/* Errors name the invoice and the item's place: "invoice INV2-1 item 2 (no id): ...". */
static void item_what(char what[160], const billtap_record *inv, size_t n)
{
	const char *id = billtap_record_id(inv);
	snprintf(what, 160, "invoice %.100s item %zu", id ? id : "(no id)", n);
}

static int map_item(item_sums *sums, billtap_record *inv, size_t n, const billtap_json *doc,
                    billtap_json_ref item, billtap_ctx *ctx)
{
	billtap_map m;
	char what[160];
	item_what(what, inv, n);
	billtap_map_begin_item(&m, inv, what, doc, item, NULL, ctx);
	billtap_map_str(&m, BILLTAP_FIELD_ID, "id", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "one_off");
	billtap_map_str(&m, BILLTAP_FIELD_DESCRIPTION, "name", BILLTAP_MAP_REQUIRED);
	const char *currency = NULL;
	int64_t exponent = 0;
	billtap_record_get_str(&currency, inv, BILLTAP_FIELD_CURRENCY);
	billtap_record_get_int(&exponent, inv, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_map_set_str(&m, BILLTAP_FIELD_CURRENCY, currency);
	billtap_map_set_int(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	/* "1", "2.5", "0.33333": exact in hundred-thousandths */
	int64_t q = 0, unit = 0, gross = 0, off = 0;
	int has;
	billtap_json_ref quantity = billtap_json_get(doc, item, "quantity");
	if (!m.status && (billtap_json_typeof(doc, quantity) != BILLTAP_JSON_STRING ||
	                  billtap_json_money(&q, doc, quantity, 5, BILLTAP_MAP_MAJOR_UNITS) < 0 ||
	                  q == INT64_MIN))
		billtap_map_fail(&m, BILLTAP_EDATA, "quantity",
		                 "is not a decimal string of at most five places");
	if (!m.status && q % QUANTITY_SCALE == 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_QUANTITY, q / QUANTITY_SCALE);
		pp_map_source(&m, BILLTAP_FIELD_QUANTITY, "quantity");
	} else {
		billtap_map_set_str(&m, BILLTAP_FIELD_QUANTITY, NULL); /* not a whole number */
	}
	money(&unit, &has, &m, billtap_json_get(doc, item, "unit_amount"), "unit_amount");
	if (!m.status && !has)
		billtap_map_fail(&m, BILLTAP_EDATA, "unit_amount", "is missing");
	if (!m.status && line_gross(&gross, unit, q) < 0)
		billtap_map_fail(&m, BILLTAP_EDATA, "unit_amount", "times quantity is beyond the 64-bit range");
	/* The item's own discount: PayPal's computed amount (a percent alone is a request's,
	 * not an answer's, and would need PayPal's rounding). */
	billtap_json_ref discount = billtap_json_get(doc, item, "discount");
	money(&off, &has, &m, billtap_json_get(doc, discount, "amount"), "discount.amount");
	if (!m.status && !has && has_percent(doc, discount))
		billtap_map_fail(&m, BILLTAP_EDATA, "discount", "has a percent but no amount");
	off = magnitude(off);
	int64_t amount = 0;
	if (!m.status && (add(&amount, gross, -off) < 0 || add(&sums->gross, sums->gross, gross) < 0 ||
	                  add(&sums->discount, sums->discount, off) < 0 ||
	                  add(&sums->lines, sums->lines, amount) < 0))
		billtap_map_fail(&m, BILLTAP_EDATA, "unit_amount", "adds up beyond the 64-bit range");
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, amount);
	pp_map_source(&m, BILLTAP_FIELD_AMOUNT, "unit_amount quantity discount.amount");
	billtap_map_set_int(&m, BILLTAP_FIELD_PRORATION, 0);
	/* item_date is the day of service, not a period: the periods stay null */
	return billtap_map_end(NULL, &m);
}

/* Shipping or the custom amount as a line of kind "other" (no id, no quantity). */
static int map_extra(int64_t *lines, billtap_record *inv, const billtap_json *doc,
                     billtap_json_ref obj, const char *label_path, const char *label,
                     billtap_ctx *ctx)
{
	billtap_map m;
	char what[160];
	item_what(what, inv, billtap_record_item_count(inv) + 1);
	billtap_map_begin_item(&m, inv, what, doc, obj, NULL, ctx);
	const char *currency = NULL;
	int64_t exponent = 0, amount = 0;
	int has;
	billtap_record_get_str(&currency, inv, BILLTAP_FIELD_CURRENCY);
	billtap_record_get_int(&exponent, inv, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_map_set_str(&m, BILLTAP_FIELD_CURRENCY, currency);
	billtap_map_set_int(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "other");
	if (label_path)
		billtap_map_str(&m, BILLTAP_FIELD_DESCRIPTION, label_path, 0);
	else
		billtap_map_set_str(&m, BILLTAP_FIELD_DESCRIPTION, label);
	money(&amount, &has, &m, billtap_json_get(doc, obj, "amount"), "amount");
	if (!m.status && add(lines, *lines, amount) < 0)
		billtap_map_fail(&m, BILLTAP_EDATA, "amount", "adds up beyond the 64-bit range");
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, amount);
	pp_map_source(&m, BILLTAP_FIELD_AMOUNT, "amount");
	billtap_map_set_str(&m, BILLTAP_FIELD_QUANTITY, NULL);
	billtap_map_set_int(&m, BILLTAP_FIELD_PRORATION, 0);
	return billtap_map_end(NULL, &m);
}

/* A breakdown amount that must equal what the items add up to, when PayPal gives it. */
static void check_sum(billtap_map *m, const char *path, int64_t computed, int negated)
{
	int64_t v;
	int has;
	if (money(&v, &has, m, billtap_json_path(m->doc, m->obj, path), path) < 0 || !has)
		return;
	if ((negated ? magnitude(v) : v) != computed) {
		char problem[160];
		snprintf(problem, sizeof problem, "is not what the items add up to (%lld minor units)",
		         (long long)computed);
		billtap_map_fail(m, BILLTAP_EDATA, path, problem);
	}
}

/* The lines: items in PayPal's order, then shipping, then the custom amount. The subtotal
 * is their sum, checked against item_total and item_discount. */
static void map_lines(billtap_map *m)
{
	const billtap_json *doc = m->doc;
	item_sums sums = { 0, 0, 0 };
	billtap_json_ref items = billtap_json_get(doc, m->obj, "items");
	billtap_json_type t = billtap_json_typeof(doc, items);
	if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL && t != BILLTAP_JSON_ARRAY)
		billtap_map_fail(m, BILLTAP_EDATA, "items", "is not a list");
	size_t n = 0;
	for (billtap_json_ref it = billtap_json_first(doc, items); it != BILLTAP_JSON_NONE && !m->status;
	     it = billtap_json_next(doc, it)) {
		int rc = map_item(&sums, m->rec, ++n, doc, it, m->ctx);
		if (rc < 0)
			billtap_map_fail(m, rc, NULL, NULL);
	}
	check_sum(m, "amount.breakdown.item_total", sums.gross, 0);
	check_sum(m, "amount.breakdown.discount.item_discount", sums.discount, 1);
	billtap_json_ref breakdown = billtap_json_path(doc, m->obj, "amount.breakdown");
	billtap_json_ref shipping = billtap_json_get(doc, breakdown, "shipping");
	billtap_json_ref custom = billtap_json_get(doc, breakdown, "custom");
	int rc = 0;
	if (!m->status && billtap_json_get(doc, shipping, "amount") != BILLTAP_JSON_NONE)
		rc = map_extra(&sums.lines, m->rec, doc, shipping, NULL, "Shipping", m->ctx);
	if (!m->status && rc == 0 && billtap_json_get(doc, custom, "amount") != BILLTAP_JSON_NONE)
		rc = map_extra(&sums.lines, m->rec, doc, custom, "label", NULL, m->ctx);
	if (rc < 0)
		billtap_map_fail(m, rc, NULL, NULL);
	billtap_map_set_int(m, BILLTAP_FIELD_SUBTOTAL, sums.lines);
	pp_map_source(m, BILLTAP_FIELD_SUBTOTAL,
	              "items amount.breakdown.shipping.amount amount.breakdown.custom.amount");
}

/* discount, tax and total, and the check that they agree with the subtotal. */
static void map_totals(billtap_map *m)
{
	const billtap_json *doc = m->doc;
	int64_t discount = 0, tax = 0, total = 0, subtotal = 0;
	int has;
	const char *dpath = "amount.breakdown.discount.invoice_discount.amount";
	money(&discount, &has, m, billtap_json_path(doc, m->obj, dpath), dpath);
	const char *ipath = "amount.breakdown.discount.invoice_discount";
	if (!m->status && !has && has_percent(doc, billtap_json_path(doc, m->obj, ipath)))
		billtap_map_fail(m, BILLTAP_EDATA, ipath, "has a percent but no amount");
	discount = magnitude(discount);
	billtap_map_set_int(m, BILLTAP_FIELD_DISCOUNT, discount);
	pp_map_source(m, BILLTAP_FIELD_DISCOUNT, dpath);
	money(&tax, &has, m, billtap_json_path(doc, m->obj, "amount.breakdown.tax_total"),
	      "amount.breakdown.tax_total");
	billtap_map_set_int(m, BILLTAP_FIELD_TAX, tax);
	pp_map_source(m, BILLTAP_FIELD_TAX, "amount.breakdown.tax_total");
	money(&total, &has, m, billtap_json_get(doc, m->obj, "amount"), "amount");
	if (!m->status && !has)
		billtap_map_fail(m, BILLTAP_EDATA, "amount", "is missing");
	billtap_map_set_int(m, BILLTAP_FIELD_TOTAL, total);
	pp_map_source(m, BILLTAP_FIELD_TOTAL, "amount.value");
	/* total = subtotal - discount + tax added on top (none when prices include it) */
	int inclusive = 0;
	billtap_json_bool(&inclusive, doc, billtap_json_path(doc, m->obj, "configuration.tax_inclusive"));
	billtap_record_get_int(&subtotal, m->rec, BILLTAP_FIELD_SUBTOTAL);
	int64_t expect = 0;
	if (!m->status && (add(&expect, subtotal, -discount) < 0 ||
	                   add(&expect, expect, inclusive ? 0 : tax) < 0 || expect != total)) {
		char problem[200];
		snprintf(problem, sizeof problem,
		         "is not the lines (%lld) less the invoice discount plus tax%s (minor units)",
		         (long long)subtotal, inclusive ? " (included)" : "");
		billtap_map_fail(m, BILLTAP_EDATA, "amount", problem);
	}
}

/* paid_at: the latest payments.transactions[].payment_date of an invoice paid in full. */
static void map_paid_at(billtap_map *m)
{
	const billtap_json *doc = m->doc;
	if (m->status || !paid_status(doc, billtap_json_get(doc, m->obj, "status")))
		return;
	billtap_json_ref list = billtap_json_path(doc, m->obj, "payments.transactions");
	int64_t latest = 0, t;
	int found = 0;
	for (billtap_json_ref p = billtap_json_first(doc, list); p != BILLTAP_JSON_NONE;
	     p = billtap_json_next(doc, p)) {
		billtap_json_ref date = billtap_json_get(doc, p, "payment_date");
		if (billtap_json_typeof(doc, date) == BILLTAP_JSON_ABSENT)
			continue;
		if (billtap_json_time(&t, doc, date) < 0) {
			billtap_map_fail(m, BILLTAP_EDATA, "payments.transactions",
			                 "has a payment_date that is not a date");
			return;
		}
		if (!found || t > latest)
			latest = t;
		found = 1;
	}
	if (found) {
		billtap_map_set_int(m, BILLTAP_FIELD_PAID_AT, latest);
		pp_map_source(m, BILLTAP_FIELD_PAID_AT, "status payments.transactions.payment_date");
	}
}

int pp_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref inv,
                   billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, inv, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "detail.invoice_number", 0);
	/* Recipients carry a name and an email, never a payer id; invoices bill no subscription. */
	billtap_map_set_str(&m, BILLTAP_FIELD_CUSTOMER_ID, NULL);
	billtap_map_set_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, NULL);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "detail.currency_code", pp_currency_exponent);
	map_lines(&m);
	map_totals(&m);
	int64_t v;
	int has;
	money(&v, &has, &m, billtap_json_path(doc, inv, "payments.paid_amount"), "payments.paid_amount");
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_PAID, v); /* no payments: nothing paid */
	pp_map_source(&m, BILLTAP_FIELD_AMOUNT_PAID, "payments.paid_amount");
	money(&v, &has, &m, billtap_json_get(doc, inv, "due_amount"), "due_amount");
	if (has) {
		billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT_DUE, v);
		pp_map_source(&m, BILLTAP_FIELD_AMOUNT_DUE, "due_amount");
	}
	/* created: the audit metadata's time, else the invoice date (a day, midnight UTC) */
	if (billtap_json_path(doc, inv, "detail.metadata.create_time") != BILLTAP_JSON_NONE)
		billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "detail.metadata.create_time",
		                 BILLTAP_MAP_REQUIRED);
	else
		billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "detail.invoice_date", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_ISSUED_AT, "detail.metadata.first_sent_time", 0);
	billtap_map_time(&m, BILLTAP_FIELD_DUE_AT, "detail.payment_term.due_date", 0);
	map_paid_at(&m);
	if (billtap_json_str_eq(doc, billtap_json_get(doc, inv, "status"), "CANCELLED"))
		billtap_map_time(&m, BILLTAP_FIELD_VOIDED_AT, "detail.metadata.cancel_time", 0);
	return billtap_map_end(out, &m);
}
