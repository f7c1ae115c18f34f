/*
 * The normalized data model as tables (docs/data-model.md is the prose version).
 * Field, kind and resource numbers and names are ABI: never change one, only append.
 * Vocabularies may gain words (hosts treat an unknown word like "other").
 */
#include "model/schema.h"

#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	billtap_field_type type;
} field_info[] = {
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
	[BILLTAP_FIELD_NUMBER] = { "number", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_SUBTOTAL] = { "subtotal", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_DISCOUNT] = { "discount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_TAX] = { "tax", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_TOTAL] = { "total", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_AMOUNT_PAID] = { "amount_paid", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_AMOUNT_DUE] = { "amount_due", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_ISSUED_AT] = { "issued_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_DUE_AT] = { "due_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_PAID_AT] = { "paid_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_VOIDED_AT] = { "voided_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_PERIOD_START] = { "period_start", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_PERIOD_END] = { "period_end", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_PRORATION] = { "proration", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_DESCRIPTION] = { "description", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_CAPTURED_AMOUNT] = { "captured_amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_FEE_AMOUNT] = { "fee_amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_NET_AMOUNT] = { "net_amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_CANCEL_AT] = { "cancel_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_ENDED_AT] = { "ended_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_TRIAL_START] = { "trial_start", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_PAUSED] = { "paused", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_PAUSE_BEHAVIOR] = { "pause_behavior", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_RESUMES_AT] = { "resumes_at", BILLTAP_TYPE_TIME },
	[BILLTAP_FIELD_DISCOUNTS] = { "discounts", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_USAGE_TYPE] = { "usage_type", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_AMOUNT_DECIMAL] = { "amount_decimal", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_TIERS_MODE] = { "tiers_mode", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_TIERS] = { "tiers", BILLTAP_TYPE_STRING },
	[BILLTAP_FIELD_CUSTOM_AMOUNT] = { "custom_amount", BILLTAP_TYPE_BOOL },
	[BILLTAP_FIELD_CUSTOM_AMOUNT_MINIMUM] = { "custom_amount_minimum", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_CUSTOM_AMOUNT_MAXIMUM] = { "custom_amount_maximum", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_CUSTOM_AMOUNT_PRESET] = { "custom_amount_preset", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_SETUP_FEE] = { "setup_fee", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_TOTAL_CYCLES] = { "total_cycles", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_TRIAL_AMOUNT] = { "trial_amount", BILLTAP_TYPE_MONEY },
	[BILLTAP_FIELD_TRIAL_CYCLES] = { "trial_cycles", BILLTAP_TYPE_INT },
	[BILLTAP_FIELD_PRODUCT_NAME] = { "product_name", BILLTAP_TYPE_STRING },
};

#define FIELD_LAST ((int)COUNT(field_info) - 1)

/* ---- vocabularies ---- */

static const char *const subscription_statuses[] = { "trialing", "active", "past_due", "paused",
	                                             "canceled", "pending", "other", NULL };
static const char *const invoice_statuses[] = { "draft", "open", "paid", "void",
	                                        "uncollectible", "other", NULL };
/* What money moved and why (docs/data-model.md, "Transaction kinds"): customer money
 * (payment, refund, chargeback, reversal), the provider's (fee), the merchant's own
 * (payout, transfer, conversion, adjustment). "other": a movement no listed word describes,
 * kept instead of a wrong word or a failed stream; its provider_status says what it is. */
static const char *const transaction_kinds[] = { "payment",  "refund",     "chargeback",
	                                         "reversal", "fee",        "payout",
	                                         "transfer", "conversion", "adjustment",
	                                         "other",    NULL };
/* "authorized": the money is held on the payer's account but not taken (not revenue). */
static const char *const transaction_results[] = { "succeeded", "failed", "pending",
	                                           "authorized", "other", NULL };
static const char *const pause_behaviors[] = { "keep_as_draft", "mark_uncollectible", "void",
	                                       "other", NULL };
static const char *const usage_types[] = { "licensed", "metered", "other", NULL };
static const char *const tiers_modes[] = { "graduated", "volume", "other", NULL };
static const char *const interval_units[] = { "day", "week", "month", "year", NULL };
static const char *const line_kinds[] = { "subscription", "proration", "one_off", "discount",
	                                  "tax", "other", NULL };

/* ---- kinds ---- */

#define NULLABLE 1
#define REQUIRED 0

static const bt_schema_field customer_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED, NULL },
	{ BILLTAP_FIELD_EMAIL, NULLABLE, NULL },
	{ BILLTAP_FIELD_NAME, NULLABLE, NULL },
	{ BILLTAP_FIELD_COUNTRY, NULLABLE, NULL },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED, NULL },
	{ BILLTAP_FIELD_DELETED, REQUIRED, NULL },
};

/* Fields added after 0.1.0 are nullable: a provider (a plugin) written before them leaves
 * them null, never failing validation. */
static const bt_schema_field plan_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED, NULL },
	{ BILLTAP_FIELD_NAME, NULLABLE, NULL },
	{ BILLTAP_FIELD_PRODUCT_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_PRODUCT_NAME, NULLABLE, NULL },
	{ BILLTAP_FIELD_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_AMOUNT_DECIMAL, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED, NULL },
	{ BILLTAP_FIELD_USAGE_TYPE, NULLABLE, usage_types },
	{ BILLTAP_FIELD_TIERS_MODE, NULLABLE, tiers_modes },
	{ BILLTAP_FIELD_TIERS, NULLABLE, NULL },
	{ BILLTAP_FIELD_CUSTOM_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_CUSTOM_AMOUNT_MINIMUM, NULLABLE, NULL },
	{ BILLTAP_FIELD_CUSTOM_AMOUNT_MAXIMUM, NULLABLE, NULL },
	{ BILLTAP_FIELD_CUSTOM_AMOUNT_PRESET, NULLABLE, NULL },
	{ BILLTAP_FIELD_SETUP_FEE, NULLABLE, NULL },
	{ BILLTAP_FIELD_INTERVAL_UNIT, NULLABLE, interval_units },
	{ BILLTAP_FIELD_INTERVAL_COUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_TOTAL_CYCLES, NULLABLE, NULL },
	{ BILLTAP_FIELD_TRIAL_DAYS, NULLABLE, NULL },
	{ BILLTAP_FIELD_TRIAL_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_TRIAL_CYCLES, NULLABLE, NULL },
	{ BILLTAP_FIELD_ACTIVE, REQUIRED, NULL },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED, NULL },
};

static const bt_schema_field subscription_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED, NULL },
	{ BILLTAP_FIELD_CUSTOMER_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_STATUS, REQUIRED, subscription_statuses },
	{ BILLTAP_FIELD_PROVIDER_STATUS, NULLABLE, NULL },
	{ BILLTAP_FIELD_STARTED_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENT_PERIOD_START, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENT_PERIOD_END, NULLABLE, NULL },
	{ BILLTAP_FIELD_TRIAL_START, NULLABLE, NULL },
	{ BILLTAP_FIELD_TRIAL_END, NULLABLE, NULL },
	{ BILLTAP_FIELD_CANCELED_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_CANCEL_AT_PERIOD_END, REQUIRED, NULL },
	{ BILLTAP_FIELD_CANCEL_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_ENDED_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_PAUSED, NULLABLE, NULL },
	{ BILLTAP_FIELD_PAUSE_BEHAVIOR, NULLABLE, pause_behaviors },
	{ BILLTAP_FIELD_RESUMES_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_DISCOUNTS, NULLABLE, NULL },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED, NULL },
};

/* Nested records may lack a provider id: their identity is the parent's id plus their
 * position in its list. */
static const bt_schema_field item_fields[] = {
	{ BILLTAP_FIELD_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_PLAN_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_QUANTITY, NULLABLE, NULL },
	{ BILLTAP_FIELD_USAGE_TYPE, NULLABLE, usage_types },
	{ BILLTAP_FIELD_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_AMOUNT_DECIMAL, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENT_PERIOD_START, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENT_PERIOD_END, NULLABLE, NULL },
};

static const bt_schema_field transaction_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED, NULL },
	{ BILLTAP_FIELD_CUSTOMER_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_SUBSCRIPTION_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_INVOICE_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_KIND, REQUIRED, transaction_kinds },
	{ BILLTAP_FIELD_RESULT, REQUIRED, transaction_results },
	{ BILLTAP_FIELD_PROVIDER_STATUS, NULLABLE, NULL },
	{ BILLTAP_FIELD_AMOUNT, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED, NULL },
	{ BILLTAP_FIELD_CAPTURED_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_REFUNDED_AMOUNT, NULLABLE, NULL }, /* null: the provider does not say */
	{ BILLTAP_FIELD_FEE_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_NET_AMOUNT, NULLABLE, NULL },
	{ BILLTAP_FIELD_PARENT_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_OCCURRED_AT, REQUIRED, NULL },
};

static const bt_schema_field invoice_fields[] = {
	{ BILLTAP_FIELD_ID, REQUIRED, NULL },
	{ BILLTAP_FIELD_NUMBER, NULLABLE, NULL },
	{ BILLTAP_FIELD_CUSTOMER_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_SUBSCRIPTION_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_STATUS, REQUIRED, invoice_statuses },
	{ BILLTAP_FIELD_PROVIDER_STATUS, NULLABLE, NULL },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED, NULL },
	{ BILLTAP_FIELD_SUBTOTAL, REQUIRED, NULL },
	{ BILLTAP_FIELD_DISCOUNT, REQUIRED, NULL },
	{ BILLTAP_FIELD_TAX, REQUIRED, NULL },
	{ BILLTAP_FIELD_TOTAL, REQUIRED, NULL },
	{ BILLTAP_FIELD_AMOUNT_PAID, NULLABLE, NULL }, /* null: the provider does not report it */
	{ BILLTAP_FIELD_AMOUNT_DUE, NULLABLE, NULL },
	{ BILLTAP_FIELD_CREATED_AT, REQUIRED, NULL },
	{ BILLTAP_FIELD_ISSUED_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_DUE_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_PAID_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_VOIDED_AT, NULLABLE, NULL },
	{ BILLTAP_FIELD_PERIOD_START, NULLABLE, NULL },
	{ BILLTAP_FIELD_PERIOD_END, NULLABLE, NULL },
};

static const bt_schema_field line_fields[] = {
	{ BILLTAP_FIELD_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_KIND, REQUIRED, line_kinds },
	{ BILLTAP_FIELD_PLAN_ID, NULLABLE, NULL },
	{ BILLTAP_FIELD_DESCRIPTION, NULLABLE, NULL },
	{ BILLTAP_FIELD_QUANTITY, NULLABLE, NULL },
	{ BILLTAP_FIELD_AMOUNT, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY, REQUIRED, NULL },
	{ BILLTAP_FIELD_CURRENCY_EXPONENT, REQUIRED, NULL },
	{ BILLTAP_FIELD_PERIOD_START, NULLABLE, NULL },
	{ BILLTAP_FIELD_PERIOD_END, NULLABLE, NULL },
	{ BILLTAP_FIELD_PRORATION, REQUIRED, NULL },
};

/* Indexed by kind value. */
static const bt_schema schemas[] = {
	[BILLTAP_RECORD_CUSTOMER] = { BILLTAP_RECORD_CUSTOMER, "customer", customer_fields,
	                              COUNT(customer_fields), 0, NULL },
	[BILLTAP_RECORD_PLAN] = { BILLTAP_RECORD_PLAN, "plan", plan_fields, COUNT(plan_fields), 0,
	                          NULL },
	[BILLTAP_RECORD_SUBSCRIPTION] = { BILLTAP_RECORD_SUBSCRIPTION, "subscription",
	                                  subscription_fields, COUNT(subscription_fields),
	                                  BILLTAP_RECORD_SUBSCRIPTION_ITEM, "items" },
	[BILLTAP_RECORD_TRANSACTION] = { BILLTAP_RECORD_TRANSACTION, "transaction",
	                                 transaction_fields, COUNT(transaction_fields), 0, NULL },
	[BILLTAP_RECORD_SUBSCRIPTION_ITEM] = { BILLTAP_RECORD_SUBSCRIPTION_ITEM, "subscription_item",
	                                       item_fields, COUNT(item_fields), 0, NULL },
	[BILLTAP_RECORD_INVOICE] = { BILLTAP_RECORD_INVOICE, "invoice", invoice_fields,
	                             COUNT(invoice_fields), BILLTAP_RECORD_INVOICE_LINE, "lines" },
	[BILLTAP_RECORD_INVOICE_LINE] = { BILLTAP_RECORD_INVOICE_LINE, "invoice_line", line_fields,
	                                  COUNT(line_fields), 0, NULL },
};

/* Resources, indexed by value: their name and the kind an iterator over them returns. */
static const struct {
	const char *name;
	billtap_record_kind kind;
} resources[] = {
	[BILLTAP_RESOURCE_CUSTOMERS] = { "customers", BILLTAP_RECORD_CUSTOMER },
	[BILLTAP_RESOURCE_PLANS] = { "plans", BILLTAP_RECORD_PLAN },
	[BILLTAP_RESOURCE_SUBSCRIPTIONS] = { "subscriptions", BILLTAP_RECORD_SUBSCRIPTION },
	[BILLTAP_RESOURCE_TRANSACTIONS] = { "transactions", BILLTAP_RECORD_TRANSACTION },
	[BILLTAP_RESOURCE_INVOICES] = { "invoices", BILLTAP_RECORD_INVOICE },
};

const bt_schema *bt_schema_of(billtap_record_kind kind)
{
	if ((int)kind < 1 || (size_t)kind >= COUNT(schemas))
		return NULL;
	return &schemas[kind];
}

int bt_schema_slot(const bt_schema *s, billtap_field field)
{
	for (size_t i = 0; i < s->count; i++)
		if (s->fields[i].field == field)
			return (int)i;
	return -1;
}

int bt_schema_vocabulary_ok(const bt_schema *s, int slot, const char *value)
{
	const char *const *words = s->fields[slot].vocabulary;
	if (!words)
		return 1;
	for (; *words; words++)
		if (strcmp(value, *words) == 0)
			return 1;
	return 0;
}

/* ---- introspection (billtap.h) ---- */

BILLTAP_EXTERN(const char *) billtap_field_name(billtap_field field)
{
	if ((int)field < 1 || (int)field > FIELD_LAST)
		return NULL;
	return field_info[field].name;
}

BILLTAP_EXTERN(int) billtap_field_from_name(billtap_field *out, const char *name)
{
	if (!out || !name)
		return BILLTAP_EINVAL;
	for (int f = 1; f <= FIELD_LAST; f++) {
		if (strcmp(name, field_info[f].name) == 0) {
			*out = (billtap_field)f;
			return 0;
		}
	}
	return BILLTAP_EINVAL;
}

BILLTAP_EXTERN(int) billtap_field_type_of(billtap_field field)
{
	if ((int)field < 1 || (int)field > FIELD_LAST)
		return 0;
	return (int)field_info[field].type;
}

BILLTAP_EXTERN(const char *) billtap_record_kind_name(billtap_record_kind kind)
{
	const bt_schema *s = bt_schema_of(kind);
	return s ? s->name : NULL;
}

BILLTAP_EXTERN(int) billtap_record_kind_from_name(billtap_record_kind *out, const char *name)
{
	if (!out || !name)
		return BILLTAP_EINVAL;
	for (size_t k = 1; k < COUNT(schemas); k++) {
		if (strcmp(name, schemas[k].name) == 0) {
			*out = (billtap_record_kind)k;
			return 0;
		}
	}
	return BILLTAP_EINVAL;
}

BILLTAP_EXTERN(billtap_record_kind) billtap_record_kind_nested(const char **member,
                                                               billtap_record_kind kind)
{
	const bt_schema *s = bt_schema_of(kind);
	if (member)
		*member = s ? s->nested_member : NULL;
	return s ? s->nested : (billtap_record_kind)0;
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

BILLTAP_EXTERN(int) billtap_field_nullable(billtap_record_kind kind, billtap_field field)
{
	const bt_schema *s = bt_schema_of(kind);
	int slot = s ? bt_schema_slot(s, field) : -1;
	return slot < 0 ? BILLTAP_EINVAL : s->fields[slot].nullable;
}

BILLTAP_EXTERN(int) billtap_field_vocabulary(const char **out, size_t cap,
                                             billtap_record_kind kind, billtap_field field)
{
	const bt_schema *s = bt_schema_of(kind);
	int slot = s ? bt_schema_slot(s, field) : -1;
	if (slot < 0 || (cap && !out))
		return BILLTAP_EINVAL;
	int n = 0;
	for (const char *const *w = s->fields[slot].vocabulary; w && *w; w++, n++)
		if ((size_t)n < cap)
			out[n] = *w;
	return n;
}

BILLTAP_EXTERN(const char *) billtap_resource_name(billtap_resource resource)
{
	if ((int)resource < 1 || (size_t)resource >= COUNT(resources))
		return NULL;
	return resources[resource].name;
}

BILLTAP_EXTERN(billtap_record_kind) billtap_resource_kind(billtap_resource resource)
{
	if ((int)resource < 1 || (size_t)resource >= COUNT(resources))
		return (billtap_record_kind)0;
	return resources[resource].kind;
}

BILLTAP_EXTERN(int) billtap_resource_from_name(billtap_resource *out, const char *name)
{
	if (!out || !name)
		return BILLTAP_EINVAL;
	for (size_t r = 1; r < COUNT(resources); r++) {
		if (strcmp(name, resources[r].name) == 0) {
			*out = (billtap_resource)r;
			return 0;
		}
	}
	return BILLTAP_EINVAL;
}
