/*
 * Search.customers, .transactions, .refunds and .disputes: newest first (the order the
 * legacy search documents; the GraphQL one publishes none), `first` records a page, `after`
 * a cursor this module wrote. A cursor is a key, not a position, "bt:<search>:<record>":
 * the next page holds the records before that one in creation order, so records created
 * meanwhile never shift a walk (they come before the first page). createdAt filters as
 * Braintree documents it: greaterThanOrEqualTo inclusive; lessThanOrEqualTo exclusive, with
 * a minute added to it.
 *
 * Each node is written with exactly the fields its selection set asks for, in its order.
 * insert@N hides records from the searches until request N; what a listed record names
 * (its refunds, disputes, customer) is the world's latest state, as an API shows it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_base64.h"

static const char letters[BT_NSEARCHES] = {'c', 't', 'r', 'd'};

static void cursor_of(int search, size_t pos, char out[64])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char plain[40];
    snprintf(plain, sizeof plain, "bt:%c:%zu", letters[search], pos);
    size_t n = strlen(plain), o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)plain[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)plain[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)plain[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = i + 1 < n ? alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

/* The record a cursor names; -1 when it is not one of this search's. */
static long long cursor_pos(const bt_state *st, int search, const char *cursor)
{
    char *plain = sb_base64_decode(cursor);
    char letter, end;
    unsigned long long pos;
    int ok = plain && sscanf(plain, "bt:%c:%llu%c", &letter, &pos, &end) == 2 && letter == letters[search] &&
             pos < bt_count(st, search);
    if (ok) {
        char again[64];
        cursor_of(search, (size_t)pos, again);
        ok = strcmp(again, cursor) == 0; /* one spelling only */
    }
    free(plain);
    return ok ? (long long)pos : -1;
}

static int matches(const bt_view *v, const bt_plan *plan, size_t pos)
{
    const bt_state *st = v->st;
    if (bt_hidden(v, plan->search, pos) || (plan->search == BT_CUSTOMERS && st->w->customers[pos].deleted_at))
        return 0;
    int64_t t = bt_created(st, plan->search, pos);
    if (t < plan->created_gte)
        return 0;
    return plan->created_lte == INT64_MAX || t < plan->created_lte + 60;
}

static void render_money(int64_t minor, int ccy, const gq_field *f, sb_json *j)
{
    char amount[40];
    bt_amount(minor, ccy, amount);
    sbj_obj_begin(j);
    for (size_t k = 0; k < f->n_sel; k++) {
        const char *name = f->sel[k].name;
        sbj_key(j, name);
        if (strcmp(name, "value") == 0)
            sbj_str(j, amount);
        else
            sbj_str(j, w_currencies[ccy].code); /* currencyCode, currencyIsoCode */
    }
    sbj_obj_end(j);
}

static void render_node(const bt_view *v, int search, size_t pos, const gq_field *f, sb_json *j);

static void render_customer_of(const bt_view *v, int customer, const gq_field *f, sb_json *j)
{
    if (bt_customer_listed(v->st, customer))
        render_node(v, BT_CUSTOMERS, (size_t)customer, f, j);
    else
        sbj_null(j);
}

static void render_customer_field(const bt_view *v, size_t i, const char *name, sb_json *j)
{
    const w_customer *c = &v->st->w->customers[i];
    int named = c->name_on_file;
    if (strcmp(name, "email") == 0)
        sbj_str(j, c->email);
    else if (strcmp(name, "firstName") == 0)
        sbj_str(j, named ? c->given : NULL);
    else if (strcmp(name, "lastName") == 0)
        sbj_str(j, named ? c->family : NULL);
    else if (strcmp(name, "company") == 0)
        sbj_str(j, named ? c->business : NULL);
    else if (strcmp(name, "phoneNumber") == 0)
        sbj_str(j, c->phone);
    else
        sbj_null(j);
}

/* Customer.paymentMethods: its vault tokens as PaymentMethod legacyIds, first page only. */
static void render_payment_methods(const bt_view *v, size_t i, const gq_field *f, sb_json *j)
{
    int n = bt_token_count((int)i), shown = n < v->plan->pm_first ? n : (int)v->plan->pm_first;
    sbj_obj_begin(j);
    for (size_t k = 0; k < f->n_sel; k++) {
        const gq_field *s = &f->sel[k];
        sbj_key(j, s->name);
        if (strcmp(s->name, "pageInfo") == 0) {
            sbj_obj_begin(j);
            for (size_t m = 0; m < s->n_sel; m++) {
                sbj_key(j, s->sel[m].name);
                if (strcmp(s->sel[m].name, "hasNextPage") == 0)
                    sbj_bool(j, shown < n);
                else if (strcmp(s->sel[m].name, "hasPreviousPage") == 0)
                    sbj_bool(j, 0);
                else
                    sbj_null(j); /* cursors of payment methods are not served */
            }
            sbj_obj_end(j);
            continue;
        }
        sbj_arr_begin(j); /* edges */
        for (int t = 0; t < shown; t++) {
            char token[16];
            bt_token(v->st, (int)i, t, token);
            sbj_obj_begin(j);
            for (size_t e = 0; e < s->n_sel; e++) {
                const gq_field *node = &s->sel[e];
                sbj_key(j, node->name);
                if (strcmp(node->name, "cursor") == 0) {
                    sbj_null(j);
                    continue;
                }
                sbj_obj_begin(j);
                for (size_t m = 0; m < node->n_sel; m++) {
                    sbj_key(j, node->sel[m].name);
                    if (strcmp(node->sel[m].name, "legacyId") == 0) {
                        sbj_str(j, token);
                    } else { /* id: a global id as Braintree makes them */
                        char plain[48], id[96];
                        snprintf(plain, sizeof plain, "paymentmethod_%s", token);
                        bt_base64(plain, id);
                        sbj_str(j, id);
                    }
                }
                sbj_obj_end(j);
            }
            sbj_obj_end(j);
        }
        sbj_arr_end(j);
    }
    sbj_obj_end(j);
}

static void render_payment_field(const bt_view *v, size_t i, const gq_field *f, sb_json *j)
{
    const bt_state *st = v->st;
    const w_payment *p = &st->w->payments[i];
    if (strcmp(f->name, "amount") == 0) {
        render_money(p->amount, p->ccy, f, j);
    } else if (strcmp(f->name, "status") == 0) {
        sbj_str(j, bt_payment_status(p));
    } else if (strcmp(f->name, "orderId") == 0) {
        sbj_null(j);
    } else if (strcmp(f->name, "customer") == 0) {
        render_customer_of(v, p->customer, f, j);
    } else if (strcmp(f->name, "refunds") == 0) {
        sbj_arr_begin(j);
        for (uint32_t k = 0; k < p->n_refunds; k++)
            render_node(v, BT_REFUNDS, st->w->payment_refunds[p->first_refund + k], f, j);
        sbj_arr_end(j);
    } else { /* disputes */
        sbj_arr_begin(j);
        if (st->dispute_of[i] >= 0)
            render_node(v, BT_DISPUTES, (size_t)st->dispute_of[i], f, j);
        sbj_arr_end(j);
    }
}

static void render_refund_field(const bt_view *v, size_t i, const gq_field *f, sb_json *j)
{
    const w_refund *r = &v->st->w->refunds[i];
    const w_payment *p = &v->st->w->payments[r->payment];
    if (strcmp(f->name, "amount") == 0)
        render_money(r->amount, p->ccy, f, j);
    else if (strcmp(f->name, "status") == 0)
        sbj_str(j, bt_refund_status(r));
    else if (strcmp(f->name, "refundedTransaction") == 0)
        render_node(v, BT_TRANSACTIONS, (size_t)r->payment, f, j);
    else /* customer */
        render_customer_of(v, p->customer, f, j);
}

static void render_dispute_field(const bt_view *v, size_t pos, const gq_field *f, sb_json *j)
{
    const bt_state *st = v->st;
    uint32_t pay = st->disputes[pos];
    const w_payment *p = &st->w->payments[pay];
    if (strcmp(f->name, "amountDisputed") == 0)
        render_money(p->amount, p->ccy, f, j);
    else if (strcmp(f->name, "status") == 0)
        sbj_str(j, bt_dispute_status(st, p, pay));
    else if (strcmp(f->name, "type") == 0)
        sbj_str(j, bt_dispute_type(p));
    else /* transaction */
        render_node(v, BT_TRANSACTIONS, pay, f, j);
}

/* A node with the fields of f's selection set. */
static void render_node(const bt_view *v, int search, size_t pos, const gq_field *f, sb_json *j)
{
    const bt_state *st = v->st;
    sbj_obj_begin(j);
    for (size_t k = 0; k < f->n_sel; k++) {
        const gq_field *s = &f->sel[k];
        sbj_key(j, s->name);
        if (strcmp(s->name, "id") == 0) {
            char id[64];
            bt_global_id(st, search, pos, id);
            sbj_str(j, id);
        } else if (strcmp(s->name, "legacyId") == 0) {
            char id[32];
            bt_legacy_id(st, search, pos, id);
            sbj_str(j, id);
        } else if (strcmp(s->name, "createdAt") == 0) {
            sbj_time(j, bt_created(st, search, pos));
        } else if (search == BT_CUSTOMERS && strcmp(s->name, "paymentMethods") == 0) {
            render_payment_methods(v, pos, s, j);
        } else if (search == BT_CUSTOMERS) {
            render_customer_field(v, pos, s->name, j);
        } else if (search == BT_TRANSACTIONS) {
            render_payment_field(v, pos, s, j);
        } else if (search == BT_REFUNDS) {
            render_refund_field(v, pos, s, j);
        } else {
            render_dispute_field(v, pos, s, j);
        }
    }
    sbj_obj_end(j);
}

static void render_edge(const bt_view *v, int search, size_t pos, const gq_field *edges, sb_json *j)
{
    sbj_obj_begin(j);
    for (size_t k = 0; k < edges->n_sel; k++) {
        const gq_field *s = &edges->sel[k];
        sbj_key(j, s->name);
        if (strcmp(s->name, "cursor") == 0) {
            char cursor[64];
            cursor_of(search, pos, cursor);
            sbj_str(j, cursor);
        } else {
            render_node(v, search, pos, s, j);
        }
    }
    sbj_obj_end(j);
}

void bt_serve_search(const bt_state *st, const bt_plan *plan, const sb_request *req, sb_response *resp)
{
    int search = plan->search;
    bt_view view = {st, req->fault->inserted, plan};
    size_t n = bt_count(st, search);
    long long start = (long long)n - 1;
    if (plan->after) {
        long long at = cursor_pos(st, search, plan->after);
        if (at < 0) {
            char message[160];
            snprintf(message, sizeof message, "Invalid cursor for search.%s: \"after\" must be an endCursor or "
                     "cursor of this search", bt_search_names[search]);
            bt_error(resp, 200, req, "VALIDATION", message);
            return;
        }
        start = at - 1;
    }
    /* the page: up to `first` matching records, and whether one more follows */
    size_t *page = sb_xcalloc((size_t)plan->first + 1, sizeof *page);
    size_t taken = 0;
    int more = 0;
    for (long long pos = start; pos >= 0; pos--) {
        if (!matches(&view, plan, (size_t)pos))
            continue;
        if (taken == (size_t)plan->first) {
            more = 1;
            break;
        }
        page[taken++] = (size_t)pos;
    }
    sb_json j;
    sbj_init(&j, &resp->body, 0);
    sbj_obj_begin(&j);
    sbj_kobj(&j, "data");
    sbj_kobj(&j, "search");
    sbj_key(&j, bt_search_names[search]);
    sbj_obj_begin(&j);
    const gq_field *conn = plan->conn;
    for (size_t k = 0; k < conn->n_sel; k++) {
        const gq_field *s = &conn->sel[k];
        sbj_key(&j, s->name);
        if (strcmp(s->name, "edges") == 0) {
            sbj_arr_begin(&j);
            for (size_t e = 0; e < taken; e++)
                render_edge(&view, search, page[e], s, &j);
            sbj_arr_end(&j);
            continue;
        }
        sbj_obj_begin(&j); /* pageInfo */
        for (size_t m = 0; m < s->n_sel; m++) {
            const char *name = s->sel[m].name;
            char cursor[64];
            sbj_key(&j, name);
            if (strcmp(name, "hasNextPage") == 0) {
                sbj_bool(&j, more);
            } else if (strcmp(name, "hasPreviousPage") == 0) {
                sbj_bool(&j, 0); /* "Always false; backwards pagination is not supported" */
            } else if (taken == 0) {
                sbj_null(&j);
            } else {
                cursor_of(search, page[strcmp(name, "startCursor") == 0 ? 0 : taken - 1], cursor);
                sbj_str(&j, cursor);
            }
        }
        sbj_obj_end(&j);
    }
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    char id[40];
    bt_request_id(req, id);
    sbj_kobj(&j, "extensions");
    sbj_kstr(&j, "requestId", id);
    sbj_obj_end(&j);
    sbj_obj_end(&j);
    sb_buf_addc(&resp->body, '\n');
    resp->status = 200;
    free(page);
}
