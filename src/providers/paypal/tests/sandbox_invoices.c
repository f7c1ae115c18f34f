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
	billtap_client *c = sandbox_client(&inv_sb, "paypal"); /* its settings line: rate_limit=0 */
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

/* The truth's invoices created at or after the median creation time, exactly. */
START_TEST(since_returns_the_invoices_created_since)
{
	truth t;
	truth_load(&t, &inv_sb, "invoices");
	int64_t *created = calloc(t.count, sizeof *created);
	for (size_t i = 0; i < t.count; i++)
		created[i] = truth_line_time(&t, i, "created_at", NULL);
	billtap_client *c = client();
	truth_since_exact(c, BILLTAP_RESOURCE_INVOICES, &t, created);
	billtap_client_free(c);
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
