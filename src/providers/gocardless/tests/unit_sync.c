/* GoCardless's incremental passes from scripted answers: the probe of a full pass, the
 * anchor, the walks of payment and refund events (the token's own events skipped, one
 * record per object at its newest event, tombstones for objects GoCardless no longer
 * shows), refunds' payments read by id, resuming inside a pass of changes, `since`, and
 * every refusal. Event bodies are written in the shapes of the official clients' Event
 * type and list fixtures (fixtures/README.md). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "testutil.h"
#include "util/base64.h" /* to edit a token's position as a host could */

void gocardless_add_sync_tests(Suite *s);

static fake_transport ft;

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *gc_client(void)
{
	billtap_client *c = fake_client(&ft, "gocardless");
	ck_assert_int_eq(billtap_client_set(c, "access_token", "test_gc_token"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://gc.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

#define T5 "2025-01-05T00:00:00.000Z"
#define T5B "2025-01-05T12:00:00.000Z"
#define T6 "2025-01-06T00:00:00.000Z"
#define META(after) ",\"meta\":{\"cursors\":{\"before\":null,\"after\":" after "},\"limit\":500}}"
#define EV(id, at, type, link, obj)                                                                  \
	"{\"id\":\"" id "\",\"created_at\":\"" at "\",\"resource_type\":\"" type "\",\"action\":\"created\"," \
	"\"details\":{\"origin\":\"api\"},\"metadata\":{},\"links\":{\"" link "\":\"" obj "\"}}"
#define PAY(id, status, refunded, at)                                                                \
	"{\"id\":\"" id "\",\"created_at\":\"" at "\",\"amount\":1000,\"amount_refunded\":" refunded         \
	",\"currency\":\"GBP\",\"status\":\"" status "\",\"links\":{\"mandate\":\"MD1\"}}"
#define REF(id, payment, at)                                                                         \
	"{\"id\":\"" id "\",\"created_at\":\"" at "\",\"amount\":300,\"currency\":\"GBP\",\"status\":\"paid\"," \
	"\"links\":{\"payment\":\"" payment "\",\"mandate\":\"MD1\"}}"
#define MANDATES "{\"mandates\":[{\"id\":\"MD1\",\"links\":{\"customer\":\"CU1\"}}]" META("null")
#define EMPTY(key) "{\"" key "\":[]" META("null")

#define TXN_PAY(id, result, status, refunded, at)                                                     \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":\"CU1\",\"subscription_id\":null,"    \
	"\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"" result "\",\"provider_status\":\"" status    \
	"\",\"amount\":1000,\"currency\":\"GBP\",\"currency_exponent\":2,\"captured_amount\":"               \
	"1000,\"refunded_amount\":" refunded ",\"fee_amount\":null,\"net_amount\":null,\"parent_id\":null," \
	"\"occurred_at\":\"" at "\"}"
#define TXN_REF(id, payment, at)                                                                      \
	"{\"object\":\"transaction\",\"id\":\"" id "\",\"customer_id\":\"CU1\",\"subscription_id\":null,"    \
	"\"invoice_id\":null,\"kind\":\"refund\",\"result\":\"succeeded\",\"provider_status\":\"paid\","     \
	"\"amount\":300,\"currency\":\"GBP\",\"currency_exponent\":2,\"captured_amount\":null,"             \
	"\"refunded_amount\":0,\"fee_amount\":null,\"net_amount\":null,\"parent_id\":\"" payment "\","     \
	"\"occurred_at\":\"" at "\"}"
#define TOMB(id) "{\"object\":\"transaction\",\"id\":\"" id "\",\"deleted\":true}"

/* The newest events when the full pass began: two of them at one instant. */
static const char probe_full[] =
	"{\"events\":[" EV("EV9", T5, "payments", "payment", "PM3") "," EV("EV8", T5, "refunds", "refund", "RF9")
	"," EV("EV7", "2025-01-04T00:00:00.000Z", "payments", "payment", "PM3") "]" META("\"EV7\"");

/* A full pass with the flag over empty lists: its sync token, copied. */
static char *full_pass_token(billtap_client *c, int64_t since)
{
	fake_add(&ft, 200, NULL, probe_full);
	fake_add(&ft, 200, NULL, MANDATES);
	fake_add(&ft, 200, NULL, EMPTY("payments"));
	fake_add(&ft, 200, NULL, EMPTY("refunds"));
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.since = since;
	billtap_iter *it;
	const billtap_record *r;
	const char *token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_iter_sync_token(&token, it), 0);
	char *saved = strdup(token);
	billtap_iter_free(it);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/events?limit=500");
	ck_assert_str_eq(ft.urls[1], "http://gc.test/mandates?limit=500");
	return saved;
}

/* The walks of a pass of changes from that token (after its probe and anchor). */
static void add_walks(void)
{
	fake_add(&ft, 200, NULL, MANDATES);
	/* payments: PM2 twice (newest first: one record), PM1, PM3 only through the token's
	 * own event (skipped), PM4 at the token's instant by an event it did not see, and
	 * missing from linked: GoCardless no longer shows it */
	fake_add(&ft, 200, NULL,
	         "{\"events\":[" EV("EV12", T6, "payments", "payment", "PM2") ","
	         EV("EV11", T5B, "payments", "payment", "PM1") "," EV("EV10", T5B, "payments", "payment", "PM2") ","
	         EV("EV9", T5, "payments", "payment", "PM3") "],\"linked\":{\"payments\":["
	         PAY("PM2", "failed", "0", "2025-01-01T00:00:00.000Z") ","
	         PAY("PM1", "confirmed", "300", "2025-01-02T00:00:00.000Z") ","
	         PAY("PM3", "paid_out", "0", "2025-01-03T00:00:00.000Z") "]}" META("\"EV9\""));
	fake_add(&ft, 200, NULL,
	         "{\"events\":[" EV("EV20", T5, "payments", "payment", "PM4") "],\"linked\":{\"payments\":[]}"
	         META("null"));
	/* refunds: RF1 of PM5 (read after), RF2 of PM1 (already out), RF3 of PM6 (gone: 404) */
	fake_add(&ft, 200, NULL,
	         "{\"events\":[" EV("EV15", T6, "refunds", "refund", "RF1") "," EV("EV14", T5B, "refunds", "refund", "RF2")
	         "," EV("EV13", T5B, "refunds", "refund", "RF3") "],\"linked\":{\"refunds\":["
	         REF("RF1", "PM5", "2025-01-05T13:00:00.000Z") "," REF("RF2", "PM1", "2025-01-05T12:00:00.000Z") ","
	         REF("RF3", "PM6", "2025-01-05T12:00:00.000Z") "]}" META("null"));
	fake_add(&ft, 200, NULL, "{\"payments\":" PAY("PM5", "paid_out", "300", "2024-12-01T00:00:00.000Z") "}");
	fake_add_fixture(&ft, 404, NULL, "gocardless/error_not_found.json");
}

static const char probe_changes[] = "{\"events\":[" EV("EV15", T6, "refunds", "refund", "RF1") "]" META("\"EV15\"");
static const char anchor_ok[] =
	"{\"events\":[" EV("EV20", T5, "payments", "payment", "PM4") "," EV("EV8", T5, "refunds", "refund", "RF9") "]"
	META("null");

static const char *const changes[] = {
	TXN_PAY("PM2", "failed", "failed", "0", "2025-01-01T00:00:00Z"),
	TXN_PAY("PM1", "succeeded", "confirmed", "300", "2025-01-02T00:00:00Z"),
	TOMB("PM4"),
	TXN_REF("RF1", "PM5", "2025-01-05T13:00:00Z"),
	TXN_REF("RF2", "PM1", "2025-01-05T12:00:00Z"),
	TXN_REF("RF3", "PM6", "2025-01-05T12:00:00Z"),
	TXN_PAY("PM5", "succeeded", "paid_out", "300", "2024-12-01T00:00:00Z"),
	TOMB("PM6"),
};

START_TEST(a_pass_of_changes_walks_the_events)
{
	billtap_client *c = gc_client();
	char *token = full_pass_token(c, BILLTAP_TIME_NONE);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	billtap_client_free(c);
	c = gc_client();
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, anchor_ok);
	add_walks();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = token;
	/* PM2's failed payment: captured 0 */
	const char *want[8];
	memcpy(want, changes, sizeof want);
	want[0] = "{\"object\":\"transaction\",\"id\":\"PM2\",\"customer_id\":\"CU1\",\"subscription_id\":null,"
	          "\"invoice_id\":null,\"kind\":\"payment\",\"result\":\"failed\",\"provider_status\":\"failed\","
	          "\"amount\":1000,\"currency\":\"GBP\",\"currency_exponent\":2,\"captured_amount\":0,"
	          "\"refunded_amount\":0,\"fee_amount\":null,\"net_amount\":null,\"parent_id\":null,"
	          "\"occurred_at\":\"2025-01-01T00:00:00Z\"}";
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, want, 8);
	ck_assert_uint_eq(ft.calls, 8);
	ck_assert_str_eq(ft.urls[0], "http://gc.test/events?limit=500");
	ck_assert_str_eq(ft.urls[1], "http://gc.test/events?limit=500&created_at%5Bgte%5D=" "2025-01-05T00%3A00%3A00.000Z"
	                             "&created_at%5Blte%5D=2025-01-05T00%3A00%3A00.000Z");
	ck_assert_str_eq(ft.urls[2], "http://gc.test/mandates?limit=500");
	ck_assert_str_eq(ft.urls[3], "http://gc.test/events?resource_type=payments&include=payment&limit=500"
	                             "&created_at%5Bgte%5D=2025-01-05T00%3A00%3A00.000Z"
	                             "&created_at%5Blte%5D=2025-01-06T00%3A00%3A00.000Z");
	ck_assert_str_eq(ft.urls[4], "http://gc.test/events?resource_type=payments&include=payment&limit=500"
	                             "&created_at%5Bgte%5D=2025-01-05T00%3A00%3A00.000Z"
	                             "&created_at%5Blte%5D=2025-01-06T00%3A00%3A00.000Z&after=EV9");
	ck_assert_str_eq(ft.urls[5], "http://gc.test/events?resource_type=refunds&include=refund&limit=500"
	                             "&created_at%5Bgte%5D=2025-01-05T00%3A00%3A00.000Z"
	                             "&created_at%5Blte%5D=2025-01-06T00%3A00%3A00.000Z");
	ck_assert_str_eq(ft.urls[6], "http://gc.test/payments/PM5");
	ck_assert_str_eq(ft.urls[7], "http://gc.test/payments/PM6");
	ck_assert_str_eq(fake_header(&ft, 6, "GoCardless-Version"), "2015-07-06");
	free(token);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint inside a pass of changes resumes it: the walks again (no probe or anchor:
 * the checkpoint holds the head), the outputs the host had skipped, the rest. When the
 * events it walks are no longer the same, the checkpoint is refused and the token stays
 * good. */
START_TEST(a_pass_of_changes_resumes_exactly)
{
	billtap_client *c = gc_client();
	char *token = full_pass_token(c, BILLTAP_TIME_NONE);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, anchor_ok);
	add_walks();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = token;
	billtap_iter *it;
	const billtap_record *r;
	const char *cp;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);

	for (int round = 0; round < 2; round++) {
		fake_reset(&ft);
		memset(&ft, 0, sizeof ft);
		if (round == 0) {
			add_walks();
		} else { /* an event listed late among those already walked: another list */
			fake_add(&ft, 200, NULL, MANDATES);
			fake_add(&ft, 200, NULL,
			         "{\"events\":[" EV("EV30", T5B, "payments", "payment", "PM7") "],\"linked\":{\"payments\":["
			         PAY("PM7", "confirmed", "0", "2025-01-02T00:00:00.000Z") "]}" META("null"));
			fake_add(&ft, 200, NULL,
			         "{\"events\":[" EV("EV15", T6, "refunds", "refund", "RF1") "],\"linked\":{\"refunds\":["
			         REF("RF1", "PM7", "2025-01-05T13:00:00.000Z") "]}" META("null"));
		}
		billtap_iter_options o2 = BILLTAP_ITER_OPTIONS_INIT;
		o2.checkpoint = saved;
		if (round == 0) {
			expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o2, changes + 4, 4);
			ck_assert_str_eq(ft.urls[0], "http://gc.test/mandates?limit=500");
			ck_assert_str_eq(ft.urls[5], "http://gc.test/payments/PM6");
			continue;
		}
		ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o2), 0);
		int rc;
		while ((rc = billtap_iter_next(&r, it)) == 0)
			;
		ck_assert_int_eq(rc, BILLTAP_ECHECKPOINT);
		ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "start from the sync token again"));
		billtap_iter_free(it);
	}
	free(saved);
	free(token);
	billtap_client_free(c);
}
END_TEST

/* A token whose events GoCardless no longer lists cannot say what changed since. */
START_TEST(a_token_past_the_history_asks_for_a_full_pass)
{
	billtap_client *c = gc_client();
	char *token = full_pass_token(c, BILLTAP_TIME_NONE);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, "{\"events\":[" EV("EV20", T5, "payments", "payment", "PM4") "]" META("\"EV20\""));
	fake_add(&ft, 200, NULL, "{\"events\":[]" META("null"));
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = token;
	billtap_iter *it;
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	ck_assert_int_eq(billtap_iter_next(&r, it), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	/* the anchor pages on before it gives up */
	ck_assert_str_eq(ft.urls[2], "http://gc.test/events?limit=500&created_at%5Bgte%5D=2025-01-05T00%3A00%3A00.000Z"
	                             "&created_at%5Blte%5D=2025-01-05T00%3A00%3A00.000Z&after=EV20");
	billtap_iter_free(it);
	free(token);
	billtap_client_free(c);
}
END_TEST

/* `since` drops what a full pass with since would not list: objects created before it,
 * also a refund's payment read by id; tombstones still go out. */
START_TEST(since_drops_older_objects_from_the_changes)
{
	billtap_client *c = gc_client();
	char *token = full_pass_token(c, 1735776000);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, anchor_ok);
	add_walks();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = token;
	o.since = 1735776000; /* 2025-01-02T00:00:00Z, as the full pass had it */
	const char *want[] = { changes[1], changes[2], changes[3], changes[4], changes[5], changes[7] };
	expect_records(c, BILLTAP_RESOURCE_TRANSACTIONS, &o, want, 6);
	free(token);
	billtap_client_free(c);
}
END_TEST

/* The token with its position ("m") replaced by mark, as "bt1.<base64url>"; caller frees. */
static char *with_mark(const char *token, const char *mark)
{
	bt_buf json = BT_BUF_INIT, out = BT_BUF_INIT;
	ck_assert_int_eq(bt_base64_decode(&json, token + 4, strlen(token + 4)), 0);
	char *m = strstr(json.data, "\"m\":\"");
	ck_assert_ptr_nonnull(m);
	char *end = strchr(m + 5, '"');
	char edited[4096];
	snprintf(edited, sizeof edited, "%.*s%s%s", (int)(m + 5 - json.data), json.data, mark, end);
	ck_assert_int_eq(bt_base64_encode(&out, edited, strlen(edited), 1), 0);
	size_t n = out.len + 5;
	char *cp = malloc(n);
	snprintf(cp, n, "bt1.%s", out.data);
	bt_buf_free(&json);
	bt_buf_free(&out);
	return cp;
}

static int run_to_error(billtap_client *c, const char *checkpoint, unsigned flags)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = checkpoint;
	o.flags = flags;
	billtap_iter *it;
	const billtap_record *r;
	int rc = billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o);
	if (rc < 0)
		return rc;
	while ((rc = billtap_iter_next(&r, it)) == 0)
		;
	billtap_iter_free(it);
	return rc;
}

/* Answers that cannot be read exactly are errors, never guesses: events not newest first
 * (the head would be wrong), a walk page without its linked objects (every event would be
 * a tombstone), the wrong object for a read; and tokens of another shape. */
START_TEST(feed_answers_and_tokens_are_checked)
{
	billtap_client *c = gc_client();
	fake_add(&ft, 200, NULL,
	         "{\"events\":[" EV("EV1", "2025-01-04T00:00:00.000Z", "payments", "payment", "PM1") ","
	         EV("EV2", T5, "payments", "payment", "PM2") "]" META("null"));
	ck_assert_int_eq(run_to_error(c, NULL, BILLTAP_ITER_INCREMENTAL), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "newest first"));
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);

	char *token = full_pass_token(c, BILLTAP_TIME_NONE);
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, anchor_ok);
	fake_add(&ft, 200, NULL, MANDATES);
	fake_add(&ft, 200, NULL, "{\"events\":[" EV("EV12", T6, "payments", "payment", "PM2") "]" META("null"));
	ck_assert_int_eq(run_to_error(c, token, 0), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "no linked.payments array"));

	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, probe_changes);
	fake_add(&ft, 200, NULL, anchor_ok);
	fake_add(&ft, 200, NULL, MANDATES);
	fake_add(&ft, 200, NULL, EMPTY("events"));
	fake_add(&ft, 200, NULL,
	         "{\"events\":[" EV("EV15", T6, "refunds", "refund", "RF1") "],\"linked\":{\"refunds\":["
	         REF("RF1", "PM5", "2025-01-05T13:00:00.000Z") "]}" META("null"));
	fake_add(&ft, 200, NULL, "{\"payments\":" PAY("PM9", "paid_out", "300", "2024-12-01T00:00:00.000Z") "}");
	ck_assert_int_eq(run_to_error(c, token, 0), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not the object asked for"));

	/* positions of another shape, in a token that is otherwise good */
	const char *bad[] = { "S:", "S:x", "S:2025-01-05T00:00:00.000Z", "S:2025/EV1|x", "C:-/|-/|x:0",
		              "C:-/|-/|1:abc", "F:-/", "p:", "S:2025 01/EV1", "S:-/EV 1", "S:-/EV1" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *cp = with_mark(token, bad[i]);
		fake_reset(&ft);
		memset(&ft, 0, sizeof ft);
		ck_assert_int_eq(run_to_error(c, cp, 0), BILLTAP_ECHECKPOINT);
		ck_assert_uint_eq(ft.calls, 0);
		free(cp);
	}
	/* the same edit with a good position resumes */
	char *cp = with_mark(token, "S:-/");
	fake_reset(&ft);
	memset(&ft, 0, sizeof ft);
	fake_add(&ft, 200, NULL, EMPTY("events"));
	fake_add(&ft, 200, NULL, MANDATES);
	fake_add(&ft, 200, NULL, "{\"events\":[],\"linked\":{\"payments\":[]}" META("null"));
	fake_add(&ft, 200, NULL, "{\"events\":[],\"linked\":{\"refunds\":[]}" META("null"));
	ck_assert_int_eq(run_to_error(c, cp, 0), BILLTAP_ITEROVER);
	/* no head and no token instant: the walks are not bounded */
	ck_assert_str_eq(ft.urls[2], "http://gc.test/events?resource_type=payments&include=payment&limit=500");
	free(cp);
	free(token);
	billtap_client_free(c);
}
END_TEST

/* Customers and subscriptions have no passes of changes (docs/providers/gocardless.md). */
START_TEST(customers_and_subscriptions_cannot_be_synced)
{
	billtap_client *c = gc_client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_EUNSUPPORTED);
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_SUBSCRIPTIONS, &o), BILLTAP_EUNSUPPORTED);
	ck_assert_uint_eq(ft.calls, 0);
	billtap_client_free(c);
}
END_TEST

/* ---- allocation failures (tests/common/alloc_fail.h): every allocation of each
 * extraction failed in turn, the failed call made again ---- */

/* One table serves both passes: the newest events (probe and anchor), the walks, the
 * lists of the full pass and the payment read by id. */
static const fixture_route walk_feed[] = {
	{ "/events?", "resource_type", "payments", "gocardless/events_payments.json" },
	{ "/events?", "resource_type", "refunds", "gocardless/events_refunds.json" },
	{ "/events?", "resource_type", NULL, "gocardless/events_head.json" },
	{ "/mandates?", NULL, NULL, "gocardless/mandates_last.json" },
	{ "/payments?", NULL, NULL, "gocardless/payments_last.json" },
	{ "/refunds?", NULL, NULL, "gocardless/refunds_last.json" },
	{ "/payments/PM0099", NULL, NULL, "gocardless/payment_one.json" },
};
static const fixture_route walk_transactions[] = {
	{ "/mandates?", NULL, NULL, "gocardless/mandates_last.json" },
	{ "/payments?", NULL, NULL, "gocardless/payments_last.json" },
	{ "/refunds?", NULL, NULL, "gocardless/refunds_last.json" },
};
static const alloc_walk_case walk_cases[] = {
	{ "transactions", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_transactions), NULL, 0, NULL, 0, 4, 0 },
	{ "incremental full pass", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_feed), NULL,
	  BILLTAP_ITER_INCREMENTAL, NULL, 0, 4, 0 },
	/* PM0003, PM0002 (gone from linked: a tombstone), RF0001, its payment PM0099 read */
	{ "changes from a token", BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_feed), NULL, 0, NULL, 1, 4, 0 },
};
static const char *const walk_settings[] = { "access_token", "test_gc_token", "base_url", "http://gc.test",
	                                     "allow_insecure_http", "1", "max_retries", "0", NULL };
static const alloc_walk_spec gocardless_walks = { "gocardless", walk_settings, walk_cases,
	                                          sizeof walk_cases / sizeof walk_cases[0] };

void gocardless_add_sync_tests(Suite *s)
{
	suite_add_tcase(s, alloc_walk_tcase(&gocardless_walks));
	TCase *tc = tcase_create("incremental");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_pass_of_changes_walks_the_events);
	tcase_add_test(tc, a_pass_of_changes_resumes_exactly);
	tcase_add_test(tc, a_token_past_the_history_asks_for_a_full_pass);
	tcase_add_test(tc, since_drops_older_objects_from_the_changes);
	tcase_add_test(tc, feed_answers_and_tokens_are_checked);
	tcase_add_test(tc, customers_and_subscriptions_cannot_be_synced);
	suite_add_tcase(s, tc);
}
