/*
 * xmalloc.c - in the style of xmalloc-test (Lever and Boreham, as in
 * mimalloc-bench): half the threads write, allocating blocks of random
 * sizes in batches and pushing each batch on a shared stack; the other
 * half free, popping batches and freeing every block.  Every free is of a
 * block another thread allocated, and the writers never free: an
 * allocator must send the memory back to them.  At most MAX_QUEUED
 * batches wait (a writer that finds the stack full waits), so what is
 * live stays bounded.
 * Usage: xmalloc [batches per writer [threads]]   (default 4000, 8 threads:
 * 4 writers, 4 freers; at most 64)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "workload.h"

enum { BATCH = 64, MAX_QUEUED = 256 };

struct batch {
	struct batch *next;
	char *blocks[BATCH];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static struct batch *stack;
static long queued, writers, writers_left, batches;

static size_t
random_size(unsigned *x)
{
	unsigned r = lcg(x) >> 8;

	return (r & 15) == 0 ? 1024 + (r >> 4) % 3072 : 16 + (r >> 4) % 496;
}

static void *
write_batches(unsigned x)
{
	unsigned long sum = 0;

	for (long i = 0; i < batches; i++) {
		struct batch *b = malloc(sizeof *b);

		if (b == NULL)
			exit(1);
		for (int j = 0; j < BATCH; j++) {
			size_t n = random_size(&x);

			b->blocks[j] = block(n, (int)n);
			sum += (unsigned char)b->blocks[j][0];
		}
		pthread_mutex_lock(&lock);
		while (queued >= MAX_QUEUED)
			pthread_cond_wait(&changed, &lock);
		b->next = stack;
		stack = b;
		queued++;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	writers_left--;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
	return (void *)sum;
}

static void *
free_batches(void)
{
	unsigned long sum = 0;

	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&lock);
		while (stack == NULL && writers_left > 0)
			pthread_cond_wait(&changed, &lock);
		if ((b = stack) != NULL) {
			stack = b->next;
			queued--;
			pthread_cond_broadcast(&changed);
		}
		pthread_mutex_unlock(&lock);
		if (b == NULL)
			return (void *)sum;
		for (int j = 0; j < BATCH; j++) {
			sum += (unsigned char)b->blocks[j][0];
			free(b->blocks[j]);
		}
		free(b);
	}
}

static void *
work(void *arg)
{
	long id = (long)arg;

	return id < writers ? write_batches((unsigned)id * 2654435761u + 1) :
	    free_batches();
}

int
main(int argc, char **argv)
{
	long threads;
	unsigned long sum;

	batches = argc > 1 ? atol(argv[1]) : 4000;
	threads = argc > 2 ? atol(argv[2]) : 8;
	if (threads < 2 || threads > 64)
		return 2;
	writers = writers_left = threads / 2;
	sum = run_threads(threads, work);
	printf("%lu\n", sum);
	return 0;
}
