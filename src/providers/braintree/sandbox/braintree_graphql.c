/*
 * The GraphQL reader: a tokenizer and parser for the executable documents of the GraphQL
 * specification (October 2021, sections 2 and 5), as far as a query may go, and the
 * validation a server does before running one: fields that exist on their type, the
 * arguments each takes and those it requires, selections on objects and none on scalars,
 * variables declared, used and of the argument's type, and variable values that coerce to
 * their types (input objects with the schema's fields only). What the schema has but the
 * sandbox does not answer (fragments, aliases, mutations, other fields) is refused naming
 * it, never ignored. Messages follow graphql-ruby's, the library Braintree's API answers
 * with (its error texts: "Field 'x' doesn't exist on type 'Y'").
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_graphql.h"
#include "sandbox_json.h"
#include "sandbox_time.h"

const char *const bt_search_names[BT_NSEARCHES] = {"customers", "transactions", "refunds", "disputes"};

enum { T_EOF, T_NAME, T_INT, T_FLOAT, T_STRING, T_PUNCT, T_SPREAD, T_BAD };

typedef struct lexer {
    const char *p;
    int line, col;
    /* the current token */
    int kind, tline, tcol;
    char text[256];
} lexer;

typedef struct checker {
    sb_buf *errors;
    int n_errors;
    gq_doc *doc;
} checker;

static void add_error(checker *c, int line, int col, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->n_errors++ > 0)
        sb_buf_addc(c->errors, ',');
    sb_json j;
    sbj_init(&j, c->errors, 0);
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

static void advance(lexer *l, int n)
{
    for (int i = 0; i < n && *l->p; i++, l->p++) {
        if (*l->p == '\n') {
            l->line++;
            l->col = 1;
        } else {
            l->col++;
        }
    }
}

/* Reads the next token into l (names, numbers, strings, punctuators; commas, white space
 * and comments are ignored, as the grammar says). */
static void next(lexer *l)
{
    for (;;) {
        char ch = *l->p;
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',') {
            advance(l, 1);
        } else if (ch == '#') {
            while (*l->p && *l->p != '\n' && *l->p != '\r')
                advance(l, 1);
        } else {
            break;
        }
    }
    l->tline = l->line;
    l->tcol = l->col;
    l->text[0] = '\0';
    char ch = *l->p;
    size_t n = 0;
    if (!ch) {
        l->kind = T_EOF;
    } else if (isalpha((unsigned char)ch) || ch == '_') {
        while (isalnum((unsigned char)l->p[n]) || l->p[n] == '_')
            n++;
        l->kind = n < sizeof l->text ? T_NAME : T_BAD;
    } else if (isdigit((unsigned char)ch) || ch == '-') {
        n = ch == '-';
        while (isdigit((unsigned char)l->p[n]))
            n++;
        l->kind = T_INT;
        if (l->p[n] == '.' || l->p[n] == 'e' || l->p[n] == 'E') {
            l->kind = T_FLOAT;
            while (isalnum((unsigned char)l->p[n]) || l->p[n] == '.' || l->p[n] == '+' || l->p[n] == '-')
                n++;
        }
        if (n >= sizeof l->text || (n == 1 && ch == '-'))
            l->kind = T_BAD;
    } else if (ch == '"') {
        /* block strings and escapes are refused: billtap sends none */
        n = 1;
        while (l->p[n] && l->p[n] != '"' && l->p[n] != '\\' && l->p[n] != '\n')
            n++;
        l->kind = l->p[n] == '"' && n < sizeof l->text ? T_STRING : T_BAD;
        if (l->kind == T_STRING) {
            memcpy(l->text, l->p + 1, n - 1);
            l->text[n - 1] = '\0';
            advance(l, (int)n + 1);
            return;
        }
    } else if (strncmp(l->p, "...", 3) == 0) {
        n = 3;
        l->kind = T_SPREAD;
    } else if (strchr("!$():=@[]{}|&", ch)) {
        n = 1;
        l->kind = T_PUNCT;
    } else {
        n = 1;
        l->kind = T_BAD;
    }
    if (l->kind == T_BAD) {
        snprintf(l->text, sizeof l->text, "%.1s", l->p);
        return;
    }
    memcpy(l->text, l->p, n);
    l->text[n] = '\0';
    advance(l, (int)n);
}

static int is_punct(const lexer *l, char ch)
{
    return l->kind == T_PUNCT && l->text[0] == ch;
}

static const char *kind_name(int kind)
{
    static const char *const names[] = {"end of file", "IDENTIFIER", "INT", "FLOAT", "STRING", "punctuation", "ELLIPSIS", "a character"};
    return names[kind];
}

static int syntax_error(checker *c, const lexer *l)
{
    if (l->kind == T_EOF)
        add_error(c, l->tline, l->tcol, "Unexpected end of document");
    else
        add_error(c, l->tline, l->tcol, "Parse error on \"%s\" (%s) at [%d, %d]", l->text, kind_name(l->kind),
                  l->tline, l->tcol);
    return -1;
}

static int expect(checker *c, lexer *l, char ch)
{
    if (!is_punct(l, ch))
        return syntax_error(c, l);
    next(l);
    return 0;
}

/* A type reference: Name, [Type], each optionally followed by !. */
static int parse_type(checker *c, lexer *l, sb_buf *out)
{
    if (is_punct(l, '[')) {
        sb_buf_addc(out, '[');
        next(l);
        if (parse_type(c, l, out) != 0 || expect(c, l, ']') != 0)
            return -1;
        sb_buf_addc(out, ']');
    } else if (l->kind == T_NAME) {
        sb_buf_adds(out, l->text);
        next(l);
    } else {
        return syntax_error(c, l);
    }
    if (is_punct(l, '!')) {
        sb_buf_addc(out, '!');
        next(l);
    }
    return 0;
}

static int parse_variables(checker *c, lexer *l, gq_doc *doc)
{
    next(l); /* ( */
    while (!is_punct(l, ')')) {
        int line = l->tline, col = l->tcol;
        if (expect(c, l, '$') != 0)
            return -1;
        if (l->kind != T_NAME)
            return syntax_error(c, l);
        char name[256];
        snprintf(name, sizeof name, "%s", l->text);
        next(l);
        if (expect(c, l, ':') != 0)
            return -1;
        sb_buf type;
        sb_buf_init(&type);
        if (parse_type(c, l, &type) != 0) {
            sb_buf_free(&type);
            return -1;
        }
        if (is_punct(l, '=')) {
            sb_buf_free(&type);
            add_error(c, l->tline, l->tcol, "Default values of variables are not served by the sandbox");
            return -1;
        }
        for (size_t i = 0; i < doc->n_vars; i++) {
            if (strcmp(doc->vars[i].name, name) == 0) {
                sb_buf_free(&type);
                add_error(c, line, col, "There can only be one variable named \"%s\"", name);
                return -1;
            }
        }
        doc->vars = sb_xrealloc(doc->vars, (doc->n_vars + 1) * sizeof *doc->vars);
        gq_var *v = &doc->vars[doc->n_vars++];
        v->name = sb_xstrdup(name);
        v->type = sb_xstrdup(sb_buf_str(&type));
        v->line = line;
        v->col = col;
        v->used = 0;
        sb_buf_free(&type);
    }
    next(l);
    if (doc->n_vars == 0)
        return syntax_error(c, l);
    return 0;
}

static int parse_arguments(checker *c, lexer *l, gq_field *f)
{
    next(l); /* ( */
    while (!is_punct(l, ')')) {
        if (l->kind != T_NAME)
            return syntax_error(c, l);
        gq_arg a = {sb_xstrdup(l->text), NULL, GQ_OTHER, l->tline, l->tcol};
        f->args = sb_xrealloc(f->args, (f->n_args + 1) * sizeof *f->args);
        f->args[f->n_args++] = a;
        gq_arg *arg = &f->args[f->n_args - 1];
        next(l);
        if (expect(c, l, ':') != 0)
            return -1;
        if (is_punct(l, '$')) {
            next(l);
            if (l->kind != T_NAME)
                return syntax_error(c, l);
            arg->kind = GQ_VAR;
        } else if (l->kind == T_INT) {
            arg->kind = GQ_INT;
        } else if (l->kind == T_STRING) {
            arg->kind = GQ_STRING;
        } else if (l->kind == T_NAME || l->kind == T_FLOAT) {
            arg->kind = GQ_OTHER; /* an enum value, true/false/null, a float */
        } else {
            add_error(c, l->tline, l->tcol, "Argument '%s': lists and input objects written in the query are not "
                      "served by the sandbox (pass them as variables)", arg->name);
            return -1;
        }
        arg->text = sb_xstrdup(l->text);
        next(l);
    }
    next(l);
    if (f->n_args == 0)
        return syntax_error(c, l);
    return 0;
}

static int parse_selection(checker *c, lexer *l, gq_field *parent, int depth)
{
    if (depth > 12) {
        add_error(c, l->tline, l->tcol, "Query has depth beyond what the sandbox serves");
        return -1;
    }
    next(l); /* { */
    parent->has_sel = 1;
    while (!is_punct(l, '}')) {
        if (l->kind == T_SPREAD) {
            add_error(c, l->tline, l->tcol, "Fragments are not served by the sandbox");
            return -1;
        }
        if (l->kind != T_NAME)
            return syntax_error(c, l);
        parent->sel = sb_xrealloc(parent->sel, (parent->n_sel + 1) * sizeof *parent->sel);
        gq_field *f = &parent->sel[parent->n_sel++];
        memset(f, 0, sizeof *f);
        f->name = sb_xstrdup(l->text);
        f->line = l->tline;
        f->col = l->tcol;
        next(l);
        if (is_punct(l, ':')) {
            add_error(c, f->line, f->col, "Aliases are not served by the sandbox (alias \"%s\")", f->name);
            return -1;
        }
        if (is_punct(l, '(') && parse_arguments(c, l, f) != 0)
            return -1;
        if (is_punct(l, '@')) {
            add_error(c, l->tline, l->tcol, "Directives are not served by the sandbox");
            return -1;
        }
        if (is_punct(l, '{') && parse_selection(c, l, f, depth + 1) != 0)
            return -1;
    }
    next(l);
    if (parent->n_sel == 0)
        return syntax_error(c, l);
    return 0;
}

static int parse_document(checker *c, const char *query, gq_doc *doc)
{
    lexer l = {query, 1, 1, 0, 0, 0, ""};
    next(&l);
    if (l.kind == T_NAME) {
        if (strcmp(l.text, "query") != 0) {
            if (strcmp(l.text, "mutation") == 0 || strcmp(l.text, "subscription") == 0 || strcmp(l.text, "fragment") == 0)
                add_error(c, l.tline, l.tcol, "The sandbox serves queries only, not a %s", l.text);
            else
                syntax_error(c, &l);
            return -1;
        }
        next(&l);
        if (l.kind == T_NAME)
            next(&l); /* the operation's name */
        if (is_punct(&l, '(') && parse_variables(c, &l, doc) != 0)
            return -1;
    }
    if (!is_punct(&l, '{'))
        return syntax_error(c, &l);
    if (parse_selection(c, &l, &doc->root, 0) != 0)
        return -1;
    if (l.kind != T_EOF) {
        add_error(c, l.tline, l.tcol, "The sandbox answers documents of one operation only");
        return -1;
    }
    return 0;
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

static void check_arguments(checker *c, const gq_field *f, const gs_field *def, const char *parent)
{
    for (size_t i = 0; i < f->n_args; i++) {
        const gq_arg *a = &f->args[i];
        char type[96];
        if (!arg_type(def->args, a->name, type, sizeof type)) {
            add_error(c, a->line, a->col, "Field '%s' doesn't accept argument '%s'", f->name, a->name);
            continue;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(f->args[k].name, a->name) == 0)
                add_error(c, a->line, a->col, "There can be only one argument named \"%s\"", a->name);
        if (a->kind == GQ_VAR) {
            gq_var *v = find_var(c->doc, a->text);
            if (!v) {
                add_error(c, a->line, a->col, "Variable $%s is used by the query but not declared", a->text);
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
                add_error(c, a->line, a->col, "%s mismatch on variable $%s and argument %s (%s / %s)",
                          strcmp(vb, tb) == 0 ? "Nullability" : "Type", v->name, a->name, v->type, type);
            }
        } else if (!((a->kind == GQ_INT && strncmp(type, "Int", 3) == 0) ||
                     (a->kind == GQ_STRING && strncmp(type, "String", 6) == 0))) {
            add_error(c, a->line, a->col, "Argument '%s' on Field '%s' has an invalid value (%s). Expected type '%s'.",
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
                add_error(c, f->line, f->col, "Field '%s' is missing required arguments: %.*s", f->name,
                          (int)(colon - p), p);
        }
        p = end ? end + 1 : NULL;
    }
    (void)parent;
}

static void check_selection(checker *c, gq_field *parent, const char *type_name)
{
    const gs_type *t = gs_type_find(type_name);
    for (size_t i = 0; i < parent->n_sel; i++) {
        gq_field *f = &parent->sel[i];
        for (size_t k = 0; k < i; k++)
            if (strcmp(parent->sel[k].name, f->name) == 0)
                add_error(c, f->line, f->col, "Field '%s' is selected twice: the sandbox does not merge fields", f->name);
        if (strncmp(f->name, "__", 2) == 0) {
            add_error(c, f->line, f->col, "Introspection field '%s' is not served by the sandbox", f->name);
            continue;
        }
        if (!gs_in_list(t->all, f->name)) {
            add_error(c, f->line, f->col, "Field '%s' doesn't exist on type '%s'", f->name, type_name);
            continue;
        }
        const gs_field *def = served_field(t, f->name);
        if (!def) {
            add_error(c, f->line, f->col, "Field '%s' on type '%s' is not served by the sandbox", f->name, type_name);
            continue;
        }
        f->type = def->type;
        check_arguments(c, f, def, type_name);
        char base[96];
        gs_base(def->type, base, sizeof base);
        if (gs_is_leaf(base)) {
            if (f->has_sel)
                add_error(c, f->line, f->col, "Selections can't be made on scalars (field '%s' returns %s but has "
                          "selections)", f->name, base);
        } else if (!f->has_sel) {
            add_error(c, f->line, f->col, "Field must have selections (field '%s' returns %s but has no selections. "
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
        add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value (Expected value to not be null)",
                  v->name, v->type);
        return -1;
    }
    if (strcmp(base, "Int") == 0) {
        long long n;
        if (v->type[0] == '[' || !bj_int(value, -2147483648LL, 2147483647LL, &n)) {
            add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value (Could not coerce value to Int)",
                      v->name, v->type);
            return -1;
        }
        return 0;
    }
    if (strcmp(base, "String") == 0) {
        if (v->type[0] == '[' || value->type != BJ_STRING) {
            add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value (Could not coerce value to String)",
                      v->name, v->type);
            return -1;
        }
        return 0;
    }
    const char *fields = gs_input_fields(base);
    if (!fields) {
        add_error(c, v->line, v->col, "%s isn't a valid input type (on $%s)", v->type, v->name);
        return -1;
    }
    if (value->type != BJ_OBJECT || v->type[0] == '[') {
        add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value (Expected an object)", v->name, v->type);
        return -1;
    }
    for (size_t i = 0; i < value->n; i++) {
        const char *key = value->keys[i];
        const bj_value *item = value->items[i];
        if (!gs_in_list(fields, key)) {
            add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value for %s (Field is not defined on %s)",
                      v->name, v->type, key, base);
            return -1;
        }
        if (strcmp(key, "createdAt") != 0) {
            add_error(c, v->line, v->col, "Variable $%s: the sandbox does not filter %s.%s", v->name, base, key);
            return -1;
        }
        if (item->type == BJ_NULL)
            continue; /* a null criterion is the same as none */
        if (item->type != BJ_OBJECT) {
            add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt (Expected an "
                      "object of type SearchTimestampInput)", v->name, v->type);
            return -1;
        }
        for (size_t k = 0; k < item->n; k++) {
            int lower = strcmp(item->keys[k], "greaterThanOrEqualTo") == 0;
            int64_t t;
            if (!lower && strcmp(item->keys[k], "lessThanOrEqualTo") != 0) {
                add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt.%s (Field "
                          "is not defined on SearchTimestampInput)", v->name, v->type, item->keys[k]);
                return -1;
            }
            if (item->items[k]->type == BJ_NULL)
                continue;
            if (item->items[k]->type != BJ_STRING || sb_time_parse_rfc3339(item->items[k]->text, &t) != 0) {
                add_error(c, v->line, v->col, "Variable $%s of type %s was provided invalid value for createdAt.%s (Could "
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
        add_error(c, a ? a->line : f->line, a ? a->col : f->col,
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

int gq_prepare(gq_doc *doc, bt_plan *plan, const char *query, const bj_value *variables, sb_buf *errors)
{
    checker c = {errors, 0, doc};
    memset(doc, 0, sizeof *doc);
    memset(plan, 0, sizeof *plan);
    plan->created_gte = INT64_MIN;
    plan->created_lte = INT64_MAX;
    if (parse_document(&c, query, doc) != 0)
        return -1;
    check_selection(&c, &doc->root, "Query");
    for (size_t i = 0; i < doc->n_vars; i++)
        if (!doc->vars[i].used)
            add_error(&c, doc->vars[i].line, doc->vars[i].col, "Variable $%s is declared by the query but not used",
                      doc->vars[i].name);
    if (c.n_errors)
        return -1;
    for (size_t i = 0; i < doc->n_vars; i++)
        if (coerce(&c, &doc->vars[i], bj_get(variables, doc->vars[i].name), plan) != 0)
            return -1;
    /* what the sandbox runs: search, with exactly one of the searches under it */
    const gq_field *search = &doc->root.sel[0];
    if (doc->root.n_sel != 1 || search->n_sel != 1) {
        add_error(&c, search->line, search->col, "The sandbox answers one search a request");
        return -1;
    }
    plan->conn = &search->sel[0];
    for (int s = 0; s < BT_NSEARCHES; s++)
        if (strcmp(plan->conn->name, bt_search_names[s]) == 0)
            plan->search = s;
    return page_arguments(&c, plan->conn, variables, plan);
}

static void free_field(gq_field *f)
{
    for (size_t i = 0; i < f->n_args; i++) {
        free(f->args[i].name);
        free(f->args[i].text);
    }
    free(f->args);
    for (size_t i = 0; i < f->n_sel; i++)
        free_field(&f->sel[i]);
    free(f->sel);
    free(f->name);
}

void gq_free(gq_doc *doc)
{
    for (size_t i = 0; i < doc->n_vars; i++) {
        free(doc->vars[i].name);
        free(doc->vars[i].type);
    }
    free(doc->vars);
    free_field(&doc->root);
    memset(doc, 0, sizeof *doc);
}
