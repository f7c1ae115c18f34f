/* Request building and response reading: what providers and transports see. */
#include <check.h>
#include <string.h>

#include "alloc_fail.h"
#include "billtap/provider_kit.h"
#include "http/http.h"

Suite *http_suite(void);

START_TEST(url_and_query_encoding)
{
	billtap_request req;
	bt_request_init(&req);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://api.stripe.com/", "/v1/customers"), 0);
	ck_assert_int_eq(billtap_request_add_query(&req, "limit", "100"), 0);
	ck_assert_int_eq(billtap_request_add_query(&req, "expand[]", "data.product"), 0);
	ck_assert_int_eq(billtap_request_add_query(&req, "q", "a b&c=d/é"), 0);
	ck_assert_str_eq(billtap_request_url(&req),
	                 "https://api.stripe.com/v1/customers?limit=100&expand%5B%5D=data.product"
	                 "&q=a%20b%26c%3Dd%2F%C3%A9");
	bt_buf d = BT_BUF_INIT;
	bt_request_describe(&req, &d);
	ck_assert_str_eq(d.data, "GET /v1/customers");
	bt_buf_free(&d);
	ck_assert_str_eq(billtap_request_method(&req), "GET");

	/* A base URL with a path prefix (Chargebee's /api/v2) keeps it. */
	ck_assert_int_eq(billtap_request_set_url(&req, "http://127.0.0.1:8080/api/v2", "/customers"), 0);
	ck_assert_str_eq(billtap_request_url(&req), "http://127.0.0.1:8080/api/v2/customers");

	ck_assert_int_eq(billtap_request_set_url(&req, "ftp://x", "/a"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://x", "a"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://", "/a"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://x?y=1", "/a"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://x", "/a\r\nHost: evil"), BILLTAP_EINVAL);
	bt_request_free(&req);
}
END_TEST

START_TEST(next_url_must_stay_on_origin)
{
	billtap_request req;
	bt_request_init(&req);
	const char *base = "https://v3.recurly.com";
	const char *next = "https://v3.recurly.com/accounts?cursor=abc&limit=200";
	ck_assert_int_eq(billtap_request_set_next_url(&req, next, strlen(next), base), 0);
	ck_assert_str_eq(billtap_request_url(&req), next);
	ck_assert_int_eq(billtap_request_add_query(&req, "x", "1"), 0);
	ck_assert_str_eq(billtap_request_url(&req),
	                 "https://v3.recurly.com/accounts?cursor=abc&limit=200&x=1");
	const char *evil[] = { "https://v3.recurly.com.evil.io/accounts", "http://v3.recurly.com/a",
		               "https://v3.recurly.com:444/a", "https://other.com/a", "/relative" };
	for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++)
		ck_assert_msg(billtap_request_set_next_url(&req, evil[i], strlen(evil[i]), base) ==
		                      BILLTAP_EDATA,
		              "%s accepted", evil[i]);
	bt_request_free(&req);
}
END_TEST

START_TEST(auth_headers_and_forms)
{
	billtap_request req;
	bt_request_init(&req);
	billtap_request_set_url(&req, "https://api-m.paypal.com", "/v1/oauth2/token");
	ck_assert_int_eq(billtap_request_set_basic_auth(&req, "client", "s3cret"), 0);
	ck_assert_int_eq(billtap_request_set_method(&req, BILLTAP_HTTP_POST), 0);
	ck_assert_int_eq(billtap_request_add_form(&req, "grant_type", "client_credentials"), 0);
	ck_assert_int_eq(billtap_request_add_form(&req, "scope", "a b"), 0);
	const char *n, *v;
	ck_assert_uint_eq(billtap_request_header_count(&req), 2);
	billtap_request_header(&n, &v, &req, 0);
	ck_assert_str_eq(n, "Authorization");
	ck_assert_str_eq(v, "Basic Y2xpZW50OnMzY3JldA==");
	billtap_request_header(&n, &v, &req, 1);
	ck_assert_str_eq(n, "Content-Type");
	ck_assert_str_eq(v, "application/x-www-form-urlencoded");
	size_t len;
	ck_assert_str_eq(billtap_request_body(&req, &len), "grant_type=client_credentials&scope=a%20b");
	ck_assert_str_eq(billtap_request_method(&req), "POST");
	ck_assert_int_eq(billtap_request_header(&n, &v, &req, 2), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_add_header(&req, "X-Bad", "a\r\nb"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_add_header(&req, "Bad Name", "x"), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_request_set_basic_auth(&req, "a:b", "c"), BILLTAP_EINVAL);

	/* A JSON body replaces the form and its content type. */
	ck_assert_int_eq(billtap_request_set_body(&req, "application/json", "{}", 2), 0);
	billtap_request_header(&n, &v, &req, 1);
	ck_assert_str_eq(v, "application/json");
	ck_assert_str_eq(billtap_request_body(&req, &len), "{}");
	bt_request_free(&req);
}
END_TEST

START_TEST(response_headers)
{
	billtap_response resp;
	bt_response_init(&resp);
	ck_assert_int_eq(billtap_response_set_status(&resp, 42), BILLTAP_EINVAL);
	ck_assert_int_eq(billtap_response_set_status(&resp, 429), 0);
	billtap_response_add_header(&resp, "Retry-After", 11, "  7 \r\n", 6);
	billtap_response_add_header(&resp, "request-id", 10, "req_1", 5);
	ck_assert_str_eq(billtap_response_header(&resp, "retry-after"), "7");
	ck_assert_str_eq(billtap_response_header(&resp, "Request-Id"), "req_1");
	ck_assert_ptr_null(billtap_response_header(&resp, "X-None"));
	size_t len;
	ck_assert_str_eq(billtap_response_body(&resp, &len), "");
	ck_assert_uint_eq(len, 0);
	billtap_response_append_body(&resp, "ab", 2);
	billtap_response_append_body(&resp, "c", 1);
	ck_assert_str_eq(billtap_response_body(&resp, &len), "abc");
	ck_assert_int_eq(billtap_response_status(&resp), 429);
	bt_response_free(&resp);
}
END_TEST

START_TEST(url_encode_bounds)
{
	char out[8];
	ck_assert_int_eq(billtap_url_encode(out, sizeof out, "a~b", 3), 3);
	ck_assert_str_eq(out, "a~b");
	ck_assert_int_eq(billtap_url_encode(out, sizeof out, "\xff\xff", 2), 6);
	ck_assert_str_eq(out, "%FF%FF");
	ck_assert_int_eq(billtap_url_encode(out, sizeof out, "   ", 3), BILLTAP_EINVAL);
}
END_TEST

/* billtap_response_parse() reports running out of memory as BILLTAP_ENOMEM (calling again
 * may work), never as BILLTAP_EPARSE (the answer is not JSON: calling again cannot help):
 * every allocation of the parse failed in turn, on an answer the engine did not parse
 * first (the engine's own parse, when it runs out, leaves the parse to this one). */
START_TEST(response_parse_out_of_memory_is_enomem)
{
	static const char body[] =
		"{\"data\":[{\"id\":\"a\",\"n\":[1,2,3]},{\"id\":\"b\",\"x\":{\"y\":\"z\"}}],\"has_more\":false}";
	billtap_request req;
	billtap_response resp;
	bt_request_init(&req);
	bt_response_init(&resp);
	ck_assert_int_eq(billtap_request_set_url(&req, "https://api.example", "/v1/things"), 0);
	ck_assert_int_eq(billtap_response_set_status(&resp, 200), 0);
	ck_assert_int_eq(billtap_response_append_body(&resp, body, strlen(body)), 0);
	billtap_json *doc = NULL;
	ck_assert_int_eq(billtap_json_new(&doc), 0);
	alloc_fail_arm(0);
	ck_assert_int_eq(billtap_response_parse(doc, &req, &resp, NULL), 0);
	long total = alloc_fail_count();
	alloc_fail_disarm();
	billtap_json_free(doc);
	ck_assert_int_gt(total, 0);
	int enomem = 0;
	for (long n = 1; n <= total; n++) {
		ck_assert_int_eq(billtap_json_new(&doc), 0);
		alloc_fail_arm(n);
		int rc = billtap_response_parse(doc, &req, &resp, NULL);
		alloc_fail_disarm();
		/* ENOMEM, or the parse did without that allocation */
		ck_assert_msg(rc == BILLTAP_ENOMEM || rc == 0, "allocation %ld of %ld failed: %d", n,
		              total, rc);
		enomem += rc == BILLTAP_ENOMEM;
		if (rc == BILLTAP_ENOMEM)
			rc = billtap_response_parse(doc, &req, &resp, NULL);
		ck_assert_int_eq(rc, 0);
		ck_assert_uint_eq(billtap_json_count(doc, billtap_json_get(doc, billtap_json_root(doc), "data")), 2);
		billtap_json_free(doc);
	}
	ck_assert_int_gt(enomem, 0);
	bt_response_free(&resp);
	bt_request_free(&req);
}
END_TEST

Suite *http_suite(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("requests");
	tcase_add_test(tc, url_and_query_encoding);
	tcase_add_test(tc, next_url_must_stay_on_origin);
	tcase_add_test(tc, auth_headers_and_forms);
	tcase_add_test(tc, response_headers);
	tcase_add_test(tc, response_parse_out_of_memory_is_enomem);
	tcase_add_test(tc, url_encode_bounds);
	suite_add_tcase(s, tc);
	return s;
}
