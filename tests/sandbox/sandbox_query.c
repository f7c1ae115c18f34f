#include "sandbox_query.h"

#include <errno.h>
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

int sb_parse_int64(const char *s, int64_t *out)
{
    const char *digits = s + (*s == '-' || *s == '+');
    if (!*digits || strspn(digits, "0123456789") != strlen(digits))
        return -1;
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno)
        return -1;
    *out = v;
    return 0;
}

int sb_parse_bool(const char *s, int *out)
{
    if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
        return -1;
    *out = s[0] == 't';
    return 0;
}

int sb_array_item(const char *key, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0 || key[n] != '[')
        return 0;
    const char *p = key + n + 1;
    p += strspn(p, "0123456789");
    return p[0] == ']' && p[1] == '\0';
}

int sb_hash_member(const char *key, const char *name, char *sub, size_t sublen)
{
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0 || key[n] != '[')
        return 0;
    const char *start = key + n + 1, *close = strchr(start, ']');
    if (!close || close[1] != '\0' || (size_t)(close - start) >= sublen)
        return 0;
    memcpy(sub, start, (size_t)(close - start));
    sub[close - start] = '\0';
    return 1;
}

void sb_query_escape(sb_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
            sb_buf_addc(b, (char)*p);
        } else if (*p == ' ') {
            sb_buf_addc(b, '+');
        } else {
            sb_buf_addc(b, '%');
            sb_buf_addc(b, hex[*p >> 4]);
            sb_buf_addc(b, hex[*p & 15]);
        }
    }
}

int sb_list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        for (; len && *p == ' '; len--)
            p++;
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && strncmp(p, item, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}
