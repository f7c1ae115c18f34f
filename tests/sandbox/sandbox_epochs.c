/* Epochs: the current world and projection, held by requests, replaced by advances.
 *
 * An advance builds the next epoch beside the current one (world, projection, truth files
 * in DIR/.next), diffs the truth by id into changes.jsonl, moves the files into DIR and
 * only then swaps the epoch in, so a client told the advance is done finds the new truth
 * and the new API state together. Every epoch's strings live in epoch 0's arena, which
 * the epochs own and free last. */
#define _XOPEN_SOURCE 700
#include "sandbox_epochs.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox_rng.h"

struct sb_epoch {
    sb_world *world;
    void *state;
    int refs;       /* requests holding it, plus one while it is current */
};

struct sb_epochs {
    const sb_provider *provider;
    const sb_options *opts;
    const sb_faults *faults;
    sb_arena *arena;
    pthread_mutex_t lock;    /* current and refs */
    pthread_mutex_t advancing;
    sb_epoch *current;
};

static sb_epoch *epoch_new(sb_world *world, void *state)
{
    sb_epoch *ep = sb_xcalloc(1, sizeof *ep);
    ep->world = world;
    ep->state = state;
    ep->refs = 1;
    return ep;
}

static void epoch_free(const sb_provider *p, sb_epoch *ep)
{
    p->free(ep->state);
    sb_world_free(ep->world);
    free(ep->world);
    free(ep);
}

sb_epochs *sb_epochs_new(const sb_provider *provider, const sb_options *opts, const sb_faults *faults,
                         sb_world *world, void *state)
{
    sb_epochs *e = sb_xcalloc(1, sizeof *e);
    e->provider = provider;
    e->opts = opts;
    e->faults = faults;
    e->arena = world->arena;
    world->shares_arena = 1; /* the epochs free it, after every world */
    pthread_mutex_init(&e->lock, NULL);
    pthread_mutex_init(&e->advancing, NULL);
    e->current = epoch_new(world, state);
    return e;
}

void sb_epochs_free(sb_epochs *e)
{
    if (!e)
        return;
    epoch_free(e->provider, e->current);
    sb_arena_free(e->arena);
    pthread_mutex_destroy(&e->lock);
    pthread_mutex_destroy(&e->advancing);
    free(e);
}

sb_epoch *sb_epochs_acquire(sb_epochs *e)
{
    pthread_mutex_lock(&e->lock);
    sb_epoch *ep = e->current;
    ep->refs++;
    pthread_mutex_unlock(&e->lock);
    return ep;
}

void *sb_epoch_state(const sb_epoch *ep)
{
    return ep->state;
}

void sb_epochs_release(sb_epochs *e, sb_epoch *ep)
{
    pthread_mutex_lock(&e->lock);
    int last = --ep->refs == 0;
    pthread_mutex_unlock(&e->lock);
    if (last)
        epoch_free(e->provider, ep);
}

/* ---- the truth diff: records by id, each file a resource ---- */

typedef struct rec {
    char *id;
    uint64_t hash;  /* of the whole line */
    int seen;
} rec;

typedef struct rec_set {
    rec *recs;      /* in file order */
    size_t n, cap;
    size_t *slots;  /* open addressing: index + 1, 0 empty */
    size_t n_slots;
} rec_set;

static void set_free(rec_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->recs[i].id);
    free(s->recs);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static size_t *slot_of(rec_set *s, const char *id)
{
    size_t i = sb_hash_str(id, 0) & (s->n_slots - 1);
    while (s->slots[i] && strcmp(s->recs[s->slots[i] - 1].id, id) != 0)
        i = (i + 1) & (s->n_slots - 1);
    return &s->slots[i];
}

static rec *set_find(rec_set *s, const char *id)
{
    if (!s->n_slots)
        return NULL;
    size_t *slot = slot_of(s, id);
    return *slot ? &s->recs[*slot - 1] : NULL;
}

static void set_add(rec_set *s, const char *id, uint64_t hash)
{
    if (2 * (s->n + 1) > s->n_slots) {
        free(s->slots);
        s->n_slots = s->n_slots ? s->n_slots * 2 : 1024;
        s->slots = sb_xcalloc(s->n_slots, sizeof *s->slots);
        for (size_t i = 0; i < s->n; i++)
            *slot_of(s, s->recs[i].id) = i + 1;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->recs = sb_xrealloc(s->recs, s->cap * sizeof *s->recs);
    }
    s->recs[s->n] = (rec){sb_xstrdup(id), hash, 0};
    *slot_of(s, id) = ++s->n;
}

/* The top-level "id" string of a one-line JSON object, found without parsing it all
 * (truth files are large; only the id matters here): 1 with [*at, *at + *len), 0 when it
 * is not a plain string member of the outer object (the caller then parses the line). */
static int scan_id(const char *line, size_t n, size_t *at, size_t *len)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '"') {
            size_t start = ++i;
            while (i < n && line[i] != '"')
                i += line[i] == '\\' ? 2 : 1;
            if (i >= n)
                return 0;
            int is_id_key = depth == 1 && i - start == 2 && memcmp(line + start, "id", 2) == 0 && i + 2 < n &&
                            line[i + 1] == ':' && line[i + 2] == '"';
            if (is_id_key) {
                size_t v = i + 3, e = v;
                while (e < n && line[e] != '"' && line[e] != '\\')
                    e++;
                if (e >= n || line[e] != '"')
                    return 0;
                *at = v;
                *len = e - v;
                return 1;
            }
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 0;
}

/* The records of a JSONL truth file by their "id"; a missing file is an empty set. */
static int load(const char *path, rec_set *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno)), -1);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t at, len;
        uint64_t hash = sb_hash_bytes(line, (size_t)n, 0);
        if (scan_id(line, (size_t)n, &at, &len)) {
            line[at + len] = '\0';
            set_add(s, line + at, hash);
            continue;
        }
        json_error_t jerr;
        json_t *o = json_loadb(line, (size_t)n, 0, &jerr);
        const char *id = json_string_value(json_object_get(o, "id"));
        if (!id) {
            snprintf(err, errlen, "%s: a line without a string \"id\"", path);
            json_decref(o);
            rc = -1;
            break;
        }
        set_add(s, id, hash);
        json_decref(o);
    }
    free(line);
    fclose(f);
    return rc;
}

/* dir/name into out; -1 (with err) when it does not fit. */
static int join(char *out, size_t n, const char *dir, const char *name, char *err, size_t errlen)
{
    int k = snprintf(out, n, "%s/%s", dir, name);
    if (k < 0 || (size_t)k >= n) {
        snprintf(err, errlen, "path too long: %s/%s", dir, name);
        return -1;
    }
    return 0;
}

static void change_line(FILE *out, const char *resource, const char *id, const char *change)
{
    json_t *o = json_pack("{s:s, s:s, s:s}", "resource", resource, "id", id, "change", change);
    char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fprintf(out, "%s\n", text);
    free(text);
    json_decref(o);
}

/* Appends the changes of one resource (file NAME.jsonl) from old_dir to new_dir. */
static int diff_file(const char *old_dir, const char *new_dir, const char *name, FILE *out, size_t *count,
                     char *err, size_t errlen)
{
    char path[4096], resource[256];
    rec_set before, after;
    snprintf(resource, sizeof resource, "%.*s", (int)(strlen(name) - 6), name);
    if (join(path, sizeof path, old_dir, name, err, errlen) != 0 || load(path, &before, err, errlen) != 0)
        return -1;
    if (join(path, sizeof path, new_dir, name, err, errlen) != 0 || load(path, &after, err, errlen) != 0) {
        set_free(&before);
        return -1;
    }
    for (size_t i = 0; i < after.n; i++) {
        rec *r = set_find(&before, after.recs[i].id);
        if (r)
            r->seen = 1;
        if (!r || r->hash != after.recs[i].hash) {
            change_line(out, resource, after.recs[i].id, r ? "updated" : "created");
            ++*count;
        }
    }
    for (size_t i = 0; i < before.n; i++) {
        if (!before.recs[i].seen) {
            change_line(out, resource, before.recs[i].id, "deleted");
            ++*count;
        }
    }
    set_free(&before);
    set_free(&after);
    return 0;
}

static int is_jsonl(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".jsonl") == 0 && strcmp(name, "changes.jsonl") != 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted (the caller frees each and the array). */
static char **files_of(const char *dir, size_t *n)
{
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        char path[4096], ignored[4200];
        struct stat st;
        if (de->d_name[0] == '.' || join(path, sizeof path, dir, de->d_name, ignored, sizeof ignored) != 0 ||
            stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = sb_xrealloc(names, cap * sizeof *names);
        }
        names[(*n)++] = sb_xstrdup(de->d_name);
    }
    if (d)
        closedir(d);
    if (*n)
        qsort(names, *n, sizeof *names, cmp_str);
    return names;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* changes.jsonl from DIR (the old truth) to next (the new), then the new files into DIR
 * (and DIR's truth files that the new truth no longer has removed). */
static int replace_truth(const char *dir, const char *next, size_t *count, char *err, size_t errlen)
{
    char path[4096], tmp[4096];
    if (join(tmp, sizeof tmp, next, "changes.jsonl", err, errlen) != 0)
        return -1;
    FILE *out = fopen(tmp, "w");
    if (!out) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    size_t n_old, n_new;
    char **old_names = files_of(dir, &n_old), **new_names = files_of(next, &n_new);
    int rc = 0;
    *count = 0;
    for (size_t i = 0; i < n_new && rc == 0; i++)
        if (is_jsonl(new_names[i]))
            rc = diff_file(dir, next, new_names[i], out, count, err, errlen);
    for (size_t i = 0; i < n_old && rc == 0; i++) { /* a resource whose file is gone */
        if ((rc = join(path, sizeof path, next, old_names[i], err, errlen)) != 0)
            break;
        if (is_jsonl(old_names[i]) && access(path, F_OK) != 0)
            rc = diff_file(dir, next, old_names[i], out, count, err, errlen);
    }
    if (fclose(out) != 0 && rc == 0) {
        snprintf(err, errlen, "cannot write %s", tmp);
        rc = -1;
    }
    for (size_t i = 0; i < n_old && rc == 0; i++) {
        if ((rc = join(path, sizeof path, next, old_names[i], err, errlen)) != 0)
            break;
        if (strcmp(old_names[i], "changes.jsonl") != 0 && access(path, F_OK) != 0 &&
            join(path, sizeof path, dir, old_names[i], err, errlen) == 0)
            remove(path);
    }
    free_names(new_names, n_new);
    new_names = files_of(next, &n_new);
    for (size_t i = 0; i < n_new && rc == 0; i++) {
        if (join(tmp, sizeof tmp, next, new_names[i], err, errlen) != 0 ||
            join(path, sizeof path, dir, new_names[i], err, errlen) != 0) {
            rc = -1;
        } else if (rename(tmp, path) != 0) {
            snprintf(err, errlen, "cannot move %s to %s: %s", tmp, path, strerror(errno));
            rc = -1;
        }
    }
    free_names(old_names, n_old);
    free_names(new_names, n_new);
    return rc;
}

static int write_next_truth(sb_epochs *e, void *state, size_t *changes, char *err, size_t errlen)
{
    const char *dir = e->opts->truth_dir;
    char next[4096];
    if (join(next, sizeof next, dir, ".next", err, errlen) != 0)
        return -1;
    rm_tree(next);
    if (mkdir(next, 0777) != 0) {
        snprintf(err, errlen, "cannot create %s: %s", next, strerror(errno));
        return -1;
    }
    int rc = e->provider->write_truth(state, next, err, errlen);
    if (rc == 0)
        rc = replace_truth(dir, next, changes, err, errlen);
    rm_tree(next);
    return rc;
}

int sb_epochs_advance(sb_epochs *e, int days, int *epoch, int64_t *now, size_t *changes, char *err,
                      size_t errlen)
{
    pthread_mutex_lock(&e->advancing);
    sb_epoch *cur = sb_epochs_acquire(e);
    sb_world *w = sb_xcalloc(1, sizeof *w);
    sb_world_advance(cur->world, days, w);
    sb_epochs_release(e, cur);
    void *state = e->provider->init(w, e->opts, err, errlen);
    int rc = state ? 0 : -1;
    if (rc == 0 && e->provider->prepare_faults)
        rc = e->provider->prepare_faults(state, e->faults, err, errlen);
    *changes = 0;
    if (rc == 0 && e->opts->truth_dir)
        rc = write_next_truth(e, state, changes, err, errlen);
    if (rc != 0) {
        if (state)
            e->provider->free(state);
        sb_world_free(w);
        free(w);
        pthread_mutex_unlock(&e->advancing);
        return -1;
    }
    *epoch = w->epoch;
    *now = e->provider->now ? e->provider->now(state) : w->now;
    sb_epoch *ep = epoch_new(w, state);
    pthread_mutex_lock(&e->lock);
    sb_epoch *old = e->current;
    e->current = ep;
    pthread_mutex_unlock(&e->lock);
    sb_epochs_release(e, old); /* freed now, or by the last request holding it */
    pthread_mutex_unlock(&e->advancing);
    return 0;
}
