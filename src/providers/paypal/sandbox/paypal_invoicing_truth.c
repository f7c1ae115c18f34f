/* invoices.jsonl: the merchant's invoices normalized by docs/data-model.md's PayPal rules,
 * from the projection (never from rendered JSON), sorted by id. */
#include "paypal_invoicing.h"
#include "paypal_invoicing_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct keyed {
    char id[32];
    size_t pos, k;
} keyed;

static int by_id(const void *a, const void *b)
{
    return strcmp(((const keyed *)a)->id, ((const keyed *)b)->id);
}

static void truth_money(sb_json *j, int ccy)
{
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", pp_exponent(ccy));
}

void pp_write_invoices_truth(const void *state, sb_truth_file *o)
{
    const pp_state *s = state;
    size_t n, *list = ppi_list(s, &n);
    keyed *order = sb_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t pos = 0; pos < n; pos++) {
        ppi_id(s, pos, order[pos].id);
        order[pos].pos = pos;
        order[pos].k = list[pos];
    }
    qsort(order, n, sizeof *order, by_id);
    for (size_t i = 0; i < n; i++) {
        ppi_inv v;
        ppi_invoice_of(s, order[i].pos, order[i].k, &v);
        sb_json *j = sb_truth_record(o, "invoice");
        sbj_kstr(j, "id", v.id);
        sbj_kstr(j, "number", v.number);
        sbj_knull(j, "customer_id"); /* recipients have no payer id */
        sbj_knull(j, "subscription_id");
        sbj_kstr(j, "status", v.normalized);
        sbj_kstr(j, "provider_status", v.status);
        truth_money(j, v.ccy);
        sbj_kint(j, "subtotal", v.subtotal);
        sbj_kint(j, "discount", v.discount);
        sbj_kint(j, "tax", v.tax);
        sbj_kint(j, "total", v.total);
        sbj_kint(j, "amount_paid", v.paid);
        sbj_kintn(j, "amount_due", v.shows_due, v.total - v.paid);
        sbj_ktime(j, "created_at", v.created);
        sbj_ktime(j, "issued_at", v.sent);
        sbj_ktime(j, "due_at", v.due ? v.due / PP_DAY_S * PP_DAY_S : 0); /* a date: midnight UTC */
        sbj_ktime(j, "paid_at", v.paid_date ? v.paid_date / PP_DAY_S * PP_DAY_S : 0);
        sbj_ktime(j, "voided_at", v.canceled);
        sbj_knull(j, "period_start");
        sbj_knull(j, "period_end");
        sbj_karr(j, "lines");
        for (uint32_t k = 0; k < v.v->n_lines; k++) {
            ppi_line l;
            ppi_line_of(s, v.v, k, &l);
            sbj_obj_begin(j);
            sbj_kstr(j, "object", "invoice_line");
            sbj_knull(j, "id");
            sbj_kstr(j, "kind", "one_off");
            sbj_knull(j, "plan_id");
            sbj_kstr(j, "description", l.name);
            sbj_kintn(j, "quantity", l.has_quantity, l.whole);
            sbj_kint(j, "amount", l.amount);
            truth_money(j, v.ccy);
            sbj_knull(j, "period_start");
            sbj_knull(j, "period_end");
            sbj_kbool(j, "proration", 0);
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
        sb_truth_record_end(o);
    }
    free(order);
    free(list);
}
