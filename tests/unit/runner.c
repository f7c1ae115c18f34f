/* Runs every unit suite; results in TAP on stdout for meson. */
#include <check.h>
#include <stdlib.h>

Suite *model_suite(void);
Suite *http_suite(void);
Suite *engine_suite(void);
Suite *stripe_suite(void);
Suite *paypal_suite(void);
Suite *json_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, engine_suite());
	srunner_add_suite(sr, stripe_suite());
	srunner_add_suite(sr, paypal_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
