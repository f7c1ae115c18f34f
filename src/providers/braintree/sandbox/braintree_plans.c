/* The world's catalog as Braintree plans: a plan is one fixed price in one currency, billed
 * every N months (billing-frequency), with an optional free trial counted in days or
 * months. Prices Braintree cannot express are not plans: metered or tiered ones, one-time
 * ones, drafts, those billed by the day or the week. A paid introductory phase has no
 * plan field (Braintree would model it as a discount): it is left out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_model.h"
#include "sandbox_time.h"

static int expressible(const w_price *p)
{
    return p->recurring && !p->metered && !p->tiered && !p->draft && p->unit_amount >= 0 &&
           (p->interval == W_MONTHS || p->interval == W_YEARS);
}

/* The free phase of a price, if it has one, as days or months. */
static void trial_of(const w_price *p, bt_plan_row *row)
{
    for (int k = 0; k < p->n_phases; k++) {
        const w_phase *ph = &p->phases[k];
        if (ph->price != 0)
            continue;
        long n = (long)ph->count * ph->total;
        switch (ph->unit) {
        case W_DAYS: row->trial = (int)n; break;
        case W_WEEKS: row->trial = (int)(7 * n); break;
        case W_MONTHS: row->trial = (int)n, row->trial_months = 1; break;
        default: row->trial = (int)(12 * n), row->trial_months = 1; break;
        }
        return;
    }
}

void bt_plans_project(bt_state *st)
{
    const sb_world *w = st->w;
    st->plans = sb_xcalloc(w->n_prices + 1, sizeof *st->plans);
    for (size_t i = 0; i < w->n_prices; i++) {
        const w_price *p = &w->prices[i];
        if (!expressible(p))
            continue;
        bt_plan_row *row = &st->plans[st->n_plans++];
        row->price = (uint32_t)i;
        row->frequency = p->interval_count * (p->interval == W_YEARS ? 12 : 1);
        trial_of(p, row);
    }
}

void bt_plan_id(const bt_state *st, size_t plan, char out[32])
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    uint64_t v = (plan * 2654435761ULL + st->w->seed * 31ULL + 7ULL) % 2821109907456ULL; /* 36^8 */
    char b[9];
    for (int i = 7; i >= 0; i--, v /= 36)
        b[i] = digits[v % 36];
    b[8] = '\0';
    snprintf(out, 32, "plan_%s", b);
}

void bt_xml_escape(sb_buf *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': sb_buf_adds(out, "&lt;"); break;
        case '>': sb_buf_adds(out, "&gt;"); break;
        case '&': sb_buf_adds(out, "&amp;"); break;
        case '"': sb_buf_adds(out, "&quot;"); break;
        case '\'': sb_buf_adds(out, "&apos;"); break;
        default: sb_buf_addc(out, *s); break;
        }
    }
}

static void datetime(sb_buf *out, const char *name, int64_t t)
{
    char at[32];
    sb_time_rfc3339(t, at);
    sb_buf_printf(out, "    <%s type=\"datetime\">%s</%s>\n", name, at, name);
}

static void plan_xml(const bt_state *st, size_t i, sb_buf *out)
{
    const bt_plan_row *row = &st->plans[i];
    const w_price *p = &st->w->prices[row->price];
    char id[32], price[40];
    bt_plan_id(st, i, id);
    bt_amount(p->unit_amount, p->ccy, price);
    sb_buf_printf(out, "  <plan>\n    <id>%s</id>\n    <merchant-id>", id);
    bt_xml_escape(out, st->merchant_id);
    sb_buf_printf(out, "</merchant-id>\n    <billing-day-of-month nil=\"true\"/>\n"
                       "    <billing-frequency type=\"integer\">%d</billing-frequency>\n"
                       "    <currency-iso-code>%s</currency-iso-code>\n    <description nil=\"true\"/>\n    <name>",
                  row->frequency, w_currencies[p->ccy].code);
    bt_xml_escape(out, p->nickname ? p->nickname : st->w->products[p->product].name);
    sb_buf_adds(out, "</name>\n");
    if (p->total_cycles)
        sb_buf_printf(out, "    <number-of-billing-cycles type=\"integer\">%d</number-of-billing-cycles>\n",
                      p->total_cycles);
    else
        sb_buf_adds(out, "    <number-of-billing-cycles nil=\"true\"/>\n");
    sb_buf_printf(out, "    <price>%s</price>\n", price);
    if (row->trial)
        sb_buf_printf(out, "    <trial-duration type=\"integer\">%d</trial-duration>\n"
                           "    <trial-duration-unit>%s</trial-duration-unit>\n",
                      row->trial, row->trial_months ? "month" : "day");
    else
        sb_buf_adds(out, "    <trial-duration nil=\"true\"/>\n    <trial-duration-unit nil=\"true\"/>\n");
    sb_buf_printf(out, "    <trial-period type=\"boolean\">%s</trial-period>\n", row->trial ? "true" : "false");
    datetime(out, "created-at", p->created);
    datetime(out, "updated-at", p->updated > p->created ? p->updated : p->created);
    sb_buf_adds(out, "    <add-ons type=\"array\"/>\n    <discounts type=\"array\"/>\n  </plan>\n");
}

void bt_plans_xml(const bt_state *st, sb_buf *out)
{
    sb_buf_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    if (!st->n_plans) {
        sb_buf_adds(out, "<plans type=\"array\"/>\n");
        return;
    }
    sb_buf_adds(out, "<plans type=\"array\">\n");
    for (size_t i = 0; i < st->n_plans; i++)
        plan_xml(st, i, out);
    sb_buf_adds(out, "</plans>\n");
}
