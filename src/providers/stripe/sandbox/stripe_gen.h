/* Internal to the Stripe dataset generator: the stages and their shared helpers. */
#ifndef STRIPE_GEN_H
#define STRIPE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox_rng.h"
#include "stripe_model.h"

/* Independent random streams, one per stage, so changing one stage leaves the others'
 * data alone. */
enum { ST_STREAM_CATALOG = 1, ST_STREAM_CUSTOMERS, ST_STREAM_SUBS, ST_STREAM_CHARGES, ST_STREAM_REFUNDS };

/* Seconds many records share (bulk imports, renewal runs): ties in `created` must be
 * ordered by the internal sequence, across page boundaries. */
#define ST_TS_CATALOG 1641204000LL      /* 2022-01-03T10:00:00Z: the initial catalog */
#define ST_TS_IMPORT 1647334800LL       /* 2022-03-15T09:00:00Z: customers imported */
#define ST_TS_IMPORT2 1706745600LL      /* 2024-02-01T00:00:00Z: a second import */
#define ST_TS_SUB_MIGRATION 1672531200LL /* 2023-01-01T00:00:00Z: subscriptions migrated */
#define ST_TS_RENEWAL1 1704067200LL     /* 2024-01-01T00:00:00Z: a renewal run */
#define ST_TS_RENEWAL2 1735689600LL     /* 2025-01-01T00:00:00Z */
#define ST_SUB_EARLIEST 1648771200LL    /* 2022-04-01: every price exists by then */

#define ST_DAY_S 86400LL

void st_gen_catalog(st_dataset *ds);
void st_gen_customers(st_dataset *ds);
void st_gen_subscriptions(st_dataset *ds);
void st_gen_payments(st_dataset *ds);

/* Put n generated records (each `size` bytes, its id buffer first and an int64 `created`
 * at created_offset) oldest first, ties in generation order, and give record k the id
 * (id_kind, k). Returns the new array; gen is freed. */
void *st_order_records(const st_dataset *ds, void *gen, size_t n, size_t size,
                       size_t created_offset, int id_kind, size_t id_size);
#define ST_ORDER(ds, gen, n, type, kind) \
    ((type *)st_order_records((ds), (gen), (n), sizeof(type), offsetof(type, created), (kind), \
                              sizeof(((type *)0)->id)))
/* Round v up to the currency's quantum (at least one quantum). */
int64_t st_round_amount(int ccy, int64_t v);
/* Start of period k counted from anchor (calendar months and years). */
int64_t st_period_start(int64_t anchor, int unit, int count, int64_t k);
/* The period [*s, *e) of the given interval that contains ref (the first one if ref is
 * before anchor). */
void st_period_at(int64_t anchor, int unit, int count, int64_t ref, int64_t *s, int64_t *e);

#endif
