package billtap_test

import (
	"encoding/json"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// The JSON shape of hand-built records, nulls included, against
// docs/data-model.md (the sandbox tests cover real data).
func TestJSONShape(t *testing.T) {
	at := time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	name := "Ana & Co"
	qty := int64(3)
	cases := []struct {
		rec  billtap.Record
		want string
	}{
		{billtap.Customer{ID: "cus_1", Name: &name, CreatedAt: at, Raw: json.RawMessage(`{"x":1}`)},
			`{"object":"customer","id":"cus_1","email":null,"name":"Ana & Co","country":null,"created_at":"2024-05-01T12:00:00Z","deleted":false}`},
		{billtap.Plan{ID: "price_1", Amount: billtap.NullMoney{Money: billtap.Money{Currency: "USD", Exponent: 2}}, CreatedAt: at},
			`{"object":"plan","id":"price_1","name":null,"product_id":null,"amount":null,"currency":"USD","currency_exponent":2,"interval_unit":null,"interval_count":null,"trial_days":null,"active":false,"created_at":"2024-05-01T12:00:00Z"}`},
		{billtap.Subscription{ID: "sub_1", Status: "active", TrialEnd: &at, CreatedAt: at},
			`{"object":"subscription","id":"sub_1","customer_id":null,"status":"active","provider_status":null,"started_at":null,"current_period_start":null,"current_period_end":null,"trial_end":"2024-05-01T12:00:00Z","canceled_at":null,"cancel_at_period_end":false,"created_at":"2024-05-01T12:00:00Z","items":[]}`},
		{billtap.Subscription{ID: "sub_2", Status: "other", CreatedAt: at, Items: []billtap.SubscriptionItem{
			{ID: "si_1", Quantity: &qty, Amount: billtap.NullMoney{Money: billtap.Money{900, "EUR", 2}, Valid: true}}}},
			`{"object":"subscription","id":"sub_2","customer_id":null,"status":"other","provider_status":null,"started_at":null,"current_period_start":null,"current_period_end":null,"trial_end":null,"canceled_at":null,"cancel_at_period_end":false,"created_at":"2024-05-01T12:00:00Z","items":[{"object":"subscription_item","id":"si_1","plan_id":null,"quantity":3,"amount":900,"currency":"EUR","currency_exponent":2}]}`},
		{billtap.Transaction{ID: "re_1", Kind: "refund", Result: "pending", Amount: billtap.Money{500, "JPY", 0},
			RefundedAmount: billtap.Money{0, "JPY", 0}, OccurredAt: at},
			`{"object":"transaction","id":"re_1","customer_id":null,"subscription_id":null,"invoice_id":null,"kind":"refund","result":"pending","provider_status":null,"amount":500,"currency":"JPY","currency_exponent":0,"refunded_amount":0,"parent_id":null,"occurred_at":"2024-05-01T12:00:00Z"}`},
	}
	for _, c := range cases {
		// Exact bytes: member order as documented, no HTML escaping.
		if got := string(c.rec.JSON()); got != c.want {
			t.Errorf("%s JSON:\n got %s\nwant %s", c.rec.RecordKind(), got, c.want)
		}
		viaMarshal, err := json.Marshal(c.rec)
		if err != nil {
			t.Fatal(err)
		}
		if same, err := sameJSON(viaMarshal, []byte(c.want)); err != nil || !same {
			t.Errorf("json.Marshal(%s) = %s", c.rec.RecordKind(), viaMarshal)
		}
	}
}
