/* The Stripe resources the sandbox serves, by URL segment. */
#ifndef STRIPE_RESOURCES_H
#define STRIPE_RESOURCES_H

enum {
    ST_RES_CUSTOMERS,
    ST_RES_PRODUCTS,
    ST_RES_PRICES,
    ST_RES_SUBS,
    ST_RES_ITEMS,
    ST_RES_CHARGES,
    ST_RES_REFUNDS,
    ST_RES_COUNT
};

/* "customers" -> ST_RES_CUSTOMERS; -1 if unknown. */
int st_resource_of(const char *segment);
/* The object name in "No such NOUN: 'id'" messages. */
const char *st_resource_noun(int res);

#endif
