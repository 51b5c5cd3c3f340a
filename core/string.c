// SPDX-License-Identifier: MIT
/*
 * The four functions a freestanding C program must still provide (GCC emits
 * calls to them for struct copies and large initialisers), under bm_ names,
 * plus the two string helpers the core needs. The host build links libc's
 * memset/memcpy instead; a kernel or bare-metal host supplies its own.
 */
#include "internal.h"

size_t bm_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int bm_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}
