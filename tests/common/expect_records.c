/* Iterating a resource and comparing every record with the expected JSON, in order. */
#include <check.h>
#include <string.h>

#include "testutil.h"

void expect_records(billtap_client *c, billtap_resource res, const billtap_iter_options *o,
                    const char *const *want, size_t n)
{
	billtap_iter *it;
	ck_assert_msg(billtap_iter_new(&it, c, res, o) == 0, "%s", billtap_client_error_message(c));
	const billtap_record *r;
	size_t i = 0;
	int rc;
	while ((rc = billtap_iter_next(&r, it)) == 0) {
		ck_assert_msg(i < n, "unexpected extra record %s", billtap_record_id(r));
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char why[512] = "";
		ck_assert_msg(json_equal(json, len, want[i], strlen(want[i]), why, sizeof why),
		              "record %zu: %s\ngot  %s\nwant %s", i, why, json, want[i]);
		i++;
	}
	ck_assert_msg(rc == BILLTAP_ITEROVER, "rc %d: %s", rc, billtap_client_error_message(c));
	ck_assert_uint_eq(i, n);
	billtap_iter_free(it);
}
