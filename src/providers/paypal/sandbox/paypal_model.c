/* PayPal vocabularies, money and time formats, lookups. */
#include "paypal_model.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_time.h"

const pp_currency pp_currencies[PP_NCCY] = {
    [PP_USD] = {"USD", 2, 100},
    [PP_EUR] = {"EUR", 2, 100},
    [PP_GBP] = {"GBP", 2, 100},
    [PP_CAD] = {"CAD", 2, 100},
    [PP_AUD] = {"AUD", 2, 100},
    [PP_JPY] = {"JPY", 0, 100},
    [PP_HUF] = {"HUF", 0, 300},
    [PP_TWD] = {"TWD", 0, 30},
};

const char *const pp_unit_names[4] = {"DAY", "WEEK", "MONTH", "YEAR"};
const char *const pp_unit_lower[4] = {"day", "week", "month", "year"};
const int pp_unit_days[4] = {1, 7, 30, 365};

const char *const pp_plan_status_names[3] = {"CREATED", "INACTIVE", "ACTIVE"};

const char *const pp_sub_status_names[PP_SUB_NSTATUS] = {
    "APPROVAL_PENDING", "APPROVED", "ACTIVE", "SUSPENDED", "CANCELLED", "EXPIRED",
};

const char *const pp_ref_type_names[5] = {NULL, "SUB", "TXN", "PAP", "ODR"};

const char *const pp_event_codes[PP_NEV] = {
    "T0002", "T0003", "T0006", "T0007", "T1106", "T1107", "T1201",
};

static int cmp_entry_id(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const pp_id_entry *)elem)->id);
}

long pp_find(const pp_id_entry *table, size_t n, const char *id)
{
    const pp_id_entry *e = bsearch(id, table, n, sizeof *table, cmp_entry_id);
    return e ? (long)e->index : -1;
}

int64_t pp_sub_price(const pp_dataset *ds, const pp_sub *s)
{
    return s->overridden ? s->override_price : ds->plans[s->plan].regular.price;
}

void pp_format_money(int64_t minor, int ccy, int style, char *out)
{
    int e = pp_currencies[ccy].exponent;
    const char *sign = minor < 0 ? "-" : "";
    uint64_t v = minor < 0 ? (uint64_t)(-(minor + 1)) + 1 : (uint64_t)minor;
    if (e == 0) {
        snprintf(out, 40, "%s%" PRIu64, sign, v);
        return;
    }
    uint64_t unit = 100; /* every non-zero-decimal currency here has 2 decimals */
    uint64_t whole = v / unit, frac = v % unit;
    if (style == 1 && frac == 0)
        snprintf(out, 40, "%s%" PRIu64, sign, whole);
    else if (style == 1 && frac % 10 == 0)
        snprintf(out, 40, "%s%" PRIu64 ".%" PRIu64, sign, whole, frac / 10);
    else if (style == 2 && frac == 0)
        snprintf(out, 40, "%s%" PRIu64 ".0", sign, whole);
    else
        snprintf(out, 40, "%s%" PRIu64 ".%02" PRIu64, sign, whole, frac);
}

void pp_format_time_search(int64_t t, char *out)
{
    char z[32];
    sb_time_rfc3339(t, z);
    size_t n = strlen(z);
    if (n && z[n - 1] == 'Z')
        z[n - 1] = '\0';
    snprintf(out, 40, "%s+0000", z);
}

size_t pp_rows_lower_bound(const pp_dataset *ds, int64_t t)
{
    size_t lo = 0, hi = ds->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ds->rows[mid].time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void pp_dataset_free(pp_dataset *ds)
{
    free(ds->products);
    free(ds->plans);
    free(ds->payers);
    free(ds->subs);
    free(ds->rows);
    free(ds->by_id_products);
    free(ds->by_id_plans);
    free(ds->by_id_subs);
    memset(ds, 0, sizeof *ds);
}
