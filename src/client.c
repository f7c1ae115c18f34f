/* Client handles: provider choice, settings, transport, the provider session. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "registry.h"

/* Settings every provider has; the engine reads them. */
const billtap_setting_def bt_engine_settings[] = {
	BILLTAP_SETTING("timeout_ms", BILLTAP_SETTING_INT, "300000", 1, 86400000,
	                "deadline for one HTTP request, however fast its bytes come, in milliseconds"),
	BILLTAP_SETTING("stall_timeout_ms", BILLTAP_SETTING_INT, "30000", 0, 86400000,
	                "a request that receives nothing for this long is retried (0: never)"),
	BILLTAP_SETTING("connect_timeout_ms", BILLTAP_SETTING_INT, "10000", 1, 600000,
	                "time allowed to connect, in milliseconds"),
	BILLTAP_SETTING("max_retries", BILLTAP_SETTING_INT, "4", 0, 50,
	                "retries of a request after a network error, a timeout, HTTP 408, 429 or "
	                "5xx, or a 2xx answer that is not valid JSON"),
	BILLTAP_SETTING("retry_base_ms", BILLTAP_SETTING_INT, "500", 0, 600000,
	                "first backoff delay; doubles each retry, with 25% jitter"),
	BILLTAP_SETTING("retry_max_ms", BILLTAP_SETTING_INT, "30000", 0, 3600000,
	                "longest backoff delay (a Retry-After from the service may ask for more)"),
	BILLTAP_SETTING("max_in_flight", BILLTAP_SETTING_INT, "8", 1, 64,
	                "requests of one iterator kept in flight at once, for providers that can"),
	BILLTAP_SETTING("rate_limit", 0, NULL, 0, 0,
	                "requests a second (a decimal, e.g. 0.8) this client's iterators keep to; 0 "
	                "turns pacing off; unset: the provider's documented rate"),
	BILLTAP_SETTING("rate_burst", 0, NULL, 0, 0,
	                "requests the rate_limit lets through at once (a decimal; unset: a fifth "
	                "of rate_limit, at least 1)"),
	BILLTAP_SETTING("max_empty_pages", BILLTAP_SETTING_INT, "3", 0, 1000,
	                "loop guard: empty list pages in a row that may claim more pages"),
	BILLTAP_SETTING("allow_insecure_http", BILLTAP_SETTING_BOOL, "false", 0, 0,
	                "allow http:// to hosts other than this machine (credentials in clear text)"),
	BILLTAP_SETTING("bad_records", 0, "fail", 0, 0,
	                "a record that cannot be normalized: fail (stop the stream) or skip (count, "
	                "report and go on)"),
	BILLTAP_SETTING("user_agent", 0, NULL, 0, 0, "appended to the User-Agent header"),
	BILLTAP_SETTING("ca_file", 0, NULL, 0, 0, "CA bundle file for TLS verification"),
	BILLTAP_SETTING("ca_path", 0, NULL, 0, 0, "CA certificate directory for TLS verification"),
	BILLTAP_SETTING("trace_sources", BILLTAP_SETTING_BOOL, "false", 0, 0,
	                "records remember which provider member each field came from "
	                "(billtap_record_field_source(); costs memory per record)"),
	BILLTAP_SETTINGS_END,
};

BILLTAP_EXTERN(int) billtap_client_options_init(billtap_client_options *opts,
                                                unsigned int version)
{
	if (!opts)
		return BILLTAP_EINVAL;
	if (version == 0 || version > BILLTAP_CLIENT_OPTIONS_VERSION)
		return BILLTAP_EVERSION;
	billtap_client_options init = BILLTAP_CLIENT_OPTIONS_INIT;
	*opts = init;
	opts->version = version;
	return 0;
}

/* Why billtap_client_new() failed, into the host's error buffer when it gave one. */
static int new_failed(const billtap_client_options *opts, int code, const char *what,
                      const char *detail)
{
	if (opts && opts->version >= 1 && opts->version <= BILLTAP_CLIENT_OPTIONS_VERSION &&
	    opts->error && opts->error_size)
		snprintf(opts->error, opts->error_size, "billtap_client_new: %s%s", what,
		         detail ? detail : "");
	return code;
}

BILLTAP_EXTERN(int) billtap_client_new(billtap_client **out, const char *provider,
                                       const billtap_client_options *opts)
{
	if (opts && opts->version >= 1 && opts->version <= BILLTAP_CLIENT_OPTIONS_VERSION &&
	    opts->error && opts->error_size)
		opts->error[0] = '\0';
	if (!out)
		return new_failed(opts, BILLTAP_EINVAL, "out is NULL", NULL);
	*out = NULL;
	if (!provider)
		return new_failed(opts, BILLTAP_EINVAL, "provider name is NULL", NULL);
	if (opts && (opts->version == 0 || opts->version > BILLTAP_CLIENT_OPTIONS_VERSION))
		return BILLTAP_EVERSION; /* its error buffer cannot be trusted to exist */
	int rc = billtap_global_init();
	if (rc < 0)
		return new_failed(opts, rc, "the library could not initialise libcurl", NULL);
	if (opts && opts->transport) {
		const billtap_transport *t = opts->transport;
		if (t->version == 0 || t->version > BILLTAP_TRANSPORT_VERSION)
			return new_failed(opts, BILLTAP_EVERSION, "transport version unknown", NULL);
		if (!t->perform)
			return new_failed(opts, BILLTAP_EINVAL, "transport has no perform", NULL);
		if ((t->start || t->wait || t->abort) && !(t->start && t->wait && t->abort))
			return new_failed(opts, BILLTAP_EINVAL,
			                  "transport has some but not all of start, wait and abort", NULL);
	}
	bt_provider_entry *entry = bt_registry_acquire(provider);
	if (!entry)
		return new_failed(opts, BILLTAP_EUNKNOWN_PROVIDER, "no provider registered as ",
		                  provider);
	billtap_client *c = calloc(1, sizeof *c);
	if (!c) {
		bt_registry_release(entry);
		return new_failed(opts, BILLTAP_ENOMEM, "out of memory", NULL);
	}
	c->entry = entry;
	c->provider = &entry->vt;
	c->pid = getpid();
	if (opts && opts->transport) {
		c->transport = *opts->transport;
		c->transport_payload = opts->transport_payload;
	} else {
		bt_curl *curl;
		if (bt_curl_new(&curl) < 0) {
			free(c);
			bt_registry_release(entry);
			return new_failed(opts, BILLTAP_ENOMEM, "out of memory", NULL);
		}
		c->transport = bt_curl_transport;
		c->transport_payload = curl;
	}
	if (opts) {
		c->clock = opts->clock;
		c->clock_payload = opts->clock_payload;
	}
	*out = c;
	return 0;
}

void bt_client_session_release(billtap_client *c, bt_session *session)
{
	if (!session || --session->refs > 0)
		return;
	if (c->provider->session_free)
		c->provider->session_free(session->data);
	free(session);
}

BILLTAP_EXTERN(void) billtap_client_free(billtap_client *c)
{
	if (!c)
		return;
	/* Hosts with garbage collectors free in any order: the last iterator finishes. */
	c->freed = 1;
	if (c->live_iters == 0)
		bt_client_destroy(c);
}

BILLTAP_EXTERN(int) billtap_client_close_idle(billtap_client *c)
{
	if (!c)
		return BILLTAP_EINVAL;
	if (c->live_iters > 0)
		return bt_error_setf(c, BILLTAP_EUSAGE,
		                     "cannot close idle connections: %d iterator(s) of the client still alive",
		                     c->live_iters);
	/* A host transport keeps its connections, if any, its own way. */
	if (c->transport.perform == bt_curl_transport.perform)
		bt_curl_close_idle(c->transport_payload);
	return 0;
}

void bt_client_destroy(billtap_client *c)
{
	bt_client_session_release(c, c->session);
	billtap_limiter_free(c->shared_limiter);
	billtap_limiter_free(c->own_limiter);
	bt_settings_free(&c->settings);
	if (c->transport.free)
		c->transport.free(c->transport_payload);
	bt_error_clear(c);
	bt_buf_free(&c->err_message);
	bt_secrets_free(c);
	bt_registry_release(c->entry);
	free(c);
}

BILLTAP_EXTERN(const char *) billtap_client_provider(const billtap_client *c)
{
	return c ? c->provider->name : NULL;
}

static const billtap_setting_def *find_in(const billtap_setting_def *defs, const char *key)
{
	for (; defs && defs->name; defs++)
		if (strcmp(defs->name, key) == 0)
			return defs;
	return NULL;
}

const billtap_setting_def *bt_client_find_setting(const billtap_client *c, const char *key)
{
	const billtap_setting_def *d = find_in(c->provider->settings, key);
	return d ? d : find_in(bt_engine_settings, key);
}

static int is_bool(const char *v)
{
	return !strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "1") || !strcmp(v, "0");
}

static int is_url(const char *v)
{
	size_t skip = strncmp(v, "https://", 8) == 0 ? 8 : strncmp(v, "http://", 7) == 0 ? 7 : 0;
	return skip && v[skip] && v[skip] != '/' && !strpbrk(v, " ?#");
}

/* The engine's bad_records setting: one of two words. */
static const billtap_setting_def *bad_records_def(void)
{
	for (const billtap_setting_def *d = bt_engine_settings; d->name; d++)
		if (!strcmp(d->name, "bad_records"))
			return d;
	return NULL;
}

static int validate(billtap_client *c, const billtap_setting_def *d, const char *value)
{
	const char *who = c->provider->name;
	for (const char *p = value; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return bt_error_setf(c, BILLTAP_ESETTING,
			                     "%s: setting %s: control characters are not allowed", who,
			                     d->name);
	/* Never echo a secret's value. */
	const char *shown = (d->flags & BILLTAP_SETTING_SECRET) ? "(secret)" : value;
	if (d->flags & BILLTAP_SETTING_INT) {
		int64_t v;
		if (bt_setting_parse_int(&v, value) < 0)
			return bt_error_setf(c, BILLTAP_ESETTING, "%s: setting %s: '%s' is not an integer",
			                     who, d->name, shown);
		if (v < d->min || v > d->max)
			return bt_error_setf(c, BILLTAP_ESETTING,
			                     "%s: setting %s: %lld is out of range %lld..%lld", who,
			                     d->name, (long long)v, (long long)d->min, (long long)d->max);
	}
	if ((d->flags & BILLTAP_SETTING_BOOL) && !is_bool(value))
		return bt_error_setf(c, BILLTAP_ESETTING,
		                     "%s: setting %s: '%s' is not true, false, 1 or 0", who, d->name,
		                     shown);
	if ((d->flags & BILLTAP_SETTING_URL) && !is_url(value))
		return bt_error_setf(c, BILLTAP_ESETTING,
		                     "%s: setting %s: '%s' is not an absolute http(s) URL without "
		                     "query",
		                     who, d->name, shown);
	double rate; /* (a provider's settings cannot take an engine setting's name) */
	if (bt_setting_is_rate(d->name) && bt_setting_parse_rate(&rate, value) < 0)
		return bt_error_setf(c, BILLTAP_ESETTING,
		                     "%s: setting %s: '%s' is not a decimal number of requests a "
		                     "second (e.g. 25 or 0.8)",
		                     who, d->name, shown);
	if (d == bad_records_def() && strcmp(value, "fail") != 0 && strcmp(value, "skip") != 0)
		return bt_error_setf(c, BILLTAP_ESETTING,
		                     "%s: setting %s: '%s' is not fail or skip", who, d->name, value);
	if ((d->flags & BILLTAP_SETTING_REQUIRED) && !*value)
		return bt_error_setf(c, BILLTAP_ESETTING, "%s: setting %s: must not be empty", who,
		                     d->name);
	return 0;
}

static void list_keys(bt_buf *b, const billtap_setting_def *defs)
{
	for (; defs && defs->name; defs++) {
		if (b->len)
			bt_buf_puts(b, ", ");
		bt_buf_puts(b, defs->name);
	}
}

BILLTAP_EXTERN(int) billtap_client_set(billtap_client *c, const char *key, const char *value)
{
	if (!c)
		return BILLTAP_EINVAL;
	bt_error_reset(c);
	if (!key)
		return bt_error_set(c, BILLTAP_EINVAL, "billtap_client_set: key is NULL");
	const billtap_setting_def *d = bt_client_find_setting(c, key);
	if (!d) {
		bt_buf known = BT_BUF_INIT;
		list_keys(&known, c->provider->settings);
		list_keys(&known, bt_engine_settings);
		bt_error_setf(c, BILLTAP_EUNKNOWN_SETTING, "%s: unknown setting '%s' (known: %s)",
		              c->provider->name, key, bt_buf_cstr(&known));
		bt_buf_free(&known);
		return BILLTAP_EUNKNOWN_SETTING;
	}
	if (value) {
		int rc = validate(c, d, value);
		if (rc < 0)
			return rc;
	}
	bt_settings *set = &c->settings;
	size_t i = 0;
	while (i < set->count && set->values[i].def != d)
		i++;
	if (i < set->count)
		bt_secrets_note_setting(c, d, set->values[i].value);
	if (!value) {
		if (i < set->count) {
			bt_setting_value_free(&set->values[i]);
			set->values[i] = set->values[--set->count];
		}
	} else {
		char *copy = strdup(value);
		if (!copy)
			return bt_error_set(c, BILLTAP_ENOMEM, NULL);
		if (i == set->count) {
			bt_setting_value *p = realloc(set->values, (i + 1) * sizeof *p);
			if (!p) {
				free(copy);
				return bt_error_set(c, BILLTAP_ENOMEM, NULL);
			}
			set->values = p;
			set->values[i].def = d;
			set->values[i].value = NULL;
			set->count++;
		} else {
			bt_setting_value_free(&set->values[i]);
		}
		set->values[i].value = copy;
	}
	/* A failed build leaves the set marked incomplete: messages then show nothing. */
	if (d->flags & BILLTAP_SETTING_SECRET)
		bt_secrets_update(c);
	/* Iterators made from now on get a new session; running ones keep theirs. */
	c->settings_generation++;
	c->session_stale = 1;
	return 0;
}

static int session_make(bt_session **out, billtap_iter *it)
{
	billtap_client *c = it->client;
	/* The session callback reads the iterator's settings; it serves no one resource. */
	billtap_ctx ctx = bt_iter_ctx(it, NULL);
	ctx.resource = (billtap_resource)0;
	bt_session *s = calloc(1, sizeof *s);
	if (!s)
		return billtap_ctx_error(&ctx, BILLTAP_ENOMEM, NULL);
	if (c->provider->session_new) {
		uint64_t serial = c->err_serial;
		ctx.rate = &s->rate;
		int rc = c->provider->session_new(&s->data, &ctx);
		if (rc < 0) {
			free(s);
			return bt_provider_status(&ctx, "session_new", serial, rc);
		}
	}
	*out = s;
	return 0;
}

int bt_client_session_acquire(bt_session **out, billtap_iter *it)
{
	/* A session caches things derived from settings (tokens). Iterators made under the
	 * client's current settings share the client's session; after a change, or in a
	 * forked child, the next such iterator gets a new one, and running ones keep the old
	 * until they are freed. An iterator renewed in a child after the settings changed
	 * (fork.c) gets one of its own, made from its settings. */
	billtap_client *c = it->client;
	int current = it->settings_generation == c->settings_generation;
	if (current && c->session && !c->session_stale) {
		c->session->refs++;
		*out = c->session;
		return 0;
	}
	bt_session *s = NULL;
	int rc = session_make(&s, it);
	if (rc < 0)
		return rc;
	s->refs = 1; /* the iterator's */
	if (current) {
		bt_client_session_release(c, c->session);
		s->refs++; /* and the client's own, for the iterators to come */
		c->session = s;
		c->session_stale = 0;
	}
	*out = s;
	return 0;
}

/* ---- the provider's view of settings and time ---- */

BILLTAP_EXTERN(const char *) billtap_ctx_setting(billtap_ctx *ctx, const char *key)
{
	if (!ctx || !key || !ctx->settings)
		return NULL;
	return bt_settings_get(ctx->settings, ctx->client, key);
}

BILLTAP_EXTERN(int) billtap_ctx_setting_int(int64_t *out, billtap_ctx *ctx, const char *key)
{
	if (!ctx)
		return BILLTAP_EINVAL;
	if (!out || !key)
		return billtap_ctx_error(ctx, BILLTAP_EINVAL, "billtap_ctx_setting_int: out or key is NULL");
	const billtap_setting_def *d = bt_client_find_setting(ctx->client, key);
	char msg[160];
	if (!d) {
		snprintf(msg, sizeof msg, "billtap_ctx_setting_int: no setting named '%.64s'", key);
		return billtap_ctx_error(ctx, BILLTAP_EUNKNOWN_SETTING, msg);
	}
	int rc = ctx->settings ? bt_settings_get_int(out, ctx->settings, ctx->client, key)
	                       : BILLTAP_ENOTFOUND;
	if (rc == BILLTAP_ESETTING) {
		/* Never echo a secret's value. */
		const char *v = bt_settings_get(ctx->settings, ctx->client, key);
		if (d->flags & BILLTAP_SETTING_SECRET)
			snprintf(msg, sizeof msg, "setting %s: its value is not an integer", d->name);
		else
			snprintf(msg, sizeof msg, "setting %s: '%.64s' is not an integer", d->name, v);
		return billtap_ctx_error(ctx, rc, msg);
	}
	return rc; /* 0, or BILLTAP_ENOTFOUND: unset is an answer, not a failure */
}

BILLTAP_EXTERN(billtap_resource) billtap_ctx_resource(billtap_ctx *ctx)
{
	return ctx ? ctx->resource : (billtap_resource)0;
}

int64_t bt_client_now(const billtap_client *c)
{
	return c->clock ? c->clock(c->clock_payload) : (int64_t)time(NULL);
}

BILLTAP_EXTERN(int64_t) billtap_ctx_now(billtap_ctx *ctx)
{
	return ctx ? bt_client_now(ctx->client) : (int64_t)time(NULL);
}

BILLTAP_EXTERN(void *) billtap_ctx_payload(billtap_ctx *ctx)
{
	return ctx ? ctx->client->entry->payload : NULL;
}
