/* The latest page of each list, kept so that repeat@N can answer it again (a proxy cache
 * or a server that serves a stale page). Lists are told apart by the module's list key
 * (sb_provider.list_key). Thread-safe. */
#ifndef SANDBOX_REPLAY_H
#define SANDBOX_REPLAY_H

#include "sandbox_provider.h"

typedef struct sb_replay sb_replay;

sb_replay *sb_replay_new(void);
/* Remember resp (status, headers, body) as the latest page of list `key`. */
void sb_replay_put(sb_replay *rp, const char *key, const sb_response *resp);
/* Replace resp with the latest page of list `key`: 1, or 0 (resp untouched) when there is
 * none yet. */
int sb_replay_get(sb_replay *rp, const char *key, sb_response *resp);
void sb_replay_free(sb_replay *rp);

#endif
