/* Which lists serve each resource. GoCardless has no plans (a subscription carries its own
 * amount and interval) and no invoices (it collects payments against mandates): neither
 * resource is offered. Transactions are payments, then refunds. */
#include <stddef.h>

#include "gocardless.h"

static const gc_list customers = { "/customers", "customers", 'c', gc_map_customer };
static const gc_list subscriptions = { "/subscriptions", "subscriptions", 's', gc_map_subscription };
static const gc_list payments = { "/payments", "payments", 'p', gc_map_payment };
static const gc_list refunds = { "/refunds", "refunds", 'r', gc_map_refund };
const gc_list gc_mandate_list = { "/mandates", "mandates", 'm', NULL };

static const gc_resource resources[] = {
	{ BILLTAP_RESOURCE_CUSTOMERS, { &customers, NULL }, 1, 0 },
	{ BILLTAP_RESOURCE_SUBSCRIPTIONS, { &subscriptions, NULL }, 1, 1 },
	{ BILLTAP_RESOURCE_TRANSACTIONS, { &payments, &refunds }, 2, 1 },
};

const gc_resource *gc_resource_for(billtap_resource resource)
{
	for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
		if (resources[i].resource == resource)
			return &resources[i];
	return NULL;
}
