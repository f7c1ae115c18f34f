/* insert@N:K, PayPal: K rows reach Transaction Search late, in the middle of the history,
 * each in its own window: payments that settled (S, balance affecting, no other row
 * shares their id or refers to them) of payers seen nowhere else, so K customers arrive
 * with them. They are spread evenly over the candidates in search order, so page
 * numbers shift inside the windows that hold them. */
#include "paypal_faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_buf.h"
#include "sandbox_rng.h"

static int cmp_ref(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int shares_id(const pp_state *s, size_t i)
{
    return (i > 0 && strcmp(s->rows[i].txid, s->rows[i - 1].txid) == 0) ||
           (i + 1 < s->n_rows && strcmp(s->rows[i].txid, s->rows[i + 1].txid) == 0);
}

static int choose_rows(pp_state *s, const sb_fault *f, char *err, size_t errlen)
{
    const sb_world *w = s->w;
    size_t n = s->n_rows, nc = w->n_customers ? w->n_customers : 1, n_refs = 0, n_cand = 0;
    unsigned *seen = sb_xcalloc(nc, sizeof *seen); /* rows per payer; a subscriber counts twice */
    const char **refs = sb_xmalloc((n ? n : 1) * sizeof *refs);
    size_t *cand = sb_xmalloc((n ? n : 1) * sizeof *cand);
    for (size_t i = 0; i < s->n_subs; i++)
        seen[w->subs[s->subs[i].sub].customer] += 2;
    for (size_t i = 0; i < n; i++) {
        if (s->rows[i].payer >= 0)
            seen[s->rows[i].payer]++;
        if (s->rows[i].ref_type == PP_REF_TXN)
            refs[n_refs++] = s->rows[i].ref;
    }
    qsort(refs, n_refs, sizeof *refs, cmp_ref);
    for (size_t i = 0; i < n && s->rows[i].time <= s->cutoff; i++) {
        const pp_row *r = &s->rows[i];
        const char *id = r->txid;
        if (r->payer >= 0 && seen[r->payer] == 1 && r->ref_type != PP_REF_SUB && r->amount > 0 &&
            r->status == 'S' && r->balance && !shares_id(s, i) && !bsearch(&id, refs, n_refs, sizeof *refs, cmp_ref))
            cand[n_cand++] = i;
    }
    int rc = 0;
    if (n_cand < f->arg) {
        snprintf(err, errlen, "fault '%s': the world has only %zu rows to insert (a larger --scale has more)",
                 f->spec, n_cand);
        rc = -1;
    } else {
        s->row_inserted = sb_xcalloc(n ? n : 1, 1);
        for (uint64_t k = 0; k < f->arg; k++)
            s->row_inserted[cand[(2 * k + 1) * n_cand / (2 * f->arg)]] = 1;
    }
    free(seen);
    free(refs);
    free(cand);
    return rc;
}

int pp_prepare_faults(void *state, const sb_faults *faults, char *err, size_t errlen)
{
    const sb_fault *ins = sb_faults_find(faults, SB_FAULT_INSERT);
    return ins ? choose_rows(state, ins, err, errlen) : 0;
}

int pp_row_shown(const pp_state *s, size_t i, int visible)
{
    if (s->rows[i].time > s->cutoff && !pp_row_arrived(s, i))
        return 0;
    return visible || !s->row_inserted || !s->row_inserted[i];
}

/* "It takes a maximum of three hours for executed transactions to appear in the list
 * transactions call": a row after last_refreshed_datetime appears after its own lag in
 * [0, 3 h]. At epoch 0 none does: the clock is then the startup hour or --opt now, only
 * near a client's own, which stops at its now minus the lag; once the world has advanced,
 * a client must take the sandbox's now anyway (tests/sandbox/README.md). */
int pp_row_arrived(const pp_state *s, size_t i)
{
    const pp_row *r = &s->rows[i];
    return r->time <= s->cutoff ||
           (s->w->epoch > 0 && r->time + (int64_t)(sb_hash_str(r->txid, s->w->seed) % (PP_LAG_S + 1)) <= s->now);
}

void pp_reported_totals(const sb_fault_action *fa, size_t total, long long size, size_t *items, long long *pages)
{
    *items = fa->shrink_items < total ? total - (size_t)fa->shrink_items : 0;
    *pages = (long long)((*items + (size_t)size - 1) / (size_t)size) + (long long)fa->inflate_pages;
}

/* A list is its path and its parameters but the page number. */
int pp_list_key(void *state, const sb_request *req, sb_buf *key)
{
    (void)state;
    static const char *const lists[] = {"/v1/catalogs/products", "/v1/billing/plans", "/v1/reporting/transactions",
                                        "/v2/invoicing/invoices"};
    int list = 0;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        list |= strcmp(req->path, lists[i]) == 0;
    if (!list || strcmp(req->method, "GET") != 0)
        return 0;
    sb_buf_adds(key, req->path);
    for (size_t i = 0; i < req->params->n; i++) {
        const sb_param *q = &req->params->items[i];
        if (strcmp(q->key, "page") != 0)
            sb_buf_printf(key, "&%s=%s", q->key, q->value);
    }
    return 1;
}
