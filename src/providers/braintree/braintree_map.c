/* Braintree customers (Search.customers nodes) into customer records. */
#include <stdlib.h>
#include <string.h>

#include "braintree.h"

/* firstName and lastName joined by a space, else company, else null. */
static void map_name(billtap_map *m)
{
	char *parts[3] = { NULL, NULL, NULL };
	static const char *const members[3] = { "firstName", "lastName", "company" };
	for (int i = 0; i < 3 && m->status == 0; i++) {
		int rc = billtap_json_strdup(&parts[i], m->doc, billtap_json_get(m->doc, m->obj, members[i]));
		if (rc == BILLTAP_ENOMEM)
			billtap_map_fail(m, rc, members[i], "cannot be copied (out of memory)");
		else if (rc < 0 && rc != BILLTAP_ENOTFOUND)
			billtap_map_fail(m, BILLTAP_EDATA, members[i], "is not a string");
		if (parts[i] && !*parts[i]) {
			free(parts[i]);
			parts[i] = NULL;
		}
	}
	if (m->status == 0) {
		char *joined = NULL;
		if (parts[0] || parts[1]) {
			size_t n = (parts[0] ? strlen(parts[0]) : 0) + (parts[1] ? strlen(parts[1]) : 0) + 2;
			if ((joined = malloc(n)) != NULL) {
				strcpy(joined, parts[0] ? parts[0] : "");
				if (parts[0] && parts[1])
					strcat(joined, " ");
				strcat(joined, parts[1] ? parts[1] : "");
			} else {
				billtap_map_fail(m, BILLTAP_ENOMEM, "firstName", "cannot be copied (out of memory)");
			}
		}
		const char *name = joined ? joined : parts[2];
		if (m->status == 0 && billtap_map_set_str(m, BILLTAP_FIELD_NAME, name) == 0)
			billtap_record_set_source(m->rec, BILLTAP_FIELD_NAME, BILLTAP_SOURCE_COMPUTED,
			                          joined ? "firstName lastName" : "company");
		free(joined);
	}
	for (int i = 0; i < 3; i++)
		free(parts[i]);
}

int bt_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref node,
                    billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, node, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	map_name(&m);
	/* Customer carries no address (addresses belong to payment methods): no country. */
	billtap_map_set_str(&m, BILLTAP_FIELD_COUNTRY, NULL);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "createdAt", BILLTAP_MAP_REQUIRED);
	/* a search lists the customers that exist: a deleted one is gone */
	billtap_map_set_int(&m, BILLTAP_FIELD_DELETED, 0);
	return billtap_map_end(out, &m);
}
