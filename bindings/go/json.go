package billtap

import (
	"bytes"
	"encoding/json"
	"sort"
	"time"
)

// The normalized JSON shape of docs/data-model.md, built from the Go values
// (not taken from C), so that comparing it with the sandbox's truth files
// tests what this binding copied. Members are in the documented order;
// nullable members are always present, as null.

// RecordKind is KindCustomer.
func (Customer) RecordKind() Kind { return KindCustomer }

// RecordKind is KindPlan.
func (Plan) RecordKind() Kind { return KindPlan }

// RecordKind is KindSubscription.
func (Subscription) RecordKind() Kind { return KindSubscription }

// RecordKind is KindTransaction.
func (Transaction) RecordKind() Kind { return KindTransaction }

// RecordKind is KindSubscriptionItem.
func (SubscriptionItem) RecordKind() Kind { return KindSubscriptionItem }

// RecordKind is KindInvoice.
func (Invoice) RecordKind() Kind { return KindInvoice }

// RecordKind is KindInvoiceLine.
func (InvoiceLine) RecordKind() Kind { return KindInvoiceLine }

// RecordKind is the kind named r.Kind, or 0 when the loaded library has none
// of that name.
func (r GenericRecord) RecordKind() Kind {
	k, _ := KindNamed(r.Kind)
	return k
}

// JSON is the normalized JSON of the record.
func (r Customer) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the record.
func (r Plan) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the record, items included.
func (r Subscription) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the item.
func (r SubscriptionItem) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the record.
func (r Transaction) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the record, lines included.
func (r Invoice) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the line.
func (r InvoiceLine) JSON() []byte { return mustJSON(r) }

// JSON is the normalized JSON of the record, nested records included.
func (r GenericRecord) JSON() []byte { return mustJSON(r) }

// mustJSON cannot fail: the shapes below hold only strings, integers, bools
// and nil pointers, which encoding/json always encodes (a GenericRecord's
// values are turned into those first).
func mustJSON(m json.Marshaler) []byte {
	b, err := m.MarshalJSON()
	if err != nil {
		panic("billtap: encoding a record: " + err.Error())
	}
	return b
}

// marshal is json.Marshal written as the C library writes JSON strings
// (src/util/buf.c), so that a record's JSON is its bytes: no HTML escaping
// (a name with "&"), and the escapes encoding/json chooses differently
// rewritten by cEscapes.
func marshal(v interface{}) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return cEscapes(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// cEscapes rewrites the string escapes of encoding/json that the C library
// writes otherwise: U+2028 and U+2029, which it writes raw (encoding/json
// always escapes them), and backspace and form feed, which it writes \b and
// \f (encoding/json before Go 1.22 writes \u0008 and \u000c). Both forms
// are the same JSON value; only the bytes differ.
func cEscapes(b []byte) []byte {
	if bytes.IndexByte(b, '\\') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		// An escape: its two bytes go together, so the "u" of "\\u2028"
		// (an escaped backslash, then text) is never read as an escape.
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "2028":
				out, i = append(out, "\u2028"...), i+5
				continue
			case "2029":
				out, i = append(out, "\u2029"...), i+5
				continue
			case "0008":
				out, i = append(out, `\b`...), i+5
				continue
			case "000c":
				out, i = append(out, `\f`...), i+5
				continue
			}
		}
		out, i = append(out, b[i], b[i+1]), i+1
	}
	return out
}

// jsonTime is RFC 3339 UTC with Z and no fraction: "2024-05-01T12:00:00Z".
func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func jsonTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := jsonTime(*t)
	return &s
}

// customerJSON is the normalized JSON of a Customer, member for member.
type customerJSON struct {
	Object    string  `json:"object"`
	ID        string  `json:"id"`
	Email     *string `json:"email"`
	Name      *string `json:"name"`
	Country   *string `json:"country"`
	CreatedAt string  `json:"created_at"`
	Deleted   bool    `json:"deleted"`
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Customer) MarshalJSON() ([]byte, error) {
	return marshal(customerJSON{"customer", r.ID, r.Email, r.Name, r.Country, jsonTime(r.CreatedAt), r.Deleted})
}

// planJSON is the normalized JSON of a Plan, member for member.
type planJSON struct {
	Object              string        `json:"object"`
	ID                  string        `json:"id"`
	Name                *string       `json:"name"`
	ProductID           *string       `json:"product_id"`
	ProductName         *string       `json:"product_name"`
	Amount              *int64        `json:"amount"`
	AmountDecimal       *string       `json:"amount_decimal"`
	Currency            string        `json:"currency"`
	CurrencyExponent    int           `json:"currency_exponent"`
	UsageType           *UsageType    `json:"usage_type"`
	TiersMode           *TiersMode    `json:"tiers_mode"`
	Tiers               *string       `json:"tiers"`
	CustomAmount        *bool         `json:"custom_amount"`
	CustomAmountMinimum *int64        `json:"custom_amount_minimum"`
	CustomAmountMaximum *int64        `json:"custom_amount_maximum"`
	CustomAmountPreset  *int64        `json:"custom_amount_preset"`
	SetupFee            *int64        `json:"setup_fee"`
	IntervalUnit        *IntervalUnit `json:"interval_unit"`
	IntervalCount       *int64        `json:"interval_count"`
	TotalCycles         *int64        `json:"total_cycles"`
	TrialDays           *int64        `json:"trial_days"`
	TrialAmount         *int64        `json:"trial_amount"`
	TrialCycles         *int64        `json:"trial_cycles"`
	Active              bool          `json:"active"`
	CreatedAt           string        `json:"created_at"`
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Plan) MarshalJSON() ([]byte, error) {
	return marshal(planJSON{Object: "plan", ID: r.ID, Name: r.Name, ProductID: r.ProductID,
		ProductName: r.ProductName, Amount: r.Amount.amountPtr(), AmountDecimal: r.AmountDecimal,
		Currency: r.Amount.Currency, CurrencyExponent: r.Amount.Exponent,
		UsageType: r.UsageType, TiersMode: r.TiersMode, Tiers: r.Tiers,
		CustomAmount:        r.CustomAmount,
		CustomAmountMinimum: r.CustomAmountMinimum.amountPtr(),
		CustomAmountMaximum: r.CustomAmountMaximum.amountPtr(),
		CustomAmountPreset:  r.CustomAmountPreset.amountPtr(),
		SetupFee:            r.SetupFee.amountPtr(),
		IntervalUnit:        r.IntervalUnit, IntervalCount: r.IntervalCount,
		TotalCycles: r.TotalCycles, TrialDays: r.TrialDays,
		TrialAmount: r.TrialAmount.amountPtr(), TrialCycles: r.TrialCycles,
		Active: r.Active, CreatedAt: jsonTime(r.CreatedAt)})
}

// subscriptionItemJSON is the normalized JSON of a SubscriptionItem, member for member.
type subscriptionItemJSON struct {
	Object             string     `json:"object"`
	ID                 *string    `json:"id"`
	PlanID             *string    `json:"plan_id"`
	Quantity           *int64     `json:"quantity"`
	UsageType          *UsageType `json:"usage_type"`
	Amount             *int64     `json:"amount"`
	AmountDecimal      *string    `json:"amount_decimal"`
	Currency           string     `json:"currency"`
	CurrencyExponent   int        `json:"currency_exponent"`
	CurrentPeriodStart *string    `json:"current_period_start"`
	CurrentPeriodEnd   *string    `json:"current_period_end"`
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r SubscriptionItem) MarshalJSON() ([]byte, error) {
	return marshal(subscriptionItemJSON{Object: "subscription_item", ID: r.ID, PlanID: r.PlanID,
		Quantity: r.Quantity, UsageType: r.UsageType, Amount: r.Amount.amountPtr(),
		AmountDecimal: r.AmountDecimal, Currency: r.Amount.Currency, CurrencyExponent: r.Amount.Exponent,
		CurrentPeriodStart: jsonTimePtr(r.CurrentPeriodStart),
		CurrentPeriodEnd:   jsonTimePtr(r.CurrentPeriodEnd)})
}

// subscriptionJSON is the normalized JSON of a Subscription, member for member.
type subscriptionJSON struct {
	Object             string             `json:"object"`
	ID                 string             `json:"id"`
	CustomerID         *string            `json:"customer_id"`
	Status             SubscriptionStatus `json:"status"`
	ProviderStatus     *string            `json:"provider_status"`
	StartedAt          *string            `json:"started_at"`
	CurrentPeriodStart *string            `json:"current_period_start"`
	CurrentPeriodEnd   *string            `json:"current_period_end"`
	TrialStart         *string            `json:"trial_start"`
	TrialEnd           *string            `json:"trial_end"`
	CanceledAt         *string            `json:"canceled_at"`
	CancelAtPeriodEnd  bool               `json:"cancel_at_period_end"`
	CancelAt           *string            `json:"cancel_at"`
	EndedAt            *string            `json:"ended_at"`
	Paused             *bool              `json:"paused"`
	PauseBehavior      *PauseBehavior     `json:"pause_behavior"`
	ResumesAt          *string            `json:"resumes_at"`
	Discounts          *string            `json:"discounts"`
	CreatedAt          string             `json:"created_at"`
	Items              []SubscriptionItem `json:"items"`
}

// MarshalJSON encodes the normalized shape with its items; Raw is left out.
func (r Subscription) MarshalJSON() ([]byte, error) {
	items := r.Items
	if items == nil {
		items = []SubscriptionItem{} // "items" is an array, never null
	}
	return marshal(subscriptionJSON{Object: "subscription", ID: r.ID, CustomerID: r.CustomerID,
		Status: r.Status, ProviderStatus: r.ProviderStatus, StartedAt: jsonTimePtr(r.StartedAt),
		CurrentPeriodStart: jsonTimePtr(r.CurrentPeriodStart),
		CurrentPeriodEnd:   jsonTimePtr(r.CurrentPeriodEnd),
		TrialStart:         jsonTimePtr(r.TrialStart), TrialEnd: jsonTimePtr(r.TrialEnd),
		CanceledAt: jsonTimePtr(r.CanceledAt), CancelAtPeriodEnd: r.CancelAtPeriodEnd,
		CancelAt: jsonTimePtr(r.CancelAt), EndedAt: jsonTimePtr(r.EndedAt), Paused: r.Paused,
		PauseBehavior: r.PauseBehavior, ResumesAt: jsonTimePtr(r.ResumesAt), Discounts: r.Discounts,
		CreatedAt: jsonTime(r.CreatedAt), Items: items})
}

// transactionJSON is the normalized JSON of a Transaction, member for member.
type transactionJSON struct {
	Object           string            `json:"object"`
	ID               string            `json:"id"`
	CustomerID       *string           `json:"customer_id"`
	SubscriptionID   *string           `json:"subscription_id"`
	InvoiceID        *string           `json:"invoice_id"`
	Kind             TransactionKind   `json:"kind"`
	Result           TransactionResult `json:"result"`
	ProviderStatus   *string           `json:"provider_status"`
	Amount           int64             `json:"amount"`
	Currency         string            `json:"currency"`
	CurrencyExponent int               `json:"currency_exponent"`
	CapturedAmount   *int64            `json:"captured_amount"`
	RefundedAmount   *int64            `json:"refunded_amount"`
	FeeAmount        *int64            `json:"fee_amount"`
	NetAmount        *int64            `json:"net_amount"`
	ParentID         *string           `json:"parent_id"`
	OccurredAt       string            `json:"occurred_at"`
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Transaction) MarshalJSON() ([]byte, error) {
	return marshal(transactionJSON{Object: "transaction", ID: r.ID, CustomerID: r.CustomerID,
		SubscriptionID: r.SubscriptionID, InvoiceID: r.InvoiceID, Kind: r.Kind, Result: r.Result,
		ProviderStatus: r.ProviderStatus, Amount: r.Amount.Amount, Currency: r.Amount.Currency,
		CurrencyExponent: r.Amount.Exponent, CapturedAmount: r.CapturedAmount.amountPtr(),
		RefundedAmount: r.RefundedAmount.amountPtr(), FeeAmount: r.FeeAmount.amountPtr(),
		NetAmount: r.NetAmount.amountPtr(), ParentID: r.ParentID, OccurredAt: jsonTime(r.OccurredAt)})
}

// invoiceJSON is the normalized JSON of a Invoice, member for member.
type invoiceJSON struct {
	Object           string        `json:"object"`
	ID               string        `json:"id"`
	Number           *string       `json:"number"`
	CustomerID       *string       `json:"customer_id"`
	SubscriptionID   *string       `json:"subscription_id"`
	Status           InvoiceStatus `json:"status"`
	ProviderStatus   *string       `json:"provider_status"`
	Currency         string        `json:"currency"`
	CurrencyExponent int           `json:"currency_exponent"`
	Subtotal         int64         `json:"subtotal"`
	Discount         int64         `json:"discount"`
	Tax              int64         `json:"tax"`
	Total            int64         `json:"total"`
	AmountPaid       *int64        `json:"amount_paid"`
	AmountDue        *int64        `json:"amount_due"`
	CreatedAt        string        `json:"created_at"`
	IssuedAt         *string       `json:"issued_at"`
	DueAt            *string       `json:"due_at"`
	PaidAt           *string       `json:"paid_at"`
	VoidedAt         *string       `json:"voided_at"`
	PeriodStart      *string       `json:"period_start"`
	PeriodEnd        *string       `json:"period_end"`
	Lines            []InvoiceLine `json:"lines"`
}

// MarshalJSON encodes the normalized shape with its lines; Raw is left out.
func (r Invoice) MarshalJSON() ([]byte, error) {
	lines := r.Lines
	if lines == nil {
		lines = []InvoiceLine{} // "lines" is an array, never null
	}
	return marshal(invoiceJSON{"invoice", r.ID, r.Number, r.CustomerID, r.SubscriptionID, r.Status, r.ProviderStatus,
		r.Total.Currency, r.Total.Exponent, r.Subtotal.Amount, r.Discount.Amount,
		r.Tax.Amount, r.Total.Amount, r.AmountPaid.amountPtr(), r.AmountDue.amountPtr(),
		jsonTime(r.CreatedAt), jsonTimePtr(r.IssuedAt), jsonTimePtr(r.DueAt),
		jsonTimePtr(r.PaidAt), jsonTimePtr(r.VoidedAt), jsonTimePtr(r.PeriodStart),
		jsonTimePtr(r.PeriodEnd), lines})
}

// invoiceLineJSON is the normalized JSON of a InvoiceLine, member for member.
type invoiceLineJSON struct {
	Object           string          `json:"object"`
	ID               *string         `json:"id"`
	Kind             InvoiceLineKind `json:"kind"`
	PlanID           *string         `json:"plan_id"`
	Description      *string         `json:"description"`
	Quantity         *int64          `json:"quantity"`
	Amount           int64           `json:"amount"`
	Currency         string          `json:"currency"`
	CurrencyExponent int             `json:"currency_exponent"`
	PeriodStart      *string         `json:"period_start"`
	PeriodEnd        *string         `json:"period_end"`
	Proration        bool            `json:"proration"`
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r InvoiceLine) MarshalJSON() ([]byte, error) {
	return marshal(invoiceLineJSON{"invoice_line", r.ID, r.Kind, r.PlanID, r.Description, r.Quantity, r.Amount.Amount,
		r.Amount.Currency, r.Amount.Exponent, jsonTimePtr(r.PeriodStart),
		jsonTimePtr(r.PeriodEnd), r.Proration})
}

// MarshalJSON encodes the normalized shape: "object", the fields in the
// order the library lists them for the kind (fields it does not list
// follow, sorted), then the nested records; Raw is left out. Times are
// RFC 3339 UTC and Money its minor units, as in the typed records.
func (r GenericRecord) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"object":`)
	if err := writeJSON(&buf, r.Kind); err != nil {
		return nil, err
	}
	for _, name := range r.fieldOrder() {
		buf.WriteByte(',')
		if err := writeJSON(&buf, name); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := writeJSON(&buf, jsonValue(r.Fields[name])); err != nil {
			return nil, err
		}
	}
	if r.NestedMember != "" {
		nested := r.Nested
		if nested == nil {
			nested = []GenericRecord{} // an array, never null
		}
		buf.WriteByte(',')
		if err := writeJSON(&buf, r.NestedMember); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := writeJSON(&buf, nested); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func (r GenericRecord) fieldOrder() []string {
	order := make([]string, 0, len(r.Fields))
	listed := map[string]bool{}
	if k, ok := KindNamed(r.Kind); ok {
		for _, f := range k.Fields() {
			if _, present := r.Fields[f.Name]; present {
				order = append(order, f.Name)
				listed[f.Name] = true
			}
		}
	}
	var rest []string
	for name := range r.Fields {
		if !listed[name] {
			rest = append(rest, name)
		}
	}
	sort.Strings(rest)
	return append(order, rest...)
}

// jsonValue is a GenericRecord value in its normalized JSON form.
func jsonValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		return jsonTime(v)
	case Money:
		return v.Amount
	case NullMoney:
		return v.amountPtr()
	}
	return v
}

func writeJSON(buf *bytes.Buffer, v any) error {
	b, err := marshal(v)
	if err == nil {
		buf.Write(b)
	}
	return err
}
