/*
 * Braintree XML into JSON text (bt_xml_to_json() of braintree_xml.h). The reader's events
 * build a tree first, because an element's JSON shape depends on all of its children:
 * the gateway lists search results as repeated elements (<subscriptions> holding one
 * <subscription> per record, with no type="array"), which become a JSON array under the
 * repeated name, as the SDKs read them. The tree then goes to the kit's JSON writer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_xml.h"

#define NONE ((size_t)-1)

typedef struct node {
	size_t name;                 /* offset into the text arena, NUL-terminated */
	size_t text, text_len;       /* this element's own text (one run: the reader joins them) */
	char type[16];               /* its type attribute ("" when none; longer ones are refused) */
	int nil, has_text;
	size_t first_child, last_child, next;
	size_t position;             /* among its siblings, to keep their order stable */
} node;

typedef struct converter {
	billtap_json_writer *w;
	char *err;
	size_t errlen;
	node *nodes;
	size_t n_nodes, cap_nodes;
	char *arena;                 /* names and texts */
	size_t arena_len, arena_cap;
	size_t open[BT_XML_MAX_DEPTH];
	int depth;
} converter;

static const char *name_of(const converter *c, size_t i)
{
	return c->arena + c->nodes[i].name;
}

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

/* Copies s[0..n) into the arena with a NUL after it; *at receives its offset. */
static int keep(converter *c, const char *s, size_t n, size_t *at)
{
	if (c->arena_len + n + 1 > c->arena_cap) {
		size_t cap = c->arena_cap ? c->arena_cap : 1024;
		while (cap < c->arena_len + n + 1)
			cap *= 2;
		char *grown = realloc(c->arena, cap);
		if (!grown)
			return BILLTAP_ENOMEM;
		c->arena = grown;
		c->arena_cap = cap;
	}
	memcpy(c->arena + c->arena_len, s, n);
	c->arena[c->arena_len + n] = '\0';
	*at = c->arena_len;
	c->arena_len += n + 1;
	return 0;
}

static int on_start(void *payload, const char *name, const bt_xml_attrs *attrs)
{
	converter *c = payload;
	if (attrs->type && strlen(attrs->type) >= sizeof c->nodes[0].type)
		return fail(c, name, "has a type attribute the gateway does not use");
	if (c->n_nodes == c->cap_nodes) {
		size_t cap = c->cap_nodes ? c->cap_nodes * 2 : 64;
		node *grown = realloc(c->nodes, cap * sizeof *grown);
		if (!grown)
			return BILLTAP_ENOMEM;
		c->nodes = grown;
		c->cap_nodes = cap;
	}
	size_t i = c->n_nodes;
	node *n = &c->nodes[i];
	memset(n, 0, sizeof *n);
	n->first_child = n->last_child = n->next = NONE;
	if (keep(c, name, strlen(name), &n->name) < 0)
		return BILLTAP_ENOMEM;
	c->n_nodes++;
	snprintf(n->type, sizeof n->type, "%s", attrs->type ? attrs->type : "");
	n->nil = attrs->nil;
	if (c->depth > 0) {
		node *parent = &c->nodes[c->open[c->depth - 1]];
		if (parent->last_child == NONE) {
			parent->first_child = i;
		} else {
			c->nodes[parent->last_child].next = i;
			n->position = c->nodes[parent->last_child].position + 1;
		}
		parent->last_child = i;
	}
	c->open[c->depth++] = i;
	return 0;
}

static int on_text(void *payload, const char *text, size_t len)
{
	converter *c = payload;
	size_t i = c->open[c->depth - 1];
	node *n = &c->nodes[i];
	if (blank(text, len) && (n->has_text || n->first_child != NONE))
		return 0; /* indentation between child elements */
	if (n->first_child != NONE || (n->has_text && !blank(c->arena + n->text, n->text_len)))
		return fail(c, name_of(c, i), "has text beside child elements");
	n->has_text = 1; /* a leaf's text, or blank text before a first child (kept until one comes) */
	n->text_len = len;
	return keep(c, text, len, &n->text);
}

static int on_end(void *payload, const char *name)
{
	(void)name;
	converter *c = payload;
	c->depth--;
	return 0;
}

/* "-"? digits, within int64. */
static int integer(const char *s, size_t n, int64_t *out)
{
	size_t i = n > 0 && s[0] == '-';
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
static int leaf(converter *c, const node *n)
{
	const char *s = n->has_text ? c->arena + n->text : "";
	size_t len = n->has_text ? n->text_len : 0;
	const char *name = c->arena + n->name;
	if (strcmp(n->type, "boolean") == 0) {
		/* the SDKs read "1" as true too */
		int truth = (len == 4 && memcmp(s, "true", 4) == 0) || (len == 1 && s[0] == '1');
		if (!truth && !(len == 5 && memcmp(s, "false", 5) == 0) && !(len == 1 && s[0] == '0'))
			return fail(c, name, "is typed boolean but is neither true nor false");
		return billtap_json_write_bool(c->w, truth), 0;
	}
	if (strcmp(n->type, "integer") == 0) {
		int64_t v;
		if (integer(s, len, &v) < 0)
			return fail(c, name, "is typed integer but is not a 64-bit integer");
		return billtap_json_write_int(c->w, v), 0;
	}
	/* strings, decimals, dates and times: the text itself */
	return billtap_json_write_string(c->w, s, len) == BILLTAP_EDATA ? fail(c, name, "is not UTF-8 text") : 0;
}

static int emit(converter *c, size_t i);

/* A child to sort by name, document order kept among equal names. */
typedef struct child {
	const char *name;
	size_t position, index;
} child;

static int by_name(const void *a, const void *b)
{
	const child *x = a, *y = b;
	int d = strcmp(x->name, y->name);
	return d ? d : (x->position > y->position) - (x->position < y->position);
}

/* An element with child elements: an object of them by name; a name given more than once
 * holds an array of their values, in document order. */
static int object(converter *c, size_t i)
{
	size_t n = 0;
	for (size_t k = c->nodes[i].first_child; k != NONE; k = c->nodes[k].next)
		n++;
	child *kids = malloc(n * sizeof *kids);
	if (!kids)
		return BILLTAP_ENOMEM;
	n = 0;
	for (size_t k = c->nodes[i].first_child; k != NONE; k = c->nodes[k].next, n++)
		kids[n] = (child){ name_of(c, k), c->nodes[k].position, k };
	qsort(kids, n, sizeof *kids, by_name);
	int rc = 0;
	billtap_json_write_object_begin(c->w);
	for (size_t a = 0; a < n && rc == 0;) {
		size_t b = a + 1;
		while (b < n && strcmp(kids[a].name, kids[b].name) == 0)
			b++;
		billtap_json_write_key(c->w, kids[a].name);
		if (b - a > 1)
			billtap_json_write_array_begin(c->w);
		for (size_t k = a; k < b && rc == 0; k++)
			rc = emit(c, kids[k].index);
		if (b - a > 1)
			billtap_json_write_array_end(c->w);
		a = b;
	}
	billtap_json_write_object_end(c->w);
	free(kids);
	return rc;
}

static int emit(converter *c, size_t i)
{
	const node *n = &c->nodes[i];
	int children = n->first_child != NONE;
	if (children && n->has_text && !blank(c->arena + n->text, n->text_len))
		return fail(c, name_of(c, i), "has text beside child elements");
	if (n->nil) {
		if (children || (n->has_text && !blank(c->arena + n->text, n->text_len)))
			return fail(c, name_of(c, i), "is marked nil but has content");
		return billtap_json_write_null(c->w), 0;
	}
	if (strcmp(n->type, "array") == 0) {
		if (n->has_text && !blank(c->arena + n->text, n->text_len))
			return fail(c, name_of(c, i), "is an array but has text");
		int rc = 0;
		billtap_json_write_array_begin(c->w);
		for (size_t k = n->first_child; k != NONE && rc == 0; k = c->nodes[k].next)
			rc = emit(c, k);
		billtap_json_write_array_end(c->w);
		return rc;
	}
	return children ? object(c, i) : leaf(c, n);
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
	if (rc == 0) {
		billtap_json_write_object_begin(w);
		billtap_json_write_key(w, name_of(&c, 0));
		rc = emit(&c, 0);
		billtap_json_write_object_end(w);
	}
	free(c.nodes);
	free(c.arena);
	if (rc == 0) {
		const char *text;
		/* the writer latches its first error (out of memory; EDATA was caught above) */
		rc = billtap_json_writer_text(&text, NULL, w);
		if (rc < 0 && rc != BILLTAP_ENOMEM) {
			snprintf(err, errlen, "XML that cannot be written as JSON");
			rc = BILLTAP_EDATA;
		}
	}
	if (rc == BILLTAP_ENOMEM)
		snprintf(err, errlen, "out of memory converting XML");
	return rc;
}
