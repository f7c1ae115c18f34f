/*
 * The sandbox's GraphQL request reader: after parsing (braintree_gql_parse.c), the
 * validation a server does before running a query: fields that exist on their type, the
 * arguments each takes and those it requires, selections on objects and none on scalars,
 * variables declared, used and of the argument's type, and variable values that coerce to
 * their types (input objects with the schema's fields only). What the schema has but the
 * sandbox does not answer (other fields, other search criteria) is refused naming it,
 * never ignored. Messages use graphql-ruby's wording ("Field 'x' doesn't exist on type
 * 'Y'"); Braintree does not publish its validation messages, billtap reads only their shape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_graphql.h"
#include "sandbox_json.h"
#include "sandbox_time.h"

const char *const bt_search_names[BT_NSEARCHES] = {"customers", "transactions", "refunds", "disputes"};

typedef struct checker {
    gq_errors *errors;
    gq_doc *doc;
} checker;

void gq_error(gq_errors *c, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->n++ > 0)
        sb_buf_addc(c->buf, ',');
    sb_json j;
    sbj_init(&j, c->buf, 0);
    sbj_obj_begin(&j);
    sbj_kstr(&j, "message", msg);
    if (line > 0) {
        sbj_karr(&j, "locations");
        sbj_obj_begin(&j);
        sbj_kint(&j, "line", line);
        sbj_kint(&j, "column", col);
        sbj_obj_end(&j);
        sbj_arr_end(&j);
    }
    sbj_kobj(&j, "extensions");
    sbj_kstr(&j, "errorClass", "VALIDATION");
    sbj_obj_end(&j);
    sbj_obj_end(&j);
}

static const gs_field *served_field(const gs_type *t, const char *name)
{
    for (const gs_field *f = t->served; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static gq_var *find_var(gq_doc *doc, const char *name)
{
    for (size_t i = 0; i < doc->n_vars; i++)
        if (strcmp(doc->vars[i].name, name) == 0)
            return &doc->vars[i];
    return NULL;
}

/* The declared type of an argument in the field's args list ("first:Int"), or NULL. */
static int arg_type(const char *args, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    for (const char *p = args; p && *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > n && strncmp(p, name, n) == 0 && p[n] == ':') {
            snprintf(out, cap, "%.*s", (int)(len - n - 1), p + n + 1);
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static void check_arguments(checker *c, const gq_field *f, const gs_field *def)
{
    for (size_t i = 0; i < f->n_args; i++) {
        const gq_arg *a = &f->args[i];
        char type[96];
        if (!arg_type(def->args, a->name, type, sizeof type)) {
            gq_error(c->errors, a->line, a->col, "Field '%s' doesn't accept argument '%s'", f->name, a->name);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(f->args[k].name, a->name) == 0)
                gq_error(c->errors, a->line, a->col, "There can be only one argument named \"%s\"", a->name);
        if (a->kind == GQ_VAR) {
            gq_var *v = find_var(c->doc, a->text);
            if (!v) {
                gq_error(c->errors, a->line, a->col, "Variable $%s is used by the query but not declared", a->text);
                continue;
            }
            v->used = 1;
            size_t vl = strlen(v->type), tl = strlen(type);
            int same = strcmp(v->type, type) == 0;
            int stricter = vl == tl + 1 && v->type[vl - 1] == '!' && strncmp(v->type, type, tl) == 0;
            if (!same && !stricter) {
                char vb[96], tb[96];
                gs_base(v->type, vb, sizeof vb);
                gs_base(type, tb, sizeof tb);
                gq_error(c->errors, a->line, a->col, "%s mismatch on variable $%s and argument %s (%s / %s)",
                          strcmp(vb, tb) == 0 ? "Nullability" : "Type", v->name, a->name, v->type, type);
            }
        } else if (!((a->kind == GQ_INT && strncmp(type, "Int", 3) == 0) ||
                     (a->kind == GQ_STRING && strncmp(type, "String", 6) == 0))) {
            gq_error(c->errors, a->line, a->col, "Argument '%s' on Field '%s' has an invalid value (%s). Expected type '%s'.",
                      a->name, f->name, a->text, type);
        }
    }
    /* required arguments */
    for (const char *p = def->args; p && *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *colon = memchr(p, ':', len);
        if (colon && p[len - 1] == '!') {
            int given = 0;
            for (size_t i = 0; i < f->n_args; i++)
                given |= strlen(f->args[i].name) == (size_t)(colon - p) && strncmp(f->args[i].name, p, (size_t)(colon - p)) == 0;
            if (!given)
                gq_error(c->errors, f->line, f->col, "Field '%s' is missing required arguments: %.*s", f->name,
                          (int)(colon - p), p);
        }
        p = end ? end + 1 : NULL;
    }
}

static void check_selection(checker *c, gq_field *parent, const char *type_name)
{
    const gs_type *t = gs_type_find(type_name);
    for (size_t i = 0; i < parent->n_sel; i++) {
        gq_field *f = &parent->sel[i];
        for (size_t k = 0; k < i; k++)
            if (strcmp(parent->sel[k].name, f->name) == 0)
                gq_error(c->errors, f->line, f->col, "Field '%s' is selected twice: the sandbox does not merge fields", f->name);
        if (strncmp(f->name, "__", 2) == 0) {
            gq_error(c->errors, f->line, f->col, "Introspection field '%s' is not served by the sandbox", f->name);
            continue;
        }
        if (!gs_in_list(t->all, f->name)) {
            gq_error(c->errors, f->line, f->col, "Field '%s' doesn't exist on type '%s'", f->name, type_name);
            continue;
        }
        const gs_field *def = served_field(t, f->name);
        if (!def) {
            gq_error(c->errors, f->line, f->col, "Field '%s' on type '%s' is not served by the sandbox", f->name, type_name);
            continue;
        }
        f->type = def->type;
        check_arguments(c, f, def);
        char base[96];
        gs_base(def->type, base, sizeof base);
        if (gs_is_leaf(base)) {
            if (f->has_sel)
                gq_error(c->errors, f->line, f->col, "Selections can't be made on scalars (field '%s' returns %s but has "
                          "selections)", f->name, base);
        } else if (!f->has_sel) {
            gq_error(c->errors, f->line, f->col, "Field must have selections (field '%s' returns %s but has no selections. "
                      "Did you mean '%s { ... }'?)", f->name, base, f->name);
        } else {
            check_selection(c, f, base);
        }
    }
}

/* One variable's JSON value coerced to its type; 0 or an error recorded. */
static int coerce(checker *c, const gq_var *v, const bj_value *value, bt_plan *plan)
{
    char base[96];
    gs_base(v->type, base, sizeof base);
    int nonnull = v->type[strlen(v->type) - 1] == '!';
    if (!value || value->type == BJ_NULL) {
        if (!nonnull)
            return 0;
        gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value (Expected value to not be null)",
                  v->name, v->type);
        return -1;
    }
    if (strcmp(base, "Int") == 0) {
        long long n;
        if (v->type[0] == '[' || !bj_int(value, -2147483648LL, 2147483647LL, &n)) {
            gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value (Could not coerce value to Int)",
                      v->name, v->type);
            return -1;
        }
        return 0;
    }
    if (strcmp(base, "String") == 0) {
        if (v->type[0] == '[' || value->type != BJ_STRING) {
            gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value (Could not coerce value to String)",
                      v->name, v->type);
            return -1;
        }
        return 0;
    }
    const char *fields = gs_input_fields(base);
    if (!fields) {
        gq_error(c->errors, v->line, v->col, "%s isn't a valid input type (on $%s)", v->type, v->name);
        return -1;
    }
    if (value->type != BJ_OBJECT || v->type[0] == '[') {
        gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value (Expected an object)", v->name, v->type);
        return -1;
    }
    for (size_t i = 0; i < value->n; i++) {
        const char *key = value->keys[i];
        const bj_value *item = value->items[i];
        if (!gs_in_list(fields, key)) {
            gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value for %s (Field is not defined on %s)",
                      v->name, v->type, key, base);
            return -1;
        }
        if (strcmp(key, "createdAt") != 0) {
            gq_error(c->errors, v->line, v->col, "Variable $%s: the sandbox does not filter %s.%s", v->name, base, key);
            return -1;
        }
        if (item->type == BJ_NULL)
            continue; /* a null criterion is the same as none */
        if (item->type != BJ_OBJECT) {
            gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt (Expected an "
                      "object of type SearchTimestampInput)", v->name, v->type);
            return -1;
        }
        for (size_t k = 0; k < item->n; k++) {
            int lower = strcmp(item->keys[k], "greaterThanOrEqualTo") == 0;
            int64_t t;
            if (!lower && strcmp(item->keys[k], "lessThanOrEqualTo") != 0) {
                gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt.%s (Field "
                          "is not defined on SearchTimestampInput)", v->name, v->type, item->keys[k]);
                return -1;
            }
            if (item->items[k]->type == BJ_NULL)
                continue;
            if (item->items[k]->type != BJ_STRING || sb_time_parse_rfc3339(item->items[k]->text, &t) != 0) {
                gq_error(c->errors, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt.%s (Could "
                          "not coerce value to Timestamp)", v->name, v->type, item->keys[k]);
                return -1;
            }
            if (lower)
                plan->created_gte = t;
            else
                plan->created_lte = t;
        }
    }
    return 0;
}

/* The value an argument of the search field has: its variable's, or its literal. */
static const bj_value *arg_value(const gq_field *f, const char *name, const bj_value *variables, const gq_arg **arg)
{
    *arg = NULL;
    for (size_t i = 0; i < f->n_args; i++) {
        if (strcmp(f->args[i].name, name) != 0)
            continue;
        *arg = &f->args[i];
        if (f->args[i].kind == GQ_VAR)
            return bj_get(variables, f->args[i].text);
        return NULL;
    }
    return NULL;
}

/* first and after of the search field into the plan. */
static int page_arguments(checker *c, const gq_field *f, const bj_value *variables, bt_plan *plan)
{
    const gq_arg *a;
    const bj_value *v = arg_value(f, "first", variables, &a);
    long long first = BT_MAX_FIRST;
    if (a && a->kind == GQ_INT)
        first = strtoll(a->text, NULL, 10);
    else if (v && v->type != BJ_NULL)
        bj_int(v, -2147483648LL, 2147483647LL, &first);
    if (first < 1 || first > BT_MAX_FIRST) {
        gq_error(c->errors, a ? a->line : f->line, a ? a->col : f->col,
                  "Argument 'first' on Field '%s' must be between 1 and %d (the sandbox's cap; got %lld)", f->name,
                  BT_MAX_FIRST, first);
        return -1;
    }
    plan->first = first;
    v = arg_value(f, "after", variables, &a);
    if (a && a->kind == GQ_STRING)
        plan->after = a->text;
    else if (v && v->type == BJ_STRING)
        plan->after = v->text;
    return 0;
}

/* The paymentMethods field somewhere under f, or NULL. */
static const gq_field *find_payment_methods(const gq_field *f)
{
    for (size_t i = 0; i < f->n_sel; i++) {
        if (strcmp(f->sel[i].name, "paymentMethods") == 0)
            return &f->sel[i];
        const gq_field *in = find_payment_methods(&f->sel[i]);
        if (in)
            return in;
    }
    return NULL;
}

/* Customer.paymentMethods: its first (1 to 50, default 50); the sandbox serves its first
 * page only, so after is refused. */
static int payment_methods_arguments(checker *c, const gq_field *conn, const bj_value *variables, bt_plan *plan)
{
    const gq_field *f = find_payment_methods(conn);
    const gq_arg *a;
    plan->pm_first = BT_MAX_FIRST;
    if (!f)
        return 0;
    const bj_value *v = arg_value(f, "first", variables, &a);
    if (a && a->kind == GQ_INT)
        plan->pm_first = strtoll(a->text, NULL, 10);
    else if (v && v->type != BJ_NULL)
        bj_int(v, -2147483648LL, 2147483647LL, &plan->pm_first);
    if (plan->pm_first < 1 || plan->pm_first > BT_MAX_FIRST) {
        gq_error(c->errors, a ? a->line : f->line, a ? a->col : f->col,
                  "Argument 'first' on Field 'paymentMethods' must be between 1 and %d (got %lld)", BT_MAX_FIRST,
                  plan->pm_first);
        return -1;
    }
    v = arg_value(f, "after", variables, &a);
    if (a && (a->kind == GQ_STRING || (v && v->type != BJ_NULL))) {
        gq_error(c->errors, a->line, a->col, "The sandbox serves the first page of paymentMethods only");
        return -1;
    }
    return 0;
}

int gq_prepare(gq_doc *doc, bt_plan *plan, const char *query, const bj_value *variables, sb_buf *errors)
{
    gq_errors e = {errors, 0};
    checker c = {&e, doc};
    memset(doc, 0, sizeof *doc);
    memset(plan, 0, sizeof *plan);
    plan->created_gte = INT64_MIN;
    plan->created_lte = INT64_MAX;
    if (gq_parse(&e, query, doc) != 0)
        return -1;
    check_selection(&c, &doc->root, "Query");
    for (size_t i = 0; i < doc->n_vars; i++)
        if (!doc->vars[i].used)
            gq_error(&e, doc->vars[i].line, doc->vars[i].col, "Variable $%s is declared by the query but not used",
                      doc->vars[i].name);
    if (e.n)
        return -1;
    for (size_t i = 0; i < doc->n_vars; i++)
        if (coerce(&c, &doc->vars[i], bj_get(variables, doc->vars[i].name), plan) != 0)
            return -1;
    /* what the sandbox runs: search, with exactly one of the searches under it */
    const gq_field *search = &doc->root.sel[0];
    if (doc->root.n_sel != 1 || search->n_sel != 1) {
        gq_error(&e, search->line, search->col, "The sandbox answers one search a request");
        return -1;
    }
    plan->conn = &search->sel[0];
    for (int s = 0; s < BT_NSEARCHES; s++)
        if (strcmp(plan->conn->name, bt_search_names[s]) == 0)
            plan->search = s;
    if (payment_methods_arguments(&c, plan->conn, variables, plan) != 0)
        return -1;
    return page_arguments(&c, plan->conn, variables, plan);
}
