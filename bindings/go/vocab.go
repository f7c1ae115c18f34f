package billtap

// Typed words of the closed vocabularies (docs/data-model.md; at run time
// Kind.Vocabulary, from billtap_field_vocabulary). The constants are this
// binding's copy, checked against the loaded library by the tests. A newer
// library may add words: treat one that Known reports false for like the
// "other" word of its type.

// SubscriptionStatus is a subscription's normalized status.
type SubscriptionStatus string

// The subscription statuses, in documentation order.
const (
	SubscriptionTrialing SubscriptionStatus = "trialing"
	SubscriptionActive   SubscriptionStatus = "active"
	SubscriptionPastDue  SubscriptionStatus = "past_due"
	SubscriptionPaused   SubscriptionStatus = "paused"
	SubscriptionCanceled SubscriptionStatus = "canceled"
	SubscriptionPending  SubscriptionStatus = "pending"
	SubscriptionOther    SubscriptionStatus = "other"
)

// TransactionKind says whether a transaction is a payment or a refund.
type TransactionKind string

// The transaction kinds.
const (
	TransactionPayment TransactionKind = "payment"
	TransactionRefund  TransactionKind = "refund"
	TransactionOther   TransactionKind = "other"
)

// TransactionResult is how a transaction went.
type TransactionResult string

// The transaction results.
const (
	ResultSucceeded TransactionResult = "succeeded"
	ResultFailed    TransactionResult = "failed"
	ResultPending   TransactionResult = "pending"
	ResultOther     TransactionResult = "other"
)

// InvoiceStatus is an invoice's normalized status.
type InvoiceStatus string

// The invoice statuses.
const (
	InvoiceDraft         InvoiceStatus = "draft"
	InvoiceOpen          InvoiceStatus = "open"
	InvoicePaid          InvoiceStatus = "paid"
	InvoiceVoid          InvoiceStatus = "void"
	InvoiceUncollectible InvoiceStatus = "uncollectible"
	InvoiceOther         InvoiceStatus = "other"
)

// InvoiceLineKind is what an invoice line bills.
type InvoiceLineKind string

// The invoice line kinds.
const (
	LineSubscription InvoiceLineKind = "subscription"
	LineProration    InvoiceLineKind = "proration"
	LineOneOff       InvoiceLineKind = "one_off"
	LineDiscount     InvoiceLineKind = "discount"
	LineTax          InvoiceLineKind = "tax"
	LineOther        InvoiceLineKind = "other"
)

// IntervalUnit is the unit of a plan's billing interval.
type IntervalUnit string

// The interval units.
const (
	IntervalDay   IntervalUnit = "day"
	IntervalWeek  IntervalUnit = "week"
	IntervalMonth IntervalUnit = "month"
	IntervalYear  IntervalUnit = "year"
)

// vocabularies lists each type's words in documentation order, by the
// record kind and field they belong to (for Known and the tests).
var vocabularies = map[[2]string][]string{
	{"subscription", "status"}: {"trialing", "active", "past_due", "paused", "canceled", "pending", "other"},
	{"transaction", "kind"}:    {"payment", "refund", "other"},
	{"transaction", "result"}:  {"succeeded", "failed", "pending", "other"},
	{"invoice", "status"}:      {"draft", "open", "paid", "void", "uncollectible", "other"},
	{"invoice_line", "kind"}:   {"subscription", "proration", "one_off", "discount", "tax", "other"},
	{"plan", "interval_unit"}:  {"day", "week", "month", "year"},
}

func known(kind, field, word string) bool {
	for _, w := range vocabularies[[2]string{kind, field}] {
		if w == word {
			return true
		}
	}
	return false
}

// Known reports whether s is one of the constants above.
func (s SubscriptionStatus) Known() bool { return known("subscription", "status", string(s)) }

// Known reports whether k is one of the constants above.
func (k TransactionKind) Known() bool { return known("transaction", "kind", string(k)) }

// Known reports whether r is one of the constants above.
func (r TransactionResult) Known() bool { return known("transaction", "result", string(r)) }

// Known reports whether s is one of the constants above.
func (s InvoiceStatus) Known() bool { return known("invoice", "status", string(s)) }

// Known reports whether k is one of the constants above.
func (k InvoiceLineKind) Known() bool { return known("invoice_line", "kind", string(k)) }

// Known reports whether u is one of the constants above.
func (u IntervalUnit) Known() bool { return known("plan", "interval_unit", string(u)) }
