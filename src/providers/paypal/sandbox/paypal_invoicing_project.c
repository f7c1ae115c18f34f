/* The merchant's invoices in the PayPal module: the world's one-off invoices in
 * currencies PayPal takes, their statuses, items and payments as PayPal shows them
 * (rules: paypal_invoicing.c's header), and the link from their payments' rows. */
#include "paypal_invoicing.h"
#include "paypal_invoicing_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"

#define INV_KIND 40 /* id kind number of invoices (beyond paypal_model.h's kinds) */

static int takes(int ccy)
{
    return ccy != W_KRW && ccy != W_KWD && ccy != W_BHD;
}

/* The world indices of the merchant's invoices, oldest first (caller frees): one-off
 * invoices, and the invoices of subscriptions PayPal's plans cannot express (several
 * items, metered or tiered prices), which the merchant bills by PayPal invoice. */
size_t *ppi_list(const pp_state *s, size_t *n)
{
    const sb_world *w = s->w;
    size_t *list = sb_xmalloc((w->n_invoices ? w->n_invoices : 1) * sizeof *list);
    *n = 0;
    /* subscriptions PayPal's Subscriptions bill (paypal_project.c): theirs are not invoices */
    unsigned char *billed = sb_xcalloc(w->n_subs ? w->n_subs : 1, 1);
    for (size_t i = 0; i < s->n_subs; i++)
        billed[s->subs[i].sub] = 1;
    for (size_t k = 0; k < w->n_invoices; k++) {
        const w_invoice *v = &w->invoices[k];
        if (takes(v->ccy) && (v->sub < 0 || !billed[v->sub]))
            list[(*n)++] = k;
    }
    free(billed);
    return list;
}

static const sb_id_style id_style = {"", "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16, 6, 0, NULL, 0};

/* "INV2-ABCD-EFGH-JKLM-NPQR": pos is the invoice's place in ppi_list(). */
void ppi_id(const pp_state *s, size_t pos, char out[32])
{
    char body[SB_ID_MAX];
    sb_id_make(body, &id_style, s->w->seed, INV_KIND, pos);
    snprintf(out, 32, "INV2-%.4s-%.4s-%.4s-%.4s", body, body + 4, body + 8, body + 12);
}

static uint64_t hash(const pp_state *s, uint64_t what, uint64_t n)
{
    return sb_mix64(s->w->seed ^ sb_mix64(what << 40 ^ n));
}

/* The Transaction Search row of world payment p (its balance-affecting row), or -1. */
static long payment_row(const pp_state *s, const w_payment *p)
{
    int64_t t = p->created + s->delta, amount = pp_amount(p->ccy, p->amount);
    for (size_t i = pp_rows_lower_bound(s, t); i < s->n_rows && s->rows[i].time == t; i++) {
        const pp_row *r = &s->rows[i];
        if (r->payer == p->customer && r->amount == amount && r->ccy == p->ccy && r->balance &&
            r->ref_type != PP_REF_SUB && !r->merchant)
            return (long)i;
    }
    return -1;
}



void ppi_line_of(const pp_state *s, const w_invoice *v, uint32_t j, ppi_line *l)
{
    const w_line *wl = &s->w->lines[v->first_line + j];
    uint64_t h = hash(s, 21, v->first_line + j);
    int64_t a = pp_amount(v->ccy, wl->amount), q = wl->quantity > 0 ? wl->quantity : 1;
    l->name = wl->description ? wl->description : "Item";
    l->gross = a;
    l->own = wl->discount_kind == W_DISCOUNT_INTRO ? pp_amount(v->ccy, wl->discount) : 0;
    l->coupon = wl->discount_kind == W_DISCOUNT_COUPON ? pp_amount(v->ccy, wl->discount) : 0;
    l->tax = pp_amount(v->ccy, wl->tax);
    l->amount = a - l->own;
    l->has_quantity = 1;
    if (h % 8 == 1 && a > 0) { /* half an hour at 2a - 1: the product rounds up to a */
        snprintf(l->quantity, sizeof l->quantity, "0.5");
        l->unit = 2 * a - 1;
        l->has_quantity = 0;
    } else if (h % 8 == 2 && a % 3 == 0) {
        snprintf(l->quantity, sizeof l->quantity, "1.5");
        l->unit = a / 3 * 2;
        l->has_quantity = 0;
    } else if (a % q == 0) {
        snprintf(l->quantity, sizeof l->quantity, "%lld", (long long)q);
        l->unit = a / q;
        l->whole = q;
    } else {
        snprintf(l->quantity, sizeof l->quantity, "1");
        l->unit = a;
        l->whole = 1;
    }
}

void ppi_invoice_of(const pp_state *s, size_t pos, size_t k, ppi_inv *out)
{
    const sb_world *w = s->w;
    const w_invoice *v = &w->invoices[k];
    memset(out, 0, sizeof *out);
    out->v = v;
    out->ccy = v->ccy;
    ppi_id(s, pos, out->id);
    snprintf(out->number, sizeof out->number, "%04zu", pos + 1);
    out->created = v->created + s->delta;
    for (uint32_t j = 0; j < v->n_lines; j++) {
        ppi_line l;
        ppi_line_of(s, v, j, &l);
        out->item_total += l.gross;
        out->item_discount += l.own;
        out->discount += l.coupon;
        out->tax += l.tax;
    }
    out->tax_pct = v->tax_pct;
    out->tax_inclusive = v->tax_inclusive;
    out->subtotal = out->item_total - out->item_discount; /* no shipping, no custom amount */
    out->total = out->subtotal - out->discount + (out->tax_inclusive ? 0 : out->tax);
    const w_payment *p = v->payment >= 0 ? &w->payments[v->payment] : NULL;
    long row = p ? payment_row(s, p) : -1;
    if (v->status != W_INV_DRAFT) {
        out->sent = v->finalized_at + s->delta;
        out->shows_due = 1;
    }
    if (v->due_date)
        out->due = v->due_date + s->delta;
    switch (v->status) {
    case W_INV_DRAFT: out->status = "DRAFT"; out->normalized = "draft"; break;
    case W_INV_VOID:
        out->status = "CANCELLED";
        out->normalized = "void";
        out->canceled = v->voided_at + s->delta;
        break;
    case W_INV_UNCOLLECTIBLE: out->status = "UNPAID"; out->normalized = "open"; break;
    case W_INV_PAID:
        out->normalized = "paid";
        out->paid = out->total;
        out->paid_date = out->paid ? v->paid_at + s->delta : 0; /* nothing to pay: no payment */
        if (row >= 0 && out->paid) {
            snprintf(out->payment_id, sizeof out->payment_id, "%s", s->rows[row].txid);
            out->refunded = pp_amount(p->ccy, p->amount_refunded);
            out->status = !out->refunded ? "PAID" : out->refunded < out->paid ? "PARTIALLY_REFUNDED" : "REFUNDED";
        } else {
            out->status = "MARKED_AS_PAID";
        }
        break;
    default:
        out->normalized = "open";
        out->status = p && p->status == W_PAY_PENDING ? "PAYMENT_PENDING" : "SENT";
    }
}

void pp_invoices_link_rows(pp_state *s)
{
    size_t n, *list = ppi_list(s, &n);
    for (size_t pos = 0; pos < n; pos++) {
        ppi_inv v;
        ppi_invoice_of(s, pos, list[pos], &v);
        if (!v.payment_id[0])
            continue;
        for (size_t i = 0; i < s->n_rows; i++) { /* the payment's rows, and its refunds */
            pp_row *r = &s->rows[i];
            if (strcmp(r->txid, v.payment_id) == 0 ||
                (r->event == PP_EV_T1107 && strcmp(r->ref, v.payment_id) == 0))
                snprintf(r->invoice, sizeof r->invoice, "%s", v.number);
        }
    }
    free(list);
}
