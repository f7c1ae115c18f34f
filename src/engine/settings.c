/*
 * Setting values and the copy each iterator takes when it is created. Everything an
 * iterator does reads its copy: the engine's settings (parsed here once, with the transfer
 * options handed to the transport) and the provider's, through billtap_ctx_setting() in
 * every callback made for it. So a later billtap_client_set() changes what new iterators
 * do, never a running one: a cached token never meets other credentials or another host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

const char *bt_settings_get(const bt_settings *vals, const billtap_client *c, const char *key)
{
	for (size_t i = 0; vals && i < vals->count; i++)
		if (strcmp(vals->values[i].def->name, key) == 0)
			return vals->values[i].value;
	const billtap_setting_def *d = bt_client_find_setting(c, key);
	return d ? d->default_value : NULL;
}

int bt_setting_parse_int(int64_t *out, const char *v)
{
	/* Decimal digits with an optional '-': no blanks, no '+', nothing after. */
	if (!v || (v[0] != '-' && (v[0] < '0' || v[0] > '9')))
		return -1;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end)
		return -1;
	*out = n;
	return 0;
}

int bt_setting_is_rate(const char *key)
{
	return strcmp(key, "rate_limit") == 0 || strcmp(key, "rate_burst") == 0;
}

int bt_setting_parse_rate(double *out, const char *v)
{
	size_t digits = 0, dots = 0;
	for (const char *p = v; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == '.' && !dots)
			dots++;
		else
			return -1;
	}
	if (!digits || digits > 15)
		return -1;
	double d = strtod(v, NULL);
	if (d > 1e9)
		return -1;
	*out = d;
	return 0;
}

/* rate_limit and rate_burst: -1 when unset (validated when set). */
static bt_rate rate_settings(const billtap_iter *it)
{
	bt_rate r = { -1, -1 };
	const char *v = bt_settings_get(&it->values, it->client, "rate_limit");
	if (v && bt_setting_parse_rate(&r.per_second, v) < 0)
		r.per_second = -1;
	v = bt_settings_get(&it->values, it->client, "rate_burst");
	if (v && bt_setting_parse_rate(&r.burst, v) < 0)
		r.burst = -1;
	if (r.per_second > 0 && r.burst <= 0)
		r.burst = r.per_second / 5 < 1 ? 1 : r.per_second / 5;
	return r;
}

int bt_settings_get_int(int64_t *out, const bt_settings *vals, const billtap_client *c,
                        const char *key)
{
	const char *v = bt_settings_get(vals, c, key);
	if (!v)
		return BILLTAP_ENOTFOUND;
	return bt_setting_parse_int(out, v) < 0 ? BILLTAP_ESETTING : 0;
}

void bt_setting_value_free(bt_setting_value *v)
{
	if (v->value && (v->def->flags & BILLTAP_SETTING_SECRET))
		memset(v->value, 0, strlen(v->value));
	free(v->value);
	v->value = NULL;
}

void bt_settings_free(bt_settings *s)
{
	for (size_t i = 0; i < s->count; i++)
		bt_setting_value_free(&s->values[i]);
	free(s->values);
	s->values = NULL;
	s->count = 0;
}

int bt_settings_copy(bt_settings *dst, const bt_settings *src)
{
	bt_settings_free(dst);
	if (!src->count)
		return 0;
	if (!(dst->values = calloc(src->count, sizeof *dst->values)))
		return BILLTAP_ENOMEM;
	for (; dst->count < src->count; dst->count++) {
		bt_setting_value *to = &dst->values[dst->count];
		to->def = src->values[dst->count].def;
		if (!(to->value = strdup(src->values[dst->count].value))) {
			bt_settings_free(dst);
			return BILLTAP_ENOMEM;
		}
	}
	return 0;
}

static int64_t int_setting(const billtap_iter *it, const char *key, int64_t fallback)
{
	int64_t v;
	return bt_settings_get_int(&v, &it->values, it->client, key) == 0 ? v : fallback;
}

static int dup_setting(char **out, const billtap_iter *it, const char *key)
{
	const char *v = bt_settings_get(&it->values, it->client, key);
	*out = NULL;
	if (!v || !*v)
		return 0;
	*out = strdup(v);
	return *out ? 0 : BILLTAP_ENOMEM;
}

int bt_iter_settings_read(bt_iter_settings *s, billtap_iter *it)
{
	memset(s, 0, sizeof *s);
	s->max_retries = int_setting(it, "max_retries", 4);
	s->retry_base_ms = int_setting(it, "retry_base_ms", 500);
	s->retry_max_ms = int_setting(it, "retry_max_ms", 30000);
	s->max_in_flight = int_setting(it, "max_in_flight", 8);
	s->rate_limit = rate_settings(it);
	s->max_empty_pages = int_setting(it, "max_empty_pages", 3);
	const char *bad = bt_settings_get(&it->values, it->client, "bad_records");
	s->skip_bad_records = bad && !strcmp(bad, "skip");

	/* "billtap/0.1.0", then what the host adds ("myapp/2.3"). */
	const char *extra = bt_settings_get(&it->values, it->client, "user_agent");
	int has_extra = extra && *extra;
	size_t n = strlen("billtap/") + strlen(BILLTAP_VERSION_STRING) + 1 +
	           (has_extra ? strlen(extra) + 1 : 0);
	if (!(s->user_agent = malloc(n)))
		return BILLTAP_ENOMEM;
	snprintf(s->user_agent, n, "billtap/%s%s%s", BILLTAP_VERSION_STRING, has_extra ? " " : "",
	         has_extra ? extra : "");
	if (dup_setting(&s->ca_file, it, "ca_file") < 0 || dup_setting(&s->ca_path, it, "ca_path") < 0)
		return BILLTAP_ENOMEM;

	billtap_transfer_options *t = &s->transfer;
	t->version = BILLTAP_TRANSFER_OPTIONS_VERSION;
	t->timeout_ms = (long)int_setting(it, "timeout_ms", 300000);
	it->link.stall_timeout_ms = (long)int_setting(it, "stall_timeout_ms", 30000);
	t->connect_timeout_ms = (long)int_setting(it, "connect_timeout_ms", 10000);
	t->user_agent = s->user_agent;
	t->ca_file = s->ca_file;
	t->ca_path = s->ca_path;
	t->engine = &it->link;
	return 0;
}

void bt_iter_settings_free(bt_iter_settings *s)
{
	free(s->user_agent);
	free(s->ca_file);
	free(s->ca_path);
	memset(s, 0, sizeof *s);
}
