// SPDX-License-Identifier: MIT
/*
 * The one string helper the core needs. memset, memcpy, memmove and memcmp,
 * which GCC may emit calls to even in freestanding code, come from the host:
 * libc here, a kernel's or a bare-metal runtime's own elsewhere
 * (tools/check-freestanding.sh allows exactly those four).
 */
#include "internal.h"

int bm_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}
