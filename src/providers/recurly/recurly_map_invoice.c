/* Recurly invoices and their line items -> invoice records (docs/providers/recurly.md).
 * Recurly's subtotal is the lines before discounts and taxes, and its discounts (coupons)
 * are shared out over the lines: the invoice-level discount of the model. So a line's
 * amount is its `subtotal`, and the lines add up to the invoice's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly.h"

static const billtap_vocab states[] = {
	/* awaiting collection (automatic: a payment runs; manual: the customer pays) */
	{ "pending", "open" }, { "processing", "open" }, { "past_due", "open" },
	/* a credit invoice with credit left */
	{ "open", "open" },
	{ "paid", "paid" },
	/* a credit invoice whose credit is used up */
	{ "closed", "paid" },
	/* dunning ended without payment */
	{ "failed", "uncollectible" },
	{ "voided", "void" },
	{ NULL, NULL },
};

/* origin -> kind; proration_rate makes any line a proration. */
static const billtap_vocab origins[] = {
	{ "plan", "subscription" }, { "plan_trial", "subscription" },
	{ "add_on", "subscription" }, { "add_on_trial", "subscription" },
	{ "one_time", "one_off" }, { "debit", "one_off" }, { "setup_fee", "one_off" },
	{ "coupon", "discount" },
	{ NULL, NULL },
};

/* The line's plan: "<plan_id>/<currency>" (the plan record in that currency) for plan
 * charges; add-on lines name the add-on's plan, but bill the add-on: no plan. */
static int line_plan(billtap_map *m, const char *currency)
{
	char *plan = NULL;
	billtap_map_set_str(m, BILLTAP_FIELD_PLAN_ID, NULL);
	int add_on = recurly_string_is(m, "origin", "add_on", 0) == 1 ||
	             recurly_string_is(m, "origin", "add_on_trial", 0) == 1;
	if (m->status < 0 || add_on)
		return m->status;
	int rc = billtap_json_strdup(&plan, m->doc, billtap_json_path(m->doc, m->obj, "plan_id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL);
	if (rc == BILLTAP_ENOTFOUND || (rc == 0 && !*plan)) {
		free(plan);
		return 0;
	}
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, "plan_id", "is not a string");
	char id[200];
	snprintf(id, sizeof id, "%.160s/%s", plan, currency);
	free(plan);
	billtap_map_set_str(m, BILLTAP_FIELD_PLAN_ID, id);
	return recurly_computed(m, BILLTAP_FIELD_PLAN_ID, "plan_id currency");
}

int recurly_map_line(billtap_record *invoice, const billtap_json *doc, billtap_json_ref line,
                     billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin_item(&m, invoice, "line item", doc, line, "id", ctx);
	billtap_map_vocab(&m, BILLTAP_FIELD_KIND, "origin", origins, "other", 0);
	int prorated = billtap_json_typeof(doc, billtap_json_get(doc, line, "proration_rate")) ==
	               BILLTAP_JSON_NUMBER;
	const char *kind = NULL;
	if (m.status == 0 && (prorated || billtap_record_get_str(&kind, m.rec, BILLTAP_FIELD_KIND) < 0)) {
		billtap_map_set_str(&m, BILLTAP_FIELD_KIND, prorated ? "proration" : "other");
		recurly_computed(&m, BILLTAP_FIELD_KIND, "origin proration_rate");
	}
	billtap_map_set_int(&m, BILLTAP_FIELD_PRORATION, prorated);
	recurly_computed(&m, BILLTAP_FIELD_PRORATION, "proration_rate");
	char code[4];
	int exponent = recurly_currency_of(code, &m, line, "currency");
	if (exponent >= 0) {
		billtap_map_set_str(&m, BILLTAP_FIELD_CURRENCY, code);
		billtap_map_set_int(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
		recurly_computed(&m, BILLTAP_FIELD_CURRENCY, "currency");
		recurly_computed(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, "currency");
		line_plan(&m, code);
		/* required: a line without an amount would break the invoice's sum */
		if (billtap_json_typeof(doc, billtap_json_get(doc, line, "subtotal")) == BILLTAP_JSON_NUMBER)
			recurly_set_money(&m, BILLTAP_FIELD_AMOUNT, line, "subtotal", "", exponent, NULL);
		else
			billtap_map_fail(&m, BILLTAP_EDATA, "subtotal", "is missing");
	}
	billtap_map_str(&m, BILLTAP_FIELD_DESCRIPTION, "description", 0);
	billtap_map_int(&m, BILLTAP_FIELD_QUANTITY, "quantity", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_START, "start_date", 0);
	billtap_map_time(&m, BILLTAP_FIELD_PERIOD_END, "end_date", 0);
	return billtap_map_end(NULL, &m);
}

/* A money member of the invoice, required. */
static int invoice_money(billtap_map *m, billtap_field field, const char *member)
{
	if (m->status == 0 &&
	    billtap_json_typeof(m->doc, billtap_json_get(m->doc, m->obj, member)) != BILLTAP_JSON_NUMBER)
		return billtap_map_fail(m, BILLTAP_EDATA, member, "is not a number");
	return billtap_map_money(m, field, member, BILLTAP_MAP_REQUIRED | BILLTAP_MAP_MAJOR_UNITS);
}

int recurly_invoice_has_more_lines(const billtap_json *doc, billtap_json_ref invoice)
{
	return billtap_json_typeof(doc, billtap_json_get(doc, invoice, "has_more_line_items")) ==
	       BILLTAP_JSON_TRUE;
}

int recurly_map_invoice(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        int with_lines, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_INVOICE, "invoice", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_NUMBER, "number", 0);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "account.id", 0);
	billtap_json_ref subs = billtap_json_get(doc, obj, "subscription_ids");
	char *sub = NULL;
	if (billtap_json_typeof(doc, subs) == BILLTAP_JSON_ARRAY && billtap_json_count(doc, subs) > 0 &&
	    billtap_json_strdup(&sub, doc, billtap_json_first(doc, subs)) == BILLTAP_ENOMEM)
		billtap_map_fail(&m, billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL), NULL, NULL);
	billtap_map_set_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, sub);
	recurly_computed(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_ids");
	free(sub);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "state", states, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "state", 0);
	billtap_map_currency(&m, "currency", NULL);
	invoice_money(&m, BILLTAP_FIELD_SUBTOTAL, "subtotal");
	invoice_money(&m, BILLTAP_FIELD_DISCOUNT, "discount");
	invoice_money(&m, BILLTAP_FIELD_TAX, "tax");
	invoice_money(&m, BILLTAP_FIELD_TOTAL, "total");
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT_PAID, "paid", BILLTAP_MAP_MAJOR_UNITS);
	/* what the customer was asked to pay: the invoice's total */
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT_DUE, "total", BILLTAP_MAP_MAJOR_UNITS);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	/* Recurly has no drafts: an invoice is issued when it is created. */
	billtap_map_time(&m, BILLTAP_FIELD_ISSUED_AT, "created_at", 0);
	billtap_map_time(&m, BILLTAP_FIELD_DUE_AT, "due_at", 0);
	/* closed_at: when it was marked paid (or failed) */
	int paid = recurly_string_is(&m, "state", "paid", 1) == 1 ||
	           recurly_string_is(&m, "state", "closed", 1) == 1;
	billtap_map_set_str(&m, BILLTAP_FIELD_PAID_AT, NULL);
	if (paid)
		billtap_map_time(&m, BILLTAP_FIELD_PAID_AT, "closed_at", 0);
	if (with_lines) {
		billtap_json_ref lines = billtap_json_get(doc, obj, "line_items");
		if (billtap_json_typeof(doc, lines) != BILLTAP_JSON_ARRAY)
			billtap_map_fail(&m, BILLTAP_EDATA, "line_items", "is not a list");
		for (billtap_json_ref l = billtap_json_first(doc, lines); m.status == 0 && l != BILLTAP_JSON_NONE;
		     l = billtap_json_next(doc, l)) {
			int rc = recurly_map_line(m.rec, doc, l, ctx);
			if (rc < 0)
				billtap_map_fail(&m, rc, NULL, NULL); /* already recorded */
		}
	}
	int rc = billtap_map_end(out, &m);
	if (rc == 0 && with_lines && (rc = recurly_invoice_periods(*out)) < 0) {
		billtap_record_free(*out);
		*out = NULL;
		rc = billtap_ctx_error(ctx, rc, NULL);
	}
	return rc;
}

int recurly_invoice_periods(billtap_record *invoice)
{
	int64_t start = 0, end = 0, t;
	int has_start = 0, has_end = 0;
	for (size_t i = 0; i < billtap_record_item_count(invoice); i++) {
		const billtap_record *line = billtap_record_item(invoice, i);
		if (billtap_record_get_int(&t, line, BILLTAP_FIELD_PERIOD_START) == 0 && (!has_start || t < start)) {
			start = t;
			has_start = 1;
		}
		if (billtap_record_get_int(&t, line, BILLTAP_FIELD_PERIOD_END) == 0 && (!has_end || t > end)) {
			end = t;
			has_end = 1;
		}
	}
	int rc = has_start ? billtap_record_set_int(invoice, BILLTAP_FIELD_PERIOD_START, start)
	                   : billtap_record_set_null(invoice, BILLTAP_FIELD_PERIOD_START);
	if (rc == 0)
		rc = has_end ? billtap_record_set_int(invoice, BILLTAP_FIELD_PERIOD_END, end)
		             : billtap_record_set_null(invoice, BILLTAP_FIELD_PERIOD_END);
	if (rc == 0)
		rc = billtap_record_set_source(invoice, BILLTAP_FIELD_PERIOD_START, BILLTAP_SOURCE_COMPUTED,
		                               "line_items start_date");
	if (rc == 0)
		rc = billtap_record_set_source(invoice, BILLTAP_FIELD_PERIOD_END, BILLTAP_SOURCE_COMPUTED,
		                               "line_items end_date");
	return rc;
}
