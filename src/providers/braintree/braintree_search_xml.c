/*
 * The <search> documents of the gateway's subscription searches, in the form the SDKs'
 * XML generator writes their criteria: a range field as <created-at> holding <min> and/or
 * <max> typed datetime, a multiple-value field as <ids type="array"> of <item>s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

/* Appends s escaped (ids are the gateway's, so only XML's special characters matter). */
static size_t escaped(char *out, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		const char *e = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
		if (e) {
			if (out)
				memcpy(out + n, e, strlen(e));
			n += strlen(e);
		} else {
			if (out)
				out[n] = *s;
			n++;
		}
	}
	return n;
}

int bt_search_window_xml(char **out, int64_t lo, int64_t hi)
{
	char min[40] = "", max[40] = "";
	*out = NULL;
	if ((lo != BT_OPEN_LO && billtap_time_format(min, sizeof min, lo) < 0) ||
	    (hi != BT_OPEN_HI && billtap_time_format(max, sizeof max, hi) < 0))
		return BILLTAP_EINVAL;
	size_t cap = 256;
	if (!(*out = malloc(cap)))
		return BILLTAP_ENOMEM;
	if (!*min && !*max) {
		snprintf(*out, cap, HEAD "<search>\n</search>\n");
		return 0;
	}
	int n = snprintf(*out, cap, HEAD "<search>\n  <created-at>\n");
	if (*min)
		n += snprintf(*out + n, cap - (size_t)n, "    <min type=\"datetime\">%s</min>\n", min);
	if (*max)
		n += snprintf(*out + n, cap - (size_t)n, "    <max type=\"datetime\">%s</max>\n", max);
	snprintf(*out + n, cap - (size_t)n, "  </created-at>\n</search>\n");
	return 0;
}

int bt_search_ids_xml(char **out, char *const *ids, size_t n_ids)
{
	static const char open[] = HEAD "<search>\n  <ids type=\"array\">\n", close[] = "  </ids>\n</search>\n";
	size_t len = strlen(open) + strlen(close) + 1;
	for (size_t i = 0; i < n_ids; i++)
		len += escaped(NULL, ids[i]) + strlen("    <item></item>\n");
	char *xml = malloc(len);
	if (!(*out = xml))
		return BILLTAP_ENOMEM;
	size_t at = (size_t)sprintf(xml, "%s", open);
	for (size_t i = 0; i < n_ids; i++) {
		at += (size_t)sprintf(xml + at, "    <item>");
		at += escaped(xml + at, ids[i]);
		at += (size_t)sprintf(xml + at, "</item>\n");
	}
	sprintf(xml + at, "%s", close);
	return 0;
}
