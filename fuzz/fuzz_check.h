/* CHECK(cond): what a fuzz target asserts. A failed check prints where and aborts, which
 * libFuzzer reports as a finding with its input (assert() would vanish under NDEBUG). */
#ifndef BILLTAP_FUZZ_CHECK_H
#define BILLTAP_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__,    \
			        __LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

#endif
