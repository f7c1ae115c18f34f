/* The PayPal endpoints behind authentication and the rate limit (paypal_module.c routes). */
#ifndef PAYPAL_ENDPOINTS_H
#define PAYPAL_ENDPOINTS_H

#include <stdint.h>

#include "paypal_model.h"
#include "sandbox_provider.h"

typedef struct pp_ctx {
    const pp_state *s;
    const sb_request *req;
    sb_response *resp;
    char debug_id[16];
    char base[160];                /* "http://HOST" for HATEOAS links */
} pp_ctx;

void pp_list_products(pp_ctx *c);
void pp_get_product(pp_ctx *c, const char *id);
void pp_list_plans(pp_ctx *c);
void pp_get_plan(pp_ctx *c, const char *id);
void pp_get_subscription(pp_ctx *c, const char *id);
/* GET /v1/reporting/transactions */
void pp_search(pp_ctx *c);

#endif
