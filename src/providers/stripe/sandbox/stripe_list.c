/* GET /v1/{customers,prices,subscriptions,subscription_items,charges,refunds}.
 *
 * Lists are newest first: position p is record n-1-p (records are stored oldest first,
 * ties in `created` already ordered by the internal sequence). subscription_items are in
 * the subscription's own item order, the same order the subscription embeds, so a client
 * can continue after the embedded ten with starting_after.
 *
 * Short pages: when a hash of the cursor (or, on a first page, of the URL) is 0 mod 5, a
 * page holds fewer than `limit` records while has_more stays true. Stripe does not
 * promise full pages; a client that stops on a short page loses data. */
#include "stripe_list.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sandbox_json.h"
#include "sandbox_rng.h"
#include "stripe_errors.h"
#include "stripe_params.h"
#include "stripe_resources.h"

enum {
    F_CREATED = 1 << 0,
    F_EMAIL = 1 << 1,
    F_ACTIVE = 1 << 2,
    F_TYPE = 1 << 3,
    F_PRODUCT = 1 << 4,
    F_CURRENCY = 1 << 5,
    F_STATUS = 1 << 6,
    F_CUSTOMER = 1 << 7,
    F_PRICE = 1 << 8,
    F_PI = 1 << 9,
    F_CHARGE = 1 << 10,
    F_SUBSCRIPTION = 1 << 11,
};

typedef struct list_def {
    const char *url;
    unsigned filters;
    const char *expand; /* the one expandable path, or NULL */
} list_def;

static const list_def defs[ST_RES_COUNT] = {
    [ST_RES_CUSTOMERS] = {"/v1/customers", F_CREATED | F_EMAIL, NULL},
    [ST_RES_PRODUCTS] = {NULL, 0, NULL},
    [ST_RES_PRICES] = {"/v1/prices", F_CREATED | F_ACTIVE | F_TYPE | F_PRODUCT | F_CURRENCY, "data.product"},
    [ST_RES_SUBS] = {"/v1/subscriptions", F_CREATED | F_STATUS | F_CUSTOMER | F_PRICE, "data.customer"},
    [ST_RES_ITEMS] = {"/v1/subscription_items", F_SUBSCRIPTION, "data.price.product"},
    [ST_RES_CHARGES] = {"/v1/charges", F_CREATED | F_CUSTOMER | F_PI, "data.customer"},
    [ST_RES_REFUNDS] = {"/v1/refunds", F_CREATED | F_CHARGE | F_PI, "data.charge"},
};

static const struct {
    const char *name;
    unsigned mask;
} statuses[] = {
    {"active", 1u << ST_SUB_ACTIVE},
    {"all", (1u << ST_SUB_NSTATUS) - 1},
    {"canceled", 1u << ST_SUB_CANCELED},
    {"ended", (1u << ST_SUB_CANCELED) | (1u << ST_SUB_INCOMPLETE_EXPIRED)},
    {"incomplete", 1u << ST_SUB_INCOMPLETE},
    {"incomplete_expired", 1u << ST_SUB_INCOMPLETE_EXPIRED},
    {"past_due", 1u << ST_SUB_PAST_DUE},
    {"paused", 1u << ST_SUB_PAUSED},
    {"trialing", 1u << ST_SUB_TRIALING},
    {"unpaid", 1u << ST_SUB_UNPAID},
};
#define DEFAULT_STATUS_MASK \
    (((1u << ST_SUB_NSTATUS) - 1) & ~((1u << ST_SUB_CANCELED) | (1u << ST_SUB_INCOMPLETE_EXPIRED)))

#define NO_MATCH (-2L) /* a filter names something that does not exist */

typedef struct list_params {
    int64_t limit;
    const char *after, *before;
    int has_eq, has_gt, has_gte, has_lt, has_lte;
    int64_t eq, gt, gte, lt, lte;
    int expand;
    const char *email, *currency;
    int active, type;
    unsigned status_mask;
    const char *subscription;
    long customer, product, price, charge, pi; /* -1: no filter */
} list_params;

int st_list_supported(int res)
{
    return res >= 0 && res < ST_RES_COUNT && defs[res].url != NULL;
}

static long resolve(const st_dataset *ds, int res, const char *id)
{
    long i;
    switch (res) {
    case ST_RES_CUSTOMERS: i = ST_FIND(ds, customers, id); break;
    case ST_RES_PRODUCTS: i = ST_FIND(ds, products, id); break;
    case ST_RES_PRICES: i = ST_FIND(ds, prices, id); break;
    case ST_RES_CHARGES: i = ST_FIND(ds, charges, id); break;
    default: i = -1;
    }
    return i < 0 ? NO_MATCH : i;
}

/* Parse and validate; on error the response is filled and -1 returned. */
static int parse_params(const st_dataset *ds, int res, const sb_request *req, list_params *p,
                        sb_response *resp)
{
    const list_def *d = &defs[res];
    memset(p, 0, sizeof *p);
    p->limit = 10;
    p->active = p->type = -1;
    p->status_mask = DEFAULT_STATUS_MASK;
    p->customer = p->product = p->price = p->charge = p->pi = -1;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key;
        const char *v = req->params->items[i].value;
        char sub[16];
        if (st_is_expand_key(k)) {
            if (d->expand && strcmp(v, d->expand) == 0) {
                p->expand = 1;
            } else {
                int hint = d->expand && strcmp(d->expand + 5, v) == 0;
                st_error_expand(resp, v, 1, hint);
                return -1;
            }
            continue;
        }
        if (strcmp(k, "expand") == 0) {
            st_error(resp, 400, "invalid_request_error", NULL, "Invalid array", "expand");
            return -1;
        }
        /* For known parameters an empty value means "not given"; unknown ones still fail. */
        int empty = !*v;
        if (strcmp(k, "limit") == 0) {
            if (empty)
                continue;
            if (st_parse_int(v, &p->limit) != 0) {
                st_error_invalid_integer(resp, v, "limit");
                return -1;
            }
            if (p->limit < 1) {
                st_error(resp, 400, "invalid_request_error", NULL,
                         "This value must be greater than or equal to 1.", "limit");
                return -1;
            }
            if (p->limit > 100) {
                st_error(resp, 400, "invalid_request_error", NULL,
                         "This value must be less than or equal to 100.", "limit");
                return -1;
            }
        } else if (strcmp(k, "starting_after") == 0) {
            p->after = empty ? NULL : v;
        } else if (strcmp(k, "ending_before") == 0) {
            p->before = empty ? NULL : v;
        } else if ((d->filters & F_CREATED) && strcmp(k, "created") == 0) {
            if (empty)
                continue;
            if (st_parse_int(v, &p->eq) != 0) {
                st_error_invalid_integer(resp, v, "created");
                return -1;
            }
            p->has_eq = 1;
        } else if ((d->filters & F_CREATED) && st_split_hash_key(k, "created", sub, sizeof sub)) {
            int64_t *dst;
            int *has;
            if (strcmp(sub, "gt") == 0) { dst = &p->gt; has = &p->has_gt; }
            else if (strcmp(sub, "gte") == 0) { dst = &p->gte; has = &p->has_gte; }
            else if (strcmp(sub, "lt") == 0) { dst = &p->lt; has = &p->has_lt; }
            else if (strcmp(sub, "lte") == 0) { dst = &p->lte; has = &p->has_lte; }
            else {
                st_error_unknown_param(resp, k);
                return -1;
            }
            if (empty)
                continue;
            if (st_parse_int(v, dst) != 0) {
                st_error_invalid_integer(resp, v, k);
                return -1;
            }
            *has = 1;
        } else if ((d->filters & F_EMAIL) && strcmp(k, "email") == 0) {
            p->email = empty ? NULL : v;
        } else if ((d->filters & F_ACTIVE) && strcmp(k, "active") == 0) {
            if (empty)
                continue;
            if (st_parse_bool(v, &p->active) != 0) {
                sb_buf m;
                sb_buf_init(&m);
                sb_buf_printf(&m, "Invalid boolean: %s", v);
                st_error(resp, 400, "invalid_request_error", NULL, sb_buf_str(&m), "active");
                sb_buf_free(&m);
                return -1;
            }
        } else if ((d->filters & F_TYPE) && strcmp(k, "type") == 0) {
            if (empty)
                continue;
            if (strcmp(v, "one_time") == 0)
                p->type = 0;
            else if (strcmp(v, "recurring") == 0)
                p->type = 1;
            else {
                st_error(resp, 400, "invalid_request_error", NULL,
                         "Invalid type: must be one of one_time or recurring", "type");
                return -1;
            }
        } else if ((d->filters & F_PRODUCT) && strcmp(k, "product") == 0) {
            if (!empty)
                p->product = resolve(ds, ST_RES_PRODUCTS, v);
        } else if ((d->filters & F_CURRENCY) && strcmp(k, "currency") == 0) {
            p->currency = empty ? NULL : v;
        } else if ((d->filters & F_STATUS) && strcmp(k, "status") == 0) {
            if (empty)
                continue;
            size_t s;
            for (s = 0; s < sizeof statuses / sizeof statuses[0]; s++)
                if (strcmp(v, statuses[s].name) == 0)
                    break;
            if (s == sizeof statuses / sizeof statuses[0]) {
                st_error(resp, 400, "invalid_request_error", NULL,
                         "Invalid status: must be one of active, all, canceled, ended, "
                         "incomplete, incomplete_expired, past_due, paused, trialing, or unpaid",
                         "status");
                return -1;
            }
            p->status_mask = statuses[s].mask;
        } else if ((d->filters & F_CUSTOMER) && strcmp(k, "customer") == 0) {
            if (!empty)
                p->customer = resolve(ds, ST_RES_CUSTOMERS, v);
        } else if ((d->filters & F_PRICE) && strcmp(k, "price") == 0) {
            if (!empty)
                p->price = resolve(ds, ST_RES_PRICES, v);
        } else if ((d->filters & F_PI) && strcmp(k, "payment_intent") == 0) {
            if (empty)
                continue;
            long n = st_id_number(ds, ST_ID_PI, v);
            p->pi = (n >= 0 && (size_t)n < ds->n_charges) ? n : NO_MATCH;
        } else if ((d->filters & F_CHARGE) && strcmp(k, "charge") == 0) {
            if (!empty)
                p->charge = resolve(ds, ST_RES_CHARGES, v);
        } else if ((d->filters & F_SUBSCRIPTION) && strcmp(k, "subscription") == 0) {
            p->subscription = empty ? NULL : v;
        } else {
            st_error_unknown_param(resp, k);
            return -1;
        }
    }
    if (p->after && p->before) {
        st_error(resp, 400, "invalid_request_error", NULL,
                 "You may only specify one of these parameters: ending_before, starting_after.", NULL);
        return -1;
    }
    if ((d->filters & F_SUBSCRIPTION) && !p->subscription) {
        st_error(resp, 400, "invalid_request_error", "parameter_missing",
                 "Missing required param: subscription.", "subscription");
        return -1;
    }
    return 0;
}

typedef struct list_ctx {
    const st_dataset *ds;
    int res;
    const list_params *p;
    const st_sub *sub; /* subscription_items only */
    size_t total;
} list_ctx;

static size_t record_at(const list_ctx *c, size_t pos)
{
    return c->res == ST_RES_ITEMS ? c->sub->first_item + pos : c->total - 1 - pos;
}

static size_t pos_of(const list_ctx *c, size_t rec)
{
    return c->res == ST_RES_ITEMS ? rec - c->sub->first_item : c->total - 1 - rec;
}

static int created_ok(const list_params *p, int64_t t)
{
    return (!p->has_eq || t == p->eq) && (!p->has_gt || t > p->gt) && (!p->has_gte || t >= p->gte) &&
           (!p->has_lt || t < p->lt) && (!p->has_lte || t <= p->lte);
}

static int match(const list_ctx *c, size_t pos)
{
    const st_dataset *ds = c->ds;
    const list_params *p = c->p;
    size_t i = record_at(c, pos);
    switch (c->res) {
    case ST_RES_CUSTOMERS: {
        const st_customer *cu = &ds->customers[i];
        return !cu->deleted_at && created_ok(p, cu->created) &&
               (!p->email || (cu->email && strcmp(cu->email, p->email) == 0));
    }
    case ST_RES_PRICES: {
        const st_price *pr = &ds->prices[i];
        return created_ok(p, pr->created) && (p->active < 0 || pr->active == p->active) &&
               (p->type < 0 || pr->recurring == p->type) &&
               (p->product == -1 || pr->product == p->product) &&
               (!p->currency || strcasecmp(st_currencies[pr->ccy].code, p->currency) == 0);
    }
    case ST_RES_SUBS: {
        const st_sub *s = &ds->subs[i];
        if (!(p->status_mask & (1u << s->status)) || !created_ok(p, s->created) ||
            (p->customer != -1 && s->customer != p->customer))
            return 0;
        if (p->price == -1)
            return 1;
        for (size_t k = 0; k < s->n_items; k++)
            if (ds->items[s->first_item + k].price == p->price)
                return 1;
        return 0;
    }
    case ST_RES_ITEMS:
        return 1;
    case ST_RES_CHARGES: {
        const st_charge *ch = &ds->charges[i];
        return created_ok(p, ch->created) && (p->customer == -1 || ch->customer == p->customer) &&
               (p->pi == -1 || (long)i == p->pi);
    }
    case ST_RES_REFUNDS: {
        const st_refund *re = &ds->refunds[i];
        return created_ok(p, re->created) && (p->charge == -1 || re->charge == p->charge) &&
               (p->pi == -1 || re->charge == p->pi);
    }
    }
    return 0;
}

/* Position of a cursor object, or -1 (then the response holds the 404). */
static long cursor_pos(const list_ctx *c, const char *id, const char *param, sb_response *resp)
{
    const st_dataset *ds = c->ds;
    long i = -1;
    switch (c->res) {
    case ST_RES_CUSTOMERS:
        i = ST_FIND(ds, customers, id);
        if (i >= 0 && ds->customers[i].deleted_at)
            i = -1; /* deleted customers are gone from the list for good */
        break;
    case ST_RES_PRICES: i = ST_FIND(ds, prices, id); break;
    case ST_RES_SUBS: i = ST_FIND(ds, subs, id); break;
    case ST_RES_ITEMS:
        i = ST_FIND(ds, items, id);
        if (i >= 0 && &ds->subs[ds->items[i].sub] != c->sub)
            i = -1;
        break;
    case ST_RES_CHARGES: i = ST_FIND(ds, charges, id); break;
    case ST_RES_REFUNDS: i = ST_FIND(ds, refunds, id); break;
    }
    if (i < 0) {
        st_error_no_such(resp, st_resource_noun(c->res), id, param);
        return -1;
    }
    return (long)pos_of(c, (size_t)i);
}

static void render(const list_ctx *c, sb_json *j, size_t rec, const st_shape *sh)
{
    int e = c->p->expand;
    switch (c->res) {
    case ST_RES_CUSTOMERS: st_render_customer(j, c->ds, rec, sh); break;
    case ST_RES_PRICES: st_render_price(j, c->ds, rec, sh, e); break;
    case ST_RES_SUBS: st_render_sub(j, c->ds, rec, sh, e); break;
    case ST_RES_ITEMS: st_render_item(j, c->ds, rec, sh, e); break;
    case ST_RES_CHARGES: st_render_charge(j, c->ds, rec, sh, e); break;
    case ST_RES_REFUNDS: st_render_refund(j, c->ds, rec, sh, e); break;
    }
}

void st_list(const st_dataset *ds, int res, const sb_request *req, const st_shape *sh, sb_response *resp)
{
    list_params p;
    if (parse_params(ds, res, req, &p, resp) != 0)
        return;
    list_ctx c = {.ds = ds, .res = res, .p = &p};
    switch (res) {
    case ST_RES_CUSTOMERS: c.total = ds->n_customers; break;
    case ST_RES_PRICES: c.total = ds->n_prices; break;
    case ST_RES_SUBS: c.total = ds->n_subs; break;
    case ST_RES_CHARGES: c.total = ds->n_charges; break;
    case ST_RES_REFUNDS: c.total = ds->n_refunds; break;
    case ST_RES_ITEMS: {
        long s = ST_FIND(ds, subs, p.subscription);
        if (s < 0) {
            st_error_no_such(resp, "subscription", p.subscription, "subscription");
            return;
        }
        c.sub = &ds->subs[s];
        c.total = c.sub->n_items;
        break;
    }
    }

    const char *cursor = p.after ? p.after : p.before;
    long cpos = -1;
    if (cursor && (cpos = cursor_pos(&c, cursor, p.after ? "starting_after" : "ending_before", resp)) < 0)
        return;

    size_t limit = (size_t)p.limit, cap = limit + 1, k = 0;
    size_t *found = sb_xmalloc(cap * sizeof *found);
    if (p.before) {
        for (size_t pos = (size_t)cpos; pos-- > 0 && k < cap;)
            if (match(&c, pos))
                found[k++] = pos;
    } else {
        for (size_t pos = cursor ? (size_t)cpos + 1 : 0; pos < c.total && k < cap; pos++)
            if (match(&c, pos))
                found[k++] = pos;
    }
    size_t m = k > limit ? limit : k;
    int has_more = k > limit;
    uint64_t h = sb_hash_str(cursor ? cursor : defs[res].url, ds->seed ^ 0x5407ULL);
    if (limit >= 2 && h % 5 == 0) {
        size_t short_len = 1 + (size_t)((h / 5) % (limit - 1));
        if (k > short_len) {
            m = short_len;
            has_more = 1;
        }
    }

    sb_json j;
    sbj_init(&j, &resp->body, 1);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "object", "list");
    sbj_key(&j, "data");
    sbj_arr_begin(&j);
    for (size_t n = 0; n < m; n++) {
        size_t pos = p.before ? found[m - 1 - n] : found[n];
        render(&c, &j, record_at(&c, pos), sh);
    }
    sbj_arr_end(&j);
    sbj_kbool(&j, "has_more", has_more);
    sbj_kstr(&j, "url", defs[res].url);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
    free(found);
}
