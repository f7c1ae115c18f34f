/*
 * The normalized data model as tables (docs/data-model.md is the prose version).
 * Field numbers and names are ABI: never change one, only append.
 */
#include "model/schema.h"

#include <string.h>

static const struct {
	const char *name;
	billtap_field_type type;
} field_info[BT_FIELD_MAX + 1] = {
	[BILLTAP_FIELD_ID] = { "id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_CREATED_AT] = { "created_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_EMAIL] = { "email", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_NAME] = { "name", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_COUNTRY] = { "country", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_DELETED] = { "deleted", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_PRODUCT_ID] = { "product_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_AMOUNT] = { "amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_CURRENCY] = { "currency", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_CURRENCY_EXPONENT] = { "currency_exponent", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_INTERVAL_UNIT] = { "interval_unit", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_INTERVAL_COUNT] = { "interval_count", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_TRIAL_DAYS] = { "trial_days", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_ACTIVE] = { "active", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_CUSTOMER_ID] = { "customer_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_STATUS] = { "status", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_PROVIDER_STATUS] = { "provider_status", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_STARTED_AT] = { "started_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_CURRENT_PERIOD_START] = { "current_period_start", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_CURRENT_PERIOD_END] = { "current_period_end", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_TRIAL_END] = { "trial_end", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_CANCELED_AT] = { "canceled_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_CANCEL_AT_PERIOD_END] = { "cancel_at_period_end", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_PLAN_ID] = { "plan_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_QUANTITY] = { "quantity", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_SUBSCRIPTION_ID] = { "subscription_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_INVOICE_ID] = { "invoice_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_KIND] = { "kind", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_RESULT] = { "result", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_REFUNDED_AMOUNT] = { "refunded_amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_PARENT_ID] = { "parent_id", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_OCCURRED_AT] = { "occurred_at", BILLTAP_TYPE_TIME },
};

#define NULLABLE 1
#define REQUIRED 0

static const bt_schema_field customer_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED },
	{ BILLTAP_FIELD_EMAIL, NULLABLE },
	{ BILLTAP_FIELD_NAME, NULLABLE },
	{ BILLTAP_FIELD_COUNTRY, NULLABLE },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED },
	{ BILLTAP_FIELD_DELETED, REQUIRED },
};

static const bt_schema_field plan_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED },
	{ BILLTAP_FIELD_NAME, NULLABLE },
	{ BILLTAP_FIELD_PRODUCT_ID, NULLABLE },
	{ BILLTAP_FIELD_AMOUNT, NULLABLE },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED },
	{ BILLTAP_FIELD_INTERVAL_UNIT, NULLABLE },
	{ BILLTAP_FIELD_INTERVAL_COUNT, NULLABLE },
	{ BILLTAP_FIELD_TRIAL_DAYS, NULLABLE },
	{ BILLTAP_FIELD_ACTIVE, REQUIRED },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED },
};

static const bt_schema_field subscription_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED },
	{ BILLTAP_FIELD_CUSTOMER_ID, NULLABLE },
	{ BILLTAP_FIELD_STATUS, REQUIRED },
	{ BILLTAP_FIELD_PROVIDER_STATUS, NULLABLE },
	{ BILLTAP_FIELD_STARTED_AT, NULLABLE },
	{ BILLTAP_FIELD_CURRENT_PERIOD_START, NULLABLE },
	{ BILLTAP_FIELD_CURRENT_PERIOD_END, NULLABLE },
	{ BILLTAP_FIELD_TRIAL_END, NULLABLE },
	{ BILLTAP_FIELD_CANCELED_AT, NULLABLE },
	{ BILLTAP_FIELD_CANCEL_AT_PERIOD_END, REQUIRED },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED },
};

static const bt_schema_field item_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED },
	{ BILLTAP_FIELD_PLAN_ID, NULLABLE },
	{ BILLTAP_FIELD_QUANTITY, NULLABLE },
	{ BILLTAP_FIELD_AMOUNT, NULLABLE },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED },
};

static const bt_schema_field transaction_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED },
	{ BILLTAP_FIELD_CUSTOMER_ID, NULLABLE },
	{ BILLTAP_FIELD_SUBSCRIPTION_ID, NULLABLE },
	{ BILLTAP_FIELD_INVOICE_ID, NULLABLE },
	{ BILLTAP_FIELD_KIND, REQUIRED },
	{ BILLTAP_FIELD_RESULT, REQUIRED },
	{ BILLTAP_FIELD_PROVIDER_STATUS, NULLABLE },
	{ BILLTAP_FIELD_AMOUNT, REQUIRED },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED },
	{ BILLTAP_FIELD_REFUNDED_AMOUNT, REQUIRED },
	{ BILLTAP_FIELD_PARENT_ID, NULLABLE },
	{ BILLTAP_FIELD_OCCURRED_AT, REQUIRED },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const bt_schema schemas[] = {
	{ BILLTAP_RECORD_CUSTOMER, "customer", customer_fields, COUNT(customer_fields) },
	{ BILLTAP_RECORD_PLAN, "plan", plan_fields, COUNT(plan_fields) },
	{ BILLTAP_RECORD_SUBSCRIPTION, "subscription", subscription_fields,
	  COUNT(subscription_fields) },
	{ BILLTAP_RECORD_TRANSACTION, "transaction", transaction_fields, COUNT(transaction_fields) },
	{ BILLTAP_RECORD_SUBSCRIPTION_ITEM, "subscription_item", item_fields, COUNT(item_fields) },
};

const bt_schema *bt_schema_of(billtap_record_kind kind)
{
	for (size_t i = 0; i < COUNT(schemas); i++)
		if (schemas[i].kind == kind)
			return &schemas[i];
	return NULL;
}

const bt_schema_field *bt_schema_field_of(billtap_record_kind kind, billtap_field field)
{
	const bt_schema *s = bt_schema_of(kind);
	if (!s)
		return NULL;
	for (size_t i = 0; i < s->count; i++)
		if (s->fields[i].field == field)
			return &s->fields[i];
	return NULL;
}

static int in_list(const char *value, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(value, *list) == 0)
			return 1;
	return 0;
}

int bt_schema_vocabulary_ok(billtap_field field, const char *value)
{
	static const char *const statuses[] = { "trialing", "active", "past_due", "paused",
		                                "canceled", "pending", "other", NULL };
	static const char *const kinds[] = { "payment", "refund", NULL };
	static const char *const results[] = { "succeeded", "failed", "pending", NULL };
	static const char *const units[] = { "day", "week", "month", "year", NULL };
	switch (field) {
	case BILLTAP_FIELD_STATUS: return in_list(value, statuses);
	case BILLTAP_FIELD_KIND: return in_list(value, kinds);
	case BILLTAP_FIELD_RESULT: return in_list(value, results);
	case BILLTAP_FIELD_INTERVAL_UNIT: return in_list(value, units);
	default: return 1;
	}
}

BILLTAP_EXTERN(const char *) billtap_field_name(billtap_field field)
{
	if ((int)field < 1 || (int)field > BT_FIELD_MAX)
		return NULL;
	return field_info[field].name;
}

BILLTAP_EXTERN(int) billtap_field_type_of(billtap_field field)
{
	if ((int)field < 1 || (int)field > BT_FIELD_MAX)
		return 0;
	return (int)field_info[field].type;
}

BILLTAP_EXTERN(const char *) billtap_record_kind_name(billtap_record_kind kind)
{
	const bt_schema *s = bt_schema_of(kind);
	return s ? s->name : NULL;
}

BILLTAP_EXTERN(int) billtap_record_kind_fields(billtap_field *out, size_t cap,
                                               billtap_record_kind kind)
{
	const bt_schema *s = bt_schema_of(kind);
	if (!s || (cap && !out))
		return BILLTAP_EINVAL;
	for (size_t i = 0; i < s->count && i < cap; i++)
		out[i] = s->fields[i].field;
	return (int)s->count;
}

static const char *const resource_names[] = { NULL, "customers", "plans", "subscriptions",
	                                      "transactions" };

BILLTAP_EXTERN(const char *) billtap_resource_name(billtap_resource resource)
{
	if ((int)resource < 1 || (int)resource > 4)
		return NULL;
	return resource_names[resource];
}

BILLTAP_EXTERN(int) billtap_resource_from_name(billtap_resource *out, const char *name)
{
	if (!out || !name)
		return BILLTAP_EINVAL;
	for (int r = 1; r <= 4; r++) {
		if (strcmp(name, resource_names[r]) == 0) {
			*out = (billtap_resource)r;
			return 0;
		}
	}
	return BILLTAP_EINVAL;
}
