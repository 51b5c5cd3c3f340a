// SPDX-License-Identifier: MIT
/*
 * The four functions freestanding C still needs (GCC may emit calls to
 * them, and the core calls them by name): the kernel's own runtime, as
 * core/string.c expects of its host.
 */
#include "kernel.h"

/*
 * rep stosq/movsq for the 8-byte words, stosb/movsb for the rest: under
 * TCG each iteration of a string instruction costs about the same, so the
 * word forms are eight times faster on the memory map and page fills.
 */
void *memset(void *s, int c, size_t n)
{
	uint64_t v = 0x0101010101010101ull * (unsigned char)c;
	size_t words = n / 8, bytes = n % 8;
	void *p = s;

	__asm__ volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(p), "+c"(bytes) : "a"(v) : "memory");
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	size_t words = n / 8, bytes = n % 8;
	void *dp = d;

	__asm__ volatile("rep movsq" : "+D"(dp), "+S"(s), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(dp), "+S"(s), "+c"(bytes) : : "memory");
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
