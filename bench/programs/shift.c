/*
 * shift.c - a long-running server whose mix of sizes shifts: two threads
 * keep 10000 live blocks each and replace random ones, drawing sizes from
 * a band that moves every phase (32 bytes, then 64, ... 8 KiB, and back
 * down), so that memory freed in one phase must serve the sizes of the
 * next.  Peak RSS shows whether freed memory is reused beyond its class.
 * Usage: shift [phases]   (default 24)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { THREADS = 2, LIVE = 10000, PER_PHASE = 250000 };

static long phases;

static void *
work(void *arg)
{
	static __thread char *live[LIVE];
	unsigned x = (unsigned)(size_t)arg * 104729u + 3;
	unsigned long sum = 0;

	for (long ph = 0; ph < phases; ph++) {
		int step = (int)(ph % 16);
		size_t base = (size_t)32 << (step < 8 ? step : 15 - step);

		for (int i = 0; i < PER_PHASE; i++) {
			size_t n;
			int slot;

			slot = (int)((lcg(&x) >> 8) % LIVE);
			n = base / 2 + (x >> 20) % base;
			free(live[slot]);
			live[slot] = block(n, (int)i);
			memset(live[slot], (int)i, n < 64 ? n : 64);
			sum += (unsigned char)live[slot][0];
		}
	}
	for (int i = 0; i < LIVE; i++)
		free(live[i]);
	return (void *)sum;
}

int
main(int argc, char **argv)
{
	unsigned long sum;

	phases = argc > 1 ? atol(argv[1]) : 24;
	sum = run_threads(THREADS, work);
	printf("%lu\n", sum);
	return 0;
}
