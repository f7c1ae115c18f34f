/* The <search> body of the gateway's subscription searches, read strictly: the criteria
 * the SDKs write (braintree_ruby's SubscriptionSearch: ids, id, transaction-id, plan-id,
 * status, merchant-account-id, in-trial-period, created-at, price, days-past-due,
 * billing-cycles-remaining, next-billing-date), of which the sandbox filters created-at
 * (<min>/<max> typed datetime, both inclusive) and ids (<ids type="array"> of <item>s).
 * Another criterion of the SDKs is refused as not filtered here; an unknown one, a DTD,
 * malformed XML or a bad time as the gateway refuses a bad request (422). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_time.h"

typedef struct reader {
    const char *p, *end;
    char *err;
    size_t errlen;
} reader;

/* A message, with `arg` after `text` when given. */
static int fail(reader *r, const char *text, const char *arg)
{
    snprintf(r->err, r->errlen, "%s%s%s", text, arg ? ": " : "", arg ? arg : "");
    return -1;
}

static void skip_space(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
        r->p++;
}

static int at(const reader *r, const char *s)
{
    size_t n = strlen(s);
    return (size_t)(r->end - r->p) >= n && memcmp(r->p, s, n) == 0;
}

/* A tag at r->p: "<name attrs>" (closing 0), "</name>" (closing 1), or "<name/>" (empty 1).
 * The only attribute read is type (into type). */
static int tag(reader *r, char name[48], char type[16], int *closing, int *empty)
{
    *closing = *empty = 0;
    type[0] = '\0';
    skip_space(r);
    if (r->p == r->end || *r->p != '<')
        return fail(r, "Search criteria are not valid XML: a tag was expected", NULL);
    r->p++;
    if (r->p < r->end && *r->p == '/')
        *closing = 1, r->p++;
    size_t n = 0;
    while (r->p < r->end && (isalnum((unsigned char)*r->p) || *r->p == '-' || *r->p == '_') && n < 47)
        name[n++] = *r->p++;
    name[n] = '\0';
    if (!n)
        return fail(r, "Search criteria are not valid XML: a tag has no name", NULL);
    for (;;) {
        skip_space(r);
        if (r->p == r->end)
            return fail(r, "Search criteria are not valid XML: an unterminated tag", NULL);
        if (*r->p == '>') {
            r->p++;
            return 0;
        }
        if (at(r, "/>") && !*closing) {
            r->p += 2;
            *empty = 1;
            return 0;
        }
        const char *attr = r->p;
        while (r->p < r->end && *r->p != '=' && *r->p != '>')
            r->p++;
        if (r->p + 1 >= r->end || *r->p != '=' || (r->p[1] != '"' && r->p[1] != '\''))
            return fail(r, "Search criteria are not valid XML: an attribute without a quoted value", NULL);
        int is_type = r->p - attr == 4 && memcmp(attr, "type", 4) == 0;
        char quote = r->p[1];
        r->p += 2;
        const char *value = r->p;
        while (r->p < r->end && *r->p != quote)
            r->p++;
        if (r->p == r->end)
            return fail(r, "Search criteria are not valid XML: an unterminated attribute value", NULL);
        if (is_type)
            snprintf(type, 16, "%.*s", (int)(r->p - value), value);
        r->p++;
    }
}

/* The text up to the next '<', decoded (the five predefined entities). */
static int text(reader *r, char *out, size_t cap)
{
    size_t n = 0;
    while (r->p < r->end && *r->p != '<') {
        static const char *const names[] = {"&lt;", "&gt;", "&amp;", "&quot;", "&apos;"};
        static const char chars[] = "<>&\"'";
        char c = *r->p;
        if (c == '&') {
            size_t k = 0;
            while (k < 5 && !at(r, names[k]))
                k++;
            if (k == 5)
                return fail(r, "Search criteria are not valid XML: an unknown entity", NULL);
            c = chars[k];
            r->p += strlen(names[k]);
        } else {
            r->p++;
        }
        if (n + 1 >= cap)
            return fail(r, "Search criteria: a value is too long", NULL);
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

/* <name type="datetime">TIME</name> after its start tag was read. */
static int bound(reader *r, const char *name, const char *type, int empty, int64_t *out)
{
    char value[64], end[48], t2[16];
    int closing, e2;
    if (empty || strcmp(type, "datetime") != 0)
        return fail(r, "Search criteria: a created_at bound must be a datetime", name);
    if (text(r, value, sizeof value) < 0 || tag(r, end, t2, &closing, &e2) < 0)
        return -1;
    if (!closing || strcmp(end, name) != 0)
        return fail(r, "Search criteria are not valid XML: an element is not closed", name);
    if (sb_time_parse_rfc3339(value, out) != 0)
        return fail(r, "Search criteria: a created_at bound is not a time", name);
    return 0;
}

static int created_at(reader *r, bt_search_body *b)
{
    for (;;) {
        char name[48], type[16];
        int closing, empty;
        if (tag(r, name, type, &closing, &empty) < 0)
            return -1;
        if (closing)
            return strcmp(name, "created-at") == 0 ? 0 : fail(r, "Search criteria are not valid XML: an end tag out of place", name);
        if (strcmp(name, "min") == 0 && !b->has_min) {
            b->has_min = 1;
            if (bound(r, "min", type, empty, &b->min) < 0)
                return -1;
        } else if (strcmp(name, "max") == 0 && !b->has_max) {
            b->has_max = 1;
            if (bound(r, "max", type, empty, &b->max) < 0)
                return -1;
        } else {
            return fail(r, "Search criteria: created_at takes min and max once each, not", name);
        }
    }
}

static int ids(reader *r, bt_search_body *b, const char *type, int empty)
{
    if (strcmp(type, "array") != 0)
        return fail(r, "Search criteria: ids must be an array", NULL);
    b->has_ids = 1;
    while (!empty) {
        char name[48], t2[16], value[64];
        int closing, e2;
        if (tag(r, name, t2, &closing, &e2) < 0)
            return -1;
        if (closing)
            return strcmp(name, "ids") == 0 ? 0 : fail(r, "Search criteria are not valid XML: an end tag out of place", name);
        if (strcmp(name, "item") != 0 || e2)
            return fail(r, "Search criteria: ids holds items, not", name);
        if (text(r, value, sizeof value) < 0 || tag(r, name, t2, &closing, &e2) < 0)
            return -1;
        if (!closing || strcmp(name, "item") != 0)
            return fail(r, "Search criteria are not valid XML: <item> is not closed", NULL);
        if (b->n_ids == sizeof b->ids / sizeof b->ids[0])
            return fail(r, "Search criteria: too many ids", NULL);
        snprintf(b->ids[b->n_ids++], sizeof b->ids[0], "%s", value);
    }
    return 0;
}

int bt_search_body_read(const char *body, size_t len, bt_search_body *b, char *err, size_t errlen)
{
    static const char *const others =
        " id transaction-id plan-id status merchant-account-id in-trial-period price days-past-due "
        "billing-cycles-remaining next-billing-date ";
    reader r = {body ? body : "", (body ? body : "") + (body ? len : 0), err, errlen};
    memset(b, 0, sizeof *b);
    skip_space(&r);
    if (at(&r, "<?xml")) {
        const char *close = strstr(r.p, "?>");
        if (!close || close >= r.end)
            return fail(&r, "Search criteria are not valid XML: an unterminated declaration", NULL);
        r.p = close + 2;
    }
    skip_space(&r);
    if (at(&r, "<!"))
        return fail(&r, "Search criteria are not valid XML: declarations (DOCTYPE) are refused", NULL);
    char name[48], type[16];
    int closing, empty;
    if (tag(&r, name, type, &closing, &empty) < 0)
        return -1;
    if (closing || strcmp(name, "search") != 0)
        return fail(&r, "Search criteria must be a <search> element", NULL);
    while (!empty) {
        if (tag(&r, name, type, &closing, &empty) < 0)
            return -1;
        if (closing) {
            if (strcmp(name, "search") != 0)
                return fail(&r, "Search criteria are not valid XML: an end tag out of place", name);
            break;
        }
        char word[52];
        snprintf(word, sizeof word, " %s ", name);
        if (strcmp(name, "created-at") == 0 && !b->has_min && !b->has_max && !empty) {
            if (created_at(&r, b) < 0)
                return -1;
        } else if (strcmp(name, "ids") == 0 && !b->has_ids) {
            if (ids(&r, b, type, empty) < 0)
                return -1;
        } else if (strstr(others, word)) {
            return fail(&r, "Search criteria: the sandbox does not filter subscriptions by", name);
        } else {
            return fail(&r, "Search criteria: not a field of a subscription search", name);
        }
        empty = 0;
    }
    skip_space(&r);
    return r.p == r.end ? 0 : fail(&r, "Search criteria are not valid XML: content after </search>", NULL);
}
