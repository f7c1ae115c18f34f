/* Letting days pass: the world `days` days later, as a change simulation on a copy of the
 * previous epoch. Scheduled happenings follow from the records' own state (a period ends
 * and renews, a draft is finalized an hour after it was made, a bank debit settles, a
 * failed payment is retried, an incomplete subscription expires, a cancellation at the
 * period's end takes effect, an authorization is captured, a pending refund succeeds);
 * random ones come at a rate per 1000 of scale and day, each kind at least once per
 * advance (new customers, customer updates and deletions, new subscriptions,
 * cancellations, one-off payments, refunds of old payments, disputes, prices archived and
 * added, products described anew, open one-off invoices paid, voided or written off,
 * drafts deleted); disputes close when decided. Everything
 * happens in (from->now, from->now + days], in time order, so records appended keep every
 * array oldest first; each change is logged (w_event) and sets the record's `updated`.
 * Simplifications, said in tests/sandbox/README.md: a renewal bills the regular price (no
 * introductory phase), a new subscription's first invoice is charged at once. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_time.h"
#include "world_gen.h"

#define HOUR 3600LL

enum {
    A_RENEW, A_FINALIZE, A_RETRY, A_SETTLE, A_EXPIRE, A_CAPTURE, A_REFUND_SETTLE, A_DISPUTE_CLOSE, /* scheduled */
    A_NEW_CUSTOMER, A_UPDATE_CUSTOMER, A_DELETE_CUSTOMER, A_NEW_SUB, A_CANCEL_SUB, A_ONE_OFF,
    A_REFUND, A_DISPUTE, A_ARCHIVE_PRICE, A_NEW_PRICE, A_CLOSE_INVOICE, A_DRAFT, A_UPDATE_PRODUCT, A_NKINDS
};

/* Random happenings per 1000 of scale and day (tenths), from A_NEW_CUSTOMER on. */
static const unsigned rate_tenths[A_NKINDS] = {
    [A_NEW_CUSTOMER] = 30, [A_UPDATE_CUSTOMER] = 30, [A_DELETE_CUSTOMER] = 5, [A_NEW_SUB] = 20,
    [A_CANCEL_SUB] = 15, [A_ONE_OFF] = 40, [A_REFUND] = 15, [A_DISPUTE] = 3, [A_ARCHIVE_PRICE] = 1,
    [A_NEW_PRICE] = 1, [A_CLOSE_INVOICE] = 5, [A_DRAFT] = 3, [A_UPDATE_PRODUCT] = 1,
};

typedef struct action {
    int64_t t;
    uint64_t seq;
    int kind;
    uint32_t target;
} action;

typedef struct actx {
    sb_world *w;
    sb_rng r;
    int64_t t0, t1;
    size_t cap_cust, cap_price, cap_sub, cap_item, cap_inv, cap_line, cap_pay, cap_ref, cap_ev;
    int *numbers;                 /* per customer: its invoices numbered so far */
    size_t cap_numbers;
    int guests;                   /* guest checkouts so far */
    action *heap;
    size_t n_heap, cap_heap;
    uint64_t seq;
    /* each customer's subscriptions at the start (CSR: subs_of[subs_at[c] .. subs_at[c+1])),
     * for deletions; later ones are found from n_subs0 on */
    uint32_t *subs_at, *subs_of;
    size_t n_customers0, n_subs0;
} actx;

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

static void *dup_array(const void *p, size_t n, size_t size, size_t *cap)
{
    *cap = n ? n : 1;
    void *q = sb_xmalloc(*cap * size);
    if (n)
        memcpy(q, p, n * size);
    return q;
}

/* ---- the schedule: a binary heap by (time, order scheduled) ---- */

static int before(const action *a, const action *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void schedule(actx *a, int64_t t, int kind, size_t target)
{
    if (t <= a->t0 || t > a->t1)
        return;
    WG_GROW(a->heap, a->n_heap, a->cap_heap);
    size_t i = a->n_heap++;
    a->heap[i] = (action){t, a->seq++, kind, (uint32_t)target};
    while (i > 0 && before(&a->heap[i], &a->heap[(i - 1) / 2])) {
        action tmp = a->heap[i];
        a->heap[i] = a->heap[(i - 1) / 2];
        a->heap[(i - 1) / 2] = tmp;
        i = (i - 1) / 2;
    }
}

static action pop(actx *a)
{
    action top = a->heap[0];
    a->heap[0] = a->heap[--a->n_heap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < a->n_heap && before(&a->heap[l], &a->heap[m]))
            m = l;
        if (r < a->n_heap && before(&a->heap[r], &a->heap[m]))
            m = r;
        if (m == i)
            break;
        action tmp = a->heap[i];
        a->heap[i] = a->heap[m];
        a->heap[m] = tmp;
        i = m;
    }
    return top;
}

/* ---- helpers ---- */

static void ev(actx *a, int64_t t, int kind, int what, size_t index)
{
    wg_event(a->w, &a->cap_ev, t, kind, what, index);
}

static void ev_field(actx *a, int64_t t, int kind, size_t index, int field, const char *old_text, int64_t old_int)
{
    wg_event_field(a->w, &a->cap_ev, t, kind, W_EV_UPDATED, index, field, old_text, old_int);
}

static int live(const w_sub *s)
{
    return s->status == W_SUB_ACTIVE || s->status == W_SUB_TRIALING || s->status == W_SUB_PAST_DUE;
}

static const w_price *main_price(const sb_world *w, const w_sub *s)
{
    return &w->prices[w->items[s->first_item].price];
}

static void set_sub_status(actx *a, size_t si, int status, int64_t t)
{
    w_sub *s = &a->w->subs[si];
    if (s->status == status)
        return;
    int old = s->status;
    s->status = status;
    s->updated = t;
    ev_field(a, t, W_K_SUB, si, W_FLD_STATUS, NULL, old);
}

static int offered(const sb_world *w, const w_price *p, int64_t t)
{
    return !p->draft && !w->products[p->product].deleted && p->created <= t && (!p->archived_at || t < p->archived_at);
}

static size_t new_invoice(actx *a, int customer, int sub, int64_t t, int reason, int ccy)
{
    sb_world *w = a->w;
    WG_GROW(w->invoices, w->n_invoices, a->cap_inv);
    w_invoice *v = &w->invoices[w->n_invoices];
    memset(v, 0, sizeof *v);
    v->customer = customer;
    v->sub = sub;
    v->created = v->period_start = v->period_end = v->updated = t;
    v->reason = reason;
    v->ccy = ccy;
    v->first_line = (uint32_t)w->n_lines;
    v->payment = -1;
    v->status = W_INV_DRAFT;
    ev(a, t, W_K_INVOICE, W_EV_CREATED, w->n_invoices);
    return w->n_invoices++;
}

static w_line *add_line(actx *a, size_t inv, int kind, int item, int price, int64_t quantity, int64_t amount,
                        int64_t ps, int64_t pe, const char *description)
{
    sb_world *w = a->w;
    WG_GROW(w->lines, w->n_lines, a->cap_line);
    w_line *l = &w->lines[w->n_lines++];
    *l = (w_line){(int)inv, kind, W_DISCOUNT_NONE, item, price, quantity, amount, 0, 0, ps, pe, description};
    w->invoices[inv].n_lines++;
    return l;
}

/* Tax per line and the invoice's totals, as the generator computes them. */
static void totals(actx *a, size_t inv, const w_price *taxed_by)
{
    sb_world *w = a->w;
    w_invoice *v = &w->invoices[inv];
    if (taxed_by && taxed_by->tax_pct && w->customers[v->customer].tax_exempt != 1) {
        v->tax_pct = taxed_by->tax_pct;
        v->tax_inclusive = taxed_by->tax_inclusive;
    }
    for (uint32_t k = 0; k < v->n_lines; k++) {
        w_line *l = &w->lines[v->first_line + k];
        int64_t base = l->amount - l->discount;
        if (v->tax_pct && base > 0)
            l->tax = w_round(v->ccy, v->tax_inclusive ? base * v->tax_pct / (100 + v->tax_pct) : base * v->tax_pct / 100);
        v->subtotal += l->amount;
        v->discount += l->discount;
        v->tax += l->tax;
    }
    v->total = v->subtotal - v->discount + (v->tax_inclusive ? 0 : v->tax);
}

static const char *product_name(const sb_world *w, int price)
{
    return w->products[w->prices[price].product].name;
}

static int *number_slot(actx *a, int customer)
{
    while ((size_t)customer >= a->cap_numbers) {
        size_t old = a->cap_numbers;
        a->cap_numbers = old ? old * 2 : 1024;
        a->numbers = sb_xrealloc(a->numbers, a->cap_numbers * sizeof *a->numbers);
        memset(a->numbers + old, 0, (a->cap_numbers - old) * sizeof *a->numbers);
    }
    return &a->numbers[customer];
}

/* ---- payments ---- */

static size_t new_payment(actx *a, int customer, int ccy, int64_t amount, int64_t t, int fail, const char *description)
{
    sb_world *w = a->w;
    WG_GROW(w->payments, w->n_payments, a->cap_pay);
    w_payment *p = &w->payments[w->n_payments];
    memset(p, 0, sizeof *p);
    p->customer = customer;
    p->guest = -1;
    p->invoice = -1;
    p->created = p->updated = t;
    p->amount = amount;
    p->ccy = ccy;
    p->bank = customer >= 0 && w->customers[customer].bank;
    p->description = description;
    p->first_refund = 0;
    if (fail) {
        p->status = W_PAY_FAILED;
        p->failure = sb_rng_pct(&a->r, 33) ? W_FAIL_FUNDS : W_FAIL_DECLINED;
    } else {
        p->status = p->bank ? W_PAY_PENDING : W_PAY_SUCCEEDED;
        p->fee = wg_payment_fee(p);
    }
    size_t i = w->n_payments++;
    ev(a, t, W_K_PAYMENT, fail ? W_EV_FAILED : p->bank ? W_EV_PENDING : W_EV_SUCCEEDED, i);
    if (p->status == W_PAY_PENDING)
        schedule(a, t + 4 * W_DAY, A_SETTLE, i);
    return i;
}

static void invoice_paid(actx *a, size_t inv, int64_t t)
{
    w_invoice *v = &a->w->invoices[inv];
    v->status = W_INV_PAID;
    v->paid_at = v->updated = t;
    v->amount_paid = v->total;
    ev(a, t, W_K_INVOICE, W_EV_PAID, inv);
    if (v->payment >= 0)
        ev(a, t, W_K_INPAY, W_EV_PAID, (size_t)v->payment);
}

static void close_invoice(actx *a, size_t inv, int status, int64_t t)
{
    w_invoice *v = &a->w->invoices[inv];
    v->status = status;
    v->updated = t;
    if (status == W_INV_VOID)
        v->voided_at = t;
    else
        v->uncollectible_at = t;
    ev(a, t, W_K_INVOICE, status == W_INV_VOID ? W_EV_VOIDED : W_EV_UNCOLLECTIBLE, inv);
}

static void end_sub(actx *a, size_t si, int64_t t, int reason);

/* One payment attempt on an open invoice at t. */
static void charge(actx *a, size_t inv, int64_t t, int first)
{
    sb_world *w = a->w;
    w_invoice *v = &w->invoices[inv];
    int sub = v->sub;
    int fail = sb_rng_pct(&a->r, 6);
    const char *d = v->reason == W_REASON_CREATE ? "Subscription creation"
                    : v->reason == W_REASON_CYCLE ? "Subscription update" : "Payment for Invoice";
    size_t p = new_payment(a, v->customer, v->ccy, v->total, t, fail, d);
    v = &w->invoices[inv];
    w->payments[p].invoice = (int)inv;
    v->payment = (int32_t)p;
    v->attempts++;
    v->updated = t;
    if (sub >= 0) {
        if (fail)
            w->subs[sub].last_failure = (int32_t)p;
        else
            w->subs[sub].last_payment = (int32_t)p;
        w->subs[sub].updated = t;
    }
    if (!fail) {
        if (w->payments[p].status == W_PAY_SUCCEEDED)
            invoice_paid(a, inv, t);
        if (sub >= 0 && (w->subs[sub].status == W_SUB_PAST_DUE || w->subs[sub].status == W_SUB_INCOMPLETE))
            set_sub_status(a, (size_t)sub, W_SUB_ACTIVE, t);
        return;
    }
    ev(a, t, W_K_INVOICE, W_EV_PAYMENT_FAILED, inv);
    if (sub < 0)
        return;
    if (first) { /* the first invoice's payment failed: incomplete for 23 hours */
        set_sub_status(a, (size_t)sub, W_SUB_INCOMPLETE, t);
        schedule(a, w->subs[sub].created + 23 * HOUR, A_EXPIRE, (size_t)sub);
        return;
    }
    if (v->attempts < main_price(w, &w->subs[sub])->failure_threshold) {
        set_sub_status(a, (size_t)sub, W_SUB_PAST_DUE, t);
        schedule(a, t + 5 * W_DAY, A_RETRY, inv);
        return;
    }
    /* dunning gave up a minute later: cancel (the invoice voided) or leave it unpaid
     * (written off) */
    int64_t at = t + 60 < a->t1 ? t + 60 : a->t1;
    if (sb_rng_pct(&a->r, 50)) {
        end_sub(a, (size_t)sub, at, W_CANCEL_PAYMENT_FAILED);
        close_invoice(a, inv, W_INV_VOID, at);
    } else {
        set_sub_status(a, (size_t)sub, W_SUB_UNPAID, at);
        close_invoice(a, inv, W_INV_UNCOLLECTIBLE, at);
    }
}

static void finalize(actx *a, size_t inv, int64_t t, int first)
{
    w_invoice *v = &a->w->invoices[inv];
    if (v->status != W_INV_DRAFT || v->deleted_at)
        return;
    v->status = W_INV_OPEN;
    v->finalized_at = v->updated = t;
    v->number = ++*number_slot(a, v->customer);
    ev(a, t, W_K_INVOICE, W_EV_FINALIZED, inv);
    if (v->total == 0)
        invoice_paid(a, inv, t);
    else
        charge(a, inv, t, first);
}

/* ---- subscriptions ---- */

static void end_sub(actx *a, size_t si, int64_t t, int reason)
{
    w_sub *s = &a->w->subs[si];
    if (!live(s) && s->status != W_SUB_UNPAID && s->status != W_SUB_PAUSED)
        return;
    s->status = W_SUB_CANCELED;
    s->ended_at = s->updated = t;
    if (!s->canceled_at)
        s->canceled_at = t;
    s->cancel_reason = reason;
    s->next_period = 0;
    ev(a, t, W_K_SUB, W_EV_DELETED, si);
}

/* The lines of regular period k starting at P, as the generator bills them (each item on
 * its own schedule, metered in arrears, the coupon while it lasts), at the regular price. */
static void period_lines(actx *a, size_t inv, const w_sub *s, int k, int64_t P)
{
    sb_world *w = a->w;
    int coupon = s->coupon_pct && (!s->coupon_cycles || k < s->coupon_cycles);
    for (uint32_t i = 0; i < s->n_items; i++) {
        w_item *it = &w->items[s->first_item + i];
        const w_price *p = &w->prices[it->price];
        int64_t ps, pe, prev, ignore;
        w_period_at(s->anchor, p->interval, p->interval_count, P, &ps, &pe);
        if (it->created > P || ps != P)
            continue;
        w_period_at(s->anchor, p->interval, p->interval_count, P - 1, &prev, &ignore);
        w_line *l;
        if (p->metered) {
            int64_t usage = k == 0 ? 0 : sb_rng_range(&a->r, 0, 2000);
            l = add_line(a, inv, W_LINE_SUBSCRIPTION, (int)(s->first_item + i), it->price, usage, wg_metered_amount(p, usage),
                         k == 0 ? P : prev, k == 0 ? pe : P,
                         sb_arena_printf(w->arena, "%lld × %s (usage)", (long long)usage, product_name(w, it->price)));
        } else {
            l = add_line(a, inv, W_LINE_SUBSCRIPTION, (int)(s->first_item + i), it->price, it->quantity,
                         wg_licensed_amount(p, it->quantity), P, pe,
                         sb_arena_printf(w->arena, "%lld × %s", (long long)it->quantity, product_name(w, it->price)));
        }
        if (coupon && l->amount > 0) {
            l->discount = w_round(s->ccy, l->amount * s->coupon_pct / 100);
            l->discount_kind = W_DISCOUNT_COUPON;
        }
        it->period_start = P;
        it->period_end = pe;
    }
}

/* A period boundary P of subscription si: the trial ends, or a period ends; a
 * cancellation at the period's end (or a finite plan's last cycle) ends it instead. */
static void renew(actx *a, size_t si, int64_t P)
{
    sb_world *w = a->w;
    w_sub *s = &w->subs[si];
    if (!live(s))
        return;
    const w_price *mp = main_price(w, s);
    if (s->cancel_at_period_end && s->cancel_at && P >= s->cancel_at) {
        if (P == s->cancel_at)
            end_sub(a, si, P, W_CANCEL_REQUESTED);
        return;
    }
    if (s->next_period != P)
        return;
    if (mp->total_cycles && s->cycles[mp->n_phases] >= mp->total_cycles) {
        s->cancel_at = P;
        end_sub(a, si, P, W_CANCEL_EXPIRED);
        return;
    }
    int k = s->periods;
    size_t inv = new_invoice(a, s->customer, (int)si, P, k == 0 ? W_REASON_CREATE : W_REASON_CYCLE, s->ccy);
    s = &w->subs[si];
    w->invoices[inv].period_start = k ? w_period_start(s->anchor, mp->interval, mp->interval_count, k - 1) : P;
    w->invoices[inv].period_end = P;
    period_lines(a, inv, s, k, P);
    totals(a, inv, mp);
    s->latest_invoice = (int32_t)inv;
    s->periods = k + 1;
    s->cycles[mp->n_phases]++;
    s->updated = P;
    int64_t next = w_period_start(s->anchor, mp->interval, mp->interval_count, k + 1);
    s->next_period = s->cancel_at_period_end && s->cancel_at && next >= s->cancel_at ? 0 : next;
    if (s->status == W_SUB_TRIALING)
        set_sub_status(a, si, W_SUB_ACTIVE, P);
    else if (k > 0)
        ev_field(a, P, W_K_SUB, si, W_FLD_PERIOD, NULL, k ? w_period_start(s->anchor, mp->interval, mp->interval_count, k - 1) : 0);
    schedule(a, P + HOUR, A_FINALIZE, inv);
    schedule(a, s->next_period ? s->next_period : s->cancel_at, A_RENEW, si);
}

/* ---- random happenings ---- */

static const char *const a_givens[] = {"Amélie", "Bjørn", "Chiara", "Dariusz", "Eitan", "Fumiko", "Gustavo",
                                       "Hanna", "Ïsolde", "Jamal", "Kasia", "Lorenzo", "Mei", "Nils"};
static const char *const a_families[] = {"Andersson", "Bianchi", "Çakır", "Dubois", "Eriksen", "Fujita",
                                         "González", "Horváth", "Ivanov", "Jansen", "O'Hara", "Ørsted"};
#define PICK(arr) (arr)[sb_rng_below(&a->r, sizeof(arr) / sizeof *(arr))]

static void new_customer(actx *a, int64_t t)
{
    sb_world *w = a->w;
    static const struct {
        const char *country, *city, *postal;
        int ccy;
    } places[] = {{"US", "Portland", "97201", W_USD}, {"GB", "Leeds", "LS1 4AP", W_GBP},
                  {"DE", "Köln", "50667", W_EUR}, {"FR", "Nantes", "44000", W_EUR},
                  {"JP", "京都市", "600-8216", W_JPY}};
    WG_GROW(w->customers, w->n_customers, a->cap_cust);
    size_t i = w->n_customers++;
    w_customer *c = &w->customers[i];
    memset(c, 0, sizeof *c);
    c->created = c->updated = t;
    c->given = PICK(a_givens);
    c->family = PICK(a_families);
    c->display = sb_arena_printf(w->arena, "%s %s", c->given, c->family);
    c->name_on_file = 1;
    c->email = sb_arena_printf(w->arena, "customer%zu.e%d@example.com", i, w->epoch);
    c->ccy = W_USD;
    if (sb_rng_pct(&a->r, 70)) {
        size_t k = sb_rng_below(&a->r, sizeof places / sizeof *places);
        c->has_address = 1;
        c->line1 = sb_arena_printf(w->arena, "%d Elm Street", (int)sb_rng_range(&a->r, 1, 999));
        c->city = places[k].city;
        c->postal = places[k].postal;
        c->country = places[k].country;
        c->ccy = places[k].ccy;
    }
    c->bank = sb_rng_pct(&a->r, 5);
    ev(a, t, W_K_CUSTOMER, W_EV_CREATED, i);
}

/* A random customer alive at t (created before it), or -1. */
static long live_customer(actx *a, int64_t t, int deletable)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_customers; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_customers);
        const w_customer *c = &w->customers[i];
        if (!c->deleted_at && c->created < t && (!deletable || !c->keep))
            return (long)i;
    }
    return -1;
}

static void update_customer(actx *a, int64_t t)
{
    sb_world *w = a->w;
    long i = live_customer(a, t, 0);
    if (i < 0)
        return;
    w_customer *c = &w->customers[i];
    unsigned what = (unsigned)sb_rng_below(&a->r, 3);
    if (what == 2 && !c->has_address)
        what = 0;
    c->updated = t;
    if (what == 0) {
        const char *old = c->email;
        c->email = sb_arena_printf(w->arena, "customer%ld.e%d.updated@example.org", i, w->epoch);
        ev_field(a, t, W_K_CUSTOMER, (size_t)i, W_FLD_EMAIL, old, 0);
    } else if (what == 1) {
        const char *old = c->name_on_file ? c->display : NULL;
        c->family = PICK(a_families);
        c->business = NULL;
        c->name_on_file = 1;
        c->display = sb_arena_printf(w->arena, "%s %s", c->given, c->family);
        ev_field(a, t, W_K_CUSTOMER, (size_t)i, W_FLD_NAME, old, 0);
    } else {
        const char *old = c->line1;
        c->line1 = sb_arena_printf(w->arena, "%d Moved Avenue", (int)sb_rng_range(&a->r, 1, 999));
        ev_field(a, t, W_K_CUSTOMER, (size_t)i, W_FLD_LINE1, old, 0);
    }
}

/* Deleting a customer cancels its subscriptions at once (as Stripe does). */
static void delete_customer(actx *a, int64_t t)
{
    sb_world *w = a->w;
    long i = live_customer(a, t, 1);
    if (i < 0)
        return;
    if ((size_t)i < a->n_customers0)
        for (uint32_t k = a->subs_at[i]; k < a->subs_at[i + 1]; k++)
            end_sub(a, a->subs_of[k], t, W_CANCEL_REQUESTED);
    for (size_t s = a->n_subs0; s < w->n_subs; s++)
        if (w->subs[s].customer == i)
            end_sub(a, s, t, W_CANCEL_REQUESTED);
    w->customers[i].deleted_at = w->customers[i].updated = t;
    ev(a, t, W_K_CUSTOMER, W_EV_DELETED, (size_t)i);
}

static void new_sub(actx *a, int64_t t)
{
    sb_world *w = a->w;
    long cu = live_customer(a, t, 0);
    if (cu < 0)
        return;
    int ccy = w->customers[cu].ccy, price = -1;
    size_t seen = 0;
    for (size_t i = 0; i < w->n_prices; i++) { /* reservoir sampling */
        const w_price *p = &w->prices[i];
        if (p->ccy == ccy && p->recurring && offered(w, p, t) && sb_rng_below(&a->r, ++seen) == 0)
            price = (int)i;
    }
    if (price < 0)
        return;
    const w_price *p = &w->prices[price];
    WG_GROW(w->subs, w->n_subs, a->cap_sub);
    size_t si = w->n_subs++;
    w_sub *s = &w->subs[si];
    memset(s, 0, sizeof *s);
    s->customer = (int)cu;
    s->ccy = ccy;
    s->created = s->start_date = s->updated = t;
    s->last_payment = s->last_failure = s->latest_invoice = -1;
    WG_GROW(w->items, w->n_items, a->cap_item);
    s->first_item = (uint32_t)w->n_items;
    s->n_items = 1;
    int64_t q = p->metered ? -1 : p->quantity_ok && sb_rng_pct(&a->r, 30) ? sb_rng_range(&a->r, 2, 5) : 1;
    w->items[w->n_items++] = (w_item){.sub = (int)si, .price = price, .created = t, .quantity = q};
    ev(a, t, W_K_SUB, W_EV_CREATED, si);
    if (p->n_phases > 0 && p->phases[0].price == 0) { /* a free trial: a zero invoice, paid */
        s->status = W_SUB_TRIALING;
        s->trial_start = t;
        s->trial_end = s->anchor = w_period_start(t, p->phases[0].unit, p->phases[0].count, p->phases[0].total);
        w->items[s->first_item].period_start = t;
        w->items[s->first_item].period_end = s->trial_end;
        size_t inv = new_invoice(a, (int)cu, (int)si, t, W_REASON_CREATE, ccy);
        add_line(a, inv, W_LINE_SUBSCRIPTION, (int)s->first_item, price, q < 0 ? 1 : q, 0, t, s->trial_end,
                 sb_arena_printf(w->arena, "Trial period for %s", product_name(w, price)));
        totals(a, inv, p);
        w->subs[si].latest_invoice = (int32_t)inv;
        finalize(a, inv, t, 1);
        w->subs[si].next_period = w->subs[si].anchor;
        schedule(a, w->subs[si].anchor, A_RENEW, si);
        return;
    }
    s->status = W_SUB_ACTIVE;
    s->anchor = s->next_period = t;
    renew(a, si, t);          /* the first period's invoice, made now ... */
    size_t inv = (size_t)w->subs[si].latest_invoice;
    finalize(a, inv, t, 1);   /* ... and charged at once */
}

static long pick_live_sub(actx *a)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_subs; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_subs);
        if (live(&w->subs[i]) && !w->subs[i].cancel_at_period_end)
            return (long)i;
    }
    return -1;
}

static void cancel_sub(actx *a, int64_t t)
{
    long si = pick_live_sub(a);
    if (si < 0)
        return;
    w_sub *s = &a->w->subs[si];
    if (sb_rng_pct(&a->r, 50) || !s->next_period) {
        end_sub(a, (size_t)si, t, W_CANCEL_REQUESTED);
        return;
    }
    s->cancel_at_period_end = 1;
    s->cancel_at = s->next_period;
    s->canceled_at = s->updated = t;
    s->cancel_reason = W_CANCEL_REQUESTED;
    ev_field(a, t, W_K_SUB, (size_t)si, W_FLD_CANCEL_AT_PERIOD_END, NULL, 0);
}

static void one_off(actx *a, int64_t t)
{
    sb_world *w = a->w;
    static const char *const descriptions[] = {"Top-up", "Workshop seat", "Café crème ☕ ×2", NULL};
    long cu = sb_rng_pct(&a->r, 20) ? -1 : live_customer(a, t, 0);
    int ccy = cu >= 0 ? w->customers[cu].ccy : W_USD;
    const w_currency *c = &w_currencies[ccy];
    int64_t amount = w_round(ccy, sb_rng_range(&a->r, 1, 300) * c->unit);
    size_t p = new_payment(a, (int)cu, ccy, amount, t, sb_rng_pct(&a->r, 8), PICK(descriptions));
    if (cu < 0)
        w->payments[p].guest = a->guests++;
}

/* A refund of an old payment (a day old at least): the rest of it, or a part. */
static void refund(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_payments; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_payments);
        w_payment *p = &w->payments[i];
        int64_t q = w_currencies[p->ccy].quantum, left = p->amount - p->amount_refunded;
        if (p->status != W_PAY_SUCCEEDED || p->uncaptured || p->dispute || left < q || p->created > t - W_DAY)
            continue;
        int64_t amount = sb_rng_pct(&a->r, 50) || left < 2 * q ? left : sb_rng_range(&a->r, 1, left / q - 1) * q;
        WG_GROW(w->refunds, w->n_refunds, a->cap_ref);
        size_t r = w->n_refunds++;
        w->refunds[r] = (w_refund){.payment = (int)i, .created = t, .amount = amount, .status = W_RE_SUCCEEDED,
                                   .reason = 1 + (int)sb_rng_below(&a->r, 3), .updated = t};
        ev(a, t, W_K_REFUND, W_EV_CREATED, r);
        int64_t old = p->amount_refunded;
        p->amount_refunded += amount;
        p->updated = t;
        wg_event_field(w, &a->cap_ev, t, W_K_PAYMENT, W_EV_REFUNDED, i, W_FLD_AMOUNT_REFUNDED, NULL, old);
        return;
    }
}

static void dispute(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_payments; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_payments);
        w_payment *p = &w->payments[i];
        if (p->status != W_PAY_SUCCEEDED || p->uncaptured || p->dispute || p->amount_refunded ||
            p->created > t - 2 * W_DAY || p->created < t - 60 * W_DAY)
            continue;
        p->dispute = sb_rng_pct(&a->r, 60) ? W_DISPUTE_REVERSAL : W_DISPUTE_CHARGEBACK;
        p->disputed_at = p->updated = t;
        ev(a, t, W_K_DISPUTE, W_EV_CREATED, i);
        schedule(a, w_dispute_closes(p), A_DISPUTE_CLOSE, i);
        return;
    }
}

/* Only prices added after the initial catalog are archived: the catalog's hard cases stay. */
static void archive_price(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_prices; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_prices);
        w_price *p = &w->prices[i];
        if (p->created <= WG_TS_CATALOG || p->archived_at || p->draft || p->created >= t)
            continue;
        p->archived_at = p->updated = t;
        ev_field(a, t, W_K_PRICE, i, W_FLD_ACTIVE, NULL, 1);
        return;
    }
}

/* A new price of a live product: a recurring one like an offered price, a step dearer. */
static void new_price(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_prices; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_prices);
        const w_price *like = &w->prices[i];
        if (!like->recurring || like->metered || like->tiered || like->n_phases || !offered(w, like, t))
            continue;
        WG_GROW(w->prices, w->n_prices, a->cap_price);
        size_t n = w->n_prices++;
        w_price *p = &w->prices[n];
        *p = w->prices[i];
        p->created = p->updated = t;
        p->archived_at = 0;
        p->unit_amount += w_currencies[p->ccy].unit;
        p->decimal = sb_arena_printf(w->arena, "%lld", (long long)p->unit_amount);
        p->nickname = sb_arena_printf(w->arena, "Price %zu", n);
        p->total_cycles = 0;
        ev(a, t, W_K_PRICE, W_EV_CREATED, n);
        return;
    }
}

/* A live product's description rewritten. */
static void update_product(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_products; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_products);
        w_product *p = &w->products[i];
        if (p->deleted || p->created >= t)
            continue;
        const char *old = p->description;
        p->description = sb_arena_printf(w->arena, "%s — revised (epoch %d)", p->name, w->epoch);
        p->updated = t;
        ev_field(a, t, W_K_PRODUCT, i, W_FLD_DESCRIPTION, old, 0);
        return;
    }
}

/* An open one-off invoice: paid, voided or written off. */
static void close_one_off(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_invoices; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_invoices);
        const w_invoice *v = &w->invoices[i];
        if (v->sub >= 0 || v->status != W_INV_OPEN || v->created >= t || w->customers[v->customer].deleted_at)
            continue;
        unsigned roll = (unsigned)sb_rng_below(&a->r, 100);
        if (roll < 60)
            charge(a, i, t, 0);
        else
            close_invoice(a, i, roll < 85 ? W_INV_VOID : W_INV_UNCOLLECTIBLE, t);
        return;
    }
}

/* A one-off draft: deleted, or finalized and sent. */
static void draft(actx *a, int64_t t)
{
    sb_world *w = a->w;
    for (int tries = 0; tries < 64 && w->n_invoices; tries++) {
        size_t i = sb_rng_below(&a->r, w->n_invoices);
        w_invoice *v = &w->invoices[i];
        if (v->sub >= 0 || v->status != W_INV_DRAFT || v->deleted_at || v->created >= t)
            continue;
        if (sb_rng_pct(&a->r, 60)) {
            v->deleted_at = v->updated = t;
            ev(a, t, W_K_INVOICE, W_EV_DELETED, i);
            return;
        }
        v->send = 1;
        v->status = W_INV_OPEN;
        v->finalized_at = v->updated = t;
        v->due_date = t + 30 * W_DAY;
        v->number = ++*number_slot(a, v->customer);
        ev(a, t, W_K_INVOICE, W_EV_FINALIZED, i);
        return;
    }
}

/* ---- the run ---- */

static void run(actx *a, const action *x)
{
    sb_world *w = a->w;
    switch (x->kind) {
    case A_RENEW: renew(a, x->target, x->t); break;
    case A_FINALIZE: finalize(a, x->target, x->t, 0); break;
    case A_RETRY:
        if (w->invoices[x->target].status == W_INV_OPEN)
            charge(a, x->target, x->t, 0);
        break;
    case A_SETTLE: {
        w_payment *p = &w->payments[x->target];
        if (p->status != W_PAY_PENDING)
            break;
        p->status = W_PAY_SUCCEEDED;
        p->updated = x->t;
        ev(a, x->t, W_K_PAYMENT, W_EV_SUCCEEDED, x->target);
        if (p->invoice >= 0 && w->invoices[p->invoice].status == W_INV_OPEN)
            invoice_paid(a, (size_t)p->invoice, x->t);
        break;
    }
    case A_EXPIRE: {
        w_sub *s = &w->subs[x->target];
        if (s->status != W_SUB_INCOMPLETE)
            break;
        s->status = W_SUB_INCOMPLETE_EXPIRED;
        s->ended_at = s->updated = x->t;
        ev(a, x->t, W_K_SUB, W_EV_DELETED, x->target);
        if (s->latest_invoice >= 0 && w->invoices[s->latest_invoice].status == W_INV_OPEN)
            close_invoice(a, (size_t)s->latest_invoice, W_INV_VOID, x->t);
        break;
    }
    case A_CAPTURE: {
        w_payment *p = &w->payments[x->target];
        p->uncaptured = 0;
        p->fee = wg_payment_fee(p);
        p->updated = x->t;
        ev(a, x->t, W_K_PAYMENT, W_EV_CAPTURED, x->target);
        break;
    }
    case A_REFUND_SETTLE: {
        w_refund *r = &w->refunds[x->target];
        int old = r->status;
        r->status = W_RE_SUCCEEDED;
        r->updated = x->t;
        wg_event_field(w, &a->cap_ev, x->t, W_K_REFUND, W_EV_UPDATED, x->target, W_FLD_STATUS, NULL, old);
        break;
    }
    case A_DISPUTE_CLOSE: ev(a, x->t, W_K_DISPUTE, W_EV_CLOSED, x->target); break;
    case A_NEW_CUSTOMER: new_customer(a, x->t); break;
    case A_UPDATE_CUSTOMER: update_customer(a, x->t); break;
    case A_DELETE_CUSTOMER: delete_customer(a, x->t); break;
    case A_NEW_SUB: new_sub(a, x->t); break;
    case A_CANCEL_SUB: cancel_sub(a, x->t); break;
    case A_ONE_OFF: one_off(a, x->t); break;
    case A_REFUND: refund(a, x->t); break;
    case A_DISPUTE: dispute(a, x->t); break;
    case A_ARCHIVE_PRICE: archive_price(a, x->t); break;
    case A_NEW_PRICE: new_price(a, x->t); break;
    case A_CLOSE_INVOICE: close_one_off(a, x->t); break;
    case A_DRAFT: draft(a, x->t); break;
    case A_UPDATE_PRODUCT: update_product(a, x->t); break;
    }
}

/* What the records' state says will happen in the window. */
static void schedule_due(actx *a)
{
    sb_world *w = a->w;
    for (size_t i = 0; i < w->n_subs; i++) {
        const w_sub *s = &w->subs[i];
        if (live(s) && s->next_period)
            schedule(a, s->next_period, A_RENEW, i);
        else if (live(s) && s->cancel_at_period_end && s->cancel_at)
            schedule(a, s->cancel_at, A_RENEW, i);
        if (s->status == W_SUB_INCOMPLETE)
            schedule(a, max64(s->created + 23 * HOUR, a->t0 + 1), A_EXPIRE, i);
        if (s->status == W_SUB_PAST_DUE && s->latest_invoice >= 0 && s->last_failure >= 0)
            schedule(a, max64(w->payments[s->last_failure].created + 5 * W_DAY, a->t0 + 1), A_RETRY,
                     (size_t)s->latest_invoice);
    }
    for (size_t i = 0; i < w->n_invoices; i++) {
        const w_invoice *v = &w->invoices[i];
        if (v->sub >= 0 && v->status == W_INV_DRAFT && !v->deleted_at)
            schedule(a, max64(v->created + HOUR, a->t0 + 1), A_FINALIZE, i);
    }
    for (size_t i = 0; i < w->n_payments; i++) {
        const w_payment *p = &w->payments[i];
        if (p->status == W_PAY_PENDING)
            schedule(a, max64(p->created + 4 * W_DAY, a->t0 + 1), A_SETTLE, i);
        if (p->uncaptured)
            schedule(a, max64(p->created + 2 * W_DAY, a->t0 + 1), A_CAPTURE, i);
        if (p->dispute)
            schedule(a, w_dispute_closes(p), A_DISPUTE_CLOSE, i);
    }
    for (size_t i = 0; i < w->n_refunds; i++)
        if (w->refunds[i].status == W_RE_PENDING)
            schedule(a, max64(w->refunds[i].created + 5 * W_DAY, a->t0 + 1), A_REFUND_SETTLE, i);
}

/* Each kind of random happening: its expected count over the window, at least one. */
static void schedule_random(actx *a, int days)
{
    for (int k = A_NEW_CUSTOMER; k < A_NKINDS; k++) {
        uint64_t tenths = (uint64_t)rate_tenths[k] * (uint64_t)a->w->scale * (uint64_t)days;
        uint64_t n = tenths / 10000;
        if (sb_rng_below(&a->r, 10000) < tenths % 10000)
            n++;
        for (uint64_t i = 0; i < (n ? n : 1); i++)
            schedule(a, sb_rng_range(&a->r, a->t0 + 1, a->t1), k, 0);
    }
}

static void index_subs(actx *a)
{
    const sb_world *w = a->w;
    a->n_customers0 = w->n_customers;
    a->n_subs0 = w->n_subs;
    a->subs_at = sb_xcalloc(w->n_customers + 1, sizeof *a->subs_at);
    a->subs_of = sb_xmalloc((w->n_subs ? w->n_subs : 1) * sizeof *a->subs_of);
    for (size_t s = 0; s < w->n_subs; s++)
        a->subs_at[w->subs[s].customer + 1]++;
    for (size_t c = 0; c < w->n_customers; c++)
        a->subs_at[c + 1] += a->subs_at[c];
    uint32_t *fill = sb_xmalloc((w->n_customers + 1) * sizeof *fill);
    memcpy(fill, a->subs_at, (w->n_customers + 1) * sizeof *fill);
    for (size_t s = 0; s < w->n_subs; s++)
        a->subs_of[fill[w->subs[s].customer]++] = (uint32_t)s;
    free(fill);
}

/* The log oldest first again: a change logged a minute ahead (dunning) may precede others.
 * Insertion sort, stable, on the nearly sorted tail this advance appended. */
static void order_log(sb_world *w, size_t from)
{
    for (size_t i = from + 1; i < w->n_events; i++) {
        w_event e = w->events[i];
        size_t k = i;
        while (k > from && w->events[k - 1].at > e.at) {
            w->events[k] = w->events[k - 1];
            k--;
        }
        w->events[k] = e;
    }
}

/* Per payment its refunds, newest first (refunds are appended to old payments). */
static void index_refunds(sb_world *w)
{
    for (size_t i = 0; i < w->n_payments; i++)
        w->payments[i].n_refunds = 0;
    for (size_t k = 0; k < w->n_refunds; k++)
        w->payments[w->refunds[k].payment].n_refunds++;
    uint32_t off = 0;
    for (size_t i = 0; i < w->n_payments; i++) {
        w->payments[i].first_refund = off;
        off += w->payments[i].n_refunds;
        w->payments[i].n_refunds = 0;
    }
    free(w->payment_refunds);
    w->payment_refunds = sb_xmalloc((w->n_refunds ? w->n_refunds : 1) * sizeof *w->payment_refunds);
    for (size_t k = w->n_refunds; k-- > 0;) {
        w_payment *p = &w->payments[w->refunds[k].payment];
        w->payment_refunds[p->first_refund + p->n_refunds++] = (uint32_t)k;
    }
}

void sb_world_advance(const sb_world *from, int days, sb_world *out)
{
    *out = *from;
    sb_world *w = out;
    actx a;
    memset(&a, 0, sizeof a);
    a.w = w;
    w->customers = dup_array(from->customers, from->n_customers, sizeof *w->customers, &a.cap_cust);
    w->products = dup_array(from->products, from->n_products, sizeof *w->products, &(size_t){0});
    w->prices = dup_array(from->prices, from->n_prices, sizeof *w->prices, &a.cap_price);
    w->subs = dup_array(from->subs, from->n_subs, sizeof *w->subs, &a.cap_sub);
    w->items = dup_array(from->items, from->n_items, sizeof *w->items, &a.cap_item);
    w->invoices = dup_array(from->invoices, from->n_invoices, sizeof *w->invoices, &a.cap_inv);
    w->lines = dup_array(from->lines, from->n_lines, sizeof *w->lines, &a.cap_line);
    w->payments = dup_array(from->payments, from->n_payments, sizeof *w->payments, &a.cap_pay);
    w->refunds = dup_array(from->refunds, from->n_refunds, sizeof *w->refunds, &a.cap_ref);
    w->events = dup_array(from->events, from->n_events, sizeof *w->events, &a.cap_ev);
    w->payment_refunds = NULL;
    w->shares_arena = 1;
    w->epoch = from->epoch + 1;
    a.t0 = from->now;
    a.t1 = w->now = from->now + (int64_t)days * W_DAY;
    sb_rng_seed(&a.r, w->seed ^ sb_mix64((uint64_t)a.t0), WG_STREAM_ADVANCE);
    for (size_t i = 0; i < w->n_invoices; i++)
        if (w->invoices[i].number > *number_slot(&a, w->invoices[i].customer))
            *number_slot(&a, w->invoices[i].customer) = w->invoices[i].number;
    for (size_t i = 0; i < w->n_payments; i++)
        if (w->payments[i].customer < 0 && w->payments[i].guest >= a.guests)
            a.guests = w->payments[i].guest + 1;
    index_subs(&a);
    schedule_due(&a);
    schedule_random(&a, days);
    while (a.n_heap) {
        action x = pop(&a);
        run(&a, &x);
    }
    index_refunds(w);
    order_log(w, from->n_events);
    free(a.heap);
    free(a.numbers);
    free(a.subs_at);
    free(a.subs_of);
}
