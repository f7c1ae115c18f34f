package billtap_test

import (
	"math"
	"testing"

	billtap "github.com/billtap/billtap/bindings/go"
)

func TestMoneyString(t *testing.T) {
	cases := []struct {
		m    billtap.Money
		want string
	}{
		{billtap.Money{1999, "USD", 2}, "19.99 USD"},
		{billtap.Money{5, "USD", 2}, "0.05 USD"},
		{billtap.Money{-5, "EUR", 2}, "-0.05 EUR"},
		{billtap.Money{0, "EUR", 2}, "0.00 EUR"},
		{billtap.Money{500, "JPY", 0}, "500 JPY"},
		{billtap.Money{1234, "KWD", 3}, "1.234 KWD"},
		{billtap.Money{100, "", 2}, "1.00"},
		{billtap.Money{math.MinInt64, "USD", 2}, "-92233720368547758.08 USD"},
		{billtap.Money{math.MaxInt64, "USD", 0}, "9223372036854775807 USD"},
	}
	for _, c := range cases {
		if got := c.m.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.m, got, c.want)
		}
	}
	null := billtap.NullMoney{Money: billtap.Money{Currency: "USD", Exponent: 2}}
	if got := null.String(); got != "null" {
		t.Errorf("null money = %q", got)
	}
	null.Valid, null.Amount = true, 700
	if got := null.String(); got != "7.00 USD" {
		t.Errorf("money = %q", got)
	}
}
