/* The built-in transport: one curl easy handle driven through a multi handle per client.
 * The multi handle keeps connections (and TLS sessions) alive from page to page, and
 * polling it in short slices lets billtap_iter_cancel() stop a transfer within ~100 ms
 * (curl's progress callback alone fires only about once a second while waiting). */
#include "http/http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How long one wait for network activity lasts before the cancel flag is looked at. */
#define POLL_SLICE_MS 100

struct bt_curl {
	CURLM *multi;
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
};

int bt_curl_new(bt_curl **out)
{
	*out = NULL;
	bt_curl *c = calloc(1, sizeof *c);
	if (!c)
		return BILLTAP_ENOMEM;
	c->easy = curl_easy_init();
	c->multi = curl_multi_init();
	if (!c->easy || !c->multi) {
		curl_easy_cleanup(c->easy);
		curl_multi_cleanup(c->multi);
		free(c);
		return BILLTAP_ENOMEM;
	}
	*out = c;
	return 0;
}

void bt_curl_free(bt_curl *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->easy);
	curl_multi_cleanup(c->multi);
	free(c);
}

void bt_curl_version(char *buf, size_t cap)
{
	const curl_version_info_data *d = curl_version_info(CURLVERSION_NOW);
	snprintf(buf, cap, "libcurl/%s", d && d->version ? d->version : "unknown");
}

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	billtap_response *resp = userp;
	size_t len = size * n;
	/* Returning a short count makes curl abort with CURLE_WRITE_ERROR. */
	return billtap_response_append_body(resp, data, len) == 0 ? len : 0;
}

static size_t on_header(char *line, size_t size, size_t n, void *userp)
{
	billtap_response *resp = userp;
	size_t len = size * n;
	/* A new status line (after a 100 Continue or a redirect we do not follow) starts a
	 * new header block. */
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		bt_response_reset(resp);
		return len;
	}
	char *colon = memchr(line, ':', len);
	if (!colon || colon == line)
		return len;
	if (billtap_response_add_header(resp, line, (size_t)(colon - line), colon + 1,
	                                len - (size_t)(colon - line) - 1) < 0)
		return 0;
	return len;
}

static int on_progress(void *userp, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	atomic_int *cancel = userp;
	return cancel && atomic_load(cancel) ? 1 : 0;
}

/* Runs the transfer on the multi handle, waking every POLL_SLICE_MS to honour cancel. */
static CURLcode run(bt_curl *c, atomic_int *cancel)
{
	if (curl_multi_add_handle(c->multi, c->easy) != CURLM_OK)
		return CURLE_OUT_OF_MEMORY;
	CURLcode result = CURLE_OK;
	int running = 1;
	while (running) {
		if (cancel && atomic_load(cancel)) {
			result = CURLE_ABORTED_BY_CALLBACK;
			break;
		}
		if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
		if (running && curl_multi_poll(c->multi, NULL, 0, POLL_SLICE_MS, NULL) != CURLM_OK) {
			result = CURLE_OUT_OF_MEMORY;
			break;
		}
	}
	if (!running) {
		int left;
		CURLMsg *msg;
		while ((msg = curl_multi_info_read(c->multi, &left)))
			if (msg->msg == CURLMSG_DONE && msg->easy_handle == c->easy)
				result = msg->data.result;
	}
	curl_multi_remove_handle(c->multi, c->easy);
	return result;
}

static int map_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT: return BILLTAP_ETIMEOUT;
	case CURLE_ABORTED_BY_CALLBACK: return BILLTAP_ECANCELED;
	case CURLE_OUT_OF_MEMORY: return BILLTAP_ENOMEM;
	case CURLE_WRITE_ERROR: return BILLTAP_EDATA; /* body over the size limit */
	default: return BILLTAP_ENETWORK;
	}
}

int bt_curl_perform(bt_curl *c, billtap_response *resp, const billtap_request *req,
                    const bt_http_options *opts, atomic_int *cancel)
{
	CURL *h = c->easy;
	struct curl_slist *headers = NULL;
	int rc = 0;
	curl_easy_reset(h); /* keeps the connection cache; forgets the last request's options */
	c->errbuf[0] = '\0';

	for (size_t i = 0; i < req->headers.count; i++) {
		bt_buf line = BT_BUF_INIT;
		if (bt_buf_puts(&line, req->headers.items[i].name) < 0 ||
		    bt_buf_puts(&line, ": ") < 0 || bt_buf_puts(&line, req->headers.items[i].value) < 0) {
			bt_buf_free(&line);
			rc = BILLTAP_ENOMEM;
			goto out;
		}
		struct curl_slist *n = curl_slist_append(headers, line.data);
		memset(line.data, 0, line.len); /* may be an Authorization header */
		bt_buf_free(&line);
		if (!n) {
			rc = BILLTAP_ENOMEM;
			goto out;
		}
		headers = n;
	}
	/* No "Expect: 100-continue" round trip on POSTs. */
	struct curl_slist *n = curl_slist_append(headers, "Expect:");
	if (!n) {
		rc = BILLTAP_ENOMEM;
		goto out;
	}
	headers = n;

	curl_easy_setopt(h, CURLOPT_URL, billtap_request_url(req));
#if CURL_AT_LEAST_VERSION(7, 85, 0)
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* every encoding curl supports */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);   /* never carry credentials elsewhere */
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_USERAGENT, opts->user_agent);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	if (opts->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, opts->ca_file);
	if (opts->ca_path)
		curl_easy_setopt(h, CURLOPT_CAPATH, opts->ca_path);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, cancel);

	switch (req->method) {
	case BILLTAP_HTTP_POST:
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		break;
	case BILLTAP_HTTP_HEAD:
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
		break;
	case BILLTAP_HTTP_PUT:
	case BILLTAP_HTTP_DELETE:
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, billtap_request_method(req));
		break;
	default:
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	/* A POST always gets its fields, empty if need be: without them libcurl would read
	 * the body from the host's stdin. */
	if (req->has_body || req->method == BILLTAP_HTTP_POST) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, bt_buf_cstr(&req->body));
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
	}

	CURLcode cr = run(c, cancel);
	if (cr != CURLE_OK) {
		rc = map_error(cr);
		billtap_response_set_error(resp, c->errbuf[0] ? c->errbuf : curl_easy_strerror(cr));
		if (rc == BILLTAP_EDATA)
			billtap_response_set_error(resp, "response body over the size limit");
		goto out;
	}
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (billtap_response_set_status(resp, (int)status) < 0) {
		billtap_response_set_error(resp, "no valid HTTP status in the response");
		rc = BILLTAP_ENETWORK;
	}
out:
	/* Drop the request-specific pointers (headers, body) before they are freed. */
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(headers);
	return rc;
}
