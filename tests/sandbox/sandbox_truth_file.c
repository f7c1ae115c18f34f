#include "sandbox_truth_file.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int sb_truth_open(sb_truth_file *o, const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sb_buf_init(&o->buf);
    o->failed = 0;
    o->f = fopen(path, "w");
    if (!o->f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void sb_truth_flush(sb_truth_file *o, int force)
{
    if (o->buf.len && (force || o->buf.len > (1u << 20))) {
        if (fwrite(o->buf.data, 1, o->buf.len, o->f) != o->buf.len)
            o->failed = 1;
        sb_buf_reset(&o->buf);
    }
}

int sb_truth_close(sb_truth_file *o, const char *name, char *err, size_t errlen)
{
    sb_truth_flush(o, 1);
    if (fclose(o->f) != 0)
        o->failed = 1;
    sb_buf_free(&o->buf);
    if (o->failed) {
        snprintf(err, errlen, "error writing %s", name);
        return -1;
    }
    return 0;
}

void sb_truth_end_line(sb_truth_file *o)
{
    sb_buf_addc(&o->buf, '\n');
    sb_truth_flush(o, 0);
}

sb_json *sb_truth_record(sb_truth_file *o, const char *object)
{
    sbj_init(&o->json, &o->buf, 0);
    sbj_obj_begin(&o->json);
    sbj_kstr(&o->json, "object", object);
    return &o->json;
}

void sb_truth_record_end(sb_truth_file *o)
{
    sbj_obj_end(&o->json);
    sb_truth_end_line(o);
}

int sb_truth_write(const char *dir, const sb_truth_spec *specs, size_t n, const void *state,
                   char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        sb_truth_file o;
        if (sb_truth_open(&o, dir, specs[i].name, err, errlen) != 0)
            return -1;
        specs[i].write(state, &o);
        if (sb_truth_close(&o, specs[i].name, err, errlen) != 0)
            return -1;
    }
    return 0;
}

int sb_truth_write_views(const char *dir, int inserting, int *after,
                         int (*write)(void *state, const char *dir, char *err, size_t errlen), void *state,
                         char *err, size_t errlen)
{
    char sub[4096];
    *after = 0;
    if (write(state, dir, err, errlen) != 0)
        return -1;
    if (!inserting)
        return 0;
    if ((size_t)snprintf(sub, sizeof sub, "%s/after", dir) >= sizeof sub) {
        snprintf(err, errlen, "truth directory name too long: %s/after", dir);
        return -1;
    }
    if (mkdir(sub, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", sub, strerror(errno));
        return -1;
    }
    *after = 1;
    int rc = write(state, sub, err, errlen);
    *after = 0;
    return rc;
}
