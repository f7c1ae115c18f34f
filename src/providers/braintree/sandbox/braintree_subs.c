/* The world's subscriptions as Braintree's gateway shows them (what the XML and the truth
 * share). A Braintree subscription bills one plan at its own price, every N months, with
 * add-ons and discounts at the same frequency; it cannot be paused, and a cancellation
 * takes effect at once. So only world subscriptions whose first item is a plan
 * (braintree_plans.c) and whose other items are add-ons Braintree can price (a fixed
 * amount, a quantity) are shown; paused ones and those whose first payment never went
 * through (Braintree makes none then) are not. A cancellation scheduled for the period's
 * end is not known to Braintree until it happens (then the subscription is Canceled). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"

static int add_on_ok(const w_price *p, const w_item *it)
{
    return p->recurring && !p->metered && !p->tiered && p->unit_amount >= 0 && it->quantity >= 1;
}

static int shown(const bt_state *st, const w_sub *s)
{
    const sb_world *w = st->w;
    if (s->status == W_SUB_PAUSED || s->status == W_SUB_INCOMPLETE || s->status == W_SUB_INCOMPLETE_EXPIRED ||
        s->mixed || s->n_items == 0 || st->price_plan[w->items[s->first_item].price] < 0)
        return 0;
    for (uint32_t k = 1; k < s->n_items; k++) {
        const w_item *it = &w->items[s->first_item + k];
        if (!add_on_ok(&w->prices[it->price], it))
            return 0;
    }
    return w->items[s->first_item].quantity >= 1;
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const bt_sub_key *)a)->id, ((const bt_sub_key *)b)->id);
}

void bt_subs_project(bt_state *st)
{
    const sb_world *w = st->w;
    st->price_plan = sb_xcalloc(w->n_prices + 1, sizeof *st->price_plan);
    for (size_t i = 0; i < w->n_prices; i++)
        st->price_plan[i] = -1;
    for (size_t k = 0; k < st->n_plans; k++)
        st->price_plan[st->plans[k].price] = (int32_t)k;
    st->subs = sb_xcalloc(w->n_subs + 1, sizeof *st->subs);
    for (size_t i = 0; i < w->n_subs; i++)
        if (shown(st, &w->subs[i]))
            st->subs[st->n_subs++] = (uint32_t)i;
    st->sub_index = sb_xcalloc(st->n_subs + 1, sizeof *st->sub_index);
    for (size_t k = 0; k < st->n_subs; k++) {
        bt_sub_id(st, k, st->sub_index[k].id);
        st->sub_index[k].k = (uint32_t)k;
    }
    qsort(st->sub_index, st->n_subs, sizeof *st->sub_index, by_id);
}

long bt_sub_find(const bt_state *st, const char *id)
{
    bt_sub_key key;
    snprintf(key.id, sizeof key.id, "%s", id);
    const bt_sub_key *hit = st->n_subs ? bsearch(&key, st->sub_index, st->n_subs, sizeof key, by_id) : NULL;
    return hit && strcmp(hit->id, id) == 0 ? (long)hit->k : -1;
}

static void base36(uint64_t v, int n, char *out)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    for (int i = n - 1; i >= 0; i--, v /= 36)
        out[i] = digits[v % 36];
    out[n] = '\0';
}

#define SPACE6 2176782336ULL /* 36^6 */

void bt_sub_id(const bt_state *st, size_t k, char out[16])
{
    base36((k * 2654435761ULL + st->w->seed * 7919ULL + 104729ULL) % SPACE6, 6, out);
}

void bt_addon_id(const bt_state *st, int price, char out[24])
{
    char b[8];
    base36(((uint64_t)price * 2654435761ULL + st->w->seed * 31ULL + 17ULL) % SPACE6, 6, b);
    snprintf(out, 24, "addon_%s", b);
}

int bt_token_count(int customer)
{
    return 1 + (customer % 5 == 0); /* every fifth customer has a second payment method */
}

void bt_token(const bt_state *st, int customer, int k, char out[16])
{
    /* one id space for all the tokens: 2 per customer */
    base36(((uint64_t)(2 * customer + k) * 2654435761ULL + st->w->seed * 104723ULL + 3ULL) % SPACE6, 6, out);
    out[6] = 'p', out[7] = 'm', out[8] = '\0';
}

static int64_t day_of(int64_t t)
{
    return t - ((t % W_DAY) + W_DAY) % W_DAY;
}

void bt_sub_of(const bt_state *st, size_t k, bt_sub_view *v)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[st->subs[k]];
    const w_item *main = &w->items[s->first_item];
    memset(v, 0, sizeof *v);
    v->s = s;
    v->plan = (size_t)st->price_plan[main->price];
    v->price = w->prices[main->price].unit_amount * main->quantity;
    v->token_k = (int)(st->subs[k] % (uint32_t)bt_token_count(s->customer));
    v->trial = s->trial_end != 0;
    v->trialing = s->status == W_SUB_TRIALING;
    v->cycle = v->trialing ? 0 : (s->periods > 0 ? s->periods : 1);
    if (s->status == W_SUB_CANCELED) {
        v->status = s->cancel_reason == W_CANCEL_EXPIRED ? "Expired" : "Canceled";
        v->ended = s->ended_at ? s->ended_at : s->canceled_at;
    } else {
        v->status = s->status == W_SUB_PAST_DUE || s->status == W_SUB_UNPAID ? "Past Due" : "Active";
    }
    v->first_billing = day_of(v->trial ? s->trial_end : s->start_date);
    int64_t start = v->trialing ? s->created : main->period_start, end = v->trialing ? s->trial_end : main->period_end;
    v->period_start = day_of(start);
    v->period_end = day_of(end) - W_DAY; /* Braintree's period ends on its last day */
    if (v->period_end < v->period_start)
        v->period_end = v->period_start;
    if (s->coupon_pct > 0) {
        v->discount = w_round(s->ccy, v->price * s->coupon_pct / 100);
        v->discount_cycles = s->coupon_cycles;
    }
}
