/*
 * rptest.c - in the style of rpmalloc's benchmark (as in mimalloc-bench):
 * threads allocate blocks of random sizes, mostly small with a long tail
 * up to 64 KiB, keep a working set freed out of allocation order, and
 * pass a share of their blocks to other threads through exchange slots,
 * which free them.
 * Usage: rptest [operations per thread [threads]]   (default 2000000, 4
 * threads, at most 64: bench/programs.sh also runs 8 and 16 on two cores)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { WORKING = 8192, EXCHANGE = 1024 };

static void *exchange[EXCHANGE];
static long ops, threads = 4;

static size_t
random_size(unsigned *x)
{
	unsigned r;

	r = lcg(x) >> 8;
	switch (r & 15) {
	case 0:
		return 4096 + (r >> 4) % 61440;		/* the tail, to 64 KiB */
	case 1: case 2:
		return 512 + (r >> 4) % 3584;
	default:
		return 16 + (r >> 4) % 496;
	}
}

static void *
work(void *arg)
{
	static __thread void *set[WORKING];
	unsigned x = (unsigned)(size_t)arg * 7919u + 1;
	unsigned long sum = 0;

	for (long i = 0; i < ops; i++) {
		unsigned slot;
		size_t n = random_size(&x);
		char *p = block(n, (int)n);

		slot = (lcg(&x) >> 8) % WORKING;
		if (set[slot] != NULL) {
			void *old = set[slot];

			if ((x >> 20) % 4 == 0)	/* hand it to whoever comes next */
				old = __atomic_exchange_n(&exchange[(x >> 4) % EXCHANGE],
				    old, __ATOMIC_ACQ_REL);
			if (old != NULL)
				sum += (unsigned char)*(char *)old;
			free(old);
		}
		set[slot] = p;
	}
	for (int i = 0; i < WORKING; i++)
		free(set[i]);
	return (void *)sum;
}

int
main(int argc, char **argv)
{
	unsigned long sum;

	ops = argc > 1 ? atol(argv[1]) : 2000000;
	if (argc > 2)
		threads = atol(argv[2]);
	if (threads < 1)
		return 2;
	sum = run_threads(threads, work);
	for (int i = 0; i < EXCHANGE; i++)
		free(exchange[i]);
	printf("%lu\n", sum);
	return 0;
}
