/* Recurly transactions -> transaction records (docs/providers/recurly.md): type to kind,
 * status to result, in the vocabularies of docs/data-model.md. */
#include <stdlib.h>
#include <string.h>

#include "recurly.h"

static const billtap_vocab kinds[] = {
	{ "purchase", "payment" }, { "capture", "payment" }, { "authorization", "payment" },
	{ "refund", "refund" }, { "verify", "other" }, { NULL, NULL },
};

static const billtap_vocab results[] = {
	{ "success", "succeeded" },
	/* a payment later charged back did succeed; the chargeback is a record of its own */
	{ "chargeback", "succeeded" },
	{ "declined", "failed" }, { "error", "failed" },
	/* voided before it settled: no money moved */
	{ "void", "failed" },
	{ "pending", "pending" }, { "processing", "pending" }, { "scheduled", "pending" },
	{ NULL, NULL },
};

/* The first of subscription_ids, or null. */
static int first_subscription(billtap_map *m)
{
	billtap_json_ref ids = billtap_json_path(m->doc, m->obj, "subscription_ids");
	billtap_json_type t = billtap_json_typeof(m->doc, ids);
	if (t == BILLTAP_JSON_ABSENT || t == BILLTAP_JSON_NULL || billtap_json_count(m->doc, ids) == 0)
		return billtap_map_set_str(m, BILLTAP_FIELD_SUBSCRIPTION_ID, NULL);
	char *id = NULL;
	int rc = t == BILLTAP_JSON_ARRAY
	                 ? billtap_json_strdup(&id, m->doc, billtap_json_first(m->doc, ids))
	                 : BILLTAP_ETYPE;
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL);
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, "subscription_ids", "is not a list of ids");
	billtap_map_set_str(m, BILLTAP_FIELD_SUBSCRIPTION_ID, id);
	free(id);
	return recurly_computed(m, BILLTAP_FIELD_SUBSCRIPTION_ID, "subscription_ids");
}

/* Word of a normalized string field already set. */
static int field_is(billtap_map *m, billtap_field field, const char *word)
{
	const char *v = NULL;
	return m->status == 0 && billtap_record_get_str(&v, m->rec, field) == 0 && !strcmp(v, word);
}

int recurly_map_transaction(billtap_record **out, const billtap_json *doc,
                            billtap_json_ref obj, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "transaction", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "account.id", 0);
	first_subscription(&m);
	billtap_map_str(&m, BILLTAP_FIELD_INVOICE_ID, "invoice.id", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_KIND, "type", kinds, "other", BILLTAP_MAP_REQUIRED);
	/* A refund Recurly made for a chargeback (origin chargeback) is the chargeback. */
	int from_chargeback = field_is(&m, BILLTAP_FIELD_KIND, "refund") &&
	                      recurly_string_is(&m, "origin", "chargeback", 0) == 1;
	if (from_chargeback) {
		billtap_map_set_str(&m, BILLTAP_FIELD_KIND, "chargeback");
		recurly_computed(&m, BILLTAP_FIELD_KIND, "type origin");
	}
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "status", results, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	int authorization = recurly_string_is(&m, "type", "authorization", 1) == 1;
	if (authorization && field_is(&m, BILLTAP_FIELD_RESULT, "succeeded")) {
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "authorized");
		recurly_computed(&m, BILLTAP_FIELD_RESULT, "status type");
	}
	billtap_map_currency(&m, "currency", NULL);
	billtap_map_money(&m, BILLTAP_FIELD_AMOUNT, "amount",
	                  BILLTAP_MAP_REQUIRED | BILLTAP_MAP_MAJOR_UNITS);
	int64_t amount = 0;
	if (m.status == 0 && billtap_record_get_int(&amount, m.rec, BILLTAP_FIELD_AMOUNT) == 0 &&
	    amount < 0) {
		/* amounts are positive in the model; the kind says which way the money went */
		billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, -amount);
		amount = -amount;
		recurly_computed(&m, BILLTAP_FIELD_AMOUNT, "amount");
	}
	if (field_is(&m, BILLTAP_FIELD_KIND, "payment")) {
		/* Taken: a settled purchase or capture; nothing for an authorization or a
		 * failure; not known yet while pending. Recurly only says `refunded` (a flag),
		 * never how much. */
		if (field_is(&m, BILLTAP_FIELD_RESULT, "pending"))
			billtap_map_set_str(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, NULL);
		else
			billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT,
			                    field_is(&m, BILLTAP_FIELD_RESULT, "succeeded") ? amount : 0);
		recurly_computed(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, "type status amount");
	} else if (field_is(&m, BILLTAP_FIELD_KIND, "refund") ||
	           field_is(&m, BILLTAP_FIELD_KIND, "chargeback")) {
		if (field_is(&m, BILLTAP_FIELD_KIND, "refund"))
			billtap_map_set_int(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, 0);
		billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "original_transaction_id", 0);
	}
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
