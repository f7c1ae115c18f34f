/*
 * Subscriptions and customers, which PayPal cannot list: subscription ids come from the
 * transaction-search rows (paypal_reference_id_type SUB) and from the host
 * (subscription_ids); each is read once, in id order, with GET
 * /v1/billing/subscriptions/{id}, several at once. Customers are the payers of the rows and
 * the subscribers of those subscriptions, handed out in id order once everything has been
 * seen.
 *
 * Marks: subscriptions mark what discovery found and what was read (paypal_sync.c), so a
 * resumed pass searches no window again; in an incremental pass, ids known from the sync
 * token are read again and delivered only when their update_time says they changed.
 * Customers mark "c:<id>" after each customer: a resumed stream discovers again (the
 * rows are where the payers are) and skips ids up to the mark. A subscriptions
 * checkpoint of 0.1 ("s:<id>") resumes that way too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paypal.h"

/* Customers leave the stream in batches of this many per engine round. */
#define EMIT_BATCH 500

/* Where a resumed stream goes on in a sorted id list: the first id after its mark. */
static size_t first_after(char *const *sorted, size_t count, const char *resume_after)
{
	size_t i = 0;
	if (resume_after)
		while (i < count && strcmp(sorted[i], resume_after) <= 0)
			i++;
	return i;
}

static int finish_fan_out(pp_stream *s, billtap_ctx *ctx)
{
	if (s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS) {
		s->phase = PH_DONE;
		return 0;
	}
	s->emit_order = pp_map_sorted_keys(&s->payers);
	if (s->payers.count && !s->emit_order)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->emit_total = s->payers.count;
	s->emit_next = first_after(s->emit_order, s->emit_total, s->resume_after);
	s->phase = PH_EMIT;
	return 0;
}

int pp_subscriptions_start(pp_stream *s, billtap_ctx *ctx)
{
	free(s->sub_order);
	s->sub_order = pp_map_sorted_keys(&s->subscriptions);
	if (s->subscriptions.count && !s->sub_order)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->sub_total = s->subscriptions.count;
	/* Customers read every subscription; only a subscriptions stream resumes in this list. */
	s->sub_next = s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS
	                      ? first_after(s->sub_order, s->sub_total, s->resume_after)
	                      : 0;
	s->sub_asked = s->sub_next;
	s->phase = PH_SUBSCRIPTIONS;
	if (s->sub_next < s->sub_total)
		return 0;
	int rc = finish_fan_out(s, ctx);
	if (rc < 0)
		s->phase = PH_SEARCH; /* the searched-out windows bring the next call back here */
	return rc;
}

static int path_with_id(char *path, size_t cap, const char *prefix, const char *id)
{
	char enc[300];
	if (billtap_url_encode(enc, sizeof enc, id, strlen(id)) < 0)
		return -1;
	return snprintf(path, cap, "%s%s", prefix, enc) < (int)cap ? 0 : -1;
}

int pp_subscriptions_request(billtap_request *req, pp_stream *s, billtap_ctx *ctx)
{
	char path[400];
	int rc;
	if (s->need_plan) {
		if (path_with_id(path, sizeof path, "/v1/billing/plans/", s->need_plan) < 0)
			return billtap_ctx_error(ctx, BILLTAP_EDATA, "plan id too long");
		rc = pp_get(req, s, path, TAG_SUBSCRIPTION_PLAN);
		return rc < 0 ? billtap_ctx_error(ctx, rc, NULL) : 0;
	}
	if (s->sub_asked >= s->sub_total)
		return billtap_ctx_error(ctx, BILLTAP_EUSAGE, "no subscription left to ask for");
	if (path_with_id(path, sizeof path, "/v1/billing/subscriptions/", s->sub_order[s->sub_asked]) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "subscription id too long");
	rc = pp_get(req, s, path, TAG_SUBSCRIPTION);
	/* Ask for the plan inline: it holds the price the subscription pays. */
	if (rc == 0 && s->resource == BILLTAP_RESOURCE_SUBSCRIPTIONS)
		rc = billtap_request_add_query(req, "fields", "plan");
	if (rc < 0)
		return billtap_ctx_error(ctx, rc, NULL);
	s->sub_asked++;
	return 0;
}

/* ---- payers ----
 *
 * A payer's values are built whole before the payer is touched: when an allocation fails
 * half way, nothing is stored, and the retry (the same answer again) stores the values a
 * clean run would. Storing half (a given name without its surname) would last for ever,
 * since the first value stored wins. */

/* Which members a payer's name was made of (traced by billtap inspect). */
enum pp_name_from { NAME_NONE, NAME_BOTH, NAME_FULL, NAME_GIVEN, NAME_SURNAME, NAME_ALTERNATE };

/* The contact details one answer gives for a payer; each NULL when absent. */
typedef struct contact {
	char *email, *name, *country;
	int name_from; /* a pp_name_from */
} contact;

static void contact_free(contact *c)
{
	free(c->email);
	free(c->name);
	free(c->country);
}

/* The payer id at `id`, when it is one (a non-empty plain string). */
static int payer_id(const char **text, size_t *len, const billtap_json *doc, billtap_json_ref id)
{
	return billtap_json_str_is_plain(doc, id) && billtap_json_text(text, len, doc, id) == 0 &&
	       *len > 0;
}

/* The payer of that id, added when new; NULL when out of memory (nothing added). */
static pp_payer *payer(pp_stream *s, const char *text, size_t len)
{
	int added;
	/* Room for one more payer first, so the map never names a slot that does not exist. */
	if (s->payers.count >= s->payer_cap) {
		size_t cap = s->payer_cap ? s->payer_cap * 2 : 256;
		pp_payer *p = realloc(s->payer_data, cap * sizeof *p);
		if (!p)
			return NULL;
		memset(p + s->payer_cap, 0, (cap - s->payer_cap) * sizeof *p);
		s->payer_data = p;
		s->payer_cap = cap;
	}
	size_t at = pp_map_add(&s->payers, text, len, &added);
	if (at == (size_t)-1)
		return NULL;
	pp_payer *p = &s->payer_data[at];
	if (added)
		p->created = INT64_MAX;
	return p;
}

/* "given surname"; when one of them is absent, the name's full_name if `with_full` (the
 * search's payer_name has one; a subscriber's name only the two parts), else the present
 * part alone; else NULL into *out, and the members used into *from (a pp_name_from).
 * *err as pp_text() sets it. */
static void full_name(char **out, int *from, const billtap_json *doc, billtap_json_ref name,
                      int with_full, int *err)
{
	char *given = pp_text(doc, billtap_json_get(doc, name, "given_name"), err);
	char *surname = pp_text(doc, billtap_json_get(doc, name, "surname"), err);
	*out = NULL;
	*from = NAME_NONE;
	if (!*err && (!given || !surname) && with_full)
		*out = pp_text(doc, billtap_json_get(doc, name, "full_name"), err);
	if (!*err && *out) {
		*from = NAME_FULL;
		free(given);
		free(surname);
		return;
	}
	if (!*err && (!given || !surname)) {
		*out = given ? given : surname; /* the missing one is NULL: nothing to free */
		*from = given ? NAME_GIVEN : surname ? NAME_SURNAME : NAME_NONE;
		return;
	}
	*from = NAME_BOTH;
	if (!*err) {
		size_t n = strlen(given) + strlen(surname) + 2;
		if ((*out = malloc(n)) != NULL)
			snprintf(*out, n, "%s %s", given, surname);
		else
			*err = BILLTAP_ENOMEM;
	}
	free(given);
	free(surname);
}

/* A payer's contact could not be read: out of memory, or a value that is no text (never
 * passed on as a silent null). */
static int contact_failed(contact *c, int err, const char *id, size_t id_len, billtap_ctx *ctx)
{
	contact_free(c);
	if (err == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, err, NULL);
	char msg[200];
	snprintf(msg, sizeof msg,
	         "payer %.*s: an email, name or country_code is not text (not a string, or it "
	         "holds \\u0000, a NUL character)",
	         (int)(id_len > 64 ? 64 : id_len), id);
	return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
}

/* Keeps the first non-null value of a field from one source; takes value either way. */
static void keep_first(char **slot, char *value)
{
	if (!*slot)
		*slot = value;
	else
		free(value);
}

/* Stores what one answer says about the payer of `id` (source 0: a subscription, 1: a
 * transaction row). Takes c whatever happens; on ENOMEM the payer is left as it was. */
static int note(pp_stream *s, const char *id, size_t id_len, int source, contact *c, int64_t at,
                billtap_ctx *ctx)
{
	pp_payer *p = payer(s, id, id_len);
	if (!p) {
		contact_free(c);
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	}
	if (!p->name[source])
		p->name_from[source] = (unsigned char)c->name_from;
	keep_first(&p->email[source], c->email);
	keep_first(&p->name[source], c->name);
	keep_first(&p->country[source], c->country);
	p->seen |= (unsigned char)(1u << source);
	if (at < p->created) {
		p->created = at;
		p->created_from = (unsigned char)source;
	}
	return 0;
}

int pp_read_payer_row(pp_payer_note *out, const billtap_json *doc, billtap_json_ref row,
                      billtap_ctx *ctx)
{
	billtap_json_ref info = billtap_json_get(doc, row, "payer_info");
	const char *id;
	size_t id_len;
	memset(out, 0, sizeof *out);
	if (!pp_row_kind(doc, row).customer)
		return 0; /* money the merchant sent, fees, ...: the counterparty is no customer */
	if (!payer_id(&id, &id_len, doc, billtap_json_get(doc, info, "account_id")))
		return 0; /* a guest: no customer */
	billtap_json_ref tinfo = billtap_json_get(doc, row, "transaction_info");
	if (billtap_json_time(&out->at, doc,
	                      billtap_json_get(doc, tinfo, "transaction_initiation_date")) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EDATA,
		                         "transaction search row without a valid transaction_initiation_date");
	billtap_json_ref pname = billtap_json_get(doc, info, "payer_name");
	int err = 0;
	contact c = { 0 };
	c.email = pp_text(doc, billtap_json_get(doc, info, "email_address"), &err);
	c.country = pp_text(doc, billtap_json_get(doc, info, "country_code"), &err);
	c.name = pp_text(doc, billtap_json_get(doc, pname, "alternate_full_name"), &err);
	c.name_from = NAME_ALTERNATE;
	if (!err && !c.name)
		full_name(&c.name, &c.name_from, doc, pname, 1, &err);
	if (!err && !(out->id = strndup(id, id_len)))
		err = BILLTAP_ENOMEM;
	if (err)
		return contact_failed(&c, err, id, id_len, ctx);
	out->email = c.email;
	out->name = c.name;
	out->country = c.country;
	out->name_from = c.name_from;
	return 1;
}

int pp_apply_payer_note(pp_stream *s, pp_payer_note *n, billtap_ctx *ctx)
{
	contact c = { n->email, n->name, n->country, n->name_from };
	n->email = n->name = n->country = NULL; /* note() takes them */
	int rc = note(s, n->id, strlen(n->id), 1, &c, n->at, ctx);
	free(n->id);
	n->id = NULL;
	return rc;
}

void pp_payer_note_free(pp_payer_note *n)
{
	free(n->id);
	free(n->email);
	free(n->name);
	free(n->country);
	memset(n, 0, sizeof *n);
}

static int note_subscriber(pp_stream *s, billtap_json_ref sub, billtap_ctx *ctx)
{
	const billtap_json *doc = s->doc;
	billtap_json_ref who = billtap_json_get(doc, sub, "subscriber");
	const char *id;
	size_t id_len;
	if (!payer_id(&id, &id_len, doc, billtap_json_get(doc, who, "payer_id")))
		return 0;
	int64_t at;
	if (billtap_json_time(&at, doc, billtap_json_get(doc, sub, "create_time")) < 0)
		return billtap_ctx_error(ctx, BILLTAP_EDATA, "subscription without a valid create_time");
	billtap_json_ref address = billtap_json_get(doc, billtap_json_get(doc, who, "shipping_address"),
	                                            "address");
	int err = 0;
	contact c = { 0 };
	c.email = pp_text(doc, billtap_json_get(doc, who, "email_address"), &err);
	c.country = pp_text(doc, billtap_json_get(doc, address, "country_code"), &err);
	if (!err)
		full_name(&c.name, &c.name_from, doc, billtap_json_get(doc, who, "name"), 0, &err);
	if (err)
		return contact_failed(&c, err, id, id_len, ctx);
	return note(s, id, id_len, 0, &c, at, ctx);
}

static void payers_free(pp_stream *s)
{
	for (size_t i = 0; i < s->payers.count; i++)
		for (int k = 0; k < 2; k++) {
			free(s->payer_data[i].email[k]);
			free(s->payer_data[i].name[k]);
			free(s->payer_data[i].country[k]);
		}
	free(s->payer_data);
	pp_map_free(&s->payers);
}

/* ---- subscription responses ---- */

static int price_of(pp_price *price, pp_stream *s, billtap_json_ref sub, billtap_ctx *ctx,
                    int *need_fetch)
{
	*need_fetch = 0;
	billtap_json_ref plan = billtap_json_get(s->doc, sub, "plan");
	if (billtap_json_get(s->doc, plan, "billing_cycles") != BILLTAP_JSON_NONE)
		return pp_plan_price(price, s->doc, plan, ctx);
	billtap_json_ref id = billtap_json_get(s->doc, sub, "plan_id");
	const char *text;
	size_t len;
	if (!billtap_json_str_is_plain(s->doc, id) || billtap_json_text(&text, &len, s->doc, id) < 0) {
		char msg[300];
		snprintf(msg, sizeof msg, "subscription %s: plan_id is missing", s->sub_order[s->sub_next]);
		return billtap_ctx_error(ctx, BILLTAP_EDATA, msg);
	}
	size_t at = pp_map_find(&s->plan_prices, text, len);
	if (at == (size_t)-1) {
		*need_fetch = 1;
		return 0;
	}
	*price = s->prices[at];
	return 0;
}

/* A subscription PayPal changes no more, so no later pass reads it: a CANCELLED one
 * "cannot be reactivated" (PayPal's subscription docs). An EXPIRED one can: PayPal's staff
 * advise adding cycles to it (paypal-community.com, "Is it possible to reactivate my
 * subscription"), so it stays. */
static int ended(const billtap_json *doc, billtap_json_ref sub)
{
	return billtap_json_str_eq(doc, billtap_json_get(doc, sub, "status"), "CANCELLED");
}

static unsigned char *flags_of(pp_stream *s, const char *id)
{
	return &s->sub_flags[pp_map_find(&s->subscriptions, id, strlen(id))];
}

/* Marks: one before the first subscription pushed (discovery is then over for good, so a
 * resumed pass reads the same ids), then after every one when only changed ones are
 * delivered (which ones may differ on a resume: it must not have to skip any), else
 * after every PP_MARK_EVERY (a full pass delivers each id read: skipping is exact). */
#define PP_MARK_EVERY 64

static int emit_subscription(pp_stream *s, const pp_price *price, billtap_sink *sink,
                             billtap_ctx *ctx)
{
	billtap_record *rec;
	int rc;
	if (!s->sub_read_marked && (rc = pp_sync_mark_subscriptions(s, 0, sink, ctx)) < 0)
		return rc;
	if (ended(s->doc, billtap_json_root(s->doc)))
		*flags_of(s, s->sub_order[s->sub_next]) |= PP_SUB_ENDED;
	rc = pp_map_subscription(&rec, price, s->doc, billtap_json_root(s->doc), ctx);
	if (rc < 0)
		rc = billtap_sink_reject_json(sink, rc, s->doc, billtap_json_root(s->doc), "id");
	else
		rc = billtap_sink_push(sink, rec);
	if (rc < 0)
		return rc;
	s->sub_next++;
	if (s->filter_since == PP_NO_FILTER && s->sub_unmarked + 1 < PP_MARK_EVERY &&
	    s->sub_next < s->sub_total) {
		s->sub_unmarked++;
		s->sub_read_marked = 1;
		return 0;
	}
	/* After the last one: reading's end, from which a resume reads nothing more. */
	if ((rc = pp_sync_mark_subscriptions(s, 0, sink, ctx)) < 0) {
		s->sub_next--; /* the engine drops what this answer pushed: it is read again */
		return rc;
	}
	s->sub_unmarked = 0;
	s->sub_read_marked = 1;
	return 0;
}

static int subscription_answer(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	billtap_json_ref sub = billtap_json_root(s->doc);
	if (s->resource == BILLTAP_RESOURCE_CUSTOMERS) {
		int rc = note_subscriber(s, sub, ctx);
		if (rc == 0)
			s->sub_next++;
		return rc;
	}
	/* Known from an earlier pass and not updated since: not delivered, only noted. */
	unsigned char *flags = flags_of(s, s->sub_order[s->sub_next]);
	if ((*flags & PP_SUB_CARRIED) &&
	    !pp_sync_changed(s, s->doc, billtap_json_get(s->doc, sub, "update_time"))) {
		if (ended(s->doc, sub))
			*flags |= PP_SUB_ENDED;
		s->sub_next++;
		return 0;
	}
	pp_price price;
	int need_fetch;
	int rc = price_of(&price, s, sub, ctx, &need_fetch);
	if (rc < 0)
		return rc;
	if (!need_fetch)
		return emit_subscription(s, &price, sink, ctx);
	/* The answer left the plan out: fetch the plan's price, then ask for this
	 * subscription again (RETRY: the requests behind it are asked for again too, so the
	 * subscriptions still leave in id order). Once per plan: the price is kept. */
	int oom = 0;
	s->need_plan = pp_strdup(s->doc, billtap_json_get(s->doc, sub, "plan_id"), &oom);
	if (!s->need_plan)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL); /* price_of saw a plan_id */
	return BILLTAP_PROVIDER_RETRY;
}

static int plan_answer(pp_stream *s, billtap_ctx *ctx)
{
	billtap_json_ref plan = billtap_json_root(s->doc);
	pp_price price;
	int rc = pp_plan_price(&price, s->doc, plan, ctx);
	if (rc < 0)
		return rc;
	int added;
	/* Kept under the id the subscription named, so asking for it again finds it. Room
	 * first, then the map entry: the two never disagree, even out of memory. */
	pp_price *prices = realloc(s->prices, (s->plan_prices.count + 1) * sizeof *prices);
	if (!prices)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	s->prices = prices;
	size_t at = pp_map_add(&s->plan_prices, s->need_plan, strlen(s->need_plan), &added);
	if (at == (size_t)-1)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	prices[at] = price;
	free(s->need_plan);
	s->need_plan = NULL;
	return 0;
}

int pp_subscriptions_response(pp_stream *s, const billtap_request *req,
                              const billtap_response *resp, billtap_sink *sink,
                              billtap_ctx *ctx)
{
	if (billtap_response_status(resp) == 404 && billtap_request_tag(req) == TAG_SUBSCRIPTION) {
		/* Ids found in search rows exist: an unknown one came from subscription_ids, and
		 * only the host can correct it. */
		char msg[400];
		snprintf(msg, sizeof msg,
		         "PayPal does not know subscription %s: remove it from the subscription_ids "
		         "setting",
		         s->sub_order[s->sub_next]);
		char debug[96];
		return billtap_ctx_http_error(ctx, BILLTAP_EREQUEST, req, resp,
		                              pp_debug_id(debug, sizeof debug, s, resp),
		                              "RESOURCE_NOT_FOUND", msg);
	}
	int rc = pp_parse(s, req, resp, ctx);
	if (rc < 0)
		return rc;
	rc = billtap_request_tag(req) == TAG_SUBSCRIPTION_PLAN ? plan_answer(s, ctx)
	                                                       : subscription_answer(s, sink, ctx);
	if (rc == 0 && s->sub_next >= s->sub_total && (rc = finish_fan_out(s, ctx)) < 0)
		s->sub_next--; /* asked for again (noting its subscriber twice changes nothing) */
	return rc;
}

/* ---- customers ---- */

/* The members a customer's values came from, per source ([0] the subscriptions, [1] the
 * transaction search rows): members of other objects, since a customer is gathered from
 * many and has no raw JSON of its own (docs/cli.md, OBJECT:PATH). */
static const char *const id_members[2] = { "subscriptions:subscriber.payer_id",
	                                    "transactions:payer_info.account_id" };
static const char *const email_members[2] = { "subscriptions:subscriber.email_address",
	                                       "transactions:payer_info.email_address" };
static const char *const country_members[2] = {
	"subscriptions:subscriber.shipping_address.address.country_code",
	"transactions:payer_info.country_code"
};
static const char *const name_objects[2] = { "subscriptions:subscriber.name",
	                                      "transactions:payer_info.payer_name" };
static const char *const created_members[2] = {
	"subscriptions:create_time", "transactions:transaction_info.transaction_initiation_date"
};

/* "A B" when the payer was seen in both sources, else the one it was seen in. */
static void members_seen(char *out, size_t cap, const char *const members[2], int seen)
{
	snprintf(out, cap, "%s%s%s", seen & 1 ? members[0] : "", seen == 3 ? " " : "",
	         seen & 2 ? members[1] : "");
}

/* The members a name from source `from` was made of; null names every name object seen. */
static void name_members(char *out, size_t cap, const pp_payer *p, int from)
{
	if (from < 0) {
		members_seen(out, cap, name_objects, p->seen);
		return;
	}
	const char *o = name_objects[from];
	switch (p->name_from[from]) {
	case NAME_BOTH:
		snprintf(out, cap, "%s.given_name %s.surname", o, o);
		break;
	case NAME_FULL:
		snprintf(out, cap, "%s.full_name", o);
		break;
	case NAME_GIVEN:
		snprintf(out, cap, "%s.given_name", o);
		break;
	case NAME_SURNAME:
		snprintf(out, cap, "%s.surname", o);
		break;
	default: /* NAME_ALTERNATE */
		snprintf(out, cap, "%s.alternate_full_name", o);
		break;
	}
}

/* Which source a value was taken from: subscriptions first (-1 when neither had one). */
static int chosen(char *const values[2])
{
	return values[0] ? 0 : values[1] ? 1 : -1;
}

/* A new customer record, traced when the setting trace_sources is on (as the kit's mapper
 * does for the records it maps). 0 or BILLTAP_ENOMEM. */
static int new_customer(billtap_record **rec, billtap_ctx *ctx)
{
	if (billtap_record_new(rec, BILLTAP_RECORD_CUSTOMER) < 0)
		return BILLTAP_ENOMEM;
	const char *v = billtap_ctx_setting(ctx, "trace_sources");
	if (v && (!strcmp(v, "true") || !strcmp(v, "1")) && billtap_record_trace_start(*rec) < 0) {
		billtap_record_free(*rec);
		return BILLTAP_ENOMEM;
	}
	return 0;
}

/* Notes where each value of a customer came from (nothing when it is not traced). */
static int trace_customer(billtap_record *rec, const pp_payer *p)
{
	char buf[200];
	int rc, at;
	const int how = BILLTAP_SOURCE_COMPUTED;
	members_seen(buf, sizeof buf, id_members, p->seen);
	if ((rc = billtap_record_set_source(rec, BILLTAP_FIELD_ID, how, buf)) < 0)
		return rc;
	at = chosen(p->email);
	if (at < 0)
		members_seen(buf, sizeof buf, email_members, p->seen);
	if ((rc = billtap_record_set_source(rec, BILLTAP_FIELD_EMAIL, how,
	                                    at < 0 ? buf : email_members[at])) < 0)
		return rc;
	name_members(buf, sizeof buf, p, chosen(p->name));
	if ((rc = billtap_record_set_source(rec, BILLTAP_FIELD_NAME, how, buf)) < 0)
		return rc;
	at = chosen(p->country);
	if (at < 0)
		members_seen(buf, sizeof buf, country_members, p->seen);
	if ((rc = billtap_record_set_source(rec, BILLTAP_FIELD_COUNTRY, how,
	                                    at < 0 ? buf : country_members[at])) < 0)
		return rc;
	/* deleted (false) stays computed without members: PayPal never deletes a payer. */
	return billtap_record_set_source(rec, BILLTAP_FIELD_CREATED_AT, how,
	                                 created_members[p->created_from]);
}

int pp_customers_emit(pp_stream *s, billtap_sink *sink, billtap_ctx *ctx)
{
	/* The position moves only once the whole batch is pushed: the engine drops a batch
	 * that fails half way, and the next call must push it again from its start. */
	size_t next = s->emit_next;
	for (int n = 0; n < EMIT_BATCH && next < s->emit_total; n++, next++) {
		const char *id = s->emit_order[next];
		pp_payer *p = &s->payer_data[pp_map_find(&s->payers, id, strlen(id))];
		billtap_record *rec;
		if (new_customer(&rec, ctx) < 0)
			return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
		const char *email = p->email[0] ? p->email[0] : p->email[1];
		const char *name = p->name[0] ? p->name[0] : p->name[1];
		const char *country = p->country[0] ? p->country[0] : p->country[1];
		int rc = 0;
		(void)((rc = billtap_record_set_str(rec, BILLTAP_FIELD_ID, id, strlen(id))) < 0 ||
		       (rc = billtap_record_set_str(rec, BILLTAP_FIELD_EMAIL, email, email ? strlen(email) : 0)) < 0 ||
		       (rc = billtap_record_set_str(rec, BILLTAP_FIELD_NAME, name, name ? strlen(name) : 0)) < 0 ||
		       (rc = billtap_record_set_str(rec, BILLTAP_FIELD_COUNTRY, country, country ? strlen(country) : 0)) < 0 ||
		       (rc = billtap_record_set_int(rec, BILLTAP_FIELD_CREATED_AT, p->created)) < 0 ||
		       (rc = billtap_record_set_int(rec, BILLTAP_FIELD_DELETED, 0)) < 0 ||
		       (rc = trace_customer(rec, p)) < 0);
		uint64_t digest = pp_customer_digest(email, name, country, p->created);
		if (rc == 0 && s->incremental) {
			/* An incremental pass hands out only what the host does not hold yet. */
			size_t at = (size_t)(p - s->payer_data);
			if ((rc = pp_customer_note(s, at, digest, ctx)) < 0) {
				billtap_record_free(rec);
				return rc;
			}
			if (!pp_customer_changed(s, id, digest)) {
				billtap_record_free(rec);
				continue;
			}
		}
		if (rc < 0) {
			billtap_record_free(rec);
			char msg[200];
			snprintf(msg, sizeof msg, "payer %s: %s", id,
			         rc == BILLTAP_EDATA ? "a value is not valid UTF-8" : "out of memory");
			billtap_ctx_error(ctx, rc, msg);
			/* Gathered from many rows: no one object to show. 0: skipped. */
			if ((rc = billtap_sink_reject(sink, rc, id, NULL, 0)) < 0)
				return rc;
			continue;
		}
		rc = s->incremental ? billtap_sink_push(sink, rec) : billtap_sink_push_marked(sink, rec, "c");
		if (rc < 0)
			return rc;
	}
	/* An incremental pass marks once a batch: its marks carry every payer's digest. */
	size_t was = s->emit_next;
	s->emit_next = next;
	int rc = s->incremental ? pp_customer_mark(s, 0, sink, ctx) : 0;
	if (rc < 0) {
		s->emit_next = was;
		return rc;
	}
	if (s->emit_next >= s->emit_total)
		s->phase = PH_DONE;
	return 0;
}

void pp_subs_free(pp_stream *s)
{
	free(s->sub_order);
	pp_map_free(&s->subscriptions);
	pp_map_free(&s->plan_prices);
	free(s->prices);
	free(s->need_plan);
	payers_free(s);
	free(s->emit_order);
	free(s->resume_after);
}
