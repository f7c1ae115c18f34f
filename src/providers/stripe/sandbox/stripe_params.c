#include "stripe_params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int st_parse_int(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

int st_parse_bool(const char *s, int *out)
{
    if (strcmp(s, "true") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

int st_is_expand_key(const char *key)
{
    if (strncmp(key, "expand[", 7) != 0)
        return 0;
    const char *p = key + 7;
    while (*p >= '0' && *p <= '9')
        p++;
    return p[0] == ']' && p[1] == '\0';
}

int st_split_hash_key(const char *key, const char *name, char *sub, unsigned sublen)
{
    size_t n = strlen(name);
    if (strncmp(key, name, n) != 0 || key[n] != '[')
        return 0;
    const char *start = key + n + 1;
    const char *close = strchr(start, ']');
    if (!close || close[1] != '\0' || (unsigned)(close - start) >= sublen)
        return 0;
    memcpy(sub, start, (size_t)(close - start));
    sub[close - start] = '\0';
    return 1;
}
