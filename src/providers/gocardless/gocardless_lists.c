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

/* The event lists of a transactions pass of changes: payments, then refunds, whose
 * payments (their amount_refunded) are read after unless a payment event carried them. */
static const gc_walk payment_events = { "payments", "payment", gc_map_payment, NULL, NULL, NULL, NULL };
static const gc_walk refund_events = { "refunds", "refund", gc_map_refund, "links.payment", "/payments",
	                               "payments", gc_map_payment };

/* Customers and subscriptions have no passes of changes: docs/providers/gocardless.md,
 * "Incremental passes", says why. */
static const gc_resource resources[] = {
	{ BILLTAP_RESOURCE_CUSTOMERS, { &customers, NULL }, 1, 0, { NULL, NULL }, 0 },
	{ BILLTAP_RESOURCE_SUBSCRIPTIONS, { &subscriptions, NULL }, 1, 1, { NULL, NULL }, 0 },
	{ BILLTAP_RESOURCE_TRANSACTIONS, { &payments, &refunds }, 2, 1, { &payment_events, &refund_events }, 2 },
};

const gc_resource *gc_resource_for(billtap_resource resource)
{
	for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
		if (resources[i].resource == resource)
			return &resources[i];
	return NULL;
}
