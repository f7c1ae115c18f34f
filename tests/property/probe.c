/*
 * A line-oriented window on the library's exact converters, so that the property tests
 * (tests/property/converters.py) can compare them with Python's own references (decimal, datetime,
 * urllib) over many random inputs in one process. Arguments that may hold any byte come
 * hex-encoded. One answer line per question line:
 *
 *   dec EXP HEX        billtap_money_from_decimal(text, EXP)   -> "ok MINOR" | "err CODE"
 *   jmoney EXP HEX     billtap_json_money(MAJOR_UNITS) of the JSON value HEX
 *                                                               -> "ok MINOR" | "err CODE"
 *   time HEX           billtap_time_parse_n(text)              -> "ok SECONDS" | "err CODE"
 *   fmt SECONDS        billtap_time_format()                   -> "ok TEXT" | "err CODE"
 *   url CAP HEX        billtap_url_encode(bytes, CAP)          -> "ok LEN TEXT" | "err CODE"
 */
#include <billtap/provider_kit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decodes hex in place; returns the byte count, or -1 on a bad digit. */
static long unhex(char *s)
{
	size_t n = strlen(s);
	if (n % 2)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		s[i] = (char)v;
	}
	return (long)(n / 2);
}

static void answer(const char *cmd, char *a, char *b, billtap_json *doc)
{
	int64_t v;
	int rc;
	long n;
	if (strcmp(cmd, "dec") == 0 && (n = unhex(b)) >= 0) {
		rc = billtap_money_from_decimal(&v, b, (size_t)n, atoi(a));
	} else if (strcmp(cmd, "jmoney") == 0 && (n = unhex(b)) >= 0) {
		rc = billtap_json_parse(doc, b, (size_t)n);
		if (rc == 0)
			rc = billtap_json_money(&v, doc, billtap_json_root(doc), atoi(a),
			                        BILLTAP_MAP_MAJOR_UNITS);
	} else if (strcmp(cmd, "time") == 0 && (n = unhex(a)) >= 0) {
		rc = billtap_time_parse_n(&v, a, (size_t)n);
	} else if (strcmp(cmd, "fmt") == 0) {
		char buf[64];
		rc = billtap_time_format(buf, sizeof buf, strtoll(a, NULL, 10));
		if (rc >= 0)
			printf("ok %s\n", buf);
		else
			printf("err %d\n", rc);
		return;
	} else if (strcmp(cmd, "url") == 0 && (n = unhex(b)) >= 0) {
		size_t cap = strtoul(a, NULL, 10);
		char *dst = malloc(cap ? cap : 1);
		if (!dst) {
			printf("err nomem\n");
			return;
		}
		rc = billtap_url_encode(cap ? dst : NULL, cap, b, (size_t)n);
		if (rc >= 0)
			printf("ok %d %s\n", rc, dst);
		else
			printf("err %d\n", rc);
		free(dst);
		return;
	} else {
		printf("bad question\n");
		return;
	}
	if (rc == 0)
		printf("ok %lld\n", (long long)v);
	else
		printf("err %d\n", rc);
}

int main(void)
{
	static char line[1 << 16];
	billtap_json *doc;
	if (billtap_json_new(&doc) != 0)
		return 1;
	while (fgets(line, sizeof line, stdin)) {
		line[strcspn(line, "\n")] = '\0';
		char *cmd = strtok(line, " ");
		char *a = strtok(NULL, " ");
		char *b = strtok(NULL, " ");
		if (cmd)
			answer(cmd, a ? a : "", b ? b : "", doc);
	}
	billtap_json_free(doc);
	return 0;
}
