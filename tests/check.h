/* SPDX-License-Identifier: MIT */
/*
 * A minimal test harness: CHECK* macros that report file:line and the
 * values, RUN() for each test function, and a closing "N passed, N failed"
 * line that CI reads.
 */
#ifndef BOOTMM_TESTS_CHECK_H
#define BOOTMM_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failed_in_test;
static int check_passed, check_failed;

#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__,	\
				__LINE__, #cond);				\
			check_failed_in_test++;					\
		}								\
	} while (0)

#define CHECK_EQ(a, b)								\
	do {									\
		unsigned long long _a = (unsigned long long)(a);		\
		unsigned long long _b = (unsigned long long)(b);		\
		if (_a != _b) {							\
			fprintf(stderr, "%s:%d: %s == %s failed: %#llx (%llu) != %#llx (%llu)\n", \
				__FILE__, __LINE__, #a, #b, _a, _a, _b, _b);	\
			check_failed_in_test++;					\
		}								\
	} while (0)

#define CHECK_STR(a, b)								\
	do {									\
		const char *_a = (a), *_b = (b);				\
		if (!_a || !_b || strcmp(_a, _b)) {				\
			fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, _a ? _a : "(null)",	\
				_b ? _b : "(null)");				\
			check_failed_in_test++;					\
		}								\
	} while (0)

#define RUN(fn)									\
	do {									\
		check_failed_in_test = 0;					\
		fn();								\
		if (check_failed_in_test) {					\
			check_failed++;						\
			fprintf(stderr, "FAIL %s\n", #fn);			\
		} else {							\
			check_passed++;						\
			printf("ok   %s\n", #fn);				\
		}								\
	} while (0)

#define CHECK_DONE()								\
	(printf("%d passed, %d failed\n", check_passed, check_failed),		\
	 check_failed ? 1 : 0)

#endif /* BOOTMM_TESTS_CHECK_H */
