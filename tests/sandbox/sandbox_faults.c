#include "sandbox_faults.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"

static int parse_u64(const char *s, const char **end, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *e;
    unsigned long long v = strtoull(s, &e, 10);
    if (errno)
        return -1;
    *out = v;
    *end = e;
    return 0;
}

static int parse_one(sb_fault *f, const char *item, char *err, size_t errlen)
{
    const char *at = strchr(item, '@');
    if (!at) {
        snprintf(err, errlen, "fault '%s': expected KIND@N", item);
        return -1;
    }
    size_t klen = (size_t)(at - item);
    memset(f, 0, sizeof *f);
    if (klen == 4 && memcmp(item, "drop", 4) == 0) {
        f->kind = SB_FAULT_DROP;
    } else if (klen == 4 && memcmp(item, "slow", 4) == 0) {
        f->kind = SB_FAULT_SLOW;
    } else if (klen == 3 && item[0] >= '1' && item[0] <= '5' && item[1] >= '0' && item[1] <= '9' &&
               item[2] >= '0' && item[2] <= '9') {
        f->kind = SB_FAULT_STATUS;
        f->status = (item[0] - '0') * 100 + (item[1] - '0') * 10 + (item[2] - '0');
        if (f->status < 400) {
            snprintf(err, errlen, "fault '%s': status must be 400-599", item);
            return -1;
        }
    } else {
        snprintf(err, errlen, "fault '%s': unknown kind (STATUS, drop or slow)", item);
        return -1;
    }
    const char *p = at + 1;
    if (parse_u64(p, &p, &f->first) != 0 || f->first == 0) {
        snprintf(err, errlen, "fault '%s': N must be a request number >= 1", item);
        return -1;
    }
    f->last = f->first;
    if (*p == '-') {
        p++;
        if (parse_u64(p, &p, &f->last) != 0 || f->last < f->first) {
            snprintf(err, errlen, "fault '%s': bad range", item);
            return -1;
        }
    }
    if (f->kind == SB_FAULT_SLOW) {
        uint64_t ms;
        if (*p != ':' || parse_u64(p + 1, &p, &ms) != 0 || ms > 600000) {
            snprintf(err, errlen, "fault '%s': expected slow@N:MS (MS <= 600000)", item);
            return -1;
        }
        f->delay_ms = (unsigned)ms;
    }
    if (*p != '\0') {
        snprintf(err, errlen, "fault '%s': trailing characters", item);
        return -1;
    }
    return 0;
}

int sb_faults_parse(sb_faults *f, const char *spec, char *err, size_t errlen)
{
    f->items = NULL;
    f->n = 0;
    if (!spec || !*spec)
        return 0;
    char *copy = sb_xstrdup(spec);
    size_t cap = 0;
    int rc = 0;
    for (char *save = NULL, *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        if (f->n == cap) {
            cap = cap ? cap * 2 : 4;
            f->items = sb_xrealloc(f->items, cap * sizeof *f->items);
        }
        if (parse_one(&f->items[f->n], tok, err, errlen) != 0) {
            rc = -1;
            break;
        }
        f->n++;
    }
    free(copy);
    if (rc != 0)
        sb_faults_free(f);
    return rc;
}

void sb_faults_lookup(const sb_faults *f, uint64_t n, sb_fault_action *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < f->n; i++) {
        const sb_fault *x = &f->items[i];
        if (n < x->first || n > x->last)
            continue;
        switch (x->kind) {
        case SB_FAULT_SLOW:
            out->delay_ms += x->delay_ms;
            break;
        case SB_FAULT_DROP:
            if (!out->status && !out->drop)
                out->drop = 1;
            break;
        case SB_FAULT_STATUS:
            if (!out->status && !out->drop)
                out->status = x->status;
            break;
        }
    }
}

void sb_faults_free(sb_faults *f)
{
    free(f->items);
    f->items = NULL;
    f->n = 0;
}
