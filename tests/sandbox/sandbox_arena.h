/* A string arena for generated text: many small strings freed at once. */
#ifndef SANDBOX_ARENA_H
#define SANDBOX_ARENA_H

typedef struct sb_arena sb_arena;

sb_arena *sb_arena_new(void);
const char *sb_arena_strdup(sb_arena *a, const char *s);
const char *sb_arena_printf(sb_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_arena_free(sb_arena *a);

#endif
