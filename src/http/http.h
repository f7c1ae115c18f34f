/* Requests and responses as the engine holds them, and the built-in libcurl transport. */
#ifndef BILLTAP_HTTP_HTTP_H
#define BILLTAP_HTTP_HTTP_H

#include <stdatomic.h>

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
};

void bt_request_init(billtap_request *req);
void bt_request_reset(billtap_request *req);
void bt_request_free(billtap_request *req);
/* "GET /v1/customers": method and path without query, for messages. */
int bt_request_describe(const billtap_request *req, bt_buf *out);

void bt_response_init(billtap_response *resp);
void bt_response_reset(billtap_response *resp);
void bt_response_free(billtap_response *resp);

void bt_headers_free(bt_headers *h);

/* The built-in transport. */
typedef struct bt_curl bt_curl;

typedef struct bt_http_options {
	long timeout_ms;
	long connect_timeout_ms;
	const char *user_agent; /* full header value */
	const char *ca_file;    /* NULL for the system default */
	const char *ca_path;
} bt_http_options;

int bt_curl_new(bt_curl **out);
void bt_curl_free(bt_curl *c);
/* Performs req into resp. `cancel` is polled during the transfer. Returns 0 when any HTTP
 * response arrived, else BILLTAP_ENETWORK / ETIMEOUT / ECANCELED / ENOMEM. */
int bt_curl_perform(bt_curl *c, billtap_response *resp, const billtap_request *req,
                    const bt_http_options *opts, atomic_int *cancel);
/* Writes "libcurl/7.88.1" (for the User-Agent) into buf. */
void bt_curl_version(char *buf, size_t cap);

#endif
