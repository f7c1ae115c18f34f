/*
 * PayPal Invoicing v2 (openapi/invoicing_v2.json of paypal/paypal-rest-api-specifications).
 *
 * Which invoices: the world's one-off invoices (sub -1) in currencies PayPal takes, and
 * the invoices of subscriptions PayPal's plans cannot express (several items, metered or
 * tiered prices: paypal_project.c bills only one-item fixed-price ones), which the
 * merchant bills by PayPal invoice and records as paid (MARKED_AS_PAID: no Transaction
 * Search row pays them), in the world's creation order, numbered "0001", "0002", ... (PayPal's default numbering counts
 * up from the last number). Statuses: draft DRAFT; open SENT, PARTIALLY_PAID with a part
 * paid, PAYMENT_PENDING with a payment still settling; paid PAID when a PayPal payment
 * (its Transaction Search row) paid it, REFUNDED / PARTIALLY_REFUNDED after refunds,
 * MARKED_AS_PAID when no row is found (recorded by the merchant, an external payment);
 * void CANCELLED; uncollectible UNPAID (PayPal has no write-off: still owed).
 *
 * Items: a line's quantity and unit_amount, written so that unit x quantity is the line:
 * "q" and amount/q when that divides; for some lines "1.5" hours at two thirds of the
 * amount, or "0.5" at twice the amount less one minor unit (49.995 -> 50.00: the rounded
 * product); otherwise "1" at the amount. An introductory price is the item's own discount
 * (an amount), a coupon the invoice's (invoice_discount.amount), tax per item with the
 * invoice's rate, included in prices or added (configuration.tax_inclusive).
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
 *
 * This file renders and serves; paypal_invoicing_project.c decides what each invoice is,
 * paypal_invoicing_search.c reads the search body, paypal_invoicing_truth.c writes the
 * truth.
 */
#include "paypal_invoicing.h"
#include "paypal_invoicing_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "paypal_faults.h"
#include "paypal_render.h"
#include "sandbox_json.h"
#include "sandbox_query.h"
#include "sandbox_time.h"

#define MAX_PAGE 1000
#define MAX_PAGE_SIZE 100

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


static void render_invoice(sb_json *j, const pp_state *s, const ppi_inv *v, unsigned collections, const char *base)
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
    if (collections & PPI_ITEMS) {
        sbj_karr(j, "items");
        for (uint32_t k = 0; k < v->v->n_lines; k++) {
            ppi_line l;
            ppi_line_of(s, v->v, k, &l);
            sbj_obj_begin(j);
            sbj_kstr(j, "name", l.name);
            sbj_kstr(j, "quantity", l.quantity);
            money(j, "unit_amount", v->ccy, l.unit);
            if (l.tax) {
                char pct[16];
                snprintf(pct, sizeof pct, "%d", v->tax_pct);
                sbj_kobj(j, "tax");
                sbj_lit(j, "name: 'Sales Tax'");
                sbj_kstr(j, "percent", pct);
                money(j, "amount", v->ccy, l.tax);
                sbj_obj_end(j);
            }
            if (l.own) { /* its own discount: an item's discount amount is positive */
                sbj_kobj(j, "discount");
                money(j, "amount", v->ccy, l.own);
                sbj_obj_end(j);
            }
            sbj_kstr(j, "unit_of_measure", l.has_quantity ? "QUANTITY" : "HOURS");
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
    }
    sbj_kobj(j, "configuration");
    sbj_lit(j, "tax_calculated_after_discount: true, allow_tip: false, "
               "partial_payment: {allow_partial_payment: false}");
    sbj_kbool(j, "tax_inclusive", v->tax_inclusive);
    sbj_obj_end(j);
    sbj_kobj(j, "amount");
    char total[40];
    pp_format_money(v->total, v->ccy, 0, total);
    sbj_kstr(j, "currency_code", w_currencies[v->ccy].code);
    sbj_kstr(j, "value", total);
    sbj_kobj(j, "breakdown");
    money(j, "item_total", v->ccy, v->item_total);
    if (v->item_discount || v->discount) { /* aggregated discounts are written negative */
        sbj_kobj(j, "discount");
        if (v->item_discount)
            money(j, "item_discount", v->ccy, -v->item_discount);
        if (v->discount) {
            sbj_kobj(j, "invoice_discount");
            money(j, "amount", v->ccy, -v->discount);
            sbj_obj_end(j);
        }
        sbj_obj_end(j);
    }
    money(j, "tax_total", v->ccy, v->tax);
    sbj_obj_end(j);
    sbj_obj_end(j);
    if (v->shows_due)
        money(j, "due_amount", v->ccy, v->total - v->paid);
    if ((collections & PPI_PAYMENTS) && v->paid) {
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
    if ((collections & PPI_REFUNDS) && v->refunded) {
        sbj_kobj(j, "refunds");
        money(j, "refund_amount", v->ccy, v->refunded);
        sbj_obj_end(j);
    }
    sbj_karr(j, "links");
    char href[256]; /* base is at most 159 bytes */
    snprintf(href, sizeof href, "%s/v2/invoicing/invoices/%s", base, v->id);
    pp_json_link(j, href, "self", "GET", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* An integer query parameter in [lo, hi]; -1 when answered with the spec's error. */
static int int_param(pp_ctx *c, const char *name, long long lo, long long hi, long long *out)
{
    const char *v = sb_param_get(c->req->params, name);
    if (!v)
        return 0;
    int64_t n;
    if (sb_parse_int64(v, &n) < 0) {
        ppi_invalid(c, name, v, "query", "INVALID_PARAMETER_SYNTAX",
                    PPI_SYNTAX);
        return -1;
    }
    if (n > hi || n < lo) {
        ppi_invalid(c, name, v, "query", n > hi ? "INVALID_INTEGER_MAX_VALUE" : "INVALID_INTEGER_MIN_VALUE",
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
        ppi_invalid(c, "total_required", v, "query", "INVALID_PARAMETER_SYNTAX",
                    PPI_SYNTAX);
        return -1;
    }
    return 0;
}

/* ---- the endpoints ---- */

static void answer(pp_ctx *c, const paging *pg, const ppi_filter *f, unsigned collections, const char *self)
{
    const pp_state *s = c->s;
    size_t n, *list = ppi_list(s, &n), total = 0;
    size_t first = (size_t)((pg->page - 1) * pg->size), last = first + (size_t)pg->size;
    c->resp->status = 200;
    sb_buf_reset(&c->resp->body);
    sb_json j;
    sbj_init(&j, &c->resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "items");
    for (size_t pos = 0; pos < n; pos++) {
        ppi_inv v;
        ppi_invoice_of(s, pos, list[pos], &v);
        if (f && !ppi_matches(f, &v))
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
        ppi_invalid(c, "fields", fields, "query", "INVALID_PARAMETER_SYNTAX",
                    PPI_SYNTAX);
        return;
    }
    answer(c, &pg, NULL, none ? 0 : PPI_ALL, "/v2/invoicing/invoices");
}

static void search_invoices(pp_ctx *c)
{
    paging pg;
    ppi_filter f;
    if (parse_paging(c, &pg) || ppi_read_search(c, &f))
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
