// SPDX-License-Identifier: MIT
/* bootmm: placeholder entry point until the CLI issue lands. */
#include <stdio.h>

int main(void)
{
	puts("bootmm");
	return 0;
}
