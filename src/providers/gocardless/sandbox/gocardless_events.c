/* GoCardless's events (GET /events) from the world's change log: what happened to the
 * customers, mandates, subscriptions, payments and refunds GoCardless shows, newest first,
 * cursor-paged like every list, with the filters billtap and the official clients use:
 * created_at[gt|gte|lt|lte], resource_type, action, and include=RESOURCE (only with
 * resource_type), which adds the events' objects as they are now in linked.RESOURCE_TYPE.
 *
 * Which changes make events (GoCardless names its events by resource type and action):
 * - payments: a payment's creation ("created"), settling ("confirmed"), failure ("failed"),
 *   capture ("confirmed"), its chargeback ("charged_back"), and "paid_out" five days after
 *   it was made (gc_payment_status() turns it paid_out then). A refund makes a refunds
 *   event, not a payments one: the payment's amount_refunded changes without an event of
 *   its own (as GoCardless documents no payment action for it).
 * - refunds: "created", then "paid", "bounced" or "cancelled" as they settle.
 * - subscriptions: "created", "cancelled", "finished", "paused", "amended".
 * - customers: "customer_removed"; mandates: "created", and "cancelled" at the removal.
 * Every event is of a record the module shows (a payment of a guest makes none). An
 * update's action is named from the record's state now (the log says what changed, not to
 * what); billtap reads resource types and links, not actions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless_model.h"
#include "sandbox_buf.h"
#include "sandbox_paging.h"
#include "sandbox_provider.h"
#include "sandbox_query.h"

enum {
    A_CREATED, A_CONFIRMED, A_FAILED, A_CHARGED_BACK, A_PAID_OUT, A_PAID, A_BOUNCED, A_CANCELLED,
    A_FINISHED, A_PAUSED, A_AMENDED, A_SUBMITTED, A_CUSTOMER_REMOVED
};
const char *const gc_actions[] = {"created", "confirmed", "failed", "charged_back", "paid_out", "paid", "bounced",
                                  "cancelled", "finished", "paused", "amended", "submitted", "customer_removed"};

/* resource_type values (the official clients' EventResourceType) and the list each is. */
static const char *const resource_types[] = {
    "billing_requests", "creditors", "customers", "exports", "instalment_schedules", "mandates",
    "organisations", "outbound_payments", "payer_authorisations", "payments",
    "payment_account_transactions", "payouts", "refunds", "scheme_identifiers", "subscriptions"};
/* include values (EventInclude). */
static const char *const includes[] = {
    "billing_request", "creditor", "customer", "instalment_schedule", "mandate", "outbound_payment",
    "payer_authorisation", "payment", "payment_account_transaction", "payout", "refund",
    "scheme_identifier", "subscription"};
static const char *const type_of_list[GC_NLISTS] = {"customers", "mandates", "subscriptions", "payments", "refunds"};
static const char *const link_of_list[GC_NLISTS] = {"customer", "mandate", "subscription", "payment", "refund"};

/* The change log from 30 days before epoch 0's now: what GoCardless's history holds here. */
#define FEED_START (W_NOW - 30 * W_DAY)
#define PAYOUT_AFTER (5 * W_DAY)

typedef struct ev_builder {
    gc_state *st;
    size_t cap;
} ev_builder;

static void push(ev_builder *b, int64_t at, uint64_t number, int list, size_t index, int action)
{
    gc_state *st = b->st;
    if (st->n_events == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1024;
        st->events = sb_xrealloc(st->events, b->cap * sizeof *st->events);
    }
    st->events[st->n_events++] = (gc_event){at, number, (uint32_t)index, (uint8_t)list, (uint8_t)action};
}

static int shown(const gc_state *st, int list, size_t index)
{
    return st->lists[list].pos[index] >= 0;
}

static int sub_action(const w_sub *s, int what)
{
    if (what == W_EV_CREATED)
        return A_CREATED;
    const char *status = gc_sub_status(s);
    return !strcmp(status, "cancelled") ? A_CANCELLED : !strcmp(status, "finished") ? A_FINISHED
           : !strcmp(status, "paused") ? A_PAUSED : A_AMENDED;
}

static int refund_action(const w_refund *r, int what)
{
    if (what == W_EV_CREATED)
        return A_CREATED;
    const char *status = gc_refund_status(r);
    return !strcmp(status, "paid") ? A_PAID : !strcmp(status, "bounced") ? A_BOUNCED
           : !strcmp(status, "cancelled") ? A_CANCELLED : A_SUBMITTED;
}

/* The events a change of the world makes, if any; `number` and number + 1 are theirs. */
static void from_change(ev_builder *b, const w_event *e, uint64_t number)
{
    const gc_state *st = b->st;
    const sb_world *w = st->w;
    size_t i = e->index;
    switch (e->kind) {
    case W_K_CUSTOMER:
        if (e->what == W_EV_CREATED) {
            push(b, e->at, number, GC_L_MANDATES, i, A_CREATED);
        } else if (e->what == W_EV_DELETED) {
            push(b, e->at, number, GC_L_MANDATES, i, A_CANCELLED);
            push(b, e->at, number + 1, GC_L_CUSTOMERS, i, A_CUSTOMER_REMOVED);
        }
        break;
    case W_K_SUB:
        /* a removed customer's subscriptions too: they were cancelled before the removal */
        if (gc_sub_holdable(st, i))
            push(b, e->at, number, GC_L_SUBSCRIPTIONS, i, sub_action(&w->subs[i], e->what));
        break;
    case W_K_PAYMENT:
        if (!shown(st, GC_L_PAYMENTS, i) || e->what == W_EV_REFUNDED)
            break;
        push(b, e->at, number, GC_L_PAYMENTS, i,
             e->at == w->payments[i].created ? A_CREATED
             : e->what == W_EV_FAILED ? A_FAILED : A_CONFIRMED);
        break;
    case W_K_DISPUTE:
        if (shown(st, GC_L_PAYMENTS, i) && e->what == W_EV_CREATED && w->payments[i].dispute == W_DISPUTE_CHARGEBACK)
            push(b, e->at, number, GC_L_PAYMENTS, i, A_CHARGED_BACK);
        break;
    case W_K_REFUND:
        if (shown(st, GC_L_REFUNDS, i))
            push(b, e->at, number, GC_L_REFUNDS, i, refund_action(&w->refunds[i], e->what));
        break;
    default:
        break; /* products, prices, invoices: GoCardless has none */
    }
}

static int by_time(const void *a, const void *b)
{
    const gc_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->number < y->number ? -1 : x->number > y->number;
}

void gc_events_build(gc_state *st)
{
    const sb_world *w = st->w;
    ev_builder b = {st, 0};
    st->event_style = (sb_id_style){"EV", "0123456789ABCDEFGHJKMNPQRSTVWXYZ", 12, 7, 0, NULL, 0};
    for (size_t k = 0; k < w->n_events; k++)
        from_change(&b, &w->events[k], 4 * (uint64_t)k);
    /* paid out five days after it was made, once confirmed (gc_payment_status) */
    for (size_t i = 0; i < w->n_payments; i++) {
        const w_payment *p = &w->payments[i];
        int64_t at = p->created + PAYOUT_AFTER;
        if (shown(st, GC_L_PAYMENTS, i) && p->status == W_PAY_SUCCEEDED && at > FEED_START && at <= w->now)
            push(&b, at, 4 * (uint64_t)i + 2, GC_L_PAYMENTS, i, A_PAID_OUT);
    }
    qsort(st->events, st->n_events, sizeof *st->events, by_time);
}

/* ---- GET /events ---- */

typedef struct ev_query {
    const gc_state *st;
    int type;                     /* GC_L_* of resource_type; -1: any; -2: a type without events here */
    const char *action;           /* or NULL */
    gc_created created;
} ev_query;

/* Position pos of the list newest first. */
static const gc_event *event_at(const gc_state *st, size_t pos)
{
    return &st->events[st->n_events - 1 - pos];
}

static int ev_match(const void *ctx, size_t pos)
{
    const ev_query *q = ctx;
    const gc_event *e = event_at(q->st, pos);
    int64_t t = e->at;
    if (q->type == -2 || (q->type >= 0 && e->list != q->type) || (q->action && strcmp(q->action, gc_actions[e->action])))
        return 0;
    return gc_created_pass(&q->created, t);
}

static long event_pos(const gc_state *st, const char *id)
{
    long long n = sb_id_number(id, &st->event_style, st->w->seed, GC_NLISTS);
    for (size_t i = 0; n >= 0 && i < st->n_events; i++)
        if (st->events[i].number == (uint64_t)n)
            return (long)(st->n_events - 1 - i);
    return -1;
}

static int index_of_word(const char *const *words, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(words[i], v))
            return (int)i;
    return -1;
}

static void render_event(sb_json *j, const gc_state *st, const gc_event *e)
{
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    sb_id_make(id, &st->event_style, st->w->seed, GC_NLISTS, e->number);
    sbj_kstr(j, "id", id);
    gc_ktime_ms(j, "created_at", e->at);
    sbj_kstr(j, "resource_type", type_of_list[e->list]);
    sbj_kstr(j, "action", gc_actions[e->action]);
    sbj_kobj(j, "details");
    sbj_kstr(j, "origin", e->action == A_CREATED || e->action == A_CUSTOMER_REMOVED ? "api" : "gocardless");
    sbj_kstr(j, "cause", gc_actions[e->action]);
    sbj_kstr(j, "description", "Sandbox event");
    sbj_obj_end(j);
    sbj_kempty_obj(j, "metadata");
    sbj_kempty_obj(j, "resource_metadata");
    sbj_kobj(j, "links");
    gc_id(st, e->list, e->index, id);
    sbj_kstr(j, link_of_list[e->list], id);
    sbj_obj_end(j);
    sbj_obj_end(j);
}

/* linked.TYPE: the page's objects GoCardless still shows, each once, as they are now. */
static void render_linked(sb_json *j, const gc_state *st, int list, const sb_page *pg)
{
    sbj_kobj(j, "linked");
    sbj_karr(j, type_of_list[list]);
    for (size_t i = 0; i < pg->n; i++) {
        const gc_event *e = event_at(st, pg->positions[i]);
        int skip = st->lists[list].pos[e->index] < 0; /* not shown (a removed customer), or already out */
        for (size_t k = 0; k < i && !skip; k++)
            skip = event_at(st, pg->positions[k])->index == e->index;
        if (!skip)
            gc_render(j, st, list, e->index);
    }
    sbj_arr_end(j);
    sbj_obj_end(j);
}

void gc_serve_events(const gc_state *st, const sb_request *req, sb_response *resp)
{
    ev_query q = {.st = st, .type = -1};
    long long limit = 50;
    const char *after = NULL, *before = NULL, *include = NULL;
    int has_type = 0;
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
        } else if (!strcmp(k, "action")) {
            q.action = v;
        } else if (!strcmp(k, "resource_type")) {
            if (index_of_word(resource_types, sizeof resource_types / sizeof *resource_types, v) < 0)
                return gc_invalid(resp, req, "resource_type", "is not a resource type");
            int list = index_of_word(type_of_list, GC_NLISTS, v);
            q.type = list >= 0 ? list : -2;
            has_type = 1;
        } else if (!strcmp(k, "include")) {
            if (index_of_word(includes, sizeof includes / sizeof *includes, v) < 0)
                return gc_invalid(resp, req, "include", "is not a resource that can be included");
            include = v;
        } else if (sb_hash_member(k, "created_at", sub, sizeof sub)) {
            if (gc_created_parse(&q.created, sub, k, v, req, resp) != 0)
                return;
        } else {
            char msg[160];
            snprintf(msg, sizeof msg, "%.100s is not a valid parameter for this endpoint", k);
            return gc_error(resp, req, 400, "invalid_api_usage", "invalid_parameters", NULL, msg);
        }
    }
    /* "Must be used with the resource_type parameter specified" (the official clients) */
    if (include && !has_type)
        return gc_invalid(resp, req, "include", "must be used with resource_type");
    if (include && (q.type < 0 || strcmp(include, link_of_list[q.type]) != 0))
        return gc_invalid(resp, req, "include", "must be the resource of the events' resource_type");
    if (after && before)
        return gc_error(resp, req, 400, "invalid_api_usage", "cursor_parameters_conflict", NULL,
                        "Only one of after and before may be given");
    long cursor = -1;
    if ((after || before) && (cursor = event_pos(st, after ? after : before)) < 0)
        return gc_error(resp, req, 400, "invalid_api_usage", "invalid_cursor", NULL,
                        "The cursor is not an event");
    sb_buf key;
    sb_buf_init(&key);
    sb_buf_printf(&key, "/events?%s", after ? after : before ? before : "");
    sb_page pg;
    sb_cursor_page(&pg, st->n_events, cursor, before != NULL, (size_t)limit, ev_match, &q, sb_buf_str(&key),
                   st->w->seed);
    sb_buf_free(&key);
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "events");
    for (size_t i = 0; i < pg.n; i++)
        render_event(&j, st, event_at(st, pg.positions[i]));
    sbj_arr_end(&j);
    if (include)
        render_linked(&j, st, q.type, &pg);
    sbj_kobj(&j, "meta");
    sbj_kobj(&j, "cursors");
    char id[SB_ID_MAX];
    if (pg.n && cursor >= 0) {
        sb_id_make(id, &st->event_style, st->w->seed, GC_NLISTS, event_at(st, pg.positions[0])->number);
        sbj_kstr(&j, "before", id);
    } else {
        sbj_knull(&j, "before");
    }
    int more = before ? cursor >= 0 : pg.has_more;
    if (pg.n && more) {
        sb_id_make(id, &st->event_style, st->w->seed, GC_NLISTS, event_at(st, pg.positions[pg.n - 1])->number);
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
