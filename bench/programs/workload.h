/*
 * workload.h - what the threaded benchmark programs share: a random
 * number step, an allocation that must succeed, and running N threads.
 */
#ifndef BENCH_WORKLOAD_H
#define BENCH_WORKLOAD_H

#include <pthread.h>
#include <stdlib.h>

/* The next value of a linear congruential sequence. */
static inline unsigned
lcg(unsigned *x)
{
	return *x = *x * 1103515245u + 12345u;
}

/* n bytes (n > 0) with their first and last byte set; exits on NULL. */
static inline char *
block(size_t n, int value)
{
	char *p = malloc(n);

	if (p == NULL)
		exit(1);
	p[0] = (char)value;
	p[n - 1] = (char)value;
	return p;
}

/* Run fn(0) ... fn(n - 1) in n threads; the sum of what they return. */
static inline unsigned long
run_threads(long n, void *(*fn)(void *))
{
	pthread_t t[64];
	unsigned long sum = 0;

	if (n > 64)
		exit(2);
	for (long i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)i) != 0)
			exit(1);
	for (long i = 0; i < n; i++) {
		void *r;

		pthread_join(t[i], &r);
		sum += (unsigned long)r;
	}
	return sum;
}

#endif
