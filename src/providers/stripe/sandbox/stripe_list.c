/* GET /v1/{resource}, /v1/{resource}/{id} and /v1/invoices/{id}/lines.
 *
 * Lists are newest first: position p is record n-1-p (records are stored oldest first,
 * ties in `created` already ordered). Subscription items and invoice lines come in their
 * parent's own order, the order the parent embeds, so a client continues after the
 * embedded ten with starting_after. Pages are sometimes short (sandbox_paging.h). */
#include "stripe_list.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox_json.h"
#include "sandbox_paging.h"
#include "stripe_errors.h"
#include "stripe_events.h"
#include "stripe_faults.h"

enum {
    F_CREATED = 1 << 0, F_EMAIL = 1 << 1, F_ACTIVE = 1 << 2, F_TYPE = 1 << 3, F_PRODUCT = 1 << 4,
    F_CURRENCY = 1 << 5, F_STATUS = 1 << 6, F_CUSTOMER = 1 << 7, F_PRICE = 1 << 8, F_PI = 1 << 9,
    F_CHARGE = 1 << 10, F_SUBSCRIPTION = 1 << 11, F_PARENT = 1 << 12, F_LIST = 1 << 13,
    F_INVOICE = 1 << 14, F_PAYMENT = 1 << 15,
};

static void r_customer(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    (void)sh, (void)e;
    st_render_customer(j, st, i);
}

static void r_product(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    (void)sh, (void)e;
    st_render_product(j, st, i);
}

static void r_line(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    (void)e;
    st_render_line(j, st, i, sh);
}

/* One expandable path each: bit 1 is theirs. */
static void r_price(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_price(j, st, i, sh, e);
}

static void r_sub(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_sub(j, st, i, sh, e);
}

static void r_item(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_item(j, st, i, sh, e & 1);
}

/* Bit 1 the customer, bit 2 the payments (ST_INV_*), with ST_INV_INSERTED when inserted
 * records are visible to the request. */
static void r_invoice(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_invoice(j, st, i, sh, e);
}

static void r_inpay(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_inpay(j, st, i, sh, e & 1);
}

static void r_dispute(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int e)
{
    st_render_dispute(j, st, i, sh, e & 1);
}

int st_param_limit(const char *v, int64_t *limit, sb_response *resp)
{
    if (!*v)
        return 0; /* an empty parameter is no parameter: the default stays */
    if (sb_parse_int64(v, limit) != 0) {
        st_error_invalid_integer(resp, v, "limit");
        return -1;
    }
    if (*limit < 1 || *limit > 100) {
        st_invalid(resp, 400, NULL, "limit", "This value must be %s.",
                   *limit < 1 ? "greater than or equal to 1" : "less than or equal to 100");
        return -1;
    }
    return 0;
}

int st_param_created(const char *k, const char *sub, const char *v, int has[5], int64_t bound[5],
                     sb_response *resp)
{
    static const char *const ops[5] = {"", "gt", "gte", "lt", "lte"};
    int op = 0;
    while (strcmp(k, "created") != 0 && op < 5 && strcmp(sub, ops[op]) != 0)
        op++;
    if (op == 5 || (op == 0 && strcmp(k, "created") != 0)) {
        st_error_unknown_param(resp, k);
        return -1;
    }
    if (!*v)
        return 0;
    if (sb_parse_int64(v, &bound[op]) != 0) {
        st_error_invalid_integer(resp, v, k);
        return -1;
    }
    has[op] = 1;
    return 0;
}

typedef struct st_res {
    const char *segment, *noun;
    int kind;
    size_t count;             /* offset of the record count in sb_world */
    unsigned filters;         /* F_LIST: it has a list endpoint */
    const char *expand[2];    /* the expandable paths of an object (lists take "data." + one) */
    /* expand: bit k set when expand[k] was asked for */
    void (*render)(sb_json *, const st_state *, size_t, const st_shape *, int expand);
} st_res;

/* not world arrays: the module's indexes of disputes and invoice payments */
#define N_DISPUTES ((size_t)-1)
#define N_INPAYS ((size_t)-2)

#define N(field) offsetof(sb_world, field)
static const st_res resources[] = {
    {"customers", "customer", ST_CUSTOMER, N(n_customers), F_LIST | F_CREATED | F_EMAIL, {NULL, NULL}, r_customer},
    {"products", "product", ST_PRODUCT, N(n_products), 0, {NULL, NULL}, r_product},
    {"prices", "price", ST_PRICE, N(n_prices),
     F_LIST | F_CREATED | F_ACTIVE | F_TYPE | F_PRODUCT | F_CURRENCY, {"product", "tiers"}, r_price},
    {"subscriptions", "subscription", ST_SUB, N(n_subs), F_LIST | F_CREATED | F_STATUS | F_CUSTOMER | F_PRICE,
     {"customer", "discounts"}, r_sub},
    {"subscription_items", "subscription_item", ST_ITEM, N(n_items), F_LIST | F_PARENT, {"price.product", NULL},
     r_item},
    {"charges", "charge", ST_CHARGE, N(n_payments), F_LIST | F_CREATED | F_CUSTOMER | F_PI,
     {"customer", "balance_transaction"}, st_render_charge},
    {"refunds", "refund", ST_REFUND, N(n_refunds), F_LIST | F_CREATED | F_CHARGE | F_PI,
     {"charge", "balance_transaction"}, st_render_refund},
    {"invoices", "invoice", ST_INVOICE, N(n_invoices), F_LIST | F_CREATED | F_STATUS | F_CUSTOMER | F_SUBSCRIPTION,
     {"customer", "payments"}, r_invoice},
    {"disputes", "dispute", ST_DISPUTE, N_DISPUTES, F_LIST | F_CREATED | F_CHARGE | F_PI, {"charge", NULL}, r_dispute},
    {"invoice_payments", "invoice_payment", ST_INPAY, N_INPAYS, F_LIST | F_INVOICE | F_PAYMENT | F_STATUS,
     {"invoice", NULL}, r_inpay},
};
static const st_res lines_res = {"lines", "line_item", ST_LINE, N(n_lines), F_LIST, {NULL, NULL}, r_line};
#undef N

static size_t count_of(const st_state *st, const st_res *r)
{
    if (r->count == N_DISPUTES)
        return st->n_disputes;
    if (r->count == N_INPAYS)
        return st->n_inpays;
    return *(const size_t *)((const char *)st->w + r->count);
}

/* Which of the resource's expandable paths `path` names (-1: none). An invoice's
 * `payments` (invoice payments) exist from API 2025-03-31.basil on. */
static int expand_index(const st_res *r, const char *path, const st_shape *sh)
{
    if (r->kind == ST_INVOICE && !sh->basil && strcmp(path, "payments") == 0)
        return -1;
    for (int k = 0; k < 2; k++)
        if (r->expand[k] && strcmp(path, r->expand[k]) == 0)
            return k;
    return -1;
}

static const struct {
    const char *name;
    unsigned mask;
} sub_statuses[] = {
    {"active", 1u << W_SUB_ACTIVE},
    {"all", (1u << W_SUB_NSTATUS) - 1},
    {"canceled", 1u << W_SUB_CANCELED},
    {"ended", (1u << W_SUB_CANCELED) | (1u << W_SUB_INCOMPLETE_EXPIRED)},
    {"incomplete", 1u << W_SUB_INCOMPLETE},
    {"incomplete_expired", 1u << W_SUB_INCOMPLETE_EXPIRED},
    {"past_due", 1u << W_SUB_PAST_DUE},
    {"paused", 1u << W_SUB_PAUSED},
    {"trialing", 1u << W_SUB_TRIALING},
    {"unpaid", 1u << W_SUB_UNPAID},
};
/* Subscriptions lists leave out canceled and incomplete_expired unless asked. */
#define DEFAULT_SUB_MASK \
    (((1u << W_SUB_NSTATUS) - 1) & ~((1u << W_SUB_CANCELED) | (1u << W_SUB_INCOMPLETE_EXPIRED)))

#define NO_MATCH (-2L) /* a filter names something that does not exist */

typedef struct list_params {
    int64_t limit;
    const char *after, *before;
    int has[5];               /* created, created[gt], [gte], [lt], [lte] */
    int64_t bound[5];
    int expand, active, type;
    const char *email, *currency, *parent;
    unsigned status_mask;
    long customer, product, price, charge, pi, subscription, invoice; /* -1: no filter */
    int payment_type;         /* invoice payments: payment[type] given, -2 one we never have */
} list_params;

typedef struct list_ctx {
    const st_state *st;
    const st_res *res;
    const list_params *p;
    size_t first, total;      /* parent order: records first .. first + total - 1 */
    int parent_order;
    const sb_request *req;
} list_ctx;

static long lookup(const st_state *st, int kind, size_t count, const char *id)
{
    long i = st_find(st, kind, id, count);
    return i < 0 ? NO_MATCH : i;
}

static int status_param(const st_res *r, const char *v, list_params *p, sb_response *resp)
{
    if (r->kind == ST_INPAY) { /* the payments' statuses: paid, open, canceled */
        static const char *const names[3] = {"paid", "open", "canceled"};
        for (unsigned s = 0; s < 3; s++)
            if (strcmp(v, names[s]) == 0) {
                p->status_mask = 1u << s;
                return 0;
            }
        st_invalid(resp, 400, NULL, "status", "Invalid status: must be one of canceled, open, or paid");
        return -1;
    }
    if (r->kind == ST_INVOICE) {
        for (unsigned s = 0; s < W_INV_NSTATUS; s++)
            if (strcmp(v, w_invoice_status_names[s]) == 0) {
                p->status_mask = 1u << s;
                return 0;
            }
        st_invalid(resp, 400, NULL, "status", "Invalid status: must be one of draft, open, paid, uncollectible, or void");
        return -1;
    }
    for (size_t s = 0; s < sizeof sub_statuses / sizeof sub_statuses[0]; s++)
        if (strcmp(v, sub_statuses[s].name) == 0) {
            p->status_mask = sub_statuses[s].mask;
            return 0;
        }
    st_invalid(resp, 400, NULL, "status", "Invalid status: must be one of active, all, canceled, ended, "
               "incomplete, incomplete_expired, past_due, paused, trialing, or unpaid");
    return -1;
}

/* Parse and validate; on error the response is filled and -1 returned. */
static int parse_params(const st_state *st, const st_res *r, const sb_request *req, const st_shape *sh,
                        list_params *p, sb_response *resp)
{
    const sb_world *w = st->w;
    memset(p, 0, sizeof *p);
    p->limit = 10;
    p->active = p->type = -1;
    p->status_mask = r->kind == ST_SUB ? DEFAULT_SUB_MASK : ~0u;
    p->customer = p->product = p->price = p->charge = p->pi = p->subscription = p->invoice = -1;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        char sub[16];
        int empty = !*v; /* an empty value of a known parameter means "not given" */
        unsigned f = r->filters;
        if (sb_array_item(k, "expand")) {
            int e = strncmp(v, "data.", 5) == 0 ? expand_index(r, v + 5, sh) : -1;
            if (e < 0) {
                st_error_expand(resp, v, 1, expand_index(r, v, sh) >= 0);
                return -1;
            }
            p->expand |= 1 << e;
        } else if (strcmp(k, "expand") == 0) {
            st_invalid(resp, 400, NULL, "expand", "Invalid array");
            return -1;
        } else if (strcmp(k, "limit") == 0) {
            if (st_param_limit(v, &p->limit, resp) != 0)
                return -1;
        } else if (strcmp(k, "starting_after") == 0) {
            p->after = empty ? NULL : v;
        } else if (strcmp(k, "ending_before") == 0) {
            p->before = empty ? NULL : v;
        } else if ((f & F_CREATED) && (strcmp(k, "created") == 0 || sb_hash_member(k, "created", sub, sizeof sub))) {
            if (st_param_created(k, sub, v, p->has, p->bound, resp) != 0)
                return -1;
        } else if ((f & F_EMAIL) && strcmp(k, "email") == 0) {
            p->email = empty ? NULL : v;
        } else if ((f & F_ACTIVE) && strcmp(k, "active") == 0) {
            if (!empty && sb_parse_bool(v, &p->active) != 0) {
                st_invalid(resp, 400, NULL, "active", "Invalid boolean: %s", v);
                return -1;
            }
        } else if ((f & F_TYPE) && strcmp(k, "type") == 0) {
            if (empty)
                continue;
            p->type = strcmp(v, "recurring") == 0 ? 1 : strcmp(v, "one_time") == 0 ? 0 : -2;
            if (p->type == -2) {
                st_invalid(resp, 400, NULL, "type", "Invalid type: must be one of one_time or recurring");
                return -1;
            }
        } else if ((f & F_PRODUCT) && strcmp(k, "product") == 0) {
            if (!empty)
                p->product = lookup(st, ST_PRODUCT, w->n_products, v);
        } else if ((f & F_CURRENCY) && strcmp(k, "currency") == 0) {
            p->currency = empty ? NULL : v;
        } else if ((f & F_STATUS) && strcmp(k, "status") == 0) {
            if (!empty && status_param(r, v, p, resp) != 0)
                return -1;
        } else if ((f & F_CUSTOMER) && strcmp(k, "customer") == 0) {
            if (!empty)
                p->customer = lookup(st, ST_CUSTOMER, w->n_customers, v);
        } else if ((f & F_PRICE) && strcmp(k, "price") == 0) {
            if (!empty)
                p->price = lookup(st, ST_PRICE, w->n_prices, v);
        } else if ((f & F_PI) && strcmp(k, "payment_intent") == 0) {
            if (!empty)
                p->pi = lookup(st, ST_PI, w->n_payments, v);
        } else if ((f & F_CHARGE) && strcmp(k, "charge") == 0) {
            if (!empty)
                p->charge = lookup(st, ST_CHARGE, w->n_payments, v);
        } else if ((f & F_SUBSCRIPTION) && strcmp(k, "subscription") == 0) {
            if (!empty)
                p->subscription = lookup(st, ST_SUB, w->n_subs, v);
        } else if ((f & F_INVOICE) && strcmp(k, "invoice") == 0) {
            if (!empty)
                p->invoice = lookup(st, ST_INVOICE, w->n_invoices, v);
        } else if ((f & F_PAYMENT) && sb_hash_member(k, "payment", sub, sizeof sub) &&
                   (strcmp(sub, "type") == 0 || strcmp(sub, "payment_intent") == 0)) {
            if (empty)
                continue;
            if (strcmp(sub, "payment_intent") == 0) {
                p->pi = lookup(st, ST_PI, w->n_payments, v);
            } else if (strcmp(v, "payment_intent") != 0 && strcmp(v, "payment_record") != 0) {
                st_invalid(resp, 400, NULL, "payment[type]",
                           "Invalid payment[type]: must be one of payment_intent or payment_record");
                return -1;
            } else if (strcmp(v, "payment_record") == 0) {
                p->payment_type = -2; /* every payment here is a PaymentIntent */
            }
        } else if ((f & F_PARENT) && strcmp(k, "subscription") == 0) {
            p->parent = empty ? NULL : v;
        } else {
            st_error_unknown_param(resp, k);
            return -1;
        }
    }
    if (p->after && p->before) {
        st_invalid(resp, 400, NULL, NULL, "You may only specify one of these parameters: ending_before, starting_after.");
        return -1;
    }
    if ((r->filters & F_PARENT) && !p->parent) {
        st_invalid(resp, 400, "parameter_missing", "subscription", "Missing required param: subscription.");
        return -1;
    }
    return 0;
}

static size_t record_at(const list_ctx *c, size_t pos)
{
    return c->parent_order ? c->first + pos : c->total - 1 - pos;
}

/* The created filters combine by AND. */
static int created_ok(const list_params *p, int64_t t)
{
    const int64_t *b = p->bound;
    return (!p->has[0] || t == b[0]) && (!p->has[1] || t > b[1]) && (!p->has[2] || t >= b[2]) &&
           (!p->has[3] || t < b[3]) && (!p->has[4] || t <= b[4]);
}

static int match(const void *ctx, size_t pos)
{
    const list_ctx *c = ctx;
    const sb_world *w = c->st->w;
    const list_params *p = c->p;
    size_t i = record_at(c, pos);
    if (st_hidden(c->st, c->res->kind, i, c->req->fault->inserted))
        return 0;
    switch (c->res->kind) {
    case ST_CUSTOMER: {
        const w_customer *cu = &w->customers[i];
        return !cu->deleted_at && created_ok(p, cu->created) &&
               (!p->email || (cu->email && strcmp(cu->email, p->email) == 0));
    }
    case ST_PRICE: {
        const w_price *pr = &w->prices[i];
        return created_ok(p, pr->created) && (p->active < 0 || (!pr->archived_at) == p->active) &&
               (p->type < 0 || pr->recurring == p->type) && (p->product == -1 || pr->product == p->product) &&
               (!p->currency || strcasecmp(w_currencies[pr->ccy].code, p->currency) == 0);
    }
    case ST_SUB: {
        const w_sub *s = &w->subs[i];
        if (!(p->status_mask & (1u << s->status)) || !created_ok(p, s->created) ||
            (p->customer != -1 && s->customer != p->customer))
            return 0;
        for (uint32_t k = 0; p->price != -1 && k < s->n_items; k++)
            if (w->items[s->first_item + k].price == p->price)
                return 1;
        return p->price == -1;
    }
    case ST_CHARGE: {
        const w_payment *pay = &w->payments[i];
        return created_ok(p, pay->created) && (p->customer == -1 || pay->customer == p->customer) &&
               (p->pi == -1 || (long)i == p->pi);
    }
    case ST_REFUND: {
        const w_refund *re = &w->refunds[i];
        return created_ok(p, re->created) && (p->charge == -1 || re->payment == p->charge) &&
               (p->pi == -1 || re->payment == p->pi);
    }
    case ST_INPAY: {
        size_t pay = c->st->inpays[i];
        const w_payment *wp = &w->payments[pay];
        return p->payment_type != -2 && (p->status_mask & (1u << wp->status)) &&
               (p->invoice == -1 || wp->invoice == p->invoice) && (p->pi == -1 || (long)pay == p->pi);
    }
    case ST_DISPUTE: {
        size_t pay = c->st->disputes[i];
        return created_ok(p, w->payments[pay].disputed_at) && (p->charge == -1 || (long)pay == p->charge) &&
               (p->pi == -1 || (long)pay == p->pi);
    }
    case ST_INVOICE: {
        const w_invoice *v = &w->invoices[i];
        return created_ok(p, v->created) && (p->status_mask & (1u << v->status)) &&
               (p->customer == -1 || v->customer == p->customer) &&
               (p->subscription == -1 || v->sub == p->subscription);
    }
    default: /* items and lines: every one of the parent */
        return 1;
    }
}

/* The page after (or before) the cursor, with its short-page rule. */
static void page(const list_ctx *c, const char *url, const st_shape *sh, sb_response *resp)
{
    const list_params *p = c->p;
    const char *cursor = p->after ? p->after : p->before;
    long cpos = -1;
    if (cursor) {
        long i = st_find_visible(c->st, c->res->kind, cursor, count_of(c->st, c->res), c->req);
        if (i >= 0 && c->res->kind == ST_CUSTOMER && c->st->w->customers[i].deleted_at)
            i = -1; /* deleted customers are gone from the list for good */
        if (i >= 0 && c->parent_order && ((size_t)i < c->first || (size_t)i >= c->first + c->total))
            i = -1;
        if (i < 0) {
            st_error_no_such(resp, c->res->noun, cursor, p->after ? "starting_after" : "ending_before");
            return;
        }
        cpos = c->parent_order ? i - (long)c->first : (long)c->total - 1 - i;
    }
    /* what an invoice's expanded payments may show */
    int visible = c->res->kind == ST_INVOICE && c->req->fault->inserted ? ST_INV_INSERTED : 0;
    sb_page pg;
    sb_cursor_page(&pg, c->total, cpos, p->before != NULL, (size_t)p->limit, match, c, cursor ? cursor : url,
                   c->st->w->seed);
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "object", "list");
    sbj_karr(&j, "data");
    for (size_t n = 0; n < pg.n; n++)
        c->res->render(&j, c->st, record_at(c, pg.positions[n]), sh, p->expand | visible);
    sbj_arr_end(&j);
    sbj_kbool(&j, "has_more", pg.has_more);
    sbj_kstr(&j, "url", url);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
    free(pg.positions);
}

static const st_res *resource_of(const char *segment, size_t n)
{
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
        if (strlen(resources[i].segment) == n && strncmp(resources[i].segment, segment, n) == 0)
            return &resources[i];
    return NULL;
}

static void list(const st_state *st, const st_res *r, const char *url, const sb_request *req,
                 const st_shape *sh, sb_response *resp, long invoice)
{
    list_params p;
    if (parse_params(st, r, req, sh, &p, resp) != 0)
        return;
    list_ctx c = {st, r, &p, 0, count_of(st, r), 0, req};
    if (r->filters & F_PARENT) {
        long s = st_find_visible(st, ST_SUB, p.parent, st->w->n_subs, req);
        if (s < 0) {
            st_error_no_such(resp, "subscription", p.parent, "subscription");
            return;
        }
        c = (list_ctx){st, r, &p, st->w->subs[s].first_item, st->w->subs[s].n_items, 1, req};
    } else if (invoice >= 0) {
        c = (list_ctx){st, r, &p, st->w->invoices[invoice].first_line, st->w->invoices[invoice].n_lines, 1, req};
    }
    page(&c, url, sh, resp);
}

static void retrieve(const st_state *st, const st_res *r, const char *id, const sb_request *req,
                     const st_shape *sh, sb_response *resp)
{
    int expand = 0;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key, *v = req->params->items[i].value;
        if (!sb_array_item(k, "expand")) {
            st_error_unknown_param(resp, k);
            return;
        }
        int e = expand_index(r, v, sh);
        if (e < 0) {
            st_error_expand(resp, v, 0, 0);
            return;
        }
        expand |= 1 << e;
    }
    long i = st_find_visible(st, r->kind, id, count_of(st, r), req);
    if (i < 0) {
        st_error_no_such(resp, r->noun, id, "id");
        return;
    }
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    if (r->kind == ST_CUSTOMER && st->w->customers[i].deleted_at)
        st_render_deleted(&j, id, "customer");
    else
        r->render(&j, st, (size_t)i, sh,
                  expand | (r->kind == ST_INVOICE && req->fault->inserted ? ST_INV_INSERTED : 0));
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}

void st_serve(const st_state *st, const sb_request *req, const st_shape *sh, sb_response *resp)
{
    const char *path = req->path;
    if (strcmp(req->method, "GET") != 0 || strncmp(path, "/v1/", 4) != 0) {
        st_error_unrecognized(resp, req->method, path);
        return;
    }
    if (st_serve_events(st, req, resp))
        return;
    const char *rest = path + 4, *slash = strchr(rest, '/');
    const st_res *r = resource_of(rest, slash ? (size_t)(slash - rest) : strlen(rest));
    if (r && !slash && (r->filters & F_LIST)) {
        list(st, r, path, req, sh, resp, -1);
        return;
    }
    const char *id = slash ? slash + 1 : NULL, *tail = id ? strchr(id, '/') : NULL;
    if (r && id && *id && !tail) {
        retrieve(st, r, id, req, sh, resp);
        return;
    }
    if (r && r->kind == ST_INVOICE && id && tail && tail > id && strcmp(tail, "/lines") == 0) {
        char inv[SB_ID_MAX] = "";
        if ((size_t)(tail - id) < sizeof inv)
            memcpy(inv, id, (size_t)(tail - id));
        long i = st_find_visible(st, ST_INVOICE, inv, st->w->n_invoices, req);
        if (i < 0)
            st_error_no_such(resp, "invoice", inv, "invoice");
        else
            list(st, &lines_res, path, req, sh, resp, i);
        return;
    }
    st_error_unrecognized(resp, req->method, path);
}
