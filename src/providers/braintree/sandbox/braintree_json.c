/* The request body reader: RFC 8259 JSON into a tree, refusing what is not JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_json.h"
#include "sandbox_buf.h"

typedef struct reader {
    const char *p, *end;
    char *err;
    size_t errlen;
    int depth;
} reader;

static void skip_ws(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bj_value *fail(reader *r, const char *what)
{
    if (!*r->err)
        snprintf(r->err, r->errlen, "%s", what);
    return NULL;
}

static void put_utf8(sb_buf *b, unsigned cp)
{
    if (cp < 0x80) {
        sb_buf_addc(b, (char)cp);
    } else if (cp < 0x800) {
        sb_buf_addc(b, (char)(0xC0 | (cp >> 6)));
        sb_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_buf_addc(b, (char)(0xE0 | (cp >> 12)));
        sb_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_buf_addc(b, (char)(0xF0 | (cp >> 18)));
        sb_buf_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_buf_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_buf_addc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hex4(reader *r, unsigned *out)
{
    if (r->end - r->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = r->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    r->p += 4;
    *out = v;
    return 0;
}

/* A string after its opening quote, decoded into a new NUL-terminated text. */
static char *read_string(reader *r)
{
    sb_buf b;
    sb_buf_init(&b);
    while (r->p < r->end && *r->p != '"') {
        unsigned char c = (unsigned char)*r->p++;
        if (c < 0x20)
            goto bad;
        if (c != '\\') {
            sb_buf_addc(&b, (char)c);
            continue;
        }
        if (r->p >= r->end)
            goto bad;
        char e = *r->p++;
        unsigned cp, lo;
        switch (e) {
        case '"': case '\\': case '/': sb_buf_addc(&b, e); break;
        case 'b': sb_buf_addc(&b, '\b'); break;
        case 'f': sb_buf_addc(&b, '\f'); break;
        case 'n': sb_buf_addc(&b, '\n'); break;
        case 'r': sb_buf_addc(&b, '\r'); break;
        case 't': sb_buf_addc(&b, '\t'); break;
        case 'u':
            if (hex4(r, &cp) != 0 || cp == 0)
                goto bad;
            if (cp >= 0xD800 && cp < 0xDC00) {
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                    goto bad;
                r->p += 2;
                if (hex4(r, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad;
            }
            put_utf8(&b, cp);
            break;
        default:
            goto bad;
        }
    }
    if (r->p >= r->end)
        goto bad;
    r->p++;
    char *s = sb_xstrdup(sb_buf_str(&b));
    sb_buf_free(&b);
    return s;
bad:
    sb_buf_free(&b);
    return NULL;
}

static bj_value *node(int type)
{
    bj_value *v = sb_xcalloc(1, sizeof *v);
    v->type = type;
    return v;
}

static void append(bj_value *v, char *key, bj_value *item)
{
    v->items = sb_xrealloc(v->items, (v->n + 1) * sizeof *v->items);
    if (v->type == BJ_OBJECT)
        v->keys = sb_xrealloc(v->keys, (v->n + 1) * sizeof *v->keys);
    if (v->type == BJ_OBJECT)
        v->keys[v->n] = key;
    v->items[v->n++] = item;
}

static bj_value *read_value(reader *r);

static bj_value *read_composite(reader *r, int object)
{
    bj_value *v = node(object ? BJ_OBJECT : BJ_ARRAY);
    char close = object ? '}' : ']';
    skip_ws(r);
    if (r->p < r->end && *r->p == close) {
        r->p++;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(r);
        if (object) {
            if (r->p >= r->end || *r->p != '"' || (r->p++, !(key = read_string(r))))
                goto bad;
            skip_ws(r);
            if (r->p >= r->end || *r->p++ != ':') {
                free(key);
                goto bad;
            }
        }
        bj_value *item = read_value(r);
        if (!item) {
            free(key);
            goto bad;
        }
        append(v, key, item);
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
            continue;
        }
        if (r->p < r->end && *r->p == close) {
            r->p++;
            return v;
        }
        goto bad;
    }
bad:
    bj_free(v);
    return fail(r, object ? "a malformed object" : "a malformed array");
}

static bj_value *read_number(reader *r)
{
    const char *start = r->p;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p >= r->end || *r->p < '0' || *r->p > '9')
        return fail(r, "a malformed number");
    if (*r->p == '0')
        r->p++;
    else
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
    if (r->p < r->end && *r->p == '.') {
        r->p++;
        if (r->p >= r->end || *r->p < '0' || *r->p > '9')
            return fail(r, "a malformed number");
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
    }
    if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
        r->p++;
        if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
            r->p++;
        if (r->p >= r->end || *r->p < '0' || *r->p > '9')
            return fail(r, "a malformed number");
        while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
            r->p++;
    }
    bj_value *v = node(BJ_NUMBER);
    v->text = sb_xmalloc((size_t)(r->p - start) + 1);
    memcpy(v->text, start, (size_t)(r->p - start));
    v->text[r->p - start] = '\0';
    return v;
}

static int word(reader *r, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n) != 0)
        return 0;
    r->p += n;
    return 1;
}

static bj_value *read_value(reader *r)
{
    skip_ws(r);
    if (r->p >= r->end)
        return fail(r, "an unexpected end");
    if (++r->depth > 64)
        return fail(r, "nesting too deep");
    bj_value *v = NULL;
    char c = *r->p;
    if (c == '{' || c == '[') {
        r->p++;
        v = read_composite(r, c == '{');
    } else if (c == '"') {
        r->p++;
        char *s = read_string(r);
        if (s) {
            v = node(BJ_STRING);
            v->text = s;
        } else {
            fail(r, "a malformed string");
        }
    } else if (word(r, "true")) {
        v = node(BJ_TRUE);
    } else if (word(r, "false")) {
        v = node(BJ_FALSE);
    } else if (word(r, "null")) {
        v = node(BJ_NULL);
    } else {
        v = read_number(r);
    }
    r->depth--;
    return v;
}

bj_value *bj_parse(const char *text, size_t len, char *err, size_t errlen)
{
    reader r = {text, text + len, err, errlen, 0};
    err[0] = '\0';
    bj_value *v = read_value(&r);
    skip_ws(&r);
    if (v && r.p != r.end) {
        bj_free(v);
        v = NULL;
        snprintf(err, errlen, "text after the JSON value");
    }
    if (!v && !err[0])
        snprintf(err, errlen, "not JSON");
    return v;
}

void bj_free(bj_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        if (v->keys)
            free(v->keys[i]);
        bj_free(v->items[i]);
    }
    free(v->keys);
    free(v->items);
    free(v->text);
    free(v);
}

const bj_value *bj_get(const bj_value *obj, const char *key)
{
    if (!obj || obj->type != BJ_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

int bj_int(const bj_value *v, long long lo, long long hi, long long *out)
{
    if (!v || v->type != BJ_NUMBER || strpbrk(v->text, ".eE") || strlen(v->text) > 18)
        return 0;
    long long n = strtoll(v->text, NULL, 10);
    if (n < lo || n > hi)
        return 0;
    *out = n;
    return 1;
}
