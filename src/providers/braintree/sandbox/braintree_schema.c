/* The part of Braintree's GraphQL schema the sandbox answers, with the names of every
 * other field the published schema has (braintree/graphql-api, schema.graphql of
 * 2025-04-29), so that a field of the schema the sandbox does not serve is told apart from
 * one that does not exist. */
#include <string.h>

#include "braintree_graphql.h"

#define SEARCH_ARGS(input) "input:" input "! first:Int after:String"

static const gs_field query_fields[] = {{"search", "Search", NULL}, {NULL, NULL, NULL}};
static const gs_field search_fields[] = {
    {"customers", "CustomerConnection", SEARCH_ARGS("CustomerSearchInput")},
    {"transactions", "TransactionConnection", SEARCH_ARGS("TransactionSearchInput")},
    {"refunds", "RefundConnection", SEARCH_ARGS("RefundSearchInput")},
    {"disputes", "DisputeConnection", SEARCH_ARGS("DisputeSearchInput")},
    {NULL, NULL, NULL},
};
#define CONNECTION(name, edge)                                                                     \
    static const gs_field name[] = {{"edges", "[" edge "]", NULL}, {"pageInfo", "PageInfo!", NULL}, {NULL, NULL, NULL}}
CONNECTION(customer_conn, "CustomerConnectionEdge");
CONNECTION(transaction_conn, "TransactionConnectionEdge");
CONNECTION(refund_conn, "RefundConnectionEdge");
CONNECTION(dispute_conn, "DisputeConnectionEdge");
CONNECTION(payment_method_conn, "PaymentMethodConnectionEdge");
#define EDGE(name, node)                                                                           \
    static const gs_field name[] = {{"cursor", "String", NULL}, {"node", node, NULL}, {NULL, NULL, NULL}}
EDGE(customer_edge, "Customer");
EDGE(transaction_edge, "Transaction");
EDGE(refund_edge, "Refund");
EDGE(dispute_edge, "Dispute");
EDGE(payment_method_edge, "PaymentMethod");
static const gs_field page_info[] = {
    {"hasNextPage", "Boolean!", NULL}, {"hasPreviousPage", "Boolean!", NULL},
    {"startCursor", "String", NULL},   {"endCursor", "String", NULL},
    {NULL, NULL, NULL},
};
static const gs_field money[] = {
    {"value", "Amount", NULL}, {"currencyIsoCode", "CurrencyCodeAlpha", NULL},
    {"currencyCode", "CurrencyCodeAlpha", NULL}, {NULL, NULL, NULL},
};
static const gs_field customer[] = {
    {"id", "ID!", NULL},          {"legacyId", "ID!", NULL},     {"company", "String", NULL},
    {"createdAt", "Timestamp", NULL}, {"email", "String", NULL}, {"firstName", "String", NULL},
    {"lastName", "String", NULL}, {"phoneNumber", "String", NULL},
    {"paymentMethods", "PaymentMethodConnection", "first:Int after:String"}, {NULL, NULL, NULL},
};
static const gs_field payment_method[] = {{"id", "ID!", NULL}, {"legacyId", "ID!", NULL}, {NULL, NULL, NULL}};
static const gs_field transaction[] = {
    {"id", "ID!", NULL},           {"legacyId", "ID!", NULL},     {"createdAt", "Timestamp", NULL},
    {"amount", "MonetaryAmount", NULL}, {"orderId", "String", NULL}, {"status", "PaymentStatus", NULL},
    {"customer", "Customer", NULL}, {"refunds", "[Refund!]", NULL}, {"disputes", "[Dispute!]", NULL},
    {NULL, NULL, NULL},
};
static const gs_field refund[] = {
    {"id", "ID!", NULL},        {"legacyId", "ID!", NULL},       {"createdAt", "Timestamp", NULL},
    {"amount", "MonetaryAmount", NULL}, {"status", "PaymentStatus", NULL},
    {"refundedTransaction", "Transaction", NULL}, {"customer", "Customer", NULL}, {NULL, NULL, NULL},
};
static const gs_field dispute[] = {
    {"id", "ID!", NULL},         {"legacyId", "ID!", NULL},         {"createdAt", "Timestamp", NULL},
    {"amountDisputed", "MonetaryAmount", NULL}, {"type", "DisputeType", NULL},
    {"status", "DisputeStatus", NULL}, {"transaction", "Transaction", NULL}, {NULL, NULL, NULL},
};

static const gs_type types[] = {
    {"Query", "ping pingInStoreReader viewer clientConfiguration node idFromLegacyId report search "
              "paypalFinancingOptions inStoreLocations customerRecommendations paypalBillingAgreementDetails",
     query_fields},
    {"Search", "transactions refunds payments disputes verifications customers businessAccountCreationRequests "
               "inStoreReaders inStoreLocations",
     search_fields},
    {"CustomerConnection", "edges pageInfo", customer_conn},
    {"TransactionConnection", "edges pageInfo", transaction_conn},
    {"RefundConnection", "edges pageInfo", refund_conn},
    {"DisputeConnection", "edges pageInfo", dispute_conn},
    {"CustomerConnectionEdge", "cursor node", customer_edge},
    {"TransactionConnectionEdge", "cursor node", transaction_edge},
    {"RefundConnectionEdge", "cursor node", refund_edge},
    {"DisputeConnectionEdge", "cursor node", dispute_edge},
    {"PaymentMethodConnection", "edges pageInfo", payment_method_conn},
    {"PaymentMethodConnectionEdge", "cursor node", payment_method_edge},
    {"PaymentMethod", "id legacyId usage createdAt details verifications customer", payment_method},
    {"PageInfo", "hasNextPage hasPreviousPage startCursor endCursor", page_info},
    {"MonetaryAmount", "value currencyIsoCode currencyCode", money},
    {"Customer", "id legacyId company createdAt customFields defaultPaymentMethod email firstName lastName "
                 "phoneNumber fax website paymentMethods transactions",
     customer},
    {"Transaction", "id legacyId createdAt paymentMethodSnapshot paymentMethod amount "
                    "initialRequestedAuthorizationAmount customFields merchantId merchantAccountId merchantName "
                    "merchantAddress orderId purchaseOrderNumber status processorResponse riskData descriptor "
                    "statusHistory channel source customer shipping tax scaExemptionRequested discountAmount "
                    "surchargeAmount lineItems refunds partialCaptureDetails disputes facilitatorDetails "
                    "disbursementDetails billingAddress authorizationAdjustments retried retriedParentTransaction "
                    "retriedTransactions installmentDetails paymentInitiatedAt processingMode partiallyAuthorized",
     transaction},
    {"Refund", "id legacyId createdAt amount orderId status statusHistory details merchantAccountId source "
               "refundedTransaction paymentMethodSnapshot paymentMethod customer lineItems customFields descriptor "
               "disbursementDetails paymentInitiatedAt",
     refund},
    {"Dispute", "id legacyId amountDisputed amountWon caseNumber createdAt receivedDate referenceNumber "
                "responseDeadline replyByDate type evidence originalDispute processorResponse status statusHistory "
                "transaction chargebackProtectionLevel protectionLevel evidenceSubmittable preDisputeProgram",
     dispute},
};

static const char *const leaves =
    "ID String Boolean Int Timestamp Amount CurrencyCodeAlpha PaymentStatus DisputeStatus DisputeType";

/* Search inputs: every field of the schema's input type; the sandbox filters createdAt. */
static const struct {
    const char *type, *all;
} inputs[] = {
    {"CustomerSearchInput", "id company createdAt email firstName lastName phoneNumber"},
    {"TransactionSearchInput",
     "id status statusTransition createdAt amount orderId merchantAccountId customer paymentMethodSnapshotType "
     "disbursementDate source settlementBatchId paymentMethod facilitatorOAuthApplicationClientId userId storeId "
     "shippingAddress billingAddress disputeReceivedDate processorAuthorizationId partiallyAuthorized "
     "processingMode"},
    {"RefundSearchInput",
     "id status statusTransition createdAt amount orderId merchantAccountId customer disbursementDate source "
     "settlementBatchId paymentMethod facilitatorOAuthApplicationClientId userId storeId shippingAddress "
     "billingAddress disputeReceivedDate processorAuthorizationId processingMode"},
    {"DisputeSearchInput",
     "id status type reason caseNumber referenceNumber amountDisputed amountWon receivedDate replyByDate "
     "effectiveDate transaction chargebackProtectionLevel protectionLevel preDisputeProgram"},
};

int gs_in_list(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return 1;
    return 0;
}

const gs_type *gs_type_find(const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    return NULL;
}

int gs_is_leaf(const char *base)
{
    return gs_in_list(leaves, base);
}

void gs_base(const char *type, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = type; *p && n + 1 < cap; p++)
        if (*p != '[' && *p != ']' && *p != '!')
            out[n++] = *p;
    out[n] = '\0';
}

const char *gs_input_fields(const char *input_type)
{
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (strcmp(inputs[i].type, input_type) == 0)
            return inputs[i].all;
    return NULL;
}
