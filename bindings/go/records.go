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

// Kind is what a record is.
type Kind int

// The record kinds; values are those of billtap_record_kind.
const (
	KindCustomer         Kind = 1
	KindPlan             Kind = 2
	KindSubscription     Kind = 3
	KindTransaction      Kind = 4
	KindSubscriptionItem Kind = 5
)

var kindNames = map[Kind]string{
	KindCustomer:         "customer",
	KindPlan:             "plan",
	KindSubscription:     "subscription",
	KindTransaction:      "transaction",
	KindSubscriptionItem: "subscription_item",
}

// String is the kind's name in the JSON "object" member ("customer").
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return "unknown"
}

// Record is one normalized record: a Customer, Plan, Subscription or
// Transaction value (not a pointer).
type Record interface {
	// RecordKind says which of the record types this is. (Not Kind: that
	// name is Transaction's payment/refund field.)
	RecordKind() Kind
	// JSON is the normalized JSON of docs/data-model.md, one line.
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
	IntervalUnit  *string // nullable: day, week, month, year; nil for one-time prices
	IntervalCount *int64  // nullable
	TrialDays     *int64  // nullable
	Active        bool
	CreatedAt     time.Time
	Raw           json.RawMessage
}

// Subscription is a subscription record with its items.
type Subscription struct {
	ID                 string
	CustomerID         *string // nullable
	Status             string  // trialing, active, past_due, paused, canceled, pending, other
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
	ID       string
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
	Kind           string  // payment or refund
	Result         string  // succeeded, failed, pending
	ProviderStatus *string // nullable
	Amount         Money   // always positive, also for refunds
	// RefundedAmount is how much of a payment has been refunded (0 for
	// refunds); same currency as Amount.
	RefundedAmount Money
	ParentID       *string // nullable: for refunds, the payment refunded
	OccurredAt     time.Time
	Raw            json.RawMessage
}
