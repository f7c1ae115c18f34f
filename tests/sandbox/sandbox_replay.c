#include "sandbox_replay.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTS 64 /* a client walks a few lists at a time; the oldest one is forgotten */

typedef struct page {
    char *key;
    sb_response resp;
    unsigned long long used; /* when it was last stored */
} page;

struct sb_replay {
    pthread_mutex_t lock;
    page pages[MAX_LISTS];
    unsigned long long clock;
};

sb_replay *sb_replay_new(void)
{
    sb_replay *rp = sb_xcalloc(1, sizeof *rp);
    pthread_mutex_init(&rp->lock, NULL);
    return rp;
}

static void copy_response(sb_response *to, const sb_response *from)
{
    sb_buf_free(&to->body);
    *to = *from;
    sb_buf_init(&to->body);
    sb_buf_add(&to->body, from->body.data ? from->body.data : "", from->body.len);
}

void sb_replay_put(sb_replay *rp, const char *key, const sb_response *resp)
{
    pthread_mutex_lock(&rp->lock);
    page *slot = &rp->pages[0];
    for (size_t i = 0; i < MAX_LISTS; i++) {
        page *p = &rp->pages[i];
        if (p->key && strcmp(p->key, key) == 0) {
            slot = p;
            break;
        }
        if (!p->key || p->used < slot->used)
            slot = p; /* an empty slot, else the least recently stored */
    }
    if (!slot->key || strcmp(slot->key, key) != 0) {
        free(slot->key);
        slot->key = sb_xstrdup(key);
    }
    copy_response(&slot->resp, resp);
    slot->used = ++rp->clock;
    pthread_mutex_unlock(&rp->lock);
}

int sb_replay_get(sb_replay *rp, const char *key, sb_response *resp)
{
    int found = 0;
    pthread_mutex_lock(&rp->lock);
    for (size_t i = 0; i < MAX_LISTS && !found; i++) {
        if (rp->pages[i].key && strcmp(rp->pages[i].key, key) == 0) {
            copy_response(resp, &rp->pages[i].resp);
            found = 1;
        }
    }
    pthread_mutex_unlock(&rp->lock);
    return found;
}

void sb_replay_free(sb_replay *rp)
{
    if (!rp)
        return;
    for (size_t i = 0; i < MAX_LISTS; i++) {
        free(rp->pages[i].key);
        sb_buf_free(&rp->pages[i].resp.body);
    }
    pthread_mutex_destroy(&rp->lock);
    free(rp);
}
