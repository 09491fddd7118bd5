/*
 * threads.c - four threads, each allocating and freeing blocks of mixed
 * sizes with a sliding window of live blocks (a worker pool's requests).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { THREADS = 4, WINDOW = 256, OPS = 4000000 };

static void *
work(void *arg)
{
	void *live[WINDOW] = { 0 };
	unsigned x = (unsigned)(size_t)arg * 2654435761u + 1;
	unsigned long sum = 0;

	for (int i = 0; i < OPS; i++) {
		int slot = (int)((x >> 8) % WINDOW);
		size_t size = 8 + (x >> 16) % 500;

		lcg(&x);
		free(live[slot]);
		if ((live[slot] = malloc(size)) == NULL)
			exit(1);
		memset(live[slot], i, 8);
		sum += ((unsigned char *)live[slot])[7];
	}
	for (int i = 0; i < WINDOW; i++)
		free(live[i]);
	return (void *)sum;
}

int
main(void)
{
	printf("%lu\n", run_threads(THREADS, work));
	return 0;
}
