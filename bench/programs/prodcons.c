/*
 * prodcons.c - producer/consumer: two pairs of threads; each producer
 * mallocs small messages (16..255 bytes) and hands them through a ring to
 * its consumer, which reads and frees them.  Every free is a cross-thread
 * free; a few thousand messages are live at a time.  A side that finds
 * the ring full (or empty) spins a little, then sleeps on a condition
 * variable until the other wakes it, as a real queue does: with four
 * threads on fewer cores, waits that yield in a loop measured the
 * scheduler (0.2 to 4 s from run to run, under every allocator).
 * Usage: prodcons [messages per pair]   (default 5000000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

enum { PAIRS = 2, RING = 4096, SPINS = 200 };
enum side { PRODUCER, CONSUMER };

struct pair {
	void *ring[RING];
	size_t head, tail;	/* written by producer / consumer */
	long count;
	unsigned long sum;
	pthread_t prod, cons;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int asleep[2];		/* that side waits on wake, or is about to */
};

/* What side waits for before its i-th message: room, or a message. */
static int
ready(struct pair *q, enum side side, size_t i)
{
	if (side == PRODUCER)
		return i - __atomic_load_n(&q->tail, __ATOMIC_SEQ_CST) < RING;
	return __atomic_load_n(&q->head, __ATOMIC_SEQ_CST) != i;
}

static void
wait_for(struct pair *q, enum side side, size_t i)
{
	for (int spin = 0; spin < SPINS; spin++)
		if (ready(q, side, i))
			return;
	pthread_mutex_lock(&q->lock);
	__atomic_store_n(&q->asleep[side], 1, __ATOMIC_SEQ_CST);
	while (!ready(q, side, i))
		pthread_cond_wait(&q->wake, &q->lock);
	__atomic_store_n(&q->asleep[side], 0, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&q->lock);
}

/* The other side may sleep: wake it (it set asleep before it looked, and
 * we stored before we look: one of us sees the other). */
static void
wake(struct pair *q, enum side other)
{
	if (__atomic_load_n(&q->asleep[other], __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&q->lock);
		pthread_cond_broadcast(&q->wake);
		pthread_mutex_unlock(&q->lock);
	}
}

static void *
produce(void *arg)
{
	struct pair *q = arg;
	unsigned x = 12345;

	for (long i = 0; i < q->count; i++) {
		size_t n = 16 + (lcg(&x) >> 8) % 240;	/* n < 256: m[0] is n */
		unsigned char *m = (unsigned char *)block(n, (int)n);

		wait_for(q, PRODUCER, (size_t)i);
		q->ring[i % RING] = m;
		__atomic_store_n(&q->head, (size_t)i + 1, __ATOMIC_SEQ_CST);
		wake(q, CONSUMER);
	}
	return NULL;
}

static void *
consume(void *arg)
{
	struct pair *q = arg;

	for (long i = 0; i < q->count; i++) {
		unsigned char *m;

		wait_for(q, CONSUMER, (size_t)i);
		m = q->ring[i % RING];
		q->sum += m[0] + m[m[0] - 1];
		free(m);
		__atomic_store_n(&q->tail, (size_t)i + 1, __ATOMIC_SEQ_CST);
		wake(q, PRODUCER);
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
		pthread_mutex_init(&pairs[i].lock, NULL);
		pthread_cond_init(&pairs[i].wake, NULL);
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
