package billtap

import (
	"bytes"
	"encoding/json"
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

// mustJSON cannot fail: the shapes below hold only strings, integers, bools
// and nil pointers, which encoding/json always encodes.
func mustJSON(m json.Marshaler) []byte {
	b, err := m.MarshalJSON()
	if err != nil {
		panic("billtap: encoding a record: " + err.Error())
	}
	return b
}

// jsonTime is RFC 3339 UTC with Z and no fraction: "2024-05-01T12:00:00Z".
// marshal is json.Marshal without HTML escaping, so a name with "&" reads
// as the C library writes it.
func marshal(v interface{}) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func jsonTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func jsonTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := jsonTime(*t)
	return &s
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Customer) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Object    string  `json:"object"`
		ID        string  `json:"id"`
		Email     *string `json:"email"`
		Name      *string `json:"name"`
		Country   *string `json:"country"`
		CreatedAt string  `json:"created_at"`
		Deleted   bool    `json:"deleted"`
	}{"customer", r.ID, r.Email, r.Name, r.Country, jsonTime(r.CreatedAt), r.Deleted})
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Plan) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Object           string  `json:"object"`
		ID               string  `json:"id"`
		Name             *string `json:"name"`
		ProductID        *string `json:"product_id"`
		Amount           *int64  `json:"amount"`
		Currency         string  `json:"currency"`
		CurrencyExponent int     `json:"currency_exponent"`
		IntervalUnit     *string `json:"interval_unit"`
		IntervalCount    *int64  `json:"interval_count"`
		TrialDays        *int64  `json:"trial_days"`
		Active           bool    `json:"active"`
		CreatedAt        string  `json:"created_at"`
	}{"plan", r.ID, r.Name, r.ProductID, r.Amount.amountPtr(), r.Amount.Currency,
		r.Amount.Exponent, r.IntervalUnit, r.IntervalCount, r.TrialDays, r.Active,
		jsonTime(r.CreatedAt)})
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r SubscriptionItem) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Object           string  `json:"object"`
		ID               string  `json:"id"`
		PlanID           *string `json:"plan_id"`
		Quantity         *int64  `json:"quantity"`
		Amount           *int64  `json:"amount"`
		Currency         string  `json:"currency"`
		CurrencyExponent int     `json:"currency_exponent"`
	}{"subscription_item", r.ID, r.PlanID, r.Quantity, r.Amount.amountPtr(),
		r.Amount.Currency, r.Amount.Exponent})
}

// MarshalJSON encodes the normalized shape with its items; Raw is left out.
func (r Subscription) MarshalJSON() ([]byte, error) {
	items := r.Items
	if items == nil {
		items = []SubscriptionItem{} // "items" is an array, never null
	}
	return marshal(struct {
		Object             string             `json:"object"`
		ID                 string             `json:"id"`
		CustomerID         *string            `json:"customer_id"`
		Status             string             `json:"status"`
		ProviderStatus     *string            `json:"provider_status"`
		StartedAt          *string            `json:"started_at"`
		CurrentPeriodStart *string            `json:"current_period_start"`
		CurrentPeriodEnd   *string            `json:"current_period_end"`
		TrialEnd           *string            `json:"trial_end"`
		CanceledAt         *string            `json:"canceled_at"`
		CancelAtPeriodEnd  bool               `json:"cancel_at_period_end"`
		CreatedAt          string             `json:"created_at"`
		Items              []SubscriptionItem `json:"items"`
	}{"subscription", r.ID, r.CustomerID, r.Status, r.ProviderStatus,
		jsonTimePtr(r.StartedAt), jsonTimePtr(r.CurrentPeriodStart),
		jsonTimePtr(r.CurrentPeriodEnd), jsonTimePtr(r.TrialEnd), jsonTimePtr(r.CanceledAt),
		r.CancelAtPeriodEnd, jsonTime(r.CreatedAt), items})
}

// MarshalJSON encodes the normalized shape; Raw is left out.
func (r Transaction) MarshalJSON() ([]byte, error) {
	return marshal(struct {
		Object           string  `json:"object"`
		ID               string  `json:"id"`
		CustomerID       *string `json:"customer_id"`
		SubscriptionID   *string `json:"subscription_id"`
		InvoiceID        *string `json:"invoice_id"`
		Kind             string  `json:"kind"`
		Result           string  `json:"result"`
		ProviderStatus   *string `json:"provider_status"`
		Amount           int64   `json:"amount"`
		Currency         string  `json:"currency"`
		CurrencyExponent int     `json:"currency_exponent"`
		RefundedAmount   int64   `json:"refunded_amount"`
		ParentID         *string `json:"parent_id"`
		OccurredAt       string  `json:"occurred_at"`
	}{"transaction", r.ID, r.CustomerID, r.SubscriptionID, r.InvoiceID, r.Kind, r.Result,
		r.ProviderStatus, r.Amount.Amount, r.Amount.Currency, r.Amount.Exponent,
		r.RefundedAmount.Amount, r.ParentID, jsonTime(r.OccurredAt)})
}
