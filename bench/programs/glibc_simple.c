/*
 * glibc_simple.c - in the style of glibc's bench-malloc-simple (as run by
 * mimalloc-bench): batches of small blocks, allocated then freed in
 * allocation order, over and over, in one thread.  Measures the malloc
 * and free fast paths and how well freed memory is reused.
 * Usage: glibc_simple [rounds]   (default 1000)
 */
#include <stdio.h>
#include <stdlib.h>

enum { BATCH = 1000 };

int
main(int argc, char **argv)
{
	static void *blocks[BATCH];
	static const size_t sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
	long rounds = argc > 1 ? atol(argv[1]) : 1000;
	unsigned long sum = 0;

	for (long r = 0; r < rounds; r++) {
		for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
			for (int i = 0; i < BATCH; i++) {
				char *p = malloc(sizes[s]);
				if (p == NULL)
					return 1;
				p[0] = (char)i;
				blocks[i] = p;
			}
			for (int i = 0; i < BATCH; i++) {
				sum += *(unsigned char *)blocks[i];
				free(blocks[i]);
			}
		}
	}
	printf("%lu\n", sum);
	return 0;
}
