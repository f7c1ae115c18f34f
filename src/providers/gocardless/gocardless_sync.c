/*
 * Tokens of incremental passes and the handing out of a pass of changes
 * (docs/providers/gocardless.md, "Incremental passes"; the walk itself is gocardless_feed.c).
 *
 * A position in the event history is "<at>/<ids>": the created_at of an event, verbatim as
 * GoCardless wrote it ("-" before any event), and the ids of the events at that instant
 * that the pass already accounted for, comma separated (possibly none). Events of one
 * instant are not ordered among themselves, so the instant alone cannot say which of them
 * a pass saw; the ids can.
 *
 * Grammar:
 *   "<letter>:<cursor>"               a full pass's mark (gocardless.c), without the flag
 *   "F:<head>|<letter>:<cursor>"      inside a full pass with the flag
 *   "S:<head>"                        the final mark: the sync token
 *   "C:<from>|<head>|<n>:<hash>"      inside a pass of changes from "S:<from>": n outputs
 *                                     out, <hash> (16 hex digits) the hash of their ids
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

#define MAX_POINT 8192 /* 100 ids of at most 64 characters (gocardless_feed.c) */

static int at_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == ':' || c == '.' || c == '+' || c == '-';
}

static int id_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
	       c == ',';
}

/* Reads "<at>/<ids>" up to `end` (a '|' or the end of the token) into *pt; *next after it. */
static int read_point(gc_point *pt, const char *p, const char **next)
{
	size_t n_at = strcspn(p, "/|");
	if (n_at == 0 || n_at > 64 || p[n_at] != '/')
		return -1;
	for (size_t i = 0; i < n_at; i++)
		if (!at_char(p[i]))
			return -1;
	const char *ids = p + n_at + 1;
	size_t n_ids = strcspn(ids, "|");
	if (n_ids > MAX_POINT)
		return -1;
	for (size_t i = 0; i < n_ids; i++)
		if (!id_char(ids[i]))
			return -1;
	int none = n_at == 1 && p[0] == '-';
	if (none && n_ids)
		return -1; /* no instant, no events at it */
	pt->at = strndup(p, none ? 0 : n_at);
	pt->seen = strndup(ids, n_ids);
	if (!pt->at || !pt->seen)
		return BILLTAP_ENOMEM;
	*next = ids + n_ids;
	return 0;
}

static void point_free(gc_point *pt)
{
	free(pt->at);
	free(pt->seen);
	pt->at = pt->seen = NULL;
}

int gc_sync_resume(gc_stream *s, const char *resume, billtap_ctx *ctx, const char **inner)
{
	const char *p = resume + 2;
	int rc = -1;
	*inner = NULL;
	if (resume[0] == 'S' && resume[1] == ':') {
		if ((rc = read_point(&s->from, p, &p)) == 0 && *p)
			rc = -1;
		s->changes = 1;
		/* nothing to look for when the token names no event */
		s->anchored = rc == 0 && !s->from.seen[0];
	} else if (resume[0] == 'F' && resume[1] == ':') {
		if ((rc = read_point(&s->head, p, &p)) == 0 && *p != '|')
			rc = -1;
		*inner = p + 1;
		s->probed = 1;
	} else if (resume[0] == 'C' && resume[1] == ':') {
		char *end;
		rc = read_point(&s->from, p, &p);
		if (rc == 0)
			rc = *p == '|' ? read_point(&s->head, p + 1, &p) : -1;
		if (rc == 0 && (*p != '|' || p[1] < '0' || p[1] > '9'))
			rc = -1;
		if (rc == 0) {
			unsigned long long n = strtoull(p + 1, &end, 10);
			if (*end != ':' || strlen(end + 1) != 16 || strspn(end + 1, "0123456789abcdef") != 16)
				rc = -1;
			s->resume_at = (size_t)n;
			s->resume_hash = strtoull(end + 1, NULL, 16);
		}
		s->changes = s->probed = s->anchored = 1;
	}
	if (rc == BILLTAP_ENOMEM)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	if (rc < 0)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
		                         "not a position this stream makes (an incremental pass's token or checkpoint)");
	return 0;
}

/* "<at>/<ids>", "-" for no event. */
static size_t point_len(const gc_point *pt)
{
	return (pt->at && pt->at[0] ? strlen(pt->at) : 1) + 1 + (pt->seen ? strlen(pt->seen) : 0);
}

static char *point_put(char *out, const gc_point *pt)
{
	out += sprintf(out, "%s/%s", pt->at && pt->at[0] ? pt->at : "-", pt->seen ? pt->seen : "");
	return out;
}

static int mark(billtap_sink *sink, billtap_ctx *ctx, const char *prefix, const gc_point *a,
                const gc_point *b, const char *tail)
{
	size_t n = strlen(prefix) + point_len(a) + (b ? point_len(b) + 1 : 0) + (tail ? strlen(tail) + 1 : 0) + 1;
	char *token = malloc(n), *p = token;
	if (!token)
		return billtap_ctx_error(ctx, BILLTAP_ENOMEM, NULL);
	p += sprintf(p, "%s", prefix);
	p = point_put(p, a);
	if (b) {
		*p++ = '|';
		p = point_put(p, b);
	}
	if (tail)
		sprintf(p, "|%s", tail);
	int rc = billtap_sink_mark(sink, token);
	free(token);
	return rc;
}

int gc_sync_full_mark(gc_stream *s, const char *inner, billtap_sink *sink, billtap_ctx *ctx)
{
	return inner ? mark(sink, ctx, "F:", &s->head, NULL, inner) : mark(sink, ctx, "S:", &s->head, NULL, NULL);
}

/* The hash of the ids handed out, in order (FNV-1a, each id ended by a NUL). */
static uint64_t hash_more(uint64_t h, const char *id)
{
	for (const unsigned char *p = (const unsigned char *)id;; p++) {
		h = (h ^ *p) * 0x100000001b3ULL;
		if (!*p)
			return h;
	}
}

/* Hands out output i (its record: a copy of a held one, or the read's, NULL when left
 * out) and its mark. */
static int hand_out_one(gc_stream *s, billtap_record *rec, billtap_sink *sink, billtap_ctx *ctx)
{
	/* a read left out still moves the mark on */
	int rc = rec ? billtap_sink_push(sink, rec) : 0;
	if (rc < 0)
		return rc;
	if (s->next == s->n_held + s->n_reads)
		return mark(sink, ctx, "S:", &s->head, NULL, NULL);
	char tail[48];
	snprintf(tail, sizeof tail, "%zu:%016" PRIx64, s->next, s->hash);
	return mark(sink, ctx, "C:", &s->from, &s->head, tail);
}

static int hand_out(gc_stream *s, int answered, billtap_record **read, billtap_sink *sink, billtap_ctx *ctx)
{
	size_t total = s->n_held + s->n_reads;
	if (s->resume_at > total)
		return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
		                         "the changes since the sync token are not those this checkpoint saw: "
		                         "start from the sync token again");
	while (s->next < total) {
		size_t i = s->next;
		int skipped = i < s->resume_at, rc = 0;
		billtap_record *rec = NULL;
		if (i >= s->n_held && !skipped && !answered)
			return 0; /* its read comes first */
		const char *id = i < s->n_held ? billtap_record_id(s->held[i]) : s->reads[i - s->n_held];
		/* held records stay held (a failed call is made again); the engine gets copies */
		if (i < s->n_held && !skipped && (rc = billtap_record_dup(&rec, s->held[i])) < 0)
			return billtap_ctx_error(ctx, rc, NULL);
		if (i >= s->n_held && !skipped) {
			rec = *read;
			*read = NULL;
			answered = 0;
		}
		s->hash = hash_more(s->hash, id ? id : "");
		s->next++;
		if (skipped) {
			if (s->next == s->resume_at && s->hash != s->resume_hash)
				return billtap_ctx_error(ctx, BILLTAP_ECHECKPOINT,
				                         "the changes since the sync token are not those this checkpoint "
				                         "saw: start from the sync token again");
			continue;
		}
		if ((rc = hand_out_one(s, rec, sink, ctx)) < 0)
			return rc;
	}
	/* nothing changed, or every output was out before a resume: the token still moves on */
	if (!s->done && (total == 0 || s->resume_at == total)) {
		int rc = mark(sink, ctx, "S:", &s->head, NULL, NULL);
		if (rc < 0)
			return rc;
	}
	s->done = 1;
	return 0;
}

int gc_sync_hand_out(gc_stream *s, int answered, billtap_record *read, billtap_sink *sink,
                     billtap_ctx *ctx)
{
	/* a failed call is made again with the same answer: it must find the state it began with
	 * (the engine drops what the failed call pushed) */
	size_t next = s->next;
	uint64_t hash = s->hash;
	int rc = hand_out(s, answered, &read, sink, ctx);
	billtap_record_free(read);
	if (rc < 0) {
		s->next = next;
		s->hash = hash;
		s->done = 0;
	}
	return rc;
}

void gc_sync_free(gc_stream *s)
{
	point_free(&s->from);
	point_free(&s->head);
	free(s->anchor_after);
	free(s->walk_after);
	for (size_t i = 0; i < s->n_held; i++)
		billtap_record_free(s->held[i]);
	free(s->held);
	gc_idset_free(&s->held_ids);
	for (size_t i = 0; i < s->n_reads; i++)
		free(s->reads[i]);
	free(s->reads);
}
