/* Subscriptions and their payments. Each subscription is simulated cycle by cycle from
 * its activation: trial cycles (free ones bill nothing), then the regular cycle, one
 * T0002 row per billed cycle. Outcomes: still active, cancelled at some moment (possibly
 * during a free trial, so never charged), suspended after payment_failure_threshold
 * denied attempts, expired after the last cycle of a finite plan; plus subscriptions that
 * were never approved or approved but never activated. */
#include <stdlib.h>
#include <string.h>

#include "paypal_gen.h"
#include "sandbox_buf.h"

#define HOUR 3600LL
#define FOREVER INT64_MAX

enum { OUT_RUN, OUT_CANCEL, OUT_SUSPEND };

typedef struct sim {
    pp_dataset *ds;
    pp_rowvec *rows;
    sb_rng *r;
} sim;

static void row_payer_flags(sb_rng *r, const pp_payer *p, pp_row *row)
{
    row->show_email = p->email[0] && !sb_rng_pct(r, 8);
    row->show_name = !sb_rng_pct(r, 4);
    row->show_country = p->place && !sb_rng_pct(r, 4);
}

static void push_payment(sim *S, pp_sub *s, int idx, int64_t t, int64_t amount, char status)
{
    const pp_plan *pl = &S->ds->plans[s->plan];
    pp_row *row = pp_rowvec_push(S->rows, -1);
    row->event = PP_EV_T0002;
    memcpy(row->ref, s->id, sizeof s->id);
    row->ref_type = PP_REF_SUB;
    row->sub = idx;
    row->payer = s->payer;
    row->time = row->updated = t;
    row->amount = amount;
    row->ccy = (int16_t)pl->ccy;
    row->status = status;
    if (status == 'S') {
        row->has_fee = 1;
        row->fee = pp_fee(pl->ccy, amount);
    }
    row_payer_flags(S->r, &S->ds->payers[s->payer], row);
}

/* Run the billing cycles of an activated subscription. */
static void simulate(sim *S, pp_sub *s, int idx, int outcome, int64_t cancel_t)
{
    pp_dataset *ds = S->ds;
    const pp_plan *pl = &ds->plans[s->plan];
    sb_rng *r = S->r;
    pp_cycle cyc[3];
    int nc = 0;
    for (int t = 0; t < pl->n_trials; t++)
        cyc[nc++] = pl->trial[t];
    cyc[nc] = pl->regular;
    cyc[nc].price = pp_sub_price(ds, s);
    nc++;

    int64_t anchor = s->start;
    for (int ci = 0; ci + 1 < nc; ci++) /* the regular cycle's first start */
        anchor = pp_period_start(anchor, cyc[ci].unit, cyc[ci].count, cyc[ci].total);
    if (pl->regular.total > 0)
        s->final_payment = pp_period_start(anchor, pl->regular.unit, pl->regular.count,
                                           pl->regular.total - 1);

    int fail_at = outcome == OUT_SUSPEND ? (int)sb_rng_range(r, 1, 8) : -1;
    int threshold = pl->failure_threshold;
    int paid = 0;
    s->status = PP_SUB_ACTIVE;
    s->status_time = s->start;
    s->has_billing = 1;
    anchor = s->start;
    for (int ci = 0; ci < nc; ci++) {
        const pp_cycle *c = &cyc[ci];
        for (int64_t k = 0; c->total == 0 || k < c->total; k++) {
            int64_t cs = pp_period_start(anchor, c->unit, c->count, k);
            if (cs >= cancel_t)
                goto cancelled;
            if (cs > ds->t_end) {
                s->next_billing = cs;
                return;
            }
            if (c->paid && c->price > 0) {
                int64_t pay = cs + sb_rng_range(r, 60, 4 * HOUR);
                if (pay >= cancel_t)
                    goto cancelled;
                if (pay > ds->t_end) {
                    s->next_billing = cs;
                    return;
                }
                int64_t amount = c->price * s->quantity;
                paid++;
                if (paid == fail_at && pay + (threshold - 1) * 5 * PP_DAY_S + HOUR <= ds->t_end &&
                    pay + (threshold - 1) * 5 * PP_DAY_S + HOUR < cancel_t) {
                    int64_t t = pay;
                    for (int a = 0; a < threshold; a++) {
                        t = pay + a * 5 * PP_DAY_S;
                        push_payment(S, s, idx, t, amount, 'D');
                    }
                    s->status = PP_SUB_SUSPENDED;
                    s->status_time = t + 60;
                    s->failed_count = threshold;
                    s->outstanding = amount;
                    s->last_failed_time = t;
                    s->last_failed_amount = amount;
                    return;
                }
                if (sb_rng_pct(r, 2) && pay + 3 * PP_DAY_S <= ds->t_end && pay + 3 * PP_DAY_S < cancel_t) {
                    /* denied, then a successful retry three days later */
                    push_payment(S, s, idx, pay, amount, 'D');
                    s->last_failed_time = pay;
                    s->last_failed_amount = amount;
                    pay += 3 * PP_DAY_S;
                    push_payment(S, s, idx, pay, amount, 'S');
                } else {
                    char st = pay > ds->t_end - 7 * PP_DAY_S && sb_rng_pct(r, 30) ? 'P' : 'S';
                    push_payment(S, s, idx, pay, amount, st);
                }
                s->last_pay_time = pay;
                s->last_pay_amount = amount;
            }
            s->cycles_done[ci]++;
        }
        anchor = pp_period_start(anchor, c->unit, c->count, c->total);
    }
    /* every cycle of a finite plan ran: it expires at the end of the last period */
    if (anchor >= cancel_t)
        goto cancelled;
    if (anchor <= ds->t_end) {
        s->status = PP_SUB_EXPIRED;
        s->status_time = anchor;
    }
    return;
cancelled:
    s->status = PP_SUB_CANCELLED;
    s->status_time = cancel_t;
}

static int usable(const pp_dataset *ds, int plan, int64_t *lo, int64_t *hi)
{
    const pp_plan *p = &ds->plans[plan];
    if (p->status == PP_PLAN_CREATED)
        return 0;
    *lo = ds->t0 + PP_DAY_S;
    if (p->created + HOUR > *lo)
        *lo = p->created + HOUR;
    *hi = ds->t_end - HOUR;
    if (p->status == PP_PLAN_INACTIVE && p->updated - HOUR < *hi)
        *hi = p->updated - HOUR;
    return *hi > *lo;
}

static int64_t trial_length(const pp_plan *p)
{
    int64_t t = 0, len = 0;
    for (int i = 0; i < p->n_trials; i++) {
        int64_t e = pp_period_start(t, p->trial[i].unit, p->trial[i].count, p->trial[i].total);
        len += e - t;
        t = e;
    }
    return len;
}

/* Fixed hard cases for the first subscriptions, whatever the seed (scale >= 10). */
enum { F_NONE, F_EXPIRE, F_SUSPEND, F_CANCEL, F_PENDING, F_APPROVED, F_TRIAL_NOW, F_TRIAL_CANCEL,
       F_OVERRIDE, F_NFORCED };

void pp_gen_subscriptions(pp_dataset *ds, pp_rowvec *rows)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_SUBS);
    size_t np = ds->n_payers;
    unsigned char *count = sb_xcalloc(np, 1);
    size_t total = 0;
    static const unsigned w[4] = {30, 55, 12, 3};
    for (size_t i = 0; i < np; i++) {
        count[i] = (unsigned char)sb_rng_weighted(&r, w, 4);
        if (i < F_NFORCED && ds->scale >= 10)
            count[i] = 1;
        total += count[i];
    }
    ds->subs = sb_xcalloc(total ? total : 1, sizeof *ds->subs);
    ds->n_subs = total;
    sim S = {ds, rows, &r};

    size_t k = 0;
    for (size_t pi = 0; pi < np; pi++) {
        for (unsigned c = 0; c < count[pi]; c++, k++) {
            pp_sub *s = &ds->subs[k];
            int force = (k < F_NFORCED && ds->scale >= 10) ? (int)k : F_NONE;
            pp_make_id(ds->seed, PP_IDS_SUB, k, s->id);
            pp_make_id(ds->seed, PP_IDS_TOKEN, k, s->ba_token);
            s->payer = (int)pi;
            int64_t lo = 0, hi = 0;
            int plan = -1;
            static const int forced_plan[F_NFORCED] = {0, 7, 0, 0, 0, 0, 1, 1, 0};
            if (force != F_NONE) {
                plan = forced_plan[force];
                usable(ds, plan, &lo, &hi);
            } else {
                for (int tries = 0; tries < 50 && plan < 0; tries++) {
                    int cand = (int)sb_rng_below(&r, ds->n_plans);
                    if (usable(ds, cand, &lo, &hi))
                        plan = cand;
                }
                if (plan < 0) {
                    plan = 0;
                    usable(ds, 0, &lo, &hi);
                }
            }
            s->plan = plan;
            const pp_plan *pl = &ds->plans[plan];
            s->created = sb_rng_range(&r, lo, hi);
            s->quantity = pl->quantity_supported && sb_rng_pct(&r, 35) ? sb_rng_range(&r, 2, 10) : 1;
            s->show_quantity = s->quantity > 1 || !sb_rng_pct(&r, 10);
            if (pl->status == PP_PLAN_ACTIVE && sb_rng_pct(&r, 6)) {
                s->overridden = 1;
                s->override_price = pp_round_price(pl->ccy, pl->regular.price * 8 / 10);
            }
            const pp_payer *py = &ds->payers[pi];
            s->show_name = !sb_rng_pct(&r, 8);
            s->show_email = py->email[0] && !sb_rng_pct(&r, 8);
            s->show_shipping = py->place && !sb_rng_pct(&r, 20);
            s->show_payer_id = 1;

            unsigned ow[5] = {6, 3, 60, 23, 8}; /* pending, approved, run, cancel, suspend */
            size_t o = sb_rng_weighted(&r, ow, 5);
            int64_t tl = trial_length(pl);
            if (force == F_NONE && o >= 2 && tl > 2 * PP_DAY_S && !pl->trial[0].paid && sb_rng_pct(&r, 10)) {
                /* recently created, still in its free trial: never charged so far */
                s->created = ds->t_end - sb_rng_range(&r, HOUR, tl - HOUR);
                o = 2;
            }
            switch (force) {
            case F_EXPIRE: s->created = ds->t0 + 5 * PP_DAY_S; o = 2; break;
            case F_SUSPEND: s->created = ds->t0 + 30 * PP_DAY_S; o = 4; break;
            case F_CANCEL: o = 3; break;
            case F_PENDING: o = 0; break;
            case F_APPROVED: o = 1; break;
            case F_TRIAL_NOW: s->created = ds->t_end - 5 * PP_DAY_S; o = 2; break;
            case F_TRIAL_CANCEL: o = 5; break;
            case F_OVERRIDE:
                s->overridden = 1;
                s->override_price = pp_round_price(pl->ccy, pl->regular.price * 7 / 10);
                s->quantity = 3;
                s->show_quantity = 1;
                o = 2;
                break;
            default: break;
            }
            s->start = s->created + sb_rng_range(&r, 30, 1800);
            if (o == 0) {
                s->status = PP_SUB_APPROVAL_PENDING;
                s->status_time = s->created;
                s->start = s->created;
                s->show_payer_id = 0; /* the buyer has not approved: no payer yet */
            } else if (o == 1) {
                s->status = PP_SUB_APPROVED;
                s->status_time = s->start;
            } else if (o == 5) { /* cancelled during the free trial */
                simulate(&S, s, (int)k, OUT_CANCEL, s->start + 3 * PP_DAY_S);
            } else {
                int64_t cancel_t = FOREVER;
                if (o == 3)
                    cancel_t = sb_rng_range(&r, s->start + HOUR, ds->t_end);
                simulate(&S, s, (int)k, o == 3 ? OUT_CANCEL : o == 4 ? OUT_SUSPEND : OUT_RUN, cancel_t);
            }
            s->updated = s->status_time > s->last_pay_time ? s->status_time : s->last_pay_time;
            if (s->updated < s->created)
                s->updated = s->created;
        }
    }
    free(count);
}
