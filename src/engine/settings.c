/*
 * The engine's settings, copied into each iterator when it is created: a later
 * billtap_client_set() changes what new iterators do, never a running one. The transfer
 * options handed to the transport are built here once, the same for every transport.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

static int64_t int_setting(const billtap_client *c, const char *key, int64_t fallback)
{
	int64_t v;
	return bt_client_setting_int(&v, c, key) == 0 ? v : fallback;
}

static int dup_setting(char **out, const billtap_client *c, const char *key)
{
	const char *v = bt_client_setting(c, key);
	*out = NULL;
	if (!v || !*v)
		return 0;
	*out = strdup(v);
	return *out ? 0 : BILLTAP_ENOMEM;
}

int bt_iter_settings_read(bt_iter_settings *s, billtap_iter *it)
{
	const billtap_client *c = it->client;
	memset(s, 0, sizeof *s);
	s->max_retries = int_setting(c, "max_retries", 4);
	s->retry_base_ms = int_setting(c, "retry_base_ms", 500);
	s->retry_max_ms = int_setting(c, "retry_max_ms", 30000);
	s->max_in_flight = int_setting(c, "max_in_flight", 4);

	/* "billtap/0.1.0", then what the host adds ("myapp/2.3"). */
	const char *extra = bt_client_setting(c, "user_agent");
	int has_extra = extra && *extra;
	size_t n = strlen("billtap/") + strlen(BILLTAP_VERSION_STRING) + 1 +
	           (has_extra ? strlen(extra) + 1 : 0);
	if (!(s->user_agent = malloc(n)))
		return BILLTAP_ENOMEM;
	snprintf(s->user_agent, n, "billtap/%s%s%s", BILLTAP_VERSION_STRING, has_extra ? " " : "",
	         has_extra ? extra : "");
	if (dup_setting(&s->ca_file, c, "ca_file") < 0 || dup_setting(&s->ca_path, c, "ca_path") < 0)
		return BILLTAP_ENOMEM;

	billtap_transfer_options *t = &s->transfer;
	t->version = BILLTAP_TRANSFER_OPTIONS_VERSION;
	t->timeout_ms = (long)int_setting(c, "timeout_ms", 60000);
	t->connect_timeout_ms = (long)int_setting(c, "connect_timeout_ms", 10000);
	t->user_agent = s->user_agent;
	t->ca_file = s->ca_file;
	t->ca_path = s->ca_path;
	t->engine = &it->cancel;
	return 0;
}

void bt_iter_settings_free(bt_iter_settings *s)
{
	free(s->user_agent);
	free(s->ca_file);
	free(s->ca_path);
	memset(s, 0, sizeof *s);
}
