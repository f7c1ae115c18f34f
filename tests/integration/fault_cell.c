#include "fault_cell.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_sandbox.h"
#include "testutil.h"

/* What one pass of an iterator did. */
typedef struct pass {
	int rc;            /* BILLTAP_ITEROVER, or the error billtap_iter_next() returned */
	char message[1024];
	char details[512]; /* the error's request id and provider code, checked for secrets too */
	char *checkpoint;  /* after an error: the token to resume from */
	uint64_t requests, retries;
	long records;
} pass;

/* The records a cell has seen, by truth line. */
typedef struct ledger {
	const truth *reference; /* every record must be one of these lines, equal to it */
	char *seen;
} ledger;

static fm_verdict failf(char *detail, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static fm_verdict failf(char *detail, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, cap, fmt, ap);
	va_end(ap);
	return FM_FAIL;
}

/* Pulls every record of one iterator into the ledger. Returns 0 (pass filled in), or -1
 * with why: a record not in the truth, returned twice, or different from its line. */
static int take_all(pass *p, billtap_client *c, const billtap_iter_options *opts,
                    billtap_resource res, ledger *lg, char *why, size_t cap)
{
	memset(p, 0, sizeof *p);
	billtap_iter *it;
	if (billtap_iter_new(&it, c, res, opts) != 0) {
		snprintf(why, cap, "billtap_iter_new: %s", billtap_client_error_message(c));
		return -1;
	}
	const billtap_record *r;
	int rc, bad = 0;
	while (!bad && (rc = billtap_iter_next(&r, it)) == 0) {
		const char *id = billtap_record_id(r);
		long at = truth_find(lg->reference, id);
		size_t len;
		const char *json = billtap_record_json(r, &len);
		char diff[256] = "";
		if (at < 0)
			snprintf(why, cap, "record %s is not in the truth", id), bad = 1;
		else if (lg->seen[at])
			snprintf(why, cap, "record %s returned twice", id), bad = 1;
		else if (!json || !json_equal(json, len, lg->reference->lines[at],
		                              strlen(lg->reference->lines[at]), diff, sizeof diff))
			snprintf(why, cap, "record %s differs from the truth: %s", id, diff), bad = 1;
		else {
			lg->seen[at] = 1;
			p->records++;
		}
	}
	if (!bad) {
		p->rc = rc;
		snprintf(p->message, sizeof p->message, "%s", billtap_client_error_message(c));
		const char *id = billtap_client_error_request_id(c);
		const char *code = billtap_client_error_provider_code(c);
		snprintf(p->details, sizeof p->details, "%s %s", id ? id : "", code ? code : "");
		const char *cp;
		if (rc < 0 && billtap_iter_checkpoint(&cp, it) == 0)
			p->checkpoint = strdup(cp);
	}
	billtap_iter_stats(&p->requests, &p->retries, NULL, it);
	billtap_iter_free(it);
	return bad ? -1 : 0;
}

/* The first truth record the ledger lacks, or NULL. */
static const char *first_missing(const ledger *lg, const truth *want)
{
	for (size_t i = 0; i < want->count; i++) {
		long at = truth_find(lg->reference, want->ids[i]);
		if (at < 0 || !lg->seen[at])
			return want->ids[i];
	}
	return NULL;
}

static void base64(char *out, size_t cap, const char *in)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(in), o = 0;
	for (size_t i = 0; i < n && o + 5 < cap; i += 3) {
		uint32_t v = (uint32_t)(unsigned char)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)(unsigned char)in[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)in[i + 2];
		out[o++] = abc[v >> 18 & 63];
		out[o++] = abc[v >> 12 & 63];
		out[o++] = i + 1 < n ? abc[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? abc[v & 63] : '=';
	}
	out[o] = '\0';
}

static int is_secret_setting(const char *provider, const char *name)
{
	const char *n;
	unsigned int flags;
	for (size_t i = 0;
	     billtap_provider_setting(&n, &flags, NULL, NULL, NULL, NULL, provider, i) == 0; i++)
		if (strcmp(n, name) == 0)
			return (flags & BILLTAP_SETTING_SECRET) != 0;
	return 0;
}

/* A credential left in text: a secret setting's value, "user:secret" plain or in base64
 * (HTTP Basic), or a token-like word after "Bearer " or "Basic " (16 or more characters of
 * a token's alphabet, a digit among them: a derived token the test cannot know, such as
 * PayPal's access token). Returns a description of what was found, or NULL. */
static const char *leaked_secret(const char *text, const fm_sandbox *sb, const char *provider,
                                 char *buf, size_t cap)
{
	for (size_t i = 0; i < sb->n_settings; i++) {
		if (!is_secret_setting(provider, sb->names[i]))
			continue;
		const char *secret = sb->values[i];
		if (strstr(text, secret)) {
			snprintf(buf, cap, "the value of %s", sb->names[i]);
			return buf;
		}
		for (size_t j = 0; j < sb->n_settings; j++) {
			char pair[512], b64[800];
			snprintf(pair, sizeof pair, "%s:%s", sb->values[j], secret);
			base64(b64, sizeof b64, pair);
			if (j != i && (strstr(text, pair) || strstr(text, b64))) {
				snprintf(buf, cap, "%s:%s as Basic credentials", sb->names[j], sb->names[i]);
				return buf;
			}
		}
	}
	static const char *const schemes[] = { "Bearer ", "Basic " };
	for (size_t s = 0; s < 2; s++) {
		for (const char *p = strstr(text, schemes[s]); p; p = strstr(p + 1, schemes[s])) {
			const char *w = p + strlen(schemes[s]);
			size_t len = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			                       "0123456789+/=._~-");
			if (len >= 16 && strcspn(w, "0123456789") < len) {
				snprintf(buf, cap, "a token after \"%s\"", schemes[s]);
				return buf;
			}
		}
	}
	return NULL;
}

/* Evidence that the fault hit the extraction: the sandbox logged the requests it applies
 * to, and for kinds it names in its log ("-> 503", " badjson", " repeat"), the name. */
static int fault_was_applied(const fm_cell *cell, const fm_sandbox *sb, char *why, size_t cap)
{
	char line[1024], tag[32] = "";
	const char *at = strchr(cell->spec, '@');
	size_t kind_len = (size_t)(at - cell->spec);
	static const char *const logged[] = { "badjson", "empty", "cut", "cutchunked", "stall",
		                              "stallclose", "drip", "echo", "repeat" };
	if (cell->spec[0] >= '1' && cell->spec[0] <= '5')
		snprintf(tag, sizeof tag, "-> %.*s", (int)kind_len, cell->spec);
	else if (strncmp(cell->spec, "drop@", 5) == 0)
		snprintf(tag, sizeof tag, "-> dropped");
	for (size_t i = 0; i < sizeof logged / sizeof logged[0]; i++)
		if (strlen(logged[i]) == kind_len && strncmp(cell->spec, logged[i], kind_len) == 0)
			snprintf(tag, sizeof tag, " %s", logged[i]);
	if (fm_sandbox_request_line(sb, cell->first, line, sizeof line) < 0) {
		snprintf(why, cap, "the extraction made fewer than %lu requests: the fault never hit it",
		         cell->first);
		return -1;
	}
	for (unsigned long n = cell->first; tag[0] && n <= cell->last; n++)
		if (fm_sandbox_request_line(sb, n, line, sizeof line) == 0 && strstr(line, tag))
			return 0;
	if (tag[0]) {
		snprintf(why, cap, "the sandbox did not apply the fault (%.900s)", line);
		return -1;
	}
	return 0;
}

static int configure(billtap_client **out, const fm_cell *cell, const fm_sandbox *sb, char *why,
                     size_t cap)
{
	billtap_client *c;
	*out = NULL;
	if (billtap_client_new(&c, cell->provider, NULL) != 0) {
		snprintf(why, cap, "billtap_client_new(%s) failed", cell->provider);
		return -1;
	}
	for (size_t i = 0; i < sb->n_settings; i++)
		if (billtap_client_set(c, sb->names[i], sb->values[i]) != 0) {
			snprintf(why, cap, "setting %s: %s", sb->names[i], billtap_client_error_message(c));
			billtap_client_free(c);
			return -1;
		}
	/* Small pages put requests 2 and 3 in the middle of every resource's stream; short
	 * backoffs keep retries fast. A provider without page_size pages as it likes. */
	if (billtap_client_set(c, "page_size", "2") != 0 &&
	    billtap_client_error_code(c) != BILLTAP_EUNKNOWN_SETTING) {
		snprintf(why, cap, "page_size: %s", billtap_client_error_message(c));
		billtap_client_free(c);
		return -1;
	}
	billtap_client_set(c, "retry_base_ms", "5");
	billtap_client_set(c, "retry_max_ms", "100");
	if (cell->setting) {
		char key[64];
		const char *eq = strchr(cell->setting, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - cell->setting), cell->setting);
		if (billtap_client_set(c, key, eq + 1) != 0) {
			snprintf(why, cap, "the cell needs setting %s: %s", cell->setting,
			         billtap_client_error_message(c));
			billtap_client_free(c);
			return -1;
		}
	}
	*out = c;
	return 0;
}

/* 1 when two loads of a truth file hold the same lines. */
static int same_truth(const truth *a, const truth *b)
{
	if (a->count != b->count)
		return 0;
	for (size_t i = 0; i < a->count; i++)
		if (strcmp(a->lines[i], b->lines[i]) != 0)
			return 0;
	return 1;
}

/* After the expected error: resumes from its checkpoint and requires the union to be the
 * truth, exactly once. A single-request fault is behind the sandbox's request counter by
 * now, so the resume goes to the same sandbox. A range may not be: the sandbox is stopped
 * and a new one without faults, over the same world (same seed and scale: the same ids),
 * takes its port, so the client and its checkpoint, bound to the URL, carry over. */
static fm_verdict resume_to_truth(const pass *first, billtap_client *c, const fm_cell *cell,
                                  fm_sandbox *sb, ledger *lg, const truth *must, char *detail,
                                  size_t cap)
{
	if (!first->checkpoint)
		return failf(detail, cap, "no checkpoint after the error");
	char why[512];
	fm_sandbox fresh = { 0 };
	truth check = { 0 };
	if (cell->last > cell->first) {
		unsigned port = fm_sandbox_port(sb);
		fm_sandbox_stop(sb);
		if (fm_sandbox_start(&fresh, cell->provider, NULL, port, why, sizeof why) != 0)
			return failf(detail, cap, "resume: a sandbox without the fault: %s", why);
		int ok = fm_truth_load(&check, &fresh, billtap_resource_name(cell->resource), why,
		                       sizeof why) == 0;
		if (ok && !same_truth(&check, lg->reference))
			ok = 0, snprintf(why, sizeof why, "its world differs from the first one's");
		truth_free(&check);
		if (!ok) {
			fm_sandbox_stop(&fresh);
			fm_sandbox_remove(&fresh);
			return failf(detail, cap, "resume: a sandbox without the fault: %s", why);
		}
	}
	billtap_iter_options o = BILLTAP_ITER_OPTIONS_INIT;
	o.checkpoint = first->checkpoint;
	pass again;
	fm_verdict v = FM_PASS;
	const char *missing = NULL;
	if (take_all(&again, c, &o, cell->resource, lg, why, sizeof why) < 0)
		v = failf(detail, cap, "resume: %s", why);
	else if (again.rc != BILLTAP_ITEROVER)
		v = failf(detail, cap, "resume failed (%s): %s", billtap_strerror(again.rc),
		          again.message);
	else if ((missing = first_missing(lg, must)))
		v = failf(detail, cap, "after the resume record %s is missing", missing);
	else
		snprintf(detail, cap, "%s after %ld records, the resume gave the other %ld",
		         billtap_strerror(first->rc), first->records, again.records);
	free(again.checkpoint);
	fm_sandbox_stop(&fresh);
	fm_sandbox_remove(&fresh);
	return v;
}

static fm_verdict judge(const fm_cell *cell, const pass *p, billtap_client *c,
                        fm_sandbox *sb, ledger *lg, const truth *before, char *detail,
                        size_t cap)
{
	const char *missing;
	char buf[128];
	switch (cell->expect) {
	case FM_RECOVER:
	case FM_RECOVER_CUT:
	case FM_PROGRESS:
		if (p->rc != BILLTAP_ITEROVER)
			return failf(detail, cap, "expected %s, got %s: %s",
			             cell->expect == FM_PROGRESS ? "success" : "recovery",
			             billtap_strerror(p->rc), p->message);
		if ((missing = first_missing(lg, lg->reference)))
			return failf(detail, cap, "ended without record %s", missing);
		if (cell->expect == FM_RECOVER_CUT && p->retries == 0)
			return failf(detail, cap, "complete, but the stall was waited out, not cut short");
		if (cell->expect == FM_PROGRESS && p->retries != 0)
			return failf(detail, cap, "complete, but a progressing answer was cut and retried "
			                          "(%" PRIu64 " retries)", p->retries);
		snprintf(detail, cap, "%ld records, %" PRIu64 " requests, %" PRIu64 " retries",
		         p->records, p->requests, p->retries);
		return FM_PASS;
	case FM_GUARD:
		if (p->rc == BILLTAP_ITEROVER && (missing = first_missing(lg, lg->reference)))
			return failf(detail, cap, "expected a guard's %s, got no error and no record %s "
			             "(silent loss, %ld records)", billtap_strerror(BILLTAP_EDATA),
			             missing, p->records);
		if (p->rc == BILLTAP_ITEROVER)
			return failf(detail, cap, "expected a guard's %s, got no error (the truth, "
			             "silently, in %" PRIu64 " requests)", billtap_strerror(BILLTAP_EDATA),
			             p->requests);
		if (p->rc != BILLTAP_EDATA)
			return failf(detail, cap, "expected a guard's %s, got %s: %s",
			             billtap_strerror(BILLTAP_EDATA), billtap_strerror(p->rc), p->message);
		if (!strstr(p->message, "GET /") && !strstr(p->message, "POST /"))
			return failf(detail, cap, "the guard's message names no request: %s", p->message);
		return resume_to_truth(p, c, cell, sb, lg, lg->reference, detail, cap);
	case FM_NO_SECRET:
		if (p->rc == BILLTAP_ITEROVER) {
			if ((missing = first_missing(lg, lg->reference)))
				return failf(detail, cap, "ended without record %s", missing);
			snprintf(detail, cap, "re-authenticated: %ld records, %" PRIu64 " requests",
			         p->records, p->requests);
			return FM_PASS;
		}
		if (p->rc != BILLTAP_EAUTH)
			return failf(detail, cap, "expected %s, got %s: %s",
			             billtap_strerror(BILLTAP_EAUTH), billtap_strerror(p->rc), p->message);
		if (leaked_secret(p->message, sb, cell->provider, buf, sizeof buf))
			return failf(detail, cap, "the error message shows %s: %s", buf, p->message);
		if (leaked_secret(p->details, sb, cell->provider, buf, sizeof buf))
			return failf(detail, cap, "the error's request id or code shows %s: %s", buf,
			             p->details);
		return resume_to_truth(p, c, cell, sb, lg, lg->reference, detail, cap);
	case FM_INSERT:
		/* A guard may see the totals move under it (PayPal: more rows than a window's
		 * total said): that error and a resume that completes the pass keep the promise. */
		if (p->rc == BILLTAP_EDATA)
			return resume_to_truth(p, c, cell, sb, lg, before, detail, cap);
		if (p->rc != BILLTAP_ITEROVER)
			return failf(detail, cap, "expected success, got %s: %s", billtap_strerror(p->rc),
			             p->message);
		if ((missing = first_missing(lg, before)))
			return failf(detail, cap, "record %s, there before the insert, is missing",
			             missing);
		snprintf(detail, cap, "%ld records: the %zu from before and %zu of the %zu inserted",
		         p->records, before->count, (size_t)p->records - before->count,
		         lg->reference->count - before->count);
		return FM_PASS;
	}
	return failf(detail, cap, "unknown expectation");
}

fm_verdict fm_cell_run(const fm_cell *cell, char *detail, size_t cap)
{
	fm_sandbox sb;
	char why[1024];
	int started = fm_sandbox_start(&sb, cell->provider, cell->spec, 0, why, sizeof why);
	if (started == 1 && (cell->expect == FM_GUARD || cell->expect == FM_INSERT)) {
		/* A module fault the provider's API cannot show (Stripe lists have no totals). */
		snprintf(detail, cap, "%s", why);
		return FM_NOT_APPLICABLE;
	}
	if (started != 0)
		return failf(detail, cap, "%s", why);

	const char *res = billtap_resource_name(cell->resource);
	char after_name[64];
	snprintf(after_name, sizeof after_name, "after/%s", res);
	truth before = { 0 }, after = { 0 };
	billtap_client *c = NULL;
	fm_verdict v = FM_FAIL;
	if (fm_truth_load(&before, &sb, res, why, sizeof why) < 0 ||
	    (cell->expect == FM_INSERT && fm_truth_load(&after, &sb, after_name, why, sizeof why) < 0) ||
	    configure(&c, cell, &sb, why, sizeof why) < 0) {
		v = failf(detail, cap, "%s", why);
		goto done;
	}
	/* With insert every record must be one of the truth after it; otherwise of the truth. */
	ledger lg = { cell->expect == FM_INSERT ? &after : &before, NULL };
	lg.seen = calloc(lg.reference->count + 1, 1);
	pass p;
	if (take_all(&p, c, NULL, cell->resource, &lg, why, sizeof why) < 0)
		v = failf(detail, cap, "%s", why);
	else
		v = judge(cell, &p, c, &sb, &lg, &before, detail, cap);
	/* the pass ended, every record there before it was read, and the fault's request never
	 * came: the whole stream takes fewer requests (an unpaginated list) */
	int short_stream = p.rc == BILLTAP_ITEROVER && !first_missing(&lg, &before) && p.requests < cell->first;
	free(p.checkpoint);
	free(lg.seen);
	fm_sandbox_stop(&sb);
	/* A cell the fault never reached proves nothing, whatever its outcome; one the whole
	 * stream ends before cannot be run. */
	if (fault_was_applied(cell, &sb, why, sizeof why) < 0) {
		if (short_stream) {
			snprintf(detail, cap, "the whole extraction takes %" PRIu64 " request(s), before request %lu",
			         p.requests, cell->first);
			v = FM_NOT_APPLICABLE;
		} else if (v == FM_PASS)
			v = failf(detail, cap, "vacuous: %s", why);
		else
			snprintf(detail + strlen(detail), cap - strlen(detail), " (and %s)", why);
	}
done:
	billtap_client_free(c);
	fm_sandbox_stop(&sb);
	fm_sandbox_remove(&sb);
	truth_free(&before);
	truth_free(&after);
	return v;
}
