/* The mandate -> customer map. GoCardless links subscriptions, payments and refunds to a
 * mandate only; the mandate links the customer. A stream that needs customer ids reads
 * /mandates first (500 a page) and looks each record's mandate up here. */
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

static int grow(gc_mandates *m)
{
	if (m->n < m->cap)
		return 0;
	size_t cap = m->cap ? m->cap * 2 : 512;
	char **p = realloc(m->pairs, cap * 2 * sizeof *p);
	if (!p)
		return BILLTAP_ENOMEM;
	m->pairs = p;
	m->cap = cap;
	return 0;
}

int gc_mandates_add_page(gc_mandates *m, const billtap_json *doc, billtap_json_ref list,
                         billtap_ctx *ctx)
{
	for (billtap_json_ref e = billtap_json_first(doc, list); e != BILLTAP_JSON_NONE;
	     e = billtap_json_next(doc, e)) {
		char *id = NULL, *customer = NULL;
		int rc = billtap_json_strdup(&id, doc, billtap_json_get(doc, e, "id"));
		if (rc == 0)
			rc = billtap_json_strdup(&customer, doc, billtap_json_path(doc, e, "links.customer"));
		if (rc == 0)
			rc = grow(m);
		if (rc < 0) {
			free(id);
			free(customer);
			if (rc == BILLTAP_ENOMEM)
				return billtap_ctx_error(ctx, rc, NULL);
			return billtap_ctx_error(ctx, BILLTAP_EDATA,
			                         "a mandate has no id or no links.customer string");
		}
		m->pairs[2 * m->n] = id;
		m->pairs[2 * m->n + 1] = customer;
		m->n++;
	}
	return 0;
}

/* Pairs are compared by their mandate id. */
static int by_mandate(const void *a, const void *b)
{
	return strcmp(((char *const *)a)[0], ((char *const *)b)[0]);
}

void gc_mandates_finish(gc_mandates *m)
{
	if (m->n)
		qsort(m->pairs, m->n, 2 * sizeof *m->pairs, by_mandate);
	m->done = 1;
}

const char *gc_mandates_customer(const gc_mandates *m, const char *mandate)
{
	if (!m || !m->done || !m->n || !mandate)
		return NULL;
	const char *key[1] = { mandate };
	char **hit = bsearch(key, m->pairs, m->n, 2 * sizeof *m->pairs, by_mandate);
	return hit ? hit[1] : NULL;
}

void gc_mandates_free(gc_mandates *m)
{
	for (size_t i = 0; i < 2 * m->n; i++)
		free(m->pairs[i]);
	free(m->pairs);
	memset(m, 0, sizeof *m);
}
