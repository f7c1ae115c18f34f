/*
 * Braintree XML into JSON text (bt_xml_to_json() of braintree_xml.h), streamed from the
 * reader's events into the kit's JSON writer. An element's JSON shape is decided by its
 * attributes (type="array", nil="true") or, for the others, by its first child: until one
 * comes it may still be a leaf, whose text is kept until its end tag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_xml.h"

enum { UNDECIDED, OBJECT, ARRAY, NIL };

typedef struct converter {
	billtap_json_writer *w;
	char *err;
	size_t errlen;
	struct {
		int shape;
		char type[32];
		char name[64]; /* for messages */
	} open[BT_XML_MAX_DEPTH];
	int depth;
	char *text; /* the text of the innermost undecided element */
	size_t text_len, text_cap;
} converter;

static int fail(converter *c, const char *name, const char *what)
{
	snprintf(c->err, c->errlen, "XML element <%s>: %s", name, what);
	return BILLTAP_EDATA;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return 0;
	return 1;
}

static int on_start(void *payload, const char *name, const bt_xml_attrs *attrs)
{
	converter *c = payload;
	if (c->depth == 0) {
		billtap_json_write_object_begin(c->w);
		billtap_json_write_key(c->w, name);
	} else {
		int *parent = &c->open[c->depth - 1].shape;
		if (*parent == NIL)
			return fail(c, name, "is inside an element marked nil");
		if (*parent == UNDECIDED) {
			if (!blank(c->text, c->text_len))
				return fail(c, name, "has text beside it in its parent");
			*parent = OBJECT;
			billtap_json_write_object_begin(c->w);
		}
		if (*parent == OBJECT)
			billtap_json_write_key(c->w, name);
	}
	c->text_len = 0;
	int shape = attrs->nil ? NIL : attrs->type && strcmp(attrs->type, "array") == 0 ? ARRAY : UNDECIDED;
	c->open[c->depth].shape = shape;
	snprintf(c->open[c->depth].type, sizeof c->open[c->depth].type, "%s", attrs->type ? attrs->type : "");
	snprintf(c->open[c->depth].name, sizeof c->open[c->depth].name, "%s", name);
	c->depth++;
	if (shape == ARRAY)
		billtap_json_write_array_begin(c->w);
	return 0;
}

static int on_text(void *payload, const char *text, size_t len)
{
	converter *c = payload;
	if (c->open[c->depth - 1].shape != UNDECIDED)
		return blank(text, len) ? 0 : fail(c, c->open[c->depth - 1].name, "has text beside child elements or a nil mark");
	if (c->text_len + len + 1 > c->text_cap) {
		size_t cap = c->text_len + len + 64;
		char *grown = realloc(c->text, cap);
		if (!grown)
			return BILLTAP_ENOMEM;
		c->text = grown;
		c->text_cap = cap;
	}
	memcpy(c->text + c->text_len, text, len);
	c->text_len += len;
	c->text[c->text_len] = '\0';
	return 0;
}

/* "-"? digits, within int64. */
static int integer(const char *s, size_t n, int64_t *out)
{
	size_t i = s[0] == '-';
	uint64_t v = 0, limit = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* A leaf's value, typed by its type attribute. */
static int leaf(converter *c, const char *name, const char *type)
{
	const char *s = c->text ? c->text : "";
	size_t n = c->text_len;
	if (strcmp(type, "boolean") == 0) {
		if (n == 4 && memcmp(s, "true", 4) == 0)
			return billtap_json_write_bool(c->w, 1), 0;
		if (n == 5 && memcmp(s, "false", 5) == 0)
			return billtap_json_write_bool(c->w, 0), 0;
		return fail(c, name, "is typed boolean but is neither true nor false");
	}
	if (strcmp(type, "integer") == 0) {
		int64_t v;
		if (integer(s, n, &v) < 0)
			return fail(c, name, "is typed integer but is not a 64-bit integer");
		return billtap_json_write_int(c->w, v), 0;
	}
	/* strings, decimals, dates and times: the text itself */
	return billtap_json_write_string(c->w, s, n) == BILLTAP_EDATA ? fail(c, name, "is not UTF-8 text") : 0;
}

static int on_end(void *payload, const char *name)
{
	converter *c = payload;
	int rc = 0;
	c->depth--;
	switch (c->open[c->depth].shape) {
	case OBJECT:
		billtap_json_write_object_end(c->w);
		break;
	case ARRAY:
		billtap_json_write_array_end(c->w);
		break;
	case NIL:
		billtap_json_write_null(c->w);
		break;
	default:
		rc = leaf(c, name, c->open[c->depth].type);
		break;
	}
	c->text_len = 0;
	if (rc == 0 && c->depth == 0)
		billtap_json_write_object_end(c->w);
	return rc;
}

int bt_xml_to_json(billtap_json_writer *w, const char *xml, size_t len, char *err, size_t errlen)
{
	converter c = { 0 };
	c.w = w;
	c.err = err;
	c.errlen = errlen;
	billtap_json_writer_reset(w);
	bt_xml_handler h = { on_start, on_text, on_end, &c };
	int rc = bt_xml_read(xml, len, &h, err, errlen);
	free(c.text);
	if (rc == 0) {
		const char *text;
		/* the writer latches its first error (out of memory; EDATA was caught above) */
		rc = billtap_json_writer_text(&text, NULL, w);
		if (rc == BILLTAP_ENOMEM)
			snprintf(err, errlen, "out of memory converting XML");
		else if (rc < 0)
			snprintf(err, errlen, "XML that cannot be written as JSON");
	} else if (rc == BILLTAP_ENOMEM) {
		snprintf(err, errlen, "out of memory converting XML");
	}
	return rc;
}
