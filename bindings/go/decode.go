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

// boolPtr reads a bool|null field.
func (r *fieldReader) boolPtr(f C.billtap_field) *bool {
	p := r.intPtr(f)
	if p == nil {
		return nil
	}
	b := *p != 0
	return &b
}

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

// decode copies a borrowed record into the Go record of its kind: a typed
// struct for the kinds this binding knows, a GenericRecord for the others.
func decode(rec *C.billtap_record) (Record, error) {
	r := &fieldReader{rec: rec}
	var out Record
	switch Kind(C.billtap_record_kind_of(rec)) {
	case KindCustomer:
		out = r.customer()
	case KindPlan:
		out = r.plan()
	case KindSubscription:
		out = r.subscription()
	case KindTransaction:
		out = r.transaction()
	case KindInvoice:
		out = r.invoice()
	default:
		out = r.generic()
	}
	if r.err != nil {
		return nil, r.err
	}
	return out, nil
}

// decodeGeneric copies a borrowed record into a GenericRecord, whatever its
// kind.
func decodeGeneric(rec *C.billtap_record) (Record, error) {
	r := &fieldReader{rec: rec}
	g := r.generic()
	if r.err != nil {
		return nil, r.err
	}
	return g, nil
}

// nested reads each nested record (subscription items, invoice lines) with
// a reader of its own, keeping the first error.
func (r *fieldReader) nested(each func(*fieldReader)) {
	n := C.billtap_record_item_count(r.rec)
	for i := C.size_t(0); i < n; i++ {
		p := C.billtap_record_item(r.rec, i)
		if p == nil {
			r.fail(C.BILLTAP_FIELD_ID, C.BILLTAP_EDATA, fmt.Sprintf("nested record %d missing", int(i)))
			return
		}
		nr := &fieldReader{rec: p}
		each(nr)
		if nr.err != nil && r.err == nil {
			r.err = nr.err
		}
	}
}

func (r *fieldReader) count() int { return int(C.billtap_record_item_count(r.rec)) }

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
		ID:                  r.str(C.BILLTAP_FIELD_ID),
		Name:                r.strPtr(C.BILLTAP_FIELD_NAME),
		ProductID:           r.strPtr(C.BILLTAP_FIELD_PRODUCT_ID),
		ProductName:         r.strPtr(C.BILLTAP_FIELD_PRODUCT_NAME),
		Amount:              r.nullMoney(C.BILLTAP_FIELD_AMOUNT),
		AmountDecimal:       r.strPtr(C.BILLTAP_FIELD_AMOUNT_DECIMAL),
		UsageType:           (*UsageType)(r.strPtr(C.BILLTAP_FIELD_USAGE_TYPE)),
		TiersMode:           (*TiersMode)(r.strPtr(C.BILLTAP_FIELD_TIERS_MODE)),
		Tiers:               r.strPtr(C.BILLTAP_FIELD_TIERS),
		CustomAmount:        r.boolPtr(C.BILLTAP_FIELD_CUSTOM_AMOUNT),
		CustomAmountMinimum: r.nullMoney(C.BILLTAP_FIELD_CUSTOM_AMOUNT_MINIMUM),
		CustomAmountMaximum: r.nullMoney(C.BILLTAP_FIELD_CUSTOM_AMOUNT_MAXIMUM),
		CustomAmountPreset:  r.nullMoney(C.BILLTAP_FIELD_CUSTOM_AMOUNT_PRESET),
		SetupFee:            r.nullMoney(C.BILLTAP_FIELD_SETUP_FEE),
		IntervalUnit:        (*IntervalUnit)(r.strPtr(C.BILLTAP_FIELD_INTERVAL_UNIT)),
		IntervalCount:       r.intPtr(C.BILLTAP_FIELD_INTERVAL_COUNT),
		TotalCycles:         r.intPtr(C.BILLTAP_FIELD_TOTAL_CYCLES),
		TrialDays:           r.intPtr(C.BILLTAP_FIELD_TRIAL_DAYS),
		TrialAmount:         r.nullMoney(C.BILLTAP_FIELD_TRIAL_AMOUNT),
		TrialCycles:         r.intPtr(C.BILLTAP_FIELD_TRIAL_CYCLES),
		Active:              r.bool(C.BILLTAP_FIELD_ACTIVE),
		CreatedAt:           r.time(C.BILLTAP_FIELD_CREATED_AT),
		Raw:                 r.raw(),
	}
}

func (r *fieldReader) subscription() Subscription {
	s := Subscription{
		ID:                 r.str(C.BILLTAP_FIELD_ID),
		CustomerID:         r.strPtr(C.BILLTAP_FIELD_CUSTOMER_ID),
		Status:             SubscriptionStatus(r.str(C.BILLTAP_FIELD_STATUS)),
		ProviderStatus:     r.strPtr(C.BILLTAP_FIELD_PROVIDER_STATUS),
		StartedAt:          r.timePtr(C.BILLTAP_FIELD_STARTED_AT),
		CurrentPeriodStart: r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_START),
		CurrentPeriodEnd:   r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_END),
		TrialStart:         r.timePtr(C.BILLTAP_FIELD_TRIAL_START),
		TrialEnd:           r.timePtr(C.BILLTAP_FIELD_TRIAL_END),
		CanceledAt:         r.timePtr(C.BILLTAP_FIELD_CANCELED_AT),
		CancelAtPeriodEnd:  r.bool(C.BILLTAP_FIELD_CANCEL_AT_PERIOD_END),
		CancelAt:           r.timePtr(C.BILLTAP_FIELD_CANCEL_AT),
		EndedAt:            r.timePtr(C.BILLTAP_FIELD_ENDED_AT),
		Paused:             r.boolPtr(C.BILLTAP_FIELD_PAUSED),
		PauseBehavior:      (*PauseBehavior)(r.strPtr(C.BILLTAP_FIELD_PAUSE_BEHAVIOR)),
		ResumesAt:          r.timePtr(C.BILLTAP_FIELD_RESUMES_AT),
		Discounts:          r.strPtr(C.BILLTAP_FIELD_DISCOUNTS),
		CreatedAt:          r.time(C.BILLTAP_FIELD_CREATED_AT),
		Items:              make([]SubscriptionItem, 0, r.count()),
		Raw:                r.raw(),
	}
	r.nested(func(ir *fieldReader) { s.Items = append(s.Items, ir.item()) })
	return s
}

func (r *fieldReader) item() SubscriptionItem {
	return SubscriptionItem{
		ID:                 r.strPtr(C.BILLTAP_FIELD_ID),
		PlanID:             r.strPtr(C.BILLTAP_FIELD_PLAN_ID),
		Quantity:           r.intPtr(C.BILLTAP_FIELD_QUANTITY),
		UsageType:          (*UsageType)(r.strPtr(C.BILLTAP_FIELD_USAGE_TYPE)),
		Amount:             r.nullMoney(C.BILLTAP_FIELD_AMOUNT),
		AmountDecimal:      r.strPtr(C.BILLTAP_FIELD_AMOUNT_DECIMAL),
		CurrentPeriodStart: r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_START),
		CurrentPeriodEnd:   r.timePtr(C.BILLTAP_FIELD_CURRENT_PERIOD_END),
		Raw:                r.raw(),
	}
}

func (r *fieldReader) transaction() Transaction {
	return Transaction{
		ID:             r.str(C.BILLTAP_FIELD_ID),
		CustomerID:     r.strPtr(C.BILLTAP_FIELD_CUSTOMER_ID),
		SubscriptionID: r.strPtr(C.BILLTAP_FIELD_SUBSCRIPTION_ID),
		InvoiceID:      r.strPtr(C.BILLTAP_FIELD_INVOICE_ID),
		Kind:           TransactionKind(r.str(C.BILLTAP_FIELD_KIND)),
		Result:         TransactionResult(r.str(C.BILLTAP_FIELD_RESULT)),
		ProviderStatus: r.strPtr(C.BILLTAP_FIELD_PROVIDER_STATUS),
		Amount:         r.money(C.BILLTAP_FIELD_AMOUNT),
		CapturedAmount: r.nullMoney(C.BILLTAP_FIELD_CAPTURED_AMOUNT),
		RefundedAmount: r.nullMoney(C.BILLTAP_FIELD_REFUNDED_AMOUNT),
		FeeAmount:      r.nullMoney(C.BILLTAP_FIELD_FEE_AMOUNT),
		NetAmount:      r.nullMoney(C.BILLTAP_FIELD_NET_AMOUNT),
		ParentID:       r.strPtr(C.BILLTAP_FIELD_PARENT_ID),
		OccurredAt:     r.time(C.BILLTAP_FIELD_OCCURRED_AT),
		Raw:            r.raw(),
	}
}

func (r *fieldReader) invoice() Invoice {
	inv := Invoice{
		ID:             r.str(C.BILLTAP_FIELD_ID),
		Number:         r.strPtr(C.BILLTAP_FIELD_NUMBER),
		CustomerID:     r.strPtr(C.BILLTAP_FIELD_CUSTOMER_ID),
		SubscriptionID: r.strPtr(C.BILLTAP_FIELD_SUBSCRIPTION_ID),
		Status:         InvoiceStatus(r.str(C.BILLTAP_FIELD_STATUS)),
		ProviderStatus: r.strPtr(C.BILLTAP_FIELD_PROVIDER_STATUS),
		Subtotal:       r.money(C.BILLTAP_FIELD_SUBTOTAL),
		Discount:       r.money(C.BILLTAP_FIELD_DISCOUNT),
		Tax:            r.money(C.BILLTAP_FIELD_TAX),
		Total:          r.money(C.BILLTAP_FIELD_TOTAL),
		AmountPaid:     r.nullMoney(C.BILLTAP_FIELD_AMOUNT_PAID),
		AmountDue:      r.nullMoney(C.BILLTAP_FIELD_AMOUNT_DUE),
		CreatedAt:      r.time(C.BILLTAP_FIELD_CREATED_AT),
		IssuedAt:       r.timePtr(C.BILLTAP_FIELD_ISSUED_AT),
		DueAt:          r.timePtr(C.BILLTAP_FIELD_DUE_AT),
		PaidAt:         r.timePtr(C.BILLTAP_FIELD_PAID_AT),
		VoidedAt:       r.timePtr(C.BILLTAP_FIELD_VOIDED_AT),
		PeriodStart:    r.timePtr(C.BILLTAP_FIELD_PERIOD_START),
		PeriodEnd:      r.timePtr(C.BILLTAP_FIELD_PERIOD_END),
		Lines:          make([]InvoiceLine, 0, r.count()),
		Raw:            r.raw(),
	}
	r.nested(func(lr *fieldReader) { inv.Lines = append(inv.Lines, lr.line()) })
	return inv
}

func (r *fieldReader) line() InvoiceLine {
	return InvoiceLine{
		ID:          r.strPtr(C.BILLTAP_FIELD_ID),
		Kind:        InvoiceLineKind(r.str(C.BILLTAP_FIELD_KIND)),
		PlanID:      r.strPtr(C.BILLTAP_FIELD_PLAN_ID),
		Description: r.strPtr(C.BILLTAP_FIELD_DESCRIPTION),
		Quantity:    r.intPtr(C.BILLTAP_FIELD_QUANTITY),
		Amount:      r.money(C.BILLTAP_FIELD_AMOUNT),
		PeriodStart: r.timePtr(C.BILLTAP_FIELD_PERIOD_START),
		PeriodEnd:   r.timePtr(C.BILLTAP_FIELD_PERIOD_END),
		Proration:   r.bool(C.BILLTAP_FIELD_PRORATION),
		Raw:         r.raw(),
	}
}

// generic reads any record through the library's description of its kind,
// with the same readers as the typed decoders.
func (r *fieldReader) generic() GenericRecord {
	k := Kind(C.billtap_record_kind_of(r.rec))
	fields := k.Fields()
	if fields == nil {
		r.fail(C.BILLTAP_FIELD_ID, C.BILLTAP_ETYPE, fmt.Sprintf("record of unknown kind %d", int(k)))
	}
	g := GenericRecord{Kind: k.String(), Fields: make(map[string]any, len(fields)), Raw: r.raw()}
	for _, f := range fields {
		g.Fields[f.Name] = r.value(f)
	}
	currency, _ := g.Fields["currency"].(string)
	exponent, _ := g.Fields["currency_exponent"].(int64)
	for _, f := range fields {
		if v, ok := g.Fields[f.Name].(int64); ok && f.Type == FieldMoney {
			g.Fields[f.Name] = Money{Amount: v, Currency: currency, Exponent: int(exponent)}
		}
	}
	_, g.NestedMember = k.Nested()
	r.nested(func(nr *fieldReader) { g.Nested = append(g.Nested, nr.generic()) })
	return g
}

// value reads one field as its Go value, nil for null. A type newer than
// this binding is read as a string, or else as an integer.
func (r *fieldReader) value(f Field) any {
	var v any
	switch f.Type {
	case FieldString:
		if p := r.strPtr(f.id); p != nil {
			v = *p
		}
	case FieldInt, FieldMoney, FieldBool, FieldTime:
		if p := r.intPtr(f.id); p != nil {
			switch f.Type {
			case FieldBool:
				v = *p != 0
			case FieldTime:
				v = time.Unix(*p, 0).UTC()
			default:
				v = *p
			}
		}
	default:
		var s *C.char
		var i C.int64_t
		if rc := C.billtap_record_get_str(&s, r.rec, f.id); rc == 0 {
			v = C.GoString(s)
		} else if rc == C.BILLTAP_ETYPE && C.billtap_record_get_int(&i, r.rec, f.id) == 0 {
			v = int64(i)
		}
	}
	if v == nil && !f.Nullable {
		r.fail(f.id, C.BILLTAP_EDATA, "unexpected null")
	}
	return v
}

// recordViews is one C record as the tests compare it: decoded by kind,
// decoded generically, and the C library's own JSON.
type recordViews struct {
	Typed      Record
	Generic    GenericRecord
	CJSON      []byte
	Err        error // of the typed decoding
	GenericErr error
}

func views(rec *C.billtap_record) recordViews {
	var v recordViews
	v.Typed, v.Err = decode(rec)
	var g Record
	if g, v.GenericErr = decodeGeneric(rec); v.GenericErr == nil {
		v.Generic = g.(GenericRecord)
	}
	var n C.size_t
	if p := C.billtap_record_json(rec, &n); p != nil {
		v.CJSON = C.GoBytes(unsafe.Pointer(p), C.int(n))
	}
	return v
}

// viewsAt is views for a record the tests built through the C API.
func viewsAt(rec unsafe.Pointer) recordViews { return views((*C.billtap_record)(rec)) }
