/* Chargebee transactions into transaction records: payments and authorizations (kind
 * payment), refunds (a refund by the card network, payment_method chargeback, is a
 * chargeback) and payment reversals. */
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

static const billtap_vocab results[] = {
	{ "success", "succeeded" },     { "in_progress", "pending" }, { "failure", "failed" },
	{ "timeout", "failed" },        { "late_failure", "failed" }, { "voided", "failed" },
	{ "needs_attention", "other" }, { NULL, NULL },
};

static int is(const billtap_map *m, const char *member, const char *word)
{
	return billtap_json_str_eq(m->doc, billtap_json_get(m->doc, m->obj, member), word) == 1;
}

static void computed(billtap_map *m, billtap_field field, const char *members)
{
	billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

static void map_kind(billtap_map *m)
{
	const char *kind = "other";
	if (is(m, "type", "payment") || is(m, "type", "authorization"))
		kind = "payment";
	else if (is(m, "type", "refund"))
		kind = is(m, "payment_method", "chargeback") ? "chargeback" : "refund";
	else if (is(m, "type", "payment_reversal"))
		kind = "reversal";
	billtap_map_set_str(m, BILLTAP_FIELD_KIND, kind);
	computed(m, BILLTAP_FIELD_KIND, "type payment_method");
}

/* The successful refunds linked to a payment (chargebacks included: Chargebee records
 * them as refunds). */
static int64_t refunded(billtap_map *m)
{
	int64_t sum = 0;
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "linked_refunds");
	if (list != BILLTAP_JSON_NONE && billtap_json_typeof(m->doc, list) != BILLTAP_JSON_ARRAY &&
	    billtap_json_typeof(m->doc, list) != BILLTAP_JSON_NULL) {
		billtap_map_fail(m, BILLTAP_EDATA, "linked_refunds", "is not an array");
		return 0;
	}
	for (billtap_json_ref r = billtap_json_first(m->doc, list); r != BILLTAP_JSON_NONE; r = billtap_json_next(m->doc, r)) {
		int64_t amount;
		if (billtap_json_str_eq(m->doc, billtap_json_get(m->doc, r, "txn_status"), "success") != 1)
			continue;
		if (billtap_json_integer(&amount, m->doc, billtap_json_get(m->doc, r, "txn_amount"), 0) < 0) {
			billtap_map_fail(m, BILLTAP_EDATA, "linked_refunds", "has a txn_amount that is not an integer");
			return 0;
		}
		sum += amount;
	}
	return sum;
}

/* What a payment took: all of it once it went through (or is going through), nothing when
 * it failed; for an authorization, what has been captured of it. */
static void map_payment_amounts(billtap_map *m, int authorization)
{
	int64_t amount = 0, capturable = 0;
	if (m->status < 0 || billtap_record_get_int(&amount, m->rec, BILLTAP_FIELD_AMOUNT) < 0)
		return;
	if (authorization) {
		int rc = billtap_json_integer(&capturable, m->doc, billtap_json_get(m->doc, m->obj, "amount_capturable"), 0);
		if (rc < 0 && rc != BILLTAP_ENOTFOUND) {
			billtap_map_fail(m, BILLTAP_EDATA, "amount_capturable", "is not an integer");
			return;
		}
		billtap_map_set_int(m, BILLTAP_FIELD_CAPTURED_AMOUNT,
		                    is(m, "status", "success") && rc == 0 ? amount - capturable : 0);
		computed(m, BILLTAP_FIELD_CAPTURED_AMOUNT, "status amount amount_capturable");
	} else if (!is(m, "status", "needs_attention")) {
		int took = is(m, "status", "success") || is(m, "status", "in_progress");
		billtap_map_set_int(m, BILLTAP_FIELD_CAPTURED_AMOUNT, took ? amount : 0);
		computed(m, BILLTAP_FIELD_CAPTURED_AMOUNT, "status amount");
	}
	billtap_map_set_int(m, BILLTAP_FIELD_REFUNDED_AMOUNT, refunded(m));
	computed(m, BILLTAP_FIELD_REFUNDED_AMOUNT, "linked_refunds");
}

/* The first invoice the transaction was applied to (linked_invoices[0].invoice_id). */
static void map_invoice(billtap_map *m)
{
	billtap_json_ref invoices = billtap_json_get(m->doc, m->obj, "linked_invoices");
	billtap_json_ref first = billtap_json_first(m->doc, invoices);
	if (m->status < 0 || billtap_json_typeof(m->doc, invoices) != BILLTAP_JSON_ARRAY || first == BILLTAP_JSON_NONE)
		return;
	char *id = NULL;
	int rc = billtap_json_strdup(&id, m->doc, billtap_json_get(m->doc, first, "invoice_id"));
	if (rc == BILLTAP_ENOMEM)
		billtap_map_fail(m, rc, "linked_invoices", "cannot be copied (out of memory)");
	else if (rc < 0)
		billtap_map_fail(m, BILLTAP_EDATA, "linked_invoices", "has an entry without an invoice_id string");
	else if (billtap_map_set_str(m, BILLTAP_FIELD_INVOICE_ID, id) == 0)
		computed(m, BILLTAP_FIELD_INVOICE_ID, "linked_invoices");
	free(id);
}

int cb_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                       billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "transaction", doc, obj, "id", ctx);
	int authorization = is(&m, "type", "authorization"), payment = is(&m, "type", "payment");
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_id", 0);
	map_invoice(&m);
	map_kind(&m);
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", results, "other", 0);
	if (m.status == 0 && authorization && is(&m, "status", "success")) {
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "authorized");
		computed(&m, BILLTAP_FIELD_RESULT, "type status");
	}
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency_code", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED);
	if (payment || authorization)
		map_payment_amounts(&m, authorization);
	else if (is(&m, "type", "refund") && !is(&m, "payment_method", "chargeback"))
		billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
	/* a refund names the payment it returns; a reversal, and an offline refund, the
	 * transaction they take back */
	if (is(&m, "type", "refund") && billtap_json_get(doc, obj, "refunded_txn_id") != BILLTAP_JSON_NONE)
		billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "refunded_txn_id", 0);
	else if (is(&m, "type", "refund") || is(&m, "type", "payment_reversal"))
		billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "reference_transaction_id", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "date", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
