#include "sandbox_faults.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"

enum { ARG_NONE, ARG_REQUIRED, ARG_OPTIONAL };

/* The named kinds (STATUS is the three digits) and what their argument may be. */
static const struct kind_def {
    const char *name;
    sb_fault_kind kind;
    int arg;
    uint64_t lo, hi;
    int range_ok;
    const char *usage;
} kinds[] = {
    {"drop", SB_FAULT_DROP, ARG_NONE, 0, 0, 1, "drop@N"},
    {"echo", SB_FAULT_ECHO, ARG_OPTIONAL, 400, 599, 1, "echo@N[:STATUS] (STATUS 400-599)"},
    {"slow", SB_FAULT_SLOW, ARG_REQUIRED, 0, 600000, 1, "slow@N:MS (MS <= 600000)"},
    {"badjson", SB_FAULT_BADJSON, ARG_NONE, 0, 0, 1, "badjson@N"},
    {"empty", SB_FAULT_EMPTY, ARG_NONE, 0, 0, 1, "empty@N"},
    {"cut", SB_FAULT_CUT, ARG_OPTIONAL, 0, 100000000, 1, "cut@N[:BYTES]"},
    {"cutchunked", SB_FAULT_CUT_CHUNKED, ARG_OPTIONAL, 0, 100000000, 1, "cutchunked@N[:BYTES]"},
    {"stall", SB_FAULT_STALL, ARG_REQUIRED, 1, 100000, 1, "stall@N:MS (1 <= MS <= 100000)"},
    {"stallclose", SB_FAULT_STALL_CLOSE, ARG_REQUIRED, 1, 100000, 1, "stallclose@N:MS (1 <= MS <= 100000)"},
    {"drip", SB_FAULT_DRIP, ARG_REQUIRED, 1, 100000000, 1, "drip@N:BYTES_PER_S (>= 1)"},
    {"repeat", SB_FAULT_REPEAT, ARG_NONE, 0, 0, 1, "repeat@N"},
    {"inflate", SB_FAULT_INFLATE, ARG_REQUIRED, 1, 10000000, 1, "inflate@N:PAGES (1-10000000)"},
    {"shrink", SB_FAULT_SHRINK, ARG_REQUIRED, 1, 1000000000, 1, "shrink@N:ITEMS (>= 1)"},
    {"insert", SB_FAULT_INSERT, ARG_REQUIRED, 1, 1000000, 0, "insert@N:K (one request N, no range; K >= 1)"},
};

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

static const struct kind_def *kind_named(const char *item, size_t len)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strlen(kinds[i].name) == len && memcmp(kinds[i].name, item, len) == 0)
            return &kinds[i];
    return NULL;
}

static int is_status(const char *item, size_t len)
{
    return len == 3 && item[0] >= '1' && item[0] <= '5' && item[1] >= '0' && item[1] <= '9' &&
           item[2] >= '0' && item[2] <= '9';
}

static int parse_one(sb_fault *f, const char *item, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    snprintf(f->spec, sizeof f->spec, "%s", item);
    const char *at = strchr(item, '@');
    if (!at) {
        snprintf(err, errlen, "fault '%s': expected KIND@N", item);
        return -1;
    }
    size_t klen = (size_t)(at - item);
    static const struct kind_def status_def = {"STATUS", SB_FAULT_STATUS, ARG_NONE, 0, 0, 1, "STATUS@N"};
    const struct kind_def *d = is_status(item, klen) ? &status_def : kind_named(item, klen);
    if (!d) {
        snprintf(err, errlen, "fault '%s': unknown kind (STATUS, drop, echo, slow, badjson, empty, cut, "
                 "cutchunked, stall, stallclose, drip, repeat, inflate, shrink, insert)", item);
        return -1;
    }
    f->kind = d->kind;
    if (d->kind == SB_FAULT_STATUS) {
        f->status = (item[0] - '0') * 100 + (item[1] - '0') * 10 + (item[2] - '0');
        if (f->status < 400) {
            snprintf(err, errlen, "fault '%s': status must be 400-599", item);
            return -1;
        }
    }
    const char *p = at + 1;
    if (parse_u64(p, &p, &f->first) != 0 || f->first == 0) {
        snprintf(err, errlen, "fault '%s': N must be a request number >= 1", item);
        return -1;
    }
    f->last = f->first;
    if (*p == '-') {
        if (!d->range_ok) {
            snprintf(err, errlen, "fault '%s': expected %s", item, d->usage);
            return -1;
        }
        p++;
        if (parse_u64(p, &p, &f->last) != 0 || f->last < f->first) {
            snprintf(err, errlen, "fault '%s': bad range", item);
            return -1;
        }
    }
    int has_arg = *p == ':';
    if ((has_arg && d->arg == ARG_NONE) || (!has_arg && d->arg == ARG_REQUIRED)) {
        snprintf(err, errlen, "fault '%s': expected %s", item, d->usage);
        return -1;
    }
    f->arg = d->kind == SB_FAULT_CUT || d->kind == SB_FAULT_CUT_CHUNKED ? SB_FAULT_HALF : 0;
    if (d->kind == SB_FAULT_ECHO)
        f->status = 401;
    if (has_arg) {
        uint64_t v;
        if (parse_u64(p + 1, &p, &v) != 0 || v < d->lo || v > d->hi) {
            snprintf(err, errlen, "fault '%s': expected %s", item, d->usage);
            return -1;
        }
        if (d->kind == SB_FAULT_ECHO)
            f->status = (int)v;
        else
            f->arg = v;
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
        if (f->items[f->n].kind == SB_FAULT_INSERT && sb_faults_find(f, SB_FAULT_INSERT)) {
            snprintf(err, errlen, "fault '%s': only one insert fault", tok);
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

static sb_delivery delivery_of(sb_fault_kind kind)
{
    switch (kind) {
    case SB_FAULT_BADJSON: return SB_SEND_BADJSON;
    case SB_FAULT_EMPTY: return SB_SEND_EMPTY;
    case SB_FAULT_CUT: return SB_SEND_CUT;
    case SB_FAULT_CUT_CHUNKED: return SB_SEND_CUT_CHUNKED;
    case SB_FAULT_STALL: return SB_SEND_STALL;
    case SB_FAULT_STALL_CLOSE: return SB_SEND_STALL_CLOSE;
    case SB_FAULT_DRIP: return SB_SEND_DRIP;
    default: return SB_SEND_WHOLE;
    }
}

void sb_faults_lookup(const sb_faults *f, uint64_t n, sb_fault_action *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < f->n; i++) {
        const sb_fault *x = &f->items[i];
        if (x->kind == SB_FAULT_INSERT) { /* from request N on, for good */
            out->inserted |= n >= x->first;
            continue;
        }
        if (n < x->first || n > x->last)
            continue;
        int answered = out->status || out->drop;
        switch (x->kind) {
        case SB_FAULT_SLOW:
            out->delay_ms += (unsigned)x->arg;
            break;
        case SB_FAULT_DROP:
            out->drop |= !answered;
            break;
        case SB_FAULT_STATUS:
        case SB_FAULT_ECHO:
            if (!answered) {
                out->status = x->status;
                out->echo = x->kind == SB_FAULT_ECHO;
            }
            break;
        case SB_FAULT_REPEAT:
            out->repeat = 1;
            break;
        case SB_FAULT_INFLATE:
            out->inflate_pages += x->arg;
            break;
        case SB_FAULT_SHRINK:
            out->shrink_items += x->arg;
            break;
        default: /* delivery */
            if (out->delivery == SB_SEND_WHOLE) {
                out->delivery = delivery_of(x->kind);
                out->delivery_arg = x->arg;
            }
            break;
        }
    }
}

const sb_fault *sb_faults_find(const sb_faults *f, sb_fault_kind kind)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->items[i].kind == kind)
            return &f->items[i];
    return NULL;
}

int sb_fault_is_module_kind(sb_fault_kind kind)
{
    return kind == SB_FAULT_REPEAT || kind == SB_FAULT_INFLATE || kind == SB_FAULT_SHRINK ||
           kind == SB_FAULT_INSERT;
}

void sb_faults_free(sb_faults *f)
{
    free(f->items);
    f->items = NULL;
    f->n = 0;
}
