package billtap

import "strconv"

// Money is an exact amount: Amount minor units of Currency, where one unit
// has 10^Exponent minor units. Exponent is the provider's, which may differ
// from ISO 4217 (PayPal uses 0 for HUF). Never a float.
type Money struct {
	Amount   int64  // minor units ("cents")
	Currency string // upper-case ISO 4217 code
	Exponent int    // decimal places of the currency, as the provider uses it
}

// String formats the amount in units with its currency: "19.99 USD",
// "500 JPY", "-0.05 EUR".
func (m Money) String() string {
	s := formatMinor(m.Amount, m.Exponent)
	if m.Currency == "" {
		return s
	}
	return s + " " + m.Currency
}

// formatMinor places the decimal point Exponent digits from the right,
// working on the magnitude as uint64 so math.MinInt64 needs no special case.
func formatMinor(amount int64, exp int) string {
	neg := amount < 0
	mag := uint64(amount)
	if neg {
		mag = -mag
	}
	digits := strconv.FormatUint(mag, 10)
	if exp > 0 {
		for len(digits) <= exp {
			digits = "0" + digits
		}
		digits = digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
	}
	if neg {
		return "-" + digits
	}
	return digits
}

// NullMoney is money whose amount may be null (a tiered or usage-based plan
// has no unit price). Currency and Exponent are set even when the amount is
// null, as in the normalized JSON.
type NullMoney struct {
	Money
	Valid bool // false when the amount is null
}

// String is Money's, or "null" when the amount is null.
func (m NullMoney) String() string {
	if !m.Valid {
		return "null"
	}
	return m.Money.String()
}

// amountPtr is the amount as the JSON shape wants it: a number or null.
func (m NullMoney) amountPtr() *int64 {
	if !m.Valid {
		return nil
	}
	a := m.Amount
	return &a
}
