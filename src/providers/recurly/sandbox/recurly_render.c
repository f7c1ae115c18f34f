/* Recurly's shapes (API v2021-02-25, schemas Account, Plan, Transaction of its OpenAPI
 * spec): money as JSON numbers in major units, times as ISO 8601 UTC. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "recurly_model.h"
#include "sandbox_rng.h"

void rc_money(sb_json *j, const char *key, int64_t minor, int exponent)
{
    /* Major units with the decimals a float prints: "19.99", "20.0", "1.255", "2000.0". */
    char text[48];
    uint64_t scale = 1, v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
    for (int i = 0; i < exponent; i++)
        scale *= 10;
    char frac[24];
    snprintf(frac, sizeof frac, "%0*" PRIu64, exponent, exponent ? v % scale : 0);
    size_t n = strlen(frac);
    while (n > 1 && frac[n - 1] == '0')
        frac[--n] = '\0';
    if (exponent == 0)
        strcpy(frac, "0");
    snprintf(text, sizeof text, "%s%" PRIu64 ".%s", minor < 0 ? "-" : "", v / scale, frac);
    sbj_key(j, key);
    sbj_number(j, text);
}

const char *rc_payment_status(const w_payment *p)
{
    switch (p->status) {
    case W_PAY_SUCCEEDED: return p->dispute == W_DISPUTE_CHARGEBACK ? "chargeback" : "success";
    case W_PAY_PENDING: return p->bank ? "processing" : "pending";
    default: return "declined";
    }
}

const char *rc_refund_status(const w_refund *r)
{
    switch (r->status) {
    case W_RE_SUCCEEDED: return "success";
    case W_RE_FAILED: return "declined";
    case W_RE_CANCELED: return "void";
    default: return "pending";
    }
}

static void kid(sb_json *j, const char *key, const rc_state *st, int kind, uint64_t n)
{
    char id[SB_ID_MAX];
    rc_id(st, kind, n, id);
    sbj_kstr(j, key, id);
}

static void account_code(sb_json *j, size_t i)
{
    char code[32];
    snprintf(code, sizeof code, "cust-%zu", i + 1);
    sbj_kstr(j, "code", code);
}

static void names(sb_json *j, const w_customer *c)
{
    sbj_kstr(j, "first_name", c->name_on_file ? c->given : NULL);
    sbj_kstr(j, "last_name", c->name_on_file ? c->family : NULL);
    sbj_kstr(j, "company", c->name_on_file ? c->business : NULL);
}

static void render_account(sb_json *j, const rc_state *st, const rc_entry *e)
{
    const w_customer *c = &st->w->customers[e->index];
    int closed = c->deleted_at != 0;
    sbj_obj_begin(j);
    kid(j, "id", st, RC_ACCOUNT, e->index);
    sbj_kstr(j, "object", "account");
    sbj_kstr(j, "state", closed ? "inactive" : "active");
    char token[33];
    uint64_t h = sb_mix64(st->w->seed ^ sb_mix64(e->index + 1)), g = sb_mix64(h);
    snprintf(token, sizeof token, "%016" PRIx64 "%016" PRIx64, h, g);
    sbj_kstr(j, "hosted_login_token", token);
    sbj_kempty_arr(j, "shipping_addresses");
    sbj_ktime(j, "created_at", c->created);
    sbj_ktime(j, "updated_at", e->updated);
    sbj_ktime(j, "deleted_at", closed ? c->deleted_at : 0);
    account_code(j, e->index);
    sbj_knull(j, "username");
    sbj_kstr(j, "email", c->email);
    sbj_knull(j, "preferred_locale");
    sbj_knull(j, "cc_emails");
    names(j, c);
    sbj_knull(j, "vat_number");
    sbj_kbool(j, "tax_exempt", c->tax_exempt == 1);
    sbj_kstr(j, "bill_to", "self");
    if (c->has_address) {
        sbj_kobj(j, "address");
        sbj_kstr(j, "phone", c->phone);
        sbj_kstr(j, "street1", c->line1);
        sbj_kstr(j, "street2", c->line2);
        sbj_kstr(j, "city", c->city);
        sbj_kstr(j, "region", c->state);
        sbj_kstr(j, "postal_code", c->postal);
        sbj_kstr(j, "country", c->country);
        sbj_obj_end(j);
    } else {
        sbj_knull(j, "address");
    }
    sbj_kempty_arr(j, "custom_fields");
    sbj_obj_end(j);
}

static void render_plan(sb_json *j, const rc_state *st, const rc_entry *e)
{
    const rc_plan *pl = &st->plans[e->index];
    const w_price *first = &st->w->prices[pl->price[0]];
    sbj_obj_begin(j);
    kid(j, "id", st, RC_PLAN, e->index);
    sbj_kstr(j, "object", "plan");
    char code[32];
    snprintf(code, sizeof code, "plan-%u", e->index + 1);
    sbj_kstr(j, "code", code);
    sbj_kstr(j, "state", pl->active ? "active" : "inactive");
    sbj_kstr(j, "name", first->nickname ? first->nickname : st->w->products[first->product].name);
    sbj_kstr(j, "description", st->w->products[first->product].description);
    sbj_kstr(j, "interval_unit", pl->interval_unit_days ? "days" : "months");
    sbj_kint(j, "interval_length", pl->interval_length);
    sbj_kstr(j, "trial_unit", pl->trial_unit_days ? "days" : "months");
    sbj_kint(j, "trial_length", pl->trial_length);
    sbj_lit(j, "trial_requires_billing_info: true");
    sbj_kintn(j, "total_billing_cycles", pl->total_cycles != 0, pl->total_cycles);
    sbj_lit(j, "auto_renew: true, pricing_model: 'fixed', ramp_intervals: [], custom_fields: [], "
               "accounting_code: null, revenue_schedule_type: 'evenly', "
               "setup_fee_revenue_schedule_type: 'evenly', tax_exempt: false");
    sbj_karr(j, "currencies");
    for (int k = 0; k < pl->n; k++) {
        const w_price *p = &st->w->prices[pl->price[k]];
        const w_currency *cur = &w_currencies[p->ccy];
        sbj_obj_begin(j);
        sbj_kstr(j, "currency", cur->code);
        rc_money(j, "setup_fee", 0, cur->exponent);
        rc_money(j, "unit_amount", p->unit_amount, cur->exponent);
        sbj_kbool(j, "tax_inclusive", 0);
        sbj_obj_end(j);
    }
    sbj_arr_end(j);
    sbj_lit(j, "hosted_pages: {success_url: null, cancel_url: null, bypass_confirmation: false, "
               "display_quantity: false}, allow_any_item_on_subscriptions: false");
    sbj_ktime(j, "created_at", pl->created);
    sbj_ktime(j, "updated_at", e->updated);
    sbj_knull(j, "deleted_at");
    sbj_obj_end(j);
}

static void account_mini(sb_json *j, const rc_state *st, int customer)
{
    const w_customer *c = &st->w->customers[customer];
    sbj_kobj(j, "account");
    kid(j, "id", st, RC_ACCOUNT, (uint64_t)customer);
    sbj_kstr(j, "object", "account");
    account_code(j, (size_t)customer);
    sbj_kstr(j, "email", c->email);
    names(j, c);
    sbj_lit(j, "parent_account_id: null, bill_to: 'self'");
    sbj_obj_end(j);
}

static void invoice_mini(sb_json *j, const rc_state *st, int invoice)
{
    if (invoice < 0) {
        sbj_knull(j, "invoice");
        return;
    }
    sbj_kobj(j, "invoice");
    kid(j, "id", st, RC_INVOICE, (uint64_t)invoice);
    sbj_kstr(j, "object", "invoice");
    char number[24];
    snprintf(number, sizeof number, "%d", 1001 + invoice);
    sbj_kstr(j, "number", number);
    sbj_lit(j, "business_entity_id: null, type: 'charge'");
    sbj_obj_end(j);
}

static void uuid(sb_json *j, const rc_state *st, const rc_entry *e)
{
    char text[33];
    uint64_t h = sb_mix64(st->w->seed ^ sb_mix64(((uint64_t)e->kind << 32) | e->index));
    snprintf(text, sizeof text, "%016" PRIx64 "%016" PRIx64, h, sb_mix64(h));
    sbj_kstr(j, "uuid", text);
}

static void render_transaction(sb_json *j, const rc_state *st, const rc_entry *e)
{
    const sb_world *w = st->w;
    int refund = e->kind == RC_REFUND;
    const w_refund *re = refund ? &w->refunds[e->index] : NULL;
    uint32_t pi = refund ? (uint32_t)re->payment : e->index;
    const w_payment *p = &w->payments[pi];
    const w_currency *cur = &w_currencies[p->ccy];
    const char *status = refund ? rc_refund_status(re) : rc_payment_status(p);
    int sub = p->invoice >= 0 ? w->invoices[p->invoice].sub : -1;
    sbj_obj_begin(j);
    kid(j, "id", st, e->kind, e->index);
    sbj_kstr(j, "object", "transaction");
    uuid(j, st, e);
    if (refund)
        kid(j, "original_transaction_id", st, RC_PURCHASE, pi);
    else
        sbj_knull(j, "original_transaction_id");
    account_mini(j, st, p->customer);
    invoice_mini(j, st, refund || p->invoice < 0 || st->invoice_state[p->invoice] < 0 ? -1 : p->invoice);
    sbj_knull(j, "voided_by_invoice");
    sbj_karr(j, "subscription_ids");
    if (!refund && sub >= 0 && st->sub_state[sub] >= 0) {
        char id[SB_ID_MAX];
        rc_id(st, RC_SUB, (uint64_t)sub, id);
        sbj_str(j, id);
    }
    sbj_arr_end(j);
    sbj_kstr(j, "type", refund ? "refund" : p->uncaptured ? "authorization" : "purchase");
    sbj_kstr(j, "origin", refund ? "api" : sub >= 0 ? "recurring" : "api");
    sbj_kstr(j, "currency", cur->code);
    rc_money(j, "amount", refund ? re->amount : p->amount, cur->exponent);
    sbj_kstr(j, "status", status);
    int ok = !strcmp(status, "success") || !strcmp(status, "chargeback");
    sbj_kbool(j, "success", ok);
    sbj_kbool(j, "backup_payment_method_used", 0);
    sbj_kbool(j, "refunded", !refund && p->amount_refunded > 0);
    sbj_kstr(j, "collection_method", "automatic");
    sbj_kstr(j, "status_code", !ok && !strcmp(status, "declined")
                                       ? (p->failure == W_FAIL_FUNDS ? "insufficient_funds" : "declined")
                                       : NULL);
    sbj_kstr(j, "gateway_message", ok ? "Approved" : NULL);
    sbj_ktime(j, "created_at", e->created);
    sbj_ktime(j, "updated_at", e->updated);
    sbj_ktime(j, "voided_at", !strcmp(status, "void") ? e->updated : 0);
    sbj_ktime(j, "collected_at", ok && !p->uncaptured ? e->created : 0);
    sbj_obj_end(j);
}

static void add_on(sb_json *j, const rc_state *st, const w_sub *s, uint32_t k)
{
    const w_item *it = &st->w->items[s->first_item + k];
    const w_price *p = &st->w->prices[it->price];
    char sub_id[SB_ID_MAX], code[32];
    rc_id(st, RC_SUB, (uint64_t)it->sub, sub_id);
    sbj_obj_begin(j);
    kid(j, "id", st, RC_ADDON, s->first_item + k);
    sbj_kstr(j, "object", "subscription_add_on");
    sbj_kstr(j, "subscription_id", sub_id);
    sbj_kobj(j, "add_on");
    kid(j, "id", st, RC_ADDON_DEF, (uint64_t)it->price);
    sbj_kstr(j, "object", "add_on");
    snprintf(code, sizeof code, "addon-%d", it->price + 1);
    sbj_kstr(j, "code", code);
    sbj_kstr(j, "name", p->nickname ? p->nickname : st->w->products[p->product].name);
    sbj_lit(j, "add_on_type: 'fixed', usage_type: null, usage_percentage: null, measured_unit_id: null, "
               "item_id: null, external_sku: null, accounting_code: null");
    sbj_obj_end(j);
    sbj_lit(j, "add_on_source: 'plan_add_on'");
    sbj_kint(j, "quantity", it->quantity);
    rc_money(j, "unit_amount", p->unit_amount, w_currencies[p->ccy].exponent);
    sbj_lit(j, "revenue_schedule_type: 'evenly', tier_type: 'flat'");
    sbj_ktime(j, "created_at", it->created);
    sbj_ktime(j, "updated_at", it->created);
    sbj_knull(j, "expired_at");
    sbj_obj_end(j);
}

static void render_subscription(sb_json *j, const rc_state *st, const rc_entry *e)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[e->index];
    const w_item *first = &w->items[s->first_item];
    const w_price *price = &w->prices[first->price];
    const w_currency *cur = &w_currencies[s->ccy];
    rc_sub_dates d;
    rc_sub_dates_of(st, e->index, &d);
    sbj_obj_begin(j);
    kid(j, "id", st, RC_SUB, e->index);
    sbj_kstr(j, "object", "subscription");
    uuid(j, st, e);
    account_mini(j, st, s->customer);
    sbj_kobj(j, "plan");
    int32_t plan = st->price_plan[first->price];
    kid(j, "id", st, RC_PLAN, (uint64_t)plan);
    sbj_kstr(j, "object", "plan");
    char code[32];
    snprintf(code, sizeof code, "plan-%d", plan + 1);
    sbj_kstr(j, "code", code);
    const w_price *named = &w->prices[st->plans[plan].price[0]];
    sbj_kstr(j, "name", named->nickname ? named->nickname : w->products[named->product].name);
    sbj_obj_end(j);
    sbj_kstr(j, "state", rc_sub_state_names[(int)st->sub_state[e->index]]);
    sbj_lit(j, "coupon_redemptions: [], pending_change: null");
    sbj_ktime(j, "current_period_started_at", d.period_start);
    sbj_ktime(j, "current_period_ends_at", d.period_end);
    sbj_ktime(j, "current_term_started_at", d.period_start);
    sbj_ktime(j, "current_term_ends_at", d.period_end);
    sbj_ktime(j, "trial_started_at", d.trial_start);
    sbj_ktime(j, "trial_ends_at", d.trial_end);
    sbj_kintn(j, "total_billing_cycles", price->total_cycles != 0, price->total_cycles);
    sbj_lit(j, "auto_renew: true, ramp_intervals: [], paused_at: null, remaining_pause_cycles: null");
    sbj_kstr(j, "currency", cur->code);
    sbj_kstr(j, "revenue_schedule_type", "evenly");
    rc_money(j, "unit_amount", price->unit_amount, cur->exponent);
    sbj_kbool(j, "tax_inclusive", 0);
    sbj_kint(j, "quantity", first->quantity);
    sbj_karr(j, "add_ons");
    int64_t add_ons = 0;
    for (uint32_t k = 1; k < s->n_items; k++) {
        add_on(j, st, s, k);
        const w_item *it = &w->items[s->first_item + k];
        add_ons += it->quantity * w->prices[it->price].unit_amount;
    }
    sbj_arr_end(j);
    rc_money(j, "add_ons_total", add_ons, cur->exponent);
    int64_t subtotal = add_ons + first->quantity * price->unit_amount;
    rc_money(j, "subtotal", subtotal, cur->exponent);
    rc_money(j, "total", subtotal, cur->exponent);
    sbj_lit(j, "collection_method: 'automatic', net_terms: 0, custom_fields: []");
    sbj_ktime(j, "created_at", s->created);
    sbj_ktime(j, "updated_at", e->updated);
    sbj_ktime(j, "activated_at", d.activated);
    sbj_ktime(j, "canceled_at", d.canceled);
    sbj_ktime(j, "expires_at", d.expires);
    sbj_obj_end(j);
}

/* proration_rate: the share of the item's period the line bills, 4 decimals. */
static void proration_rate(sb_json *j, const rc_state *st, const w_line *l)
{
    const w_item *it = &st->w->items[l->item];
    int64_t full = it->period_end - it->period_start, part = l->period_end - l->period_start;
    if (full <= 0 || part <= 0 || part > full) {
        sbj_number(j, "1.0");
        return;
    }
    char text[24];
    int64_t rate = part * 10000 / full;
    snprintf(text, sizeof text, "0.%04lld", (long long)rate);
    sbj_number(j, rate >= 10000 ? "1.0" : text);
}

void rc_render_line(sb_json *j, const rc_state *st, size_t i)
{
    const sb_world *w = st->w;
    const w_line *l = &w->lines[i];
    const w_invoice *v = &w->invoices[l->invoice];
    const w_currency *cur = &w_currencies[v->ccy];
    rc_line_view lv;
    rc_line_view_of(st, i, &lv);
    char number[24];
    snprintf(number, sizeof number, "%d", 1001 + l->invoice);
    sbj_obj_begin(j);
    kid(j, "id", st, RC_LINE, i);
    sbj_kstr(j, "object", "line_item");
    sbj_kstr(j, "type", lv.subtotal < 0 ? "credit" : "charge");
    sbj_kstr(j, "state", "invoiced");
    account_mini(j, st, v->customer);
    if (v->sub >= 0)
        kid(j, "subscription_id", st, RC_SUB, (uint64_t)v->sub);
    else
        sbj_knull(j, "subscription_id");
    if (lv.plan >= 0) {
        kid(j, "plan_id", st, RC_PLAN, (uint64_t)lv.plan);
        char code[32];
        snprintf(code, sizeof code, "plan-%d", lv.plan + 1);
        sbj_kstr(j, "plan_code", code);
    } else {
        sbj_lit(j, "plan_id: null, plan_code: null");
    }
    if (!strcmp(lv.origin, "add_on")) {
        kid(j, "add_on_id", st, RC_ADDON_DEF, (uint64_t)w->items[l->item].price);
        char code[32];
        snprintf(code, sizeof code, "addon-%d", w->items[l->item].price + 1);
        sbj_kstr(j, "add_on_code", code);
    } else {
        sbj_lit(j, "add_on_id: null, add_on_code: null");
    }
    kid(j, "invoice_id", st, RC_INVOICE, (uint64_t)l->invoice);
    sbj_kstr(j, "invoice_number", number);
    sbj_kstr(j, "origin", lv.origin);
    sbj_kstr(j, "currency", cur->code);
    int64_t tax = l->tax, added = v->tax_inclusive ? 0 : tax;
    rc_money(j, "amount", lv.subtotal - lv.discount + added, cur->exponent);
    sbj_kstr(j, "description", l->description);
    sbj_kint(j, "quantity", lv.quantity);
    rc_money(j, "unit_amount", lv.subtotal / lv.quantity, cur->exponent);
    sbj_kbool(j, "tax_inclusive", v->tax_inclusive);
    rc_money(j, "subtotal", lv.subtotal, cur->exponent);
    rc_money(j, "discount", lv.discount, cur->exponent);
    rc_money(j, "tax", tax, cur->exponent);
    sbj_kbool(j, "taxable", v->tax_pct != 0);
    sbj_key(j, "proration_rate");
    if (lv.prorated && l->item >= 0)
        proration_rate(j, st, l);
    else
        sbj_null(j);
    sbj_kbool(j, "refund", 0);
    sbj_ktime(j, "start_date", l->period_start);
    sbj_ktime(j, "end_date", l->period_end);
    sbj_ktime(j, "created_at", v->created);
    sbj_ktime(j, "updated_at", v->created);
    sbj_obj_end(j);
}

static void render_invoice(sb_json *j, const rc_state *st, const rc_entry *e)
{
    const sb_world *w = st->w;
    const w_invoice *v = &w->invoices[e->index];
    const w_currency *cur = &w_currencies[v->ccy];
    int state = st->invoice_state[e->index];
    sbj_obj_begin(j);
    kid(j, "id", st, RC_INVOICE, e->index);
    uuid(j, st, e);
    sbj_kstr(j, "object", "invoice");
    sbj_kstr(j, "type", "charge");
    sbj_kstr(j, "origin", v->reason == W_REASON_CYCLE ? "renewal" : "purchase");
    sbj_kstr(j, "state", rc_invoice_state_names[state]);
    account_mini(j, st, v->customer);
    sbj_knull(j, "billing_info_id");
    sbj_karr(j, "subscription_ids");
    if (v->sub >= 0) {
        char id[SB_ID_MAX];
        rc_id(st, RC_SUB, (uint64_t)v->sub, id);
        sbj_str(j, id);
    }
    sbj_arr_end(j);
    sbj_knull(j, "previous_invoice_id");
    char number[24];
    snprintf(number, sizeof number, "%d", 1001 + (int)e->index);
    sbj_kstr(j, "number", number);
    sbj_kstr(j, "collection_method", v->send ? "manual" : "automatic");
    sbj_lit(j, "po_number: null");
    sbj_kint(j, "net_terms", v->send ? 30 : 0);
    sbj_kstr(j, "currency", cur->code);
    rc_money(j, "discount", v->discount, cur->exponent);
    rc_money(j, "subtotal", v->subtotal, cur->exponent);
    rc_money(j, "tax", v->tax, cur->exponent);
    rc_money(j, "total", v->total, cur->exponent);
    rc_money(j, "paid", v->amount_paid, cur->exponent);
    rc_money(j, "balance", state == RC_INV_VOIDED ? 0 : v->total - v->amount_paid, cur->exponent);
    sbj_karr(j, "line_items");
    for (uint32_t k = 0; k < v->n_lines && (long long)k < st->embedded_lines; k++)
        rc_render_line(j, st, v->first_line + k);
    sbj_arr_end(j);
    sbj_kbool(j, "has_more_line_items", (long long)v->n_lines > st->embedded_lines);
    sbj_lit(j, "transactions: [], credit_payments: []");
    sbj_ktime(j, "created_at", v->created);
    sbj_ktime(j, "updated_at", e->updated);
    sbj_ktime(j, "due_at", v->due_date);
    sbj_ktime(j, "closed_at", rc_invoice_closed_at(st, e->index));
    sbj_obj_end(j);
}

void rc_render(sb_json *j, const rc_state *st, const rc_entry *e)
{
    switch (e->kind) {
    case RC_ACCOUNT: render_account(j, st, e); break;
    case RC_PLAN: render_plan(j, st, e); break;
    case RC_SUB: render_subscription(j, st, e); break;
    case RC_INVOICE: render_invoice(j, st, e); break;
    default: render_transaction(j, st, e);
    }
}
