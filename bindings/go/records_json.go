package billtap

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Decoding the normalized JSON (the CLI's JSON lines, billtap_record_json,
// MarshalJSON) back into records: UnmarshalJSON of each record type, and
// UnmarshalRecord for a line of any kind. Encoding what was decoded gives
// the same bytes back. Raw is not part of that JSON and stays nil.

// UnmarshalRecord decodes one record of any kind by its "object" member: a
// Customer, Plan, Subscription, Transaction or Invoice value (or a nested
// kind's), or a GenericRecord for a kind this binding has no type for.
func UnmarshalRecord(b []byte) (Record, error) {
	var head struct {
		Object string `json:"object"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("billtap: record: %w", err)
	}
	var r interface {
		Record
		json.Unmarshaler
	}
	switch head.Object {
	case "customer":
		r = &Customer{}
	case "plan":
		r = &Plan{}
	case "subscription":
		r = &Subscription{}
	case "subscription_item":
		r = &SubscriptionItem{}
	case "transaction":
		r = &Transaction{}
	case "invoice":
		r = &Invoice{}
	case "invoice_line":
		r = &InvoiceLine{}
	case "":
		return nil, fmt.Errorf("billtap: record: no \"object\" member")
	default:
		var g GenericRecord
		if err := g.UnmarshalJSON(b); err != nil {
			return nil, err
		}
		return g, nil
	}
	if err := r.UnmarshalJSON(b); err != nil {
		return nil, err
	}
	// The value, not the pointer, as iterators return records.
	switch v := r.(type) {
	case *Customer:
		return *v, nil
	case *Plan:
		return *v, nil
	case *Subscription:
		return *v, nil
	case *SubscriptionItem:
		return *v, nil
	case *Transaction:
		return *v, nil
	case *Invoice:
		return *v, nil
	default:
		return *r.(*InvoiceLine), nil
	}
}

// recordIn decodes one record's JSON of a known kind, keeping the first
// problem met, which names the member.
type recordIn struct {
	kind string
	err  error
}

func (d *recordIn) fail(member, format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("billtap: %s: %s: %s", d.kind, member, fmt.Sprintf(format, args...))
	}
}

// decode checks the members against the library's description of the kind
// (every field present, null only where nullable; "object" the kind's),
// then decodes b into shape.
func (d *recordIn) decode(b []byte, shape any) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		d.err = fmt.Errorf("billtap: %s: %w", d.kind, err)
		return
	}
	var object string
	if err := json.Unmarshal(members["object"], &object); err != nil || object != d.kind {
		d.fail("object", "is %s, want %q", members["object"], d.kind)
		return
	}
	if k, ok := KindNamed(d.kind); ok {
		for _, f := range k.Fields() {
			v, present := members[f.Name]
			switch {
			case !present:
				d.fail(f.Name, "missing")
			case !f.Nullable && bytes.Equal(bytes.TrimSpace(v), []byte("null")):
				d.fail(f.Name, "null, which the library says it never is")
			}
		}
	}
	if d.err != nil {
		return
	}
	if err := strictJSON(b, shape); err != nil {
		d.err = fmt.Errorf("billtap: %s: %w", d.kind, err)
	}
}

func (d *recordIn) time(member, s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		d.fail(member, "not an RFC 3339 time: %q", s)
	}
	return t.UTC()
}

func (d *recordIn) timePtr(member string, s *string) *time.Time {
	if s == nil {
		return nil
	}
	t := d.time(member, *s)
	return &t
}

func nullMoney(amount *int64, currency string, exp int) NullMoney {
	m := NullMoney{Money{Currency: currency, Exponent: exp}, amount != nil}
	if amount != nil {
		m.Amount = *amount
	}
	return m
}

// UnmarshalJSON decodes the normalized JSON of a customer.
func (r *Customer) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "customer"}, customerJSON{}
	if d.decode(b, &j); d.err == nil {
		v := Customer{ID: j.ID, Email: j.Email, Name: j.Name, Country: j.Country,
			CreatedAt: d.time("created_at", j.CreatedAt), Deleted: j.Deleted}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of a plan.
func (r *Plan) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "plan"}, planJSON{}
	if d.decode(b, &j); d.err == nil {
		money := func(a *int64) NullMoney { return nullMoney(a, j.Currency, j.CurrencyExponent) }
		v := Plan{ID: j.ID, Name: j.Name, ProductID: j.ProductID, ProductName: j.ProductName,
			Amount: money(j.Amount), AmountDecimal: j.AmountDecimal, UsageType: j.UsageType,
			TiersMode: j.TiersMode, Tiers: j.Tiers, CustomAmount: j.CustomAmount,
			CustomAmountMinimum: money(j.CustomAmountMinimum),
			CustomAmountMaximum: money(j.CustomAmountMaximum),
			CustomAmountPreset:  money(j.CustomAmountPreset), SetupFee: money(j.SetupFee),
			IntervalUnit: j.IntervalUnit, IntervalCount: j.IntervalCount,
			TotalCycles: j.TotalCycles, TrialDays: j.TrialDays, TrialAmount: money(j.TrialAmount),
			TrialCycles: j.TrialCycles, Active: j.Active, CreatedAt: d.time("created_at", j.CreatedAt)}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of a subscription item.
func (r *SubscriptionItem) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "subscription_item"}, subscriptionItemJSON{}
	if d.decode(b, &j); d.err == nil {
		v := SubscriptionItem{ID: j.ID, PlanID: j.PlanID, Quantity: j.Quantity,
			UsageType: j.UsageType, Amount: nullMoney(j.Amount, j.Currency, j.CurrencyExponent),
			AmountDecimal:      j.AmountDecimal,
			CurrentPeriodStart: d.timePtr("current_period_start", j.CurrentPeriodStart),
			CurrentPeriodEnd:   d.timePtr("current_period_end", j.CurrentPeriodEnd)}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of a subscription and its items.
func (r *Subscription) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "subscription"}, subscriptionJSON{}
	if d.decode(b, &j); d.err == nil {
		v := Subscription{ID: j.ID, CustomerID: j.CustomerID, Status: j.Status,
			ProviderStatus:     j.ProviderStatus,
			StartedAt:          d.timePtr("started_at", j.StartedAt),
			CurrentPeriodStart: d.timePtr("current_period_start", j.CurrentPeriodStart),
			CurrentPeriodEnd:   d.timePtr("current_period_end", j.CurrentPeriodEnd),
			TrialStart:         d.timePtr("trial_start", j.TrialStart),
			TrialEnd:           d.timePtr("trial_end", j.TrialEnd),
			CanceledAt:         d.timePtr("canceled_at", j.CanceledAt),
			CancelAtPeriodEnd:  j.CancelAtPeriodEnd,
			CancelAt:           d.timePtr("cancel_at", j.CancelAt),
			EndedAt:            d.timePtr("ended_at", j.EndedAt),
			Paused:             j.Paused, PauseBehavior: j.PauseBehavior,
			ResumesAt: d.timePtr("resumes_at", j.ResumesAt), Discounts: j.Discounts,
			CreatedAt: d.time("created_at", j.CreatedAt), Items: j.Items}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of a transaction.
func (r *Transaction) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "transaction"}, transactionJSON{}
	if d.decode(b, &j); d.err == nil {
		v := Transaction{ID: j.ID, CustomerID: j.CustomerID, SubscriptionID: j.SubscriptionID,
			InvoiceID: j.InvoiceID, Kind: j.Kind, Result: j.Result, ProviderStatus: j.ProviderStatus,
			Amount:         Money{j.Amount, j.Currency, j.CurrencyExponent},
			CapturedAmount: nullMoney(j.CapturedAmount, j.Currency, j.CurrencyExponent),
			RefundedAmount: nullMoney(j.RefundedAmount, j.Currency, j.CurrencyExponent),
			FeeAmount:      nullMoney(j.FeeAmount, j.Currency, j.CurrencyExponent),
			NetAmount:      nullMoney(j.NetAmount, j.Currency, j.CurrencyExponent),
			ParentID:       j.ParentID, OccurredAt: d.time("occurred_at", j.OccurredAt)}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of an invoice and its lines.
func (r *Invoice) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "invoice"}, invoiceJSON{}
	if d.decode(b, &j); d.err == nil {
		money := func(a int64) Money { return Money{a, j.Currency, j.CurrencyExponent} }
		v := Invoice{ID: j.ID, Number: j.Number, CustomerID: j.CustomerID,
			SubscriptionID: j.SubscriptionID, Status: j.Status, ProviderStatus: j.ProviderStatus,
			Subtotal: money(j.Subtotal), Discount: money(j.Discount), Tax: money(j.Tax),
			Total:       money(j.Total),
			AmountPaid:  nullMoney(j.AmountPaid, j.Currency, j.CurrencyExponent),
			AmountDue:   nullMoney(j.AmountDue, j.Currency, j.CurrencyExponent),
			CreatedAt:   d.time("created_at", j.CreatedAt),
			IssuedAt:    d.timePtr("issued_at", j.IssuedAt),
			DueAt:       d.timePtr("due_at", j.DueAt),
			PaidAt:      d.timePtr("paid_at", j.PaidAt),
			VoidedAt:    d.timePtr("voided_at", j.VoidedAt),
			PeriodStart: d.timePtr("period_start", j.PeriodStart),
			PeriodEnd:   d.timePtr("period_end", j.PeriodEnd), Lines: j.Lines}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of an invoice line.
func (r *InvoiceLine) UnmarshalJSON(b []byte) error {
	d, j := recordIn{kind: "invoice_line"}, invoiceLineJSON{}
	if d.decode(b, &j); d.err == nil {
		v := InvoiceLine{ID: j.ID, Kind: j.Kind, PlanID: j.PlanID, Description: j.Description,
			Quantity: j.Quantity, Amount: Money{j.Amount, j.Currency, j.CurrencyExponent},
			PeriodStart: d.timePtr("period_start", j.PeriodStart),
			PeriodEnd:   d.timePtr("period_end", j.PeriodEnd), Proration: j.Proration}
		if d.err == nil {
			*r = v // only whole: a bad time leaves r as it was
		}
	}
	return d.err
}

// UnmarshalJSON decodes the normalized JSON of a record of any kind. The
// fields of a kind the loaded library has get their Go types (as Next gives
// them: string, int64, bool, time.Time, Money, nil for null); the members of
// a kind it does not know keep what JSON says (string, bool, json.Number,
// nil, or json.RawMessage for arrays and objects).
func (g *GenericRecord) UnmarshalJSON(b []byte) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(b, &members); err != nil {
		return fmt.Errorf("billtap: record: %w", err)
	}
	var object string
	if err := json.Unmarshal(members["object"], &object); err != nil || object == "" {
		return fmt.Errorf("billtap: record: \"object\" is %s, want a kind's name", members["object"])
	}
	delete(members, "object")
	d := recordIn{kind: object}
	out := GenericRecord{Kind: object, Fields: make(map[string]any, len(members))}
	k, known := KindNamed(object)
	types := map[string]FieldType{}
	if known {
		for _, f := range k.Fields() {
			types[f.Name] = f.Type
		}
		var nestedKind Kind
		if nestedKind, out.NestedMember = k.Nested(); nestedKind != 0 {
			if raw, ok := members[out.NestedMember]; ok {
				if err := json.Unmarshal(raw, &out.Nested); err != nil {
					return fmt.Errorf("billtap: %s: %s: %w", object, out.NestedMember, err)
				}
				delete(members, out.NestedMember)
			}
		}
	}
	var currency string
	var exponent int64
	_ = json.Unmarshal(members["currency"], &currency)
	_ = json.Unmarshal(members["currency_exponent"], &exponent)
	for name, raw := range members {
		out.Fields[name] = d.genericValue(name, raw, types[name], currency, int(exponent))
	}
	if d.err != nil {
		return d.err
	}
	*g = out
	return nil
}

// genericValue is one member as GenericRecord holds it (typ 0: not a field
// of a known kind).
func (d *recordIn) genericValue(name string, raw json.RawMessage, typ FieldType, currency string, exp int) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		d.fail(name, "%v", err)
		return nil
	}
	if v == nil {
		return nil
	}
	if _, composite := v.(map[string]any); composite {
		return raw
	}
	if _, composite := v.([]any); composite {
		return raw
	}
	number := func() int64 {
		n, ok := v.(json.Number)
		i, err := n.Int64()
		if !ok || err != nil {
			d.fail(name, "not an integer: %s", raw)
		}
		return i
	}
	switch typ {
	case FieldString:
		if s, ok := v.(string); ok {
			return s
		}
		d.fail(name, "not a string: %s", raw)
	case FieldInt:
		return number()
	case FieldMoney:
		return Money{Amount: number(), Currency: currency, Exponent: exp}
	case FieldBool:
		if t, ok := v.(bool); ok {
			return t
		}
		d.fail(name, "not a boolean: %s", raw)
	case FieldTime:
		if s, ok := v.(string); ok {
			return d.time(name, s)
		}
		d.fail(name, "not a time: %s", raw)
	}
	return v
}
