#include "sandbox_query.h"

#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void sb_percent_decode(char *s, int plus_is_space)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%' && hexval(r[1]) >= 0 && hexval(r[2]) >= 0) {
            *w++ = (char)(hexval(r[1]) * 16 + hexval(r[2]));
            r += 2;
        } else if (*r == '+' && plus_is_space) {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

void sb_params_parse(sb_params *p, const char *query)
{
    p->items = NULL;
    p->n = 0;
    if (!query)
        return;
    size_t cap = 0;
    const char *s = query;
    while (*s) {
        const char *end = strchr(s, '&');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len > 0) {
            char *seg = sb_xmalloc(len + 1);
            memcpy(seg, s, len);
            seg[len] = '\0';
            char *eq = strchr(seg, '=');
            char *value;
            if (eq) {
                *eq = '\0';
                value = sb_xstrdup(eq + 1);
            } else {
                value = sb_xstrdup("");
            }
            sb_percent_decode(seg, 1);
            sb_percent_decode(value, 1);
            if (p->n == cap) {
                cap = cap ? cap * 2 : 8;
                p->items = sb_xrealloc(p->items, cap * sizeof *p->items);
            }
            p->items[p->n].key = seg;
            p->items[p->n].value = value;
            p->n++;
        }
        if (!end)
            break;
        s = end + 1;
    }
}

void sb_params_free(sb_params *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].key);
        free(p->items[i].value);
    }
    free(p->items);
    p->items = NULL;
    p->n = 0;
}

const char *sb_param_get(const sb_params *p, const char *name)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->items[i].key, name) == 0)
            return p->items[i].value;
    return NULL;
}

int sb_parse_range(const char *s, long long lo, long long hi, long long *out)
{
    if (!s || !*s || strlen(s) > 12 || strspn(s, "0123456789") != strlen(s))
        return -1;
    long long v = strtoll(s, NULL, 10);
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}
