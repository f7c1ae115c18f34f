/* PayPal objects, members in the order PayPal's responses show them; absent values are
 * left out (PayPal sends no nulls). Times: RFC 3339 with Z, except Transaction Search rows
 * which use "+0000". */
#include "paypal_render.h"

#include <stdio.h>

#include "sandbox_rng.h"

static void money(sb_json *j, const char *key, int ccy, int64_t minor, int style)
{
    char v[40];
    pp_format_money(minor, ccy, style, v);
    sbj_kobj(j, key);
    sbj_kstr(j, "currency_code", w_currencies[ccy].code);
    sbj_kstr(j, "value", v);
    sbj_obj_end(j);
}

void pp_json_link(sb_json *j, const char *href, const char *rel, const char *method, int enc_type)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "href", href);
    sbj_kstr(j, "rel", rel);
    sbj_kstr(j, "method", method);
    if (enc_type)
        sbj_lit(j, "encType: 'application/json'");
    sbj_obj_end(j);
}

static void link_to(sb_json *j, const char *base, const char *path, const char *id, const char *suffix,
                    const char *rel, const char *method, int enc)
{
    char href[256];
    snprintf(href, sizeof href, "%s%s%s%s", base, path, id, suffix);
    pp_json_link(j, href, rel, method, enc);
}

static void search_time(sb_json *j, const char *key, int64_t t)
{
    char buf[40];
    pp_format_time_search(t, buf);
    sbj_kstr(j, key, buf);
}

/* ------------------------------------------------------------------ products */

void pp_render_product(sb_json *j, const pp_state *s, size_t i, const char *base, int full)
{
    static const char *const types[] = {"SERVICE", "DIGITAL", "PHYSICAL"};
    static const char *const categories[] = {"SOFTWARE", "ONLINE_SERVICES", "DIGITAL_MEDIA_BOOKS_MOVIES_MUSIC",
                                             "EDUCATIONAL_AND_TEXTBOOKS", "EXERCISE_AND_FITNESS"};
    const pp_product *p = &s->products[i];
    const w_product *wp = &s->w->products[p->product];
    uint64_t h = sb_mix64(s->w->seed ^ (i * 0x51ED27ULL));
    char id[SB_ID_MAX];
    pp_id(s, PP_PRODUCT, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "name", wp->name);
    if (wp->description)
        sbj_kstr(j, "description", wp->description);
    if (full) {
        sbj_kstr(j, "type", types[h % 3]);
        sbj_kstr(j, "category", categories[(h >> 8) % 5]);
    }
    sbj_ktime(j, "create_time", p->created);
    if (full)
        sbj_ktime(j, "update_time", p->updated);
    sbj_karr(j, "links");
    link_to(j, base, "/v1/catalogs/products/", id, "", "self", "GET", 0);
    if (full)
        link_to(j, base, "/v1/catalogs/products/", id, "", "edit", "PATCH", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ plans */

static void cycle(sb_json *j, const pp_plan *pl, int ccy, int unit, int count, int total, int64_t price,
                  const char *tenure, int seq)
{
    sbj_obj_begin(j);
    if (price > 0) { /* a free trial cycle has no pricing scheme */
        sbj_kobj(j, "pricing_scheme");
        sbj_lit(j, "version: 1");
        money(j, "fixed_price", ccy, price, pl->style);
        sbj_ktime(j, "create_time", pl->created);
        sbj_ktime(j, "update_time", pl->created);
        sbj_obj_end(j);
    }
    sbj_kobj(j, "frequency");
    sbj_kstr(j, "interval_unit", pp_unit_names[unit]);
    sbj_kint(j, "interval_count", count);
    sbj_obj_end(j);
    sbj_kstr(j, "tenure_type", tenure);
    sbj_kint(j, "sequence", seq);
    sbj_kint(j, "total_cycles", total);
    sbj_obj_end(j);
}

/* billing_cycles, payment_preferences, taxes, quantity_supported: shared by the plan and
 * the plan a subscription carries (regular_price: the subscription's, when overridden). */
static void plan_terms(sb_json *j, const pp_state *s, const pp_plan *pl, int64_t regular_price)
{
    const w_price *p = &s->w->prices[pl->price];
    int64_t scale = w_currencies[p->ccy].exponent > pp_exponent(p->ccy) ? 100 : 1;
    sbj_karr(j, "billing_cycles");
    for (int t = 0; t < p->n_phases; t++) {
        const w_phase *ph = &p->phases[t];
        cycle(j, pl, p->ccy, ph->unit, ph->count, ph->total, ph->price / scale, "TRIAL", t + 1);
    }
    cycle(j, pl, p->ccy, p->interval, p->interval_count, p->total_cycles, regular_price, "REGULAR", p->n_phases + 1);
    sbj_arr_end(j);
    sbj_kobj(j, "payment_preferences");
    sbj_lit(j, "service_type: 'PREPAID', auto_bill_outstanding: true");
    money(j, "setup_fee", p->ccy, pl->setup_fee, 0);
    sbj_kstr(j, "setup_fee_failure_action", pl->setup_cancel ? "CANCEL" : "CONTINUE");
    sbj_kint(j, "payment_failure_threshold", p->failure_threshold);
    sbj_obj_end(j);
    if (p->tax_pct) {
        char pct[16];
        snprintf(pct, sizeof pct, "%d", p->tax_pct);
        sbj_kobj(j, "taxes");
        sbj_kstr(j, "percentage", pct);
        sbj_kbool(j, "inclusive", p->tax_inclusive);
        sbj_obj_end(j);
    }
    sbj_kbool(j, "quantity_supported", p->quantity_ok);
}

static void plan_head(sb_json *j, const pp_state *s, size_t i)
{
    char id[SB_ID_MAX], name[256];
    const pp_plan *pl = &s->plans[i];
    pp_id(s, PP_PRODUCT, (uint64_t)pl->product, id);
    sbj_kstr(j, "product_id", id);
    pp_plan_name(s, i, name, sizeof name);
    sbj_kstr(j, "name", name);
}

void pp_render_plan(sb_json *j, const pp_state *s, size_t i, const char *base, int full)
{
    const pp_plan *pl = &s->plans[i];
    const w_price *p = &s->w->prices[pl->price];
    char id[SB_ID_MAX];
    pp_id(s, PP_PLAN, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    plan_head(j, s, i);
    sbj_kstr(j, "status", pp_plan_status_names[pl->status]);
    if (sb_mix64(s->w->seed + i) % 10 < 8)
        sbj_lit(j, "description: 'Recurring plan'");
    sbj_lit(j, "usage_type: 'LICENSED'");
    int64_t scale = w_currencies[p->ccy].exponent > pp_exponent(p->ccy) ? 100 : 1;
    if (full)
        plan_terms(j, s, pl, p->unit_amount / scale);
    sbj_ktime(j, "create_time", pl->created);
    if (full)
        sbj_ktime(j, "update_time", pl->updated);
    sbj_karr(j, "links");
    link_to(j, base, "/v1/billing/plans/", id, "", "self", "GET", 1);
    if (full) {
        link_to(j, base, "/v1/billing/plans/", id, "", "edit", "PATCH", 1);
        link_to(j, base, "/v1/billing/plans/", id, pl->status == PP_PLAN_ACTIVE ? "/deactivate" : "/activate",
                "self", "POST", 1);
    }
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ subscriptions */

static void subscriber(sb_json *j, const pp_state *s, const pp_sub *ps)
{
    const w_sub *ws = &s->w->subs[ps->sub];
    const w_customer *c = &s->w->customers[ws->customer];
    char payer[SB_ID_MAX];
    sbj_kobj(j, "subscriber");
    if (ps->show_email)
        sbj_kstr(j, "email_address", c->email);
    if (ps->status != PP_SUB_APPROVAL_PENDING) { /* nobody approved it yet: no payer */
        pp_id(s, PP_PAYER, (uint64_t)ws->customer, payer);
        sbj_kstr(j, "payer_id", payer);
    }
    if (ps->show_name) {
        sbj_kobj(j, "name");
        sbj_kstr(j, "given_name", c->given);
        sbj_kstr(j, "surname", c->family);
        sbj_obj_end(j);
    }
    if (ps->show_shipping) {
        char full[200];
        snprintf(full, sizeof full, "%s %s", c->given, c->family);
        sbj_kobj(j, "shipping_address");
        sbj_kobj(j, "name");
        sbj_kstr(j, "full_name", full);
        sbj_obj_end(j);
        sbj_kobj(j, "address");
        sbj_kstr(j, "address_line_1", c->line1);
        sbj_kstr(j, "admin_area_2", c->city);
        if (c->state)
            sbj_kstr(j, "admin_area_1", c->state);
        sbj_kstr(j, "postal_code", c->postal);
        sbj_kstr(j, "country_code", c->country);
        sbj_obj_end(j);
        sbj_obj_end(j);
    }
    sbj_obj_end(j);
}

/* A payment as billing_info shows it: amount and time. */
static void payment(sb_json *j, const pp_state *s, const char *key, int32_t i)
{
    const w_payment *p = &s->w->payments[i];
    sbj_kobj(j, key);
    money(j, "amount", p->ccy, pp_amount(p->ccy, p->amount), 0);
    sbj_ktime(j, "time", p->created + s->delta);
}

static void billing_info(sb_json *j, const pp_state *s, const pp_sub *ps, int with_last_failed)
{
    const w_price *p = &s->w->prices[s->plans[ps->plan].price];
    const w_sub *ws = &s->w->subs[ps->sub];
    sbj_kobj(j, "billing_info");
    money(j, "outstanding_balance", p->ccy, ps->outstanding, 0);
    sbj_karr(j, "cycle_executions");
    for (int ci = 0; ci <= p->n_phases; ci++) {
        int trial = ci < p->n_phases, total = trial ? p->phases[ci].total : p->total_cycles;
        sbj_obj_begin(j);
        sbj_kstr(j, "tenure_type", trial ? "TRIAL" : "REGULAR");
        sbj_kint(j, "sequence", ci + 1);
        sbj_kint(j, "cycles_completed", ws->cycles[ci]);
        sbj_kint(j, "cycles_remaining", total ? total - ws->cycles[ci] : 0);
        if (!trial || p->phases[ci].price)
            sbj_lit(j, "current_pricing_scheme_version: 1");
        sbj_kint(j, "total_cycles", total);
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
    if (ws->last_payment >= 0) {
        payment(j, s, "last_payment", ws->last_payment);
        sbj_obj_end(j);
    }
    if (ps->next_billing)
        sbj_ktime(j, "next_billing_time", ps->next_billing);
    if (ps->final_payment)
        sbj_ktime(j, "final_payment_time", ps->final_payment);
    sbj_kint(j, "failed_payments_count", ps->failed_count);
    if (with_last_failed && ws->last_failure >= 0) {
        payment(j, s, "last_failed_payment", ws->last_failure);
        sbj_lit(j, "reason_code: 'PAYMENT_DENIED'");
        sbj_obj_end(j);
    }
    sbj_obj_end(j);
}

void pp_render_subscription(sb_json *j, const pp_state *s, size_t i, const char *base, int with_plan,
                            int with_last_failed)
{
    const pp_sub *ps = &s->subs[i];
    const w_sub *ws = &s->w->subs[ps->sub];
    char id[SB_ID_MAX];
    pp_id(s, PP_SUB, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "status", pp_sub_status_names[ps->status]);
    sbj_ktime(j, "status_update_time", ps->status_time);
    sbj_kstr(j, "id", id);
    char plan[SB_ID_MAX];
    pp_id(s, PP_PLAN, (uint64_t)ps->plan, plan);
    sbj_kstr(j, "plan_id", plan);
    sbj_ktime(j, "start_time", ws->start_date + s->delta);
    if (ps->show_quantity) {
        char q[24];
        snprintf(q, sizeof q, "%lld", (long long)ps->quantity);
        sbj_kstr(j, "quantity", q);
    }
    subscriber(j, s, ps);
    if (ps->has_billing)
        billing_info(j, s, ps, with_last_failed);
    sbj_ktime(j, "create_time", ws->created + s->delta);
    sbj_ktime(j, "update_time", ps->updated);
    sbj_kbool(j, "plan_overridden", ps->overridden);
    if (with_plan) { /* the plan as this subscription has it: no id, its own price */
        sbj_kobj(j, "plan");
        plan_head(j, s, (size_t)ps->plan);
        if (sb_mix64(s->w->seed + (uint64_t)ps->plan) % 10 < 8)
            sbj_lit(j, "description: 'Recurring plan'");
        plan_terms(j, s, &s->plans[ps->plan], ps->price);
        sbj_obj_end(j);
    }
    sbj_karr(j, "links");
    if (ps->status == PP_SUB_APPROVAL_PENDING) {
        char token[SB_ID_MAX], href[128];
        pp_id(s, PP_TOKEN, i, token);
        snprintf(href, sizeof href, "https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=%s", token);
        pp_json_link(j, href, "approve", "GET", 0);
    }
    pp_id(s, PP_SUB, i, id);
    link_to(j, base, "/v1/billing/subscriptions/", id, "", "edit", "PATCH", 0);
    link_to(j, base, "/v1/billing/subscriptions/", id, "", "self", "GET", 0);
    if (ps->status == PP_SUB_ACTIVE || ps->status == PP_SUB_SUSPENDED) {
        link_to(j, base, "/v1/billing/subscriptions/", id, "/cancel", "cancel", "POST", 0);
        link_to(j, base, "/v1/billing/subscriptions/", id, "/capture", "capture", "POST", 0);
    }
    if (ps->status == PP_SUB_ACTIVE)
        link_to(j, base, "/v1/billing/subscriptions/", id, "/suspend", "suspend", "POST", 0);
    if (ps->status == PP_SUB_SUSPENDED)
        link_to(j, base, "/v1/billing/subscriptions/", id, "/activate", "activate", "POST", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ transaction rows */

/* A payer's account flags: its address confirmed (60 %), the payer verified (70 %). */
static uint64_t payer_hash(const pp_state *s, int payer)
{
    return sb_mix64(s->w->seed ^ (uint64_t)(payer + 1) * 0x2545F491ULL);
}

/* The vendor a merchant paid: an account of its own, never one of the world's customers. */
static void vendor_id(const pp_state *s, int payee, char *out)
{
    pp_id(s, PP_PAYER, (1ULL << 38) + (uint64_t)payee, out);
}

/* payer_info of the merchant's own money: the vendor it paid, or nobody (a withdrawal, a
 * conversion, a card funding). */
static void merchant_payer(sb_json *j, const pp_state *s, const pp_row *r)
{
    sbj_kobj(j, "payer_info");
    if (r->payee >= 0) {
        char id[SB_ID_MAX], email[64], name[48];
        vendor_id(s, r->payee, id);
        snprintf(email, sizeof email, "billing@vendor%d.example.com", (int)r->payee);
        snprintf(name, sizeof name, "Vendor %d Ltd", (int)r->payee);
        sbj_kstr(j, "account_id", id);
        sbj_kstr(j, "email_address", email);
        sbj_lit(j, "address_status: 'Y', payer_status: 'Y'");
        sbj_kobj(j, "payer_name");
        sbj_kstr(j, "alternate_full_name", name);
        sbj_obj_end(j);
        sbj_lit(j, "country_code: 'US'");
    } else {
        sbj_lit(j, "address_status: 'N', payer_status: 'N', payer_name: {}");
    }
    sbj_obj_end(j);
}

static void row_payer(sb_json *j, const pp_state *s, const pp_row *r, const w_customer *c, const w_customer *place)
{
    uint64_t h = payer_hash(s, r->payer);
    char id[SB_ID_MAX];
    if (r->merchant) {
        merchant_payer(j, s, r);
        return;
    }
    sbj_kobj(j, "payer_info");
    if (c) {
        pp_id(s, PP_PAYER, (uint64_t)r->payer, id);
        sbj_kstr(j, "account_id", id);
    }
    if (r->show_email) {
        if (c) {
            sbj_kstr(j, "email_address", c->email);
        } else {
            char email[64];
            snprintf(email, sizeof email, "guest%d@example.net", (int)r->guest);
            sbj_kstr(j, "email_address", email);
        }
    }
    sbj_kstr(j, "address_status", c && h % 10 < 6 ? "Y" : "N");
    sbj_kstr(j, "payer_status", c && (h >> 8) % 10 < 7 ? "Y" : "N");
    sbj_kobj(j, "payer_name");
    if (r->show_name) {
        char buf[PP_NAME_MAX];
        const char *alt = c ? pp_alternate_name(s, r->payer, buf) : pp_guest_name(r->guest);
        if (c && !c->business) {
            sbj_kstr(j, "given_name", c->given);
            sbj_kstr(j, "surname", c->family);
        }
        if (alt)
            sbj_kstr(j, "alternate_full_name", alt);
    }
    sbj_obj_end(j);
    if (r->show_country && place && place->country)
        sbj_kstr(j, "country_code", place->country);
    sbj_obj_end(j);
}

void pp_render_row(sb_json *j, const pp_state *s, const pp_row *r, unsigned fields)
{
    const w_customer *c = r->payer >= 0 ? &s->w->customers[r->payer] : NULL;
    const w_customer *place = c ? (c->country ? c : NULL) : r->merchant ? NULL : pp_guest_place(r->guest);
    int is_payment = r->amount > 0;
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    sbj_kobj(j, "transaction_info");
    if (c) {
        pp_id(s, PP_PAYER, (uint64_t)r->payer, id);
        sbj_kstr(j, "paypal_account_id", id);
    } else if (r->payee >= 0) {
        vendor_id(s, r->payee, id);
        sbj_kstr(j, "paypal_account_id", id);
    }
    sbj_kstr(j, "transaction_id", r->txid);
    if (r->ref_type != PP_REF_NONE) {
        sbj_kstr(j, "paypal_reference_id", r->ref);
        sbj_kstr(j, "paypal_reference_id_type", pp_ref_type_names[r->ref_type]);
    }
    sbj_kstr(j, "transaction_event_code", pp_event_codes[r->event]);
    search_time(j, "transaction_initiation_date", r->time);
    search_time(j, "transaction_updated_date", r->updated);
    money(j, "transaction_amount", r->ccy, r->amount, 0);
    if (r->has_fee)
        money(j, "fee_amount", r->ccy, r->fee, 0);
    char st[2] = {r->status, '\0'};
    sbj_kstr(j, "transaction_status", st);
    if (r->event == PP_EV_T1107)
        sbj_lit(j, "transaction_subject: 'Refund'");
    if (r->invoice[0])
        sbj_kstr(j, "invoice_id", r->invoice);
    int confirmed = c && payer_hash(s, r->payer) % 10 < 6;
    sbj_kstr(j, "protection_eligibility", confirmed && is_payment ? "01" : "02");
    if (r->instrument)
        sbj_lit(j, r->instrument == 1 ? "instrument_type: 'CREDITCARD', instrument_sub_type: 'VISA'"
                                      : "instrument_type: 'DEBITCARD', instrument_sub_type: 'M'");
    sbj_obj_end(j);
    if (fields & PP_F_PAYER)
        row_payer(j, s, r, c, place);
    if (fields & PP_F_SHIPPING) {
        sbj_kobj(j, "shipping_info");
        if (is_payment && r->item && place) {
            char name[200];
            if (c)
                snprintf(name, sizeof name, "%s, %s", c->given, c->family);
            else
                snprintf(name, sizeof name, "%s", pp_guest_name(r->guest));
            sbj_kstr(j, "name", name);
            sbj_kobj(j, "address");
            sbj_kstr(j, "line1", place->line1);
            sbj_kstr(j, "city", place->city);
            if (place->state)
                sbj_kstr(j, "state", place->state);
            sbj_kstr(j, "country_code", place->country);
            sbj_kstr(j, "postal_code", place->postal);
            sbj_obj_end(j);
        }
        sbj_obj_end(j);
    }
    if (fields & PP_F_CART) {
        sbj_kobj(j, "cart_info");
        if (r->item && is_payment) {
            sbj_karr(j, "item_details");
            sbj_obj_begin(j);
            sbj_kstr(j, "item_name", r->item);
            sbj_lit(j, "item_quantity: '1'");
            money(j, "item_unit_price", r->ccy, r->amount, 0);
            money(j, "item_amount", r->ccy, r->amount, 0);
            money(j, "total_item_amount", r->ccy, r->amount, 0);
            sbj_obj_end(j);
            sbj_arr_end(j);
            sbj_lit(j, "tax_inclusive: false");
        }
        sbj_obj_end(j);
    }
    if (fields & PP_F_STORE)
        sbj_lit(j, "store_info: {}");
    if (fields & PP_F_AUCTION)
        sbj_lit(j, "auction_info: {}");
    if (fields & PP_F_INCENTIVE)
        sbj_lit(j, "incentive_info: {}");
    sbj_obj_end(j);
}
