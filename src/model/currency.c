/* Currency codes: normalisation and ISO 4217 minor units. Providers keep their own
 * exceptions (Stripe's zero-decimal list, PayPal's HUF/TWD) and fall back to these. */
#include "billtap/provider.h"

#include <string.h>

BILLTAP_EXTERN(int) billtap_currency_normalize(char out[4], const char *code, size_t len)
{
	if (!out)
		return BILLTAP_EINVAL;
	out[0] = '\0';
	if (!code)
		return BILLTAP_EINVAL; /* a caller's bug, not a bad code in the data */
	if (len != 3)
		return BILLTAP_EDATA;
	for (size_t i = 0; i < 3; i++) {
		char c = code[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c < 'A' || c > 'Z')
			return BILLTAP_EDATA;
		out[i] = c;
	}
	out[3] = '\0';
	return 0;
}

/* Active ISO 4217 codes (2024 list) grouped by minor units. */
static const char iso_0[] = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF "
                            "XPF XAU XAG XPT XPD XDR XSU XUA";
static const char iso_3[] = "BHD IQD JOD KWD LYD OMR TND";
static const char iso_4[] = "CLF UYW";
static const char iso_2[] =
	"AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN "
	"BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE CZK DKK DOP DZD EGP ERN "
	"ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG HUF IDR ILS INR IRR JMD "
	"KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR "
	"MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB "
	"SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY "
	"TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG ZAR ZMW ZWG ZWL";

static int listed(const char *list, const char *code)
{
	for (const char *p = list; *p; p += 4) {
		if (memcmp(p, code, 3) == 0)
			return 1;
		if (!p[3])
			break;
	}
	return 0;
}

BILLTAP_EXTERN(int) billtap_currency_iso_exponent(const char *code)
{
	if (!code || strlen(code) != 3)
		return -1;
	if (listed(iso_2, code))
		return 2;
	if (listed(iso_0, code))
		return 0;
	if (listed(iso_3, code))
		return 3;
	if (listed(iso_4, code))
		return 4;
	return -1;
}
