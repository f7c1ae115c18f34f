/* A small JSON reader for request bodies (the sandbox's own: it shares no code with the
 * library). Values keep their text: numbers as their lexeme, strings decoded. */
#ifndef SB_BRAINTREE_JSON_H
#define SB_BRAINTREE_JSON_H

#include <stddef.h>

enum { BJ_NULL, BJ_FALSE, BJ_TRUE, BJ_NUMBER, BJ_STRING, BJ_ARRAY, BJ_OBJECT };

typedef struct bj_value {
    int type;
    char *text;               /* a string's decoded bytes, a number's lexeme */
    size_t n;                 /* members or items */
    char **keys;              /* an object's member names */
    struct bj_value **items;  /* members' or items' values */
} bj_value;

/* Parses text[0..len) as one JSON value; NULL with a message in err when it is not. */
bj_value *bj_parse(const char *text, size_t len, char *err, size_t errlen);
void bj_free(bj_value *v);
/* An object's member, or NULL. */
const bj_value *bj_get(const bj_value *obj, const char *key);
/* 1 when v is a JSON integer (no fraction, no exponent) within [lo, hi]. */
int bj_int(const bj_value *v, long long lo, long long hi, long long *out);

#endif
