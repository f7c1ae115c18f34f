/*
 * PayPal invoices against billtap-sandbox: the list equals the invoices truth record for
 * record, `since` (the search by creation date) returns exactly the truth's invoices
 * created since, resumes are exact, and payments of invoices carry the invoice's number.
 * Added to paypal_sandbox_suite().
 */
#include <billtap.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_process.h"

void paypal_invoice_sandbox_tests(Suite *s);

static sandbox inv_sb;

static void start(void)
{
	const char *args[] = { "--provider", "paypal", "--seed", "11", "--scale", "400", NULL };
	sandbox_start(&inv_sb, args);
}

static void stop(void)
{
	sandbox_stop(&inv_sb);
}

static billtap_client *client(void)
{
	billtap_client *c = sandbox_client(&inv_sb, "paypal");
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	return c;
}

START_TEST(invoices_equal_truth)
{
	truth t;
	truth_load(&t, &inv_sb, "invoices");
	ck_assert_uint_gt(t.count, 20);
	char *seen = calloc(t.count, 1);
	billtap_client *c = client();
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, NULL), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)t.count);
	truth_assert_all_seen(&t, seen);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	truth_free(&t);
}
END_TEST

static int by_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The truth's invoices created at or after the median creation time, exactly. */
START_TEST(since_returns_the_invoices_created_since)
{
	truth t;
	truth_load(&t, &inv_sb, "invoices");
	int64_t *created = calloc(t.count, sizeof *created);
	for (size_t i = 0; i < t.count; i++) {
		const char *p = strstr(t.lines[i], "\"created_at\":\"");
		ck_assert_ptr_nonnull(p);
		char ts[32];
		memcpy(ts, p + 14, 20);
		ts[20] = '\0';
		ck_assert_int_eq(billtap_time_parse(&created[i], ts), 0);
	}
	int64_t *sorted = malloc(t.count * sizeof *sorted);
	memcpy(sorted, created, t.count * sizeof *sorted);
	qsort(sorted, t.count, sizeof *sorted, by_time);
	int64_t cut = sorted[t.count / 2];
	free(sorted);
	size_t expected = 0;
	for (size_t i = 0; i < t.count; i++)
		expected += created[i] >= cut;
	ck_assert_uint_gt(expected, 0);
	ck_assert_uint_lt(expected, t.count);
	char *seen = calloc(t.count, 1);
	billtap_client *c = client();
	billtap_iter *it;
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.since = cut;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_INVOICES, &o), 0);
	ck_assert_int_eq(truth_take(it, c, &t, seen, -1), (long)expected);
	for (size_t i = 0; i < t.count; i++)
		ck_assert_msg(seen[i] == (created[i] >= cut), "%s", t.lines[i]);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(seen);
	free(created);
	truth_free(&t);
}
END_TEST

START_TEST(resume_from_checkpoints_is_exact)
{
	truth t;
	truth_load(&t, &inv_sb, "invoices");
	billtap_client *c = client();
	truth_resume_in_slices(c, BILLTAP_RESOURCE_INVOICES, &t, 7);
	billtap_client_free(c);
	truth_free(&t);
}
END_TEST

/* Payments of invoices: transaction_info.invoice_id is the invoice's number, so the
 * transactions truth has transactions whose invoice_id is an invoice's number (not every
 * PAID one: a payment of the last three hours is not listed yet). */
START_TEST(invoice_payments_name_the_invoice_number)
{
	truth inv, tx;
	truth_load(&inv, &inv_sb, "invoices");
	truth_load(&tx, &inv_sb, "transactions");
	size_t linked = 0;
	for (size_t i = 0; i < inv.count; i++) {
		const char *p = strstr(inv.lines[i], "\"number\":\"");
		ck_assert_ptr_nonnull(p);
		char needle[64];
		snprintf(needle, sizeof needle, "\"invoice_id\":\"%.*s\"", (int)strcspn(p + 10, "\""), p + 10);
		size_t found = 0;
		for (size_t k = 0; k < tx.count; k++)
			found += strstr(tx.lines[k], needle) != NULL;
		linked += found > 0;
	}
	ck_assert_uint_gt(linked, 10);
	truth_free(&inv);
	truth_free(&tx);
}
END_TEST

void paypal_invoice_sandbox_tests(Suite *s)
{
	TCase *tc = tcase_create("invoices");
	tcase_add_unchecked_fixture(tc, start, stop);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, invoices_equal_truth);
	tcase_add_test(tc, since_returns_the_invoices_created_since);
	tcase_add_test(tc, resume_from_checkpoints_is_exact);
	tcase_add_test(tc, invoice_payments_name_the_invoice_number);
	suite_add_tcase(s, tc);
}
