/* Transaction records: every payment attempt of a Paddle transaction (payments[], kind
 * payment, its id the attempt's payment_attempt_id), then every adjustment (refunds and
 * chargebacks; credits and the *_reverse and warning actions are kind other). Paddle
 * adjusts a transaction, not an attempt: an adjustment's parent_id and invoice_id are its
 * transaction_id. */
#include <stdlib.h>
#include <string.h>

#include "paddle.h"

static const billtap_vocab attempt_results[] = {
	{ "captured", "succeeded" },
	{ "authorized", "authorized" },
	{ "authorized_flagged", "authorized" },
	{ "pending_no_action_required", "pending" },
	{ "action_required", "pending" },
	{ "created", "pending" },
	{ "error", "failed" },
	{ "canceled", "failed" },
	{ "dropped", "failed" },
	{ NULL, NULL },
};

static const billtap_vocab adjustment_results[] = {
	{ "approved", "succeeded" },
	{ "pending_approval", "pending" },
	{ "rejected", "failed" },
	{ "reversed", "other" }, /* approved, then taken back by a *_reverse adjustment */
	{ NULL, NULL },
};

static const billtap_vocab adjustment_kinds[] = {
	{ "refund", "refund" },
	{ "chargeback", "chargeback" },
	{ NULL, NULL },
};

static void computed(billtap_map *m, billtap_field field, const char *members)
{
	billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

/* One attempt of transaction txn. */
static int map_attempt(billtap_record **out, const billtap_json *doc, billtap_json_ref txn,
                       billtap_json_ref p, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "payment attempt", doc, p, "payment_attempt_id", ctx);
	char *text = NULL;
	/* the transaction's members: customer, subscription, invoice (a numbered one), currency */
	static const struct {
		billtap_field field;
		const char *member;
	} from_txn[] = {
		{ BILLTAP_FIELD_CUSTOMER_ID, "customer_id" },
		{ BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_id" },
		{ BILLTAP_FIELD_INVOICE_ID, "id" },
		{ BILLTAP_FIELD_CURRENCY, "currency_code" },
	};
	int numbered = billtap_json_typeof(doc, billtap_json_get(doc, txn, "invoice_number")) == BILLTAP_JSON_STRING;
	for (size_t i = 0; i < sizeof from_txn / sizeof from_txn[0] && m.status == 0; i++) {
		if (from_txn[i].field == BILLTAP_FIELD_INVOICE_ID && !numbered)
			continue;
		int rc = billtap_json_strdup(&text, doc, billtap_json_get(doc, txn, from_txn[i].member));
		if (rc == BILLTAP_ENOMEM)
			billtap_map_fail(&m, rc, from_txn[i].member, "cannot be copied (out of memory)");
		else if (rc < 0 && (rc != BILLTAP_ENOTFOUND || from_txn[i].field == BILLTAP_FIELD_CURRENCY))
			billtap_map_fail(&m, BILLTAP_EDATA, from_txn[i].member, "is not a string on its transaction");
		else if (text && billtap_map_set_str(&m, from_txn[i].field, text) == 0)
			computed(&m, from_txn[i].field, from_txn[i].member);
		free(text);
		text = NULL;
	}
	const char *code = NULL;
	int exponent = -1;
	if (m.status == 0 && billtap_record_get_str(&code, m.rec, BILLTAP_FIELD_CURRENCY) == 0)
		exponent = pd_currency_exponent(code);
	if (m.status == 0 && exponent < 0)
		billtap_map_fail(&m, BILLTAP_EDATA, "currency_code", "is not a currency (on its transaction)");
	billtap_map_set_int(&m, BILLTAP_FIELD_CURRENCY_EXPONENT, exponent);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", attempt_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	int64_t amount = 0;
	if (m.status == 0 && billtap_json_money(&amount, doc, billtap_json_get(doc, p, "amount"), exponent,
	                                        BILLTAP_MAP_NUMERIC_STRING) < 0)
		billtap_map_fail(&m, BILLTAP_EDATA, "amount", "is missing or not an amount in minor units");
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, amount);
	int captured = billtap_json_str_eq(doc, billtap_json_get(doc, p, "status"), "captured") == 1;
	billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, captured ? amount : 0);
	computed(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, "status amount");
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

int pd_push_payments(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref payments = billtap_json_get(doc, obj, "payments");
	if (billtap_json_typeof(doc, payments) != BILLTAP_JSON_ARRAY) {
		int rc = billtap_ctx_error(ctx, BILLTAP_EDATA, "a transaction has no payments array");
		return billtap_sink_reject_json(sink, rc, doc, obj, "id");
	}
	for (billtap_json_ref p = billtap_json_first(doc, payments); p != BILLTAP_JSON_NONE;
	     p = billtap_json_next(doc, p)) {
		billtap_record *rec = NULL;
		int rc = map_attempt(&rec, doc, obj, p, ctx);
		if ((rc = pd_push_mapped(sink, rc, rec, doc, p)) < 0)
			return rc;
	}
	return 0;
}

int pd_push_adjustment(const billtap_json *doc, billtap_json_ref obj, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_record *rec = NULL;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "adjustment", doc, obj, "id", ctx);
	billtap_map_vocab(&m, BILLTAP_FIELD_KIND, "action", adjustment_kinds, "other", BILLTAP_MAP_REQUIRED);
	const char *kind = NULL;
	billtap_record_get_str(&kind, m.rec, BILLTAP_FIELD_KIND);
	/* Read now: kind points into the record, which moves as the fields below are set. */
	int customer_money = m.status == 0 && kind && strcmp(kind, "other") != 0;
	int refund = m.status == 0 && kind && strcmp(kind, "refund") == 0;
	/* only customer money is tied to a customer (docs/data-model.md) */
	if (customer_money) {
		billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer_id", 0);
		billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_id", 0);
	}
	billtap_map_str(&m, BILLTAP_FIELD_INVOICE_ID, "transaction_id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "transaction_id", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", adjustment_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency_code", pd_currency_exponent);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "totals.total", BILLTAP_MAP_REQUIRED | BILLTAP_MAP_NUMERIC_STRING);
	/* a *_reverse action's totals are negative: the amount is their size */
	int64_t amount = 0;
	if (m.status == 0 && billtap_record_get_int(&amount, m.rec, BILLTAP_FIELD_AMOUNT) == 0 && amount < 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, -amount);
		billtap_record_set_source(m.rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED, "totals.total");
	}
	if (m.status == 0 && refund)
		billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	int rc = billtap_map_end(&rec, &m);
	return pd_push_mapped(sink, rc, rec, doc, obj);
}
