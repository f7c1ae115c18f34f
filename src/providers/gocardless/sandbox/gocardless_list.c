/* GoCardless's list endpoints: limit 1-500 (default 50), after/before cursors (the id of
 * a record of the list: the page holds the records after or before it), created_at[gt],
 * [gte], [lt], [lte] (ISO 8601), newest first; {"KEY":[...],"meta":{"cursors":{"before",
 * "after"},"limit"}} with `after` null on the last page. Any other parameter is refused
 * (the sandbox implements none of the lists' other filters). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless_model.h"
#include "sandbox_paging.h"
#include "sandbox_provider.h"

static const char *const paths[GC_NLISTS] = {"/customers", "/mandates", "/subscriptions", "/payments", "/refunds"};
static const char *const keys[GC_NLISTS] = {"customers", "mandates", "subscriptions", "payments", "refunds"};
typedef struct gc_query {
    const gc_state *st;
    int list;
    gc_created created;
} gc_query;

int gc_list_of(const char *path)
{
    for (int k = 0; k < GC_NLISTS; k++)
        if (!strcmp(path, paths[k]))
            return k;
    return -1;
}

/* Position pos of the list newest first: its world index. */
static size_t index_at(const gc_query *q, size_t pos)
{
    const gc_list_view *l = &q->st->lists[q->list];
    return l->index[l->n - 1 - pos];
}

static int64_t created_of(const gc_state *st, int list, size_t i)
{
    const sb_world *w = st->w;
    switch (list) {
    case GC_L_CUSTOMERS:
    case GC_L_MANDATES: return w->customers[i].created;
    case GC_L_SUBSCRIPTIONS: return w->subs[i].created;
    case GC_L_PAYMENTS: return w->payments[i].created;
    default: return w->refunds[i].created;
    }
}

static int match(const void *ctx, size_t pos)
{
    const gc_query *q = ctx;
    int64_t t = created_of(q->st, q->list, index_at(q, pos));
    return gc_created_pass(&q->created, t);
}

long gc_lookup(const gc_state *st, int list, const char *id)
{
    long long i = sb_id_number(id, &st->styles[list], st->w->seed, (unsigned)list);
    if (i < 0 || (size_t)i >= (list <= GC_L_MANDATES ? st->w->n_customers
                              : list == GC_L_SUBSCRIPTIONS ? st->w->n_subs
                              : list == GC_L_PAYMENTS ? st->w->n_payments : st->w->n_refunds) ||
        st->lists[list].pos[i] < 0)
        return -1;
    return (long)i;
}

int gc_item_of(const char *path, const char **id)
{
    for (int k = 0; k < GC_NLISTS; k++) {
        size_t n = strlen(paths[k]);
        if (!strncmp(path, paths[k], n) && path[n] == '/' && path[n + 1] && !strchr(path + n + 1, '/')) {
            *id = path + n + 1;
            return k;
        }
    }
    return -1;
}

void gc_serve_item(const gc_state *st, int list, const char *id, const sb_request *req, sb_response *resp)
{
    if (req->params->n) {
        char msg[160];
        snprintf(msg, sizeof msg, "%.100s is not a valid parameter for this endpoint", req->params->items[0].key);
        return gc_error(resp, req, 400, "invalid_api_usage", "invalid_parameters", NULL, msg);
    }
    long i = gc_lookup(st, list, id);
    if (i < 0)
        return gc_error(resp, req, 404, "invalid_api_usage", "resource_not_found", NULL, "Resource not found");
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_key(&j, keys[list]);
    gc_render(&j, st, list, (size_t)i);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}

/* The position of a cursor (an id of this list), or -1. */
static long cursor_pos(const gc_query *q, const char *id)
{
    long i = gc_lookup(q->st, q->list, id);
    return i < 0 ? -1 : (long)(q->st->lists[q->list].n - 1 - (size_t)q->st->lists[q->list].pos[i]);
}

void gc_serve_list(const gc_state *st, int list, const sb_request *req, sb_response *resp)
{
    gc_query q = {.st = st, .list = list};
    long long limit = 50;
    const char *after = NULL, *before = NULL;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        char sub[8];
        if (!strcmp(k, "limit")) {
            if (sb_parse_range(v, 1, 500, &limit) != 0)
                return gc_invalid(resp, req, "limit", "must be a number between 1 and 500");
        } else if (!strcmp(k, "after")) {
            after = v;
        } else if (!strcmp(k, "before")) {
            before = v;
        } else if (sb_hash_member(k, "created_at", sub, sizeof sub)) {
            if (gc_created_parse(&q.created, sub, k, v, req, resp) != 0)
                return;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "%.100s is not a valid parameter for this endpoint", k);
            return gc_error(resp, req, 400, "invalid_api_usage", "invalid_parameters", NULL, msg);
        }
    }
    if (after && before)
        return gc_error(resp, req, 400, "invalid_api_usage", "cursor_parameters_conflict", NULL,
                        "Only one of after and before may be given");
    long cursor = -1;
    if ((after || before) && (cursor = cursor_pos(&q, after ? after : before)) < 0)
        return gc_error(resp, req, 400, "invalid_api_usage", "invalid_cursor", NULL,
                        "The cursor is not a record of this list");
    sb_buf key;
    sb_buf_init(&key);
    sb_buf_printf(&key, "%s?%s", req->path, after ? after : before ? before : "");
    sb_page pg;
    sb_cursor_page(&pg, st->lists[list].n, cursor, before != NULL, (size_t)limit, match, &q, sb_buf_str(&key),
                   st->w->seed);
    sb_buf_free(&key);
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, keys[list]);
    for (size_t i = 0; i < pg.n; i++)
        gc_render(&j, st, list, index_at(&q, pg.positions[i]));
    sbj_arr_end(&j);
    sbj_kobj(&j, "meta");
    sbj_kobj(&j, "cursors");
    char id[SB_ID_MAX];
    /* before: the first record of a page that is not the list's first; after: the last
     * record while more follow */
    if (pg.n && cursor >= 0) {
        gc_id(st, list, index_at(&q, pg.positions[0]), id);
        sbj_kstr(&j, "before", id);
    } else {
        sbj_knull(&j, "before");
    }
    int more = before ? cursor >= 0 : pg.has_more;
    if (pg.n && more) {
        gc_id(st, list, index_at(&q, pg.positions[pg.n - 1]), id);
        sbj_kstr(&j, "after", id);
    } else {
        sbj_knull(&j, "after");
    }
    sbj_obj_end(&j);
    sbj_kint(&j, "limit", limit);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    free(pg.positions);
    resp->status = 200;
}
