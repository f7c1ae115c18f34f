/* Provider-looking ids for the world's neutral numbers. An id is noise characters from a
 * seeded hash of (kind, number), with the number itself, scrambled by a bijection,
 * written in its last `digits` characters: ids are unique by construction, look random,
 * and decode back to their number, so modules find records by id without an index. */
#ifndef SANDBOX_IDS_H
#define SANDBOX_IDS_H

#include <stddef.h>
#include <stdint.h>

#define SB_ID_MAX 48 /* bytes, NUL included, of the longest id a style may make */

typedef struct sb_id_style {
    const char *prefix;       /* "cus_", "I-", "" */
    const char *alphabet;     /* characters of the body */
    unsigned len;             /* body length */
    unsigned digits;          /* trailing body characters that encode the number */
    char lead;                /* fixed first body character, 0: none */
    const char *fragment;     /* fixed text at body position fragment_at (an account), or NULL */
    unsigned fragment_at;
} sb_id_style;

/* Writes the id of `number` (below alphabet size ^ digits) of one kind into out. */
void sb_id_make(char *out, const sb_id_style *style, uint64_t seed, unsigned kind, uint64_t number);
/* The number an id of this style and kind was made from, or -1. */
long long sb_id_number(const char *id, const sb_id_style *style, uint64_t seed, unsigned kind);

/* Numbers 0..n-1 of one kind ordered by their ids (byte order): truth files are sorted by
 * id. Caller frees. */
uint32_t *sb_id_order(size_t n, const sb_id_style *style, uint64_t seed, unsigned kind);

#endif
