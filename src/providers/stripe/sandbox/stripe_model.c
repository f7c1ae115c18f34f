/* Vocabularies, currency rules and the string arena of the Stripe dataset. */
#include "stripe_model.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"

const st_currency st_currencies[ST_NCCY] = {
    [ST_USD] = {"usd", 1, 100}, [ST_EUR] = {"eur", 1, 100}, [ST_GBP] = {"gbp", 1, 100},
    [ST_CAD] = {"cad", 1, 100}, [ST_AUD] = {"aud", 1, 100}, [ST_CHF] = {"chf", 1, 100},
    [ST_SEK] = {"sek", 1, 100}, [ST_JPY] = {"jpy", 1, 100}, [ST_KRW] = {"krw", 1, 1000},
    [ST_KWD] = {"kwd", 10, 1000}, [ST_BHD] = {"bhd", 10, 1000},
};

int st_currency_exponent(const char *code)
{
    static const char *const zero[] = {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
                                       "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"};
    static const char *const three[] = {"BHD", "JOD", "KWD", "OMR", "TND"};
    char up[4] = "";
    for (int i = 0; i < 3 && code[i]; i++)
        up[i] = (char)toupper((unsigned char)code[i]);
    up[3] = '\0';
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        if (strcmp(up, zero[i]) == 0)
            return 0;
    for (size_t i = 0; i < sizeof three / sizeof three[0]; i++)
        if (strcmp(up, three[i]) == 0)
            return 3;
    return 2;
}

const char *const st_interval_names[4] = {"day", "week", "month", "year"};

const char *const st_sub_status_names[ST_SUB_NSTATUS] = {
    "trialing", "active", "past_due", "unpaid", "paused", "canceled", "incomplete",
    "incomplete_expired",
};

const char *const st_charge_status_names[3] = {"succeeded", "pending", "failed"};

const char *const st_refund_status_names[5] = {"succeeded", "pending", "failed", "canceled",
                                               "requires_action"};

const char *const st_refund_reason_names[4] = {NULL, "requested_by_customer", "duplicate",
                                               "fraudulent"};

/* ---- arena ---- */

#define ARENA_CHUNK (64 * 1024)

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

struct st_arena {
    chunk *head;
};

st_arena *st_arena_new(void)
{
    return sb_xcalloc(1, sizeof(st_arena));
}

static char *arena_alloc(st_arena *a, size_t n)
{
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        chunk *c = sb_xmalloc(sizeof *c + cap);
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = a->head->data + a->head->used;
    a->head->used += n;
    return p;
}

const char *st_arena_strdup(st_arena *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = arena_alloc(a, n);
    memcpy(p, s, n);
    return p;
}

const char *st_arena_printf(st_arena *a, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return st_arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof small) {
        memcpy(p, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}

void st_arena_free(st_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}
