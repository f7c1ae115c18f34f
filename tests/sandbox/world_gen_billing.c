/* Billing: every subscription played out from its creation to W_NOW. A free trial gets a
 * zero invoice; then each regular period an invoice (created at the period start and
 * finalized an hour later, still a draft within that hour) with a line per item due —
 * licensed in advance, metered in arrears, tiered by tiers — a proration for an item
 * added during the previous period, sometimes a one-off item, a coupon's discount (the
 * invoice's) or an introductory price's (the line's own), and tax. Each invoice is charged: attempts fail with the
 * customer's card or by intent, are retried 3, 8 and 15 days later up to the price's
 * threshold, then dunning cancels the subscription or leaves it unpaid. A first payment
 * that fails leaves it incomplete (expired after 23 hours). Cancellation takes effect at
 * once or at the period's end; finite plans expire. One-off invoices (sent or charged,
 * paid, open, void, uncollectible, drafts) follow. */
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_time.h"
#include "world_gen.h"

#define HOUR 3600LL

typedef struct bctx {
    sb_world *w;
    sb_rng r;
    w_invoice *inv;
    size_t n_inv, cap_inv;
    w_line *lines;
    size_t n_lines, cap_lines;
    w_payment *pay;
    size_t n_pay, cap_pay;
    int one_time[W_NCCY][8]; /* one-time prices per currency */
    size_t n_one_time[W_NCCY];
} bctx;

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static size_t new_invoice(bctx *b, int customer, int sub, int64_t created, int reason, int ccy)
{
    WG_GROW(b->inv, b->n_inv, b->cap_inv);
    w_invoice *v = &b->inv[b->n_inv];
    memset(v, 0, sizeof *v);
    v->customer = customer;
    v->sub = sub;
    v->created = v->period_start = v->period_end = created;
    v->reason = reason;
    v->ccy = ccy;
    v->first_line = (uint32_t)b->n_lines;
    v->payment = -1;
    v->status = W_INV_DRAFT;
    return b->n_inv++;
}

static w_line *add_line(bctx *b, size_t inv, int kind, int item, int price, int64_t quantity,
                        int64_t amount, int64_t ps, int64_t pe, const char *description)
{
    WG_GROW(b->lines, b->n_lines, b->cap_lines);
    w_line *l = &b->lines[b->n_lines++];
    *l = (w_line){(int)inv, kind, W_DISCOUNT_NONE, item, price, quantity, amount, 0, 0, ps, pe, description};
    b->inv[inv].n_lines++;
    return l;
}

/* Tax per line (so the lines add up to the invoice), then the invoice's totals: an intro
 * price's discount is the line's own (out of the subtotal), the coupon's share the
 * invoice's. */
static void totals(bctx *b, size_t inv, const w_price *taxed_by)
{
    w_invoice *v = &b->inv[inv];
    if (taxed_by && taxed_by->tax_pct && b->w->customers[v->customer].tax_exempt != 1) {
        v->tax_pct = taxed_by->tax_pct;
        v->tax_inclusive = taxed_by->tax_inclusive;
    }
    for (uint32_t k = 0; k < v->n_lines; k++) {
        w_line *l = &b->lines[v->first_line + k];
        int64_t base = l->amount - l->discount;
        if (v->tax_pct && base > 0)
            l->tax = w_round(v->ccy, v->tax_inclusive ? base * v->tax_pct / (100 + v->tax_pct)
                                                       : base * v->tax_pct / 100);
        int own = l->discount_kind == W_DISCOUNT_INTRO;
        v->subtotal += l->amount - (own ? l->discount : 0);
        v->discount += own ? 0 : l->discount;
        v->tax += l->tax;
    }
    v->total = v->subtotal - v->discount + (v->tax_inclusive ? 0 : v->tax);
}

static const char *product_name(const sb_world *w, int price)
{
    return w->products[w->prices[price].product].name;
}

int64_t wg_licensed_amount(const w_price *p, int64_t q)
{
    if (p->tiered)
        return (q < p->tier_upto ? q : p->tier_upto) * p->tier1 + (q > p->tier_upto ? q - p->tier_upto : 0) * p->tier2;
    return p->unit_amount * q;
}

int64_t wg_metered_amount(const w_price *p, int64_t usage)
{
    if (p->unit_amount >= 0)
        return p->unit_amount * usage;
    const char *dot = strchr(p->decimal, '.');
    int64_t hundredths = dot ? strtoll(dot + 1, NULL, 10) : 0;
    return (usage * hundredths + 50) / 100;
}

static const char *every(sb_world *w, const w_price *p)
{
    if (p->interval_count == 1)
        return sb_arena_printf(w->arena, "/ %s", w_interval_names[p->interval]);
    return sb_arena_printf(w->arena, "every %d %ss", p->interval_count, w_interval_names[p->interval]);
}

/* One payment attempt at t; returns the payment's index. */
static size_t attempt(bctx *b, size_t inv, int64_t t, int fail)
{
    const w_invoice *v = &b->inv[inv];
    const w_customer *cu = &b->w->customers[v->customer];
    WG_GROW(b->pay, b->n_pay, b->cap_pay);
    w_payment *p = &b->pay[b->n_pay];
    memset(p, 0, sizeof *p);
    p->customer = v->customer;
    p->guest = -1;
    p->invoice = (int)inv;
    p->created = t;
    p->amount = v->total;
    p->ccy = v->ccy;
    p->bank = cu->bank;
    p->description = v->reason == W_REASON_CREATE ? "Subscription creation"
                     : v->reason == W_REASON_CYCLE ? "Subscription update" : "Payment for Invoice";
    if (fail) {
        p->status = W_PAY_FAILED;
        p->failure = sb_rng_pct(&b->r, 33) ? W_FAIL_FUNDS : W_FAIL_DECLINED;
    } else {
        p->status = cu->bank && t > W_NOW - 4 * W_DAY ? W_PAY_PENDING : W_PAY_SUCCEEDED;
    }
    b->inv[inv].payment = (int32_t)b->n_pay;
    b->inv[inv].attempts++;
    if (v->sub >= 0) {
        w_sub *s = &b->w->subs[v->sub];
        if (fail)
            s->last_failure = (int32_t)b->n_pay;
        else
            s->last_payment = (int32_t)b->n_pay;
    }
    return b->n_pay++;
}

enum { PAID, PROCESSING, RETRYING, EXHAUSTED };

/* Finalize at t and collect: attempts at t, +3, +8, +15 days (at most `tries`); all fail
 * when fail_all, the first one now and then. *last: the time of the last attempt. */
static int collect(bctx *b, size_t inv, int64_t t, int tries, int fail_all, int64_t *last)
{
    static const int64_t retry[4] = {0, 3 * W_DAY, 8 * W_DAY, 15 * W_DAY};
    w_invoice *v = &b->inv[inv];
    v->status = W_INV_OPEN;
    v->finalized_at = *last = t;
    if (v->total == 0) {
        v->status = W_INV_PAID;
        v->paid_at = t;
        return PAID;
    }
    for (int j = 0; j < tries; j++) {
        int64_t a = t + retry[j];
        if (a > W_NOW)
            return RETRYING;
        *last = a;
        int fail = fail_all || (j == 0 && sb_rng_pct(&b->r, 5));
        size_t p = attempt(b, inv, a, fail);
        if (fail)
            continue;
        if (b->pay[p].status == W_PAY_PENDING)
            return PROCESSING;
        v->status = W_INV_PAID;
        v->paid_at = a;
        v->amount_paid = v->total;
        return PAID;
    }
    return EXHAUSTED;
}

static void close_invoice(bctx *b, size_t inv, int status, int64_t t)
{
    w_invoice *v = &b->inv[inv];
    v->status = status;
    if (status == W_INV_VOID)
        v->voided_at = t;
    else if (status == W_INV_UNCOLLECTIBLE)
        v->uncollectible_at = t;
}

/* Is item i due at P on its own schedule? Sets the period it starts and the one before. */
static int due(const sb_world *w, const w_sub *s, const w_item *it, int64_t P, int64_t *prev, int64_t *next)
{
    const w_price *p = &w->prices[it->price];
    int64_t ps, pe;
    w_period_at(s->anchor, p->interval, p->interval_count, P, &ps, &pe);
    if (ps != P)
        return 0;
    *next = pe;
    w_period_at(s->anchor, p->interval, p->interval_count, P - 1, prev, &pe);
    return 1;
}

/* The lines of regular period k starting at P (previous boundary Pprev). */
static void period_lines(bctx *b, size_t inv, const w_sub *s, int k, int64_t P, int64_t Pprev)
{
    sb_world *w = b->w;
    const w_price *main = &w->prices[w->items[s->first_item].price];
    int n_free = 0;
    while (n_free < main->n_phases && main->phases[n_free].price == 0)
        n_free++;
    int intro_cycles = n_free < main->n_phases ? main->phases[n_free].total : 0;
    int coupon = s->coupon_pct && (!s->coupon_cycles || k < s->coupon_cycles);
    for (uint32_t i = 0; i < s->n_items; i++) {
        const w_item *it = &w->items[s->first_item + i];
        const w_price *p = &w->prices[it->price];
        int64_t prev, next;
        if (it->created > P || !due(w, s, it, P, &prev, &next))
            continue;
        if (it->created > Pprev && it->created < P && k > 0 && !p->metered && !p->tiered) {
            int64_t amount = w_round(s->ccy, wg_licensed_amount(p, it->quantity) * (P - it->created) / (P - prev));
            char day[32];
            sb_time_rfc3339(it->created, day);
            day[10] = '\0';
            add_line(b, inv, W_LINE_PRORATION, (int)(s->first_item + i), it->price, it->quantity, amount,
                     it->created, P, sb_arena_printf(w->arena, "Remaining time on %lld × %s after %s",
                                                     (long long)it->quantity, product_name(w, it->price), day));
        }
        w_line *l;
        if (p->metered) {
            int64_t usage = k == 0 ? 0 : sb_rng_range(&b->r, 0, 2000);
            l = add_line(b, inv, W_LINE_SUBSCRIPTION, (int)(s->first_item + i), it->price, usage,
                         wg_metered_amount(p, usage), k == 0 ? P : prev, k == 0 ? next : P,
                         sb_arena_printf(w->arena, "%lld × %s (usage)", (long long)usage, product_name(w, it->price)));
        } else {
            const char *d = p->tiered
                                ? sb_arena_printf(w->arena, "%lld × %s (tiered)", (long long)it->quantity, product_name(w, it->price))
                                : sb_arena_printf(w->arena, "%lld × %s (at %s %s)", (long long)it->quantity,
                                                  product_name(w, it->price), wg_money_text(w, p->ccy, p->unit_amount), every(w, p));
            l = add_line(b, inv, W_LINE_SUBSCRIPTION, (int)(s->first_item + i), it->price, it->quantity,
                         wg_licensed_amount(p, it->quantity), P, next, d);
            if (i == 0 && k < intro_cycles && l->amount > main->phases[n_free].price * it->quantity) {
                l->discount = l->amount - main->phases[n_free].price * it->quantity;
                l->discount_kind = W_DISCOUNT_INTRO; /* the coupon waits for the regular price */
            }
        }
        if (coupon && !l->discount_kind && l->amount > 0) {
            l->discount = w_round(s->ccy, l->amount * s->coupon_pct / 100);
            l->discount_kind = W_DISCOUNT_COUPON;
        }
    }
    if (k > 0 && b->n_one_time[s->ccy] && sb_rng_pct(&b->r, 4)) { /* a pending one-off item */
        int p = b->one_time[s->ccy][sb_rng_below(&b->r, b->n_one_time[s->ccy])];
        add_line(b, inv, W_LINE_ONE_OFF, -1, p, 1, w->prices[p].unit_amount, P, P, product_name(w, p));
    }
}

static void play(bctx *b, size_t si, const wg_intent *in)
{
    sb_world *w = b->w;
    w_sub *s = &w->subs[si];
    const w_price *main = &w->prices[w->items[s->first_item].price];
    int tries = main->failure_threshold;
    int64_t t = s->created, last = 0;
    s->last_payment = s->last_failure = -1;

    int64_t free_end = t;
    for (int i = 0; i < main->n_phases && main->phases[i].price == 0; i++)
        free_end = w_period_start(free_end, main->phases[i].unit, main->phases[i].count, main->phases[i].total);
    if (free_end == t && in->trial_days)
        free_end = t + in->trial_days * W_DAY;
    if (free_end > t) {
        s->trial_start = s->start_date = t;
        s->trial_end = free_end;
    }
    s->anchor = s->trial_end ? s->trial_end : s->start_date;
    int free_cycles = 0;
    while (free_cycles < main->n_phases && main->phases[free_cycles].price == 0)
        free_cycles++;
    int intro = free_cycles < main->n_phases ? main->phases[free_cycles].total : 0;

    /* when a cancellation request takes effect */
    int64_t c = in->cancel_request, stop = W_NOW + 1;
    if (c && c <= W_NOW) {
        s->canceled_at = c;
        s->cancel_reason = W_CANCEL_REQUESTED;
        stop = c;
        if (in->at_period_end) {
            int64_t ps;
            if (c < s->anchor)
                stop = s->anchor;
            else
                w_period_at(s->anchor, main->interval, main->interval_count, c, &ps, &stop);
            s->cancel_at_period_end = 1;
            s->cancel_at = stop;
        }
    }

    int state = W_SUB_ACTIVE;
    if (s->trial_end) {
        size_t inv = new_invoice(b, s->customer, (int)si, t, W_REASON_CREATE, s->ccy);
        for (uint32_t i = 0; i < s->n_items; i++) {
            const w_item *it = &w->items[s->first_item + i];
            if (it->created <= t)
                add_line(b, inv, W_LINE_SUBSCRIPTION, (int)(s->first_item + i), it->price, it->quantity, 0,
                         s->trial_start, s->trial_end,
                         sb_arena_printf(w->arena, "Trial period for %s", product_name(w, it->price)));
        }
        totals(b, inv, main);
        collect(b, inv, t, 1, 0, &last);
        s->latest_invoice = (int32_t)inv;
        if (in->no_payment_method && s->trial_end <= min64(stop, W_NOW))
            state = W_SUB_PAUSED;
    }
    int k = 0;
    int64_t P = s->anchor, Pprev = s->anchor;
    while (state == W_SUB_ACTIVE && P < stop && P <= W_NOW) {
        if (main->total_cycles && k >= intro + main->total_cycles) {
            s->ended_at = s->canceled_at = P; /* every cycle of a finite plan ran */
            s->cancel_reason = W_CANCEL_EXPIRED;
            s->cancel_at = P;
            break;
        }
        int create = k == 0 && !s->trial_end;
        size_t inv = new_invoice(b, s->customer, (int)si, create ? s->created : P,
                                 create ? W_REASON_CREATE : W_REASON_CYCLE, s->ccy);
        if (!create) {
            b->inv[inv].period_start = Pprev;
            b->inv[inv].period_end = P;
        }
        period_lines(b, inv, s, k, P, Pprev);
        totals(b, inv, main);
        s->latest_invoice = (int32_t)inv;
        s->periods = ++k;
        int64_t fin = create ? s->created : P + HOUR;
        Pprev = P;
        P = w_period_start(s->anchor, main->interval, main->interval_count, k);
        if (fin > W_NOW)
            break; /* a draft: finalized within the hour */
        if (create && in->first_fails) {
            collect(b, inv, fin, 1, 1, &last);
            state = W_SUB_INCOMPLETE;
            if (s->created + 23 * HOUR <= W_NOW) { /* the first invoice had 23 hours */
                state = W_SUB_INCOMPLETE_EXPIRED;
                s->ended_at = s->created + 23 * HOUR;
                close_invoice(b, inv, W_INV_VOID, s->ended_at);
            }
            break;
        }
        int r = collect(b, inv, fin, tries, in->fail_from >= 0 && k - 1 >= in->fail_from, &last);
        if (r == RETRYING) {
            state = W_SUB_PAST_DUE;
        } else if (r == EXHAUSTED) { /* dunning: cancel (the invoice is voided), or unpaid (written off) */
            int64_t at = min64(last + 60, W_NOW);
            if (in->dunning_cancels) {
                s->ended_at = s->canceled_at = at;
                s->cancel_reason = W_CANCEL_PAYMENT_FAILED;
                s->cancel_at_period_end = 0;
                s->cancel_at = 0;
            } else {
                state = W_SUB_UNPAID;
            }
            close_invoice(b, inv, in->dunning_cancels ? W_INV_VOID : W_INV_UNCOLLECTIBLE, at);
            break;
        }
    }
    if (state == W_SUB_ACTIVE && P > W_NOW && P < stop)
        s->next_period = P;
    if (!s->ended_at && stop <= W_NOW && state != W_SUB_INCOMPLETE) {
        s->ended_at = stop; /* the cancellation took effect */
    } else if (!s->ended_at && s->cancel_at_period_end && state != W_SUB_ACTIVE) {
        s->cancel_at_period_end = 0; /* the subscription stopped otherwise first */
        s->cancel_at = s->canceled_at = 0;
        s->cancel_reason = W_CANCEL_NONE;
    }
    if (s->ended_at && s->ended_at <= W_NOW)
        s->status = state == W_SUB_INCOMPLETE_EXPIRED ? state : W_SUB_CANCELED;
    else if (state == W_SUB_ACTIVE && s->trial_end > W_NOW)
        s->status = W_SUB_TRIALING;
    else
        s->status = state;
    if (s->status != W_SUB_CANCELED && s->cancel_reason != W_CANCEL_NONE && !s->cancel_at_period_end) {
        s->cancel_reason = W_CANCEL_NONE;
        s->canceled_at = 0;
    }

    /* each item's current period: the trial, or its own period at now (or at the end) */
    int64_t ref = s->ended_at ? s->ended_at - 1 : W_NOW;
    int64_t phase = s->created, left = s->periods;
    for (int i = 0; i < main->n_phases; i++) { /* cycles begun per phase */
        const w_phase *ph = &main->phases[i];
        if (ph->price) { /* a paid phase bills at the regular frequency */
            s->cycles[i] = (int)(left < ph->total ? left : ph->total);
            left -= s->cycles[i];
            continue;
        }
        while (s->trial_end && s->cycles[i] < ph->total && w_period_start(phase, ph->unit, ph->count, s->cycles[i]) <= ref)
            s->cycles[i]++;
        phase = w_period_start(phase, ph->unit, ph->count, ph->total);
    }
    s->cycles[main->n_phases] = (int)left;
    for (uint32_t i = 0; i < s->n_items; i++) {
        w_item *it = &w->items[s->first_item + i];
        const w_price *p = &w->prices[it->price];
        if (s->trial_end && ref < s->trial_end) {
            it->period_start = s->trial_start;
            it->period_end = s->trial_end;
        } else {
            w_period_at(s->anchor, p->interval, p->interval_count, ref, &it->period_start, &it->period_end);
        }
    }
}

/* Invoices of one-time prices: sent (due in 30 days) or charged, in every state. */
static void one_off_invoices(bctx *b)
{
    sb_world *w = b->w;
    for (size_t ci = 0; ci < w->n_customers; ci++) {
        const w_customer *cu = &w->customers[ci];
        int ccy = cu->ccy;
        if (!b->n_one_time[ccy] || !sb_rng_pct(&b->r, ci < 50 ? 50 : 6))
            continue;
        int64_t end = cu->deleted_at ? cu->deleted_at - HOUR : W_NOW;
        if (end - cu->created < 2 * W_DAY)
            continue;
        size_t inv = new_invoice(b, (int)ci, -1, sb_rng_range(&b->r, cu->created + W_DAY, end), W_REASON_MANUAL, ccy);
        w_invoice *v = &b->inv[inv];
        int n = 1 + (int)sb_rng_below(&b->r, 3);
        for (int k = 0; k < n; k++) {
            int p = b->one_time[ccy][sb_rng_below(&b->r, b->n_one_time[ccy])];
            int64_t q = 1 + (int64_t)sb_rng_below(&b->r, 3);
            add_line(b, inv, W_LINE_ONE_OFF, -1, p, q, w->prices[p].unit_amount * q, v->created, v->created,
                     product_name(w, p));
        }
        totals(b, inv, NULL);
        v = &b->inv[inv];
        v->send = sb_rng_pct(&b->r, 50);
        unsigned roll = (unsigned)sb_rng_below(&b->r, 100);
        int64_t fin = v->created + HOUR, last;
        if (roll < 8 || fin > W_NOW)
            continue; /* a draft */
        if (!v->send) {
            collect(b, inv, fin, 1, roll < 14, &last);
            continue;
        }
        v->status = W_INV_OPEN;
        v->finalized_at = fin;
        v->due_date = fin + 30 * W_DAY;
        int64_t paid = fin + sb_rng_range(&b->r, HOUR, 25 * W_DAY);
        if (roll < 15)
            close_invoice(b, inv, W_INV_VOID, min64(fin + 2 * W_DAY, W_NOW));
        else if (roll < 20 && v->due_date < W_NOW)
            close_invoice(b, inv, W_INV_UNCOLLECTIBLE, v->due_date + W_DAY < W_NOW ? v->due_date + W_DAY : W_NOW);
        else if (roll < 90 && paid <= W_NOW) {
            collect(b, inv, paid, 1, 0, &last);
            b->inv[inv].finalized_at = fin;
        }
    }
}

void wg_billing(sb_world *w, const wg_intent *intents)
{
    bctx b;
    memset(&b, 0, sizeof b);
    b.w = w;
    sb_rng_seed(&b.r, w->seed, WG_STREAM_BILLING);
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (!p->recurring && !p->archived_at && !w->products[p->product].deleted && b.n_one_time[p->ccy] < 8)
            b.one_time[p->ccy][b.n_one_time[p->ccy]++] = (int)i;
    }
    for (size_t i = 0; i < w->n_subs; i++)
        play(&b, i, &intents[i]);
    one_off_invoices(&b);

    /* invoices oldest first, each one's lines together in that order */
    uint32_t *at = sb_xmalloc((b.n_inv ? b.n_inv : 1) * sizeof *at);
    WG_SORT(b.inv, b.n_inv, w_invoice, at);
    w_line *lines = sb_xmalloc((b.n_lines ? b.n_lines : 1) * sizeof *lines);
    size_t nl = 0;
    int *numbers = sb_xcalloc(w->n_customers ? w->n_customers : 1, sizeof *numbers);
    for (size_t k = 0; k < b.n_inv; k++) {
        w_invoice *v = &b.inv[k];
        for (uint32_t j = 0; j < v->n_lines; j++) {
            lines[nl + j] = b.lines[v->first_line + j];
            lines[nl + j].invoice = (int)k;
        }
        v->first_line = (uint32_t)nl;
        nl += v->n_lines;
        if (v->status != W_INV_DRAFT)
            v->number = ++numbers[v->customer];
    }
    for (size_t i = 0; i < b.n_pay; i++)
        b.pay[i].invoice = (int)at[b.pay[i].invoice];
    for (size_t i = 0; i < w->n_subs; i++)
        if (w->subs[i].latest_invoice >= 0)
            w->subs[i].latest_invoice = (int32_t)at[w->subs[i].latest_invoice];
    free(numbers);
    free(at);
    free(b.lines);
    w->invoices = b.inv;
    w->n_invoices = b.n_inv;
    w->lines = lines;
    w->n_lines = nl;
    w->payments = b.pay;
    w->n_payments = b.n_pay;
}
