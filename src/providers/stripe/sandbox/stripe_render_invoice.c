/* Invoices and their line items, in the 2025-03-31.basil shape (parents, pricing,
 * total_taxes) and the one before it (line type, price, proration, subscription,
 * total_tax_amounts, invoice.subscription and .charge). */
#include <stdio.h>
#include <string.h>

#include "stripe_faults.h"
#include "stripe_render.h"

/* A line's discount: the subscription's coupon, or its plan's introductory price. */
static long long discount_of(const st_state *st, const w_line *l)
{
    int sub = st->w->invoices[l->invoice].sub;
    if (!l->discount_kind || sub < 0)
        return -1;
    return l->discount_kind == W_DISCOUNT_COUPON ? sub : (long long)st->w->n_subs + sub;
}

static long long tax_rate_of(const w_invoice *v)
{
    return v->tax_pct ? v->tax_pct * 2 + v->tax_inclusive : -1;
}

static void discount_amount(sb_json *j, const st_state *st, int64_t amount, long long discount)
{
    sbj_obj_begin(j);
    sbj_kint(j, "amount", amount);
    st_kid(j, "discount", st, ST_DISCOUNT, discount);
    sbj_obj_end(j);
}

/* One tax entry: basil's total_taxes/taxes shape, or the older tax_amounts one. */
static void tax_entry(sb_json *j, const st_state *st, const w_invoice *v, int64_t amount, int64_t base,
                      const st_shape *sh)
{
    int64_t taxable = v->tax_inclusive ? base - amount : base;
    sbj_obj_begin(j);
    sbj_kint(j, "amount", amount);
    if (sh->basil) {
        sbj_kstr(j, "tax_behavior", v->tax_inclusive ? "inclusive" : "exclusive");
        sbj_kobj(j, "tax_rate_details");
        st_kid(j, "tax_rate", st, ST_TAX_RATE, tax_rate_of(v));
        sbj_obj_end(j);
        sbj_lit(j, "taxability_reason: 'standard_rated'");
        sbj_kint(j, "taxable_amount", taxable);
        sbj_lit(j, "type: 'tax_rate_details'");
    } else {
        sbj_kbool(j, "inclusive", v->tax_inclusive);
        st_kid(j, "tax_rate", st, ST_TAX_RATE, tax_rate_of(v));
        sbj_lit(j, "taxability_reason: 'standard_rated'");
        sbj_kint(j, "taxable_amount", taxable);
    }
    sbj_obj_end(j);
}

void st_render_line(sb_json *j, const st_state *st, size_t i, const st_shape *sh)
{
    const w_line *l = &st->w->lines[i];
    const w_invoice *v = &st->w->invoices[l->invoice];
    const w_price *p = l->price >= 0 ? &st->w->prices[l->price] : NULL;
    int proration = l->kind == W_LINE_PRORATION, from_item = l->kind != W_LINE_SUBSCRIPTION;
    long long disc = discount_of(st, l);
    sbj_obj_begin(j);
    st_kid(j, "id", st, ST_LINE, (long long)i);
    sbj_kstr(j, "object", "line_item");
    sbj_kint(j, "amount", l->amount);
    if (!sh->basil)
        sbj_kint(j, "amount_excluding_tax", l->amount - (v->tax_inclusive ? l->tax : 0));
    sbj_kstr(j, "currency", st_ccy(v->ccy));
    sbj_kstr(j, "description", l->description);
    sbj_karr(j, "discount_amounts");
    if (disc >= 0)
        discount_amount(j, st, l->discount, disc);
    sbj_arr_end(j);
    sbj_kbool(j, "discountable", !proration);
    sbj_karr(j, "discounts");
    if (disc >= 0 && l->discount_kind == W_DISCOUNT_INTRO)
        st_vid(j, st, ST_DISCOUNT, disc); /* the intro price is the line's own discount */
    sbj_arr_end(j);
    st_kid(j, "invoice", st, ST_INVOICE, l->invoice);
    if (!sh->basil)
        st_kid(j, "invoice_item", st, ST_INVOICEITEM, from_item ? (long long)i : -1);
    sbj_lit(j, "livemode: false, metadata: {}");
    if (sh->basil) {
        sbj_kobj(j, "parent");
        if (l->kind == W_LINE_ONE_OFF) {
            sbj_kobj(j, "invoice_item_details");
            st_kid(j, "invoice_item", st, ST_INVOICEITEM, (long long)i);
            sbj_lit(j, "proration: false, proration_details: {credited_items: null}");
            st_kid(j, "subscription", st, ST_SUB, v->sub);
            sbj_obj_end(j);
            sbj_lit(j, "subscription_item_details: null, type: 'invoice_item_details'");
        } else {
            sbj_lit(j, "invoice_item_details: null");
            sbj_kobj(j, "subscription_item_details");
            st_kid(j, "invoice_item", st, ST_INVOICEITEM, proration ? (long long)i : -1);
            sbj_kbool(j, "proration", proration);
            sbj_lit(j, "proration_details: {credited_items: null}");
            st_kid(j, "subscription", st, ST_SUB, v->sub);
            st_kid(j, "subscription_item", st, ST_ITEM, l->item);
            sbj_obj_end(j);
            sbj_lit(j, "type: 'subscription_item_details'");
        }
        sbj_obj_end(j);
    }
    sbj_kobj(j, "period");
    sbj_kint(j, "end", l->period_end);
    sbj_kint(j, "start", l->period_start);
    sbj_obj_end(j);
    if (!sh->basil) {
        sbj_key(j, "plan");
        if (p && p->recurring)
            st_render_plan(j, st, (size_t)l->price, sh);
        else
            sbj_null(j);
        sbj_key(j, "price");
        if (p)
            st_render_price(j, st, (size_t)l->price, sh, 0);
        else
            sbj_null(j);
        sbj_kbool(j, "proration", proration);
        sbj_lit(j, "proration_details: {credited_items: null}");
    } else {
        sbj_lit(j, "pretax_credit_amounts: []");
        sbj_kobj(j, "pricing");
        sbj_kobj(j, "price_details");
        st_kid(j, "price", st, ST_PRICE, l->price);
        st_kid(j, "product", st, ST_PRODUCT, p ? p->product : -1);
        sbj_obj_end(j);
        sbj_lit(j, "type: 'price_details'");
        sbj_kstr(j, "unit_amount_decimal", p ? p->decimal : NULL);
        sbj_obj_end(j);
    }
    sbj_kintn(j, "quantity", l->quantity >= 0, l->quantity);
    if (!sh->basil) {
        st_kid(j, "subscription", st, ST_SUB, v->sub);
        st_kid(j, "subscription_item", st, ST_ITEM, l->item);
    }
    sbj_key(j, sh->basil ? "taxes" : "tax_amounts");
    sbj_arr_begin(j);
    if (v->tax_pct)
        tax_entry(j, st, v, l->tax, l->amount - l->discount, sh);
    sbj_arr_end(j);
    if (!sh->basil) {
        sbj_lit(j, "tax_rates: []");
        sbj_kstr(j, "type", from_item ? "invoiceitem" : "subscription");
        sbj_kstr(j, "unit_amount_excluding_tax", p ? p->decimal : NULL);
    }
    sbj_obj_end(j);
}

static void embedded_line(sb_json *j, const st_state *st, size_t i, const st_shape *sh)
{
    st_render_line(j, st, i, sh);
}

/* The invoice's payments, expanded (`payments` is includable): its first ten visible ones,
 * newest first, the order of GET /v1/invoice_payments?invoice=ID, where the rest are read
 * with starting_after. */
static void embedded_payments(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int inserted)
{
    sbj_kobj(j, "payments");
    sbj_kstr(j, "object", "list");
    sbj_karr(j, "data");
    size_t shown = 0;
    int more = 0;
    for (uint32_t k = st->inv_pay_first[i]; k < st->inv_pay_first[i + 1] && !more; k++) {
        uint32_t inpay = st->inv_pays[k];
        if (st_hidden(st, ST_INPAY, inpay, inserted))
            continue;
        if (shown == ST_EMBED_LIMIT) {
            more = 1;
        } else {
            st_render_inpay(j, st, inpay, sh, 0);
            shown++;
        }
    }
    sbj_arr_end(j);
    sbj_kbool(j, "has_more", more);
    sbj_kstr(j, "url", "/v1/invoice_payments");
    sbj_obj_end(j);
}

void st_render_invoice(sb_json *j, const st_state *st, size_t i, const st_shape *sh, int expand)
{
    const w_invoice *v = &st->w->invoices[i];
    const w_customer *cu = &st->w->customers[v->customer];
    int draft = v->status == W_INV_DRAFT, paid = v->status == W_INV_PAID;
    int64_t remaining = v->status == W_INV_VOID || paid ? 0 : v->total - v->amount_paid;
    char id[SB_ID_MAX], buf[160];
    st_id(st, ST_INVOICE, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    sbj_kstr(j, "object", "invoice");
    sbj_lit(j, "account_country: 'US', account_name: 'Billtap Sandbox', account_tax_ids: null");
    sbj_kint(j, "amount_due", v->total);
    sbj_kint(j, "amount_paid", v->amount_paid);
    sbj_kint(j, "amount_remaining", remaining);
    sbj_lit(j, "amount_shipping: 0, application: null");
    if (!sh->basil)
        sbj_lit(j, "application_fee_amount: null");
    sbj_kint(j, "attempt_count", v->attempts);
    sbj_kbool(j, "attempted", v->attempts > 0);
    sbj_kbool(j, "auto_advance", draft);
    sbj_lit(j, "automatic_tax: {disabled_reason: null, enabled: false, liability: null, status: null}");
    static const char *const reasons[3] = {"subscription_create", "subscription_cycle", "manual"};
    sbj_kstr(j, "billing_reason", reasons[v->reason]);
    if (!sh->basil)
        st_kid(j, "charge", st, ST_CHARGE, v->payment);
    sbj_kstr(j, "collection_method", v->send ? "send_invoice" : "charge_automatically");
    sbj_kint(j, "created", v->created);
    sbj_kstr(j, "currency", st_ccy(v->ccy));
    sbj_lit(j, "custom_fields: null");
    sbj_key(j, "customer");
    st_render_customer_ref(j, st, v->customer, expand & ST_INV_CUSTOMER);
    if (cu->has_address) {
        sbj_kobj(j, "customer_address");
        sbj_kstr(j, "city", cu->city);
        sbj_kstr(j, "country", cu->country);
        sbj_kstr(j, "line1", cu->line1);
        sbj_kstr(j, "line2", cu->line2);
        sbj_kstr(j, "postal_code", cu->postal);
        sbj_kstr(j, "state", cu->state);
        sbj_obj_end(j);
    } else {
        sbj_lit(j, "customer_address: null");
    }
    sbj_kstr(j, "customer_email", cu->email);
    sbj_kstr(j, "customer_name", cu->name_on_file ? cu->display : NULL);
    sbj_kstr(j, "customer_phone", cu->phone);
    static const char *const exempt[3] = {"none", "exempt", "reverse"};
    sbj_lit(j, "customer_shipping: null");
    sbj_kstr(j, "customer_tax_exempt", exempt[cu->tax_exempt]);
    sbj_lit(j, "customer_tax_ids: [], default_payment_method: null, default_source: null, "
               "default_tax_rates: [], description: null");
    if (!sh->basil)
        sbj_lit(j, "discount: null");
    /* total_discount_amounts: each distinct discount its lines carry, with their sums (the
     * lines' own intro prices too); `discounts`: the invoice-level ones (the coupon) only */
    long long ids[2] = {-1, -1};
    int64_t sums[2] = {0, 0};
    int coupon[2] = {0, 0};
    for (uint32_t k = 0; k < v->n_lines; k++) {
        const w_line *l = &st->w->lines[v->first_line + k];
        long long d = discount_of(st, l);
        int slot = d < 0 ? -1 : ids[0] == d || ids[0] < 0 ? 0 : 1;
        if (slot >= 0) {
            ids[slot] = d;
            sums[slot] += l->discount;
            coupon[slot] = l->discount_kind == W_DISCOUNT_COUPON;
        }
    }
    sbj_karr(j, "discounts");
    for (int s = 0; s < 2; s++)
        if (ids[s] >= 0 && coupon[s])
            st_vid(j, st, ST_DISCOUNT, ids[s]);
    sbj_arr_end(j);
    sbj_kts(j, "due_date", v->due_date);
    sbj_kts(j, "effective_at", v->finalized_at);
    sbj_kintn(j, "ending_balance", !draft, 0);
    sbj_lit(j, "footer: null, from_invoice: null");
    snprintf(buf, sizeof buf, "https://invoice.stripe.com/i/acct_1%s%s/test_%s", st->account, st->account, id + 3);
    sbj_kstr(j, "hosted_invoice_url", draft ? NULL : buf);
    strcat(buf, "/pdf");
    sbj_kstr(j, "invoice_pdf", draft ? NULL : buf);
    sbj_lit(j, "issuer: {type: 'self'}, last_finalization_error: null, latest_revision: null");
    snprintf(buf, sizeof buf, "/v1/invoices/%s/lines", id);
    st_render_embedded(j, "lines", v->n_lines, buf, st, sh, v->first_line, embedded_line);
    sbj_lit(j, "livemode: false, metadata: {}, next_payment_attempt: null");
    if (v->number) {
        char prefix[9];
        st_invoice_prefix(st, (size_t)v->customer, prefix);
        snprintf(buf, sizeof buf, "%s-%04d", prefix, v->number);
        sbj_kstr(j, "number", buf);
    } else {
        sbj_lit(j, "number: null");
    }
    sbj_lit(j, "on_behalf_of: null");
    if (!sh->basil) {
        sbj_kbool(j, "paid", paid);
        sbj_lit(j, "paid_out_of_band: false");
    } else if (v->sub >= 0) {
        sbj_kobj(j, "parent");
        sbj_lit(j, "quote_details: null");
        sbj_kobj(j, "subscription_details");
        sbj_lit(j, "metadata: {}");
        st_kid(j, "subscription", st, ST_SUB, v->sub);
        sbj_obj_end(j);
        sbj_lit(j, "type: 'subscription_details'");
        sbj_obj_end(j);
    } else {
        sbj_lit(j, "parent: null");
    }
    if (!sh->basil)
        st_kid(j, "payment_intent", st, ST_PI, v->payment);
    sbj_lit(j, "payment_settings: {default_mandate: null, payment_method_options: null, "
               "payment_method_types: null}");
    if (sh->basil && (expand & ST_INV_PAYMENTS))
        embedded_payments(j, st, i, sh, expand & ST_INV_INSERTED);
    sbj_kint(j, "period_end", v->period_end);
    sbj_kint(j, "period_start", v->period_start);
    sbj_lit(j, "post_payment_credit_notes_amount: 0, pre_payment_credit_notes_amount: 0");
    if (!sh->basil)
        sbj_lit(j, "quote: null");
    sbj_lit(j, "receipt_number: null, shipping_cost: null, shipping_details: null, starting_balance: 0, "
               "statement_descriptor: null");
    sbj_kstr(j, "status", w_invoice_status_names[v->status]);
    sbj_kobj(j, "status_transitions");
    sbj_kts(j, "finalized_at", v->finalized_at);
    sbj_kts(j, "marked_uncollectible_at", v->uncollectible_at);
    sbj_kts(j, "paid_at", v->paid_at);
    sbj_kts(j, "voided_at", v->voided_at);
    sbj_obj_end(j);
    if (!sh->basil) {
        st_kid(j, "subscription", st, ST_SUB, v->sub);
        if (v->sub >= 0)
            sbj_lit(j, "subscription_details: {metadata: {}}");
        else
            sbj_lit(j, "subscription_details: null");
    }
    /* Stripe's subtotal: after the lines' own discounts, before the invoice's and before
     * added tax (included tax is in it: subtotal_excluding_tax takes it out) */
    sbj_kint(j, "subtotal", v->subtotal);
    sbj_kint(j, "subtotal_excluding_tax", v->subtotal - (v->tax_inclusive ? v->tax : 0));
    sbj_lit(j, "test_clock: null");
    sbj_kint(j, "total", v->total);
    sbj_karr(j, "total_discount_amounts");
    for (int s = 0; s < 2; s++)
        if (ids[s] >= 0)
            discount_amount(j, st, sums[s], ids[s]);
    sbj_arr_end(j);
    sbj_kint(j, "total_excluding_tax", v->total - v->tax);
    if (sh->basil)
        sbj_lit(j, "total_pretax_credit_amounts: []");
    sbj_key(j, sh->basil ? "total_taxes" : "total_tax_amounts");
    sbj_arr_begin(j);
    if (v->tax_pct)
        tax_entry(j, st, v, v->tax, v->subtotal - v->discount, sh);
    sbj_arr_end(j);
    if (!sh->basil)
        sbj_lit(j, "transfer_data: null");
    sbj_kint(j, "webhooks_delivered_at", v->created);
    sbj_obj_end(j);
}
