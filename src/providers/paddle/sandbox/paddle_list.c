/* GET /customers, /prices, /subscriptions, /transactions and /adjustments: per_page (1 to
 * the list's maximum: 200, transactions 30, adjustments 50; default 50, 30, 10), after=<id>
 * (the entities after that id in the list's order), order_by=id[ASC] or id[DESC] (the
 * default: newest first), status (a comma-separated list; customers and prices default to
 * active only), prices' recurring, include=product, id and product_id (comma-separated
 * lists of price and product ids), transactions' include and
 * created_at / updated_at / billed_at with [LT], [LTE], [GT], [GTE] or none (equal) in
 * RFC 3339. Another parameter Paddle documents for the list is refused as one the sandbox
 * does not filter by; an unknown one as unknown (400). Answers {"data":[...],"meta":
 * {"request_id","pagination":{"per_page","next","has_more","estimated_total"}}}: `next`
 * is always there, even on the last page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle_model.h"
#include "sandbox_time.h"

typedef struct list_def {
    const char *prefix;
    int max, fallback;
    const char *statuses;      /* the statuses of the list's entities */
    const char *default_status; /* NULL: all */
    const char *documented;    /* other parameters Paddle documents: "|a|b|" */
} list_def;

static const list_def defs[PD_NKINDS] = {
    {"ctm_", 200, 50, "|active|archived|", "active", "|email|id|search|"},
    {"pri_", 200, 50, "|active|archived|", "active", "|type|"},
    {"sub_", 200, 50, "|active|canceled|past_due|paused|trialing|", NULL,
     "|address_id|collection_mode|customer_id|id|price_id|scheduled_change_action|"},
    {"txn_", 30, 30, "|draft|ready|billed|paid|completed|canceled|past_due|", NULL,
     "|collection_mode|customer_id|id|invoice_number|origin|subscription_id|"},
    {"adj_", 50, 10, "|pending_approval|approved|rejected|reversed|", NULL,
     "|action|customer_id|id|subscription_id|transaction_id|"},
};

enum { F_CREATED, F_UPDATED, F_BILLED, F_N };

typedef struct list_query {
    int kind;
    long long per_page;
    int desc, include_product, recurring; /* recurring: -1 any */
    int by_updated;                       /* transactions: order_by=updated_at[...] */
    const char *after;                    /* NULL: from the start */
    const char *ids, *product_ids;        /* prices' id= and product_id= lists, or NULL */
    char status[160];
    int64_t lo[F_N], hi[F_N];             /* inclusive bounds */
} list_query;

static int bad(sb_response *r, const sb_request *req, const char *code, const char *field, const char *problem)
{
    char detail[200];
    snprintf(detail, sizeof detail, "Invalid request: %s", problem);
    pd_error(r, req, 400, "request_error", code, detail, field, problem);
    return -1;
}

static int in_list(const char *list, const char *word, size_t n)
{
    char bar[48];
    if (n + 3 > sizeof bar)
        return 0;
    snprintf(bar, sizeof bar, "|%.*s|", (int)n, word);
    return strstr(list, bar) != NULL;
}

/* A comma-separated list of the list's statuses. */
static int parse_status(list_query *q, const char *v)
{
    if (!*v || strlen(v) >= sizeof q->status)
        return -1;
    for (const char *p = v; *p;) {
        size_t n = strcspn(p, ",");
        if (!n || !in_list(defs[q->kind].statuses, p, n))
            return -1;
        p += n + (p[n] == ',');
    }
    snprintf(q->status, sizeof q->status, ",%s,", v);
    return 0;
}

/* created_at[GTE]=... : the field and its operator. */
static int parse_time_filter(list_query *q, const char *k, const char *v, int *handled)
{
    static const char *const names[F_N] = {"created_at", "updated_at", "billed_at"};
    *handled = 0;
    for (int f = 0; f < F_N; f++) {
        size_t n = strlen(names[f]);
        if (strncmp(k, names[f], n) != 0)
            continue;
        const char *op = k + n;
        int64_t t;
        *handled = 1;
        if (sb_time_parse_rfc3339(v, &t) != 0)
            return -1;
        if (!*op) {
            q->lo[f] = q->hi[f] = t;
        } else if (!strcmp(op, "[LT]")) {
            q->hi[f] = t - 1;
        } else if (!strcmp(op, "[LTE]")) {
            q->hi[f] = t;
        } else if (!strcmp(op, "[GT]")) {
            q->lo[f] = t + 1;
        } else if (!strcmp(op, "[GTE]")) {
            q->lo[f] = t;
        } else {
            *handled = 0;
            return 0;
        }
        return 0;
    }
    return 0;
}

/* A comma-separated list of ids with that prefix. */
static int parse_ids(const char *v, const char *prefix)
{
    char id[64];
    for (const char *p = v;;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof id)
            return -1;
        memcpy(id, p, n);
        id[n] = '\0';
        if (pd_id_number(id, prefix) < 0)
            return -1;
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

/* id is one of the comma-separated list. */
static int listed_id(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; (p = strstr(p, id)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
            return 1;
    return 0;
}

static int parse_query(list_query *q, const sb_request *req, sb_response *resp)
{
    const list_def *d = &defs[q->kind];
    q->per_page = d->fallback;
    q->desc = 1;
    q->recurring = -1;
    for (int f = 0; f < F_N; f++) {
        q->lo[f] = INT64_MIN;
        q->hi[f] = INT64_MAX;
    }
    if (d->default_status)
        snprintf(q->status, sizeof q->status, ",%s,", d->default_status);
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        int handled = 0;
        char problem[120];
        if (!strcmp(k, "per_page")) {
            if (sb_parse_range(v, 1, d->max, &q->per_page) != 0) {
                snprintf(problem, sizeof problem, "per_page must be between 1 and %d", d->max);
                return bad(resp, req, "invalid_field", "per_page", problem);
            }
        } else if (!strcmp(k, "after")) {
            if (pd_id_number(v, d->prefix) < 0)
                return bad(resp, req, "invalid_field", "after", "after must be an id of this list's entities");
            q->after = v;
        } else if (!strcmp(k, "order_by")) {
            int updated = q->kind == PD_TXN && !strncmp(v, "updated_at[", 11);
            const char *dir = updated ? v + 10 : !strncmp(v, "id[", 3) ? v + 2 : "";
            if (strcmp(dir, "[ASC]") != 0 && strcmp(dir, "[DESC]") != 0)
                return bad(resp, req, "invalid_field", "order_by",
                           "the sandbox orders by id (transactions also by updated_at), [ASC] or [DESC]");
            q->desc = !strcmp(dir, "[DESC]");
            q->by_updated = updated;
        } else if (!strcmp(k, "status")) {
            if (parse_status(q, v) != 0)
                return bad(resp, req, "invalid_field", "status", "status must be a comma-separated list of statuses");
        } else if (q->kind == PD_PRICE && !strcmp(k, "recurring")) {
            if (sb_parse_bool(v, &q->recurring) != 0)
                return bad(resp, req, "invalid_field", "recurring", "recurring must be true or false");
        } else if (q->kind == PD_PRICE && (!strcmp(k, "id") || !strcmp(k, "product_id"))) {
            int product = !strcmp(k, "product_id");
            if (parse_ids(v, product ? "pro_" : "pri_") != 0)
                return bad(resp, req, "invalid_field", k,
                           product ? "product_id must be a comma-separated list of product ids"
                                   : "id must be a comma-separated list of price ids");
            *(product ? &q->product_ids : &q->ids) = v;
        } else if (q->kind == PD_PRICE && !strcmp(k, "include")) {
            if (strcmp(v, "product") != 0)
                return bad(resp, req, "invalid_field", "include", "include must be product");
            q->include_product = 1;
        } else if (q->kind == PD_TXN && !strcmp(k, "include")) {
            continue; /* related entities beside the transaction: none rendered here */
        } else if (q->kind == PD_TXN && (parse_time_filter(q, k, v, &handled) != 0 || handled)) {
            if (!handled || sb_time_parse_rfc3339(v, &(int64_t){0}) != 0)
                return bad(resp, req, "invalid_field", k, "must be an RFC 3339 date-time");
        } else if (in_list(d->documented, k, strlen(k))) {
            snprintf(problem, sizeof problem, "the sandbox does not filter by %s", k);
            return bad(resp, req, "bad_request", k, problem);
        } else {
            snprintf(problem, sizeof problem, "%s is not a parameter of this list", k);
            return bad(resp, req, "bad_request", k, problem);
        }
    }
    return 0;
}

static const char *status_of(const pd_state *st, int kind, size_t i)
{
    const sb_world *w = st->w;
    switch (kind) {
    case PD_CUSTOMER: return w->customers[i].deleted_at ? "archived" : "active";
    case PD_PRICE: return w->prices[i].archived_at ? "archived" : "active";
    case PD_SUB: return pd_sub_status(&w->subs[i]);
    case PD_TXN: return pd_txn_status(&w->invoices[st->txns[i].invoice]);
    default: {
        const pd_adj *a = &st->adjs[i];
        return a->chargeback ? "approved" : pd_refund_status(&w->refunds[a->index]);
    }
    }
}

static int matches(const pd_state *st, const list_query *q, size_t i)
{
    if (q->status[0]) {
        char word[40];
        snprintf(word, sizeof word, ",%s,", status_of(st, q->kind, i));
        if (!strstr(q->status, word))
            return 0;
    }
    if (q->recurring >= 0 && st->w->prices[i].recurring != q->recurring)
        return 0;
    if (q->ids || q->product_ids) {
        char id[48];
        const w_price *p = &st->w->prices[i];
        pd_kind_id(st, PD_PRICE, i, id);
        if (q->ids && !listed_id(q->ids, id))
            return 0;
        pd_id(id, "pro_", st->w->products[p->product].created, (uint64_t)p->product);
        if (q->product_ids && !listed_id(q->product_ids, id))
            return 0;
    }
    if (q->kind == PD_TXN) {
        const w_invoice *inv = &st->w->invoices[st->txns[i].invoice];
        int64_t t[F_N] = {inv->created, pd_updated(st, PD_TXN, i), inv->finalized_at};
        for (int f = 0; f < F_N; f++)
            if (t[f] < q->lo[f] || t[f] > q->hi[f])
                return 0;
    }
    return 1;
}

typedef struct by_updated {
    int64_t t;
    char id[48];
    uint32_t i;
} by_updated;

static int by_updated_cmp(const void *a, const void *b)
{
    const by_updated *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : strcmp(x->id, y->id);
}

/* The list's records in its order: by id (its positions, ascending), or for transactions
 * by updated_at, then id. The caller frees. */
static uint32_t *list_order(const pd_state *st, const list_query *q, size_t n)
{
    uint32_t *seq = sb_xcalloc(n ? n : 1, sizeof *seq);
    if (!q->by_updated) {
        for (size_t k = 0; k < n; k++)
            seq[k] = st->order[q->kind][q->desc ? n - 1 - k : k];
        return seq;
    }
    by_updated *rows = sb_xcalloc(n ? n : 1, sizeof *rows);
    for (size_t k = 0; k < n; k++) {
        rows[k].i = st->order[q->kind][k];
        rows[k].t = pd_updated(st, q->kind, rows[k].i);
        pd_kind_id(st, q->kind, rows[k].i, rows[k].id);
    }
    qsort(rows, n, sizeof *rows, by_updated_cmp);
    for (size_t k = 0; k < n; k++)
        seq[k] = rows[q->desc ? n - 1 - k : k].i;
    free(rows);
    return seq;
}

/* The position after the entry `after` names: by id, the first id beyond it (binary
 * search: ids grow along the list); by updated_at, after that entry (none: the end). */
static size_t start_position(const pd_state *st, const list_query *q, const uint32_t *seq, size_t n)
{
    char id[48];
    if (!q->after)
        return 0;
    if (q->by_updated) {
        for (size_t k = 0; k < n; k++) {
            pd_kind_id(st, q->kind, seq[k], id);
            if (!strcmp(id, q->after))
                return k + 1;
        }
        return n;
    }
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        pd_kind_id(st, q->kind, seq[mid], id);
        int c = strcmp(id, q->after);
        if (q->desc ? c < 0 : c > 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* meta: the request id and pagination; `next` is this request with after=<after> (the
 * page's last id), always present, even on the last page. */
void pd_list_meta(const sb_request *req, const char *base, long long per_page, const char *after, int more,
                  size_t total, sb_json *j)
{
    sbj_kobj(j, "meta");
    char rid[48];
    snprintf(rid, sizeof rid, "%08llx-0000-4000-8000-%012llx", (unsigned long long)(req->number * 2654435761u) & 0xffffffffULL,
             (unsigned long long)req->number);
    sbj_kstr(j, "request_id", rid);
    sbj_kobj(j, "pagination");
    sbj_kint(j, "per_page", per_page);
    sb_buf next;
    sb_buf_init(&next);
    sb_buf_printf(&next, "%s%s?", base, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        const sb_param *p = &req->params->items[i];
        if (strcmp(p->key, "after") != 0) {
            sb_query_escape(&next, p->key);
            sb_buf_addc(&next, '=');
            sb_query_escape(&next, p->value);
            sb_buf_addc(&next, '&');
        }
    }
    sb_buf_printf(&next, "after=%s", after);
    sbj_kstr(j, "next", sb_buf_str(&next));
    sb_buf_free(&next);
    sbj_kbool(j, "has_more", more);
    sbj_kint(j, "estimated_total", (int64_t)total);
    sbj_obj_end(j);
    sbj_obj_end(j);
}

void pd_serve_list(const pd_state *st, int kind, const sb_request *req, const char *base, sb_response *resp)
{
    list_query q;
    memset(&q, 0, sizeof q);
    q.kind = kind;
    if (parse_query(&q, req, resp) != 0)
        return;
    size_t n = st->n_order[kind], total = 0, taken = 0, last = 0;
    uint32_t *seq = list_order(st, &q, n);
    for (size_t k = 0; k < n; k++)
        total += matches(st, &q, seq[k]);
    int more = 0;
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "data");
    for (size_t pos = start_position(st, &q, seq, n); pos < n; pos++) {
        size_t i = seq[pos];
        if (!matches(st, &q, i))
            continue;
        if (taken == (size_t)q.per_page) {
            more = 1;
            break;
        }
        pd_render(st, kind, i, q.include_product, &j);
        last = i;
        taken++;
    }
    sbj_arr_end(&j);
    char id[48];
    if (taken)
        pd_kind_id(st, kind, last, id);
    else
        snprintf(id, sizeof id, "%s", q.after ? q.after : "");
    pd_list_meta(req, base, q.per_page, id, more, total, &j);
    free(seq);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}

int pd_list_kind(const char *path)
{
    static const char *const paths[PD_NKINDS] = {"/customers", "/prices", "/subscriptions", "/transactions",
                                                 "/adjustments"};
    for (int k = 0; k < PD_NKINDS; k++)
        if (!strcmp(path, paths[k]))
            return k;
    return -1;
}

/* A list is its path and every parameter but after. */
int pd_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    if (strcmp(req->method, "GET") != 0 || (pd_list_kind(req->path) < 0 && strcmp(req->path, "/events") != 0))
        return 0;
    sb_buf_adds(key, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        const sb_param *p = &req->params->items[i];
        if (strcmp(p->key, "after") != 0)
            sb_buf_printf(key, "&%s=%s", p->key, p->value);
    }
    return 1;
}
