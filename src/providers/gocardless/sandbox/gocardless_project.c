/* The GoCardless module's projection (gocardless_model.h) and its rendering of each
 * object in the shapes of the official clients' resource types. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless_model.h"
#include "sandbox_buf.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

/* GoCardless's ids: two letters and 12 upper-case letters and digits ("PM000123ABCDEF"). */
static const char upper_alnum[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char *const prefixes[GC_NLISTS] = {"CU", "MD", "SB", "PM", "RF"};

void gc_id(const gc_state *st, int list, uint64_t n, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->styles[list], st->w->seed, (unsigned)list, n);
}

/* Currencies GoCardless collects that the world uses (it has no JPY, KRW, KWD, ...). */
static int currency_ok(int ccy)
{
    return ccy == W_USD || ccy == W_EUR || ccy == W_GBP || ccy == W_CAD || ccy == W_AUD || ccy == W_SEK;
}

static int customer_shown(const gc_state *st, int c)
{
    return c >= 0 && st->lists[GC_L_CUSTOMERS].pos[c] >= 0;
}

/* A subscription GoCardless can hold: one item at a fixed price per week, month or year. */
int gc_sub_holdable(const gc_state *st, size_t i)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    if (s->customer < 0 || !currency_ok(s->ccy) || s->n_items != 1)
        return 0;
    const w_item *it = &w->items[s->first_item];
    const w_price *p = &w->prices[it->price];
    return p->recurring && p->interval != W_DAYS && !p->metered && !p->tiered && p->unit_amount >= 0 &&
           it->quantity >= 1;
}

/* Listed unless its customer was removed: "subscriptions related to customers who have been
 * removed" are not shown (GoCardless's list documentation). */
static int sub_shown(const gc_state *st, size_t i)
{
    return gc_sub_holdable(st, i) && customer_shown(st, st->w->subs[i].customer);
}

/* A payment of a customer (no guests), removed or not: GoCardless documents hiding the
 * customers and subscriptions of a removal, not the payments, which stay on its books. */
static int payment_shown(const gc_state *st, size_t i)
{
    const w_payment *p = &st->w->payments[i];
    return p->customer >= 0 && currency_ok(p->ccy) && !p->uncaptured;
}

static void add(gc_list_view *l, size_t i)
{
    l->pos[i] = (int32_t)l->n;
    l->index[l->n++] = (uint32_t)i;
}

static void view_init(gc_list_view *l, size_t n)
{
    l->index = sb_xcalloc(n ? n : 1, sizeof *l->index);
    l->pos = sb_xcalloc(n ? n : 1, sizeof *l->pos);
    for (size_t i = 0; i < n; i++)
        l->pos[i] = -1;
}

void gc_project(gc_state *st)
{
    const sb_world *w = st->w;
    for (int k = 0; k < GC_NLISTS; k++)
        st->styles[k] = (sb_id_style){prefixes[k], upper_alnum, 12, 5, 0, NULL, 0};
    view_init(&st->lists[GC_L_CUSTOMERS], w->n_customers);
    view_init(&st->lists[GC_L_MANDATES], w->n_customers);
    for (size_t i = 0; i < w->n_customers; i++) {
        /* a removed customer is not listed; its mandate stays, cancelled, as its payments do */
        if (!w->customers[i].deleted_at)
            add(&st->lists[GC_L_CUSTOMERS], i);
        add(&st->lists[GC_L_MANDATES], i);
    }
    view_init(&st->lists[GC_L_SUBSCRIPTIONS], w->n_subs);
    for (size_t i = 0; i < w->n_subs; i++)
        if (sub_shown(st, i))
            add(&st->lists[GC_L_SUBSCRIPTIONS], i);
    view_init(&st->lists[GC_L_PAYMENTS], w->n_payments);
    for (size_t i = 0; i < w->n_payments; i++)
        if (payment_shown(st, i))
            add(&st->lists[GC_L_PAYMENTS], i);
    view_init(&st->lists[GC_L_REFUNDS], w->n_refunds);
    for (size_t i = 0; i < w->n_refunds; i++)
        if (st->lists[GC_L_PAYMENTS].pos[w->refunds[i].payment] >= 0)
            add(&st->lists[GC_L_REFUNDS], i);
    gc_events_build(st);
}

void gc_project_free(gc_state *st)
{
    for (int k = 0; k < GC_NLISTS; k++) {
        free(st->lists[k].index);
        free(st->lists[k].pos);
    }
    free(st->events);
}

const char *gc_sub_status(const w_sub *s)
{
    switch (s->status) {
    case W_SUB_PAUSED: return "paused";
    case W_SUB_CANCELED: return s->cancel_reason == W_CANCEL_EXPIRED ? "finished" : "cancelled";
    case W_SUB_INCOMPLETE: return "pending_customer_approval";
    case W_SUB_INCOMPLETE_EXPIRED: return "customer_approval_denied";
    default: return "active"; /* trialing, active, past_due, unpaid: GoCardless has no trials or dunning */
    }
}

const char *gc_payment_status(const gc_state *st, const w_payment *p)
{
    if (p->status == W_PAY_FAILED)
        return "failed";
    if (p->status == W_PAY_PENDING)
        return "submitted";
    if (p->dispute == W_DISPUTE_CHARGEBACK)
        return "charged_back";
    /* paid out a few working days after it was confirmed */
    return p->created + 5 * W_DAY <= st->w->now ? "paid_out" : "confirmed";
}

const char *gc_refund_status(const w_refund *r)
{
    switch (r->status) {
    case W_RE_SUCCEEDED: return "paid";
    case W_RE_PENDING: return "submitted";
    case W_RE_FAILED: return "bounced";
    case W_RE_CANCELED: return "cancelled";
    default: return "created";
    }
}

long gc_payment_sub(const gc_state *st, const w_payment *p)
{
    if (p->invoice < 0)
        return -1;
    /* linked whether or not the subscription is listed: a customer's removal hides the
     * subscription, it does not change the payment */
    int sub = st->w->invoices[p->invoice].sub;
    return sub >= 0 && gc_sub_holdable(st, (size_t)sub) ? sub : -1;
}

/* "2024-05-01T12:00:00.000Z": GoCardless writes milliseconds. */
void gc_ktime_ms(sb_json *j, const char *key, int64_t t)
{
    char s[32], ms[40];
    sb_time_rfc3339(t, s);
    size_t n = strlen(s);
    snprintf(ms, sizeof ms, "%.*s.000Z", (int)(n - 1), s);
    sbj_kstr(j, key, ms);
}

/* "2024-05-01": the day of t, UTC. */
static void kdate(sb_json *j, const char *key, int64_t t)
{
    char s[32];
    sb_time_rfc3339(t, s);
    s[10] = '\0';
    sbj_kstr(j, key, s);
}

static void kid(sb_json *j, const char *key, const gc_state *st, int list, uint64_t n)
{
    char id[SB_ID_MAX];
    gc_id(st, list, n, id);
    sbj_kstr(j, key, id);
}

static const char *scheme_of(int ccy)
{
    switch (ccy) {
    case W_GBP: return "bacs";
    case W_EUR: return "sepa_core";
    case W_USD: return "ach";
    case W_CAD: return "pad";
    case W_AUD: return "becs";
    default: return "autogiro";
    }
}

static void render_customer(sb_json *j, const gc_state *st, size_t i)
{
    const w_customer *c = &st->w->customers[i];
    kid(j, "id", st, GC_L_CUSTOMERS, i);
    gc_ktime_ms(j, "created_at", c->created);
    sbj_kstr(j, "email", c->email);
    sbj_kstr(j, "given_name", c->name_on_file ? c->given : NULL);
    sbj_kstr(j, "family_name", c->name_on_file ? c->family : NULL);
    sbj_kstr(j, "company_name", c->name_on_file ? c->business : NULL);
    sbj_kstr(j, "address_line1", c->has_address ? c->line1 : NULL);
    sbj_kstr(j, "address_line2", c->has_address ? c->line2 : NULL);
    sbj_knull(j, "address_line3");
    sbj_kstr(j, "city", c->has_address ? c->city : NULL);
    sbj_kstr(j, "region", c->has_address ? c->state : NULL);
    sbj_kstr(j, "postal_code", c->has_address ? c->postal : NULL);
    sbj_kstr(j, "country_code", c->country);
    sbj_kstr(j, "language", "en");
    sbj_kstr(j, "phone_number", c->phone);
    sbj_knull(j, "danish_identity_number");
    sbj_knull(j, "swedish_identity_number");
    sbj_kempty_obj(j, "metadata");
}

static void render_mandate(sb_json *j, const gc_state *st, size_t i)
{
    const w_customer *c = &st->w->customers[i];
    kid(j, "id", st, GC_L_MANDATES, i);
    gc_ktime_ms(j, "created_at", c->created);
    char ref[24];
    snprintf(ref, sizeof ref, "REF-%zu", i + 1);
    sbj_kstr(j, "reference", ref);
    sbj_kstr(j, "scheme", scheme_of(c->ccy));
    sbj_kstr(j, "status", c->deleted_at ? "cancelled" : "active");
    sbj_kstr(j, "mandate_type", "bank_debit");
    sbj_kbool(j, "payments_require_approval", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_kobj(j, "links");
    sbj_kstr(j, "creditor", "CR000SANDBOX");
    kid(j, "customer", st, GC_L_CUSTOMERS, i);
    sbj_obj_end(j);
}

static void render_sub(sb_json *j, const gc_state *st, size_t i)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const w_item *it = &w->items[s->first_item];
    const w_price *p = &w->prices[it->price];
    static const char *const units[] = {"daily", "weekly", "monthly", "yearly"};
    kid(j, "id", st, GC_L_SUBSCRIPTIONS, i);
    gc_ktime_ms(j, "created_at", s->created);
    sbj_kint(j, "amount", p->unit_amount * it->quantity);
    sbj_kstr(j, "currency", w_currencies[s->ccy].code);
    sbj_kstr(j, "status", gc_sub_status(s));
    sbj_kstr(j, "name", p->nickname ? p->nickname : w->products[p->product].name);
    kdate(j, "start_date", s->start_date);
    sbj_knull(j, "end_date");
    sbj_kint(j, "interval", p->interval_count);
    sbj_kstr(j, "interval_unit", units[p->interval]);
    sbj_knull(j, "day_of_month");
    sbj_knull(j, "month");
    sbj_knull(j, "count");
    sbj_knull(j, "payment_reference");
    sbj_knull(j, "app_fee");
    sbj_kbool(j, "retry_if_possible", 0);
    sbj_kempty_arr(j, "upcoming_payments");
    sbj_kempty_obj(j, "metadata");
    sbj_kobj(j, "links");
    kid(j, "mandate", st, GC_L_MANDATES, (uint64_t)s->customer);
    sbj_obj_end(j);
}

static void render_payment(sb_json *j, const gc_state *st, size_t i)
{
    const w_payment *p = &st->w->payments[i];
    kid(j, "id", st, GC_L_PAYMENTS, i);
    gc_ktime_ms(j, "created_at", p->created);
    kdate(j, "charge_date", p->created + 3 * W_DAY);
    sbj_kint(j, "amount", p->amount);
    sbj_kint(j, "amount_refunded", p->amount_refunded);
    sbj_kstr(j, "currency", w_currencies[p->ccy].code);
    sbj_kstr(j, "status", gc_payment_status(st, p));
    sbj_kstr(j, "description", p->description);
    sbj_knull(j, "reference");
    sbj_kstr(j, "scheme", scheme_of(p->ccy));
    sbj_kbool(j, "retry_if_possible", 0);
    sbj_kempty_obj(j, "metadata");
    sbj_kobj(j, "links");
    sbj_kstr(j, "creditor", "CR000SANDBOX");
    kid(j, "mandate", st, GC_L_MANDATES, (uint64_t)p->customer);
    long sub = gc_payment_sub(st, p);
    if (sub >= 0)
        kid(j, "subscription", st, GC_L_SUBSCRIPTIONS, (uint64_t)sub);
    sbj_obj_end(j);
}

static void render_refund(sb_json *j, const gc_state *st, size_t i)
{
    const w_refund *r = &st->w->refunds[i];
    const w_payment *p = &st->w->payments[r->payment];
    kid(j, "id", st, GC_L_REFUNDS, i);
    gc_ktime_ms(j, "created_at", r->created);
    sbj_kint(j, "amount", r->amount);
    sbj_kstr(j, "currency", w_currencies[p->ccy].code);
    sbj_kstr(j, "status", gc_refund_status(r));
    sbj_knull(j, "reference");
    sbj_kempty_obj(j, "metadata");
    sbj_kobj(j, "links");
    kid(j, "payment", st, GC_L_PAYMENTS, (uint64_t)r->payment);
    kid(j, "mandate", st, GC_L_MANDATES, (uint64_t)p->customer);
    sbj_obj_end(j);
}

void gc_render(sb_json *j, const gc_state *st, int list, size_t i)
{
    static void (*const renderers[GC_NLISTS])(sb_json *, const gc_state *, size_t) = {
        render_customer, render_mandate, render_sub, render_payment, render_refund};
    sbj_obj_begin(j);
    renderers[list](j, st, i);
    sbj_obj_end(j);
}
