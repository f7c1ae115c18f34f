/* Rendering of Stripe objects. Member order: id, object, then alphabetical, as Stripe
 * does. Version-dependent members are decided by st_shape only. */
#include "stripe_render.h"

#include <stdio.h>
#include <string.h>

#include "sandbox_rng.h"

#define EMBED_LIMIT 10 /* Stripe embeds the first 10 entries of a sub-list */

static void kid(sb_json *j, const char *key, const st_dataset *ds, int kind, uint64_t n)
{
    char id[48];
    st_make_id(ds, kind, n, id, sizeof id);
    sbj_kstr(j, key, id);
}

static const char *ccy_code(int ccy)
{
    return st_currencies[ccy].code;
}

void st_render_deleted(sb_json *j, const char *id, const char *object)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "object", object);
    sbj_kbool(j, "deleted", 1);
    sbj_obj_end(j);
}

static void address(sb_json *j, const char *key, const char *city, const char *country,
                    const char *line1, const char *line2, const char *postal, const char *state)
{
    sbj_key(j, key);
    sbj_obj_begin(j);
    sbj_kstr(j, "city", city);
    sbj_kstr(j, "country", country);
    sbj_kstr(j, "line1", line1);
    sbj_kstr(j, "line2", line2);
    sbj_kstr(j, "postal_code", postal);
    sbj_kstr(j, "state", state);
    sbj_obj_end(j);
}

void st_render_customer(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh)
{
    (void)sh;
    const st_customer *c = &ds->customers[i];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", c->id);
    sbj_kstr(j, "object", "customer");
    if (c->has_address)
        address(j, "address", c->city, c->country, c->line1, c->line2, c->postal_code, c->state);
    else
        sbj_knull(j, "address");
    sbj_kint(j, "balance", c->balance);
    sbj_kint(j, "created", c->created);
    sbj_kstr(j, "currency", c->currency_set ? ccy_code(c->ccy) : NULL);
    sbj_knull(j, "default_source");
    sbj_kbool(j, "delinquent", c->delinquent);
    sbj_kstr(j, "description", c->description);
    sbj_knull(j, "discount");
    sbj_kstr(j, "email", c->email);
    sbj_kstr(j, "invoice_prefix", c->invoice_prefix);
    sbj_key(j, "invoice_settings");
    sbj_obj_begin(j);
    sbj_knull(j, "custom_fields");
    sbj_knull(j, "default_payment_method");
    sbj_knull(j, "footer");
    sbj_knull(j, "rendering_options");
    sbj_obj_end(j);
    sbj_kbool(j, "livemode", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_kstr(j, "name", c->name);
    sbj_kint(j, "next_invoice_sequence", 1 + (int64_t)(sb_mix64(i) % 40));
    sbj_kstr(j, "phone", c->phone);
    sbj_key(j, "preferred_locales");
    sbj_arr_begin(j);
    if (c->locale)
        sbj_str(j, c->locale);
    sbj_arr_end(j);
    sbj_knull(j, "shipping");
    static const char *const tax[3] = {"none", "exempt", "reverse"};
    sbj_kstr(j, "tax_exempt", tax[c->tax_exempt]);
    sbj_knull(j, "test_clock");
    sbj_obj_end(j);
}

void st_render_customer_ref(sb_json *j, const st_dataset *ds, long i, const st_shape *sh, int expand)
{
    if (i < 0) {
        sbj_null(j);
        return;
    }
    const st_customer *c = &ds->customers[i];
    if (!expand)
        sbj_str(j, c->id);
    else if (c->deleted_at)
        st_render_deleted(j, c->id, "customer");
    else
        st_render_customer(j, ds, (size_t)i, sh);
}

void st_render_product(sb_json *j, const st_dataset *ds, size_t i)
{
    const st_product *p = &ds->products[i];
    if (p->deleted) {
        st_render_deleted(j, p->id, "product");
        return;
    }
    sbj_obj_begin(j);
    sbj_kstr(j, "id", p->id);
    sbj_kstr(j, "object", "product");
    sbj_kbool(j, "active", p->active);
    sbj_kempty_arr(j, "attributes");
    sbj_kint(j, "created", p->created);
    sbj_knull(j, "default_price");
    sbj_kstr(j, "description", p->description);
    sbj_kempty_arr(j, "images");
    sbj_kbool(j, "livemode", 0);
    sbj_kempty_arr(j, "marketing_features");
    sbj_kempty_obj(j, "metadata");
    sbj_kstr(j, "name", p->name);
    sbj_knull(j, "package_dimensions");
    sbj_knull(j, "shippable");
    sbj_knull(j, "statement_descriptor");
    sbj_knull(j, "tax_code");
    sbj_kstr(j, "type", "service");
    sbj_knull(j, "unit_label");
    sbj_kint(j, "updated", p->created);
    sbj_knull(j, "url");
    sbj_obj_end(j);
}

static void product_ref(sb_json *j, const st_dataset *ds, int product, int expand)
{
    if (expand)
        st_render_product(j, ds, (size_t)product);
    else
        sbj_str(j, ds->products[product].id);
}

void st_render_price(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_product)
{
    const st_price *p = &ds->prices[i];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", p->id);
    sbj_kstr(j, "object", "price");
    sbj_kbool(j, "active", p->active);
    sbj_kstr(j, "billing_scheme", p->tiered ? "tiered" : "per_unit");
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", ccy_code(p->ccy));
    sbj_knull(j, "custom_unit_amount");
    sbj_kbool(j, "livemode", 0);
    sbj_knull(j, "lookup_key");
    sbj_kempty_obj(j, "metadata");
    sbj_kstr(j, "nickname", p->nickname);
    sbj_key(j, "product");
    product_ref(j, ds, p->product, expand_product);
    sbj_key(j, "recurring");
    if (p->recurring) {
        sbj_obj_begin(j);
        if (!sh->basil)
            sbj_kstr(j, "aggregate_usage", p->metered ? "sum" : NULL);
        sbj_kstr(j, "interval", st_interval_names[p->interval]);
        sbj_kint(j, "interval_count", p->interval_count);
        sbj_knull(j, "meter");
        sbj_kintn(j, "trial_period_days", p->trial_days >= 0, p->trial_days);
        sbj_kstr(j, "usage_type", p->metered ? "metered" : "licensed");
        sbj_obj_end(j);
    } else {
        sbj_null(j);
    }
    sbj_kstr(j, "tax_behavior", "unspecified");
    sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
    sbj_knull(j, "transform_quantity");
    sbj_kstr(j, "type", p->recurring ? "recurring" : "one_time");
    sbj_kintn(j, "unit_amount", p->has_unit_amount, p->unit_amount);
    sbj_kstr(j, "unit_amount_decimal", p->unit_amount_decimal);
    sbj_obj_end(j);
}

/* The legacy plan mirror that subscription items still carry. */
static void render_plan(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh)
{
    const st_price *p = &ds->prices[i];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", p->id);
    sbj_kstr(j, "object", "plan");
    sbj_kbool(j, "active", p->active);
    if (!sh->basil)
        sbj_kstr(j, "aggregate_usage", p->metered ? "sum" : NULL);
    sbj_kintn(j, "amount", p->has_unit_amount, p->unit_amount);
    sbj_kstr(j, "amount_decimal", p->unit_amount_decimal);
    sbj_kstr(j, "billing_scheme", p->tiered ? "tiered" : "per_unit");
    sbj_kint(j, "created", p->created);
    sbj_kstr(j, "currency", ccy_code(p->ccy));
    sbj_kstr(j, "interval", st_interval_names[p->interval]);
    sbj_kint(j, "interval_count", p->interval_count);
    sbj_kbool(j, "livemode", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_knull(j, "meter");
    sbj_kstr(j, "nickname", p->nickname);
    sbj_kstr(j, "product", ds->products[p->product].id);
    sbj_kstr(j, "tiers_mode", p->tiered ? "graduated" : NULL);
    sbj_knull(j, "transform_usage");
    sbj_kintn(j, "trial_period_days", p->trial_days >= 0, p->trial_days);
    sbj_kstr(j, "usage_type", p->metered ? "metered" : "licensed");
    sbj_obj_end(j);
}

void st_render_item(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_product)
{
    const st_item *it = &ds->items[i];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", it->id);
    sbj_kstr(j, "object", "subscription_item");
    sbj_knull(j, "billing_thresholds");
    sbj_kint(j, "created", it->created);
    if (sh->basil) {
        sbj_kint(j, "current_period_end", it->period_end);
        sbj_kint(j, "current_period_start", it->period_start);
    }
    sbj_kempty_arr(j, "discounts");
    sbj_kempty_obj(j, "metadata");
    sbj_key(j, "plan");
    render_plan(j, ds, (size_t)it->price, sh);
    sbj_key(j, "price");
    st_render_price(j, ds, (size_t)it->price, sh, expand_product);
    if (it->quantity >= 0)
        sbj_kint(j, "quantity", it->quantity);
    sbj_kstr(j, "subscription", ds->subs[it->sub].id);
    sbj_kempty_arr(j, "tax_rates");
    sbj_obj_end(j);
}

static void sub_periods(const st_dataset *ds, const st_sub *s, int64_t *start, int64_t *end)
{
    *start = *end = 0;
    for (size_t k = 0; k < s->n_items; k++) {
        const st_item *it = &ds->items[s->first_item + k];
        if (k == 0 || it->period_start < *start)
            *start = it->period_start;
        if (k == 0 || it->period_end < *end)
            *end = it->period_end;
    }
}

void st_render_sub(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_customer)
{
    const st_sub *s = &ds->subs[i];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", s->id);
    sbj_kstr(j, "object", "subscription");
    sbj_knull(j, "application");
    sbj_knull(j, "application_fee_percent");
    sbj_key(j, "automatic_tax");
    sbj_obj_begin(j);
    sbj_knull(j, "disabled_reason");
    sbj_kbool(j, "enabled", 0);
    sbj_knull(j, "liability");
    sbj_obj_end(j);
    sbj_kint(j, "billing_cycle_anchor", s->billing_cycle_anchor);
    sbj_knull(j, "billing_cycle_anchor_config");
    sbj_knull(j, "billing_thresholds");
    sbj_kts(j, "cancel_at", s->cancel_at);
    sbj_kbool(j, "cancel_at_period_end", s->cancel_at_period_end);
    sbj_kts(j, "canceled_at", s->canceled_at);
    sbj_key(j, "cancellation_details");
    sbj_obj_begin(j);
    sbj_knull(j, "comment");
    sbj_knull(j, "feedback");
    static const char *const reasons[3] = {NULL, "cancellation_requested", "payment_failed"};
    sbj_kstr(j, "reason", reasons[s->cancel_reason]);
    sbj_obj_end(j);
    sbj_kstr(j, "collection_method", "charge_automatically");
    sbj_kint(j, "created", s->created);
    sbj_kstr(j, "currency", ccy_code(s->ccy));
    if (!sh->basil) {
        int64_t ps, pe;
        sub_periods(ds, s, &ps, &pe);
        sbj_kint(j, "current_period_end", pe);
        sbj_kint(j, "current_period_start", ps);
    }
    sbj_key(j, "customer");
    st_render_customer_ref(j, ds, s->customer, sh, expand_customer);
    sbj_knull(j, "days_until_due");
    if (s->status == ST_SUB_TRIALING || s->status == ST_SUB_INCOMPLETE ||
        s->status == ST_SUB_INCOMPLETE_EXPIRED)
        sbj_knull(j, "default_payment_method");
    else
        kid(j, "default_payment_method", ds, ST_ID_PM, (uint64_t)s->customer);
    sbj_knull(j, "default_source");
    sbj_kempty_arr(j, "default_tax_rates");
    sbj_knull(j, "description");
    if (!sh->basil)
        sbj_knull(j, "discount");
    sbj_kempty_arr(j, "discounts");
    sbj_kts(j, "ended_at", s->ended_at);
    sbj_key(j, "invoice_settings");
    sbj_obj_begin(j);
    sbj_knull(j, "account_tax_ids");
    sbj_key(j, "issuer");
    sbj_obj_begin(j);
    sbj_kstr(j, "type", "self");
    sbj_obj_end(j);
    sbj_obj_end(j);

    sbj_key(j, "items");
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "list");
    sbj_key(j, "data");
    sbj_arr_begin(j);
    for (size_t k = 0; k < s->n_items && k < EMBED_LIMIT; k++)
        st_render_item(j, ds, s->first_item + k, sh, 0);
    sbj_arr_end(j);
    sbj_kbool(j, "has_more", s->n_items > EMBED_LIMIT);
    sbj_kint(j, "total_count", (int64_t)s->n_items);
    char url[96];
    snprintf(url, sizeof url, "/v1/subscription_items?subscription=%s", s->id);
    sbj_kstr(j, "url", url);
    sbj_obj_end(j);

    if (s->latest_charge >= 0)
        kid(j, "latest_invoice", ds, ST_ID_INVOICE, (uint64_t)s->latest_charge);
    else
        kid(j, "latest_invoice", ds, ST_ID_INVOICE, ds->n_charges + i);
    sbj_kbool(j, "livemode", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_knull(j, "next_pending_invoice_item_invoice");
    sbj_knull(j, "on_behalf_of");
    sbj_knull(j, "pause_collection");
    sbj_key(j, "payment_settings");
    sbj_obj_begin(j);
    sbj_knull(j, "payment_method_options");
    sbj_knull(j, "payment_method_types");
    sbj_kstr(j, "save_default_payment_method", "off");
    sbj_obj_end(j);
    sbj_knull(j, "pending_invoice_item_interval");
    sbj_knull(j, "pending_setup_intent");
    sbj_knull(j, "pending_update");
    sbj_knull(j, "schedule");
    sbj_kint(j, "start_date", s->start_date);
    sbj_kstr(j, "status", st_sub_status_names[s->status]);
    sbj_knull(j, "test_clock");
    sbj_knull(j, "transfer_data");
    sbj_kts(j, "trial_end", s->trial_end);
    sbj_key(j, "trial_settings");
    sbj_obj_begin(j);
    sbj_key(j, "end_behavior");
    sbj_obj_begin(j);
    sbj_kstr(j, "missing_payment_method", s->status == ST_SUB_PAUSED ? "pause" : "create_invoice");
    sbj_obj_end(j);
    sbj_obj_end(j);
    sbj_kts(j, "trial_start", s->trial_start);
    sbj_obj_end(j);
}

static const char *const guest_names[] = {"Guest Shopper", "Ana Gómez", "陳大文", NULL,
                                          "Jean-Luc Picard", "Ольга"};

static void render_charge_body(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh,
                               int expand_customer)
{
    const st_charge *ch = &ds->charges[i];
    const st_customer *cu = ch->customer >= 0 ? &ds->customers[ch->customer] : NULL;
    uint64_t h = sb_mix64(ds->seed ^ (i * 0x9E37ULL));
    int ok = ch->status == ST_CH_SUCCEEDED;
    int failed = ch->status == ST_CH_FAILED;
    int bank = ch->status == ST_CH_PENDING; /* pending payments are bank debits */

    sbj_kint(j, "amount", ch->amount);
    sbj_kint(j, "amount_captured", failed ? 0 : ch->amount);
    sbj_kint(j, "amount_refunded", ch->amount_refunded);
    sbj_knull(j, "application");
    sbj_knull(j, "application_fee");
    sbj_knull(j, "application_fee_amount");
    if (failed)
        sbj_knull(j, "balance_transaction");
    else
        kid(j, "balance_transaction", ds, ST_ID_TXN, i);

    sbj_key(j, "billing_details");
    sbj_obj_begin(j);
    if (cu && cu->has_address)
        address(j, "address", cu->city, cu->country, cu->line1, cu->line2, cu->postal_code, cu->state);
    else
        address(j, "address", NULL, cu ? NULL : "US", NULL, NULL, cu ? NULL : "94107", NULL);
    char guest_email[64];
    snprintf(guest_email, sizeof guest_email, "guest-%zu@example.net", i);
    sbj_kstr(j, "email", cu ? cu->email : (h & 1 ? guest_email : NULL));
    sbj_kstr(j, "name", cu ? cu->name : guest_names[h % (sizeof guest_names / sizeof *guest_names)]);
    sbj_kstr(j, "phone", cu ? cu->phone : NULL);
    sbj_obj_end(j);

    sbj_kstr(j, "calculated_statement_descriptor", "BILLTAP SANDBOX");
    sbj_kbool(j, "captured", !failed);
    sbj_kint(j, "created", ch->created);
    sbj_kstr(j, "currency", ccy_code(ch->ccy));
    sbj_key(j, "customer");
    st_render_customer_ref(j, ds, ch->customer, sh, expand_customer);
    sbj_kstr(j, "description", ch->description);
    sbj_knull(j, "destination");
    sbj_knull(j, "dispute");
    sbj_kbool(j, "disputed", 0);
    sbj_knull(j, "failure_balance_transaction");
    int insufficient = failed && (h >> 8) % 3 == 0;
    sbj_kstr(j, "failure_code", failed ? (insufficient ? "insufficient_funds" : "card_declined") : NULL);
    sbj_kstr(j, "failure_message",
             failed ? (insufficient ? "Your card has insufficient funds." : "Your card was declined.") : NULL);
    sbj_kempty_obj(j, "fraud_details");
    if (!sh->basil) {
        if (ch->sub >= 0)
            kid(j, "invoice", ds, ST_ID_INVOICE, i);
        else
            sbj_knull(j, "invoice");
    }
    sbj_kbool(j, "livemode", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_knull(j, "on_behalf_of");

    sbj_key(j, "outcome");
    sbj_obj_begin(j);
    sbj_knull(j, "network_advice_code");
    sbj_knull(j, "network_decline_code");
    sbj_kstr(j, "network_status", failed ? "declined_by_network" : "approved_by_network");
    sbj_kstr(j, "reason", failed ? (insufficient ? "insufficient_funds" : "generic_decline") : NULL);
    sbj_kstr(j, "risk_level", bank ? "not_assessed" : "normal");
    if (!bank)
        sbj_kint(j, "risk_score", (int64_t)((h >> 16) % 65));
    sbj_kstr(j, "seller_message",
             failed ? "The bank did not return any further details with this decline." : "Payment complete.");
    sbj_kstr(j, "type", failed ? "issuer_declined" : "authorized");
    sbj_obj_end(j);

    sbj_kbool(j, "paid", ok);
    kid(j, "payment_intent", ds, ST_ID_PI, i);
    kid(j, "payment_method", ds, ST_ID_PM, cu ? (uint64_t)ch->customer : ds->n_customers + i);

    sbj_key(j, "payment_method_details");
    sbj_obj_begin(j);
    if (bank) {
        sbj_kstr(j, "type", "us_bank_account");
        sbj_key(j, "us_bank_account");
        sbj_obj_begin(j);
        sbj_kstr(j, "account_holder_type", "individual");
        sbj_kstr(j, "account_type", "checking");
        sbj_kstr(j, "bank_name", "STRIPE TEST BANK");
        sbj_kstr(j, "last4", "6789");
        sbj_kstr(j, "routing_number", "110000000");
        sbj_obj_end(j);
    } else {
        static const char *const brands[3] = {"visa", "mastercard", "amex"};
        static const char *const last4[3] = {"4242", "4444", "8431"};
        unsigned b = (unsigned)((h >> 24) % 3);
        sbj_key(j, "card");
        sbj_obj_begin(j);
        sbj_kstr(j, "brand", brands[b]);
        sbj_key(j, "checks");
        sbj_obj_begin(j);
        sbj_knull(j, "address_line1_check");
        sbj_knull(j, "address_postal_code_check");
        sbj_kstr(j, "cvc_check", failed ? "unavailable" : "pass");
        sbj_obj_end(j);
        sbj_kstr(j, "country", "US");
        sbj_kint(j, "exp_month", (int64_t)((h >> 32) % 12 + 1));
        sbj_kint(j, "exp_year", (int64_t)(2026 + (h >> 40) % 5));
        sbj_kstr(j, "funding", "credit");
        sbj_kstr(j, "last4", failed ? "0002" : last4[b]);
        sbj_kstr(j, "network", brands[b]);
        sbj_knull(j, "three_d_secure");
        sbj_knull(j, "wallet");
        sbj_obj_end(j);
        sbj_kstr(j, "type", "card");
    }
    sbj_obj_end(j);

    sbj_kempty_obj(j, "radar_options");
    sbj_kstr(j, "receipt_email", NULL);
    sbj_knull(j, "receipt_number");
    if (failed) {
        sbj_knull(j, "receipt_url");
    } else {
        char url[128];
        snprintf(url, sizeof url, "https://pay.stripe.com/receipts/payment/%s", ch->id + 3);
        sbj_kstr(j, "receipt_url", url);
    }
    sbj_kbool(j, "refunded", ch->amount_refunded == ch->amount && ch->amount > 0);
    if (sh->charge_refunds) {
        sbj_key(j, "refunds");
        sbj_obj_begin(j);
        sbj_kstr(j, "object", "list");
        sbj_key(j, "data");
        sbj_arr_begin(j);
        for (size_t k = 0; k < ch->n_refunds && k < EMBED_LIMIT; k++)
            st_render_refund(j, ds, ds->charge_refunds[ch->first_refund + k], sh, 0);
        sbj_arr_end(j);
        sbj_kbool(j, "has_more", ch->n_refunds > EMBED_LIMIT);
        sbj_kint(j, "total_count", (int64_t)ch->n_refunds);
        char url[96];
        snprintf(url, sizeof url, "/v1/charges/%s/refunds", ch->id);
        sbj_kstr(j, "url", url);
        sbj_obj_end(j);
    }
    sbj_knull(j, "review");
    sbj_knull(j, "shipping");
    sbj_knull(j, "source_transfer");
    sbj_knull(j, "statement_descriptor");
    sbj_knull(j, "statement_descriptor_suffix");
    sbj_kstr(j, "status", st_charge_status_names[ch->status]);
    sbj_knull(j, "transfer_data");
    sbj_knull(j, "transfer_group");
}

void st_render_charge(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_customer)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "id", ds->charges[i].id);
    sbj_kstr(j, "object", "charge");
    render_charge_body(j, ds, i, sh, expand_customer);
    sbj_obj_end(j);
}

void st_render_refund(sb_json *j, const st_dataset *ds, size_t i, const st_shape *sh, int expand_charge)
{
    const st_refund *re = &ds->refunds[i];
    const st_charge *ch = &ds->charges[re->charge];
    sbj_obj_begin(j);
    sbj_kstr(j, "id", re->id);
    sbj_kstr(j, "object", "refund");
    sbj_kint(j, "amount", re->amount);
    if (re->status == ST_RE_CANCELED || re->status == ST_RE_REQUIRES_ACTION)
        sbj_knull(j, "balance_transaction");
    else
        kid(j, "balance_transaction", ds, ST_ID_TXN, ds->n_charges + i);
    sbj_key(j, "charge");
    if (expand_charge)
        st_render_charge(j, ds, (size_t)re->charge, sh, 0);
    else
        sbj_str(j, ch->id);
    sbj_kint(j, "created", re->created);
    sbj_kstr(j, "currency", ccy_code(ch->ccy));
    if (re->status == ST_RE_FAILED) {
        kid(j, "failure_balance_transaction", ds, ST_ID_TXN, ds->n_charges + ds->n_refunds + i);
        sbj_kstr(j, "failure_reason", "expired_or_canceled_card");
    }
    sbj_kempty_obj(j, "metadata");
    if (re->status == ST_RE_REQUIRES_ACTION) {
        sbj_key(j, "next_action");
        sbj_obj_begin(j);
        sbj_key(j, "display_details");
        sbj_obj_begin(j);
        sbj_key(j, "email_sent");
        sbj_obj_begin(j);
        sbj_kint(j, "email_sent_at", re->created);
        sbj_kstr(j, "email_sent_to", ch->customer >= 0 ? ds->customers[ch->customer].email : NULL);
        sbj_obj_end(j);
        sbj_kint(j, "expires_at", re->created + 45 * 86400);
        sbj_obj_end(j);
        sbj_kstr(j, "type", "display_details");
        sbj_obj_end(j);
    }
    kid(j, "payment_intent", ds, ST_ID_PI, (uint64_t)re->charge);
    sbj_kstr(j, "reason", st_refund_reason_names[re->reason]);
    sbj_knull(j, "receipt_number");
    sbj_knull(j, "source_transfer_reversal");
    sbj_kstr(j, "status", st_refund_status_names[re->status]);
    sbj_knull(j, "transfer_reversal");
    sbj_obj_end(j);
}
