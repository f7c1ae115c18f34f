/*
 * What a Transaction Search row is, from its transaction_event_code (a T-code: "T", a
 * two-digit event group, a two-digit event type) and the sign of its amount. The table is
 * docs/providers/paypal.md's, each row sourced from PayPal's Transaction Event Codes
 * reference (developer.paypal.com/docs/transaction-search/transaction-event-codes): the
 * group says what moved, the sign whether the merchant received or sent it.
 */
#include <string.h>

#include "paypal.h"

/* Per event group: the kind money received (amount > 0) and money sent (< 0) is. */
static const struct group {
	int group;
	const char *received, *sent;
} groups[] = {
	{ 0, "payment", "transfer" },      /* T00: PayPal account-to-account payments */
	{ 1, "fee", "fee" },               /* T01: non-payment fees */
	{ 2, "conversion", "conversion" }, /* T02: currency conversion */
	{ 3, "transfer", "transfer" },     /* T03: bank deposit into the PayPal account */
	{ 4, "payout", "payout" },         /* T04: bank withdrawal from the PayPal account */
	{ 5, "transfer", "transfer" },     /* T05: debit card (the merchant's spending) */
	{ 6, "payout", "payout" },         /* T06: credit card withdrawal */
	{ 7, "transfer", "transfer" },     /* T07: credit card deposit (funding a payment sent) */
	{ 8, "adjustment", "adjustment" }, /* T08: bonus */
	{ 9, "adjustment", "adjustment" }, /* T09: incentive */
	{ 10, "transfer", "transfer" },    /* T10: bill pay */
	{ 11, "reversal", "reversal" },    /* T11: reversals (T1107, a refund: below) */
	{ 12, "adjustment", "adjustment" },/* T12: adjustments (T1201, a chargeback: below) */
	{ 13, "payment", "payment" },      /* T13: authorizations (held, not taken) */
	{ 14, "adjustment", "adjustment" },/* T14: dividend */
	{ 15, "adjustment", "adjustment" },/* T15: hold for dispute or other investigation */
	{ 16, "transfer", "transfer" },    /* T16: buyer credit deposit */
	{ 17, "payout", "payout" },        /* T17: non-bank withdrawal */
	{ 18, "payout", "payout" },        /* T18: buyer credit withdrawal */
	{ 19, "adjustment", "adjustment" },/* T19: account correction */
	{ 20, "transfer", "transfer" },    /* T20: funds transfer between PayPal accounts */
	{ 21, "adjustment", "adjustment" },/* T21: reserves and releases */
	{ 22, "transfer", "transfer" },    /* T22: transfers */
};

/* Event types with a kind of their own within their group. */
static const struct code {
	const char *code, *kind;
} codes[] = {
	{ "T1107", "refund" },     /* payment refund initiated by the merchant */
	{ "T1201", "chargeback" }, /* chargeback */
	{ "T1302", "other" },      /* void of an authorization: nothing moved */
};

/* "T" and four digits: the group number, else -1. */
static int group_of(const char *code)
{
	if (!code || strlen(code) != 5 || code[0] != 'T')
		return -1;
	for (int i = 1; i < 5; i++)
		if (code[i] < '0' || code[i] > '9')
			return -1;
	return (code[1] - '0') * 10 + (code[2] - '0');
}

pp_kind pp_transaction_kind(const char *code, int sent)
{
	pp_kind k = { "other", 0, 0 };
	int g = group_of(code);
	for (size_t i = 0; g >= 0 && i < sizeof groups / sizeof *groups; i++)
		if (groups[i].group == g)
			k.kind = sent ? groups[i].sent : groups[i].received;
	for (size_t i = 0; g >= 0 && i < sizeof codes / sizeof *codes; i++)
		if (strcmp(code, codes[i].code) == 0)
			k.kind = codes[i].kind;
	k.authorization = g == 13 && strcmp(k.kind, "payment") == 0;
	/* Only money between the merchant and its customers ties a row to a customer. */
	k.customer = strcmp(k.kind, "payment") == 0 || strcmp(k.kind, "refund") == 0 ||
	             strcmp(k.kind, "chargeback") == 0 || strcmp(k.kind, "reversal") == 0;
	return k;
}

pp_kind pp_row_kind(const billtap_json *doc, billtap_json_ref row)
{
	billtap_json_ref info = billtap_json_get(doc, row, "transaction_info");
	const char *text = NULL, *value = NULL;
	size_t len = 0, vlen = 0;
	char code[8] = "";
	billtap_json_ref ref = billtap_json_get(doc, info, "transaction_event_code");
	if (billtap_json_typeof(doc, ref) == BILLTAP_JSON_STRING &&
	    billtap_json_text(&text, &len, doc, ref) == 0 && len < sizeof code) {
		memcpy(code, text, len);
		code[len] = '\0';
	}
	ref = billtap_json_path(doc, info, "transaction_amount.value");
	int sent = billtap_json_typeof(doc, ref) == BILLTAP_JSON_STRING &&
	           billtap_json_text(&value, &vlen, doc, ref) == 0 && vlen && value[0] == '-';
	return pp_transaction_kind(code[0] ? code : NULL, sent);
}
