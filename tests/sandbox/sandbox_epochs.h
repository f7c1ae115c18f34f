/* The served world over time: the current epoch (a world and the module's projection of
 * it), swapped whole by an advance. Server threads hold an epoch while they answer, so a
 * request sees one epoch from start to end; a replaced epoch is freed when its last
 * request is done. */
#ifndef SANDBOX_EPOCHS_H
#define SANDBOX_EPOCHS_H

#include <stdint.h>

#include "sandbox_buf.h"
#include "sandbox_faults.h"
#include "sandbox_provider.h"

typedef struct sb_epochs sb_epochs;
typedef struct sb_epoch sb_epoch;

/* Takes ownership of world (heap-allocated, epoch 0) and state (the module's projection
 * of it, faults prepared). opts and faults must outlive the result. */
sb_epochs *sb_epochs_new(const sb_provider *provider, const sb_options *opts, const sb_faults *faults,
                         sb_world *world, void *state);
void sb_epochs_free(sb_epochs *e);

/* The current epoch, held until sb_epochs_release(); its state for the module. */
sb_epoch *sb_epochs_acquire(sb_epochs *e);
void *sb_epoch_state(const sb_epoch *ep);
void sb_epochs_release(sb_epochs *e, sb_epoch *ep);

/* Advances the world `days` days: the new world, its projection, the truth files and
 * DIR/changes.jsonl (with --truth DIR), then the swap. One advance at a time. 0 with
 * the new epoch's number, now (the module's clock) and count of changes; -1 with a
 * message in err (the current epoch stays). */
int sb_epochs_advance(sb_epochs *e, int days, int *epoch, int64_t *now, size_t *changes, char *err,
                      size_t errlen);

#endif
