/* The sandbox's GraphQL request reader: parses the query document billtap sends
 * (braintree_gql_parse.c), checks it
 * against the part of Braintree's published schema the sandbox serves (braintree_schema.c)
 * the way a GraphQL server validates, and coerces the variables. */
#ifndef SB_BRAINTREE_GRAPHQL_H
#define SB_BRAINTREE_GRAPHQL_H

#include <stddef.h>
#include <stdint.h>

#include "braintree_json.h"
#include "sandbox_buf.h"

enum { GQ_VAR, GQ_INT, GQ_STRING, GQ_OTHER };

typedef struct gq_arg {
    char *name, *text;        /* text: the variable's name, the literal */
    int kind, line, col;
} gq_arg;

typedef struct gq_field {
    char *name;
    int line, col;
    gq_arg *args;
    size_t n_args;
    struct gq_field *sel;     /* its selection set */
    size_t n_sel;
    int has_sel;
    const char *type;         /* set by validation: the schema type it returns ("[Refund!]") */
} gq_field;

typedef struct gq_var {
    char *name, *type;
    int line, col, used;
} gq_var;

typedef struct gq_doc {
    gq_var *vars;
    size_t n_vars;
    gq_field root;            /* the operation's selection set */
} gq_doc;

/* The searches the sandbox serves. */
enum { BT_CUSTOMERS, BT_TRANSACTIONS, BT_REFUNDS, BT_DISPUTES, BT_NSEARCHES };
extern const char *const bt_search_names[BT_NSEARCHES];

/* What one validated request asks for. */
typedef struct bt_plan {
    int search;               /* BT_* */
    const gq_field *conn;     /* the Search field: its selection set is the connection's */
    long long first;
    const char *after;        /* NULL: the first page */
    int64_t created_gte, created_lte; /* INT64_MIN / INT64_MAX: no bound */
    long long pm_first;       /* Customer.paymentMethods(first:), when selected */
} bt_plan;

#define BT_MAX_FIRST 50

/* GraphQL error objects, comma-separated (for an "errors" array), and how many. */
typedef struct gq_errors {
    sb_buf *buf;
    int n;
} gq_errors;

/* Appends an error object: the message, its location when line > 0, errorClass VALIDATION. */
void gq_error(gq_errors *e, int line, int col, const char *fmt, ...);
/* Parses a query document into doc (braintree_gql_parse.c); 0, or -1 with an error. */
int gq_parse(gq_errors *e, const char *query, gq_doc *doc);

/* Parses and validates `query` with `variables` (a JSON object or NULL) into doc and plan.
 * 0, or -1 with one or more GraphQL error objects written into errors (comma-separated,
 * for an "errors" array). doc is freed with gq_free() either way. */
int gq_prepare(gq_doc *doc, bt_plan *plan, const char *query, const bj_value *variables, sb_buf *errors);
void gq_free(gq_doc *doc);

/* The schema (braintree_schema.c). */
typedef struct gs_field {
    const char *name, *type;
    const char *args;         /* "input:CustomerSearchInput! first:Int after:String", or NULL */
} gs_field;

typedef struct gs_type {
    const char *name;
    const char *all;          /* every field of the published schema, space-separated */
    const gs_field *served;   /* those the sandbox answers, ended by a NULL name */
} gs_type;

const gs_type *gs_type_find(const char *name);
/* 1 for a scalar or enum type of the served schema (no selection set). */
int gs_is_leaf(const char *base);
/* The named type inside a type reference: "[Refund!]!" -> "Refund" (into out). */
void gs_base(const char *type, char *out, size_t cap);
/* 1 when `word` is one of the space-separated words of list. */
int gs_in_list(const char *list, const char *word);
/* The fields of a search input type: every one of the schema, and those served. */
const char *gs_input_fields(const char *input_type);

#endif
