/* GoCardless customers and subscriptions into records (docs/providers/gocardless.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

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

/* company_name for a business, else given_name and family_name joined by a space (either
 * alone), else null. */
static void map_name(billtap_map *m)
{
	char *company, *given = NULL, *family = NULL, *name = NULL;
	if (member_text(&company, m, "company_name") < 0)
		return;
	if (company) {
		billtap_map_set_str(m, BILLTAP_FIELD_NAME, company);
		billtap_record_set_source(m->rec, BILLTAP_FIELD_NAME, BILLTAP_SOURCE_COMPUTED, "company_name");
		free(company);
		return;
	}
	if (member_text(&given, m, "given_name") == 0 && member_text(&family, m, "family_name") == 0) {
		size_t n = (given ? strlen(given) : 0) + (family ? strlen(family) : 0) + 2;
		if ((given || family) && !(name = malloc(n))) {
			billtap_map_fail(m, BILLTAP_ENOMEM, "given_name", "cannot be copied (out of memory)");
		} else {
			if (name)
				snprintf(name, n, "%s%s%s", given ? given : "", given && family ? " " : "",
				         family ? family : "");
			billtap_map_set_str(m, BILLTAP_FIELD_NAME, name);
			billtap_record_set_source(m->rec, BILLTAP_FIELD_NAME, BILLTAP_SOURCE_COMPUTED,
			                          "company_name given_name family_name");
		}
	}
	free(name);
	free(given);
	free(family);
}

int gc_map_customer(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                    const gc_mandates *mandates, billtap_ctx *ctx)
{
	(void)mandates;
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_CUSTOMER, "customer", doc, obj, "id", ctx);
	billtap_map_str(&m, BILLTAP_FIELD_EMAIL, "email", 0);
	map_name(&m);
	billtap_map_str(&m, BILLTAP_FIELD_COUNTRY, "country_code", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	/* the list shows no removed customers: none is deleted */
	billtap_map_set_int(&m, BILLTAP_FIELD_DELETED, 0);
	return billtap_map_end(out, &m);
}

void gc_map_customer_of_mandate(billtap_map *m, const gc_mandates *mandates)
{
	char *mandate = NULL;
	if (member_text(&mandate, m, "links.mandate") < 0)
		return;
	billtap_map_set_str(m, BILLTAP_FIELD_CUSTOMER_ID, gc_mandates_customer(mandates, mandate));
	billtap_record_set_source(m->rec, BILLTAP_FIELD_CUSTOMER_ID, BILLTAP_SOURCE_COMPUTED,
	                          "links.mandate");
	free(mandate);
}

static const billtap_vocab sub_statuses[] = {
	{ "pending_customer_approval", "pending" },
	{ "customer_approval_denied", "canceled" },
	{ "active", "active" },
	/* every payment of a subscription with an end (count, end_date) was created */
	{ "finished", "canceled" },
	{ "cancelled", "canceled" },
	{ "paused", "paused" },
	{ NULL, NULL },
};

/* The one item: the subscription's amount per interval, quantity 1, no plan. */
static int map_item(billtap_map *m)
{
	billtap_map item;
	int64_t amount = 0;
	billtap_map_begin_item(&item, m->rec, "subscription item", m->doc, m->obj, NULL, m->ctx);
	billtap_map_set_str(&item, BILLTAP_FIELD_PLAN_ID, NULL);
	billtap_map_set_int(&item, BILLTAP_FIELD_QUANTITY, 1);
	billtap_map_set_str(&item, BILLTAP_FIELD_USAGE_TYPE, "licensed");
	/* the subscription's currency: the item carries it (a subscription record has none) */
	billtap_map_currency(&item, "currency", NULL);
	billtap_map_money(&item, BILLTAP_FIELD_AMOUNT, "amount",
	                  BILLTAP_MAP_REQUIRED | BILLTAP_MAP_NUMERIC_STRING);
	if (item.status == 0 && billtap_record_get_int(&amount, item.rec, BILLTAP_FIELD_AMOUNT) == 0) {
		char dec[24];
		snprintf(dec, sizeof dec, "%lld", (long long)amount);
		billtap_map_set_str(&item, BILLTAP_FIELD_AMOUNT_DECIMAL, dec);
		billtap_record_set_source(item.rec, BILLTAP_FIELD_AMOUNT_DECIMAL, BILLTAP_SOURCE_COMPUTED, "amount");
	}
	return billtap_map_end(NULL, &item);
}

/* 1 when the string at path is `word`. */
static int string_is(billtap_map *m, const char *path, const char *word)
{
	return billtap_json_str_eq(m->doc, billtap_json_path(m->doc, m->obj, path), word) == 1;
}

int gc_map_subscription(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                        const gc_mandates *mandates, billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, obj, "id", ctx);
	gc_map_customer_of_mandate(&m, mandates);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", sub_statuses, "other", BILLTAP_MAP_REQUIRED);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	/* start_date is a date: midnight UTC */
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "start_date", 0);
	/* a paused subscription creates no payments until resumed: collection paused */
	int paused = string_is(&m, "status", "paused");
	billtap_map_set_int(&m, BILLTAP_FIELD_PAUSED, paused);
	billtap_record_set_source(m.rec, BILLTAP_FIELD_PAUSED, BILLTAP_SOURCE_COMPUTED, "status");
	billtap_map_set_int(&m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, 0);
	/* GoCardless has no discounts */
	billtap_map_set_str(&m, BILLTAP_FIELD_DISCOUNTS, "[]");
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	if (m.status == 0) {
		int rc = map_item(&m);
		if (rc < 0)
			billtap_map_fail(&m, rc, NULL, NULL);
	}
	return billtap_map_end(out, &m);
}
