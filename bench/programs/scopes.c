/*
 * scopes.c - nested scopes, each freeing what it allocated in reverse order
 * (an interpreter's frames, a recursive-descent parser): the best case for
 * a bump allocator whose free gives back the newest block.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long sum;

static void
scope(int depth, unsigned seed)
{
	char *local[8];
	int n = 1 + (int)(seed % 8);

	for (int i = 0; i < n; i++) {
		size_t size = 16 + (seed * 2654435761u >> (i + 3)) % 240;

		if ((local[i] = malloc(size)) == NULL)
			exit(1);
		memset(local[i], i, size);
		sum += (unsigned char)local[i][size - 1];
	}
	if (depth > 0)
		for (int k = 0; k < 2; k++)
			scope(depth - 1, seed * 1103515245u + 12345u + (unsigned)k);
	while (n-- > 0)
		free(local[n]);
}

int
main(void)
{
	for (unsigned r = 0; r < 100; r++)
		scope(14, r);
	printf("%lu\n", sum);
	return 0;
}
