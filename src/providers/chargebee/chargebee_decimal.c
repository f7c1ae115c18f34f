/* Chargebee's multi-decimal prices (`price_in_decimal`, `unit_price_in_decimal`) are
 * decimal strings in major units ("0.0025" USD); the model's exact amounts are decimal
 * strings in minor units ("0.25"). The conversion moves the point, never through a double. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

int cb_minor_decimal(char *out, size_t cap, const char *major, size_t len, int exponent)
{
	size_t o = 0, int_digits = 0, frac_digits = 0;
	char digits[96];
	int negative = len > 0 && major[0] == '-';
	size_t i = (size_t)negative;
	/* digits without the point; int_digits of them before it */
	for (; i < len && major[i] >= '0' && major[i] <= '9'; i++, int_digits++)
		if (int_digits + 1 < sizeof digits)
			digits[int_digits] = major[i];
	if (int_digits == 0 || int_digits + 1 >= sizeof digits)
		return BILLTAP_EDATA;
	if (i < len && major[i] == '.') {
		for (i++; i < len && major[i] >= '0' && major[i] <= '9'; i++, frac_digits++)
			if (int_digits + frac_digits + 1 < sizeof digits)
				digits[int_digits + frac_digits] = major[i];
		if (frac_digits == 0)
			return BILLTAP_EDATA;
	}
	size_t n = int_digits + frac_digits;
	if (i != len || n + 1 >= sizeof digits)
		return BILLTAP_EDATA;
	/* the point moves `exponent` places right: pad with zeros when the fraction is short */
	size_t point = int_digits + (size_t)exponent;
	while (n < point)
		digits[n++] = '0';
	/* drop trailing zeros of the fraction and leading zeros of the integer part */
	while (n > point && digits[n - 1] == '0')
		n--;
	size_t start = 0;
	while (start + 1 < point && digits[start] == '0')
		start++;
	int zero = 1;
	for (size_t k = start; k < n; k++)
		zero &= digits[k] == '0';
	if (cap < n - start + 3)
		return BILLTAP_EDATA;
	if (negative && !zero)
		out[o++] = '-';
	for (size_t k = start; k < n; k++) {
		if (k == point)
			out[o++] = '.';
		out[o++] = digits[k];
	}
	out[o] = '\0';
	return 0;
}

int cb_price_of(billtap_map *m, billtap_json_ref obj, const char *path, int exponent,
                int64_t *minor, char *dec, size_t cap, int *has)
{
	char key[48];
	const char *text;
	size_t len;
	*has = 0;
	billtap_json_ref ref = billtap_json_get(m->doc, obj, path);
	if (m->status < 0)
		return m->status;
	int rc = billtap_json_money(minor, m->doc, ref, exponent, 0);
	if (rc == 0) {
		*has = 1;
		snprintf(dec, cap, "%lld", (long long)*minor);
		return 0;
	}
	if (rc != BILLTAP_ENOTFOUND)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not an integer amount of minor units");
	snprintf(key, sizeof key, "%s_in_decimal", path);
	ref = billtap_json_get(m->doc, obj, key);
	if (billtap_json_typeof(m->doc, ref) == BILLTAP_JSON_ABSENT || billtap_json_typeof(m->doc, ref) == BILLTAP_JSON_NULL)
		return 0;
	if (billtap_json_typeof(m->doc, ref) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, m->doc, ref) < 0 ||
	    cb_minor_decimal(dec, cap, text, len, exponent) < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, key, "is not a decimal amount");
	/* a whole number of minor units is also the amount (when it fits an int64) */
	*has = 2;
	if (!strchr(dec, '.') && strlen(dec) <= 18) {
		*minor = strtoll(dec, NULL, 10);
		*has |= 1;
	}
	return 0;
}
