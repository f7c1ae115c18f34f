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

// TransactionKind says what money moved (docs/data-model.md, "Transaction
// kinds"): customer money (payment, refund, chargeback, reversal), the
// provider's (fee), the merchant's own (payout, transfer, conversion,
// adjustment), or other.
type TransactionKind string

// The transaction kinds.
const (
	TransactionPayment    TransactionKind = "payment"
	TransactionRefund     TransactionKind = "refund"
	TransactionChargeback TransactionKind = "chargeback"
	TransactionReversal   TransactionKind = "reversal"
	TransactionFee        TransactionKind = "fee"
	TransactionPayout     TransactionKind = "payout"
	TransactionTransfer   TransactionKind = "transfer"
	TransactionConversion TransactionKind = "conversion"
	TransactionAdjustment TransactionKind = "adjustment"
	TransactionOther      TransactionKind = "other"
)

// TransactionResult is how a transaction went.
type TransactionResult string

// The transaction results. ResultAuthorized: the money is held on the
// payer's account but not taken (not revenue yet).
const (
	ResultSucceeded  TransactionResult = "succeeded"
	ResultFailed     TransactionResult = "failed"
	ResultPending    TransactionResult = "pending"
	ResultAuthorized TransactionResult = "authorized"
	ResultOther      TransactionResult = "other"
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

// UsageType is how a plan (and a subscription item) bills: for a quantity,
// in advance (licensed), or for usage, in arrears (metered).
type UsageType string

// The usage types.
const (
	UsageLicensed UsageType = "licensed"
	UsageMetered  UsageType = "metered"
	UsageOther    UsageType = "other"
)

// TiersMode is how a tiered plan prices: each tier the units in it
// (graduated), or the tier the total falls in every unit (volume).
type TiersMode string

// The tiers modes.
const (
	TiersGraduated TiersMode = "graduated"
	TiersVolume    TiersMode = "volume"
	TiersOther     TiersMode = "other"
)

// PauseBehavior is what happens to a subscription's invoices while its
// collection is paused.
type PauseBehavior string

// The pause behaviors.
const (
	PauseKeepAsDraft       PauseBehavior = "keep_as_draft"
	PauseMarkUncollectible PauseBehavior = "mark_uncollectible"
	PauseVoid              PauseBehavior = "void"
	PauseOther             PauseBehavior = "other"
)

// vocabularies lists each type's words in documentation order, by the
// record kind and field they belong to (for Known and the tests).
var vocabularies = map[[2]string][]string{
	{"subscription", "status"}:         {"trialing", "active", "past_due", "paused", "canceled", "pending", "other"},
	{"subscription", "pause_behavior"}: {"keep_as_draft", "mark_uncollectible", "void", "other"},
	{"transaction", "kind"}: {"payment", "refund", "chargeback", "reversal", "fee", "payout",
		"transfer", "conversion", "adjustment", "other"},
	{"transaction", "result"}:           {"succeeded", "failed", "pending", "authorized", "other"},
	{"invoice", "status"}:               {"draft", "open", "paid", "void", "uncollectible", "other"},
	{"invoice_line", "kind"}:            {"subscription", "proration", "one_off", "discount", "tax", "other"},
	{"plan", "interval_unit"}:           {"day", "week", "month", "year"},
	{"plan", "usage_type"}:              {"licensed", "metered", "other"},
	{"subscription_item", "usage_type"}: {"licensed", "metered", "other"},
	{"plan", "tiers_mode"}:              {"graduated", "volume", "other"},
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

// Known reports whether u is one of the constants above.
func (u UsageType) Known() bool { return known("plan", "usage_type", string(u)) }

// Known reports whether m is one of the constants above.
func (m TiersMode) Known() bool { return known("plan", "tiers_mode", string(m)) }

// Known reports whether b is one of the constants above.
func (b PauseBehavior) Known() bool { return known("subscription", "pause_behavior", string(b)) }
