/*
 * Lists kept as JSON text (docs/data-model.md), and Stripe discounts -> the `discounts`
 * field's (docs/data-model.md): one object
 * per discount, {"id", "coupon_id", "percent_off", "amount_off", "currency", "duration",
 * "duration_in_months", "start", "end"}, from a discount object (its coupon under `coupon`
 * until API 2025-09-30.clover, under `source.coupon` after) or a bare discount id.
 */
#include <stdlib.h>
#include <string.h>

#include "stripe.h"

/* A string member, or null. */
static int put_str(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref ref)
{
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING)
		return billtap_json_write_null(w);
	char *s = NULL;
	int rc = billtap_json_strdup(&s, doc, ref);
	if (rc < 0)
		return rc;
	rc = billtap_json_write_string(w, s, strlen(s));
	free(s);
	return rc;
}

/* An integer member, or null. */
static int put_int(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref ref)
{
	int64_t v;
	if (billtap_json_int(&v, doc, ref) < 0)
		return billtap_json_write_null(w);
	return billtap_json_write_int(w, v);
}

/* A decimal number as the string Stripe wrote (25.5 -> "25.5"), or null. */
static int put_decimal(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref ref)
{
	const char *text;
	size_t len;
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_NUMBER ||
	    billtap_json_text(&text, &len, doc, ref) < 0)
		return billtap_json_write_null(w);
	return billtap_json_write_string(w, text, len);
}

/* A Unix time as RFC 3339, or null. */
static int put_time(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref ref)
{
	int64_t t;
	char buf[40];
	if (billtap_json_int(&t, doc, ref) < 0)
		return billtap_json_write_null(w);
	int n = billtap_time_format(buf, sizeof buf, t);
	return n < 0 ? n : billtap_json_write_string(w, buf, (size_t)n);
}

/* The currency upper case, or null. */
static int put_currency(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref ref)
{
	const char *text;
	size_t len;
	char up[8];
	if (billtap_json_typeof(doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, doc, ref) < 0 || len >= sizeof up)
		return billtap_json_write_null(w);
	for (size_t i = 0; i < len; i++)
		up[i] = (text[i] >= 'a' && text[i] <= 'z') ? (char)(text[i] - 32) : text[i];
	return billtap_json_write_string(w, up, len);
}

static int put_discount(billtap_json_writer *w, const billtap_json *doc, billtap_json_ref d)
{
	int expanded = billtap_json_typeof(doc, d) == BILLTAP_JSON_OBJECT;
	billtap_json_ref id = expanded ? billtap_json_get(doc, d, "id") : d;
	billtap_json_ref coupon = billtap_json_get(doc, d, "coupon");
	if (billtap_json_typeof(doc, coupon) != BILLTAP_JSON_OBJECT)
		coupon = billtap_json_path(doc, d, "source.coupon");
	int whole = billtap_json_typeof(doc, coupon) == BILLTAP_JSON_OBJECT;
	billtap_json_ref coupon_id = whole ? billtap_json_get(doc, coupon, "id") : coupon;
	billtap_json_ref none = BILLTAP_JSON_NONE;
	int rc;
	(void)((rc = billtap_json_write_object_begin(w)) < 0 ||
	       (rc = billtap_json_write_key(w, "id")) < 0 || (rc = put_str(w, doc, id)) < 0 ||
	       (rc = billtap_json_write_key(w, "coupon_id")) < 0 ||
	       (rc = put_str(w, doc, coupon_id)) < 0 ||
	       (rc = billtap_json_write_key(w, "percent_off")) < 0 ||
	       (rc = put_decimal(w, doc, whole ? billtap_json_get(doc, coupon, "percent_off") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "amount_off")) < 0 ||
	       (rc = put_int(w, doc, whole ? billtap_json_get(doc, coupon, "amount_off") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "currency")) < 0 ||
	       (rc = put_currency(w, doc, whole ? billtap_json_get(doc, coupon, "currency") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "duration")) < 0 ||
	       (rc = put_str(w, doc, whole ? billtap_json_get(doc, coupon, "duration") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "duration_in_months")) < 0 ||
	       (rc = put_int(w, doc, whole ? billtap_json_get(doc, coupon, "duration_in_months") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "start")) < 0 ||
	       (rc = put_time(w, doc, expanded ? billtap_json_get(doc, d, "start") : none)) < 0 ||
	       (rc = billtap_json_write_key(w, "end")) < 0 ||
	       (rc = put_time(w, doc, expanded ? billtap_json_get(doc, d, "end") : none)) < 0 ||
	       (rc = billtap_json_write_object_end(w)) < 0);
	return rc;
}

int stripe_map_list_text(billtap_map *m, billtap_field field, const char *path,
                         int (*put)(billtap_json_writer *w, const billtap_json *doc,
                                    billtap_json_ref entry),
                         const char *bad)
{
	if (m->status)
		return m->status;
	billtap_json_ref list = billtap_json_path(m->doc, m->obj, path);
	billtap_json_type type = billtap_json_typeof(m->doc, list);
	if (type == BILLTAP_JSON_ABSENT || type == BILLTAP_JSON_NULL) {
		billtap_map_set_str(m, field, NULL);
		return stripe_map_source(m, field, path);
	}
	if (type != BILLTAP_JSON_ARRAY)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not an array");
	billtap_json_writer *w;
	int rc = billtap_json_writer_new(&w);
	if (rc < 0)
		return billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL);
	rc = billtap_json_write_array_begin(w);
	for (billtap_json_ref e = billtap_json_first(m->doc, list); rc == 0 && e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(m->doc, e))
		rc = put(w, m->doc, e);
	const char *text = NULL;
	if (rc == 0 && (rc = billtap_json_write_array_end(w)) == 0)
		rc = billtap_json_writer_text(&text, NULL, w);
	if (rc == 0 && billtap_map_set_str(m, field, text) == 0)
		stripe_map_source(m, field, path);
	billtap_json_writer_free(w);
	if (rc == BILLTAP_EDATA)
		return billtap_map_fail(m, rc, path, bad);
	return rc < 0 ? billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL) : m->status;
}

int stripe_map_discounts(billtap_map *m, const char *path)
{
	return stripe_map_list_text(m, BILLTAP_FIELD_DISCOUNTS, path, put_discount,
	                            "holds text that is not UTF-8");
}
