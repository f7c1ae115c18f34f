/* Building requests (provider side) and reading them (transport side). */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json/json_swap.h"
#include "util/base64.h"

void bt_request_init(billtap_request *req)
{
	memset(req, 0, sizeof *req);
	req->method = BILLTAP_HTTP_GET;
}

/* Header values may be credentials (Authorization): wiped before their memory is reused. */
static void headers_clear(bt_headers *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].name);
		memset(h->items[i].value, 0, strlen(h->items[i].value));
		free(h->items[i].value);
	}
	h->count = 0;
}

void bt_headers_free(bt_headers *h)
{
	headers_clear(h);
	free(h->items);
	memset(h, 0, sizeof *h);
}

static int headers_add(bt_headers *h, const char *name, size_t nlen, const char *value,
                       size_t vlen)
{
	if (h->count == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 8;
		bt_header *p = realloc(h->items, cap * sizeof *p);
		if (!p)
			return BILLTAP_ENOMEM;
		h->items = p;
		h->cap = cap;
	}
	char *n = malloc(nlen + 1), *v = malloc(vlen + 1);
	if (!n || !v) {
		free(n);
		free(v);
		return BILLTAP_ENOMEM;
	}
	memcpy(n, name, nlen);
	n[nlen] = '\0';
	memcpy(v, value, vlen);
	v[vlen] = '\0';
	h->items[h->count].name = n;
	h->items[h->count].value = v;
	h->count++;
	return 0;
}

void bt_request_reset(billtap_request *req)
{
	req->method = BILLTAP_HTTP_GET;
	bt_buf_clear(&req->url);
	req->path_start = 0;
	req->has_query = 0;
	headers_clear(&req->headers);
	bt_buf_clear(&req->body);
	req->has_body = 0;
	req->body_is_form = 0;
	req->tag = 0;
}

void bt_request_free(billtap_request *req)
{
	bt_buf_free(&req->url);
	bt_headers_free(&req->headers);
	bt_buf_free(&req->body);
}

BILLTAP_EXTERN(int) billtap_request_set_method(billtap_request *req, billtap_http_method method)
{
	if (!req || method < BILLTAP_HTTP_GET || method > BILLTAP_HTTP_HEAD)
		return BILLTAP_EINVAL;
	req->method = method;
	return 0;
}

/* Length of "scheme://authority" in url, or 0 when it is not an absolute http(s) URL. */
static size_t origin_len(const char *url, size_t len)
{
	size_t skip;
	if (len >= 7 && strncmp(url, "http://", 7) == 0)
		skip = 7;
	else if (len >= 8 && strncmp(url, "https://", 8) == 0)
		skip = 8;
	else
		return 0;
	size_t i = skip;
	while (i < len && url[i] != '/' && url[i] != '?' && url[i] != '#')
		i++;
	return i > skip ? i : 0;
}

static int has_crlf_or_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == ' ' || s[i] == '\0')
			return 1;
	return 0;
}

BILLTAP_EXTERN(int) billtap_request_set_url(billtap_request *req, const char *base_url,
                                            const char *path)
{
	if (!req || !base_url || !path || path[0] != '/')
		return BILLTAP_EINVAL;
	size_t blen = strlen(base_url);
	while (blen && base_url[blen - 1] == '/')
		blen--;
	size_t olen = origin_len(base_url, blen);
	if (!olen || memchr(base_url, '?', blen) || has_crlf_or_space(base_url, blen) ||
	    has_crlf_or_space(path, strlen(path)))
		return BILLTAP_EINVAL;
	bt_buf_clear(&req->url);
	if (bt_buf_append(&req->url, base_url, blen) < 0 || bt_buf_puts(&req->url, path) < 0)
		return BILLTAP_ENOMEM;
	req->path_start = olen;
	req->has_query = strchr(path, '?') != NULL;
	return 0;
}

BILLTAP_EXTERN(int) billtap_request_add_path(billtap_request *req, const char *segment)
{
	if (!req || !segment || !*segment || !req->url.len)
		return BILLTAP_EINVAL;
	/* Ids go into paths encoded: "P-1/../x" must stay one segment. */
	size_t len = strlen(segment);
	if (len > ((size_t)1 << 20))
		return BILLTAP_EINVAL;
	char *query = memchr(req->url.data, '?', req->url.len);
	if (query) {
		req->url.len = (size_t)(query - req->url.data);
		req->url.data[req->url.len] = '\0';
		req->has_query = 0;
	}
	if (req->url.len > req->path_start && req->url.data[req->url.len - 1] == '/')
		req->url.data[--req->url.len] = '\0';
	if (bt_buf_putc(&req->url, '/') < 0 || bt_buf_reserve(&req->url, 3 * len + 1) < 0)
		return BILLTAP_ENOMEM;
	int n = billtap_url_encode(req->url.data + req->url.len, 3 * len + 1, segment, len);
	if (n < 0)
		return BILLTAP_EINVAL;
	req->url.len += (size_t)n;
	return 0;
}

BILLTAP_EXTERN(int) billtap_request_set_next_url(billtap_request *req, const char *url,
                                                 size_t url_len, const char *base_url)
{
	if (!req || !url || !base_url)
		return BILLTAP_EINVAL;
	size_t blen = strlen(base_url);
	size_t bo = origin_len(base_url, blen), uo = origin_len(url, url_len);
	/* Only same scheme, host and port: the request will carry our credentials. */
	if (!bo || bo != uo || strncasecmp(url, base_url, bo) != 0 ||
	    has_crlf_or_space(url, url_len))
		return BILLTAP_EDATA;
	bt_buf_clear(&req->url);
	if (bt_buf_append(&req->url, url, url_len) < 0)
		return BILLTAP_ENOMEM;
	if (url_len == uo && bt_buf_putc(&req->url, '/') < 0)
		return BILLTAP_ENOMEM;
	req->path_start = uo;
	req->has_query = memchr(url, '?', url_len) != NULL;
	return 0;
}

BILLTAP_EXTERN(int) billtap_url_encode(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!dst || (!src && len))
		return BILLTAP_EINVAL;
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		size_t need = plain ? 1 : 3;
		if (o + need >= cap)
			return BILLTAP_EINVAL;
		if (plain) {
			dst[o++] = (char)c;
		} else {
			dst[o++] = '%';
			dst[o++] = hex[c >> 4];
			dst[o++] = hex[c & 15];
		}
	}
	if (o >= cap)
		return BILLTAP_EINVAL;
	dst[o] = '\0';
	return (int)o;
}

static int append_encoded(bt_buf *b, const char *s)
{
	size_t len = strlen(s);
	if (bt_buf_reserve(b, 3 * len) < 0)
		return BILLTAP_ENOMEM;
	int n = billtap_url_encode(b->data + b->len, b->cap - b->len, s, len);
	if (n < 0)
		return BILLTAP_ENOMEM;
	b->len += (size_t)n;
	return 0;
}

static int append_pair(bt_buf *b, char sep, const char *name, const char *value)
{
	if (sep && bt_buf_putc(b, sep) < 0)
		return BILLTAP_ENOMEM;
	if (append_encoded(b, name) < 0 || bt_buf_putc(b, '=') < 0 || append_encoded(b, value) < 0)
		return BILLTAP_ENOMEM;
	return 0;
}

BILLTAP_EXTERN(int) billtap_request_add_query(billtap_request *req, const char *name,
                                              const char *value)
{
	if (!req || !name || !value || !req->url.len)
		return BILLTAP_EINVAL;
	int rc = append_pair(&req->url, req->has_query ? '&' : '?', name, value);
	if (rc == 0)
		req->has_query = 1;
	return rc;
}

BILLTAP_EXTERN(int) billtap_request_add_header(billtap_request *req, const char *name,
                                               const char *value)
{
	if (!req || !name || !value || !*name || strpbrk(name, "\r\n: ") ||
	    strpbrk(value, "\r\n"))
		return BILLTAP_EINVAL;
	return headers_add(&req->headers, name, strlen(name), value, strlen(value));
}

BILLTAP_EXTERN(int) billtap_request_set_basic_auth(billtap_request *req, const char *user,
                                                   const char *password)
{
	if (!req || !user || !password || strchr(user, ':'))
		return BILLTAP_EINVAL;
	bt_buf plain = BT_BUF_INIT, value = BT_BUF_INIT;
	int rc = BILLTAP_ENOMEM;
	if (bt_buf_puts(&plain, user) == 0 && bt_buf_putc(&plain, ':') == 0 &&
	    bt_buf_puts(&plain, password) == 0 && bt_buf_puts(&value, "Basic ") == 0 &&
	    bt_base64_encode(&value, plain.data, plain.len, 0) == 0)
		rc = billtap_request_add_header(req, "Authorization", value.data);
	/* The buffers held a secret: wipe before freeing. */
	if (plain.data)
		memset(plain.data, 0, plain.cap);
	if (value.data)
		memset(value.data, 0, value.cap);
	bt_buf_free(&plain);
	bt_buf_free(&value);
	return rc;
}

BILLTAP_EXTERN(int) billtap_request_set_bearer(billtap_request *req, const char *token)
{
	if (!req || !token || !*token)
		return BILLTAP_EINVAL;
	bt_buf value = BT_BUF_INIT;
	int rc = BILLTAP_ENOMEM;
	if (bt_buf_puts(&value, "Bearer ") == 0 && bt_buf_puts(&value, token) == 0)
		rc = billtap_request_add_header(req, "Authorization", value.data);
	if (value.data)
		memset(value.data, 0, value.cap);
	bt_buf_free(&value);
	return rc;
}

static int set_content_type(billtap_request *req, const char *type)
{
	for (size_t i = 0; i < req->headers.count; i++) {
		if (strcasecmp(req->headers.items[i].name, "Content-Type") == 0) {
			char *v = strdup(type);
			if (!v)
				return BILLTAP_ENOMEM;
			free(req->headers.items[i].value);
			req->headers.items[i].value = v;
			return 0;
		}
	}
	return billtap_request_add_header(req, "Content-Type", type);
}

BILLTAP_EXTERN(int) billtap_request_set_body(billtap_request *req, const char *content_type,
                                             const char *data, size_t len)
{
	if (!req || !content_type || (!data && len))
		return BILLTAP_EINVAL;
	bt_buf_clear(&req->body);
	if (bt_buf_append(&req->body, data ? data : "", len) < 0)
		return BILLTAP_ENOMEM;
	req->has_body = 1;
	req->body_is_form = 0;
	return set_content_type(req, content_type);
}

BILLTAP_EXTERN(int) billtap_request_add_form(billtap_request *req, const char *name,
                                             const char *value)
{
	if (!req || !name || !value)
		return BILLTAP_EINVAL;
	if (!req->body_is_form) {
		bt_buf_clear(&req->body);
		int rc = set_content_type(req, "application/x-www-form-urlencoded");
		if (rc < 0)
			return rc;
	}
	int rc = append_pair(&req->body, req->body.len ? '&' : 0, name, value);
	if (rc < 0)
		return rc;
	req->has_body = 1;
	req->body_is_form = 1;
	return 0;
}

BILLTAP_EXTERN(void) billtap_request_set_tag(billtap_request *req, uint64_t tag)
{
	if (req)
		req->tag = tag;
}

BILLTAP_EXTERN(uint64_t) billtap_request_tag(const billtap_request *req)
{
	return req ? req->tag : 0;
}

BILLTAP_EXTERN(const char *) billtap_request_method(const billtap_request *req)
{
	static const char *const names[] = { "GET", "GET", "POST", "PUT", "DELETE", "HEAD" };
	if (!req || req->method < BILLTAP_HTTP_GET || req->method > BILLTAP_HTTP_HEAD)
		return "GET";
	return names[req->method];
}

BILLTAP_EXTERN(const char *) billtap_request_url(const billtap_request *req)
{
	return req ? bt_buf_cstr(&req->url) : "";
}

BILLTAP_EXTERN(size_t) billtap_request_header_count(const billtap_request *req)
{
	return req ? req->headers.count : 0;
}

BILLTAP_EXTERN(int) billtap_request_header(const char **name, const char **value,
                                           const billtap_request *req, size_t index)
{
	if (!name || !value || !req || index >= req->headers.count)
		return BILLTAP_EINVAL;
	*name = req->headers.items[index].name;
	*value = req->headers.items[index].value;
	return 0;
}

BILLTAP_EXTERN(const char *) billtap_request_body(const billtap_request *req, size_t *len)
{
	if (len)
		*len = 0;
	if (!req || !req->has_body)
		return NULL;
	if (len)
		*len = req->body.len;
	return bt_buf_cstr(&req->body);
}

int bt_request_describe(const billtap_request *req, bt_buf *out)
{
	const char *url = bt_buf_cstr(&req->url);
	const char *path = url + req->path_start;
	size_t plen = strcspn(path, "?#");
	if (bt_buf_puts(out, billtap_request_method(req)) < 0 || bt_buf_putc(out, ' ') < 0 ||
	    bt_buf_append(out, path, plen) < 0)
		return BILLTAP_ENOMEM;
	return 0;
}

/* ---- responses ---- */

void bt_response_init(billtap_response *resp)
{
	memset(resp, 0, sizeof *resp);
}

void bt_response_reset(billtap_response *resp)
{
	resp->status = 0;
	headers_clear(&resp->headers);
	bt_buf_clear(&resp->body);
	bt_buf_clear(&resp->error);
	resp->parsed_ok = 0; /* the document stays, for the next body */
}

void bt_response_free(billtap_response *resp)
{
	bt_headers_free(&resp->headers);
	bt_buf_free(&resp->body);
	bt_buf_free(&resp->error);
	billtap_json_free(resp->parsed);
	resp->parsed = NULL;
	resp->parsed_ok = 0;
}

int bt_response_check_json(billtap_response *resp)
{
	resp->parsed_ok = 0;
	if (!resp->parsed && billtap_json_new(&resp->parsed) < 0)
		return -1;
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	int rc = billtap_json_parse(resp->parsed, body, len);
	if (rc == BILLTAP_EPARSE)
		return 0;
	if (rc < 0)
		return -1;
	resp->parsed_ok = 1;
	return 1;
}

int bt_response_take_parse(billtap_response *resp, billtap_json *doc)
{
	if (!resp->parsed_ok || !resp->parsed)
		return 0;
	bt_json_swap(doc, resp->parsed);
	resp->parsed_ok = 0;
	return 1;
}

BILLTAP_EXTERN(int) billtap_response_set_status(billtap_response *resp, int status)
{
	if (!resp || status < 100 || status > 599)
		return BILLTAP_EINVAL;
	resp->status = status;
	return 0;
}

BILLTAP_EXTERN(int) billtap_response_add_header(billtap_response *resp, const char *name,
                                                size_t name_len, const char *value,
                                                size_t value_len)
{
	if (!resp || !name || !value || !name_len)
		return BILLTAP_EINVAL;
	while (value_len && (*value == ' ' || *value == '\t')) {
		value++;
		value_len--;
	}
	while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t' ||
	                     value[value_len - 1] == '\r' || value[value_len - 1] == '\n'))
		value_len--;
	return headers_add(&resp->headers, name, name_len, value, value_len);
}

BILLTAP_EXTERN(int) billtap_response_append_body(billtap_response *resp, const char *data,
                                                 size_t len)
{
	if (!resp || (!data && len))
		return BILLTAP_EINVAL;
	if (len > BT_RESPONSE_MAX_BODY - resp->body.len)
		return BILLTAP_EDATA;
	resp->parsed_ok = 0; /* another body now */
	return bt_buf_append(&resp->body, data, len) < 0 ? BILLTAP_ENOMEM : 0;
}

BILLTAP_EXTERN(void) billtap_response_set_error(billtap_response *resp, const char *message)
{
	if (!resp || !message)
		return;
	bt_buf_clear(&resp->error);
	bt_buf_puts(&resp->error, message);
}

BILLTAP_EXTERN(int) billtap_response_status(const billtap_response *resp)
{
	return resp ? resp->status : 0;
}

BILLTAP_EXTERN(const char *) billtap_response_header(const billtap_response *resp,
                                                     const char *name)
{
	if (!resp || !name)
		return NULL;
	for (size_t i = 0; i < resp->headers.count; i++)
		if (strcasecmp(resp->headers.items[i].name, name) == 0)
			return resp->headers.items[i].value;
	return NULL;
}

BILLTAP_EXTERN(const char *) billtap_response_body(const billtap_response *resp, size_t *len)
{
	if (len)
		*len = resp ? resp->body.len : 0;
	return resp ? bt_buf_cstr(&resp->body) : "";
}
