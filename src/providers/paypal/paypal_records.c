/* PayPal objects -> normalized records (docs/data-model.md, "PayPal specifics"), through
 * the provider kit's mapper. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

int pp_currency_exponent(const char *code)
{
	/* PayPal refuses decimals for these although ISO 4217 gives HUF and TWD two. */
	if (!strcmp(code, "HUF") || !strcmp(code, "JPY") || !strcmp(code, "TWD"))
		return 0;
	return billtap_currency_iso_exponent(code);
}

char *pp_strdup(const billtap_json *doc, billtap_json_ref ref, int *oom)
{
	char *s;
	int rc = billtap_json_strdup(&s, doc, ref);
	if (rc == BILLTAP_ENOMEM)
		*oom = 1;
	if (rc < 0)
		return NULL;
	if (!*s) { /* PayPal sends "" for "none" */
		free(s);
		return NULL;
	}
	return s;
}

int pp_money(int64_t *minor, char currency[4], int *exponent, const billtap_json *doc,
             billtap_json_ref money)
{
	const char *text;
	size_t len;
	billtap_json_ref code = billtap_json_get(doc, money, "currency_code");
	if (billtap_json_typeof(doc, code) != BILLTAP_JSON_STRING ||
	    billtap_json_text(&text, &len, doc, code) < 0 ||
	    billtap_currency_normalize(currency, text, len) < 0)
		return BILLTAP_EDATA;
	*exponent = pp_currency_exponent(currency);
	if (*exponent < 0)
		return BILLTAP_EDATA;
	/* The value is a string ("10.00", "-78.00", "3"); its exact digits are the amount. */
	billtap_json_ref value = billtap_json_get(doc, money, "value");
	if (billtap_json_typeof(doc, value) != BILLTAP_JSON_STRING)
		return BILLTAP_EDATA;
	return billtap_json_money(minor, doc, value, *exponent, BILLTAP_MAP_MAJOR_UNITS) < 0
	               ? BILLTAP_EDATA
	               : 0;
}

char *pp_text(const billtap_json *doc, billtap_json_ref ref, int *err)
{
	char *s;
	int rc = billtap_json_strdup(&s, doc, ref);
	if (rc == BILLTAP_ENOTFOUND)
		return NULL;
	if (rc < 0) {
		if (!*err || rc == BILLTAP_ENOMEM)
			*err = rc == BILLTAP_ENOMEM ? rc : BILLTAP_EDATA;
		return NULL;
	}
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* ---- transactions ---- */

static const billtap_vocab results[] = {
	{ "S", "succeeded" },
	{ "V", "succeeded" }, /* reversed later; the reversal is its own negative row */
	{ "D", "failed" },
	{ "P", "pending" },
	{ NULL, NULL },       /* any status PayPal adds: other, kept raw in provider_status */
};

int pp_map_source(billtap_map *m, billtap_field field, const char *members)
{
	if (m->status < 0)
		return m->status;
	int rc = billtap_record_set_source(m->rec, field, BILLTAP_SOURCE_COMPUTED, members);
	return rc < 0 ? billtap_map_fail(m, billtap_ctx_error(m->ctx, rc, NULL), NULL, NULL) : 0;
}

/* fee_amount (PayPal's, signed: negative when the merchant pays it) as a positive fee, and
 * the net the row made in the balance: its signed amount plus that signed fee. Both null
 * when the row carries no fee_amount, or one in another currency. */
static void map_fee(billtap_map *m, billtap_json_ref info, int64_t amount, int exponent)
{
	billtap_json_ref fee = billtap_json_get(m->doc, info, "fee_amount");
	if (m->status || billtap_json_typeof(m->doc, fee) != BILLTAP_JSON_OBJECT)
		return;
	const char *mine = NULL;
	billtap_record_get_str(&mine, m->rec, BILLTAP_FIELD_CURRENCY);
	billtap_json_ref code = billtap_json_get(m->doc, fee, "currency_code");
	if (!mine || !billtap_json_str_eq(m->doc, code, mine))
		return;
	int64_t minor;
	billtap_json_ref value = billtap_json_get(m->doc, fee, "value");
	if (billtap_json_typeof(m->doc, value) != BILLTAP_JSON_STRING ||
	    billtap_json_money(&minor, m->doc, value, exponent, BILLTAP_MAP_MAJOR_UNITS) < 0 ||
	    minor == INT64_MIN || (minor < 0 && amount < INT64_MIN - minor) ||
	    (minor > 0 && amount > INT64_MAX - minor)) {
		billtap_map_fail(m, BILLTAP_EDATA, "fee_amount",
		                 "is not an amount PayPal's currency rules allow (code, decimals)");
		return;
	}
	billtap_map_set_int(m, BILLTAP_FIELD_FEE_AMOUNT, -minor);
	pp_map_source(m, BILLTAP_FIELD_FEE_AMOUNT, "transaction_info.fee_amount.value");
	billtap_map_set_int(m, BILLTAP_FIELD_NET_AMOUNT, amount + minor);
	pp_map_source(m, BILLTAP_FIELD_NET_AMOUNT,
	              "transaction_info.transaction_amount.value transaction_info.fee_amount.value");
}

int pp_map_transaction(billtap_record **out, const billtap_json *doc, billtap_json_ref row,
                       billtap_ctx *ctx)
{
	billtap_json_ref info = billtap_json_get(doc, row, "transaction_info");
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_TRANSACTION, "transaction", doc, row,
	                  "transaction_info.transaction_id", ctx);
	billtap_map_currency(&m, "transaction_info.transaction_amount.currency_code",
	                     pp_currency_exponent);
	/* The sign says payment or refund; the normalized amount is its absolute value. */
	int64_t minor = 0;
	int64_t exponent = 0;
	billtap_record_get_int(&exponent, m.rec, BILLTAP_FIELD_CURRENCY_EXPONENT);
	billtap_json_ref amount = billtap_json_path(doc, info, "transaction_amount.value");
	if (!m.status && (billtap_json_typeof(doc, amount) != BILLTAP_JSON_STRING ||
	                  billtap_json_money(&minor, doc, amount, (int)exponent,
	                                     BILLTAP_MAP_MAJOR_UNITS) < 0))
		billtap_map_fail(&m, BILLTAP_EDATA, "transaction_amount",
		                 "is not an amount PayPal's currency rules allow (code, decimals)");
	if (!m.status && minor == INT64_MIN) /* its absolute value does not fit */
		billtap_map_fail(&m, BILLTAP_EDATA, "transaction_amount", "is outside the 64-bit range");
	/* The event code says what moved (docs/providers/paypal.md); only customer money has
	 * a customer: the counterparty of money the merchant sends is not one. */
	pp_kind kind = pp_row_kind(doc, row);
	int takes_back = strcmp(kind.kind, "refund") == 0 || strcmp(kind.kind, "reversal") == 0 ||
	                 strcmp(kind.kind, "chargeback") == 0;
	billtap_json_ref ref_type = billtap_json_get(doc, info, "paypal_reference_id_type");
	if (kind.customer)
		billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "payer_info.account_id", 0);
	if (billtap_json_str_eq(doc, ref_type, "SUB"))
		billtap_map_str(&m, BILLTAP_FIELD_SUBSCRIPTION_ID, "transaction_info.paypal_reference_id",
		                0);
	if (takes_back && billtap_json_str_eq(doc, ref_type, "TXN"))
		billtap_map_str(&m, BILLTAP_FIELD_PARENT_ID, "transaction_info.paypal_reference_id", 0);
	billtap_map_str(&m, BILLTAP_FIELD_INVOICE_ID, "transaction_info.invoice_id", 0);
	billtap_map_set_str(&m, BILLTAP_FIELD_KIND, kind.kind);
	pp_map_source(&m, BILLTAP_FIELD_KIND,
	              "transaction_info.transaction_event_code transaction_info.transaction_amount.value");
	billtap_map_vocab(&m, BILLTAP_FIELD_RESULT, "transaction_info.transaction_status", results,
	                  "other", BILLTAP_MAP_REQUIRED);
	/* An authorization holds the payer's money without taking it. */
	if (kind.authorization && !billtap_json_str_eq(doc, billtap_json_get(doc, info,
	                                                                     "transaction_status"), "D")) {
		static const char by[] = "transaction_info.transaction_event_code "
		                         "transaction_info.transaction_status";
		billtap_map_set_str(&m, BILLTAP_FIELD_RESULT, "authorized");
		pp_map_source(&m, BILLTAP_FIELD_RESULT, by);
		billtap_map_set_int(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, 0);
		pp_map_source(&m, BILLTAP_FIELD_CAPTURED_AMOUNT, by);
	}
	map_fee(&m, info, minor, (int)exponent);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "transaction_info.transaction_status", 0);
	billtap_map_set_int(&m, BILLTAP_FIELD_AMOUNT, minor < 0 ? -minor : minor);
	pp_map_source(&m, BILLTAP_FIELD_AMOUNT, "transaction_info.transaction_amount.value");
	/* A payment row does not say how much of it was refunded (the refunds are rows of
	 * their own): null, not a 0 that would claim "nothing refunded". From no member, so
	 * it stays computed without members. */
	billtap_map_set_str(&m, BILLTAP_FIELD_REFUNDED_AMOUNT, NULL);
	billtap_map_time(&m, BILLTAP_FIELD_OCCURRED_AT, "transaction_info.transaction_initiation_date",
	                 BILLTAP_MAP_REQUIRED);
	return billtap_map_end(out, &m);
}

/* ---- plans ---- */

static int64_t unit_days(const billtap_json *doc, billtap_json_ref unit)
{
	if (billtap_json_str_eq(doc, unit, "DAY"))
		return 1;
	if (billtap_json_str_eq(doc, unit, "WEEK"))
		return 7;
	if (billtap_json_str_eq(doc, unit, "MONTH"))
		return 30;
	if (billtap_json_str_eq(doc, unit, "YEAR"))
		return 365;
	return 0;
}

static billtap_json_ref regular_cycle(const billtap_json *doc, billtap_json_ref plan)
{
	billtap_json_ref cycles = billtap_json_get(doc, plan, "billing_cycles");
	for (billtap_json_ref c = billtap_json_first(doc, cycles); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c))
		if (billtap_json_str_eq(doc, billtap_json_get(doc, c, "tenure_type"), "REGULAR"))
			return c;
	return BILLTAP_JSON_NONE;
}

/* "plan P-1: billing_cycles has no REGULAR cycle", recorded. */
static int plan_error(const billtap_json *doc, billtap_json_ref plan, const char *member,
                      const char *problem, billtap_ctx *ctx)
{
	char id[96] = "", msg[300];
	size_t n;
	if (billtap_json_str_decode(id, sizeof id, &n, doc, billtap_json_get(doc, plan, "id")) < 0)
		snprintf(id, sizeof id, "(no id)");
	snprintf(msg, sizeof msg, "plan %s: %s %s", id, member, problem);
	return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
}

/* Why pp_money() refused a price: a currency without a known exponent (never guessed), or
 * the amount. The text is written to why[80] when it names the currency. */
static const char *unknown_currency(const pp_price *out, char why[80])
{
	if (!out->currency[0] || out->exponent >= 0)
		return "is not an amount PayPal's currency rules allow";
	snprintf(why, 80, "has currency %s, which has no known number of decimals", out->currency);
	return why;
}

int pp_plan_price(pp_price *out, const billtap_json *doc, billtap_json_ref plan, billtap_ctx *ctx)
{
	memset(out, 0, sizeof *out);
	char why[80];
	billtap_json_ref regular = regular_cycle(doc, plan);
	if (regular == BILLTAP_JSON_NONE)
		return plan_error(doc, plan, "billing_cycles", "has no REGULAR cycle", ctx);
	billtap_json_ref scheme = billtap_json_get(doc, regular, "pricing_scheme");
	billtap_json_ref fixed = billtap_json_get(doc, scheme, "fixed_price");
	if (fixed != BILLTAP_JSON_NONE) {
		if (pp_money(&out->amount, out->currency, &out->exponent, doc, fixed) < 0)
			return plan_error(doc, plan, "fixed_price", unknown_currency(out, why), ctx);
		out->has_amount = 1;
		return 0;
	}
	/* Tiered pricing has no single price; its currency comes from the first tier. */
	billtap_json_ref tier = billtap_json_first(doc, billtap_json_get(doc, scheme, "tiers"));
	int64_t ignored;
	if (pp_money(&ignored, out->currency, &out->exponent, doc,
	             billtap_json_get(doc, tier, "amount")) < 0)
		return plan_error(doc, plan, "pricing_scheme",
		                  out->currency[0] && out->exponent < 0
		                          ? unknown_currency(out, why)
		                          : "has neither a fixed price nor priced tiers",
		                  ctx);
	return 0;
}

/* The price's money on a record being mapped: amount (null for tiered), currency, exponent,
 * read from the plan's billing_cycles (`from` names them: the plan's own, or through the
 * subscription's plan_id). A member path cannot index an array, so the list is named. */
static void set_price(billtap_map *m, const pp_price *price, const char *from)
{
	billtap_map_set_str(m, BILLTAP_FIELD_CURRENCY, price->currency);
	pp_map_source(m, BILLTAP_FIELD_CURRENCY, from);
	billtap_map_set_int(m, BILLTAP_FIELD_CURRENCY_EXPONENT, price->exponent);
	pp_map_source(m, BILLTAP_FIELD_CURRENCY_EXPONENT, from);
	if (price->has_amount)
		billtap_map_set_int(m, BILLTAP_FIELD_AMOUNT, price->amount);
	else
		billtap_map_set_str(m, BILLTAP_FIELD_AMOUNT, NULL);
	pp_map_source(m, BILLTAP_FIELD_AMOUNT, from);
}

/* The TRIAL cycles: the free ones' length in days (each total_cycles x interval_count x
 * unit days), and the first paid one's price and cycles (an introductory price). */
typedef struct trial {
	int64_t days, amount, cycles;
	int has_free, has_paid;
} trial;

static int trials(trial *t, const billtap_json *doc, billtap_json_ref plan, int exponent)
{
	memset(t, 0, sizeof *t);
	billtap_json_ref cycles = billtap_json_get(doc, plan, "billing_cycles");
	for (billtap_json_ref c = billtap_json_first(doc, cycles); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c)) {
		if (!billtap_json_str_eq(doc, billtap_json_get(doc, c, "tenure_type"), "TRIAL"))
			continue;
		billtap_json_ref f = billtap_json_get(doc, c, "frequency");
		int64_t n = 1, cycles_n = 1, price = 0;
		billtap_json_int(&n, doc, billtap_json_get(doc, f, "interval_count"));
		billtap_json_int(&cycles_n, doc, billtap_json_get(doc, c, "total_cycles"));
		int64_t unit = unit_days(doc, billtap_json_get(doc, f, "interval_unit"));
		if (!unit || n < 1 || cycles_n < 1 || n > 1000 || cycles_n > 1000)
			return -1;
		billtap_json_ref fixed = billtap_json_path(doc, c, "pricing_scheme.fixed_price.value");
		if (fixed != BILLTAP_JSON_NONE &&
		    billtap_json_money(&price, doc, fixed, exponent, BILLTAP_MAP_MAJOR_UNITS) < 0)
			return -2;
		if (price == 0) { /* free: no pricing scheme, or a zero price */
			t->days += cycles_n * n * unit;
			t->has_free = 1;
		} else if (!t->has_paid) {
			t->amount = price;
			t->cycles = cycles_n;
			t->has_paid = 1;
		}
	}
	return 0;
}

static const billtap_vocab units[] = {
	{ "DAY", "day" }, { "WEEK", "week" }, { "MONTH", "month" }, { "YEAR", "year" },
	{ NULL, NULL },
};

int pp_map_plan(billtap_record **out, const char *product_name, const billtap_json *doc,
                billtap_json_ref plan, billtap_ctx *ctx)
{
	*out = NULL;
	pp_price price;
	int rc = pp_plan_price(&price, doc, plan, ctx);
	if (rc < 0)
		return rc;
	billtap_map m;
	billtap_map_begin(&m, BILLTAP_RECORD_PLAN, "plan", doc, plan, "id", ctx);
	billtap_json_ref regular = regular_cycle(doc, plan);
	billtap_json_ref freq = billtap_json_get(doc, regular, "frequency");
	int64_t count = 0, total = 0;
	trial tr;
	if (!m.status && (billtap_json_int(&count, doc, billtap_json_get(doc, freq, "interval_count")) < 0 ||
	                  count < 1))
		billtap_map_fail(&m, BILLTAP_EDATA, "frequency.interval_count", "is not a positive integer");
	int trc = m.status ? 0 : trials(&tr, doc, plan, price.exponent);
	if (trc == -1)
		billtap_map_fail(&m, BILLTAP_EDATA, "billing_cycles",
		                 "has a TRIAL cycle without a finite length");
	else if (trc == -2)
		billtap_map_fail(&m, BILLTAP_EDATA, "billing_cycles",
		                 "has a TRIAL price PayPal's currency rules do not allow");
	/* The unit is read relative to the regular cycle, not the plan. */
	if (!m.status) {
		const char *unit = billtap_vocab_lookup(units, doc,
		                                        billtap_json_get(doc, freq, "interval_unit"), NULL);
		if (!unit)
			billtap_map_fail(&m, BILLTAP_EDATA, "frequency.interval_unit",
			                 "is not DAY, WEEK, MONTH or YEAR");
		billtap_map_set_str(&m, BILLTAP_FIELD_INTERVAL_UNIT, unit);
		pp_map_source(&m, BILLTAP_FIELD_INTERVAL_UNIT, "billing_cycles");
	}
	/* the plan's own name, else its product's (read from /v1/catalogs/products); the
	 * product's name apart */
	static const char product[] = "product_id products:name";
	billtap_map_set_str(&m, BILLTAP_FIELD_PRODUCT_NAME, product_name);
	pp_map_source(&m, BILLTAP_FIELD_PRODUCT_NAME, product);
	billtap_map_set_str(&m, BILLTAP_FIELD_NAME, product_name);
	pp_map_source(&m, BILLTAP_FIELD_NAME, product);
	if (billtap_json_typeof(doc, billtap_json_get(doc, plan, "name")) == BILLTAP_JSON_STRING)
		billtap_map_str(&m, BILLTAP_FIELD_NAME, "name", 0);
	billtap_map_str(&m, BILLTAP_FIELD_PRODUCT_ID, "product_id", 0);
	set_price(&m, &price, "billing_cycles");
	if (price.has_amount) { /* exact at PayPal's decimals: the minor units as a decimal */
		char dec[24];
		snprintf(dec, sizeof dec, "%lld", (long long)price.amount);
		billtap_map_set_str(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, dec);
		pp_map_source(&m, BILLTAP_FIELD_AMOUNT_DECIMAL, "billing_cycles");
	}
	billtap_map_money(&m, BILLTAP_FIELD_SETUP_FEE, "payment_preferences.setup_fee.value",
	                  BILLTAP_MAP_MAJOR_UNITS);
	/* total_cycles 0 is PayPal's "no end": null, read from billing_cycles all the same */
	if (!m.status && billtap_json_int(&total, doc, billtap_json_get(doc, regular, "total_cycles")) == 0 &&
	    total > 0)
		billtap_map_set_int(&m, BILLTAP_FIELD_TOTAL_CYCLES, total);
	pp_map_source(&m, BILLTAP_FIELD_TOTAL_CYCLES, "billing_cycles");
	billtap_map_set_int(&m, BILLTAP_FIELD_INTERVAL_COUNT, count);
	pp_map_source(&m, BILLTAP_FIELD_INTERVAL_COUNT, "billing_cycles");
	billtap_map_set_int(&m, BILLTAP_FIELD_ACTIVE,
	                    billtap_json_str_eq(doc, billtap_json_get(doc, plan, "status"), "ACTIVE"));
	pp_map_source(&m, BILLTAP_FIELD_ACTIVE, "status");
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "create_time", BILLTAP_MAP_REQUIRED);
	if (!m.status && tr.has_free) {
		billtap_map_set_int(&m, BILLTAP_FIELD_TRIAL_DAYS, tr.days);
		pp_map_source(&m, BILLTAP_FIELD_TRIAL_DAYS, "billing_cycles");
	}
	if (!m.status && tr.has_paid) {
		billtap_map_set_int(&m, BILLTAP_FIELD_TRIAL_AMOUNT, tr.amount);
		pp_map_source(&m, BILLTAP_FIELD_TRIAL_AMOUNT, "billing_cycles");
		billtap_map_set_int(&m, BILLTAP_FIELD_TRIAL_CYCLES, tr.cycles);
		pp_map_source(&m, BILLTAP_FIELD_TRIAL_CYCLES, "billing_cycles");
	}
	return billtap_map_end(out, &m);
}

/* ---- subscriptions ---- */

static const billtap_vocab statuses[] = {
	{ "ACTIVE", "active" },       { "SUSPENDED", "paused" },
	{ "CANCELLED", "canceled" },  { "EXPIRED", "canceled" },
	{ "APPROVAL_PENDING", "pending" }, { "APPROVED", "pending" },
	{ NULL, NULL },
};

/* Whether an ACTIVE subscription is still in its TRIAL cycles: PayPal counts a cycle in
 * cycles_completed once it has begun (a subscriber in a one-cycle trial reads TRIAL 1
 * completed, 0 remaining, REGULAR 0 completed), so the trial runs while a TRIAL cycle has
 * begun and no REGULAR one has. -1 when a cycles_completed is not a whole number. */
static int in_trial(const billtap_json *doc, billtap_json_ref sub)
{
	billtap_json_ref runs = billtap_json_path(doc, sub, "billing_info.cycle_executions");
	int trial_begun = 0;
	for (billtap_json_ref c = billtap_json_first(doc, runs); c != BILLTAP_JSON_NONE;
	     c = billtap_json_next(doc, c)) {
		int64_t done = 0;
		if (billtap_json_int(&done, doc, billtap_json_get(doc, c, "cycles_completed")) < 0 ||
		    done < 0)
			return -1;
		billtap_json_ref tenure = billtap_json_get(doc, c, "tenure_type");
		if (billtap_json_str_eq(doc, tenure, "REGULAR") && done > 0)
			return 0;
		if (billtap_json_str_eq(doc, tenure, "TRIAL") && done > 0)
			trial_begun = 1;
	}
	return trial_begun;
}

/* ACTIVE is refined by billing_info: past_due while failed_payments_count (consecutive
 * failures, reset by a payment) is above 0, else trialing while in a TRIAL cycle. */
static void refine_active(billtap_map *m, const billtap_json *doc, billtap_json_ref sub)
{
	if (m->status || !billtap_json_str_eq(doc, billtap_json_get(doc, sub, "status"), "ACTIVE"))
		return;
	billtap_json_ref failed = billtap_json_path(doc, sub, "billing_info.failed_payments_count");
	int64_t failures = 0;
	billtap_json_type ft = billtap_json_typeof(doc, failed);
	if (ft != BILLTAP_JSON_ABSENT && ft != BILLTAP_JSON_NULL &&
	    (billtap_json_int(&failures, doc, failed) < 0 || failures < 0)) {
		billtap_map_fail(m, BILLTAP_EDATA, "billing_info.failed_payments_count",
		                 "is not a whole number");
		return;
	}
	int trialing = failures > 0 ? 0 : in_trial(doc, sub);
	if (trialing < 0) {
		billtap_map_fail(m, BILLTAP_EDATA, "billing_info.cycle_executions",
		                 "has a cycles_completed that is not a whole number");
		return;
	}
	if (!failures && !trialing)
		return;
	billtap_map_set_str(m, BILLTAP_FIELD_STATUS, failures ? "past_due" : "trialing");
	pp_map_source(m, BILLTAP_FIELD_STATUS,
	              failures ? "billing_info.failed_payments_count status"
	                       : "billing_info.cycle_executions billing_info.failed_payments_count "
	                         "status");
}

int pp_map_subscription(billtap_record **out, const pp_price *price, const billtap_json *doc,
                        billtap_json_ref sub, billtap_ctx *ctx)
{
	billtap_map m, item;
	billtap_map_begin(&m, BILLTAP_RECORD_SUBSCRIPTION, "subscription", doc, sub, "id", ctx);
	int canceled = billtap_json_str_eq(doc, billtap_json_get(doc, sub, "status"), "CANCELLED");
	billtap_map_str(&m, BILLTAP_FIELD_CUSTOMER_ID, "subscriber.payer_id", 0);
	billtap_map_vocab(&m, BILLTAP_FIELD_STATUS, "status", statuses, "other", BILLTAP_MAP_REQUIRED);
	refine_active(&m, doc, sub);
	billtap_map_str(&m, BILLTAP_FIELD_PROVIDER_STATUS, "status", 0);
	billtap_map_time(&m, BILLTAP_FIELD_STARTED_AT, "start_time", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_START, "billing_info.last_payment.time", 0);
	billtap_map_time(&m, BILLTAP_FIELD_CURRENT_PERIOD_END, "billing_info.next_billing_time", 0);
	if (canceled)
		billtap_map_time(&m, BILLTAP_FIELD_CANCELED_AT, "status_update_time", 0);
	/* PayPal cancels at once: false from no member, so it stays computed without members. */
	billtap_map_set_int(&m, BILLTAP_FIELD_CANCEL_AT_PERIOD_END, 0);
	billtap_map_time(&m, BILLTAP_FIELD_CREATED_AT, "create_time", BILLTAP_MAP_REQUIRED);
	if (m.status)
		return billtap_map_end(out, &m);

	/* One item: the plan, at its REGULAR price, times the quantity (a string, "20";
	 * absent means one). PayPal has no item object, so the item has no id: it is the
	 * subscription's first and only item. */
	billtap_map_begin_item(&item, m.rec, "subscription", doc, sub, NULL, ctx);
	billtap_map_str(&item, BILLTAP_FIELD_PLAN_ID, "plan_id", 0);
	int64_t quantity = 1;
	billtap_json_type qt = billtap_json_typeof(doc, billtap_json_get(doc, sub, "quantity"));
	if (qt != BILLTAP_JSON_ABSENT && qt != BILLTAP_JSON_NULL &&
	    (billtap_json_integer(&quantity, doc, billtap_json_get(doc, sub, "quantity"),
	                          BILLTAP_MAP_NUMERIC_STRING) < 0 ||
	     quantity < 0))
		billtap_map_fail(&item, BILLTAP_EDATA, "quantity", "is not a whole number");
	billtap_map_set_int(&item, BILLTAP_FIELD_QUANTITY, quantity);
	pp_map_source(&item, BILLTAP_FIELD_QUANTITY, "quantity");
	set_price(&item, price, "plan_id plans:billing_cycles");
	int rc = billtap_map_end(NULL, &item);
	if (rc < 0)
		billtap_map_fail(&m, rc, NULL, NULL);
	return billtap_map_end(out, &m);
}
