/* Stripe's incremental passes: the state shared by the walk of the event feed
 * (stripe_sync.c) and the emitting of what it found (stripe_sync_emit.c). Internal to the
 * provider. */
#ifndef BILLTAP_PROVIDERS_STRIPE_SYNC_H
#define BILLTAP_PROVIDERS_STRIPE_SYNC_H

#include "stripe_stream.h"

/* What an entry is (stripe_sync.c's kinds[] says where each is read). */
enum kind { K_CUSTOMER, K_PRICE, K_SUBSCRIPTION, K_INVOICE, K_CHARGE, K_REFUND, K_DISPUTE,
	    K_PRODUCT };

typedef struct entry {
	char *id;
	enum kind kind;
	int gone; /* its newest event deleted it: a tombstone without a read */
} entry;

enum phase { PH_HEAD, PH_LIST, PH_WALK, PH_EMIT, PH_LINK };

struct stripe_sync {
	enum phase phase;
	const char *const *types;
	unsigned kinds;  /* bits of the kinds of object the resource's events name */
	char *full_head; /* "full:E:C:T" of an incremental full pass, once read */
	/* The sync point the pass starts from (a pass of changes: the token's). */
	char *from;           /* E; NULL: the feed was empty */
	int64_t from_created; /* C */
	/* The walk. A rebuild (a resumed pass of changes) starts at `top` and ends at `bottom`,
	 * both included; a first walk starts at the feed's head and ends before `from`. */
	char *top, *bottom;
	int64_t top_created, bottom_created;
	int rebuild, at_top;
	char *walk_cursor;
	int64_t started; /* T2: the clock when the walk began */
	/* The entries, and the ids seen in the walk (entries and those `since` dropped). */
	entry *ent;
	size_t count, cap;
	char **seen;
	size_t seen_count, seen_cap; /* seen_cap a power of two */
	/* Emitting: entries before `next` are out; `hash` covers their ids. A resumed pass
	 * checks its rebuilt entries against the mark's count, hash and last id. */
	size_t next;
	uint64_t hash;
	size_t want_k;
	uint64_t want_hash;
	char *want_id;
	char *product_cursor; /* within a product entry: the last of its prices listed */
	billtap_json *obj; /* the object read, kept while its invoice links are looked up */
	char *obj_text;    /* its text (the parser points into it), once kept */
	char *lookup;      /* the PaymentIntent being looked up */
};

#define HASH_START UINT64_C(14695981039346656037) /* FNV-1a */

/* The hash of the ids of the entries out, one id more (FNV-1a over "id\n"). */
uint64_t stripe_sync_hash_step(uint64_t h, const char *id);
/* Into buf: the mark "chg:E2:C2:L:LC:T2:K:H" (K entries out, their hash H); EINVAL when
 * it does not fit. */
int stripe_sync_chg_mark(char *buf, size_t cap, const stripe_sync *y, size_t k, uint64_t hash);
/* Marks the sync token. */
int stripe_sync_final_mark(stripe_sync *y, billtap_sink *sink, billtap_ctx *ctx);
/* From entry `next` on (hash: of the entries before it), the tombstones that need no read,
 * then the sync token after the last entry; kept in y only when all went through. */
int stripe_sync_flush_gone(stripe_sync *y, size_t next, uint64_t hash, billtap_sink *sink,
                           billtap_ctx *ctx);
/* EDATA about a response, naming its request. */
int stripe_sync_data_error(billtap_ctx *ctx, const billtap_request *req,
                           const billtap_response *resp, const char *problem);
/* 1 when the walk met an event of the object with this id. */
int stripe_sync_seen_has(const stripe_sync *y, const char *id);
/* The answers to TAG_OBJECT, TAG_LINK and TAG_PRODUCT requests. */
int stripe_sync_emit_response(stripe_stream *s, const billtap_request *req,
                              const billtap_response *resp, billtap_sink *sink,
                              billtap_ctx *ctx);

#endif
