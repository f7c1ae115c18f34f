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

/* The search of customers with their payment methods' legacyIds (vault tokens), which
 * links subscriptions to customers. */
#define BT_TOKENS_PER_CUSTOMER_TEXT "50"
const bt_search *bt_token_search(void);

/* The request body {"query":...,"variables":{"input":{...},"first":N,"after":...}} for a
 * search, written with the kit's JSON writer (values only ever go into variables).
 * since: BILLTAP_TIME_NONE or the createdAt lower bound (searches with created_filter);
 * after: NULL for the first page. Returns 0, BILLTAP_ENOMEM or BILLTAP_EINVAL. */
int bt_query_body(billtap_json_writer *w, const bt_search *search, int64_t first, int64_t since,
                  const char *after);

/* POST /graphql on origin with the Braintree-Version header, Basic auth and the finished
 * document of body (braintree_page.c). 0, or the kit's error (not recorded). */
int bt_graphql_request(billtap_request *req, const char *origin, const char *version, const char *user,
                       const char *password, const billtap_json_writer *body);

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

/* One plan of the gateway (braintree_map_plan.c). */
int bt_map_plan(billtap_record **out, const billtap_json *doc, billtap_json_ref node, billtap_ctx *ctx);

/* The streams of braintree.c, braintree_plans.c and braintree_subs.c begin with an int
 * saying which they are. */
enum { BT_KIND_GRAPHQL, BT_KIND_PLANS, BT_KIND_SUBSCRIPTIONS };

/* The XML gateway (braintree_gateway.c): its settings, requests and answers. */
typedef struct bt_gateway_conf {
	char *origin;            /* gateway_url */
	char *prefix;            /* "/merchants/<merchant_id, encoded>" */
	char *public_key, *private_key;
} bt_gateway_conf;
/* Reads the settings; BILLTAP_ESETTING (recorded) without merchant_id. */
int bt_gateway_settings(bt_gateway_conf *conf, billtap_ctx *ctx);
void bt_gateway_conf_free(bt_gateway_conf *conf);
/* A request to prefix + path: GET, or POST with an XML body when xml is not NULL. */
int bt_gateway_prepare(billtap_request *req, const bt_gateway_conf *conf, const char *path, const char *xml,
                       billtap_ctx *ctx);
/* A 200 answer's XML as JSON in doc (json: scratch); any other status, or XML that is not
 * the gateway's, is an error naming the request (a 422's <api-error-response> message). */
int bt_gateway_read(billtap_json *doc, billtap_json_writer *json, const billtap_request *req,
                    const billtap_response *resp, billtap_ctx *ctx);
/* For a gateway answer of 2xx: BILLTAP_CLASSIFY_RETRY when it is not well-formed XML (the
 * engine only recognises garbled JSON), else BILLTAP_CLASSIFY_FINAL; for anything else
 * BILLTAP_CLASSIFY_DEFAULT. */
int bt_gateway_classify(const billtap_request *req, const billtap_response *resp);

/* Plans (braintree_plans.c): GET .../plans, one answer with all of them. */
typedef struct bt_plans bt_plans;
int bt_plans_new(bt_plans **out, billtap_ctx *ctx);
int bt_plans_request(billtap_request *req, bt_plans *s, billtap_ctx *ctx);
int bt_plans_response(bt_plans *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                      billtap_ctx *ctx);
void bt_plans_free(bt_plans *s);

/* Vault tokens to customer ids (braintree_tokens.c): the customers search's payment
 * methods, sorted once read, for the subscriptions' customer_id. */
typedef struct bt_tokens bt_tokens;
int bt_tokens_new(bt_tokens **out);
void bt_tokens_free(bt_tokens *t);
/* Adds the tokens of one customer node {id, paymentMethods{pageInfo{hasNextPage}, edges}}.
 * BILLTAP_EDATA (recorded, naming the customer) for a node of another shape or a customer
 * with more payment methods than one page holds. */
int bt_tokens_add_customer(bt_tokens *t, const billtap_json *doc, billtap_json_ref node, billtap_ctx *ctx);
/* Sorts the table; BILLTAP_EDATA (recorded) when a token belongs to two customers. */
int bt_tokens_seal(bt_tokens *t, billtap_ctx *ctx);
/* The customer id of a token, NULL when no listed customer has it. */
const char *bt_tokens_find(const bt_tokens *t, const char *token);

/* The subscription searches' <search> bodies (braintree_search_xml.c): created_at from lo
 * to hi, both inclusive (BT_OPEN_LO / BT_OPEN_HI: no bound; neither: every subscription),
 * and the fetch of records by their ids only. *out is malloc'd text. 0, BILLTAP_ENOMEM or
 * BILLTAP_EINVAL (a time that cannot be written). */
#define BT_OPEN_LO INT64_MIN
#define BT_OPEN_HI INT64_MAX
int bt_search_window_xml(char **out, int64_t lo, int64_t hi);
int bt_search_ids_xml(char **out, char *const *ids, size_t n_ids);

/* Subscriptions (braintree_subs.c): tokens first, then the gateway's two-step search. */
typedef struct bt_subs bt_subs;
int bt_subs_new(bt_subs **out, const billtap_stream_params *params, billtap_ctx *ctx);
int bt_subs_request(billtap_request *req, bt_subs *s, billtap_ctx *ctx);
int bt_subs_response(bt_subs *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                     billtap_ctx *ctx);
void bt_subs_free(bt_subs *s);

/* One subscription of the gateway (braintree_map_sub.c), its customer found by its token. */
int bt_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                        const bt_tokens *tokens, billtap_ctx *ctx);

#endif
