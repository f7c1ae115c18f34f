/* Which list serves each resource, how it is kept in a stable order while a run pages
 * through it (ascending creation: records created meanwhile join at its end) and which
 * filter carries `since`. */
#include <stddef.h>

#include "chargebee.h"

static const cb_list lists[] = {
	{ BILLTAP_RESOURCE_CUSTOMERS, "/api/v2/customers", "customer", "created_at",
	  "created_at[after]", 1, BILLTAP_RECORD_CUSTOMER, cb_map_customer },
	/* item prices cannot be filtered by creation, nor sorted by it: by id; deleted ones
	 * have status "deleted" (no include_deleted) */
	{ BILLTAP_RESOURCE_PLANS, "/api/v2/item_prices", "item_price", "id", NULL, 0, BILLTAP_RECORD_PLAN,
	  cb_map_item_price },
	/* invoices and transactions are dated, not created: `date` sorts and filters them */
	{ BILLTAP_RESOURCE_INVOICES, "/api/v2/invoices", "invoice", "date", "date[after]", 1,
	  BILLTAP_RECORD_INVOICE, cb_map_invoice },
	{ BILLTAP_RESOURCE_TRANSACTIONS, "/api/v2/transactions", "transaction", "date", "date[after]", 1,
	  BILLTAP_RECORD_TRANSACTION, cb_map_transaction },
	{ BILLTAP_RESOURCE_SUBSCRIPTIONS, "/api/v2/subscriptions", "subscription", "created_at",
	  "created_at[after]", 1, BILLTAP_RECORD_SUBSCRIPTION, cb_map_subscription },
};

const cb_list *cb_list_for(billtap_resource resource)
{
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
		if (lists[i].resource == resource)
			return &lists[i];
	return NULL;
}
