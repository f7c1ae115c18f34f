/* The world as Chargebee shows it: ids, each subscription's Chargebee status and term,
 * and the objects of its lists (product catalog 2.0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee_model.h"

static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void cb_id(const cb_state *st, int kind, uint64_t n, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->styles[kind], st->w->seed, (unsigned)kind, n);
}

long cb_find(const cb_state *st, int kind, const char *id, size_t count)
{
    long long n = sb_id_number(id, &st->styles[kind], st->w->seed, (unsigned)kind);
    return n >= 0 && (size_t)n < count ? (long)n : -1;
}

/* Item prices are named by the merchant: "<item>-<CURRENCY>-<frequency>"; the number,
 * zero-padded, keeps byte order and the prices' order the same. */
void cb_item_price_id(const cb_state *st, int price, char out[64])
{
    const w_price *p = &st->w->prices[price];
    if (p->recurring)
        snprintf(out, 64, "price%07d-%s-every-%d-%s", price, w_currencies[p->ccy].code, p->interval_count,
                 w_interval_names[p->interval]);
    else
        snprintf(out, 64, "price%07d-%s", price, w_currencies[p->ccy].code);
}

size_t cb_count(const cb_state *st, int kind)
{
    return kind == CB_CUSTOMER  ? st->w->n_customers
           : kind == CB_SUB     ? st->w->n_subs
           : kind == CB_INVOICE ? st->w->n_invoices
           : kind == CB_TXN     ? st->n_txns
                                : st->w->n_prices;
}

int64_t cb_created(const cb_state *st, int kind, size_t i)
{
    return kind == CB_CUSTOMER  ? st->w->customers[i].created
           : kind == CB_SUB     ? st->w->subs[i].created
           : kind == CB_INVOICE ? st->w->invoices[i].created
           : kind == CB_TXN     ? st->txns[i].date
                                : st->w->prices[i].created;
}

/* Deleting a customer deletes its subscriptions: a change of theirs too. */
static int64_t sub_updated(const sb_world *w, size_t i)
{
    int64_t deleted = w->customers[w->subs[i].customer].deleted_at;
    return deleted > w->subs[i].updated ? deleted : w->subs[i].updated;
}

int64_t cb_updated(const cb_state *st, int kind, size_t i)
{
    return kind == CB_CUSTOMER  ? st->w->customers[i].updated
           : kind == CB_SUB     ? sub_updated(st->w, i)
           : kind == CB_INVOICE ? st->w->invoices[i].updated
           : kind == CB_TXN     ? st->txns[i].updated
                                : st->w->prices[i].updated;
}

/* Deleting a customer deletes its subscriptions with it. */
int cb_deleted(const cb_state *st, int kind, size_t i)
{
    if (kind == CB_CUSTOMER)
        return st->w->customers[i].deleted_at != 0;
    if (kind == CB_SUB)
        return !st->subs[i].listed;
    if (kind == CB_INVOICE) /* a draft deleted */
        return st->w->invoices[i].deleted_at != 0;
    return 0; /* prices are archived, never deleted */
}

int cb_hidden(const cb_state *st, int kind, size_t i, int visible)
{
    /* insert@N:K creates customers and what follows them, never prices */
    return st->inserting && !visible && kind != CB_ITEM_PRICE && cb_created(st, kind, i) >= st->insert_since;
}

typedef struct by_time {
    int64_t t;
    uint32_t i;
} by_time;

static int by_time_cmp(const void *a, const void *b)
{
    const by_time *x = a, *y = b;
    return x->t < y->t ? -1 : x->t > y->t ? 1 : x->i < y->i ? -1 : x->i > y->i;
}

static void view_sub(const cb_state *st, size_t i, const int *due, cb_sub_view *v)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const w_item *first = &w->items[s->first_item];
    memset(v, 0, sizeof *v);
    v->listed = !w->customers[s->customer].deleted_at;
    v->due_invoices = due[i];
    v->term_start = first->period_start;
    v->term_end = first->period_end;
    switch (s->status) {
    case W_SUB_TRIALING:
        v->status = "in_trial";
        break;
    case W_SUB_PAUSED:
        v->status = "paused";
        break;
    case W_SUB_CANCELED:
    case W_SUB_INCOMPLETE_EXPIRED:
        v->status = "cancelled";
        v->cancelled_at = s->ended_at ? s->ended_at : s->canceled_at;
        v->term_start = v->term_end = 0; /* a cancelled subscription has no current term */
        break;
    default: /* active, past_due, unpaid, incomplete: Chargebee keeps them active */
        if (s->cancel_at_period_end || s->cancel_at) {
            v->status = "non_renewing";
            v->cancelled_at = s->cancel_at ? s->cancel_at : v->term_end;
            v->cancel_requested = s->canceled_at;
        } else {
            v->status = "active";
        }
    }
}

/* A payment's transaction changes with it and whenever one of its refunds changes or a
 * chargeback comes: it lists them (linked_refunds). */
static int64_t payment_updated(const sb_world *w, size_t i)
{
    const w_payment *p = &w->payments[i];
    int64_t t = p->updated;
    for (uint32_t k = 0; k < p->n_refunds; k++) {
        int64_t r = w->refunds[w->payment_refunds[p->first_refund + k]].updated;
        t = r > t ? r : t;
    }
    if (p->dispute == W_DISPUTE_CHARGEBACK && p->disputed_at > t)
        t = p->disputed_at;
    return t;
}

void cb_project(cb_state *st)
{
    const sb_world *w = st->w;
    static const char *const leads = "ABCDE"; /* item prices, invoices, transactions have their own */
    for (int k = 0; k < CB_NKINDS; k++)
        st->styles[k] = (sb_id_style){"", alnum, 16, 5, leads[k], NULL, 0};
    static const char *const txn_leads = "PRC";
    for (int k = 0; k < 3; k++)
        st->txn_styles[k] = (sb_id_style){"txn_", alnum, 16, 5, txn_leads[k], NULL, 0};
    /* transactions: every payment, every refund, every chargeback */
    size_t chargebacks = 0;
    for (size_t i = 0; i < w->n_payments; i++)
        chargebacks += w->payments[i].dispute == W_DISPUTE_CHARGEBACK;
    st->n_txns = w->n_payments + w->n_refunds + chargebacks;
    st->txns = sb_xcalloc(st->n_txns ? st->n_txns : 1, sizeof *st->txns);
    size_t t = 0;
    for (size_t i = 0; i < w->n_payments; i++)
        st->txns[t++] = (cb_txn){CB_TXN_PAYMENT, (uint32_t)i, w->payments[i].created, payment_updated(w, i)};
    for (size_t i = 0; i < w->n_refunds; i++)
        st->txns[t++] = (cb_txn){CB_TXN_REFUND, (uint32_t)i, w->refunds[i].created, w->refunds[i].updated};
    for (size_t i = 0; i < w->n_payments; i++)
        if (w->payments[i].dispute == W_DISPUTE_CHARGEBACK)
            st->txns[t++] = (cb_txn){CB_TXN_CHARGEBACK, (uint32_t)i, w->payments[i].disputed_at,
                                     w->payments[i].disputed_at};
    /* invoices whose latest collection attempt failed and that are still unpaid */
    int *due = sb_xcalloc(w->n_subs ? w->n_subs : 1, sizeof *due);
    for (size_t i = 0; i < w->n_invoices; i++) {
        const w_invoice *v = &w->invoices[i];
        if (v->sub >= 0 && (v->status == W_INV_OPEN || v->status == W_INV_UNCOLLECTIBLE) && v->payment >= 0 &&
            w->payments[v->payment].status == W_PAY_FAILED)
            due[v->sub]++;
    }
    st->subs = sb_xcalloc(w->n_subs ? w->n_subs : 1, sizeof *st->subs);
    for (size_t i = 0; i < w->n_subs; i++)
        view_sub(st, i, due, &st->subs[i]);
    free(due);
    for (int k = 0; k < CB_NKINDS; k++) {
        size_t n = cb_count(st, k);
        by_time *tm = sb_xcalloc(n ? n : 1, sizeof *tm);
        for (size_t i = 0; i < n; i++)
            tm[i] = (by_time){cb_updated(st, k, i), (uint32_t)i};
        qsort(tm, n, sizeof *tm, by_time_cmp);
        st->by_updated[k] = sb_xcalloc(n ? n : 1, sizeof(uint32_t));
        for (size_t i = 0; i < n; i++)
            st->by_updated[k][i] = tm[i].i;
        if (k == CB_TXN) { /* the others are numbered in creation order already */
            for (size_t i = 0; i < n; i++)
                tm[i] = (by_time){cb_created(st, k, i), (uint32_t)i};
            qsort(tm, n, sizeof *tm, by_time_cmp);
            st->by_created[k] = sb_xcalloc(n ? n : 1, sizeof(uint32_t));
            for (size_t i = 0; i < n; i++)
                st->by_created[k][i] = tm[i].i;
        }
        free(tm);
    }
}

void cb_project_free(cb_state *st)
{
    free(st->subs);
    free(st->txns);
    for (int k = 0; k < CB_NKINDS; k++) {
        free(st->by_updated[k]);
        free(st->by_created[k]);
    }
}

static void kts(sb_json *j, const char *key, int64_t t)
{
    if (t)
        sbj_kint(j, key, t);
}

void cb_render_customer(const cb_state *st, size_t i, sb_json *j)
{
    const w_customer *c = &st->w->customers[i];
    char id[SB_ID_MAX];
    cb_id(st, CB_CUSTOMER, i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    if (c->name_on_file) {
        if (c->given)
            sbj_kstr(j, "first_name", c->given);
        if (c->family)
            sbj_kstr(j, "last_name", c->family);
        if (c->business)
            sbj_kstr(j, "company", c->business);
    }
    if (c->email)
        sbj_kstr(j, "email", c->email);
    if (c->phone)
        sbj_kstr(j, "phone", c->phone);
    sbj_kstr(j, "auto_collection", "on");
    sbj_kint(j, "net_term_days", 0);
    sbj_kbool(j, "allow_direct_debit", c->bank);
    sbj_kint(j, "created_at", c->created);
    sbj_kstr(j, "taxability", c->tax_exempt ? "exempt" : "taxable");
    sbj_kint(j, "updated_at", c->updated);
    sbj_kint(j, "resource_version", c->updated * 1000);
    sbj_kbool(j, "deleted", c->deleted_at != 0);
    sbj_kstr(j, "object", "customer");
    if (c->has_address) {
        sbj_kobj(j, "billing_address");
        if (c->line1)
            sbj_kstr(j, "line1", c->line1);
        if (c->line2)
            sbj_kstr(j, "line2", c->line2);
        if (c->city)
            sbj_kstr(j, "city", c->city);
        if (c->state)
            sbj_kstr(j, "state", c->state);
        if (c->country)
            sbj_kstr(j, "country", c->country);
        if (c->postal)
            sbj_kstr(j, "zip", c->postal);
        sbj_lit(j, "validation_status: 'not_validated', object: 'billing_address'");
        sbj_obj_end(j);
    }
    sbj_kstr(j, "card_status", c->bank ? "no_card" : "valid");
    sbj_lit(j, "promotional_credits: 0, refundable_credits: 0, excess_payments: 0, unbilled_charges: 0");
    sbj_kstr(j, "preferred_currency_code", w_currencies[c->ccy].code);
    sbj_obj_end(j);
}

static void render_item(const cb_state *st, const w_item *it, int plan, sb_json *j)
{
    const w_price *p = &st->w->prices[it->price];
    char ip[64];
    cb_item_price_id(st, it->price, ip);
    sbj_obj_begin(j);
    sbj_kstr(j, "item_price_id", ip);
    sbj_kstr(j, "item_type", plan ? "plan" : "addon");
    if (it->quantity >= 0)
        sbj_kint(j, "quantity", it->quantity);
    /* tiered and sub-cent prices have no unit price in minor units */
    if (p->unit_amount >= 0) {
        sbj_kint(j, "unit_price", p->unit_amount);
        if (it->quantity >= 0)
            sbj_kint(j, "amount", p->unit_amount * it->quantity);
    }
    sbj_kint(j, "free_quantity", 0);
    sbj_kstr(j, "object", "subscription_item");
    sbj_obj_end(j);
}

void cb_render_subscription(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const cb_sub_view *v = &st->subs[i];
    const w_price *plan = &w->prices[w->items[s->first_item].price];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    cb_id(st, CB_SUB, i, id);
    sbj_kstr(j, "id", id);
    cb_id(st, CB_CUSTOMER, (uint64_t)s->customer, id);
    sbj_kstr(j, "customer_id", id);
    sbj_kstr(j, "currency_code", w_currencies[s->ccy].code);
    if (plan->recurring) {
        sbj_kint(j, "billing_period", plan->interval_count);
        sbj_kstr(j, "billing_period_unit", w_interval_names[plan->interval]);
    }
    sbj_kstr(j, "status", v->status);
    kts(j, "trial_start", s->trial_start);
    kts(j, "trial_end", s->trial_end);
    kts(j, "current_term_start", v->term_start);
    kts(j, "current_term_end", v->term_end);
    if (strcmp(v->status, "cancelled") != 0 && strcmp(v->status, "non_renewing") != 0)
        kts(j, "next_billing_at", v->term_end);
    sbj_kint(j, "created_at", s->created);
    kts(j, "started_at", s->start_date);
    kts(j, "activated_at", s->status == W_SUB_TRIALING ? 0 : s->start_date);
    kts(j, "cancelled_at", v->cancelled_at);
    kts(j, "cancel_schedule_created_at", v->cancel_requested);
    sbj_kint(j, "updated_at", cb_updated(st, CB_SUB, i));
    sbj_kbool(j, "has_scheduled_changes", 0);
    sbj_kint(j, "resource_version", cb_updated(st, CB_SUB, i) * 1000);
    sbj_kbool(j, "deleted", !v->listed);
    sbj_kstr(j, "object", "subscription");
    sbj_kint(j, "due_invoices_count", v->due_invoices);
    sbj_karr(j, "subscription_items");
    for (uint32_t k = 0; k < s->n_items; k++)
        render_item(st, &w->items[s->first_item + k], k == 0, j);
    sbj_arr_end(j);
    sbj_obj_end(j);
}

/* Not offered: archived, a draft nobody could buy, or its item (product) deleted. */
int cb_price_archived(const cb_state *st, size_t i)
{
    const w_price *p = &st->w->prices[i];
    return p->archived_at || p->draft || st->w->products[p->product].deleted;
}

/* The leading free phases: days and weeks in days, months and years in months (Chargebee's
 * two trial units); a second phase of the other kind is not counted. */
int cb_price_trial(const w_price *p, const char **unit)
{
    int n = 0, months = p->n_phases > 0 && p->phases[0].unit >= W_MONTHS;
    for (int k = 0; k < p->n_phases && p->phases[k].price == 0 && (p->phases[k].unit >= W_MONTHS) == months; k++) {
        static const int scale[] = {[W_DAYS] = 1, [W_WEEKS] = 7, [W_MONTHS] = 1, [W_YEARS] = 12};
        n += p->phases[k].count * p->phases[k].total * scale[p->phases[k].unit];
    }
    *unit = months ? "month" : "day";
    return n;
}

/* A decimal in minor units ("0.25") in major units of a currency with `exp` decimals
 * ("0.0025"), as Chargebee's *_in_decimal members are. */
static void major_units(const char *minor, int exp, char *out, size_t cap)
{
    char digits[64];
    size_t n = 0, point = 0;
    for (const char *c = minor; *c && n + (size_t)exp + 2 < sizeof digits; c++) {
        if (*c == '.')
            point = n;
        else
            digits[n++] = *c;
    }
    if (!strchr(minor, '.'))
        point = n;
    /* the point moves exp places left: zeros in front while it would pass the first digit */
    while (point < (size_t)exp + 1) {
        memmove(digits + 1, digits, n++);
        digits[0] = '0';
        point++;
    }
    point -= (size_t)exp;
    while (n > point && digits[n - 1] == '0')
        n--;
    snprintf(out, cap, "%.*s%s%.*s", (int)point, digits, n > point ? "." : "", (int)(n - point), digits + point);
}

void cb_render_item_price(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_price *p = &w->prices[i];
    const w_product *pr = &w->products[p->product];
    char id[64], text[160];
    const char *trial_unit;
    int trial = cb_price_trial(p, &trial_unit);
    cb_item_price_id(st, (int)i, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "id", id);
    /* names are unique on a site: the product's name and the price's id */
    snprintf(text, sizeof text, "%s %s", pr->name, id);
    sbj_kstr(j, "name", p->nickname ? p->nickname : text);
    snprintf(text, sizeof text, "product-%d", p->product);
    sbj_kstr(j, "item_id", text);
    sbj_kstr(j, "status", cb_price_archived(st, i) ? "archived" : "active");
    sbj_kstr(j, "external_name", p->nickname ? p->nickname : pr->name);
    if (p->tiered) {
        sbj_kstr(j, "pricing_model", "tiered");
        sbj_karr(j, "tiers");
        sbj_obj_begin(j);
        sbj_lit(j, "starting_unit: 1");
        sbj_kint(j, "ending_unit", p->tier_upto);
        sbj_kint(j, "price", p->tier1);
        sbj_kstr(j, "object", "tier");
        sbj_obj_end(j);
        sbj_obj_begin(j);
        sbj_kint(j, "starting_unit", p->tier_upto + 1);
        sbj_kint(j, "price", p->tier2);
        sbj_kstr(j, "object", "tier");
        sbj_obj_end(j);
        sbj_arr_end(j);
    } else {
        sbj_kstr(j, "pricing_model", p->quantity_ok || p->metered ? "per_unit" : "flat_fee");
        if (p->unit_amount >= 0) {
            sbj_kint(j, "price", p->unit_amount);
        } else { /* below one minor unit: multi-decimal pricing, in major units */
            major_units(p->decimal, w_currencies[p->ccy].exponent, text, sizeof text);
            sbj_kstr(j, "price_in_decimal", text);
        }
    }
    if (p->recurring) {
        sbj_kint(j, "period", p->interval_count);
        sbj_kstr(j, "period_unit", w_interval_names[p->interval]);
        if (trial) {
            sbj_kint(j, "trial_period", trial);
            sbj_kstr(j, "trial_period_unit", trial_unit);
        }
        if (p->total_cycles)
            sbj_kint(j, "billing_cycles", p->total_cycles);
    }
    sbj_kint(j, "free_quantity", 0);
    sbj_kbool(j, "is_taxable", p->tax_pct > 0);
    sbj_kstr(j, "item_type", p->recurring ? "plan" : "charge");
    sbj_kstr(j, "currency_code", w_currencies[p->ccy].code);
    sbj_kint(j, "created_at", p->created);
    sbj_kint(j, "updated_at", p->updated);
    sbj_kint(j, "resource_version", p->updated * 1000);
    sbj_kstr(j, "object", "item_price");
    sbj_obj_end(j);
}

void cb_invoice_id(size_t i, char out[32])
{
    snprintf(out, 32, "INV-%07zu", i); /* sequential numbers: id order is the invoices' order */
}

/* Drafts are pending; an open invoice whose latest collection failed is payment_due, one
 * sent with terms posted; dunning that gave up leaves not_paid. */
const char *cb_invoice_status(const cb_state *st, size_t i)
{
    const sb_world *w = st->w;
    const w_invoice *v = &w->invoices[i];
    switch (v->status) {
    case W_INV_DRAFT: return "pending";
    case W_INV_PAID: return "paid";
    case W_INV_VOID: return "voided";
    case W_INV_UNCOLLECTIBLE: return "not_paid";
    default:
        return v->payment >= 0 && w->payments[v->payment].status == W_PAY_FAILED ? "payment_due" : "posted";
    }
}

const char *cb_line_entity(const cb_state *st, const w_line *l)
{
    const sb_world *w = st->w;
    if (l->price < 0)
        return "adhoc";
    if (!w->prices[l->price].recurring)
        return "charge_item_price";
    if (l->item >= 0 && (uint32_t)l->item == w->subs[w->items[l->item].sub].first_item)
        return "plan_item_price";
    return "addon_item_price";
}

static void render_line(const cb_state *st, const w_invoice *v, uint32_t li, sb_json *j)
{
    const sb_world *w = st->w;
    const w_line *l = &w->lines[li];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    snprintf(id, sizeof id, "li_%07u", li);
    sbj_kstr(j, "id", id);
    if (l->period_start)
        sbj_kint(j, "date_from", l->period_start);
    if (l->period_end)
        sbj_kint(j, "date_to", l->period_end);
    if (l->price >= 0 && w->prices[l->price].unit_amount >= 0)
        sbj_kint(j, "unit_amount", w->prices[l->price].unit_amount);
    if (l->quantity >= 0)
        sbj_kint(j, "quantity", l->quantity);
    sbj_kint(j, "amount", l->amount);
    sbj_kbool(j, "is_taxed", l->tax != 0);
    sbj_kint(j, "tax_amount", l->tax);
    sbj_kint(j, "discount_amount", l->discount);
    sbj_kint(j, "item_level_discount_amount", l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
    sbj_kstr(j, "description", l->description);
    sbj_kstr(j, "entity_type", cb_line_entity(st, l));
    if (l->price >= 0) {
        char ip[64];
        cb_item_price_id(st, l->price, ip);
        sbj_kstr(j, "entity_id", ip);
    }
    if (v->sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)v->sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
    cb_id(st, CB_CUSTOMER, (uint64_t)v->customer, id);
    sbj_kstr(j, "customer_id", id);
    sbj_kstr(j, "object", "line_item");
    sbj_obj_end(j);
}

static void discount(sb_json *j, int64_t amount, const char *type, const char *id)
{
    if (!amount)
        return;
    sbj_obj_begin(j);
    sbj_kint(j, "amount", amount);
    sbj_kstr(j, "description", id);
    sbj_kstr(j, "entity_type", type);
    sbj_kstr(j, "entity_id", id);
    sbj_kstr(j, "object", "discount");
    sbj_obj_end(j);
}

void cb_render_invoice(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const w_invoice *v = &w->invoices[i];
    const char *status = cb_invoice_status(st, i);
    char id[SB_ID_MAX];
    int64_t sub_total = 0, intro = 0, coupon = 0;
    for (uint32_t k = 0; k < v->n_lines; k++) {
        const w_line *l = &w->lines[v->first_line + k];
        sub_total += l->amount;
        intro += l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0;
        coupon += l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
    }
    int due = strcmp(status, "payment_due") == 0 || strcmp(status, "posted") == 0 || strcmp(status, "not_paid") == 0;
    sbj_obj_begin(j);
    cb_invoice_id(i, id);
    sbj_kstr(j, "id", id);
    cb_id(st, CB_CUSTOMER, (uint64_t)v->customer, id);
    sbj_kstr(j, "customer_id", id);
    if (v->sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)v->sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
    sbj_kbool(j, "recurring", v->sub >= 0);
    sbj_kstr(j, "status", status);
    sbj_kstr(j, "price_type", v->tax_inclusive ? "tax_inclusive" : "tax_exclusive");
    sbj_kint(j, "date", v->created);
    kts(j, "due_date", v->due_date);
    sbj_kint(j, "net_term_days", 0);
    sbj_kstr(j, "currency_code", w_currencies[v->ccy].code);
    sbj_kint(j, "total", v->total);
    sbj_kint(j, "amount_paid", v->amount_paid);
    sbj_kint(j, "amount_adjusted", 0);
    sbj_kint(j, "write_off_amount", 0);
    sbj_kint(j, "credits_applied", 0);
    sbj_kint(j, "amount_due", due ? v->total - v->amount_paid : 0);
    kts(j, "paid_at", v->paid_at);
    kts(j, "voided_at", v->voided_at);
    kts(j, "generated_at", v->finalized_at);
    sbj_kint(j, "updated_at", v->updated);
    sbj_kint(j, "resource_version", v->updated * 1000);
    sbj_kbool(j, "deleted", v->deleted_at != 0);
    sbj_kstr(j, "object", "invoice");
    sbj_kint(j, "sub_total", sub_total);
    sbj_kint(j, "tax", v->tax);
    sbj_karr(j, "line_items");
    for (uint32_t k = 0; k < v->n_lines; k++)
        render_line(st, v, v->first_line + k, j);
    sbj_arr_end(j);
    sbj_karr(j, "discounts");
    discount(j, intro, "item_level_coupon", "INTRO");
    discount(j, coupon, "document_level_coupon", "COUPON");
    sbj_arr_end(j);
    sbj_obj_end(j);
}

void cb_txn_id(const cb_state *st, int source, uint32_t index, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->txn_styles[source], st->w->seed, (unsigned)(CB_TXN + source), index);
}

static const char *payment_status(const w_payment *p)
{
    return p->status == W_PAY_SUCCEEDED ? "success" : p->status == W_PAY_PENDING ? "in_progress" : "failure";
}

static const char *refund_status(const w_refund *r)
{
    static const char *const names[] = {[W_RE_SUCCEEDED] = "success", [W_RE_PENDING] = "in_progress",
                                        [W_RE_FAILED] = "failure", [W_RE_CANCELED] = "voided",
                                        [W_RE_REQUIRES_ACTION] = "needs_attention"};
    return names[r->status];
}

static void linked(const cb_state *st, sb_json *j, const char *status, int source, uint32_t index, int64_t date,
                   int64_t amount)
{
    char id[SB_ID_MAX];
    cb_txn_id(st, source, index, id);
    sbj_obj_begin(j);
    sbj_kstr(j, "txn_id", id);
    sbj_kstr(j, "txn_status", status);
    sbj_kint(j, "txn_date", date);
    sbj_kint(j, "txn_amount", amount);
    sbj_obj_end(j);
}

/* The members a payment's transactions share: its customer and subscription. */
static void parties(const cb_state *st, const w_payment *p, int with_sub, sb_json *j)
{
    const sb_world *w = st->w;
    char id[SB_ID_MAX];
    if (p->customer >= 0) {
        cb_id(st, CB_CUSTOMER, (uint64_t)p->customer, id);
        sbj_kstr(j, "customer_id", id);
    }
    if (with_sub && p->invoice >= 0 && w->invoices[p->invoice].sub >= 0) {
        cb_id(st, CB_SUB, (uint64_t)w->invoices[p->invoice].sub, id);
        sbj_kstr(j, "subscription_id", id);
    }
}

void cb_render_transaction(const cb_state *st, size_t i, sb_json *j)
{
    const sb_world *w = st->w;
    const cb_txn *t = &st->txns[i];
    const w_payment *p = &w->payments[t->source == CB_TXN_REFUND ? (uint32_t)w->refunds[t->index].payment : t->index];
    char id[SB_ID_MAX];
    sbj_obj_begin(j);
    cb_txn_id(st, t->source, t->index, id);
    sbj_kstr(j, "id", id);
    parties(st, p, t->source != CB_TXN_CHARGEBACK, j);
    sbj_kstr(j, "payment_method", t->source == CB_TXN_CHARGEBACK ? "chargeback" : p->bank ? "direct_debit" : "card");
    sbj_kstr(j, "currency_code", w_currencies[p->ccy].code);
    sbj_kint(j, "date", t->date);
    if (t->source == CB_TXN_PAYMENT) {
        sbj_kstr(j, "type", p->uncaptured ? "authorization" : "payment");
        sbj_kint(j, "amount", p->amount);
        sbj_kstr(j, "status", payment_status(p));
        if (p->uncaptured)
            sbj_kint(j, "amount_capturable", p->amount);
        if (p->failure)
            sbj_kstr(j, "error_code", p->failure == W_FAIL_FUNDS ? "insufficient_funds" : "card_declined");
        sbj_karr(j, "linked_invoices");
        if (p->invoice >= 0) {
            const w_invoice *v = &w->invoices[p->invoice];
            sbj_obj_begin(j);
            cb_invoice_id((size_t)p->invoice, id);
            sbj_kstr(j, "invoice_id", id);
            sbj_kint(j, "applied_amount", p->amount);
            sbj_kint(j, "applied_at", p->created);
            sbj_kint(j, "invoice_date", v->created);
            sbj_kint(j, "invoice_total", v->total);
            sbj_kstr(j, "invoice_status", cb_invoice_status(st, (size_t)p->invoice));
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sbj_karr(j, "linked_refunds");
        for (uint32_t k = 0; k < p->n_refunds; k++) {
            uint32_t r = w->payment_refunds[p->first_refund + k];
            linked(st, j, refund_status(&w->refunds[r]), CB_TXN_REFUND, r, w->refunds[r].created,
                   w->refunds[r].amount);
        }
        if (p->dispute == W_DISPUTE_CHARGEBACK)
            linked(st, j, "success", CB_TXN_CHARGEBACK, t->index, p->disputed_at, p->amount);
        sbj_arr_end(j);
    } else if (t->source == CB_TXN_REFUND) {
        const w_refund *r = &w->refunds[t->index];
        sbj_kstr(j, "type", "refund");
        sbj_kint(j, "amount", r->amount);
        sbj_kstr(j, "status", refund_status(r));
        cb_txn_id(st, CB_TXN_PAYMENT, (uint32_t)r->payment, id);
        sbj_kstr(j, "refunded_txn_id", id);
    } else {
        sbj_kstr(j, "type", "refund");
        sbj_kint(j, "amount", p->amount);
        sbj_kstr(j, "status", "success");
        cb_txn_id(st, CB_TXN_PAYMENT, t->index, id);
        sbj_kstr(j, "refunded_txn_id", id);
    }
    sbj_kint(j, "updated_at", t->updated);
    sbj_kint(j, "resource_version", t->updated * 1000);
    sbj_kbool(j, "deleted", 0);
    sbj_kstr(j, "object", "transaction");
    sbj_obj_end(j);
}
