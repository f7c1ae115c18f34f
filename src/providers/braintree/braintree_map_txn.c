/*
 * Braintree payments into transaction records: Transaction nodes (kind payment), Refund
 * nodes (kind refund) and Dispute nodes (kind chargeback; a retrieval request, which
 * takes no money, is kind other). Money is MonetaryAmount {value: a decimal string in
 * major units, currencyCode}, read digit for digit into minor units of ISO 4217.
 */
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

/* PaymentStatus (Transaction.status and Refund.status). */
static const billtap_vocab payment_results[] = {
	{ "SETTLED", "succeeded" },
	{ "SETTLEMENT_CONFIRMED", "succeeded" },
	{ "SUBMITTED_FOR_SETTLEMENT", "pending" },
	{ "SETTLING", "pending" },
	{ "SETTLEMENT_PENDING", "pending" },
	{ "AUTHORIZING", "pending" },
	{ "AUTHORIZED", "authorized" },
	{ "AUTHORIZATION_EXPIRED", "failed" },
	{ "FAILED", "failed" },
	{ "GATEWAY_REJECTED", "failed" },
	{ "PROCESSOR_DECLINED", "failed" },
	{ "SETTLEMENT_DECLINED", "failed" },
	{ "VOIDED", "failed" },
	{ NULL, NULL },
};

/* The statuses in which the money was captured: submitted for settlement or further. */
static const char *const captured_statuses[] = {
	"SUBMITTED_FOR_SETTLEMENT", "SETTLING", "SETTLEMENT_PENDING", "SETTLED", "SETTLEMENT_CONFIRMED", NULL,
};

/* DisputeStatus: the money is gone once the merchant lost, accepted, or let the reply
 * deadline pass (EXPIRED); it came back when the merchant won. */
static const billtap_vocab dispute_results[] = {
	{ "LOST", "succeeded" },     { "ACCEPTED", "succeeded" }, { "AUTO_ACCEPTED", "succeeded" },
	{ "EXPIRED", "succeeded" },  { "WON", "failed" },         { "OPEN", "pending" },
	{ "UNDER_REVIEW", "pending" }, { "DISPUTED", "pending" }, { NULL, NULL },
};

static void computed(billtap_map *m, billtap_field field, const char *members)
{
	billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
}

static int in(const billtap_json *doc, billtap_json_ref value, const char *const *words)
{
	for (; *words; words++)
		if (billtap_json_str_eq(doc, value, *words) == 1)
			return 1;
	return 0;
}

/* The refunds of a payment that went or are going through (status succeeded or pending),
 * in the payment's currency. */
static int64_t refunded(billtap_map *m, int exponent)
{
	int64_t sum = 0;
	const char *currency = NULL;
	billtap_record_get_str(&currency, m->rec, BILLTAP_FIELD_CURRENCY);
	billtap_json_ref list = billtap_json_get(m->doc, m->obj, "refunds");
	int type = billtap_json_typeof(m->doc, list);
	if (type != BILLTAP_JSON_ARRAY && type != BILLTAP_JSON_NULL && type != BILLTAP_JSON_ABSENT) {
		billtap_map_fail(m, BILLTAP_EDATA, "refunds", "is not an array");
		return 0;
	}
	for (billtap_json_ref r = billtap_json_first(m->doc, list); r != BILLTAP_JSON_NONE; r = billtap_json_next(m->doc, r)) {
		const char *result = billtap_vocab_lookup(payment_results, m->doc, billtap_json_get(m->doc, r, "status"), "other");
		if (strcmp(result, "succeeded") != 0 && strcmp(result, "pending") != 0)
			continue;
		int64_t amount;
		billtap_json_ref money = billtap_json_get(m->doc, r, "amount");
		if (!currency || billtap_json_str_eq(m->doc, billtap_json_get(m->doc, money, "currencyCode"), currency) != 1) {
			billtap_map_fail(m, BILLTAP_EDATA, "refunds", "has a refund in another currency");
			return 0;
		}
		if (billtap_json_money(&amount, m->doc, billtap_json_get(m->doc, money, "value"), exponent,
		                       BILLTAP_MAP_MAJOR_UNITS) < 0) {
			billtap_map_fail(m, BILLTAP_EDATA, "refunds", "has a refund whose amount.value is not a decimal of the currency");
			return 0;
		}
		sum += amount;
	}
	return sum;
}

/* Nothing is known of fees and of what reached the balance. */
static void no_fees(billtap_map *m)
{
	billtap_map_set_str(m, BILLTAP_FIELD_FEE_AMOUNT, NULL);
	billtap_map_set_str(m, BILLTAP_FIELD_NET_AMOUNT, NULL);
}

int bt_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                       billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "transaction", doc, node, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer.id", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", payment_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "amount.currencyCode", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount.value", BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	int64_t amount = 0, exponent = 0;
	if (m.status == 0 && billtap_record_get_int(&amount, m.rec, BILLTAP_FIELD_AMOUNT) == 0 &&
	    billtap_record_get_int(&exponent, m.rec, BILLTAP_FIELD_CURRENCY_EXPONENT) == 0) {
		int took = in(doc, billtap_json_get(doc, node, "status"), captured_statuses);
		billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, took ? amount : 0);
		computed(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, "status amount.value");
		int64_t sum = refunded(&m, (int)exponent);
		if (m.status == 0 && billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, sum) == 0)
			computed(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "refunds");
	}
	no_fees(&m);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "createdAt", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

int bt_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                  billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "refund", doc, node, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "customer.id", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "refund");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", payment_results, "other", BILLTAP_MAP_REQUIRED);
	/* AUTHORIZED means nothing for a refund: it is pending */
	if (m.status == 0 && billtap_json_str_eq(doc, billtap_json_get(doc, node, "status"), "AUTHORIZED") == 1) {
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "pending");
		computed(&m, BILLTAP_FIELD_RESULT, "status");
	}
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "amount.currencyCode", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount.value", BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
	no_fees(&m);
	billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "refundedTransaction.id", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "createdAt", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

int bt_map_dispute(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                   billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "dispute", doc, node, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "transaction.customer.id", 0);
	int retrieval = billtap_json_str_eq(doc, billtap_json_get(doc, node, "type"), "RETRIEVAL") == 1;
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, retrieval ? "other" : "chargeback");
	computed(&m, BILLTAP_FIELD_KIND, "type");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", dispute_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "amountDisputed.currencyCode", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amountDisputed.value",
	                  BILLTAP_MAP_MAJOR_UNITS | BILLTAP_MAP_REQUIRED);
	no_fees(&m);
	billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "transaction.id", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "createdAt", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
