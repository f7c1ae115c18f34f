/* The GoCardless module's truth: the projection normalized as docs/providers/gocardless.md
 * ("Normalization") says, from the world and the projection's own tables, never from the
 * rendered JSON. Files are sorted by id (byte order): ids of one list share a prefix, and
 * transactions.jsonl holds the payments (PM...) before the refunds (RF...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless_model.h"
#include "sandbox_truth_file.h"

static size_t world_count(const gc_state *st, int list)
{
    const sb_world *w = st->w;
    switch (list) {
    case GC_L_CUSTOMERS:
    case GC_L_MANDATES: return w->n_customers;
    case GC_L_SUBSCRIPTIONS: return w->n_subs;
    case GC_L_PAYMENTS: return w->n_payments;
    default: return w->n_refunds;
    }
}

/* Calls write for every record of a list, in id order. */
static void each_by_id(const gc_state *st, int list, sb_truth_file *o,
                       void (*write)(const gc_state *, size_t, sb_truth_file *))
{
    size_t n = world_count(st, list);
    uint32_t *order = sb_id_order(n, &st->styles[list], st->w->seed, (unsigned)list);
    for (size_t k = 0; k < n; k++)
        if (st->lists[list].pos[order[k]] >= 0)
            write(st, order[k], o);
    free(order);
}

static void kid(sb_json *j, const char *key, const gc_state *st, int list, uint64_t n)
{
    char id[SB_ID_MAX];
    gc_id(st, list, n, id);
    sbj_kstr(j, key, id);
}

/* company_name, else given_name and family_name (either alone), else null. */
static void customer_name(sb_json *j, const w_customer *c)
{
    if (!c->name_on_file || (!c->business && !c->given && !c->family)) {
        sbj_knull(j, "name");
        return;
    }
    if (c->business) {
        sbj_kstr(j, "name", c->business);
        return;
    }
    sb_buf b;
    sb_buf_init(&b);
    sb_buf_printf(&b, "%s%s%s", c->given ? c->given : "", c->given && c->family ? " " : "",
                  c->family ? c->family : "");
    sbj_kstr(j, "name", sb_buf_str(&b));
    sb_buf_free(&b);
}

static void write_customer(const gc_state *st, size_t i, sb_truth_file *o)
{
    const w_customer *c = &st->w->customers[i];
    sb_json *j = sb_truth_record(o, "customer");
    kid(j, "id", st, GC_L_CUSTOMERS, i);
    sbj_kstr(j, "email", c->email);
    customer_name(j, c);
    sbj_kstr(j, "country", c->country);
    sbj_ktime(j, "created_at", c->created);
    sbj_kbool(j, "deleted", 0);
    sb_truth_record_end(o);
}

/* GoCardless's status to the model's word (docs/providers/gocardless.md). */
static const char *sub_word(const char *status)
{
    if (!strcmp(status, "pending_customer_approval"))
        return "pending";
    if (!strcmp(status, "active"))
        return "active";
    if (!strcmp(status, "paused"))
        return "paused";
    return "canceled"; /* customer_approval_denied, finished, cancelled */
}

static void write_sub(const gc_state *st, size_t i, sb_truth_file *o)
{
    const sb_world *w = st->w;
    const w_sub *s = &w->subs[i];
    const w_item *it = &w->items[s->first_item];
    const w_price *p = &w->prices[it->price];
    const char *status = gc_sub_status(s);
    sb_json *j = sb_truth_record(o, "subscription");
    kid(j, "id", st, GC_L_SUBSCRIPTIONS, i);
    kid(j, "customer_id", st, GC_L_CUSTOMERS, (uint64_t)s->customer);
    sbj_kstr(j, "status", sub_word(status));
    sbj_kstr(j, "provider_status", status);
    /* start_date is a date: midnight UTC of its day */
    sbj_ktime(j, "started_at", s->start_date - (s->start_date % W_DAY + W_DAY) % W_DAY);
    static const char *const nulls[] = {"current_period_start", "current_period_end", "trial_start", "trial_end",
                                        "canceled_at"};
    for (size_t k = 0; k < sizeof nulls / sizeof nulls[0]; k++)
        sbj_knull(j, nulls[k]);
    sbj_kbool(j, "cancel_at_period_end", 0);
    sbj_knull(j, "cancel_at");
    sbj_knull(j, "ended_at");
    sbj_kbool(j, "paused", !strcmp(status, "paused"));
    sbj_knull(j, "pause_behavior");
    sbj_knull(j, "resumes_at");
    sbj_kstr(j, "discounts", "[]");
    sbj_ktime(j, "created_at", s->created);
    sbj_karr(j, "items");
    sbj_obj_begin(j);
    sbj_kstr(j, "object", "subscription_item");
    sbj_knull(j, "id");
    sbj_knull(j, "plan_id");
    sbj_kint(j, "quantity", 1);
    sbj_kstr(j, "usage_type", "licensed");
    int64_t amount = p->unit_amount * it->quantity;
    sbj_kint(j, "amount", amount);
    char dec[24];
    snprintf(dec, sizeof dec, "%lld", (long long)amount);
    sbj_kstr(j, "amount_decimal", dec);
    sbj_kstr(j, "currency", w_currencies[s->ccy].code);
    sbj_kint(j, "currency_exponent", w_currencies[s->ccy].exponent);
    sbj_knull(j, "current_period_start");
    sbj_knull(j, "current_period_end");
    sbj_obj_end(j);
    sbj_arr_end(j);
    sb_truth_record_end(o);
}

/* The transaction members every kind writes alike. */
static void txn_common(sb_json *j, const char *kind, const char *result, const char *status, int64_t amount,
                       int ccy)
{
    sbj_knull(j, "invoice_id");
    sbj_kstr(j, "kind", kind);
    sbj_kstr(j, "result", result);
    sbj_kstr(j, "provider_status", status);
    sbj_kint(j, "amount", amount);
    sbj_kstr(j, "currency", w_currencies[ccy].code);
    sbj_kint(j, "currency_exponent", w_currencies[ccy].exponent);
}

static void write_payment(const gc_state *st, size_t i, sb_truth_file *o)
{
    const w_payment *p = &st->w->payments[i];
    const char *status = gc_payment_status(st, p);
    const char *result = !strcmp(status, "paid_out") || !strcmp(status, "confirmed") ? "succeeded"
                         : !strcmp(status, "submitted") ? "pending" : "failed";
    sb_json *j = sb_truth_record(o, "transaction");
    kid(j, "id", st, GC_L_PAYMENTS, i);
    kid(j, "customer_id", st, GC_L_CUSTOMERS, (uint64_t)p->customer);
    long sub = gc_payment_sub(st, p);
    if (sub >= 0)
        kid(j, "subscription_id", st, GC_L_SUBSCRIPTIONS, (uint64_t)sub);
    else
        sbj_knull(j, "subscription_id");
    txn_common(j, "payment", result, status, p->amount, p->ccy);
    sbj_kintn(j, "captured_amount", strcmp(result, "pending") != 0, strcmp(result, "succeeded") ? 0 : p->amount);
    sbj_kint(j, "refunded_amount", p->amount_refunded);
    sbj_knull(j, "fee_amount");
    sbj_knull(j, "net_amount");
    sbj_knull(j, "parent_id");
    sbj_ktime(j, "occurred_at", p->created);
    sb_truth_record_end(o);
}

static void write_refund(const gc_state *st, size_t i, sb_truth_file *o)
{
    const w_refund *r = &st->w->refunds[i];
    const w_payment *p = &st->w->payments[r->payment];
    const char *status = gc_refund_status(r);
    const char *result = !strcmp(status, "paid") ? "succeeded"
                         : !strcmp(status, "created") || !strcmp(status, "submitted") ? "pending" : "failed";
    sb_json *j = sb_truth_record(o, "transaction");
    kid(j, "id", st, GC_L_REFUNDS, i);
    kid(j, "customer_id", st, GC_L_CUSTOMERS, (uint64_t)p->customer);
    sbj_knull(j, "subscription_id");
    txn_common(j, "refund", result, status, r->amount, p->ccy);
    sbj_knull(j, "captured_amount");
    sbj_kint(j, "refunded_amount", 0);
    sbj_knull(j, "fee_amount");
    sbj_knull(j, "net_amount");
    kid(j, "parent_id", st, GC_L_PAYMENTS, (uint64_t)r->payment);
    sbj_ktime(j, "occurred_at", r->created);
    sb_truth_record_end(o);
}

static void customers_file(const void *state, sb_truth_file *o)
{
    each_by_id(state, GC_L_CUSTOMERS, o, write_customer);
}

static void subscriptions_file(const void *state, sb_truth_file *o)
{
    each_by_id(state, GC_L_SUBSCRIPTIONS, o, write_sub);
}

static void transactions_file(const void *state, sb_truth_file *o)
{
    each_by_id(state, GC_L_PAYMENTS, o, write_payment);
    each_by_id(state, GC_L_REFUNDS, o, write_refund);
}

int gc_write_truth(void *state, const char *dir, char *err, size_t errlen)
{
    static const sb_truth_spec specs[] = {
        {"customers.jsonl", customers_file},
        {"subscriptions.jsonl", subscriptions_file},
        {"transactions.jsonl", transactions_file},
    };
    return sb_truth_write(dir, specs, sizeof specs / sizeof specs[0], state, err, errlen);
}
