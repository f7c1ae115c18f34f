/*
 * The table from vault tokens (a payment method's legacyId, a subscription's
 * payment-method-token) to the GraphQL id of the customer that owns the payment method.
 * A subscription's XML names no customer, only the token it charges: this table is how a
 * subscription finds its customer, exactly (tokens are unique in a merchant's vault).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

typedef struct pair {
	char *token, *customer; /* customer: shared by the customer's pairs, owned by its first */
	int owner;
} pair;

struct bt_tokens {
	pair *pairs;
	size_t n, cap;
};

int bt_tokens_new(bt_tokens **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : BILLTAP_ENOMEM;
}

void bt_tokens_free(bt_tokens *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->pairs[i].token);
		if (t->pairs[i].owner)
			free(t->pairs[i].customer);
	}
	free(t->pairs);
	free(t);
}

static int bad(billtap_ctx *ctx, const char *customer, const char *what)
{
	char msg[256];
	snprintf(msg, sizeof msg, "customer %.100s: %s", customer ? customer : "(no id)", what);
	return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
}

int bt_tokens_add_customer(bt_tokens *t, const billtap_json *doc, billtap_json_ref node, billtap_ctx *ctx)
{
	char *customer = NULL;
	int rc = billtap_json_strdup(&customer, doc, billtap_json_get(doc, node, "id"));
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, rc, NULL);
	if (rc < 0 || !*customer) {
		free(customer);
		return bad(ctx, NULL, "a customers edge has no node with an id");
	}
	billtap_json_ref methods = billtap_json_get(doc, node, "paymentMethods");
	billtap_json_ref edges = billtap_json_get(doc, methods, "edges");
	billtap_json_ref more = billtap_json_path(doc, methods, "pageInfo.hasNextPage");
	const char *problem = NULL;
	if (billtap_json_typeof(doc, methods) == BILLTAP_JSON_NULL)
		edges = BILLTAP_JSON_NONE; /* no payment methods */
	else if (billtap_json_typeof(doc, edges) != BILLTAP_JSON_ARRAY || (billtap_json_typeof(doc, more) != BILLTAP_JSON_TRUE &&
	                                                                   billtap_json_typeof(doc, more) != BILLTAP_JSON_FALSE))
		problem = "paymentMethods is not a connection with edges and pageInfo.hasNextPage";
	else if (billtap_json_typeof(doc, more) == BILLTAP_JSON_TRUE)
		problem = "has more than " BT_TOKENS_PER_CUSTOMER_TEXT " payment methods: billtap reads one page of them and "
		          "would not find the subscriptions of the others";
	if (problem) {
		rc = bad(ctx, customer, problem);
		free(customer);
		return rc;
	}
	int owner = 1;
	for (billtap_json_ref e = billtap_json_first(doc, edges); e != BILLTAP_JSON_NONE; e = billtap_json_next(doc, e)) {
		char *token = NULL;
		rc = billtap_json_strdup(&token, doc, billtap_json_path(doc, e, "node.legacyId"));
		if (rc == BILLTAP_ENOMEM)
			break;
		if (rc < 0 || !*token) {
			free(token);
			rc = bad(ctx, customer, "has a payment method without a legacyId");
			if (owner)
				free(customer);
			return rc;
		}
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 256;
			pair *grown = realloc(t->pairs, cap * sizeof *grown);
			if (!grown) {
				free(token);
				rc = BILLTAP_ENOMEM;
				break;
			}
			t->pairs = grown;
			t->cap = cap;
		}
		t->pairs[t->n++] = (pair){ token, customer, owner };
		owner = 0;
	}
	if (owner)
		free(customer); /* no token took it */
	return rc == BILLTAP_ENOMEM ? billtap_ctx_error(ctx, rc, NULL) : 0;
}

static int by_token(const void *a, const void *b)
{
	return strcmp(((const pair *)a)->token, ((const pair *)b)->token);
}

int bt_tokens_seal(bt_tokens *t, billtap_ctx *ctx)
{
	if (t->n)
		qsort(t->pairs, t->n, sizeof *t->pairs, by_token);
	for (size_t i = 1; i < t->n; i++) {
		if (strcmp(t->pairs[i - 1].token, t->pairs[i].token) == 0 &&
		    strcmp(t->pairs[i - 1].customer, t->pairs[i].customer) != 0) {
			char msg[256];
			snprintf(msg, sizeof msg, "payment method %.100s belongs to two customers", t->pairs[i].token);
			return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
		}
	}
	return 0;
}

const char *bt_tokens_find(const bt_tokens *t, const char *token)
{
	pair key = { (char *)token, NULL, 0 };
	const pair *hit = t->n ? bsearch(&key, t->pairs, t->n, sizeof *t->pairs, by_token) : NULL;
	return hit ? hit->customer : NULL;
}
