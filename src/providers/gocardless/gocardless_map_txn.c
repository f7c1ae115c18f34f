/* GoCardless payments and refunds into transaction records (docs/providers/gocardless.md).
 * GoCardless lists no chargeback objects: a charged-back payment is a payment whose
 * status says so. */
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

static const billtap_vocab payment_results[] = {
	{ "pending_customer_approval", "pending" },
	{ "pending_submission", "pending" },
	{ "submitted", "pending" },
	{ "confirmed", "succeeded" },
	{ "paid_out", "succeeded" },
	{ "cancelled", "failed" },
	{ "customer_approval_denied", "failed" },
	{ "failed", "failed" },
	/* collected, then taken back by the payer's bank: the merchant does not have it */
	{ "charged_back", "failed" },
	{ NULL, NULL },
};

static const billtap_vocab refund_results[] = {
	{ "created", "pending" },
	{ "pending_submission", "pending" },
	{ "submitted", "pending" },
	{ "paid", "succeeded" },
	{ "cancelled", "failed" },
	/* the payer's bank sent it back: the payer did not get it */
	{ "bounced", "failed" },
	{ "funds_returned", "failed" },
	{ NULL, NULL },
};

/* The normalized word already set in field, or "". */
static const char *word_of(billtap_map *m, billtap_field field)
{
	const char *v = NULL;
	return m->status == 0 && billtap_record_get_str(&v, m->rec, field) == 0 ? v : "";
}

int gc_map_payment(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                   const gc_mandates *mandates, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "payment", doc, obj, "id", ctx);
	gc_map_customer_of_mandate(&m, mandates);
	billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "links.subscription", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "payment");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", payment_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", NULL);
	/* amounts are integers of minor units; the Node client types them as strings */
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED | BILLTAP_MAP_NUMERIC_STRING);
	billtap_map_money(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, "amount_refunded", BILLTAP_MAP_NUMERIC_STRING);
	/* taken once it succeeded; nothing when it failed; not yet known while pending */
	const char *result = word_of(&m, BILLTAP_FIELD_RESULT);
	int64_t amount = 0;
	if (!strcmp(result, "succeeded") && billtap_record_get_int(&amount, m.rec, BILLTAP_FIELD_AMOUNT) == 0)
		billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, amount);
	else if (!strcmp(result, "failed"))
		billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, 0);
	billtap_record_set_source(m.rec, BILLTAP_FIELD_CAPTURED_AMOUNT, BILLTAP_SOURCE_COMPUTED, "status amount");
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

int gc_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                  const gc_mandates *mandates, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "refund", doc, obj, "id", ctx);
	gc_map_customer_of_mandate(&m, mandates);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "refund");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", refund_results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_currency(&m, "currency", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount", BILLTAP_MAP_REQUIRED | BILLTAP_MAP_NUMERIC_STRING);
	billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
	billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "links.payment", 0);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
