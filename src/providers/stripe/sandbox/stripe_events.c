/* GET /v1/events and /v1/events/{id}: the world's change log as Stripe events.
 *
 * Stripe keeps events 30 days: only events created after now - 30 days are listed or
 * retrieved; an older id is as unknown as one never made (404 resource_missing, also as
 * a cursor). Events are listed newest first. An event's data is rendered in the event's
 * api_version, the account's default version (ST_DEFAULT_VERSION), not the request's
 * Stripe-Version, as the spec says of both endpoints. Known difference (tests/sandbox/README.md):
 * data.object is the record's state now, not at the event. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_json.h"
#include "sandbox_paging.h"
#include "sandbox_query.h"
#include "stripe_errors.h"
#include "stripe_events.h"
#include "stripe_list.h"
#include "stripe_render.h"
#include "stripe_version.h"

#define RETENTION (30 * W_DAY)
#define MAX_TYPES 20

/* The event type of (kind, what); NULL for a pair Stripe has no event for. */
static const char *type_of(const w_event *e)
{
    static const char *const names[W_NKINDS][W_EV_NWHAT] = {
        [W_K_CUSTOMER] = {[W_EV_CREATED] = "customer.created", [W_EV_UPDATED] = "customer.updated",
                          [W_EV_DELETED] = "customer.deleted"},
        [W_K_PRODUCT] = {[W_EV_CREATED] = "product.created", [W_EV_UPDATED] = "product.updated"},
        [W_K_PRICE] = {[W_EV_CREATED] = "price.created", [W_EV_UPDATED] = "price.updated"},
        [W_K_SUB] = {[W_EV_CREATED] = "customer.subscription.created",
                     [W_EV_UPDATED] = "customer.subscription.updated",
                     [W_EV_DELETED] = "customer.subscription.deleted"},
        [W_K_INVOICE] = {[W_EV_CREATED] = "invoice.created", [W_EV_UPDATED] = "invoice.updated",
                         [W_EV_DELETED] = "invoice.deleted", [W_EV_FINALIZED] = "invoice.finalized",
                         [W_EV_PAID] = "invoice.paid", [W_EV_PAYMENT_FAILED] = "invoice.payment_failed",
                         [W_EV_VOIDED] = "invoice.voided", [W_EV_UNCOLLECTIBLE] = "invoice.marked_uncollectible"},
        [W_K_PAYMENT] = {[W_EV_UPDATED] = "charge.updated", [W_EV_SUCCEEDED] = "charge.succeeded",
                         [W_EV_FAILED] = "charge.failed", [W_EV_PENDING] = "charge.pending",
                         [W_EV_REFUNDED] = "charge.refunded", [W_EV_CAPTURED] = "charge.captured"},
        [W_K_REFUND] = {[W_EV_CREATED] = "refund.created", [W_EV_UPDATED] = "refund.updated"},
        [W_K_DISPUTE] = {[W_EV_CREATED] = "charge.dispute.created", [W_EV_UPDATED] = "charge.dispute.updated",
                         [W_EV_CLOSED] = "charge.dispute.closed"},
        [W_K_INPAY] = {[W_EV_PAID] = "invoice_payment.paid"},
    };
    return e->kind >= 0 && e->kind < W_NKINDS && e->what >= 0 && e->what < W_EV_NWHAT ? names[e->kind][e->what] : NULL;
}

/* The first event still kept (events are oldest first). */
static size_t first_kept(const sb_world *w)
{
    size_t lo = 0, hi = w->n_events;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->events[mid].at > w->now - RETENTION)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* The invoice payment (module index) of payment p, or -1. */
static long inpay_of(const st_state *st, size_t p)
{
    size_t lo = 0, hi = st->n_inpays;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->inpays[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < st->n_inpays && st->inpays[lo] == p ? (long)lo : -1;
}

static void render_object(sb_json *j, const st_state *st, const w_event *e, const st_shape *sh)
{
    size_t i = e->index;
    switch (e->kind) {
    case W_K_CUSTOMER: st_render_customer(j, st, i); break;
    case W_K_PRODUCT: st_render_product(j, st, i); break;
    case W_K_PRICE: st_render_price(j, st, i, sh, 0); break;
    case W_K_SUB: st_render_sub(j, st, i, sh, 0); break;
    case W_K_INVOICE: st_render_invoice(j, st, i, sh, 0); break;
    case W_K_PAYMENT: st_render_charge(j, st, i, sh, 0); break;
    case W_K_REFUND: st_render_refund(j, st, i, sh, 0); break;
    case W_K_DISPUTE: st_render_dispute(j, st, (size_t)st->dispute_of[i], sh, 0); break;
    case W_K_INPAY: st_render_inpay(j, st, (size_t)inpay_of(st, i), sh, 0); break;
    }
}

/* What an update changed, as it was before. */
static void previous_attributes(sb_json *j, const w_event *e)
{
    sbj_kobj(j, "previous_attributes");
    switch (e->field) {
    case W_FLD_EMAIL: sbj_kstr(j, "email", e->old_text); break;
    case W_FLD_NAME: sbj_kstr(j, "name", e->old_text); break;
    case W_FLD_DESCRIPTION: sbj_kstr(j, "description", e->old_text); break;
    case W_FLD_LINE1:
        sbj_kobj(j, "address");
        sbj_kstr(j, "line1", e->old_text);
        sbj_obj_end(j);
        break;
    case W_FLD_STATUS:
        sbj_kstr(j, "status", e->kind == W_K_REFUND ? w_refund_status_names[e->old_int] : w_sub_status_names[e->old_int]);
        break;
    case W_FLD_ACTIVE: sbj_kbool(j, "active", (int)e->old_int); break;
    case W_FLD_CANCEL_AT_PERIOD_END:
        sbj_knull(j, "cancel_at");
        sbj_kbool(j, "cancel_at_period_end", 0);
        sbj_knull(j, "canceled_at");
        break;
    case W_FLD_PERIOD:
        sbj_kts(j, "current_period_end", e->at);
        sbj_kts(j, "current_period_start", e->old_int);
        break;
    }
    sbj_obj_end(j);
}

static void render_event(sb_json *j, const st_state *st, size_t n)
{
    const w_event *e = &st->w->events[n];
    st_shape sh;
    st_shape_for(ST_DEFAULT_VERSION, &sh);
    sbj_obj_begin(j);
    st_kid(j, "id", st, ST_EVENT, (long long)n);
    sbj_kstr(j, "object", "event");
    sbj_kstr(j, "api_version", ST_DEFAULT_VERSION);
    sbj_kint(j, "created", e->at);
    sbj_kobj(j, "data");
    sbj_key(j, "object");
    render_object(j, st, e, &sh);
    if (e->what == W_EV_UPDATED)
        previous_attributes(j, e);
    sbj_obj_end(j);
    sbj_kbool(j, "livemode", 0);
    sbj_kint(j, "pending_webhooks", 0);
    sbj_kobj(j, "request");
    /* changes a merchant asks for come from an API request; the others from Stripe */
    int requested = e->kind == W_K_CUSTOMER || e->kind == W_K_PRICE || (e->kind == W_K_REFUND && e->what == W_EV_CREATED) ||
                    (e->kind == W_K_SUB && e->field == W_FLD_CANCEL_AT_PERIOD_END);
    if (requested) {
        char rid[24];
        st_request_id(st->w->seed ^ 0xE7E7E7ULL, n, rid);
        sbj_kstr(j, "id", rid);
    } else {
        sbj_knull(j, "id");
    }
    sbj_knull(j, "idempotency_key");
    sbj_obj_end(j);
    sbj_kstr(j, "type", type_of(e));
    sbj_obj_end(j);
}

/* ---- the list ---- */

typedef struct ev_params {
    int64_t limit;
    const char *after, *before, *type;
    const char *types[MAX_TYPES];
    size_t n_types;
    int has[5];               /* created, created[gt], [gte], [lt], [lte] */
    int64_t bound[5];
} ev_params;

typedef struct ev_ctx {
    const st_state *st;
    const ev_params *p;
    size_t first, total;      /* positions 0 .. total-1: events n-1 .. first */
} ev_ctx;

/* Stripe's wildcard: '*' stands for any run of characters. */
static int glob(const char *pat, const char *s)
{
    if (!*pat)
        return !*s;
    if (*pat == '*')
        return glob(pat + 1, s) || (*s && glob(pat, s + 1));
    return *s == *pat && glob(pat + 1, s + 1);
}

static int match(const void *ctx, size_t pos)
{
    const ev_ctx *c = ctx;
    const ev_params *p = c->p;
    const w_event *e = &c->st->w->events[c->first + c->total - 1 - pos];
    const char *type = type_of(e);
    const int64_t *b = p->bound;
    if (!type || (p->has[0] && e->at != b[0]) || (p->has[1] && e->at <= b[1]) || (p->has[2] && e->at < b[2]) ||
        (p->has[3] && e->at >= b[3]) || (p->has[4] && e->at > b[4]))
        return 0;
    if (p->type && !glob(p->type, type))
        return 0;
    for (size_t k = 0; k < p->n_types; k++)
        if (strcmp(p->types[k], type) == 0)
            return 1;
    return p->n_types == 0;
}

static int parse(const sb_request *req, ev_params *p, sb_response *resp)
{
    memset(p, 0, sizeof *p);
    p->limit = 10;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        char sub[16];
        int empty = !*v;
        if (strcmp(k, "limit") == 0) {
            if (st_param_limit(v, &p->limit, resp) != 0)
                return -1;
        } else if (strcmp(k, "starting_after") == 0) {
            p->after = empty ? NULL : v;
        } else if (strcmp(k, "ending_before") == 0) {
            p->before = empty ? NULL : v;
        } else if (strcmp(k, "type") == 0) {
            p->type = empty ? NULL : v;
        } else if (sb_array_item(k, "types")) {
            if (p->n_types == MAX_TYPES) {
                st_invalid(resp, 400, NULL, "types", "You may pass at most %d types.", MAX_TYPES);
                return -1;
            }
            p->types[p->n_types++] = v;
        } else if (strcmp(k, "types") == 0) {
            st_invalid(resp, 400, NULL, "types", "Invalid array");
            return -1;
        } else if (strcmp(k, "created") == 0 || sb_hash_member(k, "created", sub, sizeof sub)) {
            if (st_param_created(k, sub, v, p->has, p->bound, resp) != 0)
                return -1;
        } else if (strcmp(k, "delivery_success") == 0) {
            int ignored;
            if (!empty && sb_parse_bool(v, &ignored) != 0) {
                st_invalid(resp, 400, NULL, "delivery_success", "Invalid boolean: %s", v);
                return -1;
            }
        } else {
            st_error_unknown_param(resp, k); /* expand[] too: nothing of an event expands */
            return -1;
        }
    }
    if (p->type && p->n_types) {
        st_invalid(resp, 400, NULL, "types", "You may pass either type or types, but not both.");
        return -1;
    }
    if (p->after && p->before) {
        st_invalid(resp, 400, NULL, NULL, "You may only specify one of these parameters: ending_before, starting_after.");
        return -1;
    }
    return 0;
}

/* The kept event an id names, or -1. */
static long find_kept(const st_state *st, const char *id)
{
    long n = st_find(st, ST_EVENT, id, st->w->n_events);
    return n >= 0 && (size_t)n >= first_kept(st->w) ? n : -1;
}

static void list(const st_state *st, const sb_request *req, sb_response *resp)
{
    ev_params p;
    if (parse(req, &p, resp) != 0)
        return;
    size_t first = first_kept(st->w);
    ev_ctx c = {st, &p, first, st->w->n_events - first};
    const char *cursor = p.after ? p.after : p.before;
    long cpos = -1;
    if (cursor) {
        long n = find_kept(st, cursor);
        if (n < 0) {
            st_error_no_such(resp, "event", cursor, p.after ? "starting_after" : "ending_before");
            return;
        }
        cpos = (long)(st->w->n_events - 1) - n;
    }
    sb_page pg;
    sb_cursor_page(&pg, c.total, cpos, p.before != NULL, (size_t)p.limit, match, &c, cursor ? cursor : req->path,
                   st->w->seed);
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "object", "list");
    sbj_karr(&j, "data");
    for (size_t k = 0; k < pg.n; k++)
        render_event(&j, st, st->w->n_events - 1 - pg.positions[k]);
    sbj_arr_end(&j);
    sbj_kbool(&j, "has_more", pg.has_more);
    sbj_kstr(&j, "url", "/v1/events");
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
    free(pg.positions);
}

static void retrieve(const st_state *st, const char *id, const sb_request *req, sb_response *resp)
{
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        if (sb_array_item(k, "expand")) {
            st_error_expand(resp, v, 0, 0);
            return;
        }
        st_error_unknown_param(resp, k);
        return;
    }
    long n = find_kept(st, id);
    if (n < 0) {
        st_error_no_such(resp, "event", id, "id");
        return;
    }
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    render_event(&j, st, (size_t)n);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}

int st_serve_events(const st_state *st, const sb_request *req, sb_response *resp)
{
    const char *p = req->path;
    if (strcmp(p, "/v1/events") == 0) {
        list(st, req, resp);
        return 1;
    }
    if (strncmp(p, "/v1/events/", 11) == 0 && p[11] && !strchr(p + 11, '/')) {
        retrieve(st, p + 11, req, resp);
        return 1;
    }
    return 0;
}
