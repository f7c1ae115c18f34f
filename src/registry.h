/* The provider registry: registered vtables (copied), their payloads, and plugin handles. */
#ifndef BILLTAP_REGISTRY_H
#define BILLTAP_REGISTRY_H

#include "billtap/provider.h"

/* One registered provider. It lives while it is registered or any client uses it, so a
 * client made before billtap_provider_unregister() keeps working. */
typedef struct bt_provider_entry {
	billtap_provider vt; /* the registered vtable; slots above its version are NULL */
	void *payload;
	void (*destroy)(void *payload);
	void *plugin;        /* dlopen handle of a loaded plugin, else NULL */
	int refs;            /* one while registered, plus one per client */
} bt_provider_entry;

/* The entry registered as `name` with a reference taken for the caller, or NULL. */
bt_provider_entry *bt_registry_acquire(const char *name);
/* Drops a reference; the last one destroys the payload and unloads the plugin. */
void bt_registry_release(bt_provider_entry *entry);

/* How the provider syncs `resource` incrementally (BILLTAP_SYNC_NONE below version 2). */
billtap_sync_method bt_provider_sync_method(const billtap_provider *p, billtap_resource resource);

/* The engine's own settings (client.c), listed after every provider's. */
extern const billtap_setting_def bt_engine_settings[];

#endif
