/* Internal to the PayPal dataset generator: the stages and their shared helpers. */
#ifndef PAYPAL_GEN_H
#define PAYPAL_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "paypal_model.h"
#include "sandbox_rng.h"

/* One random stream per stage, so changing one stage leaves the others' data alone. */
enum {
    PP_STREAM_IDS = 1, PP_STREAM_CATALOG, PP_STREAM_PAYERS, PP_STREAM_SUBS, PP_STREAM_ONEOFF,
    PP_STREAM_REFUNDS, PP_STREAM_TWINS,
};

/* Growable row list used while generating (rows get their ids and order at the end). */
typedef struct pp_rowvec {
    pp_row *items;
    size_t n, cap;
    int32_t *parent; /* per row: the row it refers to (refunds...), -1 */
} pp_rowvec;

pp_row *pp_rowvec_push(pp_rowvec *v, int32_t parent);

/* Id spaces; each id is a bijection of (space, number), so ids never collide. */
enum { PP_IDS_PRODUCT = 1, PP_IDS_PLAN, PP_IDS_PAYER, PP_IDS_SUB, PP_IDS_TXN, PP_IDS_AUTH,
       PP_IDS_BA, PP_IDS_TOKEN, PP_IDS_ACCOUNT };
/* Writes the id (with its prefix) for number n of a space into out (>= 28 bytes). */
void pp_make_id(uint64_t seed, int space, uint64_t n, char *out);

/* Start of period k of a cycle that begins at anchor (calendar months and years). */
int64_t pp_period_start(int64_t anchor, int unit, int count, int64_t k);
/* Round a price to something a merchant would type, at least one minor unit. */
int64_t pp_round_price(int ccy, int64_t v);
/* PayPal's fee for a payment: -(2.9 % + 0.30 units), in the currency's minor units. */
int64_t pp_fee(int ccy, int64_t amount);

void pp_gen_catalog(pp_dataset *ds);
void pp_gen_payers(pp_dataset *ds);
void pp_gen_subscriptions(pp_dataset *ds, pp_rowvec *rows);
void pp_gen_oneoffs(pp_dataset *ds, pp_rowvec *rows);
void pp_gen_refunds(pp_dataset *ds, pp_rowvec *rows);
void pp_gen_twins(pp_dataset *ds, pp_rowvec *rows);
void pp_gen_burst(pp_dataset *ds, pp_rowvec *rows);

/* Shared name tables (paypal_gen_payers.c). */
const char *pp_guest_name(uint64_t g);
const pp_place *pp_guest_place(uint64_t g);

#endif
