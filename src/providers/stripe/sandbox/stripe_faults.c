/* insert@N:K, Stripe: the K newest listed customers, and every subscription, invoice,
 * charge and refund created at or after the first of them, are created while a run is in
 * progress. Records are stored oldest first and Stripe lists newest first, so before
 * request N each list simply ends sooner at its head, and from request N on the new
 * records lead it. Creation order keeps this consistent: a record never exists before
 * the customer, subscription, invoice or charge it belongs to. */
#include "stripe_faults.h"

#include <stdio.h>
#include <string.h>

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
    st->insert_customer = c;
    st->insert_since = w->customers[c].created;
    return 0;
}

int st_hidden(const st_state *st, int kind, size_t i, int visible)
{
    if (!st->inserting || visible)
        return 0;
    const sb_world *w = st->w;
    switch (kind) {
    case ST_CUSTOMER: return i >= st->insert_customer;
    case ST_SUB: return w->subs[i].created >= st->insert_since;
    case ST_ITEM: return w->subs[w->items[i].sub].created >= st->insert_since;
    case ST_INVOICE: return w->invoices[i].created >= st->insert_since;
    case ST_LINE: return w->invoices[w->lines[i].invoice].created >= st->insert_since;
    case ST_CHARGE: return w->payments[i].created >= st->insert_since;
    case ST_REFUND: return w->refunds[i].created >= st->insert_since;
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
