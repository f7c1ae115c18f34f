/* The Recurly module's projection: accounts (every customer; deleted ones closed), plans
 * (world prices grouped into multi-currency plans), transactions (payments of customers
 * and their refunds, oldest first), and the two orders each list can be read in. */
#include <stdlib.h>
#include <string.h>

#include "recurly_model.h"
#include "sandbox_buf.h"

const char *const rc_sub_state_names[6] = {"active", "canceled", "expired", "failed", "future", "paused"};

const char *const rc_invoice_state_names[5] = {"pending", "past_due", "paid", "failed", "voided"};

static const char lower_alnum[] = "0123456789abcdefghijklmnopqrstuvwxyz";

void rc_id(const rc_state *st, int kind, uint64_t n, char out[SB_ID_MAX])
{
    sb_id_make(out, &st->styles[kind], st->w->seed, (unsigned)kind, n);
}

/* Recurly's ids: 12-13 lower-case letters and digits, no prefix ("o1b8gl8hqfa7"). */
static void ids_init(rc_state *st)
{
    for (int k = 0; k < RC_NKINDS; k++)
        st->styles[k] = (sb_id_style){"", lower_alnum, 12, 5, 0, NULL, 0};
}

/* A plan shows a price when Recurly could hold it: a recurring, fixed price per unit
 * (no metering, tiers or sub-cent amounts), offered, with at most a free trial. */
static int plan_price(const w_price *p)
{
    if (!p->recurring || p->metered || p->tiered || p->draft || p->unit_amount < 0)
        return 0;
    if (p->n_phases > 1 || (p->n_phases == 1 && p->phases[0].price != 0))
        return 0;
    return 1;
}

static void interval_of(const w_price *p, int *days, int *length)
{
    switch (p->interval) {
    case W_DAYS: *days = 1; *length = p->interval_count; break;
    case W_WEEKS: *days = 1; *length = 7 * p->interval_count; break;
    case W_MONTHS: *days = 0; *length = p->interval_count; break;
    default: *days = 0; *length = 12 * p->interval_count; break;
    }
}

static void trial_of(const w_price *p, int *days, int *length)
{
    *days = 1;
    *length = 0;
    if (p->n_phases != 1)
        return;
    const w_phase *ph = &p->phases[0];
    int n = ph->count * ph->total;
    switch (ph->unit) {
    case W_DAYS: *length = n; break;
    case W_WEEKS: *length = 7 * n; break;
    case W_MONTHS: *days = 0; *length = n; break;
    default: *days = 0; *length = 12 * n; break;
    }
}

static int same_terms(const rc_plan *pl, const w_price *p)
{
    int days, length, tdays, tlength;
    interval_of(p, &days, &length);
    trial_of(p, &tdays, &tlength);
    return pl->interval_unit_days == days && pl->interval_length == length &&
           pl->trial_length == tlength && (!tlength || pl->trial_unit_days == tdays) &&
           pl->total_cycles == p->total_cycles;
}

/* Each product's prices with the same terms share a plan while its currencies differ:
 * a plan priced in USD and EUR is one Recurly plan with two entries in `currencies`. */
static void project_plans(rc_state *st)
{
    const sb_world *w = st->w;
    st->plans = sb_xcalloc(w->n_prices ? w->n_prices : 1, sizeof *st->plans);
    st->price_plan = sb_xcalloc(w->n_prices ? w->n_prices : 1, sizeof *st->price_plan);
    for (size_t i = 0; i < w->n_prices; i++)
        st->price_plan[i] = -1;
    int *last = sb_xcalloc(w->n_products ? w->n_products : 1, sizeof *last);
    for (size_t i = 0; i < w->n_products; i++)
        last[i] = -1;
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (!plan_price(p))
            continue;
        rc_plan *pl = last[p->product] >= 0 ? &st->plans[last[p->product]] : NULL;
        int fits = pl && pl->n < RC_MAX_CCY && same_terms(pl, p);
        for (int k = 0; fits && k < pl->n; k++)
            fits = w->prices[pl->price[k]].ccy != p->ccy;
        if (!fits) {
            pl = &st->plans[st->n_plans];
            last[p->product] = (int)st->n_plans++;
            interval_of(p, &pl->interval_unit_days, &pl->interval_length);
            trial_of(p, &pl->trial_unit_days, &pl->trial_length);
            pl->total_cycles = p->total_cycles;
            pl->created = p->created;
        }
        st->price_plan[i] = (int32_t)(pl - st->plans);
        pl->price[pl->n++] = (int)i;
        /* The plan is offered while any of its prices is. */
        if (!p->archived_at)
            pl->active = 1;
        /* its name may be the product's: a renamed product changes the plan */
        if (p->updated > pl->updated)
            pl->updated = p->updated;
        if (w->products[p->product].updated > pl->updated)
            pl->updated = w->products[p->product].updated;
    }
    free(last);
}

typedef struct rc_sort_key {
    int64_t updated;
    uint32_t pos;
} rc_sort_key;

/* Orders by updated_at, ties by position (created order): qsort is not stable. */
static int by_updated(const void *a, const void *b)
{
    const rc_sort_key *x = a, *y = b;
    if (x->updated != y->updated)
        return x->updated < y->updated ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static void order_by_updated(rc_list *l)
{
    rc_sort_key *keys = sb_xcalloc(l->n ? l->n : 1, sizeof *keys);
    for (size_t i = 0; i < l->n; i++)
        keys[i] = (rc_sort_key){l->by_created[i].updated, (uint32_t)i};
    qsort(keys, l->n, sizeof *keys, by_updated);
    l->by_updated = sb_xcalloc(l->n ? l->n : 1, sizeof *l->by_updated);
    for (size_t i = 0; i < l->n; i++)
        l->by_updated[i] = keys[i].pos;
    free(keys);
}

static int64_t later(int64_t a, int64_t b)
{
    return a > b ? a : b;
}

/* A payment's updated_at: its own latest change, or when its invoice or subscription
 * changed, if later: the projection hides drafts and incomplete subscriptions (which
 * Recurly would not have), so a payment's subscription_ids and invoice appear when they
 * first show, and a pass of changes must see that. */
static int64_t payment_updated(const rc_state *st, const w_payment *p)
{
    const sb_world *w = st->w;
    int64_t t = later(p->updated, p->created);
    if (p->invoice >= 0 && st->invoice_state[p->invoice] >= 0) {
        const w_invoice *v = &w->invoices[p->invoice];
        t = later(t, v->updated);
        if (v->sub >= 0 && st->sub_state[v->sub] >= 0)
            t = later(t, w->subs[v->sub].updated);
    }
    return t;
}

/* Payments of customers (Recurly has no guest checkout: every transaction belongs to an
 * account) and their refunds, merged by creation time (payments first on ties). */
static void project_transactions(rc_state *st, rc_list *l)
{
    const sb_world *w = st->w;
    size_t n = 0;
    l->by_created = sb_xcalloc(w->n_payments + w->n_refunds + 1, sizeof *l->by_created);
    size_t r = 0;
    for (size_t i = 0; i <= w->n_payments; i++) {
        int64_t until = i < w->n_payments ? w->payments[i].created : INT64_MAX;
        /* refunds are stored oldest first too; those before this payment go first */
        for (; r < w->n_refunds && w->refunds[r].created < until; r++) {
            if (w->payments[w->refunds[r].payment].customer < 0)
                continue;
            l->by_created[n++] = (rc_entry){RC_REFUND, (uint32_t)r, w->refunds[r].created,
                                            later(w->refunds[r].updated, w->refunds[r].created)};
        }
        if (i == w->n_payments || w->payments[i].customer < 0)
            continue;
        l->by_created[n++] = (rc_entry){RC_PURCHASE, (uint32_t)i, w->payments[i].created,
                                        payment_updated(st, &w->payments[i])};
    }
    l->n = n;
}

/* An add-on Recurly can bill with the plan: a fixed recurring price per unit. */
static int add_on_price(const w_price *p)
{
    return p->recurring && !p->metered && !p->tiered && p->unit_amount >= 0;
}

/* The state Recurly shows a world subscription in, or -1 when it cannot hold it: one
 * plan (its first item) and fixed add-ons on one period; not an incomplete one (Recurly
 * creates a subscription only with its first payment). */
static int sub_state(const rc_state *st, const w_sub *s)
{
    const sb_world *w = st->w;
    if (s->mixed || s->n_items == 0 || s->status == W_SUB_INCOMPLETE ||
        st->price_plan[w->items[s->first_item].price] < 0 ||
        w->prices[w->items[s->first_item].price].ccy != s->ccy)
        return -1;
    for (uint32_t k = 1; k < s->n_items; k++) {
        const w_item *it = &w->items[s->first_item + k];
        if (!add_on_price(&w->prices[it->price]) || it->quantity < 0 || w->prices[it->price].ccy != s->ccy)
            return -1;
    }
    switch (s->status) {
    case W_SUB_PAUSED: return RC_SUB_PAUSED;
    case W_SUB_CANCELED: return RC_SUB_EXPIRED;
    case W_SUB_INCOMPLETE_EXPIRED: return RC_SUB_FAILED;
    default: return s->cancel_at_period_end ? RC_SUB_CANCELED : RC_SUB_ACTIVE;
    }
}

void rc_sub_dates_of(const rc_state *st, size_t i, rc_sub_dates *d)
{
    const w_sub *s = &st->w->subs[i];
    const w_item *first = &st->w->items[s->first_item];
    int state = st->sub_state[i];
    memset(d, 0, sizeof *d);
    if (state == RC_SUB_FAILED)
        return; /* never activated, no period */
    d->activated = s->start_date;
    d->period_start = first->period_start;
    d->period_end = first->period_end;
    d->trial_start = s->trial_start;
    d->trial_end = s->trial_end;
    d->canceled = s->canceled_at;
    if (state == RC_SUB_CANCELED)
        d->expires = s->cancel_at ? s->cancel_at : first->period_end;
    else if (state == RC_SUB_EXPIRED)
        d->expires = s->ended_at ? s->ended_at : s->canceled_at;
}

static void project_subs(rc_state *st, rc_list *l)
{
    const sb_world *w = st->w;
    st->sub_state = sb_xcalloc(w->n_subs ? w->n_subs : 1, 1);
    l->by_created = sb_xcalloc(w->n_subs + 1, sizeof *l->by_created);
    for (size_t i = 0; i < w->n_subs; i++) {
        st->sub_state[i] = (signed char)sub_state(st, &w->subs[i]);
        if (st->sub_state[i] >= 0)
            l->by_created[l->n++] = (rc_entry){RC_SUB, (uint32_t)i, w->subs[i].created,
                                               later(w->subs[i].updated, w->subs[i].created)};
    }
}

/* The state Recurly shows a world invoice in, or -1: Recurly has no drafts, and no
 * invoices of subscriptions it does not show. An open invoice whose payment failed is
 * past due. */
static int invoice_state(const rc_state *st, const w_invoice *v)
{
    const sb_world *w = st->w;
    if (v->status == W_INV_DRAFT || v->deleted_at || v->customer < 0 || (v->sub >= 0 && st->sub_state[v->sub] < 0))
        return -1;
    switch (v->status) {
    case W_INV_PAID: return RC_INV_PAID;
    case W_INV_VOID: return RC_INV_VOIDED;
    case W_INV_UNCOLLECTIBLE: return RC_INV_FAILED;
    default:
        return v->payment >= 0 && w->payments[v->payment].status == W_PAY_FAILED ? RC_INV_PAST_DUE
                                                                               : RC_INV_PENDING;
    }
}

int64_t rc_invoice_closed_at(const rc_state *st, size_t i)
{
    const w_invoice *v = &st->w->invoices[i];
    switch (st->invoice_state[i]) {
    case RC_INV_PAID: return v->paid_at;
    case RC_INV_FAILED: return v->uncollectible_at;
    default: return 0;
    }
}

void rc_line_view_of(const rc_state *st, size_t i, rc_line_view *out)
{
    const sb_world *w = st->w;
    const w_line *l = &w->lines[i];
    const w_invoice *v = &w->invoices[l->invoice];
    memset(out, 0, sizeof *out);
    out->plan = -1;
    out->origin = "one_time";
    if (l->item >= 0 && v->sub >= 0) {
        const w_sub *s = &w->subs[v->sub];
        out->origin = (uint32_t)l->item == s->first_item ? "plan" : "add_on";
        out->plan = st->price_plan[w->items[s->first_item].price];
    }
    out->prorated = l->kind == W_LINE_PRORATION;
    out->subtotal = l->amount - (l->discount_kind == W_DISCOUNT_INTRO ? l->discount : 0);
    out->discount = l->discount_kind == W_DISCOUNT_COUPON ? l->discount : 0;
    /* quantity * unit_amount is the subtotal: a quantity that does not divide it is shown
     * as 1 of the whole */
    out->quantity = l->quantity > 0 && out->subtotal % l->quantity == 0 ? l->quantity : 1;
}

static void project_invoices(rc_state *st, rc_list *l)
{
    const sb_world *w = st->w;
    st->invoice_state = sb_xcalloc(w->n_invoices ? w->n_invoices : 1, 1);
    l->by_created = sb_xcalloc(w->n_invoices + 1, sizeof *l->by_created);
    for (size_t i = 0; i < w->n_invoices; i++) {
        st->invoice_state[i] = (signed char)invoice_state(st, &w->invoices[i]);
        if (st->invoice_state[i] < 0)
            continue;
        /* shown once its subscription shows (see payment_updated()) */
        const w_invoice *v = &w->invoices[i];
        int64_t t = later(v->updated, v->created);
        if (v->sub >= 0)
            t = later(t, w->subs[v->sub].updated);
        l->by_created[l->n++] = (rc_entry){RC_INVOICE, (uint32_t)i, v->created, t};
    }
}

void rc_project(rc_state *st)
{
    const sb_world *w = st->w;
    ids_init(st);
    project_plans(st);
    rc_list *a = &st->lists[RC_L_ACCOUNTS];
    a->by_created = sb_xcalloc(w->n_customers + 1, sizeof *a->by_created);
    for (size_t i = 0; i < w->n_customers; i++)
        a->by_created[a->n++] = (rc_entry){RC_ACCOUNT, (uint32_t)i, w->customers[i].created,
                                           later(w->customers[i].updated, w->customers[i].created)};
    rc_list *p = &st->lists[RC_L_PLANS];
    p->by_created = sb_xcalloc(st->n_plans + 1, sizeof *p->by_created);
    for (size_t i = 0; i < st->n_plans; i++)
        p->by_created[p->n++] = (rc_entry){RC_PLAN, (uint32_t)i, st->plans[i].created,
                                           later(st->plans[i].updated, st->plans[i].created)};
    project_subs(st, &st->lists[RC_L_SUBSCRIPTIONS]);
    project_invoices(st, &st->lists[RC_L_INVOICES]);
    project_transactions(st, &st->lists[RC_L_TRANSACTIONS]);
    for (int k = 0; k < RC_NLISTS; k++)
        order_by_updated(&st->lists[k]);
}

void rc_project_free(rc_state *st)
{
    for (int k = 0; k < RC_NLISTS; k++) {
        free(st->lists[k].by_created);
        free(st->lists[k].by_updated);
    }
    free(st->plans);
    free(st->price_plan);
    free(st->sub_state);
    free(st->invoice_state);
}
