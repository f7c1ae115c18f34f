/*
 * The provider registry and the plugin loader through the public API, against the test
 * plugins of tests/plugins/ (one working provider, one variant per broken rule). This suite
 * links the shared libbilltap, as plugins do: the unit runner's static twin would give a
 * loaded plugin a second copy of the library.
 *
 * Every test leaves the registry as it found it, so the suite also runs in one process
 * (CK_FORK=no, as under valgrind).
 */
#include <check.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billtap/provider.h"
#include "test_plugin.h"
#include "testutil.h"

Suite *registry_suite(void);

#ifndef TEST_PLUGIN_DIR
#error "TEST_PLUGIN_DIR must name the directory of the test plugins"
#endif

static char error[512];
static fake_transport ft;

static void plugin_path(char *out, size_t cap, const char *variant)
{
	snprintf(out, cap, "%s/testplug_%s.so", TEST_PLUGIN_DIR, variant);
}

/* Loads a variant with `probe` (may be NULL) as its payload. */
static int load(const char **name, const char *variant, test_plugin_probe *probe)
{
	char path[PATH_MAX], addr[32];
	plugin_path(path, sizeof path, variant);
	if (probe) {
		snprintf(addr, sizeof addr, "%p", (void *)probe);
		setenv(TEST_PLUGIN_PROBE_ENV, addr, 1);
	} else {
		unsetenv(TEST_PLUGIN_PROBE_ENV);
	}
	int rc = billtap_provider_load(name, path, error, sizeof error);
	unsetenv(TEST_PLUGIN_PROBE_ENV);
	return rc;
}

/* 1 while the variant's shared object is mapped in the process. */
static int is_loaded(const char *variant)
{
	char path[PATH_MAX];
	plugin_path(path, sizeof path, variant);
	void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (h)
		dlclose(h); /* RTLD_NOLOAD still counted a reference */
	return h != NULL;
}

static int registered(const char *name)
{
	const char *names[64];
	size_t n = billtap_provider_names(names, 64);
	for (size_t i = 0; i < n && i < 64; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static void probe_init(test_plugin_probe *p, const char *label)
{
	memset(p, 0, sizeof *p);
	snprintf(p->label, sizeof p->label, "%s", label);
}

/* The testplug API's pages for five customers at page_size 2. */
static const char *page_c1 = "{\"data\":[{\"id\":\"c1\",\"created\":1700000001,\"email\":\"c1@x.test\"},"
                             "{\"id\":\"c2\",\"created\":1700000002,\"email\":null}],\"has_more\":true}";
static const char *page_c3 = "{\"data\":[{\"id\":\"c3\",\"created\":1700000003,\"email\":\"c3@x.test\"},"
                             "{\"id\":\"c4\",\"created\":1700000004}],\"has_more\":true}";
static const char *page_c5 = "{\"data\":[{\"id\":\"c5\",\"created\":1700000005,\"email\":\"c5@x.test\"}],"
                             "\"has_more\":false}";

static billtap_client *testplug_client(const char *name)
{
	billtap_client *c = fake_client(&ft, name);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "tp_secret"), 0);
	return c;
}

/* Iterates at most `max` records (0: all) and returns "id/name/created," for each. */
static void collect(char *out, size_t cap, billtap_iter *it, size_t max)
{
	const billtap_record *r;
	out[0] = '\0';
	int rc;
	size_t n = 0;
	while ((max == 0 || n < max) && (rc = billtap_iter_next(&r, it)) == 0) {
		const char *name;
		int64_t created;
		ck_assert_int_eq(billtap_record_get_str(&name, r, BILLTAP_FIELD_NAME), 0);
		ck_assert_int_eq(billtap_record_get_int(&created, r, BILLTAP_FIELD_CREATED_AT), 0);
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s/%s/%lld,", billtap_record_id(r), name,
		         (long long)created);
		n++;
	}
	if (max == 0 || n < max)
		ck_assert_msg(rc == BILLTAP_ITEROVER, "rc %d", rc);
}

static const char *all_five = "c1/L c1/1700000001,c2/L c2/1700000002,c3/L c3/1700000003,"
                              "c4/L c4/1700000004,c5/L c5/1700000005,";

static void queue_five(void)
{
	fake_add(&ft, 200, NULL, page_c1);
	fake_add(&ft, 200, NULL, page_c3);
	fake_add(&ft, 200, NULL, page_c5);
}

static void expect_five(billtap_iter *it)
{
	char got[512];
	collect(got, sizeof got, it, 0);
	ck_assert_str_eq(got, all_five);
}

/* The five customers through a new iterator on c (a plugin labelled "L"). */
static void extract_five(billtap_client *c)
{
	queue_five();
	billtap_iter *it;
	ck_assert_msg(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL) == 0, "%s",
	              billtap_client_error_message(c));
	expect_five(it);
	billtap_iter_free(it);
}

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	error[0] = '\0';
}

static void teardown(void)
{
	fake_reset(&ft);
	unsetenv(TEST_PLUGIN_PROBE_ENV);
}

/* ---- the handshake's helpers ---- */

START_TEST(provider_init_sets_version_and_clears_slots)
{
	billtap_provider p;
	memset(&p, 0xab, sizeof p);
	ck_assert_int_eq(billtap_provider_init(&p, BILLTAP_PROVIDER_VERSION), 0);
	ck_assert_uint_eq(p.version, BILLTAP_PROVIDER_VERSION);
	ck_assert_ptr_null(p.name);
	ck_assert_ptr_null(p.settings);
	ck_assert_ptr_null(p.stream_new);
	ck_assert_ptr_null(p.classify_response);
	ck_assert_uint_eq(p.resources, 0);
	ck_assert_uint_eq(p.flags, 0);
	ck_assert_ptr_null(p.display_name);
	ck_assert_ptr_null(p.request_id_header);
	ck_assert_ptr_null(p.session_new);
	ck_assert_ptr_null(p.session_free);
	ck_assert_ptr_null(p.stream_request);
	ck_assert_ptr_null(p.stream_response);
	ck_assert_ptr_null(p.stream_free);
	ck_assert_uint_eq(p.since_resources, 0);

	ck_assert_int_eq(billtap_provider_init(NULL, BILLTAP_PROVIDER_VERSION), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_provider_init(&p, 0), BILLTAP_EVERSION);
	ck_assert_int_eq(billtap_provider_init(&p, BILLTAP_PROVIDER_VERSION + 1), BILLTAP_EVERSION);
}
END_TEST

/* ---- registration from the host ---- */

static int local_stream_new(void **out, void *session, const billtap_stream_params *params,
                            billtap_ctx *ctx)
{
	(void)out, (void)session, (void)params;
	return billtap_ctx_error(ctx, BILLTAP_EUNSUPPORTED, "nothing to list");
}

static int local_stream_request(billtap_request *req, void *stream, billtap_ctx *ctx)
{
	(void)req, (void)stream, (void)ctx;
	return BILLTAP_ITEROVER;
}

static int local_stream_response(void *stream, const billtap_request *req,
                                 const billtap_response *resp, billtap_sink *sink,
                                 billtap_ctx *ctx)
{
	(void)stream, (void)req, (void)resp, (void)sink, (void)ctx;
	return 0;
}

static void local_stream_free(void *stream)
{
	(void)stream;
}

static int destroyed;

static void count_destroy(void *payload)
{
	ck_assert_ptr_eq(payload, &destroyed);
	destroyed++;
}

static billtap_provider local_provider(const billtap_setting_def *settings)
{
	billtap_provider p = BILLTAP_PROVIDER_INIT;
	p.name = "local";
	p.display_name = "Local";
	p.resources = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS);
	p.settings = settings;
	p.stream_new = local_stream_new;
	p.stream_request = local_stream_request;
	p.stream_response = local_stream_response;
	p.stream_free = local_stream_free;
	return p;
}

/* Why the last try_register() failed ("" after a success). */
static char why[256];

static int try_register(const billtap_provider *p)
{
	strcpy(why, "untouched");
	return billtap_provider_register(p, &destroyed, count_destroy, why, sizeof why);
}

START_TEST(register_refuses_what_it_cannot_serve)
{
	destroyed = 0;
	/* Each case is local_provider(NULL) with these members (V: the current version, PLANS:
	 * the resources it serves) and one required slot dropped when `no_slot`. */
	const unsigned V = BILLTAP_PROVIDER_VERSION;
	const uint64_t PLANS = BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS);
	struct {
		const char *name;
		unsigned int version, flags;
		uint64_t resources, since;
		int no_slot, rc;
		const char *why;
	} cases[] = {
		{ "local", 0, 0, PLANS, 0, 0, BILLTAP_EVERSION,
		  "provider vtable version 0 (this library knows 1..2)" },
		{ "local", V + 1, 0, PLANS, 0, 0, BILLTAP_EVERSION,
		  "provider vtable version 3 (this library knows 1..2): it needs a newer billtap" },
		{ "Local", V, 0, PLANS, 0, 0, BILLTAP_EINVAL, "provider name is not 1-32 of [a-z0-9_-]" },
		{ "a23456789012345678901234567890123", V, 0, PLANS, 0, 0, BILLTAP_EINVAL,
		  "provider name is not 1-32 of [a-z0-9_-]" },
		{ NULL, V, 0, PLANS, 0, 0, BILLTAP_EINVAL, "provider name is not 1-32 of [a-z0-9_-]" },
		{ "local", V, 0, PLANS, 0, 1, BILLTAP_EINVAL,
		  "provider local lacks a required slot (stream_new, stream_request, stream_response "
		  "or stream_free)" },
		{ "local", V, 0x80000000u, PLANS, 0, 0, BILLTAP_EINVAL,
		  "provider local: flags 0x80000000 are not BILLTAP_PROVIDER_* flags this library "
		  "knows" },
		{ "local", V, BILLTAP_PROVIDER_CONCURRENT | 0x6u, PLANS, 0, 0, BILLTAP_EINVAL,
		  "provider local: flags 0x6 are not BILLTAP_PROVIDER_* flags this library knows" },
		{ "local", V, 0, 0, 0, 0, BILLTAP_EINVAL, "provider local serves no resource" },
		{ "local", V, 0, PLANS | BILLTAP_RESOURCE_BIT(40), 0, 0, BILLTAP_EINVAL,
		  "provider local: resource bit 40 names no resource this library knows "
		  "(BILLTAP_RESOURCE_BIT of a billtap_resource)" },
		{ "local", V, 0, PLANS | 1u, 0, 0, BILLTAP_EINVAL,
		  "provider local: resource bit 0 names no resource this library knows "
		  "(BILLTAP_RESOURCE_BIT of a billtap_resource)" },
		{ "local", V, 0, PLANS, BILLTAP_RESOURCE_BIT(63), 0, BILLTAP_EINVAL,
		  "provider local: resource bit 63 names no resource this library knows "
		  "(BILLTAP_RESOURCE_BIT of a billtap_resource)" },
		{ "local", V, 0, PLANS, BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS), 0,
		  BILLTAP_EINVAL, "provider local: since_resources names a resource it does not serve" },
		{ "stripe", V, 0, PLANS, 0, 0, BILLTAP_EINVAL,
		  "a provider named stripe is already registered" },
	};
	ck_assert_int_eq(try_register(NULL), BILLTAP_EINVAL);
	ck_assert_str_eq(why, "no provider (NULL vtable)");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		billtap_provider p = local_provider(NULL);
		p.name = cases[i].name;
		p.version = cases[i].version;
		p.flags = cases[i].flags;
		p.resources = cases[i].resources;
		p.since_resources = cases[i].since;
		if (cases[i].no_slot)
			p.stream_free = NULL;
		ck_assert_msg(try_register(&p) == cases[i].rc, "case %zu", i);
		ck_assert_str_eq(why, cases[i].why);
	}
	ck_assert_int_eq(destroyed, 0); /* a refused registration keeps its payload */
	ck_assert(!registered("local"));
	/* The message is cut to the buffer, always terminated; NULL means no message. */
	billtap_provider p = local_provider(NULL);
	p.flags = 0x10u;
	char small[16];
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, small, sizeof small), BILLTAP_EINVAL);
	ck_assert_str_eq(small, "provider local:");
	ck_assert_int_eq(billtap_provider_register(&p, NULL, NULL, NULL, 0), BILLTAP_EINVAL);
	ck_assert(!registered("local"));
}
END_TEST

START_TEST(register_refuses_settings_a_host_could_not_use)
{
	static const billtap_setting_def twice[] = {
		BILLTAP_SETTING("key", 0, NULL, 0, 0, "a"),
		BILLTAP_SETTING("key", 0, NULL, 0, 0, "b"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def engine_name[] = {
		BILLTAP_SETTING("timeout_ms", BILLTAP_SETTING_INT, "5", 1, 10, "shadows the engine"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def engine_flag[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_ENGINE, NULL, 0, 0, "claims to be the engine's"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def unknown_flag[] = {
		BILLTAP_SETTING("key", 0x1000u, NULL, 0, 0, "a flag from the future"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def two_types[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_INT | BILLTAP_SETTING_BOOL, "1", 0, 1, "both"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def bounds[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_INT, NULL, 10, 1, "min above max"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def int_default[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_INT, "ten", 1, 10, "not a number"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def signed_default[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_INT, "+5", 1, 10, "a '+' the client refuses"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def bool_default[] = {
		BILLTAP_SETTING("key", BILLTAP_SETTING_BOOL, "yes", 0, 0, "not a bool word"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def bad_name[] = {
		BILLTAP_SETTING("API-Key", 0, NULL, 0, 0, "not lower_snake_case"),
		BILLTAP_SETTINGS_END,
	};
	static const billtap_setting_def newer[] = {
		{ BILLTAP_SETTING_DEF_VERSION + 1, "key", 0, NULL, 0, 0, "newer" },
		{ BILLTAP_SETTING_DEF_VERSION + 1, NULL, 0, NULL, 0, 0, NULL },
	};
	static const billtap_setting_def mixed[] = {
		{ BILLTAP_SETTING_DEF_VERSION, "key", 0, NULL, 0, 0, "older" },
		{ BILLTAP_SETTING_DEF_VERSION + 1, NULL, 0, NULL, 0, 0, NULL },
	};
	static const billtap_setting_def *const invalid[] = {
		twice, engine_name, engine_flag, unknown_flag, two_types, bounds, int_default,
		signed_default, bool_default, bad_name,
	};
	destroyed = 0;
	static const char *const reasons[] = {
		"provider local: setting key is defined twice",
		"provider local: setting timeout_ms is the engine's (every provider has it)",
		"provider local: setting key has unknown flags (BILLTAP_SETTING_ENGINE is the engine's own)",
		"provider local: setting key has unknown flags (BILLTAP_SETTING_ENGINE is the engine's own)",
		"provider local: setting key has more than one of INT, URL and BOOL",
		"provider local: setting key has min above max",
		"provider local: setting key has a default outside its type or bounds",
		"provider local: setting key has a default outside its type or bounds",
		"provider local: setting key has a default outside its type or bounds",
		"provider local: setting API-Key is not 1-64 of [a-z0-9_]",
	};
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		billtap_provider p = local_provider(invalid[i]);
		ck_assert_msg(try_register(&p) == BILLTAP_EINVAL, "settings %zu accepted", i);
		ck_assert_str_eq(why, reasons[i]);
	}
	billtap_provider p = local_provider(newer);
	ck_assert_int_eq(try_register(&p), BILLTAP_EVERSION);
	ck_assert_str_eq(why, "provider local: setting definitions of version 2 (this library knows "
	                      "1..1): it needs a newer billtap");
	p = local_provider(mixed);
	ck_assert_int_eq(try_register(&p), BILLTAP_EVERSION);
	ck_assert_str_eq(why, "provider local: setting definitions of versions 1 and 2 mixed");
	ck_assert_int_eq(destroyed, 0);
	ck_assert(!registered("local"));
}
END_TEST

START_TEST(register_then_unregister_destroys_the_payload_once)
{
	destroyed = 0;
	billtap_provider p = local_provider(NULL);
	ck_assert_int_eq(try_register(&p), 0);
	ck_assert_str_eq(why, "");
	ck_assert(registered("local"));
	ck_assert_int_eq(try_register(&p), BILLTAP_EINVAL); /* the name is taken now */
	const char *display;
	uint64_t resources, since;
	ck_assert_int_eq(billtap_provider_describe(&display, &resources, &since, "local"), 0);
	ck_assert_str_eq(display, "Local");
	ck_assert_uint_eq(resources, BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_PLANS));
	ck_assert_uint_eq(since, 0);
	ck_assert_int_eq(destroyed, 0);
	ck_assert_int_eq(billtap_provider_unregister("local"), 0);
	ck_assert_int_eq(destroyed, 1);
	ck_assert(!registered("local"));
	ck_assert_int_eq(billtap_provider_unregister("local"), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_int_eq(destroyed, 1);
}
END_TEST

/* ---- loading ---- */

START_TEST(load_registers_and_extracts_with_its_payload)
{
	test_plugin_probe probe;
	probe_init(&probe, "L");
	const char *name = NULL;
	ck_assert_msg(load(&name, "ok", &probe) == 0, "%s", error);
	ck_assert_str_eq(error, "");
	ck_assert_str_eq(name, "testplug");
	ck_assert(registered("testplug"));
	ck_assert(is_loaded("ok"));

	billtap_client *c = testplug_client(name);
	ck_assert_str_eq(billtap_client_provider(c), "testplug");
	extract_five(c);
	ck_assert_str_eq(ft.urls[0], "https://api.testplug.invalid/customers?limit=2");
	ck_assert_str_eq(ft.urls[1], "https://api.testplug.invalid/customers?limit=2&after=c2");
	ck_assert_str_eq(fake_header(&ft, 1, "Authorization"), "Bearer tp_secret");
	/* Every callback got the payload the entry point handed over, and nothing else. */
	ck_assert_int_ge(probe.payload_seen, 7); /* stream_new, 4 requests, 3 responses */
	ck_assert_int_eq(probe.payload_wrong, 0);
	billtap_client_free(c);

	ck_assert_int_eq(probe.destroyed, 0);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_int_eq(probe.destroyed, 1);
	ck_assert(!is_loaded("ok"));
}
END_TEST

START_TEST(a_plugin_resumes_from_a_checkpoint)
{
	test_plugin_probe probe;
	probe_init(&probe, "L");
	ck_assert_msg(load(NULL, "ok", &probe) == 0, "%s", error);
	fake_add(&ft, 200, NULL, page_c1);
	fake_add(&ft, 200, NULL, page_c3);
	billtap_client *c = testplug_client("testplug");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	char first[256], rest[256];
	collect(first, sizeof first, it, 3);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *token = strdup(cp);
	billtap_iter_free(it);

	fake_reset(&ft);
	fake_add(&ft, 200, NULL, "{\"data\":[{\"id\":\"c4\",\"created\":1700000004}],\"has_more\":true}");
	fake_add(&ft, 200, NULL, page_c5);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.checkpoint = token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &opts), 0);
	collect(rest, sizeof rest, it, 0);
	ck_assert_str_eq(ft.urls[0], "https://api.testplug.invalid/customers?limit=2&after=c3");
	char both[512];
	snprintf(both, sizeof both, "%s%s", first, rest);
	ck_assert_str_eq(both, all_five);
	billtap_iter_free(it);
	billtap_client_free(c);
	free(token);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_int_eq(probe.destroyed, 1);
}
END_TEST

/* Loads a variant that must fail; checks the code and that the message names the file
 * and contains `reason`; returns the probe's destroy count. */
static int expect_load_failure(const char *variant, int code, const char *reason)
{
	test_plugin_probe probe;
	probe_init(&probe, "X");
	char path[PATH_MAX];
	plugin_path(path, sizeof path, variant);
	const char *name = "untouched";
	int rc = load(&name, variant, &probe);
	ck_assert_msg(rc == code, "%s: rc %d, want %d (%s)", variant, rc, code, error);
	ck_assert_ptr_null(name);
	ck_assert_msg(strstr(error, path) != NULL, "%s: message does not name the file: %s",
	              variant, error);
	ck_assert_msg(strstr(error, reason) != NULL, "%s: message lacks '%s': %s", variant, reason,
	              error);
	ck_assert_msg(!is_loaded(variant), "%s: still loaded after a failed load", variant);
	return probe.destroyed;
}

START_TEST(a_missing_file_is_named)
{
	ck_assert_int_eq(expect_load_failure("does_not_exist", BILLTAP_EPLUGIN,
	                                     "No such file or directory"),
	                 0);
	/* The file's name appears once: the loader's, not again from dlerror(). */
	char path[PATH_MAX];
	plugin_path(path, sizeof path, "does_not_exist");
	ck_assert_ptr_null(strstr(strstr(error, path) + strlen(path), path));
}
END_TEST

START_TEST(a_file_that_is_no_shared_object_is_refused)
{
	char dir[] = "/tmp/billtap-registry-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/garbage.so", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 100; i++)
		fputs("this is not an ELF file\n", f);
	fclose(f);
	ck_assert_int_eq(billtap_provider_load(NULL, path, error, sizeof error), BILLTAP_EPLUGIN);
	ck_assert_msg(strncmp(error, "plugin ", 7) == 0 && strstr(error, path), "%s", error);
	ck_assert_msg(strlen(error) > strlen(path) + 12, "no reason given: %s", error);
	ck_assert_int_eq(billtap_provider_load(NULL, dir, error, sizeof error), BILLTAP_EPLUGIN);
	ck_assert_msg(strstr(error, dir), "%s", error);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(no_entry_point)
{
	expect_load_failure("no_export", BILLTAP_EPLUGIN, "exports no billtap_plugin_init function");
}
END_TEST

START_TEST(the_entry_point_asks_for_a_newer_library)
{
	expect_load_failure("needs_newer", BILLTAP_EVERSION, "needs a newer billtap");
}
END_TEST

START_TEST(a_vtable_newer_than_the_library)
{
	/* The entry point handed its payload over before registration failed: destroyed. */
	ck_assert_int_eq(expect_load_failure("vtable_newer", BILLTAP_EVERSION,
	                                     "provider vtable version 3 (this library knows 1..2): "
	                                     "it needs a newer billtap"),
	                 1);
}
END_TEST

START_TEST(settings_newer_than_the_library)
{
	ck_assert_int_eq(expect_load_failure("settings_newer", BILLTAP_EVERSION,
	                                     "setting definitions of version 2"),
	                 1);
}
END_TEST

START_TEST(the_entry_point_fails)
{
	expect_load_failure("fails", BILLTAP_EPLUGIN, "billtap_plugin_init failed: out of memory");
	expect_load_failure("no_provider", BILLTAP_EPLUGIN, "returned 0 but no provider");
}
END_TEST

START_TEST(an_invalid_provider_is_refused)
{
	ck_assert_int_eq(expect_load_failure("no_stream_free", BILLTAP_EPLUGIN,
	                                     "lacks a required slot"),
	                 1);
	ck_assert_int_eq(expect_load_failure("bad_default", BILLTAP_EPLUGIN,
	                                     "setting page_size has a default outside its type "
	                                     "or bounds"),
	                 1);
}
END_TEST

START_TEST(a_name_already_taken)
{
	ck_assert_int_eq(expect_load_failure("stripe", BILLTAP_EPLUGIN,
	                                     "a provider named stripe is already registered"),
	                 1);
	ck_assert(registered("stripe"));

	/* The same plugin twice: the second fails, the first stays and keeps its payload. */
	test_plugin_probe first, second;
	probe_init(&first, "A");
	probe_init(&second, "B");
	ck_assert_msg(load(NULL, "ok", &first) == 0, "%s", error);
	ck_assert_int_eq(load(NULL, "ok", &second), BILLTAP_EPLUGIN);
	ck_assert_ptr_nonnull(strstr(error, "a provider named testplug is already registered"));
	ck_assert_int_eq(second.destroyed, 1);
	ck_assert_int_eq(first.destroyed, 0);
	ck_assert(is_loaded("ok"));
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_int_eq(first.destroyed, 1);
	ck_assert(!is_loaded("ok"));
}
END_TEST

START_TEST(null_and_garbage_arguments)
{
	const char *name = "untouched";
	ck_assert_int_eq(billtap_provider_load(&name, NULL, error, sizeof error), BILLTAP_EINVAL);
	ck_assert_ptr_null(name);
	ck_assert_str_eq(error, "plugin (none): no path given");
	ck_assert_int_eq(billtap_provider_load(NULL, "", error, sizeof error), BILLTAP_EINVAL);
	/* No buffer, or a buffer of no size: the code alone, nothing written. */
	ck_assert_int_eq(billtap_provider_load(NULL, "/nonexistent/p.so", NULL, 0), BILLTAP_EPLUGIN);
	ck_assert_int_eq(billtap_provider_load(NULL, "/nonexistent/p.so", NULL, 100), BILLTAP_EPLUGIN);
	strcpy(error, "kept");
	ck_assert_int_eq(billtap_provider_load(NULL, "/nonexistent/p.so", error, 0), BILLTAP_EPLUGIN);
	ck_assert_str_eq(error, "kept");
	/* A short buffer gets a cut, terminated message. */
	char small[12];
	memset(small, 'x', sizeof small);
	ck_assert_int_eq(billtap_provider_load(NULL, "/nonexistent/p.so", small, sizeof small),
	                 BILLTAP_EPLUGIN);
	ck_assert_str_eq(small, "plugin /non");

	ck_assert_int_eq(billtap_provider_unregister(NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_provider_unregister(""), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_int_eq(billtap_provider_unregister("nope"), BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_int_eq(billtap_provider_describe(NULL, NULL, NULL, NULL), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_provider_describe(NULL, NULL, NULL, "nope"),
	                 BILLTAP_EUNKNOWN_PROVIDER);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0),
	                 BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, "nope", 0),
	                 BILLTAP_EUNKNOWN_PROVIDER);
	/* Every out-parameter may be NULL. */
	ck_assert_int_eq(billtap_provider_describe(NULL, NULL, NULL, "stripe"), 0);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, "stripe", 0),
	                 0);
	ck_assert_uint_ge(billtap_provider_names(NULL, 0), 2);
	ck_assert_uint_ge(billtap_provider_names(NULL, 5), 2);
}
END_TEST

START_TEST(a_path_without_a_slash_is_in_the_current_directory)
{
	char cwd[PATH_MAX];
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_int_eq(chdir(TEST_PLUGIN_DIR), 0);
	const char *name;
	int rc = billtap_provider_load(&name, "testplug_ok.so", error, sizeof error);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_msg(rc == 0, "%s", error);
	ck_assert_str_eq(name, "testplug");
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
}
END_TEST

/* ---- unregistering while in use ---- */

START_TEST(unregister_while_a_client_is_alive)
{
	test_plugin_probe probe;
	probe_init(&probe, "L");
	ck_assert_msg(load(NULL, "ok", &probe) == 0, "%s", error);
	billtap_client *c = testplug_client("testplug");
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);

	/* Gone for everyone new... */
	ck_assert(!registered("testplug"));
	ck_assert_int_eq(billtap_provider_describe(NULL, NULL, NULL, "testplug"),
	                 BILLTAP_EUNKNOWN_PROVIDER);
	billtap_client *other;
	ck_assert_int_eq(billtap_client_new(&other, "testplug", NULL), BILLTAP_EUNKNOWN_PROVIDER);
	/* ...while the client made before keeps working, payload and all. */
	ck_assert_int_eq(probe.destroyed, 0);
	ck_assert(is_loaded("ok"));
	extract_five(c);
	ck_assert_int_eq(probe.payload_wrong, 0);
	ck_assert_int_eq(probe.destroyed, 0);
	ck_assert(is_loaded("ok"));

	billtap_client_free(c);
	ck_assert_int_eq(probe.destroyed, 1);
	ck_assert(!is_loaded("ok"));
}
END_TEST

START_TEST(an_iterator_outliving_its_client_holds_the_plugin)
{
	test_plugin_probe probe;
	probe_init(&probe, "L");
	ck_assert_msg(load(NULL, "ok", &probe) == 0, "%s", error);
	queue_five();
	billtap_client *c = testplug_client("testplug");
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	billtap_client_free(c);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	expect_five(it);
	ck_assert_int_eq(probe.destroyed, 0);
	ck_assert(is_loaded("ok"));
	billtap_iter_free(it); /* the stream's free is plugin code: it ran before the unload */
	ck_assert_int_eq(probe.destroyed, 1);
	ck_assert(!is_loaded("ok"));
}
END_TEST

START_TEST(reload_after_unregister)
{
	test_plugin_probe probe;
	probe_init(&probe, "L");
	ck_assert_msg(load(NULL, "ok", &probe) == 0, "%s", error);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert(!is_loaded("ok"));

	test_plugin_probe again;
	probe_init(&again, "L");
	const char *name;
	ck_assert_msg(load(&name, "ok", &again) == 0, "%s", error);
	ck_assert_str_eq(name, "testplug");
	billtap_client *c = testplug_client("testplug");
	extract_five(c);
	ck_assert_int_gt(again.payload_seen, 0);
	ck_assert_int_eq(again.payload_wrong, 0);
	billtap_client_free(c);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_int_eq(probe.destroyed, 1);
	ck_assert_int_eq(again.destroyed, 1);
}
END_TEST

START_TEST(reload_while_the_old_registration_is_in_use)
{
	test_plugin_probe old, fresh;
	probe_init(&old, "Old");
	probe_init(&fresh, "New");
	ck_assert_msg(load(NULL, "ok", &old) == 0, "%s", error);
	billtap_client *c_old = testplug_client("testplug");
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_msg(load(NULL, "ok", &fresh) == 0, "%s", error);

	/* Each client sees the payload of the registration it was made from. */
	fake_add(&ft, 200, NULL, page_c5);
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c_old, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	char got[128];
	collect(got, sizeof got, it, 0);
	ck_assert_str_eq(got, "c5/Old c5/1700000005,");
	billtap_iter_free(it);
	billtap_client_free(c_old);
	ck_assert_int_eq(old.destroyed, 1);
	ck_assert_int_eq(fresh.destroyed, 0);
	ck_assert(is_loaded("ok")); /* the new registration still needs it */

	billtap_client *c_new = testplug_client("testplug");
	fake_add(&ft, 200, NULL, page_c5);
	ck_assert_int_eq(billtap_iter_new(&it, c_new, BILLTAP_RESOURCE_CUSTOMERS, NULL), 0);
	collect(got, sizeof got, it, 0);
	ck_assert_str_eq(got, "c5/New c5/1700000005,");
	billtap_iter_free(it);
	billtap_client_free(c_new);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
	ck_assert_int_eq(fresh.destroyed, 1);
	ck_assert(!is_loaded("ok"));
}
END_TEST

/* ---- introspection ---- */

START_TEST(describe_lists_the_provider_then_the_engine)
{
	ck_assert_msg(load(NULL, "ok", NULL) == 0, "%s", error);
	const char *display;
	uint64_t resources = 0, since = 1;
	ck_assert_int_eq(billtap_provider_describe(&display, &resources, &since, "testplug"), 0);
	ck_assert_str_eq(display, "Test Plug");
	ck_assert_uint_eq(resources, BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS));
	ck_assert_uint_eq(since, 0);

	/* The plugin's own settings first, in its order, exactly as it defined them. */
	static const struct {
		const char *name;
		unsigned int flags;
		const char *def, *description;
		int64_t min, max;
	} own[] = {
		{ "api_key", BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED, NULL,
		  "the account's API key", 0, 0 },
		{ "base_url", BILLTAP_SETTING_URL, "https://api.testplug.invalid", "API origin", 0, 0 },
		{ "page_size", BILLTAP_SETTING_INT, "2", "customers per request", 1, 50 },
		{ "archived", BILLTAP_SETTING_BOOL, "false", NULL, 0, 0 },
	};
	size_t i = 0;
	for (; i < sizeof own / sizeof own[0]; i++) {
		const char *name, *def, *description;
		unsigned int flags;
		int64_t min, max;
		ck_assert_int_eq(billtap_provider_setting(&name, &flags, &def, &min, &max, &description,
		                                          "testplug", i),
		                 0);
		ck_assert_str_eq(name, own[i].name);
		ck_assert_uint_eq(flags, own[i].flags);
		ck_assert_pstr_eq(def, own[i].def);
		ck_assert_pstr_eq(description, own[i].description);
		ck_assert_int_eq(min, own[i].min);
		ck_assert_int_eq(max, own[i].max);
	}
	/* Then the engine's, flagged so, the same list for every provider. */
	size_t stripe_own = 0, engine = 0;
	unsigned int flags;
	while (billtap_provider_setting(NULL, &flags, NULL, NULL, NULL, NULL, "stripe", stripe_own) ==
	           0 &&
	       !(flags & BILLTAP_SETTING_ENGINE))
		stripe_own++;
	int seen_timeout = 0;
	for (;; i++, engine++) {
		const char *name, *stripe_name;
		int rc = billtap_provider_setting(&name, &flags, NULL, NULL, NULL, NULL, "testplug", i);
		if (rc == BILLTAP_ITEROVER)
			break;
		ck_assert_int_eq(rc, 0);
		ck_assert_msg(flags & BILLTAP_SETTING_ENGINE, "%s lacks the engine flag", name);
		ck_assert_int_eq(billtap_provider_setting(&stripe_name, NULL, NULL, NULL, NULL, NULL,
		                                          "stripe", stripe_own + engine),
		                 0);
		ck_assert_str_eq(name, stripe_name);
		seen_timeout |= !strcmp(name, "timeout_ms");
	}
	ck_assert(seen_timeout);
	ck_assert_uint_ge(engine, 5);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, "testplug", i),
	                 BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, "testplug",
	                                          (size_t)-1),
	                 BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_provider_setting(NULL, NULL, NULL, NULL, NULL, NULL, "stripe",
	                                          stripe_own + engine),
	                 BILLTAP_ITEROVER);
	ck_assert_int_eq(billtap_provider_unregister("testplug"), 0);
}
END_TEST

START_TEST(describe_a_builtin)
{
	const char *display;
	uint64_t resources, since;
	ck_assert_int_eq(billtap_provider_describe(&display, &resources, &since, "stripe"), 0);
	ck_assert_str_eq(display, "Stripe");
	ck_assert(resources & BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS));
	ck_assert(since & BILLTAP_RESOURCE_BIT(BILLTAP_RESOURCE_CUSTOMERS));
	ck_assert_uint_eq(since & ~resources, 0);
	const char *name;
	unsigned int flags;
	ck_assert_int_eq(billtap_provider_setting(&name, &flags, NULL, NULL, NULL, NULL, "stripe", 0),
	                 0);
	ck_assert_str_eq(name, "api_key");
	ck_assert_uint_eq(flags, BILLTAP_SETTING_SECRET | BILLTAP_SETTING_REQUIRED |
	                             BILLTAP_SETTING_ACCOUNT);
}
END_TEST

Suite *registry_suite(void)
{
	Suite *s = suite_create("registry");
	TCase *tc = tcase_create("registry");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, provider_init_sets_version_and_clears_slots);
	tcase_add_test(tc, register_refuses_what_it_cannot_serve);
	tcase_add_test(tc, register_refuses_settings_a_host_could_not_use);
	tcase_add_test(tc, register_then_unregister_destroys_the_payload_once);
	tcase_add_test(tc, load_registers_and_extracts_with_its_payload);
	tcase_add_test(tc, a_plugin_resumes_from_a_checkpoint);
	tcase_add_test(tc, a_missing_file_is_named);
	tcase_add_test(tc, a_file_that_is_no_shared_object_is_refused);
	tcase_add_test(tc, no_entry_point);
	tcase_add_test(tc, the_entry_point_asks_for_a_newer_library);
	tcase_add_test(tc, a_vtable_newer_than_the_library);
	tcase_add_test(tc, settings_newer_than_the_library);
	tcase_add_test(tc, the_entry_point_fails);
	tcase_add_test(tc, an_invalid_provider_is_refused);
	tcase_add_test(tc, a_name_already_taken);
	tcase_add_test(tc, null_and_garbage_arguments);
	tcase_add_test(tc, a_path_without_a_slash_is_in_the_current_directory);
	tcase_add_test(tc, unregister_while_a_client_is_alive);
	tcase_add_test(tc, an_iterator_outliving_its_client_holds_the_plugin);
	tcase_add_test(tc, reload_after_unregister);
	tcase_add_test(tc, reload_while_the_old_registration_is_in_use);
	tcase_add_test(tc, describe_lists_the_provider_then_the_engine);
	tcase_add_test(tc, describe_a_builtin);
	suite_add_tcase(s, tc);
	return s;
}
