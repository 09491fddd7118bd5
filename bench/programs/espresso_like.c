/*
 * espresso_like.c - in the style of espresso (mimalloc-bench): a working
 * set of small blocks of mixed sizes, replaced at random (frees out of
 * allocation order), plus bursts of short-lived temporaries freed in
 * reverse order, and arrays grown with realloc.
 * Usage: espresso_like [steps]   (default 40000000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LIVE = 20000, BURST = 64 };

static unsigned long seed = 88172645463325252ul;

static unsigned long
next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

int
main(int argc, char **argv)
{
	static char *live[LIVE];
	char *burst[BURST];
	long steps = argc > 1 ? atol(argv[1]) : 40000000;
	unsigned long sum = 0;

	for (long s = 0; s < steps; s++) {
		unsigned long r = next();
		size_t slot = r % LIVE, size = 8 + (r >> 20) % 120;

		free(live[slot]);		/* out of order */
		if ((live[slot] = malloc(size)) == NULL)
			return 1;
		memset(live[slot], (int)s, size);
		if (s % 64 == 0) {		/* temporaries, stack-like */
			int n = (int)(r >> 40) % BURST;
			for (int i = 0; i < n; i++)
				burst[i] = malloc(16 + (size_t)i * 8);
			for (int i = n; i-- > 0;)
				free(burst[i]);
		}
		if (s % 4096 == 0) {		/* a growing set */
			int *v = NULL;
			for (int i = 0; i < 2000; i++) {
				v = realloc(v, (size_t)(i + 1) * sizeof *v);
				v[i] = i;
			}
			sum += (unsigned long)v[1999];
			free(v);
		}
		sum += (unsigned char)live[slot][0];
	}
	for (size_t i = 0; i < LIVE; i++)
		free(live[i]);
	printf("%lu\n", sum);
	return 0;
}
