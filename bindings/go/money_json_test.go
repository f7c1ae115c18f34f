package billtap_test

import (
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

func TestMoneyJSON(t *testing.T) {
	m := billtap.Money{Amount: 21699, Currency: "JPY", Exponent: 0}
	b, err := json.Marshal(m)
	if err != nil || string(b) != `{"amount":21699,"currency":"JPY","currency_exponent":0}` {
		t.Fatalf("%s %v", b, err)
	}
	var back billtap.Money
	if err := json.Unmarshal(b, &back); err != nil || back != m {
		t.Fatalf("%+v %v", back, err)
	}
	null := billtap.NullMoney{Money: billtap.Money{Currency: "USD", Exponent: 2}}
	b, _ = json.Marshal(null)
	if string(b) != `{"amount":null,"currency":"USD","currency_exponent":2}` {
		t.Fatalf("%s", b)
	}
	var nb billtap.NullMoney
	if err := json.Unmarshal(b, &nb); err != nil || nb != null {
		t.Fatalf("%+v %v", nb, err)
	}
	valid := billtap.NullMoney{Money: billtap.Money{Amount: -5, Currency: "KWD", Exponent: 3}, Valid: true}
	b, _ = json.Marshal(valid)
	if err := json.Unmarshal(b, &nb); err != nil || nb != valid {
		t.Fatalf("%s: %+v %v", b, nb, err)
	}
	// Inside a struct of the host's, as a value and through a pointer.
	b, _ = json.Marshal(struct {
		Total *billtap.Money `json:"total"`
	}{&m})
	if !strings.Contains(string(b), `"total":{"amount":21699,`) {
		t.Fatalf("%s", b)
	}
	for _, bad := range []string{`{"amount":1.5,"currency":"USD","currency_exponent":2}`,
		`{"amount":1,"currency_exponent":2}`, `{"amount":1,"currency":"USD"}`,
		`{"currency":"USD","currency_exponent":2}`, `{"amount":1,"currency":"USD","currency_exponent":-1}`,
		`"1.00 USD"`, `{"amount":92233720368547758070,"currency":"USD","currency_exponent":2}`} {
		var m billtap.Money
		if err := json.Unmarshal([]byte(bad), &m); err == nil {
			t.Errorf("accepted %s as %+v", bad, m)
		}
	}
}

func TestMoneyRatAndDecimal(t *testing.T) {
	cases := []struct {
		m   billtap.Money
		dec string
		rat string
	}{
		{billtap.Money{Amount: 1999, Currency: "USD", Exponent: 2}, "19.99", "1999/100"},
		{billtap.Money{Amount: 500, Currency: "JPY", Exponent: 0}, "500", "500/1"},
		{billtap.Money{Amount: -50, Currency: "KWD", Exponent: 3}, "-0.050", "-1/20"},
		{billtap.Money{Amount: 9223372036854775807, Currency: "USD", Exponent: 2},
			"92233720368547758.07", "9223372036854775807/100"},
		{billtap.Money{Amount: -9223372036854775808, Currency: "USD", Exponent: 2},
			"-92233720368547758.08", "-2305843009213693952/25"},
	}
	for _, c := range cases {
		if got := c.m.Decimal(); got != c.dec {
			t.Errorf("%v Decimal = %s, want %s", c.m, got, c.dec)
		}
		if got := c.m.Rat().String(); got != c.rat {
			t.Errorf("%v Rat = %s, want %s", c.m, got, c.rat)
		}
		// The decimal string parses back to the same exact value.
		r, ok := new(big.Rat).SetString(c.m.Decimal())
		if !ok || r.Cmp(c.m.Rat()) != 0 {
			t.Errorf("%s parses to %v, want %v", c.m.Decimal(), r, c.m.Rat())
		}
	}
}
