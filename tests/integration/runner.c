/* Runs the integration suites (against billtap-sandbox); TAP on stdout for meson. */
#include <check.h>
#include <stdlib.h>

Suite *stripe_sandbox_suite(void);
Suite *paypal_sandbox_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(stripe_sandbox_suite());
	srunner_add_suite(sr, paypal_sandbox_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
