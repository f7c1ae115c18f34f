// Package testrecord builds C records through the provider SPI
// (<billtap/provider.h>) for the binding's tests: records no provider of the
// sandbox makes, such as nested records without an id, or records with
// every field of their kind set. Tests only.
package testrecord

// #cgo pkg-config: billtap
// #include <stdio.h>
// #include <stdlib.h>
// #include <string.h>
// #include <billtap.h>
// #include <billtap/provider.h>
//
// static int set_str(billtap_record *r, billtap_field f, const char *s)
// {
// 	return billtap_record_set_str(r, f, s, strlen(s));
// }
//
// /* An open EUR invoice "inv_9" with two 4.50 subscription lines that have no
//  * id (Chargebee and Paddle give their lines none). */
// static int anonymous_lines(billtap_record **out)
// {
// 	billtap_record *inv = NULL, *line = NULL;
// 	int rc = billtap_record_new(&inv, BILLTAP_RECORD_INVOICE);
// 	if (rc == 0) {
// 		(void)((rc = set_str(inv, BILLTAP_FIELD_ID, "inv_9")) < 0 ||
// 		       (rc = set_str(inv, BILLTAP_FIELD_STATUS, "open")) < 0 ||
// 		       (rc = set_str(inv, BILLTAP_FIELD_CURRENCY, "EUR")) < 0 ||
// 		       (rc = billtap_record_set_int(inv, BILLTAP_FIELD_CURRENCY_EXPONENT, 2)) < 0 ||
// 		       (rc = billtap_record_set_int(inv, BILLTAP_FIELD_CREATED_AT, 1714521600)) < 0);
// 	}
// 	static const billtap_field amounts[] = { BILLTAP_FIELD_SUBTOTAL, BILLTAP_FIELD_DISCOUNT,
// 		BILLTAP_FIELD_TAX, BILLTAP_FIELD_TOTAL, BILLTAP_FIELD_AMOUNT_PAID,
// 		BILLTAP_FIELD_AMOUNT_DUE };
// 	for (size_t i = 0; rc == 0 && i < sizeof amounts / sizeof amounts[0]; i++)
// 		rc = billtap_record_set_int(inv, amounts[i], amounts[i] == BILLTAP_FIELD_DISCOUNT ? 0 : 900);
// 	for (int i = 0; rc == 0 && i < 2; i++) {
// 		(void)((rc = billtap_record_add_item(&line, inv)) < 0 ||
// 		       (rc = set_str(line, BILLTAP_FIELD_KIND, "subscription")) < 0 ||
// 		       (rc = set_str(line, BILLTAP_FIELD_CURRENCY, "EUR")) < 0 ||
// 		       (rc = billtap_record_set_int(line, BILLTAP_FIELD_CURRENCY_EXPONENT, 2)) < 0 ||
// 		       (rc = billtap_record_set_int(line, BILLTAP_FIELD_AMOUNT, 450)) < 0 ||
// 		       (rc = billtap_record_set_int(line, BILLTAP_FIELD_PRORATION, 0)) < 0);
// 	}
// 	if (rc < 0) {
// 		billtap_record_free(inv);
// 		inv = NULL;
// 	}
// 	*out = inv;
// 	return rc;
// }
//
// /* Sets every field the library lists for rec's kind to a non-null value
//  * derived from the field's number (so that two fields never share one), a
//  * word of its vocabulary for a closed one. Free text holds every character
//  * JSON encoders disagree on (quotes, backslash, HTML characters, control
//  * characters, DEL, U+2028 and U+2029). Driven by the library's tables:
//  * a field added to the library is set here without a change. */
// static int fill(billtap_record *rec, billtap_record_kind kind)
// {
// 	billtap_field fields[256];
// 	int n = billtap_record_kind_fields(fields, 256, kind);
// 	if (n < 0 || n > 256)
// 		return n < 0 ? n : BILLTAP_EINVAL;
// 	for (int i = 0; i < n; i++) {
// 		billtap_field f = fields[i];
// 		const char *name = billtap_field_name(f);
// 		const char *words[64];
// 		int nwords = billtap_field_vocabulary(words, 64, kind, f);
// 		char text[128];
// 		int rc;
// 		switch (billtap_field_type_of(f)) {
// 		case BILLTAP_TYPE_STRING:
// 			if (strcmp(name, "currency") == 0)
// 				snprintf(text, sizeof text, "EUR");
// 			else if (nwords > 0 && nwords <= 64)
// 				snprintf(text, sizeof text, "%s", words[(int)f % nwords]);
// 			else
// 				snprintf(text, sizeof text, "%s \"q\" \\ <&> \xc3\xa9\n\b\f\x7f \xe2\x80\xa8\xe2\x80\xa9 %d", name, (int)f);
// 			rc = set_str(rec, f, text);
// 			break;
// 		case BILLTAP_TYPE_BOOL:
// 			rc = billtap_record_set_int(rec, f, (int)f % 2);
// 			break;
// 		case BILLTAP_TYPE_TIME:
// 			rc = billtap_record_set_int(rec, f, 1714521600 + (int64_t)f * 3661);
// 			break;
// 		case BILLTAP_TYPE_MONEY:
// 			rc = billtap_record_set_int(rec, f, ((int)f % 2 ? -1 : 1) * (1000 + (int64_t)f));
// 			break;
// 		default:
// 			rc = billtap_record_set_int(rec, f,
// 			                            strcmp(name, "currency_exponent") == 0 ? 2 : 100 + (int64_t)f);
// 		}
// 		if (rc < 0)
// 			return rc;
// 	}
// 	return 0;
// }
//
// static int full(billtap_record **out, billtap_record_kind kind)
// {
// 	billtap_record *rec = NULL, *item = NULL;
// 	int rc = billtap_record_new(&rec, kind);
// 	if (rc == 0)
// 		rc = fill(rec, kind);
// 	billtap_record_kind nested = billtap_record_kind_nested(NULL, kind);
// 	for (int i = 0; rc == 0 && nested && i < 2; i++) {
// 		if ((rc = billtap_record_add_item(&item, rec)) == 0)
// 			rc = fill(item, nested);
// 	}
// 	if (rc == 0)
// 		rc = billtap_record_set_raw_json(rec, "{}", 2);
// 	if (rc < 0) {
// 		billtap_record_free(rec);
// 		rec = NULL;
// 	}
// 	*out = rec;
// 	return rc;
// }
import "C"

import (
	"fmt"
	"unsafe"
)

// InvoiceWithAnonymousLines is an invoice whose two lines have no id. Free
// it with Free.
func InvoiceWithAnonymousLines() (unsafe.Pointer, error) {
	var rec *C.billtap_record
	if rc := C.anonymous_lines(&rec); rc < 0 {
		return nil, fmt.Errorf("building the record: %s", C.GoString(C.billtap_strerror(rc)))
	}
	return unsafe.Pointer(rec), nil
}

// Full is a record of the kind with the given value (billtap_record_kind)
// whose every field, and every field of its two nested records, is set
// (not null). Free it with Free.
func Full(kind int) (unsafe.Pointer, error) {
	var rec *C.billtap_record
	if rc := C.full(&rec, C.billtap_record_kind(kind)); rc < 0 {
		return nil, fmt.Errorf("building the record: %s", C.GoString(C.billtap_strerror(rc)))
	}
	return unsafe.Pointer(rec), nil
}

// Free releases a record from this package.
func Free(rec unsafe.Pointer) { C.billtap_record_free((*C.billtap_record)(rec)) }
