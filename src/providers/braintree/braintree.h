/* What the Braintree provider's files share: the searches, the stream and the mappers. */
#ifndef BILLTAP_BRAINTREE_H
#define BILLTAP_BRAINTREE_H

#include <billtap/provider_kit.h>

/* Maps one search result node into a record. */
typedef int (*bt_map_fn)(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                         billtap_ctx *ctx);

/* One search of the GraphQL `search` query (braintree_query.c): Search.customers,
 * .transactions, .refunds or .disputes. */
typedef struct bt_search {
	char letter;            /* names the search in marks: "t:<cursor>" */
	const char *field;      /* the Search field: "transactions" */
	const char *input_type; /* its input's type: "TransactionSearchInput" */
	const char *query;      /* the whole query document, constant text */
	int created_filter;     /* the input takes createdAt: SearchTimestampInput */
	bt_map_fn map;
} bt_search;

/* The searches that serve a resource, in the order they are read (transactions: the
 * transactions, then the refunds, then the disputes); *n receives their number. NULL when
 * the GraphQL API serves no search for it. */
const bt_search *const *bt_searches_for(billtap_resource resource, size_t *n);

/* The request body {"query":...,"variables":{"input":{...},"first":N,"after":...}} for a
 * search, written with the kit's JSON writer (values only ever go into variables).
 * since: BILLTAP_TIME_NONE or the createdAt lower bound (searches with created_filter);
 * after: NULL for the first page. Returns 0, BILLTAP_ENOMEM or BILLTAP_EINVAL. */
int bt_query_body(billtap_json_writer *w, const bt_search *search, int64_t first, int64_t since,
                  const char *after);

/* Reads a search answer (braintree_page.c): HTTP and GraphQL errors (HTTP 200 with
 * `errors`, partial data included) recorded and returned; else *edges is the edges array
 * of data.search.<field> and *next a copy of pageInfo.endCursor when hasNextPage (NULL on
 * the last page; the caller frees it). Returns 0 or the error recorded. */
int bt_graphql_page(billtap_json *doc, const char *field, const billtap_request *req, const billtap_response *resp,
                    billtap_json_ref *edges, char **next, billtap_ctx *ctx);

/* Mappers (braintree_map.c, braintree_map_txn.c). */
int bt_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                    billtap_ctx *ctx);
int bt_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                       billtap_ctx *ctx);
int bt_map_refund(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                  billtap_ctx *ctx);
int bt_map_dispute(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                   billtap_ctx *ctx);

int bt_map_plan(billtap_record **out, const billtap_json *doc, billtap_json_ref node, billtap_ctx *ctx);

/* The XML gateway's streams (braintree_gateway.c): plans. Its struct begins with an int
 * that is 1, so braintree.c tells it from a GraphQL stream. */
typedef struct bt_gateway bt_gateway;
int bt_gateway_new(bt_gateway **out, const billtap_stream_params *params, billtap_ctx *ctx);
int bt_gateway_request(billtap_request *req, bt_gateway *s, billtap_ctx *ctx);
int bt_gateway_response(bt_gateway *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                        billtap_ctx *ctx);
void bt_gateway_free(bt_gateway *s);
/* For a gateway answer of 2xx: BILLTAP_CLASSIFY_RETRY when it is not well-formed XML (the
 * engine only recognises garbled JSON), else BILLTAP_CLASSIFY_FINAL; for anything else
 * BILLTAP_CLASSIFY_DEFAULT. */
int bt_gateway_classify(const billtap_request *req, const billtap_response *resp);

#endif
