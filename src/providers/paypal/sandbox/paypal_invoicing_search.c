/* The search-invoices body (the spec's search_data), read strictly: a small JSON reader
 * for what the search needs, the filters this sandbox applies, and the 400s for the rest
 * (paypal_invoicing.c's header lists them). */
#include "paypal_invoicing_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal_render.h"
#include "sandbox_json.h"
#include "sandbox_time.h"

#define LINK_INVOICING "https://developer.paypal.com/docs/api/invoicing/v2/#error-"

void ppi_invalid(pp_ctx *c, const char *field, const char *value, const char *location, const char *issue,
                    const char *description)
{
    c->resp->status = 400;
    sb_buf_reset(&c->resp->body);
    sb_json j;
    sbj_init(&j, &c->resp->body, 0);
    sbj_obj_begin(&j);
    sbj_lit(&j, "name: 'INVALID_REQUEST', message: 'Request is not well-formed, syntactically incorrect, or "
                "violates schema.'");
    sbj_kstr(&j, "debug_id", c->debug_id);
    sbj_karr(&j, "details");
    sbj_obj_begin(&j);
    sbj_kstr(&j, "field", field);
    if (value)
        sbj_kstr(&j, "value", value);
    sbj_kstr(&j, "location", location);
    sbj_kstr(&j, "issue", issue);
    sbj_kstr(&j, "description", description);
    sbj_obj_end(&j);
    sbj_arr_end(&j);
    sbj_karr(&j, "links");
    char href[160];
    snprintf(href, sizeof href, "%s%s", LINK_INVOICING, issue);
    pp_json_link(&j, href, "information_link", "GET", 0);
    sbj_arr_end(&j);
    sbj_obj_end(&j);
}



typedef struct reader {
    const char *p, *end;
    pp_ctx *c;
    int failed;
} reader;

static void ws(reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int syntax(reader *r, const char *field)
{
    if (!r->failed)
        ppi_invalid(r->c, field, NULL, "body", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.");
    r->failed = 1;
    return -1;
}

/* A string (escapes \" \\ \/ \n \t and \uXXXX below 0x80 decoded) into out[cap]. */
static int read_string(reader *r, char *out, size_t cap, const char *field)
{
    ws(r);
    if (r->p >= r->end || *r->p != '"')
        return syntax(r, field);
    r->p++;
    size_t n = 0;
    while (r->p < r->end && *r->p != '"') {
        char ch = *r->p++;
        if ((unsigned char)ch < 0x20)
            return syntax(r, field);
        if (ch == '\\') {
            if (r->p >= r->end)
                return syntax(r, field);
            char e = *r->p++;
            if (e == 'n')
                ch = '\n';
            else if (e == 't')
                ch = '\t';
            else if (e == '"' || e == '\\' || e == '/')
                ch = e;
            else if (e == 'u' && r->end - r->p >= 4) {
                char hex[5] = {r->p[0], r->p[1], r->p[2], r->p[3], 0};
                char *stop;
                long u = strtol(hex, &stop, 16);
                if (*stop || u >= 0x80 || u == 0)
                    return syntax(r, field); /* beyond what the search needs */
                ch = (char)u;
                r->p += 4;
            } else {
                return syntax(r, field);
            }
        }
        if (n + 1 < cap)
            out[n] = ch;
        n++;
    }
    if (r->p >= r->end)
        return syntax(r, field);
    r->p++;
    out[n < cap ? n : cap - 1] = '\0';
    return n < cap ? (int)n : (int)cap; /* cap: too long for out */
}

static int expect(reader *r, char ch, const char *field)
{
    ws(r);
    if (r->p >= r->end || *r->p != ch)
        return syntax(r, field);
    r->p++;
    return 0;
}

/* 1 when the next character is ch (consumed), else 0. */
static int accept(reader *r, char ch)
{
    ws(r);
    if (r->p < r->end && *r->p == ch) {
        r->p++;
        return 1;
    }
    return 0;
}

static int literal(reader *r, const char *word)
{
    ws(r);
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) >= n && strncmp(r->p, word, n) == 0) {
        r->p += n;
        return 1;
    }
    return 0;
}

static int date_time(reader *r, const char *field, int64_t *out)
{
    char text[72];
    int n = read_string(r, text, sizeof text, field);
    if (n < 0)
        return -1;
    if (n < 20 || n > 64 || sb_time_parse_rfc3339(text, out) < 0) {
        int length = n < 20 || n > 64;
        ppi_invalid(r->c, field, text, "body", length ? "INVALID_STRING_LENGTH" : "INVALID_PARAMETER_SYNTAX",
                    length ? "the value of a field is either too short or too long."
                           : PPI_SYNTAX);
        r->failed = 1;
        return -1;
    }
    return 0;
}

static int read_range(reader *r, ppi_filter *f)
{
    int has_start = 0, has_end = 0;
    if (expect(r, '{', "creation_date_range"))
        return -1;
    if (!accept(r, '}')) {
        do {
            char key[16];
            if (read_string(r, key, sizeof key, "creation_date_range") < 0 ||
                expect(r, ':', "creation_date_range"))
                return -1;
            if (strcmp(key, "start") == 0 && !has_start) {
                has_start = 1;
                if (date_time(r, "creation_date_range/start", &f->from))
                    return -1;
            } else if (strcmp(key, "end") == 0 && !has_end) {
                has_end = 1;
                if (date_time(r, "creation_date_range/end", &f->to))
                    return -1;
            } else {
                ppi_invalid(r->c, "creation_date_range", key, "body", "INVALID_PARAMETER_SYNTAX",
                            PPI_SYNTAX);
                r->failed = 1;
                return -1;
            }
        } while (accept(r, ','));
        if (expect(r, '}', "creation_date_range"))
            return -1;
    }
    if (!has_start || !has_end) {
        ppi_invalid(r->c, has_start ? "creation_date_range/end" : "creation_date_range/start", NULL, "body",
                    "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        r->failed = 1;
        return -1;
    }
    f->has_range = 1;
    return 0;
}

/* An array of strings; each passed to take(), which answers and returns -1 to refuse it. */
static int read_strings(reader *r, const char *field, ppi_filter *f, int (*take)(reader *, ppi_filter *, const char *))
{
    if (expect(r, '[', field))
        return -1;
    if (accept(r, ']'))
        return 0;
    do {
        char v[64];
        if (read_string(r, v, sizeof v, field) < 0 || take(r, f, v))
            return -1;
    } while (accept(r, ','));
    return expect(r, ']', field);
}

static int take_field(reader *r, ppi_filter *f, const char *v)
{
    static const char *const names[] = {"items", "payments", "refunds", "additional_recipients_info",
                                        "attachments"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(v, names[i]) == 0) {
            f->collections |= i < 3 ? 1u << i : 0; /* the sandbox renders neither of the last two */
            return 0;
        }
    ppi_invalid(r->c, "fields", v, "body", "INVALID_PARAMETER_SYNTAX",
                PPI_SYNTAX);
    r->failed = 1;
    return -1;
}

static int take_status(reader *r, ppi_filter *f, const char *v)
{
    static const char *const statuses[] = {"DRAFT", "SENT", "SCHEDULED", "PAID", "MARKED_AS_PAID", "CANCELLED",
                                           "REFUNDED", "PARTIALLY_PAID", "PARTIALLY_REFUNDED",
                                           "MARKED_AS_REFUNDED", "UNPAID", "PAYMENT_PENDING"};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        known |= strcmp(v, statuses[i]) == 0;
    if (!known || f->n_statuses == 5) {
        ppi_invalid(r->c, "status", known ? NULL : v, "body",
                    known ? "INVALID_ARRAY_MAX_ITEMS" : "INVALID_PARAMETER_SYNTAX",
                    known ? "the number of items in an array parameter is too large."
                          : PPI_SYNTAX);
        r->failed = 1;
        return -1;
    }
    snprintf(f->statuses[f->n_statuses++], sizeof f->statuses[0], "%s", v);
    return 0;
}

int ppi_read_search(pp_ctx *c, ppi_filter *f)
{
    static const char *const unsupported[] = {"recipient_email", "recipient_first_name", "recipient_last_name",
                                              "recipient_business_name", "reference", "memo",
                                              "total_amount_range", "invoice_date_range", "due_date_range",
                                              "payment_date_range"};
    memset(f, 0, sizeof *f);
    f->archived = -1;
    reader r = {c->req->body ? c->req->body : "", NULL, c, 0};
    r.end = r.p + (c->req->body ? c->req->body_len : 0);
    if (expect(&r, '{', "body"))
        return -1;
    if (!accept(&r, '}')) {
        do {
            char key[40];
            if (read_string(&r, key, sizeof key, "body") < 0 || expect(&r, ':', key))
                return -1;
            if (strcmp(key, "creation_date_range") == 0) {
                if (read_range(&r, f))
                    return -1;
            } else if (strcmp(key, "fields") == 0) {
                if (read_strings(&r, key, f, take_field))
                    return -1;
            } else if (strcmp(key, "status") == 0) {
                if (read_strings(&r, key, f, take_status))
                    return -1;
            } else if (strcmp(key, "currency_code") == 0) {
                int n = read_string(&r, f->currency, sizeof f->currency, key);
                if (n < 0)
                    return -1;
                if (n != 3) {
                    ppi_invalid(c, key, f->currency, "body", "INVALID_STRING_LENGTH",
                                "the value of a field is either too short or too long.");
                    return -1;
                }
            } else if (strcmp(key, "invoice_number") == 0) {
                int n = read_string(&r, f->number, sizeof f->number, key);
                if (n < 0)
                    return -1;
                if (n > 25) {
                    ppi_invalid(c, key, NULL, "body", "INVALID_STRING_MAX_LENGTH", "the value of a field is too long.");
                    return -1;
                }
            } else if (strcmp(key, "archived") == 0) {
                f->archived = literal(&r, "true") ? 1 : literal(&r, "false") ? 0 : literal(&r, "null") ? -1 : -2;
                if (f->archived == -2)
                    return syntax(&r, key);
            } else {
                int spec = 0;
                for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0]; i++)
                    spec |= strcmp(key, unsupported[i]) == 0;
                ppi_invalid(c, key, NULL, "body", spec ? "UNSUPPORTED_BY_SANDBOX" : "INVALID_PARAMETER_SYNTAX",
                            spec ? "billtap-sandbox does not filter by this field." : PPI_SYNTAX);
                return -1;
            }
        } while (accept(&r, ','));
        if (expect(&r, '}', "body"))
            return -1;
    }
    ws(&r);
    if (r.p != r.end)
        return syntax(&r, "body");
    return 0;
}

int ppi_matches(const ppi_filter *f, const ppi_inv *v)
{
    if (f->has_range && (v->created < f->from || v->created > f->to))
        return 0;
    if (f->currency[0] && strcmp(f->currency, w_currencies[v->ccy].code) != 0)
        return 0;
    if (f->number[0] && strcmp(f->number, v->number) != 0)
        return 0;
    if (f->archived == 1) /* none is archived */
        return 0;
    int status = f->n_statuses == 0;
    for (int i = 0; i < f->n_statuses; i++)
        status |= strcmp(f->statuses[i], v->status) == 0;
    return status;
}
