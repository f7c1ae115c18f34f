/* Runs the registry and plugin-loader suite (tests/unit/test_registry.c), which links the
 * shared library rather than the unit runner's static twin; TAP on stdout for meson. */
#include <check.h>
#include <stdlib.h>

Suite *registry_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(registry_suite());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
