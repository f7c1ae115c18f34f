/*
 * Exact decimal -> minor units. Money never passes through a double: PayPal sends decimal
 * strings, Recurly JSON floats, and 0.1 + 0.2 must stay 30 cents.
 */
#include "billtap/provider.h"

#include <stdbool.h>

/* Appends the integer zeros deferred so far to digits; BILLTAP_EDATA past int64's 19. */
static int bring_in(uint64_t *digits, int *ndigits, int *zeros)
{
	for (; *zeros; (*zeros)--) {
		if (*ndigits >= 19)
			return BILLTAP_EDATA;
		*digits *= 10;
		(*ndigits)++;
	}
	return 0;
}

/* Parses [-]digits[.digits][(e|E)[+-]digits] into a digit string's value and a power of
 * ten. Leading zeros are dropped so long zero prefixes cannot overflow. */
BILLTAP_EXTERN(int) billtap_money_from_decimal(int64_t *minor, const char *text, size_t len,
                                               int exponent)
{
	if (!minor || !text || exponent < 0 || exponent > 18)
		return BILLTAP_EINVAL;
	*minor = 0;
	size_t i = 0;
	bool negative = false;
	if (i < len && text[i] == '-') {
		negative = true;
		i++;
	}
	uint64_t digits = 0;    /* the significant digits, as an integer */
	int ndigits = 0;        /* significant digits held in `digits` */
	int64_t scale = 0;      /* value = digits * 10^scale */
	int int_digits = 0, frac_digits = 0;
	int trailing_zeros = 0; /* fraction zeros seen after the last nonzero digit */
	/* Integer zeros after the last nonzero digit: deferred too, as a power of ten, so that
	 * "92233720368547758070e-1" (20 digits, an int64 once the exponent applies) fits. */
	int int_zeros = 0;

	for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, int_digits++) {
		if (digits == 0 && text[i] == '0')
			continue;
		if (text[i] == '0') {
			if (int_zeros < 100000)
				int_zeros++;
			continue;
		}
		if (bring_in(&digits, &ndigits, &int_zeros) < 0)
			return BILLTAP_EDATA;
		if (ndigits >= 19)
			return BILLTAP_EDATA; /* beyond int64 whatever the exponent */
		digits = digits * 10 + (uint64_t)(text[i] - '0');
		ndigits++;
	}
	if (i < len && text[i] == '.') {
		i++;
		for (; i < len && text[i] >= '0' && text[i] <= '9'; i++, frac_digits++) {
			scale--;
			if (text[i] == '0') {
				/* Defer zeros: they may be excess precision that is harmless. */
				trailing_zeros++;
				continue;
			}
			/* Bring the deferred zeros in before this digit. */
			if (bring_in(&digits, &ndigits, &int_zeros) < 0)
				return BILLTAP_EDATA;
			for (; trailing_zeros; trailing_zeros--) {
				if (digits != 0) {
					if (ndigits >= 19)
						return BILLTAP_EDATA;
					digits *= 10;
					ndigits++;
				}
			}
			if (ndigits >= 19)
				return BILLTAP_EDATA;
			digits = digits * 10 + (uint64_t)(text[i] - '0');
			ndigits++;
		}
		if (frac_digits == 0)
			return BILLTAP_EDATA; /* "5." */
		/* Deferred zeros are simply dropped: they do not change the value. */
		scale += trailing_zeros;
		trailing_zeros = 0;
	}
	if (int_digits == 0 && frac_digits == 0)
		return BILLTAP_EDATA;
	scale += int_zeros; /* the integer zeros never brought in */
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		bool eneg = false;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			eneg = text[i++] == '-';
		int64_t e = 0;
		size_t start = i;
		for (; i < len && text[i] >= '0' && text[i] <= '9'; i++)
			if (e < 100000)
				e = e * 10 + (text[i] - '0');
		if (i == start)
			return BILLTAP_EDATA;
		scale += eneg ? -e : e;
	}
	if (i != len)
		return BILLTAP_EDATA;

	scale += exponent;
	if (digits == 0) {
		*minor = 0;
		return 0;
	}
	/* Too small a scale means digits below the currency's precision: refuse. */
	while (scale < 0) {
		if (digits % 10 != 0)
			return BILLTAP_EDATA;
		digits /= 10;
		scale++;
	}
	const uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; scale > 0; scale--) {
		if (digits > limit / 10)
			return BILLTAP_EDATA;
		digits *= 10;
	}
	if (digits > limit)
		return BILLTAP_EDATA;
	*minor = negative ? (int64_t)(0 - digits) : (int64_t)digits;
	return 0;
}
