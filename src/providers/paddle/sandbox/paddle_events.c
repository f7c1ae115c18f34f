/* GET /events: the world's change log as Paddle Billing events.
 *
 * Paddle keeps events 90 days ("older than 90 days aren't retained"): only events that
 * occurred after now - 90 days are listed. Parameters: per_page (default 50; more than the
 * maximum, 200, gives 200, as Paddle documents; meta.pagination.per_page says how many),
 * after=<event id>, order_by=id[ASC] or id[DESC] (the default: newest first, as the other
 * lists; Paddle's default for events is not stated in the SDKs: guessed), event_type (a
 * comma-separated list of Paddle's event type names; an unknown name is refused). Each
 * event is {event_id, event_type, occurred_at, data}; event ids are time-first like every
 * Paddle id, so id order is the log's order.
 *
 * Which world changes are events: a customer's creation (customer.created), change and
 * deletion (customer.updated: Paddle archives); a listed price's creation and archiving
 * (price.created, price.updated); a product's change (product.updated); a listed
 * subscription's creation, change (subscription.activated when it leaves its trial, else
 * subscription.updated) and end (subscription.canceled); a listed transaction's creation,
 * billing, payment, failed attempt and cancellation. A customer event's `data` is the
 * customer as that change left it (the log records each rewritten member's value before);
 * the other entities' is as they are now (known difference, as the Stripe module's: the
 * log does not keep their past states), which a client that takes each entity from its
 * newest event sees the same either way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paddle_model.h"
#include "sandbox_query.h"

#define RETENTION (90 * W_DAY)
#define EVENTS_MAX 200
#define EVENTS_DEFAULT 50

/* Every event type Paddle names (the SDKs' EventTypeName), for event_type's check. */
static const char known_types[] =
    "|address.created|address.imported|address.updated|adjustment.created|adjustment.updated|"
    "api_key.created|api_key.expired|api_key.expiring|api_key.revoked|api_key.updated|"
    "business.created|business.imported|business.updated|client_token.created|client_token.revoked|"
    "client_token.updated|customer.created|customer.imported|customer.updated|discount.created|"
    "discount.imported|discount.updated|discount_group.created|discount_group.updated|"
    "payment_method.deleted|payment_method.saved|payout.created|payout.paid|price.created|price.imported|"
    "price.updated|product.created|product.imported|product.updated|report.created|report.updated|"
    "subscription.activated|subscription.canceled|subscription.created|subscription.imported|"
    "subscription.past_due|subscription.paused|subscription.resumed|subscription.trialing|"
    "subscription.updated|transaction.billed|transaction.canceled|transaction.completed|"
    "transaction.created|transaction.paid|transaction.past_due|transaction.payment_failed|"
    "transaction.ready|transaction.revised|transaction.updated|";

/* The Paddle event of world event e, with the kind and index of the entity it carries;
 * NULL when Paddle shows no such event. */
static const char *type_of(const pd_state *st, const w_event *e, int *kind, size_t *index)
{
    *index = e->index;
    switch (e->kind) {
    case W_K_CUSTOMER:
        *kind = PD_CUSTOMER;
        return e->what == W_EV_CREATED ? "customer.created" : "customer.updated";
    case W_K_PRICE:
        *kind = PD_PRICE;
        if (!st->price_ok[e->index])
            return NULL;
        return e->what == W_EV_CREATED ? "price.created" : "price.updated";
    case W_K_PRODUCT:
        *kind = -1; /* a product, rendered on its own */
        return e->what == W_EV_CREATED ? "product.created" : "product.updated";
    case W_K_SUB:
        *kind = PD_SUB;
        if (!st->sub_ok[e->index])
            return NULL;
        if (e->what == W_EV_CREATED)
            return "subscription.created";
        if (e->what == W_EV_DELETED)
            return "subscription.canceled";
        return e->field == W_FLD_STATUS && e->old_int == W_SUB_TRIALING ? "subscription.activated"
                                                                        : "subscription.updated";
    case W_K_INVOICE: {
        *kind = PD_TXN;
        if (st->invoice_txn[e->index] < 0)
            return NULL;
        *index = (size_t)st->invoice_txn[e->index];
        switch (e->what) {
        case W_EV_CREATED: return "transaction.created";
        case W_EV_FINALIZED: return "transaction.billed";
        case W_EV_PAID: return "transaction.completed";
        case W_EV_PAYMENT_FAILED: return "transaction.payment_failed";
        case W_EV_VOIDED:
        case W_EV_UNCOLLECTIBLE: return "transaction.canceled";
        default: return "transaction.updated";
        }
    }
    default: return NULL;
    }
}

typedef struct events_query {
    long long per_page;
    int desc;
    long long after;            /* the log index the cursor names; -1: none */
    const char *after_text;
    char types[1024];           /* "|a|b|" of event_type, "" for every type */
} events_query;

static int bad(sb_response *r, const sb_request *req, const char *code, const char *field, const char *problem)
{
    char detail[200];
    snprintf(detail, sizeof detail, "Invalid request: %s", problem);
    pd_error(r, req, 400, "request_error", code, detail, field, problem);
    return -1;
}

static int parse_types(events_query *q, const char *v)
{
    size_t len = 1;
    q->types[0] = '|';
    q->types[1] = '\0';
    for (const char *p = v;;) {
        size_t n = strcspn(p, ",");
        char bar[64];
        if (n == 0 || n + 3 > sizeof bar || len + n + 2 > sizeof q->types)
            return -1;
        snprintf(bar, sizeof bar, "|%.*s|", (int)n, p);
        if (!strstr(known_types, bar))
            return -1;
        memcpy(q->types + len, p, n);
        len += n;
        q->types[len++] = '|';
        q->types[len] = '\0';
        if (!p[n])
            return 0;
        p += n + 1;
    }
}

static int parse_query(events_query *q, const sb_request *req, sb_response *resp)
{
    q->per_page = EVENTS_DEFAULT;
    q->desc = 1;
    q->after = -1;
    q->after_text = "";
    q->types[0] = '\0';
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        char problem[120];
        if (!strcmp(k, "per_page")) {
            if (sb_parse_range(v, 1, 1000000, &q->per_page) != 0)
                return bad(resp, req, "invalid_field", "per_page", "per_page must be a positive integer");
            if (q->per_page > EVENTS_MAX)
                q->per_page = EVENTS_MAX;
        } else if (!strcmp(k, "after")) {
            q->after_text = v;
            if ((q->after = pd_id_number(v, "evt_")) < 0)
                return bad(resp, req, "invalid_field", "after", "after must be an event id (evt_...)");
        } else if (!strcmp(k, "order_by")) {
            if (strcmp(v, "id[ASC]") != 0 && strcmp(v, "id[DESC]") != 0)
                return bad(resp, req, "invalid_field", "order_by", "events are ordered by id[ASC] or id[DESC]");
            q->desc = !strcmp(v, "id[DESC]");
        } else if (!strcmp(k, "event_type")) {
            if (parse_types(q, v) != 0)
                return bad(resp, req, "invalid_field", "event_type",
                           "event_type must be a comma-separated list of event type names");
        } else {
            snprintf(problem, sizeof problem, "%s is not a parameter of this list", k);
            return bad(resp, req, "bad_request", k, problem);
        }
    }
    return 0;
}

/* The first event still kept (the log is oldest first). */
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

/* The event's type when the query lists it, else NULL. */
static const char *listed(const pd_state *st, const events_query *q, size_t n, int *kind, size_t *index)
{
    const char *type = type_of(st, &st->w->events[n], kind, index);
    char bar[64];
    if (!type || !q->types[0])
        return type;
    snprintf(bar, sizeof bar, "|%s|", type);
    return strstr(q->types, bar) ? type : NULL;
}

/* The customer as event n left it: a member a later change rewrote had the value that
 * change recorded as before (the earliest such change's); archived once deleted. */
static void customer_at(const pd_state *st, size_t n, sb_json *j)
{
    const sb_world *w = st->w;
    const w_event *e = &w->events[n];
    const w_customer *c = &w->customers[e->index];
    const char *name = c->name_on_file ? c->display : NULL, *email = c->email;
    int name_found = 0, email_found = 0;
    for (size_t k = n + 1; k < w->n_events && !(name_found && email_found); k++) {
        const w_event *later = &w->events[k];
        if (later->kind != W_K_CUSTOMER || later->index != e->index || later->what != W_EV_UPDATED)
            continue;
        if (later->field == W_FLD_EMAIL && !email_found) {
            email = later->old_text;
            email_found = 1;
        } else if (later->field == W_FLD_NAME && !name_found) {
            name = later->old_text;
            name_found = 1;
        }
    }
    pd_render_customer_as(st, e->index, name, email, c->deleted_at && c->deleted_at <= e->at,
                          e->at > c->created ? e->at : c->created, j);
}

static void render_event(const pd_state *st, size_t n, const char *type, int kind, size_t index, sb_json *j)
{
    const w_event *e = &st->w->events[n];
    char id[48];
    pd_id(id, "evt_", e->at, (uint64_t)n);
    sbj_obj_begin(j);
    sbj_kstr(j, "event_id", id);
    sbj_kstr(j, "event_type", type);
    sbj_ktime(j, "occurred_at", e->at);
    sbj_key(j, "data");
    if (kind < 0)
        pd_render_product(st, index, j);
    else if (kind == PD_CUSTOMER)
        customer_at(st, n, j);
    else
        pd_render(st, kind, index, 0, j);
    sbj_obj_end(j);
}

void pd_serve_events(const pd_state *st, const sb_request *req, const char *base, sb_response *resp)
{
    events_query q;
    if (parse_query(&q, req, resp) != 0)
        return;
    const sb_world *w = st->w;
    size_t lo = first_kept(w), hi = w->n_events, total = 0, taken = 0, last = 0;
    int kind, more = 0;
    size_t index;
    for (size_t n = lo; n < hi; n++)
        total += listed(st, &q, n, &kind, &index) != NULL;
    /* the cursor: events beyond it in the list's order (ids order as the log) */
    if (q.after >= 0 && q.desc && (unsigned long long)q.after < hi)
        hi = (size_t)q.after;
    if (q.after >= 0 && !q.desc && (unsigned long long)q.after + 1 > lo)
        lo = (unsigned long long)q.after + 1 < hi ? (size_t)q.after + 1 : hi;
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_karr(&j, "data");
    for (size_t k = 0; k < hi - lo; k++) {
        size_t n = q.desc ? hi - 1 - k : lo + k;
        const char *type = listed(st, &q, n, &kind, &index);
        if (!type)
            continue;
        if (taken == (size_t)q.per_page) {
            more = 1;
            break;
        }
        render_event(st, n, type, kind, index, &j);
        last = n;
        taken++;
    }
    sbj_arr_end(&j);
    char after[48];
    if (taken)
        pd_id(after, "evt_", w->events[last].at, (uint64_t)last);
    else
        after[0] = '\0';
    pd_list_meta(req, base, q.per_page, taken ? after : q.after_text, more, total, &j);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}
