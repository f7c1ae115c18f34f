#include "stripe_resources.h"

#include <string.h>

static const struct {
    const char *segment;
    const char *noun;
} resources[ST_RES_COUNT] = {
    [ST_RES_CUSTOMERS] = {"customers", "customer"},
    [ST_RES_PRODUCTS] = {"products", "product"},
    [ST_RES_PRICES] = {"prices", "price"},
    [ST_RES_SUBS] = {"subscriptions", "subscription"},
    [ST_RES_ITEMS] = {"subscription_items", "subscription_item"},
    [ST_RES_CHARGES] = {"charges", "charge"},
    [ST_RES_REFUNDS] = {"refunds", "refund"},
};

int st_resource_of(const char *segment)
{
    for (int i = 0; i < ST_RES_COUNT; i++)
        if (strcmp(resources[i].segment, segment) == 0)
            return i;
    return -1;
}

const char *st_resource_noun(int res)
{
    return res >= 0 && res < ST_RES_COUNT ? resources[res].noun : "object";
}
