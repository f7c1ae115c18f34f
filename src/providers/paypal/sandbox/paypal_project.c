/* The world as one PayPal merchant account sees it (paypal_model.h). Presentation
 * details the world leaves open (event codes of one-off payments, which rows omit payer
 * data, which payments get a non-balance-affecting twin, fees, price styles) come from a
 * seeded hash of each record, so they are as deterministic as the world. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal_model.h"
#include "sandbox_buf.h"
#include "sandbox_rng.h"
#include "sandbox_time.h"

const char *const pp_plan_status_names[3] = {"CREATED", "INACTIVE", "ACTIVE"};
const char *const pp_sub_status_names[PP_SUB_NSTATUS] = {"APPROVAL_PENDING", "APPROVED", "ACTIVE",
                                                         "SUSPENDED", "CANCELLED", "EXPIRED"};
const char *const pp_ref_type_names[4] = {NULL, "SUB", "TXN", "PAP"};
const char *const pp_event_codes[PP_NEV] = {"T0002", "T0003", "T0006", "T0007", "T1106", "T1107", "T1201",
                                            "T0200", "T0400", "T0700"};
const char *const pp_unit_names[4] = {"DAY", "WEEK", "MONTH", "YEAR"};

static const char b36[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
static const char b32[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* PayPal's payer-id alphabet */
#define AUTH_IDS (1ULL << 40) /* authorization ids share the transaction-id space, above it */
/* Transaction-id numbers by what a row is of (below AUTH_IDS): a payment's number, or one
 * of these plus its record's */
#define KEY_REFUND (1ULL << 36)
#define KEY_DISPUTE (2ULL << 36)
#define KEY_BURST (3ULL << 36)
#define KEY_MERCHANT (4ULL << 36)

void pp_id(const pp_state *s, int kind, uint64_t n, char *out)
{
    sb_id_make(out, &s->styles[kind], s->w->seed, (unsigned)kind, n);
}

long pp_find(const pp_state *s, int kind, const char *id, size_t count)
{
    long long n = sb_id_number(id, &s->styles[kind], s->w->seed, (unsigned)kind);
    return n >= 0 && (size_t)n < count ? (long)n : -1;
}

int pp_exponent(int ccy)
{
    return ccy == W_JPY || ccy == W_HUF || ccy == W_TWD ? 0 : 2;
}

int64_t pp_amount(int ccy, int64_t v)
{
    return w_currencies[ccy].exponent > pp_exponent(ccy) ? v / 100 : v;
}

static int takes(int ccy)
{
    return ccy != W_KRW && ccy != W_KWD && ccy != W_BHD;
}

static uint64_t hash(const pp_state *s, uint64_t what, uint64_t n)
{
    return sb_mix64(s->w->seed ^ sb_mix64(what << 40 ^ n));
}

const char *pp_alternate_name(const pp_state *s, int payer, char buf[PP_NAME_MAX])
{
    static const char *const middles[] = {"A.", "J.", "M.", "W.", "Ch.", "de la", "van", "Q."};
    const w_customer *c = &s->w->customers[payer];
    uint64_t h = hash(s, 1, (uint64_t)payer);
    if (c->business)
        return c->business;
    char plain[200];
    snprintf(plain, sizeof plain, "%s %s", c->given, c->family);
    if (strcmp(plain, c->display) != 0 || h % 100 < 56)
        return c->display; /* as the payer writes it */
    if (h % 100 < 76) {
        snprintf(buf, PP_NAME_MAX, "%s %s %s", c->given, middles[(h >> 8) % 8], c->family);
        return buf;
    }
    return NULL;
}

const char *pp_guest_name(int guest)
{
    static const char *const names[] = {"Wade W Niedermann", "Hamidou Dia", "Garrett Goda", "Ana Núñez",
                                        "李小龙", "Renée Müller", "Олег Смирнов"};
    return names[(unsigned)guest % (sizeof names / sizeof names[0])];
}

const w_customer *pp_guest_place(int guest)
{
    static const w_customer places[] = {
        {.has_address = 1, .line1 = "2211 N First Street", .city = "San Jose", .state = "CA", .postal = "95131", .country = "US"},
        {.has_address = 1, .line1 = "Marienplatz 1", .city = "München", .state = "BY", .postal = "80331", .country = "DE"},
        {.has_address = 1, .line1 = "千代田1-1", .city = "東京都", .state = "東京都", .postal = "100-0001", .country = "JP"},
        {.has_address = 1, .line1 = "Storgata 1", .city = "Tromsø", .postal = "9008", .country = "NO"},
    };
    return &places[(unsigned)guest * 7 % (sizeof places / sizeof places[0])];
}

/* ---- catalog ---- */

static int plan_fits(const sb_world *w, const w_price *p)
{
    return p->recurring && !p->metered && !p->tiered && p->unit_amount >= 0 && takes(p->ccy) &&
           !w->products[p->product].deleted;
}

/* Products with plans, plans: both in the world's order, which is creation order. */
static void catalog(pp_state *s, int *plan_of_price)
{
    const sb_world *w = s->w;
    int *product_of = sb_xmalloc((w->n_products ? w->n_products : 1) * sizeof *product_of);
    for (size_t i = 0; i < w->n_products; i++)
        product_of[i] = -1;
    for (size_t i = 0; i < w->n_prices; i++)
        if (plan_fits(w, &w->prices[i]))
            product_of[w->prices[i].product] = 0;
    s->products = sb_xcalloc(w->n_products ? w->n_products : 1, sizeof *s->products);
    for (size_t i = 0; i < w->n_products; i++) {
        if (product_of[i] < 0)
            continue;
        uint64_t h = hash(s, 2, i);
        int64_t created = w->products[i].created + s->delta;
        product_of[i] = (int)s->n_products;
        s->products[s->n_products++] = (pp_product){(int)i, created,
                                                    h % 10 < 3 ? created + (int64_t)((h >> 8) % 200) * PP_DAY_S : created};
    }
    s->plans = sb_xcalloc(w->n_prices ? w->n_prices : 1, sizeof *s->plans);
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        plan_of_price[i] = -1;
        if (!plan_fits(w, p))
            continue;
        uint64_t h = hash(s, 3, i);
        pp_plan *pl = &s->plans[s->n_plans];
        plan_of_price[i] = (int)s->n_plans++;
        pl->price = (int)i;
        pl->product = product_of[p->product];
        pl->status = p->draft ? PP_PLAN_CREATED : p->archived_at ? PP_PLAN_INACTIVE : PP_PLAN_ACTIVE;
        pl->created = p->created + s->delta;
        pl->updated = (p->archived_at ? p->archived_at : p->created) + s->delta;
        pl->style = pp_exponent(p->ccy) == 0 ? 1 : (int)(h % 3);
        pl->setup_fee = (h >> 8) % 5 == 0 ? pp_amount(p->ccy, w_currencies[p->ccy].unit * 5) : 0;
        pl->setup_cancel = (h >> 16) % 10 < 3;
    }
    free(product_of);
}

/* ---- subscriptions ---- */

static int status_of(const w_sub *ws)
{
    switch (ws->status) {
    case W_SUB_UNPAID:
    case W_SUB_PAUSED: return PP_SUB_SUSPENDED;
    case W_SUB_CANCELED: return ws->cancel_reason == W_CANCEL_EXPIRED ? PP_SUB_EXPIRED : PP_SUB_CANCELLED;
    case W_SUB_INCOMPLETE: return PP_SUB_APPROVAL_PENDING; /* nobody approved it */
    case W_SUB_INCOMPLETE_EXPIRED: return PP_SUB_APPROVED; /* approved, never activated */
    default: return PP_SUB_ACTIVE;                         /* trialing, active, past_due */
    }
}

static void subscriptions(pp_state *s, const int *plan_of_price, int *sub_of)
{
    const sb_world *w = s->w;
    s->subs = sb_xcalloc(w->n_subs ? w->n_subs : 1, sizeof *s->subs);
    for (size_t i = 0; i < w->n_subs; i++) {
        const w_sub *ws = &w->subs[i];
        const w_item *it = &w->items[ws->first_item];
        sub_of[i] = -1;
        if (ws->n_items != 1 || plan_of_price[it->price] < 0)
            continue; /* PayPal bills one plan per subscription */
        const w_price *p = &w->prices[it->price];
        uint64_t h = hash(s, 4, i);
        pp_sub *ps = &s->subs[s->n_subs];
        sub_of[i] = (int)s->n_subs++;
        ps->sub = (int)i;
        ps->plan = plan_of_price[it->price];
        ps->status = status_of(ws);
        ps->quantity = it->quantity;
        ps->show_quantity = it->quantity > 1 || h % 10;
        ps->show_name = (h >> 8) % 100 >= 8;
        ps->show_email = w->customers[ws->customer].email && (h >> 16) % 100 >= 8;
        ps->show_shipping = w->customers[ws->customer].country && (h >> 24) % 100 >= 20;
        ps->overridden = ws->coupon_pct && !ws->coupon_cycles; /* a discount for ever: a price of its own */
        ps->price = pp_amount(p->ccy, p->unit_amount);
        if (ps->overridden)
            ps->price = pp_amount(p->ccy, w_round(p->ccy, p->unit_amount * (100 - ws->coupon_pct) / 100));
        switch (ps->status) {
        case PP_SUB_APPROVAL_PENDING: ps->status_time = ws->created; break;
        case PP_SUB_APPROVED: ps->status_time = ws->created + 600; break;
        case PP_SUB_CANCELLED: ps->status_time = ws->canceled_at; break;
        case PP_SUB_EXPIRED: ps->status_time = ws->ended_at; break;
        case PP_SUB_SUSPENDED: ps->status_time = ws->status == W_SUB_PAUSED ? ws->trial_end : ws->created; break;
        default: ps->status_time = ws->start_date;
        }
        ps->status_time += s->delta;
        ps->has_billing = ps->status != PP_SUB_APPROVAL_PENDING && ps->status != PP_SUB_APPROVED;
        if (ps->status == PP_SUB_ACTIVE && ws->next_period)
            ps->next_billing = ws->next_period + s->delta;
        int intro = p->n_phases && p->phases[p->n_phases - 1].price ? p->phases[p->n_phases - 1].total : 0;
        if (p->total_cycles && ps->has_billing)
            ps->final_payment = w_period_start(ws->anchor, p->interval, p->interval_count, intro + p->total_cycles - 1) + s->delta;
    }
}

/* ---- rows ---- */

typedef struct rowvec {
    pp_row *items;
    size_t n, cap;
    int32_t *parent; /* per row: the row it shares its id with or refers to, -1 */
} rowvec;

static pp_row *push(rowvec *v, int32_t parent)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4096;
        v->items = sb_xrealloc(v->items, v->cap * sizeof *v->items);
        v->parent = sb_xrealloc(v->parent, v->cap * sizeof *v->parent);
    }
    pp_row *r = &v->items[v->n];
    memset(r, 0, sizeof *r);
    *r = (pp_row){.order = 1, .balance = 1, .payer = -1, .guest = -1, .sub = -1, .payee = -1};
    v->parent[v->n++] = parent;
    return r;
}

/* PayPal's fee: 2.9 % + 0.30 units, negative. */
static int64_t fee(int ccy, int64_t amount)
{
    return -(amount * 29 / 1000 + pp_amount(ccy, w_currencies[ccy].unit) * 30 / 100);
}

static void payment_row(pp_state *s, pp_row *r, const w_payment *p, size_t i, int sub, uint64_t *auths)
{
    static const char *const items[] = {"Gift card", "E-book: Le Petit Prince", "Sticker pack", "Consulting hour",
                                        "Extra storage 100 GB", "Kaffeebohnen 1 kg", "Concert ticket", "Donation"};
    static const char st[3] = {'S', 'P', 'D'};
    uint64_t h = hash(s, 5, i);
    const w_customer *c = p->customer >= 0 ? &s->w->customers[p->customer] : NULL;
    r->payer = p->customer;
    r->guest = p->guest;
    r->time = r->updated = p->created + s->delta;
    r->ccy = (int16_t)p->ccy;
    r->amount = pp_amount(p->ccy, p->amount);
    r->status = st[p->status];
    r->show_email = !c || (c->email && h % 100 >= 8);
    r->show_name = !c || (h >> 8) % 100 >= 4;
    r->show_country = !c || (c->country && (h >> 16) % 100 >= 4);
    if (r->status == 'S') {
        r->has_fee = 1;
        r->fee = fee(p->ccy, r->amount);
    }
    if (sub >= 0) {
        r->event = PP_EV_T0002;
        r->ref_type = PP_REF_SUB;
        r->sub = sub;
        pp_id(s, PP_SUB, (uint64_t)sub, r->ref);
        return;
    }
    unsigned e = (unsigned)((h >> 24) % 100);
    r->event = e < 60 || (e < 75 && !c) ? PP_EV_T0006 : e < 75 ? PP_EV_T0003 : PP_EV_T0007;
    if (r->event == PP_EV_T0006 && (h >> 32) % 100 < 30) { /* it captures an authorization */
        r->ref_type = PP_REF_TXN;
        pp_id(s, PP_TXN, AUTH_IDS + (*auths)++, r->ref);
    } else if (r->event == PP_EV_T0003) { /* a pre-approved payment of a billing agreement */
        r->ref_type = PP_REF_PAP;
        pp_id(s, PP_BA, (*auths)++, r->ref);
    }
    uint64_t g = hash(s, 6, i);
    if (g % 100 < 55)
        snprintf(r->invoice, sizeof r->invoice, (g >> 8) % 2 ? "INV-%06u" : "%010u", (unsigned)(g >> 16) % 1000000000u);
    if ((g >> 48) % 100 < 60)
        r->item = items[(g >> 40) % (sizeof items / sizeof items[0])];
    if ((h >> 40) % 100 < 20)
        r->instrument = (uint8_t)(1 + (h >> 48) % 2);
}

/* A row that follows a payment row: a refund, a reversal or a chargeback. */
static pp_row *follow(rowvec *v, int32_t pay, int event, int64_t time, int64_t amount, char status)
{
    pp_row *r = push(v, pay);
    const pp_row *p = &v->items[pay];
    r->event = (uint8_t)event;
    r->ref_type = PP_REF_TXN; /* ref: the payment's id, set with the ids */
    r->time = r->updated = time;
    r->amount = -amount;
    r->ccy = p->ccy;
    r->status = status;
    r->payer = p->payer;
    r->guest = p->guest;
    r->show_email = p->show_email;
    r->show_name = p->show_name;
    r->show_country = p->show_country;
    if (event == PP_EV_T1107)
        memcpy(r->invoice, p->invoice, sizeof r->invoice);
    return r;
}

static int in_dense_day(const pp_state *s, int64_t t)
{
    for (int i = 0; i < 3; i++) {
        int64_t d = w_dense_day(i) + s->delta;
        if (t >= d && t < d + PP_DAY_S)
            return 1;
    }
    return 0;
}

static void rows(pp_state *s, const int *sub_of, rowvec *v)
{
    const sb_world *w = s->w;
    int32_t *row_of = sb_xmalloc((w->n_payments ? w->n_payments : 1) * sizeof *row_of);
    uint64_t auths = 0;
    for (size_t i = 0; i < w->n_payments; i++) {
        const w_payment *p = &w->payments[i];
        int ws = p->invoice >= 0 ? w->invoices[p->invoice].sub : -1, sub = ws >= 0 ? sub_of[ws] : -1;
        row_of[i] = -1;
        if (!takes(p->ccy) || p->amount <= 0 || (ws >= 0 && sub < 0) ||
            (sub >= 0 && !s->subs[sub].has_billing))
            continue; /* not billed through PayPal, or never approved */
        row_of[i] = (int32_t)v->n;
        pp_row *r = push(v, -1);
        r->key = i;
        payment_row(s, r, p, i, sub, &auths);
    }
    for (size_t k = 0; k < w->n_refunds; k++) {
        const w_refund *re = &w->refunds[k];
        int32_t pay = row_of[re->payment];
        if (pay >= 0 && re->status != W_RE_FAILED && re->status != W_RE_CANCELED)
            follow(v, pay, PP_EV_T1107, re->created + s->delta, pp_amount(w->payments[re->payment].ccy, re->amount),
                   re->status == W_RE_SUCCEEDED ? 'S' : 'P')->key = KEY_REFUND + k;
    }
    for (size_t i = 0; i < w->n_payments; i++) {
        int32_t pay = row_of[i];
        const w_payment *p = &w->payments[i];
        if (pay < 0 || !p->dispute || v->items[pay].status != 'S')
            continue;
        int64_t t = p->disputed_at + s->delta;
        follow(v, pay, p->dispute == W_DISPUTE_REVERSAL ? PP_EV_T1106 : PP_EV_T1201, t, v->items[pay].amount, 'S')->key =
            KEY_DISPUTE + i;
        if (p->dispute == W_DISPUTE_REVERSAL) { /* the payment itself now reads "reversed" */
            v->items[pay].status = 'V';
            v->items[pay].updated = t;
        }
    }
    /* the same transaction listed twice: a non-balance-affecting twin of 4 % of the
     * payments, and of every payment on the three flash-sale days */
    size_t n = v->n;
    for (size_t i = 0; i < n; i++) {
        pp_row pay = v->items[i];
        uint64_t h = hash(s, 7, i);
        if (pay.amount <= 0 || pay.status != 'S' || (!in_dense_day(s, pay.time) && h % 100 >= 4))
            continue;
        pp_row *tw = push(v, (int32_t)i);
        *tw = pay;
        tw->balance = 0;
        tw->has_fee = 0;
        tw->fee = 0;
        tw->order = 2; /* listed after the balance-affecting row */
        if ((h >> 8) % 2) { /* or first: pending, with less payer data */
            tw->order = 0;
            tw->status = 'P';
            tw->show_email = 0;
            tw->show_name = (h >> 16) % 100 >= 30 && pay.show_name;
        }
    }
    for (long k = 0; k < s->burst_rows; k++) { /* guest payments on one day: more than a search holds */
        pp_row *r = push(v, -1);
        r->key = KEY_BURST + (uint64_t)k;
        r->event = PP_EV_T0006;
        r->time = r->updated = s->burst_day + (int64_t)k * PP_DAY_S / s->burst_rows;
        r->guest = (int32_t)(1000000 + k);
        r->show_email = r->show_name = r->show_country = 1;
        r->ccy = W_USD;
        r->amount = 500 + (int64_t)(sb_mix64((uint64_t)k ^ w->seed) % 5000);
        r->status = 'S';
        r->has_fee = 1;
        r->fee = fee(W_USD, r->amount);
        r->item = "Flash sale voucher";
    }
    free(row_of);
}

/* A row of the merchant's own money: no customer, no fee. */
static pp_row *merchant_row(rowvec *v, int32_t parent, uint64_t key, int event, int64_t time, int ccy,
                            int64_t amount)
{
    pp_row *r = push(v, parent);
    r->key = KEY_MERCHANT + key;
    r->event = (uint8_t)event;
    r->time = r->updated = time;
    r->ccy = (int16_t)ccy;
    r->amount = amount;
    r->status = 'S';
    r->merchant = 1;
    return r;
}

/*
 * The merchant's own money, decided by the month without the world's random streams: on
 * the 2nd of each month a withdrawal to its bank (T0400); every third month a conversion
 * of USD into EUR (two T0200 rows, the debit referring to the credit); every fourth month
 * a payment it sends a vendor under a billing agreement (T0003, negative) with the card
 * funding it (T0700). Amounts in whole units, so every currency's decimals hold them.
 */
static void merchant_rows(pp_state *s, rowvec *v)
{
    const int64_t month = 30 * PP_DAY_S;
    int k = 0;
    for (int64_t t = W_START + s->delta + PP_DAY_S; t < s->now; t += month, k++) {
        uint64_t h = hash(s, 11, (uint64_t)k);
        merchant_row(v, -1, 8 * (uint64_t)k, PP_EV_T0400, t + 9 * 3600, W_USD, -100 * (int64_t)(1 + h % 50));
        if (k % 3 == 0) {
            int64_t usd = 100 * (int64_t)(10 + (h >> 8) % 90);
            size_t credit = v->n;
            merchant_row(v, -1, 8 * (uint64_t)k + 1, PP_EV_T0200, t + 10 * 3600, W_EUR, usd * 92 / 100);
            pp_row *debit = merchant_row(v, (int32_t)credit, 8 * (uint64_t)k + 2, PP_EV_T0200, t + 10 * 3600, W_USD, -usd);
            debit->ref_type = PP_REF_TXN; /* the credit's id, set with the ids */
        }
        if (k % 4 == 1) {
            int64_t paid = 100 * (int64_t)(5 + (h >> 16) % 200);
            pp_row *sent = merchant_row(v, -1, 8 * (uint64_t)k + 3, PP_EV_T0003, t + 11 * 3600, W_USD, -paid);
            sent->payee = k;
            sent->ref_type = PP_REF_PAP;
            pp_id(s, PP_BA, AUTH_IDS + (uint64_t)k, sent->ref);
            merchant_row(v, -1, 8 * (uint64_t)k + 4, PP_EV_T0700, t + 11 * 3600, W_USD, paid);
        }
    }
}

static int cmp_rows(const void *a, const void *b)
{
    const pp_row *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    int c = strcmp(x->txid, y->txid);
    return c ? c : (int)x->order - (int)y->order;
}

/* What a subscription's billing_info reports beyond the world's facts. */
static void billing(pp_state *s)
{
    const sb_world *w = s->w;
    for (size_t k = 0; k < s->n_subs; k++) {
        pp_sub *ps = &s->subs[k];
        const w_sub *ws = &w->subs[ps->sub];
        const w_invoice *v = ws->latest_invoice >= 0 ? &w->invoices[ws->latest_invoice] : NULL;
        if (ps->has_billing && v && (ws->status == W_SUB_PAST_DUE || ws->status == W_SUB_UNPAID)) {
            ps->failed_count = v->attempts;
            ps->outstanding = pp_amount(v->ccy, v->total);
        }
        if (ws->status == W_SUB_UNPAID) /* suspended when the last attempt failed */
            ps->status_time = w->payments[ws->last_failure].created + 60 + s->delta;
        int64_t last = ws->last_payment >= 0 ? w->payments[ws->last_payment].created + s->delta : 0;
        int64_t updated = ps->status_time > last ? ps->status_time : last;
        if (ws->updated > W_NOW && ws->updated + s->delta > updated) /* changed by an advance */
            updated = ws->updated + s->delta;
        ps->updated = updated > ws->created + s->delta ? updated : ws->created + s->delta;
    }
}

void pp_project(pp_state *s)
{
    const sb_world *w = s->w;
    static const struct {
        const char *prefix, *alphabet;
        unsigned len;
    } kinds[PP_NKINDS] = {
        [PP_PRODUCT] = {"PROD-", b36, 17}, [PP_PLAN] = {"P-", b36, 24}, [PP_SUB] = {"I-", b36, 12},
        [PP_PAYER] = {"", b32, 13},        [PP_TXN] = {"", b36, 17},    [PP_BA] = {"B-", b36, 17},
        [PP_TOKEN] = {"BA-", b36, 17},
    };
    for (int k = 0; k < PP_NKINDS; k++)
        s->styles[k] = (sb_id_style){kinds[k].prefix, kinds[k].alphabet, kinds[k].len, 8, 0, NULL, 0};
    s->delta = s->now - w->now;
    s->hist_start = s->now - PP_HISTORY_S;
    s->cutoff = s->now - PP_LAG_S;
    s->burst_day = s->burst_rows > 0 ? (s->now - 100 * PP_DAY_S) / PP_DAY_S * PP_DAY_S : 0;
    pp_id(s, PP_PAYER, 1ULL << 39, s->account_number);
    char app[SB_ID_MAX];
    pp_id(s, PP_TXN, AUTH_IDS * 2, app);
    snprintf(s->app_id, sizeof s->app_id, "APP-%s", app);

    int *plan_of_price = sb_xmalloc((w->n_prices ? w->n_prices : 1) * sizeof(int));
    int *sub_of = sb_xmalloc((w->n_subs ? w->n_subs : 1) * sizeof(int));
    catalog(s, plan_of_price);
    subscriptions(s, plan_of_price, sub_of);
    billing(s);
    rowvec v = {0};
    rows(s, sub_of, &v);
    merchant_rows(s, &v);
    /* transaction ids from the rows' keys; twins borrow their payment's */
    for (size_t i = 0; i < v.n; i++) {
        pp_row *r = &v.items[i];
        int32_t p = v.parent[i];
        if (p >= 0 && r->order != 1) {
            memcpy(r->txid, v.items[p].txid, sizeof r->txid);
            continue;
        }
        pp_id(s, PP_TXN, r->key, r->txid);
        if (p >= 0)
            memcpy(r->ref, v.items[p].txid, sizeof r->txid);
    }
    qsort(v.items, v.n, sizeof *v.items, cmp_rows);
    s->rows = v.items;
    s->n_rows = v.n;
    free(v.parent);
    for (size_t i = 0; i < s->n_rows; i++)
        if (s->rows[i].sub >= 0 && s->rows[i].time <= s->cutoff)
            s->subs[s->rows[i].sub].visible = 1;
    for (size_t i = 0; i < s->n_subs; i++)
        s->n_hidden += !s->subs[i].visible;
    free(plan_of_price);
    free(sub_of);
}

void pp_project_free(pp_state *s)
{
    free(s->products);
    free(s->plans);
    free(s->subs);
    free(s->rows);
}

void pp_format_money(int64_t minor, int ccy, int style, char *out)
{
    const char *sign = minor < 0 ? "-" : "";
    uint64_t v = minor < 0 ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
    unsigned long long whole = v / 100, frac = v % 100;
    if (pp_exponent(ccy) == 0)
        snprintf(out, 40, "%s%llu", sign, (unsigned long long)v);
    else if (style == 1 && frac == 0)
        snprintf(out, 40, "%s%llu", sign, whole);
    else if (style == 1 && frac % 10 == 0)
        snprintf(out, 40, "%s%llu.%llu", sign, whole, frac / 10);
    else if (style == 2 && frac == 0)
        snprintf(out, 40, "%s%llu.0", sign, whole);
    else
        snprintf(out, 40, "%s%llu.%02llu", sign, whole, frac);
}

void pp_format_time_search(int64_t t, char *out)
{
    char z[32];
    sb_time_rfc3339(t, z);
    z[strlen(z) - 1] = '\0'; /* the Z */
    snprintf(out, 40, "%s+0000", z);
}

size_t pp_rows_lower_bound(const pp_state *s, int64_t t)
{
    size_t lo = 0, hi = s->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->rows[mid].time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* "Video Streaming Service Plus (monthly, USD)" */
void pp_plan_name(const pp_state *s, size_t i, char *out, size_t n)
{
    static const char *const tiers[] = {"Basic", "Standard", "Plus", "Premium", "Family", "Team", "Student"};
    static const char *const per[4] = {"daily", "weekly", "monthly", "yearly"};
    const w_price *p = &s->w->prices[s->plans[i].price];
    char period[32];
    if (p->interval_count == 1)
        snprintf(period, sizeof period, "%s", per[p->interval]);
    else if (p->interval == W_MONTHS && p->interval_count == 3)
        snprintf(period, sizeof period, "quarterly");
    else
        snprintf(period, sizeof period, "every %d %ss", p->interval_count, w_interval_names[p->interval]);
    snprintf(out, n, "%s %s (%s, %s)", s->w->products[p->product].name, tiers[i % 7], period,
             w_currencies[p->ccy].code);
}
