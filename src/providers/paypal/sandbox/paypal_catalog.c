/* Catalog Products and Subscriptions (plans, subscription by id). Lists: page_size 1-20
 * (default 10), page from 1 (products up to 100000, plans up to 10000000),
 * total_required=true adds total_items and total_pages; items in creation order. */
#include <string.h>
#include <strings.h>

#include "paypal_endpoints.h"
#include "paypal_errors.h"
#include "paypal_faults.h"
#include "paypal_render.h"
#include "sandbox_json.h"
#include "sandbox_query.h"

typedef struct paging {
    long long size, page;
    int totals;
} paging;

static int bad_param(pp_ctx *c, const char *field, const char *value)
{
    pp_error(c->resp, PP_E_INVALID, c->debug_id, field, value, "INVALID_PARAMETER_VALUE",
             "The value of a field is invalid.");
    return -1;
}

static int parse_paging(pp_ctx *c, long long max_page, paging *pg)
{
    const char *v;
    pg->size = 10;
    pg->page = 1;
    pg->totals = 0;
    if ((v = sb_param_get(c->req->params, "page_size")) && sb_parse_range(v, 1, 20, &pg->size))
        return bad_param(c, "page_size", v);
    if ((v = sb_param_get(c->req->params, "page")) && sb_parse_range(v, 1, max_page, &pg->page))
        return bad_param(c, "page", v);
    if ((v = sb_param_get(c->req->params, "total_required"))) {
        if (strcmp(v, "true") == 0)
            pg->totals = 1;
        else if (strcmp(v, "false") != 0)
            return bad_param(c, "total_required", v);
    }
    return 0;
}

static void list_link(pp_ctx *c, sb_json *j, const char *path, const char *extra, const paging *pg,
                      long long page, const char *rel, int enc)
{
    sb_buf href;
    sb_buf_init(&href);
    sb_buf_printf(&href, "%s%s?page_size=%lld&page=%lld", c->base, path, pg->size, page);
    if (extra && *extra)
        sb_buf_adds(&href, extra);
    if (pg->totals)
        sb_buf_adds(&href, "&total_required=true");
    pp_json_link(j, sb_buf_str(&href), rel, "GET", enc);
    sb_buf_free(&href);
}

/* The envelope's tail: totals and links (as inflate@N and shrink@N have them). */
static void list_tail(pp_ctx *c, sb_json *j, const char *path, const char *extra, const paging *pg,
                      size_t total, int enc)
{
    size_t items;
    long long pages;
    pp_reported_totals(c->req->fault, total, pg->size, &items, &pages);
    if (pg->totals) {
        sbj_kint(j, "total_items", (int64_t)items);
        sbj_kint(j, "total_pages", pages);
    }
    sbj_karr(j, "links");
    list_link(c, j, path, extra, pg, pg->page, "self", enc);
    if (pg->page > 1 && pg->page - 1 <= pages)
        list_link(c, j, path, extra, pg, pg->page - 1, "prev", enc);
    if (pg->page < pages)
        list_link(c, j, path, extra, pg, pg->page + 1, "next", enc);
    if (pages > 0)
        list_link(c, j, path, extra, pg, pages, "last", enc);
    sbj_arr_end(j);
}

static void begin_ok(pp_ctx *c, sb_json *j)
{
    c->resp->status = 200;
    sb_buf_reset(&c->resp->body);
    sbj_init(j, &c->resp->body, 0);
}

void pp_list_products(pp_ctx *c)
{
    paging pg;
    if (parse_paging(c, 100000, &pg))
        return;
    const pp_state *s = c->s;
    sb_json j;
    begin_ok(c, &j);
    sbj_obj_begin(&j);
    sbj_karr(&j, "products");
    size_t first = (size_t)((pg.page - 1) * pg.size);
    for (size_t k = first; k < s->n_products && k < first + (size_t)pg.size; k++)
        pp_render_product(&j, s, k, c->base, 0);
    sbj_arr_end(&j);
    list_tail(c, &j, "/v1/catalogs/products", NULL, &pg, s->n_products, 0);
    sbj_obj_end(&j);
}

void pp_get_product(pp_ctx *c, const char *id)
{
    long i = pp_find(c->s, PP_PRODUCT, id, c->s->n_products);
    if (i < 0) {
        pp_error(c->resp, PP_E_NOT_FOUND, c->debug_id, NULL, NULL, "INVALID_RESOURCE_ID", "Invalid product id");
        return;
    }
    sb_json j;
    begin_ok(c, &j);
    pp_render_product(&j, c->s, (size_t)i, c->base, 1);
}

static int prefer_representation(const sb_request *req)
{
    static const char want[] = "return=representation";
    const char *p = req->header(req, "Prefer");
    for (; p && *p; p++)
        if (strncasecmp(p, want, sizeof want - 1) == 0)
            return 1;
    return 0;
}

void pp_list_plans(pp_ctx *c)
{
    paging pg;
    if (parse_paging(c, 10000000, &pg))
        return;
    const pp_state *s = c->s;
    const char *product = sb_param_get(c->req->params, "product_id");
    if (product && (strlen(product) < 6 || strlen(product) > 50)) {
        bad_param(c, "product_id", product);
        return;
    }
    const char *plan_ids = sb_param_get(c->req->params, "plan_ids");
    if (plan_ids) {
        size_t n = 1;
        for (const char *p = plan_ids; *p; p++)
            n += *p == ',';
        if (!*plan_ids || n > 10) {
            bad_param(c, "plan_ids", plan_ids);
            return;
        }
    }
    sb_buf extra;
    sb_buf_init(&extra);
    if (product) {
        sb_buf_adds(&extra, "&product_id=");
        sb_query_escape(&extra, product);
    }
    if (plan_ids) {
        sb_buf_adds(&extra, "&plan_ids=");
        sb_query_escape(&extra, plan_ids);
    }
    int full = prefer_representation(c->req);
    sb_json j;
    begin_ok(c, &j);
    sbj_obj_begin(&j);
    sbj_karr(&j, "plans");
    size_t first = (size_t)((pg.page - 1) * pg.size), matched = 0;
    for (size_t k = 0; k < s->n_plans; k++) {
        char id[SB_ID_MAX], product_id[SB_ID_MAX];
        pp_id(s, PP_PLAN, k, id);
        pp_id(s, PP_PRODUCT, (uint64_t)s->plans[k].product, product_id);
        if (product && strcmp(product, product_id) != 0)
            continue;
        if (plan_ids && !sb_list_has(plan_ids, id))
            continue;
        if (matched >= first && matched < first + (size_t)pg.size)
            pp_render_plan(&j, s, k, c->base, full);
        matched++;
    }
    sbj_arr_end(&j);
    list_tail(c, &j, "/v1/billing/plans", sb_buf_str(&extra), &pg, matched, 1);
    sbj_obj_end(&j);
    sb_buf_free(&extra);
}

void pp_get_plan(pp_ctx *c, const char *id)
{
    long i = pp_find(c->s, PP_PLAN, id, c->s->n_plans);
    if (i < 0) {
        pp_error(c->resp, PP_E_NOT_FOUND, c->debug_id, NULL, NULL, "INVALID_RESOURCE_ID", "Invalid plan id");
        return;
    }
    sb_json j;
    begin_ok(c, &j);
    pp_render_plan(&j, c->s, (size_t)i, c->base, 1);
}

void pp_get_subscription(pp_ctx *c, const char *id)
{
    long i = pp_find(c->s, PP_SUB, id, c->s->n_subs);
    if (i < 0) {
        pp_error(c->resp, PP_E_NOT_FOUND, c->debug_id, NULL, NULL, "INVALID_RESOURCE_ID", "Requested resource ID was not found.");
        return;
    }
    const char *fields = sb_param_get(c->req->params, "fields");
    sb_json j;
    begin_ok(c, &j);
    pp_render_subscription(&j, c->s, (size_t)i, c->base, sb_list_has(fields, "plan"),
                           sb_list_has(fields, "last_failed_payment"));
}
