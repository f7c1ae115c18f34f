/* Runs every unit suite, the engine's and each built-in provider's; TAP on stdout for
 * meson. */
#include <check.h>
#include <stdlib.h>

#include "unit_suites.h"

Suite *model_suite(void);
Suite *http_suite(void);
Suite *engine_suite(void);
Suite *incremental_suite(void);
Suite *guard_suite(void);
Suite *inflight_suite(void);
Suite *protocol_suite(void);
Suite *curl_suite(void);
Suite *json_suite(void);
Suite *kit_suite(void);
Suite *trace_suite(void);
Suite *observe_suite(void);

int main(void)
{
	SRunner *sr = srunner_create(model_suite());
	srunner_add_suite(sr, http_suite());
	srunner_add_suite(sr, json_suite());
	srunner_add_suite(sr, engine_suite());
	srunner_add_suite(sr, incremental_suite());
	srunner_add_suite(sr, guard_suite());
	srunner_add_suite(sr, inflight_suite());
	srunner_add_suite(sr, protocol_suite());
	srunner_add_suite(sr, curl_suite());
	srunner_add_suite(sr, kit_suite());
	srunner_add_suite(sr, trace_suite());
	srunner_add_suite(sr, observe_suite());
	for (size_t i = 0; provider_suites[i]; i++)
		srunner_add_suite(sr, provider_suites[i]());
	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
