#include "providers/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of a foreign body an error message quotes. */
#define EXCERPT_MAX 160

char *pv_setting_dup(billtap_ctx *ctx, const char *key)
{
	const char *v = billtap_ctx_setting(ctx, key);
	return v && *v ? strdup(v) : NULL;
}

int pv_push_marked(billtap_sink *sink, billtap_record *rec, const char *prefix,
                   billtap_ctx *ctx)
{
	const char *id = billtap_record_id(rec);
	size_t n = strlen(prefix) + strlen(id) + 2;
	char *mark = malloc(n);
	if (!mark) {
		billtap_record_free(rec);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	snprintf(mark, n, "%s:%s", prefix, id);
	int rc = billtap_sink_push(sink, rec);
	if (rc == 0 && (rc = billtap_sink_mark(sink, mark)) < 0)
		billtap_ctx_error(ctx, rc, "cannot mark the position");
	free(mark);
	return rc;
}

void pv_body_excerpt(char *out, size_t cap, const billtap_response *resp)
{
	size_t len;
	const char *body = billtap_response_body(resp, &len);
	size_t i = 0;
	for (; i < len && i < EXCERPT_MAX && i + 1 < cap; i++)
		out[i] = (body[i] >= 0x20 && body[i] < 0x7f) ? body[i] : '?';
	if (cap)
		out[i] = '\0';
	if (!i)
		snprintf(out, cap, "empty response body");
}
