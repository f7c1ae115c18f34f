/* Incremental passes of customers, plans and subscriptions from Paddle's event stream
 * (paddle_feed.c, paddle_feed_plans.c) through the scripted transport and a fixed clock:
 * the feed's head, the walk newest first down to the token's event, each entity once at
 * its newest event, plans read back by price and by product, resume inside a pass, and
 * the tokens Paddle's 90 days of events cannot answer. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_fail.h"
#include "testutil.h"

TCase *paddle_feed_tcase(void);
TCase *paddle_feed_walks_tcase(void);

static fake_transport ft;
static int64_t now;

#define DAY 86400
#define T0 1720000000 /* the clock of the first pass */

static int64_t test_clock(void *payload)
{
	return *(int64_t *)payload;
}

static void setup(void)
{
	memset(&ft, 0, sizeof ft);
	now = T0;
}

static void teardown(void)
{
	fake_reset(&ft);
}

static billtap_client *client(void)
{
	billtap_client_options opts = BILLTAP_CLIENT_OPTIONS_INIT;
	opts.transport = &fake_transport_vtable;
	opts.transport_payload = &ft;
	opts.clock = test_clock;
	opts.clock_payload = &now;
	billtap_client *c;
	ck_assert_int_eq(billtap_client_new(&c, "paddle", &opts), 0);
	ck_assert_int_eq(billtap_client_set(c, "retry_base_ms", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "rate_limit", "0"), 0);
	ck_assert_int_eq(billtap_client_set(c, "api_key", "pdl_test_key"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://pd.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	return c;
}

static billtap_iter *start(billtap_client *c, billtap_resource res, const char *token)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	o.checkpoint = token;
	billtap_iter *it = NULL;
	int rc = billtap_iter_new(&it, c, res, &o);
	ck_assert_msg(rc == 0, "iter_new %d: %s", rc, billtap_client_error_message(c));
	return it;
}

/* Up to `limit` records (-1: all) as "id " into out; the last code. */
static int drain(billtap_iter *it, char *out, size_t cap, int limit)
{
	const billtap_record *r;
	int rc = 0, n = 0;
	out[0] = '\0';
	while ((limit < 0 || n < limit) && (rc = billtap_iter_next(&r, it)) == 0) {
		size_t used = strlen(out);
		snprintf(out + used, cap - used, "%s ", billtap_record_id(r));
		n++;
	}
	return rc;
}

static char *token_of(billtap_iter *it)
{
	const char *t;
	ck_assert_int_eq(billtap_iter_sync_token(&t, it), 0);
	return strdup(t);
}

/* The sync token of a full pass with the flag whose feed head is the first event of
 * `head` and whose list is the fixture `list` (one page). */
static char *full_pass(billtap_client *c, billtap_resource res, const char *head, const char *list)
{
	char out[4096];
	fake_add(&ft, 200, NULL, head);
	fake_add_fixture(&ft, 200, NULL, list);
	billtap_iter *it = start(c, res, NULL);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *token = token_of(it);
	billtap_iter_free(it);
	return token;
}

/* The bodies: events pages and customers. */
#define CUSTOMER(id, email)                                                                    \
	"{\"id\":\"" id "\",\"email\":\"" email "\",\"name\":null,\"status\":\"active\","      \
	"\"created_at\":\"2024-01-02T03:04:05.123Z\"}"
#define EVENT(id, type, data)                                                                  \
	"{\"event_id\":\"" id "\",\"event_type\":\"" type "\",\"occurred_at\":"                \
	"\"2024-07-01T00:00:00.5Z\",\"data\":" data "}"
#define PAGE(events, more) "{\"data\":[" events "],\"meta\":{\"pagination\":{\"has_more\":" more "}}}"
#define EMPTY PAGE("", "false")

static const char events_url[] = "http://pd.test/events?event_type=customer.created%2Ccustomer.imported%2C"
                                 "customer.updated&order_by=id%5BDESC%5D&per_page=";

/* A full pass with the flag reads the head first, then the list; the pass of changes walks
 * down to that head and pushes each customer once, from its newest event. */
START_TEST(customers_from_the_event_stream)
{
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_02", "customer.created", CUSTOMER("ctm_b", "b@x.test")), "true"));
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p2.json");
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "new@x.test")) ","
	              EVENT("evt_04", "customer.created", CUSTOMER("ctm_c", "c@x.test")), "true"));
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_03", "customer.created", CUSTOMER("ctm_a", "old@x.test")) ","
	              EVENT("evt_02", "customer.created", CUSTOMER("ctm_b", "b@x.test")), "true"));
	billtap_client *c = client();
	char out[4096];
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *token = token_of(it);
	billtap_iter_free(it);
	char want[512];
	snprintf(want, sizeof want, "%s1", events_url);
	ck_assert_str_eq(ft.urls[0], want);
	ck_assert_str_eq(fake_header(&ft, 0, "Authorization"), "Bearer pdl_test_key");

	now += DAY;
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, token);
	const billtap_record *r;
	ck_assert_int_eq(billtap_iter_next(&r, it), 0);
	ck_assert_str_eq(billtap_record_id(r), "ctm_a");
	/* the newest event's data, not the older one's */
	ck_assert_ptr_nonnull(strstr(billtap_record_json(r, NULL), "new@x.test"));
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "ctm_c ");
	char *next = token_of(it);
	billtap_iter_free(it);
	snprintf(want, sizeof want, "%s200", events_url);
	ck_assert_str_eq(ft.urls[2], want);
	snprintf(want, sizeof want, "%s200&after=evt_04", events_url);
	ck_assert_str_eq(ft.urls[3], want);

	/* the next pass stops at the new head: nothing changed */
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "new@x.test")), "true"));
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, next);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "");
	billtap_iter_free(it);
	ck_assert_uint_eq(ft.calls, 5);

	/* events out of order are not the list asked for */
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_07", "customer.updated", CUSTOMER("ctm_a", "a@x.test")) ","
	              EVENT("evt_08", "customer.updated", CUSTOMER("ctm_b", "b@x.test")), "false"));
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, next);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "descending id order"));
	billtap_iter_free(it);
	free(token);
	free(next);
	billtap_client_free(c);
}
END_TEST

/* Subscriptions: their own event types; an event of another type is not the feed asked
 * for. */
START_TEST(subscriptions_and_other_event_types)
{
	billtap_client *c = client();
	char out[2048];
	billtap_iter *it;
	fake_add(&ft, 200, NULL, EMPTY); /* an empty feed's head: the token has no event */
	fake_add_fixture(&ft, 200, NULL, "paddle/subscriptions.json");
	it = start(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, NULL);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *token = token_of(it);
	billtap_iter_free(it);
	ck_assert_ptr_nonnull(strstr(ft.urls[0], "event_type=subscription.activated%2Csubscription.canceled%2C"));
	ck_assert_ptr_nonnull(strstr(ft.urls[0], "subscription.trialing%2Csubscription.updated&"));

	/* from an empty feed, every event listed is new; the walk ends at the list's end */
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_09", "customer.updated", "{\"id\":\"ctm_x\"}"), "false"));
	it = start(c, BILLTAP_RESOURCE_SUBSCRIPTIONS, token);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_EDATA);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "not asked for"));
	billtap_iter_free(it);

	free(token);
	billtap_client_free(c);
}
END_TEST

/* A token whose pass began more than 89 days ago is refused before any request; a walk
 * that ends without meeting the token's event (Paddle no longer lists it) is refused too:
 * both ask for a full pass. */
START_TEST(tokens_past_the_events_retention_need_a_full_pass)
{
	billtap_client *c = client();
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.flags = BILLTAP_ITER_INCREMENTAL;
	billtap_iter *it;
	char out[1024];
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_02", "customer.created", CUSTOMER("ctm_b", "b@x.test")), "false"));
	fake_add_fixture(&ft, 200, NULL, "paddle/customers_p2.json");
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, NULL);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	char *token = token_of(it);
	billtap_iter_free(it);

	now = T0 + 90 * DAY;
	o.checkpoint = token;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "a full pass is needed"));
	ck_assert_uint_eq(ft.calls, 2);

	now = T0 + 89 * DAY;
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "a@x.test")), "false"));
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, token);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ECHECKPOINT);
	ck_assert_ptr_nonnull(strstr(billtap_client_error_message(c), "evt_02 is no longer in Paddle's event list"));
	billtap_iter_free(it);

	free(token);
	billtap_client_free(c);
}
END_TEST

/* A checkpoint inside a pass of changes resumes it exactly: the resumed walk starts at the
 * feed's head again, leaves out the events newer than the pass's head, rebuilds which
 * customers went out from the events above the checkpoint, and goes on below it. */
START_TEST(resume_inside_a_pass_of_changes)
{
	billtap_client *c = client();
	char out[2048];
	const char *cp;
	char *token = full_pass(c, BILLTAP_RESOURCE_CUSTOMERS,
	                        PAGE(EVENT("evt_01", "customer.created", CUSTOMER("ctm_z", "z@x.test")), "true"),
	                        "paddle/customers_p2.json");
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "a2@x.test")) ","
	              EVENT("evt_04", "customer.created", CUSTOMER("ctm_c", "c@x.test")), "true"));
	billtap_iter *it = start(c, BILLTAP_RESOURCE_CUSTOMERS, token); /* stopped after the first page */
	ck_assert_int_eq(drain(it, out, sizeof out, 2), 0);
	ck_assert_str_eq(out, "ctm_a ctm_c ");
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);

	/* a new change on top (evt_06): not this pass's; evt_05..04 only rebuild what went out */
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_06", "customer.updated", CUSTOMER("ctm_b", "b2@x.test")) ","
	              EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "a2@x.test")), "true"));
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_04", "customer.created", CUSTOMER("ctm_c", "c@x.test")) ","
	              EVENT("evt_03", "customer.created", CUSTOMER("ctm_a", "a1@x.test")), "true"));
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_02", "customer.created", CUSTOMER("ctm_b", "b@x.test")) ","
	              EVENT("evt_01", "customer.created", CUSTOMER("ctm_z", "z@x.test")), "false"));
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_CUSTOMERS, &o), 0);
	int rc = drain(it, out, sizeof out, -1);
	ck_assert_msg(rc == BILLTAP_ITEROVER, "%d: %s (%s)", rc, billtap_client_error_message(c), out);
	ck_assert_str_eq(out, "ctm_b ");
	char *next = token_of(it);
	billtap_iter_free(it);
	/* the pass's head (evt_05) is the next token's event: evt_06 comes in the next pass */
	fake_add(&ft, 200, NULL,
	         PAGE(EVENT("evt_06", "customer.updated", CUSTOMER("ctm_b", "b2@x.test")) ","
	              EVENT("evt_05", "customer.updated", CUSTOMER("ctm_a", "a2@x.test")), "true"));
	it = start(c, BILLTAP_RESOURCE_CUSTOMERS, next);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "ctm_b ");
	billtap_iter_free(it);
	free(next);
	free(token);
	free(saved);
	billtap_client_free(c);
}
END_TEST

#define PLANS_WALK                                                                                  \
	PAGE(EVENT("evt_06", "product.updated", "{\"id\":\"pro_01gsz4s0w61y0pp88528f1wvvb\"}") ","             \
	     EVENT("evt_05", "price.updated", "{\"id\":\"pri_01hw0jpyarchivedquarterly0\"}") ","               \
	     EVENT("evt_04", "price.created", "{\"id\":\"pri_01hv0vax6rv18t4tamj848ne4d\"}") ","               \
	     EVENT("evt_03", "product.updated", "{\"id\":\"pro_01gsz4t5hdjse780zja8vvr7jg\"}") ","             \
	     EVENT("evt_02", "price.updated", "{\"id\":\"pri_01hv0vax6rv18t4tamj848ne4d\"}") ","               \
	     EVENT("evt_01", "price.updated", "{\"id\":\"pri_01hv0vax6rv18t4tamj848ne4d\"}"), "true")

/* Plans: the walk collects the changed prices and products; the prices are read by id,
 * then the products' prices (leaving out those read by id), with the full pass's
 * parameters; a checkpoint inside the read-back resumes it exactly. */
START_TEST(plans_read_back_by_price_and_by_product)
{
	billtap_client *c = client();
	char out[2048];
	char *token = full_pass(c, BILLTAP_RESOURCE_PLANS,
	                        PAGE(EVENT("evt_01", "price.updated", "{\"id\":\"pri_01hv0vax6rv18t4tamj848ne4d\"}"), "true"),
	                        "paddle/prices_p2.json");
	fake_add(&ft, 200, NULL, PLANS_WALK);
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p1.json");
	fake_add(&ft, 200, NULL, EMPTY);
	billtap_iter *it = start(c, BILLTAP_RESOURCE_PLANS, token);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "pri_01hv0vax6rv18t4tamj848ne4d pri_01hw0jpyarchivedquarterly0 pri_01gsz8x8sawmvhz1pv30nge1ke "
	                      "pri_01gsz8s48pyr4mbhvv2xfggesg pri_01gsz8ntc6z7npqqp6j4ys0w1w ");
	const char *next;
	ck_assert_int_eq(billtap_iter_sync_token(&next, it), 0);
	ck_assert_ptr_nonnull(next);
	ck_assert_str_eq(ft.urls[2], "http://pd.test/events?event_type=price.created%2Cprice.imported%2Cprice.updated%2C"
	                             "product.created%2Cproduct.imported%2Cproduct.updated&order_by=id%5BDESC%5D&per_page=200");
	ck_assert_str_eq(ft.urls[3], "http://pd.test/prices?id=pri_01hw0jpyarchivedquarterly0%2Cpri_01hv0vax6rv18t4tamj848ne4d"
	                             "&per_page=200&order_by=id%5BASC%5D&status=active%2Carchived&recurring=true"
	                             "&include=product");
	ck_assert_str_eq(ft.urls[4], "http://pd.test/prices?product_id=pro_01gsz4s0w61y0pp88528f1wvvb%2C"
	                             "pro_01gsz4t5hdjse780zja8vvr7jg&per_page=200&order_by=id%5BASC%5D"
	                             "&status=active%2Carchived&recurring=true&include=product");
	ck_assert_str_eq(ft.urls[5], "http://pd.test/prices?product_id=pro_01gsz4s0w61y0pp88528f1wvvb%2C"
	                             "pro_01gsz4t5hdjse780zja8vvr7jg&per_page=200&order_by=id%5BASC%5D"
	                             "&status=active%2Carchived&recurring=true&include=product"
	                             "&after=pri_01gsz8ntc6z7npqqp6j4ys0w1w");
	billtap_iter_free(it);

	/* stopped after the first plan, resumed: the walk again (the same events), then the
	 * read-back from its start, the plan the host had skipped */
	fake_add(&ft, 200, NULL, PLANS_WALK);
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p2.json");
	it = start(c, BILLTAP_RESOURCE_PLANS, token);
	ck_assert_int_eq(drain(it, out, sizeof out, 1), 0);
	const char *cp;
	ck_assert_int_eq(billtap_iter_checkpoint(&cp, it), 0);
	char *saved = strdup(cp);
	billtap_iter_free(it);
	/* a price changed since (evt_07): the next pass's, not this one's */
	fake_add(&ft, 200, NULL, PAGE(EVENT("evt_07", "price.updated", "{\"id\":\"pri_01gsz8x8sawmvhz1pv30nge1ke\"}"), "true"));
	fake_add(&ft, 200, NULL, PLANS_WALK);
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p2.json");
	fake_add_fixture(&ft, 200, NULL, "paddle/prices_p1.json");
	fake_add(&ft, 200, NULL, EMPTY);
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = saved;
	ck_assert_int_eq(billtap_iter_new(&it, c, BILLTAP_RESOURCE_PLANS, &o), 0);
	ck_assert_int_eq(drain(it, out, sizeof out, -1), BILLTAP_ITEROVER);
	ck_assert_str_eq(out, "pri_01hw0jpyarchivedquarterly0 pri_01gsz8x8sawmvhz1pv30nge1ke "
	                      "pri_01gsz8s48pyr4mbhvv2xfggesg pri_01gsz8ntc6z7npqqp6j4ys0w1w ");
	/* the read-back asked for the same chunk as before: the ids of the walk down from evt_06 */
	ck_assert_str_eq(ft.urls[ft.calls - 3], ft.urls[3]);
	billtap_iter_free(it);
	free(saved);
	free(token);
	billtap_client_free(c);
}
END_TEST

TCase *paddle_feed_tcase(void)
{
	TCase *tc = tcase_create("feed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, customers_from_the_event_stream);
	tcase_add_test(tc, subscriptions_and_other_event_types);
	tcase_add_test(tc, tokens_past_the_events_retention_need_a_full_pass);
	tcase_add_test(tc, resume_inside_a_pass_of_changes);
	tcase_add_test(tc, plans_read_back_by_price_and_by_product);
	return tc;
}

/* ---- every allocation of the event-stream passes failed in turn, the failed call made
 * again (tests/common/alloc_fail.h) ---- */

/* customers: the feed's head, the list; from the token, the walk down to the head */
static const fixture_route walk_customers[] = {
	{ "/events?", "per_page", "1", "paddle/events_head.json" },
	{ "/events?", NULL, NULL, "paddle/events_customers.json" },
	{ "/customers?", NULL, NULL, "paddle/customers_p2.json" },
};
/* plans: the walk finds a product and a price changed; the price read by id, the
 * product's prices (the price again, left out) */
static const fixture_route walk_plans[] = {
	{ "/events?", "per_page", "1", "paddle/events_head_plans.json" },
	{ "/events?", NULL, NULL, "paddle/events_plans.json" },
	{ "/prices?", "id", "pri_01hw0jpyarchivedquarterly0", "paddle/prices_by_id.json" },
	{ "/prices?", NULL, NULL, "paddle/prices_p2.json" },
};
/* a walk that ends without meeting the token's event */
static const fixture_route walk_gap[] = {
	{ "/events?", "per_page", "1", "paddle/events_head.json" },
	{ "/events?", NULL, NULL, "paddle/events_gap.json" },
	{ "/customers?", NULL, NULL, "paddle/customers_p2.json" },
};

static const alloc_walk_case walk_cases[] = {
	{ "customers: full pass with the flag", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_customers), NULL,
	  BILLTAP_ITER_INCREMENTAL, NULL, 0, 3, 0 },
	{ "customers: changes from the token", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_customers), NULL, 0,
	  NULL, 1, 2, 0 },
	{ "plans: changes from the token", BILLTAP_RESOURCE_PLANS, ALLOC_ROUTES(walk_plans), NULL, 0, NULL, 1, 2, 0 },
	{ "customers: the token's event gone", BILLTAP_RESOURCE_CUSTOMERS, ALLOC_ROUTES(walk_gap), NULL, 0, NULL, 1,
	  0, BILLTAP_ECHECKPOINT },
};
static const char *const walk_settings[] = { "api_key", "pdl_test_key", "base_url", "http://pd.test",
	                                     "allow_insecure_http", "1", "max_retries", "0", NULL };
static const alloc_walk_spec paddle_walks = { "paddle", walk_settings, walk_cases,
	                                      sizeof walk_cases / sizeof walk_cases[0] };

TCase *paddle_feed_walks_tcase(void)
{
	return alloc_walk_tcase(&paddle_walks);
}
