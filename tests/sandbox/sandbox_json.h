/* A small streaming JSON writer. Compact or pretty (two-space indent, like Stripe's
 * responses). Strings are always emitted as valid UTF-8: invalid bytes become U+FFFD,
 * so echoing client input (ids, parameter names) can never produce broken JSON. */
#ifndef SANDBOX_JSON_H
#define SANDBOX_JSON_H

#include <stdint.h>

#include "sandbox_buf.h"

#define SB_JSON_MAX_DEPTH 32

typedef struct sb_json {
    sb_buf *out;
    int pretty;
    int depth;
    int after_key;
    unsigned char has_items[SB_JSON_MAX_DEPTH];
} sb_json;

void sbj_init(sb_json *j, sb_buf *out, int pretty);

void sbj_obj_begin(sb_json *j);
void sbj_obj_end(sb_json *j);
void sbj_arr_begin(sb_json *j);
void sbj_arr_end(sb_json *j);
void sbj_key(sb_json *j, const char *key);
/* key + object or array begin */
void sbj_kobj(sb_json *j, const char *key);
void sbj_karr(sb_json *j, const char *key);

void sbj_str(sb_json *j, const char *s); /* NULL writes null */
void sbj_strn(sb_json *j, const char *s, size_t n);
void sbj_int(sb_json *j, int64_t v);
/* A number written as the caller spells it ("19.99", "2000.0"): APIs that send decimals as
 * JSON numbers (Recurly). The caller passes valid JSON number text. */
void sbj_number(sb_json *j, const char *text);
void sbj_bool(sb_json *j, int v);
void sbj_null(sb_json *j);
void sbj_time(sb_json *j, int64_t t); /* RFC 3339 UTC string; 0 writes null */

/* key + value shorthands */
void sbj_kstr(sb_json *j, const char *key, const char *s);
void sbj_kint(sb_json *j, const char *key, int64_t v);
void sbj_kbool(sb_json *j, const char *key, int v);
void sbj_knull(sb_json *j, const char *key);
void sbj_kintn(sb_json *j, const char *key, int has, int64_t v); /* v, or null when !has */
void sbj_kts(sb_json *j, const char *key, int64_t t); /* unix seconds, 0 writes null */
void sbj_ktime(sb_json *j, const char *key, int64_t t); /* RFC 3339, 0 writes null */
void sbj_kempty_obj(sb_json *j, const char *key);
void sbj_kempty_arr(sb_json *j, const char *key);

/* Members that never change, written in a light syntax (bare keys, single-quoted strings,
 * no escapes) into the object being written, e.g.
 *   sbj_lit(j, "livemode: false, metadata: {}, tax_rates: [], type: 'card'");
 * A malformed literal is a bug and aborts. */
void sbj_lit(sb_json *j, const char *members);

/* Append s to out as the body of a JSON string (no quotes), sanitising UTF-8. */
void sbj_escape(sb_buf *out, const char *s, size_t n);

#endif
