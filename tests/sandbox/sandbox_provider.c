/* Provider registry, module options and response helpers. The modules come from the
 * build's provider list (meson option `providers`): each provider folder defines `const
 * sb_provider sb_module_NAME` and the build generates the list below from the option. */
#include "sandbox_provider.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox_base64.h"
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

void sb_provider_usage(sb_buf *out)
{
    for (size_t i = 0; sb_modules[i]; i++) {
        sb_buf_printf(out, "\n  --provider %s, module options:\n", sb_modules[i]->name);
        for (const sb_opt_def *d = sb_modules[i]->options; d && d->name; d++)
            sb_buf_printf(out, "    --opt %s=%s\n        %s\n", d->name,
                          d->fallback ? d->fallback : (d->lo <= d->hi ? "N" : "VALUE"), d->help);
    }
}

static const sb_opt_def *find_def(const sb_opt_def *defs, const char *kv)
{
    size_t n = strcspn(kv, "=");
    for (const sb_opt_def *d = defs; d && d->name; d++)
        if (strlen(d->name) == n && strncmp(d->name, kv, n) == 0)
            return d;
    return NULL;
}

static int parse_int(const char *s, long long *out)
{
    char *end;
    if (!*s || strlen(s) > 18 || strspn(s, "0123456789-") != strlen(s))
        return -1;
    *out = strtoll(s, &end, 10);
    return *end ? -1 : 0;
}

int sb_opts_check(const sb_options *o, const char *provider, const sb_opt_def *defs, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->n_opts; i++) {
        const char *kv = o->opts[i], *eq = strchr(kv, '=');
        const sb_opt_def *d = find_def(defs, kv);
        if (!eq || !d) {
            int n = snprintf(err, errlen, "--opt %.*s: %s for --provider %s (known:", (int)strcspn(kv, "="), kv,
                             eq ? "unknown option" : "expected NAME=VALUE", provider);
            for (const sb_opt_def *k = defs; k && k->name && n > 0 && (size_t)n < errlen; k++)
                n += snprintf(err + n, errlen - (size_t)n, " %s", k->name);
            if (n > 0 && (size_t)n < errlen)
                snprintf(err + n, errlen - (size_t)n, ")");
            return -1;
        }
        const char *v = eq + 1;
        long long x;
        if (d->lo <= d->hi) {
            if (parse_int(v, &x) != 0 || x < d->lo || x > d->hi) {
                snprintf(err, errlen, "--opt %s: '%s' is not an integer in %lld..%lld", d->name, v, d->lo, d->hi);
                return -1;
            }
            continue;
        }
        int bad = !*v;
        for (const char *p = v; *p; p++)
            bad |= isspace((unsigned char)*p) || iscntrl((unsigned char)*p) || (d->forbid && strchr(d->forbid, *p));
        if (bad) {
            snprintf(err, errlen, "--opt %s: the value must be non-empty, without spaces%s%s", d->name,
                     d->forbid ? " or " : "", d->forbid ? d->forbid : "");
            return -1;
        }
    }
    return 0;
}

const char *sb_opt(const sb_options *o, const sb_opt_def *defs, const char *name)
{
    for (size_t i = o->n_opts; i-- > 0;) {
        size_t n = strcspn(o->opts[i], "=");
        if (strlen(name) == n && strncmp(o->opts[i], name, n) == 0 && o->opts[i][n] == '=')
            return o->opts[i] + n + 1;
    }
    for (const sb_opt_def *d = defs; d && d->name; d++)
        if (strcmp(d->name, name) == 0)
            return d->fallback;
    return NULL;
}

long long sb_opt_int(const sb_options *o, const sb_opt_def *defs, const char *name)
{
    const char *v = sb_opt(o, defs, name);
    return v ? strtoll(v, NULL, 10) : 0;
}

int sb_authorization(const sb_request *req, char **user, char **password, int *bearer)
{
    *user = *password = NULL;
    *bearer = 0;
    const char *h = req->header(req, "Authorization");
    if (!h)
        return 0;
    h += strspn(h, " ");
    if (strncasecmp(h, "Bearer ", 7) == 0) {
        *bearer = 1;
        *user = sb_xstrdup(h + 7 + strspn(h + 7, " "));
    } else if (strncasecmp(h, "Basic ", 6) == 0) {
        *user = sb_base64_decode(h + 6 + strspn(h + 6, " "));
        char *colon = *user ? strchr(*user, ':') : NULL;
        if (colon) {
            *colon = '\0';
            *password = sb_xstrdup(colon + 1);
        }
    }
    if (*user) {
        size_t n = strlen(*user);
        while (n > 0 && ((*user)[n - 1] == ' ' || (*user)[n - 1] == '\t'))
            (*user)[--n] = '\0';
        if (n == 0) {
            free(*user);
            free(*password);
            *user = *password = NULL;
        }
    }
    return *user != NULL;
}

void sb_credentials_echo(const sb_request *req, sb_buf *out)
{
    const char *h = req->header(req, "Authorization");
    if (!h)
        return;
    h += strspn(h, " ");
    sb_buf_adds(out, h);
    if (strncasecmp(h, "Basic ", 6) == 0) {
        char *plain = sb_base64_decode(h + 6 + strspn(h + 6, " "));
        if (plain)
            sb_buf_printf(out, "; decoded: %s", plain);
        free(plain);
    }
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
