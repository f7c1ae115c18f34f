/*
 * The XML reader of braintree_xml.h: one pass over the bytes, reporting elements and
 * decoded text to a handler. Strict by design: what the gateway never writes (a DTD, an
 * entity of its own, markup the grammar does not allow) is an error naming the line, so a
 * proxy's page or a truncated body can never pass for an answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_xml.h"

#define NAME_MAX_LEN 128

typedef struct reader {
	const char *p, *end;
	int line;
	char *err;
	size_t errlen;
	const bt_xml_handler *h;
	char names[BT_XML_MAX_DEPTH][NAME_MAX_LEN + 1]; /* the open elements */
	int depth;
	char *text;                                      /* the current text run, decoded */
	size_t text_len, text_cap;
} reader;

static int fail(reader *r, const char *what)
{
	snprintf(r->err, r->errlen, "XML line %d: %s", r->line, what);
	return BILLTAP_EDATA;
}

static int at(const reader *r, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

static void advance(reader *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		r->line += r->p[i] == '\n';
	r->p += n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_space(reader *r)
{
	while (r->p < r->end && is_space(*r->p))
		advance(r, 1);
}

static int append(reader *r, const char *s, size_t n)
{
	if (r->text_len + n + 1 > r->text_cap) {
		size_t cap = r->text_cap ? r->text_cap : 256;
		while (cap < r->text_len + n + 1)
			cap *= 2;
		char *grown = realloc(r->text, cap);
		if (!grown)
			return BILLTAP_ENOMEM;
		r->text = grown;
		r->text_cap = cap;
	}
	memcpy(r->text + r->text_len, s, n);
	r->text_len += n;
	return 0;
}

/* A code point as UTF-8, for a character reference; only characters XML allows. */
static int append_code_point(reader *r, unsigned long c)
{
	char u[4];
	size_t n;
	if (c == 0 || (c < 0x20 && c != 0x9 && c != 0xa && c != 0xd) || (c >= 0xd800 && c <= 0xdfff) ||
	    c == 0xfffe || c == 0xffff || c > 0x10ffff)
		return fail(r, "a character reference names a character XML does not allow");
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xc0 | c >> 6);
		u[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xe0 | c >> 12);
		u[1] = (char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | c >> 18);
		u[1] = (char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	return append(r, u, n);
}

/* r->p at '&': one of the five predefined entities or a character reference. */
static int entity(reader *r)
{
	static const struct {
		const char *name;
		char c;
	} predefined[] = { { "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' }, { "&apos;", '\'' } };
	for (size_t i = 0; i < sizeof predefined / sizeof predefined[0]; i++) {
		if (at(r, predefined[i].name)) {
			advance(r, strlen(predefined[i].name));
			return append(r, &predefined[i].c, 1);
		}
	}
	if (!at(r, "&#"))
		return fail(r, "an entity other than the five XML predefines (no DTD is read)");
	advance(r, 2);
	int hex = r->p < r->end && *r->p == 'x';
	if (hex)
		advance(r, 1);
	unsigned long c = 0;
	int digits = 0;
	for (; r->p < r->end && *r->p != ';'; advance(r, 1), digits++) {
		char d = *r->p;
		int v = d >= '0' && d <= '9' ? d - '0'
		        : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
		        : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
		                                      : -1;
		if (v < 0 || digits >= 8)
			return fail(r, "a malformed character reference");
		c = c * (hex ? 16 : 10) + (unsigned long)v;
	}
	if (r->p == r->end || digits == 0)
		return fail(r, "a malformed character reference");
	advance(r, 1);
	return append_code_point(r, c);
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* An element or attribute name (ASCII: the gateway's names are) into out. */
static int read_name(reader *r, char out[NAME_MAX_LEN + 1])
{
	size_t n = 0;
	if (r->p == r->end || !name_start(*r->p))
		return fail(r, "a name was expected");
	while (r->p < r->end && name_char(*r->p)) {
		if (n == NAME_MAX_LEN)
			return fail(r, "a name is too long");
		out[n++] = *r->p;
		advance(r, 1);
	}
	out[n] = '\0';
	return 0;
}

/* Skips past `close` (a comment's or a processing instruction's end). */
static int skip_past(reader *r, const char *close, const char *what)
{
	while (r->p < r->end && !at(r, close))
		advance(r, 1);
	if (r->p == r->end)
		return fail(r, what);
	advance(r, strlen(close));
	return 0;
}

/* r->p after an attribute's '=': its quoted value, decoded into the text buffer (which is
 * empty between elements' text runs: attributes come inside tags). */
static int attribute_value(reader *r)
{
	skip_space(r);
	if (r->p == r->end || (*r->p != '"' && *r->p != '\''))
		return fail(r, "an attribute value must be quoted");
	char quote = *r->p;
	advance(r, 1);
	r->text_len = 0;
	while (r->p < r->end && *r->p != quote) {
		int rc;
		if (*r->p == '<')
			return fail(r, "'<' inside an attribute value");
		if (*r->p == '&')
			rc = entity(r);
		else {
			rc = append(r, r->p, 1);
			advance(r, 1);
		}
		if (rc)
			return rc;
	}
	if (r->p == r->end)
		return fail(r, "an unterminated attribute value");
	advance(r, 1);
	return append(r, "", 1) ? BILLTAP_ENOMEM : 0; /* NUL-terminated for comparison */
}

static int flush_text(reader *r)
{
	int rc = 0;
	if (r->text_len && r->depth > 0)
		rc = r->h->text(r->h->payload, r->text, r->text_len);
	else
		for (size_t i = 0; i < r->text_len && rc == 0; i++)
			if (!is_space(r->text[i]))
				rc = fail(r, "text outside the root element");
	r->text_len = 0;
	return rc;
}

/* r->p after '<': a start tag (its attributes, maybe self-closing). */
static int start_tag(reader *r, int *seen_root)
{
	char name[NAME_MAX_LEN + 1], attr[NAME_MAX_LEN + 1];
	char type[32] = "";
	int rc, nil = 0, has_type = 0;
	if ((rc = read_name(r, name)) != 0)
		return rc;
	if (r->depth == 0 && (*seen_root)++)
		return fail(r, "a second root element");
	if (r->depth == BT_XML_MAX_DEPTH)
		return fail(r, "elements nest too deep");
	for (;;) {
		int spaced = r->p < r->end && is_space(*r->p);
		skip_space(r);
		if (r->p == r->end)
			return fail(r, "an unterminated start tag");
		if (*r->p == '>' || at(r, "/>"))
			break;
		if (!spaced)
			return fail(r, "attributes must be separated by white space");
		if ((rc = read_name(r, attr)) != 0)
			return rc;
		skip_space(r);
		if (r->p == r->end || *r->p != '=')
			return fail(r, "an attribute without a value");
		advance(r, 1);
		if ((rc = attribute_value(r)) != 0)
			return rc;
		if (strcmp(attr, "type") == 0) {
			if (has_type++ || r->text_len > sizeof type)
				return fail(r, has_type > 1 ? "an attribute given twice" : "an unknown type attribute");
			memcpy(type, r->text, r->text_len);
		} else if (strcmp(attr, "nil") == 0) {
			if (nil)
				return fail(r, "an attribute given twice");
			nil = strcmp(r->text, "true") == 0 ? 1 : -1;
		}
		r->text_len = 0; /* other attributes (none the gateway sends that matter) are read past */
	}
	bt_xml_attrs attrs = { has_type ? type : NULL, nil == 1 };
	snprintf(r->names[r->depth++], NAME_MAX_LEN + 1, "%s", name);
	if ((rc = r->h->start(r->h->payload, name, &attrs)) != 0)
		return rc;
	if (*r->p == '/') {
		advance(r, 2);
		r->depth--;
		return r->h->end(r->h->payload, name);
	}
	advance(r, 1);
	return 0;
}

/* r->p after "</". */
static int end_tag(reader *r)
{
	char name[NAME_MAX_LEN + 1];
	int rc = read_name(r, name);
	if (rc)
		return rc;
	skip_space(r);
	if (r->p == r->end || *r->p != '>')
		return fail(r, "an unterminated end tag");
	advance(r, 1);
	if (r->depth == 0 || strcmp(r->names[r->depth - 1], name) != 0)
		return fail(r, "an end tag that does not match its start tag");
	r->depth--;
	return r->h->end(r->h->payload, name);
}

/* r->p at '<': whatever markup starts here. */
static int markup(reader *r, int *seen_root)
{
	if (at(r, "<!--"))
		return skip_past(r, "-->", "an unterminated comment");
	if (at(r, "<![CDATA[")) {
		if (r->depth == 0)
			return fail(r, "CDATA outside the root element");
		advance(r, 9);
		const char *start = r->p;
		while (r->p < r->end && !at(r, "]]>"))
			advance(r, 1);
		if (r->p == r->end)
			return fail(r, "an unterminated CDATA section");
		int rc = append(r, start, (size_t)(r->p - start));
		advance(r, 3);
		return rc;
	}
	if (at(r, "<!DOCTYPE") || at(r, "<!"))
		return fail(r, "a DOCTYPE or other declaration (DTDs are refused)");
	if (at(r, "<?")) {
		if (r->depth > 0)
			return fail(r, "a processing instruction inside an element");
		return skip_past(r, "?>", "an unterminated processing instruction");
	}
	int rc = flush_text(r);
	if (rc)
		return rc;
	advance(r, 1);
	if (r->p < r->end && *r->p == '/') {
		advance(r, 1);
		return end_tag(r);
	}
	return start_tag(r, seen_root);
}

int bt_xml_read(const char *xml, size_t len, const bt_xml_handler *h, char *err, size_t errlen)
{
	reader r = { 0 };
	r.p = xml ? xml : "";
	r.end = r.p + (xml ? len : 0);
	r.line = 1;
	r.err = err;
	r.errlen = errlen;
	r.h = h;
	int rc = 0, seen_root = 0;
	if (at(&r, "\xef\xbb\xbf"))
		advance(&r, 3); /* a UTF-8 byte order mark */
	while (rc == 0 && r.p < r.end) {
		if (*r.p == '<')
			rc = markup(&r, &seen_root);
		else if (*r.p == '&')
			rc = entity(&r);
		else if (*r.p == '\0')
			rc = fail(&r, "a NUL byte");
		else {
			const char *start = r.p;
			while (r.p < r.end && *r.p != '<' && *r.p != '&' && *r.p != '\0')
				advance(&r, 1);
			rc = append(&r, start, (size_t)(r.p - start));
		}
	}
	if (rc == 0 && r.depth > 0)
		rc = fail(&r, "the document ends inside an element");
	if (rc == 0 && !seen_root)
		rc = fail(&r, "no root element");
	if (rc == 0)
		rc = flush_text(&r);
	if (rc == BILLTAP_ENOMEM)
		snprintf(err, errlen, "out of memory reading XML");
	free(r.text);
	return rc;
}

static int ignore_start(void *payload, const char *name, const bt_xml_attrs *attrs)
{
	(void)payload, (void)name, (void)attrs;
	return 0;
}

static int ignore_text(void *payload, const char *text, size_t len)
{
	(void)payload, (void)text, (void)len;
	return 0;
}

static int ignore_end(void *payload, const char *name)
{
	(void)payload, (void)name;
	return 0;
}

int bt_xml_well_formed(const char *xml, size_t len)
{
	bt_xml_handler h = { ignore_start, ignore_text, ignore_end, NULL };
	char err[8];
	return bt_xml_read(xml, len, &h, err, sizeof err) == 0;
}
