/* Requests and responses as the engine holds them, and the built-in libcurl transport. */
#ifndef BILLTAP_HTTP_HTTP_H
#define BILLTAP_HTTP_HTTP_H

#include "billtap/provider.h"
#include "util/buf.h"

typedef struct bt_header {
	char *name;
	char *value;
} bt_header;

typedef struct bt_headers {
	bt_header *items;
	size_t count, cap;
} bt_headers;

struct billtap_request {
	billtap_http_method method;
	bt_buf url;       /* full URL, query included */
	size_t path_start; /* offset of the path in url (for messages without the query) */
	int has_query;
	bt_headers headers;
	bt_buf body;
	int has_body;
	int body_is_form;
	uint64_t tag;
};

/* The most body a response may have: a billing list page is kilobytes; anything near this
 * is a misbehaving server, not data. */
#define BT_RESPONSE_MAX_BODY ((size_t)256 << 20)

struct billtap_response {
	int status;
	bt_headers headers;
	bt_buf body;
	bt_buf error; /* transport failure description */
	/* The engine's parse of this body (bt_response_check_json), handed to the provider's
	 * billtap_response_parse() instead of parsing the page a second time. */
	billtap_json *parsed;
	int parsed_ok; /* parsed holds this very body */
};

void bt_request_init(billtap_request *req);
void bt_request_reset(billtap_request *req);
void bt_request_free(billtap_request *req);
/* "GET /v1/customers": method and path without query, for messages. */
int bt_request_describe(const billtap_request *req, bt_buf *out);

/* Whether the body is JSON: 1 (its parse kept for billtap_response_parse), 0 (it is not),
 * -1 (out of memory: unknown; the provider's own parse will say). */
int bt_response_check_json(billtap_response *resp);
/* The kept parse of this body, moved into doc (which then holds it, and resp doc's old
 * buffers): 1, or 0 when there is none. */
int bt_response_take_parse(billtap_response *resp, billtap_json *doc);
void bt_response_init(billtap_response *resp);
void bt_response_reset(billtap_response *resp);
void bt_response_free(billtap_response *resp);

void bt_headers_free(bt_headers *h);

/* The stall timeout for a transfer (setting stall_timeout_ms; 0: none), from the engine's
 * side of its options: the built-in transport aborts a transfer that received nothing
 * for that long. */
long bt_transfer_stall_timeout_ms(const billtap_transfer_options *opts);

/* The built-in transport: libcurl behind the same billtap_transport interface a host
 * transport implements (perform, start/wait/abort over one multi handle, free). The
 * payload is made by bt_curl_new, one per client; the vtable's free releases it. */
typedef struct bt_curl bt_curl;
extern const billtap_transport bt_curl_transport;
int bt_curl_new(bt_curl **out);
/* Closes the cached connections and frees the reusable handles; the next transfer makes
 * new ones. Only between transfers: does nothing while one runs or waits to be reported. */
void bt_curl_close_idle(bt_curl *t);

#endif
