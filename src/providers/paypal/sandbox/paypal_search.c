/* Transaction Search: GET /v1/reporting/transactions.
 *
 * Order of checks: start_date and end_date (required, PayPal's date_time pattern), the
 * range (end before start; more than 31 days), the history (start before now - 1095 days,
 * or after last_refreshed_datetime = now - 3 h: "Data for the given start date is not
 * available."), then page_size (1-500, default 100), page (>= 1), fields,
 * balance_affecting_records_only (Y default, N) and the filters. Both bounds are
 * inclusive; a row initiated after last_refreshed_datetime is served once its own lag has
 * passed (pp_row_arrived: from epoch 1 on), so end_date is then clamped to now, at epoch 0
 * to the cutoff. More than
 * 10,000 matching rows: 400 RESULTSET_TOO_LARGE. Rows come in search order (initiation
 * date, then transaction id, then the fixed order of rows sharing an id). */
#include <stdio.h>
#include <string.h>

#include "paypal_endpoints.h"
#include "paypal_errors.h"
#include "paypal_faults.h"
#include "paypal_render.h"
#include "sandbox_json.h"
#include "sandbox_query.h"
#include "sandbox_time.h"

static void fail(pp_ctx *c, const char *field, const char *value, const char *issue, const char *description)
{
    pp_error(c->resp, PP_E_SEARCH, c->debug_id, field, value, issue, description);
}

static int parse_fields(const char *v, unsigned *mask)
{
    static const struct { const char *name; unsigned bit; } names[] = {
        {"transaction_info", PP_F_TRANSACTION}, {"payer_info", PP_F_PAYER},
        {"shipping_info", PP_F_SHIPPING}, {"auction_info", PP_F_AUCTION},
        {"cart_info", PP_F_CART}, {"incentive_info", PP_F_INCENTIVE},
        {"store_info", PP_F_STORE}, {"all", PP_F_ALL},
    };
    *mask = PP_F_TRANSACTION; /* transaction_info always comes */
    if (!*v)
        return -1;
    for (const char *p = v; p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        int known = 0;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            if (strlen(names[i].name) == len && strncmp(p, names[i].name, len) == 0) {
                *mask |= names[i].bit;
                known = 1;
            }
        }
        if (!known)
            return -1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

typedef struct filters {
    int balance_only;
    const char *txid, *type, *status, *currency, *store, *terminal, *instrument;
    int has_amount;
    long long amount_lo, amount_hi;
} filters;

/* "[lo TO hi]" in minor units ("lower denominations") */
static int parse_amount(const char *v, long long *lo, long long *hi)
{
    char a[24], b[24];
    if (sscanf(v, "[%20[0-9] TO %20[0-9]]", a, b) != 2)
        return -1;
    if (sb_parse_range(a, 0, 999999999999LL, lo) || sb_parse_range(b, 0, 999999999999LL, hi) || *lo > *hi)
        return -1;
    return 0;
}

static int matches(const pp_row *r, const filters *f)
{
    if (f->balance_only && !r->balance)
        return 0;
    if (f->txid && strcmp(f->txid, r->txid) != 0)
        return 0;
    if (f->type && strcmp(f->type, pp_event_codes[r->event]) != 0)
        return 0;
    if (f->status && (strlen(f->status) != 1 || f->status[0] != r->status))
        return 0;
    if (f->currency && strcmp(f->currency, w_currencies[r->ccy].code) != 0)
        return 0;
    if (f->store || f->terminal) /* no row of this account comes from a store */
        return 0;
    if (f->instrument) {
        const char *it = r->instrument == 1 ? "CREDITCARD" : r->instrument == 2 ? "DEBITCARD" : "";
        if (strcmp(f->instrument, it) != 0)
            return 0;
    }
    if (f->has_amount) {
        long long a = r->amount < 0 ? -r->amount : r->amount;
        if (a < f->amount_lo || a > f->amount_hi)
            return 0;
    }
    return 1;
}

static void page_link(pp_ctx *c, sb_json *j, long long page, const char *rel)
{
    sb_buf href;
    sb_buf_init(&href);
    sb_buf_printf(&href, "%s/v1/reporting/transactions?", c->base);
    int first = 1;
    for (size_t i = 0; i < c->req->params->n; i++) {
        const sb_param *p = &c->req->params->items[i];
        if (strcmp(p->key, "page") == 0)
            continue;
        if (!first)
            sb_buf_addc(&href, '&');
        first = 0;
        sb_query_escape(&href, p->key);
        sb_buf_addc(&href, '=');
        sb_query_escape(&href, p->value);
    }
    sb_buf_printf(&href, "%spage=%lld", first ? "" : "&", page);
    pp_json_link(j, sb_buf_str(&href), rel, "GET", 0);
    sb_buf_free(&href);
}

static void time_member(sb_json *j, const char *key, int64_t t)
{
    char buf[40];
    pp_format_time_search(t, buf);
    sbj_kstr(j, key, buf);
}

void pp_search(pp_ctx *c)
{
    const pp_state *s = c->s;
    const char *sd = sb_param_get(c->req->params, "start_date");
    const char *ed = sb_param_get(c->req->params, "end_date");
    int64_t start, end;
    if (!sd) {
        fail(c, "start_date", NULL, "MISSING_REQUIRED_PARAMETER", "A required field is missing.");
        return;
    }
    if (sb_time_parse_rfc3339(sd, &start)) {
        fail(c, "start_date", sd, "INVALID_PARAMETER_SYNTAX",
             "The value of a field does not conform to the expected format.");
        return;
    }
    if (!ed) {
        fail(c, "end_date", NULL, "MISSING_REQUIRED_PARAMETER", "A required field is missing.");
        return;
    }
    if (sb_time_parse_rfc3339(ed, &end)) {
        fail(c, "end_date", ed, "INVALID_PARAMETER_SYNTAX",
             "The value of a field does not conform to the expected format.");
        return;
    }
    if (end < start) {
        fail(c, "end_date", ed, "End date should be greater than start date", NULL);
        return;
    }
    if (end - start > PP_MAX_WINDOW_S) {
        fail(c, "end_date", ed, "Date range is greater than 31 days", NULL);
        return;
    }
    if (start < s->hist_start || start > s->cutoff) {
        pp_error(c->resp, PP_E_NO_DATA, c->debug_id, NULL, NULL, NULL, NULL);
        return;
    }
    long long size = 100, page = 1;
    const char *v;
    if ((v = sb_param_get(c->req->params, "page_size")) && sb_parse_range(v, 1, 500, &size)) {
        fail(c, "page_size", v, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
        return;
    }
    if ((v = sb_param_get(c->req->params, "page")) && sb_parse_range(v, 1, 2147483647LL, &page)) {
        fail(c, "page", v, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
        return;
    }
    unsigned fields = PP_F_TRANSACTION;
    if ((v = sb_param_get(c->req->params, "fields")) && parse_fields(v, &fields)) {
        fail(c, "fields", v, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
        return;
    }
    filters f;
    memset(&f, 0, sizeof f);
    f.balance_only = 1;
    if ((v = sb_param_get(c->req->params, "balance_affecting_records_only"))) {
        if (strcmp(v, "N") == 0)
            f.balance_only = 0;
        else if (strcmp(v, "Y") != 0) {
            fail(c, "balance_affecting_records_only", v, "INVALID_PARAMETER_VALUE",
                 "The value of a field is invalid.");
            return;
        }
    }
    if ((f.txid = sb_param_get(c->req->params, "transaction_id")) && (strlen(f.txid) < 17 || strlen(f.txid) > 19)) {
        fail(c, "transaction_id", f.txid, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
        return;
    }
    f.type = sb_param_get(c->req->params, "transaction_type");
    f.status = sb_param_get(c->req->params, "transaction_status");
    f.currency = sb_param_get(c->req->params, "transaction_currency");
    f.store = sb_param_get(c->req->params, "store_id");
    f.terminal = sb_param_get(c->req->params, "terminal_id");
    f.instrument = sb_param_get(c->req->params, "payment_instrument_type");
    if ((v = sb_param_get(c->req->params, "transaction_amount"))) {
        if (parse_amount(v, &f.amount_lo, &f.amount_hi)) {
            fail(c, "transaction_amount", v, "INVALID_PARAMETER_VALUE", "The value of a field is invalid.");
            return;
        }
        f.has_amount = 1;
    }

    int64_t upto = s->w->epoch > 0 ? s->now : s->cutoff; /* rows past the cutoff once their lag passed */
    int64_t last = end < upto ? end : upto;
    size_t lo = pp_rows_lower_bound(s, start), hi = pp_rows_lower_bound(s, last + 1);
    int inserted = c->req->fault->inserted;
    size_t total = 0;
    for (size_t i = lo; i < hi; i++)
        total += (size_t)(matches(&s->rows[i], &f) && pp_row_shown(s, i, inserted));
    if (total > PP_MAX_RESULTS) {
        pp_error_too_large(c->resp, c->debug_id, total, PP_MAX_RESULTS);
        return;
    }
    long long pages = (long long)((total + (size_t)size - 1) / (size_t)size);
    size_t told_items; /* what the totals say (inflate@N, shrink@N) */
    long long told_pages;
    pp_reported_totals(c->req->fault, total, size, &told_items, &told_pages);

    c->resp->status = 200;
    sb_buf_reset(&c->resp->body);
    sb_json j;
    sbj_init(&j, &c->resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "transaction_details");
    unsigned long long skip = (unsigned long long)(page - 1) * (unsigned long long)size, seen = 0;
    long long emitted = 0;
    for (size_t i = lo; i < hi && emitted < size && page <= pages; i++) {
        if (!matches(&s->rows[i], &f) || !pp_row_shown(s, i, inserted))
            continue;
        if (seen++ < skip)
            continue;
        pp_render_row(&j, s, &s->rows[i], fields);
        emitted++;
    }
    sbj_arr_end(&j);
    sbj_kstr(&j, "account_number", s->account_number);
    time_member(&j, "start_date", start);
    time_member(&j, "end_date", last);
    time_member(&j, "last_refreshed_datetime", s->cutoff);
    sbj_kint(&j, "page", page);
    sbj_kint(&j, "total_items", (int64_t)told_items);
    sbj_kint(&j, "total_pages", told_pages);
    sbj_karr(&j, "links");
    page_link(c, &j, page, "self");
    if (page < told_pages)
        page_link(c, &j, page + 1, "next");
    if (told_pages > 1)
        page_link(c, &j, told_pages, "last");
    sbj_arr_end(&j);
    sbj_obj_end(&j);
}
