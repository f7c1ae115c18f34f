package billtap_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	billtap "github.com/billtap/billtap/bindings/go"
)

// The JSON shape of hand-built records, nulls included, against
// docs/data-model.md (the sandbox tests cover real data).
func TestJSONShape(t *testing.T) {
	eur := func(minor int64) billtap.Money { return billtap.Money{Amount: minor, Currency: "EUR", Exponent: 2} }
	at := time.Date(2024, 5, 1, 14, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	name := "Ana & Co"
	odd := "a\\u2028 \u2028\u2029 \b\f\t\x01\""
	qty := int64(3)
	item := "si_1"
	cases := []struct {
		rec  billtap.Record
		want string
	}{
		{billtap.Customer{ID: "cus_1", Name: &name, CreatedAt: at, Raw: json.RawMessage(`{"x":1}`)},
			`{"object":"customer","id":"cus_1","email":null,"name":"Ana & Co","country":null,"created_at":"2024-05-01T12:00:00Z","deleted":false}`},
		// Strings as the C library writes them: U+2028 and U+2029 raw, \b and \f
		// short; a backslash followed by "u2028" stays text.
		{billtap.Customer{ID: "cus_2", Name: &odd, CreatedAt: at},
			`{"object":"customer","id":"cus_2","email":null,"name":"a\\u2028 ` + "\u2028\u2029" +
				` \b\f\t\u0001\"","country":null,"created_at":"2024-05-01T12:00:00Z","deleted":false}`},
		{billtap.Plan{ID: "price_1", Amount: billtap.NullMoney{Money: billtap.Money{Currency: "USD", Exponent: 2}}, CreatedAt: at},
			`{"object":"plan","id":"price_1","name":null,"product_id":null,"product_name":null,"amount":null,"amount_decimal":null,"currency":"USD","currency_exponent":2,"usage_type":null,"tiers_mode":null,"tiers":null,"custom_amount":null,"custom_amount_minimum":null,"custom_amount_maximum":null,"custom_amount_preset":null,"setup_fee":null,"interval_unit":null,"interval_count":null,"total_cycles":null,"trial_days":null,"trial_amount":null,"trial_cycles":null,"active":false,"created_at":"2024-05-01T12:00:00Z"}`},
		{billtap.Subscription{ID: "sub_1", Status: "active", TrialEnd: &at, CreatedAt: at},
			`{"object":"subscription","id":"sub_1","customer_id":null,"status":"active","provider_status":null,"started_at":null,"current_period_start":null,"current_period_end":null,"trial_start":null,"trial_end":"2024-05-01T12:00:00Z","canceled_at":null,"cancel_at_period_end":false,"cancel_at":null,"ended_at":null,"paused":null,"pause_behavior":null,"resumes_at":null,"discounts":null,"created_at":"2024-05-01T12:00:00Z","items":[]}`},
		{billtap.Subscription{ID: "sub_2", Status: "other", CreatedAt: at, Items: []billtap.SubscriptionItem{
			{ID: &item, Quantity: &qty, Amount: billtap.NullMoney{Money: billtap.Money{900, "EUR", 2}, Valid: true}}}},
			`{"object":"subscription","id":"sub_2","customer_id":null,"status":"other","provider_status":null,"started_at":null,"current_period_start":null,"current_period_end":null,"trial_start":null,"trial_end":null,"canceled_at":null,"cancel_at_period_end":false,"cancel_at":null,"ended_at":null,"paused":null,"pause_behavior":null,"resumes_at":null,"discounts":null,"created_at":"2024-05-01T12:00:00Z","items":[{"object":"subscription_item","id":"si_1","plan_id":null,"quantity":3,"usage_type":null,"amount":900,"amount_decimal":null,"currency":"EUR","currency_exponent":2,"current_period_start":null,"current_period_end":null}]}`},
		{billtap.Transaction{ID: "re_1", Kind: "refund", Result: "pending", Amount: billtap.Money{500, "JPY", 0},
			RefundedAmount: billtap.NullMoney{Money: billtap.Money{0, "JPY", 0}, Valid: true}, OccurredAt: at},
			`{"object":"transaction","id":"re_1","customer_id":null,"subscription_id":null,"invoice_id":null,"kind":"refund","result":"pending","provider_status":null,"amount":500,"currency":"JPY","currency_exponent":0,"captured_amount":null,"refunded_amount":0,"fee_amount":null,"net_amount":null,"parent_id":null,"occurred_at":"2024-05-01T12:00:00Z"}`},
		{billtap.Transaction{ID: "TX-1", Kind: "other", Result: "other", Amount: billtap.Money{789, "USD", 2},
			RefundedAmount: billtap.NullMoney{Money: billtap.Money{Currency: "USD", Exponent: 2}}, OccurredAt: at},
			`{"object":"transaction","id":"TX-1","customer_id":null,"subscription_id":null,"invoice_id":null,"kind":"other","result":"other","provider_status":null,"amount":789,"currency":"USD","currency_exponent":2,"captured_amount":null,"refunded_amount":null,"fee_amount":null,"net_amount":null,"parent_id":null,"occurred_at":"2024-05-01T12:00:00Z"}`},
		{billtap.Invoice{ID: "in_1", Status: "draft", Subtotal: eur(900), Discount: eur(0), Tax: eur(0),
			Total: eur(900), AmountPaid: billtap.NullMoney{Money: eur(0), Valid: true},
			AmountDue: billtap.NullMoney{Money: eur(900), Valid: true}, CreatedAt: at, PeriodEnd: &at},
			`{"object":"invoice","id":"in_1","number":null,"customer_id":null,"subscription_id":null,"status":"draft","provider_status":null,"currency":"EUR","currency_exponent":2,"subtotal":900,"discount":0,"tax":0,"total":900,"amount_paid":0,"amount_due":900,"created_at":"2024-05-01T12:00:00Z","issued_at":null,"due_at":null,"paid_at":null,"voided_at":null,"period_start":null,"period_end":"2024-05-01T12:00:00Z","lines":[]}`},
		{billtap.Invoice{ID: "in_3", Status: "open", Subtotal: eur(900), Discount: eur(0), Tax: eur(0),
			Total: eur(900), AmountPaid: billtap.NullMoney{Money: eur(0)}, AmountDue: billtap.NullMoney{Money: eur(0)}, CreatedAt: at},
			`{"object":"invoice","id":"in_3","number":null,"customer_id":null,"subscription_id":null,"status":"open","provider_status":null,"currency":"EUR","currency_exponent":2,"subtotal":900,"discount":0,"tax":0,"total":900,"amount_paid":null,"amount_due":null,"created_at":"2024-05-01T12:00:00Z","issued_at":null,"due_at":null,"paid_at":null,"voided_at":null,"period_start":null,"period_end":null,"lines":[]}`},
		{billtap.InvoiceLine{Kind: "proration", Amount: eur(-450), Quantity: &qty, Proration: true},
			`{"object":"invoice_line","id":null,"kind":"proration","plan_id":null,"description":null,"quantity":3,"amount":-450,"currency":"EUR","currency_exponent":2,"period_start":null,"period_end":null,"proration":true}`},
		{billtap.GenericRecord{Kind: "invoice", NestedMember: "lines", Fields: map[string]any{
			"total": eur(900), "id": "in_2", "created_at": at, "number": nil, "zz_newer": int64(1)}},
			`{"object":"invoice","id":"in_2","number":null,"total":900,"created_at":"2024-05-01T12:00:00Z","zz_newer":1,"lines":[]}`},
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

// The worked examples of docs/data-model.md (every ```json line there)
// decode into typed records with the documented values and encode back to
// the same bytes: the 0.2 fields (exact decimals, tiers and discounts as
// JSON text, nullable booleans, the new kinds and results) included.
func TestDataModelExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/data-model.md")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]billtap.Record{}
	inBlock := false
	for _, line := range strings.Split(string(doc), "\n") {
		switch {
		case strings.HasPrefix(line, "```json"):
			inBlock = true
		case strings.HasPrefix(line, "```"):
			inBlock = false
		case inBlock && strings.HasPrefix(line, `{"object":`):
			rec, err := billtap.UnmarshalRecord([]byte(line))
			if err != nil {
				t.Fatalf("%v\n%s", err, line)
			}
			if got := string(rec.JSON()); got != line {
				t.Errorf("round trip differs\n got %s\nwant %s", got, line)
			}
			var head struct{ ID string }
			json.Unmarshal([]byte(line), &head)
			byID[head.ID] = rec
		}
	}
	plan, _ := byID["price_1"].(billtap.Plan)
	sub, _ := byID["sub_1"].(billtap.Subscription)
	held, _ := byID["ch_A"].(billtap.Transaction)
	paid, _ := byID["ch_B"].(billtap.Transaction)
	dispute, _ := byID["du_C"].(billtap.Transaction)
	if plan.ID == "" || sub.ID == "" || held.ID == "" || paid.ID == "" || dispute.ID == "" {
		t.Fatalf("the examples lack a plan, subscription or transaction: %v", byID)
	}
	var tiers []struct {
		UpTo              *int64  `json:"up_to"`
		UnitAmountDecimal *string `json:"unit_amount_decimal"`
		FlatAmount        *int64  `json:"flat_amount"`
	}
	if err := json.Unmarshal([]byte(deref(plan.Tiers)), &tiers); err != nil || len(tiers) != 2 ||
		*tiers[0].UpTo != 1000 || *tiers[0].UnitAmountDecimal != "0.5" || *tiers[0].FlatAmount != 500 ||
		tiers[1].UpTo != nil {
		t.Errorf("plan tiers %v: %+v", err, tiers)
	}
	if *plan.UsageType != billtap.UsageMetered || *plan.TiersMode != billtap.TiersGraduated ||
		plan.Amount.Valid || plan.AmountDecimal != nil || *plan.CustomAmount || plan.SetupFee.Valid ||
		*plan.ProductName != "Platform" || plan.SetupFee.Currency != "USD" {
		t.Errorf("plan %#v", plan)
	}
	if !*sub.Paused || *sub.PauseBehavior != billtap.PauseVoid || sub.ResumesAt.Day() != 1 ||
		sub.CancelAt.Year() != 2025 || sub.CurrentPeriodStart != nil || len(sub.Items) != 2 ||
		*sub.Items[1].AmountDecimal != "10000" || sub.Items[1].CurrentPeriodEnd.Year() != 2026 ||
		!strings.Contains(deref(sub.Discounts), `"percent_off":"20"`) {
		t.Errorf("subscription %#v", sub)
	}
	if held.Result != billtap.ResultAuthorized || held.CapturedAmount != (billtap.NullMoney{
		Money: billtap.Money{Amount: 0, Currency: "USD", Exponent: 2}, Valid: true}) || held.FeeAmount.Valid {
		t.Errorf("authorization %#v", held)
	}
	if paid.FeeAmount.Amount != 59 || paid.NetAmount.Amount != 941 || paid.CapturedAmount.Amount != 1000 {
		t.Errorf("payment %#v", paid)
	}
	if dispute.Kind != billtap.TransactionChargeback || dispute.NetAmount.Amount != -2500 ||
		dispute.CapturedAmount.Valid || *dispute.ParentID != "ch_B" {
		t.Errorf("chargeback %#v", dispute)
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
