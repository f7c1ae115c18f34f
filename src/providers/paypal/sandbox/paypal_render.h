/* PayPal JSON objects rendered from the projection: products, plans, subscriptions and
 * Transaction Search rows. `base` is the scheme and authority HATEOAS links point at
 * ("http://127.0.0.1:PORT"). */
#ifndef PAYPAL_RENDER_H
#define PAYPAL_RENDER_H

#include "paypal_model.h"
#include "sandbox_json.h"

/* Transaction Search `fields` */
enum {
    PP_F_TRANSACTION = 1, PP_F_PAYER = 2, PP_F_SHIPPING = 4, PP_F_CART = 8, PP_F_STORE = 16,
    PP_F_AUCTION = 32, PP_F_INCENTIVE = 64, PP_F_ALL = 127,
};

void pp_json_link(sb_json *j, const char *href, const char *rel, const char *method, int enc_type);

void pp_render_product(sb_json *j, const pp_state *s, size_t i, const char *base, int full);
/* full: GET /v1/billing/plans/{id} (and lists with Prefer: return=representation);
 * otherwise the list's summary, without billing cycles. */
void pp_render_plan(sb_json *j, const pp_state *s, size_t i, const char *base, int full);
void pp_render_subscription(sb_json *j, const pp_state *s, size_t i, const char *base, int with_plan,
                            int with_last_failed);
void pp_render_row(sb_json *j, const pp_state *s, const pp_row *r, unsigned fields);

#endif
