/* The iterator's queue of records and resume marks, in the order the provider pushed them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "model/record.h"

int bt_queue_push(billtap_iter *it, billtap_record *rec, char *mark)
{
	if (it->q_head && it->q_head + it->q_len == it->q_cap) {
		/* Slide down before growing: the queue is drained from the front. */
		memmove(it->queue, it->queue + it->q_head, it->q_len * sizeof *it->queue);
		it->q_head = 0;
	}
	if (it->q_len == it->q_cap) {
		size_t cap = it->q_cap ? it->q_cap * 2 : 128;
		bt_entry *q = realloc(it->queue, cap * sizeof *q);
		if (!q)
			return BILLTAP_ENOMEM;
		it->queue = q;
		it->q_cap = cap;
	}
	it->queue[it->q_head + it->q_len].rec = rec;
	it->queue[it->q_head + it->q_len].mark = mark;
	it->q_len++;
	return 0;
}

int bt_queue_pop(billtap_iter *it, bt_entry *out)
{
	if (!it->q_len)
		return 0;
	*out = it->queue[it->q_head++];
	if (--it->q_len == 0)
		it->q_head = 0;
	return 1;
}

int bt_queue_peek_mark(const billtap_iter *it)
{
	return it->q_len && it->queue[it->q_head].mark != NULL;
}

void bt_queue_truncate(billtap_iter *it, size_t keep)
{
	while (it->q_len > keep) {
		bt_entry *e = &it->queue[it->q_head + --it->q_len];
		billtap_record_free(e->rec);
		free(e->mark);
	}
	if (!it->q_len)
		it->q_head = 0;
}

void bt_queue_free(billtap_iter *it)
{
	bt_queue_truncate(it, 0);
	free(it->queue);
	it->queue = NULL;
	it->q_cap = 0;
}

/* ---- the sink: how providers fill the queue ---- */

BILLTAP_EXTERN(int) billtap_sink_push(billtap_sink *sink, billtap_record *rec)
{
	if (!sink) {
		billtap_record_free(rec);
		return BILLTAP_EINVAL; /* no client to record it on: the engine names the slot */
	}
	billtap_iter *it = sink->iter;
	if (!rec)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL, "provider pushed a NULL record");
	billtap_record_kind want = billtap_resource_kind(it->resource);
	if (bt_record_kind(rec) != want) {
		char msg[160];
		const char *kind = billtap_record_kind_name(bt_record_kind(rec));
		snprintf(msg, sizeof msg, "provider pushed a %s record into a stream of %s",
		         kind ? kind : "(unknown kind)", billtap_resource_name(it->resource));
		billtap_record_free(rec);
		return billtap_ctx_error(sink->ctx, BILLTAP_EDATA, msg);
	}
	char msg[512];
	int rc = bt_record_validate(rec, msg, sizeof msg);
	if (rc < 0) {
		/* A record that cannot be normalized: the bad-record policy decides. */
		billtap_ctx_error(sink->ctx, rc, msg);
		size_t raw_len = 0;
		const char *raw = billtap_record_raw_json(rec, &raw_len);
		rc = billtap_sink_reject(sink, rc, billtap_record_id(rec), raw, raw_len);
		billtap_record_free(rec);
		return rc;
	}
	rc = bt_queue_push(it, rec, NULL);
	if (rc < 0) {
		billtap_record_free(rec);
		return billtap_ctx_error(sink->ctx, rc, "out of memory queueing a record");
	}
	return 0;
}

BILLTAP_EXTERN(int) billtap_sink_mark(billtap_sink *sink, const char *token)
{
	if (!sink)
		return BILLTAP_EINVAL; /* no client to record it on: the engine names the slot */
	if (!token)
		return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL, "billtap_sink_mark: token is NULL");
	for (const char *p = token; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e) {
			/* Tokens travel inside checkpoints: printable ASCII only. The token itself
			 * is not quoted: it may hold anything. */
			char msg[128];
			snprintf(msg, sizeof msg,
			         "billtap_sink_mark: a resume token must be printable ASCII (byte 0x%02x "
			         "at offset %zu)",
			         (unsigned char)*p, (size_t)(p - token));
			return billtap_ctx_error(sink->ctx, BILLTAP_EINVAL, msg);
		}
	char *copy = strdup(token);
	int rc = copy ? bt_queue_push(sink->iter, NULL, copy) : BILLTAP_ENOMEM;
	if (rc < 0) {
		free(copy);
		return billtap_ctx_error(sink->ctx, rc, "out of memory queueing a resume mark");
	}
	return 0;
}
