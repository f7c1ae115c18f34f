#include "stripe_retrieve.h"

#include <string.h>

#include "sandbox_json.h"
#include "stripe_errors.h"
#include "stripe_params.h"
#include "stripe_resources.h"

/* The one expandable path of each object, or NULL. */
static const char *const expandable[ST_RES_COUNT] = {
    [ST_RES_CUSTOMERS] = NULL,        [ST_RES_PRODUCTS] = NULL,
    [ST_RES_PRICES] = "product",      [ST_RES_SUBS] = "customer",
    [ST_RES_ITEMS] = "price.product", [ST_RES_CHARGES] = "customer",
    [ST_RES_REFUNDS] = "charge",
};

void st_retrieve(const st_dataset *ds, int res, const char *id, const sb_request *req,
                 const st_shape *sh, sb_response *resp)
{
    int expand = 0;
    for (size_t i = 0; i < req->params->n; i++) {
        const char *k = req->params->items[i].key;
        const char *v = req->params->items[i].value;
        if (!st_is_expand_key(k)) {
            st_error_unknown_param(resp, k);
            return;
        }
        if (!expandable[res] || strcmp(v, expandable[res]) != 0) {
            st_error_expand(resp, v, 0, 0);
            return;
        }
        expand = 1;
    }

    long i = -1;
    switch (res) {
    case ST_RES_CUSTOMERS: i = ST_FIND(ds, customers, id); break;
    case ST_RES_PRODUCTS: i = ST_FIND(ds, products, id); break;
    case ST_RES_PRICES: i = ST_FIND(ds, prices, id); break;
    case ST_RES_SUBS: i = ST_FIND(ds, subs, id); break;
    case ST_RES_ITEMS: i = ST_FIND(ds, items, id); break;
    case ST_RES_CHARGES: i = ST_FIND(ds, charges, id); break;
    case ST_RES_REFUNDS: i = ST_FIND(ds, refunds, id); break;
    }
    if (i < 0) {
        st_error_no_such(resp, st_resource_noun(res), id, "id");
        return;
    }
    sb_json j;
    sbj_init(&j, &resp->body, 1);
    size_t x = (size_t)i;
    switch (res) {
    case ST_RES_CUSTOMERS:
        if (ds->customers[x].deleted_at)
            st_render_deleted(&j, ds->customers[x].id, "customer");
        else
            st_render_customer(&j, ds, x, sh);
        break;
    case ST_RES_PRODUCTS: st_render_product(&j, ds, x); break;
    case ST_RES_PRICES: st_render_price(&j, ds, x, sh, expand); break;
    case ST_RES_SUBS: st_render_sub(&j, ds, x, sh, expand); break;
    case ST_RES_ITEMS: st_render_item(&j, ds, x, sh, expand); break;
    case ST_RES_CHARGES: st_render_charge(&j, ds, x, sh, expand); break;
    case ST_RES_REFUNDS: st_render_refund(&j, ds, x, sh, expand); break;
    }
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
}
