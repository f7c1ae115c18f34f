/*
 * The transactions' invoice links read from invoices in slices (stripe_links_walk.c),
 * against a small Stripe-shaped world answered by URL through the async fake transport
 * (answers out of order): invoices (created a day apart) with their payments, two of them
 * with more payments than an invoice embeds (follow-ups), charges for every payment and a
 * few without an invoice, no refunds or disputes. Two payments are made during the walk
 * (they appear once the first invoices page was served): one on the newest invoice, read
 * before, and a newer one on the oldest invoice, read after. Every charge must come once
 * with the invoice and subscription its payment paid, whatever checkpoint the pass
 * resumed from and whichever call failed.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_fake.h"
#include "testutil.h"

TCase *stripe_links_tcase(void);

#define ORIGIN "http://stripe.test"
#define INVOICES 24
#define MAX_PAY 128
#define LONE 10       /* charges without an invoice: ch_9000.. */
#define EMBED 10      /* payments an invoice embeds */
#define FOLLOW_PAGE 4 /* a follow-up page is short: has_more alone decides */
#define T0 INT64_C(1750000000)

/* Payments by number, oldest first within an invoice; the two late ones last. */
static struct {
	int n;
	int invoice[MAX_PAY];
	int64_t created[MAX_PAY];
	int late[MAX_PAY];
} pay;

static int late_visible; /* the late payments exist (an invoices page was served) */
static fake_async fa;

static int64_t invoice_created(int i)
{
	return T0 - (int64_t)i * 86400; /* invoice 0 the newest */
}

static int has_sub(int i)
{
	return i % 3 != 0;
}

static void make_world(void)
{
	pay.n = 0;
	for (int i = INVOICES - 1; i >= 0; i--) {
		int count = i == 5 ? 13 : i == 17 ? 27 : 1 + i % 3;
		for (int j = 0; j < count; j++) {
			pay.invoice[pay.n] = i;
			pay.created[pay.n] = invoice_created(i) + 600 * j;
			pay.late[pay.n] = 0;
			pay.n++;
		}
	}
	/* during the walk: the older one on the newest invoice, the newer on the oldest */
	int64_t t = invoice_created(0) + 86400;
	for (int k = 0; k < 2; k++) {
		pay.invoice[pay.n] = k == 0 ? 0 : INVOICES - 1;
		pay.created[pay.n] = t + k;
		pay.late[pay.n] = 1;
		pay.n++;
	}
}

static int visible(int k)
{
	return !pay.late[k] || late_visible;
}

/* Payments newest first (created, then number); *out holds their numbers. */
static int newest_first(int *out)
{
	int n = 0;
	for (int k = 0; k < pay.n; k++) {
		if (!visible(k))
			continue;
		int at = n++;
		while (at > 0 && (pay.created[out[at - 1]] < pay.created[k] ||
		                  (pay.created[out[at - 1]] == pay.created[k] && out[at - 1] < k))) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = k;
	}
	return n;
}

static void invoice_ref(stripe_fake_body *b, int i)
{
	if (has_sub(i))
		stripe_fake_add(b, "{\"id\":\"in_%04d\",\"object\":\"invoice\","
		                   "\"parent\":{\"subscription_details\":"
		       "{\"subscription\":\"sub_%04d\"},\"type\":\"subscription_details\"}}", i, i);
	else
		stripe_fake_add(b, "{\"id\":\"in_%04d\",\"object\":\"invoice\",\"parent\":null}", i);
}

static void payment(stripe_fake_body *b, int k, int expand_invoice)
{
	stripe_fake_add(b, "{\"id\":\"inpay_%04d\",\"object\":\"invoice_payment\",\"created\":%" PRId64
	       ",\"invoice\":", k, pay.created[k]);
	if (expand_invoice)
		invoice_ref(b, pay.invoice[k]);
	else
		stripe_fake_add(b, "\"in_%04d\"", pay.invoice[k]);
	stripe_fake_add(b, ",\"payment\":{\"payment_intent\":\"pi_%04d\","
	                   "\"type\":\"payment_intent\"}}", k);
}

/* The position after the record named `after` in ids[0..n) (ids prefix + 4 digits), or 0
 * without one. */
static int after_pos(const char *after, const char *prefix, const int *ids, int n)
{
	if (!after)
		return 0;
	for (int p = 0; p < n; p++) {
		char id[32];
		snprintf(id, sizeof id, "%s%04d", prefix, ids[p]);
		if (strcmp(id, after) == 0)
			return p + 1;
	}
	ck_abort_msg("starting_after %s is no record of the list", after);
	return 0;
}

static void list_end(stripe_fake_body *b, int more, const char *url)
{
	stripe_fake_add(b, "],\"has_more\":%s,\"url\":\"%s\"}", more ? "true" : "false", url);
}

/* GET /v1/invoice_payments: the anchor (limit=1), a top-up (expanded invoices), a
 * follow-up (one invoice's). */
static void answer_payments(stripe_fake_body *b, const char *url)
{
	char b1[32], b2[32], b3[32];
	const char *limit = stripe_fake_param(url, "limit", b1, sizeof b1);
	const char *after = stripe_fake_param(url, "starting_after", b2, sizeof b2);
	const char *invoice = stripe_fake_param(url, "invoice", b3, sizeof b3);
	int expand = strstr(url, "expand%5B%5D=data.invoice") != NULL;
	ck_assert_ptr_nonnull(limit);
	ck_assert_msg(!strstr(url, "created"), "Stripe lists invoice payments by no created: %s", url);
	int order[MAX_PAY], n = newest_first(order), ids[MAX_PAY], m = 0;
	for (int p = 0; p < n; p++)
		if (!invoice || pay.invoice[order[p]] == atoi(invoice + 3))
			ids[m++] = order[p];
	int want = atoi(limit), got = 0, start = after_pos(after, "inpay_", ids, m);
	if (invoice && want > FOLLOW_PAGE)
		want = FOLLOW_PAGE;
	stripe_fake_add(b, "{\"object\":\"list\",\"data\":[");
	for (int p = start; p < m && got < want; p++, got++) {
		stripe_fake_add(b, got ? "," : "");
		payment(b, ids[p], expand);
	}
	list_end(b, start + got < m, "/v1/invoice_payments");
}

/* GET /v1/invoices?expand[]=data.payments, by created. */
static void answer_invoices(stripe_fake_body *b, const char *url)
{
	char b1[32], b2[32], b3[32], b4[32];
	const char *limit = stripe_fake_param(url, "limit", b1, sizeof b1);
	const char *gte = stripe_fake_param(url, "created%5Bgte%5D", b2, sizeof b2);
	const char *lt = stripe_fake_param(url, "created%5Blt%5D", b3, sizeof b3);
	const char *after = stripe_fake_param(url, "starting_after", b4, sizeof b4);
	ck_assert_ptr_nonnull(strstr(url, "expand%5B%5D=data.payments"));
	int64_t lo = gte ? strtoll(gte, NULL, 10) : INT64_MIN;
	int64_t hi = lt ? strtoll(lt, NULL, 10) : INT64_MAX;
	int ids[INVOICES], m = 0;
	for (int i = 0; i < INVOICES; i++)
		if (invoice_created(i) >= lo && invoice_created(i) < hi)
			ids[m++] = i;
	int want = atoi(limit), got = 0, start = after_pos(after, "in_", ids, m);
	int order[MAX_PAY], n = newest_first(order);
	stripe_fake_add(b, "{\"object\":\"list\",\"data\":[");
	for (int p = start; p < m && got < want; p++, got++) {
		int i = ids[p], shown = 0, more = 0;
		stripe_fake_add(b, "%s{\"id\":\"in_%04d\",\"object\":\"invoice\",\"created\":%" PRId64 ",",
		                got ? "," : "",
		    i, invoice_created(i));
		if (has_sub(i))
			stripe_fake_add(b, "\"parent\":{\"subscription_details\":{\"subscription\":\"sub_%04d\"}},", i);
		else
			stripe_fake_add(b, "\"parent\":null,");
		stripe_fake_add(b, "\"payments\":{\"object\":\"list\",\"data\":[");
		for (int q = 0; q < n && !more; q++) {
			if (pay.invoice[order[q]] != i)
				continue;
			if (shown == EMBED) {
				more = 1;
				continue;
			}
			stripe_fake_add(b, shown++ ? "," : "");
			payment(b, order[q], 0);
		}
		stripe_fake_add(b, "],\"has_more\":%s,\"url\":\"/v1/invoice_payments\"}}",
		                more ? "true" : "false");
	}
	list_end(b, start + got < m, "/v1/invoices");
	late_visible = 1; /* the payments made during the walk exist from now on */
}

/* Charges: ch_K for payment K (its PaymentIntent pi_K), ch_9000.. without an invoice. */
static int64_t charge_created(int c)
{
	return c >= 9000 ? T0 - (int64_t)(c - 9000) * 86400 * 2 - 300 : pay.created[c];
}

static void answer_charges(stripe_fake_body *b, const char *url)
{
	char b1[32], b2[32], b3[32], b4[32];
	const char *limit = stripe_fake_param(url, "limit", b1, sizeof b1);
	const char *gte = stripe_fake_param(url, "created%5Bgte%5D", b2, sizeof b2);
	const char *lt = stripe_fake_param(url, "created%5Blt%5D", b3, sizeof b3);
	const char *after = stripe_fake_param(url, "starting_after", b4, sizeof b4);
	int64_t lo = gte ? strtoll(gte, NULL, 10) : INT64_MIN;
	int64_t hi = lt ? strtoll(lt, NULL, 10) : INT64_MAX;
	int all[MAX_PAY + LONE], n = 0, ids[MAX_PAY + LONE], m = 0;
	for (int k = 0; k < pay.n; k++)
		if (visible(k))
			all[n++] = k;
	for (int c = 0; c < LONE; c++)
		all[n++] = 9000 + c;
	/* newest first */
	for (int x = 1; x < n; x++)
		for (int y = x; y > 0 && (charge_created(all[y - 1]) < charge_created(all[y]) ||
		                          (charge_created(all[y - 1]) == charge_created(all[y]) &&
		                           all[y - 1] < all[y])); y--) {
			int t = all[y];
			all[y] = all[y - 1];
			all[y - 1] = t;
		}
	for (int p = 0; p < n; p++)
		if (charge_created(all[p]) >= lo && charge_created(all[p]) < hi)
			ids[m++] = all[p];
	int want = atoi(limit), got = 0, start = after_pos(after, "ch_", ids, m);
	stripe_fake_add(b, "{\"object\":\"list\",\"data\":[");
	for (int p = start; p < m && got < want; p++, got++)
		stripe_fake_add(b, "%s{\"id\":\"ch_%04d\",\"object\":\"charge\",\"amount\":100,"
		                   "\"amount_captured\":100,"
		       "\"amount_refunded\":0,\"balance_transaction\":null,\"captured\":true,"
		       "\"created\":%" PRId64 ",\"currency\":\"usd\",\"customer\":null,"
		       "\"payment_intent\":\"pi_%04d\",\"status\":\"succeeded\"}",
		    got ? "," : "", ids[p], charge_created(ids[p]), ids[p]);
	list_end(b, start + got < m, "/v1/charges");
}

static void answer(fake_answer *out, const char *url, int nth, void *payload)
{
	(void)nth;
	(void)payload;
	stripe_fake_body b = { out->body, 0, sizeof out->body };
	const char *path = url + strlen(ORIGIN);
	if (strncmp(path, "/v1/invoice_payments?", 21) == 0)
		answer_payments(&b, url);
	else if (strncmp(path, "/v1/invoices?", 13) == 0)
		answer_invoices(&b, url);
	else if (strncmp(path, "/v1/charges?", 12) == 0)
		answer_charges(&b, url);
	else if (strncmp(path, "/v1/refunds?", 12) == 0 || strncmp(path, "/v1/disputes?", 13) == 0)
		stripe_fake_add(&b, "{\"object\":\"list\",\"data\":[],\"has_more\":false,\"url\":\"/v1/x\"}");
	else
		ck_abort_msg("unexpected request %s", url);
	out->status = 200;
}

static size_t fail_transfer; /* the number of the transfer to fail once (0: none) */

static void answer_failing_once(fake_answer *out, const char *url, int nth, void *payload)
{
	answer(out, url, nth, payload);
	if (fa.calls == fail_transfer) {
		out->status = 400;
		snprintf(out->body, sizeof out->body,
		         "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"try again\"}}");
	}
}

static void fresh_transport(void)
{
	fake_async_reset(&fa);
	fa.handler = answer_failing_once;
	fa.order = FAKE_RANDOM;
	fa.seed = 7;
	late_visible = 0;
}

static void setup(void)
{
	memset(&fa, 0, sizeof fa);
	fail_transfer = 0;
	make_world();
	fresh_transport();
}

static void teardown(void)
{
	fake_async_reset(&fa);
}

static billtap_client *client(void)
{
	billtap_client *c = fake_async_client(&fa, "stripe");
	ck_assert_int_eq(billtap_client_set(c, "api_key", "sk_test_x"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", ORIGIN), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", "5"), 0);
	ck_assert_int_eq(billtap_client_set(c, "parallel_slices", "4"), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", "4"), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_retries", "0"), 0);
	return c;
}

#define SEEN (9000 + LONE)

/* The charge's invoice and subscription are its payment's. */
static void check_links(const billtap_record *r, int num)
{
	const char *inv = NULL, *sub = NULL;
	int rc_inv = billtap_record_get_str(&inv, r, BILLTAP_FIELD_INVOICE_ID);
	int rc_sub = billtap_record_get_str(&sub, r, BILLTAP_FIELD_SUBSCRIPTION_ID);
	if (num >= 9000) {
		ck_assert_msg(rc_inv == BILLTAP_ENOTFOUND, "ch_%04d: invoice %s", num, inv);
		return;
	}
	char want[32];
	int i = pay.invoice[num];
	snprintf(want, sizeof want, "in_%04d", i);
	ck_assert_msg(rc_inv == 0 && strcmp(inv, want) == 0, "ch_%04d: invoice %s, want %s", num,
	              inv ? inv : "null", want);
	snprintf(want, sizeof want, "sub_%04d", i);
	if (has_sub(i))
		ck_assert_msg(rc_sub == 0 && strcmp(sub, want) == 0, "ch_%04d: subscription %s", num,
		              sub ? sub : "null");
	else
		ck_assert_int_eq(rc_sub, BILLTAP_ENOTFOUND);
}

/* Runs a transactions iterator from `from` to its end, through at most one failed call:
 * every charge once (seen[]), with its links; with cps, the checkpoint after each record
 * (cps[n]) and its number (order[n]). Returns how many. */
static int run(billtap_client *c, const char *from, int *seen, int *order, char **cps)
{
	fresh_transport();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = from;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_TRANSACTIONS, &o), 0);
	const billtap_record *r;
	int n = 0, rc, errors = 0;
	while ((rc = billtap_iter_next(&r, it)) != BILLTAP_ITEROVER) {
		if (rc < 0) {
			ck_assert_msg(rc == BILLTAP_EREQUEST && fail_transfer && !errors++, "%d: %s", rc,
			              billtap_client_error_message(c));
			continue;
		}
		int num = atoi(billtap_record_id(r) + 3);
		ck_assert_int_lt(num, SEEN);
		ck_assert_msg(!seen[num], "%s returned twice", billtap_record_id(r));
		seen[num] = 1;
		check_links(r, num);
		if (cps) {
			const char *cp;
			order[n] = num;
			ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
			cps[n] = strdup(cp);
		}
		n++;
	}
	if (fail_transfer && fail_transfer <= fa.calls)
		ck_assert_int_eq(errors, 1); /* the failure was seen */
	billtap_iter_free(it);
	return n;
}

/* How many requests of the answered ones went to `path`. */
static int requests_to(const char *path)
{
	int n = 0;
	for (size_t k = 0; k < fa.calls && k < FAKE_MAX_CALLS; k++)
		n += strncmp(fa.urls[k] + strlen(ORIGIN), path, strlen(path)) == 0;
	return n;
}

static void expect_all(const int *seen)
{
	for (int k = 0; k < pay.n; k++)
		ck_assert_msg(seen[k], "ch_%04d missing", k);
	for (int c = 0; c < LONE; c++)
		ck_assert_msg(seen[9000 + c], "ch_%04d missing", 9000 + c);
}

/* The whole pass: the links from the invoices' slices, the follow-ups of the two long
 * invoices, the payments made meanwhile found by the first top-up. */
START_TEST(every_charge_finds_its_invoice)
{
	billtap_client *c = client();
	static int seen[SEEN];
	memset(seen, 0, sizeof seen);
	ck_assert_int_eq(run(c, NULL, seen, NULL, NULL), pay.n + LONE);
	expect_all(seen);
	ck_assert_int_gt(requests_to("/v1/invoices?"), 3);
	/* each long invoice paged on past its embedded ten (short follow-up pages) */
	ck_assert_int_ge(requests_to("/v1/invoice_payments?invoice=in_0005"), 1);
	ck_assert_int_ge(requests_to("/v1/invoice_payments?invoice=in_0017"), 4);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint after any charge (inside a slice's page, between slices) resumes to exactly
 * the charges not yet returned, each with its links: the resumed pass reads the links
 * again first. */
START_TEST(checkpoints_resume_with_the_links_read_again)
{
	billtap_client *c = client();
	static int seen[SEEN], order[SEEN];
	static char *cps[SEEN];
	memset(seen, 0, sizeof seen);
	int total = run(c, NULL, seen, order, cps);
	ck_assert_int_eq(total, pay.n + LONE);
	for (int k = _i; k < total; k += 9) {
		static int again[SEEN];
		memset(again, 0, sizeof again);
		run(c, cps[k], again, NULL, NULL);
		ck_assert_int_gt(requests_to("/v1/invoices?"), 3);
		for (int j = 0; j <= k; j++)
			ck_assert_msg(!again[order[j]], "k %d: ch_%04d again", k, order[j]);
		int count = 0;
		for (int i = 0; i < SEEN; i++)
			count += again[i];
		ck_assert_int_eq(count, total - k - 1);
	}
	for (int k = 0; k < total; k++)
		free(cps[k]);
	billtap_client_free(c);
}
END_TEST

/* A call that fails during the links' walk (the anchor, an invoices page, a follow-up) or
 * after it ends in an error; the host calling again gets every charge once, linked. */
START_TEST(a_failed_call_during_the_walk_is_asked_again)
{
	billtap_client *c = client();
	fail_transfer = (size_t)_i;
	static int seen[SEEN];
	memset(seen, 0, sizeof seen);
	ck_assert_int_eq(run(c, NULL, seen, NULL, NULL), pay.n + LONE);
	expect_all(seen);
	billtap_client_free(c);
}
END_TEST

TCase *stripe_links_tcase(void)
{
	TCase *tc = tcase_create("links");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_charge_finds_its_invoice);
	tcase_add_loop_test(tc, checkpoints_resume_with_the_links_read_again, 0, 3);
	tcase_add_loop_test(tc, a_failed_call_during_the_walk_is_asked_again, 1, 20);
	return tc;
}
