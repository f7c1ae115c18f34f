/* insert@N:K, Stripe: every customer, subscription, invoice, charge and refund created at
 * or after a cut is created while a run is in progress. The cut starts at the K-th newest
 * listed customer and moves earlier while some record before it belongs to one after it
 * (the world backdates some subscriptions' invoices), so no record ever exists before the
 * customer, subscription, invoice or charge it belongs to. Records are stored oldest first
 * and Stripe lists newest first, so before request N each list simply ends sooner at its
 * head, and from request N on the new records lead it. */
#include "stripe_faults.h"

#include <stdio.h>
#include <string.h>

/* The earliest of t and the creation of every record whose customer, subscription,
 * invoice or charge is created at or after it. */
static int64_t cut_before_parents(const sb_world *w, int64_t t)
{
    int moved;
    do {
        int64_t t0 = t;
        for (size_t i = 0; i < w->n_subs; i++)
            if (w->customers[w->subs[i].customer].created >= t && w->subs[i].created < t)
                t = w->subs[i].created;
        for (size_t i = 0; i < w->n_invoices; i++) {
            const w_invoice *v = &w->invoices[i];
            if (((v->customer >= 0 && w->customers[v->customer].created >= t) || (v->sub >= 0 && w->subs[v->sub].created >= t)) &&
                v->created < t)
                t = v->created;
        }
        for (size_t i = 0; i < w->n_payments; i++) {
            const w_payment *p = &w->payments[i];
            if (((p->customer >= 0 && w->customers[p->customer].created >= t) ||
                 (p->invoice >= 0 && w->invoices[p->invoice].created >= t)) && p->created < t)
                t = p->created;
        }
        for (size_t i = 0; i < w->n_refunds; i++)
            if (w->payments[w->refunds[i].payment].created >= t && w->refunds[i].created < t)
                t = w->refunds[i].created;
        moved = t != t0;
    } while (moved);
    return t;
}

int st_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    st_state *st = state;
    const sb_world *w = st->w;
    for (size_t i = 0; i < faults->n; i++) {
        const sb_fault *f = &faults->items[i];
        if (f->kind == SB_FAULT_INFLATE || f->kind == SB_FAULT_SHRINK) {
            snprintf(err, errlen, "fault '%s': Stripe lists carry no totals (has_more only)", f->spec);
            return -1;
        }
    }
    const sb_fault *ins = sb_faults_find(faults, SB_FAULT_INSERT);
    if (!ins)
        return 0;
    size_t listed = 0, c = w->n_customers;
    while (c > 0 && listed < ins->arg)
        listed += !w->customers[--c].deleted_at;
    if (listed < ins->arg) {
        snprintf(err, errlen, "fault '%s': the world lists only %zu customers", ins->spec, listed);
        return -1;
    }
    st->inserting = 1;
    st->insert_since = cut_before_parents(w, w->customers[c].created);
    return 0;
}

int st_hidden(const st_state *st, int kind, size_t i, int visible)
{
    const sb_world *w = st->w;
    if (kind == ST_INVOICE && w->invoices[i].deleted_at) /* a deleted draft is gone for good */
        return 1;
    if (kind == ST_LINE && w->invoices[w->lines[i].invoice].deleted_at)
        return 1;
    if (!st->inserting || visible)
        return 0;
    switch (kind) {
    case ST_CUSTOMER: return w->customers[i].created >= st->insert_since;
    case ST_SUB: return w->subs[i].created >= st->insert_since;
    case ST_ITEM: return w->subs[w->items[i].sub].created >= st->insert_since;
    case ST_INVOICE: return w->invoices[i].created >= st->insert_since;
    case ST_LINE: return w->invoices[w->lines[i].invoice].created >= st->insert_since;
    case ST_CHARGE: return w->payments[i].created >= st->insert_since;
    case ST_REFUND: return w->refunds[i].created >= st->insert_since;
    case ST_DISPUTE: return w->payments[st->disputes[i]].disputed_at >= st->insert_since;
    case ST_INPAY: return w->payments[st->inpays[i]].created >= st->insert_since;
    default: return 0;
    }
}

long st_find_visible(const st_state *st, int kind, const char *id, size_t count, const sb_request *req)
{
    long i = st_find(st, kind, id, count);
    return i >= 0 && st_hidden(st, kind, (size_t)i, req->fault->inserted) ? -1 : i;
}

/* A list is its path and its parameters but the cursors (limit stays: a client that
 * changes it walks another list). */
int st_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    const char *p = req->path;
    size_t n = strlen(p);
    int list = strcmp(req->method, "GET") == 0 && strncmp(p, "/v1/", 4) == 0 &&
               (!strchr(p + 4, '/') || (n > 6 && strcmp(p + n - 6, "/lines") == 0));
    if (!list)
        return 0;
    sb_buf_adds(key, p);
    for (size_t i = 0; i < req->params->n; i++) {
        const sb_param *q = &req->params->items[i];
        if (strcmp(q->key, "starting_after") != 0 && strcmp(q->key, "ending_before") != 0)
            sb_buf_printf(key, "&%s=%s", q->key, q->value);
    }
    return 1;
}
