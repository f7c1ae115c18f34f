/*
 * The test plugin's side of its handshake with tests/unit/test_registry.c. The test puts the
 * address of a probe into BILLTAP_TEST_PLUGIN_PROBE ("%p") before loading; the plugin hands
 * that probe over as its payload, so the test sees what billtap_ctx_payload() gave the
 * callbacks and when the destroy slot ran, even after the plugin was unloaded.
 */
#ifndef BILLTAP_TEST_PLUGIN_H
#define BILLTAP_TEST_PLUGIN_H

#define TEST_PLUGIN_PROBE_ENV "BILLTAP_TEST_PLUGIN_PROBE"

typedef struct test_plugin_probe {
	char label[16];     /* set by the test; the plugin prefixes customer names with it */
	int destroyed;      /* times the destroy slot ran with this probe */
	int payload_seen;   /* callbacks that found this probe through billtap_ctx_payload() */
	int payload_wrong;  /* callbacks that found something else */
} test_plugin_probe;

#endif
