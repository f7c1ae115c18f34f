/*
 * PayPal Invoicing v2 (openapi/invoicing_v2.json of paypal/paypal-rest-api-specifications).
 *
 * Which invoices: the world's one-off invoices (sub -1) in currencies PayPal takes, in the
 * world's creation order, numbered "0001", "0002", ... (PayPal's default numbering counts
 * up from the last number). Statuses: draft DRAFT; open SENT, PARTIALLY_PAID with a part
 * paid, PAYMENT_PENDING with a payment still settling; paid PAID when a PayPal payment
 * (its Transaction Search row) paid it, REFUNDED / PARTIALLY_REFUNDED after refunds,
 * MARKED_AS_PAID when no row is found (recorded by the merchant, an external payment);
 * void CANCELLED; uncollectible UNPAID (PayPal has no write-off: still owed).
 *
 * Items: a line's quantity and unit_amount, written so that unit x quantity is the line:
 * "q" and amount/q when that divides; for some lines "1.5" hours at two thirds of the
 * amount, or "0.5" at twice the amount less one minor unit (49.995 -> 50.00: the rounded
 * product); otherwise "1" at the amount. The world's one-off invoices have no tax or
 * discount.
 *
 * Requests: page 1..1000 and page_size 1..100 (default 20), total_required true|false,
 * fields all|none (list only; "none" leaves the collections out). Out of range: 400
 * INVALID_REQUEST with the spec's issue (INVALID_INTEGER_MAX_VALUE, ..._MIN_VALUE,
 * INVALID_PARAMETER_SYNTAX). The search body must be a JSON object; this sandbox filters by
 * creation_date_range (start and end required, RFC 3339), status (at most 5 of the spec's
 * statuses), currency_code, invoice_number and archived, and returns the collections
 * named in `fields` (items, payments, refunds) only. A member of the spec's search_data it
 * does not implement is answered 400 with issue UNSUPPORTED_BY_SANDBOX (never ignored);
 * a member not in the spec 400 INVALID_PARAMETER_SYNTAX.
 */
#include "paypal_invoicing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paypal_faults.h"
#include "sandbox_json.h"
#include "sandbox_query.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

#define INV_KIND 40 /* id kind number of invoices (beyond paypal_model.h's kinds) */
#define MAX_PAGE 1000
#define MAX_PAGE_SIZE 100
#define LINK_INVOICING "https://developer.paypal.com/docs/api/invoicing/v2/#error-"

/* ---- the projection ---- */

static int takes(int ccy)
{
    return ccy != W_KRW && ccy != W_KWD && ccy != W_BHD;
}

/* The world indices of the merchant's invoices, oldest first (caller frees). */
static size_t *invoice_list(const pp_state *s, size_t *n)
{
    const sb_world *w = s->w;
    size_t *list = sb_xmalloc((w->n_invoices ? w->n_invoices : 1) * sizeof *list);
    *n = 0;
    for (size_t k = 0; k < w->n_invoices; k++)
        if (w->invoices[k].sub < 0 && takes(w->invoices[k].ccy))
            list[(*n)++] = k;
    return list;
}

static const sb_id_style id_style = {"", "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16, 6, 0, NULL, 0};

/* "INV2-ABCD-EFGH-JKLM-NPQR": pos is the invoice's place in invoice_list(). */
static void invoice_id(const pp_state *s, size_t pos, char out[32])
{
    char body[SB_ID_MAX];
    sb_id_make(body, &id_style, s->w->seed, INV_KIND, pos);
    snprintf(out, 32, "INV2-%.4s-%.4s-%.4s-%.4s", body, body + 4, body + 8, body + 12);
}

static uint64_t hash(const pp_state *s, uint64_t what, uint64_t n)
{
    return sb_mix64(s->w->seed ^ sb_mix64(what << 40 ^ n));
}

/* The Transaction Search row of world payment p (its balance-affecting row), or -1. */
static long payment_row(const pp_state *s, const w_payment *p)
{
    int64_t t = p->created + s->delta, amount = pp_amount(p->ccy, p->amount);
    for (size_t i = pp_rows_lower_bound(s, t); i < s->n_rows && s->rows[i].time == t; i++) {
        const pp_row *r = &s->rows[i];
        if (r->payer == p->customer && r->amount == amount && r->ccy == p->ccy && r->balance &&
            r->ref_type != PP_REF_SUB && !r->merchant)
            return (long)i;
    }
    return -1;
}

typedef struct inv {
    const w_invoice *v;
    char id[32], number[16], payment_id[20];
    const char *status, *normalized;
    int ccy, shows_due;
    int64_t created, sent, canceled, due, paid_date; /* 0: none */
    int64_t item_total, subtotal, tax, total, paid, refunded; /* PayPal's minor units */
} inv;

typedef struct line {
    const char *name;
    char quantity[24];
    int64_t unit, amount;  /* unit x quantity rounds to amount */
    int has_quantity;      /* the normalized quantity: a whole number */
    int64_t whole;
} line;

static void line_of(const pp_state *s, const w_invoice *v, uint32_t j, line *l)
{
    const w_line *wl = &s->w->lines[v->first_line + j];
    uint64_t h = hash(s, 21, v->first_line + j);
    int64_t a = pp_amount(v->ccy, wl->amount), q = wl->quantity > 0 ? wl->quantity : 1;
    l->name = wl->description ? wl->description : "Item";
    l->amount = a;
    l->has_quantity = 1;
    if (h % 8 == 1 && a > 0) { /* half an hour at 2a - 1: the product rounds up to a */
        snprintf(l->quantity, sizeof l->quantity, "0.5");
        l->unit = 2 * a - 1;
        l->has_quantity = 0;
    } else if (h % 8 == 2 && a % 3 == 0) {
        snprintf(l->quantity, sizeof l->quantity, "1.5");
        l->unit = a / 3 * 2;
        l->has_quantity = 0;
    } else if (a % q == 0) {
        snprintf(l->quantity, sizeof l->quantity, "%lld", (long long)q);
        l->unit = a / q;
        l->whole = q;
    } else {
        snprintf(l->quantity, sizeof l->quantity, "1");
        l->unit = a;
        l->whole = 1;
    }
}

static void invoice_of(const pp_state *s, size_t pos, size_t k, inv *out)
{
    const sb_world *w = s->w;
    const w_invoice *v = &w->invoices[k];
    memset(out, 0, sizeof *out);
    out->v = v;
    out->ccy = v->ccy;
    invoice_id(s, pos, out->id);
    snprintf(out->number, sizeof out->number, "%04zu", pos + 1);
    out->created = v->created + s->delta;
    for (uint32_t j = 0; j < v->n_lines; j++) {
        line l;
        line_of(s, v, j, &l);
        out->item_total += l.amount;
    }
    out->subtotal = out->item_total; /* no discounts, no shipping */
    out->tax = 0;
    out->total = out->subtotal;
    const w_payment *p = v->payment >= 0 ? &w->payments[v->payment] : NULL;
    long row = p ? payment_row(s, p) : -1;
    if (v->status != W_INV_DRAFT) {
        out->sent = v->finalized_at + s->delta;
        out->shows_due = 1;
    }
    if (v->due_date)
        out->due = v->due_date + s->delta;
    switch (v->status) {
    case W_INV_DRAFT: out->status = "DRAFT"; out->normalized = "draft"; break;
    case W_INV_VOID:
        out->status = "CANCELLED";
        out->normalized = "void";
        out->canceled = v->voided_at + s->delta;
        break;
    case W_INV_UNCOLLECTIBLE: out->status = "UNPAID"; out->normalized = "open"; break;
    case W_INV_PAID:
        out->normalized = "paid";
        out->paid = out->total;
        out->paid_date = out->paid ? v->paid_at + s->delta : 0; /* nothing to pay: no payment */
        if (row >= 0 && out->paid) {
            snprintf(out->payment_id, sizeof out->payment_id, "%s", s->rows[row].txid);
            out->refunded = pp_amount(p->ccy, p->amount_refunded);
            out->status = !out->refunded ? "PAID" : out->refunded < out->paid ? "PARTIALLY_REFUNDED" : "REFUNDED";
        } else {
            out->status = "MARKED_AS_PAID";
        }
        break;
    default:
        out->normalized = "open";
        out->status = p && p->status == W_PAY_PENDING ? "PAYMENT_PENDING" : "SENT";
    }
}

void pp_invoices_link_rows(pp_state *s)
{
    size_t n, *list = invoice_list(s, &n);
    for (size_t pos = 0; pos < n; pos++) {
        inv v;
        invoice_of(s, pos, list[pos], &v);
        if (!v.payment_id[0])
            continue;
        for (size_t i = 0; i < s->n_rows; i++) { /* the payment's rows, and its refunds */
            pp_row *r = &s->rows[i];
            if (strcmp(r->txid, v.payment_id) == 0 ||
                (r->event == PP_EV_T1107 && strcmp(r->ref, v.payment_id) == 0))
                snprintf(r->invoice, sizeof r->invoice, "%s", v.number);
        }
    }
    free(list);
}

/* ---- rendering ---- */

static void date_only(int64_t t, char out[16])
{
    char z[32];
    sb_time_rfc3339(t, z);
    snprintf(out, 16, "%.10s", z);
}

static void money(sb_json *j, const char *key, int ccy, int64_t minor)
{
    char v[40];
    pp_format_money(minor, ccy, 0, v);
    sbj_kobj(j, key);
    sbj_kstr(j, "currency_code", w_currencies[ccy].code);
    sbj_kstr(j, "value", v);
    sbj_obj_end(j);
}

enum { C_ITEMS = 1, C_PAYMENTS = 2, C_REFUNDS = 4, C_ALL = 7 };

static void render_invoice(sb_json *j, const pp_state *s, const inv *v, unsigned collections, const char *base)
{
    const w_customer *c = &s->w->customers[v->v->customer];
    char d[16];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", v->id);
    sbj_kstr(j, "status", v->status);
    sbj_kobj(j, "detail");
    sbj_kstr(j, "currency_code", w_currencies[v->ccy].code);
    sbj_kstr(j, "invoice_number", v->number);
    date_only(v->created, d);
    sbj_kstr(j, "invoice_date", d);
    if (v->due) {
        sbj_kobj(j, "payment_term");
        sbj_lit(j, "term_type: 'DUE_ON_DATE_SPECIFIED'");
        date_only(v->due, d);
        sbj_kstr(j, "due_date", d);
        sbj_obj_end(j);
    }
    sbj_kobj(j, "metadata");
    sbj_ktime(j, "create_time", v->created);
    int64_t updated = v->canceled ? v->canceled : v->paid_date ? v->paid_date : v->sent ? v->sent : v->created;
    sbj_ktime(j, "last_update_time", updated);
    if (v->sent) {
        sbj_ktime(j, "first_sent_time", v->sent);
        sbj_ktime(j, "last_sent_time", v->sent);
    }
    if (v->canceled)
        sbj_ktime(j, "cancel_time", v->canceled);
    sbj_lit(j, "created_by_flow: 'REGULAR_SINGLE'");
    sbj_obj_end(j);
    sbj_kbool(j, "archived", 0);
    sbj_obj_end(j);
    sbj_kobj(j, "invoicer");
    sbj_lit(j, "email_address: 'billing@merchant.example'");
    sbj_obj_end(j);
    sbj_karr(j, "primary_recipients");
    sbj_obj_begin(j);
    sbj_kobj(j, "billing_info");
    if (c->given) {
        sbj_kobj(j, "name");
        sbj_kstr(j, "given_name", c->given);
        sbj_kstr(j, "surname", c->family);
        sbj_obj_end(j);
    }
    if (c->business)
        sbj_kstr(j, "business_name", c->business);
    if (c->email)
        sbj_kstr(j, "email_address", c->email);
    sbj_obj_end(j);
    sbj_obj_end(j);
    sbj_arr_end(j);
    if (collections & C_ITEMS) {
        sbj_karr(j, "items");
        for (uint32_t k = 0; k < v->v->n_lines; k++) {
            line l;
            line_of(s, v->v, k, &l);
            sbj_obj_begin(j);
            sbj_kstr(j, "name", l.name);
            sbj_kstr(j, "quantity", l.quantity);
            money(j, "unit_amount", v->ccy, l.unit);
            sbj_kstr(j, "unit_of_measure", l.has_quantity ? "QUANTITY" : "HOURS");
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
    }
    sbj_kobj(j, "configuration");
    sbj_lit(j, "tax_calculated_after_discount: true, tax_inclusive: false, allow_tip: false, "
               "partial_payment: {allow_partial_payment: false}");
    sbj_obj_end(j);
    sbj_kobj(j, "amount");
    char total[40];
    pp_format_money(v->total, v->ccy, 0, total);
    sbj_kstr(j, "currency_code", w_currencies[v->ccy].code);
    sbj_kstr(j, "value", total);
    sbj_kobj(j, "breakdown");
    money(j, "item_total", v->ccy, v->item_total);
    money(j, "tax_total", v->ccy, v->tax);
    sbj_obj_end(j);
    sbj_obj_end(j);
    if (v->shows_due)
        money(j, "due_amount", v->ccy, v->total - v->paid);
    if ((collections & C_PAYMENTS) && v->paid) {
        sbj_kobj(j, "payments");
        money(j, "paid_amount", v->ccy, v->paid);
        sbj_karr(j, "transactions");
        sbj_obj_begin(j);
        if (v->payment_id[0]) {
            sbj_kstr(j, "payment_id", v->payment_id);
            sbj_lit(j, "type: 'PAYPAL', method: 'PAYPAL'");
        } else {
            sbj_lit(j, "type: 'EXTERNAL', method: 'BANK_TRANSFER'");
        }
        date_only(v->paid_date, d);
        sbj_kstr(j, "payment_date", d);
        money(j, "amount", v->ccy, v->paid);
        sbj_obj_end(j);
        sbj_arr_end(j);
        sbj_obj_end(j);
    }
    if ((collections & C_REFUNDS) && v->refunded) {
        sbj_kobj(j, "refunds");
        money(j, "refund_amount", v->ccy, v->refunded);
        sbj_obj_end(j);
    }
    sbj_karr(j, "links");
    char href[200];
    snprintf(href, sizeof href, "%s/v2/invoicing/invoices/%s", base, v->id);
    pp_json_link(j, href, "self", "GET", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ---- errors ---- */

/* 400 INVALID_REQUEST with one detail (the spec's error_400 and its issues). */
static void invalid(pp_ctx *c, const char *field, const char *value, const char *location, const char *issue,
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

/* An integer query parameter in [lo, hi]; -1 when answered with the spec's error. */
static int int_param(pp_ctx *c, const char *name, long long lo, long long hi, long long *out)
{
    const char *v = sb_param_get(c->req->params, name);
    if (!v)
        return 0;
    int64_t n;
    if (sb_parse_int64(v, &n) < 0) {
        invalid(c, name, v, "query", "INVALID_PARAMETER_SYNTAX",
                "the value of a field does not conform to the expected format.");
        return -1;
    }
    if (n > hi || n < lo) {
        invalid(c, name, v, "query", n > hi ? "INVALID_INTEGER_MAX_VALUE" : "INVALID_INTEGER_MIN_VALUE",
                n > hi ? "Value exceeds max value." : "Value less than minimum value.");
        return -1;
    }
    *out = n;
    return 0;
}

typedef struct paging {
    long long page, size;
    int totals;
} paging;

static int parse_paging(pp_ctx *c, paging *pg)
{
    pg->page = 1;
    pg->size = 20;
    pg->totals = 0;
    if (int_param(c, "page", 1, MAX_PAGE, &pg->page) || int_param(c, "page_size", 1, MAX_PAGE_SIZE, &pg->size))
        return -1;
    const char *v = sb_param_get(c->req->params, "total_required");
    if (v && sb_parse_bool(v, &pg->totals) < 0) {
        invalid(c, "total_required", v, "query", "INVALID_PARAMETER_SYNTAX",
                "the value of a field does not conform to the expected format.");
        return -1;
    }
    return 0;
}

/* ---- the search body: a small strict JSON reader ---- */

typedef struct filter {
    int64_t from, to;          /* creation_date_range, inclusive; from > to: none */
    int has_range;
    unsigned collections;
    char statuses[5][24];
    int n_statuses;
    char currency[4], number[32];
    int archived;              /* -1 all, 0 unarchived only, 1 archived only */
} filter;

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
        invalid(r->c, field, NULL, "body", "MALFORMED_REQUEST_JSON", "The request JSON is not well formed.");
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
        invalid(r->c, field, text, "body", n < 20 || n > 64 ? "INVALID_STRING_LENGTH" : "INVALID_PARAMETER_SYNTAX",
                n < 20 || n > 64 ? "the value of a field is either too short or too long."
                                 : "the value of a field does not conform to the expected format.");
        r->failed = 1;
        return -1;
    }
    return 0;
}

static int read_range(reader *r, filter *f)
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
                invalid(r->c, "creation_date_range", key, "body", "INVALID_PARAMETER_SYNTAX",
                        "the value of a field does not conform to the expected format.");
                r->failed = 1;
                return -1;
            }
        } while (accept(r, ','));
        if (expect(r, '}', "creation_date_range"))
            return -1;
    }
    if (!has_start || !has_end) {
        invalid(r->c, has_start ? "creation_date_range/end" : "creation_date_range/start", NULL, "body",
                "MISSING_REQUIRED_PARAMETER", "A required field / parameter is missing.");
        r->failed = 1;
        return -1;
    }
    f->has_range = 1;
    return 0;
}

/* An array of strings; each passed to take(), which answers and returns -1 to refuse it. */
static int read_strings(reader *r, const char *field, filter *f, int (*take)(reader *, filter *, const char *))
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

static int take_field(reader *r, filter *f, const char *v)
{
    static const char *const names[] = {"items", "payments", "refunds", "additional_recipients_info",
                                        "attachments"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(v, names[i]) == 0) {
            f->collections |= i < 3 ? 1u << i : 0; /* the sandbox renders neither of the last two */
            return 0;
        }
    invalid(r->c, "fields", v, "body", "INVALID_PARAMETER_SYNTAX",
            "the value of a field does not conform to the expected format.");
    r->failed = 1;
    return -1;
}

static int take_status(reader *r, filter *f, const char *v)
{
    static const char *const statuses[] = {"DRAFT", "SENT", "SCHEDULED", "PAID", "MARKED_AS_PAID", "CANCELLED",
                                           "REFUNDED", "PARTIALLY_PAID", "PARTIALLY_REFUNDED",
                                           "MARKED_AS_REFUNDED", "UNPAID", "PAYMENT_PENDING"};
    int known = 0;
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        known |= strcmp(v, statuses[i]) == 0;
    if (!known || f->n_statuses == 5) {
        invalid(r->c, "status", known ? NULL : v, "body", known ? "INVALID_ARRAY_MAX_ITEMS" : "INVALID_PARAMETER_SYNTAX",
                known ? "the number of items in an array parameter is too large."
                      : "the value of a field does not conform to the expected format.");
        r->failed = 1;
        return -1;
    }
    snprintf(f->statuses[f->n_statuses++], sizeof f->statuses[0], "%s", v);
    return 0;
}

/* Parses and checks the search body into f; -1 when the error is answered. */
static int read_search(pp_ctx *c, filter *f)
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
                    invalid(c, key, f->currency, "body", "INVALID_STRING_LENGTH",
                            "the value of a field is either too short or too long.");
                    return -1;
                }
            } else if (strcmp(key, "invoice_number") == 0) {
                int n = read_string(&r, f->number, sizeof f->number, key);
                if (n < 0)
                    return -1;
                if (n > 25) {
                    invalid(c, key, NULL, "body", "INVALID_STRING_MAX_LENGTH", "the value of a field is too long.");
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
                invalid(c, key, NULL, "body", spec ? "UNSUPPORTED_BY_SANDBOX" : "INVALID_PARAMETER_SYNTAX",
                        spec ? "billtap-sandbox does not filter by this field."
                             : "the value of a field does not conform to the expected format.");
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

static int matches(const filter *f, const inv *v)
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

/* ---- the endpoints ---- */

static void answer(pp_ctx *c, const paging *pg, const filter *f, unsigned collections, const char *self)
{
    const pp_state *s = c->s;
    size_t n, *list = invoice_list(s, &n), total = 0;
    size_t first = (size_t)((pg->page - 1) * pg->size), last = first + (size_t)pg->size;
    c->resp->status = 200;
    sb_buf_reset(&c->resp->body);
    sb_json j;
    sbj_init(&j, &c->resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "items");
    for (size_t pos = 0; pos < n; pos++) {
        inv v;
        invoice_of(s, pos, list[pos], &v);
        if (f && !matches(f, &v))
            continue;
        if (total >= first && total < last)
            render_invoice(&j, s, &v, collections, c->base);
        total++;
    }
    sbj_arr_end(&j);
    size_t items;
    long long pages;
    pp_reported_totals(c->req->fault, total, pg->size, &items, &pages);
    if (pg->totals && items) { /* PayPal leaves the totals out of an empty answer */
        sbj_kint(&j, "total_items", (int64_t)items);
        sbj_kint(&j, "total_pages", pages);
    }
    sbj_karr(&j, "links");
    char href[300];
    snprintf(href, sizeof href, "%s%s?page=%lld&page_size=%lld&total_required=%s", c->base, self, pg->page,
             pg->size, pg->totals ? "true" : "false");
    pp_json_link(&j, href, "self", f ? "POST" : "GET", 0);
    if (pg->page < pages) {
        snprintf(href, sizeof href, "%s%s?page=%lld&page_size=%lld&total_required=%s", c->base, self,
                 pg->page + 1, pg->size, pg->totals ? "true" : "false");
        pp_json_link(&j, href, "next", f ? "POST" : "GET", 0);
    }
    sbj_arr_end(&j);
    sbj_obj_end(&j);
    free(list);
}

static void list_invoices(pp_ctx *c)
{
    paging pg;
    if (parse_paging(c, &pg))
        return;
    const char *fields = sb_param_get(c->req->params, "fields");
    int none = fields && strcasecmp(fields, "none") == 0;
    if (fields && !none && strcasecmp(fields, "all") != 0) {
        invalid(c, "fields", fields, "query", "INVALID_PARAMETER_SYNTAX",
                "the value of a field does not conform to the expected format.");
        return;
    }
    answer(c, &pg, NULL, none ? 0 : C_ALL, "/v2/invoicing/invoices");
}

static void search_invoices(pp_ctx *c)
{
    paging pg;
    filter f;
    if (parse_paging(c, &pg) || read_search(c, &f))
        return;
    answer(c, &pg, &f, f.collections, "/v2/invoicing/search-invoices");
}

int pp_invoicing_route(pp_ctx *c)
{
    const char *m = c->req->method, *path = c->req->path;
    if (strcmp(path, "/v2/invoicing/invoices") == 0 && strcmp(m, "GET") == 0)
        list_invoices(c);
    else if (strcmp(path, "/v2/invoicing/search-invoices") == 0 && strcmp(m, "POST") == 0)
        search_invoices(c);
    else
        return 0;
    return 1;
}

/* ---- truth: the normalized invoices (docs/data-model.md, PayPal's rules) ---- */

typedef struct keyed {
    char id[32];
    size_t pos, k;
} keyed;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

static void truth_money(sb_json *j, int ccy)
{
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", pp_exponent(ccy));
}

void pp_write_invoices_truth(const void *state, sb_truth_file *o)
{
    const pp_state *s = state;
    size_t n, *list = invoice_list(s, &n);
    keyed *order = sb_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t pos = 0; pos < n; pos++) {
        invoice_id(s, pos, order[pos].id);
        order[pos].pos = pos;
        order[pos].k = list[pos];
    }
    qsort(order, n, sizeof *order, by_id);
    for (size_t i = 0; i < n; i++) {
        inv v;
        invoice_of(s, order[i].pos, order[i].k, &v);
        sb_json *j = sb_truth_record(o, "invoice");
        sbj_kstr(j, "id", v.id);
        sbj_kstr(j, "number", v.number);
        sbj_knull(j, "customer_id"); /* recipients have no payer id */
        sbj_knull(j, "subscription_id");
        sbj_kstr(j, "status", v.normalized);
        sbj_kstr(j, "provider_status", v.status);
        truth_money(j, v.ccy);
        sbj_kint(j, "subtotal", v.subtotal);
        sbj_kint(j, "discount", 0);
        sbj_kint(j, "tax", v.tax);
        sbj_kint(j, "total", v.total);
        sbj_kint(j, "amount_paid", v.paid);
        sbj_kintn(j, "amount_due", v.shows_due, v.total - v.paid);
        sbj_ktime(j, "created_at", v.created);
        sbj_ktime(j, "issued_at", v.sent);
        sbj_ktime(j, "due_at", v.due ? v.due / PP_DAY_S * PP_DAY_S : 0); /* a date: midnight UTC */
        sbj_ktime(j, "paid_at", v.paid_date ? v.paid_date / PP_DAY_S * PP_DAY_S : 0);
        sbj_ktime(j, "voided_at", v.canceled);
        sbj_knull(j, "period_start");
        sbj_knull(j, "period_end");
        sbj_karr(j, "lines");
        for (uint32_t k = 0; k < v.v->n_lines; k++) {
            line l;
            line_of(s, v.v, k, &l);
            sbj_obj_begin(j);
            sbj_kstr(j, "object", "invoice_line");
            sbj_knull(j, "id");
            sbj_kstr(j, "kind", "one_off");
            sbj_knull(j, "plan_id");
            sbj_kstr(j, "description", l.name);
            sbj_kintn(j, "quantity", l.has_quantity, l.whole);
            sbj_kint(j, "amount", l.amount);
            truth_money(j, v.ccy);
            sbj_knull(j, "period_start");
            sbj_knull(j, "period_end");
            sbj_kbool(j, "proration", 0);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
    free(list);
}
