/* Status strings and the per-client last error. Per handle, never per thread: a Go
 * goroutine may move between OS threads between two calls. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

BILLTAP_EXTERN(const char *) billtap_strerror(int code)
{
	switch (code) {
	case BILLTAP_OK: return "success";
	case BILLTAP_ITEROVER: return "iteration is over";
	case BILLTAP_EINVAL: return "invalid argument";
	case BILLTAP_ENOMEM: return "out of memory";
	case BILLTAP_EVERSION: return "unsupported struct or vtable version";
	case BILLTAP_EUNKNOWN_PROVIDER: return "unknown provider";
	case BILLTAP_EUNKNOWN_SETTING: return "unknown setting";
	case BILLTAP_ESETTING: return "invalid or missing setting";
	case BILLTAP_EUNSUPPORTED: return "not supported by this provider";
	case BILLTAP_ENETWORK: return "network error";
	case BILLTAP_ETIMEOUT: return "request timed out";
	case BILLTAP_EAUTH: return "authentication failed";
	case BILLTAP_EPERMISSION: return "permission denied";
	case BILLTAP_ERATELIMIT: return "rate limited";
	case BILLTAP_EREQUEST: return "request rejected by the provider";
	case BILLTAP_ESERVER: return "provider server error";
	case BILLTAP_EPARSE: return "malformed JSON in response";
	case BILLTAP_EDATA: return "unusable data in response";
	case BILLTAP_ECHECKPOINT: return "invalid checkpoint";
	case BILLTAP_ECANCELED: return "canceled";
	case BILLTAP_ENOTFOUND: return "value is null or absent";
	case BILLTAP_ETYPE: return "wrong field type for this record";
	case BILLTAP_ETRANSPORT: return "transport error";
	case BILLTAP_EUSAGE: return "call out of sequence";
	case BILLTAP_EPLUGIN: return "plugin cannot be loaded";
	case BILLTAP_ETLS: return "TLS verification failed";
	default: return "unknown status code";
	}
}

void bt_error_clear(billtap_client *c)
{
	c->err_code = 0;
	c->err_http_status = 0;
	bt_buf_clear(&c->err_message);
	free(c->err_request_id);
	free(c->err_provider_code);
	c->err_request_id = c->err_provider_code = NULL;
}

int bt_error_set(billtap_client *c, int code, const char *message)
{
	bt_error_clear(c);
	c->err_serial++;
	c->err_code = code;
	bt_buf_puts(&c->err_message, message ? message : billtap_strerror(code));
	bt_redact(c, &c->err_message);
	return code;
}

int bt_error_setf(billtap_client *c, int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return bt_error_set(c, code, msg);
}

void bt_error_set_http(billtap_client *c, int http_status, const char *request_id,
                       const char *provider_code)
{
	c->err_http_status = http_status;
	free(c->err_request_id);
	free(c->err_provider_code);
	c->err_request_id = request_id ? strdup(request_id) : NULL;
	c->err_provider_code = provider_code ? strdup(provider_code) : NULL;
}

BILLTAP_EXTERN(const char *) billtap_client_error_message(const billtap_client *c)
{
	return c ? bt_buf_cstr(&c->err_message) : "";
}

BILLTAP_EXTERN(int) billtap_client_error_code(const billtap_client *c)
{
	return c ? c->err_code : 0;
}

BILLTAP_EXTERN(int) billtap_client_error_http_status(const billtap_client *c)
{
	return c ? c->err_http_status : 0;
}

BILLTAP_EXTERN(const char *) billtap_client_error_request_id(const billtap_client *c)
{
	return c ? c->err_request_id : NULL;
}

BILLTAP_EXTERN(const char *) billtap_client_error_provider_code(const billtap_client *c)
{
	return c ? c->err_provider_code : NULL;
}

BILLTAP_EXTERN(int) billtap_http_status_error(int status)
{
	if (status == 401)
		return BILLTAP_EAUTH;
	if (status == 403)
		return BILLTAP_EPERMISSION;
	if (status == 429)
		return BILLTAP_ERATELIMIT;
	if (status == 408)
		return BILLTAP_ETIMEOUT; /* the server's own request timeout, still after retries */
	if (status >= 400 && status < 500)
		return BILLTAP_EREQUEST;
	if (status >= 500 && status < 600)
		return BILLTAP_ESERVER;
	return BILLTAP_EDATA;
}

int bt_provider_status(billtap_ctx *ctx, const char *slot, uint64_t serial, int rc)
{
	billtap_client *c = ctx->client;
	if (rc >= 0 || (c->err_serial != serial && c->err_code == rc))
		return rc;
	/* The protocol (<billtap/provider.h>): a negative status is recorded where it arises,
	 * with what only the provider knows. The engine never patches a message up. */
	char msg[512];
	int n = snprintf(msg, sizeof msg, "provider bug: %s returned %d without recording an error",
	                 slot, rc);
	if (c->err_serial != serial && n > 0 && (size_t)n < sizeof msg)
		snprintf(msg + n, sizeof msg - (size_t)n, " (it recorded %d: %s)", c->err_code,
		         bt_buf_cstr(&c->err_message));
	billtap_ctx reported = { c, ctx->resource, NULL, ctx->settings, NULL, ctx->trace_sources };
	return billtap_ctx_error(&reported, rc, msg);
}

/* ---- the provider's view ---- */

static void prefix(bt_buf *b, billtap_ctx *ctx)
{
	bt_buf_puts(b, ctx->client->provider->name);
	bt_buf_puts(b, ": ");
	if (ctx->resource) {
		bt_buf_puts(b, billtap_resource_name(ctx->resource));
		bt_buf_puts(b, ": ");
	}
}

/* What the engine knows about the response at hand ("the service asked to retry after
 * 3600 s, longer than billtap waits"), after the provider's message. */
static void note(bt_buf *b, const billtap_ctx *ctx)
{
	if (!ctx->note)
		return;
	bt_buf_puts(b, " (");
	bt_buf_puts(b, ctx->note);
	bt_buf_puts(b, ")");
}

BILLTAP_EXTERN(int) billtap_ctx_error(billtap_ctx *ctx, int code, const char *message)
{
	if (!ctx)
		return code;
	bt_buf b = BT_BUF_INIT;
	prefix(&b, ctx);
	bt_buf_puts(&b, message ? message : billtap_strerror(code));
	note(&b, ctx);
	bt_error_set(ctx->client, code, bt_buf_cstr(&b));
	bt_buf_free(&b);
	return code;
}

BILLTAP_EXTERN(int) billtap_ctx_http_error(billtap_ctx *ctx, int code,
                                           const billtap_request *req,
                                           const billtap_response *resp,
                                           const char *request_id, const char *provider_code,
                                           const char *message)
{
	if (!ctx)
		return code;
	bt_buf b = BT_BUF_INIT;
	prefix(&b, ctx);
	if (req) {
		bt_request_describe(req, &b);
		bt_buf_puts(&b, ": ");
	}
	int status = resp ? resp->status : 0;
	if (status) {
		char s[32];
		snprintf(s, sizeof s, "HTTP %d", status);
		bt_buf_puts(&b, s);
	}
	if (request_id) {
		bt_buf_puts(&b, status ? " (request " : "(request ");
		bt_buf_puts(&b, request_id);
		bt_buf_puts(&b, ")");
	}
	if (status || request_id)
		bt_buf_puts(&b, ": ");
	if (provider_code) {
		bt_buf_puts(&b, provider_code);
		bt_buf_puts(&b, ": ");
	}
	bt_buf_puts(&b, message ? message : billtap_strerror(code));
	note(&b, ctx);
	bt_error_set(ctx->client, code, bt_buf_cstr(&b));
	bt_error_set_http(ctx->client, status, request_id, provider_code);
	bt_buf_free(&b);
	return code;
}
