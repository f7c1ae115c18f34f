/* Truth files for PayPal, sorted by id (byte order), every member present, derived from
 * the canonical model (never from rendered API JSON). */
#include "paypal_truth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_truth_file.h"
#include "sandbox_json.h"

static void end_line(sb_truth_file *o)
{
    sb_buf_addc(&o->buf, '\n');
    sb_truth_flush(o, 0);
}

static void money_ccy(sb_json *j, int ccy)
{
    sbj_kstr(j, "currency", pp_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", pp_currencies[ccy].exponent);
}

/* ------------------------------------------------------------------ plans */

static void write_plans(const pp_dataset *ds, sb_truth_file *o)
{
    for (size_t k = 0; k < ds->n_plans; k++) {
        const pp_plan *p = &ds->plans[ds->by_id_plans[k].index];
        int64_t trial_days = 0;
        for (int t = 0; t < p->n_trials; t++)
            trial_days += (int64_t)p->trial[t].total * p->trial[t].count * pp_unit_days[p->trial[t].unit];
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "plan");
        sbj_kstr(&j, "id", p->id);
        sbj_kstr(&j, "name", ds->products[p->product].name);
        sbj_kstr(&j, "product_id", ds->products[p->product].id);
        sbj_kint(&j, "amount", p->regular.price);
        money_ccy(&j, p->ccy);
        sbj_kstr(&j, "interval_unit", pp_unit_lower[p->regular.unit]);
        sbj_kint(&j, "interval_count", p->regular.count);
        sbj_kintn(&j, "trial_days", p->n_trials > 0, trial_days);
        sbj_kbool(&j, "active", p->status == PP_PLAN_ACTIVE);
        sbj_ktime(&j, "created_at", p->created);
        sbj_obj_end(&j);
        end_line(o);
    }
}

/* ------------------------------------------------------------------ subscriptions */

static const char *normalized_status(int st)
{
    switch (st) {
    case PP_SUB_ACTIVE: return "active";
    case PP_SUB_SUSPENDED: return "paused";
    case PP_SUB_CANCELLED:
    case PP_SUB_EXPIRED: return "canceled";
    case PP_SUB_APPROVAL_PENDING:
    case PP_SUB_APPROVED: return "pending";
    default: return "other";
    }
}

static void write_subscriptions(const pp_dataset *ds, sb_truth_file *o, int all)
{
    for (size_t k = 0; k < ds->n_subs; k++) {
        const pp_sub *s = &ds->subs[ds->by_id_subs[k].index];
        if (!all && !s->visible)
            continue;
        const pp_plan *pl = &ds->plans[s->plan];
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "subscription");
        sbj_kstr(&j, "id", s->id);
        sbj_kstr(&j, "customer_id", s->show_payer_id ? ds->payers[s->payer].id : NULL);
        sbj_kstr(&j, "status", normalized_status(s->status));
        sbj_kstr(&j, "provider_status", pp_sub_status_names[s->status]);
        sbj_ktime(&j, "started_at", s->start);
        sbj_ktime(&j, "current_period_start", s->last_pay_time);
        sbj_ktime(&j, "current_period_end", s->next_billing);
        sbj_knull(&j, "trial_end");
        sbj_ktime(&j, "canceled_at", s->status == PP_SUB_CANCELLED ? s->status_time : 0);
        sbj_kbool(&j, "cancel_at_period_end", 0);
        sbj_ktime(&j, "created_at", s->created);
        sbj_key(&j, "items");
        sbj_arr_begin(&j);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "subscription_item");
        sbj_kstr(&j, "id", s->id);
        sbj_kstr(&j, "plan_id", pl->id);
        sbj_kint(&j, "quantity", s->show_quantity ? s->quantity : 1);
        sbj_kint(&j, "amount", pp_sub_price(ds, s));
        money_ccy(&j, pl->ccy);
        sbj_obj_end(&j);
        sbj_arr_end(&j);
        sbj_obj_end(&j);
        end_line(o);
    }
}

static void write_hidden(const pp_dataset *ds, sb_truth_file *o)
{
    for (size_t k = 0; k < ds->n_subs; k++) {
        const pp_sub *s = &ds->subs[ds->by_id_subs[k].index];
        if (!s->visible) {
            sb_buf_adds(&o->buf, s->id);
            end_line(o);
        }
    }
}

/* ------------------------------------------------------------------ transactions */

static int cmp_row_ptr(const void *a, const void *b)
{
    return strcmp((*(const pp_row *const *)a)->txid, (*(const pp_row *const *)b)->txid);
}

static const char *result_of(char status)
{
    switch (status) {
    case 'S':
    case 'V': return "succeeded"; /* reversed: it succeeded; the reversal is its own row */
    case 'P': return "pending";
    default: return "failed";
    }
}

/* How settled a row is (docs/data-model.md): S and V, then P, then D. */
static int settled_rank(char status)
{
    switch (status) {
    case 'S':
    case 'V': return 3;
    case 'P': return 2;
    case 'D': return 1;
    default: return 0;
    }
}

static void write_transactions(const pp_dataset *ds, sb_truth_file *o)
{
    /* rows sharing an id share the initiation date, so they are adjacent in search order:
     * of each run, the most settled row (the first of equals) is what an extraction keeps */
    const pp_row **first = sb_xmalloc((ds->n_rows ? ds->n_rows : 1) * sizeof *first);
    size_t n = 0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        if (i == 0 || strcmp(ds->rows[i].txid, ds->rows[i - 1].txid) != 0)
            first[n++] = &ds->rows[i];
        else if (settled_rank(ds->rows[i].status) > settled_rank(first[n - 1]->status))
            first[n - 1] = &ds->rows[i];
    }
    qsort(first, n, sizeof *first, cmp_row_ptr);
    for (size_t k = 0; k < n; k++) {
        const pp_row *r = first[k];
        int refund = r->amount < 0;
        char st[2] = {r->status, '\0'};
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "transaction");
        sbj_kstr(&j, "id", r->txid);
        sbj_kstr(&j, "customer_id", r->payer >= 0 ? ds->payers[r->payer].id : NULL);
        sbj_kstr(&j, "subscription_id", r->ref_type == PP_REF_SUB ? r->ref : NULL);
        sbj_kstr(&j, "invoice_id", r->invoice[0] ? r->invoice : NULL);
        sbj_kstr(&j, "kind", refund ? "refund" : "payment");
        sbj_kstr(&j, "result", result_of(r->status));
        sbj_kstr(&j, "provider_status", st);
        sbj_kint(&j, "amount", refund ? -r->amount : r->amount);
        money_ccy(&j, r->ccy);
        sbj_kint(&j, "refunded_amount", 0);
        sbj_kstr(&j, "parent_id", refund && r->ref_type == PP_REF_TXN ? r->ref : NULL);
        sbj_ktime(&j, "occurred_at", r->time);
        sbj_obj_end(&j);
        end_line(o);
    }
    free(first);
}

/* ------------------------------------------------------------------ customers */

static int cmp_id_entry(const void *a, const void *b)
{
    return strcmp(((const pp_id_entry *)a)->id, ((const pp_id_entry *)b)->id);
}

typedef struct cust {
    int seen;
    int64_t created;
    const char *email;    /* NULL: none yet */
    const char *country;
    int has_name;
    char name[200];
} cust;

static void set_name2(cust *c, const char *a, const char *b)
{
    snprintf(c->name, sizeof c->name, "%s %s", a, b);
    c->has_name = 1;
}

static void write_customers(const pp_dataset *ds, sb_truth_file *o, int all)
{
    cust *cs = sb_xcalloc(ds->n_payers ? ds->n_payers : 1, sizeof *cs);
    /* subscriptions first, in id order */
    for (size_t k = 0; k < ds->n_subs; k++) {
        const pp_sub *s = &ds->subs[ds->by_id_subs[k].index];
        if ((!all && !s->visible) || !s->show_payer_id)
            continue;
        const pp_payer *p = &ds->payers[s->payer];
        cust *c = &cs[s->payer];
        if (!c->seen || s->created < c->created)
            c->created = s->created;
        c->seen = 1;
        if (!c->email && s->show_email)
            c->email = p->email;
        if (!c->has_name && s->show_name)
            set_name2(c, p->given, p->surname);
        if (!c->country && s->show_shipping && p->place)
            c->country = p->place->country;
    }
    /* then rows, in search order */
    for (size_t i = 0; i < ds->n_rows; i++) {
        const pp_row *r = &ds->rows[i];
        if (r->payer < 0)
            continue;
        const pp_payer *p = &ds->payers[r->payer];
        cust *c = &cs[r->payer];
        if (!c->seen || r->time < c->created)
            c->created = r->time;
        c->seen = 1;
        if (!c->email && r->show_email)
            c->email = p->email;
        if (!c->has_name && r->show_name) {
            if (p->business) {
                snprintf(c->name, sizeof c->name, "%s", p->business);
                c->has_name = 1;
            } else if (p->alt_name[0]) {
                snprintf(c->name, sizeof c->name, "%s", p->alt_name);
                c->has_name = 1;
            } else {
                set_name2(c, p->given, p->surname);
            }
        }
        if (!c->country && r->show_country && p->place)
            c->country = p->place->country;
    }
    /* payers in id order */
    pp_id_entry *order = sb_xmalloc((ds->n_payers ? ds->n_payers : 1) * sizeof *order);
    for (size_t i = 0; i < ds->n_payers; i++) {
        order[i].id = ds->payers[i].id;
        order[i].index = (uint32_t)i;
    }
    qsort(order, ds->n_payers, sizeof *order, cmp_id_entry);
    for (size_t k = 0; k < ds->n_payers; k++) {
        const cust *c = &cs[order[k].index];
        if (!c->seen)
            continue;
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "customer");
        sbj_kstr(&j, "id", order[k].id);
        sbj_kstr(&j, "email", c->email);
        sbj_kstr(&j, "name", c->has_name ? c->name : NULL);
        sbj_kstr(&j, "country", c->country);
        sbj_ktime(&j, "created_at", c->created);
        sbj_kbool(&j, "deleted", 0);
        sbj_obj_end(&j);
        end_line(o);
    }
    free(order);
    free(cs);
}

static void w_customers(const pp_dataset *ds, sb_truth_file *o) { write_customers(ds, o, 0); }
static void w_customers_all(const pp_dataset *ds, sb_truth_file *o) { write_customers(ds, o, 1); }
static void w_subs(const pp_dataset *ds, sb_truth_file *o) { write_subscriptions(ds, o, 0); }
static void w_subs_all(const pp_dataset *ds, sb_truth_file *o) { write_subscriptions(ds, o, 1); }

int pp_write_truth(const pp_dataset *ds, const char *dir, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        void (*write)(const pp_dataset *, sb_truth_file *);
    } files[] = {
        {"customers.jsonl", w_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", w_subs},
        {"transactions.jsonl", write_transactions},
        {"hidden_subscription_ids.txt", write_hidden},
        {"subscriptions_all.jsonl", w_subs_all},
        {"customers_all.jsonl", w_customers_all},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        sb_truth_file o;
        if (sb_truth_open(&o, dir, files[i].name, err, errlen) != 0)
            return -1;
        files[i].write(ds, &o);
        if (sb_truth_close(&o, files[i].name, err, errlen) != 0)
            return -1;
    }
    return 0;
}
