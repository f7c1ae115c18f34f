/*
 * The provider registry: the library's only global mutable state. Filled once with the
 * built-in providers under pthread_once, changed by billtap_provider_register(),
 * billtap_provider_load() and billtap_provider_unregister() under a mutex. Entries are
 * reference-counted: unregistering removes the name, and the entry (payload, plugin) goes
 * when the last client using it is freed.
 */
#include "registry.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin_providers.h"
#include "core.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static bt_provider_entry **registry;
static size_t registry_count, registry_cap;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;

/* The size of a vtable of each known version (index = version). */
static const size_t provider_sizes[] = { 0, offsetof(billtap_provider, sync_feed),
	                                  sizeof(billtap_provider) };
#define KNOWN_PROVIDER_VERSION (sizeof provider_sizes / sizeof provider_sizes[0] - 1)

static int valid_name(const char *name)
{
	if (!name || !*name || strlen(name) > 32)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static int valid_setting_name(const char *name)
{
	if (!*name || strlen(name) > 64)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return 0;
	return 1;
}

static const billtap_setting_def *find_def(const billtap_setting_def *defs, const char *name,
                                           const billtap_setting_def *stop)
{
	for (; defs && defs->name && defs != stop; defs++)
		if (strcmp(defs->name, name) == 0)
			return defs;
	return NULL;
}

/* A flag or resource this library does not know would be ignored, so the provider would
 * not get what it asked for: refuse it at registration. */
#define KNOWN_PROVIDER_FLAGS BILLTAP_PROVIDER_CONCURRENT

#define KNOWN_SETTING_FLAGS                                                            \
	(BILLTAP_SETTING_SECRET | BILLTAP_SETTING_INT | BILLTAP_SETTING_URL |           \
	 BILLTAP_SETTING_REQUIRED | BILLTAP_SETTING_BOOL | BILLTAP_SETTING_ACCOUNT)

/* A default a host could not set itself would make describe() lie and every client fail
 * later, far from the cause: refuse it at registration. */
static int default_fits(const billtap_setting_def *d)
{
	const char *v = d->default_value;
	if (!v)
		return 1;
	if (d->flags & BILLTAP_SETTING_INT) {
		int64_t n;
		/* As strict as the client's check. */
		return bt_setting_parse_int(&n, v) == 0 && n >= d->min && n <= d->max;
	}
	if (d->flags & BILLTAP_SETTING_BOOL)
		return !strcmp(v, "true") || !strcmp(v, "false") || !strcmp(v, "1") || !strcmp(v, "0");
	return 1;
}

/* Every entry of a settings array must be of a layout this library knows, and say
 * something a host can use: a valid, unique name the engine does not own, known flags,
 * one value type, bounds in order and a default that passes them. */
static int check_settings(const billtap_setting_def *defs, const char *provider, char *why,
                          size_t cap)
{
	/* The first entry's version gives the array's layout; version 1 is the only one so
	 * far, so entries are sizeof(billtap_setting_def) apart. A later library strides by
	 * the layout of the version it finds here. */
	unsigned int version = defs ? defs->version : BILLTAP_SETTING_DEF_VERSION;
	if (version == 0 || version > BILLTAP_SETTING_DEF_VERSION) {
		snprintf(why, cap,
		         "provider %s: setting definitions of version %u (this library knows 1..%u)%s",
		         provider, version, BILLTAP_SETTING_DEF_VERSION,
		         version ? ": it needs a newer billtap" : "");
		return BILLTAP_EVERSION;
	}
	for (const billtap_setting_def *d = defs; d; d++) {
		if (d->version != version) {
			snprintf(why, cap, "provider %s: setting definitions of versions %u and %u mixed",
			         provider, version, d->version);
			return BILLTAP_EVERSION;
		}
		if (!d->name)
			break;
		const char *problem = NULL;
		unsigned int types = d->flags & (BILLTAP_SETTING_INT | BILLTAP_SETTING_URL |
		                                 BILLTAP_SETTING_BOOL);
		if (!valid_setting_name(d->name))
			problem = "is not 1-64 of [a-z0-9_]";
		else if (find_def(defs, d->name, d))
			problem = "is defined twice";
		else if (find_def(bt_engine_settings, d->name, NULL))
			problem = "is the engine's (every provider has it)";
		else if (d->flags & ~KNOWN_SETTING_FLAGS)
			problem = "has unknown flags (BILLTAP_SETTING_ENGINE is the engine's own)";
		else if (types & (types - 1))
			problem = "has more than one of INT, URL and BOOL";
		else if ((d->flags & BILLTAP_SETTING_INT) && d->min > d->max)
			problem = "has min above max";
		else if (!default_fits(d))
			problem = "has a default outside its type or bounds";
		if (problem) {
			snprintf(why, cap, "provider %s: setting %.64s %s", provider, d->name, problem);
			return BILLTAP_EINVAL;
		}
	}
	return 0;
}

static int check_vtable(const billtap_provider *p, char *why, size_t cap)
{
	if (!p) {
		snprintf(why, cap, "no provider (NULL vtable)");
		return BILLTAP_EINVAL;
	}
	if (p->version == 0 || p->version > KNOWN_PROVIDER_VERSION) {
		snprintf(why, cap, "provider vtable version %u (this library knows 1..%u)%s",
		         p->version, (unsigned)KNOWN_PROVIDER_VERSION,
		         p->version ? ": it needs a newer billtap" : "");
		return BILLTAP_EVERSION;
	}
	if (!valid_name(p->name)) {
		snprintf(why, cap, "provider name is not 1-32 of [a-z0-9_-]");
		return BILLTAP_EINVAL;
	}
	if (!p->stream_new || !p->stream_request || !p->stream_response || !p->stream_free) {
		snprintf(why, cap, "provider %s lacks a required slot (stream_new, stream_request, "
		                   "stream_response or stream_free)", p->name);
		return BILLTAP_EINVAL;
	}
	if (p->flags & ~KNOWN_PROVIDER_FLAGS) {
		snprintf(why, cap, "provider %s: flags 0x%x are not BILLTAP_PROVIDER_* flags this "
		         "library knows", p->name, p->flags & ~KNOWN_PROVIDER_FLAGS);
		return BILLTAP_EINVAL;
	}
	if (!p->resources) {
		snprintf(why, cap, "provider %s serves no resource", p->name);
		return BILLTAP_EINVAL;
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!((p->resources | p->since_resources) & (UINT64_C(1) << bit)) ||
		    billtap_resource_name((billtap_resource)bit))
			continue;
		snprintf(why, cap, "provider %s: resource bit %u names no resource this library "
		         "knows (BILLTAP_RESOURCE_BIT of a billtap_resource)", p->name, bit);
		return BILLTAP_EINVAL;
	}
	if (p->since_resources & ~p->resources) {
		snprintf(why, cap, "provider %s: since_resources names a resource it does not serve",
		         p->name);
		return BILLTAP_EINVAL;
	}
	if (p->version >= 2) {
		uint64_t f = p->sync_feed, u = p->sync_updated, r = p->sync_reread;
		if ((f | u | r) & ~p->resources) {
			snprintf(why, cap, "provider %s: a sync mask names a resource it does not serve",
			         p->name);
			return BILLTAP_EINVAL;
		}
		if ((f & u) | (f & r) | (u & r)) {
			snprintf(why, cap, "provider %s: sync_feed, sync_updated and sync_reread overlap "
			         "(one method per resource)", p->name);
			return BILLTAP_EINVAL;
		}
	}
	return check_settings(p->settings, p->name, why, cap);
}

static bt_provider_entry *find_locked(const char *name, size_t *at)
{
	for (size_t i = 0; i < registry_count; i++) {
		if (strcmp(registry[i]->vt.name, name) == 0) {
			if (at)
				*at = i;
			return registry[i];
		}
	}
	return NULL;
}

static int add_locked(const billtap_provider *p, void *payload, void (*destroy)(void *),
                      void *plugin, char *why, size_t cap)
{
	int rc = check_vtable(p, why, cap);
	if (rc < 0)
		return rc;
	if (find_locked(p->name, NULL)) {
		snprintf(why, cap, "a provider named %s is already registered", p->name);
		return BILLTAP_EINVAL;
	}
	if (registry_count == registry_cap) {
		size_t n = registry_cap ? registry_cap * 2 : 8;
		bt_provider_entry **grown = realloc(registry, n * sizeof *grown);
		if (!grown) {
			snprintf(why, cap, "out of memory");
			return BILLTAP_ENOMEM;
		}
		registry = grown;
		registry_cap = n;
	}
	bt_provider_entry *e = calloc(1, sizeof *e);
	if (!e) {
		snprintf(why, cap, "out of memory");
		return BILLTAP_ENOMEM;
	}
	/* Copy what the provider's version has; newer slots stay NULL. */
	memcpy(&e->vt, p, provider_sizes[p->version]);
	e->payload = payload;
	e->destroy = destroy;
	e->plugin = plugin;
	e->refs = 1;
	registry[registry_count++] = e;
	return 0;
}

static void global_init_once(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		init_status = BILLTAP_ENETWORK;
		return;
	}
	char why[256];
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; bt_builtin_providers[i] && init_status == 0; i++)
		init_status = add_locked(bt_builtin_providers[i], NULL, NULL, NULL, why, sizeof why);
	pthread_mutex_unlock(&registry_lock);
}

BILLTAP_EXTERN(int) billtap_global_init(void)
{
	pthread_once(&init_once, global_init_once);
	return init_status;
}

BILLTAP_EXTERN(int) billtap_provider_init(billtap_provider *provider, unsigned int version)
{
	if (!provider)
		return BILLTAP_EINVAL;
	if (version == 0 || version > KNOWN_PROVIDER_VERSION)
		return BILLTAP_EVERSION;
	billtap_provider init = BILLTAP_PROVIDER_INIT;
	*provider = init;
	provider->version = version;
	return 0;
}

BILLTAP_EXTERN(int) billtap_provider_register(const billtap_provider *provider, void *payload,
                                              void (*destroy)(void *payload), char *error,
                                              size_t error_size)
{
	if (error && error_size)
		error[0] = '\0';
	char why[256] = "the library could not initialise";
	int rc = billtap_global_init();
	if (rc == 0) {
		pthread_mutex_lock(&registry_lock);
		rc = add_locked(provider, payload, destroy, NULL, why, sizeof why);
		pthread_mutex_unlock(&registry_lock);
	}
	if (rc < 0 && error && error_size)
		snprintf(error, error_size, "%s", why);
	return rc;
}

static void entry_destroy(bt_provider_entry *e)
{
	if (e->destroy)
		e->destroy(e->payload);
	void *plugin = e->plugin;
	free(e);
	if (plugin)
		dlclose(plugin); /* last: the vtable and strings lived in it */
}

bt_provider_entry *bt_registry_acquire(const char *name)
{
	pthread_mutex_lock(&registry_lock);
	bt_provider_entry *e = find_locked(name, NULL);
	if (e)
		e->refs++;
	pthread_mutex_unlock(&registry_lock);
	return e;
}

void bt_registry_release(bt_provider_entry *e)
{
	if (!e)
		return;
	pthread_mutex_lock(&registry_lock);
	int last = --e->refs == 0;
	pthread_mutex_unlock(&registry_lock);
	if (last)
		entry_destroy(e);
}

BILLTAP_EXTERN(int) billtap_provider_unregister(const char *name)
{
	if (!name)
		return BILLTAP_EINVAL;
	int rc = billtap_global_init();
	if (rc < 0)
		return rc;
	size_t at;
	pthread_mutex_lock(&registry_lock);
	bt_provider_entry *e = find_locked(name, &at);
	if (e) {
		memmove(registry + at, registry + at + 1, (registry_count - at - 1) * sizeof *registry);
		registry_count--;
	}
	pthread_mutex_unlock(&registry_lock);
	if (!e)
		return BILLTAP_EUNKNOWN_PROVIDER;
	bt_registry_release(e); /* the registry's own reference */
	return 0;
}

static void say(char *error, size_t cap, const char *path, const char *what)
{
	if (error && cap)
		snprintf(error, cap, "plugin %s: %s", path, what);
}

/* dlopen() searches the library path for a name without a slash; a plugin path is a file,
 * so "plugin.so" means the one in the current directory, never one found elsewhere. */
static void *open_plugin(const char *path)
{
	if (strchr(path, '/'))
		return dlopen(path, RTLD_NOW | RTLD_LOCAL);
	size_t n = strlen(path) + 3;
	char *local = malloc(n);
	if (!local)
		return NULL;
	snprintf(local, n, "./%s", path);
	void *handle = dlopen(local, RTLD_NOW | RTLD_LOCAL);
	free(local);
	return handle;
}

/* dlerror() often starts with the file name, which our message already gives. */
static const char *open_failure(const char *path)
{
	const char *why = dlerror();
	if (!why)
		return "cannot be opened (out of memory?)";
	const char *at = strstr(why, path);
	if (at && at[strlen(path)] == ':' && at[strlen(path) + 1] == ' ')
		return at + strlen(path) + 2;
	return why;
}

static int entry_failed(char *error, size_t cap, const char *path, int rc)
{
	char msg[160];
	if (rc == BILLTAP_EVERSION)
		snprintf(msg, sizeof msg,
		         "%s returned BILLTAP_EVERSION: the plugin needs a newer billtap (this one "
		         "speaks plugin interface %d, library %s)",
		         BILLTAP_PLUGIN_ENTRY, BILLTAP_PLUGIN_VERSION, BILLTAP_VERSION_STRING);
	else if (rc < 0)
		snprintf(msg, sizeof msg, "%s failed: %s (%d)", BILLTAP_PLUGIN_ENTRY,
		         billtap_strerror(rc), rc);
	else if (rc > 0)
		snprintf(msg, sizeof msg, "%s returned %d, which is neither 0 nor a BILLTAP_E* code",
		         BILLTAP_PLUGIN_ENTRY, rc);
	else
		snprintf(msg, sizeof msg, "%s returned 0 but no provider", BILLTAP_PLUGIN_ENTRY);
	say(error, cap, path, msg);
	return rc == BILLTAP_EVERSION ? BILLTAP_EVERSION : BILLTAP_EPLUGIN;
}

BILLTAP_EXTERN(int) billtap_provider_load(const char **name, const char *path, char *error,
                                          size_t error_size)
{
	if (name)
		*name = NULL;
	if (error && error_size)
		error[0] = '\0';
	if (!path || !*path) {
		say(error, error_size, "(none)", "no path given");
		return BILLTAP_EINVAL;
	}
	int rc = billtap_global_init();
	if (rc < 0) {
		say(error, error_size, path, "the library could not initialise");
		return rc;
	}
	void *handle = open_plugin(path);
	if (!handle) {
		say(error, error_size, path, open_failure(path));
		return BILLTAP_EPLUGIN;
	}
	/* dlsym returns an object pointer; POSIX guarantees it converts to a function one. */
	billtap_plugin_init_fn entry;
	*(void **)&entry = dlsym(handle, BILLTAP_PLUGIN_ENTRY);
	if (!entry) {
		say(error, error_size, path,
		    "exports no " BILLTAP_PLUGIN_ENTRY " function (is it a billtap plugin, built "
		    "with BILLTAP_PLUGIN_EXPORT?)");
		dlclose(handle);
		return BILLTAP_EPLUGIN;
	}
	billtap_plugin plugin = { BILLTAP_PLUGIN_VERSION, NULL, NULL, NULL };
	rc = entry(&plugin);
	if (rc != 0 || !plugin.provider) {
		/* A failed entry point keeps nothing: it cleans up after itself. */
		rc = entry_failed(error, error_size, path, rc);
		dlclose(handle);
		return rc;
	}
	char why[256];
	pthread_mutex_lock(&registry_lock);
	rc = add_locked(plugin.provider, plugin.payload, plugin.destroy, handle, why, sizeof why);
	const char *registered = rc == 0 ? registry[registry_count - 1]->vt.name : NULL;
	pthread_mutex_unlock(&registry_lock);
	if (rc < 0) {
		say(error, error_size, path, why);
		/* The entry point handed its payload over: it is ours to release. */
		if (plugin.destroy)
			plugin.destroy(plugin.payload);
		dlclose(handle);
		return rc == BILLTAP_EINVAL ? BILLTAP_EPLUGIN : rc;
	}
	if (name)
		*name = registered;
	return 0;
}

BILLTAP_EXTERN(size_t) billtap_provider_names(const char **out, size_t cap)
{
	if (billtap_global_init() < 0)
		return 0;
	pthread_mutex_lock(&registry_lock);
	size_t n = registry_count;
	for (size_t i = 0; i < n && i < cap && out; i++)
		out[i] = registry[i]->vt.name;
	pthread_mutex_unlock(&registry_lock);
	return n;
}

BILLTAP_EXTERN(int) billtap_provider_describe(const char **display_name, uint64_t *resources,
                                              uint64_t *since_resources, const char *provider)
{
	if (!provider)
		return BILLTAP_EINVAL;
	int rc = billtap_global_init();
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	bt_provider_entry *e = find_locked(provider, NULL);
	if (e) {
		if (display_name)
			*display_name = e->vt.display_name ? e->vt.display_name : e->vt.name;
		if (resources)
			*resources = e->vt.resources;
		if (since_resources)
			*since_resources = e->vt.since_resources;
	}
	pthread_mutex_unlock(&registry_lock);
	return e ? 0 : BILLTAP_EUNKNOWN_PROVIDER;
}

billtap_sync_method bt_provider_sync_method(const billtap_provider *p, billtap_resource resource)
{
	uint64_t bit = BILLTAP_RESOURCE_BIT(resource);
	if (p->version < 2 || !billtap_resource_name(resource))
		return BILLTAP_SYNC_NONE;
	return p->sync_feed & bit      ? BILLTAP_SYNC_FEED
	       : p->sync_updated & bit ? BILLTAP_SYNC_UPDATED
	       : p->sync_reread & bit  ? BILLTAP_SYNC_REREAD
	                               : BILLTAP_SYNC_NONE;
}

BILLTAP_EXTERN(int) billtap_provider_sync_method(billtap_sync_method *out, const char *provider,
                                                 billtap_resource resource)
{
	if (!out || !provider)
		return BILLTAP_EINVAL;
	*out = BILLTAP_SYNC_NONE;
	int rc = billtap_global_init();
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	bt_provider_entry *e = find_locked(provider, NULL);
	rc = !e ? BILLTAP_EUNKNOWN_PROVIDER
	     : !billtap_resource_name(resource) || !(e->vt.resources & BILLTAP_RESOURCE_BIT(resource))
	             ? BILLTAP_EINVAL
	             : 0;
	if (rc == 0)
		*out = bt_provider_sync_method(&e->vt, resource);
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

BILLTAP_EXTERN(int) billtap_provider_setting(const char **name, unsigned int *flags,
                                             const char **default_value, int64_t *min,
                                             int64_t *max, const char **description,
                                             const char *provider, size_t index)
{
	if (!provider)
		return BILLTAP_EINVAL;
	int rc = billtap_global_init();
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	bt_provider_entry *e = find_locked(provider, NULL);
	const billtap_setting_def *d = NULL;
	unsigned int extra = 0;
	if (e) {
		size_t own = 0;
		while (e->vt.settings && e->vt.settings[own].name)
			own++;
		if (index < own) {
			d = &e->vt.settings[index];
		} else {
			size_t i = index - own, n = 0;
			while (bt_engine_settings[n].name && n < i)
				n++;
			if (bt_engine_settings[n].name) {
				d = &bt_engine_settings[n];
				extra = BILLTAP_SETTING_ENGINE;
			}
		}
	}
	if (d) {
		if (name)
			*name = d->name;
		if (flags)
			*flags = d->flags | extra;
		if (default_value)
			*default_value = d->default_value;
		if (min)
			*min = d->min;
		if (max)
			*max = d->max;
		if (description)
			*description = d->description;
	}
	pthread_mutex_unlock(&registry_lock);
	return !e ? BILLTAP_EUNKNOWN_PROVIDER : d ? 0 : BILLTAP_ITEROVER;
}

BILLTAP_EXTERN(const char *) billtap_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = BILLTAP_VERSION_MAJOR;
	if (minor)
		*minor = BILLTAP_VERSION_MINOR;
	if (patch)
		*patch = BILLTAP_VERSION_PATCH;
	return BILLTAP_VERSION_STRING;
}
