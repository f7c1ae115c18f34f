/* The Recurly stream's state and the parts recurly.c (lists) and recurly_invoices.c
 * (invoices held until their line items are read) share. */
#ifndef RECURLY_STREAM_H
#define RECURLY_STREAM_H

#include "recurly.h"

/* Request tags: a page of the resource's list, or of an invoice's line items. */
enum { RECURLY_TAG_LIST = 0, RECURLY_TAG_LINES = 1, RECURLY_TAG_HEAD = 2 };

/* An invoice of the page being handed over. */
typedef struct recurly_held {
	billtap_record *rec;
	char *lines_of; /* its id while its line items must still be read, else NULL */
} recurly_held;

typedef struct recurly_stream {
	billtap_resource resource;
	const char *path;
	char *base_url, *api_key;
	char *next; /* the `next` of the last page handed over; NULL: the first page */
	int done;
	int64_t since, page_size;
	billtap_json *doc;
	/* Invoices: a list page's records, handed over in order, each once its lines are in. */
	recurly_held *held;
	size_t n_held, head;     /* held[head] is the next to hand over */
	char *page_next;         /* that page's `next`, and whether it has more */
	int page_more;
	char *lines_path;        /* the line-items page to read for held[head]; NULL: the first */
	billtap_record *lines;   /* held[head]'s line items read so far (a scratch invoice) */
	/* Incremental passes (recurly_sync.c). */
	int incremental;         /* BILLTAP_STREAM_INCREMENTAL */
	int changes;             /* a pass of changes: by updated_at from `from` to `to` */
	int head_pending;        /* the list's newest change must be asked for first */
	int has_from, has_to;
	int64_t from, to;        /* the token's time; the head's (this pass's final mark) */
} recurly_stream;

/* Reads a list answer into s->doc and checks its shape ({"has_more", "next", "data"}),
 * reporting the page (billtap_sink_page) as list `list`: *data, *more and *next (a copy,
 * NULL without more) on success. */
int recurly_read_page(billtap_json_ref *data, int *more, char **next, recurly_stream *s,
                      const char *list, const billtap_request *req, const billtap_response *resp,
                      billtap_sink *sink, billtap_ctx *ctx);
/* Records the error an answer other than 200 stands for (Recurly's envelope). */
int recurly_error(const billtap_request *req, const billtap_response *resp, recurly_stream *s,
                  billtap_ctx *ctx);
/* Authorization and the pinned version. */
int recurly_auth(billtap_request *req, const recurly_stream *s);
/* Points req at a `next` Recurly gave: a path on base_url, or a URL on its origin. */
int recurly_follow(billtap_request *req, const recurly_stream *s, const char *next);

/* recurly_sync.c */

/* Restores an incremental stream from its token (NULL: a full pass), or BILLTAP_ECHECKPOINT. */
int recurly_sync_resume(recurly_stream *s, const char *token, billtap_ctx *ctx);
/* The list's newest change (its updated_at is this pass's final mark). */
int recurly_head_request(billtap_request *req, recurly_stream *s, billtap_ctx *ctx);
int recurly_head_response(recurly_stream *s, const billtap_request *req,
                          const billtap_response *resp, billtap_ctx *ctx);
/* The first page of a pass of changes: by updated_at, from the token to the head. */
int recurly_changes_request(billtap_request *req, recurly_stream *s);
/* The mark after a page: where the next page resumes, or (next NULL) the final mark of
 * an incremental pass; nothing at the end of a pass without the flag. */
int recurly_page_mark(recurly_stream *s, const char *next, billtap_sink *sink, billtap_ctx *ctx);
/* 1 for a record a pass of changes drops: created before `since` (a full pass's
 * begin_time would not have listed it). */
int recurly_before_since(const recurly_stream *s, const billtap_record *rec);

/* recurly_invoices.c */

/* Takes over a page of invoices (and `next`, freed on error): maps them and hands over
 * those that need no more reading. */
int recurly_invoices_page(recurly_stream *s, billtap_json_ref data, char *next, int more,
                          billtap_sink *sink, billtap_ctx *ctx);
/* 1 while an invoice waits for its line items (the next request is for them). */
int recurly_lines_pending(const recurly_stream *s);
int recurly_lines_request(billtap_request *req, recurly_stream *s, billtap_ctx *ctx);
int recurly_lines_response(recurly_stream *s, const billtap_request *req,
                           const billtap_response *resp, billtap_sink *sink, billtap_ctx *ctx);
/* Forgets every held invoice. */
void recurly_held_clear(recurly_stream *s);

#endif
