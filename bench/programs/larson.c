/*
 * larson.c - in the style of Larson and Krishnan's server benchmark (as in
 * mimalloc-bench): each thread owns a table of blocks and replaces random
 * entries with new blocks of random size (16..1000 bytes); after every
 * round the tables rotate between threads, so most frees are of blocks
 * another thread allocated.
 * Usage: larson [rounds [threads]]   (default 40 rounds, 4 threads, at
 * most 64: bench/programs.sh also runs 8 and 16 on two cores)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { MAX_THREADS = 64, SLOTS = 4000, OPS = 50000 };

static char **tables[MAX_THREADS];
static pthread_barrier_t barrier;
static long rounds, threads = 4;

static void *
work(void *arg)
{
	long id = (long)arg;
	unsigned x = (unsigned)id * 2654435761u + 7;
	unsigned long sum = 0;

	for (long r = 0; r < rounds; r++) {
		char **table = tables[(id + r) % threads];

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
	if (argc > 2)
		threads = atol(argv[2]);
	if (threads < 1 || threads > MAX_THREADS)
		return 2;
	pthread_barrier_init(&barrier, NULL, (unsigned)threads);
	for (int i = 0; i < threads; i++)
		if ((tables[i] = calloc(SLOTS, sizeof(char *))) == NULL)
			return 1;
	sum = run_threads(threads, work);
	for (int i = 0; i < threads; i++) {
		for (int j = 0; j < SLOTS; j++)
			free(tables[i][j]);
		free(tables[i]);
	}
	printf("%lu\n", sum);
	return 0;
}
