/* Truth files: exactly what a correct extraction through the API (pinned to
 * 2025-03-31.basil) can see, in the normalized schema of docs/data-model.md, one record a
 * line, sorted by id. Derived from the canonical dataset, never from rendered API JSON. */
#include "stripe_truth.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_truth_file.h"
#include "sandbox_json.h"

/* Money members: currency upper case, and Stripe's exponent for it. */
static void money_ccy(sb_json *j, int ccy)
{
    char up[4];
    const char *code = st_currencies[ccy].code;
    for (int i = 0; i < 3; i++)
        up[i] = (char)toupper((unsigned char)code[i]);
    up[3] = '\0';
    sbj_kstr(j, "currency", up);
    sbj_kint(j, "currency_exponent", st_currency_exponent(up));
}

static void write_customers(const st_dataset *ds, sb_truth_file *o)
{
    for (size_t k = 0; k < ds->n_customers; k++) {
        const st_customer *c = &ds->customers[ds->by_id_customers[k].index];
        if (c->deleted_at)
            continue; /* Stripe never lists deleted customers */
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "customer");
        sbj_kstr(&j, "id", c->id);
        sbj_kstr(&j, "email", c->email);
        sbj_kstr(&j, "name", c->name);
        sbj_kstr(&j, "country", c->has_address ? c->country : NULL);
        sbj_ktime(&j, "created_at", c->created);
        sbj_kbool(&j, "deleted", 0);
        sbj_obj_end(&j);
        sb_buf_addc(&o->buf, '\n');
        sb_truth_flush(o, 0);
    }
}

static void write_plans(const st_dataset *ds, sb_truth_file *o)
{
    for (size_t k = 0; k < ds->n_prices; k++) {
        const st_price *p = &ds->prices[ds->by_id_prices[k].index];
        const st_product *pr = &ds->products[p->product];
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "plan");
        sbj_kstr(&j, "id", p->id);
        sbj_kstr(&j, "name", pr->deleted ? NULL : pr->name);
        sbj_kstr(&j, "product_id", pr->id);
        sbj_kintn(&j, "amount", p->has_unit_amount, p->unit_amount);
        money_ccy(&j, p->ccy);
        sbj_kstr(&j, "interval_unit", p->recurring ? st_interval_names[p->interval] : NULL);
        sbj_kintn(&j, "interval_count", p->recurring, p->interval_count);
        sbj_kintn(&j, "trial_days", p->recurring && p->trial_days >= 0, p->trial_days);
        sbj_kbool(&j, "active", p->active);
        sbj_ktime(&j, "created_at", p->created);
        sbj_obj_end(&j);
        sb_buf_addc(&o->buf, '\n');
        sb_truth_flush(o, 0);
    }
}

static const char *normalized_sub_status(int st)
{
    switch (st) {
    case ST_SUB_TRIALING: return "trialing";
    case ST_SUB_ACTIVE: return "active";
    case ST_SUB_PAST_DUE:
    case ST_SUB_UNPAID: return "past_due";
    case ST_SUB_PAUSED: return "paused";
    case ST_SUB_CANCELED:
    case ST_SUB_INCOMPLETE_EXPIRED: return "canceled";
    case ST_SUB_INCOMPLETE: return "pending";
    default: return "other";
    }
}

static void write_subscriptions(const st_dataset *ds, sb_truth_file *o)
{
    for (size_t k = 0; k < ds->n_subs; k++) {
        const st_sub *s = &ds->subs[ds->by_id_subs[k].index];
        /* basil: the subscription's period is its items' earliest start and earliest end */
        int64_t ps = 0, pe = 0;
        for (size_t i = 0; i < s->n_items; i++) {
            const st_item *it = &ds->items[s->first_item + i];
            if (i == 0 || it->period_start < ps)
                ps = it->period_start;
            if (i == 0 || it->period_end < pe)
                pe = it->period_end;
        }
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "subscription");
        sbj_kstr(&j, "id", s->id);
        sbj_kstr(&j, "customer_id", ds->customers[s->customer].id);
        sbj_kstr(&j, "status", normalized_sub_status(s->status));
        sbj_kstr(&j, "provider_status", st_sub_status_names[s->status]);
        sbj_ktime(&j, "started_at", s->start_date);
        sbj_ktime(&j, "current_period_start", s->n_items ? ps : 0);
        sbj_ktime(&j, "current_period_end", s->n_items ? pe : 0);
        sbj_ktime(&j, "trial_end", s->trial_end);
        sbj_ktime(&j, "canceled_at", s->canceled_at);
        sbj_kbool(&j, "cancel_at_period_end", s->cancel_at_period_end);
        sbj_ktime(&j, "created_at", s->created);
        sbj_key(&j, "items");
        sbj_arr_begin(&j);
        for (size_t i = 0; i < s->n_items; i++) {
            const st_item *it = &ds->items[s->first_item + i];
            const st_price *p = &ds->prices[it->price];
            sbj_obj_begin(&j);
            sbj_kstr(&j, "object", "subscription_item");
            sbj_kstr(&j, "id", it->id);
            sbj_kstr(&j, "plan_id", p->id);
            sbj_kintn(&j, "quantity", it->quantity >= 0, it->quantity);
            sbj_kintn(&j, "amount", p->has_unit_amount, p->unit_amount);
            money_ccy(&j, p->ccy);
            sbj_obj_end(&j);
        }
        sbj_arr_end(&j);
        sbj_obj_end(&j);
        sb_buf_addc(&o->buf, '\n');
        sb_truth_flush(o, 0);
    }
}

static const char *refund_result(int st)
{
    switch (st) {
    case ST_RE_SUCCEEDED: return "succeeded";
    case ST_RE_PENDING:
    case ST_RE_REQUIRES_ACTION: return "pending";
    default: return "failed"; /* failed, canceled */
    }
}

static void write_transactions(const st_dataset *ds, sb_truth_file *o)
{
    /* Every "ch_" id sorts before every "re_" id, so charges then refunds is id order. */
    for (size_t k = 0; k < ds->n_charges; k++) {
        const st_charge *ch = &ds->charges[ds->by_id_charges[k].index];
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "transaction");
        sbj_kstr(&j, "id", ch->id);
        sbj_kstr(&j, "customer_id", ch->customer >= 0 ? ds->customers[ch->customer].id : NULL);
        sbj_knull(&j, "subscription_id");
        sbj_knull(&j, "invoice_id"); /* basil charges carry no invoice */
        sbj_kstr(&j, "kind", "payment");
        sbj_kstr(&j, "result", st_charge_status_names[ch->status]);
        sbj_kstr(&j, "provider_status", st_charge_status_names[ch->status]);
        sbj_kint(&j, "amount", ch->amount);
        money_ccy(&j, ch->ccy);
        sbj_kint(&j, "refunded_amount", ch->amount_refunded);
        sbj_knull(&j, "parent_id");
        sbj_ktime(&j, "occurred_at", ch->created);
        sbj_obj_end(&j);
        sb_buf_addc(&o->buf, '\n');
        sb_truth_flush(o, 0);
    }
    for (size_t k = 0; k < ds->n_refunds; k++) {
        const st_refund *re = &ds->refunds[ds->by_id_refunds[k].index];
        const st_charge *ch = &ds->charges[re->charge];
        sb_json j;
        sbj_init(&j, &o->buf, 0);
        sbj_obj_begin(&j);
        sbj_kstr(&j, "object", "transaction");
        sbj_kstr(&j, "id", re->id);
        sbj_kstr(&j, "customer_id", ch->customer >= 0 ? ds->customers[ch->customer].id : NULL);
        sbj_knull(&j, "subscription_id");
        sbj_knull(&j, "invoice_id");
        sbj_kstr(&j, "kind", "refund");
        sbj_kstr(&j, "result", refund_result(re->status));
        sbj_kstr(&j, "provider_status", st_refund_status_names[re->status]);
        sbj_kint(&j, "amount", re->amount);
        money_ccy(&j, ch->ccy);
        sbj_kint(&j, "refunded_amount", 0);
        sbj_kstr(&j, "parent_id", ch->id);
        sbj_ktime(&j, "occurred_at", re->created);
        sbj_obj_end(&j);
        sb_buf_addc(&o->buf, '\n');
        sb_truth_flush(o, 0);
    }
}

int st_write_truth(const st_dataset *ds, const char *dir, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        void (*write)(const st_dataset *, sb_truth_file *);
    } files[] = {
        {"customers.jsonl", write_customers},
        {"plans.jsonl", write_plans},
        {"subscriptions.jsonl", write_subscriptions},
        {"transactions.jsonl", write_transactions},
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
