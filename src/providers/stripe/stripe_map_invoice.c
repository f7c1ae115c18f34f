/*
 * Stripe invoices and their lines -> normalized records (docs/data-model.md, "invoice").
 * Both API shapes: 2025-03-31.basil (line `parent` and `pricing`, invoice
 * `parent.subscription_details`, `total_taxes`) and the older one (line `type`, `proration`
 * and `price`, invoice `subscription`, `total_tax_amounts`).
 *
 * Discounts come at two levels. A line's own discounts (listed in the line's `discounts`)
 * are taken off that line and are already out of Stripe's `subtotal`; the invoice's
 * (listed in the invoice's `discounts`: a subscription's coupon, say) come off the
 * subtotal. `total_discount_amounts` sums both, so it is not the normalized discount:
 * that is the invoice level only, and a line's normalized amount is after its own.
 */
#include <stdio.h>
#include <string.h>

#include "stripe.h"

static const billtap_vocab statuses[] = {
	{ "draft", "draft" }, { "open", "open" }, { "paid", "paid" }, { "void", "void" },
	{ "uncollectible", "uncollectible" }, { NULL, NULL },
};

/* a + b and a - b into *out, refusing the 64-bit overflow. */
static int add(int64_t *out, int64_t a, int64_t b)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*out = a + b;
	return 0;
}

static int sub(int64_t *out, int64_t a, int64_t b)
{
	if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b))
		return -1;
	*out = a - b;
	return 0;
}

/* The sum of the "amount" members of an array of amounts (total_taxes), 0 for null or
 * absent; exact, refusing overflow. */
static int sum_amounts(billtap_map *m, billtap_field field, const char *path)
{
	if (m->status < 0)
		return m->status;
	billtap_json_ref list = billtap_json_path(m->doc, m->obj, path);
	billtap_json_type t = billtap_json_typeof(m->doc, list);
	int64_t sum = 0;
	if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL && t != BILLTAP_JSON_ARRAY)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a list");
	for (billtap_json_ref e = billtap_json_first(m->doc, list); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(m->doc, e)) {
		int64_t v;
		if (billtap_json_integer(&v, m->doc, billtap_json_get(m->doc, e, "amount"), 0) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, path,
			                        "has an entry without an integer amount");
		if (add(&sum, sum, v) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, path, "adds up beyond the 64-bit range");
	}
	billtap_map_set_int(m, field, sum);
	return stripe_map_source(m, field, path);
}

/* 1 when the discount `id` is in `discounts` (ids, or objects when expanded). */
static int listed(const billtap_json *doc, billtap_json_ref discounts, const char *id)
{
	for (billtap_json_ref d = billtap_json_first(doc, discounts); d != BILLTAP_JSON_NONE;
	     d = billtap_json_next(doc, d)) {
		billtap_json_ref d_id = billtap_json_typeof(doc, d) == BILLTAP_JSON_OBJECT
		                                ? billtap_json_get(doc, d, "id")
		                                : d;
		if (billtap_json_str_eq(doc, d_id, id))
			return 1;
	}
	return 0;
}

/*
 * The sum of the entries of `amounts` (discount_amounts, total_discount_amounts: {amount,
 * discount}) whose discount is in `discounts`. Without a `discounts` member (API versions
 * before line-level discounts existed, when every discount was the invoice's) that is
 * every entry when absent_is_all, none otherwise. Fails the map naming `path` on a bad
 * entry.
 */
static int sum_discounts(int64_t *sum, billtap_map *m, const char *path, billtap_json_ref discounts,
                         int absent_is_all)
{
	const billtap_json *doc = m->doc;
	billtap_json_ref amounts = billtap_json_path(doc, m->obj, path);
	billtap_json_type t = billtap_json_typeof(doc, amounts);
	*sum = 0;
	if (t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL && t != BILLTAP_JSON_ARRAY)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a list");
	int all = 0;
	if (billtap_json_typeof(doc, discounts) == BILLTAP_JSON_ABSENT) {
		if (!absent_is_all)
			return 0;
		all = 1;
	}
	for (billtap_json_ref e = billtap_json_first(doc, amounts); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(doc, e)) {
		int64_t v;
		if (billtap_json_integer(&v, doc, billtap_json_get(doc, e, "amount"), 0) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, path,
			                        "has an entry without an integer amount");
		billtap_json_ref d = billtap_json_get(doc, e, "discount");
		if (billtap_json_typeof(doc, d) == BILLTAP_JSON_OBJECT)
			d = billtap_json_get(doc, d, "id");
		char id[256];
		size_t n;
		if (!all && billtap_json_str_decode(id, sizeof id, &n, doc, d) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, path,
			                        "has an entry without a discount id");
		if ((all || listed(doc, discounts, id)) && add(sum, *sum, v) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, path, "adds up beyond the 64-bit range");
	}
	return 0;
}

/*
 * The invoice-level discount: subtotal_excluding_tax - total_excluding_tax (both before
 * tax, item discounts already out of both). Where Stripe leaves either out or null (older
 * invoices and API versions), the total_discount_amounts entries of the invoice's own
 * `discounts`.
 */
/* An integer member that may be null or absent (*has 0); anything else fails the map. */
static int optional_int(int64_t *v, int *has, billtap_map *m, const char *member)
{
	billtap_json_ref ref = billtap_json_get(m->doc, m->obj, member);
	billtap_json_type t = billtap_json_typeof(m->doc, ref);
	*has = t != BILLTAP_JSON_ABSENT && t != BILLTAP_JSON_NULL;
	if (*has && billtap_json_integer(v, m->doc, ref, 0) < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, member, "is not an integer amount of minor units");
	return 0;
}

static int invoice_discount(billtap_map *m)
{
	if (m->status < 0)
		return m->status;
	const billtap_json *doc = m->doc;
	int64_t before = 0, after = 0, discount;
	int has_before, has_after;
	const char *members = "subtotal_excluding_tax total_excluding_tax";
	if (optional_int(&before, &has_before, m, "subtotal_excluding_tax") < 0 ||
	    optional_int(&after, &has_after, m, "total_excluding_tax") < 0)
		return m->status;
	if (has_before && has_after) {
		if (sub(&discount, before, after) < 0)
			return billtap_map_fail(m, BILLTAP_EDATA, "total_excluding_tax",
			                        "is beyond the 64-bit range from subtotal_excluding_tax");
	} else if (sum_discounts(&discount, m, "total_discount_amounts",
	                         billtap_json_get(doc, m->obj, "discounts"), 1) < 0) {
		return m->status;
	} else {
		members = "total_discount_amounts discounts";
	}
	billtap_map_set_int(m, BILLTAP_FIELD_DISCOUNT, discount);
	return stripe_map_source(m, BILLTAP_FIELD_DISCOUNT, members);
}

int stripe_map_line(billtap_record *inv, const billtap_json *doc, billtap_json_ref line,
                    billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin_item(&m, inv, "invoice line", doc, line, "id", ctx);
	/* Lines are paged after the last one's id, like items. */
	if (billtap_json_typeof(doc, billtap_json_get(doc, line, "id")) != BILLTAP_JSON_STRING)
		billtap_map_fail(&m, BILLTAP_EDATA, "id", "is missing");

	/* basil: parent {type, subscription_item_details|invoice_item_details {proration}};
	 * before: type subscription|invoiceitem and a top-level proration. */
	billtap_json_ref parent = billtap_json_get(doc, line, "parent");
	billtap_json_ref type = billtap_json_get(doc, parent, "type");
	const char *kind = "other";
	char members[160] = "type proration";
	int proration = 0;
	if (type != BILLTAP_JSON_NONE) {
		if (billtap_json_str_eq(doc, type, "subscription_item_details"))
			kind = "subscription";
		else if (billtap_json_str_eq(doc, type, "invoice_item_details"))
			kind = "one_off";
		char name[64] = "";
		size_t n;
		billtap_json_str_decode(name, sizeof name, &n, doc, type);
		snprintf(members, sizeof members, "parent.type parent.%s.proration", name);
		billtap_json_bool(&proration, doc,
		                  billtap_json_get(doc, billtap_json_get(doc, parent, name), "proration"));
	} else {
		type = billtap_json_get(doc, line, "type");
		if (billtap_json_str_eq(doc, type, "subscription"))
			kind = "subscription";
		else if (billtap_json_str_eq(doc, type, "invoiceitem"))
			kind = "one_off";
		billtap_json_bool(&proration, doc, billtap_json_get(doc, line, "proration"));
	}
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, proration ? "proration" : kind);
	stripe_map_source(&m, BILLTAP_FIELD_KIND, members);
	billtap_map_set_int(&m, BILLTAP_FIELD_PRORATION, proration);
	stripe_map_source(&m, BILLTAP_FIELD_PRORATION, members + strcspn(members, " ") + 1);
	if (billtap_json_path(doc, line, "pricing.price_details.price") != BILLTAP_JSON_NONE)
		billtap_map_ref_id(&m, BILLTAP_FIELD_PLAN_ID, "pricing.price_details.price", 0);
	else
		billtap_map_ref_id(&m, BILLTAP_FIELD_PLAN_ID, "price", 0);
	billtap_map_str(&m, BILLTAP_FIELD_DESCRIPTION, "description", 0);
	billtap_map_int(&m, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	/* The line's amount after its own discounts (not its share of the invoice's). */
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	int64_t amount, own;
	if (!m.status && billtap_record_get_int(&amount, m.rec, BILLTAP_FIELD_AMOUNT) == 0 &&
	    sum_discounts(&own, &m, "discount_amounts", billtap_json_get(doc, line, "discounts"), 0) == 0) {
		if (sub(&amount, amount, own) < 0)
			billtap_map_fail(&m, BILLTAP_EDATA, "discount_amounts",
			                 "take the amount beyond the 64-bit range");
		billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, amount);
		stripe_map_source(&m, BILLTAP_FIELD_AMOUNT,
		                  "amount discount_amounts discounts");
	}
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_START, "period.start", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_END, "period.end", 0);
	return billtap_map_end(NULL, &m);
}

int stripe_map_invoice(billtap_record **out, int *lines_more, const billtap_json *doc,
                       billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	*lines_more = 0;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0);
	billtap_map_ref_id(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer", 0);
	if (billtap_json_path(doc, obj, "parent.subscription_details.subscription") !=
	    BILLTAP_JSON_NONE)
		billtap_map_ref_id(&m, BILLTAP_FIELD_SUBSCRIPTION_ID,
		                   "parent.subscription_details.subscription", 0);
	else
		billtap_map_ref_id(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription", 0);
	/* Stripe's status is null only in transient states: "other", the raw value null. */
	if (billtap_json_typeof(doc, billtap_json_get(doc, obj, "status")) == BILLTAP_JSON_STRING) {
		billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", 0);
	} else {
		billtap_map_set_str(&m, BILLTAP_FIELD_STATUS, "other");
		stripe_map_source(&m, BILLTAP_FIELD_STATUS, "status");
	}
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", stripe_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_SUBTOTAL, "subtotal", BILLTAP_MAP_REQUIRED);
	invoice_discount(&m);
	if (billtap_json_get(doc, obj, "total_taxes") != BILLTAP_JSON_NONE)
		sum_amounts(&m, BILLTAP_FIELD_TAX, "total_taxes");
	else
		sum_amounts(&m, BILLTAP_FIELD_TAX, "total_tax_amounts");
	billtap_map_money(&m, BILLTAP_FIELD_TOTAL, "total", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT_PAID, "amount_paid", BILLTAP_MAP_REQUIRED);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT_DUE, "amount_due", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created", BILLTAP_MAP_REQUIRED);
	billtap_map_time(&m, BILLTAP_FIELD_ISSUED_AT, "status_transitions.finalized_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_DUE_AT, "due_date", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PAID_AT, "status_transitions.paid_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_VOIDED_AT, "status_transitions.voided_at", 0);

	billtap_json_ref lines = billtap_json_get(doc, obj, "lines");
	billtap_json_ref data = billtap_json_get(doc, lines, "data");
	if (billtap_json_typeof(doc, data) != BILLTAP_JSON_ARRAY)
		billtap_map_fail(&m, BILLTAP_EDATA, "lines.data", "is missing");
	for (billtap_json_ref l = billtap_json_first(doc, data); l != BILLTAP_JSON_NONE && !m.status;
	     l = billtap_json_next(doc, l)) {
		int rc = stripe_map_line(m.rec, doc, l, ctx);
		if (rc < 0)
			billtap_map_fail(&m, rc, NULL, NULL);
	}
	int more = 0;
	billtap_json_bool(&more, doc, billtap_json_get(doc, lines, "has_more"));
	*lines_more = more;
	return billtap_map_end(out, &m);
}

/* The invoice's billing period is the service period its lines cover: Stripe's own
 * invoice.period_start/end is the window in which items were added (for a subscription
 * invoice, the period before the one billed), which is not what analytics means. */
int stripe_finish_invoice(billtap_record *inv, billtap_ctx *ctx)
{
	int64_t start = 0, end = 0, v;
	int has_start = 0, has_end = 0, rc = 0;
	for (size_t i = 0; i < billtap_record_item_count(inv); i++) {
		const billtap_record *line = billtap_record_item(inv, i);
		if (billtap_record_get_int(&v, line, BILLTAP_FIELD_PERIOD_START) == 0 &&
		    (!has_start || v < start)) {
			start = v;
			has_start = 1;
		}
		if (billtap_record_get_int(&v, line, BILLTAP_FIELD_PERIOD_END) == 0 &&
		    (!has_end || v > end)) {
			end = v;
			has_end = 1;
		}
	}
	/* The earliest start and the latest end of the lines (the raw JSON's first page). */
	const int how = BILLTAP_SOURCE_COMPUTED;
	if (has_start && (rc = billtap_record_set_int(inv, BILLTAP_FIELD_PERIOD_START, start)) == 0)
		rc = billtap_record_set_source(inv, BILLTAP_FIELD_PERIOD_START, how, "lines.data");
	if (rc == 0 && has_end &&
	    (rc = billtap_record_set_int(inv, BILLTAP_FIELD_PERIOD_END, end)) == 0)
		rc = billtap_record_set_source(inv, BILLTAP_FIELD_PERIOD_END, how, "lines.data");
	return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
}
