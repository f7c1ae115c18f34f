#include "sandbox_json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_time.h"

void sbj_init(sb_json *j, sb_buf *out, int pretty)
{
    memset(j, 0, sizeof *j);
    j->out = out;
    j->pretty = pretty;
}

static void newline_indent(sb_json *j)
{
    sb_buf_addc(j->out, '\n');
    for (int i = 0; i < j->depth; i++)
        sb_buf_add(j->out, "  ", 2);
}

/* Separator and indentation before a value or a key. */
static void pre_value(sb_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->has_items[j->depth])
            sb_buf_addc(j->out, ',');
        j->has_items[j->depth] = 1;
        if (j->pretty)
            newline_indent(j);
    }
}

static void open_(sb_json *j, char c)
{
    pre_value(j);
    sb_buf_addc(j->out, c);
    if (j->depth + 1 < SB_JSON_MAX_DEPTH)
        j->depth++;
    j->has_items[j->depth] = 0;
}

static void close_(sb_json *j, char c)
{
    int had = j->has_items[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had && j->pretty)
        newline_indent(j);
    sb_buf_addc(j->out, c);
}

void sbj_obj_begin(sb_json *j) { open_(j, '{'); }
void sbj_obj_end(sb_json *j) { close_(j, '}'); }
void sbj_arr_begin(sb_json *j) { open_(j, '['); }
void sbj_arr_end(sb_json *j) { close_(j, ']'); }

static void key_n(sb_json *j, const char *key, size_t n)
{
    pre_value(j);
    sb_buf_addc(j->out, '"');
    sbj_escape(j->out, key, n);
    sb_buf_adds(j->out, j->pretty ? "\": " : "\":");
    j->after_key = 1;
}

void sbj_key(sb_json *j, const char *key)
{
    key_n(j, key, strlen(key));
}

void sbj_kobj(sb_json *j, const char *key)
{
    sbj_key(j, key);
    sbj_obj_begin(j);
}

void sbj_karr(sb_json *j, const char *key)
{
    sbj_key(j, key);
    sbj_arr_begin(j);
}

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

void sbj_escape(sb_buf *out, const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\') {
            sb_buf_addc(out, '\\');
            sb_buf_addc(out, (char)c);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': sb_buf_add(out, "\\n", 2); break;
            case '\r': sb_buf_add(out, "\\r", 2); break;
            case '\t': sb_buf_add(out, "\\t", 2); break;
            case '\b': sb_buf_add(out, "\\b", 2); break;
            case '\f': sb_buf_add(out, "\\f", 2); break;
            default: sb_buf_printf(out, "\\u%04x", c); break;
            }
            i++;
        } else if (c < 0x80) {
            size_t start = i;
            while (i < n && s[i] >= 0x20 && s[i] < 0x80 && s[i] != '"' && s[i] != '\\')
                i++;
            sb_buf_add(out, (const char *)s + start, i - start);
        } else {
            size_t len = utf8_len(s + i, n - i);
            if (len == 0) {
                sb_buf_add(out, "\xEF\xBF\xBD", 3);
                i++;
            } else {
                sb_buf_add(out, (const char *)s + i, len);
                i += len;
            }
        }
    }
}

void sbj_strn(sb_json *j, const char *s, size_t n)
{
    pre_value(j);
    sb_buf_addc(j->out, '"');
    sbj_escape(j->out, s, n);
    sb_buf_addc(j->out, '"');
}

void sbj_str(sb_json *j, const char *s)
{
    if (!s)
        sbj_null(j);
    else
        sbj_strn(j, s, strlen(s));
}

void sbj_int(sb_json *j, int64_t v)
{
    pre_value(j);
    sb_buf_printf(j->out, "%" PRId64, v);
}

void sbj_number(sb_json *j, const char *text)
{
    pre_value(j);
    sb_buf_adds(j->out, text);
}

void sbj_bool(sb_json *j, int v)
{
    pre_value(j);
    sb_buf_adds(j->out, v ? "true" : "false");
}

void sbj_null(sb_json *j)
{
    pre_value(j);
    sb_buf_add(j->out, "null", 4);
}

void sbj_time(sb_json *j, int64_t t)
{
    if (!t) {
        sbj_null(j);
        return;
    }
    char buf[32];
    sb_time_rfc3339(t, buf);
    sbj_str(j, buf);
}

void sbj_kstr(sb_json *j, const char *key, const char *s) { sbj_key(j, key); sbj_str(j, s); }
void sbj_kint(sb_json *j, const char *key, int64_t v) { sbj_key(j, key); sbj_int(j, v); }
void sbj_kbool(sb_json *j, const char *key, int v) { sbj_key(j, key); sbj_bool(j, v); }
void sbj_knull(sb_json *j, const char *key) { sbj_key(j, key); sbj_null(j); }
void sbj_ktime(sb_json *j, const char *key, int64_t t) { sbj_key(j, key); sbj_time(j, t); }

void sbj_kintn(sb_json *j, const char *key, int has, int64_t v)
{
    sbj_key(j, key);
    if (has)
        sbj_int(j, v);
    else
        sbj_null(j);
}

void sbj_kts(sb_json *j, const char *key, int64_t t)
{
    sbj_kintn(j, key, t != 0, t);
}

void sbj_kempty_obj(sb_json *j, const char *key)
{
    sbj_key(j, key);
    sbj_obj_begin(j);
    sbj_obj_end(j);
}

void sbj_kempty_arr(sb_json *j, const char *key)
{
    sbj_key(j, key);
    sbj_arr_begin(j);
    sbj_arr_end(j);
}

/* ---- literals ---- */

static const char *lit_skip(const char *p)
{
    while (*p == ' ' || *p == '\n')
        p++;
    return p;
}

static void lit_fail(const char *at)
{
    fprintf(stderr, "sbj_lit: malformed literal at '%.20s'\n", at);
    abort();
}

static const char *lit_value(sb_json *j, const char *p);

/* key: value, key: value ... up to the closing character `end` (or the string's end). */
static const char *lit_members(sb_json *j, const char *p, char end)
{
    for (p = lit_skip(p); *p && *p != end;) {
        const char *k = p;
        while (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            p++;
        if (p == k || *p != ':')
            lit_fail(k);
        key_n(j, k, (size_t)(p - k));
        p = lit_skip(lit_value(j, lit_skip(p + 1)));
        if (*p == ',')
            p = lit_skip(p + 1);
        else if (*p && *p != end)
            lit_fail(p);
    }
    return p;
}

static const char *lit_value(sb_json *j, const char *p)
{
    if (*p == '{') {
        sbj_obj_begin(j);
        p = lit_members(j, p + 1, '}');
        if (*p != '}')
            lit_fail(p);
        sbj_obj_end(j);
        return p + 1;
    }
    if (*p == '[') {
        sbj_arr_begin(j);
        for (p = lit_skip(p + 1); *p != ']';) {
            p = lit_skip(lit_value(j, p));
            if (*p == ',')
                p = lit_skip(p + 1);
            else if (*p != ']')
                lit_fail(p);
        }
        sbj_arr_end(j);
        return p + 1;
    }
    if (*p == '\'') {
        const char *e = strchr(p + 1, '\'');
        if (!e)
            lit_fail(p);
        sbj_strn(j, p + 1, (size_t)(e - p - 1));
        return e + 1;
    }
    size_t n = strcspn(p, ",}] \n");
    if (n == 4 && strncmp(p, "null", 4) == 0)
        sbj_null(j);
    else if (n == 4 && strncmp(p, "true", 4) == 0)
        sbj_bool(j, 1);
    else if (n == 5 && strncmp(p, "false", 5) == 0)
        sbj_bool(j, 0);
    else if (n > 0 && strspn(p, "-0123456789") == n)
        sbj_int(j, strtoll(p, NULL, 10));
    else
        lit_fail(p);
    return p + n;
}

void sbj_lit(sb_json *j, const char *members)
{
    const char *p = lit_members(j, members, '\0');
    if (*p)
        lit_fail(p);
}
