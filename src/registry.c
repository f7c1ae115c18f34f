/*
 * The provider registry: the library's only global mutable state. Filled once with the
 * built-in providers under pthread_once, extended by billtap_provider_register() under a
 * mutex. Entries are never removed, so a pointer found once stays valid.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

#include "core.h"
#include "providers/builtin.h"

#define MAX_PROVIDERS 64

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static const billtap_provider *registry[MAX_PROVIDERS];
static size_t registry_count;

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_status;

static int valid_name(const char *name)
{
	if (!name || !*name || strlen(name) > 32)
		return 0;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

static int add_locked(const billtap_provider *p)
{
	if (!p)
		return BILLTAP_EINVAL;
	if (p->version == 0 || p->version > BILLTAP_PROVIDER_VERSION)
		return BILLTAP_EVERSION;
	if (!valid_name(p->name) || !p->stream_new || !p->stream_request || !p->stream_response ||
	    !p->stream_free || !p->resources)
		return BILLTAP_EINVAL;
	for (size_t i = 0; i < registry_count; i++)
		if (strcmp(registry[i]->name, p->name) == 0)
			return BILLTAP_EINVAL;
	if (registry_count == MAX_PROVIDERS)
		return BILLTAP_ENOMEM;
	registry[registry_count++] = p;
	return 0;
}

static void global_init_once(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		init_status = BILLTAP_ENETWORK;
		return;
	}
	pthread_mutex_lock(&registry_lock);
	init_status = add_locked(&bt_provider_stripe);
	if (init_status == 0)
		init_status = add_locked(&bt_provider_paypal);
	pthread_mutex_unlock(&registry_lock);
}

BILLTAP_EXTERN(int) billtap_global_init(void)
{
	pthread_once(&init_once, global_init_once);
	return init_status;
}

BILLTAP_EXTERN(int) billtap_provider_register(const billtap_provider *provider)
{
	int rc = billtap_global_init();
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&registry_lock);
	rc = add_locked(provider);
	pthread_mutex_unlock(&registry_lock);
	return rc;
}

const billtap_provider *bt_registry_find(const char *name)
{
	const billtap_provider *found = NULL;
	pthread_mutex_lock(&registry_lock);
	for (size_t i = 0; i < registry_count && !found; i++)
		if (strcmp(registry[i]->name, name) == 0)
			found = registry[i];
	pthread_mutex_unlock(&registry_lock);
	return found;
}

BILLTAP_EXTERN(size_t) billtap_provider_names(const char **out, size_t cap)
{
	if (billtap_global_init() < 0)
		return 0;
	pthread_mutex_lock(&registry_lock);
	size_t n = registry_count;
	for (size_t i = 0; i < n && i < cap && out; i++)
		out[i] = registry[i]->name;
	pthread_mutex_unlock(&registry_lock);
	return n;
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
