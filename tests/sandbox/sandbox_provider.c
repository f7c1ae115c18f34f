/* Provider registry and response helpers. Add a module: declare its sb_provider in its
 * own header and list it in `providers` below. */
#include "sandbox_provider.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "paypal_module.h"
#include "stripe_module.h"

static const sb_provider *const providers[] = {
    &stripe_provider,
    &paypal_provider,
};

const sb_provider *sb_provider_find(const char *name)
{
    for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
        if (strcmp(providers[i]->name, name) == 0)
            return providers[i];
    return NULL;
}

const char *sb_provider_names(void)
{
    static char names[256];
    if (!names[0]) {
        size_t off = 0;
        for (size_t i = 0; i < sizeof providers / sizeof providers[0] && off < sizeof names; i++)
            off += (size_t)snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "",
                                    providers[i]->name);
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
