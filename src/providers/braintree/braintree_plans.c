/*
 * Plans through the XML gateway (braintree_gateway.c): GET .../plans answers every plan at
 * once (<plans type="array">, no paging), so the stream is one request and makes no
 * marks: a resume reads the list again and the engine skips what the host already had.
 */
#include <stdlib.h>

#include "braintree.h"

struct bt_plans {
	int kind; /* BT_KIND_PLANS (braintree.c tells the streams apart by it) */
	bt_gateway_conf conf;
	int done;
	billtap_json *doc;
	billtap_json_writer *json;
};

void bt_plans_free(bt_plans *s)
{
	if (!s)
		return;
	bt_gateway_conf_free(&s->conf);
	billtap_json_free(s->doc);
	billtap_json_writer_free(s->json);
	free(s);
}

int bt_plans_new(bt_plans **out, billtap_ctx *ctx)
{
	*out = NULL;
	bt_plans *s = calloc(1, sizeof *s);
	if (!s || billtap_json_new(&s->doc) < 0 || billtap_json_writer_new(&s->json) < 0) {
		bt_plans_free(s);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	s->kind = BT_KIND_PLANS;
	int rc = bt_gateway_settings(&s->conf, ctx);
	if (rc < 0) {
		bt_plans_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int bt_plans_request(billtap_request *req, bt_plans *s, billtap_ctx *ctx)
{
	return s->done ? BILLTAP_ITEROVER : bt_gateway_prepare(req, &s->conf, "/plans", NULL, ctx);
}

int bt_plans_response(bt_plans *s, const billtap_request *req, const billtap_response *resp, billtap_sink *sink,
                      billtap_ctx *ctx)
{
	int rc = bt_gateway_read(s->doc, s->json, req, resp, ctx);
	if (rc < 0)
		return rc;
	billtap_json_ref list = billtap_json_get(s->doc, billtap_json_root(s->doc), "plans");
	if (billtap_json_typeof(s->doc, list) != BILLTAP_JSON_ARRAY)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp, NULL, NULL,
		                              "not a plan list: <plans type=\"array\"> expected");
	billtap_page page = BILLTAP_PAGE_INIT;
	page.list = "plans";
	page.items = (int64_t)billtap_json_count(s->doc, list);
	if ((rc = billtap_sink_page(sink, &page)) < 0)
		return rc;
	for (billtap_json_ref e = billtap_json_first(s->doc, list); e != BILLTAP_JSON_NONE; e = billtap_json_next(s->doc, e)) {
		billtap_record *rec;
		if ((rc = bt_map_plan(&rec, s->doc, e, ctx)) < 0) {
			if ((rc = billtap_sink_reject_json(sink, rc, s->doc, e, "id")) < 0)
				return rc;
			continue;
		}
		if ((rc = billtap_sink_push(sink, rec)) < 0)
			return rc;
	}
	s->done = 1;
	return 0;
}
