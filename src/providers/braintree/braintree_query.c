/*
 * The GraphQL searches billtap sends to Braintree, and their request bodies.
 *
 * Each query is constant text naming only types and fields of Braintree's published
 * schema (braintree/graphql-api, schema.graphql): the filter, the page size and the cursor
 * travel as variables, written with the kit's JSON writer, so no value from a setting or a
 * response is ever spliced into a query.
 *
 * Records are named by their GraphQL `id` (a global node id, unique across every type);
 * `legacyId`, the id of the Control Panel and the legacy API, is asked for so that it is
 * in each record's raw JSON.
 */
#include <string.h>

#include "braintree.h"

#define PAGE "pageInfo { hasNextPage endCursor } "
#define MONEY "{ value currencyCode } "
#define ARGS(type) "($input: " type "!, $first: Int, $after: String) "
#define SEARCH(field) "{ search { " field "(input: $input, first: $first, after: $after) { " PAGE

static const bt_search customers = {
	'c', "customers", "CustomerSearchInput",
	"query SearchCustomers" ARGS("CustomerSearchInput") SEARCH("customers")
	"edges { node { id legacyId email firstName lastName company createdAt } } } } }",
	1, bt_map_customer,
};

static const bt_search transactions = {
	't', "transactions", "TransactionSearchInput",
	"query SearchTransactions" ARGS("TransactionSearchInput") SEARCH("transactions")
	"edges { node { id legacyId createdAt status amount " MONEY "customer { id } "
	"refunds { id status amount " MONEY "} } } } } }",
	1, bt_map_transaction,
};

static const bt_search refunds = {
	'r', "refunds", "RefundSearchInput",
	"query SearchRefunds" ARGS("RefundSearchInput") SEARCH("refunds")
	"edges { node { id legacyId createdAt status amount " MONEY "customer { id } "
	"refundedTransaction { id } } } } } }",
	1, bt_map_refund,
};

/* DisputeSearchInput has no createdAt (its dates are receivedDate, replyByDate and
 * effectiveDate, days in the processor's calendar): `since` is applied to createdAt by
 * the provider (braintree.c). */
static const bt_search disputes = {
	'd', "disputes", "DisputeSearchInput",
	"query SearchDisputes" ARGS("DisputeSearchInput") SEARCH("disputes")
	"edges { node { id legacyId createdAt status type amountDisputed " MONEY
	"transaction { id customer { id } } } } } } }",
	0, bt_map_dispute,
};

/* The link of subscriptions to customers: each customer's payment methods, whose legacyId
 * is the vault token a subscription names (payment-method-token). 50 is the most the
 * provider takes from one customer; one with more is an error (bt_tokens_add_customer()). */
static const bt_search customer_tokens = {
	'p', "customers", "CustomerSearchInput",
	"query SearchCustomerPaymentMethods" ARGS("CustomerSearchInput") SEARCH("customers")
	"edges { node { id createdAt paymentMethods(first: " BT_TOKENS_PER_CUSTOMER_TEXT ") { pageInfo { hasNextPage } "
	"edges { node { legacyId } } } } } } } }",
	1, NULL,
};

const bt_search *bt_token_search(void)
{
	return &customer_tokens;
}

static const bt_search *const customer_searches[] = { &customers };
static const bt_search *const transaction_searches[] = { &transactions, &refunds, &disputes };

const bt_search *const *bt_searches_for(billtap_resource resource, size_t *n)
{
	switch (resource) {
	case BILLTAP_RESOURCE_CUSTOMERS:
		*n = 1;
		return customer_searches;
	case BILLTAP_RESOURCE_TRANSACTIONS:
		*n = 3;
		return transaction_searches;
	default:
		*n = 0;
		return NULL;
	}
}

static int write_str(billtap_json_writer *w, const char *key, const char *value)
{
	int rc = billtap_json_write_key(w, key);
	return rc < 0 ? rc : billtap_json_write_string(w, value, strlen(value));
}

int bt_query_body(billtap_json_writer *w, const bt_search *search, int64_t first, int64_t since,
                  const char *after)
{
	billtap_json_writer_reset(w);
	/* The writer latches its first error; billtap_json_writer_text() reports it. */
	billtap_json_write_object_begin(w);
	write_str(w, "query", search->query);
	billtap_json_write_key(w, "variables");
	billtap_json_write_object_begin(w);
	billtap_json_write_key(w, "input");
	billtap_json_write_object_begin(w);
	if (search->created_filter && since != BILLTAP_TIME_NONE) {
		char at[32]; /* the Timestamp scalar: RFC 3339 */
		if (billtap_time_format(at, sizeof at, since) < 0)
			return BILLTAP_EINVAL;
		/* greaterThanOrEqualTo is inclusive, as `since` is */
		billtap_json_write_key(w, "createdAt");
		billtap_json_write_object_begin(w);
		write_str(w, "greaterThanOrEqualTo", at);
		billtap_json_write_object_end(w);
	}
	billtap_json_write_object_end(w);
	billtap_json_write_key(w, "first");
	billtap_json_write_int(w, first);
	if (after)
		write_str(w, "after", after);
	billtap_json_write_object_end(w);
	billtap_json_write_object_end(w);
	const char *text;
	return billtap_json_writer_text(&text, NULL, w);
}
