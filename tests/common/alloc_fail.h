/*
 * Allocation failure injection for white-box tests. The unit-test runner is linked with
 * -Wl,--wrap for malloc, calloc, realloc, strdup and strndup (tests/meson.build), so every
 * allocation made by the library's objects (and the test's own) goes through
 * tests/common/alloc_fail.c; libc and libcurl are not wrapped. Counting and failing apply
 * to the thread that armed them only (a test's server thread is never failed).
 */
#ifndef BILLTAP_TESTS_ALLOC_FAIL_H
#define BILLTAP_TESTS_ALLOC_FAIL_H

#include <stddef.h>

/* From now on, in this thread: count allocations, and fail the nth one (once; n >= 1), or
 * none when n is 0. */
void alloc_fail_arm(long n);
/* Stops counting and failing. */
void alloc_fail_disarm(void);
/* Allocations counted since alloc_fail_arm(), and whether the nth one was failed. */
long alloc_fail_count(void);
int alloc_fail_fired(void);

#endif
