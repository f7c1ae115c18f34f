/* RFC 3339 in and out, via days-from-civil (Howard Hinnant's algorithms): no timegm(),
 * no TZ environment, no locale. */
#include "billtap/provider.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;
	const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : dim[m - 1];
}

/* Reads exactly n digits at s[*i]. */
static bool digits(const char *s, size_t len, size_t *i, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++, (*i)++) {
		if (*i >= len || s[*i] < '0' || s[*i] > '9')
			return false;
		v = v * 10 + (s[*i] - '0');
	}
	*out = v;
	return true;
}

static int parse_unix(int64_t *out, const char *s, size_t len)
{
	size_t i = 0;
	bool neg = false;
	if (i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	if (i == len)
		return BILLTAP_EINVAL;
	int64_t v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (INT64_MAX - 9) / 10)
			return BILLTAP_EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return 0;
}

BILLTAP_EXTERN(int) billtap_time_parse_n(int64_t *out, const char *s, size_t len)
{
	if (!out || !s)
		return BILLTAP_EINVAL;
	*out = 0;
	/* ISO 8601's basic date form, 20240501: read as a date, never as Unix seconds (which
	 * would be a day in 1970). */
	size_t ndigits = 0;
	while (ndigits < len && s[ndigits] >= '0' && s[ndigits] <= '9')
		ndigits++;
	/* (Counted within len: the text need not be NUL-terminated, and what follows it,
	 * digits of a longer buffer, is not part of it.) */
	if (len == 8 && ndigits == 8) {
		char extended[11] = { s[0], s[1], s[2], s[3], '-', s[4], s[5], '-', s[6], s[7], 0 };
		return billtap_time_parse_n(out, extended, 10);
	}
	/* Plain Unix seconds: all digits (and no date separators). */
	if (len && !memchr(s, ':', len) && (len < 5 || s[4] != '-'))
		return parse_unix(out, s, len);

	size_t i = 0;
	int y, mo, d, h = 0, mi = 0, sec = 0;
	if (!digits(s, len, &i, 4, &y) || i >= len || s[i++] != '-' || !digits(s, len, &i, 2, &mo) ||
	    i >= len || s[i++] != '-' || !digits(s, len, &i, 2, &d))
		return BILLTAP_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return BILLTAP_EINVAL;
	int64_t offset = 0;
	if (i < len) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return BILLTAP_EINVAL;
		i++;
		if (!digits(s, len, &i, 2, &h) || i >= len || s[i++] != ':' ||
		    !digits(s, len, &i, 2, &mi) || i >= len || s[i++] != ':' ||
		    !digits(s, len, &i, 2, &sec))
			return BILLTAP_EINVAL;
		if (h > 23 || mi > 59 || sec > 60)
			return BILLTAP_EINVAL;
		if (i < len && s[i] == '.') {
			size_t start = ++i;
			while (i < len && s[i] >= '0' && s[i] <= '9')
				i++;
			if (i == start)
				return BILLTAP_EINVAL;
		}
		if (i >= len)
			return BILLTAP_EINVAL; /* a date-time needs a zone: local time is ambiguous */
		if (s[i] == 'Z' || s[i] == 'z') {
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			/* "+02:00" (RFC 3339) or "+0200" (PayPal's transaction search) */
			int sign = s[i++] == '-' ? -1 : 1, oh, om;
			if (!digits(s, len, &i, 2, &oh))
				return BILLTAP_EINVAL;
			if (i < len && s[i] == ':')
				i++;
			if (!digits(s, len, &i, 2, &om) || oh > 23 || om > 59)
				return BILLTAP_EINVAL;
			offset = sign * (int64_t)(oh * 3600 + om * 60);
		} else {
			return BILLTAP_EINVAL;
		}
		if (i != len)
			return BILLTAP_EINVAL;
	}
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	return 0;
}

BILLTAP_EXTERN(int) billtap_time_parse(int64_t *out, const char *text)
{
	if (!text)
		return BILLTAP_EINVAL;
	return billtap_time_parse_n(out, text, strlen(text));
}

/* v (0 <= v < 10^width) in exactly `width` decimal digits. */
static void put_digits(char *out, int width, int v)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

BILLTAP_EXTERN(int) billtap_time_format(char *buf, size_t cap, int64_t t)
{
	if (!buf)
		return BILLTAP_EINVAL;
	/* Floor division so times before 1970 format correctly. */
	int64_t days = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	if (y >= 0 && y <= 9999 && cap > 20) {
		/* The common case by hand: snprintf cost more than the rest of a record's output. */
		put_digits(buf, 4, (int)y);
		buf[4] = '-';
		put_digits(buf + 5, 2, m);
		buf[7] = '-';
		put_digits(buf + 8, 2, d);
		buf[10] = 'T';
		put_digits(buf + 11, 2, (int)(rem / 3600));
		buf[13] = ':';
		put_digits(buf + 14, 2, (int)(rem / 60 % 60));
		buf[16] = ':';
		put_digits(buf + 17, 2, (int)(rem % 60));
		buf[19] = 'Z';
		buf[20] = '\0';
		return 20;
	}
	int n = snprintf(buf, cap, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d,
	                 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			buf[0] = '\0';
		return BILLTAP_EINVAL;
	}
	return n;
}
