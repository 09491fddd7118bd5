/*
 * larson.c - in the style of Larson and Krishnan's server benchmark (as in
 * mimalloc-bench): each thread owns a table of blocks and replaces random
 * entries with new blocks of random size (16..1000 bytes); after every
 * round the tables rotate between threads, so most frees are of blocks
 * another thread allocated.
 * Usage: larson [rounds]   (default 40)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { THREADS = 4, SLOTS = 4000, OPS = 50000 };

static char **tables[THREADS];
static pthread_barrier_t barrier;
static long rounds;

static void *
work(void *arg)
{
	long id = (long)arg;
	unsigned x = (unsigned)id * 2654435761u + 7;
	unsigned long sum = 0;

	for (long r = 0; r < rounds; r++) {
		char **table = tables[(id + r) % THREADS];

		for (int i = 0; i < OPS; i++) {
			int slot = (int)((x >> 8) % SLOTS);
			size_t n = 16 + (x >> 12) % 985;

			lcg(&x);
			free(table[slot]);
			table[slot] = block(n, (int)n);
			sum += (unsigned char)table[slot][0];
		}
		pthread_barrier_wait(&barrier);
	}
	return (void *)sum;
}

int
main(int argc, char **argv)
{
	unsigned long sum;

	rounds = argc > 1 ? atol(argv[1]) : 40;
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		if ((tables[i] = calloc(SLOTS, sizeof(char *))) == NULL)
			return 1;
	sum = run_threads(THREADS, work);
	for (int i = 0; i < THREADS; i++) {
		for (int j = 0; j < SLOTS; j++)
			free(tables[i][j]);
		free(tables[i]);
	}
	printf("%lu\n", sum);
	return 0;
}
