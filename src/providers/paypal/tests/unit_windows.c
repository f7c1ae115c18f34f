/*
 * Transaction-search windows in flight together (paypal_search.c): over a transport that
 * finishes transfers out of order, a generated world of search rows comes out as the
 * transactions its rows say, in time order, each once, and exactly as one request at a
 * time gives them; resuming from a checkpoint taken while later windows were in flight
 * gives the rest; windows too large are split while others are out; and every allocation
 * failure with three windows out, through one request at a time and through transfers
 * finishing newest first, retries to the same records.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_fail.h"
#include "testutil.h"

void paypal_window_tests(Suite *s);
void search_range(const char *url, int64_t *from, int64_t *to); /* unit.c */

/* The world: ROWS search rows over the 100 days before the data lag, oldest first.
 * Every fifth transaction has a denied row and then a settled twin (the settled one
 * wins), every seventh a pending row and then a denied twin (the pending one wins). */
#define ROWS_MAX 64
#define HISTORY_DAYS 100
#define PAGE_SIZE 3

typedef struct world_row {
	char id[16];
	int64_t at;
	char status; /* S, P, D */
} world_row;

static world_row rows[ROWS_MAX];
static size_t row_count;
static int64_t history_start, refreshed;
static size_t too_large_over; /* a search matching more rows is RESULTSET_TOO_LARGE; 0: never */
static fake_async wa;

static void world_init(void)
{
	int64_t now = (int64_t)time(NULL);
	history_start = now - HISTORY_DAYS * 86400;
	refreshed = now - 3 * 3600 - 60; /* PayPal's data ends a little before our lag */
	row_count = 0;
	for (int i = 0; i < 40; i++) {
		world_row *r = &rows[row_count++];
		snprintf(r->id, sizeof r->id, "TX-%02d", i);
		r->at = history_start + 3600 + (int64_t)i * 216000; /* 2.5 days apart */
		r->status = i % 7 == 3 ? 'P' : i % 5 == 1 ? 'D' : 'S';
		if (i % 5 == 1 || i % 7 == 3) {
			rows[row_count] = *r;
			rows[row_count++].status = i % 7 == 3 ? 'D' : 'S';
		}
	}
}

static int64_t query_int(const char *url, const char *name)
{
	const char *p = strstr(url, name);
	ck_assert_ptr_nonnull(p);
	return strtoll(p + strlen(name), NULL, 10);
}

/* Three payers take turns; a fourth pays in the middle and in the last window (one page,
 * read before the windows before it). Each row gives its payer another email: the first
 * one wins. */
static int payer_of(const world_row *r)
{
	size_t i = (size_t)(r - rows);
	return i == row_count / 2 || i == row_count - 1 ? 3 : (int)(i % 3);
}

static void put_row(char *out, size_t cap, const world_row *r)
{
	char at[40];
	struct tm tm;
	time_t t = (time_t)r->at;
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%S+0000", &tm);
	size_t len = strlen(out);
	snprintf(out + len, cap - len,
	         "%s{\"transaction_info\":{\"paypal_account_id\":\"PAYER%d\",\"transaction_id\":\"%s\","
	         "\"transaction_event_code\":\"T0006\",\"transaction_initiation_date\":\"%s\","
	         "\"transaction_updated_date\":\"%s\",\"transaction_amount\":{\"currency_code\":"
	         "\"USD\",\"value\":\"%d.00\"},\"transaction_status\":\"%c\"},"
	         "\"payer_info\":{\"account_id\":\"PAYER%d\",\"email_address\":\"row%d@example.com\"}}",
	         len && out[len - 1] == '}' ? "," : "", payer_of(r), r->id, at, at, (int)(r - rows) + 1,
	         r->status, payer_of(r), (int)(r - rows));
}

/* Serves the token and the search like PayPal's (inclusive bounds, pages of the rows in
 * time order, at most too_large_over rows a search). */
static void world_answer(fake_answer *out, const char *url, int nth, void *payload)
{
	(void)nth;
	(void)payload;
	out->status = 200;
	if (strstr(url, "/v1/oauth2/token")) {
		snprintf(out->body, sizeof out->body,
		         "{\"access_token\":\"A21AAwindows\",\"token_type\":\"Bearer\",\"expires_in\":32400}");
		return;
	}
	ck_assert_ptr_nonnull(strstr(url, "/v1/reporting/transactions?"));
	int64_t from, to, page = query_int(url, "&page="), size = query_int(url, "page_size=");
	search_range(url, &from, &to);
	ck_assert_int_le(to - from, 31 * 86400);
	size_t match[ROWS_MAX], n = 0;
	for (size_t i = 0; i < row_count; i++)
		if (rows[i].at >= from && rows[i].at <= to)
			match[n++] = i;
	if (too_large_over && n > too_large_over) {
		out->status = 400;
		snprintf(out->body, sizeof out->body,
		         "{\"name\":\"RESULTSET_TOO_LARGE\",\"message\":\"Result set size is greater than "
		         "the maximum limit.\",\"debug_id\":\"f1d2\"}");
		return;
	}
	int64_t pages = ((int64_t)n + size - 1) / size;
	char last[40];
	billtap_time_format(last, sizeof last, refreshed);
	snprintf(out->body, sizeof out->body, "{\"transaction_details\":[");
	for (int64_t i = (page - 1) * size; i < page * size && i < (int64_t)n; i++)
		put_row(out->body, sizeof out->body, &rows[match[i]]);
	size_t len = strlen(out->body);
	snprintf(out->body + len, sizeof out->body - len,
	         "],\"account_number\":\"X\",\"last_refreshed_datetime\":\"%s\",\"page\":%lld,"
	         "\"total_items\":%zu,\"total_pages\":%lld,\"links\":[]}",
	         last, (long long)page, n, (long long)pages);
}

static billtap_client *world_client(fake_order order, uint64_t seed, const char *in_flight)
{
	memset(&wa, 0, sizeof wa);
	wa.handler = world_answer;
	wa.order = order;
	wa.seed = seed;
	billtap_client *c = fake_async_client(&wa, "paypal");
	char start[40], size[8];
	billtap_time_format(start, sizeof start, history_start);
	snprintf(size, sizeof size, "%d", PAGE_SIZE);
	ck_assert_int_eq(billtap_client_set(c, "client_id", "cid"), 0);
	ck_assert_int_eq(billtap_client_set(c, "client_secret", "s3cret-value"), 0);
	ck_assert_int_eq(billtap_client_set(c, "base_url", "http://paypal.test"), 0);
	ck_assert_int_eq(billtap_client_set(c, "allow_insecure_http", "1"), 0);
	ck_assert_int_eq(billtap_client_set(c, "history_start", start), 0);
	ck_assert_int_eq(billtap_client_set(c, "page_size", size), 0);
	ck_assert_int_eq(billtap_client_set(c, "max_in_flight", in_flight), 0);
	return c;
}

/* What the rows say, from the rows: one transaction per id in the order ids first come,
 * the most settled row's status (S, then P, then D; the first of equals). */
static size_t expected(char ids[][16], char *status)
{
	size_t n = 0;
	for (size_t i = 0; i < row_count; i++) {
		size_t j = 0;
		while (j < n && strcmp(ids[j], rows[i].id) != 0)
			j++;
		static const char rank[] = "DPS";
		if (j == n) {
			memcpy(ids[n], rows[i].id, sizeof rows[i].id);
			status[n++] = rows[i].status;
		} else if (strchr(rank, rows[i].status) > strchr(rank, status[j])) {
			status[j] = rows[i].status;
		}
	}
	return n;
}

/* Reads `res` from `checkpoint` (NULL: the start): every record's JSON into out (n at most
 * cap), stopping after `stop` records (0: the end) with their checkpoint in *cp. */
static size_t read_resource(char **out, size_t cap, billtap_client *c, billtap_resource res,
                            const char *checkpoint, size_t stop, char **cp)
{
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = checkpoint;
	billtap_iter *it;
	ck_assert_int_eq(billtap_iter_new(&it, c, res, &o), 0);
	size_t n = 0;
	const billtap_record *r;
	int rc;
	while ((!stop || n < stop) && (rc = billtap_iter_next(&r, it)) == 0) {
		ck_assert_uint_lt(n, cap);
		size_t len;
		out[n++] = strdup(billtap_record_json(r, &len));
	}
	if (!stop)
		ck_assert_int_eq(rc, BILLTAP_ITEROVER);
	if (cp) {
		const char *token;
		ck_assert_int_eq(billtap_iter_checkpoint(&token, it), 0);
		*cp = strdup(token);
	}
	billtap_iter_free(it);
	return n;
}

static size_t read_all(char **out, size_t cap, billtap_client *c, const char *checkpoint,
                       size_t stop, char **cp)
{
	return read_resource(out, cap, c, BILLTAP_RESOURCE_TRANSACTIONS, checkpoint, stop, cp);
}

static void free_all(char **recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i]);
}

/* Records from..from+n are the expected transactions: their ids and the winning rows'
 * statuses; `to_end`: and no more follow. */
static void check_records(char **got, size_t n, size_t from, int to_end)
{
	char ids[ROWS_MAX][16], status[ROWS_MAX];
	size_t want = expected(ids, status);
	ck_assert_uint_le(from + n, want);
	if (to_end)
		ck_assert_uint_eq(from + n, want);
	for (size_t i = 0; i < n; i++) {
		char id[40], st[40];
		snprintf(id, sizeof id, "\"id\":\"%s\"", ids[from + i]);
		snprintf(st, sizeof st, "\"provider_status\":\"%c\"", status[from + i]);
		ck_assert_msg(strstr(got[i], id) && strstr(got[i], st), "record %zu: %s, want %s %s",
		              from + i, got[i], id, st);
	}
}

/* How many search requests started so far ask for a window starting after `after`. */
static int searches_after(int64_t after)
{
	int n = 0;
	for (size_t i = 0; i < wa.calls; i++) {
		int64_t from, to;
		if (!strstr(wa.urls[i], "/v1/reporting/transactions"))
			continue;
		search_range(wa.urls[i], &from, &to);
		n += from > after;
	}
	return n;
}

/* Whether a window was asked for before the window before it was read to its end: the
 * first request of some window started before the last request of an earlier one. */
static int windows_overlapped(void)
{
	int64_t last_start = INT64_MIN;
	size_t last_of_earlier = 0; /* start number of the latest request of earlier windows */
	for (size_t i = 0; i < wa.calls; i++) {
		int64_t from, to;
		if (!strstr(wa.urls[i], "/v1/reporting/transactions"))
			continue;
		search_range(wa.urls[i], &from, &to);
		if (from > last_start) {
			last_start = from;
			for (size_t j = i + 1; j < wa.calls; j++) {
				int64_t f, t;
				if (strstr(wa.urls[j], "/v1/reporting/transactions")) {
					search_range(wa.urls[j], &f, &t);
					if (f < from)
						last_of_earlier = j;
				}
			}
			if (last_of_earlier > i)
				return 1;
		}
	}
	return 0;
}

/* 0: the last started first; 1-4: random orders; with (_i >= 5) windows split. */
START_TEST(windows_in_flight_hand_over_in_order)
{
	world_init();
	too_large_over = _i >= 5 ? 5 : 0;
	fake_order order = _i % 5 == 0 ? FAKE_LAST_FIRST : FAKE_RANDOM;
	char *one[ROWS_MAX], *many[ROWS_MAX];
	billtap_client *c = world_client(order, 1, "1");
	size_t n1 = read_all(one, ROWS_MAX, c, NULL, 0, NULL);
	ck_assert_uint_eq(wa.max_running, 1);
	ck_assert(!windows_overlapped());
	billtap_client_free(c);
	fake_async_reset(&wa);
	check_records(one, n1, 0, 1);

	c = world_client(order, (uint64_t)_i, "8");
	size_t n8 = read_all(many, ROWS_MAX, c, NULL, 0, NULL);
	ck_assert_uint_ge(wa.max_running, 4); /* windows and pages side by side */
	ck_assert(windows_overlapped());
	billtap_client_free(c);
	fake_async_reset(&wa);
	ck_assert_uint_eq(n8, n1);
	for (size_t i = 0; i < n1; i++)
		ck_assert_str_eq(many[i], one[i]); /* exactly what one at a time gives */
	free_all(one, n1);
	free_all(many, n8);
}
END_TEST

/* Customers: each payer's email is its first row's, with windows in flight as with one
 * request at a time (the payers learn from windows in order). */
START_TEST(payers_keep_their_first_rows_values_with_windows_in_flight)
{
	world_init();
	too_large_over = 0;
	char *one[8], *many[8];
	billtap_client *c = world_client(FAKE_RANDOM, 3, "1");
	size_t n1 = read_resource(one, 8, c, BILLTAP_RESOURCE_CUSTOMERS, NULL, 0, NULL);
	billtap_client_free(c);
	fake_async_reset(&wa);
	c = world_client(_i ? FAKE_RANDOM : FAKE_LAST_FIRST, (uint64_t)_i + 7, "8");
	size_t n8 = read_resource(many, 8, c, BILLTAP_RESOURCE_CUSTOMERS, NULL, 0, NULL);
	ck_assert(windows_overlapped());
	billtap_client_free(c);
	fake_async_reset(&wa);
	ck_assert_uint_eq(n1, 4);
	ck_assert_uint_eq(n8, 4);
	for (size_t i = 0; i < n1; i++) {
		/* Payers in id order; PAYERk's first row is row k, PAYER3's the middle one. */
		char want[64];
		snprintf(want, sizeof want, "\"email\":\"row%zu@example.com\"",
		         i == 3 ? row_count / 2 : i);
		ck_assert_msg(strstr(one[i], want), "%s: want %s", one[i], want);
		ck_assert_str_eq(many[i], one[i]);
	}
	free_all(one, n1);
	free_all(many, n8);
}
END_TEST

/* A checkpoint after every record, taken while later windows were already asked for,
 * resumes to exactly the rest. */
START_TEST(checkpoint_with_later_windows_in_flight_resumes_exactly)
{
	world_init();
	too_large_over = _i ? 5 : 0;
	char ids[ROWS_MAX][16], status[ROWS_MAX];
	size_t total = expected(ids, status), ahead = 0;
	for (size_t k = 1; k < total; k++) {
		char *head[ROWS_MAX], *rest[ROWS_MAX], *cp;
		billtap_client *c = world_client(FAKE_RANDOM, k, "8");
		ck_assert_uint_eq(read_all(head, ROWS_MAX, c, NULL, k, &cp), k);
		/* The k-th record's time, from the world: were later windows out already? */
		int64_t at = 0;
		for (size_t i = 0; i < row_count; i++)
			if (strcmp(rows[i].id, ids[k - 1]) == 0)
				at = rows[i].at;
		ahead += searches_after(at + 31 * 86400) > 0;
		size_t n = read_all(rest, ROWS_MAX, c, cp, 0, NULL);
		check_records(head, k, 0, 0);
		check_records(rest, n, k, 1);
		free_all(head, k);
		free_all(rest, n);
		free(cp);
		billtap_client_free(c);
		fake_async_reset(&wa);
	}
	ck_assert_uint_gt(ahead, total / 2);
}
END_TEST

/* Three windows from 70 days ago: the first two pages of recorded rows, the other two
 * windows empty, all three out at once. The routes name the first window by its start,
 * so they are made when the suite is. */
static char walk_history[40], walk_first_window[96];
static const char *const walk_settings[] = { "client_id", "cid", "client_secret", "s3cret-value",
	                                     "base_url", "http://paypal.test",
	                                     "allow_insecure_http", "1", "history_start",
	                                     walk_history, NULL };
static const fixture_route walk_windows[] = {
	{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
	{ walk_first_window, "page", "1", "paypal/search_p1.json" },
	{ walk_first_window, "page", "2", "paypal/search_p2.json" },
	{ "/v1/reporting/transactions?", NULL, NULL, "paypal/search_empty.json" },
};
static const fixture_route walk_windows_refused[] = {
	{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
	{ walk_first_window, "page", "1", "paypal/search_p1.json" },
	{ walk_first_window, "page", "2", "paypal/range_error.json" },
	{ "/v1/reporting/transactions?", NULL, NULL, "paypal/search_empty.json" },
};
static const int walk_windows_refused_status[] = { 0, 0, 400, 0 };
/* Customers: the payers of the rows and of the subscriptions the rows name. */
static const fixture_route walk_windows_payers[] = {
	{ "/v1/oauth2/token", NULL, NULL, "paypal/token.json" },
	{ walk_first_window, "page", "1", "paypal/search_p1.json" },
	{ walk_first_window, "page", "2", "paypal/search_p2.json" },
	{ "/v1/reporting/transactions?", NULL, NULL, "paypal/search_empty.json" },
	{ "/v1/billing/plans/P-1", NULL, NULL, "paypal/plan_P-1.json" },
	{ "/v1/billing/subscriptions/I-SUB1", NULL, NULL, "paypal/sub_I-SUB1.json" },
	{ "/v1/billing/subscriptions/I-SUB2", NULL, NULL, "paypal/sub_I-SUB2.json" },
};
static const alloc_walk_case walk_cases[] = {
	{ "transactions, three windows out", BILLTAP_RESOURCE_TRANSACTIONS,
	  ALLOC_ROUTES(walk_windows), NULL, 0, NULL, 0, 6, 0 },
	{ "customers, three windows out", BILLTAP_RESOURCE_CUSTOMERS,
	  ALLOC_ROUTES(walk_windows_payers), NULL, 0, NULL, 0, 4, 0 },
	{ "a window's second page refused while later windows are out",
	  BILLTAP_RESOURCE_TRANSACTIONS, ALLOC_ROUTES(walk_windows_refused),
	  walk_windows_refused_status, 0, NULL, 0, 0, BILLTAP_EREQUEST },
};
static const alloc_walk_spec walk_spec = { "paypal", walk_settings, walk_cases,
	                                   sizeof walk_cases / sizeof walk_cases[0] };

static TCase *window_walks(void)
{
	int64_t history = (int64_t)time(NULL) / 3600 * 3600 - 70 * 86400;
	billtap_time_format(walk_history, sizeof walk_history, history);
	char enc[64];
	if (billtap_url_encode(enc, sizeof enc, walk_history, strlen(walk_history)) < 0)
		enc[0] = '\0'; /* cannot happen; the walks would then fail on duplicate ids */
	snprintf(walk_first_window, sizeof walk_first_window, "start_date=%s&", enc);
	return alloc_walk_tcase(&walk_spec);
}

void paypal_window_tests(Suite *s)
{
	suite_add_tcase(s, window_walks());
	TCase *tc = tcase_create("windows");
	tcase_add_loop_test(tc, windows_in_flight_hand_over_in_order, 0, 10);
	tcase_add_loop_test(tc, checkpoint_with_later_windows_in_flight_resumes_exactly, 0, 2);
	tcase_add_loop_test(tc, payers_keep_their_first_rows_values_with_windows_in_flight, 0, 3);
	suite_add_tcase(s, tc);
}
