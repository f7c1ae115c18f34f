/* PayPal objects, members in the order PayPal's responses show them; absent values are
 * left out (PayPal sends no nulls). Times: RFC 3339 with Z, except Transaction Search rows
 * which use "+0000". */
#include "paypal_render.h"

#include <stdio.h>
#include <string.h>

#include "paypal_gen.h"

void pp_json_money(sb_json *j, const char *key, int ccy, int64_t minor, int style)
{
    char v[40];
    pp_format_money(minor, ccy, style, v);
    sbj_key(j, key);
    sbj_obj_begin(j);
    sbj_kstr(j, "currency_code", pp_currencies[ccy].code);
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
        sbj_kstr(j, "encType", "application/json");
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

void pp_render_product(sb_json *j, const pp_dataset *ds, const pp_product *p, const char *base, int full)
{
    (void)ds;
    sbj_obj_begin(j);
    sbj_kstr(j, "id", p->id);
    sbj_kstr(j, "name", p->name);
    if (p->description)
        sbj_kstr(j, "description", p->description);
    if (full) {
        sbj_kstr(j, "type", p->type);
        sbj_kstr(j, "category", p->category);
    }
    sbj_ktime(j, "create_time", p->created);
    if (full)
        sbj_ktime(j, "update_time", p->updated);
    sbj_key(j, "links");
    sbj_arr_begin(j);
    link_to(j, base, "/v1/catalogs/products/", p->id, "", "self", "GET", 0);
    if (full)
        link_to(j, base, "/v1/catalogs/products/", p->id, "", "edit", "PATCH", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ plans */

static void cycle(sb_json *j, const pp_plan *p, const pp_cycle *c, const char *tenure, int seq,
                  int64_t price_created)
{
    sbj_obj_begin(j);
    if (c->paid) {
        sbj_key(j, "pricing_scheme");
        sbj_obj_begin(j);
        sbj_kint(j, "version", 1);
        pp_json_money(j, "fixed_price", p->ccy, c->price, c->price_style);
        sbj_ktime(j, "create_time", price_created);
        sbj_ktime(j, "update_time", price_created);
        sbj_obj_end(j);
    }
    sbj_key(j, "frequency");
    sbj_obj_begin(j);
    sbj_kstr(j, "interval_unit", pp_unit_names[c->unit]);
    sbj_kint(j, "interval_count", c->count);
    sbj_obj_end(j);
    sbj_kstr(j, "tenure_type", tenure);
    sbj_kint(j, "sequence", seq);
    sbj_kint(j, "total_cycles", c->total);
    sbj_obj_end(j);
}

/* billing_cycles, payment_preferences, taxes, quantity_supported: shared by the plan and
 * the plan a subscription carries (regular_price: the subscription's, when overridden). */
static void plan_terms(sb_json *j, const pp_plan *p, int64_t regular_price)
{
    sbj_key(j, "billing_cycles");
    sbj_arr_begin(j);
    int seq = 1;
    for (int t = 0; t < p->n_trials; t++)
        cycle(j, p, &p->trial[t], "TRIAL", seq++, p->created);
    pp_cycle reg = p->regular;
    reg.price = regular_price;
    cycle(j, p, &reg, "REGULAR", seq, p->created);
    sbj_arr_end(j);
    sbj_key(j, "payment_preferences");
    sbj_obj_begin(j);
    sbj_kstr(j, "service_type", "PREPAID");
    sbj_kbool(j, "auto_bill_outstanding", 1);
    pp_json_money(j, "setup_fee", p->ccy, p->setup_fee, 0);
    sbj_kstr(j, "setup_fee_failure_action", p->setup_cancel ? "CANCEL" : "CONTINUE");
    sbj_kint(j, "payment_failure_threshold", p->failure_threshold);
    sbj_obj_end(j);
    if (p->tax_pct) {
        char pct[16];
        snprintf(pct, sizeof pct, "%d", p->tax_pct);
        sbj_key(j, "taxes");
        sbj_obj_begin(j);
        sbj_kstr(j, "percentage", pct);
        sbj_kbool(j, "inclusive", p->tax_inclusive);
        sbj_obj_end(j);
    }
    sbj_kbool(j, "quantity_supported", p->quantity_supported);
}

void pp_render_plan(sb_json *j, const pp_dataset *ds, const pp_plan *p, const char *base, int full)
{
    sbj_obj_begin(j);
    sbj_kstr(j, "id", p->id);
    sbj_kstr(j, "product_id", ds->products[p->product].id);
    sbj_kstr(j, "name", p->name);
    sbj_kstr(j, "status", pp_plan_status_names[p->status]);
    if (p->description)
        sbj_kstr(j, "description", p->description);
    sbj_kstr(j, "usage_type", "LICENSED");
    if (full)
        plan_terms(j, p, p->regular.price);
    sbj_ktime(j, "create_time", p->created);
    if (full)
        sbj_ktime(j, "update_time", p->updated);
    sbj_key(j, "links");
    sbj_arr_begin(j);
    link_to(j, base, "/v1/billing/plans/", p->id, "", "self", "GET", 1);
    if (full) {
        link_to(j, base, "/v1/billing/plans/", p->id, "", "edit", "PATCH", 1);
        if (p->status == PP_PLAN_ACTIVE)
            link_to(j, base, "/v1/billing/plans/", p->id, "/deactivate", "self", "POST", 1);
        else
            link_to(j, base, "/v1/billing/plans/", p->id, "/activate", "self", "POST", 1);
    }
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ subscriptions */

void pp_render_subscription(sb_json *j, const pp_dataset *ds, const pp_sub *s, const char *base,
                            int with_plan, int with_last_failed)
{
    const pp_plan *pl = &ds->plans[s->plan];
    const pp_payer *py = &ds->payers[s->payer];
    sbj_obj_begin(j);
    sbj_kstr(j, "status", pp_sub_status_names[s->status]);
    sbj_ktime(j, "status_update_time", s->status_time);
    sbj_kstr(j, "id", s->id);
    sbj_kstr(j, "plan_id", pl->id);
    sbj_ktime(j, "start_time", s->start);
    if (s->show_quantity) {
        char q[24];
        snprintf(q, sizeof q, "%lld", (long long)s->quantity);
        sbj_kstr(j, "quantity", q);
    }
    sbj_key(j, "subscriber");
    sbj_obj_begin(j);
    if (s->show_email)
        sbj_kstr(j, "email_address", py->email);
    if (s->show_payer_id)
        sbj_kstr(j, "payer_id", py->id);
    if (s->show_name) {
        sbj_key(j, "name");
        sbj_obj_begin(j);
        sbj_kstr(j, "given_name", py->given);
        sbj_kstr(j, "surname", py->surname);
        sbj_obj_end(j);
    }
    if (s->show_shipping && py->place) {
        char full[200];
        snprintf(full, sizeof full, "%s %s", py->given, py->surname);
        sbj_key(j, "shipping_address");
        sbj_obj_begin(j);
        sbj_key(j, "name");
        sbj_obj_begin(j);
        sbj_kstr(j, "full_name", full);
        sbj_obj_end(j);
        sbj_key(j, "address");
        sbj_obj_begin(j);
        sbj_kstr(j, "address_line_1", py->place->line1);
        sbj_kstr(j, "admin_area_2", py->place->city);
        if (py->place->state)
            sbj_kstr(j, "admin_area_1", py->place->state);
        sbj_kstr(j, "postal_code", py->place->postal);
        sbj_kstr(j, "country_code", py->place->country);
        sbj_obj_end(j);
        sbj_obj_end(j);
    }
    sbj_obj_end(j);
    if (s->has_billing) {
        sbj_key(j, "billing_info");
        sbj_obj_begin(j);
        pp_json_money(j, "outstanding_balance", pl->ccy, s->outstanding, 0);
        sbj_key(j, "cycle_executions");
        sbj_arr_begin(j);
        int nc = pl->n_trials + 1;
        for (int ci = 0; ci < nc; ci++) {
            const pp_cycle *c = ci < pl->n_trials ? &pl->trial[ci] : &pl->regular;
            sbj_obj_begin(j);
            sbj_kstr(j, "tenure_type", ci < pl->n_trials ? "TRIAL" : "REGULAR");
            sbj_kint(j, "sequence", ci + 1);
            sbj_kint(j, "cycles_completed", s->cycles_done[ci]);
            sbj_kint(j, "cycles_remaining", c->total ? c->total - s->cycles_done[ci] : 0);
            if (c->paid)
                sbj_kint(j, "current_pricing_scheme_version", 1);
            sbj_kint(j, "total_cycles", c->total);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        if (s->last_pay_time) {
            sbj_key(j, "last_payment");
            sbj_obj_begin(j);
            pp_json_money(j, "amount", pl->ccy, s->last_pay_amount, 0);
            sbj_ktime(j, "time", s->last_pay_time);
            sbj_obj_end(j);
        }
        if (s->next_billing)
            sbj_ktime(j, "next_billing_time", s->next_billing);
        if (s->final_payment)
            sbj_ktime(j, "final_payment_time", s->final_payment);
        sbj_kint(j, "failed_payments_count", s->failed_count);
        if (with_last_failed && s->last_failed_time) {
            sbj_key(j, "last_failed_payment");
            sbj_obj_begin(j);
            pp_json_money(j, "amount", pl->ccy, s->last_failed_amount, 0);
            sbj_ktime(j, "time", s->last_failed_time);
            sbj_kstr(j, "reason_code", "PAYMENT_DENIED");
            sbj_obj_end(j);
        }
        sbj_obj_end(j);
    }
    sbj_ktime(j, "create_time", s->created);
    sbj_ktime(j, "update_time", s->updated);
    sbj_kbool(j, "plan_overridden", s->overridden);
    if (with_plan) {
        sbj_key(j, "plan");
        sbj_obj_begin(j);
        sbj_kstr(j, "product_id", ds->products[pl->product].id);
        sbj_kstr(j, "name", pl->name);
        if (pl->description)
            sbj_kstr(j, "description", pl->description);
        plan_terms(j, pl, pp_sub_price(ds, s));
        sbj_obj_end(j);
    }
    sbj_key(j, "links");
    sbj_arr_begin(j);
    if (s->status == PP_SUB_APPROVAL_PENDING) {
        char href[128];
        snprintf(href, sizeof href, "https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=%s",
                 s->ba_token);
        pp_json_link(j, href, "approve", "GET", 0);
    }
    link_to(j, base, "/v1/billing/subscriptions/", s->id, "", "edit", "PATCH", 0);
    link_to(j, base, "/v1/billing/subscriptions/", s->id, "", "self", "GET", 0);
    if (s->status == PP_SUB_ACTIVE || s->status == PP_SUB_SUSPENDED) {
        link_to(j, base, "/v1/billing/subscriptions/", s->id, "/cancel", "cancel", "POST", 0);
        link_to(j, base, "/v1/billing/subscriptions/", s->id, "/capture", "capture", "POST", 0);
    }
    if (s->status == PP_SUB_ACTIVE)
        link_to(j, base, "/v1/billing/subscriptions/", s->id, "/suspend", "suspend", "POST", 0);
    if (s->status == PP_SUB_SUSPENDED)
        link_to(j, base, "/v1/billing/subscriptions/", s->id, "/activate", "activate", "POST", 0);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* ------------------------------------------------------------------ transaction rows */

static void row_address(sb_json *j, const pp_place *pl)
{
    sbj_key(j, "address");
    sbj_obj_begin(j);
    sbj_kstr(j, "line1", pl->line1);
    sbj_kstr(j, "city", pl->city);
    if (pl->state)
        sbj_kstr(j, "state", pl->state);
    sbj_kstr(j, "country_code", pl->country);
    sbj_kstr(j, "postal_code", pl->postal);
    sbj_obj_end(j);
}

void pp_render_row(sb_json *j, const pp_dataset *ds, const pp_row *r, unsigned fields)
{
    const pp_payer *py = r->payer >= 0 ? &ds->payers[r->payer] : NULL;
    const pp_place *place = py ? py->place : pp_guest_place((uint64_t)r->guest);
    int is_payment = r->amount > 0;
    sbj_obj_begin(j);

    sbj_key(j, "transaction_info");
    sbj_obj_begin(j);
    if (py)
        sbj_kstr(j, "paypal_account_id", py->id);
    sbj_kstr(j, "transaction_id", r->txid);
    if (r->ref_type != PP_REF_NONE) {
        sbj_kstr(j, "paypal_reference_id", r->ref);
        sbj_kstr(j, "paypal_reference_id_type", pp_ref_type_names[r->ref_type]);
    }
    sbj_kstr(j, "transaction_event_code", pp_event_codes[r->event]);
    search_time(j, "transaction_initiation_date", r->time);
    search_time(j, "transaction_updated_date", r->updated);
    pp_json_money(j, "transaction_amount", r->ccy, r->amount, 0);
    if (r->has_fee)
        pp_json_money(j, "fee_amount", r->ccy, r->fee, 0);
    char st[2] = {r->status, '\0'};
    sbj_kstr(j, "transaction_status", st);
    if (r->event == PP_EV_T1107)
        sbj_kstr(j, "transaction_subject", "Refund");
    if (r->invoice[0])
        sbj_kstr(j, "invoice_id", r->invoice);
    sbj_kstr(j, "protection_eligibility", py && py->address_status == 'Y' && is_payment ? "01" : "02");
    if (r->instrument) {
        sbj_kstr(j, "instrument_type", r->instrument == 1 ? "CREDITCARD" : "DEBITCARD");
        sbj_kstr(j, "instrument_sub_type", r->instrument == 1 ? "VISA" : "M");
    }
    sbj_obj_end(j);

    if (fields & PP_F_PAYER) {
        sbj_key(j, "payer_info");
        sbj_obj_begin(j);
        if (py)
            sbj_kstr(j, "account_id", py->id);
        if (r->show_email) {
            if (py) {
                sbj_kstr(j, "email_address", py->email);
            } else {
                char email[64];
                snprintf(email, sizeof email, "guest%d@example.net", (int)r->guest);
                sbj_kstr(j, "email_address", email);
            }
        }
        char as[2] = {py ? py->address_status : 'N', '\0'};
        char ps[2] = {py ? py->payer_status : 'N', '\0'};
        sbj_kstr(j, "address_status", as);
        sbj_kstr(j, "payer_status", ps);
        sbj_key(j, "payer_name");
        sbj_obj_begin(j);
        if (r->show_name) {
            if (!py) {
                sbj_kstr(j, "alternate_full_name", pp_guest_name((uint64_t)r->guest));
            } else if (py->business) {
                sbj_kstr(j, "alternate_full_name", py->business);
            } else {
                sbj_kstr(j, "given_name", py->given);
                sbj_kstr(j, "surname", py->surname);
                if (py->alt_name[0])
                    sbj_kstr(j, "alternate_full_name", py->alt_name);
            }
        }
        sbj_obj_end(j);
        if (r->show_country && place)
            sbj_kstr(j, "country_code", place->country);
        sbj_obj_end(j);
    }
    if (fields & PP_F_SHIPPING) {
        sbj_key(j, "shipping_info");
        sbj_obj_begin(j);
        if (is_payment && r->item && place) {
            char name[200];
            if (py)
                snprintf(name, sizeof name, "%s, %s", py->given, py->surname);
            else
                snprintf(name, sizeof name, "%s", pp_guest_name((uint64_t)r->guest));
            sbj_kstr(j, "name", name);
            row_address(j, place);
        }
        sbj_obj_end(j);
    }
    if (fields & PP_F_CART) {
        sbj_key(j, "cart_info");
        sbj_obj_begin(j);
        if (r->item && is_payment) {
            sbj_key(j, "item_details");
            sbj_arr_begin(j);
            sbj_obj_begin(j);
            sbj_kstr(j, "item_name", r->item);
            sbj_kstr(j, "item_quantity", "1");
            pp_json_money(j, "item_unit_price", r->ccy, r->amount, 0);
            pp_json_money(j, "item_amount", r->ccy, r->amount, 0);
            pp_json_money(j, "total_item_amount", r->ccy, r->amount, 0);
            sbj_obj_end(j);
            sbj_arr_end(j);
            sbj_kbool(j, "tax_inclusive", 0);
        }
        sbj_obj_end(j);
    }
    if (fields & PP_F_STORE)
        sbj_kempty_obj(j, "store_info");
    if (fields & PP_F_AUCTION)
        sbj_kempty_obj(j, "auction_info");
    if (fields & PP_F_INCENTIVE)
        sbj_kempty_obj(j, "incentive_info");
    sbj_obj_end(j);
}
