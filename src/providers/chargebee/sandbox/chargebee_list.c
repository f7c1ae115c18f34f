/* GET /api/v2/customers, /subscriptions, /item_prices, /invoices and /transactions: limit (1-100,
 * default 10), offset (the next_offset of the page before), sort_by[asc|desc] (customers
 * and subscriptions by created_at or updated_at, invoices and transactions by date or
 * updated_at, item
 * prices by id or updated_at; default: newest first), updated_at[after|before] in Unix
 * seconds, and but for item prices created_at[after|before] (invoices and transactions:
 * date[...]) and include_deleted.
 * Anything else is refused (400), as is a bad value.
 *
 * next_offset is a key, not a position: ["<sort value>","<record number>"] (the sort
 * value: a time in ms, or an item price's id), and the next page holds the records after
 * that pair in the list's order, so records created or changed meanwhile never shift a
 * walk. It is present only when more records follow. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"

typedef struct list_query {
    int kind;
    long long limit;
    int by_updated, by_id, desc, include_deleted, visible;
    int64_t after[2], before[2]; /* [0] created_at, [1] updated_at; INT64_MIN / MAX: none */
    int has_offset;
    int64_t offset_ms;
    long long offset_n;
} list_query;

static void bad_param(sb_response *r, const char *param, const char *problem)
{
    char message[256];
    snprintf(message, sizeof message, "%s : %s", param, problem);
    cb_error(r, 400, "invalid_request", "invalid_request", param, message);
}

static int parse_time(const char *v, int64_t *out)
{
    long long t;
    if (sb_parse_range(v, 0, 99999999999LL, &t) != 0)
        return -1;
    *out = t;
    return 0;
}

/* The offset: ["<key>","<n>"] exactly as this module writes it (the key digits for a
 * time, an id's characters for id order). Read after the sort, which decides the key. */
static int parse_offset(const char *v, list_query *q)
{
    char key[80], n[24], end;
    if (sscanf(v, "[\"%72[A-Za-z0-9-]\",\"%20[0-9]\"%c", key, n, &end) != 3 || end != ']' ||
        strlen(v) != strlen(key) + strlen(n) + 7 || strlen(n) > 12)
        return -1;
    if (!q->by_id && (strlen(key) > 15 || strspn(key, "0123456789") != strlen(key)))
        return -1;
    q->has_offset = 1;
    q->offset_ms = q->by_id ? 0 : strtoll(key, NULL, 10);
    q->offset_n = strtoll(n, NULL, 10);
    return 0;
}

/* Reads every parameter; answers 400 (and returns -1) on the first one it refuses. */
static int parse_query(list_query *q, const sb_request *req, sb_response *resp)
{
    for (int f = 0; f < 2; f++) {
        q->after[f] = INT64_MIN;
        q->before[f] = INT64_MAX;
    }
    q->limit = 10;
    const char *offset = NULL;
    int prices = q->kind == CB_ITEM_PRICE;
    /* invoices are dated: `date` is their creation time */
    const char *created = q->kind == CB_INVOICE || q->kind == CB_TXN ? "date" : "created_at";
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        char sub[16];
        int field;
        if (strcmp(k, "limit") == 0) {
            if (sb_parse_range(v, 1, 100, &q->limit) != 0) {
                bad_param(resp, "limit", "The value must be an integer between 1 and 100");
                return -1;
            }
        } else if (strcmp(k, "offset") == 0) {
            offset = v;
        } else if (sb_hash_member(k, "sort_by", sub, sizeof sub)) {
            int asc = strcmp(sub, "asc") == 0;
            const char *first = prices ? "id" : created;
            if ((!asc && strcmp(sub, "desc") != 0) || (strcmp(v, first) != 0 && strcmp(v, "updated_at") != 0)) {
                char problem[96];
                snprintf(problem, sizeof problem, "invalid value: sort by %s or updated_at, asc or desc", first);
                bad_param(resp, "sort_by", problem);
                return -1;
            }
            q->desc = !asc;
            q->by_updated = strcmp(v, "updated_at") == 0;
            q->by_id = strcmp(v, "id") == 0;
        } else if ((field = 0, !prices && sb_hash_member(k, created, sub, sizeof sub)) ||
                   (field = 1, sb_hash_member(k, "updated_at", sub, sizeof sub))) {
            int64_t t;
            const char *name = field ? "updated_at" : created;
            if (parse_time(v, &t) != 0) {
                bad_param(resp, name, "invalid timestamp");
                return -1;
            }
            if (strcmp(sub, "after") == 0) {
                q->after[field] = t;
            } else if (strcmp(sub, "before") == 0) {
                q->before[field] = t;
            } else {
                bad_param(resp, name, "the sandbox filters with [after] and [before] only");
                return -1;
            }
        } else if (!prices && strcmp(k, "include_deleted") == 0) {
            if (sb_parse_bool(v, &q->include_deleted) != 0) {
                bad_param(resp, "include_deleted", "invalid boolean");
                return -1;
            }
        } else {
            bad_param(resp, k, "unknown parameter");
            return -1;
        }
    }
    if (offset && parse_offset(offset, q) != 0) {
        bad_param(resp, "offset", "invalid value");
        return -1;
    }
    return 0;
}

/* The record at position pos of the list's order, and its sort time. */
static size_t at(const cb_state *st, const list_query *q, size_t pos, size_t n)
{
    size_t p = q->desc ? n - 1 - pos : pos;
    if (q->by_updated)
        return st->by_updated[q->kind][p];
    return st->by_created[q->kind] ? st->by_created[q->kind][p] : p;
}

static int64_t sort_time(const cb_state *st, const list_query *q, size_t i)
{
    return q->by_updated ? cb_updated(st, q->kind, i) : cb_created(st, q->kind, i);
}

/* 1 when record i comes after the offset's (time, number) in the list's order (in id
 * order the numbers alone: item price ids sort as their numbers). */
static int after_offset(const cb_state *st, const list_query *q, size_t i)
{
    int64_t t = q->by_id ? 0 : sort_time(st, q, i) * 1000;
    int cmp = t < q->offset_ms ? -1 : t > q->offset_ms ? 1 : (long long)i < q->offset_n ? -1 : (long long)i > q->offset_n;
    return q->desc ? cmp < 0 : cmp > 0;
}

/* The first position after the offset (binary search: the order is by (time, number)). */
static size_t first_position(const cb_state *st, const list_query *q, size_t n)
{
    if (!q->has_offset)
        return 0;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (after_offset(st, q, at(st, q, mid, n)))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int matches(const cb_state *st, const list_query *q, size_t i)
{
    if (cb_hidden(st, q->kind, i, q->visible) || (!q->include_deleted && cb_deleted(st, q->kind, i)))
        return 0;
    int64_t t[2] = {cb_created(st, q->kind, i), cb_updated(st, q->kind, i)};
    for (int f = 0; f < 2; f++)
        if (t[f] <= q->after[f] || t[f] >= q->before[f])
            return 0;
    return 1;
}

static void entry(const cb_state *st, int kind, size_t i, sb_json *j)
{
    sbj_obj_begin(j);
    if (kind == CB_CUSTOMER) {
        sbj_key(j, "customer");
        cb_render_customer(st, i, j);
    } else if (kind == CB_ITEM_PRICE) {
        sbj_key(j, "item_price");
        cb_render_item_price(st, i, j);
    } else if (kind == CB_INVOICE) {
        sbj_key(j, "invoice");
        cb_render_invoice(st, i, j);
    } else if (kind == CB_TXN) {
        sbj_key(j, "transaction");
        cb_render_transaction(st, i, j);
    } else {
        /* the subscriptions list puts the subscriber beside each subscription */
        sbj_key(j, "subscription");
        cb_render_subscription(st, i, j);
        sbj_key(j, "customer");
        cb_render_customer(st, (size_t)st->w->subs[i].customer, j);
    }
    sbj_obj_end(j);
}

void cb_serve_list(const cb_state *st, int kind, const sb_request *req, sb_response *resp)
{
    list_query q;
    memset(&q, 0, sizeof q);
    q.kind = kind;
    q.visible = req->fault->inserted;
    if (parse_query(&q, req, resp) != 0)
        return;
    size_t n = cb_count(st, kind), pos = first_position(st, &q, n), taken = 0, last = 0;
    int more = 0;
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    sbj_obj_begin(&j);
    sbj_karr(&j, "list");
    for (; pos < n; pos++) {
        size_t i = at(st, &q, pos, n);
        if (!matches(st, &q, i))
            continue;
        if (taken == (size_t)q.limit) {
            more = 1;
            break;
        }
        entry(st, kind, i, &j);
        last = i;
        taken++;
    }
    sbj_arr_end(&j);
    if (more) {
        char token[128], key[64];
        if (q.by_id)
            cb_item_price_id(st, (int)last, key);
        else
            snprintf(key, sizeof key, "%" PRId64, sort_time(st, &q, last) * 1000);
        snprintf(token, sizeof token, "[\"%s\",\"%zu\"]", key, last);
        sbj_kstr(&j, "next_offset", token);
    }
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}

/* A list is its path and every parameter but offset. */
int cb_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    if (strcmp(req->method, "GET") != 0 ||
        (strcmp(req->path, "/api/v2/customers") != 0 && strcmp(req->path, "/api/v2/subscriptions") != 0 &&
         strcmp(req->path, "/api/v2/item_prices") != 0 && strcmp(req->path, "/api/v2/invoices") != 0 &&
         strcmp(req->path, "/api/v2/transactions") != 0))
        return 0;
    sb_buf_adds(key, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        const sb_param *p = &req->params->items[i];
        if (strcmp(p->key, "offset") != 0)
            sb_buf_printf(key, "&%s=%s", p->key, p->value);
    }
    return 1;
}
