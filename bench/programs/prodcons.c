/*
 * prodcons.c - producer/consumer: two pairs of threads; each producer
 * mallocs small messages (16..255 bytes) and hands them through a ring to
 * its consumer, which reads and frees them.  Every free is a cross-thread
 * free; a few thousand messages are live at a time.
 * Usage: prodcons [messages per pair]   (default 5000000)
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { PAIRS = 2, RING = 4096 };

struct pair {
	void *ring[RING];
	size_t head, tail;	/* written by producer / consumer */
	long count;
	unsigned long sum;
	pthread_t prod, cons;
};

static void *
produce(void *arg)
{
	struct pair *q = arg;
	unsigned x = 12345;

	for (long i = 0; i < q->count; i++) {
		size_t n = 16 + (lcg(&x) >> 8) % 240;	/* n < 256: m[0] is n */
		unsigned char *m = (unsigned char *)block(n, (int)n);

		while ((size_t)i - __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) >= RING)
			sched_yield();
		q->ring[i % RING] = m;
		__atomic_store_n(&q->head, (size_t)i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void *
consume(void *arg)
{
	struct pair *q = arg;

	for (long i = 0; i < q->count; i++) {
		unsigned char *m;

		while (__atomic_load_n(&q->head, __ATOMIC_ACQUIRE) == (size_t)i)
			sched_yield();
		m = q->ring[i % RING];
		q->sum += m[0] + m[m[0] - 1];
		free(m);
		__atomic_store_n(&q->tail, (size_t)i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	static struct pair pairs[PAIRS];
	long count = argc > 1 ? atol(argv[1]) : 5000000;
	unsigned long sum = 0;

	for (int i = 0; i < PAIRS; i++) {
		pairs[i].count = count;
		if (pthread_create(&pairs[i].cons, NULL, consume, &pairs[i]) != 0 ||
		    pthread_create(&pairs[i].prod, NULL, produce, &pairs[i]) != 0)
			return 1;
	}
	for (int i = 0; i < PAIRS; i++) {
		pthread_join(pairs[i].prod, NULL);
		pthread_join(pairs[i].cons, NULL);
		sum += pairs[i].sum;
	}
	printf("%lu\n", sum);
	return 0;
}
