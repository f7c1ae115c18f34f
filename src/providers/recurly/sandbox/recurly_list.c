/* Recurly's list endpoints: limit 1-200 (default 20), order asc|desc (default desc), sort
 * created_at|updated_at (default created_at), begin_time/end_time on the sort field
 * (inclusive; a time without a zone is UTC), each list's own filters, and `next`: the path
 * of the following page with a cursor and every parameter, while has_more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recurly_errors.h"
#include "recurly_model.h"
#include "sandbox_paging.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

static const char *const list_paths[RC_NLISTS] = {"/accounts", "/plans", "/subscriptions", "/transactions",
                                                  "/invoices"};

typedef struct rc_query {
    const rc_state *st;
    const rc_list *list;
    int list_kind;                /* RC_L_*, or RC_L_LINES */
    const char *path;             /* the list's path, for `next` */
    long invoice;                 /* RC_L_LINES: whose lines */
    int desc, by_updated;
    long long limit;
    int has_begin, has_end;
    int64_t begin, end;
    const char *email, *state, *type, *success;
} rc_query;

/* The entry at position pos of the requested order. */
static const rc_entry *entry_at(const rc_query *q, size_t pos)
{
    size_t n = q->list->n, p = q->desc ? n - 1 - pos : pos;
    return &q->list->by_created[q->by_updated ? q->list->by_updated[p] : p];
}

static int type_matches(const rc_query *q, const rc_entry *e)
{
    const w_payment *p = e->kind == RC_PURCHASE ? &q->st->w->payments[e->index] : NULL;
    const char *type = e->kind == RC_REFUND ? "refund" : p->uncaptured ? "authorization" : "purchase";
    /* "payment": purchases and captures */
    if (!strcmp(q->type, "payment"))
        return !strcmp(type, "purchase") || !strcmp(type, "capture");
    return !strcmp(q->type, type);
}

static int success_of(const rc_query *q, const rc_entry *e)
{
    const char *status = e->kind == RC_REFUND ? rc_refund_status(&q->st->w->refunds[e->index])
                                              : rc_payment_status(&q->st->w->payments[e->index]);
    return !strcmp(status, "success") || !strcmp(status, "chargeback");
}

/* state=: active, canceled, expired, future exactly; in_trial: the trial began before now
 * and ends after it; live: active, canceled, future or in trial. */
static int sub_state_matches(const rc_query *q, const rc_entry *e)
{
    const char *state = rc_sub_state_names[(int)q->st->sub_state[e->index]];
    rc_sub_dates d;
    rc_sub_dates_of(q->st, e->index, &d);
    int64_t now = q->st->w->now;
    int in_trial = d.trial_start && d.trial_end && d.trial_start < now && d.trial_end > now;
    if (!strcmp(q->state, "in_trial"))
        return in_trial;
    if (!strcmp(q->state, "live"))
        return in_trial || !strcmp(state, "active") || !strcmp(state, "canceled") || !strcmp(state, "future");
    return !strcmp(q->state, state);
}

static int match(const void *ctx, size_t pos)
{
    const rc_query *q = ctx;
    const rc_entry *e = entry_at(q, pos);
    int64_t t = q->by_updated ? e->updated : e->created;
    if ((q->has_begin && t < q->begin) || (q->has_end && t > q->end))
        return 0;
    if (q->email && (e->kind != RC_ACCOUNT || !q->st->w->customers[e->index].email ||
                     strcmp(q->email, q->st->w->customers[e->index].email) != 0))
        return 0;
    if (q->state && e->kind == RC_PLAN &&
        strcmp(q->state, q->st->plans[e->index].active ? "active" : "inactive") != 0)
        return 0;
    if (q->state && e->kind == RC_SUB && !sub_state_matches(q, e))
        return 0;
    if (q->state && e->kind == RC_INVOICE &&
        strcmp(q->state, rc_invoice_state_names[(int)q->st->invoice_state[e->index]]) != 0)
        return 0;
    /* every invoice shown is a charge invoice (none is legacy) */
    if (q->type && e->kind == RC_INVOICE && strcmp(q->type, "charge") != 0 && strcmp(q->type, "non-legacy") != 0)
        return 0;
    if (q->type && e->kind != RC_INVOICE && !type_matches(q, e))
        return 0;
    if (q->success && !success_of(q, e))
        return 0;
    return 1;
}

/* ISO 8601 with seconds; without a zone it is UTC (as Recurly documents). */
static int parse_time(const char *s, int64_t *out)
{
    if (sb_time_parse_rfc3339(s, out) == 0)
        return 0;
    char with_zone[64];
    if (strlen(s) + 2 > sizeof with_zone || strchr(s, 'Z') || strchr(s, '+'))
        return -1;
    snprintf(with_zone, sizeof with_zone, "%sZ", s);
    return sb_time_parse_rfc3339(with_zone, out);
}

/* A cursor names the last position of the previous page in one order of one list, and a
 * check that it was made here for that order ("12.k3f9"). */
static uint64_t cursor_check(const rc_query *q, long pos)
{
    uint64_t list = (uint64_t)q->list_kind ^ ((uint64_t)(q->invoice + 1) << 4);
    return sb_mix64(q->st->w->seed ^ sb_mix64((((uint64_t)pos << 40) ^ (list << 2)) |
                                              (uint64_t)(q->desc << 1) | (uint64_t)q->by_updated)) %
           1000000007ULL;
}

static int parse_cursor(const rc_query *q, const char *s, long *pos)
{
    char *end;
    long p = strtol(s, &end, 10);
    if (end == s || *end != '.' || p < 0 || (size_t)p >= q->list->n)
        return -1;
    unsigned long long check = strtoull(end + 1, &end, 36);
    if (*end || check != cursor_check(q, p))
        return -1;
    *pos = p;
    return 0;
}

static void put_cursor(sb_buf *b, const rc_query *q, long pos)
{
    char digits[16];
    uint64_t c = cursor_check(q, pos);
    int n = 0;
    do {
        digits[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[c % 36];
        c /= 36;
    } while (c);
    sb_buf_printf(b, "%ld.", pos);
    while (n)
        sb_buf_addc(b, digits[--n]);
}

/* Every parameter of the request but the cursor, for `next`. */
static void next_path(sb_buf *b, const rc_query *q, const sb_request *req, long pos)
{
    sb_buf_adds(b, q->path);
    sb_buf_adds(b, "?cursor=");
    put_cursor(b, q, pos);
    sb_buf_printf(b, "&limit=%lld&order=%s&sort=%s", q->limit, q->desc ? "desc" : "asc",
                  q->by_updated ? "updated_at" : "created_at");
    static const char *const kept[] = {"begin_time", "end_time", "email", "state", "type", "success"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        const char *v = sb_param_get(req->params, kept[i]);
        if (v) {
            sb_buf_printf(b, "&%s=", kept[i]);
            sb_query_escape(b, v);
        }
    }
}

static int one_of(const char *v, const char *const *words)
{
    for (; *words; words++)
        if (!strcmp(v, *words))
            return 1;
    return 0;
}

/* Reads the parameters into q; 0, or -1 with the 400 answered. */
static int read_query(rc_query *q, const sb_request *req, sb_response *resp)
{
    static const char *const orders[] = {"asc", "desc", NULL};
    static const char *const sorts[] = {"created_at", "updated_at", NULL};
    static const char *const states[] = {"active", "inactive", NULL};
    static const char *const sub_states[] = {"active", "canceled", "expired", "future", "in_trial", "live", NULL};
    static const char *const types[] = {"authorization", "capture", "payment", "purchase",
                                        "refund", "verify", NULL};
    const sb_params *ps = req->params;
    const char *v;
    q->limit = 20;
    if ((v = sb_param_get(ps, "limit")) && sb_parse_range(v, 1, 200, &q->limit) != 0)
        return rc_error_param(resp, "limit", "must be an integer between 1 and 200", v);
    v = sb_param_get(ps, "order");
    if (v && !one_of(v, orders))
        return rc_error_param(resp, "order", "must be one of asc, desc", v);
    q->desc = !v || !strcmp(v, "desc");
    v = sb_param_get(ps, "sort");
    if (v && !one_of(v, sorts))
        return rc_error_param(resp, "sort", "must be one of created_at, updated_at", v);
    q->by_updated = v && !strcmp(v, "updated_at");
    if ((v = sb_param_get(ps, "begin_time")) && (q->has_begin = 1, parse_time(v, &q->begin) != 0))
        return rc_error_param(resp, "begin_time", "must be an ISO 8601 date-time", v);
    if ((v = sb_param_get(ps, "end_time")) && (q->has_end = 1, parse_time(v, &q->end) != 0))
        return rc_error_param(resp, "end_time", "must be an ISO 8601 date-time", v);
    if (q->list_kind == RC_L_ACCOUNTS)
        q->email = sb_param_get(ps, "email");
    if (q->list_kind == RC_L_PLANS && (q->state = sb_param_get(ps, "state")) && !one_of(q->state, states))
        return rc_error_param(resp, "state", "must be one of active, inactive", q->state);
    if (q->list_kind == RC_L_SUBSCRIPTIONS && (q->state = sb_param_get(ps, "state")) &&
        !one_of(q->state, sub_states))
        return rc_error_param(resp, "state", "must be one of active, canceled, expired, future, in_trial, live",
                              q->state);
    if (q->list_kind == RC_L_INVOICES) {
        static const char *const invoice_states[] = {"pending", "past_due", "paid", "failed", NULL};
        static const char *const invoice_types[] = {"charge", "credit", "legacy", "non-legacy", NULL};
        if ((q->state = sb_param_get(ps, "state")) && !one_of(q->state, invoice_states))
            return rc_error_param(resp, "state", "must be one of pending, past_due, paid, failed", q->state);
        if ((q->type = sb_param_get(ps, "type")) && !one_of(q->type, invoice_types))
            return rc_error_param(resp, "type", "must be one of charge, credit, legacy, non-legacy", q->type);
    }
    if (q->list_kind == RC_L_TRANSACTIONS) {
        if ((q->type = sb_param_get(ps, "type")) && !one_of(q->type, types))
            return rc_error_param(resp, "type", "is not a transaction type", q->type);
        if ((q->success = sb_param_get(ps, "success")) && strcmp(q->success, "true") != 0)
            return rc_error_param(resp, "success", "must be true", q->success);
    }
    return 0;
}

int rc_list_of(const char *path)
{
    for (int k = 0; k < RC_NLISTS; k++)
        if (!strcmp(path, list_paths[k]))
            return k;
    return -1;
}

/* Answers a list request for q (its list, kind and path set). */
static void serve_query(rc_query *q, const sb_request *req, sb_response *resp)
{
    const rc_state *st = q->st;
    if (read_query(q, req, resp) < 0)
        return;
    long cursor = -1;
    const char *c = sb_param_get(req->params, "cursor");
    if (c && parse_cursor(q, c, &cursor) != 0) {
        rc_error_param(resp, "cursor", "is not a cursor of this list", c);
        return;
    }
    if (!strcmp(req->method, "HEAD")) {
        /* the count of matching records, no body */
        size_t n = 0;
        for (size_t i = 0; i < q->list->n; i++)
            n += (size_t)match(q, i);
        char total[24];
        snprintf(total, sizeof total, "%zu", n);
        sb_response_header(resp, "Recurly-Total-Records", total);
        resp->status = 200;
        return;
    }
    sb_buf key;
    sb_buf_init(&key);
    sb_buf_printf(&key, "%s?%s", req->path, c ? c : "");
    sb_page pg;
    sb_cursor_page(&pg, q->list->n, cursor, 0, (size_t)q->limit, match, q, sb_buf_str(&key), st->w->seed);
    sb_buf_free(&key);
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "object", "list");
    sbj_kbool(&j, "has_more", pg.has_more);
    if (pg.has_more) {
        sb_buf next;
        sb_buf_init(&next);
        next_path(&next, q, req, (long)pg.positions[pg.n - 1]);
        sbj_kstr(&j, "next", sb_buf_str(&next));
        sb_buf_free(&next);
    } else {
        sbj_knull(&j, "next");
    }
    sbj_karr(&j, "data");
    for (size_t i = 0; i < pg.n; i++) {
        const rc_entry *e = entry_at(q, pg.positions[i]);
        if (e->kind == RC_LINE)
            rc_render_line(&j, st, e->index);
        else
            rc_render(&j, st, e);
    }
    sbj_arr_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    free(pg.positions);
    resp->status = 200;
}

void rc_serve_list(const rc_state *st, int list_kind, const sb_request *req, sb_response *resp)
{
    rc_query q = {.st = st, .list = &st->lists[list_kind], .list_kind = list_kind,
                  .path = list_paths[list_kind], .invoice = -1};
    serve_query(&q, req, resp);
}

/* An invoice's line items, in their order (all created with the invoice). */
void rc_serve_lines(const rc_state *st, size_t invoice, const sb_request *req, sb_response *resp)
{
    const w_invoice *v = &st->w->invoices[invoice];
    rc_list lines = {0};
    lines.n = v->n_lines;
    lines.by_created = sb_xcalloc(v->n_lines + 1, sizeof *lines.by_created);
    lines.by_updated = sb_xcalloc(v->n_lines + 1, sizeof *lines.by_updated);
    for (uint32_t k = 0; k < v->n_lines; k++) {
        lines.by_created[k] = (rc_entry){RC_LINE, v->first_line + k, v->created, v->created};
        lines.by_updated[k] = k;
    }
    char id[SB_ID_MAX];
    rc_id(st, RC_INVOICE, invoice, id);
    sb_buf path;
    sb_buf_init(&path);
    sb_buf_printf(&path, "/invoices/%s/line_items", id);
    rc_query q = {.st = st, .list = &lines, .list_kind = RC_L_LINES, .path = sb_buf_str(&path),
                  .invoice = (long)invoice};
    serve_query(&q, req, resp);
    sb_buf_free(&path);
    free(lines.by_created);
    free(lines.by_updated);
}
