/* What Stripe shows of a subscription beyond the world's lifecycle: its coupon as a
 * discount, and paused collection. Derived from the world only, for the renderer and the
 * truth writer alike. */
#include <stdio.h>

#include "sandbox_rng.h"
#include "stripe_model.h"

/* The coupon applies to the first `coupon_cycles` regular periods from the anchor (the
 * world's billing), so it ends where period coupon_cycles starts. Stripe counts a
 * repeating coupon in months: that is exact for monthly and yearly plans; for daily and
 * weekly ones the months are rounded up (the end stays the world's). */
int st_sub_coupon(const st_state *st, size_t i, st_coupon *out)
{
    const w_sub *s = &st->w->subs[i];
    if (!s->coupon_pct)
        return 0;
    const w_price *p = &st->w->prices[st->w->items[s->first_item].price];
    out->percent = s->coupon_pct;
    out->start = s->created;
    out->end = 0;
    out->months = 0;
    if (s->coupon_cycles) {
        out->end = w_period_start(s->anchor, p->interval, p->interval_count, s->coupon_cycles);
        int64_t n = (int64_t)p->interval_count * s->coupon_cycles;
        out->months = (int)(p->interval == W_YEARS    ? 12 * n
                            : p->interval == W_MONTHS ? n
                            : (n * (p->interval == W_WEEKS ? 7 : 1) + 29) / 30);
        if (out->end <= st->w->now)
            return 0;
    }
    out->duration = s->coupon_cycles ? "repeating" : "forever";
    if (s->coupon_cycles)
        snprintf(out->id, sizeof out->id, "SAVE%dX%d", s->coupon_pct, s->coupon_cycles);
    else
        snprintf(out->id, sizeof out->id, "SAVE%d", s->coupon_pct);
    return 1;
}

long st_custom_price(const st_state *st)
{
    const sb_world *w = st->w;
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (!p->recurring && !p->archived_at && !p->draft && !w->products[p->product].deleted &&
            p->unit_amount > 0)
            return (long)i;
    }
    return -1;
}

/* One active subscription in ten has its collection paused since after its latest
 * invoice (so no invoice shows the pause yet), until a date or until further notice. */
int st_sub_pause(const st_state *st, size_t i, const char **behavior, int64_t *resumes_at)
{
    static const char *const behaviors[3] = {"keep_as_draft", "mark_uncollectible", "void"};
    const w_sub *s = &st->w->subs[i];
    uint64_t h = sb_mix64(st->w->seed ^ (i * 0xA24BAED4963EE407ULL));
    if (s->status != W_SUB_ACTIVE || s->cancel_at || s->ended_at || s->canceled_at || h % 10)
        return 0;
    *behavior = behaviors[(h >> 8) % 3];
    *resumes_at = (h >> 16) % 2 ? W_NOW + (int64_t)((h >> 24) % 60 + 1) * W_DAY : 0;
    return 1;
}
