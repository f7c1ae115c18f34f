package billtap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// moneyJSON is Money's JSON: the members a record's JSON gives an amount.
type moneyJSON struct {
	Amount   *int64 `json:"amount"`
	Currency string `json:"currency"`
	Exponent *int   `json:"currency_exponent"`
}

// MarshalJSON encodes the amount as the members a record's JSON uses:
// {"amount":1999,"currency":"USD","currency_exponent":2}.
func (m Money) MarshalJSON() ([]byte, error) {
	a, e := m.Amount, m.Exponent
	return marshal(moneyJSON{&a, m.Currency, &e})
}

// UnmarshalJSON decodes what MarshalJSON encodes; every member is required,
// the amount an integer.
func (m *Money) UnmarshalJSON(b []byte) error {
	var j moneyJSON
	if err := strictJSON(b, &j); err != nil {
		return fmt.Errorf("billtap: money: %w", err)
	}
	if j.Amount == nil || j.Exponent == nil || j.Currency == "" {
		return errors.New("billtap: money: amount, currency and currency_exponent are required")
	}
	if *j.Exponent < 0 {
		return fmt.Errorf("billtap: money: negative currency_exponent %d", *j.Exponent)
	}
	*m = Money{*j.Amount, j.Currency, *j.Exponent}
	return nil
}

// MarshalJSON is Money's, with "amount":null when the amount is null.
func (m NullMoney) MarshalJSON() ([]byte, error) {
	e := m.Exponent
	return marshal(moneyJSON{m.amountPtr(), m.Currency, &e})
}

// UnmarshalJSON decodes what MarshalJSON encodes: Valid is false for a null
// amount.
func (m *NullMoney) UnmarshalJSON(b []byte) error {
	var j moneyJSON
	if err := strictJSON(b, &j); err != nil {
		return fmt.Errorf("billtap: money: %w", err)
	}
	if j.Exponent == nil || j.Currency == "" {
		return errors.New("billtap: money: currency and currency_exponent are required")
	}
	if *j.Exponent < 0 {
		return fmt.Errorf("billtap: money: negative currency_exponent %d", *j.Exponent)
	}
	*m = NullMoney{Money{Currency: j.Currency, Exponent: *j.Exponent}, j.Amount != nil}
	if j.Amount != nil {
		m.Amount = *j.Amount
	}
	return nil
}

// Rat is the amount in units of the currency, exactly: 1999 minor units at
// exponent 2 are 1999/100.
func (m Money) Rat() *big.Rat {
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(m.Exponent)), nil)
	return new(big.Rat).SetFrac(big.NewInt(m.Amount), den)
}

// Decimal is the amount in units as a decimal string with every decimal
// place of the exponent: "19.99", "500", "-0.050". It parses exactly with
// big.Rat's SetString and with decimal libraries such as
// github.com/shopspring/decimal (decimal.NewFromString).
func (m Money) Decimal() string { return formatMinor(m.Amount, m.Exponent) }

// strictJSON decodes b into v, rejecting numbers that do not fit v's fields
// (a fraction in an integer) as encoding/json does, and trailing data.
func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("data after the JSON value")
	}
	return nil
}
