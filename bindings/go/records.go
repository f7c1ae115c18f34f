package billtap

import (
	"encoding/json"
	"time"
)

// Records are plain Go values copied out of C (see decode.go); they stay
// valid after the iterator moves on or is closed.
//
// Nullable fields (string|null, int|null, time|null in docs/data-model.md)
// are pointers, nil for null. Nullable money is NullMoney (Valid false for
// null), so that its currency survives a null amount. Every other field is
// a plain value and never null. Times are UTC with whole seconds.

// Kind is what a record is. Its String, Fields and Nested come from the
// loaded library (model.go).
type Kind int

// The record kinds; values are those of billtap_record_kind. A newer library
// may have more: Kinds lists them, and their records decode as GenericRecord.
const (
	KindCustomer         Kind = 1
	KindPlan             Kind = 2
	KindSubscription     Kind = 3
	KindTransaction      Kind = 4
	KindSubscriptionItem Kind = 5
	KindInvoice          Kind = 6
	KindInvoiceLine      Kind = 7
)

// Record is one normalized record: a Customer, Plan, Subscription,
// Transaction or Invoice value (not a pointer), or a GenericRecord for a kind
// this binding has no type for.
type Record interface {
	// RecordKind says which of the record types this is. (Not Kind: that
	// name is Transaction's payment/refund field.)
	RecordKind() Kind
	// JSON is the normalized JSON of docs/data-model.md, one line: the same
	// JSON value as the C library's billtap_record_json.
	JSON() []byte
	json.Marshaler
}

// Customer is a customer record.
type Customer struct {
	ID        string
	Email     *string // nullable
	Name      *string // nullable
	Country   *string // nullable; ISO 3166-1 alpha-2, upper case
	CreatedAt time.Time
	Deleted   bool
	// Raw is the provider's own JSON object (nil when it gave none).
	Raw json.RawMessage
}

// Plan is what a subscription is priced by (Stripe's price).
type Plan struct {
	ID        string
	Name      *string // nullable: product (or plan) name
	ProductID *string // nullable
	// Amount is the price per unit per interval; null for tiered or
	// usage-based prices.
	Amount        NullMoney
	IntervalUnit  *IntervalUnit // nullable: nil for one-time prices
	IntervalCount *int64        // nullable
	TrialDays     *int64        // nullable
	Active        bool
	CreatedAt     time.Time
	Raw           json.RawMessage
}

// Subscription is a subscription record with its items.
type Subscription struct {
	ID                 string
	CustomerID         *string // nullable
	Status             SubscriptionStatus
	ProviderStatus     *string // nullable: the provider's own status
	StartedAt          *time.Time
	CurrentPeriodStart *time.Time
	CurrentPeriodEnd   *time.Time
	TrialEnd           *time.Time
	CanceledAt         *time.Time
	CancelAtPeriodEnd  bool
	CreatedAt          time.Time
	Items              []SubscriptionItem
	Raw                json.RawMessage
}

// SubscriptionItem is one item of a subscription; it is not returned on its
// own by any iterator.
type SubscriptionItem struct {
	// ID is nil when the provider gives items no id: the item is then
	// identified by its subscription's ID and its index in Items.
	ID       *string
	PlanID   *string // nullable
	Quantity *int64  // nullable: nil for metered items
	// Amount is the plan's price per unit per interval (nullable).
	Amount NullMoney
	Raw    json.RawMessage
}

// Transaction is money that moved, or tried to: a payment or a refund.
type Transaction struct {
	ID             string
	CustomerID     *string // nullable
	SubscriptionID *string // nullable
	InvoiceID      *string // nullable
	Kind           TransactionKind
	Result         TransactionResult
	ProviderStatus *string // nullable
	Amount         Money   // always positive, also for refunds
	// RefundedAmount is how much of a payment has been refunded (0 for
	// refunds); same currency as Amount. Not Valid (null) when the provider
	// does not say (PayPal: sum the refunds whose ParentID is the payment).
	RefundedAmount NullMoney
	ParentID       *string // nullable: for refunds, the payment refunded
	OccurredAt     time.Time
	Raw            json.RawMessage
}

// Invoice is a bill sent to a customer, with its lines.
type Invoice struct {
	ID             string
	Number         *string // nullable: the printed number (drafts have none)
	CustomerID     *string // nullable
	SubscriptionID *string // nullable
	Status         InvoiceStatus
	ProviderStatus *string // nullable: the provider's own status
	// The amounts share one currency and exponent (docs/data-model.md says
	// how they add up).
	Subtotal Money // after line-level discounts, before invoice-level ones and taxes
	Discount Money // invoice-level discounts
	Tax      Money // all taxes
	Total    Money
	// AmountPaid and AmountDue are not Valid (null) when the provider does
	// not report them.
	AmountPaid NullMoney
	AmountDue  NullMoney
	CreatedAt  time.Time
	IssuedAt   *time.Time // finalized
	DueAt      *time.Time
	PaidAt     *time.Time
	VoidedAt   *time.Time
	// PeriodStart and PeriodEnd are the billing period.
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Lines       []InvoiceLine
	Raw         json.RawMessage
}

// InvoiceLine is one line of an invoice; it is not returned on its own by
// any iterator.
type InvoiceLine struct {
	// ID is nil when the provider gives lines no id: the line is then
	// identified by its invoice's ID and its index in Lines.
	ID          *string
	Kind        InvoiceLineKind
	PlanID      *string // nullable
	Description *string // nullable
	Quantity    *int64  // nullable
	Amount      Money   // after the line's own discounts; negative for credits
	PeriodStart *time.Time
	PeriodEnd   *time.Time
	Proration   bool
	Raw         json.RawMessage
}

// GenericRecord is a record of a kind this binding has no type for (one a
// newer library added), decoded from the library's own description of the
// kind (Kind.Fields), so a newer library never breaks an older binding.
type GenericRecord struct {
	Kind string // the kind's name, the JSON "object" member
	// Fields holds every field by its JSON name: a string, int64, bool,
	// time.Time (UTC) or Money (with the record's currency) value, or nil
	// for null.
	Fields map[string]any
	// NestedMember is the JSON member listing the nested records ("items",
	// "lines"), or "" when the kind has none.
	NestedMember string
	Nested       []GenericRecord
	Raw          json.RawMessage
}
