/* The gateway's two-step subscription search.
 *
 * POST .../subscriptions/advanced_search_ids: every matching id, newest first, at most
 * --opt search_cap of them (Braintree documents 10,000 for searches other than
 * transactions'; the rest are cut off, as a capped search would), with the page size the
 * next step takes: <search-results><page-size>50</page-size><ids type="array">.
 *
 * POST .../subscriptions/advanced_search: the records of at most page-size ids (more is a
 * 422), each matching the other criteria given too, newest first:
 * <subscriptions type="collection"> with one <subscription> element each. Ids that match
 * nothing are left out, as a search does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_time.h"

static void date(sb_buf *out, const char *name, int64_t day)
{
    char at[32];
    sb_time_rfc3339(day, at);
    sb_buf_printf(out, "    <%s type=\"date\">%.10s</%s>\n", name, at, name);
}

static void datetime(sb_buf *out, const char *indent, const char *name, int64_t t)
{
    char at[32];
    sb_time_rfc3339(t, at);
    sb_buf_printf(out, "%s<%s type=\"datetime\">%s</%s>\n", indent, name, at, name);
}

static void text(sb_buf *out, const char *indent, const char *name, const char *value)
{
    sb_buf_printf(out, "%s<%s>", indent, name);
    bt_xml_escape(out, value);
    sb_buf_printf(out, "</%s>\n", name);
}

static void money(sb_buf *out, const char *indent, const char *name, int64_t minor, int ccy)
{
    char amount[40];
    bt_amount(minor, ccy, amount);
    sb_buf_printf(out, "%s<%s>%s</%s>\n", indent, name, amount, name);
}

/* The members an add-on and a discount share (the SDKs' Modification), up to kind. */
static void modification(sb_buf *out, int64_t amount, int ccy, int64_t cycle, const char *id, const char *kind)
{
    money(out, "        ", "amount", amount, ccy);
    sb_buf_printf(out, "        <current-billing-cycle type=\"integer\">%lld</current-billing-cycle>\n", (long long)cycle);
    text(out, "        ", "id", id);
    text(out, "        ", "kind", kind);
}

static void add_ons(const bt_state *st, const bt_sub_view *v, sb_buf *out)
{
    const sb_world *w = st->w;
    if (v->s->n_items < 2) {
        sb_buf_adds(out, "    <add-ons type=\"array\"/>\n");
        return;
    }
    sb_buf_adds(out, "    <add-ons type=\"array\">\n");
    for (uint32_t k = 1; k < v->s->n_items; k++) {
        const w_item *it = &w->items[v->s->first_item + k];
        const w_price *p = &w->prices[it->price];
        char id[24];
        bt_addon_id(st, it->price, id);
        sb_buf_adds(out, "      <add-on>\n");
        modification(out, p->unit_amount, v->s->ccy, v->cycle, id, "add_on");
        text(out, "        ", "merchant-id", st->merchant_id);
        text(out, "        ", "name", p->nickname ? p->nickname : w->products[p->product].name);
        sb_buf_adds(out, "        <never-expires type=\"boolean\">true</never-expires>\n"
                         "        <number-of-billing-cycles nil=\"true\"/>\n");
        sb_buf_printf(out, "        <quantity type=\"integer\">%lld</quantity>\n", (long long)it->quantity);
        datetime(out, "        ", "created-at", it->created);
        datetime(out, "        ", "updated-at", it->created);
        sb_buf_adds(out, "      </add-on>\n");
    }
    sb_buf_adds(out, "    </add-ons>\n");
}

static void discounts(const bt_sub_view *v, sb_buf *out)
{
    if (!v->discount) {
        sb_buf_adds(out, "    <discounts type=\"array\"/>\n");
        return;
    }
    char id[16];
    snprintf(id, sizeof id, "pct%d", v->s->coupon_pct);
    sb_buf_adds(out, "    <discounts type=\"array\">\n      <discount>\n");
    modification(out, v->discount, v->s->ccy, v->cycle, id, "discount");
    sb_buf_printf(out, "        <name>%d%% off</name>\n", v->s->coupon_pct);
    if (v->discount_cycles)
        sb_buf_printf(out, "        <never-expires type=\"boolean\">false</never-expires>\n"
                           "        <number-of-billing-cycles type=\"integer\">%d</number-of-billing-cycles>\n",
                      v->discount_cycles);
    else
        sb_buf_adds(out, "        <never-expires type=\"boolean\">true</never-expires>\n"
                         "        <number-of-billing-cycles nil=\"true\"/>\n");
    sb_buf_adds(out, "        <quantity type=\"integer\">1</quantity>\n      </discount>\n    </discounts>\n");
}

static void status_event(const bt_state *st, const bt_sub_view *v, const char *status, int64_t at, sb_buf *out)
{
    char plan[32];
    bt_plan_id(st, v->plan, plan);
    sb_buf_adds(out, "      <status-event>\n");
    datetime(out, "        ", "timestamp", at);
    text(out, "        ", "status", status);
    sb_buf_adds(out, "        <user nil=\"true\"/>\n        <subscription-source>api</subscription-source>\n");
    money(out, "        ", "balance", 0, v->s->ccy);
    money(out, "        ", "price", v->price, v->s->ccy);
    text(out, "        ", "currency-iso-code", w_currencies[v->s->ccy].code);
    text(out, "        ", "plan-id", plan);
    sb_buf_adds(out, "      </status-event>\n");
}

static void subscription_xml(const bt_state *st, size_t k, sb_buf *out)
{
    bt_sub_view v;
    bt_sub_of(st, k, &v);
    const w_sub *s = v.s;
    const w_price *plan = &st->w->prices[st->plans[v.plan].price];
    char id[16], plan_id[32], token[16], account[64];
    bt_sub_id(st, k, id);
    bt_plan_id(st, v.plan, plan_id);
    bt_token(st, s->customer, v.token_k, token);
    int ended = strcmp(v.status, "Canceled") == 0 || strcmp(v.status, "Expired") == 0;
    int past_due = strcmp(v.status, "Past Due") == 0;
    sb_buf_adds(out, "  <subscription>\n");
    add_ons(st, &v, out);
    money(out, "    ", "balance", 0, s->ccy);
    char first[32];
    sb_time_rfc3339(v.first_billing, first);
    sb_buf_printf(out, "    <billing-day-of-month type=\"integer\">%.2s</billing-day-of-month>\n", first + 8);
    date(out, "billing-period-end-date", v.period_end);
    date(out, "billing-period-start-date", v.period_start);
    datetime(out, "    ", "created-at", s->created);
    sb_buf_printf(out, "    <current-billing-cycle type=\"integer\">%lld</current-billing-cycle>\n", (long long)v.cycle);
    if (past_due)
        sb_buf_printf(out, "    <days-past-due type=\"integer\">%lld</days-past-due>\n",
                      (long long)((st->w->now - v.period_start) / W_DAY));
    else
        sb_buf_adds(out, "    <days-past-due nil=\"true\"/>\n");
    sb_buf_adds(out, "    <description nil=\"true\"/>\n");
    discounts(&v, out);
    sb_buf_printf(out, "    <failure-count type=\"integer\">%d</failure-count>\n", past_due ? 1 : 0);
    date(out, "first-billing-date", v.first_billing);
    text(out, "    ", "id", id);
    snprintf(account, sizeof account, "%s_%s", st->merchant_id, w_currencies[s->ccy].code);
    text(out, "    ", "merchant-account-id", account);
    sb_buf_printf(out, "    <never-expires type=\"boolean\">%s</never-expires>\n", plan->total_cycles ? "false" : "true");
    money(out, "    ", "next-bill-amount", v.price - v.discount, s->ccy);
    money(out, "    ", "next-billing-period-amount", v.price - v.discount, s->ccy);
    if (ended)
        sb_buf_adds(out, "    <next-billing-date nil=\"true\"/>\n");
    else
        date(out, "next-billing-date", v.period_end + W_DAY);
    if (plan->total_cycles)
        sb_buf_printf(out, "    <number-of-billing-cycles type=\"integer\">%d</number-of-billing-cycles>\n",
                      plan->total_cycles);
    else
        sb_buf_adds(out, "    <number-of-billing-cycles nil=\"true\"/>\n");
    if (v.cycle > 0)
        date(out, "paid-through-date", v.period_end);
    else
        sb_buf_adds(out, "    <paid-through-date nil=\"true\"/>\n");
    text(out, "    ", "payment-method-token", token);
    text(out, "    ", "plan-id", plan_id);
    money(out, "    ", "price", v.price, s->ccy);
    text(out, "    ", "status", v.status);
    sb_buf_adds(out, "    <status-history type=\"array\">\n");
    if (ended)
        status_event(st, &v, v.status, v.ended, out);
    if (past_due)
        status_event(st, &v, v.status, s->updated > s->created ? s->updated : s->created, out);
    status_event(st, &v, "Active", s->created, out);
    sb_buf_adds(out, "    </status-history>\n    <transactions type=\"array\"/>\n");
    if (v.trial)
        sb_buf_printf(out, "    <trial-duration type=\"integer\">%lld</trial-duration>\n"
                           "    <trial-duration-unit>day</trial-duration-unit>\n",
                      (long long)((s->trial_end - s->created + W_DAY - 1) / W_DAY));
    else
        sb_buf_adds(out, "    <trial-duration nil=\"true\"/>\n    <trial-duration-unit nil=\"true\"/>\n");
    sb_buf_printf(out, "    <trial-period type=\"boolean\">%s</trial-period>\n", v.trial ? "true" : "false");
    datetime(out, "    ", "updated-at", s->updated > s->created ? s->updated : s->created);
    sb_buf_adds(out, "  </subscription>\n");
}

static int in_window(const bt_state *st, const bt_search_body *b, size_t k)
{
    int64_t t = st->w->subs[st->subs[k]].created;
    return (!b->has_min || t >= b->min) && (!b->has_max || t <= b->max);
}

static void ok(sb_response *resp)
{
    resp->status = 200;
    sb_response_header(resp, "Content-Type", "application/xml; charset=utf-8");
    sb_buf_adds(&resp->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

/* 1 when subscription k is one of the ids asked for. */
static int asked(const bt_state *st, const bt_search_body *b, size_t k)
{
    char id[16];
    bt_sub_id(st, k, id);
    for (size_t i = 0; i < b->n_ids; i++)
        if (strcmp(b->ids[i], id) == 0)
            return 1;
    return 0;
}

static int newest_first(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x < y) - (x > y);
}

static void search_ids(const bt_state *st, const bt_search_body *b, sb_response *resp)
{
    ok(resp);
    sb_buf_printf(&resp->body, "<search-results>\n  <page-size type=\"integer\">%d</page-size>\n"
                               "  <ids type=\"array\">\n", BT_PAGE_SIZE);
    long n = 0;
    for (size_t k = st->n_subs; k-- > 0 && n < st->search_cap;) {
        if (!in_window(st, b, k) || (b->has_ids && !asked(st, b, k)))
            continue;
        char id[16];
        bt_sub_id(st, k, id);
        sb_buf_printf(&resp->body, "    <item>%s</item>\n", id);
        n++;
    }
    sb_buf_adds(&resp->body, "  </ids>\n</search-results>\n");
}

static void fetch(const bt_state *st, const bt_search_body *b, sb_response *resp)
{
    ok(resp);
    size_t found[2 * BT_PAGE_SIZE], n = 0;
    for (size_t i = 0; i < b->n_ids; i++) {
        long k = bt_sub_find(st, b->ids[i]);
        int again = 0;
        for (size_t j = 0; j < n; j++)
            again |= found[j] == (size_t)k;
        if (k >= 0 && !again && in_window(st, b, (size_t)k))
            found[n++] = (size_t)k;
    }
    qsort(found, n, sizeof found[0], newest_first);
    sb_buf_adds(&resp->body, "<subscriptions type=\"collection\">\n");
    for (size_t i = 0; i < n; i++)
        subscription_xml(st, found[i], &resp->body);
    sb_buf_adds(&resp->body, "</subscriptions>\n");
}

void bt_serve_subscription_search(const bt_state *st, const char *what, const sb_request *req, sb_response *resp)
{
    int ids_step = strcmp(what, "advanced_search_ids") == 0;
    if (!ids_step && strcmp(what, "advanced_search") != 0) {
        bt_gateway_error(resp, 404, NULL);
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        bt_gateway_error(resp, 405, NULL);
        return;
    }
    const char *type = req->header(req, "Content-Type");
    if (!type || strncmp(type, "application/xml", 15) != 0) {
        bt_gateway_error(resp, 415, NULL);
        return;
    }
    bt_search_body b;
    char err[160];
    if (bt_search_body_read(req->body, req->body_len, &b, err, sizeof err) != 0) {
        bt_gateway_error(resp, 422, err);
        return;
    }
    if (!ids_step && !b.has_ids) {
        bt_gateway_error(resp, 422, "Search criteria: advanced_search needs the ids to fetch");
        return;
    }
    if (b.n_ids > BT_PAGE_SIZE) {
        bt_gateway_error(resp, 422, "Search criteria: too many ids (at most the page size, 50)");
        return;
    }
    if (ids_step)
        search_ids(st, &b, resp);
    else
        fetch(st, &b, resp);
}
