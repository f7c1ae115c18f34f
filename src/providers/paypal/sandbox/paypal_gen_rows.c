/* Rows that are not subscription payments: one-off payments (T0006 express checkout, some
 * capturing an authorization; T0003 pre-approved payments against a billing agreement;
 * T0007 website payments), guest checkouts without a PayPal account; refunds (full,
 * partial, several per payment), reversals and chargebacks; non-balance-affecting rows
 * that share a transaction id with a balance-affecting one; the burst day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal_gen.h"
#include "sandbox_buf.h"

static const char *const items[] = {
    "Gift card", "E-book: Le Petit Prince", "Sticker pack", "Consulting hour", "Extra storage 100 GB",
    "Kaffeebohnen 1 kg", "Concert ticket", "Donation",
};

static int is_payment(int ev)
{
    return ev == PP_EV_T0002 || ev == PP_EV_T0003 || ev == PP_EV_T0006 || ev == PP_EV_T0007;
}

/* Days on which many rows share their transaction id with another row. */
static int64_t dense_day(const pp_dataset *ds, int i)
{
    int64_t span = ds->t_end - ds->t0;
    int64_t t = i == 0 ? ds->t0 + span * 3 / 10 : i == 1 ? ds->t0 + span * 6 / 10 : ds->t_end - 20 * PP_DAY_S;
    return t / PP_DAY_S * PP_DAY_S;
}

static int in_dense_day(const pp_dataset *ds, int64_t t)
{
    for (int i = 0; i < 3; i++) {
        int64_t d = dense_day(ds, i);
        if (t >= d && t < d + PP_DAY_S)
            return 1;
    }
    return 0;
}

static void oneoff(pp_dataset *ds, pp_rowvec *rows, sb_rng *r, int payer, int64_t t, uint64_t *guests,
                   uint64_t *auths, int may_be_guest)
{
    pp_row *row = pp_rowvec_push(rows, -1);
    unsigned ew[3] = {60, 15, 25};
    static const int evs[3] = {PP_EV_T0006, PP_EV_T0003, PP_EV_T0007};
    row->event = (uint8_t)evs[sb_rng_weighted(r, ew, 3)];
    row->time = row->updated = t;
    if (payer < 0 || (may_be_guest && sb_rng_pct(r, 6))) {
        row->payer = -1;
        row->guest = (int32_t)(*guests)++;
        row->show_email = 1;
        row->show_name = 1;
        row->show_country = 1;
        row->ccy = PP_USD;
        if (row->event == PP_EV_T0003) /* a pre-approved payment needs an account */
            row->event = PP_EV_T0006;
    } else {
        const pp_payer *p = &ds->payers[payer];
        row->payer = payer;
        row->show_email = p->email[0] && !sb_rng_pct(r, 8);
        row->show_name = !sb_rng_pct(r, 4);
        row->show_country = p->place && !sb_rng_pct(r, 4);
        row->ccy = (int16_t)(sb_rng_pct(r, 70) ? p->ccy : (int)sb_rng_below(r, PP_NCCY));
    }
    int64_t unit = pp_currencies[row->ccy].unit;
    row->amount = pp_round_price(row->ccy, sb_rng_range(r, 1, 150) * unit + sb_rng_range(r, 0, unit - 1));
    unsigned sw[3] = {92, 3, 5};
    static const char st[3] = {'S', 'P', 'D'};
    row->status = st[sb_rng_weighted(r, sw, 3)];
    if (row->status == 'S') {
        row->has_fee = 1;
        row->fee = pp_fee(row->ccy, row->amount);
    }
    if (row->event == PP_EV_T0006 && sb_rng_pct(r, 30)) {
        pp_make_id(ds->seed, PP_IDS_AUTH, (*auths)++, row->ref); /* captures an authorization */
        row->ref_type = PP_REF_TXN;
    } else if (row->event == PP_EV_T0003) {
        pp_make_id(ds->seed, PP_IDS_BA, (*auths)++, row->ref);
        row->ref_type = PP_REF_PAP;
    }
    if (sb_rng_pct(r, 55))
        snprintf(row->invoice, sizeof row->invoice, sb_rng_pct(r, 50) ? "INV-%06u" : "%010u",
                 (unsigned)sb_rng_below(r, 1000000000));
    if (sb_rng_pct(r, 60))
        row->item = items[sb_rng_below(r, sizeof items / sizeof items[0])];
    if (sb_rng_pct(r, 20))
        row->instrument = (uint8_t)(1 + sb_rng_below(r, 2));
}

void pp_gen_oneoffs(pp_dataset *ds, pp_rowvec *rows)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_ONEOFF);
    uint64_t guests = 0, auths = 0;
    /* every payer shows up somewhere: those without an approved subscription pay once */
    unsigned char *seen = sb_xcalloc(ds->n_payers ? ds->n_payers : 1, 1);
    for (size_t i = 0; i < ds->n_subs; i++)
        if (ds->subs[i].status != PP_SUB_APPROVAL_PENDING)
            seen[ds->subs[i].payer] = 1;
    for (size_t p = 0; p < ds->n_payers; p++)
        if (!seen[p])
            oneoff(ds, rows, &r, (int)p, sb_rng_range(&r, ds->t0, ds->t_end), &guests, &auths, 0);
    free(seen);
    size_t n = (size_t)ds->scale + (size_t)ds->scale / 4;
    for (size_t i = 0; i < n; i++)
        oneoff(ds, rows, &r, (int)sb_rng_below(&r, ds->n_payers), sb_rng_range(&r, ds->t0, ds->t_end),
               &guests, &auths, 1);
    /* dense days: many payments, all of which get a twin row (pp_gen_twins) */
    int per_day = ds->scale >= 200 ? 40 : 6;
    for (int d = 0; d < 3; d++) {
        int64_t day = dense_day(ds, d);
        for (int i = 0; i < per_day; i++)
            oneoff(ds, rows, &r, (int)sb_rng_below(&r, ds->n_payers),
                   day + 3600 + (int64_t)i * (20 * 3600) / per_day, &guests, &auths, 1);
    }
}

void pp_gen_refunds(pp_dataset *ds, pp_rowvec *rows)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_REFUNDS);
    size_t n0 = rows->n;
    for (size_t i = 0; i < n0; i++) {
        pp_row pay = rows->items[i]; /* copy: pushing may move the array */
        if (!is_payment(pay.event) || pay.status != 'S' || pay.amount <= 0)
            continue;
        int kind = (int)sb_rng_below(&r, 1000);
        if (kind < 60) { /* refunds */
            int64_t parts[2];
            int np;
            if (sb_rng_pct(&r, 50)) {
                parts[0] = pay.amount;
                np = 1;
            } else if (sb_rng_pct(&r, 60) || pay.amount < 4) {
                parts[0] = pay.amount / 3 > 0 ? pay.amount / 3 : 1;
                np = 1;
            } else {
                parts[0] = pay.amount / 4 > 0 ? pay.amount / 4 : 1;
                parts[1] = sb_rng_pct(&r, 40) ? pay.amount - parts[0] : pay.amount / 3;
                np = 2;
            }
            if (pp_currencies[pay.ccy].exponent == 0)
                for (int k = 0; k < np; k++)
                    if (parts[k] > 10)
                        parts[k] = parts[k] / 10 * 10;
            int64_t t = pay.time;
            for (int k = 0; k < np; k++) {
                t += sb_rng_range(&r, PP_DAY_S, 40 * PP_DAY_S);
                if (t > ds->t_end)
                    break;
                pp_row *re = pp_rowvec_push(rows, (int32_t)i);
                re->event = PP_EV_T1107;
                re->ref_type = PP_REF_TXN; /* ref is set to the payment's id with the ids */
                re->time = re->updated = t;
                re->amount = -parts[k];
                re->ccy = pay.ccy;
                re->status = sb_rng_pct(&r, 95) ? 'S' : 'P';
                re->payer = pay.payer;
                re->guest = pay.guest;
                re->show_email = pay.show_email;
                re->show_name = pay.show_name;
                re->show_country = pay.show_country;
                memcpy(re->invoice, pay.invoice, sizeof re->invoice);
            }
        } else if (kind < 70) { /* reversal (6 per mille) or chargeback (4) */
            int reversal = kind < 66;
            int64_t t = pay.time + sb_rng_range(&r, reversal ? 2 * PP_DAY_S : 10 * PP_DAY_S,
                                                 reversal ? 30 * PP_DAY_S : 60 * PP_DAY_S);
            if (t > ds->t_end)
                continue;
            pp_row *re = pp_rowvec_push(rows, (int32_t)i);
            re->event = reversal ? PP_EV_T1106 : PP_EV_T1201;
            re->ref_type = PP_REF_TXN;
            re->time = re->updated = t;
            re->amount = -pay.amount;
            re->ccy = pay.ccy;
            re->status = 'S';
            re->payer = pay.payer;
            re->guest = pay.guest;
            re->show_email = pay.show_email;
            re->show_name = pay.show_name;
            re->show_country = pay.show_country;
            if (reversal) { /* the payment itself now reads "reversed" */
                rows->items[i].status = 'V';
                rows->items[i].updated = t;
            }
        }
    }
}

void pp_gen_twins(pp_dataset *ds, pp_rowvec *rows)
{
    sb_rng r;
    sb_rng_seed(&r, ds->seed, PP_STREAM_TWINS);
    size_t n0 = rows->n;
    for (size_t i = 0; i < n0; i++) {
        pp_row pay = rows->items[i];
        if (!is_payment(pay.event) || pay.status != 'S' || !pay.balance)
            continue;
        if (!in_dense_day(ds, pay.time) && !sb_rng_pct(&r, 4))
            continue;
        pp_row *tw = pp_rowvec_push(rows, (int32_t)i);
        *tw = pay;
        tw->balance = 0;
        tw->has_fee = 0;
        tw->fee = 0;
        if (sb_rng_pct(&r, 50)) {
            /* listed first: a pending, non-balance-affecting record with less payer data */
            tw->order = 0;
            tw->status = 'P';
            tw->show_email = 0;
            if (sb_rng_pct(&r, 30))
                tw->show_name = 0;
        } else {
            tw->order = 2; /* listed after the balance-affecting row */
        }
    }
}

void pp_gen_burst(pp_dataset *ds, pp_rowvec *rows)
{
    if (ds->burst_rows <= 0)
        return;
    for (long k = 0; k < ds->burst_rows; k++) {
        pp_row *row = pp_rowvec_push(rows, -1);
        row->event = PP_EV_T0006;
        row->time = row->updated = ds->burst_day + (int64_t)k * PP_DAY_S / ds->burst_rows;
        row->payer = -1;
        row->guest = (int32_t)(1000000 + k);
        row->burst = 1;
        row->show_email = row->show_name = row->show_country = 1;
        row->ccy = PP_USD;
        row->amount = 500 + (int64_t)(sb_mix64((uint64_t)k ^ ds->seed) % 5000);
        row->status = 'S';
        row->has_fee = 1;
        row->fee = pp_fee(PP_USD, row->amount);
        row->item = "Flash sale voucher";
    }
}
