/* Which lists serve each resource, with the parameters that make them complete: customers
 * and prices default to status=active only, so archived ones are asked for too; plans are
 * the recurring prices with their product; invoices the transactions that reached billing. */
#include <stddef.h>

#include "paddle.h"

static const pd_list customers[] = {
	{ "/customers", "status=active,archived", 200, NULL, pd_push_customer },
};
static const pd_list plans[] = {
	{ "/prices", "status=active,archived&recurring=true&include=product", 200, NULL, pd_push_price },
};
static const pd_list subscriptions[] = {
	{ "/subscriptions", NULL, 200, NULL, pd_push_subscription },
};
/* Paddle numbers a transaction when it is billed or completed; the mapper keeps those
 * with an invoice_number (a canceled one may never have been billed). */
static const pd_list invoices[] = {
	{ "/transactions", "status=billed,paid,past_due,completed,canceled", 30, "created_at[GTE]",
	  pd_push_invoice },
};
/* payments: every transaction's payments[] (all statuses); then refunds, credits and
 * chargebacks: adjustments */
static const pd_list transactions[] = {
	{ "/transactions", NULL, 30, NULL, pd_push_payments },
	{ "/adjustments", NULL, 50, NULL, pd_push_adjustment },
};

#define LIST(r, l) { r, l, (int)(sizeof l / sizeof l[0]) }
static const pd_resource resources[] = {
	LIST(BILLTAP_RESOURCE_CUSTOMERS, customers),
	LIST(BILLTAP_RESOURCE_PLANS, plans),
	LIST(BILLTAP_RESOURCE_SUBSCRIPTIONS, subscriptions),
	LIST(BILLTAP_RESOURCE_INVOICES, invoices),
	LIST(BILLTAP_RESOURCE_TRANSACTIONS, transactions),
};

const pd_resource *pd_resource_for(billtap_resource resource)
{
	for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++)
		if (resources[i].resource == resource)
			return &resources[i];
	return NULL;
}
