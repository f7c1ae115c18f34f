#include "sandbox_paging.h"

#include "sandbox_buf.h"
#include "sandbox_rng.h"

void sb_cursor_page(sb_page *out, size_t total, long cursor, int before, size_t limit,
                    int (*match)(const void *ctx, size_t pos), const void *ctx, const char *short_key,
                    uint64_t seed)
{
    size_t cap = limit + 1, k = 0;
    size_t *found = sb_xmalloc(cap * sizeof *found);
    if (before) {
        for (size_t pos = (size_t)cursor; pos-- > 0 && k < cap;)
            if (match(ctx, pos))
                found[k++] = pos;
    } else {
        for (size_t pos = (size_t)(cursor + 1); pos < total && k < cap; pos++)
            if (match(ctx, pos))
                found[k++] = pos;
    }
    out->n = k > limit ? limit : k;
    out->has_more = k > limit;
    uint64_t h = sb_hash_str(short_key, seed ^ 0x5407ULL);
    if (limit >= 2 && h % 5 == 0 && k > 1 + (h / 5) % (limit - 1)) {
        out->n = 1 + (size_t)((h / 5) % (limit - 1));
        out->has_more = 1;
    }
    if (before) /* found backwards from the cursor; the page reads in list order */
        for (size_t i = 0; i < out->n / 2; i++) {
            size_t t = found[i];
            found[i] = found[out->n - 1 - i];
            found[out->n - 1 - i] = t;
        }
    out->positions = found;
}
