/*
 * A small strict XML reader for Braintree's legacy gateway (braintree_xml.c), and the
 * conversion of its documents into JSON text (braintree_xml_json.c) so that the kit's
 * mapper reads them like every other provider's objects.
 *
 * What it reads is the XML the gateway writes: one root element; elements with attributes;
 * text with the five predefined entities and numeric character references; CDATA
 * sections; comments and processing instructions (skipped). It refuses a DOCTYPE (no DTD,
 * so no entity expansion), unknown entities, mismatched or unclosed tags, text beside
 * child elements, and nesting deeper than BT_XML_MAX_DEPTH.
 */
#ifndef BILLTAP_BRAINTREE_XML_H
#define BILLTAP_BRAINTREE_XML_H

#include <stddef.h>

#include <billtap/provider_kit.h>

#define BT_XML_MAX_DEPTH 32

/* The attributes of an element that say what its text is (Braintree's typing). */
typedef struct bt_xml_attrs {
	const char *type; /* the type="" attribute ("array", "datetime", ...), NULL when none */
	int nil;          /* nil="true" */
} bt_xml_attrs;

/* What the reader reports, in document order. name is NUL-terminated and valid for the
 * call only; text is decoded (entities, CDATA), not NUL-terminated, valid for the call.
 * A non-zero return stops the reader, which returns it. */
typedef struct bt_xml_handler {
	int (*start)(void *payload, const char *name, const bt_xml_attrs *attrs);
	int (*text)(void *payload, const char *text, size_t len);
	int (*end)(void *payload, const char *name);
	void *payload;
} bt_xml_handler;

/* Reads a whole document. Returns 0, the handler's non-zero status, BILLTAP_EDATA (not XML
 * this reader takes: err says what and on which line) or BILLTAP_ENOMEM. */
int bt_xml_read(const char *xml, size_t len, const bt_xml_handler *h, char *err, size_t errlen);

/* 1 when the document is one this reader takes (no handler; nothing recorded). */
int bt_xml_well_formed(const char *xml, size_t len);

/*
 * The document as JSON text in w: {"<root>": VALUE}, where an element's VALUE is
 *   - null for nil="true";
 *   - an array of its children's values for type="array" (the children's names dropped);
 *   - an object of its children by name when it has child elements;
 *   - for a leaf: true/false for type="boolean", a number for type="integer", else its
 *     text as a string (decimals, dates and times stay strings, digit for digit).
 * Returns 0, BILLTAP_EDATA (err says why) or BILLTAP_ENOMEM.
 */
int bt_xml_to_json(billtap_json_writer *w, const char *xml, size_t len, char *err, size_t errlen);

#endif
