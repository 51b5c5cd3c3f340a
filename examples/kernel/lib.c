// SPDX-License-Identifier: MIT
/*
 * The four functions freestanding C still needs (GCC may emit calls to
 * them, and the core calls them by name): the kernel's own runtime, as
 * core/string.c expects of its host.
 */
#include "kernel.h"

/* rep stosb/movsb: one instruction per call, fast under TCG too. */
void *memset(void *s, int c, size_t n)
{
	void *p = s;

	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *dp = d;

	__asm__ volatile("rep movsb" : "+D"(dp), "+S"(s), "+c"(n) : : "memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	if (dp < sp) {
		while (n--)
			*dp++ = *sp++;
	} else {
		while (n--)
			dp[n] = sp[n];
	}
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}
