/* Provider registry and response helpers. The modules come from the build's provider list
 * (meson option `providers`): each provider folder defines `const sb_provider
 * sb_module_NAME` and the build generates the list below from the option. */
#include "sandbox_provider.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sandbox_modules.h"

const sb_provider *sb_provider_find(const char *name)
{
    for (size_t i = 0; sb_modules[i]; i++)
        if (strcmp(sb_modules[i]->name, name) == 0)
            return sb_modules[i];
    return NULL;
}

const char *sb_provider_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t off = 0;
        for (size_t i = 0; sb_modules[i] && off < sizeof names; i++)
            off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "",
                                    sb_modules[i]->name);
    }
    return names;
}

void sb_response_init(sb_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    sb_buf_init(&r->body);
}

void sb_response_free(sb_response *r)
{
    sb_buf_free(&r->body);
}

void sb_response_header(sb_response *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        if (strcasecmp(r->names[i], name) == 0) {
            snprintf(r->values[i], sizeof r->values[i], "%s", value);
            return;
        }
    }
    if (r->n_headers == SB_MAX_HEADERS)
        return;
    snprintf(r->names[r->n_headers], sizeof r->names[0], "%s", name);
    snprintf(r->values[r->n_headers], sizeof r->values[0], "%s", value);
    r->n_headers++;
}
