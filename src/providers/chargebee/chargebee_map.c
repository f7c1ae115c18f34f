/* Chargebee customers into customer records. */
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

/* A non-empty string member, copied (NULL when absent, null or empty). */
static int member_text(char **out, billtap_map *m, const char *path)
{
	*out = NULL;
	int rc = billtap_json_strdup(out, m->doc, billtap_json_path(m->doc, m->obj, path));
	if (rc == BILLTAP_ENOTFOUND)
		return 0;
	if (rc == BILLTAP_ENOMEM)
		return billtap_map_fail(m, BILLTAP_ENOMEM, path, "cannot be copied (out of memory)");
	if (rc < 0)
		return billtap_map_fail(m, BILLTAP_EDATA, path, "is not a string");
	if (!**out) {
		free(*out);
		*out = NULL;
	}
	return 0;
}

/* The customer's name: its company when it has one (a business), else first_name and
 * last_name joined by a space (either alone), else null. */
static void map_name(billtap_map *m)
{
	char *company, *first = NULL, *last = NULL;
	if (member_text(&company, m, "company") < 0)
		return;
	if (company) {
		billtap_map_set_str(m, BILLTAP_FIELD_NAME, company);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_NAME, BILLTAP_SOURCE_COMPUTED, "company");
		free(company);
		return;
	}
	if (member_text(&first, m, "first_name") < 0 || member_text(&last, m, "last_name") < 0) {
		free(first);
		return;
	}
	size_t n = (first ? strlen(first) : 0) + (last ? strlen(last) : 0) + 2;
	char *name = first || last ? malloc(n) : NULL;
	if ((first || last) && !name) {
		billtap_map_fail(m, BILLTAP_ENOMEM, "first_name", "cannot be copied (out of memory)");
	} else {
		if (name) {
			strcpy(name, first ? first : "");
			if (first && last)
				strcat(name, " ");
			strcat(name, last ? last : "");
		}
		billtap_map_set_str(m, BILLTAP_FIELD_NAME, name);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_NAME, BILLTAP_SOURCE_COMPUTED,
		                          "first_name last_name");
	}
	free(name);
	free(first);
	free(last);
}

int cb_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                    billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	map_name(&m);
	billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "billing_address.country", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	billtap_map_bool(&m, BILLTAP_FIELD_DELETED, "deleted", 0);
	return billtap_map_end(out, &m);
}
