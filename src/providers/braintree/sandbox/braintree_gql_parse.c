/*
 * The GraphQL parser of the sandbox's request reader: a tokenizer and parser for the
 * executable documents of the GraphQL specification (October 2021, sections 2 and 5) as
 * far as a query may go: one operation, its variable definitions, fields with arguments
 * and selection sets. Fragments, aliases, directives, default values and input objects
 * written in the query are refused naming them (billtap sends none), never skipped.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braintree_graphql.h"

enum { T_EOF, T_NAME, T_INT, T_FLOAT, T_STRING, T_PUNCT, T_SPREAD, T_BAD };

typedef struct lexer {
    const char *p;
    int line, col;
    /* the current token */
    int kind, tline, tcol;
    char text[256];
} lexer;

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

static int syntax_error(gq_errors *c, const lexer *l)
{
    if (l->kind == T_EOF)
        gq_error(c, l->tline, l->tcol, "Unexpected end of document");
    else
        gq_error(c, l->tline, l->tcol, "Parse error on \"%s\" (%s) at [%d, %d]", l->text, kind_name(l->kind),
                  l->tline, l->tcol);
    return -1;
}

static int expect(gq_errors *c, lexer *l, char ch)
{
    if (!is_punct(l, ch))
        return syntax_error(c, l);
    next(l);
    return 0;
}

/* A type reference: Name, [Type], each optionally followed by !. */
static int parse_type(gq_errors *c, lexer *l, sb_buf *out)
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

static int parse_variables(gq_errors *c, lexer *l, gq_doc *doc)
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
            gq_error(c, l->tline, l->tcol, "Default values of variables are not served by the sandbox");
            return -1;
        }
        for (size_t i = 0; i < doc->n_vars; i++) {
            if (strcmp(doc->vars[i].name, name) == 0) {
                sb_buf_free(&type);
                gq_error(c, line, col, "There can only be one variable named \"%s\"", name);
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

static int parse_arguments(gq_errors *c, lexer *l, gq_field *f)
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
            gq_error(c, l->tline, l->tcol, "Argument '%s': lists and input objects written in the query are not "
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

static int parse_selection(gq_errors *c, lexer *l, gq_field *parent, int depth)
{
    if (depth > 12) {
        gq_error(c, l->tline, l->tcol, "Query has depth beyond what the sandbox serves");
        return -1;
    }
    next(l); /* { */
    parent->has_sel = 1;
    while (!is_punct(l, '}')) {
        if (l->kind == T_SPREAD) {
            gq_error(c, l->tline, l->tcol, "Fragments are not served by the sandbox");
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
            gq_error(c, f->line, f->col, "Aliases are not served by the sandbox (alias \"%s\")", f->name);
            return -1;
        }
        if (is_punct(l, '(') && parse_arguments(c, l, f) != 0)
            return -1;
        if (is_punct(l, '@')) {
            gq_error(c, l->tline, l->tcol, "Directives are not served by the sandbox");
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

int gq_parse(gq_errors *c, const char *query, gq_doc *doc)
{
    lexer l = {query, 1, 1, 0, 0, 0, ""};
    next(&l);
    if (l.kind == T_NAME) {
        if (strcmp(l.text, "query") != 0) {
            if (strcmp(l.text, "mutation") == 0 || strcmp(l.text, "subscription") == 0 || strcmp(l.text, "fragment") == 0)
                gq_error(c, l.tline, l.tcol, "The sandbox serves queries only, not a %s", l.text);
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
        gq_error(c, l.tline, l.tcol, "The sandbox answers documents of one operation only");
        return -1;
    }
    return 0;
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
