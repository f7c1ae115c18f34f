/*
 * Parallel slices of one Stripe list (customers, prices, subscriptions, invoices, charges,
 * refunds, disputes, and the invoices read for the transactions' links): its
 * `created` range cut into windows, each paged with its own cursor, several windows' pages
 * in flight at once (docs/providers/stripe.md, "Parallel slices"). Stripe lists newest
 * first and has no count, so the windows are found as the walk goes:
 *
 *   - the first slice is the whole range (since, or no lower bound, up to now). Its first
 *     page says how many seconds a page of records spans; it keeps the top `WINDOW_PAGES`
 *     pages' worth of time (created[gte] from there on) and leaves the rest unexplored;
 *   - while fewer than `parallel_slices` slices are out, the next window is carved off the
 *     top of what is unexplored; a window that ends after one page doubles the width of
 *     the next, one of more than twice the pages expected halves it; a window whose rest
 *     looks like more than twice that at its last page's density keeps that many pages'
 *     worth of time and hands the part below to a new slice while there is room;
 *   - a window that comes back empty may only mean a quiet time: the next carve takes all
 *     that is unexplored (no lower bound), and like the first slice splits again if it is
 *     long. The walk ends when nothing is unexplored and every slice has ended.
 *
 * The windows are [lo, hi) in seconds (created[gte]=lo, created[lt]=hi) and never overlap,
 * and each is walked with starting_after, so every record is read once. Pages come back in
 * the order they were asked for (the engine keeps that order), slices taking turns; each
 * page's records are handed out unmarked and the page ends with one mark holding every
 * slice (the engine's skip count covers a checkpoint inside the next page):
 *
 *   <stage>~<floor>:<frontier>:<width>:<open>:<slice>;<slice>...
 *   slice = <lo>,<hi>,<cursor>      ("-": no bound, no cursor yet)
 *
 * The slices are listed in the order their next pages are asked for, so a resumed walk
 * asks for the same page first, and the engine's skip count lands on the same records.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stripe_slices.h"

/* A carved window is meant to hold this many pages. */
#define WINDOW_PAGES 5
/* No bound: lo of a slice open below, hi of the top slice. */
#define NO_LO INT64_MIN
#define NO_HI INT64_MAX
/* Times and widths a mark may hold (Unix seconds, some 35,000 years either way): far from
 * the bounds, so that no difference of two overflows. */
#define TIME_MAX (INT64_C(1) << 40)

typedef struct slice {
	int64_t lo, hi; /* created[gte], created[lt]; NO_LO / NO_HI: none */
	char *cursor;   /* starting_after; NULL before its first page */
	int out;        /* its next page is asked for */
	int pages;      /* pages read by this walk (not kept in marks) */
	uint64_t id;    /* names its requests (the tag's upper bits) */
} slice;

struct stripe_slices {
	slice *v; /* out ones first, in the order asked; then the rest, in turn */
	size_t n, cap;
	int64_t floor;    /* since, or NO_LO */
	int64_t frontier; /* [floor, frontier) is unexplored; frontier == floor: nothing */
	int64_t width;    /* seconds of the next carved window; 0: not known yet */
	int open_next;    /* the next carve takes all that is unexplored */
	int max;          /* slices out at once */
	uint64_t next_id;
};

#define TAG_SHIFT 8

static void slice_clear(slice *sl)
{
	free(sl->cursor);
	memset(sl, 0, sizeof *sl);
}

void stripe_slices_free(stripe_slices *ss)
{
	if (!ss)
		return;
	for (size_t i = 0; i < ss->n; i++)
		slice_clear(&ss->v[i]);
	free(ss->v);
	free(ss);
}

/* Appends a slice [lo, hi) without a cursor (cursor taken). NULL when out of memory. */
static slice *add(stripe_slices *ss, int64_t lo, int64_t hi, char *cursor)
{
	if (ss->n == ss->cap) {
		size_t cap = ss->cap ? ss->cap * 2 : 8;
		slice *v = realloc(ss->v, cap * sizeof *v);
		if (!v)
			return NULL;
		ss->v = v;
		ss->cap = cap;
	}
	slice *sl = &ss->v[ss->n++];
	memset(sl, 0, sizeof *sl);
	sl->lo = lo;
	sl->hi = hi;
	sl->cursor = cursor;
	sl->id = ++ss->next_id;
	return sl;
}

/* ---- marks ---- */

static int take_bound(int64_t *out, const char **p, int64_t none, char end)
{
	const char *q = *p;
	if (q[0] == '-' && q[1] == end) {
		*out = none;
		*p = q + 2;
		return 0;
	}
	int used = 0;
	if (q[0] == '+' || q[0] == ' ' || sscanf(q, "%" SCNd64 "%n", out, &used) != 1 ||
	    q[used] != end || *out < -TIME_MAX || *out > TIME_MAX)
		return -1;
	*p = q + used + 1;
	return 0;
}

static int id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int stripe_slices_new(stripe_slices **out, int64_t since, int max, const char *resume,
                      billtap_ctx *ctx)
{
	*out = NULL;
	stripe_slices *ss = calloc(1, sizeof *ss);
	if (!ss)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	ss->max = max;
	ss->floor = since == BILLTAP_TIME_NONE ? NO_LO : since;
	ss->frontier = ss->floor;
	if (!resume) {
		if (!add(ss, ss->floor, NO_HI, NULL)) {
			stripe_slices_free(ss);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		*out = ss;
		return 0;
	}
	const char *p = resume;
	/* Zero until read: the fields below are set from them before `bad` is looked at. */
	int64_t floor = 0, frontier = 0, width = 0, open = 0;
	int bad = take_bound(&floor, &p, NO_LO, ':') < 0 || take_bound(&frontier, &p, NO_LO, ':') < 0 ||
	          take_bound(&width, &p, 0, ':') < 0 || take_bound(&open, &p, 0, ':') < 0 ||
	          floor != ss->floor || frontier < floor || width < 0 || (open != 0 && open != 1);
	ss->frontier = frontier;
	ss->width = width;
	ss->open_next = (int)open;
	while (!bad && *p) {
		int64_t lo, hi;
		if (take_bound(&lo, &p, NO_LO, ',') < 0 || take_bound(&hi, &p, NO_HI, ',') < 0 ||
		    lo >= hi || lo < floor) {
			bad = 1;
			break;
		}
		size_t n = 0;
		if (p[0] == '-')
			n = 1; /* no cursor yet */
		else
			while (id_char(p[n]))
				n++;
		char *cursor = NULL;
		if (p[0] != '-' && n > 0 && !(cursor = strndup(p, n))) {
			stripe_slices_free(ss);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		if (n == 0 || (p[n] && (p[n] != ';' || !p[n + 1]))) {
			free(cursor);
			bad = 1;
			break;
		}
		if (!add(ss, lo, hi, cursor)) {
			free(cursor);
			stripe_slices_free(ss);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		p += n + (p[n] == ';');
	}
	if (bad) {
		stripe_slices_free(ss);
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
		                         "checkpoint position is not one this stream makes");
	}
	*out = ss;
	return 0;
}

/* A mark being built; out of memory remembered until the end. */
typedef struct text {
	char *data;
	size_t len, cap;
	int oom;
} text;

static void put(text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *d = realloc(t->data, cap);
		if (!d) {
			t->oom = 1;
			return;
		}
		t->data = d;
		t->cap = cap;
	}
	memcpy(t->data + t->len, s, n + 1);
	t->len += n;
}

/* v, or "-" when it is `none`, then `end`. */
static void put_bound(text *t, int64_t v, int64_t none, const char *end)
{
	char tmp[40];
	if (v == none)
		snprintf(tmp, sizeof tmp, "-%s", end);
	else
		snprintf(tmp, sizeof tmp, "%" PRId64 "%s", v, end);
	put(t, tmp);
}

/* ---- requests ---- */

/* A new window off the top of what is unexplored, into *out (NULL: none to carve now). */
static int carve(slice **out, stripe_slices *ss, billtap_ctx *ctx)
{
	*out = NULL;
	if (ss->frontier <= ss->floor || ss->n >= (size_t)ss->max)
		return 0;
	int64_t hi = ss->frontier, lo = ss->floor;
	/* Everything left when a window came back empty, or when one window's width takes it
	 * all anyway. */
	if (!ss->open_next && ss->width > 0 && hi > INT64_MIN + ss->width &&
	    hi - ss->width > ss->floor)
		lo = hi - ss->width;
	if (!(*out = add(ss, lo, hi, NULL)))
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	ss->frontier = lo;
	ss->open_next = 0;
	return 0;
}

int stripe_slices_request(billtap_request *req, stripe_stream *s, billtap_ctx *ctx)
{
	stripe_slices *ss = s->slices;
	slice *sl = NULL;
	for (size_t i = 0; i < ss->n && !sl; i++)
		if (!ss->v[i].out)
			sl = &ss->v[i];
	int rc;
	if (!sl && (rc = carve(&sl, ss, ctx)) < 0)
		return rc;
	if (!sl)
		return ss->n ? BILLTAP_PROVIDER_WAIT : BILLTAP_ITEROVER;
	if ((rc = stripe_list_request(req, s, sl->lo == NO_LO ? BILLTAP_TIME_NONE : sl->lo,
	                              sl->hi == NO_HI ? BILLTAP_TIME_NONE : sl->hi, sl->cursor)) < 0 ||
	    (rc = stripe_add_headers(req, s)) < 0)
		return billtap_ctx_error(ctx, rc, "cannot build the request");
	billtap_request_set_tag(req, STRIPE_TAG_SLICE | sl->id << TAG_SHIFT);
	sl->out = 1;
	return 0;
}

void stripe_slices_rewind(stripe_slices *ss)
{
	for (size_t i = 0; i < ss->n; i++)
		ss->v[i].out = 0;
}

/* ---- answers ---- */

/* What a page changes, applied only once its records and mark went through. */
typedef struct after {
	int done;          /* the slice ended */
	int64_t lo;        /* its lower bound from now on */
	char *cursor;      /* its next cursor (owned until applied) */
	int64_t frontier, width;
	int open_next;
	int64_t split_lo, split_hi; /* a new slice [split_lo, split_hi) when split_hi > split_lo */
} after;

/* The mark of the walk as it will stand after the head slice's page (the head goes last,
 * or away). */
static int mark_after(stripe_stream *s, const after *a, billtap_sink *sink, billtap_ctx *ctx)
{
	stripe_slices *ss = s->slices;
	const char *stage = stripe_stage_name(s->stage);
	text t = { 0 };
	put(&t, stage);
	put(&t, "~");
	put_bound(&t, ss->floor, NO_LO, ":");
	put_bound(&t, a->frontier, NO_LO, ":");
	put_bound(&t, a->width, -1, ":");
	put_bound(&t, a->open_next, -1, ":");
	size_t count = ss->n - (a->done ? 1 : 0);
	for (size_t k = 0; k < count; k++) {
		const slice *sl = k + 1 < ss->n ? &ss->v[k + 1] : &ss->v[0];
		int head = sl == &ss->v[0];
		put_bound(&t, head ? a->lo : sl->lo, NO_LO, ",");
		put_bound(&t, sl->hi, NO_HI, ",");
		const char *cursor = head ? a->cursor : sl->cursor;
		put(&t, cursor ? cursor : "-");
		if (k + 1 < count)
			put(&t, ";");
	}
	if (a->split_hi > a->split_lo) {
		put(&t, count ? ";" : "");
		put_bound(&t, a->split_lo, NO_LO, ",");
		put_bound(&t, a->split_hi, NO_HI, ",-");
	}
	if (t.oom) {
		free(t.data);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	/* Behind records still waiting for their nested lists, the mark waits too. */
	int rc = s->held_count ? stripe_hold_mark(s, t.data, ctx) : billtap_sink_mark(sink, t.data);
	free(t.data);
	return rc < 0 && !s->held_count ? billtap_ctx_error(ctx, rc, NULL) : rc;
}

/* A window whose rest looks like more than 2 * WINDOW_PAGES pages at the density of the
 * page just read splits while there is room: the slice keeps WINDOW_PAGES pages' worth of
 * time below its last record (at most half the rest) and the part under that becomes a
 * slice of its own, walked from its top at once. Cutting by density rather than halving
 * matters when the records crowd at one end: an import of thousands of customers within
 * minutes sits right under the cursor, and halving would carve off empty windows while
 * one slice walks the crowd page by page. A burst inside one second cannot be cut (created
 * has whole seconds); the cut stops once under two seconds are left. The page held
 * `count` records over [t_last, t_first]. */
static void split_dense(after *a, const stripe_slices *ss, int64_t t_first, int64_t t_last,
                        size_t count, int64_t page_size)
{
	if (ss->n >= (size_t)ss->max || a->lo == NO_LO || t_last - a->lo < 2 || count == 0)
		return;
	double span = t_first > t_last ? (double)(t_first - t_last) : 1.0;
	double per_second = (double)count / span;
	double rest = (double)(t_last - a->lo);
	if (rest * per_second / (double)page_size < 2 * WINDOW_PAGES)
		return;
	double keep = (double)WINDOW_PAGES * (double)page_size / per_second;
	int64_t half = (t_last - a->lo) / 2;
	int64_t k = keep >= (double)half ? half : keep < 1 ? 1 : (int64_t)keep;
	a->split_lo = a->lo;
	a->split_hi = t_last - k;
	a->lo = t_last - k;
}

/* The created times of a page's first and last records. EDATA recorded when one lacks it. */
static int page_times(int64_t *first, int64_t *last, const billtap_json *doc,
                      billtap_json_ref data, const billtap_request *req,
                      const billtap_response *resp, billtap_ctx *ctx)
{
	billtap_json_ref a = billtap_json_first(doc, data), b = a;
	for (billtap_json_ref e = a; e != BILLTAP_JSON_NONE; e = billtap_json_next(doc, e))
		b = e;
	if (billtap_json_int(first, doc, billtap_json_get(doc, a, "created")) < 0 ||
	    billtap_json_int(last, doc, billtap_json_get(doc, b, "created")) < 0 ||
	    *first < -TIME_MAX || *first > TIME_MAX || *last < -TIME_MAX || *last > TIME_MAX)
		return billtap_ctx_http_error(ctx, BILLTAP_EDATA, req, resp,
		                              billtap_response_header(resp, "Request-Id"), NULL,
		                              "list record without an integer created (Unix "
		                              "seconds) a window can be cut by");
	return 0;
}

/* The width and lower bound a slice open to the floor takes after its first page, which
 * holds `count` records over [t_last, t_first]: WINDOW_PAGES full pages' worth of time
 * from its last record down (a short page counts as the full page it would have been). */
static void split_open(after *a, const stripe_slices *ss, int64_t t_first, int64_t t_last,
                       size_t count, int64_t page_size)
{
	int64_t span = t_first > t_last ? t_first - t_last : 1;
	double want = (double)span * (double)page_size * WINDOW_PAGES / (double)(count ? count : 1);
	int64_t width = want >= 1e15 ? (int64_t)1e15 : want < 1 ? 1 : (int64_t)want;
	if (t_last <= INT64_MIN + width)
		return;
	int64_t lo = t_last - width;
	if (lo <= ss->floor)
		return;
	a->lo = lo;
	a->frontier = lo;
	a->width = width;
}

/* A window ended after `pages`: the next carved one is wider, narrower or takes all. */
static void adapt(after *a, const slice *sl, int pages, size_t last_count)
{
	if (pages == 1 && last_count == 0 && sl->cursor == NULL)
		a->open_next = 1; /* empty: maybe a quiet time, maybe the beginning */
	else if (pages == 1 && a->width > 0 && a->width < INT64_MAX / 4)
		a->width *= 2;
	else if (pages > 2 * WINDOW_PAGES && a->width > 1)
		a->width /= 2;
}

int stripe_slices_response(stripe_stream *s, const billtap_request *req,
                           const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx)
{
	stripe_slices *ss = s->slices;
	slice *sl = ss->n ? &ss->v[0] : NULL;
	if (!sl || !sl->out || sl->id != billtap_request_tag(req) >> TAG_SHIFT)
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE,
		                         "provider bug: a slice's answer came out of turn");
	billtap_json_ref data;
	int has_more;
	int rc = stripe_parse_list(&data, &has_more, s, req, resp, ctx);
	if (rc < 0)
		return rc;
	after a = { !has_more, sl->lo, NULL, ss->frontier, ss->width, ss->open_next, 0, 0 };
	size_t count = billtap_json_count(s->doc, data);
	if (has_more && (rc = stripe_last_id(&a.cursor, s->doc, data, ctx)) < 0)
		return rc;
	char list[96];
	snprintf(list, sizeof list, "%s[%" PRId64 ",%" PRId64 ")", stripe_stage_name(s->stage),
	         sl->lo, sl->hi);
	int64_t t_first = 0, t_last = 0;
	if ((rc = stripe_report_page(sink, list, a.cursor, has_more, s, data)) < 0 ||
	    (has_more && (rc = page_times(&t_first, &t_last, s->doc, data, req, resp, ctx)) < 0)) {
		free(a.cursor);
		return rc;
	}
	if (has_more && !sl->cursor && sl->lo == ss->floor)
		split_open(&a, ss, t_first, t_last, count, s->page_size);
	else if (has_more)
		split_dense(&a, ss, t_first, t_last, count, s->page_size);
	/* Room for the split's slice now: once the records are out nothing may fail. */
	if (a.split_hi > a.split_lo) {
		if (!add(ss, a.split_lo, a.split_hi, NULL)) {
			free(a.cursor);
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		}
		ss->n--; /* reserved at v[n], not yet part of the walk */
		sl = &ss->v[0];
	}
	if (!has_more)
		adapt(&a, sl, sl->pages + 1, count);
	/* The invoice links' walk has no records and no marks: its links live in memory.
	 * Subscriptions and invoices may hold records (and then the mark) for their nested
	 * lists; on failure what this page held is let go of, and the page is read again. */
	size_t held_before = s->held_count;
	if (s->stage == STAGE_INVOICE_LINKS)
		rc = stripe_links_invoices(s, data, ctx);
	else if ((rc = stripe_push_page(s, data, 0, sink, ctx)) == 0)
		rc = mark_after(s, &a, sink, ctx);
	if (rc < 0) {
		stripe_drop_held_from(s, held_before);
		free(a.cursor);
		return rc;
	}
	/* Everything went out: the walk moves on. */
	ss->frontier = a.frontier;
	ss->width = a.width;
	ss->open_next = a.open_next;
	slice head = *sl, split = { 0 };
	if (a.split_hi > a.split_lo)
		split = ss->v[ss->n]; /* reserved above */
	memmove(ss->v, ss->v + 1, (ss->n - 1) * sizeof *ss->v);
	if (a.done) {
		slice_clear(&head);
		ss->n--;
		return 0;
	}
	free(head.cursor);
	head.cursor = a.cursor;
	head.lo = a.lo;
	head.out = 0;
	head.pages++;
	ss->v[ss->n - 1] = head;
	if (a.split_hi > a.split_lo)
		ss->v[ss->n++] = split;
	return 0;
}
