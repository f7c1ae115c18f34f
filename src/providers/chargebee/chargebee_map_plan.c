/* Chargebee item prices (product catalog 2.0) into plan records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chargebee.h"

static const billtap_vocab period_units[] = {
	{ "day", "day" }, { "week", "week" }, { "month", "month" }, { "year", "year" }, { NULL, NULL },
};

/* tiered: each tier prices its own units (graduated); volume: the tier the quantity falls
 * in prices every unit; stairstep: a flat price per tier, which fits neither. */
static const billtap_vocab tier_modes[] = {
	{ "tiered", "graduated" }, { "volume", "volume" }, { "stairstep", "other" }, { NULL, NULL },
};

static int member_is(const billtap_map *m, const char *path, const char *word)
{
	return billtap_json_str_eq(m->doc, billtap_json_path(m->doc, m->obj, path), word) == 1;
}

static void write_amount(billtap_json_writer *w, const char *key, int has, int64_t minor)
{
	billtap_json_write_key(w, key);
	if (has & 1)
		billtap_json_write_int(w, minor);
	else
		billtap_json_write_null(w);
}

static void write_text(billtap_json_writer *w, const char *key, int has, const char *dec)
{
	billtap_json_write_key(w, key);
	if (has)
		billtap_json_write_string(w, dec, strlen(dec));
	else
		billtap_json_write_null(w);
}

/* The tiers as docs/data-model.md's JSON text: up_to from ending_unit (none: "and
 * above"); a unit price for tiered and volume, a flat one per tier for stairstep. */
static void map_tiers(billtap_map *m, int exponent)
{
	billtap_json_ref tiers = billtap_json_get(m->doc, m->obj, "tiers");
	if (billtap_json_typeof(m->doc, tiers) != BILLTAP_JSON_ARRAY) {
		billtap_map_fail(m, BILLTAP_EDATA, "tiers", "is not an array");
		return;
	}
	int flat = member_is(m, "pricing_model", "stairstep");
	billtap_json_writer *w;
	if (billtap_json_writer_new(&w) < 0) {
		billtap_map_fail(m, BILLTAP_ENOMEM, "tiers", "cannot be written (out of memory)");
		return;
	}
	billtap_json_write_array_begin(w);
	for (billtap_json_ref t = billtap_json_first(m->doc, tiers); t != BILLTAP_JSON_NONE && m->status == 0;
	     t = billtap_json_next(m->doc, t)) {
		int64_t up_to, minor = 0;
		char dec[100];
		int has;
		if (cb_price_of(m, t, "price", exponent, &minor, dec, sizeof dec, &has) < 0)
			break;
		int rc = billtap_json_integer(&up_to, m->doc, billtap_json_get(m->doc, t, "ending_unit"), 0);
		if (rc < 0 && rc != BILLTAP_ENOTFOUND) {
			billtap_map_fail(m, BILLTAP_EDATA, "tiers", "has an ending_unit that is not an integer");
			break;
		}
		billtap_json_write_object_begin(w);
		billtap_json_write_key(w, "up_to");
		if (rc == 0)
			billtap_json_write_int(w, up_to);
		else
			billtap_json_write_null(w);
		write_amount(w, "unit_amount", flat ? 0 : has, minor);
		write_text(w, "unit_amount_decimal", flat ? 0 : has, dec);
		write_amount(w, "flat_amount", flat ? has : 0, minor);
		write_text(w, "flat_amount_decimal", flat ? has : 0, dec);
		billtap_json_write_object_end(w);
	}
	billtap_json_write_array_end(w);
	const char *text;
	if (m->status == 0) {
		if (billtap_json_writer_text(&text, NULL, w) < 0)
			billtap_map_fail(m, BILLTAP_ENOMEM, "tiers", "cannot be written (out of memory)");
		else if (billtap_map_set_str(m, BILLTAP_FIELD_TIERS, text) == 0)
			billtap_record_set_source(m->rec, BILLTAP_FIELD_TIERS, BILLTAP_SOURCE_COMPUTED, "tiers");
	}
	billtap_json_writer_free(w);
}

/* flat_fee and per_unit: one price; the tiered models: tiers, no single amount. */
static void map_price(billtap_map *m)
{
	int64_t exponent = 0, minor = 0;
	char dec[100];
	int has = 0;
	billtap_record_get_int(&exponent, m->rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_json_ref model = billtap_json_get(m->doc, m->obj, "pricing_model");
	if (billtap_vocab_lookup(tier_modes, m->doc, model, NULL)) {
		billtap_map_vocab(m, BILLTAP_FIELD_TIERS_MODE, "pricing_model", tier_modes, NULL, 0);
		map_tiers(m, (int)exponent);
		return;
	}
	/* flat_fee, per_unit, or a model added since (then the price is read if there is one) */
	if (cb_price_of(m, m->obj, "price", (int)exponent, &minor, dec, sizeof dec, &has) < 0)
		return;
	if (has & 1)
		billtap_map_set_int(m, BILLTAP_FIELD_AMOUNT, minor);
	if (has)
		billtap_map_set_str(m, BILLTAP_FIELD_AMOUNT_DECIMAL, dec);
	billtap_record_set_source(m->rec, BILLTAP_FIELD_AMOUNT, BILLTAP_SOURCE_COMPUTED, "price price_in_decimal");
	billtap_record_set_source(m->rec, BILLTAP_FIELD_AMOUNT_DECIMAL, BILLTAP_SOURCE_COMPUTED,
	                          "price price_in_decimal");
}

/* A free trial in days; one in months is not a whole number of days (null). */
static void map_trial(billtap_map *m)
{
	if (member_is(m, "trial_period_unit", "day"))
		billtap_map_int(m, BILLTAP_FIELD_TRIAL_DAYS, "trial_period", 0);
}

int cb_map_item_price(billtap_record **out, const billtap_json *doc, billtap_json_ref obj,
                      billtap_ctx *ctx)
{
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "item price", doc, obj, "id", ctx);
	const char *name = "name";
	billtap_json_ref ext = billtap_json_get(doc, obj, "external_name");
	if (billtap_json_typeof(doc, ext) == BILLTAP_JSON_STRING && !billtap_json_str_eq(doc, ext, ""))
		name = "external_name";
	billtap_map_str(&m, BILLTAP_FIELD_NAME, name, 0);
	billtap_map_str(&m, BILLTAP_FIELD_PRODUCT_ID, "item_id", 0);
	billtap_map_currency(&m, "currency_code", NULL);
	map_price(&m);
	billtap_map_set_int(&m, BILLTAP_FIELD_CUSTOM_AMOUNT, 0); /* Chargebee has no customer-chosen prices */
	/* charges bill once: no period */
	if (!member_is(&m, "item_type", "charge")) {
		billtap_map_vocab(&m, BILLTAP_FIELD_INTERVAL_UNIT, "period_unit", period_units, NULL, 0);
		billtap_map_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, "period", 0);
		billtap_map_int(&m, BILLTAP_FIELD_TOTAL_CYCLES, "billing_cycles", 0);
		map_trial(&m);
	}
	if (m.status == 0) {
		billtap_map_set_int(&m, BILLTAP_FIELD_ACTIVE, member_is(&m, "status", "active"));
		billtap_record_set_source(m.rec, BILLTAP_FIELD_ACTIVE, BILLTAP_SOURCE_COMPUTED, "status");
	}
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "created_at", BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}
