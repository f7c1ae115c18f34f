/* Runs the engine's fork suite and each built-in provider's suite against billtap-sandbox;
 * TAP on stdout for meson. */
#include <check.h>
#include <stdlib.h>

#include "sandbox_suites.h"

Suite *fork_suite(void);
Suite *pacing_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(fork_suite());
	srunner_add_suite(sr, pacing_suite());
	for (size_t i = 0; provider_suites[i]; i++)
		srunner_add_suite(sr, provider_suites[i]());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
