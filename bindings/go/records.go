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
	// name is Transaction's payment/refund/... field.)
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

// Plan is what a subscription is priced by (Stripe's price, PayPal's plan).
// Every amount shares Amount's currency and exponent.
type Plan struct {
	ID          string
	Name        *string // nullable: the plan's own name, else its product's
	ProductID   *string // nullable
	ProductName *string // nullable: the product's name
	// Amount is the price per unit per interval; null when it is not a
	// whole number of minor units (see AmountDecimal), tiered or chosen by
	// the customer.
	Amount NullMoney
	// AmountDecimal is the exact unit price in minor units as a decimal
	// string ("1500", "0.5"), digit for digit as the provider wrote it;
	// nil for tiered and customer-chosen prices.
	AmountDecimal *string
	UsageType     *UsageType // nullable: nil for one-time prices
	TiersMode     *TiersMode // nullable: nil unless tiered
	// Tiers is the price tiers as compact JSON text (an array of {up_to,
	// unit_amount, unit_amount_decimal, flat_amount, flat_amount_decimal},
	// docs/data-model.md), kept as the library wrote it; nil unless tiered.
	Tiers               *string
	CustomAmount        *bool // nullable: the customer chooses the amount
	CustomAmountMinimum NullMoney
	CustomAmountMaximum NullMoney
	CustomAmountPreset  NullMoney
	SetupFee            NullMoney     // billed once when a subscription starts
	IntervalUnit        *IntervalUnit // nullable: nil for one-time prices
	IntervalCount       *int64        // nullable
	TotalCycles         *int64        // nullable: nil when it bills until canceled
	TrialDays           *int64        // nullable: free trial length
	TrialAmount         NullMoney     // the price of one paid trial cycle
	TrialCycles         *int64        // nullable: how many paid trial cycles
	Active              bool
	CreatedAt           time.Time
	Raw                 json.RawMessage
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
	TrialStart         *time.Time
	TrialEnd           *time.Time
	CanceledAt         *time.Time
	CancelAtPeriodEnd  bool
	CancelAt           *time.Time // a scheduled cancellation
	EndedAt            *time.Time
	// Paused is whether collection is paused (nil when the provider does
	// not say); PauseBehavior and ResumesAt describe the pause.
	Paused        *bool
	PauseBehavior *PauseBehavior
	ResumesAt     *time.Time
	// Discounts is the discounts as compact JSON text (an array of {id,
	// coupon_id, percent_off, amount_off, currency, duration,
	// duration_in_months, start, end}, docs/data-model.md), kept as the
	// library wrote it: "[]" when none, nil when the provider does not say.
	Discounts *string
	CreatedAt time.Time
	Items     []SubscriptionItem
	Raw       json.RawMessage
}

// SubscriptionItem is one item of a subscription; it is not returned on its
// own by any iterator.
type SubscriptionItem struct {
	// ID is nil when the provider gives items no id: the item is then
	// identified by its subscription's ID and its index in Items.
	ID        *string
	PlanID    *string    // nullable
	Quantity  *int64     // nullable: nil for metered items
	UsageType *UsageType // nullable: the plan's
	// Amount is the plan's price per unit per interval (nullable);
	// AmountDecimal the exact one in minor units, as Plan's.
	Amount             NullMoney
	AmountDecimal      *string
	CurrentPeriodStart *time.Time // the item's own period
	CurrentPeriodEnd   *time.Time
	Raw                json.RawMessage
}

// Transaction is money that moved, or tried to: a payment, a refund, a
// chargeback, a fee, a payout, ... (Kind). Every amount shares Amount's
// currency and exponent.
type Transaction struct {
	ID             string
	CustomerID     *string // nullable
	SubscriptionID *string // nullable
	InvoiceID      *string // nullable
	Kind           TransactionKind
	Result         TransactionResult
	ProviderStatus *string // nullable
	Amount         Money   // always positive, also for refunds
	// CapturedAmount is how much of a payment was actually taken (0 for one
	// authorized but not captured); not Valid for other kinds and when the
	// provider does not say.
	CapturedAmount NullMoney
	// RefundedAmount is how much of a payment has been refunded (0 for
	// refunds). Not Valid (null) when the provider does not say (PayPal:
	// sum the refunds whose ParentID is the payment).
	RefundedAmount NullMoney
	// FeeAmount is what the provider charged for this movement; NetAmount
	// what it changed in the balance (signed). Not Valid when unknown.
	FeeAmount NullMoney
	NetAmount NullMoney
	// ParentID is, for refunds, chargebacks and reversals, the payment they
	// take money back from (nullable).
	ParentID   *string
	OccurredAt time.Time
	Raw        json.RawMessage
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

// Tombstone is what an incremental pass returns for a record the provider
// deleted since the sync token it started from (see ListOptions.Incremental):
// the kind and id of what to delete. Its JSON is
// {"object":"customer","id":"cus_1","deleted":true}, as the C library writes it.
type Tombstone struct {
	Kind Kind
	ID   string
}

// RecordKind is the deleted record's kind.
func (t Tombstone) RecordKind() Kind { return t.Kind }

// JSON is the tombstone's normalized JSON line.
func (t Tombstone) JSON() []byte {
	b, _ := json.Marshal(struct {
		Object  string `json:"object"`
		ID      string `json:"id"`
		Deleted bool   `json:"deleted"`
	}{t.Kind.String(), t.ID, true})
	return b
}

// MarshalJSON is JSON.
func (t Tombstone) MarshalJSON() ([]byte, error) { return t.JSON(), nil }
