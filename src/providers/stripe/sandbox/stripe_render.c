/* Rendering of Stripe's customers, products, prices, subscriptions, items, charges and
 * refunds. Version-dependent members are decided by st_shape only. */
#include "stripe_render.h"

#include <stdio.h>
#include <string.h>

#include "sandbox_rng.h"

void st_vid(sb_json *j, const st_state *st, int kind, long long n)
{
    char id[SB_ID_MAX];
    if (n < 0) {
        sbj_null(j);
        return;
    }
    st_id(st, kind, (uint64_t)n, id);
    sbj_str(j, id);
}

void st_kid(sb_json *j, const char *key, const st_state *st, int kind, long long n)
{
    sbj_key(j, key);
    st_vid(j, st, kind, n);
}

static void id_object(sb_json *j, const st_state *st, int kind, size_t i, const char *object)
{
    sbj_obj_begin(j);
    st_kid(j, "id", st, kind, (long long)i);
    sbj_kstr(j, "object", object);
}

int st_trial_days(const w_price *p)
{
    int days = 0;
    for (int k = 0; k < p->n_phases && p->phases[k].price == 0; k++) {
        if (p->phases[k].unit > W_WEEKS)
            return -1;
        days += p->phases[k].count * p->phases[k].total * (p->phases[k].unit == W_WEEKS ? 7 : 1);
    }
    return days ? days : -1;
}

void st_render_embedded(sb_json *j, const char *key, size_t n, const char *url, const st_state *st,
                        const st_shape *sh, size_t first,
                        void (*render)(sb_json *, const st_state *, size_t, const st_shape *))
{
    sbj_kobj(j, key);
    sbj_kstr(j, "object", "list");
    sbj_karr(j, "data");
    for (size_t k = 0; k < n && k < ST_EMBED_LIMIT; k++)
        render(j, st, first + k, sh);
    sbj_arr_end(j);
    sbj_kbool(j, "has_more", n > ST_EMBED_LIMIT);
    sbj_kint(j, "total_count", (int64_t)n);
    sbj_kstr(j, "url", url);
    sbj_obj_end(j);
}

void st_render_deleted(sb_json *j, const char *id, const char *object)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "object", object);
    sbj_kbool(j, "deleted", 1);
    sbj_obj_end(j);
}

static void address(sb_json *j, const char *key, const w_customer *c)
{
    sbj_kobj(j, key);
    sbj_kstr(j, "city", c ? c->city : NULL);
    sbj_kstr(j, "country", c ? c->country : "US");
    sbj_kstr(j, "line1", c ? c->line1 : NULL);
    sbj_kstr(j, "line2", c ? c->line2 : NULL);
    sbj_kstr(j, "postal_code", c ? c->postal : "94107");
    sbj_kstr(j, "state", c ? c->state : NULL);
    sbj_obj_end(j);
}

void st_invoice_prefix(const st_state *st, size_t i, char out[9])
{
    uint64_t h = sb_mix64(st->w->seed ^ (0xC0FFEEULL + i));
    for (int k = 0; k < 8; k++)
        out[k] = "0123456789ABCDEF"[(h >> (4 * k)) & 15];
    out[8] = '\0';
}

void st_render_customer(sb_json *j, const st_state *st, size_t i)
{
    const w_customer *c = &st->w->customers[i];
    uint64_t h = sb_mix64(st->w->seed ^ (i * 0x9E3779B1ULL));
    id_object(j, st, ST_CUSTOMER, i, "customer");
    if (c->has_address)
        address(j, "address", c);
    else
        sbj_knull(j, "address");
    int64_t balance = h % 20 == 0 ? (int64_t)((h >> 8) % 500 + 1) * w_currencies[c->ccy].unit : 0;
    sbj_kint(j, "balance", h % 3 ? -balance : balance);
    sbj_kint(j, "created", c->created);
    sbj_kstr(j, "currency", st->has_subs[i] ? st_ccy(c->ccy) : NULL);
    sbj_lit(j, "default_source: null");
    sbj_kbool(j, "delinquent", st->delinquent[i]);
    sbj_kstr(j, "description", c->description);
    sbj_lit(j, "discount: null");
    sbj_kstr(j, "email", c->email);
    char prefix[9];
    st_invoice_prefix(st, i, prefix);
    sbj_kstr(j, "invoice_prefix", prefix);
    sbj_lit(j, "invoice_settings: {custom_fields: null, default_payment_method: null, footer: null, "
               "rendering_options: null}, livemode: false, metadata: {}");
    sbj_kstr(j, "name", c->name_on_file ? c->display : NULL);
    sbj_kint(j, "next_invoice_sequence", 1 + st->invoice_count[i]);
    sbj_kstr(j, "phone", c->phone);
    static const char *const locales[] = {"en", "fr-FR", "de", "ja", "ko", "es-419", "pt-BR"};
    sbj_karr(j, "preferred_locales");
    if ((h >> 20) % 5 == 0)
        sbj_str(j, locales[(h >> 24) % 7]);
    sbj_arr_end(j);
    sbj_lit(j, "shipping: null");
    static const char *const tax[3] = {"none", "exempt", "reverse"};
    sbj_kstr(j, "tax_exempt", tax[c->tax_exempt]);
    sbj_lit(j, "test_clock: null");
    sbj_obj_end(j);
}

void st_render_customer_ref(sb_json *j, const st_state *st, long i, int expand)
{
    char id[SB_ID_MAX];
    if (i < 0) {
        sbj_null(j);
        return;
    }
    st_id(st, ST_CUSTOMER, (uint64_t)i, id);
    if (!expand)
        sbj_str(j, id);
    else if (st->w->customers[i].deleted_at)
        st_render_deleted(j, id, "customer");
    else
        st_render_customer(j, st, (size_t)i);
}

void st_render_product(sb_json *j, const st_state *st, size_t i)
{
    const w_product *p = &st->w->products[i];
    if (p->deleted) {
        char id[SB_ID_MAX];
        st_id(st, ST_PRODUCT, i, id);
        st_render_deleted(j, id, "product");
        return;
    }
    id_object(j, st, ST_PRODUCT, i, "product");
    sbj_kbool(j, "active", p->active);
    sbj_lit(j, "attributes: []");
    sbj_kint(j, "created", p->created);
    sbj_lit(j, "default_price: null");
    sbj_kstr(j, "description", p->description);
    sbj_lit(j, "images: [], livemode: false, marketing_features: [], metadata: {}");
    sbj_kstr(j, "name", p->name);
    sbj_lit(j, "package_dimensions: null, shippable: null, statement_descriptor: null, tax_code: null, "
               "type: 'service', unit_label: null");
    sbj_kint(j, "updated", p->created);
    sbj_lit(j, "url: null");
    sbj_obj_end(j);
}

/* expand: 1 the product, 2 the tiers (Stripe sends them only when asked) */
void st_render_price(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    const w_price *p = &st->w->prices[i];
    int custom = (long)i == st->custom_price;
    id_object(j, st, ST_PRICE, i, "price");
    sbj_kbool(j, "active", !p->archived_at);
    sbj_kstr(j, "billing_scheme", p->tiered ? "tiered" : "per_unit");
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    if (custom) {
        sbj_kobj(j, "custom_unit_amount");
        sbj_kint(j, "maximum", 100 * p->unit_amount);
        sbj_kint(j, "minimum", w_round(p->ccy, p->unit_amount / 2));
        sbj_kint(j, "preset", p->unit_amount);
        sbj_obj_end(j);
    } else {
        sbj_knull(j, "custom_unit_amount");
    }
    sbj_lit(j, "livemode: false, lookup_key: null, metadata: {}");
    sbj_kstr(j, "nickname", p->nickname);
    sbj_key(j, "product");
    if (expand & 1)
        st_render_product(j, st, (size_t)p->product);
    else
        st_vid(j, st, ST_PRODUCT, p->product);
    sbj_key(j, "recurring");
    if (p->recurring) {
        sbj_obj_begin(j);
        if (!sh->basil)
            sbj_kstr(j, "aggregate_usage", p->metered ? "sum" : NULL);
        sbj_kstr(j, "interval", w_interval_names[p->interval]);
        sbj_kint(j, "interval_count", p->interval_count);
        sbj_lit(j, "meter: null");
        sbj_kintn(j, "trial_period_days", st_trial_days(p) >= 0, st_trial_days(p));
        sbj_kstr(j, "usage_type", p->metered ? "metered" : "licensed");
        sbj_obj_end(j);
    } else {
        sbj_null(j);
    }
    sbj_lit(j, "tax_behavior: 'unspecified'");
    if (p->tiered && (expand & 2)) { /* graduated: the first tier_upto units, then the rest */
        char d1[24], d2[24];
        snprintf(d1, sizeof d1, "%lld", (long long)p->tier1);
        snprintf(d2, sizeof d2, "%lld", (long long)p->tier2);
        sbj_karr(j, "tiers");
        sbj_obj_begin(j);
        sbj_lit(j, "flat_amount: null, flat_amount_decimal: null");
        sbj_kint(j, "unit_amount", p->tier1);
        sbj_kstr(j, "unit_amount_decimal", d1);
        sbj_kint(j, "up_to", p->tier_upto);
        sbj_obj_end(j);
        sbj_obj_begin(j);
        sbj_lit(j, "flat_amount: null, flat_amount_decimal: null");
        sbj_kint(j, "unit_amount", p->tier2);
        sbj_kstr(j, "unit_amount_decimal", d2);
        sbj_lit(j, "up_to: null");
        sbj_obj_end(j);
        sbj_arr_end(j);
    }
    sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
    sbj_lit(j, "transform_quantity: null");
    sbj_kstr(j, "type", p->recurring ? "recurring" : "one_time");
    sbj_kintn(j, "unit_amount", p->unit_amount >= 0 && !custom, p->unit_amount);
    sbj_kstr(j, "unit_amount_decimal", custom ? NULL : p->decimal);
    sbj_obj_end(j);
}

/* The legacy plan mirror that subscription items and old invoice lines still carry. */
void st_render_plan(sb_json *j, const st_state *st, size_t i, const st_shape *sh)
{
    const w_price *p = &st->w->prices[i];
    id_object(j, st, ST_PRICE, i, "plan");
    sbj_kbool(j, "active", !p->archived_at);
    if (!sh->basil)
        sbj_kstr(j, "aggregate_usage", p->metered ? "sum" : NULL);
    sbj_kintn(j, "amount", p->unit_amount >= 0, p->unit_amount);
    sbj_kstr(j, "amount_decimal", p->decimal);
    sbj_kstr(j, "billing_scheme", p->tiered ? "tiered" : "per_unit");
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    sbj_kstr(j, "interval", p->recurring ? w_interval_names[p->interval] : NULL);
    sbj_kint(j, "interval_count", p->recurring ? p->interval_count : 1);
    sbj_lit(j, "livemode: false, metadata: {}, meter: null");
    sbj_kstr(j, "nickname", p->nickname);
    st_kid(j, "product", st, ST_PRODUCT, p->product);
    sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
    sbj_lit(j, "transform_usage: null");
    sbj_kintn(j, "trial_period_days", st_trial_days(p) >= 0, st_trial_days(p));
    sbj_kstr(j, "usage_type", p->metered ? "metered" : "licensed");
    sbj_obj_end(j);
}

void st_render_item(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand_product)
{
    const w_item *it = &st->w->items[i];
    id_object(j, st, ST_ITEM, i, "subscription_item");
    sbj_lit(j, "billing_thresholds: null");
    sbj_kint(j, "created", it->created);
    if (sh->basil) {
        sbj_kint(j, "current_period_end", it->period_end);
        sbj_kint(j, "current_period_start", it->period_start);
    }
    sbj_lit(j, "discounts: [], metadata: {}");
    sbj_key(j, "plan");
    st_render_plan(j, st, (size_t)it->price, sh);
    sbj_key(j, "price");
    st_render_price(j, st, (size_t)it->price, sh, expand_product);
    if (it->quantity >= 0)
        sbj_kint(j, "quantity", it->quantity);
    st_kid(j, "subscription", st, ST_SUB, it->sub);
    sbj_lit(j, "tax_rates: []");
    sbj_obj_end(j);
}

static void embedded_item(sb_json *j, const st_state *st, size_t i, const st_shape *sh)
{
    st_render_item(j, st, i, sh, 0);
}

/* The discount a subscription's coupon makes, as an object (expand[]=data.discounts). */
static void render_discount(sb_json *j, const st_state *st, size_t i, const st_coupon *c)
{
    const w_sub *s = &st->w->subs[i];
    id_object(j, st, ST_DISCOUNT, i, "discount");
    sbj_lit(j, "checkout_session: null");
    sbj_kobj(j, "coupon");
    sbj_kstr(j, "id", c->id);
    sbj_kstr(j, "object", "coupon");
    sbj_lit(j, "amount_off: null");
    sbj_kint(j, "created", s->created);
    sbj_lit(j, "currency: null");
    sbj_kstr(j, "duration", c->duration);
    sbj_kintn(j, "duration_in_months", c->months > 0, c->months);
    sbj_lit(j, "livemode: false, max_redemptions: null, metadata: {}");
    char name[48];
    snprintf(name, sizeof name, "%d%% off", c->percent);
    sbj_kstr(j, "name", name);
    sbj_kint(j, "percent_off", c->percent);
    sbj_lit(j, "redeem_by: null, times_redeemed: 1, valid: true");
    sbj_obj_end(j);
    st_kid(j, "customer", st, ST_CUSTOMER, s->customer);
    sbj_kts(j, "end", c->end);
    sbj_lit(j, "invoice: null, invoice_item: null, promotion_code: null");
    sbj_kint(j, "start", c->start);
    st_kid(j, "subscription", st, ST_SUB, (long long)i);
    sbj_lit(j, "subscription_item: null");
    sbj_obj_end(j);
}

/* expand: 1 the customer, 2 the discounts */
void st_render_sub(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    const w_sub *s = &st->w->subs[i];
    id_object(j, st, ST_SUB, i, "subscription");
    sbj_lit(j, "application: null, application_fee_percent: null, "
               "automatic_tax: {disabled_reason: null, enabled: false, liability: null}");
    sbj_kint(j, "billing_cycle_anchor", s->anchor);
    sbj_lit(j, "billing_cycle_anchor_config: null, billing_thresholds: null");
    sbj_kts(j, "cancel_at", s->cancel_at);
    sbj_kbool(j, "cancel_at_period_end", s->cancel_at_period_end);
    sbj_kts(j, "canceled_at", s->canceled_at);
    static const char *const reasons[4] = {NULL, "cancellation_requested", "payment_failed",
                                           "cancellation_requested"};
    sbj_kobj(j, "cancellation_details");
    sbj_lit(j, "comment: null, feedback: null");
    sbj_kstr(j, "reason", reasons[s->cancel_reason]);
    sbj_obj_end(j);
    sbj_lit(j, "collection_method: 'charge_automatically'");
    sbj_kint(j, "created", s->created);
    sbj_kstr(j, "currency", st_ccy(s->ccy));
    if (!sh->basil) { /* before basil: the earliest item start and the earliest item end */
        int64_t ps = 0, pe = 0;
        for (uint32_t k = 0; k < s->n_items; k++) {
            const w_item *it = &st->w->items[s->first_item + k];
            if (k == 0 || it->period_start < ps)
                ps = it->period_start;
            if (k == 0 || it->period_end < pe)
                pe = it->period_end;
        }
        sbj_kint(j, "current_period_end", pe);
        sbj_kint(j, "current_period_start", ps);
    }
    sbj_key(j, "customer");
    st_render_customer_ref(j, st, s->customer, expand & 1);
    sbj_lit(j, "days_until_due: null");
    int unpaid = s->status == W_SUB_TRIALING || s->status == W_SUB_INCOMPLETE || s->status == W_SUB_INCOMPLETE_EXPIRED;
    st_kid(j, "default_payment_method", st, ST_PM, unpaid ? -1 : s->customer);
    sbj_lit(j, "default_source: null, default_tax_rates: [], description: null");
    if (!sh->basil)
        sbj_lit(j, "discount: null");
    sbj_karr(j, "discounts");
    st_coupon coupon;
    if (st_sub_coupon(st, i, &coupon)) {
        if (expand & 2)
            render_discount(j, st, i, &coupon);
        else
            st_vid(j, st, ST_DISCOUNT, (long long)i);
    }
    sbj_arr_end(j);
    sbj_kts(j, "ended_at", s->ended_at);
    sbj_lit(j, "invoice_settings: {account_tax_ids: null, issuer: {type: 'self'}}");
    char url[96];
    snprintf(url, sizeof url, "/v1/subscription_items?subscription=");
    st_id(st, ST_SUB, i, url + strlen(url));
    st_render_embedded(j, "items", s->n_items, url, st, sh, s->first_item, embedded_item);
    st_kid(j, "latest_invoice", st, ST_INVOICE, s->latest_invoice);
    sbj_lit(j, "livemode: false, metadata: {}, next_pending_invoice_item_invoice: null, on_behalf_of: null");
    const char *behavior;
    int64_t resumes_at;
    if (st_sub_pause(st, i, &behavior, &resumes_at)) {
        sbj_kobj(j, "pause_collection");
        sbj_kstr(j, "behavior", behavior);
        sbj_kts(j, "resumes_at", resumes_at);
        sbj_obj_end(j);
    } else {
        sbj_knull(j, "pause_collection");
    }
    sbj_lit(j, "payment_settings: {payment_method_options: null, "
               "payment_method_types: null, save_default_payment_method: 'off'}, "
               "pending_invoice_item_interval: null, pending_setup_intent: null, pending_update: null, "
               "schedule: null");
    sbj_kint(j, "start_date", s->start_date);
    sbj_kstr(j, "status", w_sub_status_names[s->status]);
    sbj_lit(j, "test_clock: null, transfer_data: null");
    sbj_kts(j, "trial_end", s->trial_end);
    sbj_lit(j, s->status == W_SUB_PAUSED ? "trial_settings: {end_behavior: {missing_payment_method: 'pause'}}"
                                         : "trial_settings: {end_behavior: {missing_payment_method: 'create_invoice'}}");
    sbj_kts(j, "trial_start", s->trial_start);
    sbj_obj_end(j);
}

/* A balance transaction (id n of ST_TXN) whose source is `source`. */
static void render_txn(sb_json *j, const st_state *st, long long n, const st_txn *t, int ccy, const char *source)
{
    sbj_obj_begin(j);
    st_kid(j, "id", st, ST_TXN, n);
    sbj_kstr(j, "object", "balance_transaction");
    sbj_kint(j, "amount", t->amount);
    sbj_kint(j, "available_on", t->created + 2 * W_DAY);
    sbj_lit(j, "balance_type: 'payments'");
    sbj_kint(j, "created", t->created);
    sbj_kstr(j, "currency", st_ccy(ccy));
    sbj_lit(j, "description: null, exchange_rate: null");
    sbj_kint(j, "fee", t->fee);
    sbj_karr(j, "fee_details");
    if (t->fee) {
        sbj_obj_begin(j);
        sbj_kint(j, "amount", t->fee);
        sbj_lit(j, "application: null");
        sbj_kstr(j, "currency", st_ccy(ccy));
        sbj_kstr(j, "description", strcmp(t->category, "charge") == 0 ? "Stripe processing fees" : "Dispute fee");
        sbj_lit(j, "type: 'stripe_fee'");
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
    sbj_kint(j, "net", t->net);
    sbj_kstr(j, "reporting_category", t->category);
    sbj_kstr(j, "source", source);
    sbj_kstr(j, "status", t->pending ? "pending" : "available");
    sbj_kstr(j, "type", t->type);
    sbj_obj_end(j);
}

/* A balance_transaction member: its id, the object (expand), or null when there is none. */
static void txn_member(sb_json *j, const st_state *st, long long n, const st_txn *t, int has, int ccy,
                       int kind, size_t source, int expand)
{
    char id[SB_ID_MAX];
    sbj_key(j, "balance_transaction");
    if (!has) {
        sbj_null(j);
        return;
    }
    st_id(st, kind, source, id);
    if (expand)
        render_txn(j, st, n, t, ccy, id);
    else
        st_vid(j, st, ST_TXN, n);
}

/* Each invoice payment attempt is its own PaymentIntent here (Stripe keeps one per invoice,
 * its retries as its charges): paid when it succeeded, open while pending, canceled when
 * it failed. */
void st_render_inpay(sb_json *j, const st_state *st, size_t k, const st_shape *sh, int expand_invoice)
{
    size_t i = st->inpays[k];
    const w_payment *p = &st->w->payments[i];
    id_object(j, st, ST_INPAY, k, "invoice_payment");
    sbj_kintn(j, "amount_paid", p->status == W_PAY_SUCCEEDED, p->amount);
    sbj_kint(j, "amount_requested", p->amount);
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    sbj_key(j, "invoice");
    if (expand_invoice)
        st_render_invoice(j, st, (size_t)p->invoice, sh, 0);
    else
        st_vid(j, st, ST_INVOICE, p->invoice);
    sbj_lit(j, "is_default: true, livemode: false");
    sbj_kobj(j, "payment");
    st_kid(j, "payment_intent", st, ST_PI, (long long)i);
    sbj_lit(j, "type: 'payment_intent'");
    sbj_obj_end(j);
    static const char *const status[3] = {"paid", "open", "canceled"};
    sbj_kstr(j, "status", status[p->status]);
    sbj_kobj(j, "status_transitions");
    sbj_kts(j, "canceled_at", p->status == W_PAY_FAILED ? p->created : 0);
    sbj_kts(j, "paid_at", p->status == W_PAY_SUCCEEDED ? p->created : 0);
    sbj_obj_end(j);
    sbj_obj_end(j);
}

void st_render_dispute(sb_json *j, const st_state *st, size_t d, const st_shape *sh, int expand_charge)
{
    st_dispute_view v;
    st_dispute(st, d, &v);
    const w_payment *p = &st->w->payments[v.payment];
    const size_t n_pay = st->w->n_payments, n_re = st->w->n_refunds;
    uint64_t h = sb_mix64(st->w->seed ^ (v.payment * 0x9E37ULL));
    char charge[SB_ID_MAX];
    st_id(st, ST_CHARGE, v.payment, charge);
    id_object(j, st, ST_DISPUTE, d, "dispute");
    sbj_kint(j, "amount", p->amount);
    sbj_karr(j, "balance_transactions");
    for (int k = 0; k < v.n_txn; k++)
        render_txn(j, st, (long long)(n_pay + 2 * n_re + 2 * d + (size_t)k), &v.txn[k], p->ccy, charge);
    sbj_arr_end(j);
    sbj_key(j, "charge");
    if (expand_charge)
        st_render_charge(j, st, v.payment, sh, 0);
    else
        sbj_str(j, charge);
    sbj_kint(j, "created", p->disputed_at);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    sbj_lit(j, "enhanced_eligibility_types: [], evidence: {access_activity_log: null, billing_address: null, "
               "cancellation_policy: null, customer_email_address: null, customer_name: null, product_description: null, "
               "receipt: null, refund_policy: null, service_date: null, uncategorized_text: null}");
    sbj_kobj(j, "evidence_details");
    sbj_kint(j, "due_by", p->disputed_at + 21 * W_DAY);
    sbj_lit(j, "has_evidence: false");
    sbj_kbool(j, "past_due", p->disputed_at + 21 * W_DAY < st->w->now);
    sbj_lit(j, "submission_count: 0");
    sbj_obj_end(j);
    sbj_kbool(j, "is_charge_refundable", v.inquiry);
    sbj_lit(j, "livemode: false, metadata: {}");
    st_kid(j, "payment_intent", st, ST_PI, (long long)v.payment);
    sbj_kobj(j, "payment_method_details");
    sbj_kobj(j, "card");
    sbj_kstr(j, "brand", (const char *const[]){"visa", "mastercard", "amex"}[(h >> 24) % 3]);
    sbj_kstr(j, "case_type", v.inquiry ? "inquiry" : "chargeback");
    sbj_kstr(j, "network_reason_code", v.inquiry ? "10.4" : "13.1");
    sbj_obj_end(j);
    sbj_lit(j, "type: 'card'");
    sbj_obj_end(j);
    sbj_kstr(j, "reason", v.inquiry ? "general" : h % 2 ? "fraudulent" : "product_not_received");
    sbj_kstr(j, "status", v.status);
    sbj_obj_end(j);
}

static const char *const guest_names[] = {"Guest Shopper", "Ana Gómez", "陳大文", NULL,
                                          "Jean-Luc Picard", "Ольга"};

/* expand: 1 the customer, 2 the balance transaction (a list's expand[] bits) */
static void charge_body(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    const w_payment *p = &st->w->payments[i];
    const w_customer *cu = p->customer >= 0 ? &st->w->customers[p->customer] : NULL;
    uint64_t h = sb_mix64(st->w->seed ^ (i * 0x9E37ULL));
    int ok = p->status == W_PAY_SUCCEEDED, failed = p->status == W_PAY_FAILED;
    int funds = p->failure == W_FAIL_FUNDS;
    sbj_kint(j, "amount", p->amount);
    sbj_kint(j, "amount_captured", failed || p->uncaptured ? 0 : p->amount);
    sbj_kint(j, "amount_refunded", p->amount_refunded);
    sbj_lit(j, "application: null, application_fee: null, application_fee_amount: null");
    st_txn txn;
    int has_txn = st_charge_txn(st, i, &txn);
    txn_member(j, st, (long long)i, &txn, has_txn, p->ccy, ST_CHARGE, i, expand & 2);
    sbj_kobj(j, "billing_details");
    address(j, "address", cu && cu->has_address ? cu : NULL);
    if (cu) {
        sbj_kstr(j, "email", cu->email);
        sbj_kstr(j, "name", cu->name_on_file ? cu->display : NULL);
        sbj_kstr(j, "phone", cu->phone);
    } else {
        char email[48];
        snprintf(email, sizeof email, "guest-%d@example.net", p->guest);
        sbj_kstr(j, "email", h & 1 ? email : NULL);
        sbj_kstr(j, "name", guest_names[h % (sizeof guest_names / sizeof *guest_names)]);
        sbj_lit(j, "phone: null");
    }
    sbj_obj_end(j);
    sbj_lit(j, "calculated_statement_descriptor: 'BILLTAP SANDBOX'");
    sbj_kbool(j, "captured", !failed && !p->uncaptured);
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    sbj_key(j, "customer");
    st_render_customer_ref(j, st, p->customer, expand & 1);
    sbj_kstr(j, "description", p->description);
    sbj_lit(j, "destination: null");
    st_kid(j, "dispute", st, ST_DISPUTE, st->dispute_of[i]);
    sbj_kbool(j, "disputed", p->dispute != W_DISPUTE_NONE);
    sbj_lit(j, "failure_balance_transaction: null");
    sbj_kstr(j, "failure_code", failed ? (funds ? "insufficient_funds" : "card_declined") : NULL);
    sbj_kstr(j, "failure_message", failed ? (funds ? "Your card has insufficient funds." : "Your card was declined.") : NULL);
    sbj_lit(j, "fraud_details: {}");
    if (!sh->basil)
        st_kid(j, "invoice", st, ST_INVOICE, p->invoice);
    sbj_lit(j, "livemode: false, metadata: {}, on_behalf_of: null");
    sbj_kobj(j, "outcome");
    sbj_lit(j, "network_advice_code: null, network_decline_code: null");
    sbj_kstr(j, "network_status", failed ? "declined_by_network" : "approved_by_network");
    sbj_kstr(j, "reason", failed ? (funds ? "insufficient_funds" : "generic_decline") : NULL);
    sbj_kstr(j, "risk_level", p->bank ? "not_assessed" : "normal");
    if (!p->bank)
        sbj_kint(j, "risk_score", (int64_t)((h >> 16) % 65));
    sbj_kstr(j, "seller_message", failed ? "The bank did not return any further details with this decline."
                                         : "Payment complete.");
    sbj_kstr(j, "type", failed ? "issuer_declined" : "authorized");
    sbj_obj_end(j);
    sbj_kbool(j, "paid", ok);
    st_kid(j, "payment_intent", st, ST_PI, (long long)i);
    st_kid(j, "payment_method", st, ST_PM, cu ? p->customer : (long long)st->w->n_customers + p->guest);
    sbj_kobj(j, "payment_method_details");
    if (p->bank) {
        sbj_lit(j, "type: 'us_bank_account', us_bank_account: {account_holder_type: 'individual', "
                   "account_type: 'checking', bank_name: 'STRIPE TEST BANK', last4: '6789', "
                   "routing_number: '110000000'}");
    } else {
        static const char *const brands[3] = {"visa", "mastercard", "amex"};
        static const char *const last4[3] = {"4242", "4444", "8431"};
        unsigned b = (unsigned)((h >> 24) % 3);
        sbj_kobj(j, "card");
        sbj_kstr(j, "brand", brands[b]);
        sbj_lit(j, failed ? "checks: {address_line1_check: null, address_postal_code_check: null, cvc_check: 'unavailable'}"
                          : "checks: {address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass'}");
        sbj_lit(j, "country: 'US'");
        sbj_kint(j, "exp_month", (int64_t)((h >> 32) % 12 + 1));
        sbj_kint(j, "exp_year", (int64_t)(2026 + (h >> 40) % 5));
        sbj_lit(j, "funding: 'credit'");
        sbj_kstr(j, "last4", failed ? "0002" : last4[b]);
        sbj_kstr(j, "network", brands[b]);
        sbj_lit(j, "three_d_secure: null, wallet: null");
        sbj_obj_end(j);
        sbj_lit(j, "type: 'card'");
    }
    sbj_obj_end(j);
    sbj_lit(j, "radar_options: {}, receipt_email: null, receipt_number: null");
    if (failed) {
        sbj_lit(j, "receipt_url: null");
    } else {
        char id[SB_ID_MAX], url[128];
        st_id(st, ST_CHARGE, i, id);
        snprintf(url, sizeof url, "https://pay.stripe.com/receipts/payment/%s", id + 3);
        sbj_kstr(j, "receipt_url", url);
    }
    sbj_kbool(j, "refunded", p->amount_refunded == p->amount && p->amount > 0);
    if (sh->charge_refunds) {
        char url[96] = "/v1/charges/";
        st_id(st, ST_CHARGE, i, url + strlen(url));
        strcat(url, "/refunds");
        sbj_kobj(j, "refunds");
        sbj_kstr(j, "object", "list");
        sbj_karr(j, "data");
        for (uint32_t k = 0; k < p->n_refunds && k < ST_EMBED_LIMIT; k++)
            st_render_refund(j, st, st->w->payment_refunds[p->first_refund + k], sh, 0);
        sbj_arr_end(j);
        sbj_kbool(j, "has_more", p->n_refunds > ST_EMBED_LIMIT);
        sbj_kint(j, "total_count", p->n_refunds);
        sbj_kstr(j, "url", url);
        sbj_obj_end(j);
    }
    sbj_lit(j, "review: null, shipping: null, source_transfer: null, statement_descriptor: null, "
               "statement_descriptor_suffix: null");
    static const char *const status[3] = {"succeeded", "pending", "failed"};
    sbj_kstr(j, "status", status[p->status]);
    sbj_lit(j, "transfer_data: null, transfer_group: null");
}

void st_render_charge(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    id_object(j, st, ST_CHARGE, i, "charge");
    charge_body(j, st, i, sh, expand);
    sbj_obj_end(j);
}

/* expand: 1 the charge, 2 the balance transaction */
void st_render_refund(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    const w_refund *re = &st->w->refunds[i];
    const w_payment *p = &st->w->payments[re->payment];
    const size_t n_pay = st->w->n_payments, n_re = st->w->n_refunds;
    id_object(j, st, ST_REFUND, i, "refund");
    sbj_kint(j, "amount", re->amount);
    st_txn txn;
    int has_txn = st_refund_txn(st, i, &txn);
    txn_member(j, st, (long long)(n_pay + i), &txn, has_txn, p->ccy, ST_REFUND, i, expand & 2);
    sbj_key(j, "charge");
    if (expand & 1)
        st_render_charge(j, st, (size_t)re->payment, sh, 0);
    else
        st_vid(j, st, ST_CHARGE, re->payment);
    sbj_kint(j, "created", re->created);
    sbj_kstr(j, "currency", st_ccy(p->ccy));
    if (re->status == W_RE_FAILED) {
        st_kid(j, "failure_balance_transaction", st, ST_TXN, (long long)(n_pay + n_re + i));
        sbj_lit(j, "failure_reason: 'expired_or_canceled_card'");
    }
    sbj_lit(j, "metadata: {}");
    if (re->status == W_RE_REQUIRES_ACTION) {
        sbj_kobj(j, "next_action");
        sbj_kobj(j, "display_details");
        sbj_kobj(j, "email_sent");
        sbj_kint(j, "email_sent_at", re->created);
        sbj_kstr(j, "email_sent_to", p->customer >= 0 ? st->w->customers[p->customer].email : NULL);
        sbj_obj_end(j);
        sbj_kint(j, "expires_at", re->created + 45 * W_DAY);
        sbj_obj_end(j);
        sbj_lit(j, "type: 'display_details'");
        sbj_obj_end(j);
    }
    st_kid(j, "payment_intent", st, ST_PI, re->payment);
    sbj_kstr(j, "reason", w_refund_reason_names[re->reason]);
    sbj_lit(j, "receipt_number: null, source_transfer_reversal: null");
    sbj_kstr(j, "status", st_refund_status_null(st, i) ? NULL : w_refund_status_names[re->status]);
    sbj_lit(j, "transfer_reversal: null");
    sbj_obj_end(j);
}
