package billtap

// #include <billtap.h>
import "C"

import (
	"encoding/json"
	"fmt"
	"time"
	"unsafe"
)

// A record from billtap_iter_next is borrowed until the next call on the
// iterator, so decode copies every value into Go memory at once and keeps no
// C pointer: nothing here may outlive the call that returned rec.

// fieldReader reads fields of one borrowed record, keeping the first error
// so the decoders below read straight through.
type fieldReader struct {
	rec *C.billtap_record
	err error
}

func (r *fieldReader) fail(f C.billtap_field, rc C.int, what string) {
	if r.err == nil {
		name := C.GoString(C.billtap_field_name(f))
		r.err = &Error{Code: Code(rc), Message: fmt.Sprintf("reading %s: %s", name, what)}
	}
}

// strPtr reads a string|null field.
func (r *fieldReader) strPtr(f C.billtap_field) *string {
	var p *C.char
	rc := C.billtap_record_get_str(&p, r.rec, f)
	switch rc {
	case 0:
		s := C.GoString(p)
		return &s
	case C.BILLTAP_ENOTFOUND:
		return nil
	}
	r.fail(f, rc, Code(rc).String())
	return nil
}

// intPtr reads an int|null, bool or time field as int64.
func (r *fieldReader) intPtr(f C.billtap_field) *int64 {
	var v C.int64_t
	rc := C.billtap_record_get_int(&v, r.rec, f)
	switch rc {
	case 0:
		i := int64(v)
		return &i
	case C.BILLTAP_ENOTFOUND:
		return nil
	}
	r.fail(f, rc, Code(rc).String())
	return nil
}

// The non-nullable readers turn a null into CodeData: the engine promises
// these are always set, so a null means the library and binding disagree.

func (r *fieldReader) str(f C.billtap_field) string {
	if p := r.strPtr(f); p != nil {
		return *p
	}
	r.fail(f, C.BILLTAP_EDATA, "unexpected null")
	return ""
}

func (r *fieldReader) int(f C.billtap_field) int64 {
	if p := r.intPtr(f); p != nil {
		return *p
	}
	r.fail(f, C.BILLTAP_EDATA, "unexpected null")
	return 0
}

func (r *fieldReader) bool(f C.billtap_field) bool { return r.int(f) != 0 }

func (r *fieldReader) time(f C.billtap_field) time.Time {
	return time.Unix(r.int(f), 0).UTC()
}

func (r *fieldReader) timePtr(f C.billtap_field) *time.Time {
	p := r.intPtr(f)
	if p == nil {
		return nil
	}
	t := time.Unix(*p, 0).UTC()
	return &t
}

// currency reads the currency and exponent shared by a record's amounts.
func (r *fieldReader) currency() Money {
	return Money{
		Currency: r.str(C.BILLTAP_FIELD_CURRENCY),
		Exponent: int(r.int(C.BILLTAP_FIELD_CURRENCY_EXPONENT)),
	}
}

func (r *fieldReader) nullMoney(f C.billtap_field) NullMoney {
	m := NullMoney{Money: r.currency()}
	if p := r.intPtr(f); p != nil {
		m.Amount, m.Valid = *p, true
	}
	return m
}

func (r *fieldReader) money(f C.billtap_field) Money {
	m := r.currency()
	m.Amount = r.int(f)
	return m
}

// raw copies the provider's JSON; nil when the provider gave none.
func (r *fieldReader) raw() json.RawMessage {
	var n C.size_t
	p := C.billtap_record_raw_json(r.rec, &n)
	if p == nil {
		return nil
	}
	return json.RawMessage(C.GoBytes(unsafe.Pointer(p), C.int(n)))
}

// decode copies a borrowed record into the Go record of its kind.
func decode(rec *C.billtap_record) (Record, error) {
	r := &fieldReader{rec: rec}
	var out Record
	switch k := Kind(C.billtap_record_kind_of(rec)); k {
	case KindCustomer:
		out = r.customer()
	case KindPlan:
		out = r.plan()
	case KindSubscription:
		out = r.subscription()
	case KindTransaction:
		out = r.transaction()
	default:
		return nil, &Error{Code: CodeType, Message: fmt.Sprintf("record of unknown kind %d", int(k))}
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

func (r *fieldReader) customer() Customer {
	return Customer{
		ID:        r.str(C.BILLTAP_FIELD_ID),
		Email:     r.strPtr(C.BILLTAP_FIELD_EMAIL),
		Name:      r.strPtr(C.BILLTAP_FIELD_NAME),
		Country:   r.strPtr(C.BILLTAP_FIELD_COUNTRY),
		CreatedAt: r.time(C.BILLTAP_FIELD_CREATED_AT),
		Deleted:   r.bool(C.BILLTAP_FIELD_DELETED),
		Raw:       r.raw(),
	}
}

func (r *fieldReader) plan() Plan {
	return Plan{
		ID:            r.str(C.BILLTAP_FIELD_ID),
		Name:          r.strPtr(C.BILLTAP_FIELD_NAME),
		ProductID:     r.strPtr(C.BILLTAP_FIELD_PRODUCT_ID),
		Amount:        r.nullMoney(C.BILLTAP_FIELD_AMOUNT),
		IntervalUnit:  r.strPtr(C.BILLTAP_FIELD_INTERVAL_UNIT),
		IntervalCount: r.intPtr(C.BILLTAP_FIELD_INTERVAL_COUNT),
		TrialDays:     r.intPtr(C.BILLTAP_FIELD_TRIAL_DAYS),
		Active:        r.bool(C.BILLTAP_FIELD_ACTIVE),
		CreatedAt:     r.time(C.BILLTAP_FIELD_CREATED_AT),
		Raw:           r.raw(),
	}
}

func (r *fieldReader) subscription() Subscription {
	s := Subscription{
		ID:                 r.str(C.BILLTAP_FIELD_ID),
		CustomerID:         r.strPtr(C.BILLTAP_FIELD_CUSTOMER_ID),
		Status:             r.str(C.BILLTAP_FIELD_STATUS),
		ProviderStatus:     r.strPtr(C.BILLTAP_FIELD_PROVIDER_STATUS),
		StartedAt:          r.timePtr(C.BILLTAP_FIELD_STARTED_AT),
		CurrentPeriodStart: r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_START),
		CurrentPeriodEnd:   r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_END),
		TrialEnd:           r.timePtr(C.BILLTAP_FIELD_TRIAL_END),
		CanceledAt:         r.timePtr(C.BILLTAP_FIELD_CANCELED_AT),
		CancelAtPeriodEnd:  r.bool(C.BILLTAP_FIELD_CANCEL_AT_PERIOD_END),
		CreatedAt:          r.time(C.BILLTAP_FIELD_CREATED_AT),
		Raw:                r.raw(),
	}
	n := C.billtap_record_item_count(r.rec)
	s.Items = make([]SubscriptionItem, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		p := C.billtap_record_item(r.rec, i)
		if p == nil {
			r.fail(C.BILLTAP_FIELD_ID, C.BILLTAP_EDATA, fmt.Sprintf("item %d missing", int(i)))
			break
		}
		ir := &fieldReader{rec: p}
		s.Items = append(s.Items, ir.item())
		if ir.err != nil && r.err == nil {
			r.err = ir.err
		}
	}
	return s
}

func (r *fieldReader) item() SubscriptionItem {
	return SubscriptionItem{
		ID:       r.str(C.BILLTAP_FIELD_ID),
		PlanID:   r.strPtr(C.BILLTAP_FIELD_PLAN_ID),
		Quantity: r.intPtr(C.BILLTAP_FIELD_QUANTITY),
		Amount:   r.nullMoney(C.BILLTAP_FIELD_AMOUNT),
		Raw:      r.raw(),
	}
}

func (r *fieldReader) transaction() Transaction {
	return Transaction{
		ID:             r.str(C.BILLTAP_FIELD_ID),
		CustomerID:     r.strPtr(C.BILLTAP_FIELD_CUSTOMER_ID),
		SubscriptionID: r.strPtr(C.BILLTAP_FIELD_SUBSCRIPTION_ID),
		InvoiceID:      r.strPtr(C.BILLTAP_FIELD_INVOICE_ID),
		Kind:           r.str(C.BILLTAP_FIELD_KIND),
		Result:         r.str(C.BILLTAP_FIELD_RESULT),
		ProviderStatus: r.strPtr(C.BILLTAP_FIELD_PROVIDER_STATUS),
		Amount:         r.money(C.BILLTAP_FIELD_AMOUNT),
		RefundedAmount: r.money(C.BILLTAP_FIELD_REFUNDED_AMOUNT),
		ParentID:       r.strPtr(C.BILLTAP_FIELD_PARENT_ID),
		OccurredAt:     r.time(C.BILLTAP_FIELD_OCCURRED_AT),
		Raw:            r.raw(),
	}
}
