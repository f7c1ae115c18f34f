// Package testrecord builds C records through the provider SPI
// (<billtap/provider.h>) for the binding's tests: records no provider of the
// sandbox makes, such as nested records without an id. Tests only.
package testrecord

// #cgo pkg-config: billtap
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

// Free releases a record from this package.
func Free(rec unsafe.Pointer) { C.billtap_record_free((*C.billtap_record)(rec)) }
