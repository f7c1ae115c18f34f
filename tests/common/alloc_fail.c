/* The --wrap targets behind alloc_fail.h. */
#define _GNU_SOURCE
#include "alloc_fail.h"

#include <stdlib.h>
#include <string.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static _Thread_local int armed, fired;
static _Thread_local long counted, fail_at;

void alloc_fail_arm(long n)
{
	armed = 1;
	fired = 0;
	counted = 0;
	fail_at = n;
}

void alloc_fail_disarm(void)
{
	armed = 0;
}

long alloc_fail_count(void)
{
	return counted;
}

int alloc_fail_fired(void)
{
	return fired;
}

static int fail_now(void)
{
	if (!armed)
		return 0;
	if (++counted != fail_at)
		return 0;
	fired = 1;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t count, size_t n)
{
	return fail_now() ? NULL : __real_calloc(count, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}
